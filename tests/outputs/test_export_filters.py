"""Filters that select nothing by mistake are errors naming the value; a real empty selection is said."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from corpus.outputs.export import ExportError, ExportFilter, check_filter
from corpus.store.storage import open_database
from tests.conftest import run_cli

# One command line per command that takes the export filters; browse on any free port.
COMMANDS = {
    "export": lambda db, out: ("export", "--db", str(db), "--out", str(out / "x.jsonl")),
    "export-txt": lambda db, out: ("export", "--db", str(db), "--out", str(out / "x"), "--format", "txt"),
    "dataset": lambda db, out: ("dataset", "build", "--db", str(db), "--out", str(out / "snap")),
    "browse": lambda db, out: ("browse", "--db", str(db), "--port", "0", "--out", str(out / "b.db")),
}


def one_line_error(proc: subprocess.CompletedProcess[str], *words: str) -> None:
    assert proc.returncode == 2, (proc.returncode, proc.stderr[-2000:])
    assert proc.stderr.startswith("crimecorpus: error: ") and proc.stderr.strip().count("\n") == 0, (
        proc.stderr
    )
    for word in words:
        assert word in proc.stderr, proc.stderr


@pytest.mark.parametrize("command", sorted(COMMANDS))
@pytest.mark.parametrize(
    ("extra", "words"),
    [
        (("--source", "nosuch"), ("unknown source 'nosuch'", "sources in the database:")),
        (("--category", "zakkenrollerij"), ("unknown category 'zakkenrollerij'", "overval")),
        (
            ("--since", "2024-05-01", "--until", "2024-01-01"),
            ("--since 2024-05-01 is after --until 2024-01-01",),
        ),
    ],
    ids=["unknown-source", "unknown-category", "since-after-until"],
)
def test_a_filter_that_cannot_match_is_an_error_naming_the_value(
    demo_db: Path, tmp_path: Path, command: str, extra: tuple[str, ...], words: tuple[str, ...]
) -> None:
    proc = run_cli(*COMMANDS[command](demo_db, tmp_path), *extra, timeout=120)
    one_line_error(proc, *words)
    assert not any(tmp_path.iterdir()), "nothing is written for a refused filter"


def test_a_known_source_next_to_an_unknown_one_is_still_an_error(demo_db: Path, tmp_path: Path) -> None:
    engine = open_database(str(demo_db))
    try:
        with pytest.raises(ExportError, match="unknown source 'nosuch'"):
            check_filter(engine, ExportFilter(sources=("polderpost", "nosuch")))
        check_filter(engine, ExportFilter(sources=("polderpost",)))  # known: fine
    finally:
        engine.dispose()


@pytest.mark.parametrize("command", ["export", "export-txt", "dataset"])
def test_an_empty_but_valid_selection_says_0_articles_match(
    demo_db: Path, tmp_path: Path, command: str
) -> None:
    proc = run_cli(*COMMANDS[command](demo_db, tmp_path), "--since", "2099-01-01")
    assert proc.returncode == 0, proc.stderr
    assert "0 articles match" in proc.stderr


def test_a_selection_with_articles_says_nothing_on_stderr(demo_db: Path, tmp_path: Path) -> None:
    proc = run_cli(*COMMANDS["export"](demo_db, tmp_path), "--source", "polderpost", "--all-topics")
    assert proc.returncode == 0, proc.stderr
    assert "0 articles match" not in proc.stderr
    assert (tmp_path / "x.jsonl").read_text(encoding="utf-8").count("\n") > 0
