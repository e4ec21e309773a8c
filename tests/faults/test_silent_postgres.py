"""A PostgreSQL server that accepts connections and then says nothing is an error, not a hang.

A network black hole (packets dropped, no reset) used to block every connect, pre-ping and
statement forever, so a cron or systemd run never exited. Every PostgreSQL engine now carries
libpq time limits (``corpus.store.storage._pg_connect_args``).
"""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
from collections.abc import Iterator

import pytest
from sqlalchemy.engine import make_url

from corpus.store.storage import PG_CONNECT_TIMEOUT, DatabaseError, _pg_connect_args, open_database


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A TCP listener on 127.0.0.1 that accepts every connection and never answers."""
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(16)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        srv.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = srv.accept()
            except OSError:
                continue
            held.append(conn)  # kept open and silent

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield srv.getsockname()[1]
    finally:
        stop.set()
        thread.join(2)
        for conn in held:
            conn.close()
        srv.close()


def test_every_postgresql_connection_has_time_limits() -> None:
    args = _pg_connect_args(make_url("postgresql+psycopg://db.example/corpus"))
    assert args["connect_timeout"] == PG_CONNECT_TIMEOUT
    assert args["keepalives"] == 1 and args["tcp_user_timeout"] > 0
    assert "statement_timeout" in args["options"]
    # An option in the URL is the user's choice and wins over the default.
    mine = _pg_connect_args(make_url("postgresql+psycopg://db.example/corpus?connect_timeout=3"))
    assert "connect_timeout" not in mine
    assert _pg_connect_args(make_url("sqlite:///x.sqlite")) == {}


def test_a_silent_server_is_a_database_error(silent_server: int) -> None:
    url = f"postgresql+psycopg://127.0.0.1:{silent_server}/corpus?connect_timeout=2"
    with pytest.raises(DatabaseError, match="cannot reach database"):
        open_database(url)


def test_a_command_against_a_silent_server_ends_with_one_line(silent_server: int) -> None:
    # No time limit in the URL: the project's own default must end it.
    url = f"postgresql+psycopg://127.0.0.1:{silent_server}/corpus"
    proc = subprocess.run(
        [sys.executable, "-m", "corpus", "stats", "--db", url],
        capture_output=True,
        text=True,
        timeout=60,  # before the fix this call never returned
    )
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("crimecorpus: error:"), proc.stderr
