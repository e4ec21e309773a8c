"""Downloader middleware: only http(s), only the source's own hosts, no way into private networks.

Links to other hosts are dropped by the spider before they become requests; this middleware is
the guard for everything that arrives another way: a redirect (to another domain, to ``file://``
or ``data:``), a resumed URL, a robots.txt redirect. It runs first (priority 40), before the
robots.txt middleware, so a refused host is never contacted at all, not even for robots.txt.

Server-side request forgery: a page on a public host that redirects to a private, loopback or
link-local address (the cloud metadata service at 169.254.169.254, a router, localhost) is
refused. A source whose own listed URLs are on such an address (the demo, the tests, an intranet
mirror) is trusted as listed: the user put it in the sources file. Addresses are checked as the
resolver sees them before the download; a name that resolves differently a moment later (DNS
rebinding) is not caught here.
"""

from __future__ import annotations

import ipaddress
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

from scrapy.utils.defer import maybe_deferred_to_future

from corpus.urls import in_scope
from spiders.middlewares.refusals import Refused

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler
    from scrapy.http import Request, Response

    from corpus.sources import Source

SCHEMES = ("http", "https")


def is_public_address(ip: str) -> bool:
    """True for a globally routable unicast address; private, loopback, link-local, CGNAT,
    reserved, multicast and unspecified addresses are not."""
    try:
        addr = ipaddress.ip_address(ip.strip("[]"))
    except ValueError:
        return True  # not an address at all: a name, judged after resolution
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped:
        addr = addr.ipv4_mapped
    return addr.is_global and not addr.is_multicast


def literal_address(host: str) -> str | None:
    """The address when ``host`` is an IP literal (or a name that is loopback by definition)."""
    host = host.strip("[]").lower().rstrip(".")
    if host == "localhost" or host.endswith(".localhost"):
        return "127.0.0.1"
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        return None


class ScopeMiddleware:
    """Refuse non-http(s) URLs, requests off the source's hosts, and private targets (see module)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self._source_private: dict[str, bool] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    async def _address(self, host: str) -> str | None:
        literal = literal_address(host)
        if literal is not None:
            return literal
        from twisted.internet import reactor

        try:
            return str(await maybe_deferred_to_future(reactor.resolve(host)))  # type: ignore[attr-defined]
        except Exception:  # DNS or any resolver failure: leave it to the download (recorded as "dns")
            return None

    async def _private_allowed(self, source: Source | None) -> bool:
        """A source listed on a private address may be crawled there; without a source
        (robots.txt), any such source of this crawl vouches for private targets."""
        sources = [source] if source is not None else list(getattr(self.crawler.spider, "sources", []))
        for src in sources:
            if src.name not in self._source_private:
                private = False
                for url in (*src.feeds, *src.sitemaps, *src.start_urls):
                    host = urlsplit(url).hostname or ""
                    address = await self._address(host)
                    if address is not None and not is_public_address(address):
                        private = True
                        break
                self._source_private[src.name] = private
            if self._source_private[src.name]:
                return True
        return False

    async def process_request(self, request: Request) -> None:
        parts = urlsplit(request.url)
        if parts.scheme not in SCHEMES:
            raise Refused("bad_scheme", f"not http(s): {request.url[:200]}")
        spider: Any = self.crawler.spider
        name = request.meta.get("corpus_source")
        source = getattr(spider, "sources_by_name", {}).get(name) if name else None
        if source is not None and not in_scope(request.url, source.hosts):
            via = request.meta.get("redirect_urls")
            reason = "offsite_redirect" if via else "offsite"
            detail = f"{via[0]} -> {request.url}" if via else request.url
            raise Refused(reason, detail[:500])
        address = await self._address(parts.hostname or "")
        private = address is not None and not is_public_address(address)
        if private and not await self._private_allowed(source):
            raise Refused("private_address", f"{parts.hostname} is {address}: {request.url[:200]}")


class RedirectGuardMiddleware:
    """Name the redirects Scrapy would not follow or would lose without a trace.

    Runs its ``process_response`` before the redirect middleware (priority 610 > 600): a redirect
    to another scheme (``file:``, ``data:``) is refused as ``redirect_scheme`` instead of ending as
    a bare ``http_302``, and a redirect back into its own chain as ``redirect_loop`` (the
    duplicate filter would otherwise drop the repeated URL silently, and the page would vanish
    from the record).
    """

    def process_response(self, request: Request, response: Response) -> Response:
        # The redirect middleware leaves redirects to other schemes (file:, data:, ftp:) as they
        # are; say so instead of recording a bare http_302.
        if 300 <= response.status < 400 and b"Location" in response.headers:
            location = response.headers[b"Location"].decode("latin-1")
            target = urljoin(request.url, location)
            if urlsplit(target).scheme not in SCHEMES:
                raise Refused("redirect_scheme", f"redirect to {target[:200]}")
            # A redirect back to a URL of its own chain would be dropped silently by the
            # duplicate filter; it is a loop, and recorded as one.
            chain = [*request.meta.get("redirect_urls", []), request.url]
            if target.split("#", 1)[0] in chain:
                raise Refused("redirect_loop", " -> ".join([*chain, target])[:500])
        return response
