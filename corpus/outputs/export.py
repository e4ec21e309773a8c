"""Streaming exports of the stored corpus: JSONL, and dated text files in the example layout.

Exports read in a stable order (publication date, then URL; undated articles last), hold one row
at a time, and write to a temporary path that is renamed into place only when complete, so a
killed export never leaves a half-written file where the previous one stood. They write only
to a new path or over an earlier output of the same kind (``corpus.store.ownership``).
"""

from __future__ import annotations

import datetime as dt
import functools
import importlib.metadata
import json
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Engine, Select, func, select
from sqlalchemy.orm import Session, aliased

from corpus.annotate.crime import CATEGORIES, CLASSIFIER_VERSION
from corpus.annotate.pseudonymise import ID_FIELDS, LIST_FIELDS, pseudonymise_record
from corpus.store.models import Article
from corpus.store.ownership import (
    JSONL_EXPORT,
    RECORD_PROOF_KEY,
    TXT_EXPORT,
    ExportError,
    atomic_dir,
    atomic_path,
)

DEDUP_MODES = ("none", "exact", "near")
# File-name suffix of a JSONL file per compression (snapshots in corpus.outputs.dataset, their data card).
JSONL_SUFFIX = {"none": ".jsonl", "gzip": ".jsonl.gz", "zstd": ".jsonl.zst"}


def split_file_stem(split: str) -> str:
    """The name of a snapshot split's Parquet and JSONL files: ``articles`` for the unsplit ``all``."""
    return "articles" if split == "all" else split


STDOUT = "-"  # ``--out -``: JSONL to standard output
__all__ = ["ExportError", "ExportFilter", "ExportResult", "atomic_dir", "atomic_path", "export"]


@dataclass(frozen=True)
class ExportFilter:
    """Which articles an export holds and how their text is written."""

    since: dt.date | None = None
    until: dt.date | None = None
    sources: tuple[str, ...] = ()
    dedup: str = "near"  # none | exact (no identical wire copies) | near (cluster representatives)
    all_topics: bool = False  # False: crime news only (is_crime)
    category: str | None = None
    complete_only: bool = False  # True: full texts only, no paywall teasers (text_complete)
    pseudonymise: bool = False
    salt: str = ""

    def describe(self) -> dict[str, Any]:
        """The filter as manifest data; the salt is a secret and is never written out."""
        return {
            "since": self.since.isoformat() if self.since else None,
            "until": self.until.isoformat() if self.until else None,
            "sources": list(self.sources),
            "dedup": self.dedup,
            "all_topics": self.all_topics,
            "category": self.category,
            "complete_only": self.complete_only,
            "pseudonymise": self.pseudonymise,
            "salted": bool(self.salt),
        }


def check_filter(engine: Engine, flt: ExportFilter) -> None:
    """Refuse a filter that selects nothing by mistake: an unknown value or contradictory bounds.

    An empty result is then known to be a real one ("0 articles match"), not a typo.
    """
    if flt.since and flt.until and flt.since > flt.until:
        raise ExportError(
            f"--since {flt.since.isoformat()} is after --until {flt.until.isoformat()}: no article can match"
        )
    if flt.category is not None and flt.category not in CATEGORIES:
        raise ExportError(f"unknown category {flt.category!r} (known: {', '.join(CATEGORIES)})")
    if flt.dedup not in DEDUP_MODES:
        raise ExportError(f"unknown dedup mode {flt.dedup!r} ({', '.join(DEDUP_MODES)})")
    if flt.sources:
        with Session(engine) as session:
            known = set(session.scalars(select(Article.source).distinct()))
        unknown = [name for name in flt.sources if name not in known]
        if unknown:
            listed = ", ".join(sorted(known)) or "none: the database holds no articles"
            raise ExportError(
                f"unknown source {', '.join(map(repr, unknown))} (sources in the database: {listed})"
            )


@functools.cache
def git_commit() -> str | None:
    """The commit of the checkout crimecorpus runs from, or None for an installed package.

    Read once per process, so every record of one export or snapshot carries the same value even
    while someone commits in the working tree.
    """
    root = Path(__file__).resolve().parents[2]
    if not (root / ".git").exists():
        return None
    try:
        proc = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True, timeout=10
        )
    except (OSError, subprocess.SubprocessError):
        return None
    commit = proc.stdout.strip()
    return commit if proc.returncode == 0 and len(commit) == 40 else None


def package_version() -> str:
    try:
        return importlib.metadata.version("crimecorpus")
    except importlib.metadata.PackageNotFoundError:  # a source tree that is not installed
        return "unknown"


@functools.cache
def provenance() -> dict[str, str | None]:
    """What made every exported record: crimecorpus's version, the classifier's, the git commit."""
    return {
        RECORD_PROOF_KEY: package_version(),
        "classifier_version": CLASSIFIER_VERSION,
        "git_commit": git_commit(),
    }


@dataclass
class ExportResult:
    path: Path
    written: int = 0
    skipped: dict[str, int] = field(default_factory=dict)


def article_query(flt: ExportFilter) -> Select[Article, int]:
    """The articles an export holds with their cluster sizes, in its stable order."""
    peer = aliased(Article)
    size = (
        select(func.count()).select_from(peer).where(peer.cluster_id == Article.cluster_id).scalar_subquery()
    )
    query = select(Article, size)
    if flt.since:
        query = query.where(Article.published >= flt.since)
    if flt.until:
        query = query.where(Article.published <= flt.until)
    if flt.sources:
        query = query.where(Article.source.in_(flt.sources))
    if flt.dedup == "exact":
        query = query.where(Article.duplicate_of.is_(None))
    elif flt.dedup == "near":
        query = query.where(Article.is_representative.is_not(False))
    if not flt.all_topics:
        query = query.where(Article.is_crime.is_(True))
    if flt.complete_only:
        query = query.where(Article.text_complete != "teaser")
    return query.order_by(Article.published.is_(None), Article.published, Article.url)


def iter_articles(engine: Engine, flt: ExportFilter, batch: int = 500) -> Iterator[Article]:
    """Stream articles without loading the corpus into memory (after ``check_filter``)."""
    check_filter(engine, flt)
    with Session(engine) as session:
        result = session.execute(article_query(flt).execution_options(yield_per=batch))
        for article, size in result:
            session.expunge(article)
            article.cluster_size = size or 1  # type: ignore[attr-defined]
            # JSON columns cannot be filtered portably in SQL; the category test runs here.
            if flt.category and flt.category not in (article.categories or []):
                continue
            if flt.pseudonymise:
                _pseudonymise_article(article, flt.salt)
            yield article


# The Article attributes a pseudonymised record replaces (description is read, never exported).
_PSEUDONYMISED = ("url", "title", "text", "description", "places", *ID_FIELDS, *LIST_FIELDS)


def _pseudonymise_article(article: Article, salt: str) -> None:
    """Pseudonymise the detached article in place; every output (JSONL, txt, dataset, browse) reads it here.

    corpus.annotate.pseudonymise replaces every form of every named person in all text fields, and the
    URL and the ids (the plain id is sha256 of the URL) by salted hashes.
    """
    record = pseudonymise_record({**article_record(article), "description": article.description}, salt=salt)
    for name in _PSEUDONYMISED:
        setattr(article, name, record[name])
    article.fetched_url = record["url"]


def article_record(a: Article) -> dict[str, Any]:
    """The JSONL object of one article (documented in the README)."""
    return {
        "id": a.id,
        "url": a.url,
        "source": a.source,
        "outlet": a.outlet,
        "country": a.country,
        "kind": a.kind or "article",
        "title": a.title,
        "text": a.text,
        "text_complete": a.text_complete or "full",
        "paywalled": a.paywalled,
        "entries": a.entries or [],
        "author": a.author,
        "authors": a.authors or [],
        "agency": a.agency,
        "published": a.published.isoformat() if a.published else None,
        "published_at": a.published_at.isoformat() if a.published_at else None,
        "date": a.month,
        "date_source": a.date_source,
        "date_confidence": a.date_confidence,
        "language": a.language,
        "language_prob": a.language_prob,
        "language_variant": a.language_variant,
        "duplicate_of": a.duplicate_of,
        "cluster_id": a.cluster_id,
        "cluster_size": getattr(a, "cluster_size", 1),
        "is_representative": a.is_representative is not False,
        "wire": a.wire,
        "is_crime": a.is_crime,
        "crime_score": a.crime_score,
        "categories": a.categories or [],
        "primary_category": a.primary_category,
        "stage": a.stage,
        "places": a.places or [],
        "persons": a.persons or [],
        "crime_evidence": a.crime_evidence or [],
        "fetched_at": a.first_seen.isoformat(),
        "obtained_via": a.obtained_via or "live",
        "captured_at": a.captured_at.isoformat() if a.captured_at else None,
        "record_id": a.record_id,
        **provenance(),
    }


def dated_text(a: Article) -> str:
    """The corpus's example-document layout: ``date YYYY-MM`` on the first line, then the text."""
    return f"date {a.month}\n{a.text.strip()}\n"


@contextmanager
def _jsonl_handle(out: Path, force: bool) -> Iterator[IO[str]]:
    """Where JSONL goes: standard output for ``-``, else a file that replaces ``out`` when complete."""
    if str(out) == STDOUT:
        yield sys.stdout
        sys.stdout.flush()
        return
    with (
        atomic_path(out, JSONL_EXPORT, force=force) as tmp,
        tmp.open("w", encoding="utf-8", newline="\n") as handle,
    ):
        yield handle


def export_jsonl(engine: Engine, out: Path, flt: ExportFilter, *, force: bool = False) -> ExportResult:
    result = ExportResult(out)
    with _jsonl_handle(out, force) as handle:
        for article in iter_articles(engine, flt):
            handle.write(json.dumps(article_record(article), ensure_ascii=False, sort_keys=False) + "\n")
            result.written += 1
    return result


def export_txt(engine: Engine, out: Path, flt: ExportFilter, *, force: bool = False) -> ExportResult:
    """One file per dated article, ``OUT/YYYY-MM/<id>.txt``; undated articles are skipped.

    The layout carries a month on its first line; an article whose month is unknown would need a
    made-up one, so it is left out and counted instead.
    """
    if str(out) == STDOUT:
        raise ExportError("--out - writes JSONL to standard output; a txt export needs a folder")
    result = ExportResult(out)
    with atomic_dir(out, TXT_EXPORT, force=force) as tmp:
        for article in iter_articles(engine, flt):
            if not article.month:
                result.skipped["undated"] = result.skipped.get("undated", 0) + 1
                continue
            write_dated_text(tmp, article)
            result.written += 1
    return result


def write_dated_text(root: Path, article: Article) -> Path:
    """Write ``root/YYYY-MM/<id>.txt`` in the example layout; the article must have a month."""
    target = root / str(article.month) / f"{article.id}.txt"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(dated_text(article), encoding="utf-8", newline="\n")
    return target


def export(engine: Engine, out: Path, fmt: str, flt: ExportFilter, *, force: bool = False) -> ExportResult:
    """Write the articles ``flt`` selects to ``out`` (``-``: JSONL to standard output).

    ``out`` must be new or an earlier export of the same format; ``force`` also replaces one
    written before exports carried their proof (``corpus.store.ownership``).
    """
    if fmt == "jsonl":
        return export_jsonl(engine, out, flt, force=force)
    if fmt == "txt":
        return export_txt(engine, out, flt, force=force)
    raise ExportError(f"unknown export format {fmt!r} (jsonl or txt)")
