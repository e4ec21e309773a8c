"""Distributed crawling on the real Redis and PostgreSQL: wire format, leases, and a worker killed mid-crawl."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import scrapy
from scrapy.utils.request import request_from_dict
from sqlalchemy import create_engine, func, select, text, update

from corpus.crawl.distributed import (
    Leases,
    clear_queue,
    connect,
    dumps,
    loads,
    queue_key,
    queue_status,
    reconcile,
)
from corpus.devtools.sitegen import GeneratedSite, serve_generated, write_sources
from corpus.sources.urls import canonical_url
from corpus.store.frontier import seen_row
from corpus.store.models import FrontierEntry
from corpus.store.storage import Store, open_database
from tests.conftest import ROOT, run_cli

FAST = [
    "-s", "DOWNLOAD_DELAY=0",
    "-s", "AUTOTHROTTLE_ENABLED=False",
    "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16",
    "-s", "CORPUS_WORKERS=1",
]  # fmt: skip


class _Spider(scrapy.Spider):
    name = "distributed"

    def parse_article(self, response: object, source: str, discovery: dict | None = None) -> None:
        pass

    def on_error(self, failure: object) -> None:
        pass


def test_requests_travel_as_json_and_come_back_whole() -> None:
    spider = _Spider()
    request = scrapy.Request(
        "https://nieuws.example/a?x=1",
        callback=spider.parse_article,
        errback=spider.on_error,
        headers={"If-None-Match": '"abc"', "X-Bytes": b"caf\xe9"},
        cb_kwargs={"source": "voorbeeld", "discovery": {"channel": "feed", "title": "Overval", "date": None}},
        meta={"corpus_key": "k1", "depth": 2, "tdm_rule": object()},  # an object a middleware left
        priority=3,
    )
    wire = dumps(request.to_dict(spider=spider))
    assert b"pickle" not in wire and wire.startswith(b"{")
    back = request_from_dict(loads(wire), spider=spider)
    assert back.url == request.url and back.priority == 3
    assert back.callback == spider.parse_article and back.errback == spider.on_error
    assert back.cb_kwargs == request.cb_kwargs
    assert back.meta == {"corpus_key": "k1", "depth": 2}  # the non-JSON value dropped, not fatal
    assert back.headers.getlist(b"X-Bytes") == [b"caf\xe9"]
    assert back.headers.get(b"If-None-Match") == b'"abc"'


def test_expired_leases_are_requeued_once_and_finished_ones_are_not(
    pg_url: str, redis_url: tuple[str, str]
) -> None:
    url, prefix = redis_url
    engine = open_database(pg_url)
    client = connect(url)
    now = dt.datetime.now(dt.UTC)
    store = Store(engine)
    for name in ("lost", "done", "fresh", "never"):
        store.frontier_seen(seen_row(f"https://nieuws.example/{name}", "voorbeeld", "article", now=now))
    store.flush()
    with engine.connect() as conn:
        keys = {r.url.rsplit("/", 1)[1]: r.id for r in conn.execute(select(FrontierEntry))}
    old = now - dt.timedelta(seconds=120)
    dead = Leases(engine, "host-a:1")
    for name in ("lost", "done"):
        dead.take(keys[name], old)
    dead.flush()
    with engine.begin() as conn:  # "done" was finished after it was taken
        conn.execute(
            update(FrontierEntry)
            .where(FrontierEntry.id == keys["done"])
            .values(outcome="stored", last_fetched=now)
        )
    fresh = Leases(engine, "host-b:2")
    fresh.take(keys["fresh"], now)
    fresh.flush()

    first = reconcile(engine, client, ["voorbeeld"], prefix=prefix, lease_seconds=60, now=now)
    assert first.requeued == 1 and first.in_flight == 1  # "lost" back on the queue; "fresh" is held
    assert first.swept == 0  # the queue is not empty: "never" may still be on its way
    queued = [loads(m) for m in client.zrange(queue_key(prefix), 0, -1)]
    assert [q["meta"]["corpus_key"] for q in queued] == [keys["lost"]]
    assert queued[0]["callback"] == "parse_article" and queued[0]["dont_filter"] is True
    again = reconcile(engine, client, ["voorbeeld"], prefix=prefix, lease_seconds=60, now=now)
    assert again.requeued == 0  # claimed once, queued once

    client.delete(queue_key(prefix))  # workers took everything; "fresh" is finished
    with engine.begin() as conn:
        conn.execute(
            update(FrontierEntry)
            .where(FrontierEntry.id.in_([keys["fresh"], keys["lost"]]))
            .values(outcome="stored", last_fetched=now + dt.timedelta(seconds=1))
        )
    last = reconcile(engine, client, ["voorbeeld"], prefix=prefix, lease_seconds=60, now=now)
    assert last.swept == 1  # "never" was pending, held by nobody and not queued: lost, queued again
    status = queue_status(engine, client, prefix)
    assert status.queued == 1 and status.outcomes == {"pending": 1, "stored": 3}
    clear_queue(client, prefix)
    engine.dispose()


def _count_stored(engine: object) -> int:
    with engine.connect() as conn:  # type: ignore[attr-defined]
        return int(conn.scalar(select(func.count()).select_from(text("articles"))))


def test_two_workers_one_killed_halfway_store_every_page_exactly_once(
    pg_url: str, redis_url: tuple[str, str], tmp_path: Path
) -> None:
    url, prefix = redis_url
    site = GeneratedSite(pages=2000)
    with serve_generated(site) as base:
        sources = write_sources(base, tmp_path / "sources.toml")
        common = ["--sources", str(sources), "--db", pg_url, "--redis", url, "--redis-prefix", prefix]
        seeded = run_cli("seed", *common)
        assert seeded.returncode == 0, seeded.stderr[-2000:]
        assert "queued 4 discovery documents" in seeded.stdout
        worker = [
            sys.executable, "-m", "corpus", "crawl", "--distributed", *common, *FAST,
            "-s", "CORPUS_LEASE_SECONDS=30", "-s", "CORPUS_RECONCILE_SECONDS=2", "-s", "CORPUS_IDLE_GRACE=1",
        ]  # fmt: skip
        env = {k: v for k, v in os.environ.items() if k != "CRIMECORPUS_DB"}
        logs = [open(tmp_path / f"worker{i}.log", "w") for i in range(2)]  # noqa: SIM115
        procs = [
            subprocess.Popen(worker, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT) for log in logs
        ]
        engine = create_engine(pg_url)
        try:
            deadline = time.monotonic() + 120
            while _count_stored(engine) < 1000:
                assert time.monotonic() < deadline, "the workers stalled before halfway"
                assert procs[0].poll() is None, (tmp_path / "worker0.log").read_text()[-3000:]
                time.sleep(0.2)
            with engine.connect() as conn:
                held = conn.scalar(
                    select(func.count())
                    .select_from(FrontierEntry)
                    .where(
                        FrontierEntry.leased_by.like(f"%:{procs[0].pid}"),
                        FrontierEntry.last_fetched.is_(None),
                    )
                )
            os.kill(procs[0].pid, signal.SIGKILL)
            procs[0].wait(10)
            assert procs[1].wait(150) == 0, (tmp_path / "worker1.log").read_text()[-3000:]
        finally:
            for proc in procs:
                if proc.poll() is None:
                    proc.kill()
                    proc.wait(10)
            for log in logs:
                log.close()

        with engine.connect() as conn:
            stored = [r[0] for r in conn.execute(text("SELECT url FROM articles"))]
            outcomes = dict(
                conn.execute(
                    select(FrontierEntry.outcome, func.count())
                    .where(FrontierEntry.kind == "article")
                    .group_by(FrontierEntry.outcome)
                ).all()
            )
            requeued = conn.scalar(
                select(func.count()).select_from(FrontierEntry).where(FrontierEntry.attempts > 0)
            )
            rejected = conn.scalar(text("SELECT count(*) FROM rejections"))
        engine.dispose()
        assert held, "the killed worker had nothing in flight: the kill tested nothing"
        assert len(stored) == len(set(stored)) == 2000
        assert set(stored) == {canonical_url(u) for u in site.article_urls(base)}
        assert outcomes == {"stored": 2000}
        assert requeued >= 1  # the killed worker's requests came back through reconciliation
        assert rejected == 0
        status = queue_status(None, connect(url), prefix)
        assert status.queued == 0
