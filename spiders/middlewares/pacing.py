"""Downloader middleware: per-site pacing from Retry-After and robots.txt Crawl-delay.

A site that answers 429 (Too Many Requests) or 503 (Service Unavailable) is given a rest: no
request to that site leaves before the time it asked for in ``Retry-After`` (seconds or an HTTP
date), capped by ``CORPUS_RETRY_AFTER_MAX`` so a hostile or mistaken header cannot park the crawl
for a day; without the header the rest doubles per attempt from ``CORPUS_BACKOFF_BASE``. The
request itself is retried by Scrapy's RetryMiddleware (``RETRY_TIMES``) and recorded as
``http_429`` / ``http_503`` when the retries run out. ``Crawl-delay`` from robots.txt
(:mod:`spiders.middlewares.robots`) spaces every request to that site at least that far apart.

Waiting happens in ``process_request``, before the download slot, like Scrapy's own delays it
holds one of the ``CONCURRENT_REQUESTS`` while it waits.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING

from scrapy import signals
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet import task

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler
    from scrapy.http import Request, Response

BACKOFF_STATUSES = (429, 503)
MIN_SLOT_DELAY = 0.001
"""The delay given to a download slot that had none while it rests (seconds; negligible after)."""


def parse_retry_after(value: str | None, now: dt.datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` value (delay-seconds or HTTP-date), None if unusable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - (now or dt.datetime.now(dt.UTC))).total_seconds())


def site_key(url: str) -> str:
    """Pacing is per origin host and port, like robots.txt."""
    from urllib.parse import urlsplit

    return urlsplit(url).netloc.lower()


class DomainPacer:
    """When the next request to each site may leave: back-offs and minimum intervals."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.not_before: dict[str, float] = {}
        self.interval: dict[str, float] = {}
        self._last_departure: dict[str, float] = {}

    def set_interval(self, site: str, seconds: float) -> None:
        """At least ``seconds`` between two requests to ``site`` (robots.txt Crawl-delay)."""
        self.interval[site] = seconds

    def back_off(self, site: str, seconds: float) -> None:
        """No request to ``site`` before ``seconds`` from now (a later rest already set stays)."""
        until = self.clock() + seconds
        self.not_before[site] = max(self.not_before.get(site, 0.0), until)

    def wait_time(self, site: str) -> float:
        """Seconds until a request to ``site`` may leave (0 when it may leave now)."""
        start = self.not_before.get(site, 0.0)
        interval = self.interval.get(site)
        if interval and site in self._last_departure:
            start = max(start, self._last_departure[site] + interval)
        return max(0.0, start - self.clock())

    def depart(self, site: str) -> None:
        """A request to ``site`` leaves now; the next one is measured from here."""
        self._last_departure[site] = self.clock()


_PACER_ATTR = "_corpus_pacer"


def crawler_pacer(crawler: Crawler) -> DomainPacer:
    """The one pacer of a crawler, shared by this middleware and the robots.txt middleware."""
    pacer = getattr(crawler, _PACER_ATTR, None)
    if pacer is None:
        pacer = DomainPacer()
        setattr(crawler, _PACER_ATTR, pacer)
    return pacer


class PacingMiddleware:
    """Honour Retry-After (capped) with a per-site back-off, and Crawl-delay (see module)."""

    def __init__(self, crawler: Crawler, max_wait: float, base: float) -> None:
        self.crawler = crawler
        self.pacer = crawler_pacer(crawler)
        self.max_wait = max_wait
        self.base = base

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        mw = cls(
            crawler,
            max_wait=settings.getfloat("CORPUS_RETRY_AFTER_MAX"),
            base=settings.getfloat("CORPUS_BACKOFF_BASE"),
        )
        crawler.signals.connect(mw.response_downloaded, signal=signals.response_downloaded)
        return mw

    async def process_request(self, request: Request) -> None:
        from twisted.internet import reactor

        site = site_key(request.url)
        # Waiters wake together after a pause; each checks again, so they leave one by one.
        while (wait := self.pacer.wait_time(site)) > 0:
            self.crawler.stats.inc_value("corpus/pacing/waits")
            await maybe_deferred_to_future(task.deferLater(reactor, wait, lambda: None))
        self.pacer.depart(site)

    def _rest(self, request: Request, response: Response) -> tuple[float, bool]:
        """How long the site asked to be left alone, and whether its Retry-After was capped."""
        header = response.headers.get(b"Retry-After")
        asked = parse_retry_after(header.decode("latin-1") if header else None)
        attempt = int(request.meta.get("retry_times", 0))
        wait = asked if asked is not None else self.base * 2**attempt
        return min(wait, self.max_wait), asked is not None and asked > self.max_wait

    def response_downloaded(self, response: Response, request: Request, spider: object = None) -> None:
        """Hold the request's download slot too, before it sends the next queued request.

        Requests pass ``process_request`` (and so the pacer) before they wait in their download
        slot; with several queued, the slot would send the next one the moment the 429/503
        arrived. Scrapy sends this signal before the slot looks at its queue (AutoThrottle
        adjusts delays here for the same reason), so the slot's clock is moved past the rest.
        """
        if response.status not in BACKOFF_STATUSES:
            return
        engine = self.crawler.engine
        if engine is None:
            return
        downloader = engine.downloader
        slot = downloader.slots.get(downloader.get_slot_key(request))
        if slot is None:
            return
        wait, _ = self._rest(request, response)
        slot.delay = max(slot.delay, MIN_SLOT_DELAY)  # a slot without a delay never checks its clock
        slot.lastseen = max(slot.lastseen, time.monotonic() + wait)

    def process_response(self, request: Request, response: Response) -> Response:
        if response.status in BACKOFF_STATUSES:
            wait, capped = self._rest(request, response)
            self.pacer.back_off(site_key(request.url), wait)
            stats = self.crawler.stats
            stats.inc_value("corpus/pacing/backoffs")
            stats.max_value("corpus/pacing/longest_backoff_s", round(wait, 1))
            if capped:
                stats.inc_value("corpus/pacing/retry_after_capped")
        return response
