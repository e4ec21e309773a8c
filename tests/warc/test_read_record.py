"""One WARC record as a range request returns it: a page, a redirect or an error page, or why not."""

from __future__ import annotations

import datetime as dt
import gzip
import io
import random
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from corpus.warc.read import Broken, NotOk, Page, ReadStats, iter_pages, read_record

OUTLET = "https://www.lagelandencourant.example"
ARTICLE = f"{OUTLET}/binnenland/2018/02/overval-op-juwelier-in-utrecht"
WHEN = "2018-02-19T13:14:15Z"
HTML = (
    b'<!doctype html><html lang="nl"><head><meta charset="utf-8"><title>Overval op juwelier in Utrecht</title>'
    b'<meta property="article:published_time" content="2018-02-19T11:02:00+01:00"></head><body><article>'
    b"<h1>Overval op juwelier in Utrecht</h1><p>Twee mannen hebben maandagochtend een juwelier aan de "
    b"Oudegracht overvallen. Zij bedreigden het personeel met een vuurwapen en gingen er met sieraden "
    b"vandoor.</p><p>De politie zoekt getuigen die de mannen in de richting van het Janskerkhof hebben "
    b"zien rennen. Niemand raakte gewond.</p></article></body></html>"
)


def _member(
    url: str,
    status: str = "200 OK",
    headers: list[tuple[str, str]] | None = None,
    body: bytes = HTML,
    *,
    kind: str = "response",
    compress: bool = True,
) -> bytes:
    """One record as Common Crawl stores it: its own gzip member (or, ``compress=False``, plain)."""
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=compress, warc_version="1.0")
    if kind == "warcinfo":
        record = writer.create_warcinfo_record(
            "CC-MAIN-test.warc.gz", {"software": "test", "format": "WARC 1.0"}
        )
    elif kind == "metadata":
        record = writer.create_warc_record(
            url, "metadata", payload=io.BytesIO(b"fetchTimeMs: 212\r\n"), warc_content_type="application/warc-fields",
            warc_headers_dict={"WARC-Date": WHEN},
        )  # fmt: skip
    else:
        request = kind == "request"
        if headers is None:
            headers = [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(body)))]
        http = StatusAndHeaders(status, headers, protocol="HTTP/1.1", is_http_request=request)
        record = writer.create_warc_record(
            url, kind, payload=io.BytesIO(b"" if request else body), http_headers=http,
            warc_headers_dict={"WARC-Date": WHEN, "WARC-IP-Address": "192.0.2.17"},
        )  # fmt: skip
    writer.write_record(record)
    return out.getvalue()


def _record_id(plain: bytes) -> str:
    for line in plain.split(b"\r\n"):
        if line.startswith(b"WARC-Record-ID:"):
            return line.split(b":", 1)[1].strip().decode()
    raise AssertionError("no WARC-Record-ID")


def test_a_range_of_a_common_crawl_file_gives_the_page(tmp_path: Path) -> None:
    """warcinfo, request, response, metadata: each its own member, located by offset and length."""
    gzipped = gzip.compress(HTML)
    headers = [
        ("Content-Type", "text/html; charset=utf-8"),
        ("Content-Encoding", "gzip"),
        ("Content-Length", str(len(gzipped))),
        ("Last-Modified", "Mon, 19 Feb 2018 10:00:00 GMT"),
    ]
    members = [
        _member("", kind="warcinfo"),
        _member(ARTICLE, "GET /binnenland/2018/02/overval-op-juwelier-in-utrecht HTTP/1.1",
                [("Host", "www.lagelandencourant.example"), ("Accept-Encoding", "gzip")], kind="request"),
        _member(ARTICLE, "200 OK", headers, gzipped),
        _member(ARTICLE, kind="metadata"),
    ]  # fmt: skip
    warc = tmp_path / "CC-MAIN-20180219123456-20180219143456-00042.warc.gz"
    warc.write_bytes(b"".join(members))
    offsets = [sum(len(m) for m in members[:i]) for i in range(len(members))]
    data = warc.read_bytes()

    def ranged(i: int) -> bytes:
        return data[offsets[i] : offsets[i] + len(members[i])]

    page = read_record(ranged(2), url=ARTICLE)
    assert isinstance(page, Page), page
    assert (page.url, page.status, page.offset) == (ARTICLE, 200, 0)
    assert page.body == HTML  # Content-Encoding undone
    assert page.date == dt.datetime(2018, 2, 19, 13, 14, 15, tzinfo=dt.UTC)
    assert page.record_id == _record_id(gzip.decompress(members[2]))
    assert ("Last-Modified", "Mon, 19 Feb 2018 10:00:00 GMT") in page.headers
    # The same page as a scan of the whole file reads it, but for the offset.
    [scanned] = [p for p in iter_pages(warc, lambda u: True) if isinstance(p, Page)]
    assert scanned.offset == offsets[2]
    assert (scanned.url, scanned.headers, scanned.body, scanned.date, scanned.record_id) == (
        page.url, page.headers, page.body, page.date, page.record_id,
    )  # fmt: skip
    # Without a URL to check, the record says which page it is.
    assert isinstance(unchecked := read_record(ranged(2)), Page) and unchecked.url == ARTICLE
    # A range that landed on another record of the file.
    for i in (0, 1, 3):
        other = read_record(ranged(i), url=ARTICLE)
        assert isinstance(other, Broken) and other.reason == "not_response", (i, other)
    # A range longer than the record (into the next member) still reads the record it starts with.
    longer = read_record(data[offsets[2] : offsets[3] + 40], url=ARTICLE)
    assert isinstance(longer, Page) and longer.body == HTML


def test_an_uncompressed_record_reads_the_same() -> None:
    plain = read_record(_member(ARTICLE, compress=False), url=ARTICLE)
    member = read_record(_member(ARTICLE), url=ARTICLE)
    assert isinstance(plain, Page) and isinstance(member, Page)
    assert (plain.body, plain.headers, plain.date) == (member.body, member.headers, member.date) == (
        HTML, [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(HTML)))], member.date,
    )  # fmt: skip


@pytest.mark.parametrize("compress", [True, False])
def test_a_range_cut_short_is_truncated_wherever_it_is_cut(compress: bool) -> None:
    whole = _member(ARTICLE, compress=compress)
    # Plain: the record is complete once its block is; only the closing CRLFs may go.
    ends = len(whole) if compress else len(whole) - 4
    for cut in range(ends):
        got = read_record(whole[:cut], url=ARTICLE)
        assert isinstance(got, Broken) and got.reason == "truncated", (cut, got)
        assert got.url == ARTICLE
    assert isinstance(read_record(whole, url=ARTICLE), Page)


def test_a_payload_that_does_not_match_its_digest() -> None:
    plain = _member(ARTICLE, compress=False)
    spoiled = plain.replace(b"Niemand raakte gewond", b"Niemand raakte GEWOND")
    assert len(spoiled) == len(plain) and spoiled != plain
    got = read_record(gzip.compress(spoiled), url=ARTICLE)
    assert isinstance(got, Broken) and got.reason == "digest_mismatch", got


def test_redirects_and_error_pages_are_not_ok_with_where_a_redirect_leads() -> None:
    moved = f"{OUTLET}/binnenland/2018/02/overval-juwelier-utrecht"
    for status, location, expected in (
        ("301 Moved Permanently", moved, moved),
        ("302 Found", "/binnenland/2018/02/overval-juwelier-utrecht?bron=home", f"{moved}?bron=home"),
    ):
        headers = [("Location", location), ("Content-Length", "0")]
        got = read_record(_member(ARTICLE, status, headers, b""), url=ARTICLE)
        assert got == NotOk(0, ARTICLE, int(status[:3]), expected)
    missing = _member(ARTICLE, "404 Not Found", [("Content-Type", "text/html")], b"<h1>Niet gevonden</h1>")
    assert read_record(missing, url=ARTICLE) == NotOk(0, ARTICLE, 404, None)
    # A redirect without a Location leads nowhere.
    assert read_record(_member(ARTICLE, "302 Found", [], b""), url=ARTICLE) == NotOk(0, ARTICLE, 302, None)


def test_scanning_a_file_still_only_counts_responses_that_are_not_ok(tmp_path: Path) -> None:
    warc = tmp_path / "mixed.warc.gz"
    redirect = _member(ARTICLE, "301 Moved Permanently", [("Location", f"{OUTLET}/elders")], b"")
    warc.write_bytes(
        redirect + _member(f"{OUTLET}/regio/a") + _member(f"{OUTLET}/weg", "404 Not Found", [], b"")
    )
    stats = ReadStats()
    events = list(iter_pages(warc, lambda u: True, stats=stats))
    assert [type(e) for e in events] == [Page] and stats.not_ok == 2 and stats.wanted == 3


def test_a_range_of_another_url_is_the_wrong_record() -> None:
    got = read_record(_member(f"{OUTLET}/regio/2018/02/brand-in-loods"), url=ARTICLE)
    assert isinstance(got, Broken) and got.reason == "wrong_record" and got.url == ARTICLE
    assert "brand-in-loods" in got.detail


@pytest.mark.parametrize(
    "data",
    [
        b"<html><body>503 Service Unavailable</body></html>",
        gzip.compress(b"<html><body>Dit is geen WARC-record</body></html>\r\n\r\n"),
        b"\x1f\x8b\x08\x00" + bytes(range(200)),  # a gzip header, then no deflate stream
        b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: twaalf\r\n\r\nHTTP/1.1 200 OK\r\n\r\n",
    ],
)
def test_bytes_that_are_no_record_are_a_bad_record(data: bytes) -> None:
    got = read_record(data, url=ARTICLE)
    assert isinstance(got, Broken) and got.reason == "bad_record", got


def test_limits_hold_for_a_record_as_for_a_file() -> None:
    big = b"<p>" + b"a" * 5000 + b"</p>"
    got = read_record(_member(ARTICLE, body=big), url=ARTICLE, max_bytes=1000)
    assert isinstance(got, Broken) and got.reason == "too_large", got
    # A member that would expand far past the limit is stopped while it is decompressed.
    bomb = _member(ARTICLE, body=bytes(3 * 1024 * 1024))
    assert len(bomb) < 20_000
    got = read_record(bomb, url=ARTICLE, max_bytes=1000)
    assert isinstance(got, Broken) and got.reason == "too_large", got
    # A body shorter than its Content-Length (cut when it was archived) is truncated too.
    short = _member(ARTICLE, headers=[("Content-Length", str(len(HTML) + 100))])
    got = read_record(short, url=ARTICLE)
    assert isinstance(got, Broken) and got.reason == "truncated", got


def test_spoiled_bytes_never_raise() -> None:
    """A range from a flaky mirror: every outcome is a value, never an exception."""
    rng = random.Random(20)
    whole = _member(ARTICLE)
    reasons = set()
    for _ in range(300):
        data = bytearray(whole)
        for _ in range(rng.randint(1, 4)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        got = read_record(bytes(data[: rng.randint(len(data) // 2, len(data))]), url=ARTICLE)
        assert isinstance(got, Page | Broken | NotOk)
        reasons.add(got.reason if isinstance(got, Broken) else type(got).__name__)
    assert {"truncated", "bad_record"} <= reasons


@pytest.mark.parametrize("http", [b"", b"HTTP/1.1 abc OK\r\n\r\n", b"Dit is geen HTTP\r\n\r\n<p>tekst</p>"])
def test_a_response_record_without_a_readable_http_message(http: bytes) -> None:
    head = (
        f"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: {ARTICLE}\r\nWARC-Date: {WHEN}\r\n"
        f"Content-Type: application/http; msgtype=response\r\nContent-Length: {len(http)}\r\n\r\n"
    )
    got = read_record(gzip.compress(head.encode() + http + b"\r\n\r\n"), url=ARTICLE)
    assert isinstance(got, Broken) and got.reason == "bad_http" and got.url == ARTICLE, got
