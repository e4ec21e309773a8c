"""Pipeline: write articles and rejections in batches, and keep the crawl-run row.

This stage owns the crawler's :class:`~corpus.store.storage.Store`: it alone writes to it and
flushes it. Spiders and middlewares report discoveries through the signals of
``corpus.crawl.discoveries`` (frontier rows, not-modified results, TDM declarations, checkpoint
requests), which this stage receives; the near-duplicate stage's cluster merges travel on the
item. Scrapy closes pipelines in reverse order, so this stage's close-time flush comes before the
duplicate stages' close-time refreshes (``pipelines.closing``).

A store that fails for good (``Store.flush`` raised after its retries) stops the crawl through
``corpus.crawl.lifecycle.fail_crawl``; items still arriving are dropped as ``Interrupted`` (not recorded:
their frontier rows stay pending for the next run) instead of failing again one by one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from scrapy import signals
from sqlalchemy import update

from corpus.crawl import discoveries
from corpus.crawl.items import ArticleItem, RejectionItem, article_row
from corpus.crawl.lifecycle import STORE_ERRORS, crawl_failure, fail_crawl
from corpus.crawl.tdm import record_declarations
from corpus.store.frontier import result_values
from corpus.store.models import CrawlRun
from corpus.store.storage import crawler_store, utcnow
from pipelines.drops import Interrupted, Rejected

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

_COUNTED = ("corpus/", "item_dropped_reasons_count/", "downloader/response_status_count/")


def rejection_row(
    url: str,
    source: str | None,
    stage: str,
    reason: str,
    detail: str | None,
    status: int | None,
    run_id: int | None,
) -> dict[str, Any]:
    """The database row of a rejection (a rejection item, or an article dropped by a stage)."""
    return {
        "url": url,
        "source": source,
        "stage": stage,
        "reason": reason,
        "detail": detail,
        "http_status": status,
        "crawl_run_id": run_id,
    }


class StorePipeline:
    """The storing stage: items, drops and reported discoveries into the store (module docstring)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.store = crawler_store(crawler)
        self.run_id: int | None = None
        crawler.signals.connect(self.item_dropped, signal=signals.item_dropped)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(self.frontier_seen, signal=discoveries.frontier_seen)
        crawler.signals.connect(self.frontier_result, signal=discoveries.frontier_result)
        crawler.signals.connect(self.tdm_declared, signal=discoveries.tdm_declared)
        crawler.signals.connect(self.checkpoint, signal=discoveries.checkpoint)
        crawler.signals.connect(self.commit_interrupted, signal=discoveries.interrupted)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        return cls(crawler)

    # -- what spiders and middlewares report (corpus.crawl.discoveries) --------------------------
    def _guarded(self, write: Any, *args: Any) -> None:
        # A signal handler's error is only logged by Scrapy: a failed store must stop the crawl.
        try:
            write(*args)
        except STORE_ERRORS as exc:
            fail_crawl(self.crawler, exc)

    def frontier_seen(self, row: dict[str, Any]) -> None:
        self._guarded(self.store.frontier_seen, row)

    def frontier_result(self, key: str, values: dict[str, Any]) -> None:
        self._guarded(self.store.frontier_result, key, values)

    def checkpoint(self) -> None:
        """Write everything buffered now. A failure stops the crawl: the caller checks
        ``corpus.crawl.lifecycle.crawl_failure`` before it vouches for the rows (a WARC checkpoint)."""
        self._guarded(self.store.flush)

    def commit_interrupted(self) -> None:
        """A forced stop's last act: flush what is complete, the run row says ``interrupted``."""
        if self._stopped() is not None or self.run_id is None:
            return
        self.store.flush()
        self.store.finish_run(
            self.run_id,
            status="interrupted",
            pages_fetched=int(self.crawler.stats.get_value("downloader/response_count", 0)),
            outcomes={},
        )

    def tdm_declared(self, rows: list[dict[str, Any]]) -> None:
        # Written at once, outside the batch: declarations are evidence, not crawl outcomes.
        if self._stopped() is not None:
            return  # the store failed: the run's one error line says so, no second error
        try:
            record_declarations(self.store.engine, rows)
        except STORE_ERRORS as exc:
            # Sent from the close, where Scrapy would only log the traceback: fail as every store does.
            fail_crawl(self.crawler, exc)

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
            row = rejection_row(
                item.url, item.source, item.stage, item.reason, item.detail, item.http_status, self.run_id
            )
            self.store.add_rejection(row, frontier)
            stats.inc_value(f"corpus/rejected/{item.stage}/{item.reason}")
        elif isinstance(item, ArticleItem):
            frontier = None
            key = item.frontier_key
            if key:
                values = result_values(
                    "stored",
                    status=item.status,
                    etag=item.etag,
                    last_modified=item.last_modified,
                    now=utcnow(),
                )
                frontier = (key, values)
            if item.merged:
                # The near-duplicate stage's merge, in the same batch as the article that caused it.
                self.store.merge_clusters(item.merged, item.cluster_id or item.id)
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
        key = item.frontier_key
        frontier = (
            (key, result_values("rejected", reason=reason, status=item.status, now=utcnow())) if key else None
        )
        row = rejection_row(
            item.url, item.source, stage, reason, str(exception)[:500] or None, item.status, self.run_id
        )
        self.store.add_rejection(row, frontier)
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
