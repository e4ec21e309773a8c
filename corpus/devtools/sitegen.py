"""A generated Dutch news site of any size, served fast: load for distributed and throughput runs.

The bundled demo site has 49 hand-written pages, too few to measure a crawl or to kill one
halfway. :class:`GeneratedSite` makes ``pages`` article pages from a seed, deterministically (the
same seed and size give the same bytes), with what a real outlet has: ``robots.txt`` naming a
sitemap index, sitemap files of ``SITEMAP_CHUNK`` URLs, an RSS feed and a listing page of the
newest articles, and small article pages (about 3 KB) with Open Graph and JSON-LD markup. Every
article text is different (a numbered case, its own names, places and figures), so none is
dropped as an exact duplicate: a crawl of the whole site must store exactly ``pages`` articles.

Pages are built on request and cached, and :func:`serve_generated` answers with a threaded
HTTP/1.1 server that keeps connections alive, so the server is not what a benchmark measures.
``python -m corpus.devtools.sitegen --pages 5000`` serves a site until interrupted and can write the
sources file that points a crawl at it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import random
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from email.utils import format_datetime
from functools import cached_property
from html import escape
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from urllib.parse import urlsplit

from corpus.devtools.server import QuietServer

SITEMAP_CHUNK = 500
"""URLs per sitemap file (real outlets use 1,000 to 50,000; smaller files spread the discovery)."""
FEED_SIZE = 50
LISTING_SIZE = 40
FIRST_DAY = dt.date(2021, 1, 4)

_PLACES = (
    "Amsterdam", "Rotterdam", "Den Haag", "Utrecht", "Eindhoven", "Tilburg", "Groningen", "Almere",
    "Breda", "Nijmegen", "Apeldoorn", "Haarlem", "Arnhem", "Enschede", "Zaanstad", "Amersfoort",
    "Maastricht", "Leiden", "Dordrecht", "Zwolle", "Deventer", "Delft", "Venlo", "Helmond",
    "Antwerpen", "Gent", "Brugge", "Leuven", "Mechelen", "Hasselt", "Aalst", "Kortrijk",
)  # fmt: skip
_STREETS = (
    "Kerkstraat", "Stationsweg", "Molenweg", "Dorpsstraat", "Schoolstraat", "Beukenlaan",
    "Julianastraat", "Marktplein", "Industrieweg", "Parallelweg", "Lindelaan", "Havenkade",
)  # fmt: skip
_FIRST = (
    "Mohamed", "Kevin", "Dennis", "Sander", "Youssef", "Bram", "Thijs", "Ricardo", "Jeroen",
    "Niels", "Stefan", "Mark", "Tim", "Joris", "Wesley", "Jordy", "Daan", "Milan", "Ilias", "Rik",
)  # fmt: skip
_INITIAL = "BDHKLMPRSTVW"
_REPORTERS = ("Anouk de Vries", "Pieter Jansen", "Fleur Bakker", "Koen Peeters", "Lotte Mertens")
_CRIMES = (
    ("inbraak", "een inbraak in een woning aan de", "ingebroken"),
    ("overval", "een gewapende overval op een winkel aan de", "overvallen"),
    ("steekpartij", "een steekpartij bij een café aan de", "neergestoken"),
    ("plofkraak", "een plofkraak op een geldautomaat aan de", "opgeblazen"),
    ("autodiefstal", "de diefstal van een auto aan de", "gestolen"),
    ("drugsvondst", "een drugsvondst in een bedrijfspand aan de", "aangetroffen"),
    ("mishandeling", "een mishandeling op straat aan de", "mishandeld"),
    ("brandstichting", "brandstichting in een schuur aan de", "in brand gestoken"),
)
_DAYS = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")
_MONTHS = (
    "januari", "februari", "maart", "april", "mei", "juni",
    "juli", "augustus", "september", "oktober", "november", "december",
)  # fmt: skip
_QUOTES = (
    "We hoorden een harde knal en zagen daarna mensen wegrennen",
    "Het is hier normaal zo'n rustige buurt, dit had niemand verwacht",
    "Ik durf 's avonds eigenlijk niet meer alleen over straat",
    "De politie was er gelukkig heel snel bij",
    "Mijn kinderen slapen aan de achterkant, ik moet er niet aan denken",
)

_SENTENCES = (
    "Omstreeks {time} uur kwam bij de meldkamer een melding binnen over verdachte geluiden.",
    "Agenten troffen ter plaatse {n} getuigen aan die de dader hadden zien wegrennen.",
    "'{quote}', vertelt een buurtbewoner die liever anoniem blijft.",
    "Volgens omwonenden is er dit jaar al vaker iets {verb} in deze wijk van {place}.",
    "{suspect} ({age}) zit nog vast en wordt later deze week verhoord.",
    "De schade loopt volgens een eerste schatting op tot zo'n {cost} euro.",
    "Het Openbaar Ministerie beslist binnenkort of de zaak bij de politierechter komt.",
    "De recherche heeft camerabeelden uit de omgeving van de {street} veiliggesteld.",
    "Forensisch onderzoekers waren tot diep in de nacht bezig met het sporenonderzoek.",
    "Een woordvoerder van de politie wil nog niet zeggen of er meer verdachten zijn.",
    "Buurtbewoners kregen {weekday}avond een brief van de gemeente over het incident.",
    "De burgemeester van {place} noemt de gebeurtenis 'volstrekt onacceptabel'.",
    "Tijdens een huiszoeking vonden agenten kleding die mogelijk bij de {crime} is gedragen.",
    "Een hondengeleider zocht de omliggende tuinen en steegjes af, zonder resultaat.",
    "Het slachtoffer is met lichte verwondingen naar een ziekenhuis in de regio gebracht.",
    "De straat was urenlang afgezet, waardoor bussen een andere route moesten rijden.",
    "Volgens de wijkagent speelt er in deze buurt al langer een conflict tussen twee families.",
    "Eerder deze maand werd in dezelfde straat ook een auto in brand gestoken.",
    "De advocaat van de verdachte laat weten dat zijn cliënt elke betrokkenheid ontkent.",
    "Een ondernemer uit de buurt heeft zijn beveiliging na het voorval direct uitgebreid.",
    "Op sociale media gingen al snel filmpjes rond van de grote politie-inzet.",
    "De traumahelikopter landde even na middernacht op een grasveld aan de rand van {place}.",
    "Getuigen zagen een donkere scooter met twee personen met hoge snelheid wegrijden.",
    "De politie sluit niet uit dat de {crime} verband houdt met eerdere zaken in de regio.",
    "In totaal waren zeker {n} politieauto's en een arrestatieteam bij de actie betrokken.",
    "Het pand aan de {street} is op last van de burgemeester voor drie maanden gesloten.",
    "Een opsporingsbericht met een signalement van de tweede man volgt later.",
    "Slachtofferhulp heeft contact opgenomen met de getroffen bewoners.",
    "De zaak wordt volgende week besproken in het programma Bureau Regio.",
    "Wie iets heeft gezien, kan anoniem bellen met Meld Misdaad Anoniem.",
    "Volgens de buren had de man de laatste weken vaker bezoek tot laat in de avond.",
    "De rechter-commissaris heeft de voorlopige hechtenis van de verdachte met veertien dagen verlengd.",
    "Verslaggever {reporter} sprak ter plaatse met geschrokken voorbijgangers.",
    "De gemeenteraad van {place} wil opheldering over de veiligheid in de wijk.",
    "Een deel van de buit is teruggevonden in een container verderop in de straat.",
    "De politie roept mensen op om geen beelden van de aanhouding te verspreiden.",
)


@dataclass(frozen=True)
class Article:
    """One generated article: everything its page, the feed and the sitemap say about it."""

    index: int
    path: str
    title: str
    published: dt.datetime
    paragraphs: tuple[str, ...]
    place: str
    reporter: str


def _article(index: int, seed: int) -> Article:
    rng = random.Random(f"{seed}:{index}")
    crime, event, verb = rng.choice(_CRIMES)
    place = rng.choice(_PLACES)
    street = rng.choice(_STREETS)
    number = rng.randint(1, 240)
    age = rng.randint(17, 62)
    suspect = f"{rng.choice(_FIRST)} {rng.choice(_INITIAL)}."
    day = FIRST_DAY + dt.timedelta(days=index // 6)
    published = dt.datetime.combine(day, dt.time(6 + index % 6 * 2, rng.randint(0, 59)), dt.UTC)
    weekday = _DAYS[day.weekday()]
    date_words = f"{day.day} {_MONTHS[day.month - 1]}"
    title = f"Verdachte ({age}) aangehouden na {crime} in {place}, zaak {index + 1}"
    slots = {
        "place": place,
        "street": street,
        "age": age,
        "suspect": suspect,
        "weekday": weekday,
        "verb": verb,
        "crime": crime,
        "time": f"{rng.randint(0, 23)}.{rng.randint(10, 59)}",
        "n": rng.randint(2, 14),
        "cost": f"{rng.randint(2, 90) * 1000:,}".replace(",", "."),
        "quote": rng.choice(_QUOTES),
        "reporter": rng.choice(_REPORTERS),
    }
    lead = (
        f"De politie heeft {weekday} {date_words} een {age}-jarige man uit {place} aangehouden voor "
        f"{event} {street} {number}. Het gaat volgens de politie om zaak nummer {index + 1} van dit "
        f"jaar in de regio."
    )
    # Four paragraphs of two sentences drawn from a large pool: two articles share few word
    # 5-grams, as two real reports on different cases do (no giant near-duplicate cluster).
    picked = [t.format(**slots) for t in rng.sample(_SENTENCES, 8)]
    body = tuple(" ".join(picked[i : i + 2]) for i in range(0, 8, 2))
    paragraphs = (lead, *body)
    slug = f"{crime}-{place.lower().replace(' ', '-')}-{index + 1}"
    path = f"/nieuws/{day:%Y/%m/%d}/{slug}"
    return Article(index, path, title, published, paragraphs, place, rng.choice(_REPORTERS))


@dataclass
class GeneratedSite:
    """A deterministic news site of ``pages`` articles; build its responses with :meth:`respond`."""

    pages: int = 2000
    seed: int = 7
    outlet: str = "Generated Gazette"
    _cache: dict[str, tuple[bytes, str]] = field(default_factory=dict, repr=False)  # body, ETag

    @cached_property
    def articles(self) -> tuple[Article, ...]:
        return tuple(_article(i, self.seed) for i in range(self.pages))

    @cached_property
    def by_path(self) -> dict[str, Article]:
        return {a.path: a for a in self.articles}

    def article_urls(self, base: str) -> list[str]:
        """Every article URL on the site served at ``base`` (what a full crawl must store)."""
        return [base + a.path for a in self.articles]

    def newest(self, n: int) -> list[Article]:
        return sorted(self.articles, key=lambda a: (a.published, a.index), reverse=True)[:n]

    def sitemap_count(self) -> int:
        return max(1, -(-self.pages // SITEMAP_CHUNK))

    def respond(self, path: str, base: str) -> tuple[int, str, bytes, str | None]:
        """(status, content type, body, ETag) for a URL path; cached per path and base.

        Two threads may render the same page at once; both store the same bytes, so no lock.
        """
        key = f"{base}{path}"
        cached = self._cache.get(key)
        if cached is None:
            found = self._render(path, base)
            if found is None:
                return 404, "text/plain; charset=utf-8", b"niet gevonden\n", None
            cached = self._cache[key] = (found, '"' + hashlib.sha1(found).hexdigest()[:16] + '"')
        return 200, _content_type(path), *cached

    def _render(self, path: str, base: str) -> bytes | None:
        if path == "/robots.txt":
            return f"User-agent: *\nDisallow: /zoeken/\n\nSitemap: {base}/sitemap.xml\n".encode()
        if path == "/sitemap.xml":
            return self._sitemap_index(base)
        if path.startswith("/sitemaps/artikelen-") and path.endswith(".xml"):
            number = path.removeprefix("/sitemaps/artikelen-").removesuffix(".xml")
            if number.isdigit() and 1 <= int(number) <= self.sitemap_count():
                return self._sitemap(int(number), base)
            return None
        if path == "/rss.xml":
            return self._feed(base)
        if path in ("/", "/nieuws/"):
            return self._listing(base)
        article = self.by_path.get(path)
        return _article_page(article, base, self.outlet) if article else None

    def _sitemap_index(self, base: str) -> bytes:
        items = "".join(
            f"<sitemap><loc>{base}/sitemaps/artikelen-{k}.xml</loc></sitemap>\n"
            for k in range(1, self.sitemap_count() + 1)
        )
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            f"{items}</sitemapindex>\n"
        ).encode()

    def _sitemap(self, number: int, base: str) -> bytes:
        chunk = self.articles[(number - 1) * SITEMAP_CHUNK : number * SITEMAP_CHUNK]
        items = "".join(
            f"<url><loc>{base}{a.path}</loc><lastmod>{a.published:%Y-%m-%dT%H:%M:%SZ}</lastmod></url>\n"
            for a in chunk
        )
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            f"{items}</urlset>\n"
        ).encode()

    def _feed(self, base: str) -> bytes:
        items = "".join(
            f"<item><title>{escape(a.title)}</title><link>{base}{a.path}</link>"
            f"<guid>{base}{a.path}</guid><pubDate>{format_datetime(a.published, usegmt=True)}</pubDate>"
            f"<description>{escape(a.paragraphs[0])}</description></item>\n"
            for a in self.newest(FEED_SIZE)
        )
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>\n'
            f"<title>{escape(self.outlet)} - Nieuws</title><link>{base}/nieuws/</link>"
            f"<language>nl</language><description>Het laatste nieuws</description>\n"
            f"{items}</channel></rss>\n"
        ).encode()

    def _listing(self, base: str) -> bytes:
        items = "".join(
            f'<li><a href="{a.path}">{escape(a.title)}</a> <time>{a.published:%d-%m-%Y}</time></li>\n'
            for a in self.newest(LISTING_SIZE)
        )
        return _page(
            f"Nieuws | {escape(self.outlet)}",
            f'<link rel="alternate" type="application/rss+xml" href="{base}/rss.xml">',
            f'<main><h1>Laatste nieuws</h1><ul class="listing">\n{items}</ul></main>',
            self.outlet,
        )


def _content_type(path: str) -> str:
    if path.endswith(".xml"):
        return "application/rss+xml" if path == "/rss.xml" else "application/xml"
    if path.endswith(".txt"):
        return "text/plain; charset=utf-8"
    return "text/html; charset=utf-8"


def _page(title: str, head: str, main: str, outlet: str) -> bytes:
    return (
        '<!DOCTYPE html>\n<html lang="nl">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{title}</title>\n"
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"{head}\n</head>\n<body>\n"
        f'<header class="site-header"><a href="/">{escape(outlet)}</a>\n<nav><ul>'
        '<li><a href="/">Voorpagina</a></li><li><a href="/nieuws/">Nieuws</a></li>'
        '<li><a href="/zoeken/">Zoeken</a></li></ul></nav></header>\n'
        f"{main}\n"
        f'<footer class="site-footer"><p>© 2024 {escape(outlet)}</p>'
        '<ul><li><a href="/colofon">Colofon</a></li><li><a href="/privacy">Privacy</a></li></ul>'
        "</footer>\n</body>\n</html>\n"
    ).encode()


def _article_page(article: Article, base: str, outlet: str) -> bytes:
    url = base + article.path
    iso = article.published.isoformat()
    title = escape(article.title)
    head = (
        f'<link rel="canonical" href="{url}">\n'
        '<meta property="og:type" content="article">\n'
        f'<meta property="og:title" content="{title}">\n'
        f'<meta property="og:url" content="{url}">\n'
        f'<meta property="article:published_time" content="{iso}">\n'
        f'<meta name="description" content="{escape(article.paragraphs[0][:150])}">\n'
        '<script type="application/ld+json">{"@context": "https://schema.org", '
        f'"@type": "NewsArticle", "headline": "{title}", "datePublished": "{iso}", '
        f'"author": {{"@type": "Person", "name": "{article.reporter}"}}}}</script>'
    )
    body = "\n".join(f"<p>{escape(p, quote=False)}</p>" for p in article.paragraphs)
    main = (
        '<main><article class="article">\n<header>\n'
        f'<span class="section">{escape(article.place)}</span>\n<h1>{title}</h1>\n'
        f'<div class="meta"><span class="byline">Door {article.reporter}</span> '
        f'<time datetime="{iso}">{article.published:%d-%m-%Y %H:%M}</time></div>\n</header>\n'
        f'<div class="article__body">\n{body}\n</div>\n</article></main>'
    )
    return _page(f"{title} | {escape(outlet)}", head, main, outlet)


class _Handler(BaseHTTPRequestHandler):
    site: GeneratedSite
    protocol_version = "HTTP/1.1"  # keep-alive: no new connection per page
    server_version = "crimecorpus-sitegen/1"

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        base = f"http://{self.headers.get('Host') or '127.0.0.1'}"
        status, ctype, body, etag = self.site.respond(urlsplit(self.path).path, base)
        if etag is not None and self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        if etag is not None:
            self.send_header("ETag", etag)
        self.end_headers()
        self.wfile.write(body)


class _Server(QuietServer):
    request_queue_size = 128  # thousands of requests from many concurrent clients


@contextmanager
def serve_generated(site: GeneratedSite, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
    """Serve ``site`` on a threaded HTTP/1.1 server; yield its origin (``http://host:port``)."""
    handler = type("GeneratedHandler", (_Handler,), {"site": site})
    server = _Server((host, port), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{host}:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def write_sources(base: str, out: Path, name: str = "generated", outlet: str = "Generated Gazette") -> Path:
    """A sources file with the generated site's feed, sitemap index and listing page."""
    out.write_text(
        "# The generated site of corpus/devtools/sitegen.py\n\n"
        f'[[source]]\nname = "{name}"\noutlet = "{outlet}"\ncountry = "nl"\n'
        f'feeds = ["{base}/rss.xml"]\nsitemaps = ["{base}/sitemap.xml"]\n'
        f'start_urls = ["{base}/nieuws/"]\n',
        encoding="utf-8",
    )
    return out


def main(argv: list[str] | None = None) -> None:
    """Serve a generated site until interrupted (for benchmarks run by hand)."""
    parser = argparse.ArgumentParser(prog="python -m corpus.devtools.sitegen", description=main.__doc__)
    parser.add_argument("--pages", type=int, default=2000, help="article pages (default 2000)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0: a free port")
    parser.add_argument("--sources", type=Path, help="also write a sources file pointing at the site")
    args = parser.parse_args(argv)
    site = GeneratedSite(pages=args.pages, seed=args.seed)
    with serve_generated(site, args.host, args.port) as base:
        if args.sources:
            write_sources(base, args.sources)
        print(base, flush=True)
        with suppress(KeyboardInterrupt):
            threading.Event().wait()


if __name__ == "__main__":
    main()
