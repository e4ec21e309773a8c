"""The main spider: every discovery channel of every selected source."""

from __future__ import annotations

from spiders.feeds import FeedsMixin
from spiders.listings import ListingsMixin
from spiders.sitemaps import SitemapsMixin


class NewsSpider(FeedsMixin, SitemapsMixin, ListingsMixin):
    """Feeds first (freshest, with dates), then sitemaps, then listing pages."""

    name = "news"
