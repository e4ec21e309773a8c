"""PostgreSQL lost mid-crawl: a connection that comes back is retried, one that does not fails once.

The store talks to the real PostgreSQL through a TCP forwarder the test owns; a cut resets every
open link and refuses new ones (as a restarting server or a lost network does) until it is
restored, on the same port. The server itself is never stopped.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import suppress

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from corpus.models import Article
from corpus.storage import DatabaseError, Store, open_database
from tests.test_storage import row


class Switch:
    """A TCP forwarder on 127.0.0.1 to ``target`` that can be cut and restored on the same port."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self._links: list[socket.socket] = []
        self._lock = threading.Lock()
        self.up = True
        self._closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if not self.up:
                client.close()  # refused: the client sees the connection closed at once
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)
            with self._lock:
                self._links += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(src: socket.socket, dst: socket.socket) -> None:
        with suppress(OSError):
            while data := src.recv(65536):
                dst.sendall(data)
        with suppress(OSError):
            dst.shutdown(socket.SHUT_RDWR)

    def cut(self) -> None:
        with self._lock:
            self.up = False
            for sock in self._links:
                with suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
            self._links.clear()

    def restore(self) -> None:
        self.up = True

    def close(self) -> None:
        self._closed = True
        self.cut()
        self.listener.close()


@pytest.fixture
def switched(pg_url: str) -> Iterator[tuple[str, Switch]]:
    """``pg_url`` as seen through a :class:`Switch` (the database is migrated first, directly)."""
    open_database(pg_url).dispose()
    url = make_url(pg_url)
    switch = Switch((url.host or "127.0.0.1", url.port or 5432))
    try:
        yield url.set(host="127.0.0.1", port=switch.port).render_as_string(hide_password=False), switch
    finally:
        switch.close()


def test_a_connection_that_comes_back_is_retried_and_nothing_is_lost(
    switched: tuple[str, Switch], pg_url: str
) -> None:
    url, switch = switched
    store = Store(open_database(url), batch_size=1000)
    store.add_article(row("https://courant.example/nieuws/voor-de-onderbreking"))
    store.flush()
    for n in range(20):
        store.add_article(row(f"https://courant.example/nieuws/tijdens-de-onderbreking-{n}"))
    switch.cut()
    threading.Timer(1.5, switch.restore).start()
    started = time.monotonic()
    store.flush()  # meets the cut, backs off, and writes once the server answers again
    assert time.monotonic() - started >= 1.0
    assert store.failed is None
    with Session(open_database(pg_url)) as s:
        assert s.scalar(select(func.count()).select_from(Article)) == 21


def test_a_connection_that_stays_away_fails_the_store_once_within_seconds(
    switched: tuple[str, Switch], pg_url: str
) -> None:
    url, switch = switched
    store = Store(open_database(url), batch_size=1000)
    store.add_article(row("https://courant.example/nieuws/vastgelegd"))
    store.flush()
    switch.cut()
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
