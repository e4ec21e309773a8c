"""The close-time refresh the exact- and near-duplicate stages share.

Both decide their marks over the whole stored corpus when the crawl closes, after the last batch
is flushed, and both must also settle what runs that never closed left undecided
(``corpus.store.clusters.unsettled``). A store failure there stops the run as ``store_failed``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine

from corpus.crawl.runner import STORE_ERRORS, crawl_failure, fail_crawl
from corpus.store.clusters import unsettled
from corpus.store.storage import crawler_store


def refresh_at_close(
    crawler: Any, column: Any, keys: set[str], refresh: Callable[[Engine, set[str]], Any]
) -> None:
    """Flush, then ``refresh(engine, keys)`` with the ``column`` values of unfinished runs added."""
    if crawl_failure(crawler) is not None:
        return  # the store failed: the next run that closes settles these marks
    store = crawler_store(crawler)
    try:
        store.flush()
        run_id = crawler.stats.get_value("corpus/run_id")
        keys = keys | unsettled(store.engine, column, run_id)
        if keys:
            refresh(store.engine, keys)
    except STORE_ERRORS as exc:
        fail_crawl(crawler, exc)
