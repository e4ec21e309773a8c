"""One crawl at a time per database: a second run says who holds the lock and exits.

SQLite databases are locked with ``flock`` on a file beside the database; PostgreSQL with a
session-level advisory lock. Both die with their process, so a crawl killed with SIGKILL never
leaves a stale lock behind.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from corpus.store.storage import DatabaseError, make_engine, resolve_db_url, short_error


class AlreadyRunning(RuntimeError):
    """Another crawl holds the lock of this database."""


def _advisory_key(name: str) -> int:
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


@contextmanager
def run_lock(db: str | None, name: str = "crimecorpus-crawl") -> Iterator[None]:
    """Hold the crawl lock of the database ``db`` (a URL or path) for the ``with`` block."""
    url = resolve_db_url(db)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        path = Path(f"{parsed.database or 'memory'}.lock")
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "a+", encoding="utf-8") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                handle.seek(0)
                holder = handle.read().strip() or "unknown process"
                raise AlreadyRunning(f"another crawl is running on {parsed.database} ({holder})") from None
            handle.seek(0)
            handle.truncate()
            handle.write(f"pid {os.getpid()}, since {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M:%S} UTC")
            handle.flush()
            try:
                yield
            finally:
                # A disk that filled or went read-only during the run (reported by the crawl
                # itself) must not turn the release into a second error: the lock dies with us.
                with contextlib.suppress(OSError):
                    handle.seek(0)
                    handle.truncate()
                fcntl.flock(handle, fcntl.LOCK_UN)
        return
    engine = make_engine(url)
    key = _advisory_key(name)
    try:
        conn = engine.connect()
    except OperationalError as exc:
        raise DatabaseError(
            f"cannot reach database {parsed.render_as_string()}: {short_error(exc)}"
        ) from None
    try:
        if not conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": key}).scalar():
            raise AlreadyRunning(f"another crawl is running on {parsed.render_as_string()}")
        try:
            yield
        finally:
            # The lock dies with the session anyway: a server lost during the run (the crawl has
            # reported that in its own line) must not end the command in a traceback here.
            with contextlib.suppress(SQLAlchemyError):
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
    finally:
        with contextlib.suppress(SQLAlchemyError):
            conn.close()
        engine.dispose()
