"""A database that fails during the crawl's closing steps stops the run in one line, and the next
run sets the marks the failed one could not.

When the last batch is flushed, the crawl closes with two steps over the stored corpus: the
near-duplicate step chooses each cluster's representative, the exact-duplicate step marks copies
with ``duplicate_of``. The issue saw a disk that filled during the near-duplicate step hang the
crawl for good. Here the fault lands exactly in those steps, against a real crawl subprocess:

- SQLite on a small tmpfs: the last article the crawl asks for is held back until the test has
  cut the WAL to nothing and filled the disk to a few pages; that article's own write still fits,
  the near-duplicate step's updates of every stored article do not.
- PostgreSQL: a trigger holds the first ``UPDATE`` of one step's column on an advisory lock the
  test owns (a gate, so the fault is known to land in that step); the test then makes the database
  read-only and ends the crawl's sessions, as the read-only test of test_store_failure.py does.

Each time: exit 1 within seconds, one ``crimecorpus: error:`` line, no traceback, the printed
counts equal what the database holds, and a rerun (fault gone, nothing new to fetch) exits 0 with
every representative and duplicate mark set.
"""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from corpus.store.clusters import unsettled
from corpus.store.models import Article
from tests.conftest import FAST, run_cli
from tests.faults.fixtures.store_failed import assert_store_failed, finish, start_crawl, wait_until
from tests.faults.test_store_failure import small_disk
from tests.faultserver import article_html, sitemap_xml, sources_toml

PAGES = 120
COPIES = 10  # articles 0..19 are ten pairs of identical texts at two addresses each


# -- the site ----------------------------------------------------------------------------------
class _Handler(BaseHTTPRequestHandler):
    server: _Site
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _send(self, body: bytes, ctype: str = "text/html; charset=utf-8") -> None:
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        with suppress(BrokenPipeError, ConnectionResetError):
            self.wfile.write(body)

    def do_GET(self) -> None:
        site = self.server
        if self.path == "/robots.txt":
            self._send(b"User-agent: *\nAllow: /\n", "text/plain")
        elif self.path == "/sitemap.xml":
            self._send(sitemap_xml([f"{site.base}/artikel/{i}" for i in range(PAGES)]), "application/xml")
        elif self.path.startswith("/artikel/"):
            with site.lock:
                site.articles_asked += 1
                last = site.articles_asked == PAGES
            if last:  # whichever article comes last is held until the test has set the fault up
                site.last_asked.set()
                site.release.wait(25)
            i = int(self.path.rsplit("/", 1)[1])
            n = i // 2 if i < 2 * COPIES else i  # the same text at two addresses: an exact copy
            self._send(article_html(n + 700_000).encode())
        else:
            self.send_error(404)


class _Site(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.base = f"http://127.0.0.1:{self.server_address[1]}"
        self.lock = threading.Lock()
        self.articles_asked = 0
        self.last_asked = threading.Event()
        self.release = threading.Event()


@dataclass
class Site:
    sources: Path
    last_asked: threading.Event  # the crawl asked for its last article, which is held back
    release: threading.Event  # set: the last article is answered


@contextmanager
def site(tmp_path: Path) -> Iterator[Site]:
    """A local site of ``PAGES`` articles whose last one asked waits for the test's word."""
    server = _Site()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    sources = tmp_path / "sources.toml"
    sources.write_text(
        sources_toml(
            [
                {
                    "name": "sluit",
                    "outlet": "Sluit Dagblad",
                    "country": "nl",
                    "sitemaps": [server.base + "/sitemap.xml"],
                }
            ]
        ),
        encoding="utf-8",
    )
    try:
        yield Site(sources, server.last_asked, server.release)
    finally:
        server.release.set()
        server.shutdown()
        server.server_close()


# -- helpers -----------------------------------------------------------------------------------
def _finish(proc: subprocess.Popen[str], since: float) -> tuple[float, str, str]:
    return finish(proc, since, timeout=60, hung="the crawl hung after the close step failed")


def _assert_one_line(proc: subprocess.Popen[str], out: str, err: str, *names: str) -> int:
    """Exit 1, one error line naming the error, no traceback; returns the printed stored count."""
    assert_store_failed(proc, out, err, *names)
    return int(re.search(r"articles stored\s+(\d+)", out).group(1))


def _assert_marks(rows: list[tuple[str, str | None, str | None, bool | None, str]]) -> None:
    """Every article decided: one representative per cluster, each copy pointing to its first."""
    assert len(rows) == PAGES
    assert all(rep is not None for _id, _dup, _cid, rep, _url in rows), "representatives left undecided"
    clusters: dict[str | None, int] = {}
    for _id, _dup, cid, rep, _url in rows:
        clusters[cid] = clusters.get(cid, 0) + bool(rep)
    assert set(clusters.values()) == {1}, clusters
    by_url = {url.rsplit("/", 1)[1]: (id_, dup) for id_, dup, _cid, _rep, url in rows}
    for pair in range(COPIES):
        (a_id, a_dup), (b_id, b_dup) = by_url[str(2 * pair)], by_url[str(2 * pair + 1)]
        assert sorted([a_dup, b_dup], key=str) == sorted([None, min(a_id, b_id)], key=str), (a_dup, b_dup)
    assert sum(dup is not None for _id, dup, _cid, _rep, _url in rows) == COPIES


_MARKS = "SELECT id, duplicate_of, cluster_id, is_representative, url FROM articles"


# -- SQLite: the disk fills during the near-duplicate step ------------------------------------
def test_a_disk_that_fills_in_the_near_duplicate_close_step_stops_the_crawl_and_the_rerun_sets_the_marks(
    tmp_path: Path,
) -> None:
    with small_disk(tmp_path / "disk") as disk, site(tmp_path) as web:
        db = disk / "corpus.sqlite"

        def stored() -> int:
            con = sqlite3.connect(db, timeout=30)
            try:
                return int(con.execute("SELECT count(*) FROM articles").fetchone()[0])
            finally:
                con.close()

        proc = start_crawl(web.sources, str(db), batch=1)
        # Every article committed as it came (batches of one), the last one still to come.
        wait_until(proc, lambda: web.last_asked.is_set() and stored() == PAGES - 1, "stored all but one")
        # The WAL checkpointed and cut to nothing (the crawl is idle, waiting for that article),
        # so every later write needs fresh disk; then the disk is filled up to 24 pages: the last
        # article's own write fits, the close step's updates of every stored article do not.
        con = sqlite3.connect(db, timeout=30)
        assert con.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0] == 0  # not busy
        con.close()
        filler = disk / "vulling"
        with filler.open("wb") as handle:
            stat = os.statvfs(disk)
            handle.write(b"\0" * max(0, stat.f_bavail * stat.f_frsize - 24 * 4096))
        web.release.set()
        released = time.monotonic()
        elapsed, out, err = _finish(proc, released)
        print(f"\nTIME-TO-EXIT disk full in the near-duplicate close step (SQLite): {elapsed:.2f} s")
        printed = _assert_one_line(proc, out, err, "disk is full", "disk I/O")
        assert printed == stored() == PAGES
        # Space again. Nothing is left to fetch, yet the rerun decides what the failed close
        # step left undecided.
        filler.unlink()
        rerun = run_cli("crawl", "--sources", str(web.sources), "--db", str(db), *FAST)
        assert rerun.returncode == 0, rerun.stderr[-3000:]
        con = sqlite3.connect(db)
        try:
            _assert_marks([tuple(r) for r in con.execute(_MARKS)])
            assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        finally:
            con.close()
        # The finished rerun settled the failed run: later runs do not decide its marks again.
        engine = create_engine(f"sqlite:///{db}")
        try:
            assert unsettled(engine, Article.text_hash, None) == set()
        finally:
            engine.dispose()


# -- PostgreSQL: the database turns read-only in either close step -----------------------------
@pytest.mark.parametrize(
    ("column", "step"),
    [("is_representative", "near-duplicate"), ("duplicate_of", "exact-duplicate")],
)
def test_a_database_made_read_only_in_a_close_step_stops_the_crawl_and_the_rerun_sets_the_marks(
    tmp_path: Path, pg_url: str, column: str, step: str
) -> None:
    from corpus.store.storage import open_database

    url = make_url(pg_url)
    open_database(pg_url).dispose()  # the tables, so the gate can be set before the crawl
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    engine = create_engine(url, isolation_level="AUTOCOMMIT")

    def read_only(on: bool) -> None:
        with admin.connect() as conn:
            conn.execute(
                text(
                    f'ALTER DATABASE "{url.database}" SET default_transaction_read_only = {"on" if on else "off"}'
                )
            )

    gate = engine.connect()
    try:
        gate.execute(
            text(
                "CREATE FUNCTION close_gate() RETURNS trigger LANGUAGE plpgsql AS "
                "$$ BEGIN PERFORM pg_advisory_xact_lock(4242); RETURN NULL; END $$"
            )
        )
        gate.execute(
            text(
                f"CREATE TRIGGER close_gate BEFORE UPDATE OF {column} ON articles "
                "FOR EACH STATEMENT EXECUTE FUNCTION close_gate()"
            )
        )
        gate.execute(text("SELECT pg_advisory_lock(4242)"))
        with site(tmp_path) as web:
            web.release.set()
            proc = start_crawl(web.sources, pg_url)

            def held() -> bool:
                with engine.connect() as conn:
                    return bool(
                        conn.scalar(
                            text(
                                "SELECT count(*) FROM pg_stat_activity WHERE datname = :d "
                                "AND wait_event = 'advisory' AND query LIKE :q"
                            ),
                            {"d": url.database, "q": f"UPDATE articles SET {column}%"},
                        )
                    )

            wait_until(proc, held, f"reached the {step} close step")
            read_only(True)
            with engine.connect() as conn:
                conn.execute(
                    text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = :d AND pid <> pg_backend_pid() AND pid <> :gate"
                    ),
                    {"d": url.database, "gate": gate.scalar(text("SELECT pg_backend_pid()"))},
                )
            faulted = time.monotonic()
            elapsed, out, err = _finish(proc, faulted)
            print(f"\nTIME-TO-EXIT database read-only in the {step} close step (PostgreSQL): {elapsed:.2f} s")
            printed = _assert_one_line(proc, out, err, "terminating connection", "read-only", "closed")
            read_only(False)
            gate.execute(text("SELECT pg_advisory_unlock(4242)"))
            gate.execute(text("DROP TRIGGER close_gate ON articles"))
            with engine.connect() as conn:
                assert printed == conn.scalar(text("SELECT count(*) FROM articles")) == PAGES
            rerun = run_cli("crawl", "--sources", str(web.sources), "--db", pg_url, *FAST)
            assert rerun.returncode == 0, rerun.stderr[-3000:]
            with engine.connect() as conn:
                _assert_marks([tuple(r) for r in conn.execute(text(_MARKS))])
    finally:
        gate.close()
        read_only(False)
        engine.dispose()
        admin.dispose()
