"""All CPU-heavy work on one page, as one picklable call: what a pool worker runs.

Extraction (with the depth guard), the prose check, page kind, language, crime annotations, the
MinHash signature and the text hash are computed in one go, stopping at the first stage that
rejects the page. The pipelines then stay thin: each applies one stage's verdict from the
:class:`Analysis` and the reactor never runs CPU-bound parsing. The result is a pure function of
its arguments, so 1 and N workers give identical corpora.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from corpus.annotate.columns import annotate
from corpus.dedup.neardup import signature
from corpus.devtools.safeextract import MAX_DEPTH, checked_extract
from corpus.text.extract import ExtractedArticle, parse_html
from corpus.text.language import LanguageResult, detect_language
from corpus.text.normalise import text_hash
from corpus.text.pagekind import PageKind, classify_page
from corpus.text.prose import not_prose_reason


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
    *,
    country: str = "nl",
    feed_date: str | None = None,
    sitemap_date: str | None = None,
    fallback_title: str | None = None,
    max_depth: int = MAX_DEPTH,
) -> Analysis:
    """Run every CPU stage on one page (see the module docstring)."""
    tree = parse_html(html)
    outcome = checked_extract(
        tree, url, max_depth, feed_date=feed_date, sitemap_date=sitemap_date, country=country
    )
    extracted = outcome.article
    if extracted is None:
        return Analysis(stage="extract", reason=outcome.reason or "no_text", detail=outcome.detail)
    # Junk with no prose structure (one endless line, no spaces, no sentence ends) is refused
    # before the page-kind rules, which would count its millions of "words" as an article.
    junk = not_prose_reason(extracted.text)
    if junk:
        kind = PageKind("not_prose", junk)
        return Analysis(extracted, kind, stage="page_kind", reason="not_prose", detail=junk)
    kind = classify_page(tree, extracted.text, url)
    if not kind.is_article:
        return Analysis(extracted, kind, stage="page_kind", reason=kind.kind, detail=kind.reason)
    title = extracted.title or fallback_title
    text = f"{title}\n{extracted.text}" if title else extracted.text
    language = detect_language(
        text, html_lang=extracted.html_lang, country=country, og_locale=extracted.og_locale
    )
    if not language.is_dutch:
        return Analysis(extracted, kind, language, stage="language", reason="not_dutch")
    return Analysis(
        extracted,
        kind,
        language,
        crime=annotate(title, extracted.text, url, country),
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
