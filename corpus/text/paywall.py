"""Paywalls: whether a news page is behind one, and the full text its JSON-LD may still carry.

Most Dutch and Flemish dailies sell subscriptions (DPG Media: AD, de Volkskrant, Trouw, Het Parool,
HLN, De Morgen; Mediahuis: De Telegraaf, NRC, Het Nieuwsblad, De Standaard, Gazet van Antwerpen).
On a premium article the visible page is a teaser (title, lead, a subscription offer), yet many of
them publish the whole text for search engines in the NewsArticle JSON-LD (``articleBody``) and
say so with schema.org's paywall markup: ``isAccessibleForFree: false`` and a ``hasPart``
WebPageElement whose ``cssSelector`` names the paid part. Where a site marks its premium pages only
in its own HTML, :data:`PAYWALL_MARKUP` lists what is known about each publisher's markup.

Evidence must concern the page's own article: premium labels on teasers of *other* articles (a
"Plus" icon in a related box, a "Premium" badge on a teaser) appear on free articles too, so every
markup rule below is anchored to the article's header, its body or the document root.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import lxml.html
from lxml import etree

from corpus.text import jsonld
from corpus.text.normalise import clean_text, normalise_for_hash, word_count

PAYWALL_MARKUP: tuple[tuple[str, str], ...] = (
    # DPG Media, national titles (de Volkskrant, Trouw, Het Parool, De Morgen): the subscription
    # offer that replaces the rest of the article is a 'temptation' placed inline in the article.
    # Temptations at the article's bottom or on the page (PAGE_*) are offers that free articles
    # carry too, so they are no evidence.
    (
        "DPG Media paywall (temptation inside the article)",
        "@data-temptation-position='ARTICLE_INLINE' and (ancestor::article or ancestor::main)",
    ),
    # DPG Media, AD, its regional titles and HLN: the paid remainder, reduced for non-subscribers,
    # and the paywall notice components.
    (
        "DPG Media paywall (reduced paid content)",
        "(@id='remaining-paid-content' and @data-reduced='true') or @id='fjs-paywall-intro'"
        " or contains(@class, 'fjs-paywall-notification')"
        " or contains(@class, 'article__component--paywall-module-notification')",
    ),
    # Mediahuis, De Telegraaf: the premium title block and label of the article itself, the
    # metering wall and the paywall pop-over.
    (
        "Mediahuis paywall (De Telegraaf premium article)",
        "contains(@class, 'ArticleTitleBlock--premium') or contains(@class, 'TextArticlePage__premiumLabel')"
        " or @id='TEMPRORARY_METERING_ID' or (@data-testid='paywall-position-popover' and *)",
    ),
    # Mediahuis, regional Dutch titles: a meta flag in the head.
    (
        "Mediahuis paywall (paid-content meta)",
        "self::meta and parent::head and @content='true'"
        " and substring(@name, string-length(@name) - 20) = 'article_ispaidcontent'",
    ),
    # Mediahuis Belgium (Het Nieuwsblad, De Standaard, Gazet van Antwerpen, Het Belang van Limburg):
    # the 'Plus' icon in the article's own header (teasers carry it too, outside the header).
    (
        "Mediahuis paywall (Plus article)",
        "@data-testid='plus-icon' and ancestor::*[@data-testid='article-header']",
    ),
)
"""(name, XPath predicate on an element) of publishers' own paywall markup, each a fact about that
publisher's pages."""
_MARKUP_ATTRIBUTES = sorted({a for _, test in PAYWALL_MARKUP for a in re.findall(r"@([\w-]+)", test)})
# Every rule tests the value of an attribute it names, so an element with none of them cannot
# match: the cheap first predicate spares the costly one on the page's many bare links and items.
_ANY_MARKUP = etree.XPath(
    "//*[" + " or ".join(f"@{a}" for a in _MARKUP_ATTRIBUTES) + "]"
    "[" + " or ".join(f"({test})" for _, test in PAYWALL_MARKUP) + "]"
)
_EACH_MARKUP = tuple((name, etree.XPath(f"self::*[{test}]")) for name, test in PAYWALL_MARKUP)
"""One walk of the page finds any publisher's markup; only its rare hits are told apart."""
_MARKUP_NEEDS = (
    "ARTICLE_INLINE",
    "remaining-paid-content",
    "fjs-paywall-intro",
    "fjs-paywall-notification",
    "article__component--paywall-module-notification",
    "ArticleTitleBlock--premium",
    "TextArticlePage__premiumLabel",
    "TEMPRORARY_METERING_ID",
    "paywall-position-popover",
    "article_ispaidcontent",
    "plus-icon",
)
"""Attribute values of which every branch of a :data:`PAYWALL_MARKUP` rule tests one: a page whose
HTML source holds none of them has none of the markup, and the walk of its elements is spared
(about 1 ms a page). A value written with character references (``&#45;``) would escape this test;
no publisher writes its class names so."""


def markup_possible(source: str | bytes) -> bool:
    """False when the page's HTML ``source`` cannot hold any publisher's paywall markup."""
    if isinstance(source, bytes):
        return any(value.encode() in source for value in _MARKUP_NEEDS)
    return any(value in source for value in _MARKUP_NEEDS)


TEASER_MAX_WORDS = 250
"""More visible words than this is the article itself, not a paywall's teaser. Teasers are the lead
and at most a paragraph or two (De Telegraaf shows the lead alone, 41 words; DPG Media the intro and
two or three paragraphs); some sites mark a page ``isAccessibleForFree: false`` and still serve
all of it (TimesLive, 914 words in ``real-pages``)."""
MIN_TEASER_LINE_WORDS = 5
"""A teaser line shorter than this (and not a sentence) is page furniture: 'Veilig betalen'."""


@dataclass(frozen=True)
class Paywall:
    """What the page says about its paywall, and the full text it carries for search engines."""

    paywalled: bool = False
    evidence: str = ""  # why: 'isAccessibleForFree false', a hasPart selector, a publisher's markup
    body: str | None = None  # the JSON-LD articleBody, cleaned, paragraphs kept
    served: bool = False  # the paid part named by hasPart is in the HTML, longer than a teaser


def _node_says_paid(node: dict[str, Any]) -> tuple[bool, list[str]]:
    """(isAccessibleForFree is false, the cssSelectors of the hasPart elements marked not free).

    Google's paywalled-content markup: ``hasPart`` WebPageElements, each with a ``cssSelector``
    and ``isAccessibleForFree: false``; a part without the flag is read as paid too (the markup
    exists only to name paid parts), a part marked free is not.
    """
    parts = node.get("hasPart")
    selectors = []
    for part in parts if isinstance(parts, list) else [parts]:
        if not isinstance(part, dict) or not isinstance(part.get("cssSelector"), str):
            continue
        if "isAccessibleForFree" not in part or jsonld.is_false(part["isAccessibleForFree"]):
            selectors.append(part["cssSelector"].strip())
    return jsonld.is_false(node.get("isAccessibleForFree")), [s for s in selectors if s]


def _select(tree: lxml.html.HtmlElement, selector: str) -> list[Any]:
    """Elements matching a CSS selector; none when the selector cannot be read."""
    try:
        from lxml.cssselect import CSSSelector

        return list(CSSSelector(selector)(tree))
    except Exception:  # cssselect missing, or a selector it cannot translate: no evidence
        return []


def _markup(tree: lxml.html.HtmlElement) -> str | None:
    hits = _ANY_MARKUP(tree)
    for name, test in _EACH_MARKUP:
        if any(test(hit) for hit in hits):
            return name
    return None


def detect(
    tree: lxml.html.HtmlElement,
    url: str,
    nodes: list[dict[str, Any]] | None = None,
    source: str | bytes | None = None,
) -> Paywall:
    """The page's paywall: schema.org markup on its own news item first, then publishers' markup.

    ``nodes``: the page's JSON-LD objects, when the caller has parsed them (:func:`jsonld.objects`);
    ``source``: the HTML the tree was parsed from, when the caller has it (:func:`markup_possible`)."""
    node = jsonld.main_news(tree, url, nodes)
    evidence = ""
    served = False
    if node is not None:
        not_free, selectors = _node_says_paid(node)
        if selectors:
            evidence = f"hasPart cssSelector {selectors[0]!r}"
            # Metered sites serve the paid part whole; others leave the teaser in it.
            served = any(
                word_count(el.text_content()) > TEASER_MAX_WORDS for s in selectors for el in _select(tree, s)
            )
        elif not_free:
            evidence = "isAccessibleForFree false"
    if not evidence and (source is None or markup_possible(source)):
        evidence = _markup(tree) or ""
    body = article_body(node) if node is not None else None
    return Paywall(paywalled=bool(evidence), evidence=evidence, body=body, served=served)


# -- the JSON-LD articleBody as text ---------------------------------------------------------------------
# Paragraphs glued without a separator: 'Klopt dat?Dat klopt.' A lower-case letter, digit or
# closing bracket, a sentence end (and closing quote), then a capital and a lower-case letter.
# Capitals before the stop ('U.S.') and addresses ('vragen@dft.nl') do not match.
_GLUED = re.compile(
    r"(?<=[a-z0-9\u00e0-\u00ff)][.!?])([\"\u201d\u2019]?)(?=[A-Z\u00c0-\u00de][a-z\u00e0-\u00ff])"
)


def article_body(node: dict[str, Any]) -> str | None:
    """The news item's ``articleBody``, cleaned for storage with its paragraphs kept.

    Sites write it in three ways: paragraphs separated by newlines; HTML (``<p>``, ``<br>``); or
    everything run together, paragraphs glued sentence to capital ('...Klopt dat?Dat klopt...').
    Each becomes one paragraph per line. A final line ending in a colon ('Eerder verschenen in
    deze serie:', 'Lees ook:') introduces a list the text does not hold, and goes.
    """
    raw = jsonld.text_of(node.get("articleBody"))
    if not raw or not raw.strip():
        return None
    raw = jsonld.plain_text(raw)
    if "\n" not in raw.strip():
        raw = _GLUED.sub(r"\1\n", raw)
    lines = [line for line in clean_text(raw).split("\n") if line.strip()]
    while lines and lines[-1].rstrip().endswith(":"):
        lines.pop()
    text = "\n".join(lines)
    return text or None


def keep_page_paragraphs(body: str, visible: str) -> str:
    """Split a one-paragraph ``body`` where the visible page shows a paragraph ending.

    A body run together as one line loses the paragraphs a reader saw; the teaser's own
    paragraphs (usually the lead) are in the page, so a break goes after each of them that the
    body contains followed by more text.
    """
    if "\n" in body:
        return body
    for line in visible.split("\n"):
        line = line.strip()
        if word_count(line) < MIN_TEASER_LINE_WORDS or len(line) >= len(body):
            continue
        at = body.find(line)
        if at >= 0:
            end = at + len(line)
            if body[end:].strip():
                body = body[:end].rstrip() + "\n" + body[end:].lstrip()
            if at > 0 and body[:at].strip():
                body = body[:at].rstrip() + "\n" + body[at:].lstrip()
    return body


def visible_is_whole(visible: str) -> bool:
    """Whether the visible text of a paywalled page is too long to be its teaser."""
    return word_count(visible) > TEASER_MAX_WORDS


def longer_than(body: str, visible: str) -> bool:
    """Whether the JSON-LD body holds more of the article than the visible text does."""
    return word_count(body) > word_count(visible)


def visible_misses_most(body: str, visible: str) -> bool:
    """Whether the visible text holds less than half of the JSON-LD body: the extractor missed the
    article (a script-built page), rather than both telling it a little differently."""
    return 2 * word_count(visible) < word_count(body)


def with_lead(body: str, visible: str, description: str | None) -> str:
    """The body, headed by the page's lead when the body lacks it.

    Some sites keep the standfirst (the lead above the article, also the page's description) out
    of ``articleBody``; a teaser shows it, so it is kept when the visible text has it.
    """
    if not description or word_count(description) < MIN_TEASER_LINE_WORDS:
        return body
    lead = normalise_for_hash(description)
    if lead in normalise_for_hash(body) or lead not in normalise_for_hash(visible):
        return body
    return f"{clean_text(description)}\n{body}"


def teaser_text(visible: str, description: str | None) -> str:
    """What a paywalled page shows of its article without the full text: its lead.

    The lines that read as text (a sentence, or five words and more), without the paywall's
    furniture ('Veilig betalen', '14 dagen bedenktijd', 'Word abonnee'); the page's description
    when no such line is left.
    """
    kept = [
        line
        for line in visible.split("\n")
        if word_count(line) >= MIN_TEASER_LINE_WORDS or re.search(r"[.!?]['\"\u201d\u2019]?$", line.strip())
    ]
    lead = "\n".join(kept).strip()
    longer = description and word_count(description) > word_count(lead)
    if longer and normalise_for_hash(description or "") not in normalise_for_hash(lead):
        return clean_text(description or "")
    return lead or clean_text(description or "")
