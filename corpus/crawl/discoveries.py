"""How spiders and middlewares report what they found: Scrapy signals the storing stage receives.

The crawler's :class:`corpus.store.storage.Store` belongs to the storing stage
(``pipelines.store.StorePipeline``): it alone writes to it and flushes it. Everything else
reports through these signals and never touches the store:

- :data:`frontier_seen` (``row``): a discovered URL, a ``corpus.store.frontier.seen_row``;
- :data:`frontier_result` (``key``, ``values``): what became of a frontier URL that produced no
  item (a 304 Not Modified, a discovery document's validators);
- :data:`tdm_declared` (``rows``): TDMRep declarations found on the way;
- :data:`checkpoint` (no arguments): write everything reported so far now (a WARC file's resume
  point or a lease reconciliation must not get ahead of the rows it vouches for);
- :data:`interrupted` (no arguments): a forced stop's last act — write what is complete and mark
  the run ``interrupted`` (``corpus.crawl.runner``'s forced-stop commit).

Reads that decide what to fetch go through a read-only object loaded at the start instead
(``corpus.store.frontier.FrontierState``, ``corpus.store.storage.crawler_engine``).
Handlers run synchronously; a store failure inside one stops the crawl
(``corpus.crawl.lifecycle.fail_crawl``), it is never only logged.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

frontier_seen = object()
frontier_result = object()
tdm_declared = object()
checkpoint = object()
interrupted = object()


def report_seen(crawler: Crawler, row: dict[str, Any]) -> None:
    """Report a discovered URL (see the module docstring)."""
    crawler.signals.send_catch_log(frontier_seen, row=row)


def report_result(crawler: Crawler, key: str, values: dict[str, Any]) -> None:
    """Report a frontier outcome that no item carries."""
    crawler.signals.send_catch_log(frontier_result, key=key, values=values)


def report_tdm(crawler: Crawler, rows: list[dict[str, Any]]) -> None:
    """Report TDMRep declarations."""
    crawler.signals.send_catch_log(tdm_declared, rows=rows)


def request_checkpoint(crawler: Crawler) -> None:
    """Ask the storing stage to write everything reported so far before the caller goes on."""
    crawler.signals.send_catch_log(checkpoint)


def commit_interrupted(crawler: Crawler) -> None:
    """Ask the storing stage to write what is complete and mark the run ``interrupted``."""
    crawler.signals.send_catch_log(interrupted)
