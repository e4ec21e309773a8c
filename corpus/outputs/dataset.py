"""Versioned research snapshots: Parquet, JSONL, text files, plots, a data card and a manifest.

A snapshot is written in one streaming pass over the export query (``corpus.outputs.export``), into a
temporary directory that replaces the target only when complete, and only when the target is new
or an earlier snapshot (``corpus.store.ownership``). Everything in it is a function
of the database and the options alone: rows come in the export's total order, Parquet row groups
have a fixed size, gzip headers carry no time or name, plots carry no software tag, and the data
card holds no clock time. Building twice from the same database therefore gives byte-identical
files; only ``manifest.json`` differs, in ``built_at``.

Layout (``SPLIT`` is ``articles`` without ``--split``, else ``train``/``validation``/``test``)::

    README.md                   data card (corpus.outputs.datacard); its YAML header lets
                                load_dataset(DIR) find the Parquet files and splits
    .crimecorpus-output         marks the folder as a snapshot (corpus.store.ownership)
    manifest.json               schema version, filters, versions, row counts, sha256 of each file
    parquet/SPLIT.parquet       Hugging Face: load_dataset("parquet", data_dir="DIR/parquet")
    jsonl/SPLIT.jsonl[.gz|.zst] the same records, one JSON object per line
    text/[SPLIT/]YYYY-MM/ID.txt first line "date YYYY-MM", then the text (dated articles only)
    plots/*.png                 embedded in the data card
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import importlib.metadata
import io
import json
import platform
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from corpus.annotate.crime import CLASSIFIER_VERSION
from corpus.outputs.datacard import CardContext, render_card
from corpus.outputs.export import (
    JSONL_SUFFIX,
    ExportError,
    ExportFilter,
    article_record,
    git_commit,
    iter_articles,
    package_version,
    split_file_stem,
    write_dated_text,
)
from corpus.outputs.plots import write_plots
from corpus.outputs.splits import SplitSpec, Splitter
from corpus.outputs.tally import Tally
from corpus.store.archivework import job_summaries
from corpus.store.models import CrawlRun, TdmDeclaration
from corpus.store.ownership import SNAPSHOT, atomic_dir, write_marker

try:  # Python 3.14 has zstd in the standard library; before it, Scrapy brings the backport.
    from compression import zstd  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover - depends on the Python version
    from backports import zstd

# 2: every record carries crimecorpus_version, classifier_version, git_commit;
# 3: kind, text_complete, paywalled, entries, authors, agency, wire (news items as outlets publish them),
#    primary_category, obtained_via, captured_at, record_id (provenance).
SCHEMA_VERSION = 3
COMPRESSIONS = ("none", "gzip", "zstd")
ROW_GROUP_ROWS = 2_000  # fixed, so row-group boundaries (and the file bytes) never depend on timing
PARQUET_COMPRESSION = "zstd"
# Libraries whose behaviour shapes the data, recorded in every manifest beside the installed
# requirements of crimecorpus itself.
_RECORDED = (
    "scrapy",
    "trafilatura",
    "htmldate",
    "langdetect",
    "lingua-language-detector",
    "simplemma",
    "ftfy",
    "rensa",
    "sqlalchemy",
    "pyarrow",
    "matplotlib",
)

_PLACE = pa.struct(
    [
        ("name", pa.string()),
        ("municipality", pa.string()),
        ("province", pa.string()),
        ("country", pa.string()),
        ("kind", pa.string()),
    ]
)
_PERSON = pa.struct(
    [
        ("mention", pa.string()),
        ("age", pa.int32()),
        ("gender", pa.string()),
        ("role", pa.string()),
        ("place", pa.string()),
        ("name", pa.string()),
    ]
)
_ENTRY = pa.struct([("at", pa.string()), ("text", pa.string())])
_UTC = pa.timestamp("us", tz="UTC")


def _list(item: pa.DataType) -> pa.DataType:
    # Parquet names list items "element"; naming them so here lets the schema read back unchanged.
    return pa.list_(pa.field("element", item))


# The Parquet schema: the JSONL fields in the same order, with dates and times as Arrow dates and
# UTC timestamps (JSONL writes them as ISO 8601 strings) and lists and records as nested types.
ARROW_SCHEMA = pa.schema(
    [
        pa.field("id", pa.string(), nullable=False),
        pa.field("url", pa.string(), nullable=False),
        pa.field("source", pa.string(), nullable=False),
        pa.field("outlet", pa.string(), nullable=False),
        pa.field("country", pa.string(), nullable=False),
        pa.field("kind", pa.string(), nullable=False),
        ("title", pa.string()),
        pa.field("text", pa.string(), nullable=False),
        pa.field("text_complete", pa.string(), nullable=False),
        ("paywalled", pa.bool_()),
        ("entries", _list(_ENTRY)),
        ("author", pa.string()),
        ("authors", _list(pa.string())),
        ("agency", pa.string()),
        ("published", pa.date32()),
        ("published_at", _UTC),
        ("date", pa.string()),
        ("date_source", pa.string()),
        ("date_confidence", pa.float64()),
        ("language", pa.string()),
        ("language_prob", pa.float64()),
        ("language_variant", pa.string()),
        ("duplicate_of", pa.string()),
        ("cluster_id", pa.string()),
        ("cluster_size", pa.int32()),
        ("is_representative", pa.bool_()),
        ("wire", pa.bool_()),
        ("is_crime", pa.bool_()),
        ("crime_score", pa.float64()),
        ("categories", _list(pa.string())),
        ("primary_category", pa.string()),
        ("stage", pa.string()),
        ("places", _list(_PLACE)),
        ("persons", _list(_PERSON)),
        ("crime_evidence", _list(pa.string())),
        ("fetched_at", _UTC),
        pa.field("obtained_via", pa.string(), nullable=False),
        ("captured_at", _UTC),
        ("record_id", pa.string()),
        pa.field("crimecorpus_version", pa.string(), nullable=False),
        pa.field("classifier_version", pa.string(), nullable=False),
        ("git_commit", pa.string()),
    ],
    metadata={"crimecorpus.schema_version": str(SCHEMA_VERSION)},
)


@dataclass
class DatasetResult:
    out: Path
    rows: dict[str, int] = field(default_factory=dict)  # per split
    left_out: dict[str, int] = field(default_factory=dict)  # split: reason -> count
    text_files: int = 0
    files: int = 0

    @property
    def total(self) -> int:
        return sum(self.rows.values())


def arrow_row(record: dict[str, Any]) -> dict[str, Any]:
    """An export record with its ISO date and time strings parsed for the Arrow schema."""
    row = dict(record)
    if row["published"]:
        row["published"] = dt.date.fromisoformat(row["published"])
    for key in ("published_at", "fetched_at", "captured_at"):
        if row[key]:
            row[key] = dt.datetime.fromisoformat(row[key])
    return row


def _open_jsonl(path: Path, compression: str) -> tuple[io.BufferedIOBase, io.BufferedIOBase | None]:
    """The JSONL stream, and the file under it that the caller closes too (GzipFile leaves it open)."""
    if compression == "gzip":
        raw = path.open("wb")
        # No file name and a zero time in the header: the bytes depend on the content alone.
        return gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=6), raw
    if compression == "zstd":
        return zstd.ZstdFile(path, "wb", level=3), None
    return path.open("wb"), None


class _SplitWriter:
    """The Parquet and JSONL files of one split, written in fixed-size row groups."""

    def __init__(self, root: Path, name: str, compression: str) -> None:
        stem = split_file_stem(name)
        (root / "parquet").mkdir(exist_ok=True)
        (root / "jsonl").mkdir(exist_ok=True)
        self.parquet = pq.ParquetWriter(
            root / "parquet" / f"{stem}.parquet", ARROW_SCHEMA, compression=PARQUET_COMPRESSION
        )
        self.jsonl, self._gzip_raw = _open_jsonl(
            root / "jsonl" / f"{stem}{JSONL_SUFFIX[compression]}", compression
        )
        self.rows: list[dict[str, Any]] = []
        self.count = 0

    def add(self, record: dict[str, Any]) -> None:
        self.jsonl.write(json.dumps(record, ensure_ascii=False).encode("utf-8") + b"\n")
        self.rows.append(arrow_row(record))
        self.count += 1
        if len(self.rows) >= ROW_GROUP_ROWS:
            self._flush()

    def _flush(self) -> None:
        if self.rows:
            self.parquet.write_table(pa.Table.from_pylist(self.rows, schema=ARROW_SCHEMA))
            self.rows = []

    def close(self) -> None:
        self._flush()
        self.parquet.close()
        self.jsonl.close()
        if self._gzip_raw is not None:
            self._gzip_raw.close()


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def software_versions() -> dict[str, Any]:
    """Python, crimecorpus and the installed versions of its requirements and data libraries."""
    names = set(_RECORDED)
    crimecorpus = package_version()
    try:
        for req in importlib.metadata.requires("crimecorpus") or ():
            if "extra ==" not in req and (m := re.match(r"[A-Za-z0-9_.\-]+", req)):
                names.add(m.group(0).lower())
    except importlib.metadata.PackageNotFoundError:  # run from a source tree that is not installed
        pass
    deps: dict[str, str | None] = {}
    for name in sorted(names):
        try:
            deps[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            deps[name] = None
    return {
        "crimecorpus": crimecorpus,
        "git_commit": git_commit(),
        "classifier_version": CLASSIFIER_VERSION,
        "python": platform.python_version(),
        "dependencies": deps,
    }


def database_state(engine: Engine) -> dict[str, Any]:
    """Which database state a snapshot was built from: the backend and its last crawl run."""
    with Session(engine) as session:
        last = session.scalar(select(CrawlRun).order_by(CrawlRun.id.desc()).limit(1))
        runs = session.scalar(select(func.count()).select_from(CrawlRun)) or 0
    return {
        "backend": engine.dialect.name,
        "crawl_runs": runs,
        "last_crawl_run": last.id if last else None,
        "last_crawl_finished": last.finished_at.isoformat() if last and last.finished_at else None,
    }


def tdm_status(engine: Engine) -> dict[str, str]:
    """Per source, the TDMRep reservations the crawler recorded (``tdm_declarations``)."""
    with Session(engine) as s:
        rows = s.execute(
            select(TdmDeclaration.source, TdmDeclaration.reserved, TdmDeclaration.kept, TdmDeclaration.via)
        ).all()
    status: dict[str, set[str]] = {}
    for source, reserved, kept, via in rows:
        if reserved:
            status.setdefault(source, set()).add(
                f"reserved via {via}" + (" (kept: research exception)" if kept else "")
            )
    return {source: "; ".join(sorted(notes)) for source, notes in status.items()}


def build_dataset(
    engine: Engine,
    out: Path,
    flt: ExportFilter,
    *,
    split: SplitSpec | None = None,
    compression: str = "none",
    text: bool = True,
    plots: bool = True,
    now: dt.datetime | None = None,
    force: bool = False,
) -> DatasetResult:
    """Write a snapshot of the articles ``flt`` selects to ``out`` (replaced when complete).

    ``out`` must be new, empty or an earlier snapshot (--out ~ must not wipe $HOME): its marker or,
    for snapshots of earlier versions, its manifest proves it (``corpus.store.ownership``).
    """
    if compression not in COMPRESSIONS:
        raise ExportError(f"unknown compression {compression!r} ({', '.join(COMPRESSIONS)})")
    result = DatasetResult(out)
    splitter = Splitter(split)
    tally = Tally()
    with atomic_dir(out, SNAPSHOT, force=force) as tmp:
        writers: dict[str, _SplitWriter] = {}
        try:
            for name in split.names if split else ("all",):
                writers[name] = _SplitWriter(tmp, name, compression)
            for article in iter_articles(engine, flt):
                record = article_record(article)
                split_name = splitter.assign(record)
                if split_name is None:
                    continue
                writers[split_name].add(record)
                tally.add(record)
                # Undated articles (no month) get no text file; the tally counts them as undated.
                if text and article.month:
                    write_dated_text(tmp / "text" if split is None else tmp / "text" / split_name, article)
                    result.text_files += 1
        finally:
            for writer in writers.values():
                writer.close()
        result.rows = {name: w.count for name, w in writers.items()}
        result.left_out = dict(splitter.left_out)
        plot_files = write_plots(tally, tmp / "plots") if plots else []
        context = CardContext(
            tally=tally,
            filter=flt,
            split=split,
            rows=result.rows,
            left_out=result.left_out,
            compression=compression,
            text_files=result.text_files,
            # record["date"] is article.month, so the tally's undated count is exactly the
            # articles left without a text file.
            text_undated=tally.undated if text else 0,
            plots=[p.relative_to(tmp).as_posix() for p in plot_files],
            schema=ARROW_SCHEMA,
            schema_version=SCHEMA_VERSION,
            software=software_versions(),
            database=database_state(engine),
            tdm=tdm_status(engine),
            archive_jobs=[job.describe() for job in job_summaries(engine)],
        )
        (tmp / "README.md").write_text(render_card(context), encoding="utf-8", newline="\n")
        write_marker(tmp, SNAPSHOT)  # before the manifest, which lists every file
        manifest = _manifest(tmp, context, now or dt.datetime.now(dt.UTC))
        (tmp / "manifest.json").write_text(
            json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8", newline="\n"
        )
        result.files = len(manifest["files"])
    return result


def _manifest(root: Path, ctx: CardContext, now: dt.datetime) -> dict[str, Any]:
    """Everything a reader needs to know what a snapshot is and to verify that it is intact."""
    files = [
        {"path": p.relative_to(root).as_posix(), "bytes": p.stat().st_size, "sha256": sha256_file(p)}
        for p in sorted(root.rglob("*"), key=lambda p: p.relative_to(root).as_posix())
        if p.is_file()
    ]
    return {
        "name": "crimecorpus",
        "schema_version": ctx.schema_version,
        "built_at": now.astimezone(dt.UTC).isoformat(timespec="seconds"),
        "filters": ctx.filter.describe(),
        "split": ctx.split.describe() if ctx.split else None,
        "jsonl_compression": ctx.compression,
        "parquet_compression": PARQUET_COMPRESSION,
        "rows": {
            "total": sum(ctx.rows.values()),
            "per_split": ctx.rows,
            "left_out": ctx.left_out,
            "text_files": ctx.text_files,
            "text_undated_skipped": ctx.text_undated,
        },
        "database": ctx.database,
        "software": ctx.software,
        "files": files,
    }
