"""Pipeline: the worker pool's analysis of a page (every CPU stage), applied in one place.

The size cap is checked here; the depth guard runs in the worker (``corpus.text.extract``), the
wall-clock timeout and memory limit around it (``corpus.crawl.worker``). The worker runs
``corpus.analyse.STAGES`` in order and stops at the first rejection; this pipeline drops the page
with that stage's named reason, or fills the item with every result. The pipelines after it do
only what a worker cannot: duplicates against the database and storing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from scrapy.utils.defer import maybe_deferred_to_future

from corpus.analyse import Analysis, analyse_page, warm_up
from corpus.crawl.items import ArticleItem
from corpus.crawl.pool import WorkerPool, crawler_pool
from corpus.crawl.worker import WorkerError, WorkerInterrupted
from corpus.text.pagekind import NEWS_KINDS
from pipelines.drops import ExtractFailed, Interrupted, NotAnArticle, NotDutch, NoText, Rejected, TooLarge

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

_WORKER_REASONS = {"timeout": "extract_timeout"}


def worker_rejection(error: WorkerError) -> Rejected:
    """The drop of a page whose analysis the worker could not finish (timeout, crash, interrupt)."""
    if isinstance(error, WorkerInterrupted):
        return Interrupted(str(error))
    return ExtractFailed(str(error), reason=_WORKER_REASONS.get(error.reason, error.reason))


def apply_analysis(analysis: Analysis, item: ArticleItem) -> ArticleItem:
    """Fill ``item`` from the worker's results; raise the first rejecting stage's drop."""
    item.analysis = analysis
    extracted = analysis.extracted
    if extracted is None:  # stage "extract"
        if analysis.reason in (None, "no_text"):
            raise NoText("no main text found")
        raise ExtractFailed(analysis.detail, reason=analysis.reason)
    item.text = extracted.text
    item.title = extracted.title or (item.discovery.title if item.discovery else None)
    item.author = extracted.author
    item.authors = extracted.authors
    item.agency = extracted.agency
    item.paywalled = extracted.paywalled
    item.text_complete = extracted.text_complete
    item.entries = extracted.entries
    item.description = extracted.description
    item.html_lang = extracted.html_lang
    item.og_locale = extracted.og_locale
    item.canonical_link = extracted.canonical_url
    date = extracted.date
    if date is not None:
        item.published = date.day
        item.published_at = date.moment
        # A bare year is not a date: the day stays unknown and the source says why.
        item.date_source = "year_only" if date.year_only and not date.day else date.source
        item.date_confidence = round(date.confidence, 3)
    verdict = analysis.page_kind  # stage "page_kind"
    assert verdict is not None
    item.page_kind = verdict.kind
    if not verdict.is_article:
        raise NotAnArticle(verdict.reason, reason=verdict.kind)
    item.kind = verdict.kind if verdict.kind in NEWS_KINDS else "article"
    result = analysis.language  # stage "language"
    assert result is not None
    item.language = result.lang
    item.language_prob = round(result.probability, 4)
    item.language_variant = result.variant
    if not result.is_dutch:
        raise NotDutch(f"{result.lang} ({result.probability:.2f}): {'; '.join(result.evidence)}")
    # stage "annotate": nothing is dropped (``export`` filters on the crime columns)
    item.crime = dict(analysis.crime or {})
    item.minhash = analysis.minhash
    item.text_hash = analysis.text_hash or ""
    return item


class AnalysisPipeline:
    """Hands each page to the worker pool and applies the verdict (module docstring)."""

    def __init__(self, crawler: Crawler, max_chars: int) -> None:
        self.crawler = crawler
        self.max_chars = max_chars
        self.pool: WorkerPool = crawler_pool(crawler)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> AnalysisPipeline:
        return cls(crawler, crawler.settings.getint("CORPUS_MAX_HTML_CHARS"))

    def open_spider(self) -> None:
        self.pool.start(warm_up)
        self.crawler.stats.set_value("corpus/pool/workers", self.pool.size)

    def close_spider(self) -> None:
        self.crawler.stats.set_value("corpus/pool/restarts", self.pool.restarts)
        self.pool.close()

    async def process_item(self, item: Any) -> Any:
        # A coroutine awaiting the pool: the reactor goes on downloading while workers parse, and
        # the scraper's back-pressure holds the page until its analysis is back.
        if not isinstance(item, ArticleItem):
            return item
        if len(item.html) > self.max_chars:
            raise TooLarge(f"{len(item.html)} characters of HTML (limit {self.max_chars})")
        try:
            analysis = await maybe_deferred_to_future(
                self.pool.submit(analyse_page, item.html, item.url, item.page_context())
            )
        except WorkerError as error:
            if not isinstance(error, WorkerInterrupted):
                self.crawler.stats.inc_value(f"corpus/pool/{error.reason}")
            raise worker_rejection(error) from None
        apply_analysis(analysis, item)
        self.crawler.stats.inc_value("corpus/crime" if item.crime["is_crime"] else "corpus/not_crime")
        return item
