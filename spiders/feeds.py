"""Discovery from RSS and Atom feeds; the feed's title and date travel with each request."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import scrapy
from scrapy.http import Response

from corpus.crawl.items import Discovery
from corpus.sources.discovery import DiscoveryError, document_kind, feed_entries, parse_xml
from corpus.sources.registry import Source
from spiders._base import SourceSpider


class FeedsMixin(SourceSpider):
    def discovery_requests(self, source: Source) -> Iterator[scrapy.Request]:
        for url in source.feeds:
            yield self.discovery_request(url, source, self.parse_feed, "feed")
        yield from super().discovery_requests(source)

    def parse_feed(self, response: Response, source: str) -> Iterator[Any]:
        src = self.sources_by_name[source]
        if not self.document_fetched(response):
            return
        try:
            root = parse_xml(response.body)
            if document_kind(root) != "feed":
                raise DiscoveryError("not an RSS or Atom feed")
        except DiscoveryError as exc:
            yield self.parse_error(response, source, exc)
            return
        for entry in feed_entries(root, response.url):
            request = self.article_request(entry.url, src, Discovery("feed", entry.title, entry.date))
            if request is not None:
                yield request
        self.document_parsed(response, "feed")


class FeedSpider(FeedsMixin):
    """Only the sources' feeds."""

    name = "feeds"
