"""Pipeline: keep Dutch; record the language, its probability and the nl-NL / nl-BE variant."""

from __future__ import annotations

from typing import Any

from corpus.items import ArticleItem
from corpus.language import detect_language
from pipelines.drops import NotDutch


class LanguagePipeline:
    def process_item(self, item: Any) -> Any:
        if not isinstance(item, ArticleItem):
            return item
        text = f"{item.title}\n{item.text}" if item.title else item.text
        result = detect_language(
            text, html_lang=item.html_lang, country=item.country, og_locale=item.og_locale
        )
        item.language = result.lang
        item.language_prob = round(result.probability, 4)
        item.language_variant = result.variant
        if not result.is_dutch:
            raise NotDutch(f"{result.lang} ({result.probability:.2f}): {'; '.join(result.evidence)}")
        return item
