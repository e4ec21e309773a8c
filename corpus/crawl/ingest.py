"""WARC ingest without Scrapy: which source a WARC URL belongs to.

The summary of an ingest or reextract run is the runner's (:class:`corpus.crawl.runner.CrawlSummary`).
"""

from __future__ import annotations

from collections.abc import Iterable

from corpus.sources.registry import Source
from corpus.sources.urls import url_host


class HostIndex:
    """Registry hosts (and their subdomains) to sources, looked up from a URL without parsing more.

    The same scope rule as a crawl (``corpus.sources.urls.in_scope``): a host or any subdomain of it, plus
    the source's allow/deny patterns. Dictionary look-ups of the host and its parent domains keep
    it cheap enough to run on every record of a CC-NEWS file.
    """

    def __init__(self, sources: Iterable[Source]) -> None:
        self._exact: dict[str, Source] = {}
        for source in sources:
            for host in source.hosts:
                self._exact.setdefault(host, source)

    def source_for(self, url: str) -> Source | None:
        if not url.startswith(("http://", "https://")):
            return None
        try:
            host = url_host(url)
        except ValueError:  # a bad port or IPv6 literal
            return None
        source = self._exact.get(host)
        if source is None and ":" not in host:
            parts = host.split(".")
            for i in range(1, len(parts) - 1):
                source = self._exact.get(".".join(parts[i:]))
                if source is not None:
                    break
        if source is None or not source.url_allowed(url):
            return None
        return source

    def wanted(self, url: str) -> bool:
        return self.source_for(url) is not None
