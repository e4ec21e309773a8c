"""A lost Redis is an error: a worker cut off mid-crawl backs off, then stops non-zero with one line.

Redis is cut through a TCP forwarder the test owns in front of the real server (127.0.0.1:6379,
database 15): the server itself is never stopped. A cut closes the forwarder's port and every
connection through it, as a crashed Redis or a lost network would; a hang keeps the connections
open but forwards nothing, as a partition that drops packets would.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import suppress
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
import redis

from corpus.crawl.distributed import RedisOutage, dead_key, queue_key
from corpus.devtools.sitegen import GeneratedSite, serve_generated, write_sources
from tests.conftest import ROOT, run_cli
from tests.faults.fixtures.forwarder import Forwarder

FAST = [
    "-s", "DOWNLOAD_DELAY=0",
    "-s", "AUTOTHROTTLE_ENABLED=False",
    "-s", "CORPUS_WORKERS=1",
    "-s", "CORPUS_IDLE_GRACE=1",
]  # fmt: skip


@pytest.fixture
def forwarder(real_redis: tuple[str, str, redis.Redis]) -> Iterator[Forwarder]:
    """A :class:`Forwarder` in front of the real Redis, closed after the test."""
    parts = urlsplit(real_redis[0])
    with Forwarder((parts.hostname or "127.0.0.1", parts.port or 6379)) as forwarder:
        yield forwarder


def _via(url: str, port: int) -> str:
    parts = urlsplit(url)
    auth = parts.netloc.rpartition("@")[0]
    return urlunsplit((parts.scheme, (auth + "@" if auth else "") + f"127.0.0.1:{port}", parts.path, "", ""))


def _stored(db: Path) -> int:
    import sqlite3

    if not db.exists():
        return 0
    with suppress(sqlite3.Error), sqlite3.connect(db, timeout=5) as conn:
        return int(conn.execute("SELECT count(*) FROM articles").fetchone()[0])
    return 0


@pytest.mark.parametrize("fault", ["cut", "hang"])
def test_a_worker_cut_off_from_redis_stops_non_zero_with_one_line_and_a_small_log(
    real_redis: tuple[str, str, redis.Redis], forwarder: Forwarder, tmp_path: Path, fault: str
) -> None:
    url, prefix, _client = real_redis
    via = _via(url, forwarder.port)
    db = tmp_path / "corpus.sqlite"
    limit = 3
    with serve_generated(GeneratedSite(pages=3000)) as base:
        sources = write_sources(base, tmp_path / "sources.toml")
        common = ["--sources", str(sources), "--db", str(db), "--redis", via, "--redis-prefix", prefix]
        seeded = run_cli("seed", *common)
        assert seeded.returncode == 0, seeded.stderr[-2000:]
        env = {k: v for k, v in os.environ.items() if k != "CRIMECORPUS_DB"}
        out, err = tmp_path / "worker.out", tmp_path / "worker.err"
        with out.open("w") as stdout, err.open("w") as stderr:
            command = [
                sys.executable, "-m", "corpus", "crawl", "--distributed", *common, *FAST,
                "-s", f"CORPUS_REDIS_LOST_SECONDS={limit}",
            ]  # fmt: skip
            worker = subprocess.Popen(
                command,
                cwd=ROOT,
                env=env,
                stdout=stdout,
                stderr=stderr,
            )
            try:
                deadline = time.monotonic() + 120
                while _stored(db) < 20:  # mid-crawl: articles are flowing
                    assert worker.poll() is None, err.read_text()[-3000:]
                    assert time.monotonic() < deadline, "the worker stored nothing"
                    time.sleep(0.2)
                forwarder.cut() if fault == "cut" else forwarder.hang()
                cut_at = time.monotonic()
                code = worker.wait(limit + 60)
                took = time.monotonic() - cut_at
            finally:
                if worker.poll() is None:
                    worker.kill()
                    worker.wait(10)
    stored_at_end = _stored(db)
    errors = err.read_text()
    assert code != 0, errors[-3000:]
    assert stored_at_end < 3000, "the crawl finished before the cut: nothing was tested"
    lines = errors.strip().splitlines()
    assert lines[-1].startswith("crimecorpus: error: lost Redis at"), errors[-3000:]
    assert "***" in lines[-1] or "@" not in lines[-1]
    assert "Traceback" not in errors
    # Rate-limited: a handful of lines, not a flood (the issue measured 818 MB in two minutes).
    assert len(errors) < 20_000, f"{len(errors)} bytes of log in {took:.1f} s"
    assert "redis_lost" in out.read_text()  # the summary names why the run did not finish
    print(f"Redis {fault}: worker exited {code} {took:.1f} s later; {len(errors)} bytes on stderr")


def test_undecodable_queue_entries_are_counted_and_set_aside(
    real_redis: tuple[str, str, redis.Redis], tmp_path: Path
) -> None:
    url, prefix, client = real_redis
    db = tmp_path / "corpus.sqlite"
    with serve_generated(GeneratedSite(pages=30)) as base:
        sources = write_sources(base, tmp_path / "sources.toml")
        common = ["--sources", str(sources), "--db", str(db), "--redis", url, "--redis-prefix", prefix]
        assert run_cli("seed", *common).returncode == 0
        garbage = [
            b"\x80\x04not a request",
            b'{"url": "http://127.0.0.1:9/a", "callback": "no_such_method"}',
            b'{"callback": "nope"',
        ]
        client.zadd(queue_key(prefix), {g: -10_000 for g in garbage})  # first in line
        started = time.monotonic()
        proc = run_cli("crawl", "--distributed", *common, *FAST, timeout=120)
        took = time.monotonic() - started
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert sorted(client.lrange(dead_key(prefix), 0, -1)) == sorted(garbage)
    assert client.zcard(queue_key(prefix)) == 0
    assert _stored(db) == 30  # the good entries were all crawled
    assert proc.stderr.count("set aside undecodable queue entry") == 1  # logged once, counted all
    status = run_cli("queue", "--no-db", "--redis", url, "--redis-prefix", prefix)
    assert "set aside         3 undecodable entries" in status.stdout, status.stdout
    print(f"worker finished in {took:.1f} s with 3 entries set aside")


def test_crawl_distributed_with_a_wrong_redis_port_is_one_line_and_exit_2(tmp_path: Path) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sources = tmp_path / "sources.toml"
    write_sources("http://127.0.0.1:9", sources)
    started = time.monotonic()
    proc = run_cli(
        "crawl", "--distributed", "--sources", str(sources), "--db", str(tmp_path / "c.sqlite"),
        "--redis", f"redis://:geheim@127.0.0.1:{port}/15",
    )  # fmt: skip
    took = time.monotonic() - started
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("crimecorpus: error: cannot reach Redis at"), proc.stderr
    assert "geheim" not in proc.stderr
    print(f"exit 2 after {took:.1f} s")


@pytest.mark.parametrize("fault", ["cut", "hang"])
def test_sigterm_stops_a_worker_waiting_for_a_lost_redis(
    real_redis: tuple[str, str, redis.Redis], forwarder: Forwarder, tmp_path: Path, fault: str
) -> None:
    url, prefix, _client = real_redis
    db = tmp_path / "corpus.sqlite"
    with serve_generated(GeneratedSite(pages=3000)) as base:
        sources = write_sources(base, tmp_path / "sources.toml")
        common = ["--sources", str(sources), "--db", str(db), "--redis", _via(url, forwarder.port)]
        common += ["--redis-prefix", prefix]
        assert run_cli("seed", *common).returncode == 0
        env = {k: v for k, v in os.environ.items() if k != "CRIMECORPUS_DB"}
        err = tmp_path / "worker.err"
        with err.open("w") as stderr:
            worker = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "corpus",
                    "crawl",
                    "--distributed",
                    *common,
                    *FAST,
                ],  # the default 60 s
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=stderr,
            )
            try:
                deadline = time.monotonic() + 120
                while _stored(db) < 20:
                    assert worker.poll() is None, err.read_text()[-3000:]
                    assert time.monotonic() < deadline, "the worker stored nothing"
                    time.sleep(0.2)
                forwarder.cut() if fault == "cut" else forwarder.hang()
                time.sleep(2)  # backing off now (or blocked in a call that will time out)
                assert worker.poll() is None
                sent = time.monotonic()
                worker.send_signal(signal.SIGTERM)
                code = worker.wait(30)
                took = time.monotonic() - sent
            finally:
                if worker.poll() is None:
                    worker.kill()
                    worker.wait(10)
    assert took < 10, f"SIGTERM took {took:.1f} s"
    assert code != 0
    assert len(err.read_text()) < 20_000
    print(f"SIGTERM during the Redis {fault}: exit {code} after {took:.1f} s")


class _Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_the_outage_backs_off_logs_sparingly_and_gives_up_at_the_limit() -> None:
    clock, lines = _Clock(), []
    outage = RedisOutage(60, log=lines.append, clock=clock)
    assert outage.ready() and not outage.down
    outage.failed(TimeoutError("Timeout reading from socket"), started=clock.now - 5)  # a hung call
    assert outage.down and not outage.ready() and not outage.probe_due()
    assert outage.since == 95  # the outage began when the call that failed began
    calls = 1
    while not outage.lost:  # what the worker's clock does: one probe per back-off step
        if outage.probe_due():
            calls += 1
            outage.failed(ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused."))
        clock.now += 0.05
    assert 55 <= clock.now - 100 < 55.1
    assert calls < 25  # back-off: 0.25 s doubling to 5 s, not thousands of attempts
    assert 5 <= len(lines) <= 7  # the first failure, then one line per 10 s
    assert "Connection refused" in outage.error
    outage.recovered()
    assert not outage.down and outage.ready() and lines[-1].startswith("Redis is back")
