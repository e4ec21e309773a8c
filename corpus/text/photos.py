"""Photo stories: a lead and captioned photos that together tell the news ("In beeld: ...").

A photo story and a gallery look alike to a word count: many figures, little running text. What
tells them apart is the captions. A photo story's captions are news text, sentences that say who
did what where; a gallery's are credits ('Foto: ANP'), labels ('Sfeerbeeld') or nothing. Credits
are removed before a caption is judged, so 'De brandweer blust het vuur. Foto: ANP' is one
sentence of news.

Figures of the page chrome and teaser thumbnails (a figure that links to another page) are not
the story's photos.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import lxml.html

from corpus.text.normalise import normalise_for_hash, word_count

MIN_NEWS_CAPTIONS = 4
"""Captions that are news text needed before a page counts as a photo story."""
MIN_CAPTION_WORDS = 6
"""A caption is news text from this many words (without its credit), when it ends a sentence ..."""
MIN_CAPTION_WORDS_NO_STOP = 10
"""... or from this many words without a sentence end."""

_CHROME = frozenset({"nav", "header", "footer", "aside"})
# Photo credits: 'Foto: ANP', 'Beeld: Jan de Vries', '© Belga', '(ANP)', 'ANP / Robin Utrecht',
# 'Foto ANP', at the start or the end of a caption, with or without a separator.
_CREDIT = re.compile(
    r"(^|[\s|/\-\u2013\u2014(])"
    r"((foto|beeld|fotografie|foto's|video|bron|credit)\s*[:/]?\s*[^.!?]{0,60}$"
    r"|\u00a9\s*[^.!?]{0,60}$"
    r"|\(?\b(ANP|Belga|AP|AFP|Reuters|EPA|Getty Images|Hollandse Hoogte|Pro Shots|BSR Agency|"
    r"Photo News|Shutterstock|DPG Media)\b\)?(\s*/\s*[^.!?]{0,40})?\s*$)",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"[.!?]['\"\u201d\u2019)]?$")
_PAGE_LINK = re.compile(r"\.(jpe?g|png|gif|webp|avif)(\?|$)", re.IGNORECASE)


def strip_credit(caption: str) -> str:
    """The caption without its photo credit (repeatedly, for 'Sfeer. Foto: X / ANP')."""
    caption = " ".join(caption.split())
    for _ in range(3):
        stripped = _CREDIT.sub("", caption).strip(" |/-\u2013\u2014")
        if stripped == caption:
            break
        caption = stripped
    return caption


def is_news_caption(caption: str) -> bool:
    """Whether a caption (credit removed) is news text rather than a label."""
    words = word_count(caption)
    if words >= MIN_CAPTION_WORDS_NO_STOP:
        return True
    return words >= MIN_CAPTION_WORDS and bool(_SENTENCE_END.search(caption))


@dataclass(frozen=True)
class Photos:
    """The story's own figures: how many, their captions that are news text, and the paragraphs
    beside them (the lead and any body), in page order."""

    figures: int
    news_captions: tuple[str, ...]
    lead: tuple[str, ...] = ()


def _teaser_figure(figure: lxml.html.HtmlElement) -> bool:
    """A figure that links to another page (not to a larger version of its image): a thumbnail."""
    links = [a for a in figure.iterancestors("a")] + list(figure.iter("a"))
    return any(not _PAGE_LINK.search(a.get("href") or "") for a in links if a.get("href"))


def _lead(figure: lxml.html.HtmlElement) -> tuple[str, ...]:
    """The paragraphs of the story around its first photo: in its ``<article>`` (or ``<main>``),
    outside figures, headers and teasers."""
    container = next((a for a in figure.iterancestors() if a.tag in ("article", "main")), None)
    if container is None:
        return ()
    lead = []
    for p in container.iter("p"):
        skip = ("figure", "figcaption", "header", "a", *_CHROME)
        if any(a.tag in skip for a in p.iterancestors()):
            continue
        line = " ".join(p.text_content().split())
        if line:
            lead.append(line)
    return tuple(lead)


def page_photos(tree: lxml.html.HtmlElement) -> Photos:
    """The page's own figures (outside the chrome, not teaser thumbnails) and their news captions."""
    figures = []
    captions: list[str] = []
    seen: set[str] = set()
    for figure in tree.xpath("//body//figure"):
        if any(a.tag in _CHROME for a in figure.iterancestors()) or _teaser_figure(figure):
            continue
        figures.append(figure)
        caption = strip_credit(" ".join(c.text_content() for c in figure.iter("figcaption")))
        key = normalise_for_hash(caption)
        if is_news_caption(caption) and key not in seen:
            seen.add(key)
            captions.append(caption)
    lead = _lead(figures[0]) if len(captions) >= MIN_NEWS_CAPTIONS else ()
    return Photos(len(figures), tuple(captions), lead)


def is_photo_story(photos: Photos) -> bool:
    """Enough news captions, at least half of the figures carrying one, and the captions holding
    at least as many words as the paragraphs beside them: the photos tell the story, they do not
    illustrate an article."""
    n = len(photos.news_captions)
    if n < MIN_NEWS_CAPTIONS or 2 * n < photos.figures:
        return False
    return sum(map(word_count, photos.news_captions)) >= sum(map(word_count, photos.lead))


def story_text(photos: Photos) -> str:
    """A photo story's text: its lead paragraphs, then each news caption, one paragraph each."""
    return "\n".join([*photos.lead, *photos.news_captions])
