"""All CPU-heavy work on one page, as one picklable call: what a pool worker runs.

The in-worker stage order is :data:`STAGES`, stated here and nowhere else: extraction (with the
depth guard), the prose check and page kind, language, then the annotations every kept article
gets (crime columns, the MinHash signature, the text hash). :func:`analyse_page` runs them in
that order and stops at the first stage that rejects the page; ``Analysis.stage`` names it.

One pipeline (``pipelines.analysis.AnalysisPipeline``) submits the page and applies the verdict;
the pipelines after it do only what a worker cannot (duplicates against the database, storing).
The result is a pure function of its arguments, so 1 and N workers give identical corpora.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from corpus.annotate.columns import annotate
from corpus.dedup.neardup import signature
from corpus.text.context import PageContext
from corpus.text.extract import MAX_DEPTH, ExtractedArticle, checked_extract, parse_html
from corpus.text.language import LanguageResult, detect_language
from corpus.text.normalise import text_hash
from corpus.text.pagekind import PageKind, classify_page
from corpus.text.prose import not_prose_reason

STAGES: tuple[str, ...] = ("extract", "page_kind", "language", "annotate")
"""The stages :func:`analyse_page` runs, in order; the first three may reject a page (their name
is then ``Analysis.stage``), ``annotate`` never does."""


@dataclass(frozen=True)
class Analysis:
    """What the worker found; ``stage``/``reason`` name the first rejection, if any."""

    extracted: ExtractedArticle | None = None
    page_kind: PageKind | None = None
    language: LanguageResult | None = None
    crime: dict[str, Any] | None = None
    minhash: bytes | None = None
    text_hash: str | None = None
    stage: str | None = None
    reason: str | None = None
    detail: str = ""


def analyse_page(
    html: str,
    url: str,
    context: PageContext | None = None,
    *,
    max_depth: int = MAX_DEPTH,
    **fields: Any,
) -> Analysis:
    """Run the :data:`STAGES` on one page, stopping at the first rejection.

    ``context`` is the page's :class:`~corpus.text.context.PageContext`; its fields may also be
    given as keywords (``country="be", feed_date=...``), as the public API does.
    """
    context = PageContext.of(context, **fields)
    tree = parse_html(html)
    # extract
    outcome = checked_extract(tree, url, context, max_depth, source=html)
    extracted = outcome.article
    if extracted is None:
        return Analysis(stage="extract", reason=outcome.reason or "no_text", detail=outcome.detail)
    # page_kind: junk with no prose structure (one endless line, no spaces, no sentence ends) is
    # refused before the page-kind rules, which would count its millions of "words" as an article.
    junk = not_prose_reason(extracted.text)
    if junk:
        kind = PageKind("not_prose", junk)
        return Analysis(extracted, kind, stage="page_kind", reason="not_prose", detail=junk)
    kind = classify_page(tree, extracted.text, url, article=extracted, article_url=context.article_url)
    if not kind.is_article:
        return Analysis(extracted, kind, stage="page_kind", reason=kind.kind, detail=kind.reason)
    # language
    title = extracted.title or context.fallback_title
    text = f"{title}\n{extracted.text}" if title else extracted.text
    language = detect_language(
        text, html_lang=extracted.html_lang, country=context.country, og_locale=extracted.og_locale
    )
    if not language.is_dutch:
        return Analysis(extracted, kind, language, stage="language", reason="not_dutch")
    # annotate
    return Analysis(
        extracted,
        kind,
        language,
        crime=annotate(title, extracted.text, url, context.country),
        minhash=signature(extracted.text),
        text_hash=text_hash(extracted.text),
    )


def warm_up() -> bool:
    """Load the models a worker needs (lingua, simplemma, trafilatura) before the first page."""
    page = (
        "<html lang='nl'><body><article><h1>Man aangehouden</h1><p>"
        + "Een 25-jarige man uit Wilp is woensdag aangehouden na een steekpartij in Zwolle. " * 6
        + "</p></article></body></html>"
    )
    analyse_page(page, "https://example.nl/nieuws/man-aangehouden-in-zwolle")
    return True
