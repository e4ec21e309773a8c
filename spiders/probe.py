"""The ``probe`` spider: one source's discovery as a crawl does it, then only its newest items.

Run by ``crimecorpus sources probe`` and ``sources snapshot`` (``corpus.crawl.probe``). Discovery
(feeds, sitemaps, robots.txt sitemaps, listings) is the news spider's, request for request; the
article requests it makes are held instead of sent. When discovery is over (the spider is idle)
the newest ``n`` of them are released (``corpus.crawl.probe.newest_first``), fetched and analysed
by the analysis stage; what becomes of each goes into the run's ``ProbeReport``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from scrapy import Request, signals
from scrapy.exceptions import DontCloseSpider

from corpus.crawl import meta as M
from corpus.crawl.items import ArticleItem, RejectionItem
from corpus.crawl.probe import DEFAULT_N, Candidate, ProbeReport
from spiders.feeds import FeedsMixin
from spiders.listings import ListingsMixin
from spiders.sitemaps import SitemapsMixin

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler

    from corpus.crawl.items import Discovery
    from corpus.sources.registry import Source


class ProbeSpider(FeedsMixin, SitemapsMixin, ListingsMixin):
    """Arguments: ``source`` (one registry name), ``n`` (items to fetch), ``report`` (filled in)."""

    name = "probe"
    uses_frontier = False  # a probe reads no database: every discovered URL is a candidate
    discovery_first = False  # it holds its article requests itself, and sends only the newest

    def __init__(self, report: ProbeReport | None = None, n: int | str = DEFAULT_N, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.n = int(n)
        self.report = report if report is not None else ProbeReport(kwargs.get("source") or "?", self.n)
        self._held: dict[str, Request] = {}
        self._released = False

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.release, signal=signals.spider_idle)
        crawler.signals.connect(spider.scraped, signal=signals.item_scraped)
        crawler.signals.connect(spider.dropped, signal=signals.item_dropped)
        return spider

    def article_request(
        self, url: str, source: Source, discovery: Discovery, *, resumed: bool = False
    ) -> Any:
        """The crawl's request for a discovered article (scope, allow/deny, URL profile, dates),
        held back; whatever else the crawl makes of the URL (None, a recorded skip) passes on."""
        result = super().article_request(url, source, discovery, resumed=resumed)
        if isinstance(result, Request):
            if not self._released:
                self._held.setdefault(result.meta[M.KEY], result)
            return None
        return result

    def release(self) -> None:
        """Discovery is over: send the newest ``n`` held requests, once."""
        if self._released:
            return
        self._released = True
        held = list(self._held.values())
        by_key = {r.meta[M.KEY]: r for r in held}
        candidates = [Candidate(r.meta[M.KEY], r.url, r.meta[M.DATES], order) for order, r in enumerate(held)]
        tz = self.sources[0].timezone if self.sources else "Europe/Amsterdam"
        chosen = self.report.choose(candidates, tz)
        self._held.clear()
        for i, candidate in enumerate(chosen):
            request = by_key[candidate.key]
            # Newest first into the downloader too, so a probe stopped early has the newest pages.
            request.priority = len(chosen) - i
            self.crawler.engine.crawl(request)
        if chosen:
            raise DontCloseSpider

    def scraped(self, item: Any) -> None:
        if isinstance(item, ArticleItem):
            self.report.kept(item)
        elif isinstance(item, RejectionItem):
            self.report.refused(item)

    def dropped(self, item: Any, exception: BaseException) -> None:
        if isinstance(item, ArticleItem):
            stage = getattr(exception, "stage", "pipeline")
            reason = getattr(exception, "reason", type(exception).__name__)
            self.report.dropped(item, stage, reason, getattr(exception, "detail", str(exception)))
