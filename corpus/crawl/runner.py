"""Run a crawl in this process: settings layered as Scrapy does, an honest outcome, a bounded stop.

Three promises every command that runs a crawler (crawl, demo, ingest-warc, reextract, a
distributed worker) gets from :func:`run_spider`:

- **An honest outcome.** A crawl that could not start or crashed raises :class:`CrawlFailed`
  with one line naming the cause (the failure of the Deferred ``CrawlerProcess.crawl`` returns,
  captured instead of being logged as an unhandled error). A crawl stopped by a failing store
  ends with ``finish_reason = "store_failed"`` and the error in :attr:`RunOutcome.failure`.
- **Counts the database holds.** The summary's articles and rejections are counted in the
  database at the end, by crawl run, not taken from the stats: after a failed batch the stats
  count items the database never received.
- **Always stoppable.** SIGTERM and SIGINT reach a watcher thread through ``signal.set_wakeup_fd``
  even while the main thread is blocked in C (a SQLite busy wait, a hung connection). The first
  signal starts Scrapy's graceful stop and stops the worker pool; after ``CORPUS_STOP_GRACE``
  seconds what is complete is committed and the process exits; a second signal exits at once.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from scrapy.crawler import Crawler, CrawlerProcess
from scrapy.settings import Settings
from sqlalchemy.exc import SQLAlchemyError

from corpus.sources.registry import load_sources
from corpus.store.storage import DatabaseError, _short, open_database

logger = logging.getLogger(__name__)

EXIT_INTERRUPTED = 130
_FAILURE_ATTR = "_corpus_failure"
_STOP_SIGNALS = {int(signal.SIGINT): "SIGINT", int(signal.SIGTERM): "SIGTERM"}
STORE_ERRORS: tuple[type[BaseException], ...] = (DatabaseError, SQLAlchemyError)
"""What a failing store raises: our one-line DatabaseError, or SQLAlchemy's own from a direct query."""


class SettingError(ValueError):
    """A ``-s NAME=VALUE`` that cannot be applied."""


class CrawlFailed(RuntimeError):
    """The run could not start or crashed; the message is one line naming the cause."""


def build_settings(
    *,
    db_url: str | None = None,
    sources_file: str | None = None,
    source_names: Iterable[str] = (),
    overrides: Iterable[str] = (),
    extra: dict[str, Any] | None = None,
) -> Settings:
    """Project defaults, then our options, then ``-s`` overrides: the same order as ``scrapy crawl``."""
    settings = Settings()
    settings.setmodule("corpus.crawl.settings", priority="project")
    if db_url:
        settings.set("CORPUS_DB_URL", db_url, priority="cmdline")
    if sources_file:
        settings.set("CORPUS_SOURCES_FILE", sources_file, priority="cmdline")
    names = list(source_names)
    if names:
        settings.set("CORPUS_SOURCE_NAMES", names, priority="cmdline")
    for key, value in (extra or {}).items():
        settings.set(key, value, priority="cmdline")
    for item in overrides:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise SettingError(f"-s expects NAME=VALUE, got {item!r}")
        settings.set(name.strip(), value, priority="cmdline")
    return settings


# -- a failing store stops the crawl ------------------------------------------------------------
def one_line(exc: BaseException) -> str:
    """An exception as one line: our DatabaseError as written, others by type and first line."""
    if isinstance(exc, DatabaseError):
        text = str(exc).strip().splitlines()
        return text[0] if text else "database error"
    if isinstance(exc, SQLAlchemyError):
        return f"database error: {_short(exc)}"
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__


def _engine_of(crawler: Any) -> Any:
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


def crawl_failure(crawler: Any) -> BaseException | None:
    """The error that stopped this crawl (see :func:`fail_crawl`), or None."""
    return getattr(crawler, _FAILURE_ATTR, None)


def fail_crawl(crawler: Any, exc: BaseException, reason: str = "store_failed") -> None:
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
    reactor.callLater(2 * crawler.settings.getfloat("CORPUS_STOP_GRACE"), _force_stop)


def poke_close(crawler: Any) -> None:
    """Re-check every 0.2 s whether Scrapy's scraper may finish closing.

    Scrapy re-checks that only when a response finishes; items from ``start()`` (the WARC
    reader) that settle after the close began never trigger it, and the close would wait forever.
    """
    from twisted.internet import task

    engine = _engine_of(crawler)
    scraper = getattr(engine, "scraper", None)
    if scraper is None or getattr(crawler, "_corpus_poking", False):
        return
    if not callable(getattr(scraper, "_check_if_closing", None)):
        # Private Scrapy API: a version without it closes only as Scrapy itself decides.
        _warn_once("this Scrapy has no Scraper._check_if_closing; a stop may wait for Scrapy's own close")
        return
    crawler._corpus_poking = True

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
        reactor.stop()


def stopping(crawler: Any) -> bool:
    """True once the run is stopping (a signal, a failed store): readers stop reading."""
    return bool(getattr(crawler, "_corpus_stopping", False))


def interrupt_pool(crawler: Any) -> None:
    """Mark the run as stopping and kill its extraction workers now (their pages are left
    undone, not rejected)."""
    crawler._corpus_stopping = True
    pool = getattr(crawler, "_corpus_pool", None)
    if pool is not None:
        pool.interrupt()


# -- the summary -------------------------------------------------------------------------------
@dataclass
class DbCounts:
    """What the database holds for one crawl run, or why it could not be read."""

    stored: int | None = None
    rejected: dict[str, int] = field(default_factory=dict)
    error: str | None = None


def _count_run(engine: Any, run_id: int) -> DbCounts:
    from sqlalchemy import func, select

    from corpus.store.models import Article, Rejection

    with engine.connect() as conn:
        stored = conn.scalar(select(func.count()).select_from(Article).where(Article.crawl_run_id == run_id))
        rows = conn.execute(
            select(Rejection.stage, Rejection.reason, func.count())
            .where(Rejection.crawl_run_id == run_id)
            .group_by(Rejection.stage, Rejection.reason)
        )
        rejected = {f"{stage}/{reason}": int(n) for stage, reason, n in rows}
    return DbCounts(int(stored or 0), rejected)


def db_counts(db_url: str | None, run_id: int | None, engine: Any = None) -> DbCounts:
    """Articles and rejections (by ``stage/reason``) written by crawl run ``run_id``.

    Read through the crawl's own engine when there is one (its pooled SQLite connection still
    reads a database whose disk went read-only), else a fresh, short-lived engine without
    migrations: this runs after a store failure too, where the one thing wanted is the truth
    about what was committed. A database that cannot be read is said so, never guessed.
    """
    if run_id is None:
        return DbCounts(error="the run was never recorded")
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    from corpus.store.storage import resolve_db_url

    error = "no engine"
    if engine is not None:
        try:
            return _count_run(engine, run_id)
        except Exception as exc:  # any driver or database error: try a fresh connection
            error = one_line(exc)
    try:
        url = make_url(resolve_db_url(db_url))
        args = {"connect_timeout": 5} if url.get_backend_name() == "postgresql" else {"timeout": 5}
        fresh = create_engine(url, connect_args=args)
        try:
            return _count_run(fresh, run_id)
        finally:
            fresh.dispose()
    except Exception as exc:  # any driver or database error: say so rather than guess
        error = one_line(exc)
    return DbCounts(error=f"the database could not be read: {error}")


@dataclass
class CrawlSummary:
    run_id: int | None
    pages_fetched: int
    stored: int | None
    rejected: dict[str, int] = field(default_factory=dict)
    finish_reason: str = "finished"
    counts_error: str | None = None

    def format(self) -> str:
        head = f"crawl run {self.run_id}" if self.run_id is not None else "crawl"
        stored = str(self.stored) if self.stored is not None else f"unknown ({self.counts_error})"
        lines = [
            f"{head}: {self.finish_reason}",
            f"  pages fetched   {self.pages_fetched}",
            f"  articles stored {stored}",
            f"  rejected        {sum(self.rejected.values())}",
        ]
        lines += [
            f"    {reason:<36} {n}"
            for reason, n in sorted(self.rejected.items(), key=lambda kv: (-kv[1], kv[0]))
        ]
        return "\n".join(lines)


def summary_from_stats(stats: dict[str, Any], counts: DbCounts | None = None) -> CrawlSummary:
    """The summary of a run: pages from the stats; articles and rejections from ``counts``."""
    prefix = "corpus/rejected/"
    rejected = {k[len(prefix) :]: int(v) for k, v in stats.items() if k.startswith(prefix)}
    rejected.pop("unexpected", None)
    stored: int | None = int(stats.get("corpus/stored", 0))
    error = None
    if counts is not None:
        stored, error = counts.stored, counts.error
        rejected = counts.rejected if counts.error is None else {}
    return CrawlSummary(
        run_id=stats.get("corpus/run_id"),
        pages_fetched=int(stats.get("downloader/response_count", 0)),
        stored=stored,
        rejected=rejected,
        finish_reason=str(stats.get("finish_reason", "unknown")),
        counts_error=error,
    )


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


# -- running -----------------------------------------------------------------------------------
@dataclass
class RunOutcome:
    """What a finished reactor leaves: the stats, the first store failure, the signals received."""

    stats: dict[str, Any]
    failure: BaseException | None
    signals: list[str]
    counts: DbCounts


def _describe(failure: Any) -> str:
    """One line for a failed crawl Deferred: the exception and where it was raised."""
    line = one_line(failure.value)
    frames = getattr(failure, "frames", None) or []
    if frames:
        _func, filename, lineno = frames[-1][:3]
        with contextlib.suppress(ValueError):
            relative = os.path.relpath(filename)
            filename = filename if relative.startswith("..") else relative
        line += f" ({filename}:{lineno})"
    return line


def _commit(crawler: Crawler) -> None:
    """Flush what is complete and mark the run ``interrupted`` (a forced stop's last act)."""
    store = getattr(crawler, "_corpus_store", None)
    if store is None or getattr(store, "failed", None) is not None or crawl_failure(crawler):
        return
    run_id = crawler.stats.get_value("corpus/run_id")
    store.flush()
    if run_id is not None:
        store.finish_run(
            run_id,
            status="interrupted",
            pages_fetched=int(crawler.stats.get_value("downloader/response_count", 0)),
            outcomes={},
        )


def run_spider(settings: Settings, spider: str, **spider_kwargs: Any) -> RunOutcome:
    """Run one spider to its end in this process (see the module docstring for the promises).

    The stop guard holds only while this call runs: on return the caller's signal handlers and
    wakeup fd are back, so a Ctrl-C in a notebook after a crawl is the notebook's again.
    """
    if logging.getLevelName(str(settings.get("LOG_LEVEL")).upper()) in (logging.WARNING, logging.ERROR):
        # psycopg warns while it discards a connection a failed statement left behind; the
        # failure itself is the command's one error line, so the quiet mode stays quiet.
        logging.getLogger("psycopg").setLevel(logging.ERROR)
    crawler: Crawler | None = None
    failures: list[Any] = []
    guard = StopGuard(
        settings.getfloat("CORPUS_STOP_GRACE"),
        on_signal=lambda: (interrupt_pool(crawler), poke_close(crawler)),
        commit=lambda: _commit(crawler) if crawler is not None else None,
    )
    with guard:
        process = CrawlerProcess(settings)
        crawler = process.create_crawler(spider)
        d = process.crawl(crawler, **spider_kwargs)
        d.addErrback(failures.append)  # consumed: reported as one line below, not as a traceback
        if not d.called:
            # Imported only now: crawl() has installed the reactor the settings ask for.
            from twisted.internet import reactor

            reactor.addSystemEventTrigger("after", "startup", guard.install)
        process.start()
        pool = getattr(crawler, "_corpus_pool", None)
        if pool is not None:  # closed already, unless the reactor had to be stopped (_force_stop)
            pool.close()
        try:
            stats = dict(crawler.stats.get_stats())
        except (AttributeError, RuntimeError):
            stats = {}
        store = getattr(crawler, "_corpus_store", None)
        # The store may have failed where nobody called fail_crawl (a flush in a signal handler
        # whose error Scrapy only logged): that run did not finish all the same.
        failure = crawl_failure(crawler) or getattr(store, "failed", None)
        if failure is not None:
            # Also over "finished": a close step (near-duplicate, exact-duplicate) that fails runs
            # after Scrapy has already recorded why the spider closed.
            stats["finish_reason"] = "store_failed"
        if failures and not guard.received:
            raise CrawlFailed(_describe(failures[0]))
        counts = db_counts(
            settings.get("CORPUS_DB_URL"), stats.get("corpus/run_id"), store.engine if store else None
        )
        if store is not None:
            # Closing the pooled connections lets the last one checkpoint SQLite's WAL into the
            # database file, so a copy of the file alone is complete.
            with contextlib.suppress(Exception):
                store.engine.dispose()
    return RunOutcome(stats, failure, guard.received, counts)


def run_crawl(settings: Settings, spider: str = "news") -> tuple[CrawlSummary, RunOutcome]:
    """Check the sources and the database first (clear errors before any network), then crawl."""
    load_sources(settings.get("CORPUS_SOURCES_FILE"), settings.getlist("CORPUS_SOURCE_NAMES"))
    open_database(settings.get("CORPUS_DB_URL")).dispose()
    outcome = run_spider(settings, spider)
    return summary_from_stats(outcome.stats, outcome.counts), outcome


def outcome_error(summary_reason: str, outcome: RunOutcome) -> tuple[int, str | None]:
    """Exit status and error line of a run: 0 finished, 130 interrupted, 1 anything else."""
    if outcome.failure is not None:
        return 1, f"the database failed, the run stopped: {one_line(outcome.failure)}"
    if outcome.signals or summary_reason == "shutdown":
        name = outcome.signals[0] if outcome.signals else "a signal"
        return EXIT_INTERRUPTED, f"interrupted by {name}; what was complete is committed"
    if summary_reason != "finished":
        return 1, f"the run did not finish: {summary_reason}"
    return 0, None
