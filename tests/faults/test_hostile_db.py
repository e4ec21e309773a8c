"""The database under stress: a concurrent writer waits, a killed crawl or export leaves a
consistent state, duplicate keys in one batch pass PostgreSQL, bad configuration is one line."""

from __future__ import annotations

import datetime as dt
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from corpus.crawl.items import ArticleItem, article_row
from corpus.sources.urls import article_id, canonical_url
from corpus.store.models import Article, Rejection
from corpus.store.storage import Store, open_database
from tests.conftest import FAST, ROOT, run_cli
from tests.faultserver import Config, fault_server, sources_toml


def _article(url: str, body: str) -> dict:
    item = ArticleItem(
        url=url, source="s", outlet="S", country="nl", html="", fetched_at=dt.datetime.now(dt.UTC)
    )
    item.canonical = canonical_url(url)
    item.id = article_id(item.canonical)
    item.text = body
    item.text_hash = str(hash(body))
    return article_row(item, None)


def _rejection(url: str) -> dict:
    return {
        "url": url,
        "source": "s",
        "stage": "fetch",
        "reason": "http_500",
        "detail": None,
        "http_status": 500,
    }


def test_sqlite_concurrent_writer_waits_instead_of_failing(tmp_path: Path) -> None:
    db = tmp_path / "c.sqlite"
    engine = open_database(str(db))
    blocker = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
    blocker.execute("BEGIN IMMEDIATE")  # another process holds the write lock
    threading.Timer(1.5, blocker.execute, args=("COMMIT",)).start()
    store = Store(engine, batch_size=1000)
    store.add_rejection(_rejection("https://x.example/a"))
    started = time.monotonic()
    store.flush()  # waits on busy_timeout, then writes
    assert time.monotonic() - started >= 1.0
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(Rejection)) == 1
    blocker.close()


def test_postgresql_writer_waits_for_a_lock_and_duplicate_keys_in_one_batch_pass(pg_url: str) -> None:
    engine = open_database(pg_url)
    store = Store(engine, batch_size=1000)
    # The same canonical URL twice (a tracking-parameter copy) in one batch: PostgreSQL refuses
    # "ON CONFLICT DO UPDATE command cannot affect row a second time" unless the batch is deduplicated.
    store.add_article(_article("https://x.example/nieuws/a-b-c", "eerste tekst"))
    store.add_article(_article("https://x.example/nieuws/a-b-c?utm_source=rss", "tweede tekst"))
    holder = engine.connect()
    holder.execute(text("LOCK TABLE articles IN EXCLUSIVE MODE"))
    threading.Timer(1.0, holder.commit).start()
    started = time.monotonic()
    store.flush()
    assert time.monotonic() - started >= 0.8
    holder.close()
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(Article)) == 1


def _count(db: Path, table: str) -> int:
    con = sqlite3.connect(db)
    try:
        return con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    finally:
        con.close()


def test_sigkill_during_a_crawl_leaves_a_consistent_database(tmp_path: Path) -> None:
    pages = 120
    with fault_server(Config(soak_pages=pages)) as site:
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
        args += ["-s", "CORPUS_BATCH_SIZE=10"]
        crawl = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            time.sleep(0.2)
            try:
                if _count(db, "articles") >= 10:
                    break
            except sqlite3.Error:
                continue
        os.kill(crawl.pid, signal.SIGKILL)
        crawl.wait(30)
        con = sqlite3.connect(db)
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
        con.close()
        killed_at = _count(db, "articles")
        assert 10 <= killed_at < pages
        # The next run opens the same file and finishes the job: every page once.
        proc = run_cli("crawl", "--sources", str(sources), "--db", str(db), *FAST)
        assert proc.returncode == 0, proc.stderr[-2000:]
        assert _count(db, "articles") == pages


def test_a_killed_export_leaves_the_previous_file_intact(demo_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "corpus.jsonl"
    assert run_cli("export", "--db", str(demo_db), "--out", str(out)).returncode == 0
    before = out.read_bytes()
    for delay in (0.3, 0.8, 1.3):
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "corpus",
                "export",
                "--db",
                str(demo_db),
                "--out",
                str(out),
                "--dedup",
                "none",
            ],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
        now = out.read_bytes()
        # Either the old file or a complete new one, never a partial write.
        assert now == before or (now.endswith(b"\n") and len(now.splitlines()) > len(before.splitlines()))
        before = now


def test_bad_configuration_is_one_line_and_exit_2(tmp_path: Path, demo_db: Path) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text('[[source]\nname = "x"\n', encoding="utf-8")
    cases = [
        (("crawl", "--sources", str(broken), "--db", str(tmp_path / "a.sqlite")), "not valid TOML"),
        (
            ("crawl", "--sources", str(tmp_path / "missing.toml"), "--db", str(tmp_path / "a.sqlite")),
            "cannot read",
        ),
        (("crawl", "--db", "postgresql://127.0.0.1:1/nothing"), "cannot reach database"),
        (("export", "--db", str(demo_db), "--out", "/proc/crimecorpus/out.jsonl"), "cannot write"),
    ]
    for args, message in cases:
        proc = run_cli(*args)
        assert proc.returncode == 2, (args, proc.stderr[-500:])
        assert message in proc.stderr and proc.stderr.strip().count("\n") == 0, proc.stderr
        assert "Traceback" not in proc.stderr
    debug = run_cli("--debug", "crawl", "--db", "postgresql://127.0.0.1:1/nothing")
    assert debug.returncode != 0 and "Traceback" in debug.stderr


@pytest.mark.parametrize("setting", ["TELNETCONSOLE_ENABLED", "COOKIES_ENABLED"])
def test_safe_default_is_off(setting: str) -> None:
    from corpus.crawl.runner import build_settings

    assert build_settings().getbool(setting) is False
