"""A page's JSON-LD, read once: the objects it describes and the page's own news article among them.

Paywall detection, the full text of a paywalled article and a live blog's entries all read the
same ``<script type="application/ld+json">`` blocks; this module parses them leniently (broken
JSON is skipped, control characters inside strings are tolerated, ``@graph`` and lists are
flattened) so each reader only looks up fields.
"""

from __future__ import annotations

import html as htmllib
import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import lxml.html

_NEWS_TYPE = re.compile(r"(Article|BlogPosting|LiveBlogPosting|Report)$")
"""schema.org types of a news item: NewsArticle, ReportageNewsArticle, BlogPosting, LiveBlogPosting ..."""
MAX_DEPTH = 6
"""Nesting followed when flattening; news markup is never deeper, generated junk can be."""


def types(node: dict[str, Any]) -> list[str]:
    """The node's ``@type`` values as a list (schema.org allows a string or a list)."""
    value = node.get("@type")
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


def is_news(node: dict[str, Any]) -> bool:
    """Whether the node describes a news item (an article, a blog or live-blog posting)."""
    return any(_NEWS_TYPE.search(t) for t in types(node))


def _flatten(value: object, depth: int = 0) -> Iterator[dict[str, Any]]:
    if depth > MAX_DEPTH:
        return
    if isinstance(value, list):
        for item in value:
            yield from _flatten(item, depth + 1)
    elif isinstance(value, dict):
        yield value
        if "@graph" in value:
            yield from _flatten(value["@graph"], depth + 1)


def objects(tree: lxml.html.HtmlElement) -> list[dict[str, Any]]:
    """The top-level JSON-LD objects of the page (``@graph`` members included), in page order."""
    found: list[dict[str, Any]] = []
    # The type attribute in any case ("application/LD+JSON" occurs), and a CDATA wrapper removed.
    for script in tree.xpath("//script[contains(translate(@type, 'LDJSON', 'ldjson'), 'ld+json')]"):
        raw = (script.text or "").strip().removeprefix("<![CDATA[").removesuffix("]]>").strip()
        if not raw:
            continue
        try:
            data = json.loads(raw, strict=False)  # strict=False: raw newlines inside strings
        except (ValueError, RecursionError):
            continue
        found.extend(_flatten(data))
    return found


def _urls(node: dict[str, Any]) -> Iterator[str]:
    for key in ("url", "@id", "mainEntityOfPage"):
        value = node.get(key)
        if isinstance(value, dict):
            value = value.get("@id") or value.get("url")
        if isinstance(value, str):
            yield value


def _key(url: str) -> str:
    parts = urlsplit(url)
    return f"{(parts.hostname or '').removeprefix('www.')}{parts.path.rstrip('/')}"


def main_news(
    tree: lxml.html.HtmlElement, url: str, nodes: list[dict[str, Any]] | None = None
) -> dict[str, Any] | None:
    """The page's own news item: the news object whose URL is the page's, else the first one.

    ``nodes`` are the page's :func:`objects` when the caller has them already (parsed once a page).

    A page can also describe other articles (a related list, an ItemList of teasers); those name
    other URLs, so an object naming this page wins over page order.
    """
    news = [node for node in (objects(tree) if nodes is None else nodes) if is_news(node)]
    if not news:
        return None
    own = {_key(url)}
    own.update(_key(c) for c in tree.xpath("//link[@rel='canonical']/@href") if isinstance(c, str))
    for node in news:
        if any(_key(u) in own for u in _urls(node) if "//" in u):
            return node
    return news[0]


def text_of(value: object) -> str | None:
    """A JSON-LD text field as a string (schema.org allows a list of strings), or None."""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        parts = [v for v in value if isinstance(v, str)]
        return "\n".join(parts) if parts else None
    return None


def is_false(value: object) -> bool:
    """Whether a schema.org Boolean says no: ``false``, ``"False"``, ``"false"`` (sites write all three)."""
    if isinstance(value, bool):
        return value is False
    return isinstance(value, str) and value.strip().casefold() in ("false", "no", "0")


_TAG = re.compile(r"<\s*/?\s*[a-zA-Z][^>]*>")
_BLOCK_END = re.compile(r"<\s*(/\s*(p|div|h[1-6]|li|blockquote)|br\s*/?)\s*>", re.IGNORECASE)


def plain_text(raw: str) -> str:
    """A JSON-LD text field as plain text: entities decoded, HTML tags gone, block ends as line breaks.

    Some CMSs put HTML in ``articleBody``, some escape it once more ('&amp;ccedil;', '&lt;p&gt;').
    """
    for _ in range(3):
        unescaped = htmllib.unescape(raw)
        if unescaped == raw:
            break
        raw = unescaped
    if _TAG.search(raw):
        raw = htmllib.unescape(_TAG.sub("", _BLOCK_END.sub("\n", raw)))
    return raw
