"""Pipeline: main text and metadata from the fetched HTML (trafilatura)."""

from __future__ import annotations

from typing import Any

from corpus.items import ArticleItem
from corpus.safeextract import SafeExtractor
from pipelines.drops import ExtractFailed, NoText, TooLarge


class ExtractPipeline:
    """Size cap here; depth check, wall-clock timeout and memory limit in a worker process."""

    def __init__(self, max_chars: int, timeout: float = 30.0, memory: int | None = None) -> None:
        self.max_chars = max_chars
        self.extractor = SafeExtractor(timeout, memory)

    @classmethod
    def from_crawler(cls, crawler: Any) -> ExtractPipeline:
        settings = crawler.settings
        return cls(
            settings.getint("CORPUS_MAX_HTML_CHARS"),
            settings.getfloat("CORPUS_EXTRACT_TIMEOUT", 30.0),
            settings.getint("CORPUS_EXTRACT_MEMORY", 2 * 1024**3) or None,
        )

    def open_spider(self) -> None:
        self.extractor.start()

    def close_spider(self) -> None:
        self.extractor.close()

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, ArticleItem):
            return item
        if len(item.html) > self.max_chars:
            raise TooLarge(f"{len(item.html)} characters of HTML (limit {self.max_chars})")
        channel = item.discovery.channel if item.discovery else None
        raw_date = item.discovery.date if item.discovery else None
        outcome = self.extractor.extract(
            item.html,
            item.url,
            feed_date=raw_date if channel == "feed" else None,
            sitemap_date=raw_date if channel == "sitemap" else None,
            country=item.country,
        )
        extracted = outcome.article
        if extracted is None:
            if outcome.reason in (None, "no_text"):
                raise NoText("no main text found")
            raise ExtractFailed(outcome.detail, reason=outcome.reason)
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
