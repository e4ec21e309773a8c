"""``scrapy crawl news -O items.jsonl`` (and ``.csv``) writes every stored article's public record."""

from __future__ import annotations

import csv
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT


def _scrapy_crawl(sources: Path, db: Path, out: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "CRIMECORPUS_DB"}
    return subprocess.run(
        [
            *(sys.executable, "-m", "scrapy", "crawl", "news", "-a", f"sources_file={sources}"),
            *("-s", f"CORPUS_DB_URL=sqlite:///{db}", "-s", "DOWNLOAD_DELAY=0"),
            *("-s", "AUTOTHROTTLE_ENABLED=False", "-s", "LOG_LEVEL=WARNING", "-O", str(out)),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,  # scrapy.cfg names the project settings, as for a user in the checkout
        env=env,
        timeout=300,
    )


def _stored(db: Path) -> dict[str, str]:
    with sqlite3.connect(db) as conn:
        return dict(conn.execute("SELECT url, text FROM articles"))


def _export_keys(db: Path, tmp_path: Path) -> list[str]:
    out = tmp_path / "export.jsonl"
    proc = subprocess.run(
        [
            *(sys.executable, "-m", "corpus", "export", "--db", str(db), "--out", str(out)),
            *("--all-topics", "--dedup", "none"),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    return list(json.loads(out.read_text(encoding="utf-8").splitlines()[0]))


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_scrapy_feed_export_writes_every_stored_article(demo_sources: Path, tmp_path: Path, fmt: str) -> None:
    db = tmp_path / "feed.sqlite"
    out = tmp_path / f"items.{fmt}"
    proc = _scrapy_crawl(demo_sources, db, out)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "Error" not in proc.stderr and "Traceback" not in proc.stderr, proc.stderr[-3000:]
    stored = _stored(db)
    assert len(stored) >= 20
    if fmt == "jsonl":
        records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    else:
        with out.open(encoding="utf-8", newline="") as handle:
            records = list(csv.DictReader(handle))
    # Every stored article once, with its stored text; no rejection sneaks in.
    assert sorted(r["url"] for r in records) == sorted(stored)
    for record in records:
        assert record["text"] == stored[record["url"]]
        assert record["language"] == "nl"
    # The same fields as a line of `crimecorpus export`.
    assert list(records[0]) == _export_keys(db, tmp_path)
    if fmt == "csv":
        assert isinstance(json.loads(records[0]["categories"]), list)
