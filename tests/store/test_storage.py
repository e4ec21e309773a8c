"""Storage on SQLite and PostgreSQL: migrations, idempotent batched upserts, runs and rejections."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from sqlalchemy import func, inspect, select
from sqlalchemy.orm import Session

from corpus.crawl.tdm import record_declarations
from corpus.sources.urls import article_id, canonical_url
from corpus.store.models import Article, CrawlRun, Rejection, TdmDeclaration
from corpus.store.storage import DatabaseError, Store, open_database, resolve_db_url
from corpus.text.normalise import text_hash


def row(url: str, text: str = "Een 25-jarige man is aangehouden.", **kw: object) -> dict:
    canon = canonical_url(url)
    now = dt.datetime(2024, 3, 12, 9, 0, tzinfo=dt.UTC)
    base = {
        "id": article_id(canon),
        "url": canon,
        "fetched_url": url,
        "source": "courant",
        "outlet": "Lage Landen Courant",
        "country": "nl",
        "title": "Titel",
        "text": text,
        "author": None,
        "description": None,
        "published": dt.date(2024, 3, 12),
        "published_at": None,
        "month": "2024-03",
        "date_source": "meta",
        "date_confidence": 0.9,
        "language": "nl",
        "language_prob": 0.99,
        "language_variant": "nl-NL",
        "text_hash": text_hash(text),
        "duplicate_of": None,
        "discovered_via": "feed",
        "first_seen": now,
        "last_seen": now,
        "crawl_run_id": None,
    }
    base.update(kw)
    return base


def test_migrations_create_the_schema(db_url: str) -> None:
    engine = open_database(db_url)
    tables = set(inspect(engine).get_table_names())
    assert {"articles", "crawl_runs", "rejections", "alembic_version"} <= tables
    open_database(db_url)  # a second upgrade is a no-op, not an error


def test_upsert_is_idempotent_and_keeps_first_seen(db_url: str) -> None:
    engine = open_database(db_url)
    store = Store(engine, batch_size=10)
    first = row("https://courant.example/nieuws/a-b-c")
    store.add_article(first)
    store.flush()
    later = dt.datetime(2024, 4, 1, tzinfo=dt.UTC)
    store.add_article(
        row(
            "https://courant.example/nieuws/a-b-c?utm_source=x",
            title="Nieuwe titel",
            first_seen=later,
            last_seen=later,
        )
    )
    store.flush()
    with Session(engine) as s:
        (article,) = s.scalars(select(Article)).all()
    assert article.title == "Nieuwe titel"
    assert article.first_seen == first["first_seen"]
    assert article.last_seen == later
    assert article.published == dt.date(2024, 3, 12)


def test_duplicate_keys_in_one_batch_do_not_break_the_upsert(db_url: str) -> None:
    # PostgreSQL refuses ON CONFLICT DO UPDATE touching one row twice in a statement.
    engine = open_database(db_url)
    store = Store(engine, batch_size=1000)
    for i in range(3):
        store.add_article(row("https://courant.example/nieuws/x-y-z", title=f"versie {i}"))
    store.add_article(row("https://courant.example/nieuws/andere-zaak-hier", text="Iets anders."))
    store.flush()
    with Session(engine) as s:
        titles = dict(s.execute(select(Article.url, Article.title)).all())
    assert titles["https://courant.example/nieuws/x-y-z"] == "versie 2"
    assert len(titles) == 2


def test_runs_and_rejections_are_counted(db_url: str) -> None:
    engine = open_database(db_url)
    store = Store(engine, batch_size=2)
    run = store.start_run(["courant"])
    store.add_article(row("https://courant.example/nieuws/a-b-c", crawl_run_id=run))
    for reason in ("not_dutch", "listing", "not_dutch"):
        store.add_rejection(
            {
                "url": "https://courant.example/x",
                "source": "courant",
                "stage": "language",
                "reason": reason,
                "crawl_run_id": run,
            }
        )
    store.finish_run(run, status="finished", pages_fetched=5, outcomes={"corpus/stored": 1})
    with Session(engine) as s:
        r = s.get(CrawlRun, run)
        assert r is not None
        assert (r.status, r.articles_stored, r.rejected, r.pages_fetched) == ("finished", 1, 3, 5)
        assert r.finished_at is not None and r.finished_at >= r.started_at
        assert r.outcomes == {"corpus/stored": 1}
        assert (
            s.scalar(select(func.count()).select_from(Rejection).where(Rejection.reason == "not_dutch")) == 2
        )


def test_a_crawl_of_40000_tdm_declarations_is_recorded_whole(db_url: str) -> None:
    # One multi-VALUES statement would pass SQLite's (32,766) and PostgreSQL's (65,535) limits on
    # bound parameters and lose the whole record.
    engine = open_database(db_url)
    rows = [
        {
            "source": "courant",
            "origin": "https://courant.example",
            "via": "header",
            "location": f"/nieuws/{i}",
            "reserved": True,
            "policy": None,
            "kept": False,
            "crawl_run_id": None,
        }
        for i in range(40_000)
    ]
    record_declarations(engine, rows + rows[:10])  # the repeats are folded into one row each
    record_declarations(engine, rows[:5])  # a later sighting updates, not duplicates
    with Session(engine) as s:
        assert s.scalar(select(func.count()).select_from(TdmDeclaration)) == 40_000


def test_urls_resolve_as_documented(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CRIMECORPUS_DB", raising=False)
    assert resolve_db_url(None) == "sqlite:///data/crimecorpus.sqlite"
    assert resolve_db_url("x/y.sqlite") == "sqlite:///x/y.sqlite"
    assert resolve_db_url("postgresql://h/db") == "postgresql+psycopg://h/db"
    monkeypatch.setenv("CRIMECORPUS_DB", "sqlite:////tmp/env.sqlite")
    assert resolve_db_url(None) == "sqlite:////tmp/env.sqlite"


def test_unreachable_database_is_one_clear_error() -> None:
    with pytest.raises(DatabaseError, match="cannot reach database") as err:
        open_database("postgresql://127.0.0.1:1/nothing")
    assert "\n" not in str(err.value)


def test_a_locked_postgresql_table_is_waited_out_and_the_batch_retried(pg_url: str) -> None:
    import threading

    from sqlalchemy import event, text

    engine = open_database(pg_url)

    # A short lock timeout turns the wait into the transient "lock not available" error (55P03)
    # that the Store must retry rather than crash on.
    @event.listens_for(engine, "connect")
    def _short_lock_timeout(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
        with dbapi_conn.cursor() as cur:
            cur.execute("SET lock_timeout = '150ms'")

    engine.dispose()
    holder = open_database(pg_url)
    locked, release = threading.Event(), threading.Event()

    def hold_lock() -> None:
        with holder.begin() as conn:
            conn.execute(text("LOCK TABLE articles IN ACCESS EXCLUSIVE MODE"))
            locked.set()
            release.wait(5)

    thread = threading.Thread(target=hold_lock)
    thread.start()
    locked.wait(5)
    threading.Timer(0.6, release.set).start()
    store = Store(engine, batch_size=100)
    store.add_article(row("https://courant.example/nieuws/vergrendeld-en-toch-opgeslagen"))
    started = time.monotonic()
    store.flush()  # fails on the lock at first, then succeeds once it is released
    waited = time.monotonic() - started
    thread.join()
    assert waited >= 0.4  # it really met the lock (each attempt gives up after 150 ms)
    with Session(engine) as s:
        assert s.scalar(select(func.count()).select_from(Article)) == 1
