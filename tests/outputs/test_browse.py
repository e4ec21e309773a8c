"""Browsing the corpus in Datasette: the FTS5 copy, and the real server's JSON API on 127.0.0.1."""

from __future__ import annotations

import json
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from corpus.outputs.browse import FTS_TABLE, TABLE, build_browse_db
from corpus.outputs.export import ExportFilter
from corpus.store.storage import open_database
from tests.conftest import DEMO_DUTCH_ARTICLES, DEMO_OUTLETS, ROOT


def test_browse_database_has_a_full_text_index_over_title_and_text(demo_db: Path, tmp_path: Path) -> None:
    engine = open_database(str(demo_db))
    try:
        count = build_browse_db(engine, tmp_path / "b.db", ExportFilter(dedup="none", all_topics=True))
    finally:
        engine.dispose()
    conn = sqlite3.connect(tmp_path / "b.db")
    try:
        assert conn.execute(f"SELECT count(*) FROM {TABLE}").fetchone() == (count,) == (DEMO_DUTCH_ARTICLES,)
        rows = conn.execute(f"SELECT id, title, text FROM {TABLE}").fetchall()
        for word in ("overval", "plofkraak", "rechtbank", "juwelier"):
            found = {
                i
                for (i,) in conn.execute(
                    f"SELECT a.id FROM {FTS_TABLE} f JOIN {TABLE} a ON a.rowid = f.rowid WHERE {FTS_TABLE} MATCH ?",
                    (word,),
                )
            }
            assert found, word
            assert found == {i for i, title, text in rows if word in _tokens(f"{title} {text}")}, word
        # A column filter searches the headline alone.
        in_titles = {
            i
            for (i,) in conn.execute(
                f"SELECT a.id FROM {FTS_TABLE} f JOIN {TABLE} a ON a.rowid = f.rowid "
                f"WHERE {FTS_TABLE} MATCH 'title:juwelier'"
            )
        }
        assert in_titles == {i for i, title, _ in rows if "juwelier" in _tokens(title or "")}
        assert in_titles
        categories = conn.execute(f"SELECT categories FROM {TABLE} WHERE is_crime = 1 LIMIT 1").fetchone()[0]
        assert isinstance(json.loads(categories), list)
    finally:
        conn.close()


def _tokens(text: str) -> set[str]:
    """Words as FTS5's unicode61 tokenizer splits them (letters and digits, case folded)."""
    return set(re.split(r"[\W_]+", text.lower()))


@pytest.fixture(scope="module")
def browse_server(demo_db: Path) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """``crimecorpus browse`` on 127.0.0.1, port chosen by the OS; yields the table URL."""
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "corpus",
            "browse",
            "--db",
            str(demo_db),
            "--port",
            "0",
            "--all-topics",
            "--dedup",
            "none",
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.append(proc.stdout.readline()), daemon=True)
    reader.start()
    reader.join(timeout=60)
    if not lines or "http://" not in lines[0]:
        proc.kill()
        pytest.fail(f"browse did not start: {lines!r} {proc.stderr.read()[-2000:]}")
    url = lines[0].split("Datasette at ", 1)[1].split()[0]
    try:
        yield url, proc
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)


def _get(url: str, **params: str) -> dict:
    with urllib.request.urlopen(f"{url}.json?{urllib.parse.urlencode(params)}", timeout=30) as resp:
        return json.load(resp)


def test_datasette_serves_full_text_search_over_its_json_api(browse_server) -> None:
    url, _ = browse_server
    assert url.startswith("http://127.0.0.1:") and url.endswith("/crimecorpus/articles")
    everything = _get(url, _shape="objects", _size="max")
    assert everything["filtered_table_rows_count"] == DEMO_DUTCH_ARTICLES
    hits = _get(url, _search="overval", _shape="objects", _col="title")["rows"]
    assert 0 < len(hits) < DEMO_DUTCH_ARTICLES
    expected = {r["id"] for r in everything["rows"] if "overval" in _tokens(f"{r['title']} {r['text']}")}
    assert {h["id"] for h in hits} == expected
    assert _get(url, _search="voetbalwedstrijdzzz", _shape="objects")["rows"] == []


def test_datasette_facets_on_outlet_and_categories(browse_server) -> None:
    url, _ = browse_server
    facets = _get(url, _shape="objects")["facet_results"]
    outlets = {item["value"]: item["count"] for item in facets["outlet"]["results"]}
    assert set(outlets) == set(DEMO_OUTLETS)
    assert sum(outlets.values()) == DEMO_DUTCH_ARTICLES
    assert any(item["value"] == "geweld" for item in facets["categories"]["results"])


def test_browse_stops_cleanly_on_sigterm(browse_server) -> None:
    _, proc = browse_server
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=30) == 0
