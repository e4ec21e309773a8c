"""Discovery from section and listing pages, followed exactly one level deep."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import scrapy
from scrapy.http import Response, TextResponse

from corpus.crawl.items import Discovery
from corpus.sources.discovery import listing_links
from corpus.sources.registry import Source
from spiders._base import SourceSpider


class ListingsMixin(SourceSpider):
    def discovery_requests(self, source: Source) -> Iterator[scrapy.Request]:
        for url in source.start_urls:
            yield self.discovery_request(url, source, self.parse_listing, "listing")
        yield from super().discovery_requests(source)

    def parse_listing(self, response: Response, source: str) -> Iterator[Any]:
        if not self.document_fetched(response) or not isinstance(response, TextResponse):
            return
        src = self.sources_by_name[source]
        for url in listing_links(response.text, response.url):
            request = self.article_request(url, src, Discovery("listing"))
            if request is not None:
                yield request
        self.document_parsed(response, "listing")


class ListingSpider(ListingsMixin):
    """Only the sources' listing pages."""

    name = "listings"
