"""The storing stage through a real crawler: items, drops and reported discoveries reach the DB."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest
from scrapy.crawler import Crawler

from corpus.crawl.discoveries import commit_interrupted, report_result, report_seen, request_checkpoint
from corpus.crawl.items import ArticleItem, RejectionItem
from corpus.store.frontier import frontier_key, result_values, seen_row
from pipelines.dedup import DedupPipeline
from pipelines.drops import Duplicate, Interrupted, NotDutch
from pipelines.neardup import NearDupPipeline
from pipelines.store import StorePipeline
from tests.pipelines.conftest import make_crawler


def rows(db: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


def article(url: str, text: str = "Tekst over een inbraak in Zwolle.") -> ArticleItem:
    page = ArticleItem(
        url=url, source="s", outlet="S", country="nl", html="", fetched_at=dt.datetime.now(dt.UTC)
    )
    page.text, page.text_hash, page.frontier_key = text, str(hash(text)), frontier_key(url)
    return page


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "corpus.sqlite"


@pytest.fixture
def crawler(db: Path) -> Crawler:
    return make_crawler(db)


def test_a_rejection_item_and_a_dropped_article_make_the_same_row(crawler: Crawler, db: Path) -> None:
    store = StorePipeline.from_crawler(crawler)
    store.open_spider()
    url_a, url_b = "https://s.example/nieuws/a", "https://s.example/nieuws/b"
    for url in (url_a, url_b):
        report_seen(crawler, seen_row(url, "s", "article", now=dt.datetime.now(dt.UTC)))
    store.process_item(
        RejectionItem(url_a, "s", "language", "not_dutch", "en (0.99)", 200, frontier_key(url_a))
    )
    store.item_dropped(article(url_b), None, NotDutch("en (0.99)"))
    store.close_spider()
    found = rows(
        db,
        "SELECT url, source, stage, reason, detail, http_status, crawl_run_id FROM rejections ORDER BY url",
    )
    assert [r[1:] for r in found] == [("s", "language", "not_dutch", "en (0.99)", 200, store.run_id)] * 2
    outcomes = rows(db, "SELECT outcome, reason FROM frontier ORDER BY id")
    assert outcomes == [("rejected", "not_dutch")] * 2


def test_discoveries_reported_through_signals_reach_the_store_at_a_checkpoint(
    crawler: Crawler, db: Path
) -> None:
    store = StorePipeline.from_crawler(crawler)
    store.open_spider()
    now = dt.datetime.now(dt.UTC)
    row = seen_row("https://s.example/nieuws/ontdekt", "s", "article", channel="feed", now=now)
    report_seen(crawler, row)
    feed = seen_row("https://s.example/feed.xml", "s", "feed", now=now)
    report_seen(crawler, feed)
    report_result(crawler, feed["id"], result_values("not_modified", status=304, now=now))
    assert rows(db, "SELECT count(*) FROM frontier") == [(0,)]  # buffered by the storing stage
    request_checkpoint(crawler)
    found = dict(rows(db, "SELECT url, outcome FROM frontier"))
    assert found["https://s.example/nieuws/ontdekt"] == "pending"
    assert found["https://s.example/feed.xml"] == "not_modified"


def test_a_failed_store_stops_the_crawl_and_later_items_are_interrupted(crawler: Crawler, db: Path) -> None:
    store = StorePipeline.from_crawler(crawler)
    store.open_spider()
    with sqlite3.connect(db) as conn:
        conn.execute("DROP TABLE frontier")
    report_seen(crawler, seen_row("https://s.example/nieuws/x", "s", "article", now=dt.datetime.now(dt.UTC)))
    request_checkpoint(crawler)  # the write fails: reported to the crawl, not only logged
    assert store.store.failed is not None
    with pytest.raises(Interrupted):
        store.process_item(article("https://s.example/nieuws/y"))


def test_dedup_drops_a_second_copy_of_a_canonical_url_and_neardup_clusters(
    crawler: Crawler, db: Path
) -> None:
    dedup, near, store = (
        cls.from_crawler(crawler) for cls in (DedupPipeline, NearDupPipeline, StorePipeline)
    )
    store.open_spider()
    near.open_spider()
    first = dedup.process_item(article("https://s.example/nieuws/een?utm_source=x"))
    with pytest.raises(Duplicate) as caught:
        dedup.process_item(article("https://s.example/nieuws/een"))
    assert (caught.value.stage, caught.value.reason) == ("dedup", "duplicate_url")
    from corpus.dedup.neardup import signature

    first.minhash = signature(first.text)
    near.process_item(first)
    assert first.cluster_id == first.id
    store.process_item(first)
    store.close_spider()
    near.close_spider()
    dedup.close_spider()
    assert rows(db, "SELECT id, cluster_id FROM articles") == [(first.id, first.id)]


def test_a_forced_stop_commits_what_is_complete_and_marks_the_run_interrupted(
    crawler: Crawler, db: Path
) -> None:
    store = StorePipeline.from_crawler(crawler)
    store.open_spider()
    page = article("https://s.example/nieuws/voor-de-stop")
    page.canonical, page.id = page.url, page.frontier_key or ""
    store.process_item(page)
    commit_interrupted(crawler)
    assert rows(db, "SELECT status, articles_stored FROM crawl_runs") == [("interrupted", 1)]
