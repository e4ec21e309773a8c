"""Downloader middleware: TDMRep reservations (see :mod:`corpus.crawl.tdm`) applied to article pages.

Before an article is fetched, its origin's ``/.well-known/tdmrep.json`` is read (once per origin,
like robots.txt); a rule that reserves the path skips the page without downloading it (we do not
fetch a reserved page to look for a header that might lift the reservation). After the download,
the ``tdm-reservation`` header and the page's ``<meta name="tdm-reservation">`` are read and the
protocol's precedence (meta, then header, then file) decides. A reserved page is rejected as
``tdm_reserved`` unless ``CORPUS_TDM_RESEARCH_EXCEPTION = True`` (EU DSM Directive Art. 3), in
which case it is kept; either way the declaration lands in the ``tdm_declarations`` table.

Only article pages are checked: feeds, sitemaps and listings are read for their links, not mined.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from scrapy import Request, signals
from scrapy.exceptions import NotConfigured
from scrapy.http.request import NO_CALLBACK
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.defer import Deferred

from corpus.crawl import meta as M
from corpus.crawl.discoveries import report_tdm
from corpus.crawl.tdm import (
    WELL_KNOWN_PATH,
    TdmDecision,
    TdmRule,
    decide,
    header_declaration,
    match_rule,
    meta_declaration,
    parse_tdmrep_json,
)
from corpus.sources.urls import url_host
from spiders.middlewares.refusals import Refused
from spiders.middlewares.scope import ORIGIN

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler
    from scrapy.http import Response

META_RULE = M.TDM_RULE
META_DECISION = M.TDM_DECISION

page_refused = object()
"""Signal (``request``): a page is refused for a reservation, just before :class:`Refused` is
raised. The WARC archive middleware then drops the copy it holds of a downloaded page."""


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.lower()}"


def _path(url: str) -> str:
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


class TdmMiddleware:
    """Skip or flag pages whose text and data mining is reserved (see module)."""

    def __init__(self, crawler: Crawler, research_exception: bool) -> None:
        self.crawler = crawler
        self.research_exception = research_exception
        self._rules: dict[str, list[TdmRule]] = {}
        self._waiting: dict[str, list[Deferred[list[TdmRule]]]] = {}
        self._rows: list[dict[str, Any]] = []
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not crawler.settings.getbool("CORPUS_TDM_ENABLED"):
            raise NotConfigured
        return cls(crawler, crawler.settings.getbool("CORPUS_TDM_RESEARCH_EXCEPTION"))

    # -- the well-known file ------------------------------------------------------------------
    async def rules(self, origin: str) -> list[TdmRule]:
        """The origin's tdmrep.json rules, fetched once; none when the file is missing or broken."""
        if origin in self._rules:
            return self._rules[origin]
        if origin in self._waiting:
            waiter: Deferred[list[TdmRule]] = Deferred()
            self._waiting[origin].append(waiter)
            return await maybe_deferred_to_future(waiter)
        self._waiting[origin] = []
        rules: list[TdmRule] = []
        request = Request(
            origin + WELL_KNOWN_PATH,
            callback=NO_CALLBACK,
            priority=1000,
            # No source: bound to the origin's host (it and its redirects; spiders/middlewares/scope.py).
            meta={
                "dont_obey_robotstxt": True,
                M.STAGE: M.TDM,
                "download_maxsize": 262144,
                ORIGIN: url_host(origin),
            },
        )
        try:
            assert self.crawler.engine is not None
            response = await self.crawler.engine.download_async(request)
            if response.status == 200:
                rules = parse_tdmrep_json(response.body)
        except Exception:  # no file, no declaration
            rules = []
        self.crawler.stats.inc_value("corpus/tdm/well_known_fetched")
        self._rules[origin] = rules
        for waiter in self._waiting.pop(origin):
            waiter.callback(rules)
        return rules

    def _record(self, request: Request, decision: TdmDecision, location: str, kept: bool) -> None:
        now = dt.datetime.now(dt.UTC)
        self._rows.append(
            {
                "source": request.meta.get(M.SOURCE) or "",
                "origin": _origin(request.url),
                "via": decision.via or "none",
                "location": location,
                "reserved": decision.reserved,
                "policy": decision.policy,
                "kept": kept,
                "first_seen": now,
                "crawl_run_id": self.crawler.stats.get_value("corpus/run_id"),
            }
        )

    def _reserved(self, request: Request, decision: TdmDecision, location: str) -> None:
        """Record a reservation; refuse the page unless the research exception is on."""
        stats = self.crawler.stats
        self._record(request, decision, location, kept=self.research_exception)
        stats.inc_value(f"corpus/tdm/reserved/{decision.via}")
        request.meta[META_DECISION] = "reserved"
        if self.research_exception:
            stats.inc_value("corpus/tdm/kept_research_exception")
            return
        self.crawler.signals.send_catch_log(page_refused, request=request)
        raise Refused(
            "tdm_reserved",
            f"reserved by {decision.via}" + (f"; policy {decision.policy}" if decision.policy else ""),
        )

    # -- the middleware hooks -------------------------------------------------------------------
    async def process_request(self, request: Request) -> None:
        if request.meta.get(M.STAGE) != M.FETCH:
            return
        rule = match_rule(await self.rules(_origin(request.url)), _path(request.url))
        request.meta[META_RULE] = rule
        if rule is not None and rule.reserved:
            self._reserved(request, TdmDecision(True, "well-known", rule.policy), rule.location)

    def process_response(self, request: Request, response: Response) -> Response:
        if request.meta.get(M.STAGE) != M.FETCH or response.status != 200:
            return response
        if request.meta.get(META_DECISION) == "reserved":
            return response  # reserved by the file and kept under the research exception
        reservation = response.headers.get(b"tdm-reservation")
        policy = response.headers.get(b"tdm-policy")
        header = header_declaration(
            reservation.decode("latin-1") if reservation else None,
            policy.decode("latin-1") if policy else None,
        )
        decision = decide(meta_declaration(response.body), header, request.meta.get(META_RULE))
        if decision.reserved:
            self._reserved(request, decision, _path(request.url))
        return response

    def spider_closed(self, spider: Any) -> None:
        if self._rows:
            report_tdm(self.crawler, self._rows)
            self._rows = []
