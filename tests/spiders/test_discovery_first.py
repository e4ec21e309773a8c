"""Every discovery channel is read before the first article is requested (discoveryfirst).

A small local site announces one article in a fast feed without a date, and in a slow news
sitemap that dates it; the page itself states no date. Read in that order, the sitemap's date is
the only evidence, so the article is dated from it only when its request waited for the sitemap.
The server logs when each response was sent, so the order of the crawl is checked directly.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from http.server import ThreadingHTTPServer
from pathlib import Path

from tests.conftest import FAST, run_cli
from tests.faults.fixtures.localsite import SiteHandler, serving
from tests.faultserver import sources_toml

ARTICLE = "/nieuws/brandstichting-bij-sporthal-onderzocht"
SITEMAP_DATE = "2024-03-11T07:30:00+01:00"
SITEMAP_DELAY = 1.5

PAGE = (
    b'<!DOCTYPE html><html lang="nl"><head><meta charset="utf-8"><title>Brand bij sporthal</title>'
    b"</head><body><main><article><h1>Politie onderzoekt brandstichting bij sporthal</h1>"
    b"<p>Bij de sporthal aan de Molenweg in Oosterwolde is in de nacht brand gesticht. Iemand "
    b"had een container tegen de gevel geschoven en in brand gestoken. De brandweer had het vuur "
    b"snel onder controle, maar de gevel en een nooduitgang raakten zwaar beschadigd.</p>"
    b"<p>De politie gaat uit van opzet. Een buurtbewoner zag kort voor de brand twee mensen op "
    b"fietsen wegrijden in de richting van het centrum. Rechercheurs vragen getuigen zich te "
    b"melden en willen graag camerabeelden uit de omliggende straten bekijken.</p>"
    b"<p>De sportverenigingen die de hal gebruiken, moeten de komende weken uitwijken naar "
    b"een school in de buurt. De gemeente laat de schade onderzoeken.</p>"
    b"</article></main></body></html>"
)


class Site(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server_address[1]}"
        self.log: list[tuple[float, str, str]] = []  # (time, "asked" | "sent", path)
        self.lock = threading.Lock()

    def note(self, what: str, path: str) -> None:
        with self.lock:
            self.log.append((time.monotonic(), what, path))


class Handler(SiteHandler):
    server: Site

    def do_GET(self) -> None:
        base, path = self.server.base, self.path
        self.server.note("asked", path)
        if path == "/rss.xml":
            item = f"<item><title>Brand bij sporthal</title><link>{base}{ARTICLE}</link></item>"
            body = (
                '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
                f"<title>Dagblad Noordkust</title><link>{base}/</link>{item}</channel></rss>"
            ).encode()
            self.respond(200, body, "application/rss+xml")
        elif path == "/sitemap.xml":
            time.sleep(SITEMAP_DELAY)
            body = (
                '<?xml version="1.0" encoding="utf-8"?>'
                '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
                'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">'
                f"<url><loc>{base}{ARTICLE}</loc><news:news><news:publication>"
                "<news:name>Dagblad Noordkust</news:name><news:language>nl</news:language>"
                f"</news:publication><news:publication_date>{SITEMAP_DATE}</news:publication_date>"
                "<news:title>Brand bij sporthal</news:title></news:news></url></urlset>"
            ).encode()
            self.respond(200, body, "application/xml")
        elif path == ARTICLE:
            self.respond(200, PAGE, "text/html; charset=utf-8")
        elif path == "/robots.txt":
            self.respond(200, b"User-agent: *\nAllow: /\n", "text/plain")
        else:
            self.respond(404, b"<html><body>niet gevonden</body></html>", "text/html")
        self.server.note("sent", path)


def _crawl(tmp_path: Path, *settings: str) -> tuple[Site, Path, str]:
    db, sources = tmp_path / "corpus.sqlite", tmp_path / "sources.toml"
    with serving(Site()) as site:
        source = {
            "name": "noordkust",
            "outlet": "Dagblad Noordkust",
            "country": "nl",
            "feeds": [f"{site.base}/rss.xml"],
            "sitemaps": [f"{site.base}/sitemap.xml"],
        }
        sources.write_text(sources_toml([source]), encoding="utf-8")
        # Several requests at once to the site: the article could be fetched beside the sitemap.
        parallel = ("-s", "CONCURRENT_REQUESTS_PER_DOMAIN=4")
        proc = run_cli(
            "crawl", "--sources", str(sources), "--db", str(db), *FAST, *parallel, *settings, timeout=120
        )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return site, db, proc.stderr


def _when(site: Site, what: str, path: str) -> float:
    return next(t for t, w, p in site.log if w == what and p == path)


def test_an_article_waits_for_every_channel_and_is_dated_by_the_late_one(tmp_path: Path) -> None:
    site, db, _ = _crawl(tmp_path)
    assert _when(site, "asked", ARTICLE) >= _when(site, "sent", "/sitemap.xml")
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT url, published, date_source FROM articles").fetchall()
    assert len(rows) == 1
    url, published, source = rows[0]
    assert url.endswith(ARTICLE)
    assert str(published).startswith("2024-03-11") and source == "sitemap"


def test_holding_can_be_switched_off(tmp_path: Path) -> None:
    # Without holding, the feed's sighting sends the article at once, while the sitemap is slow.
    site, _, _ = _crawl(tmp_path, "-s", "CORPUS_HOLD_ARTICLES=0")
    assert _when(site, "asked", ARTICLE) < _when(site, "sent", "/sitemap.xml")
