"""Score crime relevance, categories, stage, places and persons on the labelled set.

Prints figures for the whole set, the tuning ("dev") part and the held-out part, next to two
plain baselines run on the same items: a keyword list (any crime word -> crime) and a plain
gazetteer lookup (every capitalised gazetteer name, no context rules).

Run: .venv/bin/python bench/crime.py [path/to/crime_labelled.jsonl]
"""

from __future__ import annotations

import json
import re
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from corpus.annotate.crime import classify_crime
from corpus.annotate.persons import find_persons
from corpus.annotate.places import Place, find_places, load_gazetteer

DATA = Path(__file__).resolve().parent / "data" / "crime_labelled.jsonl"

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


def evaluate(items: list[dict], places_fn: Callable[[str, str], list[Place]]) -> dict[str, float]:
    crime = [0, 0, 0]
    base = [0, 0, 0]
    cats = [0, 0, 0]
    place = [0, 0, 0]
    stage_right = stage_total = 0
    for item in items:
        result = classify_crime(item["title"], item["text"], item["url"])
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
        if item["is_crime"]:
            stage_total += 1
            stage_right += result.stage == item["stage"]
            text = f"{item['title']}\n{item['text']}"
            for i, n in enumerate(place_counts(item["places"], places_fn(text, item["country"]))):
                place[i] += n
    p, r, f = prf(*crime)
    bp, br, bf = prf(*base)
    _, _, cf = prf(*cats)
    pp, pr, _ = prf(*place)
    return {
        "n": len(items),
        "P": p,
        "R": r,
        "F1": f,
        "base_P": bp,
        "base_R": br,
        "base_F1": bf,
        "cat_microF1": cf,
        "stage_acc": stage_right / stage_total if stage_total else 0.0,
        "place_R": pr,
        "place_P": pp,
    }


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else DATA
    items = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    splits = {
        "all": items,
        "dev": [i for i in items if i["split"] == "dev"],
        "heldout": [i for i in items if i["split"] == "heldout"],
    }
    header = (
        f"{'split':8} {'n':>4} {'P':>6} {'R':>6} {'F1':>6} | {'kwP':>6} {'kwR':>6} "
        f"{'kwF1':>6} | {'catF1':>6} {'stage':>6} | {'plR':>6} {'plP':>6} | "
        f"{'gzR':>6} {'gzP':>6}"
    )
    print("is_crime: ours vs keyword baseline (kw); places: ours vs plain gazetteer (gz)")
    print(header)
    for name, subset in splits.items():
        m = evaluate(subset, find_places)
        g = evaluate(subset, lambda text, _country: baseline_places(text))
        print(
            f"{name:8} {m['n']:>4} {m['P']:6.3f} {m['R']:6.3f} {m['F1']:6.3f} | "
            f"{m['base_P']:6.3f} {m['base_R']:6.3f} {m['base_F1']:6.3f} | "
            f"{m['cat_microF1']:6.3f} {m['stage_acc']:6.3f} | {m['place_R']:6.3f} "
            f"{m['place_P']:6.3f} | {g['place_R']:6.3f} {g['place_P']:6.3f}"
        )
    rounds = 5
    timings = {}
    for label, fn in (
        ("classify_crime", lambda i: classify_crime(i["title"], i["text"], i["url"])),
        ("find_places", lambda i: find_places(f"{i['title']}\n{i['text']}", i["country"])),
        ("find_persons", lambda i: find_persons(i["text"])),
        ("keyword baseline", lambda i: baseline_is_crime(i["title"], i["text"])),
        ("plain gazetteer", lambda i: baseline_places(f"{i['title']}\n{i['text']}")),
    ):
        start = time.perf_counter()
        for _ in range(rounds):
            for item in items:
                fn(item)
        timings[label] = (time.perf_counter() - start) / (rounds * len(items)) * 1000
    print(
        "time per article (ms, warm, mean of "
        f"{rounds} rounds over {len(items)} items): " + ", ".join(f"{k} {v:.3f}" for k, v in timings.items())
    )


if __name__ == "__main__":
    main()
