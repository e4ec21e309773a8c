"""Pipeline: near-duplicate clusters across the whole stored corpus (MinHash + LSH), nothing dropped."""

from __future__ import annotations

from typing import Any

from corpus.crawl.items import ArticleItem
from corpus.crawl.runner import STORE_ERRORS, fail_crawl
from corpus.dedup.neardup import THRESHOLD
from corpus.store.clusters import ClusterState, refresh_representatives
from corpus.store.models import Article
from corpus.store.storage import crawler_store
from pipelines.closing import refresh_at_close
from pipelines.drops import Interrupted


class NearDupPipeline:
    """Gives every article a ``cluster_id``; representatives are chosen when the crawl closes."""

    def __init__(self, crawler: Any, threshold: float) -> None:
        self.crawler = crawler
        self.threshold = threshold
        self.state: ClusterState | None = None
        self.touched: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Any) -> NearDupPipeline:
        return cls(crawler, crawler.settings.getfloat("CORPUS_NEARDUP_THRESHOLD", THRESHOLD))

    def open_spider(self) -> None:
        self.state = ClusterState.load(crawler_store(self.crawler).engine, self.threshold)

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, ArticleItem) or self.state is None:
            return item
        sig = item.extra["analysis"].minhash
        cluster_id, merged = self.state.assign(item.id, sig, item.title)
        item.extra["neardup"] = {"minhash": sig, "cluster_id": cluster_id}
        if merged:
            try:
                crawler_store(self.crawler).merge_clusters(merged, cluster_id)
            except STORE_ERRORS as exc:
                # The store failed (here or earlier): stop the crawl, drop the item quietly, as
                # the storing stage does, instead of a traceback per item still in flight.
                fail_crawl(self.crawler, exc)
                raise Interrupted("the store failed; the crawl is stopping") from None
            self.crawler.stats.inc_value("corpus/neardup/merged", len(merged))
        if self.state.cluster_size(item.id) > 1:
            self.crawler.stats.inc_value("corpus/neardup/in_cluster")
        self.touched.add(cluster_id)
        return item

    def close_spider(self) -> None:
        refresh_at_close(self.crawler, Article.cluster_id, self.touched, refresh_representatives)
