"""Pseudonymisation that holds: no name form survives in any field of an exported record.

tests/data/pseudonymise.jsonl holds Dutch and Flemish press-style sentences and short articles
written for this test, each with the name forms that must not survive (``names``) and ordinary
capitalised words that should (``keep``). Records are built the way the crawl stores them
(annotate() for persons and evidence, the id from the canonical URL) and the way
export.article_record lays them out.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from corpus.annotate import annotate
from corpus.pseudonymise import leaks, pseudonymise_record, pseudonymous_id
from corpus.urls import article_id, canonical_url

DATA = Path(__file__).resolve().parent / "data" / "pseudonymise.jsonl"
SALT = "test-salt"


def load_items() -> list[dict[str, Any]]:
    return [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines() if line.strip()]


def build_record(item: dict[str, Any]) -> dict[str, Any]:
    """The exported record of a test item, as article_record lays it out after a crawl."""
    url = canonical_url(item["url"])
    ident = article_id(url)
    notes = annotate(item["title"], item["text"], url)
    return {
        "id": ident,
        "url": url,
        "source": "voorbeeld",
        "outlet": "Dagblad Voorbeeld",
        "country": "be" if ".be/" in url else "nl",
        "title": item["title"],
        "text": item["text"],
        "author": None,
        "duplicate_of": None,
        "cluster_id": ident,
        "is_crime": notes["is_crime"],
        "categories": notes["categories"],
        "places": notes["places"],
        "persons": notes["persons"],
        "crime_evidence": notes["crime_evidence"],
    }


def kept_words_lost(item: dict[str, Any], before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """Ordinary capitalised words that were in title or text and are gone after pseudonymisation."""
    lost = []
    for word in item["keep"]:
        was = word in f"{before['title']}\n{before['text']}"
        if was and word not in f"{after['title']}\n{after['text']}":
            lost.append(word)
    return lost


ITEMS = load_items()


def test_the_set_is_large_enough_and_names_someone() -> None:
    assert len(ITEMS) >= 80
    assert sum(bool(item["names"]) for item in ITEMS) >= 80
    assert any(not item["names"] for item in ITEMS), "negative items without any person"


@pytest.mark.parametrize("item", ITEMS, ids=[item["id"] for item in ITEMS])
def test_no_name_form_survives_in_any_field(item: dict[str, Any]) -> None:
    record = build_record(item)
    assert not leaks(record, ["[persoon-"]), "the input holds no placeholders"
    out = pseudonymise_record(record, salt=SALT)
    assert leaks(out, item["names"]) == []


def test_the_original_records_do_leak_so_the_check_can_fail() -> None:
    found = [hit for item in ITEMS for hit in leaks(build_record(item), item["names"])]
    assert len(found) >= sum(len(item["names"]) for item in ITEMS)


def test_ordinary_capitalised_words_are_kept() -> None:
    lost = []
    for item in ITEMS:
        record = build_record(item)
        lost += kept_words_lost(item, record, pseudonymise_record(record, salt=SALT))
    assert lost == []


def test_one_person_gets_one_placeholder_in_every_field() -> None:
    item = next(i for i in ITEMS if "Sander de J." in i["text"])
    out = pseudonymise_record(build_record(item), salt=SALT)
    placeholders = {
        w.strip(".,") for w in f"{out['title']} {out['text']}".split() if w.startswith("[persoon-")
    }
    assert len(placeholders) == 1
    assert out["persons"][0]["name"] in placeholders


def test_full_forms_keep_their_placeholder_across_articles_and_salts_differ() -> None:
    a = pseudonymise_record({"id": "a", "text": "Gisteren is Mohamed B. aangehouden."}, salt="project")
    b = pseudonymise_record({"id": "b", "text": "MOHAMED B. blijft vastzitten."}, salt="project")
    other = pseudonymise_record({"id": "b", "text": "Mohamed B. blijft vastzitten."}, salt="ander")
    token = a["text"].split()[2]
    assert token.startswith("[persoon-") and b["text"].startswith(token)
    assert not other["text"].startswith(token)


def test_initial_only_persons_are_not_linked_across_articles() -> None:
    """'K.' alone is too common to mean the same person in two articles."""
    a = pseudonymise_record({"id": "a", "text": "De 34-jarige K. is opgepakt."}, salt=SALT)
    b = pseudonymise_record({"id": "b", "text": "De 34-jarige K. is opgepakt."}, salt=SALT)
    assert a["text"] != b["text"] and "K." not in a["text"]


def test_url_and_ids_are_salted_hashes_consistent_within_the_export() -> None:
    item = next(i for i in ITEMS if "mohamed-b" in i["url"])
    record = build_record(item)
    out = pseudonymise_record(record, salt=SALT)
    assert out["url"].startswith("https://dagblad-voorbeeld.nl/pseudonymised/")
    assert "mohamed" not in out["url"] and "a1008" not in out["url"]
    assert out["id"] == out["cluster_id"] == pseudonymous_id(record["id"], SALT) != record["id"]
    # Without the salt a guessed URL no longer confirms the article: sha256(url) is not the id.
    assert out["id"] != article_id(record["url"])
    assert pseudonymise_record(record, salt="other")["id"] != out["id"]


def test_links_in_the_text_are_replaced() -> None:
    text = "Lees ook: https://www.dagblad-voorbeeld.nl/binnenland/yassin-b-vast~a9/ over Yassin B. (19)."
    out = pseudonymise_record({"id": "x", "text": text}, salt=SALT)
    assert leaks(out, ["Yassin B.", "Yassin"]) == []


def test_someone_elses_initial_is_not_taken_for_the_suspect() -> None:
    text = "Sander de J. ontkent. J. Pieters, burgemeester van Ede, reageerde geschokt. De J. zweeg."
    out = pseudonymise_record({"id": "x", "text": text}, salt=SALT)["text"]
    assert "J. Pieters" in out and leaks({"text": out}, ["Sander", "De J."]) == []


def test_records_without_names_are_unchanged_but_for_url_and_ids() -> None:
    record = build_record(next(i for i in ITEMS if not i["names"]))
    out = pseudonymise_record(record, salt=SALT)
    assert {k: v for k, v in out.items() if k not in ("url", "id", "cluster_id")} == {
        k: v for k, v in record.items() if k not in ("url", "id", "cluster_id")
    }
