"""Pipeline: keep articles; listings, consent walls, galleries and empty pages are rejected."""

from __future__ import annotations

from typing import Any

from corpus.crawl.items import ArticleItem
from pipelines.drops import NotAnArticle


class PageKindPipeline:
    """Applies the page-kind verdict the worker pool computed (``corpus.analyse``)."""

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, ArticleItem):
            return item
        verdict = item.extra["analysis"].page_kind
        item.page_kind = verdict.kind
        if not verdict.is_article:
            raise NotAnArticle(verdict.reason, reason=verdict.kind)
        return item
