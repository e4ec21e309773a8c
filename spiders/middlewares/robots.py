"""Downloader middleware: robots.txt as RFC 9309 says, with Crawl-delay.

Scrapy's RobotsTxtMiddleware parses whatever body a robots.txt request returns and allows
everything when the file cannot be fetched. RFC 9309 (section 2.3.1) asks for more care:

- 2xx: the rules apply (parsed by Protego, Scrapy's default parser);
- 4xx ("unavailable"): the crawler may access any resource;
- 5xx or no answer at all ("unreachable"): the crawler must assume complete disallow. Here the
  refusal is recorded as ``robots_unavailable`` (not a verdict on the page), so a later run
  tries again.

``Crawl-delay`` (not in the RFC, but widely used) spaces the requests to that site through the
shared :class:`~spiders.middlewares.pacing.DomainPacer`, capped by ``CORPUS_CRAWL_DELAY_MAX``.

A robots.txt request belongs to no source: it carries the host it was derived from
(``corpus_origin``), and the scope middleware keeps it and its redirects on that host. A
robots.txt that redirects off its host (or into a private network) is therefore not read; the
site is treated as "unreachable" (disallowed for now, ``robots_unavailable``), the careful
reading, rather than as having no rules.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from scrapy import Request
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http.request import NO_CALLBACK
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.defer import Deferred

from corpus.sources.urls import url_host
from spiders.middlewares.pacing import crawler_pacer
from spiders.middlewares.refusals import Refused
from spiders.middlewares.scope import ORIGIN

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.http import Response

logger = logging.getLogger(__name__)

OUT_OF_BOUNDS = frozenset({"offsite", "offsite_redirect", "private_address"})
"""Scope refusals of a robots.txt request that leave the site without readable rules."""


class Unreachable:
    """The parser of a robots.txt that answered 5xx or not at all: nothing is allowed for now."""

    def __init__(self, why: str) -> None:
        self.why = why

    def allowed(self, url: str, user_agent: str | bytes) -> bool:
        return False


class RobotsMiddleware(RobotsTxtMiddleware):
    """RobotsTxtMiddleware with the RFC 9309 status rules and Crawl-delay (see module)."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.max_crawl_delay = crawler.settings.getfloat("CORPUS_CRAWL_DELAY_MAX")

    async def robot_parser(self, request: Request) -> Any:
        """Scrapy's robot_parser, with the robots.txt request bound to the page's host."""
        parts = urlparse_cached(request)
        netloc = parts.netloc
        if netloc not in self._parsers:
            self._parsers[netloc] = Deferred()
            robots = Request(
                f"{parts.scheme}://{netloc}/robots.txt",
                priority=self.DOWNLOAD_PRIORITY,
                meta={"dont_obey_robotstxt": True, ORIGIN: url_host(request.url)},
                callback=NO_CALLBACK,
            )
            try:
                assert self.crawler.engine is not None
                response = await self.crawler.engine.download_async(robots)
                await self._parse_robots(response, netloc, request)
            except Exception as exc:
                if not isinstance(exc, IgnoreRequest):
                    logger.warning("robots.txt of %s not read: %s: %s", netloc, type(exc).__name__, exc)
                self._robots_error(exc, netloc)
            self._stats.inc_value("robotstxt/request_count")
        parser = self._parsers[netloc]
        if isinstance(parser, Deferred):
            return await maybe_deferred_to_future(parser)
        return parser

    async def _parse_robots(self, response: Response, netloc: str, request: Request) -> None:
        status = response.status
        if 400 <= status < 500:
            # "Unavailable": no rules at all, as if the file were empty.
            response = response.replace(body=b"")
        elif status >= 500:
            self._settle(netloc, Unreachable(f"robots.txt answered HTTP {status}"))
            self._stats.inc_value(f"robotstxt/response_status_count/{status}")
            self._stats.inc_value("corpus/robots/unreachable")
            return
        await super()._parse_robots(response, netloc, request)
        self._apply_crawl_delay(netloc)

    def _robots_error(self, exc: Exception, netloc: str) -> None:
        if isinstance(exc, Refused) and exc.reason in OUT_OF_BOUNDS:
            self._stats.inc_value("corpus/robots/unreachable")
            self._settle(netloc, Unreachable(f"robots.txt refused ({exc.reason}): {exc.detail[:200]}"))
            return
        if isinstance(exc, IgnoreRequest):
            # Refused before any download (e.g. by the scope middleware): no rules to apply.
            super()._robots_error(exc, netloc)
            return
        self._stats.inc_value(f"robotstxt/exception_count/{type(exc)}")
        self._stats.inc_value("corpus/robots/unreachable")
        self._settle(netloc, Unreachable(f"robots.txt unreachable: {type(exc).__name__}"))

    def _settle(self, netloc: str, parser: Any) -> None:
        waiting = self._parsers[netloc]
        self._parsers[netloc] = parser
        if isinstance(waiting, Deferred):  # requests are waiting for this host's rules
            waiting.callback(parser)

    def _apply_crawl_delay(self, netloc: str) -> None:
        parser = self._parsers.get(netloc)
        protego = getattr(parser, "rp", None)
        if protego is None or not hasattr(protego, "crawl_delay"):
            return
        agent = self._robotstxt_useragent or self._default_useragent
        delay = protego.crawl_delay(agent)
        if delay:
            delay = min(float(delay), self.max_crawl_delay)
            crawler_pacer(self.crawler).set_interval(netloc.lower(), delay)
            self._stats.set_value(f"corpus/robots/crawl_delay/{netloc}", delay)

    def process_request_2(self, rp: Any, request: Request) -> None:
        if isinstance(rp, Unreachable):
            self._stats.inc_value("robotstxt/forbidden")
            raise Refused("robots_unavailable", f"{rp.why}; disallowed for now, retried in a later run")
        super().process_request_2(rp, request)
