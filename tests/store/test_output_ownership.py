"""Outputs never destroy: every command writes only to a new path or over its own earlier output."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from corpus.outputs.browse import build_browse_db
from corpus.outputs.export import ExportError, ExportFilter
from corpus.store.ownership import (
    BROWSE_DB,
    DEMO,
    JSONL_EXPORT,
    MARKER,
    PLOTS,
    SNAPSHOT,
    TXT_EXPORT,
    check_target,
    write_marker,
)
from corpus.store.storage import open_database
from tests.conftest import ROOT, run_cli


def refused(proc: subprocess.CompletedProcess[str], *words: str) -> None:
    """One line on stderr, exit 2, no traceback, naming what was in the way."""
    assert proc.returncode == 2, (proc.returncode, proc.stderr[-2000:])
    assert proc.stderr.startswith("crimecorpus: error: ")
    assert proc.stderr.strip().count("\n") == 0, proc.stderr
    for word in words:
        assert word in proc.stderr, proc.stderr


def export(db: Path, out: Path | str, *extra: str) -> subprocess.CompletedProcess[str]:
    return run_cli("export", "--db", str(db), "--out", str(out), "--all-topics", *extra)


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


# -- export --format txt ----------------------------------------------------------------------------


def test_txt_export_refuses_a_folder_with_other_files_and_deletes_nothing(
    demo_db: Path, tmp_path: Path
) -> None:
    out = tmp_path / "mine"
    out.mkdir()
    (out / "scriptie.docx").write_bytes(b"hoofdstuk 1")
    (out / "2024-01").mkdir()
    (out / "2024-01" / "aantekening.md").write_text("niet weggooien", encoding="utf-8")
    before = tree(out)
    refused(export(demo_db, out, "--format", "txt"), str(out), "not a crimecorpus txt export")
    assert tree(out) == before


def test_txt_export_replaces_its_own_earlier_export(demo_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "txt"
    first = export(demo_db, out, "--format", "txt")
    assert first.returncode == 0, first.stderr
    assert json.loads((out / MARKER).read_text(encoding="utf-8"))["kind"] == "txt"
    stale = out / "1999-01" / "0000000000000000.txt"
    stale.parent.mkdir()
    stale.write_text("date 1999-01\noud\n", encoding="utf-8")
    again = export(demo_db, out, "--format", "txt")
    assert again.returncode == 0, again.stderr
    assert not stale.exists()  # replaced as a whole: an earlier output of the same command
    assert not list(tmp_path.glob(".txt.*"))  # no temporary or old folder left beside it


def test_replacing_an_export_leaves_folders_beside_it_alone(demo_db: Path, tmp_path: Path) -> None:
    """The old output is moved aside under a fresh name, never a fixed one someone may be using."""
    out = tmp_path / "txt"
    assert export(demo_db, out, "--format", "txt").returncode == 0
    neighbour = tmp_path / ".txt.old"
    neighbour.mkdir()
    (neighbour / "bewaar.txt").write_text("van iemand anders", encoding="utf-8")
    assert export(demo_db, out, "--format", "txt").returncode == 0
    assert (neighbour / "bewaar.txt").read_text(encoding="utf-8") == "van iemand anders"
    assert sorted(p.name for p in tmp_path.iterdir()) == [".txt.old", "txt"]


def test_txt_export_refuses_a_jsonl_file_and_keeps_it(demo_db: Path, tmp_path: Path) -> None:
    jsonl = tmp_path / "corpus.jsonl"
    assert export(demo_db, jsonl).returncode == 0
    before = jsonl.read_bytes()
    refused(export(demo_db, jsonl, "--format", "txt"), "is a file, but a txt export is a folder")
    refused(export(demo_db, jsonl, "--format", "txt", "--force"), "is a file")
    assert jsonl.read_bytes() == before


def test_txt_export_without_a_marker_needs_force(demo_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "txt"
    assert export(demo_db, out, "--format", "txt").returncode == 0
    (out / MARKER).unlink()  # as an export written before markers existed
    refused(export(demo_db, out, "--format", "txt"), "--force")
    proc = export(demo_db, out, "--format", "txt", "--force")
    assert proc.returncode == 0, proc.stderr
    assert (out / MARKER).is_file()


def test_a_symlink_inside_an_earlier_export_is_refused_and_its_target_kept(
    demo_db: Path, tmp_path: Path
) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "belangrijk.txt").write_text("blijft", encoding="utf-8")
    out = tmp_path / "txt"
    assert export(demo_db, out, "--format", "txt").returncode == 0
    (out / "2020-01").symlink_to(outside, target_is_directory=True)
    refused(export(demo_db, out, "--format", "txt"), "2020-01 (a symbolic link)")
    refused(export(demo_db, out, "--format", "txt", "--force"), "symbolic link")
    assert (outside / "belangrijk.txt").read_text(encoding="utf-8") == "blijft"


# -- export --format jsonl ----------------------------------------------------------------------------


def test_jsonl_export_replaces_its_own_file_but_not_another(demo_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "corpus.jsonl"
    assert export(demo_db, out).returncode == 0
    assert export(demo_db, out).returncode == 0  # a re-run over its own export
    notes = tmp_path / "notes.jsonl"
    notes.write_text('{"mijn": "eigen data"}\n', encoding="utf-8")
    refused(export(demo_db, notes), "not a crimecorpus JSONL export")
    refused(export(demo_db, notes, "--force"), "not a crimecorpus JSONL export")
    assert notes.read_text(encoding="utf-8") == '{"mijn": "eigen data"}\n'


def test_jsonl_export_of_an_earlier_version_needs_force(demo_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "old.jsonl"
    assert export(demo_db, out).returncode == 0
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    for row in rows:
        del row["crimecorpus_version"]
    out.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    refused(export(demo_db, out), "--force")
    assert export(demo_db, out, "--force").returncode == 0


def test_jsonl_export_refuses_a_folder(demo_db: Path, tmp_path: Path) -> None:
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "x.txt").write_text("x", encoding="utf-8")
    refused(export(demo_db, folder), "is a folder, but a JSONL export is a file")
    assert (folder / "x.txt").exists()


def test_jsonl_export_refuses_a_symlink_to_a_file_outside(demo_db: Path, tmp_path: Path) -> None:
    target = tmp_path / "secret.jsonl"
    target.write_text('{"id": "x"}\n', encoding="utf-8")
    link = tmp_path / "out.jsonl"
    link.symlink_to(target)
    refused(export(demo_db, link), "symbolic link")
    assert link.is_symlink() and target.read_text(encoding="utf-8") == '{"id": "x"}\n'


def test_jsonl_export_refuses_a_fifo_without_blocking(demo_db: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    refused(export(demo_db, fifo), "is a fifo")
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_export_refuses_a_device_and_leaves_it_a_device(demo_db: Path) -> None:
    """As root, replacing /dev/full by a regular file used to succeed."""
    device = Path("/dev/full")
    if not device.exists():
        pytest.skip("no /dev/full")
    refused(export(demo_db, device), "/dev/full is a device")
    assert stat.S_ISCHR(os.lstat(device).st_mode)


def test_export_to_standard_output(demo_db: Path, tmp_path: Path) -> None:
    proc = run_cli("export", "--db", str(demo_db), "--out", "-", "--all-topics")
    assert proc.returncode == 0, proc.stderr
    rows = [json.loads(line) for line in proc.stdout.splitlines()]
    assert len(rows) > 10 and all("url" in r for r in rows)
    assert f"exported {len(rows)} articles to standard output" in proc.stderr
    file_copy = tmp_path / "copy.jsonl"
    assert export(demo_db, file_copy).returncode == 0
    assert file_copy.read_text(encoding="utf-8") == proc.stdout
    assert not (ROOT / "-").exists()
    refused(run_cli("export", "--db", str(demo_db), "--out", "-", "--format", "txt"), "standard output")


# -- new files follow the umask -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mask", "file_mode", "dir_mode"), [(0o022, 0o644, 0o755), (0o077, 0o600, 0o700), (0o002, 0o664, 0o775)]
)
def test_new_outputs_follow_the_umask(
    demo_db: Path, tmp_path: Path, mask: int, file_mode: int, dir_mode: int
) -> None:
    def run(*args: str) -> None:
        proc = subprocess.run(
            [sys.executable, "-m", "corpus", *args],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=300,
            preexec_fn=lambda: os.umask(mask),
        )
        assert proc.returncode == 0, proc.stderr

    run("export", "--db", str(demo_db), "--out", str(tmp_path / "c.jsonl"), "--all-topics")
    run("export", "--db", str(demo_db), "--out", str(tmp_path / "txt"), "--format", "txt", "--all-topics")
    assert stat.S_IMODE((tmp_path / "c.jsonl").stat().st_mode) == file_mode
    assert stat.S_IMODE((tmp_path / "txt").stat().st_mode) == dir_mode
    some_text = next((tmp_path / "txt").rglob("*.txt"))
    assert stat.S_IMODE(some_text.stat().st_mode) == file_mode


# -- dataset build, stats --plot, browse --out, demo --------------------------------------------------------


def test_dataset_build_refuses_a_txt_export_and_a_file(demo_db: Path, tmp_path: Path) -> None:
    txt = tmp_path / "txt"
    assert export(demo_db, txt, "--format", "txt").returncode == 0
    before = tree(txt)
    refused(run_cli("dataset", "build", "--db", str(demo_db), "--out", str(txt)), "holds a txt export")
    assert tree(txt) == before
    jsonl = tmp_path / "c.jsonl"
    assert export(demo_db, jsonl).returncode == 0
    refused(run_cli("dataset", "build", "--db", str(demo_db), "--out", str(jsonl)), "is a file")


def test_dataset_snapshot_is_replaced_but_not_with_a_foreign_file_inside(
    demo_db: Path, tmp_path: Path
) -> None:
    out = tmp_path / "snap"
    args = ("dataset", "build", "--db", str(demo_db), "--out", str(out), "--no-text")
    assert run_cli(*args).returncode == 0
    assert json.loads((out / MARKER).read_text(encoding="utf-8"))["kind"] == "snapshot"
    assert run_cli(*args).returncode == 0
    (out / "analyse.ipynb").write_text("{}", encoding="utf-8")
    refused(run_cli(*args), "analyse.ipynb")
    assert (out / "analyse.ipynb").exists()


def test_stats_plot_refuses_a_folder_with_other_files(demo_db: Path, tmp_path: Path) -> None:
    plots = tmp_path / "plots"
    plots.mkdir()
    (plots / "vakantie.jpg").write_bytes(b"\xff\xd8")
    refused(run_cli("stats", "--db", str(demo_db), "--plot", str(plots)), "not a crimecorpus plot folder")
    assert (plots / "vakantie.jpg").exists()
    fresh = tmp_path / "fresh"
    for _ in range(2):  # new, then its own earlier plots
        proc = run_cli("stats", "--db", str(demo_db), "--plot", str(fresh))
        assert proc.returncode == 0, proc.stderr
    assert (fresh / "top_places.png").is_file() and (fresh / MARKER).is_file()
    refused(run_cli("stats", "--db", str(demo_db), "--plot", str(fresh / "top_places.png")), "is a file")


def test_browse_out_never_replaces_the_crawl_database(demo_db: Path, tmp_path: Path) -> None:
    crawl_copy = tmp_path / "corpus.sqlite"
    shutil.copy(demo_db, crawl_copy)
    before = crawl_copy.read_bytes()
    engine = open_database(str(demo_db))
    try:
        with pytest.raises(ExportError, match="not a crimecorpus browse database"):
            build_browse_db(engine, crawl_copy, ExportFilter())
        with pytest.raises(ExportError, match="not a crimecorpus browse database"):
            build_browse_db(engine, crawl_copy, ExportFilter(), force=True)
        browse = tmp_path / "browse.db"
        first = build_browse_db(engine, browse, ExportFilter())
        assert build_browse_db(engine, browse, ExportFilter()) == first  # its own earlier file
    finally:
        engine.dispose()
    assert crawl_copy.read_bytes() == before


def test_browse_out_refusal_is_one_line(demo_db: Path, tmp_path: Path) -> None:
    notes = tmp_path / "notes.db"
    notes.write_text("geen database", encoding="utf-8")
    proc = run_cli("browse", "--db", str(demo_db), "--port", "0", "--out", str(notes), timeout=120)
    refused(proc, "not a crimecorpus browse database")
    assert notes.read_text(encoding="utf-8") == "geen database"


def test_demo_refuses_a_folder_it_does_not_own(tmp_path: Path) -> None:
    (tmp_path / "corpus.sqlite").write_bytes(b"iemand anders")
    (tmp_path / "thesis.tex").write_text("\\begin{document}", encoding="utf-8")
    before = tree(tmp_path)
    refused(
        run_cli("demo", "--out", str(tmp_path), timeout=120), "not a crimecorpus demo folder", "thesis.tex"
    )
    assert tree(tmp_path) == before


# -- the checks themselves, case by case ----------------------------------------------------------------------


def test_new_and_empty_targets_are_accepted(tmp_path: Path) -> None:
    for kind in (TXT_EXPORT, SNAPSHOT, PLOTS, DEMO, JSONL_EXPORT, BROWSE_DB):
        check_target(tmp_path / "new", kind)
    (tmp_path / "empty").mkdir()
    for kind in (TXT_EXPORT, SNAPSHOT, PLOTS, DEMO):
        check_target(tmp_path / "empty", kind)


def test_an_empty_file_is_replaced_only_with_force(tmp_path: Path) -> None:
    # An empty file proves nothing: a run lock (a new inode would break the lock), __init__.py.
    for name, kind in (("crawl.sqlite.lock", JSONL_EXPORT), ("__init__.py", BROWSE_DB)):
        (tmp_path / name).touch()
        with pytest.raises(ExportError, match="--force"):
            check_target(tmp_path / name, kind)
        check_target(tmp_path / name, kind, force=True)


def test_a_folder_with_only_a_crawl_database_is_not_taken_for_a_demo(tmp_path: Path) -> None:
    mine = tmp_path / "mycrawl"
    mine.mkdir()
    (mine / "corpus.sqlite").write_bytes(b"SQLite format 3\x00" + bytes(100))
    (mine / "sources.toml").write_text("[[source]]\n", encoding="utf-8")
    with pytest.raises(ExportError, match="--force"):
        check_target(mine, DEMO)
    proc = run_cli("demo", "--out", str(mine))
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1, proc.stderr
    assert (mine / "corpus.sqlite").read_bytes().startswith(b"SQLite format 3")


def test_a_marker_of_another_command_is_refused_even_with_force(tmp_path: Path) -> None:
    (tmp_path / "plots").mkdir()
    write_marker(tmp_path / "plots", PLOTS)
    for kind in (TXT_EXPORT, SNAPSHOT, DEMO):
        with pytest.raises(ExportError, match="holds a plot folder"):
            check_target(tmp_path / "plots", kind, force=True)
    check_target(tmp_path / "plots", PLOTS)


def test_a_symlinked_target_and_a_missing_parent_folder(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "real", target_is_directory=True)
    with pytest.raises(ExportError, match="symbolic link"):
        check_target(tmp_path / "link", TXT_EXPORT, force=True)
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    with pytest.raises(ExportError, match="cannot write to"):
        check_target(blocker / "sub" / "out.jsonl", JSONL_EXPORT)
