"""Spider middleware: every discovery channel is read before the first article is requested.

An article's publication date weighs the dates of every channel that named it (feed, news
sitemap, listing: ``corpus.crawl.meta.DATES``), and a sighting is added to the dates its request
carries only while that request waits. When articles were requested as soon as one channel named
them, a sitemap read a moment later reached some of them before their page was analysed and others
after, so two runs over the same site could date an article from different evidence (the same day,
another ``date_source`` or ``date_confidence``): seen between one and two workers, and between a
SQLite and a PostgreSQL run of the demo. Holding the article requests until discovery is over makes
what the date stage sees the same in every run.

It costs no time: the downloader serves a site's feeds and sitemaps before its articles anyway
(they have the higher priority), and the held requests are sent the moment the spider falls idle
(``spider_idle``), which happens once every feed, sitemap and listing page is read. Requests of the
stage ``fetch`` (article pages) are held, from the start requests (a resumed frontier) and from
every callback; documents, robots.txt and everything else pass. Past ``CORPUS_HOLD_ARTICLES``
held requests (memory on a very large discovery) the rest are sent at once; 0 switches holding
off. Spiders that discover nothing themselves or share a queue with other processes set
``discovery_first = False`` (the distributed worker, the backfill, the probe, which holds and
chooses on its own).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from scrapy import Request, signals
from scrapy.exceptions import DontCloseSpider, NotConfigured

from corpus.crawl import meta as M

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterable, Iterator
    from typing import Self

    from scrapy.crawler import Crawler
    from scrapy.http import Response


class DiscoveryFirstMiddleware:
    """Hold article requests until the spider is idle, then send them all in the order found."""

    def __init__(self, crawler: Crawler, limit: int) -> None:
        self.crawler = crawler
        self.limit = limit
        self.held: list[Request] = []
        self.holding = True

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        limit = crawler.settings.getint("CORPUS_HOLD_ARTICLES")
        if limit <= 0:
            raise NotConfigured
        middleware = cls(crawler, limit)
        crawler.signals.connect(middleware.release, signal=signals.spider_idle)
        return middleware

    def _active(self) -> bool:
        spider = self.crawler.spider
        return self.holding and bool(getattr(spider, "discovery_first", False))

    def _hold(self, item_or_request: Any) -> bool:
        """Keep an article request back; False for anything that passes."""
        if not isinstance(item_or_request, Request) or item_or_request.meta.get(M.STAGE) != M.FETCH:
            return False
        if not self._active() or len(self.held) >= self.limit:
            return False
        self.held.append(item_or_request)
        return True

    async def process_start(self, start: AsyncIterator[Any]) -> AsyncIterator[Any]:
        async for item_or_request in start:
            if not self._hold(item_or_request):
                yield item_or_request

    def process_spider_output(self, response: Response, result: Iterable[Any]) -> Iterator[Any]:
        for item_or_request in result:
            if not self._hold(item_or_request):
                yield item_or_request

    async def process_spider_output_async(
        self, response: Response, result: AsyncIterator[Any]
    ) -> AsyncIterator[Any]:
        async for item_or_request in result:
            if not self._hold(item_or_request):
                yield item_or_request

    def release(self) -> None:
        """Discovery is over: send what was held, once; from now on nothing is held."""
        if not self.holding:
            return
        self.holding = False
        held, self.held = self.held, []
        if self.crawler.stats is not None and held:
            self.crawler.stats.set_value("corpus/discovery/held_until_read", len(held))
        engine = self.crawler.engine
        if engine is None or not held:
            return
        for request in held:
            engine.crawl(request)
        raise DontCloseSpider
