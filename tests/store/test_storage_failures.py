"""A failing store fails once, loudly and truthfully; one bad row never fails its batch.

Real SQLite files made full (``max_page_count``) or read-only (``query_only``), a real PostgreSQL
database switched to read-only, and rows each database really refuses (a NUL byte on PostgreSQL,
a NULL in a NOT NULL column on both).
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time

import pytest
from sqlalchemy import create_engine, event, func, select, text, update
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from corpus.store.frontier import seen_row
from corpus.store.models import Article, CrawlRun, FrontierEntry, Rejection
from corpus.store.storage import DatabaseError, Store, open_database
from tests.conftest import FAST, ROOT, run_cli
from tests.faultserver import Config, fault_server, sources_toml
from tests.store.test_storage import row


def _count(engine, model, *where) -> int:  # type: ignore[no-untyped-def]
    with Session(engine) as s:
        return s.scalar(select(func.count()).select_from(model).where(*where)) or 0


def _sqlite_store(tmp_path, pragma: str) -> tuple[Store, object]:  # type: ignore[no-untyped-def]
    """A store on a real SQLite file; ``switch()`` later applies ``pragma`` to every connection."""
    engine = open_database(str(tmp_path / "corpus.sqlite"))
    armed = {"on": False}

    @event.listens_for(engine, "connect")
    def _limit(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
        if armed["on"]:
            dbapi_conn.execute(pragma)

    def switch() -> None:
        armed["on"] = True
        engine.dispose()  # new connections get the pragma

    return Store(engine, batch_size=1000), switch


@pytest.mark.parametrize(
    ("pragma", "message"),
    [
        ("PRAGMA max_page_count=1", "database or disk is full"),  # a full disk, as SQLite reports it
        ("PRAGMA query_only=ON", "readonly database"),  # a read-only file
    ],
)
def test_a_sqlite_store_that_cannot_write_fails_once_and_keeps_what_was_committed(
    tmp_path, pragma: str, message: str
) -> None:
    store, switch = _sqlite_store(tmp_path, pragma)
    for n in range(20):
        store.add_article(row(f"https://courant.example/nieuws/vastgelegd-{n}"))
    store.flush()
    switch()
    for n in range(200):
        store.add_article(row(f"https://courant.example/nieuws/verloren-{n}", text="x" * 4000 + str(n)))
    started = time.monotonic()
    with pytest.raises(DatabaseError, match=message) as err:
        store.flush()
    assert time.monotonic() - started < 10  # no endless retrying
    assert "\n" not in str(err.value)
    assert store.failed is err.value
    # Every later write raises the same error at once: the failed batch is gone, nothing spins.
    for call in (
        lambda: store.add_article(row("https://courant.example/nieuws/later")),
        lambda: store.add_rejection({"url": "https://courant.example/x", "stage": "fetch", "reason": "r"}),
        store.flush,
    ):
        with pytest.raises(DatabaseError) as again:
            call()
        assert again.value is err.value
    assert not store._articles and not store._rejections
    reader = open_database(str(tmp_path / "corpus.sqlite"))
    assert _count(reader, Article) == 20  # committed before the failure, still there
    assert _count(reader, Rejection) == 0  # a failed database is one error, not 200 rejections


def test_a_postgresql_database_made_read_only_mid_run_fails_the_store_once(pg_url: str) -> None:
    engine = open_database(pg_url)
    store = Store(engine, batch_size=1000)
    run = store.start_run(["courant"])
    store.add_article(row("https://courant.example/nieuws/voor-de-storing", crawl_run_id=run))
    store.flush()
    name = make_url(pg_url).database
    admin = create_engine(pg_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'ALTER DATABASE "{name}" SET default_transaction_read_only = on'))
    admin.dispose()
    engine.dispose()  # the next connections are read-only
    for n in range(50):
        store.add_article(row(f"https://courant.example/nieuws/tijdens-{n}", crawl_run_id=run))
    with pytest.raises(DatabaseError, match="read-only transaction") as err:
        store.flush()
    assert "\n" not in str(err.value) and store.failed is err.value
    with pytest.raises(DatabaseError):
        store.add_article(row("https://courant.example/nieuws/erna"))
    # finish_run does not raise for a failed store: the caller reads store.failed.
    store.finish_run(run, status="finished", pages_fetched=51, outcomes={})
    assert _count(engine, Article) == 1
    assert _count(engine, Rejection) == 0


def test_a_nul_byte_on_postgresql_is_rejected_alone_and_the_batch_is_kept(pg_url: str) -> None:
    engine = open_database(pg_url)
    store = Store(engine, batch_size=1000)
    run = store.start_run(["courant"])
    now = dt.datetime.now(dt.UTC)
    bad_url = "https://courant.example/nieuws/nul-byte"
    store.frontier_seen(seen_row(bad_url, "courant", "article", now=now))
    store.frontier_seen(
        seen_row("https://courant.example/nieuws/titel", "courant", "article", title="a\x00b", now=now)
    )
    for n in range(30):
        store.add_article(row(f"https://courant.example/nieuws/goed-{n}", crawl_run_id=run))
    bad = row(bad_url, text="Tekst met een \x00 erin.", crawl_run_id=run)
    store.add_article(bad, (bad["id"], {"outcome": "stored", "last_fetched": now}))
    store.add_rejection(
        {"url": "https://courant.example/x", "stage": "fetch", "reason": "http_404", "crawl_run_id": run}
    )
    store.flush()
    assert store.failed is None
    assert _count(engine, Article) == 30
    assert _count(engine, Rejection, Rejection.reason == "http_404") == 1
    refused = _count(engine, Rejection, Rejection.stage == "store")
    assert refused == 2  # the article and the discovered title, each alone
    with Session(engine) as s:
        rej = s.scalars(select(Rejection).where(Rejection.url == bad_url)).one()
        assert (rej.stage, rej.reason, rej.crawl_run_id) == ("store", "DataError", run)
        assert "NUL" in (rej.detail or "")
        # The frontier row of the refused article is settled, not left pending.
        entry = s.get(FrontierEntry, bad["id"])
        assert entry is not None and entry.outcome == "rejected"


def test_a_value_the_column_refuses_is_rejected_alone_on_both_databases(db_url: str) -> None:
    engine = open_database(db_url)
    store = Store(engine, batch_size=1000)
    for n in range(10):
        store.add_article(row(f"https://courant.example/nieuws/goed-{n}"))
    empty = row("https://courant.example/nieuws/zonder-tekst")
    empty["text"] = None  # a NOT NULL column
    store.add_article(empty)
    store.flush()
    assert _count(engine, Article) == 10
    with Session(engine) as s:
        rej = s.scalars(select(Rejection)).one()
        assert (rej.stage, rej.reason) == (
            "store",
            "IntegrityError" if "sqlite" in db_url else "NotNullViolation",
        )
        assert rej.url.endswith("/zonder-tekst")
    # The store goes on: the next batch is written as usual.
    store.add_article(row("https://courant.example/nieuws/daarna"))
    store.flush()
    assert _count(engine, Article) == 11


def test_a_run_left_running_by_a_dead_process_is_marked_killed(db_url: str) -> None:
    engine = open_database(db_url)
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    dead_pid = int(dead.stdout)
    long_ago = dt.datetime.now(dt.UTC) - dt.timedelta(hours=2)
    just_now = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=5)
    here = socket.gethostname()
    with Session(engine) as s, s.begin():
        for host, pid, beat in (
            (here, dead_pid, just_now),  # this host, process gone: dead at once
            ("elders", 4242, just_now),  # another machine, heard from 5 s ago: alive
            ("elders", 4243, long_ago),  # another machine, silent for two hours: dead
            (here, os.getpid(), just_now),  # this host, process alive: running
            (None, None, None),  # a row of an older version, started two hours ago
        ):
            s.add(
                CrawlRun(
                    kind="crawl",
                    started_at=long_ago,
                    heartbeat_at=beat,
                    host=host,
                    pid=pid,
                    sources="",
                    outcomes={},
                    status="running",
                )
            )
    store = Store(engine, stale_run_seconds=900)
    new = store.start_run(["courant"])
    with Session(engine) as s:
        runs = s.scalars(select(CrawlRun).order_by(CrawlRun.id)).all()
        assert [r.status for r in runs] == ["killed", "running", "killed", "running", "killed", "running"]
        assert runs[-1].id == new and runs[-1].pid == os.getpid()
        assert runs[2].finished_at == long_ago.replace(microsecond=runs[2].finished_at.microsecond)
    # A write moves the new run's heartbeat.
    with Session(engine) as s, s.begin():
        s.execute(update(CrawlRun).where(CrawlRun.id == new).values(heartbeat_at=long_ago))
    store.add_article(row("https://courant.example/nieuws/hartslag", crawl_run_id=new))
    store.flush()
    with Session(engine) as s:
        beat = s.get(CrawlRun, new).heartbeat_at  # type: ignore[union-attr]
        assert beat is not None and beat > just_now


def test_the_next_crawl_marks_a_crawl_killed_with_sigkill(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with fault_server(Config(soak_pages=80)) as site:
        sources = tmp_path / "sources.toml"
        sources.write_text(
            sources_toml(
                [
                    {
                        "name": "soak",
                        "outlet": "Soak",
                        "country": "nl",
                        "sitemaps": [site.url("/soak/sitemap.xml")],
                    }
                ]
            ),
            encoding="utf-8",
        )
        db = tmp_path / "corpus.sqlite"
        args = [sys.executable, "-m", "corpus", "crawl", "--sources", str(sources), "--db", str(db), *FAST]
        crawl = subprocess.Popen(
            [*args, "-s", "CORPUS_BATCH_SIZE=5"],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            time.sleep(0.2)
            try:
                with sqlite3.connect(db) as con:
                    if con.execute("SELECT count(*) FROM articles").fetchone()[0] >= 5:
                        break
            except sqlite3.Error:
                continue
        os.kill(crawl.pid, signal.SIGKILL)
        crawl.wait(30)
        with sqlite3.connect(db) as con:
            assert con.execute("SELECT status FROM crawl_runs").fetchall() == [("running",)]
        proc = run_cli("crawl", "--sources", str(sources), "--db", str(db), *FAST)
        assert proc.returncode == 0, proc.stderr[-2000:]
    with sqlite3.connect(db) as con:
        runs = con.execute("SELECT status, finished_at IS NOT NULL FROM crawl_runs ORDER BY id").fetchall()
    assert runs == [("killed", 1), ("finished", 1)]


def test_an_article_whose_url_grew_too_long_leaves_its_frontier_row_rejected(db_url: str) -> None:
    # Reached through a redirect: the frontier row is the short URL that was requested, the
    # article's URL is over the limit. The caller's outcome said "stored"; no article exists.
    engine = open_database(db_url)
    store = Store(engine, batch_size=1000)
    now = dt.datetime.now(dt.UTC)
    asked = "https://courant.example/nieuws/kort"
    store.frontier_seen(seen_row(asked, "courant", "article", now=now))
    key = seen_row(asked, "courant", "article", now=now)["id"]
    long_row = row("https://courant.example/nieuws/" + "x" * 9000)
    store.add_article(long_row, (key, {"outcome": "stored", "last_fetched": now}))
    store.flush()
    assert _count(engine, Article) == 0
    with Session(engine) as s:
        rej = s.scalars(select(Rejection)).one()
        assert (rej.stage, rej.reason) == ("fetch", "url_too_long")
        entry = s.get(FrontierEntry, key)
        assert entry is not None and (entry.outcome, entry.reason) == ("rejected", "url_too_long")
