"""Shared fixtures: the demo site on real local servers, real SQLite files, the real PostgreSQL."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import tomllib
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from corpus.devtools.server import demo_site_root, render_sources, serve_sites
from corpus.text.pagekind import NEWS_KINDS

ROOT = Path(__file__).resolve().parent.parent
PG_ENV = "CRIMECORPUS_TEST_PG"
REDIS_ENV = "CRIMECORPUS_TEST_REDIS"
REDIS_DEFAULT = "redis://127.0.0.1:6379/15"
PG_DEFAULT = "postgresql+psycopg://127.0.0.1:5432/test"
FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False"]


def run_cli(
    *args: str, env: dict[str, str] | None = None, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m corpus`` in a fresh process, as a user would (a Twisted reactor runs once)."""
    full_env = {k: v for k, v in os.environ.items() if k != "CRIMECORPUS_DB"}
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "corpus", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=full_env,
        timeout=timeout,
    )


def demo_gold() -> list[dict]:
    """The demo site's gold (``expected.json``): what every count of demo pages derives from."""
    return json.loads((demo_site_root() / "expected.json").read_text(encoding="utf-8"))


DEMO_DUTCH_ARTICLES = sum(
    p["kind"] in NEWS_KINDS and p["language"] == "nl" and not p.get("tracking_duplicate_of")
    for p in demo_gold()
)
"""Unique Dutch article pages of the demo site: what a full crawl stores."""
DEMO_OUTLETS = tuple(
    s["outlet"]
    for s in tomllib.loads((demo_site_root() / "sources.toml").read_text(encoding="utf-8"))["source"]
)
"""The demo outlets' display names, as ``sources.toml`` gives them."""


def stored_crime_articles(db: Path) -> int:
    """Articles of a demo crawl that the classifier calls crime: the default export's rows."""
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT count(*) FROM articles WHERE is_crime").fetchone()[0]


@pytest.fixture(scope="session")
def demo_expected() -> list[dict]:
    return demo_gold()


@pytest.fixture(scope="session")
def demo_bases() -> Iterator[dict[str, str]]:
    """The bundled demo site, one server per outlet on 127.0.0.1 (ports chosen by the OS)."""
    with serve_sites(demo_site_root()) as bases:
        yield bases


@pytest.fixture(scope="session")
def demo_sources(demo_bases: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo") / "sources.toml"
    return render_sources(demo_site_root(), demo_bases, out)


@pytest.fixture(scope="session")
def demo_db(demo_sources: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One real crawl of the whole demo site into a SQLite file, shared by the read-only tests."""
    db = tmp_path_factory.mktemp("demo-db") / "corpus.sqlite"
    proc = run_cli("crawl", "--sources", str(demo_sources), "--db", str(db), *FAST)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return db


def _pg_admin_url() -> str:
    return os.environ.get(PG_ENV, PG_DEFAULT)


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test, dropped afterwards.

    Locally the test is skipped when no server answers; in CI (``CI`` set) it fails instead,
    because the PostgreSQL tests are part of what CI must prove.
    """
    admin = make_url(_pg_admin_url())
    try:
        engine = create_engine(admin, isolation_level="AUTOCOMMIT")
        conn = engine.connect()
    except Exception as exc:  # any driver or connection error
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL unreachable at {admin.render_as_string()}: {exc}")
        pytest.skip(f"PostgreSQL unreachable at {admin.render_as_string()}")
    name = f"cc_test_{uuid.uuid4().hex[:12]}"
    conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin.set(database=name).render_as_string(hide_password=False)
    finally:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.close()
        engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each storage test runs on a SQLite file and on a fresh PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'corpus.sqlite'}"
    return request.getfixturevalue("pg_url")


@pytest.fixture
def real_redis() -> Iterator[tuple[str, str, redis.Redis]]:
    """The real Redis, a fresh key prefix and a client; every key under the prefix removed after.

    Locally the test is skipped when no server answers; in CI (``CI`` set) it fails instead.
    """
    url = os.environ.get(REDIS_ENV, REDIS_DEFAULT)
    client = redis.Redis.from_url(url)
    try:
        client.ping()
    except redis.RedisError as exc:
        if os.environ.get("CI"):
            pytest.fail(f"Redis unreachable at {url}: {exc}")
        pytest.skip(f"Redis unreachable at {url}")
    prefix = f"cctest-{uuid.uuid4().hex[:10]}"
    try:
        yield url, prefix, client
    finally:
        keys = list(client.scan_iter(f"{prefix}:*"))
        if keys:
            client.delete(*keys)
        client.close()


@pytest.fixture
def redis_url(real_redis: tuple[str, str, redis.Redis]) -> tuple[str, str]:
    """The real Redis's URL and a fresh key prefix (see :func:`real_redis`)."""
    return real_redis[0], real_redis[1]
