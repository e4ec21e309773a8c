"""PostgreSQL lost mid-crawl: a connection that comes back is retried, one that does not fails once.

The store talks to the real PostgreSQL through a TCP forwarder the test owns; a cut closes every
open link and closes new ones at once (as a restarting server or a lost network does) until it is
restored, on the same port. The server itself is never stopped.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from corpus.store.models import Article
from corpus.store.storage import DatabaseError, Store, open_database
from tests.faults.fixtures.forwarder import Forwarder
from tests.store.test_storage import row


@pytest.fixture
def switched(pg_url: str) -> Iterator[tuple[str, Forwarder]]:
    """``pg_url`` as seen through a :class:`Forwarder` (the database is migrated first, directly)."""
    open_database(pg_url).dispose()
    url = make_url(pg_url)
    with Forwarder((url.host or "127.0.0.1", url.port or 5432)) as switch:
        yield url.set(host="127.0.0.1", port=switch.port).render_as_string(hide_password=False), switch


def test_a_connection_that_comes_back_is_retried_and_nothing_is_lost(
    switched: tuple[str, Forwarder], pg_url: str
) -> None:
    url, switch = switched
    store = Store(open_database(url), batch_size=1000)
    store.add_article(row("https://courant.example/nieuws/voor-de-onderbreking"))
    store.flush()
    for n in range(20):
        store.add_article(row(f"https://courant.example/nieuws/tijdens-de-onderbreking-{n}"))
    switch.cut(refuse=False)
    threading.Timer(1.5, switch.restore).start()
    started = time.monotonic()
    store.flush()  # meets the cut, backs off, and writes once the server answers again
    assert time.monotonic() - started >= 1.0
    assert store.failed is None
    with Session(open_database(pg_url)) as s:
        assert s.scalar(select(func.count()).select_from(Article)) == 21


def test_a_connection_that_stays_away_fails_the_store_once_within_seconds(
    switched: tuple[str, Forwarder], pg_url: str
) -> None:
    url, switch = switched
    store = Store(open_database(url), batch_size=1000)
    store.add_article(row("https://courant.example/nieuws/vastgelegd"))
    store.flush()
    switch.cut(refuse=False)
    for n in range(20):
        store.add_article(row(f"https://courant.example/nieuws/verloren-{n}"))
    started = time.monotonic()
    with pytest.raises(DatabaseError, match="cannot write") as err:
        store.flush()
    took = time.monotonic() - started
    assert took < 15
    assert "\n" not in str(err.value) and store.failed is err.value
    with pytest.raises(DatabaseError):
        store.add_article(row("https://courant.example/nieuws/daarna"))
    with Session(open_database(pg_url)) as s:
        assert s.scalar(select(func.count()).select_from(Article)) == 1
