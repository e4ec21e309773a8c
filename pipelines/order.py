"""The pipelines' prerequisites, checked against ITEM_PIPELINES when a crawl starts.

The stage order is ITEM_PIPELINES (corpus/crawl/settings.py) and nowhere else; inside the worker
it is ``corpus.analyse.STAGES``. A pipeline that reads what an earlier one filled names that one
in ``after``, and :func:`check_after` refuses a crawl whose ITEM_PIPELINES leaves it out or puts
it later, with one clear line instead of a KeyError on the first item.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from scrapy.utils.misc import load_object

if TYPE_CHECKING:
    from scrapy.crawler import Crawler


class PipelineOrderError(ValueError):
    """ITEM_PIPELINES lacks a stage another one needs, or runs it too late."""


def pipeline_order(crawler: Crawler) -> list[type]:
    """The enabled pipeline classes, in the order Scrapy runs them."""
    enabled = crawler.settings.getwithbase("ITEM_PIPELINES")
    ranked = sorted(((v, k) for k, v in enabled.items() if v is not None), key=lambda p: p[0])
    return [load_object(k) if isinstance(k, str) else k for _, k in ranked]


def check_after(crawler: Crawler, pipeline: type, *needed: type) -> None:
    """Raise :class:`PipelineOrderError` unless each of ``needed`` runs before ``pipeline``."""
    order = pipeline_order(crawler)
    position = order.index(pipeline) if pipeline in order else len(order)
    for earlier in needed:
        if earlier not in order[:position]:
            raise PipelineOrderError(
                f"{pipeline.__module__}.{pipeline.__name__} needs "
                f"{earlier.__module__}.{earlier.__name__} before it in ITEM_PIPELINES"
            )
