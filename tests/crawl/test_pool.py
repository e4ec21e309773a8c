"""The worker pool: CPU stages off the reactor, workers replaced when they die or overrun,
and the same corpus whatever the number of workers."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from corpus.crawl.pool import WorkerPool
from corpus.crawl.worker import WorkerCrashed, WorkerFailed, WorkerTimeout
from corpus.devtools.server import demo_site_root, serve_sites
from tests import pool_helpers
from tests.conftest import FAST, run_cli


def test_pool_replaces_a_worker_that_died_or_timed_out() -> None:
    pool = WorkerPool(2, timeout=2.0)
    try:
        assert pool.call(pool_helpers.square, 7) == 49
        with pytest.raises(WorkerCrashed):
            pool.call(pool_helpers.die)
        with pytest.raises(WorkerTimeout):
            pool.call(pool_helpers.hang)
        with pytest.raises(WorkerFailed, match="ValueError: kapot"):
            pool.call(pool_helpers.boom)
        assert [pool.call(pool_helpers.square, i) for i in range(6)] == [0, 1, 4, 9, 16, 25]
        assert pool.restarts == 2
    finally:
        pool.close()


def _crawl_site(tmp_path: Path, name: str, *extra: str) -> Path:
    """Crawl a copy of one demo outlet into a fresh database; returns the database."""
    db = tmp_path / f"{name}.sqlite"
    text = (tmp_path / "site" / "sources.toml").read_text(encoding="utf-8")
    assert (
        run_cli(
            "crawl", "--sources", str(tmp_path / "site" / "sources.toml"), "--db", str(db), *FAST, *extra
        ).returncode
        == 0
    ), text
    return db


def test_a_page_that_overruns_its_timeout_is_rejected_and_the_crawl_goes_on(tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(demo_site_root() / "polderpost", site / "polderpost")
    # About 4 MB: under the 5 M-character cap (so it reaches extraction), far over 1 s of work.
    paragraph = (
        "<p>"
        + "De gemeenteraad van Deventer vergaderde opnieuw over de begroting en de plannen. " * 40
        + "</p>\n"
    )
    (site / "polderpost" / "112" / "enorm-verslag-van-de-raadsvergadering.html").write_text(
        "<html lang='nl'><body><article><h1>Enorm verslag</h1>"
        + paragraph * 1200
        + "</article></body></html>",
        encoding="utf-8",
    )
    listing = site / "polderpost" / "112" / "index.html"
    listing.write_text(
        listing.read_text(encoding="utf-8").replace(
            "</body>", '<a href="/112/enorm-verslag-van-de-raadsvergadering">Enorm verslag</a></body>'
        ),
        encoding="utf-8",
    )
    with serve_sites(site, ["polderpost"]) as bases:
        text = (demo_site_root() / "sources.toml").read_text(encoding="utf-8")
        block = next(b for b in text.split("[[source]]") if 'name = "polderpost"' in b)
        (site / "sources.toml").write_text(
            "[[source]]" + block.replace("{{base:polderpost}}", bases["polderpost"]), encoding="utf-8"
        )
        db = _crawl_site(tmp_path, "timeout", "-s", "CORPUS_EXTRACT_TIMEOUT=1", "-s", "CORPUS_WORKERS=2")
    out = tmp_path / "all.jsonl"
    assert (
        run_cli("export", "--db", str(db), "--out", str(out), "--all-topics", "--dedup", "none").returncode
        == 0
    )
    stored = [json.loads(line)["url"] for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(stored) >= 10
    assert not any("enorm-verslag" in url for url in stored)
    proc = run_cli("stats", "--db", str(db))
    assert "extract/extract_timeout" in proc.stdout


def test_one_and_two_workers_build_the_same_corpus(demo_sources: Path, tmp_path: Path) -> None:
    exports = []
    for workers in (1, 2):
        db = tmp_path / f"w{workers}.sqlite"
        proc = run_cli(
            "crawl", "--sources", str(demo_sources), "--db", str(db), *FAST, "-s", f"CORPUS_WORKERS={workers}"
        )
        assert proc.returncode == 0, proc.stderr[-2000:]
        out = tmp_path / f"w{workers}.jsonl"
        run_cli("export", "--db", str(db), "--out", str(out), "--all-topics", "--dedup", "none")
        rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
        for row in rows:
            row.pop("fetched_at")
            row.pop("captured_at")
            # Which evidence dated a page is compared too: before discovery ran first
            # (spiders/middlewares/discoveryfirst.py) a sitemap sighting could reach a page after
            # its date stage in one run and before it in the other.
        exports.append(rows)
    assert exports[0] and exports[0] == exports[1]
