"""Downloader middleware: a source's own request headers and cookies, and consent walls named.

Some outlets answer a visitor without a consent choice with a redirect to a consent host (DPG
Media's "privacy gate" on ``myprivacy.dpgmedia.nl``); a browser that made the choice once sends
it back as cookies. The registry carries such a choice per source (``headers``, ``cookies``:
docs/sources.md), and this middleware sends it on every request to the source's hosts: the
source's articles, feeds and sitemaps, and the robots.txt and TDMRep files of those hosts (a
request without a source gets what every source on its host asks for). Scrapy's cookie
middleware is off (``COOKIES_ENABLED``): the ``Cookie`` header is written here, the same on every
request, so no page can change what the crawler tells the next one.

A redirect of a source's request to a consent host (:func:`corpus.sources.profiles.consent_redirect`:
declared in ``consent_hosts``, known, or named ``consent.*``, ``privacy.*``, ``cmp.*`` ...) is not
followed: it is refused as ``consent_wall`` with the host in the detail, so the record and
``crimecorpus sources check`` say which host walled the source and the fix is a registry entry.
It runs its ``process_response`` before the redirect middleware (priority 620 > 600), and its
``process_request`` after the default-headers and user-agent middlewares (400, 500), so a
source's header replaces a default one (``Accept-Language``); the crawler's own headers
(``User-Agent``, validators) cannot be set in the registry at all.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin

from corpus.crawl import meta as M
from corpus.sources.profiles import consent_detail, consent_redirect, cookie_header
from corpus.sources.urls import in_scope, url_host
from spiders.middlewares.refusals import Refused

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler
    from scrapy.http import Request, Response

    from corpus.sources.registry import Source


class SourceRequestsMiddleware:
    """Per-source headers and cookies on every request to its hosts; consent redirects refused."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self._by_host: dict[str, dict[str, str]] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def _sources(self) -> list[Source]:
        spider: Any = self.crawler.spider
        return list(getattr(spider, "sources", []))

    def _source(self, request: Request) -> Source | None:
        name = request.meta.get(M.SOURCE)
        spider: Any = self.crawler.spider
        return getattr(spider, "sources_by_name", {}).get(name) if name else None

    def _headers_for(self, request: Request) -> dict[str, str]:
        """What the request's source asks to send; for a request without a source (robots.txt,
        TDMRep), what every source on its host asks for, the first one listed winning a clash."""
        host = url_host(request.url)
        key = f"{request.meta.get(M.SOURCE) or ''}@{host}"
        if key not in self._by_host:
            own = self._source(request)
            if own is not None:
                owners = [own] if in_scope(request.url, own.hosts) else []
            else:
                owners = [s for s in self._sources() if in_scope(request.url, s.hosts)]
            headers: dict[str, str] = {}
            cookies: dict[str, str] = {}
            for source in owners:
                for name, value in source.headers:
                    headers.setdefault(name, value)
                for name, value in source.cookies:
                    cookies.setdefault(name, value)
            if cookies:
                headers["Cookie"] = cookie_header(cookies.items())
            self._by_host[key] = headers
        return self._by_host[key]

    def process_request(self, request: Request) -> None:
        headers = self._headers_for(request)
        for name, value in headers.items():
            existing = request.headers.get(name) if name == "Cookie" else None
            if existing:
                # A redirect copies the header it had: keep it, or add ours to another's.
                text = existing.decode("latin-1")
                if value in text:
                    continue
                value = f"{text}; {value}"
            request.headers[name] = value
        if headers:
            self.crawler.stats.inc_value("corpus/source_headers/sent")

    def process_response(self, request: Request, response: Response) -> Response:
        if not 300 <= response.status < 400 or b"Location" not in response.headers:
            return response
        source = self._source(request)
        if source is None:  # robots.txt, TDMRep: their own rules for redirects apply
            return response
        location = (response.headers[b"Location"] or b"").decode("latin-1")
        target = urljoin(request.url, location)
        host = consent_redirect(request.url, target, source.consent_hosts)
        if host is None:
            return response
        self.crawler.stats.inc_value("corpus/consent_wall")
        self.crawler.stats.inc_value(f"corpus/consent_wall/{source.name}")
        raise Refused("consent_wall", consent_detail(host, target))
