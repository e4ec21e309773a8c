"""Kinds, paywalls, live entries, bylines and wire copies reach every output (issue 18).

Rows are stored through the real store on a SQLite file and read back through the real CLI: the
JSONL export with and without ``--complete-only``, a dataset snapshot's Parquet schema and data
card, and a pseudonymised export, which must not leak a name from a live blog's entries.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from corpus.outputs.browse import TABLE, build_browse_db
from corpus.outputs.export import ExportFilter
from corpus.store.storage import Store, open_database
from tests.conftest import run_cli
from tests.outputs.test_dataset import read_jsonl
from tests.store.test_storage import row

LIVE = (
    "Live: schietpartij in Tilburg\n"
    "De politie heeft de straat afgezet.\n"
    "Mohamed B. (28) is aangehouden, meldt de politie."
)


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("items") / "corpus.db"
    engine = open_database(str(path))
    store = Store(engine)
    store.add_article(
        row("https://courant.example/nieuws/volledig", text="Een volledig artikel over een inbraak.")
    )
    store.add_article(
        row(
            "https://courant.example/premium/teaser",
            text="Alleen de aanhef van het verhaal over de fraudezaak.",
            paywalled=True,
            text_complete="teaser",
        )
    )
    store.add_article(
        row(
            "https://courant.example/live/tilburg",
            text=LIVE,
            kind="liveblog",
            entries=[
                {"at": "2024-03-12T10:05:00+01:00", "text": "De politie heeft de straat afgezet."},
                {
                    "at": "2024-03-12T10:40:00+01:00",
                    "text": "Mohamed B. (28) is aangehouden, meldt de politie.",
                },
            ],
            author="Pieter Van Acker, Jan Peeters",
            authors=["Pieter Van Acker", "Jan Peeters"],
        )
    )
    store.add_article(
        row(
            "https://courant.example/nieuws/wire",
            text="Een overvaller is in Breda opgepakt na een achtervolging.",
            agency="ANP",
            wire=True,
            obtained_via="warc_file",
            captured_at=dt.datetime(2024, 3, 12, 8, 30, tzinfo=dt.UTC),
            record_id="<urn:uuid:2f0e5a62-8a51-4b8e-9a0b-0c2d9a5e7f11>",
        )
    )
    store.flush()
    engine.dispose()
    return path


def export(db: Path, out: Path, *extra: str) -> list[dict]:
    proc = run_cli("export", "--db", str(db), "--out", str(out), "--all-topics", "--dedup", "none", *extra)
    assert proc.returncode == 0, proc.stderr
    return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]


def test_jsonl_carries_kind_completeness_entries_authors_agency_and_wire(db: Path, tmp_path: Path) -> None:
    records = {r["url"].rsplit("/", 1)[-1]: r for r in export(db, tmp_path / "all.jsonl")}
    assert set(records) == {"volledig", "teaser", "tilburg", "wire"}
    assert records["volledig"]["kind"] == "article" and records["volledig"]["text_complete"] == "full"
    assert (records["teaser"]["paywalled"], records["teaser"]["text_complete"]) == (True, "teaser")
    live = records["tilburg"]
    assert live["kind"] == "liveblog" and [e["at"][11:16] for e in live["entries"]] == ["10:05", "10:40"]
    assert live["authors"] == ["Pieter Van Acker", "Jan Peeters"]
    assert (records["wire"]["agency"], records["wire"]["wire"]) == ("ANP", True)
    assert (records["wire"]["obtained_via"], records["wire"]["captured_at"]) == (
        "warc_file",
        "2024-03-12T08:30:00+00:00",
    )
    assert records["wire"]["record_id"].startswith("<urn:uuid:")
    assert {records[k]["obtained_via"] for k in ("volledig", "teaser", "tilburg")} == {"live"}


def test_complete_only_leaves_out_paywall_teasers(db: Path, tmp_path: Path) -> None:
    urls = [r["url"] for r in export(db, tmp_path / "full.jsonl", "--complete-only")]
    assert len(urls) == 3 and not any(u.endswith("/teaser") for u in urls)


def test_pseudonymised_entries_leak_no_name(db: Path, tmp_path: Path) -> None:
    records = export(db, tmp_path / "p.jsonl", "--pseudonymise", "--salt", "geheim")
    live = next(r for r in records if r["kind"] == "liveblog")
    assert "Mohamed" not in json.dumps(live, ensure_ascii=False)
    assert "[persoon-" in live["entries"][1]["text"]


def test_snapshot_schema_and_card_count_kinds_paywalls_and_wire(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "snap"
    proc = run_cli("dataset", "build", "--db", str(db), "--out", str(out), "--all-topics", "--dedup", "none")
    assert proc.returncode == 0, proc.stderr
    table = pq.read_table(next((out / "parquet").glob("*.parquet")))
    for name in ("kind", "text_complete", "paywalled", "entries", "authors", "agency", "wire"):
        assert name in table.schema.names
    rows = {r["url"].rsplit("/", 1)[-1]: r for r in table.to_pylist()}
    assert rows["tilburg"]["entries"][0]["text"] == "De politie heeft de straat afgezet."
    assert read_jsonl(next((out / "jsonl").glob("*.jsonl*")))[0]["kind"] in ("article", "liveblog")
    card = (out / "README.md").read_text(encoding="utf-8")
    assert "| liveblog | 1 |" in card
    assert "1 (25.0%) hold only the teaser" in card
    assert "News agencies: ANP 1. 1 articles belong to wire stories" in card
    assert "- texts: full texts and paywall teasers" in card
    assert "Provenance (`obtained_via`): live 3, warc_file 1" in card
    assert rows["wire"]["captured_at"].isoformat() == "2024-03-12T08:30:00+00:00"


def test_the_browse_database_holds_the_news_item_fields(db: Path, tmp_path: Path) -> None:
    engine = open_database(str(db))
    try:
        build_browse_db(engine, tmp_path / "b.db", ExportFilter(dedup="none", all_topics=True))
    finally:
        engine.dispose()
    with sqlite3.connect(tmp_path / "b.db") as conn:
        kind, complete, entries, authors = conn.execute(
            f"SELECT kind, text_complete, entries, authors FROM {TABLE} WHERE kind = 'liveblog'"
        ).fetchone()
    assert complete == "full" and len(json.loads(entries)) == 2
    assert json.loads(authors) == ["Pieter Van Acker", "Jan Peeters"] and kind == "liveblog"
