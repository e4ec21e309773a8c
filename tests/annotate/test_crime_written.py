"""The classifier on the team's own written texts of issue 19 (tests/annotate/data/crime_written.jsonl).

A guard, not a benchmark: the figures that count are those on independently written data
(bench/crime.py). This keeps a later rule change from silently undoing what these texts cover:
categories only where an offence is reported, the primary category, the stage and event places.
"""

import json
from pathlib import Path

from corpus.annotate.crime import classify_crime
from corpus.annotate.places import find_places

DATA = Path(__file__).parent / "data" / "crime_written.jsonl"


def _items() -> list[dict]:
    return [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_written_set_is_well_formed():
    items = _items()
    assert len(items) == len({i["id"] for i in items}) >= 150
    for item in items:
        assert item["split"] == "tuning" or item["split"].startswith("heldout")
        if item["is_crime"]:
            assert item["primary_category"] in item["categories"]
        else:
            assert item["categories"] == [] and item["primary_category"] is None and item["stage"] is None


def test_written_set_figures_hold():
    tp = fp = fn = 0
    cat_tp = cat_fp = cat_fn = 0
    primary = stage = crime = place_hit = place_gold = 0
    for item in _items():
        result = classify_crime(item["title"], item["text"])
        tp += result.is_crime and item["is_crime"]
        fp += result.is_crime and not item["is_crime"]
        fn += item["is_crime"] and not result.is_crime
        gold, got = set(item["categories"]), set(result.categories)
        cat_tp, cat_fp, cat_fn = cat_tp + len(gold & got), cat_fp + len(got - gold), cat_fn + len(gold - got)
        if item["is_crime"]:
            crime += 1
            primary += result.primary_category == item["primary_category"]
            stage += result.stage == item["stage"]
            places = find_places(f"{item['title']}\n{item['text']}", item["country"])
            place_gold += len(item["places"])
            place_hit += sum(any(g in (p.name, p.municipality) for p in places) for g in item["places"])
    assert 2 * tp / (2 * tp + fp + fn) >= 0.95
    assert 2 * cat_tp / (2 * cat_tp + cat_fp + cat_fn) >= 0.9
    assert primary / crime >= 0.9
    assert stage / crime >= 0.9
    assert place_hit / place_gold >= 0.9
