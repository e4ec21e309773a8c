"""Pipeline: exact duplicates — one canonical URL per article; identical texts marked, not dropped."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin

from corpus.crawl.items import ArticleItem
from corpus.sources.urls import article_id, canonical_url, url_host
from corpus.store.clusters import refresh_exact_duplicates
from corpus.store.models import Article
from pipelines.analysis import AnalysisPipeline
from pipelines.closing import refresh_at_close
from pipelines.drops import Duplicate
from pipelines.order import check_after

if TYPE_CHECKING:
    from scrapy.crawler import Crawler


def choose_canonical(fetched_url: str, canonical_link: str | None) -> str:
    """The page's own ``rel=canonical`` counts when it stays on the same host; else the fetched URL."""
    if canonical_link:
        link = urljoin(fetched_url, canonical_link)
        if link.startswith(("http://", "https://")) and url_host(link) == url_host(fetched_url):
            return canonical_url(link)
    return canonical_url(fetched_url)


class DedupPipeline:
    """The same canonical URL twice in a run is dropped; the same text at another URL is kept.

    Copies of one text (wire copy on several outlets, or one outlet's article at two addresses)
    are marked with ``duplicate_of`` = the id of the group's first copy: earliest published, then
    smallest id. That is decided when the crawl closes, over the whole stored corpus, so the
    result does not depend on the order in which pages happened to finish (1 or N workers).
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.seen_urls: set[str] = set()
        self.hashes: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DedupPipeline:
        check_after(crawler, cls, AnalysisPipeline)  # the text hash and canonical link are its
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, ArticleItem):
            return item
        item.canonical = choose_canonical(item.url, item.canonical_link)
        item.id = article_id(item.canonical)
        if item.canonical in self.seen_urls:
            raise Duplicate(
                f"canonical URL already stored in this run: {item.canonical}", reason="duplicate_url"
            )
        self.seen_urls.add(item.canonical)
        self.hashes.add(item.text_hash)
        return item

    def close_spider(self) -> None:
        refresh_at_close(self.crawler, Article.text_hash, self.hashes, refresh_exact_duplicates)
