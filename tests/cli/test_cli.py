"""The command line end to end: crawl → export → read back; errors are one line and exit 2."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import FAST, ROOT, run_cli


def test_export_jsonl_reads_back_in_stable_order(demo_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "corpus.jsonl"
    proc = run_cli("export", "--db", str(demo_db), "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert rows and f"exported {len(rows)} articles" in proc.stdout
    for key in (
        "id",
        "url",
        "source",
        "outlet",
        "title",
        "text",
        "author",
        "published",
        "date",
        "language",
        "fetched_at",
    ):
        assert key in rows[0]
    keys = [(r["published"] is None, r["published"] or "", r["url"]) for r in rows]
    assert keys == sorted(keys)
    assert all(r["date"] == r["published"][:7] for r in rows if r["published"])
    assert all(r["duplicate_of"] is None for r in rows)  # --dedup exact is the default
    again = tmp_path / "again.jsonl"
    run_cli("export", "--db", str(demo_db), "--out", str(again))
    assert again.read_bytes() == out.read_bytes()


def test_export_filters_and_dedup_none(demo_db: Path, tmp_path: Path) -> None:
    every = tmp_path / "all.jsonl"
    assert run_cli("export", "--db", str(demo_db), "--out", str(every), "--dedup", "none").returncode == 0
    rows = [json.loads(line) for line in every.read_text(encoding="utf-8").splitlines()]
    assert any(r["duplicate_of"] for r in rows)
    one_source = rows[0]["source"]
    part = tmp_path / "part.jsonl"
    run_cli(
        "export",
        "--db",
        str(demo_db),
        "--out",
        str(part),
        "--source",
        one_source,
        "--since",
        "2020-01-01",
        "--until",
        "2023-12-31",
    )
    got = [json.loads(line) for line in part.read_text(encoding="utf-8").splitlines()]
    assert all(r["source"] == one_source and "2020-01-01" <= r["published"] <= "2023-12-31" for r in got)


def test_export_txt_uses_the_example_layout(demo_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "txt"
    proc = run_cli("export", "--db", str(demo_db), "--out", str(out), "--format", "txt")
    assert proc.returncode == 0, proc.stderr
    files = sorted(out.rglob("*.txt"))
    assert files
    for file in files:
        first, _, body = file.read_text(encoding="utf-8").partition("\n")
        assert first == f"date {file.parent.name}"
        assert len(first) == len("date YYYY-MM") and body.strip()


def test_stats_lists_sources_months_and_rejections(demo_db: Path) -> None:
    proc = run_cli("stats", "--db", str(demo_db))
    assert proc.returncode == 0
    for word in (
        "per source:",
        "per month:",
        "rejections by reason:",
        "language/not_dutch",
        "near-duplicate clusters",
    ):
        assert word in proc.stdout


def test_bad_sources_file_is_one_line_and_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(
        '[[source]]\nname = "x"\noutlet = "X"\ncountry = "fr"\nfeeds = ["https://x.example/rss"]\n'
    )
    proc = run_cli("crawl", "--sources", str(bad), "--db", str(tmp_path / "db.sqlite"))
    assert proc.returncode == 2
    assert proc.stderr.strip().count("\n") == 0
    assert "bad.toml: source 'x', key 'country'" in proc.stderr
    assert "Traceback" not in proc.stderr
    debug = run_cli("--debug", "crawl", "--sources", str(bad), "--db", str(tmp_path / "db.sqlite"))
    assert "Traceback" in debug.stderr


def test_unreachable_database_and_unwritable_export_are_one_line(tmp_path: Path, demo_db: Path) -> None:
    proc = run_cli("stats", "--db", "postgresql://127.0.0.1:1/nothing")
    assert proc.returncode == 2 and "cannot reach database" in proc.stderr
    assert proc.stderr.strip().count("\n") == 0
    blocker = tmp_path / "file"
    blocker.write_text("x")
    proc = run_cli("export", "--db", str(demo_db), "--out", str(blocker / "sub" / "out.jsonl"))
    assert proc.returncode == 2 and "cannot write to" in proc.stderr
    assert proc.stderr.strip().count("\n") == 0


def test_crawl_to_postgresql_then_export(demo_sources: Path, pg_url: str, tmp_path: Path) -> None:
    proc = run_cli("crawl", "--sources", str(demo_sources), "--db", pg_url, "--source", "scheldebode", *FAST)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "articles stored" in proc.stdout
    out = tmp_path / "pg.jsonl"
    assert run_cli("export", "--db", pg_url, "--out", str(out)).returncode == 0
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert rows and {r["source"] for r in rows} == {"scheldebode"}
    # A second crawl of the same site stores nothing twice.
    proc = run_cli("crawl", "--sources", str(demo_sources), "--db", pg_url, "--source", "scheldebode", *FAST)
    assert proc.returncode == 0
    again = tmp_path / "pg2.jsonl"
    run_cli("export", "--db", pg_url, "--out", str(again))
    assert len(again.read_text(encoding="utf-8").splitlines()) == len(rows)


def test_scrapy_crawl_works_from_the_repository_root(demo_sources: Path, tmp_path: Path) -> None:
    db = tmp_path / "scrapy.sqlite"
    env = {**os.environ, "CRIMECORPUS_DB": str(db)}
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "scrapy",
            "crawl",
            "feeds",
            "-a",
            f"sources_file={demo_sources}",
            "-a",
            "source=courant",
            "-s",
            "DOWNLOAD_DELAY=0",
            "-s",
            "LOG_LEVEL=WARNING",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    proc = run_cli("stats", "--db", str(db))
    assert "courant" in proc.stdout


def test_spiders_are_listed_from_outside_the_repository(tmp_path: Path) -> None:
    env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "corpus.crawl.settings"}
    proc = subprocess.run(
        [sys.executable, "-m", "scrapy", "list"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert {"feeds", "listings", "news", "sitemaps", "warc"} <= set(proc.stdout.split())
