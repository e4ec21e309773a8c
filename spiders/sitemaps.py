"""Discovery from sitemaps: indexes, gzipped files, Google News sitemaps and robots.txt lines."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import scrapy
from scrapy.http import Response

from corpus.crawl.items import Discovery, RejectionItem
from corpus.sources.discovery import DiscoveryError, parse_xml, robots_sitemaps, sitemap_entries
from corpus.sources.registry import Source
from corpus.sources.urls import in_scope
from spiders._base import SourceSpider

MAX_SITEMAP_DEPTH = 3
"""Sitemap indexes nest; deeper than this is a loop or a trap, not a real site."""


class SitemapsMixin(SourceSpider):
    def discovery_requests(self, source: Source) -> Iterator[scrapy.Request]:
        for url in source.sitemaps:
            yield self.discovery_request(url, source, self.parse_sitemap, "sitemap", depth=0)
        for url in source.robots_urls:
            yield self.discovery_request(url, source, self.parse_robots, "robots")
        yield from super().discovery_requests(source)

    def parse_robots(self, response: Response, source: str) -> Iterator[Any]:
        src = self.sources_by_name[source]
        if response.status != 200:
            return
        listed = set(src.sitemaps)
        for url in robots_sitemaps(response.text, response.url):
            if url not in listed and in_scope(url, src.hosts):
                yield self.discovery_request(url, src, self.parse_sitemap, "sitemap", depth=0)
        self.document_parsed(response, "robots")

    def parse_sitemap(self, response: Response, source: str, depth: int = 0) -> Iterator[Any]:
        src = self.sources_by_name[source]
        if not self.document_fetched(response):
            return
        try:
            doc = sitemap_entries(parse_xml(response.body), response.url)
        except DiscoveryError as exc:
            yield self.parse_error(response, source, exc)
            return
        if doc.kind == "index":
            if depth >= MAX_SITEMAP_DEPTH:
                yield RejectionItem(response.url, source, "discovery", "sitemap_too_deep", None)
                return
            for entry in doc.entries:
                if in_scope(entry.url, src.hosts):
                    yield self.discovery_request(
                        entry.url, src, self.parse_sitemap, "sitemap", depth=depth + 1
                    )
            self.document_parsed(response, "sitemap_index")
            return
        for entry in doc.entries:
            request = self.article_request(entry.url, src, Discovery("sitemap", entry.title, entry.date))
            if request is not None:
                yield request
        self.document_parsed(response, "sitemap")


class SitemapSpider(SitemapsMixin):
    """Only the sources' sitemaps (listed, and announced in robots.txt)."""

    name = "sitemaps"
