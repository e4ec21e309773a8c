"""Which WARC files an ingest has read, how far, and which are done: the ``warc_files`` table."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from corpus.store.models import WarcFile
from corpus.warc.read import FileIdentity


@dataclass(frozen=True)
class Resume:
    """Where to start reading a file: at ``offset``, with ``records`` already counted before it."""

    file_id: int
    done: bool
    offset: int
    records: int


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def begin_file(engine: Engine, ident: FileIdentity, run_id: int | None) -> Resume:
    """The row of this file, created or reset when the file at that path is not the one recorded.

    A file is the same when its size and the SHA-256 of its first MiB match: a WARC that grew
    (still being written) or was replaced starts over, a moved or touched one does not.
    """
    now = _now()
    with Session(engine) as s, s.begin():
        row = s.scalar(select(WarcFile).where(WarcFile.path == ident.path))
        if row is None:
            row = WarcFile(
                path=ident.path,
                size=ident.size,
                mtime=ident.mtime,
                head_sha256=ident.head_sha256,
                status="partial",
                offset=0,
                records=0,
                wanted=0,
                broken=0,
                started_at=now,
                updated_at=now,
                crawl_run_id=run_id,
            )
            s.add(row)
        elif row.size != ident.size or row.head_sha256 != ident.head_sha256:
            row.size, row.mtime, row.head_sha256 = ident.size, ident.mtime, ident.head_sha256
            row.status, row.offset, row.records, row.wanted, row.broken = "partial", 0, 0, 0, 0
            row.started_at = row.updated_at = now
            row.crawl_run_id = run_id
        elif row.status != "done":
            row.crawl_run_id = run_id
        s.flush()
        return Resume(row.id, row.status == "done", row.offset, row.records)


def checkpoint(
    engine: Engine,
    file_id: int,
    *,
    offset: int,
    records: int,
    wanted: int,
    broken: int,
    done: bool = False,
) -> None:
    """Record that every record before ``offset`` is settled (call only after the store flushed)."""
    with engine.begin() as conn:
        conn.execute(
            update(WarcFile)
            .where(WarcFile.id == file_id)
            .values(
                offset=offset,
                records=records,
                wanted=wanted,
                broken=broken,
                status="done" if done else "partial",
                updated_at=_now(),
            )
        )
