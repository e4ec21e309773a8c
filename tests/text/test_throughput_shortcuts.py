"""The throughput shortcuts (issue 21) change no verdict: each is checked against the long way.

- The crime rules skip a pattern whose required words are absent (``corpus.annotate.literals``):
  the same CrimeResult with the shortcut and with every pattern scanned, on the team's written
  crime texts, the labelled set and long generated reports.
- Negation reads a clause's words found once, not a new scan per term: the same answer as the
  scan at every offset.
- The depth guard asks libxml2 whether a node lies that deep instead of walking the tree.
- The paywall markup search tests attribute presence first, and is skipped when the page's
  source holds none of the attribute values the rules test.
- lingua reads a long text's first thousand characters first, and all of it only when unsure.
"""

from __future__ import annotations

import dataclasses
import gzip
import json
import re
from collections.abc import Iterator

import lxml.html
import pytest
from lxml import etree

from corpus.analyse import Analysis, analyse_page
from corpus.annotate import crime
from corpus.annotate.crime import classify_crime
from corpus.annotate.literals import Occurrences, find_all, leading_literals, may_match, required_literals
from corpus.devtools.sitegen import GeneratedSite
from corpus.text import extract, language, pagekind, paywall
from corpus.text.extract import MAX_DEPTH, checked_extract, deeper_than, parse_html, tree_depth
from tests.conftest import ROOT

WRITTEN = ROOT / "tests" / "annotate" / "data" / "crime_written.jsonl"
LABELLED = ROOT / "bench" / "data" / "crime_labelled.jsonl"
FIXTURES = [
    *sorted((ROOT / "tests" / "text" / "fixtures").rglob("*.html")),
    *sorted((ROOT / "tests" / "golden").rglob("*.html")),
]


def _texts() -> list[tuple[str, str, str]]:
    """(title, text, url) of every written and labelled crime text, and long generated reports."""
    items = []
    for path in (WRITTEN, LABELLED):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                item = json.loads(line)
                items.append((item.get("title") or "", item["text"], item.get("url") or ""))
    site = GeneratedSite(pages=40, seed=21)
    for article in site.articles:
        # Several reports run together: texts of the length where the scans cost most.
        paragraphs = [p for a in site.articles[article.index : article.index + 6] for p in a.paragraphs]
        items.append((article.title, "\n".join(paragraphs), "https://example.nl" + article.path))
    return items


def _without_the_crime_shortcuts(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every pattern scanned over the whole text, negation by a new scan: the rules as written."""
    monkeypatch.setattr(crime, "find_all", lambda pattern, text, occurrences=None: re.finditer(pattern, text))
    monkeypatch.setattr(crime, "present_literals", lambda pattern, text: None)
    monkeypatch.setattr(crime._Layout, "negated", _negated_by_scan)


def test_the_crime_verdict_is_the_same_without_the_pattern_prefilter(monkeypatch: pytest.MonkeyPatch) -> None:
    texts = _texts()
    assert len(texts) > 300
    fast = [classify_crime(title, text, url) for title, text, url in texts]
    _without_the_crime_shortcuts(monkeypatch)
    slow = [classify_crime(title, text, url) for title, text, url in texts]
    assert fast == slow
    assert sum(r.is_crime for r in fast) > 100  # the comparison covers crime and non-crime texts
    assert any(r.stage not in (None, "incident") for r in fast)


def test_a_pattern_said_not_to_match_finds_nothing() -> None:
    patterns = [p.pattern for p in (*crime._METAPHORS, *crime._PHRASES)]
    patterns += [p for _, p in crime._STAGE_PATTERNS]
    patterns += [p.pattern for p in crime._negative_patterns().values()]
    skipped = 0
    for title, text, _ in _texts():
        work = crime._lower(f"{title}\n{text}")
        for pattern in patterns:
            if not may_match(pattern, work):
                skipped += 1
                assert re.search(pattern, work, flags=re.MULTILINE) is None, pattern
    assert skipped > 1000  # the prefilter does skip most scans


def test_find_all_finds_what_a_scan_finds() -> None:
    patterns: list[str | re.Pattern[str]] = [p.pattern for p in (*crime._METAPHORS, *crime._PHRASES)]
    patterns += [p.pattern for p in crime._negative_patterns().values()]
    patterns += [r"\bfoo", r"(?<!a)foo\w*", r"foo|foobar", r"(?:ab)+c", r"a(?=b)"]
    patterns += [
        crime._DEATH,
        crime._INJURY,
        crime._PROSTITUTION,
        re.compile(r"(?i)\bdader"),
        re.compile("^hof", re.M),
    ]
    texts = [crime._lower(f"{title}\n{text}") for title, text, _ in _texts()]
    texts += ["foo foobar afoo xfoo ababc abc ab", "xfoo\nfoo", "aaaa", "De DADER, de dader.\nhof en hof"]
    found = 0
    for text in texts:
        for pattern in patterns:
            expected = [(m.start(), m.end()) for m in re.finditer(pattern, text)]
            assert [(m.start(), m.end()) for m in find_all(pattern, text)] == expected, pattern
            found += len(expected)
    assert found > 500


def test_find_all_among_the_indexed_word_starts_finds_what_a_scan_finds_as_the_text_is_blanked() -> None:
    # As the crime rules do: every phrase blanks what it matched, and the next one reads the copy.
    patterns = [p.pattern for p in (*crime._METAPHORS, *crime._PHRASES)]
    patterns += [p.pattern for p in crime._negative_patterns().values()]
    # A blank that opens a new word ("sloeg|en"), reaches into the three characters a start is
    # filed under ("de |x"), or leaves a literal with a space among its first three.
    patterns += [r"\bsloeg", r"\ben\b \w+", r"\bxyz", r"\bde x", r"\bab c", r"\bx\w*", r"\bfoo", r"\ba- "]
    texts = [crime._lower(f"{title}\n{text}") for title, text, _ in _texts()]
    texts += ["sloegen en de xylofoon; de x; abc ab c foo", "sloeg sloegen xfoo foo sloegxyz a-foo"]
    found = blanked = 0
    for text in texts:
        occurrences = Occurrences(text)
        work = text
        for pattern in patterns:
            expected = [(m.start(), m.end()) for m in re.finditer(pattern, work)]
            got = list(find_all(pattern, work, occurrences))
            assert [(m.start(), m.end()) for m in got] == expected, pattern
            found += len(expected)
            for match in got:
                work = occurrences.blank(work, match)
                blanked += 1
    assert found > 500 and blanked > 300


def test_leading_literals_on_the_regex_forms() -> None:
    assert leading_literals(r"\bpoging(?:en)? tot") == frozenset({"poging"})
    assert leading_literals(r"\b(?:huiselijk|intrafamiliaal) geweld") == frozenset(
        {"huiselijk", "intrafamiliaal"}
    )
    assert leading_literals(r"(?<!\w)(?:ab)+c") == frozenset({"ab"})
    assert leading_literals(r"(?:ab)?c") is None
    assert leading_literals(r"\w+ geweld") is None
    assert leading_literals(r"abc|\d+") is None
    assert leading_literals(r"(?i)abc") is None


def test_required_literals_on_the_regex_forms() -> None:
    assert required_literals(r"\bpoging(?:en)? tot (?:moord|doodslag)") == frozenset({"poging"})
    assert required_literals(r"\b(?:huiselijk|intrafamiliaal) geweld") == frozenset(
        {"huiselijk", "intrafamiliaal"}
    )
    assert required_literals(r"(?:ab)+c") == frozenset({"ab"})
    # Nothing can be required of an optional part, an empty branch, a class or case folding.
    assert required_literals(r"(?:abc)?\w+") is None
    assert required_literals(r"abc|") is None
    assert required_literals(r"[abc]+") is None
    assert required_literals(r"(?i)dader") is None
    assert required_literals(r"(?i:dader)") is None
    assert may_match(r"(?i)dader", "DADER") and re.search(r"(?i)dader", "DADER")
    assert not may_match(r"\bmet geweld\b", "zonder enig geweld")
    assert may_match(re.compile(r"geweld\b"), "met geweld")


def _negated_by_scan(layout: crime._Layout, offset: int) -> bool:
    """Negation as it was computed before: a new scan of the clause up to ``offset`` (the words
    found that way go to the same decision, ``crime._negates``)."""
    start, _ = layout.span(layout.clauses, offset)
    return crime._negates(crime._WORD.findall(layout.lower[start:offset])[-crime._NEGATION_WINDOW :])


def test_negation_from_the_clause_words_found_once_matches_the_scan() -> None:
    texts = _texts()[::6]
    negated = 0
    for title, text, _ in texts:
        full = f"{title}\n{text}"
        layout = crime._Layout(full, len(title))
        for offset in range(len(full)):  # every offset, mid-word ones included
            expected = _negated_by_scan(layout, offset)
            assert layout.negated(offset) == expected, (full[max(0, offset - 40) : offset], offset)
            negated += expected
    assert negated > 50


def _nested(depth: int, tail: str = "") -> str:
    return (
        "<html><body>"
        + "<div>" * (depth - 2)
        + f"<p>diep</p>{tail}"
        + "</div>" * (depth - 2)
        + "</body></html>"
    )


@pytest.mark.parametrize("depth", [3, 40, 120, 200])
def test_the_depth_guard_agrees_with_the_tree_walk(depth: int) -> None:
    pages = [
        _nested(depth),
        _nested(depth, "<?php echo 1 ?>"),
        *(p.read_text(encoding="utf-8") for p in FIXTURES),
    ]
    for html in pages:
        tree = parse_html(html)
        assert tree is not None
        deepest = tree_depth(tree)
        for limit in (2, 3, deepest - 1, deepest, deepest + 1, MAX_DEPTH):
            if limit >= 2:
                assert deeper_than(tree, limit) == (deepest >= limit), (deepest, limit)


def test_a_processing_instruction_counts_as_deep_as_the_walk_counts_it() -> None:
    tree = parse_html(_nested(30, "<?x y?>"))
    assert tree is not None
    assert tree_depth(tree) == 31
    assert deeper_than(tree, 31) and not deeper_than(tree, 32)


def test_a_too_deep_page_is_still_refused_with_its_depth() -> None:
    outcome = checked_extract(_nested(270), "https://example.nl/nieuws/diep")
    assert outcome.article is None and outcome.reason == "too_deep"
    assert outcome.detail.startswith("elements nested ")
    fine = checked_extract(_nested(60), "https://example.nl/nieuws/ondiep", max_depth=100)
    assert fine.reason != "too_deep"


def test_paywall_markup_found_as_without_the_attribute_prefilter() -> None:
    unfiltered = etree.XPath("//*[" + " or ".join(f"({test})" for _, test in paywall.PAYWALL_MARKUP) + "]")
    pages = [p.read_text(encoding="utf-8") for p in FIXTURES]
    # One page per publisher rule, built from what each rule describes, so every rule is hit.
    pages += [
        "<html><body><main><div data-temptation-position='ARTICLE_INLINE'>Abonneer</div></main></body></html>",
        "<html><body><div id='remaining-paid-content' data-reduced='true'><p>x</p></div></body></html>",
        "<html><body><div class='x fjs-paywall-notification'>Log in</div></body></html>",
        "<html><body><h1 class='ArticleTitleBlock--premium'>Kop</h1></body></html>",
        "<html><body><div data-testid='paywall-position-popover'><p>Lees verder</p></div></body></html>",
        "<html><head><meta name='mh:article_ispaidcontent' content='true'></head><body><p>x</p></body></html>",
        "<html><body><header data-testid='article-header'><span data-testid='plus-icon'></span></header></body></html>",
    ]
    hits = 0
    for html in pages:
        tree = lxml.html.fromstring(html)
        expected = unfiltered(tree)
        assert paywall._ANY_MARKUP(tree) == expected
        hits += bool(expected)
    assert hits >= 7


def test_paywall_markup_is_found_only_where_the_source_can_hold_it() -> None:
    rule_pages = [
        "<html><body><main><div data-temptation-position='ARTICLE_INLINE'>Abonneer</div></main></body></html>",
        "<html><body><div id='remaining-paid-content' data-reduced='true'><p>x</p></div></body></html>",
        "<html><body><div id='fjs-paywall-intro'><p>x</p></div></body></html>",
        "<html><body><div class='x fjs-paywall-notification'>Log in</div></body></html>",
        "<html><body><div class='article__component--paywall-module-notification'>x</div></body></html>",
        "<html><body><h1 class='ArticleTitleBlock--premium'>Kop</h1></body></html>",
        "<html><body><span class='TextArticlePage__premiumLabel'>Premium</span></body></html>",
        "<html><body><div id='TEMPRORARY_METERING_ID'>x</div></body></html>",
        "<html><body><div data-testid='paywall-position-popover'><p>Lees verder</p></div></body></html>",
        "<html><head><meta name='mh:article_ispaidcontent' content='true'></head><body><p>x</p></body></html>",
        "<html><body><header data-testid='article-header'><span data-testid='plus-icon'></span></header></body></html>",
    ]
    for html in rule_pages:
        assert paywall._markup(lxml.html.fromstring(html)) is not None, html
        assert paywall.markup_possible(html) and paywall.markup_possible(html.encode())
    skipped = 0
    for html, url in _realistic_pages():
        if not paywall.markup_possible(html):
            tree = parse_html(html)
            assert tree is None or paywall._markup(tree) is None, url
            skipped += 1
    assert skipped >= 50


def test_lingua_on_the_first_part_of_a_long_text_decides_as_on_all_of_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    texts = [text for _, text, _ in _texts()]
    texts += [a.extracted.text for a in (analyse_page(h, u) for h, u in _realistic_pages()) if a.extracted]
    long_texts = [t for t in texts if len(" ".join(t.split())) > language._LINGUA_FIRST_CHARS]
    assert len(long_texts) >= 100
    staged = [language.detect_language(t) for t in long_texts]
    monkeypatch.setattr(language, "_LINGUA_FIRST_CHARS", 10**9)
    whole = [language.detect_language(t) for t in long_texts]
    for text, a, b in zip(long_texts, staged, whole, strict=True):
        assert (a.lang, a.variant) == (b.lang, b.variant), text[:80]
        assert abs(a.probability - b.probability) <= 0.001, text[:80]


# --- the whole analysis, with and without every shortcut -----------------------------------------

EVAL = ROOT.parent / "shared" / "benchmarks" / "extraction" / "trafilatura-eval" / "eval"
REAL = ROOT.parent / "shared" / "benchmarks" / "real-pages" / "pages"


def _teaser_blocks_by_walk(tree: lxml.html.HtmlElement) -> Iterator[lxml.html.HtmlElement]:
    """The teaser-block search as it was: every block element walked in Python."""
    body = tree.find("body")
    for el in (body if body is not None else tree).iter("article", "div", "li", "section", "a"):
        if el.tag == "article":
            yield el
        else:
            names = el.get("class")
            if names and pagekind._TEASER_CLASS.search(names) and "vcard" not in names:
                yield el


def _realistic_pages() -> list[tuple[str, str]]:
    """(HTML, URL): the fixtures, the real publisher pages and trafilatura-eval pages where present,
    and generated Dutch article pages."""
    pages = [(p.read_text(encoding="utf-8"), f"https://www.example.nl/nieuws/{p.stem}") for p in FIXTURES]
    if REAL.is_dir():
        pages += [
            (p.read_text(encoding="utf-8"), f"https://www.example.nl/{p.stem}")
            for p in sorted(REAL.glob("*.html"))
        ]
    if EVAL.is_dir():
        for path in sorted(EVAL.glob("*.html.gz"))[:60]:
            html = gzip.decompress(path.read_bytes()).decode("utf-8", errors="replace")
            pages.append((html, f"https://www.example.com/{path.name.split('.')[0]}"))
    site = GeneratedSite(pages=10, seed=21)
    pages += [
        (site.respond(a.path, "https://gen.example.nl")[2].decode(), "https://gen.example.nl" + a.path)
        for a in site.articles
    ]
    return pages


def _without_language_trace(analysis: Analysis) -> Analysis:
    if analysis.language is None:
        return analysis
    return dataclasses.replace(analysis, language=dataclasses.replace(analysis.language, evidence=()))


def test_every_page_gets_the_same_analysis_with_and_without_the_shortcuts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pages = _realistic_pages()
    fast = [analyse_page(html, url) for html, url in pages]
    _without_the_crime_shortcuts(monkeypatch)
    monkeypatch.setattr(
        paywall,
        "_ANY_MARKUP",
        etree.XPath("//*[" + " or ".join(f"({t})" for _, t in paywall.PAYWALL_MARKUP) + "]"),
    )
    monkeypatch.setattr(pagekind, "_teaser_blocks", _teaser_blocks_by_walk)
    monkeypatch.setattr(extract, "deeper_than", lambda tree, limit: tree_depth(tree) >= limit)
    monkeypatch.setattr(paywall, "markup_possible", lambda source: True)
    monkeypatch.setattr(language, "_LINGUA_FIRST_CHARS", 10**9)
    slow = [analyse_page(html, url) for html, url in pages]
    for (_, url), a, b in zip(pages, fast, slow, strict=True):
        # The language's evidence is a diagnostic trace: lingua on a text's first part may give
        # a close relative no mass where the whole text gives it a little, and the word count
        # that weighs the pair is then not traced. Language, probability and variant are compared.
        assert _without_language_trace(a) == _without_language_trace(b), url
    assert sum(a.stage is None for a in fast) >= 20  # kept articles, annotated, are compared too
