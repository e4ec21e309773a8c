"""One Store per crawler, shared by the pipelines that read or write the database."""

from __future__ import annotations

from typing import Any

from corpus.storage import Store, open_database

_ATTR = "_corpus_store"


def crawler_store(crawler: Any) -> Store:
    """The crawler's Store, opened (and the schema migrated) on first use."""
    store = getattr(crawler, _ATTR, None)
    if store is None:
        settings = crawler.settings
        engine = open_database(settings.get("CORPUS_DB_URL"))
        store = Store(engine, batch_size=settings.getint("CORPUS_BATCH_SIZE", 100))
        setattr(crawler, _ATTR, store)
    return store
