"""Pipeline: crime relevance, categories, justice stage, places and persons of each Dutch article."""

from __future__ import annotations

from typing import Any

from corpus.annotate import annotate
from corpus.items import ArticleItem


class ClassifyPipeline:
    """Annotates every article; nothing is dropped here (``export`` filters on ``is_crime``)."""

    def __init__(self, stats: Any) -> None:
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Any) -> ClassifyPipeline:
        return cls(crawler.stats)

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, ArticleItem):
            return item
        analysis = item.extra.get("analysis")
        crime = analysis.crime if analysis and analysis.crime is not None else None
        if crime is None:  # an item that did not go through the worker pool
            crime = annotate(item.title, item.text, item.url, item.country)
        item.extra["crime"] = crime
        self.stats.inc_value("corpus/crime" if item.extra["crime"]["is_crime"] else "corpus/not_crime")
        return item
