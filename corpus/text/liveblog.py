"""Live blogs: a page of timestamped entries, read as entries (time and text) instead of one story.

A live blog (NOS, NU.nl, the regional broadcasters, VRT NWS) is one URL that grows for hours: a
short lead, then entries newest first, each with its time. Two ways to see them: the page's
``LiveBlogPosting`` JSON-LD, whose ``liveBlogUpdate`` lists the entries with ``datePublished``;
or, without it, repeated sibling blocks of the same element and class, each holding a time
(``<time>``, or a time of day such as '14:32' / '14.32 uur') and text of its own.

Blocks that are teasers (a headline link to another page) or reader comments are not entries: a
section page lists teasers with times, and comments are timestamped too. Entries must also be
text the main-text extractor kept, which comments never are.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import lxml.html

from corpus.text import jsonld
from corpus.text.normalise import clean_text, normalise_for_hash, word_count

MIN_ENTRIES = 3
"""Sibling blocks with a time needed before a page without LiveBlogPosting JSON-LD is a live blog."""
MIN_ENTRY_WORDS = 5
"""Words of its own an entry block needs (beyond its time): a bare timestamp is no entry."""
MIN_IN_TEXT = 0.5
"""Share of HTML entries whose text the main text must hold (comments and widgets hold none)."""
_CLOCK = re.compile(r"(?<![\d:.])([01]?\d|2[0-3])[:.u]([0-5]\d)(?![\d:])(\s*uur)?")
_NOT_ENTRY = re.compile(r"comment|reactie|reacties|respons", re.IGNORECASE)
_CHROME = frozenset({"nav", "header", "footer", "aside"})
_TEXT_TAGS = ("p", "h2", "h3", "h4", "li", "blockquote")


def _iso(value: object, zone: ZoneInfo | None = None) -> str | None:
    """An ISO 8601 timestamp as given (normalised), or None when it cannot be read as one."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip().replace("Z", "+00:00")
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None and zone is not None:
        moment = moment.replace(tzinfo=zone)
    return moment.isoformat(timespec="seconds" if moment.second else "minutes")


def _from_jsonld(
    tree: lxml.html.HtmlElement, zone: ZoneInfo, nodes: list[dict[str, Any]] | None
) -> list[tuple[str | None, str]] | None:
    """Entries of the page's LiveBlogPosting, or None when the page has none."""
    for node in jsonld.objects(tree) if nodes is None else nodes:
        if "LiveBlogPosting" not in jsonld.types(node):
            continue
        updates = node.get("liveBlogUpdate")
        updates = updates if isinstance(updates, list) else [updates]
        entries = []
        for update in updates:
            if not isinstance(update, dict):
                continue
            headline = clean_text(jsonld.plain_text(jsonld.text_of(update.get("headline")) or ""))
            body = clean_text(jsonld.plain_text(jsonld.text_of(update.get("articleBody")) or ""))
            if headline and not normalise_for_hash(body).startswith(normalise_for_hash(headline)):
                body = f"{headline}\n{body}" if body else headline
            if body:
                entries.append((_iso(update.get("datePublished"), zone), clean_text(body)))
        return entries
    return None


def _block_text(block: lxml.html.HtmlElement, skip: set[Any]) -> str:
    """The block's text, one line per paragraph, without its time."""
    lines = []
    parts = [el for el in block.iter(*_TEXT_TAGS) if not any(a.tag in _TEXT_TAGS for a in el.iterancestors())]
    for el in parts or [block]:
        if el in skip:
            continue
        pieces = []
        for node in el.iter():
            if node in skip:
                continue
            if node.text and not any(a in skip for a in node.iterancestors()):
                pieces.append(node.text)
            if node is not el and node.tail and not any(a in skip for a in node.iterancestors()):
                pieces.append(node.tail)
        line = " ".join(" ".join(pieces).split())
        if line:
            lines.append(line)
    return "\n".join(lines)


def _time_of(block: lxml.html.HtmlElement) -> tuple[lxml.html.HtmlElement | None, str | None]:
    """The block's time element (or the element whose class names a time) and its value."""
    times = block.xpath(".//time | .//*[contains(@class, 'time') or contains(@class, 'tijd')]")
    for el in times:
        value = el.get("datetime")
        if value:
            return el, value
        text = " ".join(el.text_content().split())
        if _CLOCK.fullmatch(text) or (_CLOCK.search(text) and word_count(text) <= 3):
            return el, text
    return None, None


def _is_teaser(block: lxml.html.HtmlElement) -> bool:
    """A block whose headline links elsewhere, or that is mostly one link: a teaser, not an entry."""
    if block.xpath(".//h2//a[@href] | .//h3//a[@href] | .//h4//a[@href] | .//a[@href][.//h2 or .//h3]"):
        return True
    words = word_count(block.text_content())
    return any(2 * word_count(a.text_content()) >= words for a in block.iter("a"))


def _candidates(tree: lxml.html.HtmlElement) -> Iterator[list[lxml.html.HtmlElement]]:
    """Groups of sibling blocks with the same tag and class, in page order."""
    body = tree.find("body")
    groups: dict[tuple[Any, str, str], list[lxml.html.HtmlElement]] = defaultdict(list)
    for el in (body if body is not None else tree).iter("article", "div", "li", "section"):
        parent = el.getparent()
        if parent is None:
            continue
        groups[(parent, el.tag, el.get("class") or "")].append(el)
    for members in groups.values():
        if len(members) >= MIN_ENTRIES:
            yield members


def _clock_moment(value: str, day: dt.date | None, zone: ZoneInfo) -> str | None:
    """A datetime attribute as ISO 8601, or a time of day on the page's day ('14.32 uur')."""
    iso = _iso(value, zone)
    if iso is not None:
        return iso
    match = _CLOCK.search(value)
    if match is None or day is None:
        return None
    moment = dt.datetime(day.year, day.month, day.day, int(match.group(1)), int(match.group(2)), tzinfo=zone)
    return moment.isoformat(timespec="minutes")


def _from_html(
    tree: lxml.html.HtmlElement, main_text: str, day: dt.date | None, zone: ZoneInfo
) -> list[tuple[str | None, str]]:
    best: list[tuple[str | None, str]] = []
    text_key: str | None = None  # normalised once, and only for a page with entry-like blocks
    for members in _candidates(tree):
        entries = []
        for block in members:
            if any(
                a.tag in _CHROME or _NOT_ENTRY.search(a.get("class") or "") for a in block.iterancestors()
            ):
                break
            if _NOT_ENTRY.search(f"{block.get('class') or ''} {block.get('id') or ''}") or _is_teaser(block):
                break
            time_el, value = _time_of(block)
            if time_el is None or value is None:
                break
            text = _block_text(block, {time_el})
            if word_count(text) < MIN_ENTRY_WORDS:
                break
            entries.append((_clock_moment(value, day, zone), text))
        else:
            if text_key is None:
                text_key = normalise_for_hash(main_text)
            kept = sum(
                all(
                    normalise_for_hash(line) in text_key for line in text.split("\n") if word_count(line) >= 3
                )
                for _, text in entries
            )
            if kept >= MIN_IN_TEXT * len(entries) and len(entries) > len(best):
                best = entries
    return best


def live_entries(
    tree: lxml.html.HtmlElement,
    main_text: str,
    day: dt.date | None = None,
    tz: str = "Europe/Amsterdam",
    nodes: list[dict[str, Any]] | None = None,
) -> list[tuple[str | None, str]]:
    """The page's live-blog entries as (ISO 8601 time or None, text), in page order; [] for none.

    ``day`` is the page's publication day in the outlet's time zone ``tz``: an entry that shows
    only a time of day ('14:32') is dated on it. ``nodes``: the page's JSON-LD objects, when the
    caller has parsed them.
    """
    zone = ZoneInfo(tz)
    entries = _from_jsonld(tree, zone, nodes)
    if entries:
        return entries
    return _from_html(tree, main_text, day, zone)


def _held(body: str, key: str) -> bool:
    """Whether the text (as ``key``) holds an entry: at least half of its lines of three words and
    more (an extractor may drop a link line or run a headline into the text)."""
    lines = [normalise_for_hash(line) for line in body.split("\n") if word_count(line) >= 3]
    lines = lines or [normalise_for_hash(body)]
    return 2 * sum(line in key for line in lines) >= len(lines)


def text_with_entries(text: str, entries: list[tuple[str | None, str]]) -> str:
    """The live blog's text holding every entry: the extracted text, then each entry it lacks (a
    page that builds its entries by script has them only in its JSON-LD), one paragraph each."""
    key = normalise_for_hash(text)
    missing = [body for _, body in entries if not _held(body, key)]
    return clean_text("\n".join([text, *missing])) if missing else text
