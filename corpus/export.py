"""Streaming exports of the stored corpus: JSONL, and dated text files in the example layout.

Exports read in a stable order (publication date, then URL; undated articles last), hold one row
at a time, and write to a temporary path that is renamed into place only when complete, so a
killed export never leaves a half-written file where the previous one stood.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, Select, func, select
from sqlalchemy.orm import Session, aliased

from corpus.models import Article
from corpus.pseudonymise import ID_FIELDS, LIST_FIELDS, pseudonymise_record

DEDUP_MODES = ("none", "exact", "near")
# File-name suffix of a JSONL file per compression (snapshots in corpus.dataset, their data card).
JSONL_SUFFIX = {"none": ".jsonl", "gzip": ".jsonl.gz", "zstd": ".jsonl.zst"}


def split_file_stem(split: str) -> str:
    """The name of a snapshot split's Parquet and JSONL files: ``articles`` for the unsplit ``all``."""
    return "articles" if split == "all" else split


class ExportError(RuntimeError):
    """An export that cannot be written; the message is one line."""


@dataclass(frozen=True)
class ExportFilter:
    """Which articles an export holds and how their text is written."""

    since: dt.date | None = None
    until: dt.date | None = None
    sources: tuple[str, ...] = ()
    dedup: str = "near"  # none | exact (no identical wire copies) | near (cluster representatives)
    all_topics: bool = False  # False: crime news only (is_crime)
    category: str | None = None
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
            "pseudonymise": self.pseudonymise,
            "salted": bool(self.salt),
        }


@dataclass
class ExportResult:
    path: Path
    written: int = 0
    skipped: dict[str, int] = field(default_factory=dict)


def article_query(flt: ExportFilter) -> Select[tuple[Article, int]]:
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
    return query.order_by(Article.published.is_(None), Article.published, Article.url)


def iter_articles(engine: Engine, flt: ExportFilter, batch: int = 500) -> Iterator[Article]:
    """Stream articles without loading the corpus into memory."""
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

    corpus.pseudonymise replaces every form of every named person in all text fields, and the
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
        "title": a.title,
        "text": a.text,
        "author": a.author,
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
        "is_crime": a.is_crime,
        "crime_score": a.crime_score,
        "categories": a.categories or [],
        "stage": a.stage,
        "places": a.places or [],
        "persons": a.persons or [],
        "crime_evidence": a.crime_evidence or [],
        "fetched_at": a.first_seen.isoformat(),
    }


def dated_text(a: Article) -> str:
    """The corpus's example-document layout: ``date YYYY-MM`` on the first line, then the text."""
    return f"date {a.month}\n{a.text.strip()}\n"


@contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """A temporary file beside ``path`` that replaces ``path`` only when the block succeeds."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        os.close(fd)
    except OSError as exc:
        raise ExportError(f"cannot write to {path}: {exc.strerror or exc}") from None
    tmp = Path(name)
    try:
        yield tmp
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


@contextmanager
def _atomic_file(path: Path) -> Iterator[Any]:
    with atomic_path(path) as tmp, tmp.open("w", encoding="utf-8", newline="\n") as handle:
        yield handle


def export_jsonl(engine: Engine, out: Path, flt: ExportFilter) -> ExportResult:
    result = ExportResult(out)
    with _atomic_file(out) as handle:
        for article in iter_articles(engine, flt):
            handle.write(json.dumps(article_record(article), ensure_ascii=False, sort_keys=False) + "\n")
            result.written += 1
    return result


def export_txt(engine: Engine, out: Path, flt: ExportFilter) -> ExportResult:
    """One file per dated article, ``OUT/YYYY-MM/<id>.txt``; undated articles are skipped.

    The layout carries a month on its first line; an article whose month is unknown would need a
    made-up one, so it is left out and counted instead.
    """
    result = ExportResult(out)
    with atomic_dir(out) as tmp:
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


@contextmanager
def atomic_dir(out: Path) -> Iterator[Path]:
    """A temporary directory beside ``out`` that replaces ``out`` only when the block succeeds."""
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(dir=out.parent, prefix=f".{out.name}.", suffix=".tmp"))
        tmp.chmod(0o755)  # mkdtemp's 0700 would hide a shared export from everyone else
    except OSError as exc:
        raise ExportError(f"cannot write to {out}: {exc.strerror or exc}") from None
    try:
        yield tmp
        old = out.with_name(f".{out.name}.old")
        if out.exists():
            shutil.rmtree(old, ignore_errors=True)
            out.rename(old)
        tmp.rename(out)
        shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def export(engine: Engine, out: Path, fmt: str, flt: ExportFilter) -> ExportResult:
    if fmt == "jsonl":
        return export_jsonl(engine, out, flt)
    if fmt == "txt":
        return export_txt(engine, out, flt)
    raise ExportError(f"unknown export format {fmt!r} (jsonl or txt)")
