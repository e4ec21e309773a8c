"""Run a crawl from Python: the same crawl, lock, summary and verdict as ``crimecorpus crawl``.

A thin call over :func:`corpus.crawl.runner.run`, the runner of every command, for notebooks and scripts that build a corpus and
then read it with :func:`crimecorpus.open_corpus`. Scrapy runs on a Twisted reactor, which can
start only once per process: call this once per process (run a second crawl in a new process, as
the scheduler and the tests do). Scrapy is imported only when a crawl starts, so reading and
analysing do not pay for it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from corpus.crawl.runlock import AlreadyRunning

if TYPE_CHECKING:
    from corpus.crawl.runner import CrawlSummary

__all__ = ["AlreadyRunning", "CrawlError", "crawl"]


class CrawlError(RuntimeError):
    """A crawl that could not start, crashed, stopped on a database failure or was interrupted.

    The message is the one line ``crimecorpus crawl`` prints; ``summary`` holds the run's counts
    (what the database holds) when the run got that far, else None. A script that ignores the
    return value still cannot mistake a failed crawl for a finished one.
    """

    def __init__(self, message: str, summary: CrawlSummary | None = None) -> None:
        super().__init__(message)
        self.summary = summary


def crawl(
    *,
    sources_file: str | Path | None = None,
    db: str | Path | None = None,
    sources: Iterable[str] = (),
    settings: Mapping[str, Any] | None = None,
) -> CrawlSummary:
    """Crawl the registry's sources into ``db`` and return the finished run's summary.

    ``sources_file`` is a sources TOML (default: the shipped registry), ``sources`` limits the
    crawl to those names, ``db`` is a database URL or SQLite path (created if missing: a crawl
    writes), and ``settings`` overrides any Scrapy or ``CORPUS_`` setting, as ``-s`` does. The
    crawl holds the database's run lock (:class:`AlreadyRunning` if another crawl holds it). A run
    that does not finish raises :class:`CrawlError`; bad sources or an unusable database raise
    the one-line errors of the command line (``corpus.sources.registry.SourcesError``,
    ``crimecorpus.DatabaseError``).
    """
    from corpus.crawl.lifecycle import CrawlFailed
    from corpus.crawl.runner import build_settings, run

    scrapy_settings = build_settings(
        db_url=str(db) if db is not None else None,
        sources_file=str(sources_file) if sources_file is not None else None,
        source_names=list(sources),
        extra=dict(settings or {}),
    )
    try:
        result = run(scrapy_settings)
    except CrawlFailed as exc:
        raise CrawlError(str(exc)) from exc
    code, message = result.status
    if code != 0:
        raise CrawlError(message or f"the run did not finish: {result.summary.finish_reason}", result.summary)
    return result.summary
