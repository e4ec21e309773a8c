"""The items that flow from spiders through pipelines: a fetched page and a recorded rejection."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from corpus.annotate.columns import CRIME_COLUMNS
from corpus.store.storage import utcnow
from corpus.text.context import PageContext

if TYPE_CHECKING:
    from corpus.analyse import Analysis
    from corpus.text.extract import LiveEntry


@dataclass
class Discovery:
    """What the discovery channel said about a URL before it was fetched."""

    channel: str  # "feed" | "sitemap" | "listing"
    title: str | None = None
    date: str | None = None  # raw feed pubDate / news:publication_date / lastmod


@dataclass
class ArticleItem:
    """A fetched page on its way to becoming a stored article; pipelines fill the later fields."""

    url: str
    source: str
    outlet: str
    country: str
    html: str
    fetched_at: dt.datetime
    status: int = 200
    discovery: Discovery | None = None
    # set by the spider, from the request
    frontier_key: str | None = None
    dates: dict[str, str] = field(default_factory=dict)
    """Discovery dates by channel (request meta ``corpus.crawl.meta.DATES``)."""
    etag: str | None = None
    last_modified: str | None = None
    article_url: bool = False
    """Whether the URL matches the source's article URL patterns (``PageContext.article_url``)."""
    obtained_via: str = "live"
    """How the page was obtained (``corpus.store.models.OBTAINED_VIA``); ``fetched_at`` is then the
    capture time, and ``record_id`` the archive record's id (a WARC-Record-ID)."""
    record_id: str | None = None
    # filled by the analysis pipeline
    analysis: Analysis | None = None
    canonical_link: str | None = None
    title: str | None = None
    text: str = ""
    author: str | None = None
    description: str | None = None
    html_lang: str | None = None
    og_locale: str | None = None
    page_kind: str | None = None
    kind: str = "article"
    """The kind of news item: ``article``, ``photo`` or ``liveblog`` (``corpus.text.pagekind.NEWS_KINDS``)."""
    paywalled: bool = False
    text_complete: str = "full"
    """``full``, or ``teaser`` when a paywall hid the text and the page did not carry it."""
    entries: tuple[LiveEntry, ...] = ()
    authors: tuple[str, ...] = ()
    agency: str | None = None
    published: dt.date | None = None
    published_at: dt.datetime | None = None
    date_source: str = "none"
    date_confidence: float = 0.0
    language: str | None = None
    language_prob: float = 0.0
    language_variant: str | None = None
    crime: dict[str, Any] = field(default_factory=dict)
    """The crime columns (``corpus.annotate.columns.CRIME_COLUMNS``)."""
    minhash: bytes | None = None
    # filled by the duplicate stages
    canonical: str = ""
    id: str = ""
    text_hash: str = ""
    cluster_id: str | None = None
    merged: frozenset[str] = frozenset()
    """Clusters the near-duplicate stage merged into ``cluster_id`` on this article's arrival."""

    def page_context(self) -> PageContext:
        """What the text stages need to know besides the HTML."""
        return PageContext(
            country=self.country,
            feed_date=self.dates.get("feed"),
            sitemap_date=self.dates.get("sitemap"),
            fallback_title=self.discovery.title if self.discovery else None,
            fetched_at=self.fetched_at.isoformat(),
            article_url=self.article_url,
        )


@dataclass
class RejectionItem:
    """A URL that was fetched or refused and will not be kept, with where and why."""

    url: str
    source: str | None
    stage: str
    reason: str
    detail: str | None = None
    http_status: int | None = None
    key: str | None = None  # the frontier id of the request, when it has one


def article_row(item: ArticleItem, run_id: int | None) -> dict[str, Any]:
    """The database row of an article item.

    ``duplicate_of`` and ``is_representative`` are left out on purpose: they are decided over the
    whole corpus when a crawl closes, and an upsert that wrote them empty would wipe the marks of
    every re-fetched article until then (for good, if the crawl is killed first).
    """
    now = utcnow()
    return {
        "id": item.id,
        "url": item.canonical,
        "fetched_url": item.url,
        "source": item.source,
        "outlet": item.outlet,
        "country": item.country,
        "title": item.title,
        "text": item.text,
        "author": item.author,
        "authors": list(item.authors) or None,
        "agency": item.agency,
        "kind": item.kind,
        "paywalled": item.paywalled,
        "text_complete": item.text_complete,
        "entries": [{"at": e.at, "text": e.text} for e in item.entries] or None,
        "description": item.description,
        "published": item.published,
        "published_at": item.published_at,
        "month": item.published.strftime("%Y-%m") if item.published else None,
        "date_source": item.date_source,
        "date_confidence": item.date_confidence,
        "language": item.language or "und",
        "language_prob": item.language_prob,
        "language_variant": item.language_variant,
        "text_hash": item.text_hash,
        "discovered_via": item.discovery.channel if item.discovery else None,
        "first_seen": item.fetched_at,
        "last_seen": now,
        "crawl_run_id": run_id,
        "obtained_via": item.obtained_via,
        "captured_at": item.fetched_at,
        "record_id": item.record_id,
        **dict.fromkeys(CRIME_COLUMNS),
        **item.crime,
        "minhash": item.minhash if item.cluster_id is not None else None,
        "cluster_id": item.cluster_id if item.cluster_id is not None else item.id,
    }
