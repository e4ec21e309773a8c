"""Junk with no prose structure is rejected as ``not_prose``; real articles, short or long, never are.

Unit tests of :func:`corpus.text.prose.not_prose_reason` on texts written for them, then a real crawl
of a local site that serves a 4 MB single line of words (under the 5 MB size cap), a page with no
spaces, a page with no sentence ends, and three normal Dutch articles (a short one, a list of short
lines and a long one): the junk must be recorded as rejections (stage ``page_kind``, reason
``not_prose``), the articles stored.
"""

from __future__ import annotations

import random
import sqlite3
import subprocess
import sys

import pytest

from corpus.analyse import analyse_page
from corpus.devtools.server import serve_sites
from corpus.text.prose import (
    MAX_CHARS_PER_WORD,
    MAX_LINE_CHARS,
    MAX_WORDS_PER_END,
    MIN_WORDS_TO_JUDGE,
    not_prose_reason,
)
from tests.conftest import FAST, ROOT

_WORDS = [
    *("politie", "verdachte", "aangehouden", "woning", "straat", "gemeente", "rechter", "officier"),
    *("justitie", "onderzoek", "getuigen", "avond", "inbraak", "auto", "fiets", "station", "winkel"),
    *("buurt", "melding", "agenten", "bureau"),
]

_SENTENCES = [
    "De politie heeft dinsdagavond in Deventer een 34-jarige man aangehouden na een inbraak in een woning.",
    "Buurtbewoners zagen hoe twee mannen via de achterdeur naar binnen gingen en belden de meldkamer.",
    "Agenten waren binnen enkele minuten ter plaatse en troffen een van de verdachten nog in de tuin aan.",
    "De tweede man wist te ontkomen; de recherche zoekt getuigen die iets hebben gezien.",
    "Volgens de bewoners is er een laptop, wat sieraden en een kleine hoeveelheid contant geld meegenomen.",
    "De aangehouden man zit vast voor verhoor en wordt later deze week voorgeleid aan de rechter-commissaris.",
]


def _junk_words(n: int, seed: int = 7) -> str:
    """``n`` Dutch words in random order on one line, with no sentence end anywhere."""
    rng = random.Random(seed)
    return " ".join(rng.choice(_WORDS) for _ in range(n))


def _article(paragraphs: int) -> str:
    """A normal Dutch article text: paragraphs of real sentences."""
    return "\n".join(
        " ".join(_SENTENCES[(i + j) % len(_SENTENCES)] for j in range(4)) for i in range(paragraphs)
    )


# -- the rule on its own ---------------------------------------------------------------------


def test_normal_articles_short_long_and_lists_are_prose() -> None:
    assert not_prose_reason(_SENTENCES[0]) is None
    assert not_prose_reason(_article(3)) is None
    assert not_prose_reason(_article(400)) is None  # a long read: ~ 60,000 words
    # A list of short lines without full stops (results, a timeline): each line ends an item.
    uitslagen = "\n".join(
        f"{i}. Rechtbank Zwolle zaak {i} veroordeeld tot {i % 9 + 1} maanden" for i in range(300)
    )
    assert not_prose_reason(uitslagen) is None
    opsomming = "\n".join(f"Inbraak aan de Dorpsstraat {i} in Wilp" for i in range(300))
    assert not_prose_reason(opsomming) is None


def test_a_single_line_over_the_limit_is_not_prose() -> None:
    line = " ".join(_SENTENCES) * (MAX_LINE_CHARS // len(" ".join(_SENTENCES)) + 2)
    assert len(line) > MAX_LINE_CHARS
    reason = not_prose_reason(line)
    assert reason is not None and reason.startswith("a single line of")
    # The same text in paragraphs is prose.
    assert not_prose_reason(line.replace(". ", ".\n")) is None


def test_almost_no_spaces_is_not_prose() -> None:
    blob = "".join(_WORDS) * 60  # words run together, as in a base64 or minified block
    assert len(blob) / len(blob.split()) > MAX_CHARS_PER_WORD
    reason = not_prose_reason(blob)
    assert reason is not None and reason.startswith("almost no spaces")


def test_almost_no_sentence_ends_is_not_prose() -> None:
    text = "\n".join(_junk_words(900, seed) for seed in range(3))  # 2,700 words, three line ends
    assert len(text) < MAX_LINE_CHARS
    reason = not_prose_reason(text)
    assert reason is not None and reason.startswith("almost no sentence ends")
    # With a full stop every 60 words it reads as (odd) sentences and is kept.
    words = text.split()
    punctuated = " ".join(w + ("." if i % 60 == 59 else "") for i, w in enumerate(words))
    assert not_prose_reason(punctuated) is None


def test_short_texts_are_never_judged_for_spaces_or_sentence_ends() -> None:
    few = _junk_words(MIN_WORDS_TO_JUDGE - 1)
    assert len(few.split()) / 1 > MAX_WORDS_PER_END  # no sentence end at all, but too short to say
    assert not_prose_reason(few) is None
    assert not_prose_reason("".join(_WORDS)) is None  # under 1,000 characters


def test_scripts_without_spaces_are_not_judged_for_spaces() -> None:
    chinese = "警方周二晚上在德文特逮捕了一名三十四岁的男子。" * 80
    assert not_prose_reason(chinese) is None


def test_a_four_megabyte_line_is_rejected_in_the_page_kind_stage() -> None:
    html = f'<html lang="nl"><body><article><p>{_junk_words(600_000)}</p></article></body></html>'
    assert len(html) > 4_000_000
    analysis = analyse_page(html, "https://www.example.nl/nieuws/lange-regel")
    assert (analysis.stage, analysis.reason) == ("page_kind", "not_prose")
    assert analysis.detail.startswith("a single line of")
    assert analysis.page_kind is not None and analysis.page_kind.kind == "not_prose"


# -- a real crawl ------------------------------------------------------------------------------


def _page(title: str, body: str) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="nl"><head><meta charset="utf-8">'
        f'<title>{title}</title><meta property="og:type" content="article"></head>'
        f'<body><main><article><h1>{title}</h1><p class="date">dinsdag 4 juni 2024</p>{body}</article>'
        "</main></body></html>"
    )


def _paragraphs(text: str) -> str:
    return "".join(f"<p>{line}</p>" for line in text.splitlines())


PAGES = {
    # junk: rejected as not_prose
    "nieuws/lange-regel": ("Lange regel", f"<p>{_junk_words(600_000)}</p>", "not_prose"),
    "nieuws/zonder-spaties": ("Zonder spaties", f"<p>{''.join(_WORDS) * 400}</p>", "not_prose"),
    "nieuws/zonder-punten": (
        "Zonder punten",
        "".join(f"<p>{_junk_words(700, seed)}</p>" for seed in range(4)),
        "not_prose",
    ),
    # real articles: stored
    "nieuws/kort": ("Inbreker aangehouden in Deventer", _paragraphs(_article(2)), None),
    "nieuws/lang": ("Lang verslag van de rechtszaak in Zwolle", _paragraphs(_article(300)), None),
    "nieuws/lijst": (
        "Overzicht van inbraken in Wilp",
        "<p>De politie meldt deze week de volgende inbraken in de gemeente Voorst en vraagt "
        "bewoners om alert te blijven op verdachte situaties in hun buurt.</p><ul>"
        + "".join(f"<li>Inbraak in een woning aan de Dorpsstraat {i} in Wilp</li>" for i in range(60))
        + "</ul>",
        None,
    ),
}


@pytest.fixture(scope="module")
def crawl(tmp_path_factory: pytest.TempPathFactory) -> dict:
    root = tmp_path_factory.mktemp("junk-site")
    site = root / "rommel"
    for path, (title, body, _) in PAGES.items():
        file = site / f"{path}.html"
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_text(_page(title, body), encoding="utf-8")
    urls = "".join(f"<url><loc>{{{{base}}}}/{path}</loc></url>" for path in PAGES)
    (site / "sitemap.xml").write_text(
        f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>',
        encoding="utf-8",
    )
    (site / "robots.txt").write_text("User-agent: *\nAllow: /\n", encoding="utf-8")
    db = root / "corpus.sqlite"
    with serve_sites(root) as bases:
        sources = root / "sources.toml"
        sources.write_text(
            f'[[source]]\nname = "rommel"\noutlet = "Rommel Courant"\ncountry = "nl"\n'
            f'sitemaps = ["{bases["rommel"]}/sitemap.xml"]\n',
            encoding="utf-8",
        )
        proc = subprocess.run(
            [sys.executable, "-m", "corpus", "crawl", "--sources", str(sources), "--db", str(db), *FAST],
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=300,
        )
    assert proc.returncode == 0, proc.stderr[-3000:]
    with sqlite3.connect(db) as con:
        rejected = {
            url.rsplit("/", 2)[-2] + "/" + url.rsplit("/", 1)[-1]: (stage, reason, detail)
            for url, stage, reason, detail in con.execute("SELECT url, stage, reason, detail FROM rejections")
        }
        stored = {
            url.rsplit("/", 2)[-2] + "/" + url.rsplit("/", 1)[-1]: n
            for url, n in con.execute("SELECT url, length(text) FROM articles")
        }
    return {"rejected": rejected, "stored": stored, "stdout": proc.stdout}


def test_junk_pages_are_recorded_as_not_prose_rejections(crawl: dict) -> None:
    for path, (_, _, verdict) in PAGES.items():
        if verdict:
            assert path not in crawl["stored"], path
            stage, reason, detail = crawl["rejected"][path]
            assert (stage, reason) == ("page_kind", "not_prose"), path
            assert detail, path


def test_real_articles_short_long_and_lists_are_stored(crawl: dict) -> None:
    for path, (_, _, verdict) in PAGES.items():
        if verdict is None:
            assert path in crawl["stored"], (path, crawl["rejected"].get(path))
    assert crawl["stored"]["nieuws/lang"] > 100_000


def test_the_summary_counts_not_prose(crawl: dict) -> None:
    line = next(line for line in crawl["stdout"].splitlines() if "not_prose" in line)
    assert line.split()[-1] == "3"
