"""The close-time refresh the exact- and near-duplicate stages share.

Both decide their marks over the whole stored corpus when the crawl closes, after the last batch
is written, and both must also settle what runs that never closed left undecided
(``corpus.store.clusters.unsettled``). The last batch is the storing stage's to write: Scrapy
closes pipelines in reverse order, so ``StorePipeline.close_spider`` (900) has flushed before
these (600, 700) run. A store failure here stops the run as ``store_failed``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine

from corpus.crawl.lifecycle import STORE_ERRORS, crawl_failure, fail_crawl
from corpus.store.clusters import unsettled
from corpus.store.storage import crawler_engine

if TYPE_CHECKING:
    from scrapy.crawler import Crawler


def refresh_at_close(
    crawler: Crawler, column: Any, keys: set[str], refresh: Callable[[Engine, set[str]], Any]
) -> None:
    """``refresh(engine, keys)`` with the ``column`` values of unfinished runs added."""
    if crawl_failure(crawler) is not None:
        return  # the store failed: the next run that closes settles these marks
    engine = crawler_engine(crawler)
    try:
        run_id = crawler.stats.get_value("corpus/run_id")
        keys = keys | unsettled(engine, column, run_id)
        if keys:
            refresh(engine, keys)
    except STORE_ERRORS as exc:
        fail_crawl(crawler, exc)
