"""Run the crawl's page analysis on one page of HTML, without a crawl: typed results.

The function is the one every crawl worker runs (:func:`corpus.analyse.analyse_page`), so a page
analysed here gets exactly the text, date, language verdict and crime annotations the crawler
would store, and is rejected for exactly the reason the crawler would record. Useful to check a
new outlet's pages, to annotate pages fetched by other tools, or to re-analyse stored HTML.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from corpus.analyse import analyse_page
from corpus.annotate.columns import annotate as _annotate
from corpus.text.dates import PublishedDate
from corpus.text.encoding import declare_utf8, decode_html
from corpus.text.extract import LiveEntry
from corpus.text.language import LanguageResult, detect_language
from crimecorpus.records import Person, Place, _person, _place

__all__ = [
    "CrimeAnnotation",
    "LanguageResult",
    "PageAnalysis",
    "PublishedDate",
    "Rejection",
    "analyse",
    "annotate",
    "detect_language",
]


@dataclass(frozen=True)
class CrimeAnnotation:
    """The crime classifier's verdict on one article (rules in docs/classification.md)."""

    is_crime: bool
    score: float
    categories: tuple[str, ...]
    primary_category: str | None  # the offence the story is about
    stage: str | None  # justice stage: incident, arrest, prosecution, trial, verdict ...
    places: tuple[Place, ...]
    persons: tuple[Person, ...]
    evidence: tuple[str, ...]  # the rules that fired
    classifier_version: str

    @classmethod
    def from_columns(cls, columns: Mapping[str, Any]) -> CrimeAnnotation:
        """Type the crime columns :func:`corpus.annotate.columns.annotate` returns for storage."""
        return cls(
            is_crime=bool(columns["is_crime"]),
            score=float(columns["crime_score"]),
            categories=tuple(columns["categories"]),
            primary_category=columns.get("primary_category"),
            stage=columns["stage"],
            places=tuple(_place(p) for p in columns["places"]),
            persons=tuple(_person(p) for p in columns["persons"]),
            evidence=tuple(columns["crime_evidence"]),
            classifier_version=columns["classifier_version"],
        )


@dataclass(frozen=True)
class Rejection:
    """Why the crawler would not store the page: the stage, reason and detail it would record."""

    stage: str  # extract | page_kind | language
    reason: str  # no_text, too_deep, not_prose, listing, consent, gallery, empty, not_dutch ...
    detail: str


@dataclass(frozen=True)
class PageAnalysis:
    """Everything the crawl's analysis found on one page.

    The stages run in the crawl's order and stop at the first that rejects the page, so a field
    of a later stage is None when ``rejection`` is set: a page rejected as ``not_dutch`` has its
    text, date and language but no crime annotation.
    """

    url: str
    text: str | None
    title: str | None
    author: str | None
    authors: tuple[str, ...]
    agency: str | None  # the news agency credited (ANP, Belga, ...)
    description: str | None
    date: PublishedDate | None  # .day, .moment, .source, .confidence
    page_kind: str | None  # article | photo | liveblog | listing | consent | gallery | empty | not_prose
    paywalled: bool
    text_complete: str | None  # full | teaser
    entries: tuple[LiveEntry, ...]  # a live blog's entries
    language: LanguageResult | None  # .lang, .probability, .variant, .is_dutch
    crime: CrimeAnnotation | None
    rejection: Rejection | None

    @property
    def kept(self) -> bool:
        """Whether a crawl would store this page as an article."""
        return self.rejection is None


def analyse(
    html: str | bytes,
    url: str,
    *,
    country: str = "nl",
    feed_date: str | None = None,
    sitemap_date: str | None = None,
    title: str | None = None,
    charset: str | None = None,
) -> PageAnalysis:
    """Extract, date, identify the language of and annotate one page, as a crawl would.

    ``country`` is the outlet's (``"nl"`` or ``"be"``: it weighs the Dutch/Flemish variant,
    dates' time zone and places); ``feed_date`` / ``sitemap_date`` are the raw dates a feed or
    sitemap gave for the page, if any (date evidence the page itself may lack); ``title`` is
    used when the page has none (the feed's title, as the crawl does). Bytes are decoded as the
    crawler decodes a response (``charset`` is the HTTP header's, if known; corpus.text.encoding).
    """
    if isinstance(html, bytes):
        html = declare_utf8(decode_html(html, charset).text)
    result = analyse_page(
        html, url, country=country, feed_date=feed_date, sitemap_date=sitemap_date, fallback_title=title
    )
    extracted = result.extracted
    return PageAnalysis(
        url=url,
        text=extracted.text if extracted else None,
        title=(extracted.title or title) if extracted else None,
        author=extracted.author if extracted else None,
        authors=extracted.authors if extracted else (),
        agency=extracted.agency if extracted else None,
        description=extracted.description if extracted else None,
        date=extracted.date if extracted else None,
        page_kind=result.page_kind.kind if result.page_kind else None,
        paywalled=extracted.paywalled if extracted else False,
        text_complete=extracted.text_complete if extracted else None,
        entries=extracted.entries if extracted else (),
        language=result.language,
        crime=CrimeAnnotation.from_columns(result.crime) if result.crime else None,
        rejection=Rejection(result.stage, result.reason or "", result.detail) if result.stage else None,
    )


def annotate(
    text: str, *, title: str | None = None, url: str = "", country: str | None = None
) -> CrimeAnnotation:
    """Classify and annotate a Dutch text that is already clean (no HTML), as a crawl would."""
    return CrimeAnnotation.from_columns(_annotate(title, text, url, country))
