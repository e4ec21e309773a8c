"""ingest-warc --distributed: two workers share the files through the real Redis and PostgreSQL, one is killed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from corpus.store.models import ArchiveItem, Article, CrawlRun, WarcFile
from corpus.store.storage import open_database
from corpus.warc.read import ReadStats, iter_pages
from tests.conftest import ROOT
from tests.warc.test_warc import _sources, _write_warc

PAGES = 160  # about 40 per file: four files


def _worker(
    files: list[Path], sources: Path, db: str, redis_url: str, prefix: str, log: Path
) -> subprocess.Popen[bytes]:
    args = [sys.executable, "-m", "corpus", "ingest-warc", *map(str, files), "--sources", str(sources)]
    args += ["--db", db, "--distributed", "--redis", redis_url, "--redis-prefix", prefix]
    args += ["-s", "CORPUS_WARC_CHECKPOINT_SECONDS=0.2", "-s", "CORPUS_BATCH_SIZE=5"]
    args += ["-s", "CORPUS_ARCHIVE_LEASE_SECONDS=5"]
    env = {k: v for k, v in os.environ.items() if k != "CRIMECORPUS_DB"}
    return subprocess.Popen(args, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log.open("wb"))


def _records(path: Path) -> int:
    stats = ReadStats()
    for _ in iter_pages(path, lambda url: False, stats=stats):
        pass
    return stats.records


def test_two_workers_share_the_files_and_a_killed_ones_file_is_resumed_by_the_other(
    tmp_path: Path, pg_url: str, redis_url: tuple[str, str]
) -> None:
    redis_url, prefix = redis_url
    files = _write_warc(tmp_path / "warc", PAGES, max_bytes=120_000)
    assert len(files) >= 3
    sources = _sources(tmp_path)
    engine = open_database(pg_url)  # the schema first: two workers migrating one empty database race
    a = _worker(files, sources, pg_url, redis_url, prefix, tmp_path / "a.log")
    b = _worker(files, sources, pg_url, redis_url, prefix, tmp_path / "b.log")
    killed: dict[str, Any] = {}
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and a.poll() is None and not killed:
            time.sleep(0.05)
            try:
                with Session(engine) as s:
                    rows = s.execute(
                        select(ArchiveItem.id, ArchiveItem.payload, WarcFile.offset, WarcFile.records)
                        .join(WarcFile, WarcFile.path == ArchiveItem.payload["path"].as_string())
                        .where(
                            ArchiveItem.status == "leased",
                            ArchiveItem.leased_by.like(f"%:{a.pid}"),
                            WarcFile.status == "partial",
                            WarcFile.records > 40,  # about ten pages settled, each four records
                        )
                    ).all()
            except Exception:  # the schema is not there yet
                continue
            if rows:
                # Worker A is halfway through a file, with a checkpoint: kill it without warning.
                os.kill(a.pid, signal.SIGKILL)
                item_id, payload, offset, records = rows[0]
                killed = {"item": item_id, "path": payload["path"], "offset": offset, "records": records}
                with Session(engine) as s:
                    killed["articles"] = s.scalar(select(func.count()).select_from(Article))
        assert killed, (
            "worker A finished before it could be killed: " + (tmp_path / "a.log").read_text()[-2000:]
        )
        a.wait()
        assert b.wait(timeout=240) == 0, (tmp_path / "b.log").read_text()[-3000:]
    finally:
        for proc in (a, b):
            if proc.poll() is None:
                proc.kill()
                proc.wait()

    with Session(engine) as s:
        urls = list(s.scalars(select(Article.url)))
        items = {i.name: i for i in s.scalars(select(ArchiveItem))}
        warc_files = {w.path: w for w in s.scalars(select(WarcFile))}
        run_b = s.scalars(select(CrawlRun).where(CrawlRun.pid == b.pid)).one_or_none()
        n_articles = s.scalar(select(func.count()).select_from(Article))
    assert 0 < killed["articles"] < PAGES
    # Every article stored, each once.
    assert sorted(urls) == sorted(f"https://nieuws.voorbeeld.nl/112/zaak-{i}" for i in range(PAGES))
    assert n_articles == PAGES
    # Every file done, each one work item, done; the killed worker's file took a second attempt.
    resolved = {str(f.resolve()) for f in files}
    assert set(warc_files) == resolved and {w.status for w in warc_files.values()} == {"done"}
    assert {name.removeprefix("warc_file:") for name in items} == resolved
    assert {i.status for i in items.values()} == {"done"}
    taken_over = items[f"warc_file:{killed['path']}"]
    assert taken_over.attempts == 2 and not taken_over.leased_by.endswith(f":{a.pid}")  # type: ignore[union-attr]
    assert 0 < killed["offset"] < Path(killed["path"]).stat().st_size
    assert warc_files[killed["path"]].records == _records(Path(killed["path"]))
    # Worker B resumed that file at A's checkpoint: it read only the records after it.
    assert run_b is not None and run_b.outcomes.get("corpus/warc/files_resumed") == 1
    assert run_b.outcomes["corpus/warc/records"] < sum(_records(f) for f in files)
    engine.dispose()
