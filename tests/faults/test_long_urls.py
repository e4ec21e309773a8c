"""URLs of any length on both databases: a real crawl of a local sitemap that lists long URLs.

Before: on PostgreSQL a sitemap URL over 2,048 characters failed every batch for good
(StringDataRightTruncation, 0 articles stored, the same on every rerun); on both databases URLs of
3 KB and 100 KB stayed ``pending`` with no rejection (Scrapy's URLLENGTH_LIMIT dropped them
silently). Now a URL up to ``MAX_URL_LENGTH`` is fetched and stored like any other, and a longer
one is a ``url_too_long`` rejection at stage ``discovery``.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from corpus.store.frontier import MAX_URL_LENGTH
from corpus.store.models import Article, FrontierEntry, Rejection
from corpus.store.storage import open_database
from tests.conftest import FAST, run_cli
from tests.faultserver import Config, fault_server, sources_toml

NORMAL = [f"/article/gewone-{n}-inbraak-in-de-wijk" for n in range(6)]
LONG_3K = "/article/lang-" + "-".join(f"verdachte{n}" for n in range(300))[:3000]
JUST_OVER = "/article/net-te-lang-" + "x" * MAX_URL_LENGTH
HUGE_100K = "/article/enorm-" + "y" * 100_000


@pytest.fixture(params=["sqlite", "postgresql"])
def crawl_db(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return str(tmp_path / "corpus.sqlite")
    return request.getfixturevalue("pg_url")


def test_a_sitemap_with_3_kb_and_100_kb_urls_stores_the_articles_and_rejects_the_too_long(
    crawl_db: str, tmp_path: Path
) -> None:
    with fault_server(Config(sitemap=[*NORMAL, LONG_3K, JUST_OVER, HUGE_100K])) as site:
        sources = tmp_path / "sources.toml"
        sources.write_text(
            sources_toml(
                [
                    {
                        "name": "lang",
                        "outlet": "Lange Lijnen",
                        "country": "nl",
                        "sitemaps": [site.url("/sitemap.xml")],
                    }
                ]
            ),
            encoding="utf-8",
        )
        started = time.monotonic()
        proc = run_cli("crawl", "--sources", str(sources), "--db", crawl_db, *FAST, timeout=180)
        took = time.monotonic() - started
        fetched = {h.path for h in site.log}
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert took < 120
    assert LONG_3K in fetched and JUST_OVER not in fetched and HUGE_100K not in fetched
    engine = open_database(crawl_db)
    with Session(engine) as s:
        urls = list(s.scalars(select(Article.url)))
        assert len(urls) == len(NORMAL) + 1  # the 3 KB URL is an article like the others
        assert max(len(u) for u in urls) > 3000
        rejected = s.execute(
            select(Rejection.stage, Rejection.reason, Rejection.url, Rejection.detail, Rejection.crawl_run_id)
        ).all()
        too_long = [r for r in rejected if r.reason == "url_too_long"]
        assert sorted((r.stage, r.url[len(site.base) :][:25]) for r in too_long) == [
            ("discovery", HUGE_100K[:25]),
            ("discovery", JUST_OVER[:25]),
        ]
        assert all(len(r.url) <= MAX_URL_LENGTH and "limit is 8192" in r.detail for r in too_long)
        assert all(r.crawl_run_id is not None for r in too_long)  # counted in the run's rejections
        # Nothing is left pending for a later run, and the long URLs have no frontier row at all.
        outcomes = dict(
            s.execute(
                select(FrontierEntry.outcome, func.count())
                .where(FrontierEntry.kind == "article")
                .group_by(FrontierEntry.outcome)
            ).all()
        )
        assert outcomes == {"stored": len(NORMAL) + 1}
    # A second run is no different: the database is not poisoned.
    proc = run_cli("crawl", "--sources", str(sources), "--db", crawl_db, *FAST, timeout=180)
    assert proc.returncode == 0, proc.stderr[-3000:]
    with Session(engine) as s:
        assert s.scalar(select(func.count()).select_from(Article)) == len(NORMAL) + 1
    engine.dispose()


def test_scrapy_drops_nothing_the_store_would_keep() -> None:
    """Scrapy's own URL length filter drops silently; it must not be stricter than ours."""
    from corpus.crawl import settings

    assert settings.URLLENGTH_LIMIT == MAX_URL_LENGTH
