"""The items that flow from spiders through pipelines: a fetched page and a recorded rejection."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from corpus.text.context import PageContext

if TYPE_CHECKING:
    from corpus.analyse import Analysis


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
