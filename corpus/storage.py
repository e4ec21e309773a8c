"""Database access: engines, migrations and idempotent, batched writes of articles and rejections."""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, bindparam, create_engine, event, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError
from sqlalchemy.orm import sessionmaker

from corpus.models import Article, ArticleVersion, CrawlRun, FrontierEntry, Rejection

DEFAULT_DB_PATH = Path("data") / "crimecorpus.sqlite"
DB_ENV = "CRIMECORPUS_DB"
MIGRATIONS = Path(__file__).parent / "migrations"


FLUSH_ATTEMPTS = 6
"""A batch that meets a deadlock, a serialization failure or a locked SQLite file is retried
with back-off this many times before the crawl stops with a clear error."""

_TRANSIENT_SQLSTATES = frozenset({"40001", "40P01", "55P03", "57014"})


def _is_transient_db_error(exc: Exception) -> bool:
    orig = getattr(exc, "orig", None)
    if getattr(orig, "sqlstate", None) in _TRANSIENT_SQLSTATES:
        return True
    text = str(orig or exc).lower()
    return "database is locked" in text or "deadlock detected" in text or "could not serialize" in text


class DatabaseError(RuntimeError):
    """The database cannot be used; the message is one line a user can act on."""


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def resolve_db_url(value: str | None = None) -> str:
    """The database URL from ``--db``, else ``$CRIMECORPUS_DB``, else the default SQLite file.

    A bare path is taken as a SQLite file; ``postgresql://`` without a driver means psycopg 3,
    the driver this project installs.
    """
    url = value or os.environ.get(DB_ENV) or str(DEFAULT_DB_PATH)
    if "://" not in url:
        url = f"sqlite:///{url}"
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    # WAL lets exports and stats read while a crawl writes; the busy timeout turns a concurrent
    # writer into a wait instead of an immediate "database is locked".
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


def make_engine(url: str) -> Engine:
    """Create an engine, preparing SQLite files (directory, WAL) and failing with one clear line."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise DatabaseError(f"not a database URL: {url!r}") from None
    if parsed.get_backend_name() == "sqlite":
        db = parsed.database
        if db and db != ":memory:":
            try:
                Path(db).parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise DatabaseError(f"cannot create the directory for {db}: {exc.strerror}") from None
        engine = create_engine(parsed)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    try:
        return create_engine(parsed, pool_pre_ping=True)
    except Exception as exc:  # a missing driver or bad option
        raise DatabaseError(f"cannot use database {parsed.render_as_string()}: {exc}") from None


def _alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest migration (creating it on an empty database)."""
    cfg = _alembic_config()
    try:
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
    except OperationalError as exc:
        raise DatabaseError(f"cannot reach database {engine.url.render_as_string()}: {_short(exc)}") from None


def _short(exc: Exception) -> str:
    text = str(getattr(exc, "orig", exc) or exc).strip().splitlines()
    return text[0] if text else exc.__class__.__name__


def open_database(url: str | None = None) -> Engine:
    """Resolve, connect and migrate: the one call every command makes before touching data."""
    engine = make_engine(resolve_db_url(url))
    migrate(engine)
    return engine


def _insert_for(engine: Engine):
    return postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert


# Columns an upsert must never overwrite: identity and the first sighting.
_KEEP_ON_CONFLICT = frozenset({"id", "url", "first_seen"})


class Store:
    """Buffers article and rejection rows and writes them in idempotent batches.

    An article is upserted on its canonical URL, so storing the same page twice (a retried batch,
    a second crawl, two workers) updates one row. Rows are de-duplicated inside the batch first:
    PostgreSQL refuses an upsert that touches the same row twice in one statement.
    """

    def __init__(self, engine: Engine, batch_size: int = 100, flush_seconds: float = 5.0) -> None:
        self.engine = engine
        self.batch_size = batch_size
        self.flush_seconds = flush_seconds
        self.sessions = sessionmaker(engine, expire_on_commit=False)
        self._articles: dict[str, dict[str, Any]] = {}
        self._rejections: list[dict[str, Any]] = []
        self._merges: list[tuple[frozenset[str], str]] = []
        self._frontier_seen: dict[str, dict[str, Any]] = {}
        self._frontier_results: dict[str, dict[str, Any]] = {}
        self._last_flush = time.monotonic()

    # -- crawl runs -------------------------------------------------------------------------
    def start_run(self, sources: Iterable[str], kind: str = "crawl") -> int:
        with self.sessions.begin() as session:
            run = CrawlRun(kind=kind, started_at=utcnow(), sources=",".join(sources), outcomes={})
            session.add(run)
            session.flush()
            return run.id

    def finish_run(self, run_id: int, *, status: str, pages_fetched: int, outcomes: dict[str, int]) -> None:
        self.flush()
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
                    status=status,
                    pages_fetched=pages_fetched,
                    articles_stored=stored or 0,
                    rejected=rejected or 0,
                    outcomes=dict(sorted(outcomes.items())),
                )
            )

    # -- buffered writes ----------------------------------------------------------------------
    def _maybe_flush(self, size: int) -> None:
        # By size, and by age: a killed crawl loses at most a few seconds of work, which the
        # frontier then hands to the next run again.
        if size >= self.batch_size or time.monotonic() - self._last_flush >= self.flush_seconds:
            self.flush()

    def add_article(self, row: dict[str, Any], frontier: tuple[str, dict[str, Any]] | None = None) -> None:
        """Buffer an article and (optionally) its frontier outcome; both go in the same flush."""
        self._articles[row["url"]] = row
        if frontier:
            self._frontier_results[frontier[0]] = frontier[1]
        self._maybe_flush(len(self._articles))

    def add_rejection(self, row: dict[str, Any], frontier: tuple[str, dict[str, Any]] | None = None) -> None:
        """Buffer a rejection and (optionally) its frontier outcome; both go in the same flush."""
        self._rejections.append({"at": utcnow(), **row})
        if frontier:
            self._frontier_results[frontier[0]] = frontier[1]
        self._maybe_flush(len(self._rejections))

    def frontier_seen(self, row: dict[str, Any]) -> None:
        """Record a discovered URL (a new row, or a later sighting of a known one)."""
        known = self._frontier_seen.get(row["id"])
        if known is None:
            self._frontier_seen[row["id"]] = row
        else:
            known["last_seen"] = row["last_seen"]
        self._maybe_flush(len(self._frontier_seen))

    def frontier_result(self, key: str, values: dict[str, Any]) -> None:
        """Record what became of a frontier URL (written with the article or rejection it produced)."""
        self._frontier_results[key] = values
        self._maybe_flush(len(self._frontier_results))

    def merge_clusters(self, old_ids: frozenset[str], new_id: str) -> None:
        """Queue moving every article of clusters ``old_ids`` into cluster ``new_id``."""
        self._merges.append((old_ids, new_id))

    def flush(self) -> None:
        """Write everything buffered in one transaction: all of a batch or none of it."""
        self._last_flush = time.monotonic()
        if not (
            self._articles
            or self._rejections
            or self._merges
            or self._frontier_seen
            or self._frontier_results
        ):
            return
        # Rows sorted by key: concurrent writers (workers of a distributed crawl) then lock rows in
        # the same order, which keeps deadlocks rare; the ones left are retried below.
        articles = sorted(self._articles.values(), key=lambda r: r["url"])
        rejections = self._rejections
        seen = sorted(self._frontier_seen.values(), key=lambda r: r["id"])
        results = sorted(self._frontier_results.items())
        for attempt in range(1, FLUSH_ATTEMPTS + 1):
            try:
                self._write(articles, rejections, seen, results)
                break
            except DBAPIError as exc:
                if not _is_transient_db_error(exc) or attempt == FLUSH_ATTEMPTS:
                    raise DatabaseError(
                        f"cannot write a batch of {len(articles)} articles: {_short(exc)}"
                    ) from exc
                time.sleep(min(0.1 * 2**attempt, 5.0))
        self._articles = {}
        self._rejections = []
        self._merges = []
        self._frontier_seen = {}
        self._frontier_results = {}

    def _write(
        self,
        articles: list[dict[str, Any]],
        rejections: list[dict[str, Any]],
        seen: list[dict[str, Any]],
        results: list[tuple[str, dict[str, Any]]],
    ) -> None:
        """One transaction: all of the batch or none of it."""
        with self.engine.begin() as conn:
            if seen:
                self._upsert_frontier(conn, seen)
            if articles:
                self._keep_old_versions(conn, articles)
                # One statement executed for many rows (not one multi-VALUES statement): it is
                # compiled once per crawl instead of once per batch, and no batch size can exceed
                # the database's limit on bound parameters.
                stmt = _insert_for(self.engine)(Article)
                updates = {c: stmt.excluded[c] for c in articles[0] if c not in _KEEP_ON_CONFLICT}
                conn.execute(stmt.on_conflict_do_update(index_elements=["url"], set_=updates), articles)
            for old_ids, new_id in self._merges:
                conn.execute(update(Article).where(Article.cluster_id.in_(old_ids)).values(cluster_id=new_id))
            if rejections:
                conn.execute(Rejection.__table__.insert(), rejections)
            if results:
                self._write_frontier_results(conn, results)

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
        stmt = _insert_for(self.engine)(FrontierEntry)
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
        new_hash = {a["url"]: a["text_hash"] for a in articles}
        # Hashes first: only the URLs whose text changed need their old text read.
        stored = conn.execute(select(Article.url, Article.text_hash).where(Article.url.in_(list(new_hash))))
        changed_urls = [url for url, old_hash in stored if old_hash != new_hash[url]]
        if not changed_urls:
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
            ).where(Article.url.in_(changed_urls))
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
            conn.execute(ArticleVersion.__table__.insert(), changed)


_CRAWLER_ATTR = "_corpus_store"


def crawler_store(crawler: Any) -> Store:
    """The one Store of a Scrapy crawler, opened (and the schema migrated) on first use.

    Spiders and pipelines share it, so a discovered URL, the article it became and the frontier
    outcome are written in the same batch.
    """
    store = getattr(crawler, _CRAWLER_ATTR, None)
    if store is None:
        settings = crawler.settings
        engine = open_database(settings.get("CORPUS_DB_URL"))
        store = Store(engine, batch_size=settings.getint("CORPUS_BATCH_SIZE", 100))
        setattr(crawler, _CRAWLER_ATTR, store)
    return store
