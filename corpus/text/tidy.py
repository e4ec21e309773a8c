"""Bylines, credits and stamps: what a page prints around the story, separated from the story.

Placeholder until issue 18 item 7 lands: returns the article unchanged.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import lxml.html

    from corpus.text.extract import ExtractedArticle


def tidy_article(article: ExtractedArticle, tree: lxml.html.HtmlElement) -> ExtractedArticle:
    """The article with update stamps removed from its text, its authors normalised and its
    news agency credit recorded."""
    return article
