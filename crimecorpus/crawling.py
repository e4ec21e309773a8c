"""Run a crawl from Python: the same crawl, lock and summary as ``crimecorpus crawl``.

A thin call over :func:`corpus.crawl.run_crawl`, for notebooks and scripts that build a corpus and
then read it with :func:`crimecorpus.open_corpus`. Scrapy runs on a Twisted reactor, which can
start only once per process: call this once per process (run a second crawl in a new process, as
the scheduler and the tests do). Scrapy is imported only when a crawl starts, so reading and
analysing do not pay for it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from corpus.runlock import AlreadyRunning, run_lock

if TYPE_CHECKING:
    from corpus.crawl import CrawlSummary

__all__ = ["AlreadyRunning", "CrawlSummary", "crawl"]


def crawl(
    *,
    sources_file: str | Path | None = None,
    db: str | Path | None = None,
    sources: Iterable[str] = (),
    settings: Mapping[str, Any] | None = None,
) -> CrawlSummary:
    """Crawl the registry's sources into ``db`` and return the run's summary.

    ``sources_file`` is a sources TOML (default: the shipped registry), ``sources`` limits the
    crawl to those names, ``db`` is a database URL or SQLite path (created if missing: a crawl
    writes), and ``settings`` overrides any Scrapy or ``CORPUS_`` setting, as ``-s`` does. The
    crawl holds the database's run lock (:class:`AlreadyRunning` if another crawl holds it).
    Check ``summary.finish_reason == "finished"``: anything else is a run that did not finish.
    """
    from corpus.crawl import build_settings, run_crawl

    scrapy_settings = build_settings(
        db_url=str(db) if db is not None else None,
        sources_file=str(sources_file) if sources_file is not None else None,
        source_names=list(sources),
        extra=dict(settings or {}),
    )
    with run_lock(scrapy_settings.get("CORPUS_DB_URL")):
        return run_crawl(scrapy_settings)
