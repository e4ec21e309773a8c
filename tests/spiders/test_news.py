"""The news spider through one real crawl of a small local site: feed, sitemap and listing page.

The site serves an RSS feed, a sitemap and a section page that together announce five article
URLs: one per channel, one announced by both the feed and the sitemap, and one in the sitemap
that robots.txt closes. The crawl runs as a user starts it (``python -m corpus crawl``) into a
real SQLite file; the tests read what the store and the server saw.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.conftest import FAST, run_cli
from tests.faults.fixtures.localsite import SiteHandler, serving
from tests.faultserver import sources_toml

FEED_DATE = "Tue, 12 Mar 2024 09:00:00 +0100"

FEED_ONLY = "/nieuws/schuurbrand-aan-de-dijkweg-onderzocht"
SHARED = "/nieuws/overval-op-bakkerij-in-de-kerkstraat"
SITEMAP_ONLY = "/nieuws/fietsendief-betrapt-bij-het-station"
LISTING_ONLY = "/nieuws/oplichters-bellen-ouderen-als-bankmedewerker"
DISALLOWED = "/afgeschermd/zaak-tegen-garagehouder-uitgesteld"

# Fictional people and events. No page states a date of its own, so the feed's is the only one.
STORIES: dict[str, tuple[str, list[str]]] = {
    FEED_ONLY: (
        "Politie onderzoekt brand in schuur aan de Dijkweg",
        [
            "In een houten schuur aan de Dijkweg in Oosterwolde heeft in de nacht een felle brand "
            "gewoed. De brandweer kon niet voorkomen dat de schuur en een oude tractor volledig "
            "verloren gingen. Niemand raakte gewond.",
            "De politie sluit brandstichting niet uit. Een buurman, Harm Dijkstra, zag kort voor de "
            "brand twee jongens met een scooter wegrijden. Rechercheurs hebben zijn verklaring "
            "opgenomen en zoeken naar camerabeelden uit de straat.",
            "Eigenaar Wietske Bosma is aangeslagen. Volgens haar stond er in de schuur niets dat "
            "vanzelf vlam kon vatten. Wie iets heeft gezien, kan contact opnemen met de politie.",
        ],
    ),
    SHARED: (
        "Gewapende overval op bakkerij in de Kerkstraat",
        [
            "Een man met een mes heeft vroeg in de ochtend de bakkerij van Koen Veldhuis in de "
            "Kerkstraat van Lemsterhoek overvallen. Hij eiste de inhoud van de kassa en vluchtte "
            "daarna te voet in de richting van het park.",
            "Een medewerkster die net de ovens had aangezet, bleef ongedeerd maar is flink "
            "geschrokken. De politie zette een helikopter en een speurhond in, maar de overvaller "
            "werd niet gevonden.",
            "De man droeg een donkere jas en een bivakmuts. De recherche vraagt buurtbewoners met "
            "een deurbelcamera om hun beelden te bekijken en bekijkt of de overval verband houdt "
            "met een eerdere poging bij een slijterij in de buurt.",
        ],
    ),
    SITEMAP_ONLY: (
        "Fietsendief op heterdaad betrapt bij het station",
        [
            "Agenten hebben bij het station van Dalwijk een 34-jarige man aangehouden die met een "
            "betonschaar het slot van een elektrische fiets doorknipte. Een beveiliger had hem via "
            "de camera's al een tijd in de gaten gehouden.",
            "In de rugzak van de verdachte vonden de agenten nog twee doorgeknipte sloten en een "
            "setje reservesleutels. De politie onderzoekt of hij verantwoordelijk is voor een reeks "
            "fietsdiefstallen in de stationsstalling.",
            "De eigenaar van de fiets, student Lotte Meijering, kreeg haar fiets dezelfde avond "
            "terug. Tegen de verdachte is proces-verbaal opgemaakt wegens diefstal.",
        ],
    ),
    LISTING_ONLY: (
        "Oplichters bellen ouderen en doen zich voor als bankmedewerker",
        [
            "In Brakeloo zijn de afgelopen dagen zeker zes ouderen gebeld door mannen die zich "
            "voordeden als medewerker van hun bank. Zij vertelden dat er verdachte betalingen "
            "waren gedaan en dat een koerier de bankpas zou komen ophalen.",
            "Een 81-jarige vrouw gaf haar pas en pincode af aan een jongeman die aanbelde. Kort "
            "daarna werd er ruim vierduizend euro van haar rekening gehaald. Haar zoon, Bert "
            "Hoekstra, deed aangifte bij de politie.",
            "De politie benadrukt dat een bank nooit om een pincode vraagt en nooit iemand langs "
            "stuurt om een pas op te halen. Wie zo'n telefoontje krijgt, moet direct ophangen.",
        ],
    ),
    DISALLOWED: (
        "Zaak tegen garagehouder opnieuw uitgesteld",
        [
            "De rechtszaak tegen garagehouder Evert Lamers, die ervan wordt verdacht gestolen "
            "auto's te hebben omgebouwd en doorverkocht, is opnieuw uitgesteld. Zijn advocaat wil "
            "eerst meer getuigen horen.",
            "Het openbaar ministerie verwijt de man dat hij tientallen auto's een nieuw "
            "chassisnummer gaf. De zaak wordt over enkele maanden inhoudelijk behandeld.",
        ],
    ),
}


def article_page(title: str, paragraphs: list[str]) -> bytes:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        '<!DOCTYPE html><html lang="nl"><head><meta charset="utf-8">'
        f"<title>{title}</title></head><body><main><article><h1>{title}</h1>{body}"
        "</article></main></body></html>"
    ).encode()


def feed(base: str) -> bytes:
    items = "".join(
        f"<item><title>{STORIES[path][0]}</title><link>{base}{path}</link>"
        f"<pubDate>{FEED_DATE}</pubDate></item>"
        for path in (FEED_ONLY, SHARED)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Dagblad Noordkust</title><link>{base}/</link>{items}</channel></rss>"
    ).encode()


def sitemap(base: str) -> bytes:
    urls = "".join(f"<url><loc>{base}{path}</loc></url>" for path in (SHARED, SITEMAP_ONLY, DISALLOWED))
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'
    ).encode()


LISTING = (
    '<!DOCTYPE html><html lang="nl"><head><meta charset="utf-8"><title>Nieuws</title></head><body>'
    f'<ul><li><a href="{LISTING_ONLY}">Oplichters bellen ouderen</a></li></ul></body></html>'
).encode()

ROBOTS = b"User-agent: *\nDisallow: /afgeschermd/\n"


class Site(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server_address[1]}"
        self.hits: list[str] = []


class Handler(SiteHandler):
    server: Site

    def do_GET(self) -> None:
        self.server.hits.append(self.path)
        base, html = self.server.base, "text/html; charset=utf-8"
        if self.path == "/robots.txt":
            self.respond(200, ROBOTS, "text/plain")
        elif self.path == "/rss.xml":
            self.respond(200, feed(base), "application/rss+xml")
        elif self.path == "/sitemap.xml":
            self.respond(200, sitemap(base), "application/xml")
        elif self.path == "/nieuws/":
            self.respond(200, LISTING, html)
        elif self.path in STORIES:
            self.respond(200, article_page(*STORIES[self.path]), html)
        else:
            self.respond(404, b"<html><body>niet gevonden</body></html>", html)


@dataclass
class Crawl:
    db: Path
    base: str
    hits: list[str]
    seconds: float

    def rows(self, sql: str) -> list[tuple]:
        with sqlite3.connect(self.db) as conn:
            return conn.execute(sql).fetchall()


@pytest.fixture(scope="module")
def crawl(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Crawl]:
    tmp = tmp_path_factory.mktemp("news")
    db, sources = tmp / "corpus.sqlite", tmp / "sources.toml"
    with serving(Site()) as site:
        source = {
            "name": "noordkust",
            "outlet": "Dagblad Noordkust",
            "country": "nl",
            "feeds": [f"{site.base}/rss.xml"],
            "sitemaps": [f"{site.base}/sitemap.xml"],
            "start_urls": [f"{site.base}/nieuws/"],
        }
        sources.write_text(sources_toml([source]), encoding="utf-8")
        started = time.monotonic()
        proc = run_cli("crawl", "--sources", str(sources), "--db", str(db), *FAST, timeout=120)
        seconds = time.monotonic() - started
        hits = list(site.hits)
    assert proc.returncode == 0, proc.stderr[-3000:]
    print(f"news crawl took {seconds:.1f} s")
    yield Crawl(db, site.base, hits, seconds)


def test_each_channel_yields_its_own_articles(crawl: Crawl) -> None:
    stored = dict(crawl.rows("SELECT fetched_url, discovered_via FROM articles"))
    assert stored[crawl.base + FEED_ONLY] == "feed"
    assert stored[crawl.base + SITEMAP_ONLY] == "sitemap"
    assert stored[crawl.base + LISTING_ONLY] == "listing"
    channels = dict(crawl.rows("SELECT fetch_url, channel FROM frontier WHERE kind = 'article'"))
    for path, channel in ((FEED_ONLY, "feed"), (SITEMAP_ONLY, "sitemap"), (LISTING_ONLY, "listing")):
        assert channels[crawl.base + path] == channel
    documents = dict(crawl.rows("SELECT fetch_url, kind FROM frontier WHERE kind <> 'article'"))
    assert documents[crawl.base + "/rss.xml"] == "feed"
    assert documents[crawl.base + "/sitemap.xml"] == "sitemap"
    assert documents[crawl.base + "/nieuws/"] == "listing"


def test_a_url_found_by_feed_and_sitemap_is_fetched_and_stored_once(crawl: Crawl) -> None:
    assert crawl.hits.count(SHARED) == 1
    url = crawl.base + SHARED
    assert crawl.rows(f"SELECT count(*) FROM articles WHERE fetched_url = '{url}'") == [(1,)]
    # One frontier row, credited to whichever channel announced it first.
    [(channel, outcome)] = crawl.rows(f"SELECT channel, outcome FROM frontier WHERE fetch_url = '{url}'")
    assert channel in {"feed", "sitemap"} and outcome != "pending"
    assert sorted(crawl.hits.count(p) for p in (FEED_ONLY, SITEMAP_ONLY, LISTING_ONLY)) == [1, 1, 1]


def test_an_article_robots_txt_closes_is_not_fetched_and_its_rejection_is_recorded(crawl: Crawl) -> None:
    assert DISALLOWED not in crawl.hits
    assert "/robots.txt" in crawl.hits
    url = crawl.base + DISALLOWED
    assert crawl.rows(f"SELECT stage, reason FROM rejections WHERE url = '{url}'") == [
        ("fetch", "robots_disallowed")
    ]
    assert crawl.rows(f"SELECT outcome, reason FROM frontier WHERE fetch_url = '{url}'") == [
        ("rejected", "robots_disallowed")
    ]
    assert crawl.rows(f"SELECT count(*) FROM articles WHERE fetched_url = '{url}'") == [(0,)]


def test_the_feed_date_reaches_an_article_whose_page_has_no_date(crawl: Crawl) -> None:
    dates = {
        url: (published, source)
        for url, published, source in crawl.rows("SELECT fetched_url, published, date_source FROM articles")
    }
    assert dates[crawl.base + FEED_ONLY] == ("2024-03-12", "feed")
    # The same kind of page found without a date stays undated: the date came from the feed.
    assert dates[crawl.base + SITEMAP_ONLY] == (None, "none")
