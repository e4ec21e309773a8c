"""Every run kind goes through one runner and reports one summary, counted in the database.

crawl, schedule (each run a fresh ``crawl`` process), ingest-warc, reextract and the demo all
end in :func:`corpus.cli.runs.run_and_report` or :func:`corpus.crawl.runner.run`: the summary's
"articles stored" and "rejected" are what the database holds for that run, the first line names
the run kind and its run id, and another run holding the database's lock is exit 3 for each.
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest

from corpus.crawl.runlock import run_lock
from corpus.crawl.runner import DbCounts, summary_from_stats
from tests.conftest import FAST, run_cli

SOURCE = ["--source", "polderpost"]


def _summary(stdout: str, head: str) -> dict[str, int]:
    """The run id, articles stored and rejections of the one summary in ``stdout``."""
    match = re.search(rf"^{head} run (\d+): finished$", stdout, flags=re.MULTILINE)
    assert match, stdout
    stored = re.search(r"^  articles stored +(\d+)$", stdout, flags=re.MULTILINE)
    rejected = re.search(r"^  rejected +(\d+)$", stdout, flags=re.MULTILINE)
    assert stored and rejected, stdout
    return {"run": int(match.group(1)), "stored": int(stored.group(1)), "rejected": int(rejected.group(1))}


def _in_database(db: Path, run_id: int) -> dict[str, int]:
    with sqlite3.connect(db) as conn:
        stored = conn.execute("SELECT count(*) FROM articles WHERE crawl_run_id = ?", (run_id,)).fetchone()
        rejected = conn.execute(
            "SELECT count(*) FROM rejections WHERE crawl_run_id = ?", (run_id,)
        ).fetchone()
    return {"run": run_id, "stored": stored[0], "rejected": rejected[0]}


@pytest.fixture(scope="module")
def archived(demo_sources: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, str]:
    """One crawl of one outlet that also writes its responses to WARC files: (db, archive, stdout)."""
    work = tmp_path_factory.mktemp("one-runner")
    db, archive = work / "crawl.sqlite", work / "warc"
    proc = run_cli(
        "crawl", "--sources", str(demo_sources), "--db", str(db), *SOURCE, *FAST,
        "--archive", "warc", "--archive-dir", str(archive),
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-3000:]
    return db, archive, proc.stdout


def test_a_crawl_reports_what_the_database_holds(archived: tuple[Path, Path, str]) -> None:
    db, _archive, stdout = archived
    summary = _summary(stdout, "crawl")
    assert summary == _in_database(db, summary["run"])
    assert summary["stored"] > 0
    assert "  pages fetched   " in stdout


def test_ingest_warc_reports_what_the_database_holds(
    archived: tuple[Path, Path, str], demo_sources: Path, tmp_path: Path
) -> None:
    _db, archive, _stdout = archived
    db = tmp_path / "ingest.sqlite"
    proc = run_cli("ingest-warc", str(archive), "--sources", str(demo_sources), "--db", str(db))
    assert proc.returncode == 0, proc.stderr[-3000:]
    summary = _summary(proc.stdout, "ingest")
    assert summary == _in_database(db, summary["run"])
    assert summary["stored"] > 0
    assert "  files read       " in proc.stdout and "pages fetched" not in proc.stdout


def test_reextract_reports_what_the_database_holds(
    archived: tuple[Path, Path, str], demo_sources: Path
) -> None:
    db, archive, _stdout = archived
    proc = run_cli(
        "reextract", "--archive-dir", str(archive), "--sources", str(demo_sources), "--db", str(db)
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    summary = _summary(proc.stdout, "reextract")
    assert summary["run"] > 1  # a run of its own after the crawl's
    assert summary == _in_database(db, summary["run"])


def test_each_run_of_a_schedule_reports_what_the_database_holds(demo_sources: Path, tmp_path: Path) -> None:
    db = tmp_path / "schedule.sqlite"
    proc = run_cli(
        "schedule", "--every", "1s", "--max-runs", "1",
        "--sources", str(demo_sources), "--db", str(db), *SOURCE, *FAST,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "schedule: run 1 ended with exit code 0" in proc.stdout
    summary = _summary(proc.stdout, "crawl")
    # The schedule's --db, --source and -s reached the crawl: one outlet, into this database.
    assert summary == _in_database(db, summary["run"])
    with sqlite3.connect(db) as conn:
        assert {row[0] for row in conn.execute("SELECT DISTINCT source FROM articles")} == {"polderpost"}


def test_the_demo_reports_what_the_database_holds(tmp_path: Path) -> None:
    proc = run_cli("demo", "--out", str(tmp_path / "demo"))
    assert proc.returncode == 0, proc.stderr[-3000:]
    summary = _summary(proc.stdout, "crawl")
    assert summary == _in_database(tmp_path / "demo" / "corpus.sqlite", summary["run"])


@pytest.mark.parametrize(
    "argv",
    [
        ["crawl", *SOURCE],
        ["schedule", "--every", "1s", "--max-runs", "1", *SOURCE],
        ["ingest-warc", "ARCHIVE"],
        ["reextract", "--archive-dir", "ARCHIVE"],
    ],
    ids=["crawl", "schedule", "ingest-warc", "reextract"],
)
def test_a_run_on_a_locked_database_is_refused_with_exit_3(
    argv: list[str], archived: tuple[Path, Path, str], demo_sources: Path, tmp_path: Path
) -> None:
    _db, archive, _stdout = archived
    db = tmp_path / "bezet.sqlite"
    argv = [str(archive) if a == "ARCHIVE" else a for a in argv]
    with run_lock(str(db)):
        proc = run_cli(*argv, "--sources", str(demo_sources), "--db", str(db), *FAST)
    assert "another crawl is running on" in proc.stderr and "not starting a second run" in proc.stderr
    if argv[0] == "schedule":
        assert "schedule: run 1 ended with exit code 3" in proc.stdout
    else:
        assert proc.returncode == 3, proc.stderr
        assert proc.stdout == ""


def test_the_summary_takes_the_databases_counts_over_the_stats() -> None:
    """After a failed batch the stats count items the database never received: the counts win,
    for a crawl's summary and a WARC run's alike."""
    stats = {
        "corpus/run_id": 4,
        "finish_reason": "finished",
        "downloader/response_count": 9,
        "corpus/stored": 7,
        "corpus/rejected/language/not_dutch": 5,
        "corpus/warc/files_read": 1,
    }
    counts = DbCounts(stored=3, rejected={"language/not_dutch": 2})
    crawl = summary_from_stats(stats, counts)
    ingest = summary_from_stats(stats, counts, verb="ingest", warc=True)
    for summary in (crawl, ingest):
        assert (summary.stored, summary.rejected) == (3, {"language/not_dutch": 2})
    assert crawl.format().splitlines()[:3] == [
        "crawl run 4: finished",
        "  pages fetched   9",
        "  articles stored 3",
    ]
    assert ingest.format().splitlines()[:2] == [
        "ingest run 4: finished",
        "  files read       1 (0 already done, skipped)",
    ]
    unreadable = summary_from_stats(stats, DbCounts(error="the database could not be read: schijf weg"))
    assert "  articles stored unknown (the database could not be read: schijf weg)" in unreadable.format()
    assert unreadable.rejected == {}
