"""Every golden file under tests/golden/ still comes out of today's analysis as it was stored.

A golden file is a page fetched by ``crimecorpus sources snapshot`` with what the analysis made of
it then (``corpus.outputs.golden``); each is one test here. A failure names the page and every
value that moved: verdict, kind, title, day, paywall, completeness, or a text that kept less than
``TEXT_SIMILARITY_MIN`` of its words in order. When a change is meant, take the snapshot again:

    .venv/bin/python -m tests.test_golden --retake

serves the bundled demo site and runs ``crimecorpus sources snapshot`` for each outlet in
:data:`DEMO_OUTLETS` into ``tests/golden/demo-NAME/`` (replacing the earlier snapshot there).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from corpus.outputs.golden import check_golden, golden_files, load_golden

GOLDEN_DIR = Path(__file__).resolve().parent / "golden"
DEMO_OUTLETS = ("courant", "scheldebode", "deltamedia")
"""The demo outlets snapshotted into tests/golden/: dates in every form and rejections by language
(courant, scheldebode), section pages beside articles with related boxes (deltamedia)."""

FILES = golden_files(GOLDEN_DIR)


def test_the_golden_folder_holds_golden_files() -> None:
    """An empty folder would make every check below pass by having nothing to check."""
    assert len(FILES) >= 10, f"only {len(FILES)} golden files under {GOLDEN_DIR}"


@pytest.mark.parametrize("path", FILES, ids=[p.relative_to(GOLDEN_DIR).as_posix() for p in FILES])
def test_a_golden_page_is_analysed_as_it_was_stored(path: Path) -> None:
    case = load_golden(path)
    differences = check_golden(case)
    assert not differences, f"{case.url}:\n  " + "\n  ".join(differences)


def retake(outlets: tuple[str, ...] = DEMO_OUTLETS) -> int:
    """Snapshot each demo outlet anew into tests/golden/demo-NAME/ (see the module docstring)."""
    import tempfile

    from corpus.devtools.server import demo_site_root, render_sources, serve_sites

    root = Path(__file__).resolve().parent.parent
    with tempfile.TemporaryDirectory() as tmp, serve_sites(demo_site_root()) as bases:
        sources = render_sources(demo_site_root(), bases, Path(tmp) / "sources.toml")
        for name in outlets:
            out = GOLDEN_DIR / f"demo-{name}"
            proc = subprocess.run(
                [
                    sys.executable, "-m", "corpus", "sources", "snapshot", name,
                    "--out", str(out), "--sources", str(sources),
                    "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False",
                ],
                cwd=root,
                check=False,
            )  # fmt: skip
            if proc.returncode != 0:
                return proc.returncode
    return 0


if __name__ == "__main__":
    if sys.argv[1:] != ["--retake"]:
        sys.exit("usage: python -m tests.test_golden --retake")
    sys.exit(retake())
