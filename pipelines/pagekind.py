"""Pipeline: keep articles; listings, consent walls, galleries and empty pages are rejected."""

from __future__ import annotations

from typing import Any

from corpus.extract import parse_html
from corpus.items import ArticleItem
from corpus.pagekind import classify_page
from pipelines.drops import NotAnArticle


class PageKindPipeline:
    def process_item(self, item: Any) -> Any:
        if not isinstance(item, ArticleItem):
            return item
        analysis = item.extra.get("analysis")
        verdict = analysis.page_kind if analysis and analysis.page_kind else None
        if verdict is None:  # an item that did not go through the worker pool
            verdict = classify_page(parse_html(item.html), item.text, item.url)
        item.page_kind = verdict.kind
        if not verdict.is_article:
            raise NotAnArticle(verdict.reason, reason=verdict.kind)
        return item
