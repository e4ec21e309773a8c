"""Distributed crawls: a shared Redis queue (scrapy-redis), its JSON wire format, leases and reconciliation.

Any number of workers on any machines take requests from one Redis priority queue and write to
one PostgreSQL database. scrapy-redis removes a request from Redis when a worker pops it, so a
worker killed mid-request would lose it; the database frontier closes that gap:

* a worker that pops a request for a known frontier row records a **lease** on the row
  (``leased_at``, ``leased_by``); the row is *in flight* while ``leased_at`` is later than
  ``last_fetched``, which every recorded outcome sets (in the same transaction as the article);
* :func:`reconcile` puts back on the queue every row whose lease is older than the lease time and
  still in flight, and, once the queue is empty and nothing is in flight, every article row still
  ``pending`` (a request lost between the database and Redis);
* storage is an upsert on the canonical URL, so a URL that two workers finish is stored once.

A row is re-queued at most ``MAX_ATTEMPTS`` times; then it is given up as ``failed``
(``lease_expired``), so a page that kills every worker cannot loop forever.

A worker that loses Redis does not spin: :class:`RedisOutage` stops every Redis call but one probe
per back-off step (0.25 s doubling to 5 s), logs at most one line every 10 s, and after ``CORPUS_REDIS_LOST_SECONDS``
without Redis the worker stops with the reason ``redis_lost`` (``crawl --distributed`` then exits
non-zero with one line). A queue entry that is not a request this code can decode is moved to a
dead-letter list (:func:`dead_key`) and counted, never retried.

This module is also the scheduler's serializer (``SCHEDULER_SERIALIZER = "corpus.crawl.distributed"``):
requests travel as JSON, never pickle, so a worker never unpickles what another machine wrote.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import logging
import os
import socket
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, cast
from urllib.parse import urlsplit, urlunsplit

from sqlalchemy import Engine, Table, and_, bindparam, func, or_, select, update

from corpus.crawl import meta as M
from corpus.sources.registry import Source
from corpus.store.frontier import (
    CONDITIONAL_KINDS,
    DOCUMENT_PRIORITY,
    MAX_ATTEMPTS,
    conditional_headers,
    seen_row,
)
from corpus.store.models import FrontierEntry
from corpus.store.storage import DatabaseError, Store

logger = logging.getLogger(__name__)

SPIDER = "distributed"
DEFAULT_PREFIX = "crimecorpus"
LEASE_SECONDS = 600.0
"""How long a popped request may stay unfinished before it is re-queued. Generous: with polite
delays a request can wait minutes in its site's download slot; a re-queue of a live request only
costs a second fetch (storage is idempotent)."""
QUEUE_CLASS = "scrapy_redis.queue.PriorityQueue"
REQUEUE_PRIORITY = 5

CALLBACKS = {
    "feed": "parse_feed",
    "sitemap": "parse_sitemap",
    "sitemap_index": "parse_sitemap",
    "robots": "parse_robots",
    "listing": "parse_listing",
    "article": "parse_article",
}
"""The spider method for each frontier kind: requests name their callbacks, never pickle them."""


# -- Redis keys and settings --------------------------------------------------------------------
def queue_key(prefix: str = DEFAULT_PREFIX) -> str:
    return f"{prefix}:{SPIDER}:requests"


def dupefilter_key(prefix: str = DEFAULT_PREFIX) -> str:
    return f"{prefix}:{SPIDER}:dupefilter"


def lock_key(prefix: str = DEFAULT_PREFIX) -> str:
    return f"{prefix}:{SPIDER}:reconcile-lock"


def dead_key(prefix: str = DEFAULT_PREFIX) -> str:
    """The dead-letter list: queue entries no worker could decode, kept for a person to read."""
    return f"{prefix}:{SPIDER}:undecodable"


DEAD_MAX = 10_000
"""Entries kept in the dead-letter list (the newest); a flood of garbage cannot fill Redis."""


def _client_options() -> dict[str, Any]:
    """Short time-outs and one immediate retry of a dropped connection, no sleeping back-off.

    redis-py's default retries three times with growing sleeps, time-outs included; in a worker
    every such wait blocks the Twisted reactor (and a SIGTERM waits with it), so the back-off is
    :class:`RedisOutage`'s instead, between scheduler calls. A Redis that stops answering costs
    one call at most ``socket_timeout`` seconds; a stale pooled connection is retried at once.
    """
    import redis
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    return {
        "socket_connect_timeout": 3,
        "socket_timeout": 5,
        "retry": Retry(NoBackoff(), 1, supported_errors=(redis.ConnectionError,)),
    }


def distributed_settings(redis_url: str, prefix: str = DEFAULT_PREFIX) -> dict[str, Any]:
    """The Scrapy settings of a worker: the Redis scheduler and duplicate filter, persistent, JSON."""
    return {
        "SCHEDULER": "spiders.distributed.RedisScheduler",
        "DUPEFILTER_CLASS": "spiders.distributed.RedisDupeFilter",
        "SCHEDULER_PERSIST": True,  # the queue outlives every worker
        "SCHEDULER_SERIALIZER": "corpus.crawl.distributed",
        "SCHEDULER_QUEUE_CLASS": QUEUE_CLASS,
        "SCHEDULER_QUEUE_KEY": queue_key(prefix),
        "SCHEDULER_DUPEFILTER_KEY": dupefilter_key(prefix),
        # Take from the queue only what this worker can process soon: a deep backlog of
        # downloaded pages waiting for the CPU stages idles the other workers, outlives leases
        # and is lost work when the worker dies. (Scrapy's default is 5 MB of responses.)
        "SCRAPER_SLOT_MAX_ACTIVE_SIZE": 500_000,
        "REDIS_URL": redis_url,
        "REDIS_PARAMS": _client_options(),
        "CORPUS_REDIS_PREFIX": prefix,
    }


def connect(redis_url: str) -> Any:
    """A Redis client for ``redis_url``, checked with a PING (one clear error line if unreachable)."""
    import redis

    try:
        client = redis.Redis.from_url(redis_url, **_client_options())
        client.ping()
    except (redis.RedisError, ValueError) as exc:
        raise DistributedError(f"cannot reach Redis at {safe_url(redis_url)}: {exc}") from None
    return client


def redis_errors() -> tuple[type[BaseException], ...]:
    """What a lost or broken Redis raises (``OSError`` for a socket error redis-py lets through)."""
    import redis

    return (redis.RedisError, OSError)


class RedisOutage:
    """The state of a worker's Redis: reachable, lost for now, or lost for good.

    Call sites use Redis only while it is :meth:`ready` and report :meth:`failed` (with the
    moment the failing call started) or :meth:`recovered`. While Redis is away nothing else
    touches it: one probe (:meth:`probe_due`) every back-off step, 0.25 s doubling to 5 s, so a
    lost Redis costs no CPU, and one that hangs blocks the reactor one time-out per step at most.
    The worker stops once :attr:`lost` is true. The log is rate-limited: the first failure, then
    one line every ``log_every`` seconds.
    """

    def __init__(
        self,
        limit: float,
        *,
        log: Callable[[str], None] | None = None,
        log_every: float = 10.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limit = limit
        self.log = log or logger.warning
        self.log_every = log_every
        self.clock = clock
        self.since: float | None = None
        self.error = ""
        self.failures = 0
        self._delay = 0.0
        self._next_try = 0.0
        self._last_log: float | None = None

    def ready(self) -> bool:
        """True while Redis answers; False from the first failure until a probe succeeds."""
        return self.since is None

    def probe_due(self) -> bool:
        """Redis is away and the back-off step is over: time for one probe."""
        return self.since is not None and self.clock() >= self._next_try

    def failed(self, exc: BaseException, started: float | None = None) -> None:
        """A call that began at ``started`` (default now) failed: the outage began then."""
        now = self.clock()
        if self.since is None:
            self.since = min(now, started) if started is not None else now
        self.failures += 1
        self.error = f"{type(exc).__name__}: {exc}".splitlines()[0][:300]
        self._delay = min(5.0, max(0.25, self._delay * 2))
        self._next_try = now + self._delay
        if self._last_log is None or now - self._last_log >= self.log_every:
            self._last_log = now
            self.log(
                f"Redis unavailable for {now - self.since:.0f} s ({self.error}); "
                f"retrying with back-off, giving up after {self.limit:.0f} s"
            )

    def recovered(self) -> None:
        if self.since is not None:
            self.log(f"Redis is back after {self.clock() - self.since:.0f} s")
        self.since = None
        self._delay = 0.0
        self._last_log = None

    @property
    def down(self) -> bool:
        return self.since is not None

    @property
    def lost(self) -> bool:
        """Unreachable for longer than the limit: the worker should stop."""
        return self.since is not None and self.clock() - self.since >= self.limit


def pop_raw(client: Any, key: str) -> bytes | None:
    """Take the first entry of the priority queue, undecoded (the atomic pop of scrapy-redis)."""
    pipe = client.pipeline()
    pipe.multi()
    pipe.zrange(key, 0, 0).zremrangebyrank(key, 0, 0)
    results, _count = pipe.execute()
    return results[0] if results else None


def set_aside(client: Any, prefix: str, raw: bytes) -> None:
    """Move an undecodable queue entry to the dead-letter list (bounded to ``DEAD_MAX``)."""
    pipe = client.pipeline()
    pipe.lpush(dead_key(prefix), raw).ltrim(dead_key(prefix), 0, DEAD_MAX - 1)
    pipe.execute()


class DistributedError(DatabaseError):
    """Redis cannot be used; the message is one line a user can act on (reported as a database error)."""


def safe_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))
    return url


def worker_id() -> str:
    """Who holds a lease: host and process, enough to find a stuck worker."""
    return f"{socket.gethostname()[:48]}:{os.getpid()}"


# -- the wire format ------------------------------------------------------------------------------
def dumps(obj: dict[str, Any]) -> bytes:
    """A request dict (``Request.to_dict``) as JSON: bytes headers and body made text, meta checked.

    Meta values that are not JSON (objects a middleware attached for itself) are dropped: the
    middleware computes them again on the worker that downloads. Callback arguments must be JSON.
    """
    out = dict(obj)
    headers = out.pop("headers", None) or {}
    out["headers"] = {_text(k): [_text(v) for v in _as_list(vs)] for k, vs in headers.items()}
    body = out.pop("body", b"") or b""
    out["body_b64"] = base64.b64encode(body if isinstance(body, bytes) else body.encode()).decode()
    out["meta"] = {k: v for k, v in (out.get("meta") or {}).items() if _is_json(v)}
    return json.dumps(out, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def loads(data: bytes | str) -> dict[str, Any]:
    """The inverse of :func:`dumps`: a dict ``request_from_dict`` accepts."""
    obj = json.loads(data)
    obj["headers"] = {
        k.encode("latin-1"): [v.encode("latin-1") for v in vs] for k, vs in obj.get("headers", {}).items()
    }
    obj["body"] = base64.b64decode(obj.pop("body_b64", ""))
    return obj


def _text(value: bytes | str) -> str:
    return value.decode("latin-1") if isinstance(value, bytes) else value


def _as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list | tuple) else [value]


def _is_json(value: Any) -> bool:
    try:
        json.dumps(value)
    except (TypeError, ValueError):
        return False
    return True


def request_dict(
    url: str,
    source: str,
    kind: str,
    key: str,
    *,
    channel: str | None = None,
    title: str | None = None,
    date: str | None = None,
    headers: dict[str, str] | None = None,
    priority: int = 0,
    requeued: int = 0,
) -> dict[str, Any]:
    """The queue entry of a frontier URL, as the spider itself would have built the request."""
    stage = M.FETCH if kind == "article" else M.DISCOVERY
    meta: dict[str, Any] = {M.SOURCE: source, M.STAGE: stage, M.KEY: key}
    cb_kwargs: dict[str, Any] = {"source": source}
    if kind == "article":
        cb_kwargs["discovery"] = {"channel": channel or "frontier", "title": title, "date": date}
    else:
        meta["handle_httpstatus_list"] = [304]
        if kind in ("sitemap", "sitemap_index"):
            cb_kwargs["depth"] = 0 if kind == "sitemap" else 1
    if requeued:
        meta[M.REQUEUED] = requeued
    return {
        "url": url,
        "callback": CALLBACKS[kind],
        "errback": "on_error",
        "method": "GET",
        "headers": {k.encode("latin-1"): [v.encode("latin-1")] for k, v in (headers or {}).items()},
        "body": b"",
        "cookies": {},
        "meta": meta,
        "cb_kwargs": cb_kwargs,
        "encoding": "utf-8",
        "priority": priority,
        "dont_filter": True,  # the shared duplicate filter has seen it: it must pass anyway
        "flags": [],
    }


def push(client: Any, key: str, entries: Iterable[dict[str, Any]]) -> int:
    """Add request dicts to the scrapy-redis priority queue (a sorted set scored by -priority)."""
    mapping = {dumps(e): -int(e.get("priority", 0)) for e in entries}
    if not mapping:
        return 0
    client.zadd(key, mapping)
    return len(mapping)


# -- seeding --------------------------------------------------------------------------------------
@dataclass
class SeedResult:
    documents: int = 0
    resumed: int = 0
    queued: int = 0


def seed(
    engine: Engine,
    client: Any,
    sources: list[Source],
    *,
    prefix: str = DEFAULT_PREFIX,
    resume: bool = True,
    now: dt.datetime | None = None,
) -> SeedResult:
    """Queue every source's feeds, sitemaps, robots.txt and listings (conditional when known).

    The documents are recorded in the frontier first, so a worker can lease them. With ``resume``,
    article URLs that earlier runs left pending or failed (fewer than ``MAX_ATTEMPTS`` times) and
    that no worker holds are queued again, as a single-machine crawl does at its start.
    """
    now = now or dt.datetime.now(dt.UTC)
    store = Store(engine)
    entries: list[dict[str, Any]] = []
    for source in sources:
        documents = [
            *((u, "feed") for u in source.feeds),
            *((u, "sitemap") for u in source.sitemaps),
            *((u, "robots") for u in source.robots_urls),
            *((u, "listing") for u in source.start_urls),
        ]
        for url, kind in documents:
            row = seen_row(url, source.name, kind, now=now)
            store.frontier_seen(row)
            entries.append({"row": row, "kind": kind})
    store.flush()
    validators = _validators(engine, [e["row"]["id"] for e in entries])
    dicts = []
    for entry in entries:
        row = entry["row"]
        known = validators.get(row["id"])
        kind = known[2] if known and known[2] in CALLBACKS else entry["kind"]
        headers = conditional_headers(known[0], known[1]) if known and kind in CONDITIONAL_KINDS else {}
        dicts.append(
            request_dict(
                row["fetch_url"], row["source"], kind, row["id"], headers=headers, priority=DOCUMENT_PRIORITY
            )
        )
    result = SeedResult(documents=len(dicts))
    result.queued = push(client, queue_key(prefix), dicts)
    if resume:
        swept = _sweep(engine, client, [s.name for s in sources], prefix, include_failed=True)
        result.resumed = swept
        result.queued += swept
    return result


def _validators(engine: Engine, keys: list[str]) -> dict[str, tuple[str | None, str | None, str]]:
    if not keys:
        return {}
    with engine.connect() as conn:
        rows = conn.execute(
            select(
                FrontierEntry.id, FrontierEntry.etag, FrontierEntry.last_modified, FrontierEntry.kind
            ).where(FrontierEntry.id.in_(keys))
        ).all()
    return {r.id: (r.etag, r.last_modified, r.kind) for r in rows}


# -- leases -----------------------------------------------------------------------------------------
class Leases:
    """A worker's leases, buffered and written in small batches (one UPDATE per flush).

    ``take`` records when the worker popped a request (that moment, not the flush's, is stored:
    it must be earlier than the outcome's ``last_fetched``). ``release`` marks a discovery
    document done: its requests are already on the queue when the callback returns. A worker
    killed before a flush leaves rows unleased and pending, which :func:`reconcile` sweeps up.
    """

    def __init__(self, engine: Engine, worker: str, *, max_age: float = 1.0, max_rows: int = 50) -> None:
        self.engine = engine
        self.worker = worker
        self.max_age = dt.timedelta(seconds=max_age)
        self.max_rows = max_rows
        self._taken: dict[str, dt.datetime] = {}
        self._released: set[str] = set()
        self._oldest: dt.datetime | None = None

    def take(self, key: str, now: dt.datetime | None = None) -> None:
        now = now or dt.datetime.now(dt.UTC)
        self._taken[key] = now
        self._released.discard(key)
        self._oldest = self._oldest or now
        self.maybe_flush(now)

    def release(self, key: str) -> None:
        if self._taken.pop(key, None) is None:
            self._released.add(key)

    def maybe_flush(self, now: dt.datetime | None = None) -> None:
        now = now or dt.datetime.now(dt.UTC)
        if len(self._taken) >= self.max_rows or (self._oldest and now - self._oldest >= self.max_age):
            self.flush()

    def flush(self) -> None:
        taken, released = self._taken, self._released
        self._taken, self._released, self._oldest = {}, set(), None
        if not taken and not released:
            return
        table = cast(Table, FrontierEntry.__table__)
        with self.engine.begin() as conn:
            if taken:
                conn.execute(
                    update(table)
                    .where(table.c.id == bindparam("k"))
                    .values(leased_at=bindparam("t"), leased_by=self.worker),
                    [{"k": k, "t": t} for k, t in taken.items()],
                )
            if released:
                conn.execute(
                    update(FrontierEntry)
                    .where(FrontierEntry.id.in_(sorted(released)), FrontierEntry.leased_by == self.worker)
                    .values(leased_at=None)
                )


# -- reconciliation ---------------------------------------------------------------------------------
def _in_flight() -> Any:
    return and_(
        FrontierEntry.leased_at.is_not(None),
        or_(FrontierEntry.last_fetched.is_(None), FrontierEntry.last_fetched < FrontierEntry.leased_at),
    )


@dataclass
class ReconcileResult:
    """What one pass found and did."""

    queued: int = 0  # requests waiting in Redis
    in_flight: int = 0  # leased rows not yet finished (any worker)
    requeued: int = 0  # expired leases put back on the queue
    given_up: int = 0  # expired too often: marked failed
    swept: int = 0  # pending rows nobody held, queued again
    locked: bool = False  # another worker was reconciling: nothing done

    @property
    def busy(self) -> bool:
        return bool(self.queued or self.in_flight or self.requeued or self.swept or self.locked)


def reconcile(
    engine: Engine,
    client: Any,
    sources: list[str],
    *,
    prefix: str = DEFAULT_PREFIX,
    lease_seconds: float = LEASE_SECONDS,
    sweep: bool = True,
    include_failed: bool = False,
    now: dt.datetime | None = None,
) -> ReconcileResult:
    """Re-queue expired leases; when the queue is empty and nothing is in flight, sweep lost rows.

    One reconciler at a time (a Redis lock with an expiry), and each row is claimed by a
    conditional UPDATE before it is pushed, so two reconcilers never queue a row twice.
    """
    now = now or dt.datetime.now(dt.UTC)
    result = ReconcileResult()
    lock = lock_key(prefix)
    if not client.set(lock, worker_id(), nx=True, ex=60):
        result.locked = True
        return result
    try:
        result.requeued, result.given_up = _requeue_expired(
            engine, client, sources, prefix, lease_seconds, now
        )
        result.queued = int(client.zcard(queue_key(prefix)))
        result.in_flight = _count(engine, sources, _in_flight())
        if sweep and not result.queued and not result.in_flight:
            result.swept = _sweep(engine, client, sources, prefix, include_failed=include_failed)
            result.queued = int(client.zcard(queue_key(prefix)))
    finally:
        client.delete(lock)
    return result


def _count(engine: Engine, sources: list[str], condition: Any) -> int:
    with engine.connect() as conn:
        return int(
            conn.scalar(
                select(func.count())
                .select_from(FrontierEntry)
                .where(FrontierEntry.source.in_(sources), condition)
            )
            or 0
        )


_ROW_COLUMNS = (
    FrontierEntry.id,
    FrontierEntry.fetch_url,
    FrontierEntry.source,
    FrontierEntry.kind,
    FrontierEntry.channel,
    FrontierEntry.discovered_title,
    FrontierEntry.discovered_date,
    FrontierEntry.attempts,
)


def _entry(r: Any) -> dict[str, Any]:
    """The queue entry of a claimed row (``attempts`` already counts this re-queue)."""
    return request_dict(
        r.fetch_url,
        r.source,
        r.kind if r.kind in CALLBACKS else "article",
        r.id,
        channel=r.channel,
        title=r.discovered_title,
        date=r.discovered_date,
        priority=REQUEUE_PRIORITY if r.kind == "article" else DOCUMENT_PRIORITY,
        requeued=r.attempts,
    )


def _requeue_expired(
    engine: Engine, client: Any, sources: list[str], prefix: str, lease_seconds: float, now: dt.datetime
) -> tuple[int, int]:
    cutoff = now - dt.timedelta(seconds=lease_seconds)
    expired = and_(FrontierEntry.source.in_(sources), _in_flight(), FrontierEntry.leased_at < cutoff)
    with engine.begin() as conn:
        # Claim first (the lease is cleared only if it is still the expired one), then push: a
        # crash in between leaves a pending, unleased row, which the sweep finds.
        given_up = conn.execute(
            update(FrontierEntry)
            .where(expired, FrontierEntry.attempts + 1 >= MAX_ATTEMPTS)
            .values(
                leased_at=None, outcome="failed", reason="lease_expired", attempts=FrontierEntry.attempts + 1
            )
            .returning(FrontierEntry.id)
        ).all()
        claimed = conn.execute(
            update(FrontierEntry)
            .where(expired)
            .values(leased_at=None, attempts=FrontierEntry.attempts + 1)
            .returning(*_ROW_COLUMNS)
        ).all()
    push(client, queue_key(prefix), (_entry(r) for r in claimed))
    if claimed or given_up:
        logger.info("re-queued %d expired leases, gave up %d", len(claimed), len(given_up))
    return len(claimed), len(given_up)


def _sweep(engine: Engine, client: Any, sources: list[str], prefix: str, *, include_failed: bool) -> int:
    outcomes = ["pending", "failed"] if include_failed else ["pending"]
    lost = and_(
        FrontierEntry.source.in_(sources),
        FrontierEntry.kind == "article",
        FrontierEntry.outcome.in_(outcomes),
        FrontierEntry.attempts < MAX_ATTEMPTS,
        ~_in_flight(),
    )
    with engine.begin() as conn:
        claimed = conn.execute(
            update(FrontierEntry)
            .where(lost)
            .values(leased_at=None, attempts=FrontierEntry.attempts + 1)
            .returning(*_ROW_COLUMNS)
        ).all()
    n = push(client, queue_key(prefix), (_entry(r) for r in claimed))
    if n:
        logger.info("queued %d pending article URLs that no worker held", n)
    return n


# -- status ----------------------------------------------------------------------------------------
@dataclass
class QueueStatus:
    """What ``crimecorpus queue`` prints: the shared queue and the frontier's view of it."""

    queued: int
    seen: int
    in_flight: dict[str, int] = field(default_factory=dict)  # worker -> leased rows
    outcomes: dict[str, int] = field(default_factory=dict)  # article rows by outcome
    undecodable: int = 0  # entries set aside in the dead-letter list

    def format(self) -> str:
        lines = [
            f"queued requests   {self.queued}",
            f"seen fingerprints {self.seen}",
            f"in flight         {sum(self.in_flight.values())}",
        ]
        if self.undecodable:
            lines.append(f"set aside         {self.undecodable} undecodable entries")
        lines += [f"  {worker:<40} {n}" for worker, n in sorted(self.in_flight.items())]
        lines.append("article URLs by outcome")
        lines += [f"  {outcome:<16} {n}" for outcome, n in sorted(self.outcomes.items())]
        return "\n".join(lines)


def queue_status(engine: Engine | None, client: Any, prefix: str = DEFAULT_PREFIX) -> QueueStatus:
    status = QueueStatus(
        queued=int(client.zcard(queue_key(prefix))),
        seen=int(client.scard(dupefilter_key(prefix))),
        undecodable=int(client.llen(dead_key(prefix))),
    )
    if engine is None:
        return status
    with engine.connect() as conn:
        for worker, n in conn.execute(
            select(FrontierEntry.leased_by, func.count())
            .where(_in_flight())
            .group_by(FrontierEntry.leased_by)
        ):
            status.in_flight[worker or "?"] = int(n)
        for outcome, n in conn.execute(
            select(FrontierEntry.outcome, func.count())
            .where(FrontierEntry.kind == "article")
            .group_by(FrontierEntry.outcome)
        ):
            status.outcomes[outcome] = int(n)
    return status


def clear_queue(client: Any, prefix: str = DEFAULT_PREFIX) -> int:
    """Delete the queue, the seen fingerprints and the lock (a fresh start; the database is kept)."""
    return int(client.delete(queue_key(prefix), dupefilter_key(prefix), lock_key(prefix)))
