"""Crawl-wide components: the live progress line, and the guard that stops a crawl whose store failed."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator, Iterable
from typing import TYPE_CHECKING, Any

from scrapy import signals
from scrapy.exceptions import NotConfigured
from twisted.internet import task

from corpus.crawl.lifecycle import STORE_ERRORS, fail_crawl

if TYPE_CHECKING:
    from scrapy.crawler import Crawler


class ProgressLine:
    """Rewrites one stderr line every second: pages fetched, stored, rejected."""

    def __init__(self, stats: Any, interval: float = 1.0) -> None:
        self.stats = stats
        self.interval = interval
        self.loop: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ProgressLine:
        if not crawler.settings.getbool("CORPUS_PROGRESS"):
            raise NotConfigured
        ext = cls(crawler.stats)
        crawler.signals.connect(ext.opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.closed, signal=signals.spider_closed)
        return ext

    def line(self) -> str:
        get = self.stats.get_value
        rejected = sum(
            v
            for k, v in self.stats.get_stats().items()
            if k.startswith("corpus/rejected/") and isinstance(v, int)
        )
        return (
            f"\rfetched {get('downloader/response_count', 0)}  stored {get('corpus/stored', 0)}  "
            f"rejected {rejected}  queued {get('scheduler/enqueued', 0) - get('scheduler/dequeued', 0)}   "
        )

    def opened(self, spider: Any) -> None:
        self.loop = task.LoopingCall(self.show)
        self.loop.start(self.interval)

    def show(self) -> None:
        sys.stderr.write(self.line())
        sys.stderr.flush()

    def closed(self, spider: Any, reason: str) -> None:
        if self.loop and self.loop.running:
            self.loop.stop()
        self.show()
        sys.stderr.write("\n")


class StoreFailureMiddleware:
    """Spider middleware: a database error in a callback or in the start requests stops the crawl.

    A store error can still surface inside a callback or the start requests (a read of the
    frontier, a checkpoint the spider asked for). Without this, Scrapy would log a traceback for every later page
    and go on downloading what can no longer be stored; here the first error closes the spider
    (``store_failed``) and the command reports it in one line.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StoreFailureMiddleware:
        return cls(crawler)

    async def process_start(self, start: AsyncIterator[Any]) -> AsyncIterator[Any]:
        try:
            async for item_or_request in start:
                yield item_or_request
        except STORE_ERRORS as exc:
            fail_crawl(self.crawler, exc)

    def process_spider_exception(self, response: Any, exception: BaseException) -> Iterable[Any] | None:
        if isinstance(exception, STORE_ERRORS):
            fail_crawl(self.crawler, exception)
            return []
        return None
