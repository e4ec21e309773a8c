"""Shared spider base: sources from the registry, scope checks, article requests and rejections."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Iterator
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

import scrapy
from scrapy.http import Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import DNSLookupError, TCPTimedOutError
from twisted.internet.error import TimeoutError as TwistedTimeoutError
from twisted.python.failure import Failure

from corpus.crawl import meta as M
from corpus.crawl.discoveries import report_result, report_seen
from corpus.crawl.items import ArticleItem, Discovery, RejectionItem
from corpus.sources.registry import Source, load_sources
from corpus.sources.urls import in_scope
from corpus.store.frontier import (
    CONDITIONAL_KINDS,
    DOCUMENT_PRIORITY,
    FrontierState,
    conditional_headers,
    frontier_key,
    parse_discovery_date,
    result_values,
    row_too_long,
    seen_row,
)
from corpus.store.storage import crawler_engine
from corpus.text.bodies import binary_kind, is_html_type
from spiders.middlewares.refusals import failure_reason, ignore_reason

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler


def source_names(value: str | list[str] | None) -> list[str]:
    if not value:
        return []
    if isinstance(value, str):
        value = value.split(",")
    return [v.strip() for v in value if v.strip()]


class SourceSpider(scrapy.Spider):
    """Crawls the registry's sources through the discovery channels its subclass mixes in.

    Arguments (``-a`` on the scrapy command line, or settings ``CORPUS_SOURCES_FILE`` and
    ``CORPUS_SOURCE_NAMES``): ``sources_file`` (a registry TOML, default the shipped one) and
    ``source`` (comma-separated names to crawl; default all).

    The database frontier decides what is fetched: URLs a killed run left pending are requested
    first; articles already done are skipped before download (``--refetch-days`` re-checks recent
    ones with their validators); feeds, sitemaps and listings are fetched conditionally; and
    ``CORPUS_SINCE`` drops discovered entries dated before it.

    The source's URL profile (``article_urls``, ``skip_urls``: docs/sources.md) is applied before
    download too: a URL it calls a non-article is recorded once and never fetched, and a fetched
    URL that matches an article pattern is marked so on its item (``ArticleItem.article_url``).

    Spiders never write to the store: what they find (frontier rows, 304 outcomes, a document's
    validators) is reported through ``corpus.crawl.discoveries`` to the storing stage, and what
    they must know synchronously to decide what to fetch comes from :attr:`frontier`, a
    read-only snapshot loaded at the start. The discovery dates of an article travel on its
    request (meta ``corpus.crawl.meta.DATES``) to the item, so they survive a Redis queue.
    """

    uses_frontier = True
    """Load the frontier at start; a spider that never reads it (WARC ingest) skips the scan."""
    discovery_first = True
    """Hold article requests until every feed, sitemap and listing is read
    (``spiders.middlewares.discoveryfirst``); off where requests are shared or chosen otherwise."""

    def __init__(self, sources_file: str | None = None, source: str | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        self._sources_file = sources_file
        self._source_arg = source
        self.sources: list[Source] = []
        self.sources_by_name: dict[str, Source] = {}
        self.frontier = FrontierState()
        self.since: dt.date | None = None
        # The dates dict (request meta DATES) of each article request in flight, by frontier key:
        # a later sighting through another channel is added to the very dict the request carries,
        # so the date stage weighs every channel, whichever led to the download first. A request
        # serialised to a queue before that keeps the dates it had.
        self._in_flight_dates: dict[str, dict[str, str]] = {}
        # Frontier keys of the URLs the URL profile skipped in this run (recorded once each).
        self._profile_skipped: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        file = spider._sources_file or settings.get("CORPUS_SOURCES_FILE")
        names = source_names(spider._source_arg) or source_names(settings.getlist("CORPUS_SOURCE_NAMES"))
        spider.sources = load_sources(file, names)
        spider.sources_by_name = {s.name: s for s in spider.sources}
        since = settings.get("CORPUS_SINCE")
        spider.since = dt.date.fromisoformat(since) if since else None
        if spider.uses_frontier:
            spider.frontier = FrontierState.load(
                crawler_engine(crawler),
                [s.name for s in spider.sources],
                refetch_days=settings.getint("CORPUS_REFETCH_DAYS") or None,
            )
        return spider

    async def start(self) -> AsyncIterator[Any]:
        stats = self.crawler.stats
        # Unfinished URLs of earlier runs first, then recent articles due for a re-check (they
        # would not be rediscovered: an unchanged feed answers 304), then discovery.
        for pending in (*self.frontier.pending, *self.frontier.recheck):
            source = self.sources_by_name.get(pending.source)
            if source is None:
                continue
            discovery = Discovery(pending.channel or "frontier", pending.title, pending.date)
            request = self.article_request(pending.fetch_url, source, discovery, resumed=True)
            if isinstance(request, RejectionItem):
                yield request  # the profile now skips it: recorded, not fetched
            elif request is not None:
                stats.inc_value(
                    "corpus/frontier/resumed"
                    if pending.key not in self.frontier.refetch
                    else "corpus/frontier/rechecked"
                )
                yield request
        for source in self.sources:
            for request in self.discovery_requests(source):
                yield request

    def discovery_requests(self, source: Source) -> Iterator[scrapy.Request]:
        """Each channel mixin adds its requests and defers to the next (cooperative ``super``)."""
        yield from ()

    # -- helpers shared by the channels ------------------------------------------------------
    def discovery_request(
        self, url: str, source: Source, callback: Any, kind: str, **kw: Any
    ) -> scrapy.Request:
        """A feed, sitemap or listing request, conditional when the frontier has its validators."""
        now = dt.datetime.now(dt.UTC)
        row = seen_row(url, source.name, kind, now=now)
        report_seen(self.crawler, row)
        headers: dict[str, str] = {}
        known = self.frontier.validators.get(row["url"])
        if known and known[2] in CONDITIONAL_KINDS:
            headers = conditional_headers(known[0], known[1])
        return scrapy.Request(
            url,
            callback=callback,
            errback=self.on_error,
            headers=headers,
            cb_kwargs={"source": source.name, **kw},
            meta={
                M.SOURCE: source.name,
                M.STAGE: M.DISCOVERY,
                M.KEY: row["id"],
                "handle_httpstatus_list": [304],
            },
            priority=DOCUMENT_PRIORITY,
        )

    def document_fetched(self, response: Response) -> bool:
        """False (and the outcome recorded) when a document or article answered 304 Not Modified."""
        if response.status != 304:
            return True
        self.crawler.stats.inc_value("corpus/frontier/not_modified")
        key = response.meta.get(M.KEY)
        if key:
            now = dt.datetime.now(dt.UTC)
            report_result(self.crawler, key, result_values("not_modified", status=304, now=now))
        return False

    def parse_error(self, response: Response, source: str, exc: Exception) -> RejectionItem:
        """A feed or sitemap that could not be parsed, as a recorded rejection."""
        self.crawler.stats.inc_value("corpus/discovery/parse_error")
        return RejectionItem(
            response.url,
            source,
            "discovery",
            "parse_error",
            str(exc),
            response.status,
            response.meta.get(M.KEY),
        )

    def document_parsed(self, response: Response, kind: str) -> None:
        """Store a discovery document's validators, once every URL it listed is buffered.

        Recorded last on purpose: had the validators been written before the entries and the
        crawl been killed in between, the next run would get a 304 and never see those entries.
        """
        key = response.meta.get(M.KEY)
        if not key:
            return
        values = result_values(
            "fetched",
            status=response.status,
            etag=_header(response, b"ETag"),
            last_modified=_header(response, b"Last-Modified"),
            now=dt.datetime.now(dt.UTC),
        )
        report_result(self.crawler, key, {**values, "kind": kind})

    def article_request(
        self, url: str, source: Source, discovery: Discovery, *, resumed: bool = False
    ) -> scrapy.Request | RejectionItem | None:
        """A request for a discovered article URL; None when it is out of scope, done or too old.

        A URL the source's URL profile calls a non-article (``Source.url_kind``: a skip pattern
        and no article pattern matched) is not requested: a rejection (stage ``discovery``,
        reason ``url_profile``, the pattern in the detail) is returned instead, once per URL:
        its frontier row then says ``rejected``, so later runs skip it as done.
        """
        stats = self.crawler.stats
        if not in_scope(url, source.hosts) or not source.url_allowed(url):
            stats.inc_value("corpus/discovery/out_of_scope")
            return None
        key = frontier_key(url)
        if key in self.frontier.done:
            stats.inc_value("corpus/frontier/known_skipped")
            return None
        profile = source.url_match(url)
        if profile is not None and profile[0] == "skip":
            return self._profile_skip(url, source, discovery, key, profile[1], resumed=resumed)
        dates = self._in_flight_dates.setdefault(key, {})
        if discovery.date:
            dates.setdefault(discovery.channel, discovery.date)
        if self.since and discovery.date and not resumed:
            when = parse_discovery_date(discovery.date, source.timezone)
            if when is not None and when.date() < self.since:
                stats.inc_value("corpus/frontier/before_since")
                return None
        if not resumed:
            stats.inc_value(f"corpus/discovery/{discovery.channel}")
            if not self._report_article_seen(url, source, discovery):
                return None
        meta: dict[str, Any] = {M.SOURCE: source.name, M.STAGE: M.FETCH, M.KEY: key, M.DATES: dates}
        headers: dict[str, str] = {}
        if key in self.frontier.refetch:
            headers = conditional_headers(*self.frontier.refetch[key])
            meta["handle_httpstatus_list"] = [304]
            stats.inc_value("corpus/frontier/refetch")
        return scrapy.Request(
            url,
            callback=self.parse_article,
            errback=self.on_error,
            headers=headers,
            # Plain JSON values only: requests may be serialised (scrapy-redis, JOBDIR).
            cb_kwargs={"source": source.name, "discovery": asdict(discovery)},
            meta=meta,
        )

    def _report_article_seen(self, url: str, source: Source, discovery: Discovery) -> bool:
        """Report a discovered article URL's frontier row to the store stage; False when the URL is
        too long to keep (the store records it as a ``url_too_long`` rejection instead)."""
        row = seen_row(
            url,
            source.name,
            "article",
            channel=discovery.channel,
            title=discovery.title,
            date=discovery.date,
            tz=source.timezone,
            now=dt.datetime.now(dt.UTC),
        )
        report_seen(self.crawler, row)
        return not row_too_long(row)

    def _profile_skip(
        self, url: str, source: Source, discovery: Discovery, key: str, pattern: str, *, resumed: bool
    ) -> RejectionItem | None:
        """Record a URL the profile skips: a frontier row and one rejection per URL and run."""
        self.crawler.stats.inc_value("corpus/url_profile/skipped")
        if key in self._profile_skipped:
            return None  # a second sighting in this run (feed and sitemap): recorded already
        self._profile_skipped.add(key)
        if not resumed and not self._report_article_seen(url, source, discovery):
            return None
        return RejectionItem(
            url=url,
            source=source.name,
            stage=M.DISCOVERY,
            reason="url_profile",
            detail=f"skip pattern {pattern}"[:500],
            key=key,
        )

    def parse_article(
        self, response: Response, source: str, discovery: dict[str, Any] | None = None
    ) -> Iterator[Any]:
        """Hand an HTML page to the pipelines, or record why it cannot be one."""
        src = self.sources_by_name[source]
        key = response.meta.get(M.KEY)
        if not self.document_fetched(response):
            return
        ctype = (response.headers.get(b"Content-Type") or b"").decode("latin-1")
        kind = binary_kind(response.body)
        if kind or not is_html_type(ctype) or not isinstance(response, TextResponse):
            yield RejectionItem(
                url=response.url,
                source=source,
                stage="fetch",
                reason="not_html",
                detail=f"{kind or 'content type'}: {ctype or 'none'}",
                http_status=response.status,
                key=key,
            )
            return
        if "partial" in response.flags or "dataloss" in response.flags:
            yield RejectionItem(response.url, source, "fetch", "truncated", "data loss", response.status, key)
            return
        item = ArticleItem(
            url=response.url,
            source=src.name,
            outlet=src.outlet,
            country=src.country,
            html=response.text,
            fetched_at=dt.datetime.now(dt.UTC),
            status=response.status,
            discovery=Discovery(**discovery) if discovery else None,
            frontier_key=key,
            # The very dict the request carried: a sighting through another channel that arrives
            # until the analysis stage reads it still counts (as the 1-vs-N-workers test demands).
            dates=response.meta.get(M.DATES) or {},
            etag=_header(response, b"ETag"),
            last_modified=_header(response, b"Last-Modified"),
            # The URL fetched (after redirects) matches an article pattern of the source's
            # profile: the page-kind stage then never takes it for a listing on link share alone.
            article_url=src.url_kind(response.url) == "article",
        )
        if item.article_url:
            self.crawler.stats.inc_value("corpus/url_profile/article")
        if item.discovery and item.discovery.date:
            # A request built elsewhere (a WARC record, an older queue entry) may carry no dates.
            item.dates.setdefault(item.discovery.channel, item.discovery.date)
        yield item

    def on_error(self, failure: Failure) -> Iterator[RejectionItem]:
        """Every failed request becomes a recorded rejection with a short reason."""
        request = failure.request  # type: ignore[attr-defined]
        status = None
        if failure.check(HttpError):
            status = failure.value.response.status
            reason = f"http_{status}"
        elif failure.check(scrapy.exceptions.IgnoreRequest):
            reason = ignore_reason(failure.value)
        elif failure.check(DNSLookupError):
            reason = "dns"
        elif failure.check(TwistedTimeoutError, TCPTimedOutError):
            reason = "timeout"
        else:
            reason = failure_reason(failure.value) or (failure.type.__name__ if failure.type else "error")
        key = request.meta.get(M.KEY)
        if reason == "consent_wall" and key:
            # Not a verdict on the page but a missing consent choice (the source's `cookies`):
            # the URL is left to be tried again by the next runs, as a transient failure is,
            # instead of being rejected for good; the rejection row still records this run's wall.
            report_result(
                self.crawler, key, result_values("failed", reason=reason, now=dt.datetime.now(dt.UTC))
            )
            key = None
        yield RejectionItem(
            url=request.url,
            source=request.meta.get(M.SOURCE),
            stage=request.meta.get(M.STAGE, M.FETCH),
            reason=reason[:64],
            detail=str(failure.value)[:500] or None,
            http_status=status,
            key=key,
        )


def _header(response: Response, name: bytes) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None
