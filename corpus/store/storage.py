"""Database access: engines, migrations and idempotent, batched writes of articles and rejections.

How a write can fail, and what follows (docs/robustness.md has the table):

* transient errors (a lock or deadlock, a serialization failure, a connection that drops and comes
  back) are retried with back-off, ``FLUSH_ATTEMPTS`` times;
* a batch the database refuses for another reason is written again row by row: a row it still
  refuses (a NUL byte, a value a column will not take) becomes a rejection at stage ``store``
  and the rest of the batch is kept;
* an error that concerns the database rather than a row (disk full, read-only, connection lost
  for good, tables missing), or a row failure whose rejection cannot be written either, is a
  *store failure*: :class:`DatabaseError` with one line, the batch dropped (it is never retried
  forever), and :attr:`Store.failed` set so that every later write raises at once. What was
  committed stays; the frontier hands the lost batch's URLs to the next run.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import logging
import os
import re
import socket
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import quote

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy import Engine, Table, bindparam, create_engine, event, func, inspect, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError, StatementError
from sqlalchemy.orm import sessionmaker
from sqlalchemy.pool import NullPool

from corpus.store.frontier import MAX_URL_LENGTH, result_values, row_too_long
from corpus.store.models import Article, ArticleVersion, CrawlRun, FrontierEntry, Rejection
from corpus.store.ownership import SQLITE_MAGIC

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

log = logging.getLogger(__name__)

DEFAULT_DB_PATH = Path("data") / "crimecorpus.sqlite"
DB_ENV = "CRIMECORPUS_DB"
MIGRATIONS = Path(__file__).parent / "migrations"

FLUSH_ATTEMPTS = 6
"""A batch that meets a deadlock, a serialization failure, a locked SQLite file or a dropped
connection is retried with back-off this many times (about 6 s in all) before it counts as failed."""

STALE_RUN_SECONDS = 900.0
"""A ``running`` crawl-run row whose last sign of life (its last write) is older than this is
marked ``killed`` by the next run (``CORPUS_STALE_RUN_SECONDS``); see :meth:`Store.start_run`."""

_TRANSIENT_SQLSTATES = frozenset({"40001", "40P01", "55P03", "57014"})
# The server ended the session (admin shutdown, crash recovery, starting up): a new one may work.
_RECONNECT_SQLSTATES = frozenset({"57P01", "57P02", "57P03"})
# SQLSTATE classes that concern the database, not a row: connection (08), transaction state such
# as a read-only transaction (25), authorisation (28), catalog (3D), missing tables and columns or
# privileges (42), resources such as a full disk (53), operator intervention (57), system I/O
# (58) and internal errors (XX). Data (22) and integrity (23) errors, and program limits such as
# an oversized index row (54), concern one row.
_DATABASE_SQLSTATE_CLASSES = frozenset({"08", "25", "28", "3D", "42", "53", "57", "58", "XX"})
_TRANSIENT_TEXT = ("database is locked", "deadlock detected", "could not serialize")
# sqlite3 has no SQLSTATE: an OperationalError is about the file (full, read-only, I/O, schema)
# except these, which a single oversized value causes.
_SQLITE_ROW_TEXT = ("string or blob too big",)


def _orig(exc: BaseException) -> BaseException:
    return getattr(exc, "orig", None) or exc


def _sqlstate(exc: BaseException) -> str | None:
    return getattr(_orig(exc), "sqlstate", None)


def _is_transient_db_error(exc: BaseException) -> bool:
    """Worth another try: a lock or deadlock, a serialization failure, or a lost connection.

    A connection that dropped (or a server that is restarting) is retried like a lock: the pool
    reconnects on the next attempt, and if the server stays away the retries run out and the
    store fails. psycopg reports a refused or broken connection without a SQLSTATE.
    """
    state = _sqlstate(exc)
    if state in _TRANSIENT_SQLSTATES or state in _RECONNECT_SQLSTATES or (state or "")[:2] == "08":
        return True
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    orig = _orig(exc)
    if isinstance(exc, OperationalError) and state is None and type(orig).__module__.startswith("psycopg"):
        return True
    textual = str(orig).lower()
    return any(t in textual for t in _TRANSIENT_TEXT)


def _is_database_failure(exc: BaseException) -> bool:
    """True when ``exc`` says the database cannot take writes at all, whichever row is sent."""
    if not isinstance(exc, DBAPIError):
        return False  # a value SQLAlchemy could not bind: one row's fault
    if exc.connection_invalidated:
        return True
    state = _sqlstate(exc)
    if state:
        return state[:2] in _DATABASE_SQLSTATE_CLASSES
    if isinstance(exc, OperationalError):
        textual = str(_orig(exc)).lower()
        return not any(t in textual for t in _SQLITE_ROW_TEXT)
    return False


def _error_name(exc: BaseException) -> str:
    """The class of the driver's error (``StringDataRightTruncation``, ``IntegrityError``)."""
    return type(_orig(exc)).__name__[:64]


def short_error(exc: BaseException) -> str:
    lines = str(_orig(exc) or exc).strip().splitlines()
    return lines[0] if lines else exc.__class__.__name__


class DatabaseError(RuntimeError):
    """The database cannot be used; the message is one line a user can act on."""


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


# A bare value that is an address, not a file: "[::1]:5432", "[::1:5432", "db.host:5432/corpus".
_LOOKS_LIKE_ADDRESS = re.compile(r"^(\[|[\w.-]+:\d+(/|$))")


def resolve_db_url(value: str | None = None) -> str:
    """The database URL from ``--db``, else ``$CRIMECORPUS_DB``, else the default SQLite file.

    A bare path is taken as a SQLite file; ``postgresql://`` without a driver means psycopg 3,
    the driver this project installs. A value that cannot be parsed, or a bare value that is a
    host and port rather than a path, is a :class:`DatabaseError` (one line), not a file named
    after it.
    """
    url = value or os.environ.get(DB_ENV) or str(DEFAULT_DB_PATH)
    if "://" not in url:
        if _LOOKS_LIKE_ADDRESS.match(url):
            raise DatabaseError(
                f"not a database URL or SQLite path: {url!r} "
                "(PostgreSQL: postgresql://HOST:PORT/NAME; SQLite: a file path)"
            )
        url = f"sqlite:///{url}"
    _parse_url(url)  # as written, so an error shows what the user gave
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def _parse_url(url: str) -> URL:
    try:
        return make_url(url)
    except (ArgumentError, ValueError):
        raise DatabaseError(f"not a database URL: {_hide_password(url)!r}") from None


def _hide_password(url: str) -> str:
    return re.sub(r"(://[^:/@]*:)[^@/]*@", r"\1***@", url)


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    # WAL lets exports and stats read while a crawl writes; the busy timeout turns a concurrent
    # writer into a wait instead of an immediate "database is locked".
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


PG_CONNECT_TIMEOUT = 10
"""Seconds to wait for a PostgreSQL server to accept a connection (libpq's ``connect_timeout``)."""

PG_STATEMENT_TIMEOUT_MS = 300_000
"""Longest one statement may run. A batch upsert takes well under a second; a server that has
stopped answering (a network black hole sends no reset) must become an error, not a hang."""


def _pg_connect_args(url: URL) -> dict[str, Any]:
    """Time limits on every PostgreSQL connection, so a silent server is a store failure.

    Without them a half-dead server (packets dropped, no reset) blocks a connect, a pre-ping or a
    statement forever, and under cron or a systemd oneshot the run never exits. TCP keepalives
    notice a dead peer within about 25 s of silence; ``tcp_user_timeout`` bounds unacknowledged
    writes. Options given in the URL's query string win over these defaults.
    """
    if url.get_backend_name() != "postgresql":
        return {}
    args: dict[str, Any] = {
        "connect_timeout": PG_CONNECT_TIMEOUT,
        "keepalives": 1,
        "keepalives_idle": 10,
        "keepalives_interval": 5,
        "keepalives_count": 3,
        "tcp_user_timeout": 30_000,
        "options": f"-c statement_timeout={PG_STATEMENT_TIMEOUT_MS}",
    }
    return {k: v for k, v in args.items() if k not in url.query}


def make_engine(url: str, *, create: bool = True) -> Engine:
    """Create an engine, preparing SQLite files (directory, WAL) and failing with one clear line.

    With ``create=False`` a SQLite file's directory is not made (see :func:`open_database`).
    """
    parsed = _parse_url(url)
    if parsed.get_backend_name() == "sqlite":
        db = parsed.database
        if create and db and db != ":memory:":
            try:
                Path(db).parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise DatabaseError(f"cannot create the directory for {db}: {exc.strerror}") from None
        engine = create_engine(parsed)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    try:
        return create_engine(parsed, pool_pre_ping=True, connect_args=_pg_connect_args(parsed))
    except Exception as exc:  # a missing driver or bad option
        raise DatabaseError(f"cannot use database {parsed.render_as_string()}: {exc}") from None


def _alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


MIGRATION_LOCK = 0x63726D63  # "crmc": the advisory lock key of schema upgrades on PostgreSQL


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest migration (creating it on an empty database)."""
    cfg = _alembic_config()
    try:
        with engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                # Workers of a distributed crawl or backfill started together on one database
                # would both create the schema; the second then fails on alembic_version. One
                # upgrades at a time; the others find the schema current.
                conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK})")
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
    except OperationalError as exc:
        raise DatabaseError(
            f"cannot reach database {engine.url.render_as_string()}: {short_error(exc)}"
        ) from None
    except CommandError as exc:  # a revision this version does not know: a newer crimecorpus
        raise DatabaseError(f"cannot upgrade {engine.url.render_as_string()}: {short_error(exc)}") from None


def open_database(url: str | None = None, *, create: bool = True) -> Engine:
    """Resolve, connect and migrate: the one call every command makes before touching data.

    ``create=False`` is for the commands that read a corpus (stats, export, dataset build,
    browse, sources check, classify, dedup): they refuse, with one line, a SQLite file that is
    missing, that is not SQLite, or a database (SQLite or PostgreSQL) that holds no crimecorpus
    schema, and never create a file or folder. A crimecorpus database at an older schema
    revision is upgraded in place, as a crawl would: every command of this version needs the
    newest schema, and the migrations keep all data. A revision newer than this version is refused.
    """
    resolved = resolve_db_url(url)
    if not create:
        return _open_existing(resolved)
    engine = make_engine(resolved)
    migrate(engine)
    return engine


def _schema_of(engine: Engine, where: str) -> tuple[set[str], str | None]:
    """The tables of a database and its Alembic revision (None without ``alembic_version``)."""
    try:
        with engine.connect() as conn:
            tables = set(inspect(conn).get_table_names())
            revision = (
                conn.scalar(text("SELECT version_num FROM alembic_version"))
                if "alembic_version" in tables
                else None
            )
    except OperationalError as exc:
        raise DatabaseError(f"cannot reach database {where}: {short_error(exc)}") from None
    except DBAPIError as exc:  # a damaged file behind a valid header
        raise DatabaseError(f"cannot read database {where}: {short_error(exc)}") from None
    finally:
        engine.dispose()
    return tables, revision


def _is_corpus(tables: set[str], revision: str | None) -> bool:
    return revision is not None and {"articles", "crawl_runs"} <= tables


def _open_existing(url: str) -> Engine:
    parsed = _parse_url(url)
    where = parsed.render_as_string()
    if parsed.get_backend_name() == "sqlite":
        db = parsed.database or ""
        if not db or db == ":memory:" or db.startswith("file:"):
            raise DatabaseError(f"no corpus in {where!r}: give the path of a crimecorpus SQLite file")
        where = db
        path = Path(db)
        if not path.exists():
            raise DatabaseError(f"no database at {db} (check --db, or crawl first to create one)")
        if not path.is_file():
            raise DatabaseError(f"not a database file: {db}")
        try:
            with path.open("rb") as handle:
                magic = handle.read(len(SQLITE_MAGIC))
        except OSError as exc:
            raise DatabaseError(f"cannot read {db}: {exc.strerror}") from None
        if magic != SQLITE_MAGIC:
            raise DatabaseError(f"not a SQLite database: {db}")
        # Looked at read-only and without our pragmas first: switching another application's
        # database to WAL would already be a write to it.
        probe = create_engine(
            f"sqlite:///file:{quote(str(path.absolute()))}?mode=ro&uri=true", poolclass=NullPool
        )
        tables, revision = _schema_of(probe, where)
        if not _is_corpus(tables, revision):
            raise DatabaseError(f"not a crimecorpus database (no crimecorpus tables): {where}")
    engine = make_engine(url, create=False)
    try:
        tables, revision = _schema_of(engine, where)
    except DatabaseError:
        engine.dispose()
        raise
    if revision is None or not _is_corpus(tables, revision):
        engine.dispose()
        raise DatabaseError(f"not a crimecorpus database (no crimecorpus tables): {where}")
    script = ScriptDirectory.from_config(_alembic_config())
    if revision != script.get_current_head():
        try:
            script.get_revision(revision)
        except CommandError:
            engine.dispose()
            raise DatabaseError(
                f"database {where} is at schema revision {revision!r}, which this crimecorpus does not "
                "know (a newer version, or another application's database)"
            ) from None
        migrate(engine)
    return engine


def _table(model: type) -> Table:
    """A mapped class's Table (typed: mypy sees ``__table__`` only as a FromClause)."""
    return cast(Table, model.__table__)  # type: ignore[attr-defined]


def insert_for(engine: Engine):
    return postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert


# Columns an upsert must never overwrite: identity and the first sighting.
_KEEP_ON_CONFLICT = frozenset({"id", "url", "first_seen"})


def _clean(value: str | None, limit: int) -> str | None:
    """A string safe for any text column: no NUL byte (PostgreSQL refuses them), bounded."""
    return value.replace("\x00", "")[:limit] if value else value


@dataclass
class _Batch:
    """What one flush writes; ``links`` ties an article's or rejection's frontier outcome to it."""

    articles: list[dict[str, Any]] = field(default_factory=list)
    rejections: list[dict[str, Any]] = field(default_factory=list)
    seen: list[dict[str, Any]] = field(default_factory=list)
    results: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    merges: list[tuple[frozenset[str], str]] = field(default_factory=list)
    # ("article", id) or ("rejection", index in ``rejections``) -> the frontier key it settles
    links: dict[tuple[str, Any], str] = field(default_factory=dict)

    def size(self) -> int:
        return (
            len(self.articles) + len(self.rejections) + len(self.seen) + len(self.results) + len(self.merges)
        )


class Store:
    """Buffers article and rejection rows and writes them in idempotent batches.

    An article is upserted on its id, a fixed-length hash of the canonical URL (URLs themselves
    are unbounded text, with no index a long one could overflow), so storing the same page twice
    (a retried batch, a second crawl, two workers) updates one row. Rows are de-duplicated
    inside the batch first: PostgreSQL refuses an upsert that touches the same row twice in one
    statement. How a failed write ends is described in the module docstring; once the store has
    failed, :attr:`failed` holds the error and every write method raises it.
    """

    def __init__(
        self,
        engine: Engine,
        batch_size: int = 100,
        flush_seconds: float = 5.0,
        stale_run_seconds: float = STALE_RUN_SECONDS,
    ) -> None:
        self.engine = engine
        self.batch_size = batch_size
        self.flush_seconds = flush_seconds
        self.stale_run_seconds = stale_run_seconds
        self.sessions = sessionmaker(engine, expire_on_commit=False)
        self.failed: DatabaseError | None = None
        self.run_id: int | None = None
        self._articles: dict[str, dict[str, Any]] = {}
        self._rejections: list[dict[str, Any]] = []
        self._merges: list[tuple[frozenset[str], str]] = []
        self._frontier_seen: dict[str, dict[str, Any]] = {}
        self._frontier_results: dict[str, dict[str, Any]] = {}
        self._links: dict[tuple[str, Any], str] = {}
        self._too_long: set[str] = set()
        self._last_flush = time.monotonic()

    def _raise_if_failed(self) -> None:
        if self.failed is not None:
            raise self.failed

    # -- crawl runs -------------------------------------------------------------------------
    def start_run(self, sources: Iterable[str], kind: str = "crawl") -> int:
        """Record a new run, after marking runs that are provably dead as ``killed``.

        A run row says ``running`` until its process finishes it; a process killed with SIGKILL
        (or a lost machine) never does. Rows are shared by every process on the database (the
        workers of a distributed crawl run at the same time), so only a row that cannot belong
        to a live process is marked: one from this host whose process id no longer exists, or one
        whose last write (``heartbeat_at``, moved by every flush) is older than
        ``stale_run_seconds``. ``finished_at`` is then that last sign of life. A live run wrongly
        marked (idle longer than the limit) sets its true status when it finishes.
        """
        self._raise_if_failed()
        now = utcnow()
        with self.sessions.begin() as session:
            self._mark_dead_runs(session, now)
            run = CrawlRun(
                kind=kind,
                started_at=now,
                heartbeat_at=now,
                host=socket.gethostname()[:255],
                pid=os.getpid(),
                sources=",".join(sources),
                outcomes={},
            )
            session.add(run)
            session.flush()
            self.run_id = run.id
            return run.id

    def _mark_dead_runs(self, session: Any, now: dt.datetime) -> None:
        cutoff = now - dt.timedelta(seconds=self.stale_run_seconds)
        host = socket.gethostname()[:255]
        rows = session.execute(
            select(
                CrawlRun.id, CrawlRun.host, CrawlRun.pid, CrawlRun.started_at, CrawlRun.heartbeat_at
            ).where(CrawlRun.status == "running")
        ).all()
        for r in rows:
            last = r.heartbeat_at or r.started_at
            gone = r.host == host and r.pid is not None and not _process_alive(r.pid)
            if gone or last < cutoff:
                session.execute(
                    update(CrawlRun)
                    .where(CrawlRun.id == r.id, CrawlRun.status == "running")
                    .values(status="killed", finished_at=last)
                )
                log.warning("crawl run %s was left running by a process that is gone: marked killed", r.id)

    def finish_run(self, run_id: int, *, status: str, pages_fetched: int, outcomes: dict[str, int]) -> None:
        """Flush, then record the run's end with the counts the database holds.

        Never raises for a failed store: the run row is then written as ``store_failed`` if the
        database still takes that one write, and the caller reads :attr:`failed`.
        """
        if self.failed is None:
            with contextlib.suppress(DatabaseError):  # self.failed is set; the run row says so
                self.flush()
        if self.failed is not None:
            status = "store_failed"
            outcomes = {**outcomes, "corpus/store_failed": 1}
        try:
            with self.sessions.begin() as session:
                stored = session.scalar(
                    select(func.count()).select_from(Article).where(Article.crawl_run_id == run_id)
                )
                rejected = session.scalar(
                    select(func.count()).select_from(Rejection).where(Rejection.crawl_run_id == run_id)
                )
                session.execute(
                    update(CrawlRun)
                    .where(CrawlRun.id == run_id)
                    .values(
                        finished_at=utcnow(),
                        status=status[:16],
                        pages_fetched=pages_fetched,
                        articles_stored=stored or 0,
                        rejected=rejected or 0,
                        outcomes=dict(sorted(outcomes.items())),
                    )
                )
        except (DBAPIError, StatementError) as exc:
            if self.failed is None:
                self.failed = DatabaseError(
                    f"cannot record the end of crawl run {run_id}: {short_error(exc)}"
                )
                raise self.failed from exc
            log.warning("could not record the end of crawl run %s: %s", run_id, short_error(exc))

    # -- buffered writes ----------------------------------------------------------------------
    def _maybe_flush(self, size: int) -> None:
        # By size, and by age: a killed crawl loses at most a few seconds of work, which the
        # frontier then hands to the next run again.
        if size >= self.batch_size or time.monotonic() - self._last_flush >= self.flush_seconds:
            self.flush()

    def add_article(self, row: dict[str, Any], frontier: tuple[str, dict[str, Any]] | None = None) -> None:
        """Buffer an article and (optionally) its frontier outcome; both go in the same flush.

        An article whose URL is over ``MAX_URL_LENGTH`` (reached through a redirect) is recorded
        as a rejection at stage ``fetch`` instead.
        """
        self._raise_if_failed()
        if len(row["url"]) > MAX_URL_LENGTH or len(row["fetched_url"]) > MAX_URL_LENGTH:
            # The caller's outcome says "stored"; the frontier must say what really happened.
            if frontier:
                frontier = (frontier[0], result_values("rejected", reason="url_too_long", now=utcnow()))
            self.add_rejection(_too_long_rejection(row["fetched_url"], row["source"], "fetch", row), frontier)
            return
        self._articles[row["id"]] = row
        if frontier:
            self._frontier_results[frontier[0]] = frontier[1]
            self._links[("article", row["id"])] = frontier[0]
        self._maybe_flush(len(self._articles))

    def add_rejection(self, row: dict[str, Any], frontier: tuple[str, dict[str, Any]] | None = None) -> None:
        """Buffer a rejection and (optionally) its frontier outcome; both go in the same flush."""
        self._raise_if_failed()
        row = {"at": utcnow(), **row}
        if row["url"] and len(row["url"]) > MAX_URL_LENGTH:
            row["url"] = row["url"][:MAX_URL_LENGTH]  # the rejection table stays bounded
        self._rejections.append(row)
        if frontier:
            self._frontier_results[frontier[0]] = frontier[1]
            self._links[("rejection", len(self._rejections) - 1)] = frontier[0]
        self._maybe_flush(len(self._rejections))

    def frontier_seen(self, row: dict[str, Any]) -> bool:
        """Record a discovered URL (a new row, or a later sighting of a known one).

        False when the URL is over ``MAX_URL_LENGTH``: it is then recorded once per store as a
        rejection (stage ``discovery``, reason ``url_too_long``) instead of a pending row, and
        the caller must not request it.
        """
        self._raise_if_failed()
        if row_too_long(row):
            if row["id"] not in self._too_long:
                self._too_long.add(row["id"])
                self.add_rejection(
                    _too_long_rejection(
                        row["fetch_url"], row["source"], "discovery", {"crawl_run_id": self.run_id}
                    )
                )
            return False
        known = self._frontier_seen.get(row["id"])
        if known is None:
            self._frontier_seen[row["id"]] = row
        else:
            known["last_seen"] = row["last_seen"]
        self._maybe_flush(len(self._frontier_seen))
        return True

    def frontier_result(self, key: str, values: dict[str, Any]) -> None:
        """Record what became of a frontier URL (written with the article or rejection it produced)."""
        self._raise_if_failed()
        self._frontier_results[key] = values
        self._maybe_flush(len(self._frontier_results))

    def merge_clusters(self, old_ids: frozenset[str], new_id: str) -> None:
        """Queue moving every article of clusters ``old_ids`` into cluster ``new_id``."""
        self._raise_if_failed()
        self._merges.append((old_ids, new_id))

    def _take(self) -> _Batch:
        """Everything buffered, as one batch, and empty buffers: a failed batch is never resent."""
        # Rows sorted by key: concurrent writers (workers of a distributed crawl) then lock rows in
        # the same order, which keeps deadlocks rare; the ones left are retried.
        batch = _Batch(
            articles=sorted(self._articles.values(), key=lambda r: r["id"]),
            rejections=self._rejections,
            seen=sorted(self._frontier_seen.values(), key=lambda r: r["id"]),
            results=sorted(self._frontier_results.items()),
            merges=self._merges,
            links=self._links,
        )
        self._articles = {}
        self._rejections = []
        self._merges = []
        self._frontier_seen = {}
        self._frontier_results = {}
        self._links = {}
        return batch

    def flush(self) -> None:
        """Write everything buffered: in one transaction, or row by row if the database refuses it.

        Raises :class:`DatabaseError` (and sets :attr:`failed`) when the store has failed.
        """
        self._raise_if_failed()
        self._last_flush = time.monotonic()
        batch = self._take()
        if not batch.size():
            return
        try:
            self._retrying(lambda: self._write(batch), f"a batch of {len(batch.articles)} articles")
        except _RowLevel:
            self._write_row_by_row(batch)
        except DatabaseError as exc:
            self.failed = exc
            raise

    def _retrying(self, write: Callable[[], None], what: str) -> None:
        """Run ``write``, retrying transient errors; :class:`_RowLevel` when a row may be at fault."""
        for attempt in range(1, FLUSH_ATTEMPTS + 1):
            try:
                write()
                return
            except (DBAPIError, StatementError) as exc:
                if _is_transient_db_error(exc) and attempt < FLUSH_ATTEMPTS:
                    time.sleep(min(0.1 * 2**attempt, 5.0))
                    continue
                if _is_transient_db_error(exc) or _is_database_failure(exc):
                    raise DatabaseError(f"cannot write {what}: {short_error(exc)}") from exc
                raise _RowLevel(exc) from exc

    def _write_row_by_row(self, batch: _Batch) -> None:
        """Write each unit of a refused batch alone; record the ones still refused as rejections.

        A unit is a frontier sighting, an article with its frontier outcome, a rejection with
        its outcome, a lone outcome or a cluster merge: what must stay together.
        """
        units: list[tuple[_Batch, dict[str, Any] | None]] = []
        results = dict(batch.results)
        for row in batch.seen:
            units.append((_Batch(seen=[row]), row))
        for row in batch.articles:
            key = batch.links.get(("article", row["id"]))
            linked = [(key, results.pop(key))] if key in results else []
            units.append((_Batch(articles=[row], results=linked), row))
        for merge in batch.merges:
            units.append((_Batch(merges=[merge]), None))
        for index, row in enumerate(batch.rejections):
            key = batch.links.get(("rejection", index))
            linked = [(key, results.pop(key))] if key in results else []
            units.append((_Batch(rejections=[row], results=linked), row))
        units += [(_Batch(results=[item]), None) for item in results.items()]
        refused: list[tuple[_Batch, dict[str, Any] | None, Exception]] = []
        try:
            for unit, unit_row in units:
                try:
                    self._retrying(functools.partial(self._write, unit), "a row")
                except _RowLevel as exc:
                    refused.append((unit, unit_row, exc.error))
            if refused:
                self._retrying(lambda: self._record_refused(refused), "the rejection of a refused row")
        except _RowLevel as exc:  # not even a rejection can be written: the database is at fault
            self.failed = DatabaseError(f"cannot write to the database: {short_error(exc.error)}")
            raise self.failed from exc.error
        except DatabaseError as exc:
            self.failed = exc
            raise
        for _unit, refused_row, error in refused:
            row_of = refused_row or {}
            url = row_of.get("fetched_url") or row_of.get("fetch_url") or row_of.get("url")
            log.warning(
                "the database refused a row (%s), recorded as a rejection: %s", short_error(error), url
            )

    def _record_refused(self, refused: list[tuple[_Batch, dict[str, Any] | None, Exception]]) -> None:
        """One transaction: a ``store`` rejection per refused unit, and its frontier URL settled."""
        rejections: list[dict[str, Any]] = []
        outcomes: list[tuple[str, dict[str, Any]]] = []
        now = utcnow()
        with self.engine.begin() as conn:
            for unit, row, error in refused:
                reason = _error_name(error)
                keys = [k for k, _ in unit.results] + [r["id"] for r in unit.seen]
                url = None
                if row is not None:
                    url = row.get("fetched_url") or row.get("fetch_url") or row.get("url")
                elif keys:
                    url = conn.scalar(select(FrontierEntry.fetch_url).where(FrontierEntry.id == keys[0]))
                if url is None and not keys:
                    log.warning("the database refused a cluster merge: %s", short_error(error))
                    continue
                detail = short_error(error)
                if unit.rejections:
                    detail = (
                        f"rejection {unit.rejections[0]['stage']}/{unit.rejections[0]['reason']}: {detail}"
                    )
                rejections.append(
                    {
                        "url": _clean(url or f"frontier:{keys[0]}", MAX_URL_LENGTH),
                        "source": _clean((row or {}).get("source"), 64),
                        "stage": "store",
                        "reason": reason,
                        "detail": _clean(detail, 500),
                        "http_status": None,
                        "at": now,
                        "crawl_run_id": (row or {}).get("crawl_run_id", self.run_id),
                    }
                )
                outcomes += [
                    (k, {"outcome": "rejected", "reason": reason, "last_fetched": now}) for k in keys
                ]
            if rejections:
                conn.execute(_table(Rejection).insert(), rejections)
            if outcomes:
                self._write_frontier_results(conn, sorted(dict(outcomes).items()))
            self._heartbeat(conn)

    def _heartbeat(self, conn: Any) -> None:
        if self.run_id is not None:
            conn.execute(update(CrawlRun).where(CrawlRun.id == self.run_id).values(heartbeat_at=utcnow()))

    def _write(self, batch: _Batch) -> None:
        """One transaction: all of the batch or none of it."""
        with self.engine.begin() as conn:
            if batch.seen:
                self._upsert_frontier(conn, batch.seen)
            if batch.articles:
                self._keep_old_versions(conn, batch.articles)
                # One statement executed for many rows (not one multi-VALUES statement): it is
                # compiled once per crawl instead of once per batch, and no batch size can exceed
                # the database's limit on bound parameters.
                stmt = insert_for(self.engine)(Article)
                updates = {c: stmt.excluded[c] for c in batch.articles[0] if c not in _KEEP_ON_CONFLICT}
                conn.execute(stmt.on_conflict_do_update(index_elements=["id"], set_=updates), batch.articles)
            for old_ids, new_id in batch.merges:
                conn.execute(update(Article).where(Article.cluster_id.in_(old_ids)).values(cluster_id=new_id))
            if batch.rejections:
                conn.execute(_table(Rejection).insert(), batch.rejections)
            if batch.results:
                self._write_frontier_results(conn, batch.results)
            self._heartbeat(conn)

    @staticmethod
    def _write_frontier_results(conn: Any, results: list[tuple[str, dict[str, Any]]]) -> None:
        """One UPDATE executed over many rows per shape of result (same columns, failed or not)."""
        groups: dict[tuple[tuple[str, ...], bool], list[dict[str, Any]]] = {}
        for key, values in results:  # sorted by key, so each group is too
            shape = (tuple(sorted(values)), values.get("outcome") == "failed")
            groups.setdefault(shape, []).append({"k_id": key, **{"v_" + c: v for c, v in values.items()}})
        for (columns, failed), params in groups.items():
            sets: dict[str, Any] = {c: bindparam("v_" + c) for c in columns}
            if failed:
                sets["attempts"] = FrontierEntry.attempts + 1
            conn.execute(
                update(FrontierEntry).where(FrontierEntry.id == bindparam("k_id")).values(sets), params
            )

    def _upsert_frontier(self, conn: Any, rows: list[dict[str, Any]]) -> None:
        table = FrontierEntry.__table__
        stmt = insert_for(self.engine)(FrontierEntry)
        conn.execute(
            stmt.on_conflict_do_update(
                index_elements=["id"],
                set_={
                    "last_seen": stmt.excluded.last_seen,
                    "discovered_title": func.coalesce(
                        table.c.discovered_title, stmt.excluded.discovered_title
                    ),
                    "discovered_date": func.coalesce(table.c.discovered_date, stmt.excluded.discovered_date),
                    "discovered_at": func.coalesce(table.c.discovered_at, stmt.excluded.discovered_at),
                },
            ),
            rows,
        )

    @staticmethod
    def _keep_old_versions(conn: Any, articles: list[dict[str, Any]]) -> None:
        """Before an upsert replaces a changed text, copy the old text to ``article_versions``."""
        new_hash = {a["id"]: a["text_hash"] for a in articles}
        # Hashes first: only the articles whose text changed need their old text read.
        stored = conn.execute(select(Article.id, Article.text_hash).where(Article.id.in_(list(new_hash))))
        changed_ids = [key for key, old_hash in stored if old_hash != new_hash[key]]
        if not changed_ids:
            return
        old = conn.execute(
            select(
                Article.id,
                Article.url,
                Article.title,
                Article.text,
                Article.text_hash,
                Article.first_seen,
                Article.last_seen,
            ).where(Article.id.in_(changed_ids))
        ).all()
        changed = [
            {
                "article_id": r.id,
                "url": r.url,
                "title": r.title,
                "text": r.text,
                "text_hash": r.text_hash,
                "seen_from": r.first_seen,
                "seen_until": r.last_seen,
            }
            for r in old
        ]
        if changed:
            conn.execute(_table(ArticleVersion).insert(), changed)


class _RowLevel(Exception):
    """A write failed for a reason that may lie in one row: try the rows one by one."""

    def __init__(self, error: Exception) -> None:
        super().__init__(str(error))
        self.error = error


def _too_long_rejection(url: str, source: str | None, stage: str, row: dict[str, Any]) -> dict[str, Any]:
    return {
        "url": url[:MAX_URL_LENGTH],
        "source": source,
        "stage": stage,
        "reason": "url_too_long",
        "detail": f"URL of {len(url)} characters; the limit is {MAX_URL_LENGTH}",
        "http_status": None,
        "crawl_run_id": row.get("crawl_run_id"),
    }


def _process_alive(pid: int) -> bool:
    """Whether a process with this id exists on this host (one of another user counts as alive)."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


_CRAWLER_ATTR = "_corpus_store"


def crawler_store(crawler: Crawler) -> Store:
    """The one Store of a Scrapy crawler, opened (and the schema migrated) on first use.

    It belongs to the storing stage (``pipelines.store.StorePipeline``): that stage alone writes
    to it and flushes it, so a discovered URL, the article it became and the frontier outcome are
    written in the same batch. Spiders and middlewares report through the signals of
    ``corpus.crawl.discoveries``; stages that only read use :func:`crawler_engine`.
    """
    store = getattr(crawler, _CRAWLER_ATTR, None)
    if store is None:
        settings = crawler.settings
        engine = open_database(settings.get("CORPUS_DB_URL"))
        store = Store(
            engine,
            batch_size=settings.getint("CORPUS_BATCH_SIZE"),
            stale_run_seconds=settings.getfloat("CORPUS_STALE_RUN_SECONDS"),
        )
        setattr(crawler, _CRAWLER_ATTR, store)
    return store


def opened_store(crawler: Crawler) -> Store | None:
    """The crawler's Store if it was ever opened; None otherwise (the end of a run opens none)."""
    return getattr(crawler, _CRAWLER_ATTR, None)


def crawler_engine(crawler: Crawler) -> Engine:
    """The crawler's database engine, for reads and close-time refreshes (never the write buffer)."""
    return crawler_store(crawler).engine
