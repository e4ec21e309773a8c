"""A worker of a distributed crawl: requests from the shared Redis queue, leases, reconciliation.

``crimecorpus crawl --distributed`` runs :class:`DistributedSpider` with :class:`RedisScheduler`
and :class:`RedisDupeFilter` (settings from :func:`corpus.crawl.distributed.distributed_settings`).

scrapy-redis 0.9.1 works with Scrapy 2.19, with two thin subclasses here: its duplicate filter
hashes the URL with ``w3lib.canonicalize_url`` and ignores ``REQUEST_FINGERPRINTER_CLASS`` (ours
drops tracking parameters, so the same article would be fetched twice under two URLs), and its
scheduler neither leases what it pops nor survives a queue entry it cannot decode or a lost Redis.

Every Redis call of a worker goes through one :class:`~corpus.crawl.distributed.RedisOutage`: while
Redis is away the scheduler hands out nothing and the clock probes Redis once per back-off step,
and past ``CORPUS_REDIS_LOST_SECONDS`` the worker closes with the reason ``redis_lost``. A request
that could not be queued meanwhile is not lost: its frontier row is pending, and the sweep of
:func:`~corpus.crawl.distributed.reconcile` queues it again.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import AsyncIterator, Iterator
from typing import TYPE_CHECKING, Any

from scrapy import signals
from scrapy.exceptions import DontCloseSpider
from scrapy.http import Response
from scrapy.utils.asyncio import AsyncioLoopingCall, create_looping_call
from scrapy.utils.defer import deferred_from_coro
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.scheduler import Scheduler
from twisted.internet.task import LoopingCall

from corpus.crawl import meta as M
from corpus.crawl.discoveries import request_checkpoint
from corpus.crawl.distributed import (
    Leases,
    RedisOutage,
    connect,
    pop_raw,
    reconcile,
    redis_errors,
    set_aside,
    worker_id,
)
from corpus.crawl.lifecycle import STORE_ERRORS, crawl_failure, fail_crawl
from corpus.store.storage import DatabaseError, crawler_engine
from spiders.news import NewsSpider

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

REDIS_LOST = "redis_lost"
"""The close reason of a worker that could not reach Redis for ``CORPUS_REDIS_LOST_SECONDS``."""
MAX_POPS = 100
"""Queue entries one ``next_request`` call may look at (skipped repeats, undecodable entries)
before it yields to the reactor; the engine asks again at once."""


class RedisDupeFilter(RFPDupeFilter):
    """scrapy-redis's shared seen-set, keyed by the crawler's own request fingerprints."""

    def __init__(self, server: Any, key: str, debug: bool = False, fingerprinter: Any = None) -> None:
        super().__init__(server, key, debug)
        self.fingerprinter = fingerprinter

    @classmethod
    def from_spider(cls, spider: Any) -> RedisDupeFilter:
        base = super().from_spider(spider)
        return cls(base.server, base.key, base.debug, spider.crawler.request_fingerprinter)

    def request_fingerprint(self, request: Any) -> str:
        if self.fingerprinter is None:
            return super().request_fingerprint(request)
        return self.fingerprinter.fingerprint(request).hex()


class RedisScheduler(Scheduler):
    """scrapy-redis's scheduler, leasing every frontier URL it pops (see corpus/crawl/distributed.py).

    An article request this worker took and has not settled yet, or an article it stored, is
    not fetched again when it comes back (a re-queue of a request that was only slow); a failed
    one may be.
    """

    crawler: Crawler  # set in from_crawler
    leases: Leases | None = None
    _taken: set[str]  # set in from_crawler
    _stored: set[str]  # set in from_crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RedisScheduler:
        instance = super().from_crawler(crawler)
        instance.crawler = crawler
        # Keys this worker took and has not settled, and articles it stored: fetched again, its
        # dedup stage would reject the URL as a duplicate and overwrite the stored outcome.
        instance._taken = set()
        instance._stored = set()
        crawler.signals.connect(instance._item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(instance._item_dropped, signal=signals.item_dropped)
        return instance

    def _item_scraped(self, item: Any, **kwargs: Any) -> None:
        key = _item_key(item)
        if key:
            self._taken.discard(key)
            if hasattr(item, "extra"):  # an article, not a rejection
                self._stored.add(key)

    def _item_dropped(self, item: Any, **kwargs: Any) -> None:
        key = _item_key(item)
        if key:
            self._taken.discard(key)

    def open(self, spider: Any) -> None:
        self.outage: RedisOutage = getattr(spider, "redis_outage", None) or RedisOutage(
            self.crawler.settings.getfloat("CORPUS_REDIS_LOST_SECONDS")
        )
        self.prefix = self.crawler.settings.get("CORPUS_REDIS_PREFIX")
        super().open(spider)
        self.leases = Leases(crawler_engine(self.crawler), worker_id())
        spider.leases = self.leases

    def close(self, reason: str) -> None:
        if self.leases is not None:
            self.leases.flush()
        super().close(reason)

    def has_pending_requests(self) -> bool:
        if not self.outage.ready():
            return False
        started = time.monotonic()
        try:
            return len(self.queue) > 0
        except redis_errors() as exc:
            self.outage.failed(exc, started)
            return False

    def next_request(self) -> Any:
        if not self.outage.ready():
            return None  # the spider's clock probes Redis and closes the worker if it stays away
        for _ in range(MAX_POPS):
            started = time.monotonic()
            try:
                raw = pop_raw(self.server, self.queue.key)
            except redis_errors() as exc:
                self.outage.failed(exc, started)
                return None
            if raw is None:
                if self.leases is not None:
                    self.leases.maybe_flush()
                return None
            try:
                request = self.queue._decode_request(raw)
            except Exception as exc:  # not a request this code can rebuild: set it aside
                self._set_aside(raw, exc)
                continue
            self.stats.inc_value("scheduler/dequeued/redis")
            key = request.meta.get(M.KEY)
            if key and self.leases is not None:
                if key in self._stored or key in self._taken:
                    self.stats.inc_value("corpus/distributed/repeat_skipped")
                    continue
                if request.meta.get(M.STAGE) == M.FETCH:
                    self._taken.add(key)
                self.leases.take(key)
                self.stats.inc_value("corpus/distributed/leased")
            return request
        return None

    def probe(self) -> None:
        """One PING while Redis is away (the clock calls it when the back-off step is over)."""
        started = time.monotonic()
        try:
            self.server.ping()
        except redis_errors() as exc:
            self.outage.failed(exc, started)
        else:
            self.outage.recovered()

    def _set_aside(self, raw: bytes, exc: Exception) -> None:
        """Count an undecodable entry and move it to the dead-letter list (logged once per kind)."""
        self.stats.inc_value("corpus/distributed/undecodable")
        why = f"{type(exc).__name__}: {exc}".splitlines()[0][:200]
        if self.stats.get_value("corpus/distributed/undecodable") in (1, 10, 100, 1000, 10000):
            logger.warning("set aside undecodable queue entry (%s) %r", why, raw[:120])
        started = time.monotonic()
        try:
            set_aside(self.server, self.prefix, raw)
        except redis_errors() as error:
            self.outage.failed(error, started)

    def enqueue_request(self, request: Any) -> bool:
        if not self.outage.ready():
            self.stats.inc_value("corpus/distributed/not_queued")
            return False
        started = time.monotonic()
        try:
            if not request.dont_filter and self.df.request_seen(request):
                self.df.log(request, self.spider)
                return False
            self.queue.push(request)
        except redis_errors() as exc:
            # The frontier row is pending: the next sweep queues it again.
            self.outage.failed(exc, started)
            self.stats.inc_value("corpus/distributed/not_queued")
            return False
        self.stats.inc_value("scheduler/enqueued/redis")
        return True


def _item_key(item: Any) -> str | None:
    extra = getattr(item, "extra", None)
    return extra.get("frontier_key") if extra is not None else getattr(item, "key", None)


class DistributedSpider(NewsSpider):
    """Every channel of every selected source, taking its requests from the shared queue only.

    ``crimecorpus seed`` puts the discovery documents on the queue; workers parse them and queue
    the articles they list. A worker reconciles every ``CORPUS_RECONCILE_SECONDS`` (expired
    leases back on the queue) and, when it runs dry, sweeps lost URLs up; it stops once the queue
    is empty, nothing is in flight and that stayed so for ``CORPUS_IDLE_GRACE`` seconds
    (``CORPUS_KEEP_RUNNING`` keeps it waiting for the next seed instead).
    """

    name = "distributed"
    discovery_first = False  # articles go to the shared queue at once; other workers take them
    leases: Leases | None = None
    # All set in from_crawler:
    lease_seconds: float
    reconcile_every: float
    idle_grace: float
    keep_running: bool
    redis: Any  # a redis.Redis client (corpus.crawl.distributed.connect)
    redis_outage: RedisOutage
    _last_reconcile: float
    _quiet_since: float | None
    _tick: AsyncioLoopingCall | LoopingCall | None
    _closing: bool

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> DistributedSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        spider.lease_seconds = settings.getfloat("CORPUS_LEASE_SECONDS")
        # Declared None: then half a lease, at most a minute (it follows CORPUS_LEASE_SECONDS).
        reconcile_seconds = settings.get("CORPUS_RECONCILE_SECONDS")
        spider.reconcile_every = (
            min(60.0, spider.lease_seconds / 2) if reconcile_seconds is None else float(reconcile_seconds)
        )
        spider.idle_grace = settings.getfloat("CORPUS_IDLE_GRACE")
        spider.keep_running = settings.getbool("CORPUS_KEEP_RUNNING")
        spider._last_reconcile = 0.0
        spider._quiet_since = None
        spider._tick = None
        spider.redis = connect(settings.get("REDIS_URL"))
        spider.redis_outage = RedisOutage(settings.getfloat("CORPUS_REDIS_LOST_SECONDS"))
        spider._closing = False
        crawler.signals.connect(spider._on_idle, signal=signals.spider_idle)
        crawler.signals.connect(spider._on_opened, signal=signals.spider_opened)
        crawler.signals.connect(spider._on_closed, signal=signals.spider_closed)
        return spider

    async def start(self) -> AsyncIterator[Any]:
        """Nothing of its own: every request comes from the shared queue."""
        return
        yield  # an async generator that yields nothing

    # -- discovery documents: done once their requests are on the queue -------------------------
    def parse_feed(self, response: Response, *args: Any, **kwargs: Any) -> Iterator[Any]:
        yield from super().parse_feed(response, *args, **kwargs)
        self._document_done(response)

    def parse_sitemap(self, response: Response, *args: Any, **kwargs: Any) -> Iterator[Any]:
        yield from super().parse_sitemap(response, *args, **kwargs)
        self._document_done(response)

    def parse_robots(self, response: Response, *args: Any, **kwargs: Any) -> Iterator[Any]:
        yield from super().parse_robots(response, *args, **kwargs)
        self._document_done(response)

    def parse_listing(self, response: Response, *args: Any, **kwargs: Any) -> Iterator[Any]:
        yield from super().parse_listing(response, *args, **kwargs)
        self._document_done(response)

    def _document_done(self, response: Response) -> None:
        key = response.meta.get(M.KEY)
        if key and self.leases is not None:
            self.leases.release(key)

    # -- the worker's clock ----------------------------------------------------------------------
    def _on_opened(self, spider: Any) -> None:
        # Created here, not in from_crawler: that runs before Scrapy installs its reactor.
        self._tick = create_looping_call(self._on_tick)
        self._tick.start(0.5, now=False)

    def _on_closed(self, spider: Any, reason: str) -> None:
        if self._tick is not None and self._tick.running:
            self._tick.stop()

    def _sources(self) -> list[str]:
        return [s.name for s in self.sources]

    def _reconcile(self, *, sweep: bool) -> Any:
        self._last_reconcile = time.monotonic()
        # Our own outcomes first, so they do not look lost: the storing stage writes them now.
        request_checkpoint(self.crawler)
        failed = crawl_failure(self.crawler)
        if failed is not None:
            raise failed
        if self.leases is not None:
            self.leases.flush()
        result = reconcile(
            crawler_engine(self.crawler),
            self.redis,
            self._sources(),
            prefix=self.settings.get("CORPUS_REDIS_PREFIX"),
            lease_seconds=self.lease_seconds,
            sweep=sweep,
            now=dt.datetime.now(dt.UTC),
        )
        stats = self.crawler.stats
        for name in ("requeued", "given_up", "swept"):
            if getattr(result, name):
                stats.inc_value(f"corpus/distributed/{name}", getattr(result, name))
        return result

    def _on_tick(self) -> None:
        """Twice a second: flush leases, reconcile when due, wake the engine if the queue filled.

        Without the wake-up an idle worker would look at the queue only every five seconds (the
        engine's heartbeat), and a worker started before the seed would sit out its start. A
        worker whose Redis stayed away past the limit is closed from here.
        """
        outage = self.redis_outage
        if outage.lost:
            self._give_up()
            return
        slot = getattr(self.crawler.engine, "_slot", None)
        if outage.down:
            if outage.probe_due() and slot is not None:
                slot.scheduler.probe()
            return
        started = time.monotonic()
        try:
            if self.leases is not None:
                self.leases.maybe_flush()
            if time.monotonic() - self._last_reconcile >= self.reconcile_every:
                started = time.monotonic()
                self._reconcile(sweep=False)
            if slot is not None and slot.scheduler.has_pending_requests():
                slot.nextcall.schedule()
        except redis_errors() as exc:
            outage.failed(exc, started)
        except DatabaseError as exc:  # the store failed for good (after its retries): stop
            fail_crawl(self.crawler, exc)
        except Exception:  # anything else (a reconcile query meeting a deadlock) must not stop the clock
            self._log_tick_failure()

    def _log_tick_failure(self) -> None:
        """At most one traceback every 30 s: a lasting fault must not fill the disk with logs."""
        now = time.monotonic()
        if now - getattr(self, "_tick_logged", -30.0) >= 30.0:
            self._tick_logged = now
            logger.exception("distributed worker tick failed")

    def _give_up(self) -> None:
        if self._closing:
            return
        self._closing = True
        outage = self.redis_outage
        message = f"lost Redis for {outage.limit:.0f} s ({outage.error}); this worker stopped"
        logger.error(message)
        self.crawler.stats.set_value("corpus/distributed/redis_lost", message)
        assert self.crawler.engine is not None
        deferred_from_coro(self.crawler.engine.close_spider_async(reason=REDIS_LOST))

    def _on_idle(self, spider: Any) -> None:
        now = time.monotonic()
        if self.redis_outage.down:
            raise DontCloseSpider  # the clock closes the worker once Redis is lost for good
        if now - self._last_reconcile < 1.0:
            raise DontCloseSpider
        started = time.monotonic()
        try:
            result = self._reconcile(sweep=True)
        except redis_errors() as exc:
            self.redis_outage.failed(exc, started)
            raise DontCloseSpider from None
        except STORE_ERRORS as exc:
            # Raised from here, Scrapy would only log it and close as "finished". A store that
            # failed for good stops the run; a reconcile query's hiccup is tried again.
            if isinstance(exc, DatabaseError) or crawl_failure(self.crawler) is not None:
                fail_crawl(self.crawler, exc)
            else:
                self._log_tick_failure()
            raise DontCloseSpider from None
        if result.busy or self.keep_running:
            self._quiet_since = None
            raise DontCloseSpider
        if self._quiet_since is None:
            self._quiet_since = now
        if now - self._quiet_since < self.idle_grace:
            raise DontCloseSpider
        logger.info("queue empty and nothing in flight: this worker is done")
