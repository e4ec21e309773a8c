"""Deprecated: the language verdict is applied by ``pipelines.analysis.AnalysisPipeline``.

A pass-through kept only while ITEM_PIPELINES still names it; remove with that entry.
"""

from __future__ import annotations

from typing import Any


class LanguagePipeline:
    """Does nothing: the analysis pipeline applied this stage already (corpus.analyse.STAGES)."""

    def process_item(self, item: Any) -> Any:
        return item
