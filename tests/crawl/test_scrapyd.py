"""Deployment to a real Scrapyd: the project is packed and deployed with scrapyd-deploy, as a user
would, and a job scheduled through Scrapyd's HTTP API crawls the demo site into a SQLite file."""

from __future__ import annotations

import configparser
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
import zipfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from corpus.store.models import Article, CrawlRun
from corpus.store.storage import open_database
from crimecorpus_scrapyd import unpack_egg

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
PROJECT_FILES = (
    "corpus",
    "spiders",
    "pipelines",
    "crimecorpus_scrapyd.py",
    "setup.py",
    "pyproject.toml",
    "scrapy.cfg",
    "README.md",
)
DEADLINE = 60.0
SCRAPYD_CONF = """[scrapyd]
bind_address = 127.0.0.1
http_port = {port}
poll_interval = 0.2
eggs_dir = eggs
logs_dir = logs
dbs_dir = dbs
items_dir =
"""


def _api(base: str, endpoint: str, data: list[tuple[str, str]] | None = None, **query: str) -> dict:
    url = f"{base}/{endpoint}"
    if query:
        url += "?" + urllib.parse.urlencode(query)
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    with urllib.request.urlopen(url, data=body, timeout=10) as resp:
        return json.loads(resp.read())


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start(home: Path, env: dict[str, str]) -> tuple[subprocess.Popen[bytes], int]:
    """Start Scrapyd on a free port. Scrapyd cannot listen on port 0, so a port the OS just handed
    out is passed on; in the rare case another process takes it first, try another."""
    log = home / "scrapyd.out"
    for _ in range(3):
        port = _free_port()
        conf = SCRAPYD_CONF.format(port=port)
        (home / "scrapyd.conf").write_text(conf, encoding="utf-8")
        with log.open("wb") as out:
            proc = subprocess.Popen(
                [sys.executable, "-m", "scrapyd"], cwd=home, env=env, stdout=out, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and proc.poll() is None:
            if f"Site starting on {port}" in log.read_text(errors="replace"):
                return proc, port
            time.sleep(0.1)
        proc.kill()
        proc.wait()
    raise AssertionError(f"scrapyd did not start:\n{log.read_text(errors='replace')[-3000:]}")


@pytest.fixture
def scrapyd(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A real Scrapyd on 127.0.0.1 with its own working directory; yields (base URL, egg cache)."""
    home = tmp_path / "scrapyd"
    home.mkdir()
    cache = tmp_path / "egg-cache"
    env = {k: v for k, v in os.environ.items() if k != "CRIMECORPUS_DB"}
    env["PYTHON_EGG_CACHE"] = str(cache)
    proc, port = _start(home, env)
    try:
        yield f"http://127.0.0.1:{port}", cache
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _deploy(base: str, workdir: Path) -> str:
    """Copy the checkout and run ``scrapyd-deploy`` in it against a target for this Scrapyd."""
    project = workdir / "project"
    project.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", "build")
    for name in PROJECT_FILES:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, project / name, ignore=ignore)
        else:
            shutil.copy2(src, project / name)
    with (project / "scrapy.cfg").open("a", encoding="utf-8") as cfg:
        cfg.write(f"\n[deploy:test]\nurl = {base}/\nproject = crimecorpus\n")
    proc = subprocess.run(
        [str(BIN / "scrapyd-deploy"), "test", "--version", "r1"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc.stdout


def test_shipped_scrapy_cfg_deploys_the_crimecorpus_project() -> None:
    cfg = configparser.ConfigParser()
    cfg.read(ROOT / "scrapy.cfg")
    assert cfg["settings"]["default"] == "corpus.crawl.settings"
    assert cfg["deploy"]["project"] == "crimecorpus"
    assert urlsplit(cfg["deploy"]["url"]).scheme == "http"


def test_a_job_scheduled_through_scrapyd_stores_the_demo_articles(
    scrapyd: tuple[str, Path], demo_sources: Path, demo_expected: list[dict], tmp_path: Path
) -> None:
    base, cache = scrapyd
    answer = json.loads(_deploy(base, tmp_path))
    assert answer["status"] == "ok" and answer["spiders"] >= 1, answer
    spiders = _api(base, "listspiders.json", project="crimecorpus")
    assert "news" in spiders["spiders"], spiders

    db = tmp_path / "scrapyd.sqlite"
    job = _api(
        base,
        "schedule.json",
        [
            ("project", "crimecorpus"),
            ("spider", "news"),
            ("sources_file", str(demo_sources)),
            ("source", "courant"),
            ("setting", f"CORPUS_DB_URL=sqlite:///{db}"),
            ("setting", "DOWNLOAD_DELAY=0"),
            ("setting", "AUTOTHROTTLE_ENABLED=False"),
        ],
    )
    assert job["status"] == "ok", job
    deadline = time.monotonic() + DEADLINE
    while True:
        jobs = _api(base, "listjobs.json", project="crimecorpus")
        if any(j["id"] == job["jobid"] for j in jobs["finished"]):
            break
        assert time.monotonic() < deadline, f"job not finished after {DEADLINE} s: {jobs}"
        time.sleep(0.3)

    # Scrapyd reports a crashed job as finished too: the database is what proves the crawl ran.
    engine = open_database(str(db))
    with Session(engine) as s:
        stored = {urlsplit(a.url).path for a in s.scalars(select(Article))}
        runs = list(s.scalars(select(CrawlRun)))
    expected = {
        p["path"]
        for p in demo_expected
        if p["outlet"] == "courant"
        and p["kind"] == "article"
        and p["language"] == "nl"
        and not p.get("tracking_duplicate_of")
    }
    log = base + f"/logs/crimecorpus/news/{job['jobid']}.log"
    assert stored == expected, f"see {log}"
    assert [(r.status, r.sources, r.articles_stored) for r in runs] == [
        ("finished", "courant", len(expected))
    ]
    # The job ran the deployed egg, from the copy its entry point extracted.
    assert [p.name for p in cache.iterdir() if p.name.startswith("r1-")], list(cache.iterdir())


def test_an_egg_is_extracted_once_per_content(tmp_path: Path) -> None:
    egg = tmp_path / "r1.egg"
    with zipfile.ZipFile(egg, "w") as z:
        z.writestr("corpus/store/migrations/env.py", "# env\n")
    first = unpack_egg(egg, tmp_path / "cache")
    assert (first / "corpus" / "store" / "migrations" / "env.py").read_text() == "# env\n"
    assert unpack_egg(egg, tmp_path / "cache") == first
    with zipfile.ZipFile(egg, "w") as z:
        z.writestr("corpus/store/migrations/env.py", "# env v2\n")
    second = unpack_egg(egg, tmp_path / "cache")
    assert (
        second != first
        and (second / "corpus" / "store" / "migrations" / "env.py").read_text() == "# env v2\n"
    )
    assert sorted(p.name for p in (tmp_path / "cache").iterdir()) == sorted([first.name, second.name])


def test_outside_an_egg_the_entry_point_is_the_project_settings() -> None:
    import corpus.crawl.settings
    import crimecorpus_scrapyd

    assert crimecorpus_scrapyd.BOT_NAME == corpus.crawl.settings.BOT_NAME
    assert crimecorpus_scrapyd.ITEM_PIPELINES == corpus.crawl.settings.ITEM_PIPELINES
