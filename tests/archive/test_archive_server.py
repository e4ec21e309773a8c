"""The local web archive (corpus/devtools/archive.py) answers as Common Crawl and the Wayback do.

The backfill's tests trust this archive, so its own behaviour is pinned here against real
requests on 127.0.0.1: a range is one gzip member holding the right record, paging covers every
index line once, the filters and collapse select what the archives select, and the faults
(503 with Retry-After, a cut response) happen as announced.
"""

from __future__ import annotations

import datetime as dt
import http.client
import io
import json
import urllib.error
import urllib.request
import zlib
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from fastwarc.warc import ArchiveIterator, WarcRecordType

from corpus.archive.cdx import (
    Span,
    capture_wanted,
    cc_query,
    collections_for,
    ia_query,
    parse_cc_lines,
    parse_collinfo,
    parse_ia_lines,
    parse_num_pages,
)
from corpus.archive.wayback import original_headers, parse_capture_url, raw_capture_url
from corpus.devtools.archive import (
    DEMO_BASES,
    ArchivedPage,
    ArchiveEndpoints,
    ArchiveManifest,
    build_archive,
    demo_archive_pages,
    serve_archive,
    sha1_base32,
    surt_key,
)
from corpus.devtools.server import demo_site_root
from corpus.warc.read import Broken, NotOk, Page, iter_pages, read_record

HOST = "https://www.stadskrant.example"
OTHER = "https://nieuws.buurblad.example"


def _page(path: str, when: dt.datetime, words: str, base: str = HOST) -> ArchivedPage:
    body = (
        f'<!DOCTYPE html>\n<html lang="nl"><head><meta charset="utf-8"><title>{words}</title></head>'
        f"<body><article><h1>{words}</h1><p>{words} Dat meldt de politie woensdag.</p></article></body></html>\n"
    ).encode()
    return ArchivedPage(base + path, body, when)


def _pages() -> list[ArchivedPage]:
    """Eleven captures: ten pages of two hosts over two months, a redirect, a PDF and a recapture."""
    feb = dt.datetime(2018, 2, 18, 4, 12, 45, tzinfo=dt.UTC)
    pages = [
        _page(
            f"/nieuws/2018/02/{10 + i}/inbraak-in-wijk-{i}",
            feb + dt.timedelta(hours=i),
            f"Inbraak nummer {i}",
        )
        for i in range(6)
    ]
    pages += [
        _page("/regio/overval-op-tankstation", dt.datetime(2018, 3, 5, 9, tzinfo=dt.UTC), "Overval"),
        _page("/112/brand-in-schuur", dt.datetime(2018, 3, 6, 9, tzinfo=dt.UTC), "Brand", base=OTHER),
        _page("/112/auto-te-water", dt.datetime(2018, 3, 7, 9, tzinfo=dt.UTC), "Auto te water", base=OTHER),
        ArchivedPage.redirect(
            HOST + "/oud/overval",
            HOST + "/regio/overval-op-tankstation",
            dt.datetime(2018, 3, 8, tzinfo=dt.UTC),
        ),
        ArchivedPage(
            HOST + "/downloads/jaarverslag.pdf",
            b"%PDF-1.4 jaarverslag",
            dt.datetime(2018, 3, 9, tzinfo=dt.UTC),
            headers=(("Content-Type", "application/pdf"),),
        ),
        # The same URL again a day later: collapse=urlkey keeps one line of the two.
        _page(
            "/regio/overval-op-tankstation",
            dt.datetime(2018, 3, 10, 9, tzinfo=dt.UTC),
            "Overval (bijgewerkt)",
        ),
    ]
    return pages


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> ArchiveManifest:
    return build_archive(tmp_path_factory.mktemp("archive"), _pages(), page_size=3, captures_per_file=4)


@pytest.fixture
def served(archive: ArchiveManifest) -> Iterator[ArchiveEndpoints]:
    with serve_archive(archive) as endpoints:
        yield endpoints


def _get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    """GET without following redirects; (status, headers, body) also for error statuses."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: object, **kwargs: object) -> None:
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(urllib.request.Request(url, headers=headers or {}), timeout=10) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read()


def _cc_api(served: ArchiveEndpoints, collection: str) -> str:
    status, _, body = _get(served.cc_index_url + "/collinfo.json")
    assert status == 200
    return next(c["cdx-api"] for c in json.loads(body) if c["id"] == collection)


def _json_lines(body: bytes) -> list[dict[str, str]]:
    return [json.loads(line) for line in body.decode().splitlines() if line.strip()]


# -- building ------------------------------------------------------------------------------------


def test_collections_are_chosen_by_capture_time_and_listed_with_their_period(
    archive: ArchiveManifest, served: ArchiveEndpoints
) -> None:
    status, _, body = _get(served.cc_index_url + "/collinfo.json")
    infos = json.loads(body)
    assert status == 200
    assert [c["id"] for c in infos] == ["CC-MAIN-2018-10", "CC-MAIN-2018-06"]  # newest first
    march, feb = infos
    assert (feb["from"], feb["to"]) == ("2018-02-01T00:00:00", "2018-02-28T23:59:59")
    assert march["cdx-api"] == served.cc_index_url + "/CC-MAIN-2018-10-index"
    for capture in archive.captures:
        assert capture.collection == (
            "CC-MAIN-2018-06" if capture.timestamp < "201803" else "CC-MAIN-2018-10"
        )
        assert capture.filename is not None
        assert capture.filename.startswith(f"crawl-data/{capture.collection}/segments/")
        assert "/warc/CC-MAIN-" in capture.filename


def test_whole_warc_files_read_by_the_ingest_reader_hold_every_ok_page(archive: ArchiveManifest) -> None:
    found: dict[str, Page] = {}
    for relative in archive.warc_files:
        for item in iter_pages(archive.path(relative), lambda url: True):
            assert isinstance(item, Page), item
            found[f"{item.url} {item.date:%Y%m%d%H%M%S}"] = item
    ok = [c for c in archive.captures if c.status == 200]
    assert sorted(found) == sorted(f"{c.url} {c.timestamp}" for c in ok)
    for capture in ok:
        assert found[f"{capture.url} {capture.timestamp}"].record_id == capture.record_id


def test_build_is_deterministic(tmp_path: Path) -> None:
    one = build_archive(tmp_path / "one", _pages())
    two = build_archive(tmp_path / "two", _pages())
    assert one.warc_files == two.warc_files
    for relative in one.warc_files:
        assert one.path(relative).read_bytes() == two.path(relative).read_bytes()


# -- Common Crawl data: ranges ----------------------------------------------------------------


def test_a_range_request_is_one_gzip_member_holding_the_right_record(
    archive: ArchiveManifest, served: ArchiveEndpoints
) -> None:
    pages = {(p.url, p.timestamp): p for p in _pages()}
    for capture in archive.captures:
        assert capture.offset is not None and capture.length is not None
        end = capture.offset + capture.length - 1
        status, headers, data = _get(
            f"{served.cc_data_url}/{capture.filename}", {"Range": f"bytes={capture.offset}-{end}"}
        )
        size = archive.path(capture.filename or "").stat().st_size
        assert status == 206
        assert headers["Content-Range"] == f"bytes {capture.offset}-{end}/{size}"
        assert len(data) == capture.length
        inflate = zlib.decompressobj(31)
        inflate.decompress(data)
        assert inflate.eof and inflate.unused_data == b""  # exactly one member, whole
        records = ArchiveIterator(io.BytesIO(data), parse_http=False, record_types=WarcRecordType.any_type)
        record = next(records)
        assert record.record_type == WarcRecordType.response
        assert record.headers["WARC-Target-URI"] == capture.url
        assert record.headers["WARC-Record-ID"] == capture.record_id
        assert record.headers["WARC-Payload-Digest"] == "sha1:" + capture.digest
        assert record.verify_block_digest()
        record.parse_http()
        assert record.http_headers is not None
        assert record.http_headers.status_code == capture.status
        body = record.reader.read()
        assert body == pages[(capture.url, capture.timestamp)].body
        assert next(records, None) is None  # one record, nothing after it
        assert sha1_base32(body) == capture.digest


def test_open_and_suffix_ranges_head_and_a_range_past_the_end(
    archive: ArchiveManifest, served: ArchiveEndpoints
) -> None:
    relative = archive.warc_files[0]
    data = archive.path(relative).read_bytes()
    url = f"{served.cc_data_url}/{relative}"
    assert _get(url, {"Range": "bytes=10-"})[2] == data[10:]
    assert _get(url, {"Range": "bytes=-7"})[2] == data[-7:]
    status, headers, body = _get(url)
    assert (status, body) == (200, data)
    assert headers["Accept-Ranges"] == "bytes"
    status, headers, _ = _get(url, {"Range": f"bytes={len(data)}-{len(data) + 10}"})
    assert status == 416
    assert headers["Content-Range"] == f"bytes */{len(data)}"
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.netloc, timeout=10)
    conn.request("HEAD", parts.path)
    resp = conn.getresponse()
    assert resp.status == 200
    assert resp.getheader("Content-Length") == str(len(data))
    assert resp.read() == b""
    conn.close()
    assert _get(f"{served.cc_data_url}/crawl-data/nope.warc.gz")[0] == 404


# -- Common Crawl index -----------------------------------------------------------------------


def test_cc_lines_have_common_crawls_fields_and_point_at_the_record(
    archive: ArchiveManifest, served: ArchiveEndpoints
) -> None:
    api = _cc_api(served, "CC-MAIN-2018-06")
    status, _, body = _get(f"{api}?url=stadskrant.example&matchType=domain&output=json")
    lines = _json_lines(body)
    assert status == 200
    assert len(lines) == 6
    first = lines[0]
    assert set(first) == {
        "urlkey", "timestamp", "url", "mime", "mime-detected", "status", "digest",
        "length", "offset", "filename", "languages", "encoding",
    }  # fmt: skip
    assert (
        first["urlkey"] == surt_key(first["url"]) == "example,stadskrant)/nieuws/2018/02/10/inbraak-in-wijk-0"
    )
    assert (first["status"], first["mime"], first["languages"], first["encoding"]) == (
        "200",
        "text/html",
        "nld",
        "UTF-8",
    )
    capture = archive.find(first["url"], "cc")[0]
    assert (first["offset"], first["length"], first["filename"], first["digest"]) == (
        str(capture.offset), str(capture.length), capture.filename, capture.digest,
    )  # fmt: skip
    assert [line["urlkey"] for line in lines] == sorted(line["urlkey"] for line in lines)


def test_cc_paging_covers_every_line_once(served: ArchiveEndpoints) -> None:
    api = _cc_api(served, "CC-MAIN-2018-10")
    query = f"{api}?url=*.stadskrant.example&output=json"
    status, _, body = _get(query + "&showNumPages=true")
    assert status == 200
    assert json.loads(body) == {"pages": 2, "pageSize": 1, "blocks": 2}  # 4 lines, 3 a page
    seen = []
    for page in range(2):
        seen += _json_lines(_get(f"{query}&page={page}")[2])
    whole = _json_lines(_get(query)[2])
    assert len(whole) == 4
    assert seen == whole
    assert _get(f"{query}&page=2")[0] == 400


def test_cc_filters_time_span_fields_and_nothing_found(served: ArchiveEndpoints) -> None:
    api = _cc_api(served, "CC-MAIN-2018-10")
    base = f"{api}?url=stadskrant.example&matchType=domain&output=json"
    wanted = _json_lines(_get(base + "&filter==status:200&filter=~mime:html")[2])
    assert [w["url"].rsplit("/", 1)[1] for w in wanted] == ["overval-op-tankstation"] * 2
    redirect = _json_lines(_get(base + "&filter=!=status:200")[2])
    assert [(r["status"], r.get("redirect")) for r in redirect] == [
        ("301", HOST + "/regio/overval-op-tankstation")
    ]
    assert [r["mime"] for r in _json_lines(_get(base + "&filter=~mime:pdf")[2])] == ["application/pdf"]
    # from/to are timestamp prefixes, `to` inclusive: March 8 only.
    day = _json_lines(_get(base + "&from=20180308&to=20180308")[2])
    assert [d["status"] for d in day] == ["301"]
    only = _json_lines(_get(base + "&fl=url,timestamp&limit=1")[2])
    assert only == [{"url": HOST + "/downloads/jaarverslag.pdf", "timestamp": "20180309000000"}]  # key order
    status, _, body = _get(f"{api}?url=elders.example&matchType=domain&output=json")
    assert status == 404
    assert b"No Captures found" in body
    # Without output=json: CDXJ lines, key and timestamp outside the JSON.
    key, ts, blob = _get(base.replace("&output=json", ""))[2].decode().splitlines()[0].split(" ", 2)
    assert (key, ts, json.loads(blob)["status"]) == (
        "example,stadskrant)/downloads/jaarverslag.pdf",
        "20180309000000",
        "200",
    )


def test_domain_match_takes_subdomains_host_and_prefix_do_not(served: ArchiveEndpoints) -> None:
    api = _cc_api(served, "CC-MAIN-2018-10")
    assert len(_json_lines(_get(f"{api}?url=buurblad.example&matchType=domain&output=json")[2])) == 2
    assert _get(f"{api}?url=buurblad.example&matchType=host&output=json")[0] == 404
    prefix = _json_lines(_get(f"{api}?url=nieuws.buurblad.example/112/brand&matchType=prefix&output=json")[2])
    assert [p["url"] for p in prefix] == [OTHER + "/112/brand-in-schuur"]


# -- Wayback CDX --------------------------------------------------------------------------------


def test_ia_query_as_the_backfill_sends_it(served: ArchiveEndpoints) -> None:
    fields = "urlkey,timestamp,original,mimetype,statuscode,digest,length"
    query = (
        f"{served.ia_cdx_url}?url=stadskrant.example&matchType=domain&from=201802&to=201803&output=json"
        f"&filter=statuscode:200&filter=mimetype:text/html&collapse=urlkey&fl={fields}"
    )
    status, _, body = _get(query)
    rows = json.loads(body)
    assert status == 200
    assert rows[0] == fields.split(",")
    urls = [row[2] for row in rows[1:]]
    assert len(urls) == len(set(urls)) == 7  # six February pages and the tankstation page once
    assert all(row[3] == "text/html" and row[4] == "200" for row in rows[1:])
    tankstation = next(row for row in rows[1:] if row[2].endswith("tankstation"))
    assert tankstation[1] == "20180305090000"  # collapse keeps the first capture
    # Paging: a bare number, and the pages together hold every line of the URL range once.
    plain = f"{served.ia_cdx_url}?url=stadskrant.example&matchType=domain"
    status, _, body = _get(plain + "&showNumPages=true")
    assert (status, body.strip()) == (200, b"4")  # 10 lines, 3 a page
    paged = [line for page in range(4) for line in _get(f"{plain}&page={page}")[2].decode().splitlines()]
    whole = _get(plain)[2].decode().splitlines()
    assert paged == whole
    assert len(whole) == 10
    assert all(len(line.split(" ")) == 7 for line in whole)
    assert json.loads(_get(f"{served.ia_cdx_url}?url=elders.example&matchType=domain&output=json")[2]) == []


# -- Wayback replay -----------------------------------------------------------------------------


def test_raw_capture_with_original_headers(archive: ArchiveManifest, served: ArchiveEndpoints) -> None:
    capture = archive.find(HOST + "/nieuws/2018/02/10/inbraak-in-wijk-0", "ia")[0]
    status, headers, body = _get(f"{served.ia_web_url}/{capture.timestamp}id_/{capture.url}")
    assert status == 200
    assert sha1_base32(body) == capture.digest
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert headers["X-Archive-Orig-Date"] == "Sun, 18 Feb 2018 04:12:45 GMT"
    assert headers["X-Archive-Orig-Content-Length"] == str(len(body))
    assert headers["Memento-Datetime"] == "Sun, 18 Feb 2018 04:12:45 GMT"


def test_redirect_capture_and_a_timestamp_not_held_redirect_within_the_wayback(
    served: ArchiveEndpoints,
) -> None:
    web = served.ia_web_url
    status, headers, _ = _get(f"{web}/20180308000000id_/{HOST}/oud/overval")
    assert status == 302
    assert headers["Location"] == f"{web}/20180308000000id_/{HOST}/regio/overval-op-tankstation"
    assert headers["X-Archive-Orig-Server"] == "nginx"
    status, headers, _ = _get(headers["Location"])
    assert status == 302  # nearest capture of the target: March 10
    assert headers["Location"] == f"{web}/20180310090000id_/{HOST}/regio/overval-op-tankstation"
    status, _, body = _get(headers["Location"])
    assert status == 200
    assert b"Overval (bijgewerkt)" in body
    assert _get(f"{web}/20180308000000id_/{HOST}/nooit-gezien")[0] == 404


# -- faults -------------------------------------------------------------------------------------


def test_503_with_retry_after_first_then_200(archive: ArchiveManifest) -> None:
    with serve_archive(archive, fail_first={"/cdx/": (2, 7), "/crawl-data/": (1, 0)}) as served:
        url = f"{served.ia_cdx_url}?url=stadskrant.example&matchType=domain"
        for _ in range(2):
            status, headers, _ = _get(url)
            assert (status, headers["Retry-After"]) == (503, "7")
        assert _get(url)[0] == 200
        data_url = f"{served.cc_data_url}/{archive.warc_files[0]}"
        assert _get(data_url, {"Range": "bytes=0-9"})[0] == 503
        assert _get(data_url, {"Range": "bytes=0-9"})[0] == 206
        assert _get(served.cc_index_url + "/collinfo.json")[0] == 200  # other prefixes untouched
        assert [r.status for r in served.log if r.endpoint == "ia_cdx"] == [503, 503, 200]


def test_truncated_range_is_cut_short_and_the_connection_closed(archive: ArchiveManifest) -> None:
    victim = archive.find(HOST + "/nieuws/2018/02/12/inbraak-in-wijk-2", "cc")[0]
    healthy = archive.find(HOST + "/nieuws/2018/02/13/inbraak-in-wijk-3", "cc")[0]
    assert victim.offset is not None and victim.length is not None
    assert healthy.offset is not None and healthy.length is not None
    with serve_archive(archive, truncate={victim.url: 1}) as served:
        parts = urlsplit(served.cc_data_url)
        conn = http.client.HTTPConnection(parts.netloc, timeout=10)
        end = victim.offset + victim.length - 1
        conn.request("GET", f"/{victim.filename}", headers={"Range": f"bytes={victim.offset}-{end}"})
        resp = conn.getresponse()
        assert resp.status == 206
        assert resp.getheader("Content-Length") == str(victim.length)
        with pytest.raises(http.client.IncompleteRead) as cut:
            resp.read()
        assert 0 < len(cut.value.partial) < victim.length
        conn.close()
        # Only once (the knob counts down), and other records are whole.
        for capture in (victim, healthy):
            assert capture.offset is not None and capture.length is not None
            rng = f"bytes={capture.offset}-{capture.offset + capture.length - 1}"
            status, _, data = _get(f"{served.cc_data_url}/{capture.filename}", {"Range": rng})
            assert (status, len(data)) == (206, capture.length)
        sent = [r.sent for r in served.log if r.endpoint == "cc_data"]
        assert sent == [victim.length // 2, victim.length, healthy.length]


def test_truncated_wayback_capture_every_time_with_a_set(archive: ArchiveManifest) -> None:
    capture = archive.find(HOST + "/nieuws/2018/02/10/inbraak-in-wijk-0", "ia")[0]
    with serve_archive(archive, truncate={capture.url}) as served:
        parts = urlsplit(served.ia_web_url)
        for _ in range(2):
            conn = http.client.HTTPConnection(parts.netloc, timeout=10)
            conn.request("GET", f"{parts.path}/{capture.timestamp}id_/{capture.url}")
            resp = conn.getresponse()
            assert resp.status == 200
            with pytest.raises(http.client.IncompleteRead):
                resp.read()
            conn.close()


# -- the demo site --------------------------------------------------------------------------------


def test_demo_pages_are_every_served_page_captured_a_day_after_publication() -> None:
    gold = json.loads((demo_site_root() / "expected.json").read_text(encoding="utf-8"))
    pages = demo_archive_pages()
    by_url = {p.url: p for p in pages}
    served_pages = [g for g in gold if g["kind"] != "robots_disallowed" and "?" not in g["path"]]
    for entry in served_pages:
        page = by_url[DEMO_BASES[entry["outlet"]] + entry["path"]]
        if entry["published"]:
            published = dt.date.fromisoformat(entry["published"])
            assert page.captured_at.date() == published + dt.timedelta(days=1), page.url
        assert b"{{base" not in page.body
    assert {g["kind"] for g in served_pages} >= {"article", "listing", "consent"}
    extra = [p for p in pages if p.kind != "ok"]
    assert [p.kind for p in extra] == ["redirect", "consent"]
    assert len(pages) == len(served_pages) + 2
    assert not any("/zoeken/" in p.url for p in pages)
    cp1252 = by_url[DEMO_BASES["courant"] + "/2024/02/20/phishing-verdachte-aangehouden-utrecht"]
    assert cp1252.headers == (("Content-Type", "text/html"),)
    cp1252.body.decode("cp1252")


# -- the backfill's own query builders and readers against this archive --------------------------


def test_the_backfill_queries_and_readers_find_every_wanted_capture_of_the_demo(tmp_path: Path) -> None:
    """corpus.archive's queries, parsers and read_record meet this server as they will meet the archives."""
    manifest = build_archive(tmp_path, demo_archive_pages(), collections="yearly", page_size=4)
    span = Span.parse("2018-01", "2024-12")
    host = urlsplit(DEMO_BASES["polderpost"]).hostname or ""
    wanted = {
        c.url
        for c in manifest.captures
        if c.url.startswith(DEMO_BASES["polderpost"]) and c.status == 200 and c.mime == "text/html"
    }
    with serve_archive(manifest) as served:
        cc_found: dict[str, Page | Broken | NotOk] = {}
        cols = collections_for(span, parse_collinfo(_get(served.cc_index_url + "/collinfo.json")[2]))
        assert len(cols) == len(manifest.collections) == 7
        for col in cols:
            pages = parse_num_pages(_get(cc_query(col.cdx_api, host, span, num_pages=True))[2])
            for page in range(pages):
                status, _, body = _get(cc_query(col.cdx_api, host, span, page=page))
                if status == 404:  # Common Crawl's answer to a page without captures
                    continue
                captures, unreadable = parse_cc_lines(body, col.id)
                assert unreadable == 0
                for capture in captures:
                    assert capture_wanted(capture) is None
                    assert capture.offset is not None and capture.length is not None
                    rng = f"bytes={capture.offset}-{capture.offset + capture.length - 1}"
                    data = _get(f"{served.cc_data_url}/{capture.filename}", {"Range": rng})[2]
                    cc_found[capture.url] = read_record(data, url=capture.url)
        assert set(cc_found) == wanted
        assert all(isinstance(p, Page) for p in cc_found.values())
        ia_found: set[str] = set()
        for page in range(parse_num_pages(_get(ia_query(served.ia_cdx_url, host, span, num_pages=True))[2])):
            captures, unreadable = parse_ia_lines(_get(ia_query(served.ia_cdx_url, host, span, page=page))[2])
            assert unreadable == 0
            for capture in captures:
                status, headers, body = _get(
                    raw_capture_url(served.ia_web_url, capture.timestamp, capture.url)
                )
                assert status == 200
                assert sha1_base32(body) == capture.digest
                assert dict(original_headers(list(headers.items())))["Server"] == "nginx"
                ia_found.add(capture.url)
        assert ia_found == wanted
        consent = DEMO_BASES["polderpost"] + "/112/inbraakgolf-kampen-politie-waarschuwt"
        assert consent in wanted
        consent_page = cc_found[consent]
        assert isinstance(consent_page, Page)
        assert b"cookies" in consent_page.body
        # The redirect capture is listed with its own status, so the filters keep it out...
        redirect = manifest.find(DEMO_BASES["courant"] + "/nieuws/overval-juwelier-haarlem")[0]
        assert redirect.status == 301
        # ...and read directly it is a NotOk with its Location, or a Wayback redirect.
        assert redirect.offset is not None and redirect.length is not None
        rng = f"bytes={redirect.offset}-{redirect.offset + redirect.length - 1}"
        got = read_record(
            _get(f"{served.cc_data_url}/{redirect.filename}", {"Range": rng})[2], url=redirect.url
        )
        assert isinstance(got, NotOk)
        assert (got.status, got.location) == (301, redirect.location)
        status, headers, _ = _get(raw_capture_url(served.ia_web_url, redirect.timestamp, redirect.url))
        assert status == 302
        assert parse_capture_url(headers["Location"]) == (redirect.timestamp, redirect.location)
