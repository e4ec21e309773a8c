"""Which annotations a change of the rules or the gazetteer alters, text by text, against a baseline.

Why: a rule fixed on one batch of labelled texts must not move anything else. Scores per set
(`bench/crime.py`) can hide a gain here and a loss there; this lists every text whose verdict
changed, so each change can be read. It reads the same texts through this checkout and through a
baseline checkout (``git worktree add /tmp/base <rev>``), each in its own process.

Texts: the independent dev set, the team's labelled sets, and 1,000 independent Dutch sentences
(lingua's test set: Wikipedia prose, nearly none of it crime news, where any new category or
place is suspect).

Run: .venv/bin/python bench/annotation_diff.py --baseline /tmp/base [--show 60]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "benchmarks"
LABELLED = (
    SHARED / "crime" / "dev.jsonl",
    ROOT / "tests" / "annotate" / "data" / "crime_written.jsonl",
    ROOT / "bench" / "data" / "crime_labelled.jsonl",
)
SENTENCES = SHARED / "langid" / "lingua" / "sentences" / "nl.txt"


def texts() -> dict[str, tuple[str, str]]:
    """Id -> (title, text), in a fixed order."""
    out: dict[str, tuple[str, str]] = {}
    for path in LABELLED:
        for line in path.read_text(encoding="utf-8").splitlines():
            item = json.loads(line)
            out[f"{path.stem}:{item['id']}"] = (item.get("title") or "", item["text"])
    for i, line in enumerate(SENTENCES.read_text(encoding="utf-8").splitlines()):
        out[f"lingua-nl:{i}"] = ("", line.strip())
    return out


def annotate() -> dict[str, list[object]]:
    """This interpreter's annotations of every text (run inside the checkout being measured)."""
    from corpus.annotate.crime import classify_crime
    from corpus.annotate.places import find_places

    out: dict[str, list[object]] = {}
    for key, (title, text) in texts().items():
        crime = classify_crime(title, text)
        places = [p.name for p in find_places(f"{title}\n{text}" if title else text)]
        out[key] = [crime.is_crime, sorted(crime.categories), crime.primary_category, crime.stage, places]
    return out


def annotate_in(checkout: Path) -> dict[str, list[object]]:
    """The annotations of ``checkout``'s code, from a child process with it first on the path."""
    env = {**os.environ, "PYTHONPATH": str(checkout)}
    done = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--dump"],
        env=env,
        cwd=checkout,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", type=Path, help="a checkout of the code to compare with")
    parser.add_argument("--show", type=int, default=60, help="changes to print (all are counted)")
    parser.add_argument("--dump", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.dump:
        json.dump(annotate(), sys.stdout)
        return
    if args.baseline is None:
        parser.error("--baseline is required")
    before, after = annotate_in(args.baseline.resolve()), annotate_in(ROOT)
    fields = ("is_crime", "categories", "primary", "stage", "places")
    changed = [key for key in after if before.get(key) != after[key]]
    for key in changed[: args.show]:
        diffs = [
            f"{name} {old!r} -> {new!r}"
            for name, old, new in zip(fields, before.get(key) or [None] * 5, after[key], strict=True)
            if old != new
        ]
        print(f"{key}: " + "; ".join(diffs))
    sentences = sum(key.startswith("lingua-nl:") for key in changed)
    print(f"{len(changed)} of {len(after)} texts changed ({sentences} of them lingua sentences)")


if __name__ == "__main__":
    main()
