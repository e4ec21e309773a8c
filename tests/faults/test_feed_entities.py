"""Feeds with HTML entities: ``&amp;`` stays an ampersand, titles keep their text, nothing expands.

A feed written by an HTML template uses ``&eacute;`` and ``&nbsp;`` without declaring them. Once
such a reference came before them, libxml2's recovery lost every later ``&amp;``: a link
``?id=1&amp;deel=2`` was fetched as ``?id=1deel=2`` and titles lost ``&`` and ``<b>``.
"""

from __future__ import annotations

import sqlite3
import time
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest

from corpus.sources.discovery import DiscoveryError, feed_entries, parse_xml
from tests.conftest import FAST, ROOT, run_cli
from tests.faults.fixtures.localsite import SiteHandler, serving
from tests.faultserver import LAUGHS_DOCTYPE, XXE_DOCTYPE, article_html

BRUSSELNIEUWS = ROOT.parent / "shared" / "benchmarks" / "feeds" / "brusselnieuws"

ITEMS = [
    # (path and query as written in the feed, title as written, title as it must be read)
    ("/artikel/overval-op-juwelier?id=1&amp;deel=2", "Overval op juwelier &amp; achtervolging",
     "Overval op juwelier & achtervolging"),
    ("/artikel/inbraak-bij-caf&#233;?id=2&amp;deel=3&amp;x=4", "Inbraak bij caf&eacute;&nbsp;De Hoek",
     "Inbraak bij café\xa0De Hoek"),
    ("/artikel/drie-verdachten-opgepakt?id=3&amp;deel=4", "&lt;b&gt;Drie&lt;/b&gt; verdachten opgepakt",
     "<b>Drie</b> verdachten opgepakt"),
]  # fmt: skip


def _feed(base: str) -> bytes:
    items = "".join(
        f"<item><title>{title}</title><link>{base}{link}</link>"
        f"<description>Politie&nbsp;meldt: &laquo;onderzoek loopt&raquo; &amp; getuigen gezocht.</description>"
        "<pubDate>Wed, 12 Jun 2024 09:00:00 +0200</pubDate></item>"
        for link, title, _ in ITEMS
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Caf&eacute;nieuws &ndash; misdaad</title><link>{base}/</link>{items}</channel></rss>"
    ).encode()


class _Site(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.base = f"http://127.0.0.1:{self.server_address[1]}"
        self.hits: list[str] = []


class _Handler(SiteHandler):
    server: _Site

    def do_GET(self) -> None:
        self.server.hits.append(self.path)
        ctype = "text/html; charset=utf-8"
        if self.path == "/rss.xml":
            status, body, ctype = 200, _feed(self.server.base), "application/rss+xml"
        elif self.path == "/robots.txt":
            status, body, ctype = 200, b"User-agent: *\nAllow: /\n", "text/plain"
        elif self.path.startswith("/artikel/"):
            status, body = 200, article_html(sum(map(ord, self.path))).encode()
        else:
            status, body = 404, b"<html><body>niet gevonden</body></html>"
        self.respond(status, body, ctype)


def test_a_feed_with_html_entities_is_crawled_with_its_urls_and_titles_intact(tmp_path: Path) -> None:
    with serving(_Site()) as site:
        sources = tmp_path / "sources.toml"
        sources.write_text(
            f'[[source]]\nname = "cafe"\noutlet = "Cafénieuws"\ncountry = "be"\nfeeds = ["{site.base}/rss.xml"]\n',
            encoding="utf-8",
        )
        db = tmp_path / "corpus.sqlite"
        started = time.monotonic()
        proc = run_cli("crawl", "--sources", str(sources), "--db", str(db), *FAST, timeout=120)
        took = time.monotonic() - started
        hits = list(site.hits)
    assert proc.returncode == 0, proc.stderr[-3000:]
    fetched = sorted(h for h in hits if h.startswith("/artikel/"))
    assert fetched == [
        "/artikel/drie-verdachten-opgepakt?id=3&deel=4",
        "/artikel/inbraak-bij-caf%C3%A9?id=2&deel=3&x=4",
        "/artikel/overval-op-juwelier?id=1&deel=2",
    ]
    con = sqlite3.connect(db)
    try:
        titles = {t for (t,) in con.execute("SELECT discovered_title FROM frontier WHERE kind = 'article'")}
        stored = con.execute("SELECT count(*) FROM articles").fetchone()[0]
    finally:
        con.close()
    assert titles == {read for _, _, read in ITEMS}
    assert stored == 3
    print(f"entity feed crawled in {took:.1f} s")


def test_entities_are_resolved_without_any_declaration_being_read() -> None:
    # Declarations are still refused: resolving known HTML names never opens a door to them.
    for doctype in (XXE_DOCTYPE, LAUGHS_DOCTYPE):
        body = f'<?xml version="1.0"?>{doctype}<rss><channel><item><title>&eacute;</title></item></channel></rss>'
        with pytest.raises(DiscoveryError):
            parse_xml(body.encode())
    # An unknown name stays visible text; a reference inside CDATA stays as written.
    root = parse_xml(
        b"<rss><channel><item><title>&onbekend; &amp; <![CDATA[&eacute; <b>]]></title>"
        b"<link>http://x.test/a?b=1&c=2</link></item></channel></rss>"
    )
    [entry] = feed_entries(root, "http://x.test/")
    assert entry.title == "&onbekend; & &eacute; <b>"
    assert entry.url == "http://x.test/a?b=1&c=2"  # a bare & is read as the ampersand it means


@pytest.mark.skipif(not BRUSSELNIEUWS.is_dir(), reason="shared benchmark feeds not present")
def test_the_real_brusselnieuws_feed_parses_every_item() -> None:
    [path] = BRUSSELNIEUWS.glob("*.xml")
    entries = feed_entries(parse_xml(path.read_bytes()), "http://www.brusselnieuws.be/")
    assert len(entries) == 10
    assert all(e.url.startswith("http://www.brusselnieuws.be/nl/nieuws/") for e in entries)
    assert all(e.title and e.date for e in entries)
    assert "Groen: 'Vaagheid troef in VGC-akkoord'" in {e.title for e in entries}  # &#039; read
