"""Throughput: crimecorpus beside Scrapy alone, plain trafilatura, trafilatura's crawler and news-please.

    python bench/throughput.py [--pages 5000] [--workers N] [--only NAME ...] [--mix menu article]
                               [--json FILE] [--baseline OTHER_CHECKOUT]

One run, two page mixes side by side, each a generated site (corpus/devtools/sitegen.py) on one
fast local server:

- ``menu``: article pages padded to the size of real news pages with a navigation mega-menu,
  related-article boxes, inline scripts and styles (about 90 KB each). trafilatura's default
  cascade pays for readability and jusText on every one of them, which flatters a crawl that
  skips them.
- ``article``: plain Dutch article pages of 60-80 KB with little navigation: a long report
  (about 10 KB of text, subheadings, photos with captions, a quote, inline links), each
  paragraph in a component wrapper, ad slots, share buttons with SVG icons, an icon sprite, a
  cookie dialog, four related teasers, a short menu and footer, scripts and styles in the head
  (about 650 elements). Here the fallbacks are cheap, so the ceiling is close to trafilatura's
  fast mode and every cost beyond extraction shows.

Every tool is a separate process whose whole process tree is sampled for peak RSS:

- ``scrapy-raw``: Scrapy fetching every article URL, no processing: the network ceiling.
- ``trafilatura-pool``: plain ``trafilatura.extract`` over the same pages, already on disk, in N
  processes: the CPU ceiling.
- ``trafilatura-pool-fast``: the same with ``fast=True`` (no readability/jusText fallbacks), for
  reference: crimecorpus runs this fast cascade and the fallbacks only on pages whose fast text
  looks short of their prose (``corpus.text.extract.needs_fallback``).
- ``crimecorpus-crawl``: ``crimecorpus crawl`` end to end (discovery, extract, language, classify,
  dedup, near-dup, store), politeness delays off.
- ``crimecorpus-ingest-warc``: ``crimecorpus ingest-warc`` over the same responses in a WARC file.
- ``trafilatura-cli``: trafilatura's own command-line crawler on the URL list (``--parallel N``).
- ``news-please``: ``NewsPlease.from_urls`` on the URL list, from a separate virtualenv
  (``.bench-venv``; its pinned dependencies do not fit the project's), when installed.

``--baseline DIR`` runs the crimecorpus tools of another checkout too, each just before this
checkout's, on the same pages: a before/after comparison under the same machine load.

The two ceilings are measured before and after the crimecorpus runs and the higher rate is kept:
on a shared machine a ceiling measured while something else runs is too low and flatters the
ratios. The report gives, per mix, crawl and ingest-warc pages/s as a share of each ceiling.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from html import escape
from pathlib import Path

import psutil

from corpus.devtools.sitegen import _PLACES, Article, GeneratedSite, _page, serve_generated, write_sources

ROOT = Path(__file__).resolve().parents[1]
NEWS_PLEASE_PY = ROOT / ".bench-venv" / "bin" / "python"


def _padding(index: int) -> tuple[str, str]:
    """Boilerplate a real outlet wraps around an article: (head part, body part), about 100 KB."""
    css = (
        "<style>"
        + "".join(f".c{i}{{margin:{i % 7}px;padding:{i % 5}px;color:#{i:06x}}}" for i in range(600))
        + "</style>"
    )
    script = "<script>window.__CONFIG__=" + json.dumps({f"k{i}": "x" * 40 for i in range(500)}) + ";</script>"
    menu = (
        "<nav class='mega-menu'><ul>"
        + "".join(
            f"<li><a href='/rubriek/{i}/onderwerp-{i}'>Onderwerp {i} in de regio</a></li>" for i in range(350)
        )
        + "</ul></nav>"
    )
    related = (
        "<aside class='related'><h2>Meer nieuws</h2><ul>"
        + "".join(
            f"<li><a href='/nieuws/2023/{(index + i) % 12 + 1:02d}/ander-bericht-{index + i}'>Ander bericht {index + i}"
            f" over de gemeenteraad</a> <time>{(i % 28) + 1}-03-2023</time></li>"
            for i in range(40)
        )
        + "</ul></aside>"
    )
    footer = (
        "<div class='footer-links'>"
        + "".join(f"<a href='/service/{i}'>Service {i}</a> " for i in range(200))
        + "</div>"
    )
    return css + script, menu + related + footer


class PaddedSite(GeneratedSite):
    """The generated site with article pages padded to a realistic size."""

    def _render(self, path: str, base: str) -> bytes | None:
        body = super()._render(path, base)
        article = self.by_path.get(path)
        if body is None or article is None:
            return body
        head, extra = _padding(article.index)
        html = body.decode()
        html = html.replace("</head>", head + "</head>", 1).replace("<main>", extra + "<main>", 1)
        return html.encode()


# --- the plain article mix ---------------------------------------------------------------------
# Our own sentence parts, combined freely: two generated reports share few word 5-grams (as two
# real reports on different cases do), so the near-duplicate stage does not see one giant cluster.
_SUBJECTS = (
    "de rechercheur", "een agent van de wijkpost", "de officier van justitie", "een buurvrouw",
    "de advocaat van de verdachte", "het slachtoffer", "een voorbijganger", "de wijkagent",
    "de burgemeester", "een woordvoerder van het OM", "de rechter", "een medewerker van de gemeente",
    "de eigenaar van het pand", "een forensisch onderzoeker", "de verslaggever", "een oud-collega",
)  # fmt: skip
_VERBS = (
    "beschreef", "bekeek", "noemde", "onderzocht", "controleerde", "fotografeerde", "meldde",
    "ontdekte", "besprak", "herkende", "betwistte", "bevestigde", "verzweeg", "benadrukte",
)  # fmt: skip
_OBJECTS = (
    "de achterdeur van het pand", "een verlaten bestelbus", "sporen van braak", "de camerabeelden",
    "een tas met gereedschap", "het verloop van de avond", "de rol van de tweede man",
    "een reeks berichten op de telefoon", "de schade aan de gevel", "een opvallende rode jas",
    "de verklaring van de buren", "het dossier van de zaak", "een kras op de voordeur",
    "de route van de vluchtauto", "de sleutels van de schuur", "een bonnetje van het tankstation",
)  # fmt: skip
_ADJUNCTS = (
    "aan de {street} in {place}", "kort na {time} uur", "op {weekday}ochtend", "zonder veel ophef",
    "in het bijzijn van {n} collega's", "volgens het proces-verbaal", "tijdens de eerste zitting",
    "na een tip uit de buurt", "voor de tweede keer deze maand", "met een zaklamp in de hand",
    "op verzoek van de rechtbank", "in de hal van het politiebureau", "vlak voor de sluiting",
    "bij de ingang van het winkelcentrum", "in een nog ongepubliceerd rapport", "op eigen initiatief",
)  # fmt: skip
_HEADS = (
    "Wat eraan voorafging", "De nacht van de {crime}", "Onderzoek in de wijk", "Reactie van de gemeente",
    "De verdachte", "Getuigen", "Hoe nu verder", "Eerdere zaken in {place}", "Zorgen bij bewoners",
)  # fmt: skip
_CRIME_WORDS = ("inbraak", "overval", "steekpartij", "plofkraak", "mishandeling", "brandstichting")


def _sentence(rng: random.Random, slots: dict[str, object]) -> str:
    """One generated Dutch sentence: subject-first or, after an adjunct, with the verb second."""
    subject, verb, obj = rng.choice(_SUBJECTS), rng.choice(_VERBS), rng.choice(_OBJECTS)
    adjunct = rng.choice(_ADJUNCTS).format(**slots)
    words = f"{subject} {verb} {obj} {adjunct}" if rng.random() < 0.5 else f"{adjunct} {verb} {subject} {obj}"
    return words[0].upper() + words[1:] + "."


def _icon(name: str, seed: int) -> str:
    """An inline SVG icon, as real pages repeat them in share bars and buttons."""
    d = " ".join(f"M{(seed + k) % 24} {k % 24}l{k % 7}.{k % 9} {k % 5}.{k % 3}z" for k in range(18))
    return (
        f"<svg class='icon icon--{name}' viewBox='0 0 24 24' width='20' height='20' aria-hidden='true'>"
        f"<path d='{d}'/><path d='M2 2h20v20H2z' fill='none'/></svg>"
    )


def _plain_article_page(article: Article, base: str, outlet: str) -> bytes:
    """A long report with little navigation, 60-80 KB in all (see the module docstring).

    The markup around the text is what a modern article page has even without big menus: every
    paragraph in its own component wrapper, ad slots between them, a share bar of inline SVG
    icons, an author box, tags, a newsletter form, a five-item 'most read' box, a short footer,
    and scripts and styles in the head; so extraction pays for a realistic tree, not only text.
    """
    rng = random.Random(f"plain:{article.index}")
    day = article.published.date()
    slots: dict[str, object] = {
        "place": article.place,
        "street": rng.choice(("Kerkstraat", "Stationsweg", "Molenweg", "Havenkade", "Lindelaan")),
        "weekday": ("maan", "dins", "woens", "donder", "vrij", "zater", "zon")[day.weekday()] + "dag",
        "time": f"{rng.randint(0, 23)}.{rng.randint(10, 59)}",
        "n": rng.randint(2, 9),
        "crime": rng.choice(_CRIME_WORDS),
    }
    url = base + article.path
    iso = article.published.isoformat()
    title = escape(article.title)

    def paragraph(text: str, cls: str = "") -> str:
        return (
            f"<div class='article__paragraph-wrapper' data-component='paragraph'>"
            f"<p class='article__paragraph {cls}'>{text}</p></div>"
        )

    def ad(k: int) -> str:
        return (
            f"<div class='ad-container ad-container--inline' data-ad-slot='inline-{k}'>"
            f"<div class='ad-label'><span>Advertentie</span></div>"
            f"<div id='ad-{article.index}-{k}' class='ad-slot' data-sizes='[[300,250],[336,280]]'></div></div>"
        )

    blocks = [paragraph(f"<strong>{escape(article.paragraphs[0])}</strong>", "article__paragraph--lead")]
    blocks += [paragraph(escape(p, quote=False)) for p in article.paragraphs[1:]]
    heads = rng.sample(_HEADS, 4)
    for k in range(rng.randint(24, 32)):
        if k % 7 == 3:
            blocks.append(
                f"<div class='article__subheading-wrapper'><h2 class='article__subheading'>"
                f"{escape(heads[(k // 7) % 4].format(**slots))}</h2></div>"
            )
        if k % 6 == 5:
            blocks.append(ad(k))
        if k == 10:
            blocks.append(
                f"<figure class='article__figure'><div class='article__figure-ratio'><picture>"
                f"<source srcset='/beeld/{article.index}-2.webp 1x, /beeld/{article.index}-2@2x.webp 2x' type='image/webp'>"
                f"<img src='/beeld/{article.index}-2.jpg' alt='De {slots['street']} in "
                f"{article.place}' width='1200' height='675' loading='lazy'></picture></div><figcaption>De "
                f"{slots['street']} in {article.place}, een dag na de {slots['crime']}. "
                f"<span class='credit'>Foto: {article.reporter}</span></figcaption></figure>"
            )
        if k == 17:
            blocks.append(
                f"<blockquote class='article__quote'><p>'{escape(_sentence(rng, slots))}'</p></blockquote>"
            )
        sentences = [_sentence(rng, slots) for _ in range(rng.randint(3, 5))]
        if k % 4 == 1:  # an inline link to an earlier report, as reporters add them
            sentences[0] = f"<a href='/nieuws/eerder-{article.index}-{k}'>{sentences[0]}</a>"
        blocks.append(paragraph(" ".join(sentences)))
    share = "".join(
        f"<li class='share__item'><button class='share__button share__button--{name}' "
        f"aria-label='Deel via {name}'>{_icon(name, article.index + k)}</button></li>"
        for k, name in enumerate(("facebook", "x", "whatsapp", "linkedin", "mail", "link"))
    )
    tags = "".join(
        f"<li><a class='tag' href='/tag/{t.lower()}'>{t}</a></li>"
        for t in (article.place, str(slots["crime"]).capitalize(), "Politie", "Justitie", "Regio")
    )
    most_read = "".join(
        f"<li class='most-read__item'><span class='most-read__rank'>{i}</span>"
        f"<a href='/nieuws/meest-gelezen-{(article.index + i) % 500}'>Onrust in {rng.choice(_PLACES)}</a></li>"
        for i in range(1, 6)
    )
    main = (
        "<div class='page'><div class='page__content'><div class='container container--article'>"
        '<main id="main-content"><article class="article" data-article-id="' + str(article.index) + '">\n'
        "<header class='article__header'><div class='article__header-inner'>\n"
        f'<span class="article__section"><a href="/regio/{article.place.lower().replace(" ", "-")}">'
        f"{escape(article.place)}</a></span>\n<h1 class='article__title'>{title}</h1>\n"
        f'<div class="article__meta"><div class="byline"><img class="byline__avatar" src="/auteurs/'
        f'{article.reporter.split()[0].lower()}.jpg" alt="" width="40" height="40"><span class="byline__name">'
        f'Door {article.reporter}</span></div> <time class="article__time" datetime="{iso}">'
        f"{article.published:%d-%m-%Y %H:%M}</time></div>\n"
        f"<div class='share'><ul class='share__list'>{share}</ul></div>\n"
        f"<figure class='article__hero'><div class='article__figure-ratio'><img src='/beeld/{article.index}.jpg' "
        f"alt='' width='1200' height='675'></div><figcaption>Politie in {escape(article.place)}. "
        "<span class='credit'>Foto: ANP</span></figcaption></figure>\n</div></header>\n"
        '<div class="article__body">\n' + "\n".join(blocks) + "\n</div>\n"
        f"<footer class='article__footer'><ul class='tags'>{tags}</ul>"
        f"<div class='share share--bottom'><ul class='share__list'>{share}</ul></div>"
        f"<div class='author-box'><img src='/auteurs/{article.reporter.split()[0].lower()}.jpg' alt='' "
        f"width='64' height='64'><div class='author-box__text'><span class='author-box__name'>{article.reporter}"
        "</span><span class='author-box__role'>Verslaggever regio</span></div></div></footer>\n"
        "</article></main>\n<aside class='sidebar'>"
        f"<section class='most-read'><h3 class='most-read__title'>Meest gelezen</h3><ol>{most_read}</ol></section>"
        f"{ad(99)}<form class='newsletter' action='/nieuwsbrief' method='post'><h3>Nieuwsbrief</h3>"
        "<label for='nb-mail'>E-mailadres</label><input id='nb-mail' type='email' name='mail' required>"
        "<input type='checkbox' id='nb-ok' name='ok'><label for='nb-ok'>Ik ga akkoord</label>"
        "<button type='submit'>Aanmelden</button></form></aside></div></div></div>"
    )
    head = (
        f'<link rel="canonical" href="{url}">\n'
        '<meta property="og:type" content="article">\n'
        f'<meta property="og:title" content="{title}">\n'
        f'<meta property="og:url" content="{url}">\n'
        f'<meta property="og:image" content="{base}/beeld/{article.index}.jpg">\n'
        '<meta property="og:locale" content="nl_NL">\n'
        f'<meta property="article:published_time" content="{iso}">\n'
        f'<meta name="description" content="{escape(article.paragraphs[0][:150])}">\n'
        + "".join(f'<link rel="preload" href="/static/chunk-{k}.js" as="script">\n' for k in range(8))
        + "".join(f'<script src="/static/chunk-{k}.js" defer></script>\n' for k in range(8))
        + '<script type="application/ld+json">'
        + json.dumps(
            {
                "@context": "https://schema.org",
                "@type": "NewsArticle",
                "headline": article.title,
                "datePublished": iso,
                "dateModified": iso,
                "author": {"@type": "Person", "name": article.reporter},
                "publisher": {"@type": "Organization", "name": outlet},
                "image": f"{base}/beeld/{article.index}.jpg",
                "mainEntityOfPage": url,
            }
        )
        + "</script>\n"
    )
    # An icon sprite at the top of the body, a cookie dialog, a row of related teasers and a
    # four-column footer: markup nearly every outlet has, little of it navigation.
    sprite = (
        "<svg xmlns='http://www.w3.org/2000/svg' style='display:none'>"
        + "".join(
            f"<symbol id='i-{k}' viewBox='0 0 24 24'><path d='M{k % 24} 2l{k % 9} {k % 7}h4v{k % 5}z'/>"
            f"<circle cx='{k % 24}' cy='12' r='{k % 4 + 1}'/></symbol>"
            for k in range(90)
        )
        + "</svg>"
    )
    consent = (
        "<div id='consent' class='consent' role='dialog' aria-modal='true' hidden><div class='consent__box'>"
        "<h2>Wij vragen je toestemming</h2><p>Wij en onze partners gebruiken cookies voor advertenties en "
        "statistieken.</p><div class='consent__buttons'><button class='btn btn--primary'>Akkoord</button>"
        "<button class='btn'>Instellingen</button></div></div></div>"
    )
    teasers = "".join(
        f"<li class='teaser-row__item'><article class='teaser teaser--small'><a class='teaser__link' "
        f"href='/nieuws/gerelateerd-{(article.index + i) % 900}'><figure class='teaser__figure'><img "
        f"src='/beeld/t{i}.jpg' alt='' width='320' height='180' loading='lazy'></figure><div class='teaser__body'>"
        f"<span class='teaser__label'>Regio</span><h3 class='teaser__title'>Nieuwe zaak in {rng.choice(_PLACES)}"
        "</h3></div></a></article></li>"
        for i in range(1, 5)
    )
    footer = "".join(
        f"<div class='footer__col'><h4>{head_}</h4><ul>"
        + "".join(f"<li><a href='/{head_.lower()}/{j}'>{head_} {j}</a></li>" for j in range(1, 6))
        + "</ul></div>"
        for head_ in ("Nieuws", "Regio", "Service", "Over ons")
    )
    main = (
        sprite
        + consent
        + main
        + f"<section class='teaser-row'><h2>Meer uit de regio</h2><ul>{teasers}</ul></section>"
        + f"<div class='footer__columns'>{footer}</div>"
    )
    page = _page(f"{title} | {escape(outlet)}", head + "{FILL}", main, outlet).decode()
    # The rest of a real page's weight: a stylesheet and a tracking/config script inlined in the
    # head, sized so that pages spread over 60-80 KB.
    target = rng.randint(60_000, 80_000)
    missing = max(0, target - len(page.encode()))
    css = "".join(f".a{i}{{margin:{i % 9}px;line-height:1.{i % 7}}}" for i in range(missing // 2 // 36))
    config = {f"slot{i}": f"ad-{article.index}-{i}-" + "z" * 30 for i in range(max(0, missing // 2 // 52))}
    fill = f"<style>{css}</style>\n<script>window.__APP__={json.dumps(config)};</script>"
    return page.replace("{FILL}", fill, 1).encode()


class PlainArticleSite(GeneratedSite):
    """The generated site with plain article pages of 60-80 KB and little navigation."""

    def _render(self, path: str, base: str) -> bytes | None:
        article = self.by_path.get(path)
        if article is None:
            return super()._render(path, base)
        return _plain_article_page(article, base, self.outlet)


MIXES: dict[str, type[GeneratedSite]] = {"menu": PaddedSite, "article": PlainArticleSite}
"""The page mixes, by the name ``--mix`` takes."""


class Peak:
    """Peak RSS of a process and all its descendants, sampled every 0.1 s."""

    def __init__(self, proc: subprocess.Popen) -> None:
        self.proc = psutil.Process(proc.pid)
        self.peak = 0

    def sample(self) -> None:
        try:
            procs = [self.proc, *self.proc.children(recursive=True)]
        except psutil.Error:
            return
        total = 0
        for p in procs:
            with contextlib.suppress(psutil.Error):
                total += p.memory_info().rss
        self.peak = max(self.peak, total)


TIMEOUT = 600.0
"""A tool still running after this many seconds is stopped; its rate is what it did until then."""


def measure(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> tuple[float, int, str]:
    """Run ``cmd``; (wall seconds, peak RSS bytes of its process tree, stdout)."""
    with tempfile.TemporaryFile() as out:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=subprocess.DEVNULL)
        peak = Peak(proc)
        while proc.poll() is None:
            peak.sample()
            time.sleep(0.1)
            if time.perf_counter() - started > TIMEOUT:
                for child in peak.proc.children(recursive=True):
                    with contextlib.suppress(psutil.Error):
                        child.kill()
                proc.kill()
                proc.wait()
                print(f"  stopped after {TIMEOUT:.0f} s: {' '.join(cmd[:3])} ...")
        elapsed = time.perf_counter() - started
        out.seek(0)
        return elapsed, peak.peak, out.read().decode(errors="replace")


SCRAPY_RAW = textwrap.dedent(
    """
    import sys, scrapy
    from scrapy.crawler import CrawlerProcess
    urls = open(sys.argv[1]).read().split()
    class Raw(scrapy.Spider):
        name = "raw"
        async def start(self):
            for u in urls:
                yield scrapy.Request(u, callback=self.parse)
        def parse(self, response):
            pass
    p = CrawlerProcess({"LOG_LEVEL": "ERROR", "CONCURRENT_REQUESTS": 32, "CONCURRENT_REQUESTS_PER_DOMAIN": 32,
                        "TELNETCONSOLE_ENABLED": False, "ROBOTSTXT_OBEY": False})
    c = p.create_crawler(Raw); p.crawl(c); p.start()
    print(c.stats.get_value("downloader/response_status_count/200", 0))
    """
)

TRAFILATURA_POOL = textwrap.dedent(
    """
    import sys, glob
    from multiprocessing import Pool
    import trafilatura
    FAST = len(sys.argv) > 3 and sys.argv[3] == "fast"
    def run(path):
        with open(path, encoding="utf-8") as f:
            return 1 if trafilatura.extract(f.read(), fast=FAST) else 0
    if __name__ == "__main__":
        files = sorted(glob.glob(sys.argv[1] + "/*.html"))
        with Pool(int(sys.argv[2])) as pool:
            print(sum(pool.imap_unordered(run, files, chunksize=16)))
    """
)

NEWS_PLEASE = textwrap.dedent(
    """
    import sys
    from newsplease import NewsPlease
    urls = open(sys.argv[1]).read().split()
    done = 0
    for i in range(0, len(urls), 200):
        result = NewsPlease.from_urls(urls[i:i + 200], request_args={"timeout": 30})
        done += sum(1 for a in result.values() if getattr(a, "maintext", None))
        print(done, flush=True)
    """
)


def _fetch_all(urls: list[str], out_dir: Path) -> None:
    def get(item: tuple[int, str]) -> None:
        i, url = item
        with urllib.request.urlopen(url, timeout=30) as resp:
            (out_dir / f"{i:06d}.html").write_bytes(resp.read())

    with ThreadPoolExecutor(16) as pool:
        list(pool.map(get, enumerate(urls)))


def _write_warc(urls: list[str], pages: Path, out: Path) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(out, "wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        for i, url in enumerate(urls):
            body = (pages / f"{i:06d}.html").read_bytes()
            headers = StatusAndHeaders(
                "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
            )
            writer.write_record(
                writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=headers)
            )


Result = tuple[str, int, float, int]
"""(tool, pages done, wall seconds, peak RSS bytes)."""

CEILING = "trafilatura.extract x"
FAST_CEILING = "trafilatura.extract fast=True x"


def run_mix(mix: str, args: argparse.Namespace, tmp: Path) -> list[Result]:
    """Every tool of ``--only`` (all by default) on one page mix; the ceilings before and after."""
    site = MIXES[mix](pages=args.pages)
    py = sys.executable
    results: list[Result] = []
    env = {k: v for k, v in os.environ.items() if k != "CRIMECORPUS_DB"}
    with serve_generated(site) as base:
        urls = site.article_urls(base)
        (tmp / "urls.txt").write_text("\n".join(urls) + "\n", encoding="utf-8")
        sources = write_sources(base, tmp / "sources.toml")
        pages = tmp / "pages"
        pages.mkdir()
        _fetch_all(urls, pages)
        size = sum(f.stat().st_size for f in pages.iterdir()) / len(urls) / 1024
        print(
            f"\n[{mix}] site: {len(urls)} article pages, {size:.0f} KB each on average; "
            f"{args.workers} workers; work dir {tmp}",
            flush=True,
        )

        def want(name: str) -> bool:
            return not args.only or name in args.only

        def ceilings(when: str) -> None:
            # Measured before and after the crimecorpus runs; the report keeps the higher rate.
            (tmp / "traf.py").write_text(TRAFILATURA_POOL, encoding="utf-8")
            if want("trafilatura-pool"):
                t, rss, out = measure([py, str(tmp / "traf.py"), str(pages), str(args.workers)], tmp)
                results.append(
                    (f"{CEILING}{args.workers} processes ({when})", int(out.split()[-1] or 0), t, rss)
                )
            if want("trafilatura-pool-fast"):
                t, rss, out = measure([py, str(tmp / "traf.py"), str(pages), str(args.workers), "fast"], tmp)
                results.append((f"{FAST_CEILING}{args.workers} ({when})", int(out.split()[-1] or 0), t, rss))

        if want("scrapy-raw"):
            (tmp / "raw.py").write_text(SCRAPY_RAW, encoding="utf-8")
            t, rss, out = measure([py, str(tmp / "raw.py"), str(tmp / "urls.txt")], tmp)
            results.append(("scrapy-raw (fetch only)", int(out.split()[-1] or 0), t, rss))
        ceilings("before")
        # With --baseline, each crimecorpus run is made twice in a row, the other checkout's first,
        # so that a before/after comparison sees the same machine load.
        checkouts = [(" [baseline]", args.baseline), ("", ROOT)] if args.baseline else [("", ROOT)]
        if want("crimecorpus-crawl"):
            for label, root in checkouts:
                db = tmp / f"crawl{label.strip(' []')}.sqlite"
                cmd = [py, "-m", "corpus", "crawl", "--sources", str(sources), "--db", str(db), "-s", "DOWNLOAD_DELAY=0",
                       "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16",
                       "-s", f"CORPUS_WORKERS={args.workers}", "-s", "CORPUS_BATCH_SIZE=500"]  # fmt: skip
                t, rss, out = measure(cmd, root, _env_for(root, env))
                stored = next(
                    (int(line.split()[-1]) for line in out.splitlines() if "articles stored" in line), 0
                )
                results.append((f"crimecorpus crawl (end to end){label}", stored, t, rss))
        if want("crimecorpus-ingest-warc"):
            warc = tmp / "pages.warc.gz"
            _write_warc(urls, pages, warc)
            for label, root in checkouts:
                db = tmp / f"ingest{label.strip(' []')}.sqlite"
                cmd = [py, "-m", "corpus", "ingest-warc", str(warc), "--sources", str(sources), "--db", str(db),
                       "-s", f"CORPUS_WORKERS={args.workers}", "-s", "CORPUS_BATCH_SIZE=500"]  # fmt: skip
                t, rss, out = measure(cmd, root, _env_for(root, env))
                import sqlite3

                with sqlite3.connect(db) as conn:
                    stored = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
                results.append((f"crimecorpus ingest-warc{label}", stored, t, rss))
        if want("trafilatura-cli"):
            out_dir = tmp / "traf-out"
            trafilatura = Path(py).with_name("trafilatura")
            # Its defaults wait 5 s between requests to one site and refuse loopback addresses;
            # for a local benchmark both go, as the politeness settings of our crawl do.
            import trafilatura as traf_module

            config = (Path(traf_module.__file__).parent / "settings.cfg").read_text(encoding="utf-8")
            config = config.replace("SLEEP_TIME = 5.0", "SLEEP_TIME = 0")
            config = config.replace("SSRF_PROTECTION = on", "SSRF_PROTECTION = off")
            (tmp / "traf.cfg").write_text(config, encoding="utf-8")
            cmd = [
                str(trafilatura),
                "-i",
                str(tmp / "urls.txt"),
                "--parallel",
                str(args.workers * 4),
                "-o",
                str(out_dir),
                "--config-file",
                str(tmp / "traf.cfg"),
            ]
            t, rss, _ = measure(cmd, tmp)
            done = sum(1 for _ in out_dir.rglob("*.txt")) if out_dir.exists() else 0
            results.append((f"trafilatura CLI (--parallel {args.workers * 4})", done, t, rss))
        if want("news-please"):
            if NEWS_PLEASE_PY.exists():
                (tmp / "np.py").write_text(NEWS_PLEASE, encoding="utf-8")
                t, rss, out = measure([str(NEWS_PLEASE_PY), str(tmp / "np.py"), str(tmp / "urls.txt")], tmp)
                results.append(("news-please from_urls", int((out.split() or ["0"])[-1]), t, rss))
            else:
                print(
                    "news-please: not installed (python3 -m venv .bench-venv && .bench-venv/bin/pip install news-please)"
                )
        ceilings("after")
    shutil.rmtree(pages, ignore_errors=True)
    return results


def _env_for(root: Path, env: dict[str, str]) -> dict[str, str]:
    """The environment that runs ``root``'s code (another checkout: first on the import path)."""
    if root == ROOT:
        return env
    return {**env, "PYTHONPATH": os.pathsep.join([str(root), *filter(None, [env.get("PYTHONPATH")])])}


def best_rate(results: list[Result], prefix: str) -> float | None:
    """The higher rate of a ceiling's runs (before and after), or None when it did not run."""
    rates = [n / t for name, n, t, _ in results if name.startswith(prefix) and t > 0]
    return max(rates) if rates else None


def report(mix: str, results: list[Result]) -> dict[str, float | None]:
    """Print one mix's table and its ratios; return the rates for ``--json``."""
    ceiling = best_rate(results, CEILING)
    fast = best_rate(results, FAST_CEILING)
    print(f"\n[{mix}]")
    print(
        f"{'tool':<48} {'pages':>6} {'seconds':>8} {'pages/s':>8} {'/ default':>9} {'/ fast':>7} {'RSS MB':>7}"
    )
    for name, n, t, rss in results:
        rate = n / t if t else 0.0
        share = f"{rate / ceiling:.2f}" if ceiling else "-"
        share_fast = f"{rate / fast:.2f}" if fast else "-"
        print(f"{name:<48} {n:>6} {t:>8.1f} {rate:>8.1f} {share:>9} {share_fast:>7} {rss / 2**20:>7.0f}")
    figures: dict[str, float | None] = {"ceiling_default": ceiling, "ceiling_fast": fast}
    for key, prefix in (
        ("crawl", "crimecorpus crawl (end to end)"),
        ("ingest_warc", "crimecorpus ingest-warc"),
        ("crawl_baseline", "crimecorpus crawl (end to end) [baseline]"),
        ("ingest_warc_baseline", "crimecorpus ingest-warc [baseline]"),
    ):
        found = next((n / t for name, n, t, _ in results if name == prefix and t), None)
        figures[key] = found
        figures[f"{key}_rss_mb"] = next((r / 2**20 for name, _, _, r in results if name == prefix), None)
        if found is not None:
            print(
                f"  {prefix}: {found:.1f} pages/s = "
                + (
                    f"{found / ceiling:.2f} of the default ceiling ({ceiling:.1f})"
                    if ceiling
                    else "no default ceiling"
                )
                + (f", {found / fast:.2f} of fast mode ({fast:.1f})" if fast else "")
            )
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=5000)
    parser.add_argument("--workers", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--only", nargs="*", help="run only these tools")
    parser.add_argument(
        "--mix", nargs="*", choices=sorted(MIXES), default=["menu", "article"], help="page mixes"
    )
    parser.add_argument("--json", type=Path, help="also write the per-mix rates to this file")
    parser.add_argument(
        "--baseline",
        type=Path,
        help="another checkout (e.g. `git worktree` of an older commit) whose crawl and ingest-warc "
        "run just before this one's, for a before/after comparison under the same load",
    )
    args = parser.parse_args()
    print(f"load average at start: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    all_results: dict[str, list[Result]] = {}
    for mix in args.mix:
        tmp = Path(tempfile.mkdtemp(prefix=f"cc-throughput-{mix}-"))
        all_results[mix] = run_mix(mix, args, tmp)
    print(f"\nload average at end: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    figures = {mix: report(mix, results) for mix, results in all_results.items()}
    if args.json:
        rows = {mix: [list(r) for r in results] for mix, results in all_results.items()}
        args.json.write_text(json.dumps({"figures": figures, "runs": rows}, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
