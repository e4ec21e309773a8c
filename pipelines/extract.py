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
        channel = item.discovery.channel if item.discovery else None
        raw_date = item.discovery.date if item.discovery else None
        extracted = extract_article(
            item.html,
            item.url,
            feed_date=raw_date if channel == "feed" else None,
            sitemap_date=raw_date if channel == "sitemap" else None,
            country=item.country,
        )
        if extracted is None:
            raise NoText("no main text found")
        item.text = extracted.text
        item.title = extracted.title or (item.discovery.title if item.discovery else None)
        item.author = extracted.author
        item.description = extracted.description
        item.html_lang = extracted.html_lang
        item.og_locale = extracted.og_locale
        item.extra["canonical_link"] = extracted.canonical_url
        date = extracted.date
        if date is not None:
            item.published = date.day
            item.published_at = date.moment
            # A bare year is not a date: the day stays unknown and the source says why.
            item.date_source = "year_only" if date.year_only and not date.day else date.source
            item.date_confidence = round(date.confidence, 3)
        return item
