"""Every command that runs a crawler says truthfully how it ended: status and one error line.

A component that fails to load (a pipeline module raising on import, as an install missing a
dependency would) must end crawl, demo, ingest-warc, reextract, schedule and a distributed
worker with status 1 and one line naming the cause, never with a traceback, ``crawl run None``
or status 0. A run that finishes exits 0 with no warning on stderr.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.conftest import FAST, run_cli

BROKEN = json.dumps({"tests.faults.fixtures.broken_pipeline.Pipeline": 1})
CAUSE = "kapotte_afhankelijkheid is not installed"


def _assert_one_error_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr[-3000:]
    assert lines[0].startswith("crimecorpus: error: "), lines[0]
    assert "Traceback" not in stderr
    return lines[0]


def _assert_broken_pipeline_reported(proc) -> None:
    assert proc.returncode == 1, (proc.returncode, proc.stdout[-2000:], proc.stderr[-3000:])
    line = _assert_one_error_line(proc.stderr)
    assert "ImportError" in line and CAUSE in line, line
    assert "broken_pipeline.py" in line, line
    assert "None" not in proc.stdout


def test_crawl_with_a_pipeline_that_fails_to_load_exits_1_with_one_line(
    demo_sources: Path, tmp_path: Path
) -> None:
    proc = run_cli(
        "crawl", "--sources", str(demo_sources), "--db", str(tmp_path / "c.sqlite"), *FAST,
        "-s", f"ITEM_PIPELINES={BROKEN}",
    )  # fmt: skip
    _assert_broken_pipeline_reported(proc)


def test_demo_with_a_pipeline_that_fails_to_load_exits_1_and_exports_nothing(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    proc = run_cli("demo", "--out", str(out), "-s", f"ITEM_PIPELINES={BROKEN}")
    _assert_broken_pipeline_reported(proc)
    assert not (out / "corpus.jsonl").exists()


def test_ingest_warc_with_a_pipeline_that_fails_to_load_exits_1_with_one_line(
    demo_sources: Path, tmp_path: Path
) -> None:
    warc = tmp_path / "leeg.warc"
    warc.write_bytes(b"")
    proc = run_cli(
        "ingest-warc", str(warc), "--sources", str(demo_sources), "--db", str(tmp_path / "i.sqlite"),
        "-s", f"ITEM_PIPELINES={BROKEN}",
    )  # fmt: skip
    _assert_broken_pipeline_reported(proc)


def test_reextract_with_a_pipeline_that_fails_to_load_exits_1_with_one_line(
    demo_sources: Path, tmp_path: Path
) -> None:
    archive = tmp_path / "warc"
    archive.mkdir()
    (archive / "leeg.warc").write_bytes(b"")
    proc = run_cli(
        "reextract", "--archive-dir", str(archive), "--sources", str(demo_sources),
        "--db", str(tmp_path / "r.sqlite"), "-s", f"ITEM_PIPELINES={BROKEN}",
    )  # fmt: skip
    _assert_broken_pipeline_reported(proc)


@pytest.mark.parametrize("command", ["crawl", "ingest-warc", "reextract"])
def test_a_bad_sources_file_is_one_line_exit_2_and_creates_nothing(command: str, tmp_path: Path) -> None:
    """A sources file that is not TOML is the user's to fix: no run starts, and neither the
    database nor its lock file is left behind (ingest-warc and reextract used to exit 1 and
    create both)."""
    bad = tmp_path / "bronnen.toml"
    bad.write_text("[[source]\nname = ", encoding="utf-8")
    warcs = tmp_path / "warc"
    warcs.mkdir()
    (warcs / "leeg.warc").write_bytes(b"")
    db = tmp_path / "db" / "corpus.sqlite"
    db.parent.mkdir()
    where = {
        "crawl": ("crawl", *FAST),
        "ingest-warc": ("ingest-warc", str(warcs / "leeg.warc")),
        "reextract": ("reextract", "--archive-dir", str(warcs)),
    }[command]
    proc = run_cli(*where, "--sources", str(bad), "--db", str(db))
    assert proc.returncode == 2, (proc.returncode, proc.stderr[-2000:])
    line = _assert_one_error_line(proc.stderr)
    assert str(bad) in line and "not valid TOML" in line, line
    assert list(db.parent.iterdir()) == []


def test_schedule_passes_on_the_status_of_a_run_that_could_not_start(
    demo_sources: Path, tmp_path: Path
) -> None:
    proc = run_cli(
        "schedule", "--every", "1s", "--max-runs", "1", "--sources", str(demo_sources),
        "--db", str(tmp_path / "s.sqlite"), *FAST, "-s", f"ITEM_PIPELINES={BROKEN}",
    )  # fmt: skip
    _assert_broken_pipeline_reported(proc)
    assert "schedule: run 1 ended with exit code 1" in proc.stdout


def test_distributed_worker_with_a_pipeline_that_fails_to_load_exits_1_with_one_line(
    demo_sources: Path, tmp_path: Path
) -> None:
    redis_url = os.environ.get("CRIMECORPUS_TEST_REDIS", "redis://127.0.0.1:6379/15")
    try:
        import redis

        redis.Redis.from_url(redis_url, socket_connect_timeout=2).ping()
    except Exception as exc:  # any client or connection error
        if os.environ.get("CI"):
            pytest.fail(f"Redis unreachable at {redis_url}: {exc}")
        pytest.skip(f"Redis unreachable at {redis_url}")
    proc = run_cli(
        "crawl", "--distributed", "--redis", redis_url, "--redis-prefix", f"cc-exit-{os.getpid()}",
        "--sources", str(demo_sources), "--db", str(tmp_path / "d.sqlite"), *FAST,
        "-s", f"ITEM_PIPELINES={BROKEN}",
    )  # fmt: skip
    _assert_broken_pipeline_reported(proc)


def test_a_finished_crawl_exits_0_without_any_warning(demo_sources: Path, tmp_path: Path) -> None:
    proc = run_cli("crawl", "--sources", str(demo_sources), "--db", str(tmp_path / "ok.sqlite"), *FAST)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "Warning" not in proc.stderr and "WARNING" not in proc.stderr, proc.stderr[-3000:]
    assert proc.stdout.startswith("crawl run 1: finished")


def test_the_demo_exits_0_without_any_warning(tmp_path: Path) -> None:
    proc = run_cli("demo", "--out", str(tmp_path / "demo"))
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "Warning" not in proc.stderr and "WARNING" not in proc.stderr, proc.stderr[-3000:]


def test_verbose_still_shows_scrapys_log(demo_sources: Path, tmp_path: Path) -> None:
    proc = run_cli(
        "crawl", "-v", "--sources", str(demo_sources), "--db", str(tmp_path / "v.sqlite"), *FAST,
        "--source", "polderpost",
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "[scrapy.core.engine] INFO: Spider closed (finished)" in proc.stderr
    assert "Warning" not in proc.stderr
