"""CDX indexes: the month span, collinfo.json, the index queries, and both archives' answer lines."""

from __future__ import annotations

import datetime as dt
import json
from urllib.parse import parse_qs, parse_qsl, urlsplit

import pytest

from corpus.archive.cdx import (
    Capture,
    Collection,
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

UTC = dt.UTC
OUTLET = "https://www.lagelandencourant.example"
WARC = "crawl-data/CC-MAIN-2018-09/segments/1518891812345.67/warc/CC-MAIN-20180219123456-20180219143456-00042.warc.gz"


# -- Span -------------------------------------------------------------------------------------
def test_span_covers_whole_months_in_utc() -> None:
    span = Span.parse("2018-02", "2018-03")
    assert span.start == dt.datetime(2018, 2, 1, tzinfo=UTC)
    assert span.end == dt.datetime(2018, 4, 1, tzinfo=UTC)
    assert (span.cdx_from, span.cdx_to) == ("201802", "201803")
    assert span.contains(dt.datetime(2018, 2, 1, tzinfo=UTC))
    assert span.contains(dt.datetime(2018, 3, 31, 23, 59, 59, tzinfo=UTC))
    assert not span.contains(dt.datetime(2018, 4, 1, tzinfo=UTC))
    assert not span.contains(dt.datetime(2018, 1, 31, 23, 59, 59, tzinfo=UTC))
    # 1 April 00:30 in Amsterdam is still 31 March in UTC.
    amsterdam = dt.timezone(dt.timedelta(hours=2))
    assert span.contains(dt.datetime(2018, 4, 1, 0, 30, tzinfo=amsterdam))


def test_span_of_one_month_and_across_a_new_year() -> None:
    one = Span.parse("2018-02", "2018-02")
    assert (one.cdx_from, one.cdx_to) == ("201802", "201802")
    assert one.end == dt.datetime(2018, 3, 1, tzinfo=UTC)
    years = Span.parse("2016-11", "2019-12")
    assert years.end == dt.datetime(2020, 1, 1, tzinfo=UTC) and years.cdx_to == "201912"


@pytest.mark.parametrize(
    ("from_", "to", "message"),
    [
        ("2018-2", "2018-03", "from must be a month written YYYY-MM"),
        ("2018-02", "2018-13", "to must be a month written YYYY-MM"),
        ("201802", "2018-03", "from must be"),
        ("2018-02-01", "2018-03", "from must be"),
        ("2018-00", "2018-03", "from must be"),
        ("2019-01", "2018-12", "from 2019-01 is after to 2018-12"),
    ],
)
def test_span_refuses_what_is_not_a_month_range(from_: str, to: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Span.parse(from_, to)


# -- Capture ----------------------------------------------------------------------------------
def test_capture_round_trips_through_a_json_payload() -> None:
    capture = Capture(
        "cc", f"{OUTLET}/binnenland/2018/02/overval-juwelier-utrecht", "20180219131415", 200,
        "text/html", "sha1:3I42H3S6NNFQ2MSVX7XZKYAYSCX5QBYJ", 14873, 512_334_871, WARC, "CC-MAIN-2018-09",
    )  # fmt: skip
    payload = json.loads(json.dumps(capture.to_payload()))
    assert Capture.from_payload(payload) == capture
    assert capture.captured_at == dt.datetime(2018, 2, 19, 13, 14, 15, tzinfo=UTC)
    wayback = Capture("ia", f"{OUTLET}/regio/2016/11/brand-in-loods", "20161103081500")
    assert Capture.from_payload(json.loads(json.dumps(wayback.to_payload()))) == wayback
    # Extra keys (a newer writer) are ignored; a payload of the wrong shape is refused.
    assert Capture.from_payload({**wayback.to_payload(), "note": "x"}) == wayback
    with pytest.raises(ValueError):
        Capture.from_payload({"archive": "ia", "url": wayback.url})
    with pytest.raises(ValueError):
        Capture.from_payload({**capture.to_payload(), "offset": "ergens"})


@pytest.mark.parametrize(
    ("archive", "timestamp"), [("xx", "20180219131415"), ("cc", "201802191314"), ("cc", "20181319131415")]
)
def test_capture_refuses_an_unknown_archive_or_a_bad_timestamp(archive: str, timestamp: str) -> None:
    with pytest.raises(ValueError):
        Capture(archive, f"{OUTLET}/a", timestamp)


# -- collinfo.json ----------------------------------------------------------------------------
COLLINFO = [
    {
        "id": "CC-MAIN-2024-51",
        "name": "December 2024 Index",
        "timegate": "https://index.commoncrawl.org/CC-MAIN-2024-51/",
        "cdx-api": "https://index.commoncrawl.org/CC-MAIN-2024-51-index",
        "from": "2024-12-01T14:04:25",
        "to": "2024-12-15T01:10:57",
    },
    {
        "id": "CC-MAIN-2018-09",
        "name": "February 2018 Index",
        "timegate": "https://index.commoncrawl.org/CC-MAIN-2018-09/",
        "cdx-api": "https://index.commoncrawl.org/CC-MAIN-2018-09-index",
    },
    {
        "id": "CC-MAIN-2018-13",
        "name": "March 2018 Index",
        "timegate": "https://index.commoncrawl.org/CC-MAIN-2018-13/",
        "cdx-api": "https://index.commoncrawl.org/CC-MAIN-2018-13-index",
    },
    {
        "id": "CC-MAIN-2018-05",
        "name": "January 2018 Index",
        "timegate": "https://index.commoncrawl.org/CC-MAIN-2018-05/",
        "cdx-api": "https://index.commoncrawl.org/CC-MAIN-2018-05-index",
    },
    {
        "id": "CC-MAIN-2009-2010",
        "name": "Index of 2009 - 2010 ARC files",
        "timegate": "https://index.commoncrawl.org/CC-MAIN-2009-2010/",
        "cdx-api": "https://index.commoncrawl.org/CC-MAIN-2009-2010-index",
    },
    {"id": "CC-MAIN-2017-51", "name": "no endpoint"},
]


def test_collinfo_sorted_by_id_with_periods_given_or_estimated() -> None:
    cols = parse_collinfo(json.dumps(COLLINFO).encode())
    assert [c.id for c in cols] == [
        "CC-MAIN-2009-2010", "CC-MAIN-2018-05", "CC-MAIN-2018-09", "CC-MAIN-2018-13", "CC-MAIN-2024-51",
    ]  # fmt: skip
    by_id = {c.id: c for c in cols}
    assert by_id["CC-MAIN-2018-09"].cdx_api == "https://index.commoncrawl.org/CC-MAIN-2018-09-index"
    newest = by_id["CC-MAIN-2024-51"]
    assert newest.start == dt.datetime(2024, 12, 1, 14, 4, 25, tzinfo=UTC)
    assert newest.end == dt.datetime(2024, 12, 15, 1, 10, 57, tzinfo=UTC)
    # From the id: the crawl of February 2018 ran in the weeks before ISO week 9 (26 February).
    feb = by_id["CC-MAIN-2018-09"]
    assert feb.start is not None and feb.end is not None
    assert feb.start <= dt.datetime(2018, 2, 17, tzinfo=UTC) and feb.end >= dt.datetime(
        2018, 3, 1, tzinfo=UTC
    )
    assert feb.end - feb.start <= dt.timedelta(weeks=6)
    # An id of another form has no known period.
    assert by_id["CC-MAIN-2009-2010"].start is None and by_id["CC-MAIN-2009-2010"].end is None


def test_collections_for_a_span_keep_the_overlapping_and_the_undated() -> None:
    cols = parse_collinfo(json.dumps(COLLINFO).encode())
    # Estimated from the ids: January's crawl (weeks 1-5) ends before March, February's reaches it.
    picked = [c.id for c in collections_for(Span.parse("2018-03", "2018-03"), cols)]
    assert picked == ["CC-MAIN-2009-2010", "CC-MAIN-2018-09", "CC-MAIN-2018-13"]
    picked = [c.id for c in collections_for(Span.parse("2017-06", "2017-12"), cols)]
    assert picked == ["CC-MAIN-2009-2010"]
    picked = [c.id for c in collections_for(Span.parse("2024-12", "2025-01"), cols)]
    assert picked == ["CC-MAIN-2009-2010", "CC-MAIN-2024-51"]
    dated = Collection(
        "X", "http://127.0.0.1/x", dt.datetime(2020, 1, 1, tzinfo=UTC), dt.datetime(2020, 1, 20, tzinfo=UTC)
    )
    assert collections_for(Span.parse("2020-02", "2020-03"), [dated]) == []
    assert collections_for(Span.parse("2019-06", "2020-01"), [dated]) == [dated]


@pytest.mark.parametrize("body", [b"<html>Service Unavailable</html>", b'{"id": "CC-MAIN-2018-09"}'])
def test_collinfo_that_is_not_a_list_is_an_error(body: bytes) -> None:
    with pytest.raises(ValueError, match="collinfo"):
        parse_collinfo(body)


# -- queries ----------------------------------------------------------------------------------
def test_cc_query_filters_status_and_html_on_the_server_and_pages_from_zero() -> None:
    span = Span.parse("2018-02", "2018-03")
    api = "https://index.commoncrawl.org/CC-MAIN-2018-09-index"
    url = cc_query(api, "lagelandencourant.example", span, page=0)
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == api
    assert parse_qsl(parts.query) == [
        ("url", "lagelandencourant.example"), ("matchType", "domain"), ("from", "201802"), ("to", "201803"),
        ("output", "json"), ("filter", "=status:200"), ("filter", "~mime:html"), ("page", "0"),
    ]  # fmt: skip
    probe = parse_qs(urlsplit(cc_query(api, "lagelandencourant.example", span, num_pages=True)).query)
    assert probe["showNumPages"] == ["true"] and "page" not in probe
    plain = parse_qs(urlsplit(cc_query(api, "lagelandencourant.example", span)).query)
    assert "page" not in plain and "showNumPages" not in plain
    with pytest.raises(ValueError):
        cc_query(api, "lagelandencourant.example", span, page=-1)
    with pytest.raises(ValueError):
        cc_query(api, "lagelandencourant.example", span, page=2, num_pages=True)


def test_ia_query_collapses_to_one_capture_per_url_and_names_its_fields() -> None:
    span = Span.parse("2016-11", "2018-02")
    cdx = "https://web.archive.org/cdx/search/cdx"
    url = ia_query(cdx, "lagelandencourant.example", span, page=3)
    assert url.startswith(cdx + "?")
    assert parse_qsl(urlsplit(url).query) == [
        ("url", "lagelandencourant.example"), ("matchType", "domain"), ("from", "201611"), ("to", "201802"),
        ("output", "json"), ("filter", "statuscode:200"), ("filter", "mimetype:text/html"),
        ("collapse", "urlkey"), ("fl", "urlkey,timestamp,original,mimetype,statuscode,digest,length"),
        ("page", "3"),
    ]  # fmt: skip
    probe = parse_qs(urlsplit(ia_query(cdx, "lagelandencourant.example", span, num_pages=True)).query)
    assert probe["showNumPages"] == ["true"] and "page" not in probe
    # A local server whose URL already has a query keeps it.
    local = ia_query("http://127.0.0.1:8080/cdx?key=1", "lagelandencourant.example", span)
    assert parse_qs(urlsplit(local).query)["key"] == ["1"]


@pytest.mark.parametrize(
    ("body", "pages"),
    [
        (b'{"pages": 12, "pageSize": 5, "blocks": 58}\n', 12),
        (b'{"blocks": 0, "pageSize": 5, "pages": 0}', 0),
        (b"37\n", 37),
        (b"1", 1),
    ],
)
def test_number_of_pages_from_either_archive(body: bytes, pages: int) -> None:
    assert parse_num_pages(body) == pages


@pytest.mark.parametrize(
    "body",
    [b"", b"<html><title>503</title></html>", b'{"message": "No Captures found"}', b"-1", b"true", b"[3]"],
)
def test_number_of_pages_refuses_anything_else(body: bytes) -> None:
    with pytest.raises(ValueError, match="not a page count"):
        parse_num_pages(body)


# -- Common Crawl index lines -------------------------------------------------------------------
def _cc(path: str, ts: str, **extra: object) -> dict[str, object]:
    line: dict[str, object] = {
        "urlkey": "example,lagelandencourant)" + path,
        "timestamp": ts,
        "url": OUTLET + path,
        "mime": "text/html",
        "mime-detected": "text/html",
        "status": "200",
        "digest": "3I42H3S6NNFQ2MSVX7XZKYAYSCX5QBYJ",
        "length": "14873",
        "offset": "512334871",
        "filename": WARC,
        "languages": "nld",
        "encoding": "UTF-8",
    }
    line.update(extra)
    return line


CC_JSON_LINES = "\n".join(
    json.dumps(line)
    for line in (
        _cc("/binnenland/2018/02/overval-op-juwelier-in-utrecht", "20180219131415"),
        _cc(
            "/binnenland/2018/02/politie-zoekt-getuigen",
            "20180220080102",
            status="301",
            mime="unk",
            **{"mime-detected": "application/octet-stream", "redirect": OUTLET + "/b/2018/02/politie"},
        ),
        _cc("/regio/2018/02/inbraak-in-loods", "20180221235959", status="-", mime="warc/revisit"),
        _cc("/binnenland/2018/02/foto-rechtbank.jpg", "20180222101010", mime="image/jpeg", languages=None),
        _cc("/regio/2018/02/xhtml-pagina", "20180223101010", mime="application/xhtml+xml; charset=utf-8"),
    )
).encode()


def test_cc_json_lines_become_captures_located_in_their_warc_file() -> None:
    captures, bad = parse_cc_lines(CC_JSON_LINES + b"\n", "CC-MAIN-2018-09")
    assert bad == 0 and len(captures) == 5
    first = captures[0]
    assert first == Capture(
        "cc", OUTLET + "/binnenland/2018/02/overval-op-juwelier-in-utrecht", "20180219131415", 200,
        "text/html", "3I42H3S6NNFQ2MSVX7XZKYAYSCX5QBYJ", 14873, 512334871, WARC, "CC-MAIN-2018-09",
    )  # fmt: skip
    # "unk" (no Content-Type sent) falls back to the detected type; "-" is no status.
    assert (captures[1].status, captures[1].mime) == (301, "application/octet-stream")
    assert (captures[2].status, captures[2].mime) == (None, "warc/revisit")
    assert [capture_wanted(c) for c in captures] == [None, "not_ok", "revisit", "not_html", None]


def test_cdxj_lines_and_bad_lines_counted_not_fatal() -> None:
    fields = _cc("/binnenland/2018/02/brand-in-flat", "20180218101112")
    del fields["timestamp"]  # CDXJ keeps urlkey and timestamp before the JSON
    cdxj = f"example,lagelandencourant)/binnenland/2018/02/brand-in-flat 20180218101112 {json.dumps(fields)}"
    body = (
        "\n".join(
            [
                cdxj,
                "",  # blank lines are not lines
                '{"urlkey": "example,lagelandencourant)/kapot", "timestamp": "2018021',  # cut answer
                json.dumps(_cc("/x", "20180218")),  # a timestamp that is not 14 digits
                json.dumps(_cc("/y", "20180218101112", offset="ergens")),
                "[1, 2, 3]",
                json.dumps({"message": "No Captures found for: lagelandencourant.example"}),
            ]
        ).encode()
        + b"\n\xff\xfe{}\n"
    )
    captures, bad = parse_cc_lines(body, None)
    assert bad == 6
    assert [(c.url, c.timestamp, c.collection, c.offset) for c in captures] == [
        (OUTLET + "/binnenland/2018/02/brand-in-flat", "20180218101112", None, 512334871)
    ]
    assert parse_cc_lines(b"", "CC-MAIN-2018-09") == ([], 0)


# -- Wayback CDX lines ------------------------------------------------------------------------------
IA_ROWS = [
    ["urlkey", "timestamp", "original", "mimetype", "statuscode", "digest", "length"],
    ["example,lagelandencourant)/binnenland/2016/11/steekpartij-centrum", "20161104093012",
     "http://www.lagelandencourant.example/binnenland/2016/11/steekpartij-centrum", "text/html", "200",
     "PQ7ZC5WDNJQ3JMKMK3DB3ZLO5DQBFGVV", "11982"],
    ["example,lagelandencourant)/regio/2017/03/aanhouding", "20170312181500",
     "https://www.lagelandencourant.example/regio/2017/03/aanhouding", "warc/revisit", "-",
     "PQ7ZC5WDNJQ3JMKMK3DB3ZLO5DQBFGVV", "612"],
    ["example,lagelandencourant)/regio/2017/03/oud-adres", "20170313070000",
     "https://www.lagelandencourant.example/regio/2017/03/oud-adres", "text/html", "302",
     "3I42H3S6NNFQ2MSVX7XZKYAYSCX5QBYJ", "530"],
]  # fmt: skip


def test_wayback_json_answer_with_its_field_names_row() -> None:
    # The server writes one row a line.
    body = ("[" + ",\n".join(json.dumps(r) for r in IA_ROWS) + "]\n").encode()
    captures, bad = parse_ia_lines(body)
    assert bad == 0
    assert captures[0] == Capture(
        "ia", "http://www.lagelandencourant.example/binnenland/2016/11/steekpartij-centrum", "20161104093012",
        200, "text/html", "PQ7ZC5WDNJQ3JMKMK3DB3ZLO5DQBFGVV", 11982,
    )  # fmt: skip
    assert (captures[1].status, captures[1].mime, captures[2].status) == (None, "warc/revisit", 302)
    assert [capture_wanted(c) for c in captures] == [None, "revisit", "not_ok"]
    # The field names are read, not assumed: another column order gives the same captures.
    order = [2, 1, 0, 6, 5, 4, 3]
    shuffled = json.dumps([[row[i] for i in order] for row in IA_ROWS]).encode()
    assert parse_ia_lines(shuffled) == (captures, 0)
    assert parse_ia_lines(b"[]\n") == ([], 0) and parse_ia_lines(b"") == ([], 0)


def test_wayback_json_answer_cut_short_keeps_the_rows_before_the_cut() -> None:
    body = ("[" + ",\n".join(json.dumps(r) for r in IA_ROWS) + "]\n").encode()
    cut = body[: body.index(b"oud-adres") + 20]
    captures, bad = parse_ia_lines(cut)
    assert [c.timestamp for c in captures] == ["20161104093012", "20170312181500"] and bad == 1
    # A row of another length than the names row is unreadable.
    odd = json.dumps([*IA_ROWS[:2], ["example,x)/", "20170101000000"]]).encode()
    assert parse_ia_lines(odd) == (parse_ia_lines(json.dumps(IA_ROWS[:2]).encode())[0], 1)


def test_wayback_default_text_lines() -> None:
    body = "\n".join(" ".join(row) for row in IA_ROWS[1:]).encode() + b"\nexample,x)/ 2017 kapot\n\n"
    captures, bad = parse_ia_lines(body)
    assert bad == 1
    assert [(c.url, c.timestamp, c.status, c.length) for c in captures] == [
        (row[2], row[1], None if row[4] == "-" else int(row[4]), int(row[6])) for row in IA_ROWS[1:]
    ]
    assert all(c.archive == "ia" and c.offset is None and c.filename is None for c in captures)


def test_capture_wanted_reasons() -> None:
    base = Capture("ia", OUTLET + "/a", "20170101000000", 200, "text/html; charset=iso-8859-1")
    assert capture_wanted(base) is None
    assert capture_wanted(Capture("ia", base.url, base.timestamp, 404, "text/html")) == "not_ok"
    assert capture_wanted(Capture("ia", base.url, base.timestamp, None, "text/html")) == "not_ok"
    assert capture_wanted(Capture("ia", base.url, base.timestamp, 200, "application/pdf")) == "not_html"
    assert capture_wanted(Capture("ia", base.url, base.timestamp, 200, None)) == "not_html"
    assert capture_wanted(Capture("ia", base.url, base.timestamp, 200, "WARC/Revisit")) == "revisit"
