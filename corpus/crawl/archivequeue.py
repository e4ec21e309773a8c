"""How archive workers get their work items: from the database alone, or through a shared Redis.

:class:`DatabaseQueue` claims straight from the database (one machine, or a few sharing
PostgreSQL). :class:`RedisQueue` is for many machines: item ids travel through one Redis list per
job, so workers pop ids instead of all scanning the items table, and the database stays the truth
(corpus.store.archivework):

* ``claim`` pops up to ``n`` ids and leases them in the database; an id another worker holds, or
  that is done, is dropped (the list may hold an id twice: only the lease decides);
* ``added`` pushes the ids of new items (an index page's captures);
* when the list is empty, one worker at a time (a Redis lock with an expiry) *reconciles*: it
  pushes again every id still pending or leased by a dead worker. That is how nothing is lost:
  ids popped by a worker that died before leasing them, ids pushed while Redis was away, and
  expired leases all come back;
* a Redis that stops answering is probed with back-off (:class:`RedisOutage`, as the crawl does);
  after ``lost_seconds`` without it ``claim`` raises :class:`RedisLost` and the worker stops.
  Nothing is lost then either: the items stay pending or leased in the database.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

from sqlalchemy import Engine

from corpus.crawl.distributed import DEFAULT_PREFIX, DistributedError, RedisOutage, redis_errors
from corpus.store import archivework as W
from corpus.store.archivework import WorkItem

T = TypeVar("T")

PUSH_CHUNK = 1000
LOCK_SECONDS = 60
RECONCILE_EVERY = 1.0
"""Seconds between two reconciles by one worker: an empty list at the end of a job, while other
workers finish their last items, is checked at this pace, not at every poll."""


class ArchiveQueue(Protocol):
    """What an archive worker needs from a queue of work items."""

    def claim(self, n: int) -> list[WorkItem]:
        """Lease up to ``n`` items (fewer, or none, when others hold the rest)."""
        ...

    def added(self, ids: list[int]) -> None:
        """New items were added to the job (their ids)."""
        ...

    def finished(self) -> bool:
        """Nothing pending or leased is left: every item is done or failed."""
        ...

    def renew(self, ids: list[int]) -> None:
        """Keep the leases on items still being worked on."""
        ...

    def release(self, ids: list[int]) -> None:
        """Hand unfinished items back (a clean stop)."""
        ...

    def close(self) -> None: ...


class DatabaseQueue:
    """Items claimed straight from the database (``SKIP LOCKED`` on PostgreSQL)."""

    def __init__(self, engine: Engine, job_id: int, worker: str, lease_seconds: float) -> None:
        self.engine = engine
        self.job_id = job_id
        self.worker = worker
        self.lease_seconds = lease_seconds

    def claim(self, n: int) -> list[WorkItem]:
        return W.claim(self.engine, self.job_id, self.worker, n, lease_seconds=self.lease_seconds)

    def added(self, ids: list[int]) -> None:
        """Nothing to do: a claim reads the database."""

    def finished(self) -> bool:
        return W.unfinished(self.engine, self.job_id) == 0

    def renew(self, ids: list[int]) -> None:
        W.renew(self.engine, ids, self.worker)

    def release(self, ids: list[int]) -> None:
        W.release(self.engine, ids, self.worker)

    def close(self) -> None:
        """Nothing to close: the engine belongs to the caller."""


class RedisLost(DistributedError):
    """Redis stayed unreachable for longer than the limit: the worker must stop (nothing is lost)."""


def ready_key(prefix: str, job_id: int) -> str:
    """The Redis list of item ids ready to be claimed."""
    return f"{prefix}:archive:{job_id}:ready"


def reconcile_lock_key(prefix: str, job_id: int) -> str:
    return f"{prefix}:archive:{job_id}:reconcile-lock"


def _pushing(command: str, key: str, ids: list[int]) -> Callable[[Any], Any]:
    """One RPUSH (or LPUSH) of ``ids``, as a call for :meth:`RedisQueue._redis`."""
    return lambda client: getattr(client, command)(key, *(str(i) for i in ids))


class RedisQueue:
    """Item ids shared through a Redis list; leases and outcomes in the database.

    The queue owns ``client`` (:meth:`close` closes it). ``outage`` may be given to share one
    Redis state with other users of the same server, or to observe it.
    """

    def __init__(
        self,
        engine: Engine,
        job_id: int,
        worker: str,
        lease_seconds: float,
        client: Any,
        prefix: str = DEFAULT_PREFIX,
        lost_seconds: float = 60.0,
        *,
        outage: RedisOutage | None = None,
        reconcile_every: float = RECONCILE_EVERY,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.engine = engine
        self.job_id = job_id
        self.worker = worker
        self.lease_seconds = lease_seconds
        self.client = client
        self.prefix = prefix
        self.key = ready_key(prefix, job_id)
        self.outage = outage or RedisOutage(lost_seconds, clock=clock)
        self.reconcile_every = reconcile_every
        self.clock = clock
        self._last_reconcile: float | None = None
        self.reconciled = 0  # ids this worker pushed back by reconciling (for tests and stats)

    # -- Redis, guarded ---------------------------------------------------------------------------
    def _redis(self, call: Callable[[Any], T]) -> tuple[bool, T | None]:
        """Run one Redis call unless Redis is away and no probe is due; (ok, result)."""
        if self.outage.down and not self.outage.probe_due():
            return False, None
        started = self.clock()
        try:
            result = call(self.client)
        except redis_errors() as exc:
            self.outage.failed(exc, started)
            return False, None
        if self.outage.down:
            self.outage.recovered()
        return True, result

    def _check_lost(self) -> None:
        if self.outage.lost:
            raise RedisLost(
                f"Redis unreachable for more than {self.outage.limit:.0f} s ({self.outage.error}); "
                "this worker stops, its items stay in the database for the others"
            )

    def _push(self, ids: list[int], *, front: bool = False) -> bool:
        command = "lpush" if front else "rpush"
        for start in range(0, len(ids), PUSH_CHUNK):
            ok, _ = self._redis(_pushing(command, self.key, ids[start : start + PUSH_CHUNK]))
            if not ok:
                return False
        return True

    def _pop(self, n: int) -> list[int] | None:
        ok, raw = self._redis(lambda c: c.lpop(self.key, n))
        if not ok:
            return None
        out: list[int] = []
        for value in raw or []:
            try:
                out.append(int(value))
            except (TypeError, ValueError):
                continue  # not an id: nothing this code pushed; dropped (the database is the truth)
        return out

    # -- the queue ----------------------------------------------------------------------------------
    def claim(self, n: int) -> list[WorkItem]:
        self._check_lost()
        items: list[WorkItem] = []
        reconciled = False
        while len(items) < n:
            ids = self._pop(n - len(items))
            if ids is None:  # Redis away: come back later
                self._check_lost()
                break
            if not ids:
                if reconciled or not self._reconcile():
                    break
                reconciled = True
                continue
            items += W.lease_ids(self.engine, self.job_id, ids, self.worker, lease_seconds=self.lease_seconds)
        return items

    def _reconcile(self) -> bool:
        """Push back what is open in the database (list empty); True when something was pushed."""
        now = self.clock()
        if self._last_reconcile is not None and now - self._last_reconcile < self.reconcile_every:
            return False
        self._last_reconcile = now
        lock = reconcile_lock_key(self.prefix, self.job_id)
        ok, got = self._redis(lambda c: c.set(lock, self.worker, nx=True, ex=LOCK_SECONDS))
        if not ok or not got:
            return False
        try:
            ok, length = self._redis(lambda c: c.llen(self.key))
            if not ok or length:  # another worker pushed meanwhile: nothing to reconcile
                return bool(ok and length)
            ids = W.open_ids(self.engine, self.job_id, lease_seconds=self.lease_seconds)
            if ids and self._push(ids):
                self.reconciled += len(ids)
                return True
            return False
        finally:
            mine = (self.worker, self.worker.encode())  # with or without decode_responses
            self._redis(lambda c: c.delete(lock) if c.get(lock) in mine else 0)

    def added(self, ids: list[int]) -> None:
        """Push new ids; if Redis is away they stay pending in the database, found by a reconcile."""
        if ids:
            self._push(sorted(ids))

    def finished(self) -> bool:
        return W.unfinished(self.engine, self.job_id) == 0

    def renew(self, ids: list[int]) -> None:
        W.renew(self.engine, ids, self.worker)

    def release(self, ids: list[int]) -> None:
        """Hand items back and put their ids at the head of the list, for the next claim anywhere."""
        if not ids:
            return
        W.release(self.engine, ids, self.worker)
        self._push(sorted(ids), front=True)

    def close(self) -> None:
        try:
            self.client.close()
        except redis_errors():
            pass
