"""Pipeline: main text and metadata from the fetched HTML (trafilatura)."""

from __future__ import annotations

from typing import Any

from corpus.extract import extract_article
from corpus.items import ArticleItem
from pipelines.drops import NoText, TooLarge


class ExtractPipeline:
    def __init__(self, max_chars: int) -> None:
        self.max_chars = max_chars

    @classmethod
    def from_crawler(cls, crawler: Any) -> ExtractPipeline:
        return cls(crawler.settings.getint("CORPUS_MAX_HTML_CHARS"))

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, ArticleItem):
            return item
        if len(item.html) > self.max_chars:
            raise TooLarge(f"{len(item.html)} characters of HTML (limit {self.max_chars})")
        extracted = extract_article(item.html, item.url)
        if extracted is None:
            raise NoText("no main text found")
        item.text = extracted.text
        item.title = extracted.title or (item.discovery.title if item.discovery else None)
        item.author = extracted.author
        item.description = extracted.description
        item.html_lang = extracted.html_lang
        item.og_locale = extracted.og_locale
        item.extra["canonical_link"] = extracted.canonical_url
        if extracted.published:
            item.published = extracted.published
            item.date_source = "trafilatura"
            item.date_confidence = 0.5
        return item
