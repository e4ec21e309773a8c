"""Extraction that no page can hang: a size cap, a depth check and a killed-on-timeout worker.

- Size: pages over ``max_chars`` of HTML are refused before parsing (the pipeline does this).
- Depth: libxml2 stops building the tree at 256 levels and silently drops everything nested
  deeper, so a page nested that deep would be stored with text missing; it is refused as
  ``too_deep`` instead.
- Time and memory: extraction runs in a :class:`corpus.crawl.worker.TimedWorker`, killed past the
  timeout (``timeout``) or the address-space limit (``memory``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lxml import etree

from corpus.crawl.worker import TimedWorker, WorkerError
from corpus.text.extract import ExtractedArticle, extract_article, parse_html

MAX_DEPTH = 250
"""Deeper than this and libxml2 (limit 256) may already have dropped text."""


def tree_depth(tree: Any) -> int:
    """The deepest element nesting of a parsed page (the root is depth 1)."""
    depth = deepest = 0
    for event, _ in etree.iterwalk(tree, events=("start", "end")):
        if event == "start":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


@dataclass(frozen=True)
class Outcome:
    """An extracted article, or None with the reason and detail of the refusal."""

    article: ExtractedArticle | None
    reason: str | None = None
    detail: str = ""


def checked_extract(html: str | Any, url: str, max_depth: int = MAX_DEPTH, **options: Any) -> Outcome:
    """Refuse a page too deep to parse faithfully, else extract it (runs inside the worker).

    ``html`` may be a tree already parsed by :func:`corpus.text.extract.parse_html`: a page is parsed
    once for the depth check, extraction and the later stages.
    """
    tree = parse_html(html) if isinstance(html, (str, bytes)) else html
    if tree is not None:
        depth = tree_depth(tree)
        if depth >= max_depth:
            return Outcome(None, "too_deep", f"elements nested {depth} deep (limit {max_depth})")
    article = extract_article(tree, url, **options) if tree is not None else None
    return Outcome(article, None if article else "no_text", "" if article else "no main text found")


class SafeExtractor:
    """:func:`checked_extract` in a worker process killed past ``timeout`` seconds."""

    def __init__(self, timeout: float = 30.0, memory: int | None = 2 * 1024**3) -> None:
        self.worker = TimedWorker(timeout, memory_limit=memory)

    def start(self) -> None:
        self.worker.start()

    def extract(self, html: str, url: str, **options: Any) -> Outcome:
        try:
            return self.worker.call(checked_extract, html, url, **options)
        except WorkerError as exc:
            reason = {"timeout": "extract_timeout"}.get(exc.reason, exc.reason)
            return Outcome(None, reason, str(exc))

    def close(self) -> None:
        self.worker.close()
