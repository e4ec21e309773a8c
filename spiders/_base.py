"""Shared spider base: sources from the registry, scope checks, article requests and rejections."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Iterator
from typing import Any

import scrapy
from scrapy.http import Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import DNSLookupError, TCPTimedOutError
from twisted.internet.error import TimeoutError as TwistedTimeoutError
from twisted.python.failure import Failure

from corpus.bodies import binary_kind, is_html_type
from corpus.items import ArticleItem, Discovery, RejectionItem
from corpus.sources import Source, load_sources
from corpus.urls import in_scope


def _names(value: str | list[str] | None) -> list[str]:
    if not value:
        return []
    if isinstance(value, str):
        value = value.split(",")
    return [v.strip() for v in value if v.strip()]


class SourceSpider(scrapy.Spider):
    """Crawls the registry's sources through the discovery channels its subclass mixes in.

    Arguments (``-a`` on the scrapy command line, or settings ``CORPUS_SOURCES_FILE`` and
    ``CORPUS_SOURCE_NAMES``): ``sources_file`` (a registry TOML, default the shipped one) and
    ``source`` (comma-separated names to crawl; default all).
    """

    name: str | None = None

    def __init__(self, sources_file: str | None = None, source: str | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        self._sources_file = sources_file
        self._source_arg = source
        self.sources: list[Source] = []
        self.sources_by_name: dict[str, Source] = {}

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> SourceSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        file = spider._sources_file or settings.get("CORPUS_SOURCES_FILE")
        names = _names(spider._source_arg) or _names(settings.getlist("CORPUS_SOURCE_NAMES"))
        spider.sources = load_sources(file, names)
        spider.sources_by_name = {s.name: s for s in spider.sources}
        return spider

    async def start(self) -> AsyncIterator[Any]:
        for source in self.sources:
            for request in self.discovery_requests(source):
                yield request

    def discovery_requests(self, source: Source) -> Iterator[scrapy.Request]:
        """Each channel mixin adds its requests and defers to the next (cooperative ``super``)."""
        yield from ()

    # -- helpers shared by the channels ------------------------------------------------------
    def discovery_request(self, url: str, source: Source, callback: Any, **kw: Any) -> scrapy.Request:
        return scrapy.Request(
            url,
            callback=callback,
            errback=self.on_error,
            cb_kwargs={"source": source.name, **kw},
            meta={"corpus_source": source.name, "corpus_stage": "discovery"},
            priority=10,
        )

    def article_request(self, url: str, source: Source, discovery: Discovery) -> scrapy.Request | None:
        """A request for a discovered article URL, or None when it is outside the source."""
        if not in_scope(url, source.hosts) or not source.url_allowed(url):
            self.crawler.stats.inc_value("corpus/discovery/out_of_scope")
            return None
        self.crawler.stats.inc_value(f"corpus/discovery/{discovery.channel}")
        return scrapy.Request(
            url,
            callback=self.parse_article,
            errback=self.on_error,
            cb_kwargs={"source": source.name, "discovery": discovery},
            meta={"corpus_source": source.name, "corpus_stage": "fetch"},
        )

    def parse_article(
        self, response: Response, source: str, discovery: Discovery | None = None
    ) -> Iterator[Any]:
        """Hand an HTML page to the pipelines, or record why it cannot be one."""
        src = self.sources_by_name[source]
        ctype = response.headers.get(b"Content-Type", b"").decode("latin-1")
        kind = binary_kind(response.body)
        if kind or not is_html_type(ctype) or not isinstance(response, TextResponse):
            yield RejectionItem(
                url=response.url,
                source=source,
                stage="fetch",
                reason="not_html",
                detail=f"{kind or 'content type'}: {ctype or 'none'}",
                http_status=response.status,
            )
            return
        if "partial" in response.flags or "dataloss" in response.flags:
            yield RejectionItem(response.url, source, "fetch", "truncated", "data loss", response.status)
            return
        yield ArticleItem(
            url=response.url,
            source=src.name,
            outlet=src.outlet,
            country=src.country,
            html=response.text,
            fetched_at=dt.datetime.now(dt.UTC),
            status=response.status,
            discovery=discovery,
        )

    def on_error(self, failure: Failure) -> Iterator[RejectionItem]:
        """Every failed request becomes a recorded rejection with a short reason."""
        request = failure.request  # type: ignore[attr-defined]
        status = None
        if failure.check(HttpError):
            status = failure.value.response.status
            reason = f"http_{status}"
        elif failure.check(scrapy.exceptions.IgnoreRequest):
            text = str(failure.value).lower()
            reason = "robots_disallowed" if "robots" in text or not text else "ignored"
        elif failure.check(DNSLookupError):
            reason = "dns"
        elif failure.check(TwistedTimeoutError, TCPTimedOutError):
            reason = "timeout"
        else:
            reason = failure.type.__name__ if failure.type else "error"
        yield RejectionItem(
            url=request.url,
            source=request.meta.get("corpus_source"),
            stage=request.meta.get("corpus_stage", "fetch"),
            reason=reason[:64],
            detail=str(failure.value)[:500] or None,
            http_status=status,
        )
