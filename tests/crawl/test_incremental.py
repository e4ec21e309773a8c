"""Incremental crawls: the frontier skips known articles, feeds cost a 304, runs never overlap,
and a crawl killed with SIGKILL resumes with nothing lost and nothing stored twice."""

from __future__ import annotations

import datetime as dt
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from corpus.crawl.runlock import run_lock
from corpus.devtools.server import demo_site_root, render_sources, serve_sites
from corpus.store.frontier import seen_row
from corpus.store.models import Article, ArticleVersion, CrawlRun, FrontierEntry
from corpus.store.storage import open_database
from tests.conftest import DEMO_DUTCH_ARTICLES, FAST, ROOT, run_cli

DUTCH_ARTICLES = DEMO_DUTCH_ARTICLES  # from the gold; tests/crawl/test_crawl_demo.py checks them one by one


def _article_fetches(log: list[tuple[str, str, int]]) -> Counter:
    """Status counts of article-page requests (not feeds, sitemaps, robots.txt or listings)."""
    skip = (".xml", ".gz", ".atom", ".txt")
    return Counter(
        status
        for _, path, status in log
        if not path.endswith(skip) and path.count("/") >= 2 and not path.endswith("/")
    )


def _count(db: Path, model: type) -> int:
    with Session(open_database(str(db))) as s:
        return s.scalar(select(func.count()).select_from(model)) or 0


def test_second_crawl_of_an_unchanged_site_fetches_no_article_again(tmp_path: Path) -> None:
    log: list[tuple[str, str, int]] = []
    db = tmp_path / "inc.sqlite"
    with serve_sites(demo_site_root(), log=log) as bases:
        sources = render_sources(demo_site_root(), bases, tmp_path / "s.toml")
        assert run_cli("crawl", "--sources", str(sources), "--db", str(db), *FAST).returncode == 0
        first = list(log)
        log.clear()
        assert run_cli("crawl", "--sources", str(sources), "--db", str(db), *FAST).returncode == 0
        second = list(log)
    print(
        f"\nrequests: first crawl {len(first)}, second crawl {len(second)} ({Counter(s for *_, s in second)})"
    )
    assert _article_fetches(second)[200] == 0
    assert sum(1 for *_, status in second if status == 304) >= 3  # feeds and sitemaps: 304 Not Modified
    assert len(second) < len(first) / 2
    assert _count(db, Article) == DUTCH_ARTICLES
    assert _count(db, CrawlRun) == 2


def test_since_bounds_discovery_by_feed_and_sitemap_dates(demo_sources: Path, tmp_path: Path) -> None:
    db = tmp_path / "since.sqlite"
    assert (
        run_cli(
            "crawl", "--sources", str(demo_sources), "--db", str(db), "--since", "2023-01-01", *FAST
        ).returncode
        == 0
    )
    with Session(open_database(str(db))) as s:
        old = s.scalar(
            select(func.count())
            .select_from(FrontierEntry)
            .where(
                FrontierEntry.kind == "article",
                FrontierEntry.discovered_at < dt.datetime(2022, 12, 31, 22, 0, tzinfo=dt.UTC),
            )
        )
        stored = s.scalar(select(func.count()).select_from(Article))
    assert old == 0
    assert 0 < stored < DUTCH_ARTICLES


def test_refetch_days_rechecks_recent_articles_with_conditional_get(tmp_path: Path) -> None:
    log: list[tuple[str, str, int]] = []
    db = tmp_path / "refetch.sqlite"
    with serve_sites(demo_site_root(), ["polderpost"], log=log) as bases:
        text = (demo_site_root() / "sources.toml").read_text(encoding="utf-8")
        block = next(b for b in text.split("[[source]]") if 'name = "polderpost"' in b)
        sources = tmp_path / "s.toml"
        sources.write_text(
            "[[source]]" + block.replace("{{base:polderpost}}", bases["polderpost"]), encoding="utf-8"
        )
        assert run_cli("crawl", "--sources", str(sources), "--db", str(db), *FAST).returncode == 0
        stored = _count(db, Article)
        log.clear()
        assert (
            run_cli(
                "crawl", "--sources", str(sources), "--db", str(db), "--refetch-days", "36500", *FAST
            ).returncode
            == 0
        )
        rechecks = _article_fetches(log)
    assert rechecks[304] >= stored  # every stored article re-checked, each answered 304
    assert rechecks[200] == 0
    assert _count(db, Article) == stored and _count(db, ArticleVersion) == 0


def test_a_second_run_on_the_same_database_says_so_and_exits(demo_sources: Path, tmp_path: Path) -> None:
    db = tmp_path / "locked.sqlite"
    open_database(str(db)).dispose()
    with run_lock(str(db)):
        proc = run_cli("crawl", "--sources", str(demo_sources), "--db", str(db), *FAST)
    assert proc.returncode == 3
    assert "another crawl is running" in proc.stderr and f"pid {os.getpid()}" in proc.stderr
    assert _count(db, CrawlRun) == 0


def test_lock_on_postgresql(pg_url: str, demo_sources: Path) -> None:
    open_database(pg_url).dispose()
    with run_lock(pg_url):
        proc = run_cli("crawl", "--sources", str(demo_sources), "--db", pg_url, *FAST)
    assert proc.returncode == 3 and "another crawl is running" in proc.stderr


def test_kill_9_mid_crawl_then_restart_loses_nothing_and_stores_nothing_twice(tmp_path: Path) -> None:
    log: list[tuple[str, str, int]] = []
    db = tmp_path / "crash.sqlite"
    with serve_sites(demo_site_root(), delay=0.25, log=log) as bases:
        sources = render_sources(demo_site_root(), bases, tmp_path / "s.toml")
        cmd = [
            sys.executable,
            "-m",
            "corpus",
            "crawl",
            "--sources",
            str(sources),
            "--db",
            str(db),
            *FAST,
            "-s",
            "CORPUS_BATCH_SIZE=3",
        ]
        env = {k: v for k, v in os.environ.items() if k != "CRIMECORPUS_DB"}
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 120
        stored_before = 0
        while time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.3)
            if db.exists():
                try:
                    with sqlite3.connect(db, timeout=1) as conn:
                        stored_before = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
                except sqlite3.OperationalError:
                    continue
            if stored_before >= 6:
                break
        assert proc.poll() is None, "the crawl ended before it could be killed"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        with sqlite3.connect(db) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            stored_before = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
            done_paths = {row[0] for row in conn.execute("SELECT fetched_url FROM articles")}
            pending = conn.execute(
                "SELECT count(*) FROM frontier WHERE kind = 'article' AND outcome = 'pending'"
            ).fetchone()[0]
        assert 0 < stored_before < DUTCH_ARTICLES
        log.clear()
        started = time.monotonic()
        assert run_cli("crawl", "--sources", str(sources), "--db", str(db), *FAST).returncode == 0
        resumed_in = time.monotonic() - started
        refetched_done = [
            path for _, path, status in log if status == 200 and any(u.endswith(path) for u in done_paths)
        ]
    print(
        f"\nkilled after {stored_before} stored ({pending} pending in the frontier); restart finished in {resumed_in:.1f} s"
    )
    assert not refetched_done, refetched_done
    with Session(open_database(str(db))) as s:
        urls = list(s.scalars(select(Article.url)))
        assert len(urls) == len(set(urls)) == DUTCH_ARTICLES
        left = s.scalar(
            select(func.count()).select_from(FrontierEntry).where(FrontierEntry.outcome == "pending")
        )
        assert left == 0


def test_schedule_runs_crawls_in_a_loop(demo_sources: Path, tmp_path: Path) -> None:
    db = tmp_path / "sched.sqlite"
    proc = run_cli(
        "schedule",
        "--every",
        "1s",
        "--max-runs",
        "2",
        "--sources",
        str(demo_sources),
        "--source",
        "scheldebode",
        "--db",
        str(db),
        *FAST,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "run 2 ended with exit code 0" in proc.stdout
    with Session(open_database(str(db))) as s:
        runs = list(s.scalars(select(CrawlRun).order_by(CrawlRun.id)))
    assert [r.status for r in runs] == ["finished", "finished"]
    assert runs[1].articles_stored == 0 and runs[0].articles_stored > 0


def test_a_bare_discovery_date_is_read_in_the_sources_time_zone() -> None:
    now = dt.datetime(2024, 3, 2, tzinfo=dt.UTC)
    utc = seen_row("https://x.example/a", "x", "article", date="2024-03-01", tz="UTC", now=now)
    amsterdam = seen_row("https://x.example/a", "x", "article", date="2024-03-01", now=now)
    assert utc["discovered_at"] == dt.datetime(2024, 3, 1, tzinfo=dt.UTC)
    assert amsterdam["discovered_at"] == dt.datetime(2024, 2, 29, 23, tzinfo=dt.UTC)
