"""The dedup and near-duplicate stages through one real crawl into a real SQLite file.

A small local site lists four articles in its sitemap: a story, the same story word for word at
a second address (published later), a lightly edited copy (another headline, one sentence
rewritten) and a different story. Nothing is dropped: the store marks the verbatim copy with
``duplicate_of``, puts the three versions of the story in one cluster with one representative,
and leaves the other story alone.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import ThreadingHTTPServer

import pytest

from tests.conftest import FAST, run_cli
from tests.faults.fixtures.localsite import SiteHandler, serving
from tests.faultserver import sources_toml

ORIGINAL = "/nieuws/ramkraak-bij-juwelier-in-de-hoofdstraat"
VERBATIM = "/regio/ramkraak-bij-juwelier-in-de-hoofdstraat-overgenomen"
EDITED = "/nieuws/juwelier-hoofdstraat-opnieuw-doelwit-van-ramkraak"
OTHER = "/nieuws/drugslab-ontdekt-in-schuur-bij-boerderij"

# Fictional people and events.
RAMKRAAK = [
    "In de nacht van zaterdag op zondag is een juwelier aan de Hoofdstraat in Westerveen "
    "getroffen door een ramkraak.",
    "Drie mannen reden met een gestolen bestelbus achteruit door de etalage van de zaak van Gerrit Hofstede.",
    "Binnen een paar minuten hadden zij vitrines met horloges en gouden sieraden leeggehaald.",
    "Een buurvrouw werd wakker van de klap en zag de daders in een donkere personenauto "
    "wegrijden in de richting van de snelweg.",
    "De bestelbus bleef zwaar beschadigd achter in de winkel.",
    "De politie heeft de straat urenlang afgezet voor sporenonderzoek en heeft een speurhond ingezet.",
    "Volgens de eigenaar is de schade aan het pand en de buit samen tienduizenden euro's.",
    "Hofstede zegt dat hij al jaren bang was voor zo'n inbraak, omdat zijn winkel vlak bij de "
    "oprit van de snelweg ligt.",
    "De recherche onderzoekt of de kraak verband houdt met vergelijkbare ramkraken in de regio "
    "eerder dit voorjaar.",
    "Bij een van die kraken, in een dorp verderop, werd ook een gestolen bestelbus gebruikt.",
    "Buurtbewoners vertellen dat zij de laatste weken vaker onbekende auto's door de straat zagen rijden.",
    "Hofstede wil zijn winkel zo snel mogelijk weer openen, maar moet eerst wachten op een "
    "aannemer die de gevel stut.",
    "Getuigen en mensen met camerabeelden worden gevraagd contact op te nemen met de politie.",
]
REWRITTEN = (
    6,
    "De eigenaar schat dat de totale schade, inclusief de gestolen sieraden, flink hoger uitvalt "
    "dan eerst werd gedacht.",
)
DRUGSLAB = [
    "Agenten hebben in een schuur bij een boerderij aan de Veenweg in Oudeschans een compleet "
    "drugslab aangetroffen.",
    "Ze kwamen erop af na een melding van een sterke anijsgeur die omwonenden al weken roken.",
    "In de schuur stonden grote ketels, vaten met chemicaliën en tientallen jerrycans met afvalstoffen.",
    "De brandweer en een gespecialiseerd bedrijf zijn de hele dag bezig geweest om alles veilig "
    "te ontmantelen.",
    "De 52-jarige huurder van de schuur, Anton Brinkman, is aangehouden en zit vast voor verhoor.",
    "De verhuurder zegt niets te hebben geweten van wat er in zijn schuur gebeurde.",
    "De gemeente heeft de schuur voor een halfjaar gesloten.",
    "Volgens de politie zijn er in de omgeving vaker dumpingen van drugsafval gevonden, en wordt "
    "onderzocht of die van dit lab afkomstig zijn.",
]

PAGES: dict[str, tuple[str, str, list[str]]] = {
    # path: (headline, publication time, sentences)
    ORIGINAL: ("Ramkraak bij juwelier in de Hoofdstraat", "2024-05-05T07:30:00+02:00", RAMKRAAK),
    VERBATIM: ("Ramkraak bij juwelier in de Hoofdstraat", "2024-05-05T11:00:00+02:00", RAMKRAAK),
    EDITED: (
        "Juwelier in Westerveen opnieuw doelwit: daders rijden bestelbus door etalage",
        "2024-05-05T13:15:00+02:00",
        [*RAMKRAAK[: REWRITTEN[0]], REWRITTEN[1], *RAMKRAAK[REWRITTEN[0] + 1 :]],
    ),
    OTHER: ("Drugslab ontdekt in schuur bij boerderij", "2024-05-05T09:00:00+02:00", DRUGSLAB),
}


def article_page(headline: str, published: str, sentences: list[str]) -> bytes:
    half = len(sentences) // 2
    body = "".join(f"<p>{' '.join(part)}</p>" for part in (sentences[:half], sentences[half:]))
    return (
        '<!DOCTYPE html><html lang="nl"><head><meta charset="utf-8">'
        f'<title>{headline}</title><meta property="article:published_time" content="{published}">'
        f"</head><body><main><article><h1>{headline}</h1>{body}</article></main></body></html>"
    ).encode()


class Site(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server_address[1]}"


class Handler(SiteHandler):
    server: Site

    def do_GET(self) -> None:
        if self.path == "/robots.txt":
            self.respond(200, b"User-agent: *\nAllow: /\n", "text/plain")
        elif self.path == "/sitemap.xml":
            urls = "".join(f"<url><loc>{self.server.base}{path}</loc></url>" for path in PAGES)
            body = f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'
            self.respond(200, body.encode(), "application/xml")
        elif self.path in PAGES:
            self.respond(200, article_page(*PAGES[self.path]), "text/html; charset=utf-8")
        else:
            self.respond(404, b"<html><body>niet gevonden</body></html>", "text/html")


@dataclass
class Stored:
    """One article row as the store left it."""

    id: str
    text_hash: str
    duplicate_of: str | None
    cluster_id: str | None
    is_representative: bool


@pytest.fixture(scope="module")
def stored(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Stored]]:
    """The articles of one real crawl of the site, by path."""
    tmp = tmp_path_factory.mktemp("duplicates")
    db, sources = tmp / "corpus.sqlite", tmp / "sources.toml"
    with serving(Site()) as site:
        source = {
            "name": "westerveen",
            "outlet": "Westerveens Dagblad",
            "country": "nl",
            "sitemaps": [f"{site.base}/sitemap.xml"],
        }
        sources.write_text(sources_toml([source]), encoding="utf-8")
        started = time.monotonic()
        proc = run_cli("crawl", "--sources", str(sources), "--db", str(db), *FAST, timeout=120)
        print(f"duplicates crawl took {time.monotonic() - started:.1f} s")
        base = site.base
    assert proc.returncode == 0, proc.stderr[-3000:]
    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            "SELECT fetched_url, id, text_hash, duplicate_of, cluster_id, is_representative FROM articles"
        ).fetchall()
    by_path = {url.removeprefix(base): Stored(*row[:4], bool(row[4])) for url, *row in rows}
    assert set(by_path) == set(PAGES), "every page is stored: duplicates are marked, not dropped"
    yield by_path


def test_the_same_text_at_two_urls_is_kept_once_as_original_and_once_marked_duplicate(
    stored: dict[str, Stored],
) -> None:
    original, verbatim = stored[ORIGINAL], stored[VERBATIM]
    assert original.text_hash == verbatim.text_hash
    assert original.id != verbatim.id
    # The earlier publication is the one the copy points at.
    assert original.duplicate_of is None
    assert verbatim.duplicate_of == original.id
    assert original.cluster_id == verbatim.cluster_id


def test_a_lightly_edited_copy_joins_the_cluster_and_one_representative_is_chosen(
    stored: dict[str, Stored],
) -> None:
    edited = stored[EDITED]
    story = [stored[p] for p in (ORIGINAL, VERBATIM, EDITED)]
    assert edited.text_hash != stored[ORIGINAL].text_hash
    assert edited.duplicate_of is None  # not an exact copy
    assert {a.cluster_id for a in story} == {min(a.id for a in story)}
    assert [a.is_representative for a in story] == [True, False, False]  # the earliest published


def test_two_different_stories_are_not_clustered(stored: dict[str, Stored]) -> None:
    other = stored[OTHER]
    assert other.cluster_id == other.id
    assert other.cluster_id != stored[ORIGINAL].cluster_id
    assert other.is_representative and other.duplicate_of is None
