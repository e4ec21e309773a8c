"""Outputs that never destroy: every command writes only to a new path or to its own earlier output.

``export``, ``dataset build``, ``browse --out``, ``stats --plot`` and the demo replace their target
as a whole (a temporary sibling renamed into place), so the target must be proven to be an
earlier output of the same command before anything is written. A folder proves it with a small
marker file, ``.crimecorpus-output``, naming the command and kind; a JSONL export with its first
record (it carries the crimecorpus version); a browse database with SQLite's ``application_id``.
Everything else is refused with one line: a folder holding files the command did not write, a
file where a folder is wanted or the reverse, a device, a fifo, a socket, a symbolic link (the
link itself, or one inside an output folder that could point anywhere). ``--force`` widens this
only to outputs of the same kind written before markers existed; it never replaces anything else.

New files and folders follow the umask (``mkstemp`` and ``mkdtemp`` alone would make them 0600
and 0700 whatever the user asked for).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import stat
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

MARKER = ".crimecorpus-output"
# The first 16 bytes of every SQLite database file (its header string).
SQLITE_MAGIC = b"SQLite format 3\x00"
# PRAGMA application_id of a browse database ("CRMC"): the SQLite header names its owner.
BROWSE_APPLICATION_ID = 0x43524D43
# A JSONL record's first line is read up to this many bytes to recognise an earlier export.
_SNIFF_BYTES = 8 << 20
# The key every record of this version carries (corpus.outputs.export.article_record): it proves an export.
RECORD_PROOF_KEY = "crimecorpus_version"
_RECORD_KEYS = frozenset({"id", "url", "source", "text"})


class ExportError(RuntimeError):
    """An output that cannot be written, or may not be replaced; the message is one line."""


# Verdicts on an existing file or folder.
OURS = "ours"  # an earlier output of this command and kind: replaced
OLDER = "older"  # the same kind, written before proofs existed: replaced only with --force


@dataclass(frozen=True)
class OutputKind:
    """What a command writes: its name for messages, file or folder, and how it is recognised."""

    command: str
    kind: str
    label: str
    is_dir: bool
    # Folders: every path inside (relative, "/"-separated) must match; files: the file's verdict.
    layout: re.Pattern[str] | None = None
    # Folders without a marker: OURS when an earlier version's own proof is there (a snapshot's
    # manifest.json), OLDER when the layout alone matches.
    legacy: Callable[[Path], str | None] | None = None
    sniff: Callable[[Path], str | None] | None = None


def _month_files(prefix: str = "") -> str:
    return rf"{prefix}\d{{4}}-\d{{2}}(/[0-9A-Za-z_-]+\.txt)?"


def _snapshot_legacy(path: Path) -> str | None:
    """A snapshot of an earlier version proves itself with its manifest (``"name": "crimecorpus"``)."""
    try:
        manifest = json.loads((path / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return OURS if isinstance(manifest, dict) and manifest.get("name") == "crimecorpus" else None


def _sniff_jsonl(path: Path) -> str | None:
    with path.open("rb") as handle:
        first = handle.readline(_SNIFF_BYTES)
    try:
        record = json.loads(first)
    except ValueError:
        return None
    if not isinstance(record, dict) or not record.keys() >= _RECORD_KEYS:
        return None
    return OURS if RECORD_PROOF_KEY in record else OLDER


def _sniff_browse(path: Path) -> str | None:
    with path.open("rb") as handle:
        header = handle.read(100)
    if len(header) < 100 or not header.startswith(SQLITE_MAGIC):
        return None
    if int.from_bytes(header[68:72], "big") == BROWSE_APPLICATION_ID:
        return OURS
    # A browse database of an earlier version: only the articles table and its FTS index.
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
        try:
            names = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        finally:
            conn.close()
    except sqlite3.Error:
        return None
    return (
        OLDER
        if {"articles", "articles_fts"} <= names and all(n.startswith("articles") for n in names)
        else None
    )


_TXT_LAYOUT = _month_files()
JSONL_EXPORT = OutputKind("export", "jsonl", "JSONL export", is_dir=False, sniff=_sniff_jsonl)
TXT_EXPORT = OutputKind(
    "export", "txt", "txt export", is_dir=True, layout=re.compile(rf"({_TXT_LAYOUT})"), legacy=lambda _: OLDER
)
SNAPSHOT = OutputKind(
    "dataset build",
    "snapshot",
    "snapshot",
    is_dir=True,
    layout=re.compile(
        r"README\.md|manifest\.json"
        r"|parquet(/[\w.-]+\.parquet)?"
        r"|jsonl(/[\w.-]+\.jsonl(\.gz|\.zst)?)?"
        rf"|text(/(train|validation|test))?(/{_TXT_LAYOUT})?"
        r"|plots(/[\w.-]+\.png)?"
    ),
    legacy=_snapshot_legacy,
)
BROWSE_DB = OutputKind("browse", "browse-db", "browse database", is_dir=False, sniff=_sniff_browse)
PLOTS = OutputKind(
    "stats --plot",
    "plots",
    "plot folder",
    is_dir=True,
    layout=re.compile(r"[\w.-]+\.png"),
    legacy=lambda _: OLDER,
)
# A folder holding only the demo's names may still be a user's own crawl ("corpus.sqlite" is a
# common name): without the demo's marker it is replaced only with --force.
DEMO = OutputKind(
    "demo",
    "demo",
    "demo folder",
    is_dir=True,
    layout=re.compile(
        rf"corpus\.sqlite(-wal|-shm|-journal|\.lock)?|sources\.toml|corpus\.jsonl|txt(/{_TXT_LAYOUT})?"
        # demo --backfill: the local web archive it builds (corpus.devtools.archive)
        r"|archive(/manifest\.json|/cc-index(/collections(/CC-MAIN-[\w-]+(/indexes(/index\.cdxj)?)?)?)?"
        r"|/crawl-data(/CC-MAIN-[\w-]+(/segments(/[\w.]+(/warc(/[\w.-]+\.warc\.gz)?)?)?)?)?"
        r"|/wayback(/index\.cdx|/raw(/\w+(/\w+\.http)?)?)?)?"
        # what a demo killed while exporting leaves beside its outputs
        rf"|\.corpus\.jsonl\.\w+\.tmp|\.txt\.\w+\.tmp(/{_TXT_LAYOUT})?|\.txt\.\w+\.old(/txt(/{_TXT_LAYOUT})?)?"
    ),
    legacy=lambda _: OLDER,
)
KINDS = (JSONL_EXPORT, TXT_EXPORT, SNAPSHOT, BROWSE_DB, PLOTS, DEMO)


def _what(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISREG(mode):
        return "a file"
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISFIFO(mode):
        return "a fifo"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def read_marker(directory: Path) -> tuple[str, str] | None:
    """The (command, kind) a folder's marker names, or None when it has no readable marker."""
    marker = directory / MARKER
    try:
        if not stat.S_ISREG(os.lstat(marker).st_mode):
            return None
        data = json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict):
        return None
    return str(data.get("command")), str(data.get("kind"))


def write_marker(directory: Path, kind: OutputKind) -> None:
    """Mark a folder as this command's output (fixed content: snapshots stay byte-identical)."""
    text = json.dumps(
        {"command": kind.command, "kind": kind.kind, "written_by": "crimecorpus"}, sort_keys=True
    )
    (directory / MARKER).write_text(text + "\n", encoding="utf-8", newline="\n")


def _foreign_entry(root: Path, layout: re.Pattern[str]) -> str | None:
    """The first path under ``root`` that the command would not have written, or None."""
    for current, dirs, files in os.walk(root):
        base = Path(current)
        for name in sorted(dirs) + sorted(files):
            full = base / name
            rel = full.relative_to(root).as_posix()
            mode = os.lstat(full).st_mode
            if stat.S_ISLNK(mode):
                return f"{rel} (a symbolic link)"
            if not (stat.S_ISDIR(mode) or stat.S_ISREG(mode)):
                return f"{rel} ({_what(mode)})"
            if name == MARKER and stat.S_ISREG(mode):
                continue
            if not layout.fullmatch(rel):
                return rel
    return None


def _kind_named(command: str, kind: str) -> OutputKind | None:
    return next((k for k in KINDS if (k.command, k.kind) == (command, kind)), None)


def check_target(path: Path, kind: OutputKind, *, force: bool = False) -> None:
    """Raise ExportError unless ``path`` is new or an earlier output of ``kind`` (see the module doc)."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return
    except OSError as exc:
        raise ExportError(f"cannot write to {path}: {exc.strerror or exc}") from None
    if stat.S_ISLNK(mode):
        raise ExportError(f"{path} is a symbolic link; give the path it points to (not following links)")
    wanted = "a folder" if kind.is_dir else "a file"
    if (kind.is_dir and stat.S_ISREG(mode)) or (not kind.is_dir and stat.S_ISDIR(mode)):
        raise ExportError(f"{path} is {_what(mode)}, but a {kind.label} is {wanted}; not replacing it")
    if not (stat.S_ISDIR(mode) or stat.S_ISREG(mode)):
        raise ExportError(f"{path} is {_what(mode)}, not {wanted}; not writing to it")
    try:
        verdict = _dir_verdict(path, kind) if kind.is_dir else _file_verdict(path, kind)
    except OSError as exc:
        raise ExportError(f"cannot check {path}: {exc.strerror or exc}") from None
    if verdict == OURS or (verdict == OLDER and force):
        return
    if verdict == OLDER:
        raise ExportError(
            f"{path} may be a {kind.label} of an earlier crimecorpus (or empty) but carries no proof; "
            "--force replaces it"
        )
    raise ExportError(verdict or f"{path} is not a crimecorpus {kind.label}; not replacing it")


def _file_verdict(path: Path, kind: OutputKind) -> str | None:
    if path.stat().st_size == 0:
        # Nothing to lose in content, but an empty file proves nothing either: it may be a lock
        # file (a new inode would break the lock), an __init__.py or a placeholder. --force.
        return OLDER
    assert kind.sniff is not None
    return kind.sniff(path)


def _dir_verdict(path: Path, kind: OutputKind) -> str | None:
    """OURS, OLDER, or a one-line refusal naming what is in the way."""
    assert kind.layout is not None
    marker = read_marker(path)
    if marker is not None and marker != (kind.command, kind.kind):
        other = _kind_named(*marker)
        label = f"{other.label} (crimecorpus {other.command})" if other else f"{marker[0]} {marker[1]} output"
        return f"{path} holds a {label}, not a {kind.label}; not replacing it"
    foreign = _foreign_entry(path, kind.layout)
    if foreign is not None:
        return f"{path} is not a crimecorpus {kind.label} (it holds {foreign}); not replacing it"
    if marker is not None or not any(path.iterdir()):
        return OURS
    return kind.legacy(path) if kind.legacy else None


def umask() -> int:
    """The process's umask (read without changing it where /proc allows)."""
    try:
        for line in Path("/proc/self/status").read_text(encoding="ascii").splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


@contextmanager
def atomic_path(path: Path, kind: OutputKind, *, force: bool = False) -> Iterator[Path]:
    """A temporary file beside ``path`` that replaces ``path`` only when the block succeeds.

    ``path`` is checked first (``check_target``); the new file gets the umask's permissions.
    """
    check_target(path, kind, force=force)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        os.close(fd)
    except OSError as exc:
        raise ExportError(f"cannot write to {path}: {exc.strerror or exc}") from None
    tmp = Path(name)
    try:
        yield tmp
        tmp.chmod(0o666 & ~umask())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


@contextmanager
def atomic_dir(out: Path, kind: OutputKind, *, force: bool = False) -> Iterator[Path]:
    """A temporary folder beside ``out`` that replaces ``out`` only when the block succeeds.

    ``out`` is checked first (``check_target``); the new folder holds the marker of ``kind`` and
    gets the umask's permissions.
    """
    check_target(out, kind, force=force)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(dir=out.parent, prefix=f".{out.name}.", suffix=".tmp"))
        tmp.chmod(0o777 & ~umask())
    except OSError as exc:
        raise ExportError(f"cannot write to {out}: {exc.strerror or exc}") from None
    try:
        yield tmp
        write_marker(tmp, kind)
        # The old output moves into a fresh folder of its own before it is removed: a fixed name
        # such as ".OUT.old" could be someone else's folder, and removing it would destroy it.
        graveyard = None
        if out.exists():
            graveyard = Path(tempfile.mkdtemp(dir=out.parent, prefix=f".{out.name}.", suffix=".old"))
            out.rename(graveyard / out.name)
        tmp.rename(out)
        if graveyard is not None:
            shutil.rmtree(graveyard, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
