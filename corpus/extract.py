"""Main text and metadata of a news page, by trafilatura, plus the head fields later stages need."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import lxml.html
import trafilatura
from lxml import etree

from corpus.dates import PublishedDate, find_published
from corpus.text import clean_text


@dataclass(frozen=True)
class ExtractedArticle:
    """What one page yields: text and metadata, plus head hints for the language and date stages."""

    text: str
    title: str | None
    author: str | None
    published: dt.date | None
    description: str | None = None
    sitename: str | None = None
    html_lang: str | None = None
    og_locale: str | None = None
    canonical_url: str | None = None
    date: PublishedDate | None = None  # the full date decision: day, time, source, confidence


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


def extract_article(
    html: str | bytes,
    url: str,
    *,
    feed_date: str | None = None,
    sitemap_date: str | None = None,
    country: str = "nl",
) -> ExtractedArticle | None:
    """Extract the article on a page, or None when the page holds no main text.

    The publication date comes from :func:`corpus.dates.find_published` (all the evidence,
    Dutch date formats, the discovery dates when given), not from trafilatura's metadata, whose
    month table lacks Dutch names and falls back to a silent January 1st. Deciding whether the
    text is an *article* (and not a listing, consent wall or gallery) is a separate stage
    (:mod:`corpus.pagekind`); this function only extracts.
    """
    tree = parse_html(html)
    if tree is None:
        return None
    hints = head_hints(tree)
    # Dates first: trafilatura prunes the tree it is given.
    date = find_published(tree, url, feed_date=feed_date, sitemap_date=sitemap_date, country=country)
    try:
        doc = trafilatura.bare_extraction(
            tree,
            url=url,
            with_metadata=True,
            include_comments=False,
            include_tables=True,
            # The date is decided by corpus.dates; trafilatura's own (discarded) date search is
            # kept to its quick mode.
            date_extraction_params={"extensive_search": False, "original_date": True},
        )
    except (ValueError, TypeError, etree.LxmlError):
        return None
    if doc is None or not (doc.text or "").strip():
        return None
    title = (doc.title or "").strip() or None
    text = _strip_title_line(clean_text(doc.text), title)
    return ExtractedArticle(
        text=text,
        title=title,
        author=(doc.author or "").strip() or None,
        published=date.day,
        description=(doc.description or "").strip() or None,
        sitename=(doc.sitename or "").strip() or None,
        date=date,
        **hints,
    )
