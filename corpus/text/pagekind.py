"""Is a page an article? Sitemaps and listings also lead to sections, consent walls and galleries."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

import lxml.html

from corpus.text.normalise import word_count

MIN_ARTICLE_WORDS = 40
"""Fewer words than this is a stub, a teaser or an error page, not an article a researcher can use."""

_CONSENT = re.compile(
    r"\b(toestemming|cookie-?instellingen|cookies? (accepteren|toestaan)|akkoord gaan|"
    r"privacy-?instellingen|consent|privacyverklaring|cookiebeleid|tracking cookies|"
    r"wij vragen je|we vragen je|jouw keuze|uw keuze)\b",
    re.IGNORECASE,
)
_GALLERY_URL = re.compile(r"/(foto(serie|s|album)?|fotoserie|galerij|gallery|video|beeld)(/|$|-)", re.I)
_ARTICLE_TYPES = re.compile(r'"@type"\s*:\s*"(News|Report|Blog)?(Article|Posting)"')


def prose_words(text: str) -> int:
    """Words in lines that read as sentences (eight words or more).

    When a page has no real article, trafilatura's fallback returns the page's menus, breadcrumbs
    and bylines: many words, but in short lines. Counting only sentence-length lines sees through it.
    """
    return sum(n for n in (word_count(line) for line in text.splitlines()) if n >= 8)


@dataclass(frozen=True)
class PageKind:
    """The verdict and the reason, so a rejection can say why."""

    kind: str  # "article" | "listing" | "consent" | "gallery" | "empty" | "not_prose" (corpus.text.prose)
    reason: str

    @property
    def is_article(self) -> bool:
        return self.kind == "article"


def _link_words(tree: lxml.html.HtmlElement) -> tuple[int, int]:
    links = tree.xpath("//body//a[@href]")
    words = sum(word_count(a.text_content()) for a in links)
    return len(links), words


def classify_page(html_tree: lxml.html.HtmlElement | None, text: str, url: str) -> PageKind:
    """Decide what kind of page this is from the extracted text and the page around it.

    The rules are ordered from the cheapest and surest: too little text; a consent wall (short text
    dominated by consent vocabulary); a gallery (many figures, little text); a listing (a body
    made mostly of link text and no article markup). Anything else is an article.
    """
    words = prose_words(text)
    consent_hits = len(_CONSENT.findall(text))
    if words < 200 and consent_hits >= 2:
        return PageKind("consent", f"consent wall: {consent_hits} consent phrases in {words} words")
    if html_tree is None:
        return (
            PageKind("empty", "no parsable HTML")
            if words < MIN_ARTICLE_WORDS
            else PageKind("article", "text only")
        )
    figures = len(html_tree.xpath("//body//figure")) or len(html_tree.xpath("//body//img")) // 2
    path = urlsplit(url).path
    if figures >= 6 and words < 40 * figures and (words < 250 or _GALLERY_URL.search(path)):
        return PageKind("gallery", f"gallery: {figures} figures, {words} words")
    if words < MIN_ARTICLE_WORDS:
        return PageKind("empty", f"{words} words of running text (minimum {MIN_ARTICLE_WORDS})")
    jsonld = " ".join(html_tree.xpath("//script[@type='application/ld+json']/text()"))
    article_markup = bool(
        _ARTICLE_TYPES.search(jsonld)
        or html_tree.xpath("//meta[@property='og:type'][@content='article']")
        or html_tree.xpath("//meta[@property='article:published_time']")
    )
    if article_markup:
        return PageKind("article", f"{words} words")
    # Link text is counted only without article markup: on a news page's mega-menus it is the
    # costliest check here, and only a page without the markup can be a listing.
    n_links, link_words = _link_words(html_tree)
    body_words = word_count(html_tree.xpath("string(//body)")) or 1
    link_share = link_words / body_words
    if n_links >= 12 and link_share > 0.45:
        return PageKind("listing", f"listing: {n_links} links carry {link_share:.0%} of the words")
    if path.rstrip("/") in ("",) and n_links >= 12:
        return PageKind("listing", "home page")
    return PageKind("article", f"{words} words")
