"""Options shared by several commands are declared once and mean the same on each of them.

``--db``, ``--sources``, ``-s`` and ``-v`` were declared per command (``--sources`` six times);
now each is one declaration in ``corpus.cli.options`` that the commands take as a parent. The
tests read the real ``--help`` of every command and parse real argument lists.
"""

from __future__ import annotations

import contextlib
import io
import re
import subprocess
import sys

import pytest

from corpus.cli.main import build_parser
from tests.conftest import ROOT

# Every command's options, as its --help lists them (the set as it was before the options were
# declared once: no option gained or lost).
EXPECTED = {
    "crawl": {
        "--sources", "--source", "--db", "-s/--set", "--since", "--refetch-days", "--archive",
        "--archive-dir", "-v/--verbose", "--distributed", "--redis", "--redis-prefix",
    },
    "schedule": {
        "--every", "--max-runs", "--sources", "--source", "--db", "-s/--set", "--since",
        "--refetch-days", "--archive", "--archive-dir",
    },
    "seed": {"--sources", "--source", "--db", "--redis", "--redis-prefix", "--fresh", "--no-resume"},
    "reconcile": {
        "--sources", "--source", "--db", "--redis", "--redis-prefix", "--lease-seconds", "--include-failed",
    },
    "queue": {"--db", "--redis", "--redis-prefix", "--no-db"},
    "export": {
        "--out", "--force", "--db", "--format", "--since", "--until", "--source", "--dedup",
        "--all-topics", "--category", "--complete-only", "--pseudonymise", "--salt", "--check",
    },
    "dataset build": {
        "--out", "--force", "--db", "--since", "--until", "--source", "--dedup", "--all-topics",
        "--category", "--complete-only", "--pseudonymise", "--salt", "--split", "--compression", "--no-text",
    },
    "browse": {
        "--db", "--since", "--until", "--source", "--dedup", "--all-topics", "--category",
        "--complete-only", "--pseudonymise", "--salt", "--host", "--port", "--out", "--force",
    },
    "classify": {"--rebuild", "--db"},
    "dedup": {"--rebuild", "--threshold", "--db"},
    "stats": {"--db", "--plot", "--force"},
    "sources check": {"--sources", "--db", "--days", "--json"},
    "sources list": {"--sources"},
    "sources probe": {"--sources", "-s/--set", "-v/--verbose", "--n", "--mark-verified"},
    "sources snapshot": {"--sources", "-s/--set", "-v/--verbose", "--n", "--out"},
    "ingest-warc": {"--sources", "--db", "-s/--set", "-v/--verbose", "--distributed", "--redis", "--redis-prefix"},
    "backfill": {
        "--sources",
        "--source",
        "--db",
        "-s/--set",
        "-v/--verbose",
        "--redis",
        "--redis-prefix",
        "--from",
        "--to",
        "--archive",
        "--keep-warc",
        "--archive-dir",
        "--distributed",
    },
    "reextract": {"--db", "--archive-dir", "--sources", "-s/--set", "-v/--verbose"},
    "demo": {"--out", "-s/--set", "--force", "--backfill"},
}  # fmt: skip

# The shared options and the commands that take them.
SHARED = {
    "--db": [c for c, opts in EXPECTED.items() if "--db" in opts],
    "-s/--set": [
        "crawl",
        "schedule",
        "ingest-warc",
        "reextract",
        "demo",
        "sources probe",
        "sources snapshot",
    ],
    "-v/--verbose": ["crawl", "ingest-warc", "reextract", "sources probe", "sources snapshot"],
    "--sources": [
        "crawl",
        "schedule",
        "seed",
        "reconcile",
        "sources list",
        "ingest-warc",
        "reextract",
        "sources probe",
        "sources snapshot",
    ],
    "--force": ["export", "dataset build", "browse", "stats", "demo"],
    "--redis": ["crawl", "seed", "reconcile", "queue"],
}


def _help(command: str) -> str:
    """The command's real ``--help``, as ``crimecorpus COMMAND --help`` prints it."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out), pytest.raises(SystemExit) as exit_:
        build_parser().parse_args([*command.split(), "--help"])
    assert exit_.value.code == 0
    return out.getvalue()


def _options(help_text: str) -> dict[str, str]:
    """The options section of a --help: ``-s/--set`` (flags joined) to its help text."""
    section = help_text.split("\noptions:\n", 1)[1]
    found: dict[str, str] = {}
    current = None
    for line in section.splitlines():
        entry = re.match(r"^  (-\S.*?)(?:\s{2,}(.*))?$", line)
        if entry:
            flags = [part.split()[0] for part in entry.group(1).split(", ")]
            current = "/".join(flags)
            found[current] = entry.group(2) or ""
        elif current and line.startswith("    "):
            found[current] = f"{found[current]} {line.strip()}".strip()
    found.pop("-h/--help", None)
    return found


@pytest.fixture(scope="module")
def helps() -> dict[str, dict[str, str]]:
    return {command: _options(_help(command)) for command in EXPECTED}


@pytest.mark.parametrize("command", sorted(EXPECTED))
def test_every_command_lists_the_options_it_always_had(
    command: str, helps: dict[str, dict[str, str]]
) -> None:
    assert set(helps[command]) == EXPECTED[command]


@pytest.mark.parametrize("option", sorted(SHARED))
def test_a_shared_option_has_one_help_text_on_every_command(
    option: str, helps: dict[str, dict[str, str]]
) -> None:
    texts = {command: helps[command][option] for command in SHARED[option]}
    assert len(set(texts.values())) == 1, texts
    assert next(iter(texts.values())), f"{option} has no help text"


def test_sources_check_keeps_its_own_sources_option(helps: dict[str, dict[str, str]]) -> None:
    """A filter on the report whose default is the database's sources, not the shipped registry."""
    assert "those in the database" in helps["sources check"]["--sources"]
    assert helps["sources check"]["--sources"] != helps["crawl"]["--sources"]


def test_the_main_help_lists_every_command() -> None:
    text = _help("")
    listed = set(re.findall(r"^    (\S+)", text, flags=re.MULTILINE))
    assert listed == {command.split()[0] for command in EXPECTED}


@pytest.mark.parametrize(
    "argv",
    [
        ["crawl"],
        ["ingest-warc", "a.warc"],
        ["reextract"],
    ],
    ids=["crawl", "ingest-warc", "reextract"],
)
def test_every_run_command_reads_sources_set_verbose_and_db_alike(argv: list[str]) -> None:
    args = build_parser().parse_args(
        [*argv, "--sources", "bronnen.toml", "-s", "A=1", "--set", "B=2", "-v", "--db", "corpus.sqlite"]
    )
    assert (args.sources, args.set, args.verbose, args.db) == (
        "bronnen.toml",
        ["A=1", "B=2"],
        True,
        "corpus.sqlite",
    )


def test_schedule_passes_every_crawl_option_on_as_crawl_reads_it() -> None:
    """The crawl options of ``schedule`` are written back from their one declaration, so a crawl
    started by the schedule gets exactly what ``crawl`` itself would have parsed."""
    parser = build_parser()
    options = [
        "--sources", "bronnen.toml", "--source", "polderpost", "--source", "maasbode",
        "--db", "postgresql://db/corpus", "-s", "DOWNLOAD_DELAY=0", "-s=-RAAR=1",
        "--since", "2024-02-29", "--refetch-days", "3", "--archive", "warc", "--archive-dir", "warc/",
    ]  # fmt: skip
    scheduled = parser.parse_args(["schedule", "--every", "1h", "--max-runs", "2", *options])
    child_argv = scheduled.crawl_argv(scheduled)
    assert "--every" not in " ".join(child_argv) and "--max-runs" not in " ".join(child_argv)
    child = parser.parse_args(["crawl", *child_argv])
    direct = parser.parse_args(["crawl", *options])
    assert vars(child) == vars(direct)


def test_schedule_passes_nothing_it_was_not_given() -> None:
    args = build_parser().parse_args(["schedule", "--every", "30m"])
    assert args.crawl_argv(args) == []


@pytest.mark.parametrize(
    ("command", "what"),
    [("classify", "re-score the stored corpus"), ("dedup", "recompute the clusters")],
)
def test_classify_and_dedup_without_rebuild_say_there_is_nothing_to_do(command: str, what: str) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "corpus", command, "--db", "bestaat-niet.sqlite"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == f"crimecorpus {command}: nothing to do (use --rebuild to {what})\n"
    assert not (ROOT / "bestaat-niet.sqlite").exists()
