"""Pseudonymisation that holds: no name form survives in any field of an exported record.

tests/data/pseudonymise.jsonl holds Dutch and Flemish press-style sentences and short articles
written for this test, each with the name forms that must not survive (``names``) and ordinary
capitalised words that should (``keep``). Records are built the way the crawl stores them
(annotate() for persons and evidence, the id from the canonical URL) and the way
export.article_record lays them out.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session

from corpus.annotate.columns import annotate
from corpus.annotate.pseudonymise import leaks, pseudonymise_record, pseudonymous_id
from corpus.outputs.export import ExportFilter
from corpus.sources.urls import article_id, canonical_url
from corpus.store.models import Article
from corpus.store.storage import open_database
from tests.conftest import run_cli

DATA = Path(__file__).resolve().parent / "data" / "pseudonymise.jsonl"
# Written after the rules were frozen, to measure them on text they were not tuned on (2 leaks in
# 2 of its 30 items then: "Jeffreys broer Jordi", "naar D. Kenzo is"); fixed since, and kept.
HELDOUT = DATA.with_name("pseudonymise_heldout.jsonl")
SALT = "test-salt"


def load_items(path: Path = DATA) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


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
EVERY_ITEM = ITEMS + load_items(HELDOUT)


def test_the_set_is_large_enough_and_names_someone() -> None:
    assert len(ITEMS) >= 80
    assert sum(bool(item["names"]) for item in ITEMS) >= 80
    assert any(not item["names"] for item in ITEMS), "negative items without any person"


@pytest.mark.parametrize("item", EVERY_ITEM, ids=[item["id"] for item in EVERY_ITEM])
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
    for item in EVERY_ITEM:
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


# --- through the command line, on a real SQLite database -------------------------------------


def store_items(db: Path, items: list[dict[str, Any]]) -> None:
    """Store the items as crawled articles: the schema's migrations, the annotations the crawl adds."""
    engine = open_database(str(db))
    now = dt.datetime(2026, 3, 2, 12, 0, tzinfo=dt.UTC)
    with Session(engine) as session, session.begin():
        for n, item in enumerate(items):
            record = build_record(item)
            session.add(
                Article(
                    id=record["id"],
                    url=record["url"],
                    fetched_url=record["url"],
                    source="voorbeeld",
                    outlet="Dagblad Voorbeeld",
                    country=record["country"],
                    title=item["title"],
                    text=item["text"],
                    description=item["text"].split(". ")[0],
                    published=dt.date(2026, 3, 1) + dt.timedelta(days=n % 20),
                    month="2026-03",
                    date_source="meta",
                    date_confidence=1.0,
                    language="nl",
                    language_prob=0.99,
                    language_variant=record["country"],
                    text_hash=hashlib.sha256(item["text"].encode()).hexdigest(),
                    is_crime=True,
                    crime_score=0.9,
                    categories=record["categories"],
                    stage=None,
                    places=record["places"],
                    persons=record["persons"],
                    crime_evidence=record["crime_evidence"],
                    classifier_version="crime-1",
                    cluster_id=record["id"],
                    is_representative=True,
                    first_seen=now,
                    last_seen=now,
                )
            )
    engine.dispose()


@pytest.fixture(scope="module")
def items_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("pseudonymise") / "corpus.sqlite"
    store_items(db, ITEMS)
    return db


def _names_by_output_id() -> dict[str, list[str]]:
    return {pseudonymous_id(build_record(i)["id"], SALT): i["names"] for i in ITEMS}


def _export(db: Path, out: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return run_cli("export", "--db", str(db), "--out", str(out), "--all-topics", "--dedup", "none", *extra)


def test_cli_check_passes_a_pseudonymised_jsonl_export_with_zero_leaks(
    items_db: Path, tmp_path: Path
) -> None:
    out = tmp_path / "pseudo.jsonl"
    proc = _export(items_db, out, "--pseudonymise", "--salt", SALT, "--check")
    assert proc.returncode == 0, proc.stderr
    assert f"no name form of a known person in the {len(ITEMS)} articles written" in proc.stderr
    names = _names_by_output_id()
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(records) == len(ITEMS)
    assert [hit for r in records for hit in leaks(r, names[r["id"]])] == []


def test_cli_check_fails_and_lists_the_names_in_a_plain_export(items_db: Path, tmp_path: Path) -> None:
    proc = _export(items_db, tmp_path / "plain.jsonl", "--check")
    assert proc.returncode == 1
    lines = proc.stderr.splitlines()
    assert re.fullmatch(
        r"crimecorpus: check: article [0-9a-f]{16}: (title|text|description|persons|url): .+", lines[0]
    )
    assert lines[50].startswith("crimecorpus: check: ... and ")
    summary = re.fullmatch(
        r"crimecorpus: check: (\d+) name forms of known persons in (\d+) articles", lines[-1]
    )
    # Every item that names someone, but one: p041 names "Ferdi K." only in its URL's slug.
    assert summary and int(summary[2]) == sum(bool(i["names"]) for i in ITEMS) - 1


def test_cli_check_reads_a_txt_export_back(items_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "txt"
    proc = _export(items_db, out, "--format", "txt", "--pseudonymise", "--salt", SALT, "--check")
    assert proc.returncode == 0, proc.stderr
    names = _names_by_output_id()
    files = sorted(out.glob("*/*.txt"))
    assert len(files) == len(ITEMS) and {f.stem for f in files} == set(names)
    assert [hit for f in files for hit in leaks({"text": f.read_text(encoding="utf-8")}, names[f.stem])] == []


def test_cli_check_refuses_standard_output(items_db: Path) -> None:
    proc = run_cli("export", "--db", str(items_db), "--out", "-", "--pseudonymise", "--salt", SALT, "--check")
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.strip().splitlines() == [
        "crimecorpus: error: --check reads the export back: give --out a file or folder, not -"
    ]


def test_cli_warns_when_pseudonymising_without_a_salt(items_db: Path, tmp_path: Path) -> None:
    proc = _export(items_db, tmp_path / "unsalted.jsonl", "--pseudonymise", "--check")
    assert proc.returncode == 0, proc.stderr
    assert "warning: --pseudonymise without --salt" in proc.stderr


def test_dataset_parquet_jsonl_and_browse_hold_no_name_either(items_db: Path, tmp_path: Path) -> None:
    """The snapshot and the browse database read articles through the same point as export."""
    import pyarrow.parquet as pq

    from corpus.outputs.browse import build_browse_db

    out = tmp_path / "snapshot"
    proc = run_cli(
        "dataset", "build", "--db", str(items_db), "--out", str(out), "--all-topics", "--dedup", "none",
        "--pseudonymise", "--salt", SALT,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    names = _names_by_output_id()
    rows = pq.read_table(out / "parquet" / "articles.parquet").to_pylist()
    rows += [
        json.loads(line)
        for line in (out / "jsonl" / "articles.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    assert len(rows) == 2 * len(ITEMS)
    assert [hit for r in rows for hit in leaks(r, names[r["id"]])] == []
    texts = sorted((out / "text").glob("*/*.txt"))
    assert [hit for f in texts for hit in leaks({"text": f.read_text(encoding="utf-8")}, names[f.stem])] == []

    engine = open_database(str(items_db), create=False)
    browse = tmp_path / "browse.sqlite"
    flt = ExportFilter(dedup="none", all_topics=True, pseudonymise=True, salt=SALT)
    assert build_browse_db(engine, browse, flt) == len(ITEMS)
    engine.dispose()
    with sqlite3.connect(browse) as conn:
        conn.row_factory = sqlite3.Row
        stored = [dict(row) for row in conn.execute("SELECT * FROM articles")]
    assert [hit for r in stored for hit in leaks(r, names[r["id"]])] == []


def test_check_finds_a_name_from_another_article_and_an_own_surname(items_db: Path, tmp_path: Path) -> None:
    """A record edited after writing: the check sees what the replacement would have missed."""
    from corpus.outputs.leakcheck import check_export

    out = tmp_path / "pseudo.jsonl"
    assert _export(items_db, out, "--pseudonymise", "--salt", SALT).returncode == 0
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    bouzid = pseudonymous_id(build_record(next(i for i in ITEMS if "Bouzid" in i["text"]))["id"], SALT)
    other = next(r for r in records if r["id"] != bouzid)
    other["text"] += " Ook Sander de J. was erbij."  # named in another article only
    mine = next(r for r in records if r["id"] == bouzid)
    mine["persons"].append({"mention": "BOUZID", "name": None})  # this article's own surname
    out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    engine = open_database(str(items_db), create=False)
    flt = ExportFilter(dedup="none", all_topics=True, pseudonymise=True, salt=SALT)
    result = check_export(engine, out, "jsonl", flt)
    engine.dispose()
    assert sorted(result.hits) == sorted([(other["id"], "text: Sander de J."), (bouzid, "persons: Bouzid")])
    assert result.articles == len(ITEMS)
