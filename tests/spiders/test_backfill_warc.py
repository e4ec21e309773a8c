"""backfill --keep-warc: the captures a backfill fetched, kept in our own WARC archive for reextract.

Real parts only: the local Common Crawl + Wayback archive of ``tests/spiders/test_backfill.py``,
the backfill, ``reextract`` and ``ingest-warc`` run as the user runs them, real SQLite files.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from corpus.devtools.archive import (
    DEMO_BASES,
    ArchiveEndpoints,
    build_archive,
    serve_archive,
)
from corpus.devtools.server import demo_site_root, render_sources
from tests.conftest import run_cli
from tests.spiders.test_backfill import RESERVED, _args, _courant_pages, _rows

ROW = (
    "SELECT url, title, text, published_at, date_source, language, kind, captured_at, obtained_via,"
    " record_id, discovered_via FROM articles ORDER BY url"
)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ArchiveEndpoints]:
    """One local archive for the module: these tests set no faults on it."""
    archive = build_archive(tmp_path_factory.mktemp("archive"), _courant_pages(), page_size=8)
    with serve_archive(archive) as endpoints:
        yield endpoints


@pytest.fixture(scope="module")
def sources(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return render_sources(demo_site_root(), DEMO_BASES, tmp_path_factory.mktemp("src") / "sources.toml")


def _backfill(served: ArchiveEndpoints, sources: Path, out: Path, *extra: str) -> tuple[Path, Path]:
    """A backfill into ``out/corpus.sqlite`` keeping its captures in ``out/warc``."""
    db, warcs = out / "corpus.sqlite", out / "warc"
    result = run_cli(
        *_args(served, sources, f"sqlite:///{db}", "--keep-warc", "--archive-dir", str(warcs), *extra)
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return db, warcs


@pytest.fixture(scope="module")
def kept(
    served: ArchiveEndpoints, sources: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, Path]:
    return _backfill(served, sources, tmp_path_factory.mktemp("kept"))


@dataclass(frozen=True)
class Kept:
    """A response record of our archive, as a backfill wrote it."""

    url: str
    date: dt.datetime
    via: str | None
    capture_id: str | None
    refers_to: str | None
    source_uri: str | None
    status: int
    body: bytes


def _records(warcs: Path) -> list[Kept]:
    out: list[Kept] = []
    for path in sorted(warcs.iterdir()):
        with path.open("rb") as fh:
            for record in ArchiveIterator(fh):
                if record.rec_type != "response":
                    continue
                h = record.rec_headers
                out.append(
                    Kept(
                        url=h.get_header("WARC-Target-URI"),
                        date=dt.datetime.fromisoformat(h.get_header("WARC-Date").replace("Z", "+00:00")),
                        via=h.get_header("Crimecorpus-Obtained-Via"),
                        capture_id=h.get_header("Crimecorpus-Capture-Id"),
                        refers_to=h.get_header("WARC-Refers-To"),
                        source_uri=h.get_header("WARC-Source-URI"),
                        status=int(record.http_headers.get_statuscode()),
                        body=record.content_stream().read(),
                    )
                )
    return out


def _capture_times(db: Path) -> dict[str, dt.datetime]:
    """The capture time the index listed, per URL of each capture work item."""
    times = {}
    for (payload,) in _rows(db, "SELECT payload FROM archive_items WHERE kind = 'capture'"):
        p = json.loads(payload)
        times[p["url"]] = dt.datetime.strptime(p["timestamp"], "%Y%m%d%H%M%S").replace(tzinfo=dt.UTC)
    return times


def _utc(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value).replace(tzinfo=dt.UTC)


def test_every_capture_that_reached_the_page_stage_is_kept_dated_at_its_capture(
    kept: tuple[Path, Path],
) -> None:
    db, warcs = kept
    records = _records(warcs)
    stored = {url: (_utc(at), via, rid) for url, at, via, rid in _rows(
        db, "SELECT fetched_url, captured_at, obtained_via, record_id FROM articles"
    )}  # fmt: skip
    # Refused by an analysis stage (language, page kind), after the page was read. Not kept:
    # what the archive refused (a redirect) and what the fetch stage refused (a consent wall,
    # the page's own TDM reservation).
    analysed = {
        url for (url,) in _rows(db, "SELECT url FROM rejections WHERE stage NOT IN ('archive', 'fetch')")
    }
    assert len(stored) >= 10 and len(analysed) >= 2
    assert len(records) == len(stored) + len(analysed)
    assert {r.url for r in records} == set(stored) | analysed
    assert RESERVED not in {r.url for r in records}
    captured = _capture_times(db)
    for r in records:
        assert r.status == 200 and len(r.body) > 500
        assert r.date == captured[r.url]  # the capture time, not the time of the backfill
        assert r.via == "cc_index"  # the index asked first planned every URL
        assert r.refers_to == r.capture_id and str(r.refers_to).startswith("<urn:uuid:")
        assert str(r.source_uri).endswith(".warc.gz")
        if r.url in stored:
            assert stored[r.url] == (r.date, r.via, r.capture_id)


def test_reextract_and_a_fresh_ingest_rebuild_the_backfilled_articles(
    kept: tuple[Path, Path], sources: Path, tmp_path: Path
) -> None:
    db, warcs = kept
    want = _rows(db, ROW)
    assert sum(row[3] is not None for row in want) >= 10  # the published dates are compared too
    # reextract rebuilds the stored rows from our archive alone (the provenance from the records).
    damaged = tmp_path / "damaged.sqlite"
    shutil.copy(db, damaged)
    with sqlite3.connect(damaged) as conn:
        conn.execute(
            "UPDATE articles SET text = 'oude extractie', title = NULL, published_at = NULL,"
            " captured_at = NULL, obtained_via = 'live', record_id = NULL, discovered_via = NULL"
        )
    args = ("--sources", str(sources))
    result = run_cli("reextract", "--archive-dir", str(warcs), *args, "--db", str(damaged))
    assert result.returncode == 0, result.stderr[-3000:]
    assert _rows(damaged, ROW) == want
    # A database that never saw the backfill gets the same articles from the files.
    fresh = tmp_path / "fresh.sqlite"
    result = run_cli("ingest-warc", str(warcs), *args, "--db", str(fresh))
    assert result.returncode == 0, result.stderr[-3000:]
    assert _rows(fresh, ROW) == want


def test_wayback_captures_are_kept_and_rebuilt_as_wayback_captures(
    served: ArchiveEndpoints, sources: Path, tmp_path: Path
) -> None:
    db, warcs = _backfill(served, sources, tmp_path, "--archive", "ia")
    records = _records(warcs)
    stored = {url: (_utc(at), rid) for url, at, rid in _rows(db, "SELECT fetched_url, captured_at, record_id FROM articles")}  # fmt: skip
    assert len(stored) >= 10 and set(stored) <= {r.url for r in records}
    captured = _capture_times(db)
    for r in records:
        assert r.via == "wayback" and r.refers_to is None  # the Wayback has no record id
        assert r.date == captured[r.url]
        assert "id_/" in str(r.source_uri)
        if r.url in stored:
            assert stored[r.url] == (r.date, r.capture_id)
    want = _rows(db, ROW)
    assert {row[8] for row in want} == {"wayback"}
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE articles SET text = 'oude extractie', obtained_via = 'live', record_id = NULL")
    result = run_cli("reextract", "--archive-dir", str(warcs), "--sources", str(sources), "--db", str(db))
    assert result.returncode == 0, result.stderr[-3000:]
    assert _rows(db, ROW) == want


def test_without_keep_warc_no_capture_is_written(
    served: ArchiveEndpoints, sources: Path, tmp_path: Path
) -> None:
    warcs = tmp_path / "warc"
    db = tmp_path / "corpus.sqlite"
    result = run_cli(
        *_args(served, sources, f"sqlite:///{db}", "--archive", "cc", "--archive-dir", str(warcs))
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert _rows(db, "SELECT count(*) FROM articles")[0][0] >= 10
    assert not warcs.exists() or not any(warcs.iterdir())
