"""What a crawl knows about a page besides its HTML: one options object for every text stage.

Built once per page (by the analysis pipeline, or by a caller of the public API) and handed down
unchanged — ``corpus.analyse.analyse_page`` → ``corpus.text.extract.checked_extract`` →
``extract_article`` → ``corpus.text.dates.find_published`` — instead of loose keywords repeated
in every signature. Frozen and made of plain values, so it pickles into a worker process.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class PageContext:
    """The outlet's country and what discovery said about the page before it was fetched."""

    country: str = "nl"
    """``"nl"`` or ``"be"``: the Dutch/Flemish variant, the dates' time zone, the places."""
    feed_date: str | None = None
    """The raw date a feed gave for the page (RSS pubDate, Atom published), if any."""
    sitemap_date: str | None = None
    """The raw date a sitemap gave (news:publication_date, lastmod), if any."""
    fallback_title: str | None = None
    """The title to use when the page has none (the feed's title, as a crawl does)."""
    fetched_at: str | None = None
    """When the page was downloaded (ISO 8601): with the discovery dates, it gives the year of a
    date the page prints without one ("12 maart")."""
    article_url: bool = False
    """Whether the URL matches one of the source's article URL patterns
    (:meth:`corpus.sources.registry.Source.url_kind`): such a page is never rejected as a listing
    on its share of link words alone."""

    @classmethod
    def of(cls, context: PageContext | None, **fields: Any) -> PageContext:
        """``context``, or one built from loose keywords (the public functions still take them)."""
        if context is not None:
            if fields:
                raise TypeError("pass either a PageContext or its fields as keywords, not both")
            return context
        return cls(**fields)


DEFAULT_CONTEXT = PageContext()
