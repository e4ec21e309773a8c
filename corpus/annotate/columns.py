"""Crime annotations of one article: score, categories, stage, places and persons, as stored columns.

One function serves the crawl pipeline and ``crimecorpus classify --rebuild`` alike, so a stored
corpus re-scored after a lexicon change is annotated exactly as a fresh crawl would be.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from corpus.annotate.crime import classify_crime
from corpus.annotate.persons import find_persons
from corpus.annotate.places import find_places

CRIME_COLUMNS = (
    "is_crime",
    "crime_score",
    "categories",
    "primary_category",
    "stage",
    "places",
    "persons",
    "crime_evidence",
    "classifier_version",
)

CLASSIFIER_VERSION = "crime-2"
"""Stored with each article; bump it when the lexicon, weights or rules change."""


def annotate(title: str | None, text: str, url: str = "", country: str | None = None) -> dict[str, Any]:
    """The crime columns of an article (see docs/classification.md for the rules)."""
    result = classify_crime(title or "", text, url)
    body = f"{title}\n{text}" if title else text
    return {
        "is_crime": result.is_crime,
        "crime_score": round(result.score, 4),
        "categories": list(result.categories),
        "primary_category": result.primary_category,
        "stage": result.stage,
        "places": [asdict(p) for p in find_places(body, country)],
        "persons": [asdict(p) for p in find_persons(text)],
        "crime_evidence": list(result.evidence),
        "classifier_version": CLASSIFIER_VERSION,
    }
