"""Leak counts of pseudonymisation on the hand-written test set, today's code next to an older one.

A leak is one (item, field, name form) where a form that must not survive is still in the
pseudonymised record; a lost word is an ordinary capitalised word ("Den Haag", "Openbaar
Ministerie") that the pseudonymisation replaced. The older implementation is loaded from git
(persons.pseudonymise as corpus/outputs/export.py applied it: title, text, persons' name and mention;
URL and ids as stored).

Both sets are measured: the one the rules were written against, and the held-out one written
after they were frozen (see tests/annotate/test_pseudonymise.py).

Run: .venv/bin/python bench/pseudonymise.py [--legacy REV]   (default REV: 6d5fa71)
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import time
import types
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from corpus.annotate.pseudonymise import leaks, pseudonymise_record  # noqa: E402
from tests.annotate.test_pseudonymise import DATA, HELDOUT, SALT, build_record, kept_words_lost, load_items  # noqa: E402

REPEAT = 10  # passes over the set for the time per record
Pseudonymiser = Callable[[dict[str, Any]], dict[str, Any]]


def legacy(rev: str) -> Pseudonymiser:
    """The export's pseudonymisation as it was at ``rev``."""
    source = subprocess.run(
        # The path at that revision: persons.py lay flat in corpus/ before the move into subpackages.
        ["git", "-C", str(ROOT), "show", f"{rev}:corpus/persons.py"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    module = types.ModuleType("legacy_persons")
    sys.modules[module.__name__] = module  # dataclasses look their module up there
    exec(compile(source, "legacy_persons.py", "exec"), module.__dict__)  # our own history, read from git
    old = module.pseudonymise

    def apply(record: dict[str, Any]) -> dict[str, Any]:
        out = dict(record)
        out["title"] = old(record["title"], salt=SALT) if record["title"] else record["title"]
        out["text"] = old(record["text"], salt=SALT)
        out["persons"] = [
            {
                **p,
                "name": old(p["name"], salt=SALT) if p.get("name") else None,
                "mention": old(p.get("mention") or "", salt=SALT),
            }
            for p in record["persons"]
        ]
        return out

    return apply


def measure(name: str, pseudonymise: Pseudonymiser, path: Path) -> None:
    items = load_items(path)
    leaked_items, fields, lost = 0, Counter[str](), 0
    total = 0
    records = [build_record(item) for item in items]
    pseudonymise(records[0])  # loads the gazetteer once, outside the timing
    elapsed = 0.0
    for _ in range(REPEAT):
        re.purge()  # each real article compiles its own pattern; the set's would be cached
        start = time.perf_counter()
        outs = [pseudonymise(record) for record in records]
        elapsed += time.perf_counter() - start
    per_record = elapsed / (REPEAT * len(records)) * 1000
    for item, record, out in zip(items, records, outs, strict=True):
        found = leaks(out, item["names"])
        total += len(found)
        leaked_items += bool(found)
        fields.update(hit.split(":", 1)[0] for hit in found)
        lost += len(kept_words_lost(item, record, out))
    keep = sum(len(item["keep"]) for item in items)
    by_field = ", ".join(f"{f} {n}" for f, n in fields.most_common()) or "none"
    print(
        f"{name}: {len(items)} items, {sum(len(i['names']) for i in items)} name forms to hide; "
        f"leaks {total} in {leaked_items} items (by field: {by_field}); "
        f"ordinary words replaced {lost} of {keep}; {per_record:.2f} ms per record"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--legacy", default="6d5fa71", metavar="REV")
    args = parser.parse_args()
    for path in (DATA, HELDOUT):
        print(f"{path.name}:")
        measure(f"  legacy ({args.legacy})", legacy(args.legacy), path)
        measure("  current", lambda record: pseudonymise_record(record, salt=SALT), path)


if __name__ == "__main__":
    main()
