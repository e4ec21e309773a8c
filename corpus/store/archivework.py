"""Archive work in the database: jobs, their work items, and the leases workers hold on them.

A backfill (or a distributed ``ingest-warc``) is a *job*; everything it does is a *work item*:
an index page to read, a capture to fetch, a WARC file to ingest. Items move
``pending`` -> ``leased`` -> ``done`` | ``failed``, and the database, not any worker's memory, is
the truth about what is left, so a killed worker loses nothing and any number of machines can
share one job:

* a worker *claims* items: it leases them (``leased_by``, ``leased_at``) and counts an attempt;
* it *renews* its leases while it works, and *completes* an item in one transaction with the
  children it planned (an index page's captures), so the plan never holds half a page;
* a lease older than the lease time is *expired*: the worker is presumed dead and the item may be
  claimed again, unless it has already been tried ``MAX_ATTEMPTS`` times, when it is ``failed``
  with the error ``lease_expired`` (a page that kills every worker cannot loop forever).

On PostgreSQL a claim locks its candidates with ``SELECT ... FOR UPDATE SKIP LOCKED``, so
concurrent claimers never wait for each other nor take the same item. SQLite has one writer: each
claiming transaction starts with a write, so it holds SQLite's write lock before it reads.
Items are inserted in the order of their keys, so two workers planning overlapping children (a
URL that both archives captured) wait for each other in one order and never deadlock.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Connection, Engine, Select, Table, and_, case, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from corpus.store.frontier import MAX_ATTEMPTS
from corpus.store.models import ArchiveItem, ArchiveJob, Article

JOB_KINDS = ("backfill", "ingest_warc")
PLAN_KINDS = ("cc_collections", "ia_probe", "cc_probe", "cc_page", "ia_page")
"""Items that plan more work (index pages and their probes): claimed before the work they plan,
so the size of a job is known early and workers never starve while pages wait."""
WORK_KINDS = ("warc_file", "capture")
ITEM_KINDS = PLAN_KINDS + WORK_KINDS
"""Every item kind, in the order claims take them."""

PENDING, LEASED, DONE, FAILED = "pending", "leased", "done", "failed"
LEASE_EXPIRED = "lease_expired"
MAX_ERROR = 2000
_CHUNK = 500  # rows per statement: well under SQLite's bound-parameter limit
_TABLE = cast(Table, ArchiveItem.__table__)


@dataclass(frozen=True)
class NewItem:
    """An item to add: ``name`` is its natural key (unique per job, e.g. ``"cc_page:CC-MAIN-2018-09:x.nl:3"``)."""

    kind: str
    name: str
    payload: dict[str, Any]
    source: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class WorkItem:
    """An item a worker holds; ``attempts`` counts this lease."""

    id: int
    job_id: int
    kind: str
    name: str
    payload: dict[str, Any]
    attempts: int
    source: str | None
    url: str | None


def item_key(name: str) -> str:
    """The fixed-length key of a natural key (names are unbounded text, never indexed)."""
    return hashlib.sha256(name.encode("utf-8")).hexdigest()


def job_key(kind: str, spec: dict[str, Any]) -> str:
    """The key of a job: the same kind and spec (in any key order) is the same job."""
    canonical = json.dumps([kind, spec], sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _now(now: dt.datetime | None = None) -> dt.datetime:
    if now is None:
        return dt.datetime.now(dt.UTC)
    if now.tzinfo is None:
        raise ValueError("naive datetime given as now")
    return now


def _insert(conn: Connection) -> Any:
    return postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert


def _chunks(values: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for start in range(0, len(values), _CHUNK):
        yield values[start : start + _CHUNK]


def _locked_ids(conn: Connection, stmt: Select[Any]) -> list[int]:
    """Candidate ids, locked for this transaction; on PostgreSQL rows another claimer holds are skipped."""
    if conn.dialect.name == "postgresql":
        stmt = stmt.with_for_update(skip_locked=True)
    return list(conn.scalars(stmt))


def _rank() -> Any:
    return case({kind: i for i, kind in enumerate(ITEM_KINDS)}, value=_TABLE.c.kind, else_=len(ITEM_KINDS))


# -- jobs and items -----------------------------------------------------------------------------
def begin_job(engine: Engine, kind: str, spec: dict[str, Any]) -> int:
    """The id of the job of this kind and spec, created by the first worker that asks.

    Idempotent and safe under concurrency: every worker started with the same command gets the
    same id (one upsert; a joining worker only moves ``updated_at``).
    """
    if kind not in JOB_KINDS:
        raise ValueError(f"unknown archive job kind {kind!r} (one of {', '.join(JOB_KINDS)})")
    now = _now()
    with engine.begin() as conn:
        stmt = (
            _insert(conn)(ArchiveJob)
            .values(key=job_key(kind, spec), kind=kind, spec=spec, created_at=now, updated_at=now)
            .on_conflict_do_update(index_elements=["key"], set_={"updated_at": now})
            .returning(ArchiveJob.id)
        )
        return int(conn.execute(stmt).scalar_one())


def _add(
    conn: Connection, job_id: int, items: Iterable[NewItem], parent_id: int | None, now: dt.datetime
) -> list[int]:
    rows: dict[str, dict[str, Any]] = {}
    for item in items:
        if item.kind not in ITEM_KINDS:
            raise ValueError(f"unknown archive item kind {item.kind!r} (one of {', '.join(ITEM_KINDS)})")
        key = item_key(item.name)
        rows.setdefault(
            key,
            {
                "job_id": job_id,
                "kind": item.kind,
                "key": key,
                "name": item.name,
                "payload": item.payload,
                "status": PENDING,
                "attempts": 0,
                "parent_id": parent_id,
                "source": item.source,
                "url": item.url,
                "bytes": 0,
                "created_at": now,
            },
        )
    ids: list[int] = []
    for chunk in _chunks([rows[k] for k in sorted(rows)]):
        stmt = (
            _insert(conn)(_TABLE)
            .values(list(chunk))
            .on_conflict_do_nothing(index_elements=["job_id", "key"])
            .returning(_TABLE.c.id)
        )
        ids.extend(conn.scalars(stmt))
    return sorted(ids)


def add_items(
    engine: Engine, job_id: int, items: Iterable[NewItem], parent_id: int | None = None
) -> list[int]:
    """Add items to a job; returns the ids of those that are new (a name already there is ignored)."""
    with engine.begin() as conn:
        return _add(conn, job_id, items, parent_id, _now())


# -- leases ---------------------------------------------------------------------------------------
def _give_up_expired(conn: Connection, where: Any, cutoff: dt.datetime, now: dt.datetime) -> None:
    """Mark ``failed`` the expired leases of items tried ``MAX_ATTEMPTS`` times.

    This is the first statement of every claiming transaction, and on SQLite a plain UPDATE:
    a write, so the transaction holds SQLite's write lock before it reads its candidates (a read
    first would make the later write fail when another worker wrote in between).
    """
    expired = and_(
        where, _TABLE.c.status == LEASED, _TABLE.c.leased_at < cutoff, _TABLE.c.attempts >= MAX_ATTEMPTS
    )
    values = {"status": FAILED, "error": LEASE_EXPIRED, "done_at": now}
    if conn.dialect.name != "postgresql":
        conn.execute(update(_TABLE).where(expired).values(**values))
        return
    ids = _locked_ids(conn, select(_TABLE.c.id).where(expired))
    if ids:
        conn.execute(update(_TABLE).where(_TABLE.c.id.in_(ids)).values(**values))


def _claimable(cutoff: dt.datetime) -> Any:
    """Pending, or leased so long ago that the holder is presumed dead (and tries remain)."""
    return or_(
        _TABLE.c.status == PENDING,
        and_(_TABLE.c.status == LEASED, _TABLE.c.leased_at < cutoff, _TABLE.c.attempts < MAX_ATTEMPTS),
    )


def _lease(conn: Connection, ids: list[int], worker: str, now: dt.datetime) -> list[WorkItem]:
    """Lease locked candidate ids to ``worker`` (one attempt each), in the order given."""
    if not ids:
        return []
    rows = conn.execute(
        update(_TABLE)
        .where(_TABLE.c.id.in_(ids))
        .values(status=LEASED, leased_by=worker[:128], leased_at=now, attempts=_TABLE.c.attempts + 1)
        .returning(
            _TABLE.c.id,
            _TABLE.c.job_id,
            _TABLE.c.kind,
            _TABLE.c.name,
            _TABLE.c.payload,
            _TABLE.c.attempts,
            _TABLE.c.source,
            _TABLE.c.url,
        )
    ).all()
    by_id = {
        r.id: WorkItem(r.id, r.job_id, r.kind, r.name, r.payload, r.attempts, r.source, r.url) for r in rows
    }
    return [by_id[i] for i in ids if i in by_id]


def claim(
    engine: Engine, job_id: int, worker: str, n: int, *, lease_seconds: float, now: dt.datetime | None = None
) -> list[WorkItem]:
    """Lease up to ``n`` items of the job to ``worker``.

    Expired leases first (their items waited longest), then pending items in the order of
    ``ITEM_KINDS`` (planning before the work it plans) and of their ids. One query per kind keeps
    each read an ordered range of the (job_id, status, kind, id) index: a job with a million
    pending captures is not sorted to find the next few.
    """
    now = _now(now)
    if n <= 0:
        return []
    cutoff = now - dt.timedelta(seconds=lease_seconds)
    job = _TABLE.c.job_id == job_id
    with engine.begin() as conn:
        _give_up_expired(conn, job, cutoff, now)
        chosen = _locked_ids(
            conn,
            select(_TABLE.c.id)
            .where(
                job, _TABLE.c.status == LEASED, _TABLE.c.leased_at < cutoff, _TABLE.c.attempts < MAX_ATTEMPTS
            )
            .order_by(_rank(), _TABLE.c.id)
            .limit(n),
        )
        for kind in ITEM_KINDS:
            if len(chosen) >= n:
                break
            chosen += _locked_ids(
                conn,
                select(_TABLE.c.id)
                .where(job, _TABLE.c.status == PENDING, _TABLE.c.kind == kind)
                .order_by(_TABLE.c.id)
                .limit(n - len(chosen)),
            )
        return _lease(conn, chosen, worker, now)


def lease_ids(
    engine: Engine,
    job_id: int,
    ids: Iterable[int],
    worker: str,
    *,
    lease_seconds: float,
    now: dt.datetime | None = None,
) -> list[WorkItem]:
    """Lease the given items of the job to ``worker``, as :func:`claim` would, in id order.

    An id that is done, failed, held by a live lease (another worker's, or this worker's own), or
    not of this job is dropped: ids reach a worker through a queue that may hold them twice.
    """
    now = _now(now)
    wanted = sorted(set(ids))
    if not wanted:
        return []
    cutoff = now - dt.timedelta(seconds=lease_seconds)
    job = _TABLE.c.job_id == job_id
    chosen: list[int] = []
    with engine.begin() as conn:
        for chunk in _chunks(wanted):
            _give_up_expired(conn, and_(job, _TABLE.c.id.in_(chunk)), cutoff, now)
            chosen += _locked_ids(
                conn,
                select(_TABLE.c.id)
                .where(job, _TABLE.c.id.in_(chunk), _claimable(cutoff))
                .order_by(_TABLE.c.id),
            )
        return _lease(conn, chosen, worker, now)


def _update_held(engine: Engine, ids: Iterable[int], worker: str, **values: Any) -> None:
    """Set ``values`` on those of ``ids`` that ``worker`` still holds (a lease another took is left alone)."""
    with engine.begin() as conn:
        for chunk in _chunks(sorted(set(ids))):
            conn.execute(
                update(_TABLE)
                .where(_TABLE.c.id.in_(chunk), _TABLE.c.status == LEASED, _TABLE.c.leased_by == worker[:128])
                .values(**values)
            )


def renew(engine: Engine, ids: Iterable[int], worker: str, now: dt.datetime | None = None) -> None:
    """Move the leases ``worker`` still holds on ``ids`` to now (a lease another took is left alone)."""
    _update_held(engine, ids, worker, leased_at=_now(now))


def release(engine: Engine, ids: Iterable[int], worker: str) -> None:
    """Hand items back unfinished (a worker stopping cleanly): pending again, the attempt not counted."""
    _update_held(
        engine,
        ids,
        worker,
        status=PENDING,
        leased_by=None,
        leased_at=None,
        attempts=case((_TABLE.c.attempts > 0, _TABLE.c.attempts - 1), else_=0),
    )


def release_job(engine: Engine, job_id: int) -> int:
    """Hand back every lease of a job (a one-machine run that holds the database's run lock).

    Only one worker can be running a job that is not distributed: the leases a killed run left
    are dead, and the next run takes them over at once instead of waiting for them to expire.
    The attempt they counted stays counted (the killed run did try). Returns how many.
    """
    with engine.begin() as conn:
        result = conn.execute(
            update(_TABLE)
            .where(_TABLE.c.job_id == job_id, _TABLE.c.status == LEASED)
            .values(status=PENDING, leased_by=None, leased_at=None)
        )
        return int(result.rowcount or 0)


def complete(
    engine: Engine,
    item_id: int,
    worker: str,
    children: Sequence[NewItem] = (),
    *,
    bytes_: int = 0,
    job_id: int,
) -> list[int]:
    """Mark an item done, with the children it planned, in one transaction; returns the new child ids.

    The item is done whoever holds its lease now: the work was done (storage is idempotent, and
    children already planned by another worker's copy of the same work are ignored).
    """
    now = _now()
    with engine.begin() as conn:
        new = _add(conn, job_id, children, item_id, now)
        conn.execute(
            update(_TABLE)
            .where(_TABLE.c.id == item_id, _TABLE.c.status != DONE)
            .values(status=DONE, done_at=now, leased_by=worker[:128], bytes=bytes_, error=None)
        )
    return new


def fail(engine: Engine, item_id: int, error: str, *, retry: bool = True) -> str:
    """Record a failed attempt at a leased item; returns its status afterwards.

    With ``retry`` the item is pending again while it has been tried fewer than ``MAX_ATTEMPTS``
    times; otherwise (or without ``retry``: a verdict, not a mishap) it is ``failed``. An item no
    longer leased (done by another worker meanwhile) is left as it is.
    """
    error = error[:MAX_ERROR]
    leased = and_(_TABLE.c.id == item_id, _TABLE.c.status == LEASED)
    with engine.begin() as conn:
        if retry:
            again = conn.execute(
                update(_TABLE)
                .where(leased, _TABLE.c.attempts < MAX_ATTEMPTS)
                .values(status=PENDING, leased_at=None, error=error)
                .returning(_TABLE.c.id)
            ).first()
            if again is not None:
                return PENDING
        failed = conn.execute(
            update(_TABLE)
            .where(leased)
            .values(status=FAILED, error=error, done_at=_now())
            .returning(_TABLE.c.id)
        ).first()
        if failed is not None:
            return FAILED
        status = conn.scalar(select(_TABLE.c.status).where(_TABLE.c.id == item_id))
        if status is None:
            raise KeyError(f"no archive item {item_id}")
        return str(status)


# -- what is left -----------------------------------------------------------------------------------
def open_ids(
    engine: Engine, job_id: int, *, lease_seconds: float, now: dt.datetime | None = None
) -> list[int]:
    """Ids a worker may lease now: pending, or leased and expired (in id order).

    Expired items at ``MAX_ATTEMPTS`` are included: leasing them is what marks them failed, and
    until then the job is not finished.
    """
    cutoff = _now(now) - dt.timedelta(seconds=lease_seconds)
    job = _TABLE.c.job_id == job_id
    with engine.connect() as conn:
        return list(
            conn.scalars(
                select(_TABLE.c.id)
                .where(
                    job,
                    or_(
                        _TABLE.c.status == PENDING,
                        and_(_TABLE.c.status == LEASED, _TABLE.c.leased_at < cutoff),
                    ),
                )
                .order_by(_TABLE.c.id)
            )
        )


def unfinished(engine: Engine, job_id: int) -> int:
    """Items pending or leased: zero when the job is finished."""
    with engine.connect() as conn:
        return int(
            conn.scalar(
                select(func.count())
                .select_from(_TABLE)
                .where(_TABLE.c.job_id == job_id, _TABLE.c.status.in_((PENDING, LEASED)))
            )
            or 0
        )


def progress(engine: Engine, job_id: int) -> dict[str, dict[str, int]]:
    """Items of the job by kind, then by status."""
    out: dict[str, dict[str, int]] = {}
    with engine.connect() as conn:
        for kind, status, n in conn.execute(
            select(_TABLE.c.kind, _TABLE.c.status, func.count())
            .where(_TABLE.c.job_id == job_id)
            .group_by(_TABLE.c.kind, _TABLE.c.status)
        ):
            out.setdefault(kind, {})[status] = int(n)
    return out


def job_bytes(engine: Engine, job_id: int) -> int:
    """Bytes the job's finished items downloaded (as their workers reported them)."""
    with engine.connect() as conn:
        return int(
            conn.scalar(select(func.coalesce(func.sum(_TABLE.c.bytes), 0)).where(_TABLE.c.job_id == job_id))
            or 0
        )


def stored_keys(engine: Engine, keys: Iterable[str]) -> set[str]:
    """Which of ``keys`` (frontier keys: hashes of canonical URLs) are ids of stored articles."""
    wanted = sorted(set(keys))
    found: set[str] = set()
    with engine.connect() as conn:
        for chunk in _chunks(wanted):
            found.update(conn.scalars(select(Article.id).where(Article.id.in_(chunk))))
    return found


@dataclass(frozen=True)
class JobSummary:
    """One archive job as a data card reports it: what was asked, and how far it got."""

    kind: str
    spec: dict[str, Any]
    done: int
    failed: int
    open: int

    def describe(self) -> str:
        """One sentence: which sources, which span and archives, how many work units ended how."""
        what = "captures" if self.kind == "backfill" else "WARC files"
        head = (
            f"backfill of {', '.join(self.spec.get('sources', [])) or 'no source'} "
            f"from {self.spec.get('from')} to {self.spec.get('to')} "
            f"({' and '.join(ARCHIVE_NAMES.get(a, a) for a in self.spec.get('archives', []))})"
            if self.kind == "backfill"
            else "distributed WARC ingest"
        )
        return f"{head}: {self.done} {what} done, {self.failed} failed, {self.open} not yet done"


ARCHIVE_NAMES = {"cc": "Common Crawl", "ia": "the Internet Archive's Wayback Machine"}


def job_summaries(engine: Engine) -> list[JobSummary]:
    """Every archive job, oldest first, counted by its work units (captures or WARC files)."""
    jobs = cast(Table, ArchiveJob.__table__)
    out: list[JobSummary] = []
    with engine.connect() as conn:
        for job_id, kind, spec in conn.execute(
            select(jobs.c.id, jobs.c.kind, jobs.c.spec).order_by(jobs.c.id)
        ):
            unit = "capture" if kind == "backfill" else "warc_file"
            counts = {
                status: int(n)
                for status, n in conn.execute(
                    select(_TABLE.c.status, func.count())
                    .where(_TABLE.c.job_id == job_id, _TABLE.c.kind == unit)
                    .group_by(_TABLE.c.status)
                )
            }
            out.append(
                JobSummary(
                    kind,
                    dict(spec or {}),
                    counts.get(DONE, 0),
                    counts.get(FAILED, 0),
                    counts.get(PENDING, 0) + counts.get(LEASED, 0),
                )
            )
    return out
