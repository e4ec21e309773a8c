"""crimecorpus backfill: an outlet's past from a local Common Crawl index + WARC server and a local Wayback.

Real parts only: the archive (``corpus.devtools.archive``) is served on 127.0.0.1 with range
requests, paging and faults; the backfill runs as the user runs it (``python -m corpus backfill``)
into real SQLite files, or PostgreSQL and Redis when distributed.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest
import redis
from sqlalchemy import func, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from corpus.devtools.archive import (
    DEMO_BASES,
    ArchivedPage,
    ArchiveEndpoints,
    ArchiveManifest,
    build_archive,
    demo_archive_pages,
    serve_archive,
)
from corpus.devtools.server import demo_site_root, render_sources
from corpus.store.frontier import frontier_key
from corpus.store.models import ArchiveItem, Article
from corpus.store.storage import open_database
from corpus.text.pagekind import NEWS_KINDS
from tests.conftest import DEMO_DUTCH_ARTICLES, FAST, ROOT, demo_gold, run_cli
from tests.faults.fixtures.forwarder import Forwarder
from tests.faults.fixtures.store_failed import ERROR_PREFIX, wait_until

COURANT = DEMO_BASES["courant"]
MOVED = f"{COURANT}/archief/2019/overval-juwelier"  # listed as 200, captured as a 301
WALLED = f"{COURANT}/2021/03/09/cookiemuur-in-het-archief"  # its capture is the consent wall
RESERVED = f"{COURANT}/2022/11/14/tdm-voorbehoud-verdachte-aangehouden"
TO_CONSENT = (
    f"{COURANT}/2020/02/11/ram-kraak-bij-supermarkt-in-breda"  # captured as a redirect to a consent host
)
CONSENT_TARGET = "https://myprivacy.dpgmedia.nl/consent?siteKey=courant&callbackUrl=" + TO_CONSENT
NO_WAIT = {slot: {"concurrency": 4, "delay": 0} for slot in ("cc-index", "cc-data", "ia-cdx", "ia-web")}


def _slots(delay: float = 0.0, concurrency: int = 4) -> str:
    return json.dumps({f"archive:{k}": {"concurrency": concurrency, "delay": delay} for k in NO_WAIT})


def _reserved_page(when: dt.datetime) -> ArchivedPage:
    """A Dutch article whose server reserved text and data mining in a header."""
    text = " ".join(
        [
            "De politie heeft maandagavond in Tilburg een 31-jarige man aangehouden na een woninginbraak",
            "aan de Ringbaan-Oost. Buurtbewoners zagen hoe de man via een achterraam naar binnen klom en",
            "belden de meldkamer. Agenten troffen hem kort daarna aan in een steegje met een tas vol sieraden.",
        ]
        * 4
    )
    body = (
        '<!DOCTYPE html><html lang="nl"><head><meta charset="utf-8"><title>Inbreker aangehouden</title>'
        f'<meta property="article:published_time" content="{when.isoformat()}"></head><body><article>'
        f"<h1>Inbreker op heterdaad aangehouden in Tilburg</h1><p>{text}</p><p>{text}</p></article></body></html>"
    ).encode()
    return ArchivedPage(
        RESERVED,
        body,
        when + dt.timedelta(days=1),
        headers=(("Content-Type", "text/html; charset=utf-8"), ("tdm-reservation", "1")),
    )


def _moved_target() -> str:
    return next(
        p.url for p in demo_archive_pages(DEMO_BASES) if p.url.startswith(COURANT) and "/2019/" in p.url
    )


def _courant_pages() -> list[ArchivedPage]:
    when = dt.datetime(2019, 6, 3, 9, tzinfo=dt.UTC)
    pages = [p for p in demo_archive_pages(DEMO_BASES) if p.url.startswith(COURANT) and p.kind == "ok"]
    pages += [
        # An index line says 200, the record is a 301: a redirect capture, in both archives.
        ArchivedPage.redirect(MOVED, _moved_target(), when, listed_status=200),
        ArchivedPage.consent(WALLED, when + dt.timedelta(days=640), outlet="Lage Landen Courant"),
        ArchivedPage.redirect(
            TO_CONSENT, CONSENT_TARGET, when + dt.timedelta(days=250), status=302, listed_status=200
        ),
        _reserved_page(dt.datetime(2022, 11, 14, 8, tzinfo=dt.UTC)),
    ]
    return pages


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> ArchiveManifest:
    return build_archive(tmp_path_factory.mktemp("archive"), _courant_pages(), page_size=8)


@pytest.fixture(scope="module")
def sources(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return render_sources(demo_site_root(), DEMO_BASES, tmp_path_factory.mktemp("src") / "sources.toml")


def _args(
    served: ArchiveEndpoints, sources: Path, db: str, *extra: str, delay: float = 0.0, concurrency: int = 4
) -> list[str]:
    args = [
        "backfill",
        "--source",
        "courant",
        "--from",
        "2018-01",
        "--to",
        "2024-12",
        "--sources",
        str(sources),
    ]
    args += [
        "--db",
        db,
        "-s",
        f"CORPUS_ARCHIVE_SLOTS={_slots(delay, concurrency)}",
        "-s",
        "RETRY_TIMES=2",
        *FAST,
        # Captures are marked done soon after they settle: a kill lands in the middle of a job.
        "-s",
        "CORPUS_WARC_CHECKPOINT_SECONDS=0.2",
    ]
    for name, value in served.settings().items():
        args += ["-s", f"{name}={value}"]
    return [*args, *extra]


def _spawn(
    args: list[str], *, stdout: Any = subprocess.PIPE, stderr: Any = subprocess.PIPE
) -> subprocess.Popen[Any]:
    """``python -m corpus ARGS`` started as a user would, with only the database the args name."""
    env = {k: v for k, v in os.environ.items() if k != "CRIMECORPUS_DB"}
    text = stdout is subprocess.PIPE or stderr is subprocess.PIPE
    return subprocess.Popen(
        [sys.executable, "-m", "corpus", *args], cwd=ROOT, env=env, stdout=stdout, stderr=stderr, text=text
    )


def _rows(db: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


def _stored_count(stdout: str) -> int:
    line = next(line for line in stdout.splitlines() if "articles stored" in line)
    return int(line.split()[-1])


@pytest.fixture
def served(archive: ArchiveManifest) -> Iterator[ArchiveEndpoints]:
    with serve_archive(archive) as endpoints:
        yield endpoints


def test_backfill_stores_the_outlets_past_with_provenance_and_records_what_it_refused(
    served: ArchiveEndpoints, sources: Path, tmp_path: Path
) -> None:
    db = tmp_path / "corpus.sqlite"
    result = run_cli(*_args(served, sources, f"sqlite:///{db}"))
    assert result.returncode == 0, result.stderr
    articles = _rows(
        db, "SELECT url, obtained_via, captured_at, record_id, published_at, source FROM articles"
    )
    assert _stored_count(result.stdout) == len(articles) >= 10
    assert {a[5] for a in articles} == {"courant"}
    assert len({frontier_key(a[0]) for a in articles}) == len(articles)  # one article per URL
    for url, via, captured, record, published, _ in articles:
        assert via in ("cc_index", "wayback")
        assert captured is not None
        if via == "cc_index":
            assert record.startswith("<urn:uuid:")
        else:
            assert record.startswith("ia:") and record.endswith(url.split("://", 1)[1])
        if published is not None:
            assert published[:10] <= captured[:10]  # never dated after its capture
    # The two archives each hold every page: the index that planned a URL first fetched it, once.
    captures = _rows(db, "SELECT status, count(*) FROM archive_items WHERE kind = 'capture' GROUP BY 1")
    assert set(dict(captures)) == {"done"} and dict(captures)["done"] >= 15
    rejections = {(r[0], r[1]): r[2] for r in _rows(db, "SELECT url, reason, detail FROM rejections")}
    assert re.fullmatch(rf"30[12] -> {re.escape(_moved_target())}", rejections[(MOVED, "redirect")])
    assert (WALLED, "consent") in rejections
    assert rejections[(TO_CONSENT, "consent_wall")].startswith("consent host myprivacy.dpgmedia.nl: ")
    assert rejections[(RESERVED, "tdm_reserved")].startswith("reserved by header")
    assert RESERVED not in {a[0] for a in articles}
    # The home page and the source's own section pages and feeds are links pages, not articles:
    # captured, but never planned (a live crawl reads them for links only).
    planned = {r[0] for r in _rows(db, "SELECT url FROM archive_items WHERE kind = 'capture'")}
    assert not planned & {f"{COURANT}/", f"{COURANT}/binnenland/"}
    assert re.search(r"discovery_page +[1-9]", result.stdout)
    # Only the outlet's records were fetched: one range request or raw capture per planned URL.
    fetched = [r for r in served.log if r.endpoint in ("cc_data", "ia_web") and r.status in (200, 206)]
    assert len(fetched) == dict(captures)["done"]
    assert all(r.range is not None and r.status == 206 for r in fetched if r.endpoint == "cc_data")


def test_a_second_run_goes_on_where_the_first_ended_and_asks_nothing_again(
    served: ArchiveEndpoints, sources: Path, tmp_path: Path
) -> None:
    db = tmp_path / "corpus.sqlite"
    first = run_cli(*_args(served, sources, f"sqlite:///{db}"))
    assert first.returncode == 0, first.stderr
    asked = len(served.log)
    second = run_cli(*_args(served, sources, f"sqlite:///{db}"))
    assert second.returncode == 0, second.stderr
    assert len(served.log) == asked  # every index page and capture is recorded as done
    assert _stored_count(second.stdout) == 0
    # Another span is another job: it plans again, and stores no URL a second time.
    third = run_cli(*_args(served, sources, f"sqlite:///{db}"), "--archive", "ia")
    assert third.returncode == 0, third.stderr
    assert len(served.log) > asked
    urls = [r[0] for r in _rows(db, "SELECT url FROM articles")]
    assert len(urls) == len(set(urls))
    assert "already_stored" in third.stdout


def test_a_503_with_retry_after_is_waited_out_and_a_truncated_range_is_recorded(
    archive: ArchiveManifest, sources: Path, tmp_path: Path
) -> None:
    truncated = next(p.url for p in _courant_pages() if "/2020/" in p.url and p.kind == "ok")
    db = tmp_path / "corpus.sqlite"
    with serve_archive(archive, fail_first={"/crawl-data/": (1, 2)}, truncate={truncated}) as served:
        # One request at a time: each leaves after the answer to the one before.
        result = run_cli(*_args(served, sources, f"sqlite:///{db}", "--archive", "cc", concurrency=1))
        log = list(served.log)
    assert result.returncode == 0, result.stderr
    data = [r for r in log if r.endpoint == "cc_data"]
    assert data[0].status == 503
    # Nothing went to the data server before the rest it asked for had passed.
    assert all(r.time >= data[0].time + 2 - 0.05 for r in data[1:])
    rejections = _rows(db, "SELECT url, stage, reason FROM rejections WHERE reason = 'truncated'")
    assert rejections == [(truncated, "archive", "truncated")]
    assert truncated not in {r[0] for r in _rows(db, "SELECT url FROM articles")}
    failed = _rows(db, "SELECT url, attempts, error FROM archive_items WHERE status = 'failed'")
    assert [(u, n) for u, n, _ in failed] == [(truncated, 3)]
    assert _stored_count(result.stdout) == len(_rows(db, "SELECT id FROM articles")) > 5


def test_requests_to_an_archive_are_spaced_by_its_slot_and_name_the_crawler(
    archive: ArchiveManifest, sources: Path, tmp_path: Path
) -> None:
    with serve_archive(archive) as served:
        result = run_cli(
            *_args(served, sources, f"sqlite:///{tmp_path / 'c.sqlite'}", "--archive", "ia", delay=0.3)
        )
        log = list(served.log)
    assert result.returncode == 0, result.stderr
    # Every request names the crawler and where to reach its operator.
    assert log and all(r.agent.startswith("crimecorpus/") and "+http" in r.agent for r in log)
    cdx = sorted(r.time for r in log if r.endpoint == "ia_cdx")
    assert len(cdx) >= 3
    # Scrapy spaces a slot's requests by 0.5 to 1.5 times its delay.
    assert min(b - a for a, b in itertools.pairwise(cdx)) >= 0.3 * 0.5 - 0.02


def test_a_killed_backfill_is_resumed_without_waiting_and_stores_every_article_once(
    archive: ArchiveManifest, sources: Path, tmp_path: Path
) -> None:
    db = tmp_path / "corpus.sqlite"
    # A slow archive, so that the run outlasts the first checkpoint (captures are marked done
    # every CORPUS_WARC_CHECKPOINT_SECONDS, 5 s): the kill must fall in its middle, not after its
    # end (seen once in CI with a faster archive: the run ended before any capture was marked).
    with serve_archive(archive, latency=0.5) as served:
        args = _args(served, sources, f"sqlite:///{db}", "-s", "CORPUS_BATCH_SIZE=2")
        proc = _spawn(args, stdout=None, stderr=None)
        try:
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                if db.exists():
                    try:
                        done = _rows(
                            db, "SELECT count(*) FROM archive_items WHERE kind='capture' AND status='done'"
                        )
                    except sqlite3.OperationalError:
                        done = [(0,)]
                    if done[0][0] >= 4:
                        break
                time.sleep(0.1)
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=30)
        finally:
            if proc.poll() is None:
                proc.kill()
        leased = _rows(db, "SELECT count(*) FROM archive_items WHERE status = 'leased'")[0][0]
        assert leased > 0  # the kill left leases behind
        result = run_cli(*args)
    assert result.returncode == 0, result.stderr
    assert _rows(db, "SELECT status, count(*) FROM archive_items WHERE status != 'done' GROUP BY 1") in (
        [],
        [("failed", 0)],
    )
    urls = [r[0] for r in _rows(db, "SELECT url FROM articles")]
    assert len(urls) == len(set(urls)) >= 10


def test_bad_spans_and_missing_sources_are_one_line_and_exit_2(sources: Path, tmp_path: Path) -> None:
    db = tmp_path / "never.sqlite"
    base = ["backfill", "--sources", str(sources), "--db", f"sqlite:///{db}"]
    for extra in (
        ["--source", "courant", "--from", "2020-05", "--to", "2019-01"],
        ["--source", "courant", "--from", "2020-13", "--to", "2021-01"],
        ["--from", "2019-01", "--to", "2019-12"],
        ["--source", "nosuch", "--from", "2019-01", "--to", "2019-12"],
    ):
        result = run_cli(*base, *extra)
        assert result.returncode == 2, (extra, result.stderr)
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert not db.exists()  # nothing created


def test_demo_backfill_stores_what_the_live_demo_crawl_stores_dated_the_same(tmp_path: Path) -> None:
    """The demo archive holds every page of the demo site (listings, feeds' pages, a consent wall,
    a redirect): a backfill must keep exactly the Dutch articles the gold lists, with their dates."""
    out = tmp_path / "demo"
    result = run_cli("demo", "--backfill", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("backfill run 1: finished")
    gold = {
        (p["outlet"], p["path"]): p
        for p in demo_gold()
        if p["kind"] in NEWS_KINDS and p["language"] == "nl" and not p.get("tracking_duplicate_of")
    }
    rows = _rows(out / "corpus.sqlite", "SELECT source, url, published, obtained_via FROM articles")
    stored = {(source, urlsplit(url).path): (published, via) for source, url, published, via in rows}
    assert set(stored) == set(gold) and len(rows) == DEMO_DUTCH_ARTICLES
    for key, (published, via) in stored.items():
        assert via in ("cc_index", "wayback")
        assert published == gold[key]["published"], key
    records = [json.loads(line) for line in (out / "corpus.jsonl").read_text(encoding="utf-8").splitlines()]
    assert records and all(r["captured_at"] and r["record_id"] and r["obtained_via"] for r in records)
    # The data card counts articles per provenance and says what was asked of the archives.
    built = run_cli("dataset", "build", "--db", str(out / "corpus.sqlite"), "--out", str(tmp_path / "ds"))
    assert built.returncode == 0, built.stderr
    card = (tmp_path / "ds" / "README.md").read_text(encoding="utf-8")
    assert re.search(r"Provenance \(`obtained_via`\): cc_index \d+", card)
    assert (
        "- backfill of courant, deltamedia, polderpost, scheldebode from 2018-01 to 2024-12 "
        "(Common Crawl and the Internet Archive's Wayback Machine): "
    ) in card


def test_two_distributed_workers_share_a_backfill_and_a_killed_ones_items_are_done_by_the_other(
    archive: ArchiveManifest,
    sources: Path,
    tmp_path: Path,
    pg_url: str,
    redis_url: tuple[str, str],
) -> None:
    redis_url, prefix = redis_url
    engine = open_database(pg_url)  # the schema first, as every worker would find it
    with serve_archive(archive, latency=0.05) as served:
        args = _args(served, sources, pg_url, "--distributed", "--redis", redis_url, "--redis-prefix", prefix)
        args += [
            "-s",
            "CORPUS_ARCHIVE_LEASE_SECONDS=4",
            "-s",
            "CORPUS_BATCH_SIZE=2",
            "-s",
            "CORPUS_ARCHIVE_IN_FLIGHT=4",
        ]
        logs = {name: (tmp_path / f"{name}.log").open("wb") for name in "ab"}
        a, b = (_spawn(args, stdout=logs[n], stderr=logs[n]) for n in "ab")
        held: list[int] = []
        try:
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline and a.poll() is None and not held:
                time.sleep(0.05)
                try:
                    with Session(engine) as s:
                        mine = ArchiveItem.leased_by.like(f"%:{a.pid}")
                        done = s.scalar(
                            select(func.count()).where(
                                ArchiveItem.kind == "capture", ArchiveItem.status == "done"
                            )
                        )
                        leased = list(
                            s.scalars(
                                select(ArchiveItem.id).where(
                                    mine, ArchiveItem.status == "leased", ArchiveItem.kind == "capture"
                                )
                            )
                        )
                except Exception:  # the job is not planned yet
                    continue
                if (done or 0) >= 4 and leased:
                    os.kill(a.pid, signal.SIGKILL)  # halfway, holding captures: no warning
                    held = leased
            assert held, (
                "worker A finished before it could be killed: " + (tmp_path / "a.log").read_text()[-2000:]
            )
            a.wait()
            # A may have marked some of them done between the read above and its death; what it
            # still held when it died is what B must take over.
            with Session(engine) as s:
                held = list(
                    s.scalars(
                        select(ArchiveItem.id).where(ArchiveItem.id.in_(held), ArchiveItem.status == "leased")
                    )
                )
            assert held, "worker A finished every capture it held before it died"
            assert b.wait(timeout=240) == 0, (tmp_path / "b.log").read_text()[-3000:]
        finally:
            for proc in (a, b):
                if proc.poll() is None:
                    proc.kill()
                    proc.wait()
    with Session(engine) as s:
        urls = list(s.scalars(select(Article.url)))
        statuses: dict[str, int] = {
            status: n
            for status, n in s.execute(select(ArchiveItem.status, func.count()).group_by(ArchiveItem.status))
        }
        taken = list(s.scalars(select(ArchiveItem).where(ArchiveItem.id.in_(held))))
    engine.dispose()
    assert statuses == {"done": sum(statuses.values())}  # nothing lost, nothing left leased
    assert len(urls) == len(set(urls)) >= 10  # every article once
    # What A held when it died was done by B, as a second attempt.
    assert taken and all(i.status == "done" and i.attempts >= 2 for i in taken)
    assert all(not (i.leased_by or "").endswith(f":{a.pid}") for i in taken)


def test_sigterm_stops_a_backfill_and_hands_its_items_back(
    archive: ArchiveManifest, sources: Path, tmp_path: Path
) -> None:
    db = tmp_path / "corpus.sqlite"
    with serve_archive(archive, latency=0.2) as served:
        args = _args(served, sources, f"sqlite:///{db}", concurrency=1)
        proc = _spawn(args, stdout=None)
        try:
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                time.sleep(0.1)
                try:
                    leased = _rows(db, "SELECT count(*) FROM archive_items WHERE status = 'leased'")[0][0]
                except sqlite3.OperationalError:  # not created yet
                    continue
                if leased >= 2:
                    break
            proc.send_signal(signal.SIGTERM)
            _, stderr = proc.communicate(timeout=30)
        finally:
            if proc.poll() is None:
                proc.kill()
        assert proc.returncode == 130, stderr
        assert stderr.strip().splitlines()[-1].startswith("crimecorpus: interrupted by SIGTERM")
        # Nothing is left leased: another worker (or the next run) takes the items at once.
        assert _rows(db, "SELECT count(*) FROM archive_items WHERE status = 'leased'") == [(0,)]
        again = run_cli(*_args(served, sources, f"sqlite:///{db}"))
    assert again.returncode == 0, again.stderr
    assert _rows(db, "SELECT DISTINCT status FROM archive_items") == [("done",)]


def test_a_distributed_backfill_worker_cut_off_from_redis_stops_non_zero_with_one_line(
    archive: ArchiveManifest,
    sources: Path,
    tmp_path: Path,
    pg_url: str,
    real_redis: tuple[str, str, redis.Redis],
) -> None:
    url, prefix, _client = real_redis
    parts = urlsplit(url)
    open_database(pg_url).dispose()
    with (
        Forwarder((parts.hostname or "127.0.0.1", parts.port or 6379)) as forwarder,
        serve_archive(archive, latency=0.3) as served,
    ):
        via = urlunsplit((parts.scheme, f"127.0.0.1:{forwarder.port}", parts.path, "", ""))
        args = _args(served, sources, pg_url, "--distributed", "--redis", via, "--redis-prefix", prefix)
        args += ["-s", "CORPUS_REDIS_LOST_SECONDS=3", "-s", "CORPUS_ARCHIVE_IN_FLIGHT=2"]
        worker = _spawn(args)
        try:
            engine = open_database(pg_url)
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline and worker.poll() is None:
                with Session(engine) as s:
                    if s.scalar(select(func.count()).where(ArchiveItem.kind == "capture")):
                        break  # planning is done, captures are being fetched
                time.sleep(0.1)
            engine.dispose()
            assert worker.poll() is None, worker.communicate()[1][-3000:]
            forwarder.cut()
            out, err = worker.communicate(timeout=90)
        finally:
            if worker.poll() is None:
                worker.kill()
                worker.wait(10)
    assert worker.returncode == 1, err[-3000:]
    lines = err.strip().splitlines()
    assert lines[-1].startswith("crimecorpus: error: lost Redis at"), err[-3000:]
    assert "Traceback" not in err and len(err) < 20_000
    assert "redis_lost" in out


def test_postgresql_lost_mid_backfill_stops_in_one_line_and_the_rerun_finishes(
    archive: ArchiveManifest, sources: Path, pg_url: str
) -> None:
    direct = make_url(pg_url)
    forwarder = Forwarder((direct.host or "127.0.0.1", direct.port or 5432))
    through = direct.set(host="127.0.0.1", port=forwarder.port).render_as_string(hide_password=False)
    engine = open_database(pg_url)

    def captures_done() -> int:
        with Session(engine) as s:
            return int(
                s.scalar(
                    select(func.count()).where(ArchiveItem.kind == "capture", ArchiveItem.status == "done")
                )
                or 0
            )

    try:
        with serve_archive(archive, latency=0.1) as served:
            args = _args(served, sources, through, "-s", "CORPUS_BATCH_SIZE=2", concurrency=1)
            proc = _spawn(args)
            wait_until(proc, lambda: captures_done() >= 3, "fetched three captures")
            forwarder.cut()  # the server is gone for the backfill (the real one runs on)
            out, err = proc.communicate(timeout=90)
            assert proc.returncode == 1, (out, err[-3000:])
            lines = [line for line in err.splitlines() if line.strip()]
            assert len(lines) == 1 and lines[0].startswith(ERROR_PREFIX), err[-3000:]
            assert out.startswith("backfill run 1: store_failed"), out
            forwarder.restore()
            again = run_cli(*_args(served, sources, through))
        assert again.returncode == 0, again.stderr[-3000:]
        with Session(engine) as s:
            statuses = set(s.scalars(select(ArchiveItem.status).distinct()))
            urls = list(s.scalars(select(Article.url)))
        assert statuses == {"done"}
        assert len(urls) == len(set(urls)) >= 10
    finally:
        forwarder.close()
        engine.dispose()
