"""The extraction cascade: trafilatura's fast pass, its fallbacks only when the page says so."""

from __future__ import annotations

from pathlib import Path

import lxml.html
import pytest
import trafilatura

from corpus.text.extract import extract_article, needs_fallback, page_metadata, paragraph_chars, parse_html

DEMO = Path(__file__).resolve().parents[2] / "corpus" / "devtools" / "demo_site"
DEMO_PAGES = sorted(p for p in DEMO.rglob("*.html") if "index" not in p.name)

SENTENCE = "De politie heeft dinsdagavond in Zwolle een 31-jarige man aangehouden na een inbraak. "


def _page(body: str, head: str = "") -> str:
    return f"<html lang='nl'><head><title>Inbraak in Zwolle</title>{head}</head><body>{body}</body></html>"


def test_the_gate_consults_the_fallbacks_only_for_short_text_on_a_prose_rich_page() -> None:
    prose = _page("".join(f"<p>{SENTENCE * 3}</p>" for _ in range(10)))
    tree = parse_html(prose)
    assert paragraph_chars(tree) > 2500
    assert needs_fallback("kort", tree)  # under trafilatura's own minimum: always
    assert needs_fallback(SENTENCE * 5, tree)  # 450 chars kept of more than 2,500 in paragraphs
    assert not needs_fallback(SENTENCE * 12, tree)  # long enough to trust
    menu_page = parse_html(_page("<nav>" + "<a href='/x'>Rubriek</a>" * 300 + f"</nav><p>{SENTENCE * 5}</p>"))
    assert not needs_fallback(SENTENCE * 5, menu_page)  # menus are not prose the extractor missed


def test_nested_paragraphs_are_counted_once() -> None:
    tree = lxml.html.fromstring(f"<div><p>{SENTENCE}<p>{SENTENCE}</p></p></div>")
    flat = lxml.html.fromstring(f"<div><p>{SENTENCE}</p></div>")
    assert paragraph_chars(tree) <= 2 * paragraph_chars(flat) + 1


def test_text_the_fast_pass_misses_is_recovered_by_the_fallbacks() -> None:
    # The rest of the story sits in a paywall container, which trafilatura's rules discard:
    # its fast pass keeps the intro alone, while the page's paragraphs hold far more.
    story = "".join(f"<p>{SENTENCE} Zin {i} van het verslag.</p>" for i in range(12))
    html = _page(f"<article><p>{SENTENCE * 4}</p></article><div id='premium-paywall'>{story}</div>")
    fast = trafilatura.bare_extraction(html, fast=True, include_comments=False)
    assert fast is not None and len(fast.text) < 1000 and "Zin 11" not in fast.text
    article = extract_article(html, "https://example.nl/nieuws/inbraak-zwolle")
    assert article is not None
    assert "Zin 11 van het verslag" in article.text


@pytest.mark.parametrize("path", DEMO_PAGES[:12], ids=lambda p: p.relative_to(DEMO).as_posix())
def test_metadata_matches_trafilaturas_own_for_the_fields_we_keep(path: Path) -> None:
    html = path.read_text(encoding="utf-8", errors="replace")
    url = "https://www.example.nl/" + path.relative_to(DEMO).as_posix()
    tree = parse_html(html)
    ours = page_metadata(tree)
    theirs = trafilatura.bare_extraction(html, url=url, with_metadata=True)
    if theirs is None:
        pytest.skip("trafilatura finds no text on this page")
    for field in ("title", "author", "description"):
        assert ours[field] == ((getattr(theirs, field) or "").strip() or None), field


def test_extract_article_leaves_a_given_tree_unchanged_and_equals_the_html_path() -> None:
    page = next(p for p in DEMO_PAGES if "2018" in p.as_posix())
    html = page.read_text(encoding="utf-8")
    tree = parse_html(html)
    before = lxml.html.tostring(tree)
    from_tree = extract_article(tree, "https://www.example.nl/nieuws/a")
    assert lxml.html.tostring(tree) == before
    assert from_tree == extract_article(html, "https://www.example.nl/nieuws/a")
    assert from_tree is not None and from_tree.text
