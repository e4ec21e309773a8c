"""Feed exporters for ``scrapy crawl news -O items.jsonl`` (or ``.json``, ``.csv``).

An :class:`~corpus.crawl.items.ArticleItem` carries the raw HTML and worker results (bytes of a MinHash
signature, dataclasses) that no feed format can hold, and a rejection item is not an article.
These exporters write each stored article as its public record, the same object as a line of
``crimecorpus export`` JSONL (``corpus.outputs.export.article_record``), and leave rejections out (they
are in the database's ``rejections`` table).
"""

from __future__ import annotations

import json
from typing import Any

from scrapy.exporters import CsvItemExporter, JsonItemExporter, JsonLinesItemExporter

from corpus.crawl.items import ArticleItem
from corpus.outputs.export import article_record
from corpus.store.models import Article


def public_record(item: Any) -> dict[str, Any] | None:
    """The export record of an article item, or None for anything that is not a stored article.

    Built from the very row the store pipeline wrote. The near-duplicate marks
    (``duplicate_of``, ``is_representative``) are decided over the whole corpus when the crawl
    closes, so a feed written during the crawl has them as at the time of writing: not a copy,
    its own representative; ``crimecorpus export`` gives the final ones.
    """
    if not isinstance(item, ArticleItem) or not item.id or item.text is None:
        return None
    from corpus.crawl.items import article_row

    return article_record(Article(**article_row(item, None)))


class ArticleJsonLinesExporter(JsonLinesItemExporter):
    """One public record per line (``jsonl``, ``jsonlines``, ``jl``)."""

    def export_item(self, item: Any) -> None:
        record = public_record(item)
        if record is not None:
            super().export_item(record)


class ArticleJsonExporter(JsonItemExporter):
    """A JSON array of public records (``json``)."""

    def export_item(self, item: Any) -> None:
        record = public_record(item)
        if record is not None:
            super().export_item(record)


class ArticleCsvExporter(CsvItemExporter):
    """One row per article (``csv``); lists and objects (places, persons, categories) as JSON."""

    def export_item(self, item: Any) -> None:
        record = public_record(item)
        if record is not None:
            flat = {
                k: json.dumps(v, ensure_ascii=False) if isinstance(v, (list, dict)) else v
                for k, v in record.items()
            }
            super().export_item(flat)
