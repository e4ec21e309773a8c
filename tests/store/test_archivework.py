"""Archive work items on SQLite and PostgreSQL: jobs, claims, leases, expiry, completion, concurrency."""

from __future__ import annotations

import datetime as dt
import threading

from alembic import command
from sqlalchemy import Engine, inspect, select, update
from sqlalchemy.orm import Session

from corpus.store.archivework import (
    LEASE_EXPIRED,
    MAX_ATTEMPTS,
    NewItem,
    add_items,
    begin_job,
    claim,
    complete,
    fail,
    job_bytes,
    lease_ids,
    open_ids,
    progress,
    release,
    renew,
    stored_keys,
    unfinished,
)
from corpus.store.models import ArchiveItem
from corpus.store.storage import Store, _alembic_config, make_engine, open_database
from tests.store.test_storage import row

LEASE = 60.0
SPEC = {"sources": ["courant"], "from": "2018-01", "to": "2018-03", "archives": ["cc", "ia"]}


def _captures(n: int, start: int = 0) -> list[NewItem]:
    return [
        NewItem(
            "capture", f"capture:{i:06d}", {"url": f"https://courant.example/nieuws/{i}"}, source="courant"
        )
        for i in range(start, start + n)
    ]


def _item(engine: Engine, item_id: int) -> ArchiveItem:
    with Session(engine) as s:
        item = s.get(ArchiveItem, item_id)
        assert item is not None
        return item


def test_a_job_is_begun_once_for_the_same_kind_and_spec(db_url: str) -> None:
    engine = open_database(db_url)
    first = begin_job(engine, "backfill", SPEC)
    assert (
        begin_job(engine, "backfill", dict(reversed(list(SPEC.items())))) == first
    )  # key order is not identity
    assert begin_job(engine, "backfill", {**SPEC, "to": "2018-04"}) != first
    assert begin_job(engine, "ingest_warc", {}) not in (first,)
    assert begin_job(engine, "ingest_warc", {}) == begin_job(engine, "ingest_warc", {})
    try:
        begin_job(engine, "crawl", {})
    except ValueError as exc:
        assert "crawl" in str(exc)
    else:
        raise AssertionError("an unknown job kind was accepted")


def test_items_are_added_once_per_name_and_the_plan_is_claimed_before_the_work(db_url: str) -> None:
    engine = open_database(db_url)
    job = begin_job(engine, "backfill", SPEC)
    other = begin_job(engine, "ingest_warc", {})
    captures = add_items(engine, job, [*_captures(3), _captures(1)[0]])  # a name twice in one call
    assert len(captures) == 3
    [fourth] = add_items(engine, job, _captures(4))  # only the new one
    assert fourth not in captures and _item(engine, fourth).name == "capture:000003"
    assert add_items(engine, other, _captures(1)) != []  # names are unique per job, not globally
    pages = add_items(
        engine,
        job,
        [
            NewItem("ia_page", "ia_page:courant.example:1", {"host": "courant.example", "page": 1}),
            NewItem("cc_collections", "cc_collections", {}),
            NewItem("ia_probe", "ia_probe:courant.example", {"host": "courant.example"}),
        ],
    )
    assert len(pages) == 3
    got = claim(engine, job, "w1", 4, lease_seconds=LEASE)
    # Planning first, in ITEM_KINDS order, then the work by id; nothing of the other job.
    assert [i.kind for i in got] == ["cc_collections", "ia_probe", "ia_page", "capture"]
    assert got[3].name == "capture:000000" and got[3].payload == {"url": "https://courant.example/nieuws/0"}
    assert got[3].source == "courant" and got[3].job_id == job
    assert all(i.attempts == 1 for i in got)
    rest = claim(engine, job, "w2", 10, lease_seconds=LEASE)
    assert [i.name for i in rest] == ["capture:000001", "capture:000002", "capture:000003"]
    assert claim(engine, job, "w3", 10, lease_seconds=LEASE) == []  # all held by live leases
    assert unfinished(engine, job) == 7
    try:
        add_items(engine, job, [NewItem("capture", "capture:x", {}), NewItem("tweet", "tweet:1", {})])
    except ValueError as exc:
        assert "tweet" in str(exc)
    else:
        raise AssertionError("an unknown item kind was accepted")
    assert unfinished(engine, job) == 7  # the valid item of that call was not added either


def test_an_expired_lease_is_claimed_again_and_given_up_at_max_attempts(db_url: str) -> None:
    engine = open_database(db_url)
    job = begin_job(engine, "backfill", SPEC)
    [item_id] = add_items(engine, job, _captures(1))
    now = dt.datetime(2026, 12, 5, 8, 0, tzinfo=dt.UTC)
    [got] = claim(engine, job, "dead-1", 5, lease_seconds=LEASE, now=now)
    assert (got.id, got.attempts) == (item_id, 1)
    for attempt in range(2, MAX_ATTEMPTS + 1):
        # The worker holding the item died. While its lease is live nobody else gets the item ...
        live = now + dt.timedelta(seconds=LEASE - 1)
        assert claim(engine, job, "other", 5, lease_seconds=LEASE, now=live) == []
        assert open_ids(engine, job, lease_seconds=LEASE, now=live) == []
        # ... once it expired, the next claim takes it, counted as one more attempt.
        now += dt.timedelta(seconds=LEASE + 1)
        assert open_ids(engine, job, lease_seconds=LEASE, now=now) == [item_id]
        [got] = claim(engine, job, f"dead-{attempt}", 5, lease_seconds=LEASE, now=now)
        assert (got.id, got.attempts) == (item_id, attempt)
    item = _item(engine, item_id)
    assert (item.status, item.attempts, item.leased_by) == ("leased", MAX_ATTEMPTS, f"dead-{MAX_ATTEMPTS}")
    # The last lease expires too: the item is failed, not claimed a fourth time.
    later = now + dt.timedelta(seconds=LEASE + 1)
    assert open_ids(engine, job, lease_seconds=LEASE, now=later) == [item_id]  # until a claim settles it
    assert claim(engine, job, "w", 5, lease_seconds=LEASE, now=later) == []
    item = _item(engine, item_id)
    assert (item.status, item.error, item.attempts) == ("failed", LEASE_EXPIRED, MAX_ATTEMPTS)
    assert unfinished(engine, job) == 0
    assert progress(engine, job) == {"capture": {"failed": 1}}


def test_renewed_leases_do_not_expire_and_released_items_do_not_count_an_attempt(db_url: str) -> None:
    engine = open_database(db_url)
    job = begin_job(engine, "backfill", SPEC)
    add_items(engine, job, _captures(3))
    t0 = dt.datetime(2026, 12, 5, 8, 0, tzinfo=dt.UTC)
    a, b, c = claim(engine, job, "w1", 3, lease_seconds=LEASE, now=t0)
    t1 = t0 + dt.timedelta(seconds=LEASE - 1)
    renew(engine, [a.id, b.id], "w1", now=t1)
    renew(engine, [c.id], "someone-else", now=t1)  # not theirs: nothing moves
    t2 = t0 + dt.timedelta(seconds=LEASE + 1)
    assert [i.id for i in claim(engine, job, "w2", 5, lease_seconds=LEASE, now=t2)] == [c.id]
    release(engine, [a.id, c.id], "w1")  # c is w2's now: only a goes back
    assert _item(engine, c.id).leased_by == "w2"
    item = _item(engine, a.id)
    assert (item.status, item.attempts, item.leased_by, item.leased_at) == ("pending", 0, None, None)
    [again] = claim(engine, job, "w3", 5, lease_seconds=LEASE, now=t2)
    assert (again.id, again.attempts) == (a.id, 1)


def test_complete_adds_the_children_and_marks_the_parent_done_together(db_url: str) -> None:
    engine = open_database(db_url)
    job = begin_job(engine, "backfill", SPEC)
    [page] = add_items(
        engine, job, [NewItem("cc_page", "cc_page:CC-MAIN-2018-09:courant.example:0", {"page": 0})]
    )
    [held] = claim(engine, job, "w1", 1, lease_seconds=LEASE)
    children = add_items(engine, job, _captures(1))  # planned earlier by another page
    new = complete(engine, held.id, "w1", _captures(3), bytes_=12_345, job_id=job)
    assert len(new) == 2 and children[0] not in new
    parent = _item(engine, page)
    assert (parent.status, parent.bytes, parent.error) == ("done", 12_345, None)
    assert parent.done_at is not None and parent.done_at.tzinfo is not None
    with Session(engine) as s:
        kids = s.scalars(select(ArchiveItem).where(ArchiveItem.id.in_(new))).all()
    assert {k.parent_id for k in kids} == {page} and {k.status for k in kids} == {"pending"}
    # A second worker that did the same page (its lease had expired) adds nothing twice.
    assert complete(engine, held.id, "w2", _captures(3), bytes_=1, job_id=job) == []
    assert _item(engine, page).bytes == 12_345
    assert job_bytes(engine, job) == 12_345
    assert progress(engine, job) == {"cc_page": {"done": 1}, "capture": {"pending": 3}}
    assert unfinished(engine, job) == 3


def test_fail_retries_until_max_attempts_and_a_verdict_is_final(db_url: str) -> None:
    engine = open_database(db_url)
    job = begin_job(engine, "backfill", SPEC)
    first, second, third = add_items(engine, job, _captures(3))
    for attempt in range(1, MAX_ATTEMPTS + 1):
        [got] = claim(engine, job, "w", 1, lease_seconds=LEASE)
        assert (got.id, got.attempts) == (first, attempt)
        status = fail(engine, first, "http_503: Service Unavailable")
        assert status == ("pending" if attempt < MAX_ATTEMPTS else "failed")
    assert _item(engine, first).error == "http_503: Service Unavailable"
    [got] = claim(engine, job, "w", 1, lease_seconds=LEASE)
    assert got.id == second
    assert fail(engine, second, "not_html", retry=False) == "failed"
    [got] = claim(engine, job, "w", 1, lease_seconds=LEASE)
    complete(engine, third, "w", job_id=job)
    assert fail(engine, third, "late error") == "done"  # finished is finished
    assert progress(engine, job) == {"capture": {"failed": 2, "done": 1}}


def test_lease_ids_takes_only_what_is_free(db_url: str) -> None:
    engine = open_database(db_url)
    job = begin_job(engine, "backfill", SPEC)
    other = begin_job(engine, "ingest_warc", {})
    ids = add_items(engine, job, _captures(5))
    [foreign] = add_items(
        engine, other, [NewItem("warc_file", "warc_file:/data/a.warc.gz", {"path": "/data/a.warc.gz"})]
    )
    t0 = dt.datetime(2026, 12, 5, 8, 0, tzinfo=dt.UTC)
    held = lease_ids(engine, job, [ids[0], ids[1]], "w1", lease_seconds=LEASE, now=t0)
    assert [i.id for i in held] == ids[:2]
    complete(engine, ids[1], "w1", job_id=job)
    later = t0 + dt.timedelta(seconds=10)
    got = lease_ids(
        engine,
        job,
        [ids[4], ids[0], ids[1], ids[2], ids[2], foreign, 10**9],
        "w2",
        lease_seconds=LEASE,
        now=later,
    )
    # ids[0]: w1's live lease; ids[1]: done; foreign: another job's; 10**9: no such item; ids[2] twice: once.
    assert [i.id for i in got] == [ids[2], ids[4]]
    expired = t0 + dt.timedelta(seconds=LEASE + 1)
    [taken] = lease_ids(engine, job, [ids[0]], "w3", lease_seconds=LEASE, now=expired)
    assert (taken.id, taken.attempts) == (ids[0], 2)
    assert open_ids(engine, job, lease_seconds=LEASE, now=expired) == [ids[3]]


def test_stored_keys_are_the_ids_of_stored_articles(db_url: str) -> None:
    engine = open_database(db_url)
    store = Store(engine)
    kept = row("https://courant.example/nieuws/opgeslagen")
    store.add_article(kept)
    store.flush()
    other = row("https://courant.example/nieuws/nooit-gezien")["id"]
    assert stored_keys(engine, [kept["id"], other, kept["id"]]) == {kept["id"]}
    assert stored_keys(engine, []) == set()


def _claim_all(
    url: str, job: int, worker: str, barrier: threading.Barrier, out: list[int], errors: list[BaseException]
) -> None:
    engine = make_engine(url)
    try:
        barrier.wait()
        while True:
            got = claim(engine, job, worker, 3, lease_seconds=LEASE)
            if not got:
                return
            out.extend(i.id for i in got)
    except BaseException as exc:  # reported by the test
        errors.append(exc)
    finally:
        engine.dispose()


def test_two_concurrent_claimers_never_get_the_same_item(db_url: str) -> None:
    """Two workers (two threads, two engines, two connections) claim the same job at once."""
    engine = open_database(db_url)
    job = begin_job(engine, "backfill", SPEC)
    ids = add_items(engine, job, _captures(300))
    barrier = threading.Barrier(2)
    got: dict[str, list[int]] = {"a": [], "b": []}
    errors: list[BaseException] = []
    threads = [
        threading.Thread(target=_claim_all, args=(db_url, job, w, barrier, got[w], errors)) for w in got
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(got["a"]) == len(set(got["a"])) and len(got["b"]) == len(set(got["b"]))
    assert not set(got["a"]) & set(got["b"])
    assert sorted(got["a"] + got["b"]) == ids
    with Session(engine) as s:
        assert set(s.scalars(select(ArchiveItem.attempts))) == {1}


def _complete_pages(
    url: str,
    job: int,
    pages: list[int],
    reverse: bool,
    barrier: threading.Barrier,
    errors: list[BaseException],
) -> None:
    engine = make_engine(url)
    try:
        barrier.wait()
        for n, page in enumerate(pages):
            children = _captures(50, start=n * 25)
            complete(engine, page, "w", children[::-1] if reverse else children, job_id=job)
    except BaseException as exc:
        errors.append(exc)
    finally:
        engine.dispose()


def test_two_workers_planning_overlapping_children_do_not_deadlock(db_url: str) -> None:
    """Two index pages listing the same URLs in opposite orders, completed at the same moment."""
    engine = open_database(db_url)
    job = begin_job(engine, "backfill", SPEC)
    pages = add_items(engine, job, [NewItem("cc_page", f"cc_page:c:h:{i}", {"page": i}) for i in range(40)])
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []
    threads = [
        threading.Thread(target=_complete_pages, args=(db_url, job, pages[0::2], False, barrier, errors)),
        threading.Thread(target=_complete_pages, args=(db_url, job, pages[1::2], True, barrier, errors)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert progress(engine, job) == {"cc_page": {"done": 40}, "capture": {"pending": 20 * 25 + 25}}


def test_migration_0010_goes_down_and_up_again(db_url: str) -> None:
    engine = open_database(db_url)
    cfg = _alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0009")
    assert not {"archive_jobs", "archive_items"} & set(inspect(engine).get_table_names())
    engine.dispose()
    engine = open_database(db_url)
    assert {"archive_jobs", "archive_items"} <= set(inspect(engine).get_table_names())
    job = begin_job(engine, "ingest_warc", {})
    assert add_items(engine, job, [NewItem("warc_file", "warc_file:/a", {"path": "/a"})]) != []
    with engine.begin() as conn:  # the unique key holds after the round trip
        conn.execute(update(ArchiveItem).values(status="pending"))
    assert add_items(engine, job, [NewItem("warc_file", "warc_file:/a", {"path": "/a"})]) == []
