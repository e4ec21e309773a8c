"""Wayback raw captures: their URLs, redirects between captures, and the archived page's headers."""

from __future__ import annotations

import pytest

from corpus.archive.wayback import original_headers, parse_capture_url, raw_capture_url, record_id

ARTICLE = "https://www.lagelandencourant.example/binnenland/2018/02/overval-op-juwelier-in-utrecht"


def test_raw_capture_url_asks_for_the_capture_unchanged() -> None:
    url = raw_capture_url("https://web.archive.org/web", "20180219131415", ARTICLE)
    assert url == f"https://web.archive.org/web/20180219131415id_/{ARTICLE}"
    # A local Wayback given with a trailing slash gives the same shape.
    assert raw_capture_url("http://127.0.0.1:8123/web/", "20180219131415", ARTICLE) == (
        f"http://127.0.0.1:8123/web/20180219131415id_/{ARTICLE}"
    )
    assert parse_capture_url(url) == ("20180219131415", ARTICLE)


@pytest.mark.parametrize(
    ("location", "expected"),
    [
        # The Location of a raw capture that was a redirect: a path on the Wayback itself.
        (
            "/web/20180219131502id_/https://www.lagelandencourant.example/b/2018/02/overval?utm=x&p=2",
            ("20180219131502", "https://www.lagelandencourant.example/b/2018/02/overval?utm=x&p=2"),
        ),
        (
            "https://web.archive.org/web/20161104093012/http://lagelandencourant.example/regio/",
            ("20161104093012", "http://lagelandencourant.example/regio/"),
        ),
        (
            "https://web.archive.org/web/20161104093012im_/http://www.lagelandencourant.example/logo.png",
            ("20161104093012", "http://www.lagelandencourant.example/logo.png"),
        ),
        # An original that itself holds "/web/<digits>/" is not cut there.
        (
            "https://web.archive.org/web/20170101000000id_/https://www.lagelandencourant.example/web/20170101000000/x",
            ("20170101000000", "https://www.lagelandencourant.example/web/20170101000000/x"),
        ),
        ("https://www.lagelandencourant.example/binnenland/2018/02/", None),
        ("/web/2018/https://www.lagelandencourant.example/", None),  # not a 14-digit timestamp
        ("/web/20180219131502id_/", None),
    ],
)
def test_parse_capture_url(location: str, expected: tuple[str, str] | None) -> None:
    assert parse_capture_url(location) == expected


def test_original_headers_restores_the_archived_response_and_drops_the_waybacks() -> None:
    served = [
        ("Server", "nginx"),
        ("Date", "Sat, 05 Dec 2026 10:00:00 GMT"),
        ("Content-Type", "text/html; charset=utf-8"),
        ("Transfer-Encoding", "chunked"),
        ("Connection", "keep-alive"),
        ("x-archive-orig-date", "Mon, 19 Feb 2018 13:14:15 GMT"),
        ("X-Archive-Orig-Last-Modified", "Mon, 19 Feb 2018 09:30:00 GMT"),
        ("X-Archive-Orig-Content-Language", "nl-NL"),
        ("X-Archive-Orig-Content-Encoding", "gzip"),
        ("X-Archive-Orig-Content-Length", "14873"),
        ("X-Archive-Orig-Content-Type", "text/html; charset=iso-8859-1"),
        ("X-Archive-Orig-Set-Cookie", "sessie=abc; Path=/"),
        ("Memento-Datetime", "Mon, 19 Feb 2018 13:14:15 GMT"),
        ("Link", f'<{ARTICLE}>; rel="original"'),
        ("Content-Security-Policy", "default-src 'self' 'unsafe-eval' archive.org"),
        ("X-Archive-Src", "spn2-20180219131415-wwwb-spn01.us.archive.org-8001.warc.gz"),
        ("Server-Timing", "captures_list;dur=12.3"),
        ("X-App-Server", "wwwb-app212"),
        ("X-ts", "200"),
        ("X-location", "All"),
        ("Content-Encoding", "gzip"),
        ("Content-Length", "4711"),
    ]
    assert original_headers(served) == [
        ("Content-Type", "text/html; charset=utf-8"),
        ("date", "Mon, 19 Feb 2018 13:14:15 GMT"),
        ("Last-Modified", "Mon, 19 Feb 2018 09:30:00 GMT"),
        ("Content-Language", "nl-NL"),
        ("Set-Cookie", "sessie=abc; Path=/"),
    ]
    # Without a served Content-Type, the archived one is the page's type.
    assert original_headers([("X-Archive-Orig-Content-Type", "text/html"), ("Server", "nginx")]) == [
        ("Content-Type", "text/html")
    ]
    assert original_headers([]) == []


def test_record_id_names_the_capture_where_it_resolves() -> None:
    assert record_id("20180219131415", ARTICLE) == f"ia:20180219131415/{ARTICLE}"
