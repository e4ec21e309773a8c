"""How a run stops: a failing store stops the crawl, a signal stops it within a bounded time.

Shared by the runner (:mod:`corpus.crawl.runner`) and by every component that may see the store
fail (pipelines, the spider middleware, the distributed scheduler): :func:`fail_crawl` records the
first cause and closes the spider; :class:`StopGuard` turns SIGTERM and SIGINT into a graceful
stop, then a forced one.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sqlalchemy.exc import SQLAlchemyError

from corpus.crawl.pool import opened_pool
from corpus.store.storage import DatabaseError, short_error

if TYPE_CHECKING:
    from scrapy.core.engine import ExecutionEngine
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

EXIT_INTERRUPTED = 130
"""Exit status of a run stopped by SIGINT or SIGTERM (128 + 2, what a shell reports for Ctrl-C)."""

# What a run notes on its crawler. The pool and the store are set by corpus.crawl.pool and
# corpus.store.storage under these names; read here without creating them.
_FAILURE_ATTR = "_corpus_failure"
_STOPPING_ATTR = "_corpus_stopping"
_POKING_ATTR = "_corpus_poking"
_STOP_SIGNALS = {int(signal.SIGINT): "SIGINT", int(signal.SIGTERM): "SIGTERM"}
STORE_ERRORS: tuple[type[BaseException], ...] = (DatabaseError, SQLAlchemyError)
"""What a failing store raises: our one-line DatabaseError, or SQLAlchemy's own from a direct query."""


class CrawlFailed(RuntimeError):
    """The run could not start or crashed; the message is one line naming the cause."""


def one_line(exc: BaseException) -> str:
    """An exception as one line: our DatabaseError as written, others by type and first line."""
    if isinstance(exc, DatabaseError):
        text = str(exc).strip().splitlines()
        return text[0] if text else "database error"
    if isinstance(exc, SQLAlchemyError):
        return f"database error: {short_error(exc)}"
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__


def _engine_of(crawler: Crawler) -> ExecutionEngine | None:
    """The crawler's execution engine, or None: the public ``engine`` (all supported Scrapy
    versions have it; 2.14 has no ``_engine``), the private ``_engine`` only as a fallback."""
    try:
        engine = crawler.engine
    except (AttributeError, RuntimeError):
        engine = None
    return engine if engine is not None else getattr(crawler, "_engine", None)


_warned: set[str] = set()


def _warn_once(message: str) -> None:
    """Say once per process that a private Scrapy hook is missing, instead of failing silently."""
    if message not in _warned:
        _warned.add(message)
        logger.warning(message)


def crawl_failure(crawler: Crawler) -> BaseException | None:
    """The error that stopped this crawl (see :func:`fail_crawl`), or None."""
    return getattr(crawler, _FAILURE_ATTR, None)


def fail_crawl(crawler: Crawler, exc: BaseException, reason: str = "store_failed") -> None:
    """Stop the crawl because of ``exc``: no new downloads, workers stopped, the spider closed.

    Called by whatever first sees the store fail (a pipeline, a spider callback through
    ``StoreFailureMiddleware``, a close step); later calls only keep the first cause. Nothing is
    logged here: the command prints the cause as its one error line.
    """
    if crawl_failure(crawler) is not None:
        return
    setattr(crawler, _FAILURE_ATTR, exc)
    crawler.stats.set_value("corpus/failure", one_line(exc))
    interrupt_pool(crawler)
    engine = _engine_of(crawler)
    if engine is None or getattr(engine, "spider", None) is None:
        return  # not open yet, or closing already: the failure is reported all the same
    from scrapy.utils.defer import deferred_from_coro
    from twisted.internet import reactor

    d = deferred_from_coro(engine.close_spider_async(reason=reason))
    d.addErrback(lambda f: logger.debug("closing after a store failure: %s", f.value))
    poke_close(crawler)
    # Should the close still not end, stop the reactor outright: the failure is reported anyway.
    # The ignores here and below: the reactor is typed through zope interfaces, whose methods
    # mypy reads as unbound without the mypy-zope plugin.
    reactor.callLater(2 * crawler.settings.getfloat("CORPUS_STOP_GRACE"), _force_stop)  # type: ignore[arg-type]


def poke_close(crawler: Crawler) -> None:
    """Re-check every 0.2 s whether Scrapy's scraper may finish closing.

    Scrapy re-checks that only when a response finishes; items from ``start()`` (the WARC
    reader) that settle after the close began never trigger it, and the close would wait forever.
    """
    from twisted.internet import task

    engine = _engine_of(crawler)
    scraper = getattr(engine, "scraper", None)
    if scraper is None or getattr(crawler, _POKING_ATTR, False):
        return
    if not callable(getattr(scraper, "_check_if_closing", None)):
        # Private Scrapy API: a version without it closes only as Scrapy itself decides.
        _warn_once("this Scrapy has no Scraper._check_if_closing; a stop may wait for Scrapy's own close")
        return
    setattr(crawler, _POKING_ATTR, True)

    def poke() -> None:
        slot = getattr(scraper, "slot", None)
        if slot is None:
            loop.stop()
            return
        closing = getattr(slot, "closing", None)
        if closing is None and not hasattr(slot, "closing"):
            _warn_once("this Scrapy's scraper slot has no 'closing'; a stop may wait for Scrapy's own close")
            loop.stop()
        elif closing is not None and not closing.called:
            scraper._check_if_closing()

    loop = task.LoopingCall(poke)
    loop.start(0.2, now=False).addErrback(lambda _f: None)


def _force_stop() -> None:
    from twisted.internet import reactor

    if reactor.running:
        logger.info("the close after a store failure did not end; stopping the reactor")
        reactor.stop()  # type: ignore[misc]


def stopping(crawler: Crawler) -> bool:
    """True once the run is stopping (a signal, a failed store): readers stop reading."""
    return bool(getattr(crawler, _STOPPING_ATTR, False))


def interrupt_pool(crawler: Crawler) -> None:
    """Mark the run as stopping and kill its extraction workers now (their pages are left
    undone, not rejected)."""
    setattr(crawler, _STOPPING_ATTR, True)
    pool = opened_pool(crawler)
    if pool is not None:
        pool.interrupt()


# -- stopping ----------------------------------------------------------------------------------
class StopGuard:
    """Bounds the time from SIGTERM/SIGINT to exit, whatever the main thread is stuck in.

    Python runs signal handlers in the main thread between bytecodes, so a main thread blocked
    in C (SQLite's busy wait, a connect to a dead server) would not see a signal for as long as
    it is blocked. The C-level handler still writes the signal number to the wakeup fd; a daemon
    thread reads it there (and passes the bytes on to the fd the reactor had set). First signal:
    the pool is stopped and Scrapy's graceful stop runs; ``grace`` seconds later what is
    complete is committed from the reactor thread and the process exits; 2 s after that it
    exits regardless. Second signal: exit at once. Exit status 130 either way.
    """

    def __init__(
        self,
        grace: float,
        on_signal: Callable[[], None],
        commit: Callable[[], None],
    ) -> None:
        self.grace = grace
        self.on_signal = on_signal
        self.commit = commit
        self.received: list[str] = []
        self._previous_fd = -1
        self._outer_fd = -1
        self._outer_handlers: dict[int, Any] = {}
        self._write_fd = -1
        self._thread: threading.Thread | None = None
        self._timers: list[threading.Timer] = []
        self._lock = threading.Lock()
        self._done = False

    def __enter__(self) -> StopGuard:
        """Note what the host had (handlers, wakeup fd) before Scrapy and the reactor change them."""
        if threading.current_thread() is threading.main_thread():
            self._outer_handlers = {signum: signal.getsignal(signum) for signum in _STOP_SIGNALS}
            self._outer_fd = signal.set_wakeup_fd(-1)
            signal.set_wakeup_fd(self._outer_fd)
        return self

    def __exit__(self, *_exc: object) -> None:
        """Give the host its signals back: the crawl is over, so a signal is no longer ours.

        Pending timers are cancelled (and made no-ops should one be firing right now), the
        host's handlers and wakeup fd are restored, and closing the pipe's write end ends the
        watcher thread, which closes the read end.
        """
        with self._lock:
            self._done = True
            timers, self._timers = self._timers, []
        for timer in timers:
            timer.cancel()
        if threading.current_thread() is threading.main_thread() and self._outer_handlers:
            with contextlib.suppress(ValueError, OSError):
                signal.set_wakeup_fd(self._outer_fd)
            for signum, handler in self._outer_handlers.items():
                if handler is not None:  # None: set outside Python, cannot be put back
                    signal.signal(signum, handler)
        if self._write_fd >= 0:
            with contextlib.suppress(OSError):
                os.close(self._write_fd)
            self._write_fd = -1
        if self._thread is not None:
            self._thread.join(timeout=2.0)
            self._thread = None

    def install(self) -> None:
        """Take over the wakeup fd (main thread, once the reactor has set its own)."""
        if self._done:
            return
        read_fd, write_fd = os.pipe()
        os.set_blocking(write_fd, False)
        try:
            self._previous_fd = signal.set_wakeup_fd(write_fd, warn_on_full_buffer=False)
        except ValueError:  # not the main thread: nothing to guard here
            os.close(read_fd)
            os.close(write_fd)
            return
        self._write_fd = write_fd
        self._thread = threading.Thread(target=self._watch, args=(read_fd,), name="corpus-stop", daemon=True)
        self._thread.start()

    def _watch(self, read_fd: int) -> None:
        try:
            while True:
                try:
                    data = os.read(read_fd, 512)
                except OSError:
                    return
                if not data:
                    return  # the write end is closed: the guard is done
                if self._previous_fd >= 0 and not self._done:
                    with contextlib.suppress(OSError):
                        os.write(self._previous_fd, data)
                for signum in data:
                    if signum in _STOP_SIGNALS and not self._done:
                        self._signalled(_STOP_SIGNALS[signum])
        finally:
            with contextlib.suppress(OSError):
                os.close(read_fd)

    def _signalled(self, name: str) -> None:
        self.received.append(name)
        if len(self.received) > 1:
            self.exit_now(f"second {name}: stopped at once")
            return
        from twisted.internet import reactor

        reactor.callFromThread(self._in_reactor, self.on_signal)
        with self._lock:
            if self._done:
                return
            for delay, action in ((self.grace, self._commit_then_exit), (self.grace + 2.0, self._give_up)):
                timer = threading.Timer(delay, action)
                timer.daemon = True
                timer.start()
                self._timers.append(timer)

    @staticmethod
    def _in_reactor(action: Callable[[], None]) -> None:
        try:
            action()
        except Exception:  # a stop must not fail on a side task
            logger.debug("stop action failed", exc_info=True)

    def _commit_then_exit(self) -> None:
        from twisted.internet import reactor

        def commit_and_exit() -> None:
            if self._done:
                return
            self._in_reactor(self.commit)
            self.exit_now("stopped before the graceful close ended; what was complete is committed")

        if not self._done:
            reactor.callFromThread(commit_and_exit)

    def _give_up(self) -> None:
        self.exit_now("stopped; the last batch could not be committed in time")

    def exit_now(self, why: str) -> None:
        """Exit with 130 now, unless the crawl has ended meanwhile (the host goes on then)."""
        if self._done:
            return
        from corpus.crawl.worker import kill_all

        kill_all()
        name = self.received[0] if self.received else "a signal"
        with contextlib.suppress(OSError):
            os.write(2, f"\ncrimecorpus: interrupted by {name}: {why}\n".encode())
        os._exit(EXIT_INTERRUPTED)
