"""Score crime relevance, categories, primary category, stage and places on labelled texts.

Two labelled sets, reported in this order:

1. **independent** (first, it is the one that counts): `../shared/benchmarks/crime/dev.jsonl`,
   written by hand by someone who read only docs/classification.md, never the rules or their
   tests. A test set written the same way is kept outside the repository; the rules are not
   fitted to this one item by item.
2. **own**: the team's own labelled texts, written by the team that wrote the rules:
   `tests/annotate/data/crime_written.jsonl` (issue 19: a "tuning" part the rules were corrected
   on, and parts written later, "heldout", "heldout2", ..., each measured once before the rules
   were corrected on it; see docs/classification.md) and
   `bench/data/crime_labelled.jsonl` (the first set, with its "dev" and "heldout" parts; it has
   no primary categories).

For each: is_crime precision, recall and F1 (next to a keyword baseline), categories micro- and
macro-F1, primary-category accuracy, stage accuracy, and place recall and precision on crime
items (next to a plain gazetteer lookup). Times per article close the report.

Run: .venv/bin/python bench/crime.py [--independent PATH] [--written PATH] [--own PATH] [--errors]
"""

from __future__ import annotations

import argparse
import json
import re
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from corpus.annotate.crime import CATEGORIES, classify_crime
from corpus.annotate.persons import find_persons
from corpus.annotate.places import Place, find_places, load_gazetteer

ROOT = Path(__file__).resolve().parent.parent
OWN = ROOT / "bench" / "data" / "crime_labelled.jsonl"
WRITTEN = ROOT / "tests" / "annotate" / "data" / "crime_written.jsonl"
INDEPENDENT = ROOT.parent / "shared" / "benchmarks" / "crime" / "dev.jsonl"

_BASELINE_WORDS = re.compile(
    r"\b(?:politie|moord\w*|aangehouden|verdachte\w*|overval\w*|inbra\w*|diefstal|drugs|"
    r"rechtbank|cel|fraude|geweld|schiet\w*|steek\w*|aanval|schot)\b",
    re.IGNORECASE,
)


def baseline_is_crime(title: str, text: str) -> bool:
    """The plain approach: any word from a short crime list makes an article crime news."""
    return bool(_BASELINE_WORDS.search(f"{title} {text}"))


def baseline_places(text: str) -> list[Place]:
    """The plain approach: every gazetteer name found verbatim, first entry, no context."""
    found: list[Place] = []
    for name, entries in load_gazetteer().items():
        if re.search(rf"(?<![\w-]){re.escape(name)}(?![\w])", text):
            found.append(entries[0].place)
    return found


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def place_counts(gold: list[str], predicted: Iterable[Place]) -> tuple[int, int, int]:
    """A predicted place is right when its name or its municipality is a gold name."""
    predicted = list(predicted)
    hit_gold = {g for g in gold if any(g in (p.name, p.municipality) for p in predicted)}
    correct = sum(1 for p in predicted if p.name in gold or p.municipality in gold)
    return correct, len(predicted) - correct, len(gold) - len(hit_gold)


def evaluate(
    items: list[dict], places_fn: Callable[[str, str], list[Place]], errors: list[str] | None = None
) -> dict[str, float]:
    """All figures for one set of items; wrong items are described in ``errors`` when given."""
    crime = [0, 0, 0]
    base = [0, 0, 0]
    cats = [0, 0, 0]
    per_cat = {c: [0, 0, 0] for c in CATEGORIES}
    place = [0, 0, 0]
    stage_right = primary_right = crime_total = 0
    for item in items:
        result = classify_crime(item["title"], item["text"], item.get("url", ""))
        for counts, predicted in (
            (crime, result.is_crime),
            (base, baseline_is_crime(item["title"], item["text"])),
        ):
            if predicted and item["is_crime"]:
                counts[0] += 1
            elif predicted:
                counts[1] += 1
            elif item["is_crime"]:
                counts[2] += 1
        gold_cats, got_cats = set(item["categories"]), set(result.categories)
        cats[0] += len(gold_cats & got_cats)
        cats[1] += len(got_cats - gold_cats)
        cats[2] += len(gold_cats - got_cats)
        for c in CATEGORIES:
            per_cat[c][0] += c in gold_cats and c in got_cats
            per_cat[c][1] += c in got_cats and c not in gold_cats
            per_cat[c][2] += c in gold_cats and c not in got_cats
        missed: list[str] = []
        if item["is_crime"]:
            crime_total += 1
            stage_right += result.stage == item["stage"]
            gold_primary = item.get("primary_category")
            primary_right += result.primary_category == gold_primary
            text = f"{item['title']}\n{item['text']}"
            got_places = places_fn(text, item["country"])
            counts = place_counts(item["places"], got_places)
            for i, n in enumerate(counts):
                place[i] += n
            if result.stage != item["stage"]:
                missed.append(f"stage {result.stage} (gold {item['stage']})")
            if "primary_category" in item and result.primary_category != gold_primary:
                missed.append(f"primary {result.primary_category} (gold {gold_primary})")
            if counts[2]:
                missed.append(f"places {[p.name for p in got_places]} (gold {item['places']})")
        if result.is_crime != item["is_crime"]:
            missed.append(f"is_crime {result.is_crime} score {result.score}")
        if gold_cats != got_cats:
            missed.append(f"categories +{sorted(got_cats - gold_cats)} -{sorted(gold_cats - got_cats)}")
        if errors is not None and missed:
            errors.append(f"{item['id']} {item['title'][:70]!r}: " + "; ".join(missed))
    p, r, f = prf(*crime)
    bp, br, bf = prf(*base)
    _, _, cf = prf(*cats)
    # Macro-F1 over the categories that occur in the gold labels or the predictions of this set.
    present = [c for c in CATEGORIES if any(per_cat[c])]
    macro = sum(prf(*per_cat[c])[2] for c in present) / len(present) if present else 0.0
    pp, pr, _ = prf(*place)
    return {
        "n": len(items),
        "P": p,
        "R": r,
        "F1": f,
        "base_F1": bf,
        "base_P": bp,
        "base_R": br,
        "cat_microF1": cf,
        "cat_macroF1": macro,
        "primary_acc": primary_right / crime_total if crime_total else 0.0,
        "stage_acc": stage_right / crime_total if crime_total else 0.0,
        "place_R": pr,
        "place_P": pp,
    }


def _load(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _table(title: str, splits: dict[str, list[dict]], with_primary: bool, show_errors: bool) -> None:
    print(title)
    print(
        f"{'split':8} {'n':>4} {'P':>6} {'R':>6} {'F1':>6} | {'kwF1':>6} | {'catµF1':>6} "
        f"{'catMF1':>6} {'prim':>6} {'stage':>6} | {'plR':>6} {'plP':>6} | {'gzR':>6} {'gzP':>6}"
    )
    for name, subset in splits.items():
        errors: list[str] = []
        m = evaluate(subset, find_places, errors)
        g = evaluate(subset, lambda text, _country: baseline_places(text))
        primary = f"{m['primary_acc']:6.3f}" if with_primary else f"{'—':>6}"
        print(
            f"{name:8} {m['n']:>4} {m['P']:6.3f} {m['R']:6.3f} {m['F1']:6.3f} | "
            f"{m['base_F1']:6.3f} | {m['cat_microF1']:6.3f} {m['cat_macroF1']:6.3f} {primary} "
            f"{m['stage_acc']:6.3f} | {m['place_R']:6.3f} {m['place_P']:6.3f} | "
            f"{g['place_R']:6.3f} {g['place_P']:6.3f}"
        )
        if show_errors and name in ("dev", "all"):
            for line in errors:
                print("   ", line)
    print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--independent", type=Path, default=INDEPENDENT, help="independently written set")
    parser.add_argument("--written", type=Path, default=WRITTEN, help="the team's texts of issue 19")
    parser.add_argument("--own", type=Path, default=OWN, help="the team's first labelled set")
    parser.add_argument("--errors", action="store_true", help="list the items each set gets wrong")
    args = parser.parse_args()

    print("kw = keyword baseline (any crime word -> crime); gz = plain gazetteer lookup, no context rules")
    print("categories: micro-F1 (µ) and macro-F1 (M); prim = primary-category accuracy on crime items\n")
    independent: list[dict] = []
    if args.independent.exists():
        independent = _load(args.independent)
        _table(f"1. independent set: {args.independent}", {"all": independent}, True, args.errors)
    else:
        print(f"1. independent set not found at {args.independent}; skipped\n")
    written = _load(args.written)
    _table(
        f"2a. own written set (issue 19): {args.written}",
        {"all": written}
        | {
            s: [i for i in written if i.get("split") == s] for s in dict.fromkeys(i["split"] for i in written)
        },
        True,
        args.errors,
    )
    own = _load(args.own)
    _table(
        f"2b. own first set (written with the rules): {args.own}",
        {
            "all": own,
            "dev": [i for i in own if i.get("split") == "dev"],
            "heldout": [i for i in own if i.get("split") == "heldout"],
        },
        False,
        args.errors,
    )

    items = independent + written + own
    rounds = 5
    timings = {}
    for label, fn in (
        ("classify_crime", lambda i: classify_crime(i["title"], i["text"], i.get("url", ""))),
        ("find_places", lambda i: find_places(f"{i['title']}\n{i['text']}", i["country"])),
        ("find_persons", lambda i: find_persons(i["text"])),
        ("keyword baseline", lambda i: baseline_is_crime(i["title"], i["text"])),
        ("plain gazetteer", lambda i: baseline_places(f"{i['title']}\n{i['text']}")),
    ):
        # The plain gazetteer scans every name per text (about 70 ms): one round is enough.
        repeat = 1 if label == "plain gazetteer" else rounds
        start = time.perf_counter()
        for _ in range(repeat):
            for item in items:
                fn(item)
        timings[label] = (time.perf_counter() - start) / (repeat * len(items)) * 1000
    print(
        "time per article (ms, warm, mean of "
        f"{rounds} rounds, plain gazetteer 1, over {len(items)} items): "
        + ", ".join(f"{k} {v:.3f}" for k, v in timings.items())
    )


if __name__ == "__main__":
    main()
