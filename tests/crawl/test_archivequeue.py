"""Queues of archive work items on the real Redis and databases: duplicates, reconciling, outages, two workers."""

from __future__ import annotations

import datetime as dt
import threading
import time
from pathlib import Path

import redis
from sqlalchemy import Engine

from corpus.crawl.archivequeue import DatabaseQueue, RedisLost, RedisQueue, ready_key
from corpus.crawl.distributed import connect
from corpus.store import archivework as W
from corpus.store.archivework import NewItem
from corpus.store.storage import make_engine, open_database

LEASE = 60.0
UNREACHABLE = "redis://127.0.0.1:1/0"  # nothing listens on port 1: every call is refused at once


def _captures(n: int, start: int = 0) -> list[NewItem]:
    return [
        NewItem(
            "capture", f"capture:{i:06d}", {"url": f"https://courant.example/nieuws/{i}"}, source="courant"
        )
        for i in range(start, start + n)
    ]


def _job(engine: Engine) -> int:
    return W.begin_job(engine, "backfill", {"sources": ["courant"], "from": "2018-01", "to": "2018-02"})


def _queue(engine: Engine, job: int, worker: str, url: str, prefix: str) -> RedisQueue:
    return RedisQueue(engine, job, worker, LEASE, connect(url), prefix, 5.0)


def test_the_database_queue_claims_and_knows_when_the_job_is_finished(tmp_path: Path) -> None:
    engine = open_database(f"sqlite:///{tmp_path / 'corpus.sqlite'}")
    job = _job(engine)
    queue = DatabaseQueue(engine, job, "w1", LEASE)
    queue.added(W.add_items(engine, job, _captures(3)))
    got = queue.claim(2)
    assert [i.name for i in got] == ["capture:000000", "capture:000001"]
    assert not queue.finished()
    queue.release([got[1].id])
    for item in [got[0], *queue.claim(5)]:
        W.complete(engine, item.id, "w1", job_id=job)
    assert queue.finished()
    queue.close()


def test_an_id_pushed_twice_is_claimed_once(pg_url: str, redis_url: tuple[str, str]) -> None:
    url, prefix = redis_url
    engine = open_database(pg_url)
    job = _job(engine)
    queue = _queue(engine, job, "w1", url, prefix)
    ids = W.add_items(engine, job, _captures(3))
    queue.added(ids)
    queue.added([ids[0], ids[0]])  # pushed again (a reconcile, a retry): the list holds one id three times
    first = queue.claim(10)
    assert sorted(i.id for i in first) == ids
    assert queue.claim(10) == []  # the copies are dropped: the lease decides, not the list
    assert queue.client.llen(ready_key(prefix, job)) == 0
    other = _queue(engine, job, "w2", url, prefix)
    other.added([ids[1]])
    assert other.claim(10) == []  # w1 holds it
    queue.close()
    other.close()


def test_reconcile_pushes_pending_and_expired_ids_back(pg_url: str, redis_url: tuple[str, str]) -> None:
    url, prefix = redis_url
    engine = open_database(pg_url)
    job = _job(engine)
    ids = W.add_items(engine, job, _captures(4))  # never pushed: a worker died between the database and Redis
    live = W.claim(engine, job, "live-worker", 1, lease_seconds=LEASE)  # held by a live worker
    long_ago = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=LEASE * 2)
    # Held by a worker that died long ago: its lease expired.
    [dead] = W.claim(engine, job, "dead-worker", 1, lease_seconds=LEASE, now=long_ago)
    queue = _queue(engine, job, "w1", url, prefix)
    got = queue.claim(10)
    assert queue.reconciled == 3  # the two pending ones and the expired one; not the live lease
    assert sorted(i.id for i in got) == sorted(set(ids) - {live[0].id})
    again = next(i for i in got if i.id == dead.id)
    assert again.attempts == 2  # the dead worker's attempt counts
    assert queue.claim(10) == []  # nothing else is open (and the next reconcile waits its turn)
    queue.close()


def test_a_lost_redis_raises_redis_lost_without_spinning_and_loses_nothing(
    tmp_path: Path,
    redis_url: tuple[str, str],
) -> None:
    url, prefix = redis_url
    engine = open_database(f"sqlite:///{tmp_path / 'corpus.sqlite'}")
    job = _job(engine)
    ids = W.add_items(engine, job, _captures(3))
    lost = RedisQueue(engine, job, "w-lost", LEASE, redis.Redis.from_url(UNREACHABLE), prefix, 1.0)
    start = time.monotonic()
    lost.added(ids)  # Redis is away: no error, the ids stay pending in the database
    calls = 0
    try:
        while calls < 10_000:  # a worker polling its queue (about 100 times a second here)
            calls += 1
            assert lost.claim(5) == []
            time.sleep(0.01)
    except RedisLost as exc:
        assert "Redis unreachable" in str(exc)
    else:
        raise AssertionError("claim never gave up on a lost Redis")
    assert time.monotonic() - start >= 1.0  # not before lost_seconds
    # One probe per back-off step (0.25 s doubling), not one connection attempt per claim.
    assert lost.outage.failures <= 5 < calls
    lost.close()
    # Nothing was lost: a worker with a working Redis finds the ids by reconciling.
    good = _queue(engine, job, "w-good", url, prefix)
    assert sorted(i.id for i in good.claim(10)) == ids
    good.close()


def test_a_released_item_goes_back_to_the_head_without_counting_an_attempt(
    pg_url: str,
    redis_url: tuple[str, str],
) -> None:
    url, prefix = redis_url
    engine = open_database(pg_url)
    job = _job(engine)
    a = _queue(engine, job, "w1", url, prefix)
    b = _queue(engine, job, "w2", url, prefix)
    a.added(W.add_items(engine, job, _captures(5)))
    held = a.claim(2)
    a.release([held[1].id])
    [next_one] = b.claim(1)
    assert (next_one.id, next_one.attempts) == (held[1].id, 1)
    a.close()
    b.close()


def _work(
    url: str,
    prefix: str,
    db: str,
    job: int,
    worker: str,
    barrier: threading.Barrier,
    done: list[int],
    errors: list[BaseException],
) -> None:
    """A worker: claim a few, do them (an index page plans ten captures), complete, until finished."""
    engine = make_engine(db)
    queue = RedisQueue(engine, job, worker, LEASE, connect(url), prefix, 5.0, reconcile_every=0.05)
    try:
        barrier.wait()
        while not queue.finished():
            items = queue.claim(2)
            if not items:
                time.sleep(0.01)
                continue
            for item in items:
                children = _captures(10, start=item.payload["page"] * 10) if item.kind == "cc_page" else []
                queue.added(W.complete(engine, item.id, worker, children, job_id=job))
                done.append(item.id)
    except BaseException as exc:  # reported by the test
        errors.append(exc)
    finally:
        queue.close()
        engine.dispose()


def test_two_redis_workers_split_one_job_and_do_no_item_twice(
    pg_url: str, redis_url: tuple[str, str]
) -> None:
    url, prefix = redis_url
    engine = open_database(pg_url)
    job = _job(engine)
    pages = W.add_items(
        engine, job, [NewItem("cc_page", f"cc_page:c:courant.example:{i}", {"page": i}) for i in range(12)]
    )
    seed = _queue(engine, job, "planner", url, prefix)
    seed.added(pages)
    seed.close()
    barrier = threading.Barrier(2)
    done: dict[str, list[int]] = {"a": [], "b": []}
    errors: list[BaseException] = []
    threads = [
        threading.Thread(target=_work, args=(url, prefix, pg_url, job, w, barrier, done[w], errors))
        for w in done
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    assert not any(t.is_alive() for t in threads)
    assert done["a"] and done["b"]  # both worked
    everything = done["a"] + done["b"]
    assert len(everything) == len(set(everything)) == 12 + 12 * 10  # each item done exactly once
    assert W.progress(engine, job) == {"cc_page": {"done": 12}, "capture": {"done": 120}}
    assert W.unfinished(engine, job) == 0
