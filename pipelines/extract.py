"""Pipeline: hand each page to the worker pool (extraction and every CPU stage), keep the text.

The size cap is checked here; the depth guard, wall-clock timeout and memory limit apply in the
worker process (corpus.devtools.safeextract, corpus.crawl.worker), and the later stages' results travel with the
item in ``item.extra["analysis"]`` for the thin pipelines after this one.
"""

from __future__ import annotations

from typing import Any

from scrapy.utils.defer import maybe_deferred_to_future

from corpus.analyse import Analysis, analyse_page, warm_up
from corpus.crawl.items import ArticleItem
from corpus.crawl.pool import WorkerPool, crawler_pool
from corpus.crawl.worker import WorkerError, WorkerInterrupted
from pipelines.drops import ExtractFailed, Interrupted, NoText, TooLarge

_WORKER_REASONS = {"timeout": "extract_timeout"}


class ExtractPipeline:
    def __init__(self, crawler: Any, max_chars: int) -> None:
        self.crawler = crawler
        self.max_chars = max_chars
        self.pool: WorkerPool = crawler_pool(crawler)

    @classmethod
    def from_crawler(cls, crawler: Any) -> ExtractPipeline:
        return cls(crawler, crawler.settings.getint("CORPUS_MAX_HTML_CHARS"))

    def open_spider(self) -> None:
        self.pool.start(warm_up)
        self.crawler.stats.set_value("corpus/pool/workers", self.pool.size)

    def close_spider(self) -> None:
        self.crawler.stats.set_value("corpus/pool/restarts", self.pool.restarts)
        self.pool.close()

    async def process_item(self, item: Any) -> Any:
        # A coroutine awaiting the pool: the reactor goes on downloading while workers parse, and
        # the scraper's back-pressure holds the page until its analysis is back (module docstring).
        if not isinstance(item, ArticleItem):
            return item
        if len(item.html) > self.max_chars:
            raise TooLarge(f"{len(item.html)} characters of HTML (limit {self.max_chars})")
        discovery = item.discovery
        sightings = dict(item.extra.get("sightings") or {})
        if discovery and discovery.date:
            sightings.setdefault(discovery.channel, discovery.date)
        try:
            analysis = await maybe_deferred_to_future(
                self.pool.submit(
                    analyse_page,
                    item.html,
                    item.url,
                    country=item.country,
                    feed_date=sightings.get("feed"),
                    sitemap_date=sightings.get("sitemap"),
                    fallback_title=discovery.title if discovery else None,
                )
            )
        except WorkerInterrupted as error:
            raise Interrupted(str(error)) from None
        except WorkerError as error:
            self.crawler.stats.inc_value(f"corpus/pool/{error.reason}")
            raise ExtractFailed(str(error), reason=_WORKER_REASONS.get(error.reason, error.reason)) from None
        return self._apply(analysis, item)

    @staticmethod
    def _apply(analysis: Analysis, item: ArticleItem) -> ArticleItem:
        item.extra["analysis"] = analysis
        extracted = analysis.extracted
        if extracted is None:
            if analysis.reason in (None, "no_text"):
                raise NoText("no main text found")
            raise ExtractFailed(analysis.detail, reason=analysis.reason)
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
