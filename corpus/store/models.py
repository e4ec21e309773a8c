"""The corpus schema as typed SQLAlchemy 2.0 models; Alembic migrations create and upgrade it."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

intpk = Annotated[int, mapped_column(primary_key=True, autoincrement=True)]
str16 = Annotated[str, mapped_column(String(16))]
# URLs are unbounded text (a length limit turned one long URL into a failed batch on PostgreSQL)
# and are never indexed: a btree row holds about 2.7 kB there. Rows are found by ``id``, a
# fixed-length hash of the canonical URL (corpus.sources.urls.article_id); corpus.store.frontier.MAX_URL_LENGTH
# bounds what the crawler stores.
url_text = Annotated[str, mapped_column(Text)]
path_str = Annotated[str, mapped_column(String(2048))]


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Timezone-aware datetimes stored as UTC on every backend.

    SQLite has no time zone type and hands back naive values; normalising on the way in and out
    means the rest of the code only ever sees aware UTC datetimes.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(dt.UTC)

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {dt.datetime: UTCDateTime(), dict[str, Any]: JSON()}


OBTAINED_VIA = ("live", "warc_file", "cc_index", "wayback")
"""How an article's page was obtained: fetched from the outlet, read from a WARC file given to
``ingest-warc``, or fetched from a web archive by its index (Common Crawl, the Wayback Machine)."""


class CrawlRun(Base):
    """One crawl (or import): when it ran, over which sources, and what came of it."""

    __tablename__ = "crawl_runs"

    id: Mapped[intpk]
    kind: Mapped[str] = mapped_column(String(16), default="crawl")
    started_at: Mapped[dt.datetime]
    finished_at: Mapped[dt.datetime | None]
    status: Mapped[str] = mapped_column(String(16), default="running")
    sources: Mapped[str] = mapped_column(Text, default="")
    pages_fetched: Mapped[int] = mapped_column(default=0)
    articles_stored: Mapped[int] = mapped_column(default=0)
    rejected: Mapped[int] = mapped_column(default=0)
    outcomes: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # Signs of life, so the next run can tell a killed run from a live one (Store.start_run).
    heartbeat_at: Mapped[dt.datetime | None]
    host: Mapped[str | None] = mapped_column(String(255))
    pid: Mapped[int | None]


class Article(Base):
    """A stored Dutch news article, keyed by the hash of its canonical URL (``id``)."""

    __tablename__ = "articles"

    id: Mapped[str16] = mapped_column(primary_key=True)  # article_id(url)
    url: Mapped[url_text]  # canonical
    fetched_url: Mapped[url_text]
    source: Mapped[str] = mapped_column(String(64), index=True)
    outlet: Mapped[str] = mapped_column(String(200))
    country: Mapped[str] = mapped_column(String(2))
    title: Mapped[str | None] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    author: Mapped[str | None] = mapped_column(Text)  # the byline, normalised (corpus.text.tidy)
    authors: Mapped[list[str] | None] = mapped_column(JSON)
    agency: Mapped[str | None] = mapped_column(String(64))  # "ANP", "Belga", ...: the credited agency
    # What kind of news item (corpus.text.pagekind.NEWS_KINDS) and how complete its text is.
    kind: Mapped[str] = mapped_column(String(16), server_default="article")
    paywalled: Mapped[bool | None]
    text_complete: Mapped[str] = mapped_column(String(8), server_default="full")  # full | teaser
    entries: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)  # a live blog's {"at", "text"}
    description: Mapped[str | None] = mapped_column(Text)
    published: Mapped[dt.date | None] = mapped_column(index=True)
    published_at: Mapped[dt.datetime | None]
    month: Mapped[str | None] = mapped_column(String(7), index=True)
    date_source: Mapped[str] = mapped_column(String(16), default="none")
    date_confidence: Mapped[float] = mapped_column(default=0.0)
    language: Mapped[str] = mapped_column(String(8))
    language_prob: Mapped[float]
    language_variant: Mapped[str | None] = mapped_column(String(8))
    text_hash: Mapped[str] = mapped_column(String(64), index=True)
    duplicate_of: Mapped[str | None] = mapped_column(String(16))
    discovered_via: Mapped[str | None] = mapped_column(String(16))
    # Crime classification (corpus.annotate.crime, corpus.annotate.places, corpus.annotate.persons); NULL until classified.
    is_crime: Mapped[bool | None] = mapped_column(index=True)
    crime_score: Mapped[float | None]
    categories: Mapped[list[str] | None] = mapped_column(JSON)
    primary_category: Mapped[str | None] = mapped_column(String(32))
    stage: Mapped[str | None] = mapped_column(String(16))
    places: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    persons: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    crime_evidence: Mapped[list[str] | None] = mapped_column(JSON)
    classifier_version: Mapped[str | None] = mapped_column(String(16))
    # Near-duplicates (corpus.dedup.neardup): MinHash signature, cluster and its representative.
    minhash: Mapped[bytes | None] = mapped_column(LargeBinary)
    cluster_id: Mapped[str | None] = mapped_column(String(16), index=True)
    is_representative: Mapped[bool | None]
    wire: Mapped[bool | None]  # the cluster's copies credit a news agency (corpus.store.clusters)
    first_seen: Mapped[dt.datetime]
    last_seen: Mapped[dt.datetime]
    crawl_run_id: Mapped[int | None] = mapped_column(ForeignKey("crawl_runs.id"))
    # Provenance: how the stored text was obtained (OBTAINED_VIA), when that copy was captured
    # (the fetch, or the archive's capture time) and the archive record it came from.
    obtained_via: Mapped[str] = mapped_column(String(16), server_default="live")
    captured_at: Mapped[dt.datetime | None]
    record_id: Mapped[str | None] = mapped_column(Text)


class Rejection(Base):
    """A URL fetched (or refused) and not kept, with the stage and reason, so nothing is silent."""

    __tablename__ = "rejections"

    id: Mapped[intpk]
    url: Mapped[url_text]
    source: Mapped[str | None] = mapped_column(String(64))
    stage: Mapped[str] = mapped_column(String(32))
    reason: Mapped[str] = mapped_column(String(64), index=True)
    detail: Mapped[str | None] = mapped_column(Text)
    http_status: Mapped[int | None]
    at: Mapped[dt.datetime]
    crawl_run_id: Mapped[int | None] = mapped_column(ForeignKey("crawl_runs.id"), index=True)


class ArticleVersion(Base):
    """An earlier text of an article that changed in place (same URL, new text): kept, not lost."""

    __tablename__ = "article_versions"

    id: Mapped[intpk]
    article_id: Mapped[str16] = mapped_column(index=True)
    url: Mapped[url_text]
    title: Mapped[str | None] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    text_hash: Mapped[str] = mapped_column(String(64))
    seen_from: Mapped[dt.datetime]
    seen_until: Mapped[dt.datetime]


class FrontierEntry(Base):
    """Every URL the crawler knows: discovered articles and the feeds, sitemaps and listings.

    The database, not Scrapy's memory or JOBDIR, is the source of truth for what is pending,
    done or failed: a killed crawl resumes from here, known articles are skipped before any
    download, and feeds and sitemaps are re-fetched with their stored validators (conditional GET).
    """

    __tablename__ = "frontier"

    id: Mapped[str16] = mapped_column(primary_key=True)  # article_id(canonical url)
    url: Mapped[url_text]  # canonical
    fetch_url: Mapped[url_text]
    source: Mapped[str] = mapped_column(String(64), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # article | feed | sitemap | sitemap_index | listing
    channel: Mapped[str | None] = mapped_column(String(16))  # how an article was discovered
    discovered_title: Mapped[str | None] = mapped_column(Text)
    discovered_date: Mapped[str | None] = mapped_column(String(64))  # raw pubDate / publication_date
    discovered_at: Mapped[dt.datetime | None]  # the same, parsed
    first_seen: Mapped[dt.datetime]
    last_seen: Mapped[dt.datetime]
    last_fetched: Mapped[dt.datetime | None]
    http_status: Mapped[int | None]
    etag: Mapped[str | None] = mapped_column(String(256))
    last_modified: Mapped[str | None] = mapped_column(String(64))
    outcome: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    reason: Mapped[str | None] = mapped_column(String(64))
    attempts: Mapped[int] = mapped_column(default=0)
    # Distributed crawls (corpus/crawl/distributed.py): when a worker took the URL from the shared queue,
    # and which worker. In flight while ``leased_at`` is later than ``last_fetched``.
    leased_at: Mapped[dt.datetime | None] = mapped_column(index=True)
    leased_by: Mapped[str | None] = mapped_column(String(64))


class TdmDeclaration(Base):
    """A TDMRep reservation the crawler saw (see :mod:`corpus.crawl.tdm`): where, how, and whether the
    page was kept anyway under the research exception."""

    __tablename__ = "tdm_declarations"
    __table_args__ = (UniqueConstraint("source", "origin", "via", "location", name="uq_tdm_declaration"),)

    id: Mapped[intpk]
    source: Mapped[str] = mapped_column(String(64))
    origin: Mapped[str] = mapped_column(String(255))
    via: Mapped[str] = mapped_column(String(16))  # well-known | header | meta
    location: Mapped[str] = mapped_column(String(1024))  # the file's rule, or the page path
    reserved: Mapped[bool | None]
    policy: Mapped[str | None] = mapped_column(String(2048))
    kept: Mapped[bool] = mapped_column(default=False)
    first_seen: Mapped[dt.datetime]
    last_seen: Mapped[dt.datetime]
    crawl_run_id: Mapped[int | None]


class WarcFile(Base):
    """A WARC file given to ``ingest-warc``: how far it was read, and whether it is done.

    ``offset`` is where the first record not yet settled starts: every record before it went
    through the pipelines and was committed, so a killed ingest resumes there (see docs/warc.md).
    """

    __tablename__ = "warc_files"

    id: Mapped[intpk]
    path: Mapped[path_str] = mapped_column(unique=True)
    size: Mapped[int] = mapped_column(BigInteger)
    mtime: Mapped[float]
    head_sha256: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))  # partial | done
    offset: Mapped[int] = mapped_column(BigInteger, default=0)
    records: Mapped[int] = mapped_column(default=0)
    wanted: Mapped[int] = mapped_column(default=0)
    broken: Mapped[int] = mapped_column(default=0)
    started_at: Mapped[dt.datetime]
    updated_at: Mapped[dt.datetime]
    crawl_run_id: Mapped[int | None]


class ArchiveJob(Base):
    """One piece of archive work shared by any number of workers: a backfill or a distributed ingest.

    ``key`` is the SHA-256 of the canonical JSON of ``(kind, spec)``, so every worker started with
    the same command joins the same job instead of planning it again (corpus.store.archivework).
    """

    __tablename__ = "archive_jobs"

    id: Mapped[intpk]
    key: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str16]  # backfill | ingest_warc
    spec: Mapped[dict[str, Any]]
    created_at: Mapped[dt.datetime]
    updated_at: Mapped[dt.datetime]  # when a worker last began (joined) the job


class ArchiveItem(Base):
    """One work item of an archive job (an index page, a capture, a WARC file...) and its lease.

    ``pending`` -> ``leased`` (``leased_by``, ``leased_at``, ``attempts`` + 1) -> ``done`` or
    ``failed``. ``key`` is the SHA-256 of the natural key ``name``: unique per job, so planning the
    same thing twice (two workers, or a resumed run) adds it once. The index on
    (job_id, status, kind, id) lets a claim read the next items of one kind in order without
    sorting every pending row of a large job.
    """

    __tablename__ = "archive_items"
    __table_args__ = (
        UniqueConstraint("job_id", "key", name="uq_archive_items_job_key"),
        Index("ix_archive_items_job_status", "job_id", "status", "kind", "id"),
    )

    id: Mapped[intpk]
    job_id: Mapped[int] = mapped_column(ForeignKey("archive_jobs.id"))
    kind: Mapped[str16]
    key: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(Text)
    payload: Mapped[dict[str, Any]]
    status: Mapped[str] = mapped_column(String(8))  # pending | leased | done | failed
    attempts: Mapped[int] = mapped_column(default=0)
    leased_by: Mapped[str | None] = mapped_column(String(128))
    leased_at: Mapped[dt.datetime | None]
    done_at: Mapped[dt.datetime | None]
    error: Mapped[str | None] = mapped_column(Text)
    parent_id: Mapped[int | None]
    source: Mapped[str | None] = mapped_column(String(64))
    url: Mapped[str | None] = mapped_column(Text)
    bytes: Mapped[int] = mapped_column(BigInteger, default=0)
    created_at: Mapped[dt.datetime]
