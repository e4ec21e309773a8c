"""Migrations upgrade a database made by an earlier head, with its data, on both databases."""

from __future__ import annotations

import datetime as dt

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, inspect, select, text
from sqlalchemy.orm import Session

from corpus.store.models import Article, Base, CrawlRun, FrontierEntry, Rejection
from corpus.store.storage import Store, _alembic_config, make_engine, open_database
from tests.store.test_storage import row

PREVIOUS_HEAD = "0006"
LONG = "https://courant.example/nieuws/" + "-".join(f"deel{n}" for n in range(700))  # ~5.5 kB


def _at_previous_head(url: str) -> None:
    """A database exactly as the previous release left it, with an article, a frontier row, a
    rejection and a run that was killed mid-crawl."""
    engine = make_engine(url)
    cfg = _alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, PREVIOUS_HEAD)
        now = dt.datetime(2026, 11, 1, 8, 0, tzinfo=dt.UTC)
        conn.execute(
            text(
                "INSERT INTO crawl_runs (kind, started_at, status, sources, pages_fetched, articles_stored,"
                " rejected, outcomes) VALUES ('crawl', :t, 'running', 'courant', 0, 0, 0, '{}')"
            ),
            {"t": now},
        )
        old = row("https://courant.example/nieuws/oud-artikel", crawl_run_id=1)
        conn.execute(Article.__table__.insert(), [{k: v for k, v in old.items() if k != "duplicate_of"}])
        conn.execute(
            text(
                "INSERT INTO frontier (id, url, fetch_url, source, kind, first_seen, last_seen, outcome, attempts)"
                " VALUES (:id, :url, :url, 'courant', 'article', :t, :t, 'stored', 0)"
            ),
            {"id": old["id"], "url": old["url"], "t": now},
        )
        conn.execute(
            text(
                "INSERT INTO rejections (url, source, stage, reason, at, crawl_run_id)"
                " VALUES ('https://courant.example/x', 'courant', 'language', 'not_dutch', :t, 1)"
            ),
            {"t": now},
        )
    engine.dispose()


def test_the_previous_head_upgrades_with_its_data_and_then_holds_long_urls(db_url: str) -> None:
    _at_previous_head(db_url)
    engine = open_database(db_url)  # upgrades to the newest revision
    with engine.connect() as conn:
        assert conn.scalar(text("SELECT version_num FROM alembic_version")) != PREVIOUS_HEAD
        # The schema is exactly what the models say: no drift left behind by the batch copies.
        assert (
            compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
            == []
        )
        insp = inspect(conn)
        for table in ("articles", "frontier"):
            assert not [u for u in insp.get_unique_constraints(table) if u["column_names"] == ["url"]]
            assert not [i for i in insp.get_indexes(table) if "url" in i["column_names"]]
    with Session(engine) as s:
        assert s.scalar(select(Article.url)) == "https://courant.example/nieuws/oud-artikel"
        assert s.scalar(select(func.count()).select_from(FrontierEntry)) == 1
        assert s.scalar(select(Rejection.reason)) == "not_dutch"
        run = s.get(CrawlRun, 1)
        assert run is not None and run.status == "running" and run.heartbeat_at is None
    store = Store(engine)
    # The old article, fetched again, is updated in place (the upsert's key is now its id) ...
    store.add_article(
        row("https://courant.example/nieuws/oud-artikel", text="Een nieuwe versie van de tekst.")
    )
    # ... and a 5.5 kB URL, which the old VARCHAR(2048) refused on PostgreSQL, is stored.
    store.add_article(row(LONG))
    store.flush()
    # The next run marks the old release's killed run: silent since long before the threshold.
    store.start_run(["courant"])
    with Session(engine) as s:
        assert s.scalar(select(func.count()).select_from(Article)) == 2
        assert max(s.scalars(select(func.length(Article.url)))) == len(LONG)
        assert s.get(CrawlRun, 1).status == "killed"  # type: ignore[union-attr]
    engine.dispose()


def test_0008_upgrades_to_news_items_and_old_rows_read_as_full_text_articles(db_url: str) -> None:
    """Rows stored before migration 0009 are full-text articles with no paywall or credit recorded."""
    engine = make_engine(db_url)
    cfg = _alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0008")
        old = row("https://courant.example/nieuws/van-voor-0009")
        new_columns = {
            "kind",
            "paywalled",
            "text_complete",
            "entries",
            "authors",
            "agency",
            "wire",
            "primary_category",
        }
        conn.execute(
            Article.__table__.insert(),
            [{k: v for k, v in old.items() if k != "duplicate_of" and k not in new_columns}],
        )
    engine.dispose()
    engine = open_database(db_url)
    with engine.connect() as conn:
        assert (
            compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
            == []
        )
    with Session(engine) as s:
        article = s.scalars(select(Article)).one()
        assert (article.kind, article.text_complete, article.paywalled) == ("article", "full", None)
        assert article.authors is None and article.agency is None and article.wire is None
    engine.dispose()
