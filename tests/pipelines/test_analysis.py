"""The analysis pipeline applies the worker's verdict: the named drop, or a filled item."""

from __future__ import annotations

import datetime as dt

import pytest

from corpus.analyse import analyse_page
from corpus.crawl.items import ArticleItem, Discovery
from corpus.crawl.worker import WorkerCrashed, WorkerInterrupted, WorkerTimeout
from pipelines.analysis import apply_analysis, worker_rejection
from pipelines.drops import Interrupted, NotAnArticle, NotDutch, NoText
from tests.pipelines.test_order import ARTICLE, ENGLISH

URL = "https://www.example.nl/nieuws/man-aangehouden"


def item(html: str, **kw: object) -> ArticleItem:
    return ArticleItem(
        url=URL, source="s", outlet="S", country="nl", html=html, fetched_at=dt.datetime.now(dt.UTC), **kw
    )


def test_a_kept_page_fills_every_field_the_later_stages_read() -> None:
    page = item(ARTICLE)
    apply_analysis(analyse_page(ARTICLE, URL, page.page_context()), page)
    assert page.text.startswith("Een 25-jarige man") and page.title == "Man aangehouden na steekpartij"
    assert page.page_kind == "article" and page.language == "nl"
    assert page.text_hash and page.minhash and "is_crime" in page.crime


@pytest.mark.parametrize(
    ("html", "drop", "reason"),
    [("<html><body></body></html>", NoText, "no_text"), (ENGLISH, NotDutch, "not_dutch")],
)
def test_a_rejected_page_drops_with_its_stage_and_reason(html: str, drop: type, reason: str) -> None:
    with pytest.raises(drop) as caught:
        apply_analysis(analyse_page(html, URL), item(html))
    assert caught.value.reason == reason


def test_a_listing_drops_at_page_kind_with_the_kind_as_reason() -> None:
    links = "".join(f"<li><a href='/nieuws/{n}'>Bericht nummer {n} over iets</a></li>" for n in range(60))
    html = f"<html lang='nl'><body><main><ul>{links}</ul></main></body></html>"
    analysis = analyse_page(html, "https://www.example.nl/nieuws/")
    assert analysis.stage == "page_kind"
    with pytest.raises(NotAnArticle) as caught:
        apply_analysis(analysis, item(html))
    assert caught.value.stage == "page_kind" and caught.value.reason == analysis.reason


def test_the_feed_title_is_the_fallback_title_and_the_feed_date_is_evidence() -> None:
    page = item(
        ARTICLE.replace("<h1>Man aangehouden na steekpartij</h1>", ""),
        discovery=Discovery("feed", "Feedtitel"),
    )
    page.dates["feed"] = "Tue, 12 Mar 2024 09:00:00 +0100"
    context = page.page_context()
    assert (context.fallback_title, context.feed_date) == ("Feedtitel", "Tue, 12 Mar 2024 09:00:00 +0100")
    apply_analysis(analyse_page(page.html, URL, context), page)
    assert page.title == "Feedtitel"
    assert page.published == dt.date(2024, 3, 12) and page.date_source != "none"


def test_worker_failures_become_named_rejections_and_a_stop_is_never_recorded() -> None:
    assert worker_rejection(WorkerTimeout("late")).reason == "extract_timeout"
    assert worker_rejection(WorkerCrashed("gone")).reason == "worker_crashed"
    assert isinstance(worker_rejection(WorkerInterrupted("stop")), Interrupted)
