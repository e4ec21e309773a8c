"""Pipeline: crime relevance, categories, justice stage, places and persons of each Dutch article."""

from __future__ import annotations

from typing import Any

from corpus.crawl.items import ArticleItem


class ClassifyPipeline:
    """Stores the annotations the worker pool computed; nothing is dropped here (``export`` filters)."""

    def __init__(self, stats: Any) -> None:
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Any) -> ClassifyPipeline:
        return cls(crawler.stats)

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, ArticleItem):
            return item
        item.extra["crime"] = item.extra["analysis"].crime
        self.stats.inc_value("corpus/crime" if item.extra["crime"]["is_crime"] else "corpus/not_crime")
        return item
