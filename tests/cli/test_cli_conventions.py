"""Conventions a command-line user expects: ``--version``, and a closed pipe that ends quietly."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from corpus.outputs.export import package_version
from tests.conftest import ROOT, run_cli


def test_version_names_the_package_version_and_the_commit_of_a_checkout() -> None:
    proc = run_cli("--version")
    assert proc.returncode == 0, proc.stderr
    line = proc.stdout.strip()
    assert line.startswith(f"crimecorpus {package_version()}"), line
    assert package_version() != "unknown"
    if (ROOT / ".git").exists():
        head = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True, text=True, check=True
        ).stdout.strip()
        assert re.search(rf"\(git {head[:12]}\)$", line), line


def _with_closed_stdout(*args: str) -> tuple[int, str]:
    """Run a command whose reader has gone away before it writes (``... | head -1`` at its worst)."""
    env = {k: v for k, v in os.environ.items() if k != "CRIMECORPUS_DB"}
    read_end, write_end = os.pipe()
    os.close(read_end)  # nobody will ever read: every write fails with EPIPE
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "corpus", *args],
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
            env=env,
            timeout=120,
        )
    finally:
        os.close(write_end)
    return proc.returncode, proc.stderr


@pytest.mark.parametrize(
    "command",
    [
        ["sources", "list"],
        ["stats"],
        ["export", "--out", "-", "--all-topics", "--dedup", "none"],
    ],
    ids=["sources-list", "stats", "export-stdout"],
)
def test_a_closed_pipe_ends_the_command_quietly_with_141(command: list[str], demo_db: Path) -> None:
    args = [*command, "--db", str(demo_db)] if command[0] != "sources" else command
    code, stderr = _with_closed_stdout(*args)
    assert code == 141, stderr
    assert stderr == "", stderr


def test_a_closed_pipe_after_a_crawl_ends_quietly(demo_sources: Path, tmp_path: Path) -> None:
    code, stderr = _with_closed_stdout(
        "crawl", "--sources", str(demo_sources), "--db", str(tmp_path / "p.sqlite"),
        "--source", "polderpost", "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False",
    )  # fmt: skip
    assert code == 141, stderr
    assert stderr == "", stderr
