"""Pipeline: write articles and rejections in batches, and keep the crawl-run row.

A store that fails for good (``Store.flush`` raised after its retries) stops the crawl through
``corpus.crawl.runner.fail_crawl``; items still arriving are dropped as ``Interrupted`` (not recorded:
their frontier rows stay pending for the next run) instead of failing again one by one.
"""

from __future__ import annotations

from typing import Any

from scrapy import signals
from sqlalchemy import update

from corpus.annotate.columns import CRIME_COLUMNS
from corpus.crawl.items import ArticleItem, RejectionItem
from corpus.crawl.runner import STORE_ERRORS, crawl_failure, fail_crawl
from corpus.store.frontier import result_values
from corpus.store.models import CrawlRun
from corpus.store.storage import crawler_store, utcnow
from pipelines.drops import Interrupted, Rejected

_COUNTED = ("corpus/", "item_dropped_reasons_count/", "downloader/response_status_count/")


def article_row(item: ArticleItem, run_id: int | None) -> dict[str, Any]:
    """The database row of an article item.

    ``duplicate_of`` and ``is_representative`` are left out on purpose: they are decided over the
    whole corpus when a crawl closes, and an upsert that wrote them empty would wipe the marks of
    every re-fetched article until then (for good, if the crawl is killed first).
    """
    now = utcnow()
    return {
        "id": item.id,
        "url": item.canonical,
        "fetched_url": item.url,
        "source": item.source,
        "outlet": item.outlet,
        "country": item.country,
        "title": item.title,
        "text": item.text,
        "author": item.author,
        "description": item.description,
        "published": item.published,
        "published_at": item.published_at,
        "month": item.published.strftime("%Y-%m") if item.published else None,
        "date_source": item.date_source,
        "date_confidence": item.date_confidence,
        "language": item.language or "und",
        "language_prob": item.language_prob,
        "language_variant": item.language_variant,
        "text_hash": item.text_hash,
        "discovered_via": item.discovery.channel if item.discovery else None,
        "first_seen": item.fetched_at,
        "last_seen": now,
        "crawl_run_id": run_id,
        **dict.fromkeys(CRIME_COLUMNS),
        **item.extra.get("crime", {}),
        "minhash": item.extra.get("neardup", {}).get("minhash"),
        "cluster_id": item.extra.get("neardup", {}).get("cluster_id", item.id),
    }


class StorePipeline:
    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        self.store = crawler_store(crawler)
        self.run_id: int | None = None
        crawler.signals.connect(self.item_dropped, signal=signals.item_dropped)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Any) -> StorePipeline:
        return cls(crawler)

    def open_spider(self) -> None:
        names = [s.name for s in getattr(self.crawler.spider, "sources", [])]
        # "crawl", or what a spider that reads no network says it is ("warc", "reextract").
        kind = getattr(self.crawler.spider, "run_kind", "crawl")
        self.run_id = self.store.start_run(names, kind=kind)
        self.crawler.stats.set_value("corpus/run_id", self.run_id)

    def _stopped(self) -> BaseException | None:
        return crawl_failure(self.crawler) or getattr(self.store, "failed", None)

    def process_item(self, item: Any) -> Any:
        failed = self._stopped()
        if failed is not None:
            # The store may have failed outside any pipeline (a flush in a signal handler whose
            # error Scrapy only logs): stop the crawl here then; later calls are no-ops.
            fail_crawl(self.crawler, failed)
            raise Interrupted("the store failed; the crawl is stopping")
        try:
            return self._store_item(item)
        except STORE_ERRORS as exc:
            fail_crawl(self.crawler, exc)
            raise Interrupted("the store failed; the crawl is stopping") from None

    def _store_item(self, item: Any) -> Any:
        # A row and the frontier outcome it settles are buffered together, so no flush (and no
        # kill) can separate them.
        stats = self.crawler.stats
        if isinstance(item, RejectionItem):
            frontier = None
            if item.key:
                frontier = (
                    item.key,
                    result_values("rejected", reason=item.reason, status=item.http_status, now=utcnow()),
                )
            self.store.add_rejection(
                {
                    "url": item.url,
                    "source": item.source,
                    "stage": item.stage,
                    "reason": item.reason,
                    "detail": item.detail,
                    "http_status": item.http_status,
                    "crawl_run_id": self.run_id,
                },
                frontier,
            )
            stats.inc_value(f"corpus/rejected/{item.stage}/{item.reason}")
        elif isinstance(item, ArticleItem):
            frontier = None
            key = item.extra.get("frontier_key")
            if key:
                etag, last_modified = item.extra.get("validators") or (None, None)
                values = result_values(
                    "stored", status=item.status, etag=etag, last_modified=last_modified, now=utcnow()
                )
                frontier = (key, values)
            self.store.add_article(article_row(item, self.run_id), frontier)
            stats.inc_value("corpus/stored")
        return item

    def item_dropped(self, item: Any, response: Any, exception: BaseException, spider: Any = None) -> None:
        if not isinstance(item, ArticleItem) or isinstance(exception, Interrupted):
            return
        if self._stopped() is not None:
            return
        try:
            self._record_drop(item, exception)
        except STORE_ERRORS as exc:
            fail_crawl(self.crawler, exc)

    def _record_drop(self, item: ArticleItem, exception: BaseException) -> None:
        stage = getattr(exception, "stage", "pipeline")
        reason = getattr(exception, "reason", type(exception).__name__)
        key = item.extra.get("frontier_key")
        frontier = (
            (key, result_values("rejected", reason=reason, status=item.status, now=utcnow())) if key else None
        )
        self.store.add_rejection(
            {
                "url": item.url,
                "source": item.source,
                "stage": stage,
                "reason": reason,
                "detail": str(exception)[:500] or None,
                "http_status": item.status,
                "crawl_run_id": self.run_id,
            },
            frontier,
        )
        self.crawler.stats.inc_value(f"corpus/rejected/{stage}/{reason}")
        if not isinstance(exception, Rejected):
            self.crawler.stats.inc_value("corpus/rejected/unexpected")

    def close_spider(self) -> None:
        if self._stopped() is not None:
            return
        try:
            self.store.flush()
        except STORE_ERRORS as exc:
            fail_crawl(self.crawler, exc)

    def spider_closed(self, spider: Any, reason: str) -> None:
        # Runs after the stats are final, so the run row gets the true finish reason and counts.
        if self.run_id is None:
            return
        stats = self.crawler.stats.get_stats()
        pages = int(stats.get("downloader/response_count", 0))
        if self._stopped() is not None:
            self._mark_failed(pages)
            return
        outcomes = {k: int(v) for k, v in stats.items() if k.startswith(_COUNTED) and isinstance(v, int)}
        try:
            self.store.finish_run(
                self.run_id,
                # A signal stop is "interrupted" however far it got (Scrapy says "shutdown" when
                # its graceful close ends in time; a forced stop's commit writes "interrupted").
                status="interrupted" if reason == "shutdown" else str(reason),
                pages_fetched=pages,
                outcomes=outcomes,
            )
        except STORE_ERRORS as exc:
            fail_crawl(self.crawler, exc)
            self._mark_failed(pages)

    def _mark_failed(self, pages: int) -> None:
        """Best effort: the run row says ``store_failed`` (the batch buffer is not touched)."""
        try:
            with self.store.engine.begin() as conn:
                conn.execute(
                    update(CrawlRun)
                    .where(CrawlRun.id == self.run_id)
                    .values(finished_at=utcnow(), status="store_failed", pages_fetched=pages)
                )
        except STORE_ERRORS:
            pass  # the database refuses writes: the next run marks this one as failed
