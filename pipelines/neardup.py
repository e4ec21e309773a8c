"""Pipeline: near-duplicate clusters across the whole stored corpus (MinHash + LSH), nothing dropped."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from corpus.crawl.items import ArticleItem
from corpus.store.clusters import ClusterState, refresh_representatives
from corpus.store.models import Article
from corpus.store.storage import crawler_engine
from pipelines.analysis import AnalysisPipeline
from pipelines.closing import refresh_at_close
from pipelines.dedup import DedupPipeline
from pipelines.order import check_after

if TYPE_CHECKING:
    from scrapy.crawler import Crawler


class NearDupPipeline:
    """Gives every article a ``cluster_id``; representatives are chosen when the crawl closes.

    Clusters merged by an article travel on it (``item.merged``) to the storing stage.
    """

    def __init__(self, crawler: Crawler, threshold: float) -> None:
        self.crawler = crawler
        self.threshold = threshold
        self.state: ClusterState | None = None
        self.touched: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> NearDupPipeline:
        check_after(crawler, cls, AnalysisPipeline, DedupPipeline)  # the MinHash, the article id
        return cls(crawler, crawler.settings.getfloat("CORPUS_NEARDUP_THRESHOLD"))

    def open_spider(self) -> None:
        self.state = ClusterState.load(crawler_engine(self.crawler), self.threshold)

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, ArticleItem) or self.state is None:
            return item
        assert item.minhash is not None, "the analysis stage gives every kept article its MinHash"
        cluster_id, merged = self.state.assign(item.id, item.minhash, item.title)
        item.cluster_id = cluster_id
        if merged:
            item.merged = frozenset(merged)
            self.crawler.stats.inc_value("corpus/neardup/merged", len(merged))
        if self.state.cluster_size(item.id) > 1:
            self.crawler.stats.inc_value("corpus/neardup/in_cluster")
        self.touched.add(cluster_id)
        return item

    def close_spider(self) -> None:
        refresh_at_close(self.crawler, Article.cluster_id, self.touched, refresh_representatives)
