"""Incremental crawling figures: requests of a second crawl of an unchanged site, and resume after kill -9.

    python bench/incremental.py

Serves the bundled demo site on 127.0.0.1, crawls it twice into a fresh SQLite file and counts
the requests the server saw; then crawls it again slowly (0.25 s per page), kills the crawl with
SIGKILL once a few articles are stored, restarts it and times how long the restart takes to make
its first request and to finish.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from corpus.devtools.server import demo_site_root, render_sources, serve_sites

ROOT = Path(__file__).resolve().parents[1]
FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False"]


def crawl(sources: Path, db: Path, *extra: str) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k != "CRIMECORPUS_DB"}
    cmd = [sys.executable, "-m", "corpus", "crawl", "--sources", str(sources), "--db", str(db), *FAST, *extra]
    return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def stored(db: Path) -> int:
    try:
        with sqlite3.connect(db, timeout=1) as conn:
            return conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    except sqlite3.OperationalError:
        return 0


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="cc-bench-"))
    print(f"work dir {tmp}")
    log: list[tuple[str, str, int]] = []
    with serve_sites(demo_site_root(), log=log) as bases:
        sources = render_sources(demo_site_root(), bases, tmp / "s.toml")
        db = tmp / "inc.sqlite"
        t0 = time.perf_counter()
        crawl(sources, db).wait()
        t1 = time.perf_counter()
        first = list(log)
        log.clear()
        crawl(sources, db).wait()
        t2 = time.perf_counter()
        second = list(log)
    print("second crawl of an unchanged site (demo site, 3 outlets)")
    print(f"  first crawl : {len(first):>3} requests {dict(Counter(s for *_, s in first))}  {t1 - t0:.1f} s")
    print(
        f"  second crawl: {len(second):>3} requests {dict(Counter(s for *_, s in second))}  {t2 - t1:.1f} s"
    )
    print(f"  articles stored: {stored(db)}")

    log.clear()
    with serve_sites(demo_site_root(), delay=0.25, log=log) as bases:
        sources = render_sources(demo_site_root(), bases, tmp / "s2.toml")
        db = tmp / "crash.sqlite"
        proc = crawl(sources, db, "-s", "CORPUS_BATCH_SIZE=3")
        while proc.poll() is None and stored(db) < 10:
            time.sleep(0.2)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        before = stored(db)
        with sqlite3.connect(db) as conn:
            pending = conn.execute(
                "SELECT count(*) FROM frontier WHERE kind='article' AND outcome='pending'"
            ).fetchone()[0]
        n = len(log)
        start = time.perf_counter()
        proc = crawl(sources, db)
        while len(log) == n and proc.poll() is None:
            time.sleep(0.01)
        first_request = time.perf_counter() - start
        proc.wait()
        total = time.perf_counter() - start
    print("resume after kill -9 (0.25 s per page served)")
    print(f"  killed with {before} articles stored, {pending} article URLs pending in the frontier")
    print(
        f"  restart: first request after {first_request:.2f} s, finished after {total:.1f} s, articles stored {stored(db)}"
    )


if __name__ == "__main__":
    main()
