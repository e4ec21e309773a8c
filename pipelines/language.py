"""Pipeline: keep Dutch; record the language, its probability and the nl-NL / nl-BE variant."""

from __future__ import annotations

from typing import Any

from corpus.crawl.items import ArticleItem
from pipelines.drops import NotDutch


class LanguagePipeline:
    """Applies the language decision the worker pool computed (``corpus.analyse``)."""

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, ArticleItem):
            return item
        result = item.extra["analysis"].language
        item.language = result.lang
        item.language_prob = round(result.probability, 4)
        item.language_variant = result.variant
        if not result.is_dutch:
            raise NotDutch(f"{result.lang} ({result.probability:.2f}): {'; '.join(result.evidence)}")
        return item
