"""Main text and metadata of a news page, by trafilatura, plus the head fields later stages need."""

from __future__ import annotations

import contextlib
import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import lxml.html
import trafilatura
from lxml import etree
from trafilatura.metadata import (
    examine_meta,
    extract_author,
    extract_meta_json,
    extract_title,
)

from corpus.text import jsonld, liveblog, paywall, photos
from corpus.text.context import PageContext
from corpus.text.dates import COUNTRY_TZ, DEFAULT_TZ, PublishedDate, find_published
from corpus.text.normalise import clean_text
from corpus.text.tidy import tidy_article


@dataclass(frozen=True)
class ExtractedArticle:
    """What one page yields: text and metadata, plus head hints for the language and date stages."""

    text: str
    title: str | None
    author: str | None
    published: dt.date | None
    description: str | None = None
    html_lang: str | None = None
    og_locale: str | None = None
    canonical_url: str | None = None
    date: PublishedDate | None = None  # the full date decision: day, time, source, confidence
    # How complete the text is (paywalls), and a live blog's entries; the kind of news item
    # (article, photo, liveblog) is the page-kind stage's decision (corpus.text.pagekind).
    paywalled: bool = False
    text_complete: str = "full"  # full | teaser
    entries: tuple[LiveEntry, ...] = ()  # a live blog's entries, in page order
    photo_story: photos.Photos | None = None  # the figures and captions, when they tell the story
    # Bylines and credits (corpus.text.tidy): the authors as a list, the news agency credited.
    authors: tuple[str, ...] = ()
    agency: str | None = None


@dataclass(frozen=True)
class LiveEntry:
    """One entry of a live blog: when it was posted (ISO 8601, None when the page gives no time)
    and its text."""

    at: str | None
    text: str


def parse_html(html: str | bytes) -> lxml.html.HtmlElement | None:
    """Parse a page leniently; None when there is nothing an HTML parser can use."""
    if isinstance(html, str):
        html = html.encode("utf-8", "surrogatepass")
    if not html.strip():
        return None
    try:
        parser = lxml.html.HTMLParser(encoding="utf-8", remove_comments=True)
        return lxml.html.fromstring(html, parser=parser)
    except (etree.ParserError, ValueError):
        return None


def _first(tree: lxml.html.HtmlElement, xpath: str) -> str | None:
    for value in tree.xpath(xpath):
        value = str(value).strip()
        if value:
            return value
    return None


def head_hints(tree: lxml.html.HtmlElement) -> dict[str, str | None]:
    """``<html lang>``, og:locale and the canonical link: evidence trafilatura does not return."""
    root = tree.getroottree().getroot()
    return {
        "html_lang": (root.get("lang") or root.get("xml:lang") or "").strip() or None,
        "og_locale": _first(tree, "//meta[@property='og:locale']/@content"),
        "canonical_url": _first(tree, "//link[@rel='canonical']/@href"),
    }


def _strip_title_line(text: str, title: str | None) -> str:
    # trafilatura keeps the headline as the first line; the corpus layout is the body alone
    # (the title has its own field), so a first line equal to the title goes.
    if not title:
        return text
    first, _, rest = text.partition("\n")
    if first.strip().casefold() == title.strip().casefold() and rest.strip():
        return rest.strip()
    return text


FALLBACK_BELOW_CHARS = 1000
"""A fast extraction at least this long is kept without consulting the fallback extractors."""
FALLBACK_ALWAYS_BELOW_CHARS = 250
"""Below this, trafilatura's own minimum, the fallback extractors are always consulted."""
FALLBACK_PARAGRAPH_RATIO = 2.0
"""... and in between, when the page's paragraphs hold this many times the extracted text."""


def paragraph_chars(tree: lxml.html.HtmlElement) -> int:
    """Characters of text in the page's outermost ``<p>`` elements: prose an extractor can miss."""
    total = 0
    for p in tree.iter("p"):
        if p.getparent() is not None and next(p.iterancestors("p"), None) is None:
            total += len(" ".join(p.text_content().split()))
    return total


def needs_fallback(text: str, tree: lxml.html.HtmlElement) -> bool:
    """Whether a fast extraction looks short of the page's prose, so readability and jusText
    should be consulted.

    trafilatura's default cascade runs both fallback extractors on every page; on news pages
    with large menus they cost twice its main extractor, and they rarely change a long result.
    Measured on trafilatura-eval (``bench/extraction.py``), this gate runs them on about one page
    in twenty and keeps the F1 of the full cascade.
    """
    n = len(text)
    if n < FALLBACK_ALWAYS_BELOW_CHARS:
        return True
    return n < FALLBACK_BELOW_CHARS and paragraph_chars(tree) > FALLBACK_PARAGRAPH_RATIO * n


def _text_of(doc: object) -> str:
    """The text of what ``bare_extraction`` returned (a Document; None when it found nothing)."""
    return getattr(doc, "text", None) or ""


def _main_text(tree: lxml.html.HtmlElement, url: str) -> str | None:
    """The main text: trafilatura's fast cascade, then the full one where :func:`needs_fallback`."""
    options: dict[str, Any] = {
        "url": url,
        "with_metadata": False,
        "include_comments": False,
        "include_tables": True,
    }
    text = _text_of(trafilatura.bare_extraction(tree, fast=True, **options))
    if needs_fallback(text, tree):
        full_text = _text_of(trafilatura.bare_extraction(tree, fast=False, **options))
        if full_text.strip():
            text = full_text
    return text if text.strip() else None


def _clean(value: str | None) -> str | None:
    return (value or "").strip() or None


def page_metadata(tree: lxml.html.HtmlElement) -> dict[str, str | None]:
    """Title, author and description, by trafilatura's own metadata rules.

    trafilatura's ``extract_metadata`` also searches the date (decided here by
    :mod:`corpus.text.dates`), site name, categories, tags and a licence, which no stage stores and
    which together cost more than the fields kept; this runs its rules for the kept fields only,
    in the same order.
    """
    meta = examine_meta(tree)
    if meta.author and " " not in meta.author:
        meta.author = None
    # trafilatura guards its own JSON-LD parser the same way: broken JSON-LD is no metadata.
    with contextlib.suppress(Exception):
        meta = extract_meta_json(tree, meta)
    meta.title = meta.title or extract_title(tree)
    meta.author = meta.author or extract_author(tree)
    meta.clean_and_trim()  # entities, white space and length, as trafilatura leaves them
    return {
        "title": _clean(meta.title),
        "author": _clean(meta.author),
        "description": _clean(meta.description),
    }


def complete_text(visible: str, wall: paywall.Paywall, description: str | None) -> tuple[str, str]:
    """The article's text and whether it is complete (``full``) or a paywall's ``teaser``.

    The JSON-LD ``articleBody`` replaces the visible text when it holds more of the article on a
    paywalled page (which shows a teaser and gives search engines the rest), or when the visible
    text has less than half of it (the extractor missed the article). On a free page where both
    tell the article at similar length, the visible text stays: bodies may carry captions,
    'read also' lines or another text (measured on trafilatura-eval, ``bench/extraction.py``). A
    paywalled page without that body, whose paid part is not in the HTML either (named by
    ``hasPart``, or visible text longer than any teaser), yields its lead alone, as a teaser.
    """
    body = wall.body
    wanted = body and (wall.paywalled or paywall.visible_misses_most(body, visible))
    if body and wanted and paywall.longer_than(body, visible):
        return paywall.with_lead(paywall.keep_page_paragraphs(body, visible), visible, description), "full"
    if wall.paywalled and not wall.served and not paywall.visible_is_whole(visible):
        return paywall.teaser_text(visible, description), "teaser"
    return visible, "full"


def extract_article(
    html: str | bytes | lxml.html.HtmlElement,
    url: str,
    context: PageContext | None = None,
    *,
    source: str | bytes | None = None,
    **fields: Any,
) -> ExtractedArticle | None:
    """Extract the article on a page (HTML or an already parsed tree, left unchanged), or None
    when the page holds no main text.

    ``context`` carries the outlet's country and the discovery dates (its fields may also be
    given as keywords: ``country="be"``). ``source`` is the HTML a given tree was parsed from,
    which lets cheap text searches spare walks of the tree.

    The publication date comes from :func:`corpus.text.dates.find_published` (all the evidence,
    Dutch date formats, the discovery dates when given), not from trafilatura's metadata, whose
    month table lacks Dutch names and falls back to a silent January 1st. Deciding whether the
    text is an *article* (and not a listing, consent wall or gallery) is a separate stage
    (:mod:`corpus.text.pagekind`); this function only extracts, and says how complete the text is:
    a paywalled page's full text from its JSON-LD, else its teaser (:func:`complete_text`); a live
    blog's entries (:mod:`corpus.text.liveblog`) and a photo story's captions
    (:mod:`corpus.text.photos`) are part of the text.
    """
    context = PageContext.of(context, **fields)
    if isinstance(html, lxml.html.HtmlElement):
        tree = html
    else:
        tree, source = parse_html(html), html
    if tree is None:
        return None
    try:
        raw = _main_text(tree, url)  # trafilatura works on its own copy of the tree
    except (ValueError, TypeError, etree.LxmlError):
        return None
    nodes = jsonld.objects(tree)  # read once; the paywall, live-blog and byline steps share them
    wall = paywall.detect(tree, url, nodes, source)
    if raw is None and wall.body is None and not wall.paywalled:
        return None
    hints = head_hints(tree)
    date = find_published(tree, url, context)
    meta = page_metadata(tree)
    title = meta["title"]
    visible = _strip_title_line(clean_text(raw), title) if raw else ""
    text, complete = complete_text(visible, wall, meta["description"])
    if not text and not wall.paywalled:
        return None
    tz = COUNTRY_TZ.get(context.country.lower(), DEFAULT_TZ)
    entries = tuple(
        LiveEntry(at, body) for at, body in liveblog.live_entries(tree, text, date.day, tz, nodes)
    )
    # Found once here; the page-kind stage reads the result (ExtractedArticle.photo_story).
    found = photos.page_photos(tree)
    story = found if photos.is_photo_story(found) else None
    if entries:
        # trafilatura's JSON-LD reader takes the last headline it meets, an entry's on a live blog.
        title = _clean(jsonld.text_of((jsonld.main_news(tree, url, nodes) or {}).get("headline"))) or title
        text = _strip_title_line(liveblog.text_with_entries(text, [(e.at, e.text) for e in entries]), title)
    elif story is not None:
        text = photos.story_text(story)
    article = ExtractedArticle(
        text=text,
        title=title,
        author=meta["author"],
        published=date.day,
        description=meta["description"],
        date=date,
        paywalled=wall.paywalled,
        text_complete=complete,
        entries=entries,
        photo_story=story,
        html_lang=hints["html_lang"],
        og_locale=hints["og_locale"],
        canonical_url=hints["canonical_url"],
    )
    return tidy_article(article, tree, nodes)


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


@lru_cache(maxsize=8)
def _reaches(depth: int) -> etree.XPath:
    """An XPath that is true when the tree holds a node ``depth`` levels deep (the tree is level 1).

    libxml2 walks the levels in C; :func:`tree_depth` calls back into Python for every element
    of the page, which on a page of a thousand menu links cost as much as its dates.
    ``node()[not(self::text())]``: elements, comments and processing instructions, the nodes
    ``etree.iterwalk`` counts."""
    return etree.XPath("boolean(" + "*/" * (depth - 2) + "node()[not(self::text())])")


def deeper_than(tree: Any, max_depth: int) -> bool:
    """Whether ``tree_depth(tree) >= max_depth``, without walking the tree in Python."""
    if max_depth <= 2:
        return tree_depth(tree) >= max_depth
    return bool(_reaches(max_depth)(tree))


@dataclass(frozen=True)
class Outcome:
    """An extracted article, or None with the reason and detail of the refusal."""

    article: ExtractedArticle | None
    reason: str | None = None
    detail: str = ""


def checked_extract(
    html: str | bytes | lxml.html.HtmlElement | None,
    url: str,
    context: PageContext | None = None,
    max_depth: int = MAX_DEPTH,
    *,
    source: str | bytes | None = None,
) -> Outcome:
    """Refuse a page too deep to parse faithfully (``too_deep``), else extract it.

    libxml2 stops building the tree at 256 levels and silently drops everything nested deeper,
    so such a page would be stored with text missing. ``html`` may be a tree already parsed by
    :func:`parse_html`: a page is parsed once for the depth check, extraction and later stages.
    Size and time limits are the caller's (the analysis pipeline and the worker pool).
    """
    if isinstance(html, (str, bytes)):
        tree, source = parse_html(html), html
    else:
        tree = html
    if tree is not None and deeper_than(tree, max_depth):
        depth = tree_depth(tree)  # the exact figure, for the refusal's detail only
        return Outcome(None, "too_deep", f"elements nested {depth} deep (limit {max_depth})")
    article = extract_article(tree, url, context, source=source) if tree is not None else None
    return Outcome(article, None if article else "no_text", "" if article else "no main text found")
