"""A store that fails for good stops the crawl, in one line, with the counts the database holds.

Real faults under a real crawl: the SQLite file's disk fills up (a small tmpfs filled by the
test), the disk goes read-only (the tmpfs remounted), PostgreSQL disappears (a TCP forwarder in
front of the real server, cut by the test). Each time the crawl must stop downloading, exit 1
within seconds with one error line naming the error, print the counts the database holds, keep
everything committed, and a rerun after the fault is gone must store the rest.
"""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.conftest import FAST, run_cli
from tests.faults.fixtures.forwarder import Forwarder
from tests.faults.fixtures.slowsite import slow_site
from tests.faults.fixtures.store_failed import (
    ERROR_PREFIX,
    assert_store_failed,
    finish,
    start_crawl,
    wait_until,
)
from tests.faults.fixtures.warcs import warc_of_articles

PAGES = 200


def grow(disk: Path, size: str = "64m") -> None:
    """Give a ``small_disk`` more room in place (tmpfs resizes while files are open)."""
    subprocess.run(["mount", "-o", f"remount,size={size}", str(disk)], check=True)


@contextmanager
def small_disk(path: Path, size: str = "16m") -> Iterator[Path]:
    """A tmpfs of ``size`` at ``path`` (root only), unmounted afterwards."""
    if os.geteuid() != 0:
        pytest.skip(
            "a filling or read-only disk is simulated with a tmpfs mount, which needs root (CI runs as root)"
        )
    path.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], check=True)
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)


def _count(db: Path, table: str = "articles") -> int:
    con = sqlite3.connect(db, timeout=30)
    try:
        return int(con.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    finally:
        con.close()


def _wait_for(proc: subprocess.Popen[str], count: Callable[[], int], at_least: int) -> None:
    wait_until(proc, lambda: count() >= at_least, f"stored {at_least} articles", every=0.2)


def _finish(proc: subprocess.Popen[str], since: float) -> tuple[float, str, str]:
    return finish(proc, since, timeout=120, hung="the crawl did not stop after the fault")


def _assert_stopped_in_one_line(proc: subprocess.Popen[str], out: str, err: str, *names: str) -> str:
    line = assert_store_failed(proc, out, err, *names)
    fetched = int(re.search(r"pages fetched\s+(\d+)", out).group(1))
    assert fetched < PAGES  # downloading stopped: the crawl did not fetch everything first
    return line


def _printed_stored(out: str) -> int:
    return int(re.search(r"articles stored\s+(\d+)", out).group(1))


def test_a_disk_that_fills_mid_crawl_stops_the_crawl_and_the_rerun_stores_the_rest(tmp_path: Path) -> None:
    with small_disk(tmp_path / "disk") as disk, slow_site(tmp_path, pages=PAGES) as site:
        db = disk / "corpus.sqlite"
        proc = start_crawl(site.sources, str(db))
        _wait_for(proc, lambda: _count(db), 20)
        filler = disk / "vulling"
        try:
            with filler.open("wb") as handle:  # every byte the tmpfs has left
                while True:
                    handle.write(b"\0" * 65536)
                    handle.flush()
        except OSError:
            pass  # full; on a loaded machine the crawl's own WAL may have filled it first: same fault
        filled = time.monotonic()
        elapsed, out, err = _finish(proc, filled)
        print(f"\nTIME-TO-EXIT disk full mid-crawl (SQLite): {elapsed:.2f} s after the disk filled")
        _assert_stopped_in_one_line(proc, out, err, "disk is full", "disk I/O")
        committed = _count(db)
        assert _printed_stored(out) == committed >= 20
        # Space again: the next run resumes and stores the rest, every page once.
        filler.unlink(missing_ok=True)
        grow(disk)
        proc = run_cli("crawl", "--sources", str(site.sources), "--db", str(db), *FAST)
        assert proc.returncode == 0, proc.stderr[-3000:]
        assert _count(db) == PAGES
        con = sqlite3.connect(db)
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        con.close()


def test_a_database_made_read_only_mid_crawl_stops_the_crawl_and_the_rerun_stores_the_rest(
    tmp_path: Path, pg_url: str
) -> None:
    # PostgreSQL, scoped to the test's own database: new sessions are read-only and the crawl's
    # sessions are ended, so its pool reconnects into read-only ones. (A tmpfs cannot be
    # remounted read-only while the crawl holds the SQLite file open for writing.)
    url = make_url(pg_url)
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    engine = create_engine(url)

    def stored() -> int:
        with engine.connect() as conn:
            return int(conn.scalar(text("SELECT count(*) FROM articles")))

    def read_only(on: bool) -> None:
        with admin.connect() as conn:
            conn.execute(
                text(
                    f'ALTER DATABASE "{url.database}" SET default_transaction_read_only = {"on" if on else "off"}'
                )
            )
            if on:
                conn.execute(
                    text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :d AND pid <> pg_backend_pid()"
                    ),
                    {"d": url.database},
                )

    try:
        with slow_site(tmp_path, pages=PAGES) as site:
            proc = start_crawl(site.sources, pg_url)
            _wait_for(proc, stored, 20)
            engine.dispose()
            read_only(True)
            went_ro = time.monotonic()
            elapsed, out, err = _finish(proc, went_ro)
            print(f"\nTIME-TO-EXIT database made read-only mid-crawl (PostgreSQL): {elapsed:.2f} s")
            _assert_stopped_in_one_line(proc, out, err, "read-only")
            assert _printed_stored(out) == stored() >= 20
            read_only(False)
            proc2 = run_cli("crawl", "--sources", str(site.sources), "--db", pg_url, *FAST)
            assert proc2.returncode == 0, proc2.stderr[-3000:]
            assert stored() == PAGES
    finally:
        read_only(False)
        engine.dispose()
        admin.dispose()


def test_postgresql_lost_mid_crawl_stops_the_crawl_and_the_rerun_stores_the_rest(
    tmp_path: Path, pg_url: str
) -> None:
    direct = make_url(pg_url)
    forwarder = Forwarder((direct.host or "127.0.0.1", direct.port or 5432))
    through = direct.set(host="127.0.0.1", port=forwarder.port).render_as_string(hide_password=False)
    engine = create_engine(direct)

    def stored() -> int:
        with engine.connect() as conn:
            return int(conn.scalar(text("SELECT count(*) FROM articles")))

    try:
        with slow_site(tmp_path, pages=PAGES) as site:
            proc = start_crawl(site.sources, through)
            _wait_for(proc, stored, 20)
            forwarder.cut()  # the server is gone for the crawler (the real one runs on)
            cut = time.monotonic()
            elapsed, out, err = _finish(proc, cut)
            print(f"\nTIME-TO-EXIT PostgreSQL lost mid-crawl: {elapsed:.2f} s after the cut")
            _assert_stopped_in_one_line(proc, out, err, "connect", "connection", "server")
            # The database cannot be reached to count: the summary says so instead of guessing.
            assert "articles stored unknown (the database could not be read" in out
            committed = stored()
            assert committed >= 20
            forwarder.restore()
            proc2 = run_cli("crawl", "--sources", str(site.sources), "--db", through, *FAST)
            assert proc2.returncode == 0, proc2.stderr[-3000:]
            assert stored() == PAGES
    finally:
        forwarder.close()
        engine.dispose()


def test_a_full_disk_stops_ingest_warc_in_one_line_and_the_rerun_stores_the_rest(tmp_path: Path) -> None:
    from corpus.store.storage import open_database
    from tests.faultserver import sources_toml

    warc = warc_of_articles(tmp_path / "warc", PAGES)
    sources = tmp_path / "sources.toml"
    sources.write_text(
        sources_toml(
            [{"name": "nieuws", "outlet": "Nieuws", "country": "nl", "feeds": ["http://nieuws.example/rss"]}]
        ),
        encoding="utf-8",
    )
    with small_disk(tmp_path / "disk") as disk:
        db = disk / "corpus.sqlite"
        open_database(f"sqlite:///{db}").dispose()
        filler = disk / "vulling"
        with filler.open("wb") as handle:  # leave about 200 KiB: some batches fit, then the disk is full
            free = os.statvfs(disk).f_bavail * os.statvfs(disk).f_frsize
            handle.write(b"\0" * max(0, free - 200 * 1024))
        started = time.monotonic()
        proc = run_cli(
            "ingest-warc", str(warc), "--sources", str(sources), "--db", str(db), "-s", "CORPUS_BATCH_SIZE=10"
        )
        print(
            f"\nTIME-TO-EXIT ingest-warc on a full disk: {time.monotonic() - started:.2f} s for the whole run"
        )
        assert proc.returncode == 1, (proc.stdout, proc.stderr[-3000:])
        lines = [line for line in proc.stderr.splitlines() if line.strip()]
        assert len(lines) == 1 and lines[0].startswith(ERROR_PREFIX), proc.stderr[-3000:]
        assert "disk is full" in lines[0] or "disk I/O" in lines[0], lines[0]
        assert proc.stdout.startswith("ingest run 1: store_failed"), proc.stdout
        assert _printed_stored(proc.stdout) == _count(db) < PAGES
        filler.unlink()
        proc = run_cli("ingest-warc", str(warc), "--sources", str(sources), "--db", str(db))
        assert proc.returncode == 0, proc.stderr[-3000:]
        assert _count(db) == PAGES
