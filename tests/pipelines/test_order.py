"""The stage order is stated once: ITEM_PIPELINES, and inside the worker corpus.analyse.STAGES."""

from __future__ import annotations

from pathlib import Path

import pytest
from scrapy.pipelines import ItemPipelineManager

from corpus.analyse import STAGES, analyse_page
from pipelines.analysis import AnalysisPipeline
from pipelines.dedup import DedupPipeline
from pipelines.drops import ExtractFailed, NotAnArticle, NotDutch, NoText, TooLarge
from pipelines.neardup import NearDupPipeline
from pipelines.order import PipelineOrderError, pipeline_order
from pipelines.store import StorePipeline
from tests.pipelines.conftest import make_crawler, project_pipelines

ARTICLE = (
    "<html lang='nl'><body><article><h1>Man aangehouden na steekpartij</h1><p>"
    + "Een 25-jarige man uit Wilp is woensdag aangehouden na een steekpartij in Zwolle. " * 8
    + "</p></article></body></html>"
)
ENGLISH = (
    "<html lang='en'><body><article><h1>Man arrested after stabbing</h1><p>"
    + "A 25-year-old man from Wilp was arrested on Wednesday after a stabbing in Zwolle. " * 8
    + "</p></article></body></html>"
)


def test_the_project_order_runs_analysis_then_duplicates_then_store(tmp_path: Path) -> None:
    crawler = make_crawler(tmp_path / "c.sqlite")
    order = pipeline_order(crawler)
    for needed in (AnalysisPipeline, DedupPipeline, NearDupPipeline, StorePipeline):
        assert needed in order
    assert order.index(AnalysisPipeline) < order.index(DedupPipeline) < order.index(NearDupPipeline)
    assert order.index(NearDupPipeline) < order.index(StorePipeline)
    ItemPipelineManager.from_crawler(crawler)  # every prerequisite is met


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda p: p.pop(next(k for k in p if k.startswith("pipelines.analysis"))),
            "AnalysisPipeline before",
        ),
        (lambda p: p.__setitem__("pipelines.dedup.DedupPipeline", 50), "AnalysisPipeline before"),
        (lambda p: p.__setitem__("pipelines.neardup.NearDupPipeline", 550), "DedupPipeline before"),
    ],
    ids=["analysis removed", "dedup before analysis", "neardup before dedup"],
)
def test_a_missing_or_reordered_stage_stops_the_crawl_at_its_start(tmp_path: Path, change, message) -> None:
    pipelines = project_pipelines()
    change(pipelines)
    crawler = make_crawler(tmp_path / "c.sqlite", ITEM_PIPELINES=pipelines)
    with pytest.raises(PipelineOrderError, match=message):
        ItemPipelineManager.from_crawler(crawler)


def test_each_rejecting_worker_stage_is_named_in_stages_and_drops_under_that_name() -> None:
    assert STAGES == ("extract", "page_kind", "language", "annotate")
    assert {c.stage for c in (TooLarge, NoText, ExtractFailed)} == {"extract"}
    assert NotAnArticle.stage == "page_kind" and NotDutch.stage == "language"
    empty = analyse_page("<html><body></body></html>", "https://example.nl/nieuws/leeg")
    assert (empty.stage, empty.reason) == ("extract", "no_text")
    english = analyse_page(ENGLISH, "https://example.nl/nieuws/stabbing")
    assert (english.stage, english.reason) == ("language", "not_dutch")
    kept = analyse_page(ARTICLE, "https://example.nl/nieuws/man-aangehouden")
    assert kept.stage is None and kept.crime is not None and kept.text_hash
    # Stages run in STAGES order: a page rejected at one has the results of every earlier one only.
    assert english.page_kind is not None and english.crime is None
    assert STAGES.index(empty.stage) < STAGES.index(english.stage)
