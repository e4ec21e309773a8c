"""A pool of worker processes for the CPU-heavy stages, driven from the Twisted reactor.

Why: trafilatura costs tens of milliseconds of CPU per page; run in Scrapy's callbacks it caps a
crawl at one core and stalls downloading. Here each of ``size`` threads owns one
:class:`corpus.crawl.worker.TimedWorker` process; a call returns a Deferred, so the reactor keeps
downloading while pages are analysed on every core. A worker that dies or overruns its timeout
is killed and replaced on its next call; the page gets a recorded rejection, the crawl goes on.

Back-pressure comes from Scrapy itself: a pipeline coroutine awaiting its call holds its response
in the scraper, and the scraper stops taking responses past ``SCRAPER_SLOT_MAX_ACTIVE_SIZE``, so
at most a few megabytes of pages wait for a worker.
"""

from __future__ import annotations

import os
import queue
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from twisted.internet import defer, threads
from twisted.python.threadpool import ThreadPool

from corpus.crawl.worker import TimedWorker, WorkerInterrupted

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

_ATTR = "_corpus_pool"


def _noop() -> None:
    """Submitted once per worker at start, so each loads its models before the first page."""


def default_size() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))


class WorkerPool:
    """``size`` worker processes with a per-call timeout and memory limit."""

    def __init__(
        self,
        size: int,
        timeout: float = 30.0,
        memory_limit: int | None = None,
        rss_limit: int | None = None,
    ) -> None:
        self.size = max(1, size)
        self.workers = [TimedWorker(timeout, memory_limit, rss_limit) for _ in range(self.size)]
        self._idle: queue.SimpleQueue[TimedWorker] = queue.SimpleQueue()
        for worker in self.workers:
            self._idle.put(worker)
        self._threads = ThreadPool(self.size, self.size, name="corpus-pool")
        self._started = False
        self._warm_up: Callable[[], Any] | None = None
        self._warm: set[int] = set()  # id() of the workers whose current process is warmed up
        self.warm_up_timeout = max(timeout, 120.0)
        self.interrupted = False

    def start(self, warm_up: Callable[[], Any] | None = None) -> None:
        """Start the processes (and load their models) now, not on the first page."""
        if self._started:
            return
        self._warm_up = warm_up
        self._threads.start()
        self._started = True
        for worker in self.workers:
            worker.start()
        if warm_up is not None:
            for _ in self.workers:
                self.submit(_noop).addErrback(lambda _f: None)

    def _prepare(self, worker: TimedWorker) -> None:
        # A new or replaced worker loads its models before its first page, under a generous
        # time limit: a cold start must not count against the per-page timeout.
        if worker.alive and id(worker) in self._warm:
            return
        worker.start()
        if self._warm_up is not None:
            page_timeout, worker.timeout = worker.timeout, self.warm_up_timeout
            try:
                worker.call(self._warm_up)
            finally:
                worker.timeout = page_timeout
        self._warm.add(id(worker))

    def _call(self, fn: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        if self.interrupted:  # queued behind a stop: never start (or warm up) a worker for it
            raise WorkerInterrupted("the run is stopping")
        worker = self._idle.get()
        try:
            self._prepare(worker)  # a worker killed by its last call is not alive: re-warmed here
            return worker.call(fn, *args, **kwargs)
        finally:
            self._idle.put(worker)

    def submit(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> defer.Deferred:
        """``fn(*args, **kwargs)`` in a worker process; fires with the result or a WorkerError."""
        from twisted.internet import reactor

        if not self._started:
            self.start()
        return threads.deferToThreadPool(reactor, self._threads, self._call, fn, args, kwargs)

    def call(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Blocking variant for code outside the reactor (tools, tests)."""
        return self._call(fn, args, kwargs)

    @property
    def restarts(self) -> int:
        return sum(w.restarts for w in self.workers)

    def interrupt(self) -> None:
        """Stop now: kill every worker process; calls running or queued fail with WorkerInterrupted.

        Called from the reactor when the run stops (a signal, a failed store), so no stop waits
        for a page's timeout. Their pages are left undone, never recorded as rejected.
        """
        self.interrupted = True
        for worker in self.workers:
            worker.interrupt()

    def close(self) -> None:
        # Killing first: a thread waiting on a hung page would otherwise hold up the join below
        # for the page's whole timeout. At a normal close no call is running.
        self.interrupt()
        if self._started:
            self._threads.stop()
            self._started = False
        for worker in self.workers:
            worker.close()


def opened_pool(crawler: Crawler) -> WorkerPool | None:
    """The crawler's pool if it was ever created; None otherwise."""
    return getattr(crawler, _ATTR, None)


def crawler_pool(crawler: Crawler) -> WorkerPool:
    """The crawler's pool (``CORPUS_WORKERS`` processes, default one per core), created on first use."""
    pool = getattr(crawler, _ATTR, None)
    if pool is None:
        settings = crawler.settings
        size = settings.getint("CORPUS_WORKERS") or default_size()
        pool = WorkerPool(
            size,
            timeout=settings.getfloat("CORPUS_EXTRACT_TIMEOUT"),
            memory_limit=settings.getint("CORPUS_EXTRACT_MEMORY") or None,
            rss_limit=settings.getint("CORPUS_WORKER_MAX_RSS") or None,
        )
        setattr(crawler, _ATTR, pool)
    return pool
