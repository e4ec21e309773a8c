"""Commands that read a corpus never create one: a wrong ``--db`` is one line and exit 2.

Through the real command line (``cli.main``, and a subprocess where the old failure was a
traceback): each case asserts the exit status, a single ``crimecorpus: error:`` line on stderr
and that no file or folder appeared.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import create_engine, inspect, text

from corpus.cli import main as cli
from corpus.store.storage import _alembic_config, make_engine, open_database
from tests.conftest import run_cli

# Every command that only reads the corpus (classify and dedup rewrite columns of stored rows,
# but must not make a database either), with the arguments it needs besides --db.
COMMANDS = {
    "stats": ["stats"],
    "export": ["export", "--out", "{tmp}/out.jsonl"],
    "dataset build": ["dataset", "build", "--out", "{tmp}/snapshot"],
    "browse": ["browse", "--port", "0", "--out", "{tmp}/browse.sqlite"],
    "sources check": ["sources", "check"],
    "classify": ["classify", "--rebuild"],
    "dedup": ["dedup", "--rebuild"],
}


def _tree(root: Path) -> set[Path]:
    return set(root.rglob("*"))


def _run(capsys: pytest.CaptureFixture[str], argv: list[str]) -> tuple[int, str]:
    code = cli.main(argv)
    err = capsys.readouterr().err
    return code, err


def _one_error_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("crimecorpus: error: "), err
    return lines[0]


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty current directory, so a stray default database or file would show up in it."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CRIMECORPUS_DB", raising=False)
    return tmp_path


def _not_a_corpus(tmp: Path) -> Path:
    """A real SQLite database of another application."""
    path = tmp / "other.sqlite"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE recipes (id INTEGER PRIMARY KEY, name TEXT)")
    con.execute("INSERT INTO recipes (name) VALUES ('stamppot')")
    con.commit()
    con.close()
    return path


@pytest.mark.parametrize("name", list(COMMANDS))
@pytest.mark.parametrize(
    ("case", "expect"),
    [
        ("missing folder", "no database at"),
        ("missing file", "no database at"),
        ("toml file", "not a SQLite database"),
        ("empty file", "not a SQLite database"),
        ("folder", "not a database file"),
        ("other schema", "not a crimecorpus database"),
    ],
)
def test_a_read_only_command_refuses_what_is_not_a_corpus_and_creates_nothing(
    workdir: Path, capsys: pytest.CaptureFixture[str], name: str, case: str, expect: str
) -> None:
    if case == "missing folder":
        db = workdir / "typo" / "none.sqlite"
    elif case == "missing file":
        db = workdir / "none.sqlite"
    elif case == "toml file":
        db = workdir / "my_sources.toml"
        db.write_text('[[source]]\nname = "courant"\n', encoding="utf-8")
    elif case == "empty file":
        db = workdir / "empty.sqlite"
        db.touch()
    elif case == "folder":
        db = workdir / "a-folder"
        db.mkdir()
    else:
        db = _not_a_corpus(workdir)
    before = _tree(workdir)
    contents = db.read_bytes() if db.is_file() else None
    argv = [a.format(tmp=workdir) for a in COMMANDS[name]] + ["--db", str(db)]
    code, err = _run(capsys, argv)
    assert code == 2
    assert expect in _one_error_line(err)
    assert _tree(workdir) == before  # no folder, no file, no -wal/-shm, no output
    if contents is not None:
        assert db.read_bytes() == contents


def test_stats_on_a_toml_file_is_one_line_not_a_traceback(tmp_path: Path) -> None:
    toml = tmp_path / "my_sources.toml"
    toml.write_text('[[source]]\nname = "courant"\noutlet = "Courant"\n', encoding="utf-8")
    proc = run_cli("stats", "--db", str(toml))
    assert proc.returncode == 2
    assert proc.stderr.strip() == f"crimecorpus: error: not a SQLite database: {toml}"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["my_sources.toml"]


def test_an_empty_postgresql_database_is_refused_and_left_empty(
    pg_url: str, capsys: pytest.CaptureFixture[str], workdir: Path
) -> None:
    code, err = _run(capsys, ["stats", "--db", pg_url])
    assert code == 2
    assert "not a crimecorpus database" in _one_error_line(err)
    engine = create_engine(pg_url)
    with engine.connect() as conn:
        assert inspect(conn).get_table_names() == []  # no schema was created
    engine.dispose()


def test_a_corpus_at_an_older_schema_revision_is_upgraded_and_read(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = workdir / "old.sqlite"
    engine = make_engine(f"sqlite:///{db}")
    cfg = _alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0006")
    engine.dispose()
    code, _err = _run(capsys, ["stats", "--db", str(db)])
    assert code == 0
    with sqlite3.connect(db) as con:
        assert con.execute("SELECT version_num FROM alembic_version").fetchone()[0] != "0006"


def test_a_corpus_from_a_newer_version_is_refused(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = workdir / "newer.sqlite"
    engine = open_database(str(db))
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    engine.dispose()
    code, err = _run(capsys, ["export", "--db", str(db), "--out", str(workdir / "x.jsonl")])
    assert code == 2
    assert "schema revision '9999'" in _one_error_line(err)
    assert not (workdir / "x.jsonl").exists()


def test_a_valid_corpus_still_opens(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = workdir / "corpus.sqlite"
    open_database(str(db)).dispose()
    code, _err = _run(capsys, ["stats", "--db", str(db)])
    assert code == 0


@pytest.mark.parametrize(
    "argv",
    [
        ["stats", "--db", "[::1:5432"],
        ["stats", "--db", "postgresql://[::1:5432/x"],
        ["export", "--db", "postgresql://[::1:5432/x", "--out", "x.jsonl"],
        ["crawl", "--db", "[::1:5432"],
        ["crawl", "--db", "postgresql://[::1:5432/x"],
    ],
)
def test_a_malformed_database_url_is_one_line(
    argv: list[str], workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, err = _run(capsys, argv)
    assert code == 2
    assert "not a database URL" in _one_error_line(err)
    assert list(workdir.iterdir()) == []  # no SQLite file named after the address


@pytest.mark.parametrize(
    ("argv", "expect"),
    [
        (["dedup", "--rebuild", "--threshold", "1.5"], "--threshold"),
        (["dedup", "--rebuild", "--threshold", "0"], "--threshold"),
        (["dedup", "--rebuild", "--threshold", "-1"], "--threshold"),
        (["dedup", "--rebuild", "--threshold", "nan"], "--threshold"),
        (["dedup", "--rebuild", "--threshold", "inf"], "--threshold"),
        (["dedup", "--rebuild", "--threshold", "zeventig"], "--threshold"),
        (["browse", "--port", "99999"], "--port"),
        (["browse", "--port", "-1"], "--port"),
        (["browse", "--port", "acht"], "--port"),
    ],
)
def test_out_of_range_numbers_are_one_line_and_exit_2(
    argv: list[str], expect: str, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_:
        cli.main([*argv, "--db", str(workdir / "corpus.sqlite")])
    assert exit_.value.code == 2
    line = _one_error_line(capsys.readouterr().err)
    assert f"argument {expect}" in line
    assert list(workdir.iterdir()) == []


def test_the_edge_values_are_accepted() -> None:
    parser = cli.build_parser()
    assert parser.parse_args(["dedup", "--threshold", "1"]).threshold == 1.0
    assert parser.parse_args(["dedup", "--threshold", "0.05"]).threshold == 0.05
    assert parser.parse_args(["browse", "--port", "0"]).port == 0
    assert parser.parse_args(["browse", "--port", "65535"]).port == 65535
