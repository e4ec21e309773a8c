"""Pipeline: exact duplicates — one canonical URL per article, one copy of a text per source."""

from __future__ import annotations

from typing import Any
from urllib.parse import urljoin

from corpus.items import ArticleItem
from corpus.storage import crawler_store
from corpus.text import text_hash
from corpus.urls import article_id, canonical_url, url_host
from pipelines.drops import Duplicate


def choose_canonical(fetched_url: str, canonical_link: str | None) -> str:
    """The page's own ``rel=canonical`` counts when it stays on the same host; else the fetched URL."""
    if canonical_link:
        link = urljoin(fetched_url, canonical_link)
        if link.startswith(("http://", "https://")) and url_host(link) == url_host(fetched_url):
            return canonical_url(link)
    return canonical_url(fetched_url)


class DedupPipeline:
    """Same canonical URL twice in a run: dropped. Same text on the same source: dropped.

    The same text on *another* source (wire copy) is kept and points at the first copy through
    ``duplicate_of``: syndication is itself a research subject, so copies are marked, not lost.
    """

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        self.seen_urls: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Any) -> DedupPipeline:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, ArticleItem):
            return item
        item.canonical = choose_canonical(item.url, item.extra.get("canonical_link"))
        item.id = article_id(item.canonical)
        if item.canonical in self.seen_urls:
            raise Duplicate(
                f"canonical URL already stored in this run: {item.canonical}",
                reason="duplicate_url",
            )
        self.seen_urls.add(item.canonical)
        item.text_hash = text_hash(item.text)
        first = crawler_store(self.crawler).first_with_text_hash(item.text_hash)
        if first and first[1] != item.canonical:
            first_id, first_url, first_source = first
            if first_source == item.source:
                raise Duplicate(f"same text as {first_url}", reason="duplicate_text")
            item.duplicate_of = first_id
        return item
