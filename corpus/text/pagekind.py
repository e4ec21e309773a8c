"""Is a page an article? Sitemaps and listings also lead to sections, consent walls and galleries."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import unquote, urljoin, urlsplit

import lxml.html
from lxml import etree

from corpus.text import photos
from corpus.text.normalise import normalise_for_hash, word_count

if TYPE_CHECKING:
    from corpus.text.extract import ExtractedArticle

MIN_ARTICLE_WORDS = 40
"""Fewer words than this is a stub, a teaser or an error page, not an article a researcher can use."""
NEWS_KINDS = ("article", "photo", "liveblog")
"""The kinds of page the corpus keeps, stored as ``articles.kind``."""
MIN_LIVE_ENTRIES = 2
"""Entries a live blog needs (with :data:`MIN_ARTICLE_WORDS` words between them) to be kept as one."""
MIN_LEAD_WORDS = 8
"""Words of its own (outside the captions) a photo story needs: at least one sentence of lead."""
MIN_TEASER_WORDS = 15
"""Words a paywalled page's teaser needs, beside a title, to be stored: a lead, not a label."""

_CONSENT = re.compile(
    r"\b(toestemming|cookie-?instellingen|cookies? (accepteren|toestaan)|akkoord gaan|"
    r"privacy-?instellingen|consent|privacyverklaring|cookiebeleid|tracking cookies|"
    r"wij vragen je|we vragen je|jouw keuze|uw keuze)\b",
    re.IGNORECASE,
)
_GALLERY_URL = re.compile(r"/(foto(serie|s|album)?|fotoserie|galerij|gallery|video|beeld)(/|$|-)", re.I)
_ARTICLE_TYPES = re.compile(r'"@type"\s*:\s*"(News|Report|Blog)?(Article|Posting)"')
_COLLECTION_TYPES = re.compile(r'"@type"\s*:\s*\[?\s*"(CollectionPage|ItemList)"')

MIN_TEASERS = 4
"""Distinct other pages that teaser blocks must link to before a page can be a section page."""
MAX_TEASER_WORDS = 80
"""A block with more words than this is not a teaser (a whole article, a column of teasers)."""
MAX_TEASER_ELEMENTS = 120
"""Blocks with more elements are skipped before their text is read: they are not teasers either."""
_TEASER_CLASS = re.compile(r"teaser|card|tile", re.IGNORECASE)  # 'ArticleTeaser', 'NewsCard' too
_CHROME = frozenset({"nav", "header", "footer"})


def prose_words(text: str) -> int:
    """Words in lines that read as sentences (eight words or more).

    When a page has no real article, trafilatura's fallback returns the page's menus, breadcrumbs
    and bylines: many words, but in short lines. Counting only sentence-length lines sees through it.
    """
    return sum(n for n in (word_count(line) for line in text.splitlines()) if n >= 8)


@dataclass(frozen=True)
class PageKind:
    """The verdict and the reason, so a rejection can say why."""

    kind: str  # a NEWS_KINDS kind, or "listing" | "consent" | "gallery" | "empty" | "not_prose" (corpus.text.prose)
    reason: str

    @property
    def is_article(self) -> bool:
        """Whether the page is a news item the corpus keeps (an article, photo story or live blog)."""
        return self.kind in NEWS_KINDS


def _link_words(tree: lxml.html.HtmlElement) -> tuple[int, int]:
    links = tree.xpath("//body//a[@href]")
    words = sum(word_count(a.text_content()) for a in links)
    return len(links), words


def _page_key(url: str) -> str:
    """Host and path, without scheme, www, query, fragment and trailing slash: 'the same page'."""
    parts = urlsplit(url)
    host = (parts.hostname or "").removeprefix("www.")
    with contextlib.suppress(UnicodeError):  # an IDN host: Unicode in the address, punycode in links
        host = host.encode("idna").decode("ascii")
    return f"{host}{unquote(parts.path).rstrip('/')}"


_BLOCK_CANDIDATES = etree.XPath(
    " | ".join(
        ["descendant-or-self::article"]
        + [f"descendant-or-self::{tag}[@class]" for tag in ("div", "li", "section", "a")]
    )
)
"""``<article>`` elements and the block elements that have a class, in page order (a node-set's
order: libxml2 returns the union sorted)."""


def _teaser_blocks(tree: lxml.html.HtmlElement) -> Iterator[lxml.html.HtmlElement]:
    """``<article>`` elements and blocks whose class names a teaser, card or tile, in page order.

    libxml2 picks the blocks that have a class at all (a news page's menus are hundreds of bare
    ``<li>`` and ``<a>``, each a Python object if walked in Python); the class names are tested
    here: an XPath with case-folded class tests costs three times more.
    """
    body = tree.find("body")
    for el in _BLOCK_CANDIDATES(body if body is not None else tree):
        if el.tag == "article":
            yield el
        else:
            names = el.get("class")
            if names and _TEASER_CLASS.search(names) and "vcard" not in names:
                yield el


def _small(block: lxml.html.HtmlElement) -> bool:
    return all(n < MAX_TEASER_ELEMENTS for n, _ in enumerate(block.iter()))


def _teaser_link(block: lxml.html.HtmlElement, block_words: int) -> str | None:
    """Where a teaser block leads: its headline link, else a link holding most of its words.

    A headline link is in or around an h2-h4 and carries most of the heading's words; failing
    both, the link that is or wraps the block (``<a class="card">``, ``<a><article>…</a>``). A
    link inside running text (a source, a web site) is none of these, so a short article in an
    ``<article>`` element that links to its source does not become a teaser.
    """
    links = [
        a
        for h in block.iter("h2", "h3", "h4")
        for a in h.iter("a")
        if 2 * word_count(a.text_content()) >= word_count(h.text_content())
    ]
    links = links or block.xpath(".//a[@href][.//h2 or .//h3 or .//h4]")
    links = links or [a for a in block.iter("a") if 2 * word_count(a.text_content()) >= max(block_words, 3)]
    if not links:
        parent = block.getparent()
        links = [block] if block.tag == "a" else [parent] if parent is not None and parent.tag == "a" else []
    for a in links:
        href = (a.get("href") or "").strip()
        if href and not href.startswith(("#", "javascript:", "mailto:")):
            return href
    return None


@dataclass(frozen=True)
class Teasers:
    """Teaser blocks linking elsewhere: distinct targets, their words and text, and their pictures."""

    targets: int = 0
    words: int = 0  # the largest block per target, so nested blocks are not counted twice
    text: str = ""  # every block's text, normalised, to recognise teaser lines in extracted text
    figures: int = 0
    images: int = 0


def find_teasers(tree: lxml.html.HtmlElement, url: str) -> Teasers:
    """Small ``<article>``/teaser/card blocks outside the page chrome whose headline links elsewhere.

    Big blocks (a whole article, a column holding teasers) are skipped by element count before
    their text is read, so a large page's text is not walked once per block.
    """
    own = {_page_key(url)}
    own.update(_page_key(urljoin(url, c)) for c in tree.xpath("//link[@rel='canonical']/@href"))
    words: dict[str, int] = {}
    texts: list[str] = []
    media: set[lxml.html.HtmlElement] = set()
    for block in _teaser_blocks(tree):
        if not _small(block) or any(a.tag in _CHROME for a in block.iterancestors()):
            continue
        text = block.text_content()
        n = word_count(text)
        if n > MAX_TEASER_WORDS:
            continue
        href = _teaser_link(block, n)
        if href is None:
            continue
        target = _page_key(urljoin(url, href))
        if target in own:
            continue
        words[target] = max(words.get(target, 0), n)
        texts.append(normalise_for_hash(text))
        media.update(block.iter("figure", "img"))
    return Teasers(
        targets=len(words),
        words=sum(words.values()),
        text=" | ".join(texts),
        figures=sum(m.tag == "figure" for m in media),
        images=sum(m.tag == "img" for m in media),
    )


def _words_outside(text: str, teasers: Teasers) -> int:
    """Running-text words (as :func:`prose_words` counts them) in lines that no teaser holds."""
    own = 0
    for line in text.splitlines():
        n = word_count(line)
        if n >= 8 and normalise_for_hash(line) not in teasers.text:
            own += n
    return own


def _section_h1(tree: lxml.html.HtmlElement) -> str | None:
    """The first ``<h1>`` when it reads as a section's name (four words or fewer, not a sentence)."""
    for h1 in tree.xpath("//body//h1")[:1]:
        title = " ".join(h1.text_content().split())
        if title and word_count(title) <= 4 and len(title) <= 40 and not re.search(r"[.?!:]$|: ", title):
            return title
    return None


def section_page(
    tree: lxml.html.HtmlElement, text: str, teasers: Teasers, jsonld: str, words: int | None = None
) -> PageKind | None:
    """A section page by structure: teasers linking elsewhere hold the text, backed by page signals.

    Real outlets' section pages mark themselves ``og:type`` website, name the section in a short
    ``<h1>``, may describe themselves as ``CollectionPage``/``ItemList`` JSON-LD, and list teasers
    (``<article>`` or card blocks holding a headline link to another page). An article with a
    related-articles box has the same teasers, but also running text of its own outside them.
    Article markup does not decide: some CMSs put it on every page.

    ``words``: :func:`prose_words` of ``text``, when the caller has counted them already.
    """
    if teasers.targets < MIN_TEASERS:
        return None
    if words is None:
        words = prose_words(text)
    own = _words_outside(text, teasers)
    signals = []
    if tree.xpath("//meta[@property='og:type'][@content='website']"):
        signals.append("og:type website")
    collection = _COLLECTION_TYPES.search(jsonld)
    if collection:
        signals.append(f"{collection.group(1)} JSON-LD")
    h1 = _section_h1(tree)
    if h1:
        signals.append(f"section <h1> {h1!r}")
    # Without page signals, what was extracted must be mostly teaser text with almost nothing of
    # its own (an article's lead alone, as on a paywalled page, is not). With two signals, a
    # short section intro may stand beside a teaser list that is much longer than it.
    teaser_text = own < MIN_ARTICLE_WORDS and words - own >= max(own, 1)
    signalled = len(signals) >= 2 and own < 3 * MIN_ARTICLE_WORDS and teasers.words >= 2 * own
    if not (teaser_text or signalled):
        return None
    detail = ", ".join([f"{teasers.targets} teasers linking elsewhere", *signals])
    return PageKind("listing", f"section page: {detail}; {own} of {words} words outside teasers")


def paywalled_kind(article: ExtractedArticle, text: str) -> PageKind:
    """A paywalled article is kept, with its full text or as a teaser, never as a gallery or stub.

    A teaser still needs a title and a lead of :data:`MIN_TEASER_WORDS` words: a page with neither
    is no news item a researcher can use, paywall or not.
    """
    words = word_count(text)
    if article.text_complete == "full":
        return PageKind("article", f"paywalled, full text: {words} words")
    if not (article.title or "").strip() or words < MIN_TEASER_WORDS:
        return PageKind(
            "empty",
            f"paywalled teaser without a title and a lead of {MIN_TEASER_WORDS} words ({words} words)",
        )
    return PageKind("article", f"paywalled, teaser only: {words} words")


def news_item_kind(
    tree: lxml.html.HtmlElement, text: str, article: ExtractedArticle | None
) -> PageKind | None:
    """A live blog, a photo story or a paywalled article: news items whose few words or many
    figures would otherwise read as a stub or a gallery. None for any other page."""
    entries = article.entries if article is not None else ()
    entry_words = sum(word_count(e.text) for e in entries)
    if len(entries) >= MIN_LIVE_ENTRIES and entry_words >= MIN_ARTICLE_WORDS:
        return PageKind("liveblog", f"live blog: {len(entries)} entries, {entry_words} words")
    # The extraction has looked already; a caller without its result looks here.
    found = article.photo_story if article is not None else photos.page_photos(tree)
    if found is not None and photos.is_photo_story(found):
        lead = sum(map(word_count, found.lead))
        if lead >= MIN_LEAD_WORDS:
            return PageKind(
                "photo",
                f"photo story: {len(found.news_captions)} news captions on {found.figures} photos,"
                f" {lead} words of lead",
            )
    if article is not None and article.paywalled:
        return paywalled_kind(article, text)
    return None


def classify_page(
    html_tree: lxml.html.HtmlElement | None,
    text: str,
    url: str,
    *,
    article: ExtractedArticle | None = None,
    article_url: bool = False,
) -> PageKind:
    """Decide what kind of page this is from the extracted text and the page around it.

    The rules are ordered from the cheapest and surest: a consent wall (short text dominated by
    consent vocabulary); a live blog (the extraction found its entries, see
    :mod:`corpus.text.liveblog`); a photo story (captions of news text tell the story beside a
    lead, see :mod:`corpus.text.photos`); a paywalled article, kept whole or as its teaser
    (:func:`paywalled_kind`); a gallery (many figures outside teasers, little text); a section page
    (teaser blocks linking elsewhere hold the text, see :func:`section_page`; before the word
    minimum, so a section with headline-only teasers is named for what it is); too little text; a
    listing (a body made mostly of link text outside teasers, and no article markup, unless the URL
    has the source's article shape: ``article_url``). Anything else is an article.

    ``article`` is the extraction's result for this page (paywall, entries, title); without it
    the page is judged on its text and HTML alone.
    """
    words = prose_words(text)
    # Consent phrases are counted only where they can decide: a long text is no consent wall.
    consent_hits = len(_CONSENT.findall(text)) if words < 200 else 0
    if consent_hits >= 2:
        return PageKind("consent", f"consent wall: {consent_hits} consent phrases in {words} words")
    if html_tree is None:
        return (
            PageKind("empty", "no parsable HTML")
            if words < MIN_ARTICLE_WORDS
            else PageKind("article", "text only")
        )
    news = news_item_kind(html_tree, text, article)
    if news is not None:
        return news
    teasers = find_teasers(html_tree, url)
    # Teaser thumbnails (a related box, a section's list) do not make a page a gallery.
    all_figures = len(html_tree.xpath("//body//figure"))
    if all_figures:
        figures = all_figures - teasers.figures
    else:
        figures = (len(html_tree.xpath("//body//img")) - teasers.images) // 2
    path = urlsplit(url).path
    if figures >= 6 and words < 40 * figures and (words < 250 or _GALLERY_URL.search(path)):
        return PageKind("gallery", f"gallery: {figures} figures, {words} words")
    jsonld = " ".join(html_tree.xpath("//script[@type='application/ld+json']/text()"))
    section = section_page(html_tree, text, teasers, jsonld, words)
    if section is not None:
        return section
    if words < MIN_ARTICLE_WORDS:
        return PageKind("empty", f"{words} words of running text (minimum {MIN_ARTICLE_WORDS})")
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
    body_words = word_count(html_tree.xpath("string(//body)"))
    # Teasers were judged above (a related box beside text of the page's own): their words, often
    # all inside one card-wide link, are left out, or a short article's related box would count.
    teaser_words = teasers.words if teasers.targets >= MIN_TEASERS else 0
    link_share = max(link_words - teaser_words, 0) / max(body_words - teaser_words, 1)
    # A URL of the source's article shape is never a listing on its link share alone: a short
    # article beside long menus has a high share too.
    if n_links >= 12 and link_share > 0.45 and not article_url:
        return PageKind("listing", f"listing: {n_links} links carry {link_share:.0%} of the words")
    if path.rstrip("/") in ("",) and n_links >= 12:
        return PageKind("listing", "home page")
    return PageKind("article", f"{words} words")
