"""Deprecated path of the analysis pipeline (``pipelines.analysis.AnalysisPipeline``).

Kept so an ITEM_PIPELINES that still names ``pipelines.extract.ExtractPipeline`` runs the same
stage; remove once no settings name it.
"""

from __future__ import annotations

from pipelines.analysis import AnalysisPipeline

ExtractPipeline = AnalysisPipeline

__all__ = ["ExtractPipeline"]
