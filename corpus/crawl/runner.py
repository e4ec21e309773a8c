"""Run a spider in this process: settings layered as Scrapy does, one runner, one summary.

Every command that runs a spider (crawl, demo, ingest-warc, reextract, a distributed worker,
each run of ``schedule``, :func:`crimecorpus.crawl`) goes through :func:`run`: the run lock,
the checks before any network, :func:`run_spider`, the summary counted in the database and the
exit status (:func:`outcome_error`). Three promises :func:`run_spider` keeps:

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
  seconds what is complete is committed and the process exits; a second signal exits at once
  (:class:`corpus.crawl.lifecycle.StopGuard`).
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from corpus.crawl.discoveries import commit_interrupted
from corpus.crawl.lifecycle import (
    EXIT_INTERRUPTED,
    CrawlFailed,
    StopGuard,
    crawl_failure,
    interrupt_pool,
    one_line,
    poke_close,
)
from corpus.crawl.pool import opened_pool
from corpus.sources.registry import load_sources
from corpus.store.storage import open_database, opened_store, resolve_db_url

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from sqlalchemy import Engine
    from twisted.python.failure import Failure


__all__ = [
    "CrawlSummary",
    "DbCounts",
    "RunOutcome",
    "RunResult",
    "SettingError",
    "WarcCounts",
    "build_settings",
    "db_counts",
    "outcome_error",
    "run",
    "run_spider",
    "summary_from_stats",
]

logger = logging.getLogger(__name__)


class SettingError(ValueError):
    """A ``-s NAME=VALUE`` that cannot be applied."""


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


# -- the summary -------------------------------------------------------------------------------
@dataclass
class DbCounts:
    """What the database holds for one crawl run, or why it could not be read."""

    stored: int | None = None
    rejected: dict[str, int] = field(default_factory=dict)
    error: str | None = None


def _count_run(engine: Engine, run_id: int) -> DbCounts:
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


def db_counts(db_url: str | None, run_id: int | None, engine: Engine | None = None) -> DbCounts:
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
class WarcCounts:
    """What the ``warc`` spider read (ingest-warc, reextract), from the crawler stats."""

    files_read: int = 0
    files_skipped: int = 0
    records: int = 0
    wanted: int = 0
    broken: dict[str, int] = field(default_factory=dict)


@dataclass
class BackfillCounts:
    """What a ``backfill`` run asked the archives and fetched, from the crawler stats."""

    index_requests: int = 0
    planned: int = 0
    captures: int = 0
    failed: int = 0
    bytes: int = 0
    not_planned: dict[str, int] = field(default_factory=dict)

    @classmethod
    def from_stats(cls, stats: dict[str, Any]) -> BackfillCounts:
        done = _counters(stats, "corpus/backfill/done/")
        return cls(
            index_requests=sum(n for kind, n in done.items() if kind != "capture"),
            planned=int(stats.get("corpus/backfill/planned", 0)),
            captures=done.get("capture", 0),
            failed=sum(_counters(stats, "corpus/backfill/failed/").values()),
            bytes=int(stats.get("corpus/backfill/bytes", 0)),
            not_planned=_counters(stats, "corpus/backfill/not_planned/"),
        )


@dataclass
class CrawlSummary:
    """The summary of any run: its finish reason, pages or WARC records read, what was stored.

    ``verb`` names the run in the first line (crawl, ingest, reextract); ``warc`` is set for a
    run of the ``warc`` spider, whose summary lists files and records instead of pages fetched.
    """

    run_id: int | None
    pages_fetched: int
    stored: int | None
    rejected: dict[str, int] = field(default_factory=dict)
    finish_reason: str = "finished"
    counts_error: str | None = None
    verb: str = "crawl"
    warc: WarcCounts | None = None
    backfill: BackfillCounts | None = None

    def format(self) -> str:
        # The WARC summary's labels are one column wider ("registry pages", "broken records").
        label, sub = (15, 36) if self.warc is None else (16, 35)

        def row(name: str, value: object) -> str:
            return f"  {name:<{label}} {value}"

        head = f"{self.verb} run {self.run_id}" if self.run_id is not None else self.verb
        stored = str(self.stored) if self.stored is not None else f"unknown ({self.counts_error})"
        lines = [f"{head}: {self.finish_reason}"]
        if self.backfill is not None:
            b = self.backfill
            lines += [
                row("index requests", b.index_requests),
                row("captures planned", f"{b.planned} (not planned: {sum(b.not_planned.values())})"),
                row("captures done", f"{b.captures} ({b.failed} items failed, {b.bytes:,} bytes fetched)"),
            ]
            lines += [f"    {reason:<{sub}} {n}" for reason, n in sorted(b.not_planned.items())]
        elif self.warc is None:
            lines.append(row("pages fetched", self.pages_fetched))
        else:
            w = self.warc
            lines += [
                row("files read", f"{w.files_read} ({w.files_skipped} already done, skipped)"),
                row("records read", w.records),
                row("registry pages", w.wanted),
                row("broken records", sum(w.broken.values())),
            ]
            lines += [f"    {kind:<{sub}} {n}" for kind, n in sorted(w.broken.items())]
        lines += [row("articles stored", stored), row("rejected", sum(self.rejected.values()))]
        lines += [
            f"    {reason:<{sub}} {n}"
            for reason, n in sorted(self.rejected.items(), key=lambda kv: (-kv[1], kv[0]))
        ]
        return "\n".join(lines)


def _counters(stats: dict[str, Any], prefix: str) -> dict[str, int]:
    return {k[len(prefix) :]: int(v) for k, v in stats.items() if k.startswith(prefix)}


def summary_from_stats(
    stats: dict[str, Any],
    counts: DbCounts | None = None,
    *,
    verb: str = "crawl",
    warc: bool = False,
    backfill: bool = False,
) -> CrawlSummary:
    """The summary of a run: pages (or WARC files and records) from the stats; articles and
    rejections from ``counts`` (the database), from the stats only when there are no counts."""
    rejected = _counters(stats, "corpus/rejected/")
    rejected.pop("unexpected", None)
    stored: int | None = int(stats.get("corpus/stored", 0))
    error = None
    if counts is not None:
        stored, error = counts.stored, counts.error
        rejected = counts.rejected if counts.error is None else {}
    read = None
    if warc:
        read = WarcCounts(
            files_read=int(stats.get("corpus/warc/files_read", 0)),
            files_skipped=int(stats.get("corpus/warc/files_skipped", 0)),
            records=int(stats.get("corpus/warc/records", 0)),
            wanted=int(stats.get("corpus/warc/wanted", 0)),
            broken=_counters(stats, "corpus/warc/broken/"),
        )
    return CrawlSummary(
        run_id=stats.get("corpus/run_id"),
        pages_fetched=int(stats.get("downloader/response_count", 0)),
        stored=stored,
        rejected=rejected,
        finish_reason=str(stats.get("finish_reason", "unknown")),
        counts_error=error,
        verb=verb,
        warc=read,
        backfill=BackfillCounts.from_stats(stats) if backfill else None,
    )


# -- running -----------------------------------------------------------------------------------
@dataclass
class RunOutcome:
    """What a finished reactor leaves: the stats, the first store failure, the signals received."""

    stats: dict[str, Any]
    failure: BaseException | None
    signals: list[str]
    counts: DbCounts


def _describe(failure: Failure) -> str:
    """One line for a failed crawl Deferred: the exception and where it was raised."""
    line = one_line(failure.value) if failure.value is not None else "the crawl failed"
    frames = getattr(failure, "frames", None) or []
    if frames:
        _func, filename, lineno = frames[-1][:3]
        with contextlib.suppress(ValueError):
            relative = os.path.relpath(filename)
            filename = filename if relative.startswith("..") else relative
        line += f" ({filename}:{lineno})"
    return line


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
    failures: list[Failure] = []

    def on_signal() -> None:
        if crawler is not None:
            interrupt_pool(crawler)
            poke_close(crawler)

    guard = StopGuard(
        settings.getfloat("CORPUS_STOP_GRACE"),
        on_signal=on_signal,
        commit=lambda: commit_interrupted(crawler) if crawler is not None else None,
    )
    with guard:
        process = CrawlerProcess(settings)
        crawler = process.create_crawler(spider)
        d = process.crawl(crawler, **spider_kwargs)
        d.addErrback(failures.append)  # consumed: reported as one line below, not as a traceback
        if not d.called:
            # Imported only now: crawl() has installed the reactor the settings ask for.
            from twisted.internet import reactor

            # The reactor is typed through zope interfaces mypy misreads without mypy-zope.
            reactor.addSystemEventTrigger("after", "startup", guard.install)  # type: ignore[arg-type]
        process.start()
        pool = opened_pool(crawler)
        if pool is not None:  # closed already, unless the reactor had to be stopped (force stop)
            pool.close()
        try:
            stats = dict(crawler.stats.get_stats())
        except (AttributeError, RuntimeError):
            stats = {}
        store = opened_store(crawler)
        # The store may have failed where nobody called fail_crawl (a flush in a signal handler
        # whose error Scrapy only logged): that run did not finish all the same.
        failure = crawl_failure(crawler) or (store.failed if store is not None else None)
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


@dataclass
class RunResult:
    """A run that ended: its summary (counted in the database) and how it ended."""

    summary: CrawlSummary
    outcome: RunOutcome

    @property
    def status(self) -> tuple[int, str | None]:
        """Exit status and error line (see :func:`outcome_error`)."""
        return outcome_error(self.summary.finish_reason, self.outcome)


def run(
    settings: Settings,
    spider: str = "news",
    *,
    verb: str = "crawl",
    lock: bool = True,
) -> RunResult:
    """Run one spider as every command does: check, lock, crawl, count.

    The database URL is resolved once here (``$CRIMECORPUS_DB`` or the default file when the
    settings name none), written back to ``CORPUS_DB_URL`` and so the same for the lock, the
    schema check, the crawl and the final count. ``lock``: hold the database's run lock (raises
    :class:`corpus.crawl.runlock.AlreadyRunning`); the demo's fresh database and the workers of
    a distributed crawl, which share one database by design, run without it. The sources registry
    is loaded first, before the lock, the database and any network, so a bad file is the one-line
    :class:`corpus.sources.registry.SourcesError` and leaves nothing behind. ``verb`` names the
    run in its summary (crawl, ingest, reextract).
    """
    from corpus.crawl.runlock import run_lock

    db_url = resolve_db_url(settings.get("CORPUS_DB_URL"))
    settings.set("CORPUS_DB_URL", db_url, priority=settings.getpriority("CORPUS_DB_URL") or "cmdline")
    load_sources(settings.get("CORPUS_SOURCES_FILE"), settings.getlist("CORPUS_SOURCE_NAMES"))
    with run_lock(db_url) if lock else contextlib.nullcontext():
        open_database(db_url).dispose()
        outcome = run_spider(settings, spider)
    summary = summary_from_stats(
        outcome.stats, outcome.counts, verb=verb, warc=spider == "warc", backfill=spider == "backfill"
    )
    return RunResult(summary, outcome)
