"""Defects a review found in the crawl runtime: a stop guard that outlived its crawl, store
failures that ended as ``finished``, a Scrapy version whose crawler has no ``_engine``.

The crawls run in subprocesses (a Twisted reactor runs once per process) against the local
slow site of the signal tests, on real SQLite files and the real PostgreSQL.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from sqlalchemy import create_engine, text

from tests.conftest import FAST, ROOT
from tests.faults.fixtures.slowsite import slow_site

HOST = textwrap.dedent(
    """
    import os, signal, sys, threading, time

    import crimecorpus


    def fds():
        return len(os.listdir("/proc/self/fd"))


    def main():
        sources, db = sys.argv[1], sys.argv[2]
        threads_before = {t.name for t in threading.enumerate()}
        summary = crimecorpus.crawl(
            sources_file=sources, db=db, settings={"DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False}
        )
        print("stored", summary.stored, flush=True)
        left = sorted({t.name for t in threading.enumerate() if t.is_alive()} - threads_before)
        print("threads", ",".join(left), flush=True)
        wakeup = signal.set_wakeup_fd(-1)
        print("wakeup fd", wakeup, "handler", signal.getsignal(signal.SIGINT) is signal.default_int_handler)
        fds_after = fds()
        try:
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(1)
            print("no KeyboardInterrupt", flush=True)
        except KeyboardInterrupt:
            print("caught KeyboardInterrupt", flush=True)
        time.sleep(9)
        print("fds", fds_after, fds(), flush=True)
        print("host script done", flush=True)


    if __name__ == "__main__":  # the extraction workers are spawned: they import this file
        main()
    """
)


def test_a_ctrl_c_after_a_library_crawl_belongs_to_the_host(tmp_path: Path) -> None:
    """After ``crimecorpus.crawl()`` returns, SIGINT is the host's KeyboardInterrupt again: no
    stop thread left behind, no timer that kills the process seconds later."""
    script = tmp_path / "host.py"
    script.write_text(HOST, encoding="utf-8")
    with slow_site(tmp_path, pages=3) as site:
        proc = subprocess.run(
            [sys.executable, str(script), str(site.sources), str(tmp_path / "corpus.sqlite")],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=180,
        )
    out = proc.stdout
    assert proc.returncode == 0, (proc.returncode, out, proc.stderr[-3000:])
    assert "stored 3" in out, out
    assert "caught KeyboardInterrupt" in out, out
    assert "host script done" in out, out
    assert "interrupted by" not in proc.stderr, proc.stderr[-2000:]
    # Every thread the crawl started has ended (the stop watcher included); the host's signal
    # handling is as before the crawl. The reactor's own fds stay: it lives for the process.
    assert "threads \n" in out, out
    assert "wakeup fd -1 handler True" in out, out
    # Our pipe is closed: the count does not grow while the host goes on (nothing left to leak).
    _fds, after, later = next(line for line in out.splitlines() if line.startswith("fds")).split()
    assert int(later) <= int(after), out


def test_a_store_that_failed_outside_the_pipeline_ends_the_run_as_store_failed(
    tmp_path: Path, pg_url: str
) -> None:
    """A flush in an idle handler fails (the database went read-only); Scrapy swallows the
    error and closes as ``finished``, yet the run must end ``store_failed`` with status 1."""
    extension = json.dumps({"tests.faults.fixtures.idle_flush.FailOnIdle": 0})
    # Without the close steps (exact and near duplicates): their flush at close would notice the
    # failed store and stop the crawl themselves, hiding whether the run's end looks at the store.
    pipelines = json.dumps(
        {
            "pipelines.analysis.AnalysisPipeline": 100,
            "pipelines.store.StorePipeline": 900,
        }
    )
    with slow_site(tmp_path, pages=3) as site:
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "corpus",
                "crawl",
                "--sources",
                str(site.sources),
                "--db",
                pg_url,
                *FAST,
                "-s",
                f"EXTENSIONS={extension}",
                "-s",
                f"ITEM_PIPELINES={pipelines}",
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=180,
            env={k: v for k, v in os.environ.items() if k != "CRIMECORPUS_DB"},
        )
    assert proc.returncode == 1, (proc.returncode, proc.stdout, proc.stderr[-3000:])
    assert proc.stdout.startswith("crawl run 1: store_failed"), proc.stdout
    assert "read-only" in proc.stderr, proc.stderr[-2000:]
    engine = create_engine(pg_url)
    try:
        with engine.connect() as conn:
            status = conn.scalar(text("SELECT status FROM crawl_runs WHERE id = 1"))
    finally:
        engine.dispose()
    assert status in ("running", "store_failed"), status  # never "finished"


ENGINE_ONLY = textwrap.dedent(
    """
    from scrapy.settings import Settings
    from scrapy.utils.reactor import install_reactor

    install_reactor("twisted.internet.asyncioreactor.AsyncioSelectorReactor")
    from corpus.crawl.lifecycle import crawl_failure, fail_crawl
    from corpus.store.storage import DatabaseError

    class Engine:
        spider = object()  # a spider is open
        closed_with = None

        def close_spider_async(self, *, reason):
            Engine.closed_with = reason
            return self._done()

        async def _done(self):
            return None

    class Stats:
        def __init__(self):
            self.values = {}

        def set_value(self, key, value):
            self.values[key] = value

    class Crawler:  # as Scrapy 2.14.2 has it: a public engine, no _engine
        def __init__(self):
            self.engine = Engine()
            self.stats = Stats()
            self.settings = Settings({"CORPUS_STOP_GRACE": 1.0})

    crawler = Crawler()
    assert not hasattr(crawler, "_engine")
    exc = DatabaseError("cannot write: disk full")
    fail_crawl(crawler, exc)
    assert crawl_failure(crawler) is exc
    assert crawler.stats.values["corpus/failure"] == "cannot write: disk full"
    print("closed with", Engine.closed_with)
    """
)


def test_fail_crawl_closes_the_spider_of_a_crawler_that_has_only_a_public_engine() -> None:
    """Scrapy 2.14.2 (allowed by pyproject) has ``Crawler.engine`` and no ``_engine``: a failed
    store must still close the spider there. Run in a subprocess: it installs a reactor."""
    proc = subprocess.run(
        [sys.executable, "-c", ENGINE_ONLY], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "closed with store_failed" in proc.stdout, (proc.stdout, proc.stderr[-2000:])
