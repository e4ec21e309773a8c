"""Spiders report what they discover through corpus.crawl.discoveries, and an article's discovery
dates travel on its request, so they survive a queue that serialises requests (Redis, JOBDIR)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from scrapy.crawler import Crawler
from scrapy.http import HtmlResponse
from scrapy.utils.request import request_from_dict

from corpus.crawl import distributed
from corpus.crawl import meta as M
from corpus.crawl.discoveries import request_checkpoint
from corpus.crawl.items import ArticleItem, Discovery
from pipelines.store import StorePipeline
from spiders.news import NewsSpider
from tests.faultserver import sources_toml
from tests.pipelines.conftest import make_crawler
from tests.pipelines.test_order import ARTICLE

FEED_DATE = "Tue, 12 Mar 2024 09:00:00 +0100"
SITEMAP_DATE = "2024-03-12T07:55:00+01:00"


@pytest.fixture
def crawler(tmp_path: Path) -> Crawler:
    sources = tmp_path / "sources.toml"
    sources.write_text(
        sources_toml(
            [{"name": "krant", "outlet": "De Krant", "country": "nl", "feeds": ["https://krant.example/rss"]}]
        ),
        encoding="utf-8",
    )
    return make_crawler(tmp_path / "corpus.sqlite", CORPUS_SOURCES_FILE=str(sources))


def spider_of(crawler: Crawler) -> NewsSpider:
    spider = NewsSpider.from_crawler(crawler)
    crawler.spider = spider
    return spider


def through_a_queue(request, spider: NewsSpider):
    """What the distributed crawl's Redis queue does to a request: its serializer, and back."""
    wire = distributed.dumps(request.to_dict(spider=spider))
    return request_from_dict(distributed.loads(wire), spider=spider)


def fetched(request) -> HtmlResponse:
    return HtmlResponse(
        request.url,
        body=ARTICLE.encode(),
        request=request,
        headers={"Content-Type": "text/html; charset=utf-8"},
    )


def test_the_feed_date_survives_a_serialised_request_to_the_item(crawler: Crawler) -> None:
    spider = spider_of(crawler)
    source = spider.sources_by_name["krant"]
    request = spider.article_request(
        "https://krant.example/nieuws/inbraak", source, Discovery("feed", "Inbraak", FEED_DATE)
    )
    assert request is not None
    queued = through_a_queue(request, spider)
    assert queued.meta[M.DATES] == {"feed": FEED_DATE}
    spider._in_flight_dates.clear()  # another worker takes it: nothing of this process remains
    (item,) = spider.parse_article(fetched(queued), **queued.cb_kwargs)
    assert isinstance(item, ArticleItem)
    assert item.page_context().feed_date == FEED_DATE and item.dates == {"feed": FEED_DATE}


def test_a_later_sighting_in_another_channel_reaches_the_request_in_flight(crawler: Crawler) -> None:
    spider = spider_of(crawler)
    source = spider.sources_by_name["krant"]
    url = "https://krant.example/nieuws/steekpartij"
    first = spider.article_request(url, source, Discovery("sitemap", None, SITEMAP_DATE))
    spider.article_request(
        url, source, Discovery("feed", "Steekpartij", FEED_DATE)
    )  # filtered as a duplicate
    assert first is not None
    (item,) = spider.parse_article(fetched(first), **first.cb_kwargs)
    context = item.page_context()
    assert (context.feed_date, context.sitemap_date) == (FEED_DATE, SITEMAP_DATE)


def test_discovered_urls_reach_the_store_through_the_storing_stage(crawler: Crawler, tmp_path: Path) -> None:
    spider = spider_of(crawler)
    store = StorePipeline.from_crawler(crawler)
    store.open_spider()
    source = spider.sources_by_name["krant"]
    spider.discovery_request("https://krant.example/rss", source, spider.parse_article, "feed")
    spider.article_request(
        "https://krant.example/nieuws/brand", source, Discovery("feed", "Brand", FEED_DATE)
    )
    spider.article_request("https://elders.example/nieuws/brand", source, Discovery("feed"))  # out of scope
    request_checkpoint(crawler)
    with sqlite3.connect(tmp_path / "corpus.sqlite") as conn:
        found = dict(conn.execute("SELECT fetch_url, kind FROM frontier"))
    assert found == {"https://krant.example/rss": "feed", "https://krant.example/nieuws/brand": "article"}


def test_an_over_long_url_is_not_requested_and_is_recorded_as_rejected(
    crawler: Crawler, tmp_path: Path
) -> None:
    spider = spider_of(crawler)
    store = StorePipeline.from_crawler(crawler)
    store.open_spider()
    long_url = "https://krant.example/nieuws/" + "a" * 9000
    assert spider.article_request(long_url, spider.sources_by_name["krant"], Discovery("feed")) is None
    request_checkpoint(crawler)
    with sqlite3.connect(tmp_path / "corpus.sqlite") as conn:
        assert conn.execute("SELECT stage, reason FROM rejections").fetchall() == [
            ("discovery", "url_too_long")
        ]
        assert conn.execute("SELECT count(*) FROM frontier").fetchone() == (0,)


def test_no_spider_or_middleware_module_writes_to_the_store() -> None:
    root = Path(__file__).resolve().parents[2] / "spiders"
    for path in root.rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        for writes in ("crawler_store(", "store.flush(", "self.store.", "record_declarations("):
            assert writes not in source, f"{path.name}: {writes}"
