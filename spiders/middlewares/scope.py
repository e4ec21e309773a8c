"""Downloader middleware: only http(s), only the source's own hosts, no way into private networks.

Links to other hosts are dropped by the spider before they become requests; this middleware is
the guard for everything that arrives another way: a redirect (to another domain, to ``file://``
or ``data:``), a resumed URL, a robots.txt redirect. It runs first (priority 40), before the
robots.txt middleware, so a refused host is never contacted at all, not even for robots.txt.

Scope cannot be borrowed:

* A request of a source (``corpus_source`` in its meta) stays on that source's hosts.
* A request without a source (robots.txt, ``/.well-known/tdmrep.json``) carries the host it was
  derived from (``corpus_origin``) and stays on that host; its redirects keep the meta and so
  the same bound. A request with neither may only go to public addresses.
* A backfill's request to a web archive (``corpus_archive`` in its meta) may only go to the hosts
  of the archive endpoints the settings name (``ARCHIVE_ENDPOINTS``), on any address: the user
  chose them, and a local mirror of an archive is a private address.
* Server-side request forgery: a private, loopback, link-local, CGNAT, reserved or multicast
  address (the cloud metadata service at 169.254.169.254, a router, localhost) is refused as
  ``private_address``, in every IPv6 spelling too (:func:`is_public_address`), unless the target
  host is one of the *listed* hosts (feeds, sitemaps, start URLs) of the source the request
  belongs to, and resolves to the address that host had when it was first checked. The user put
  that host in the sources file (the demo, the tests, an intranet mirror); a ``domains`` entry,
  another source's private host or a redirect target is no such permission.

Resolve once: the check resolves the name through the reactor's resolver, which is Scrapy's
``CachingThreadedResolver`` (``DNSCACHE_ENABLED``, required here); the download's connection asks
the same resolver and gets the cached answer, so it connects to the address that was checked. As
a second guard the address the download actually connected to (``Response.ip_address``) is
compared with the checked one, and a private answer from an address that was not checked is
refused (docs/robustness.md, "Scope and SSRF").
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Protocol, cast
from urllib.parse import urljoin, urlsplit

from scrapy.utils.defer import maybe_deferred_to_future

from corpus.crawl import meta as M
from corpus.sources.urls import ascii_host, in_scope, url_host
from spiders.middlewares.refusals import Refused

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler
    from scrapy.http import Request, Response
    from twisted.internet.defer import Deferred

    from corpus.sources.registry import Source


class _Resolving(Protocol):
    """The reactor's ``resolve`` (IReactorCore) as it is called.

    Twisted declares it on a zope interface without ``self``; mypy, which does not know zope
    interfaces, would take the host name for ``self`` and the timeout for the name.
    """

    def resolve(self, name: str, timeout: Sequence[int] = ...) -> Deferred[str]: ...


SCHEMES = ("http", "https")
ARCHIVE_ENDPOINTS = ("CORPUS_CC_INDEX_URL", "CORPUS_CC_DATA_URL", "CORPUS_IA_CDX_URL", "CORPUS_IA_WEB_URL")
"""The settings that name the web archive endpoints a backfill may ask (spiders/backfill.py)."""
ORIGIN = M.ORIGIN
"""Request meta: the host a request without a source was derived from (its robots.txt, TDMRep)."""
CHECKED = M.ADDRESS
"""Request meta: the address the scope check resolved the host to."""

_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_NAT64_LOCAL = ipaddress.IPv6Network("64:ff9b:1::/48")
_TRANSLATED = ipaddress.IPv6Network("::ffff:0:0:0/96")
_COMPATIBLE = ipaddress.IPv6Network("::/96")


def embedded_ipv4(addr: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses an IPv6 address carries: mapped, compatible, translated, NAT64, 6to4,
    Teredo (server and client) and ISATAP. Any of them reaches (or may reach) that IPv4 host."""
    low = ipaddress.IPv4Address(int(addr) & 0xFFFFFFFF)
    found: list[ipaddress.IPv4Address] = []
    if addr.ipv4_mapped is not None:
        found.append(addr.ipv4_mapped)
    if addr in _COMPATIBLE or addr in _TRANSLATED or addr in _NAT64:
        found.append(low)
    if addr.sixtofour is not None:
        found.append(addr.sixtofour)
    if addr.teredo is not None:
        found.extend(addr.teredo)
    if (int(addr) >> 32) & 0xFDFFFFFF == 0x00005EFE:  # ISATAP interface id (0000:5efe or 0200:5efe)
        found.append(low)
    return found


def is_public_address(ip: str) -> bool:
    """True for a globally routable unicast address; private, loopback, link-local, CGNAT,
    reserved, multicast and unspecified addresses are not, nor is an IPv6 address that embeds
    one of them (IPv4-mapped, IPv4-compatible, NAT64, 6to4, Teredo, ISATAP) or a local-use
    NAT64 address (64:ff9b:1::/48, whatever it embeds)."""
    try:
        addr = ipaddress.ip_address(ip.strip("[]"))
    except ValueError:
        return True  # not an address at all: a name, judged after resolution
    if not addr.is_global or addr.is_multicast:
        return False
    if isinstance(addr, ipaddress.IPv6Address):
        if addr in _NAT64_LOCAL:
            return False
        return all(v4.is_global and not v4.is_multicast for v4 in embedded_ipv4(addr))
    return True


def literal_address(host: str) -> str | None:
    """The address when ``host`` is an IP literal (or a name that is loopback by definition)."""
    host = host.strip("[]").lower().rstrip(".")
    if host == "localhost" or host.endswith(".localhost"):
        return "127.0.0.1"
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        return None


def _ascii_name(url: str) -> str:
    """The host name to resolve, in the punycode form the download will resolve too."""
    name = urlsplit(url).hostname or ""
    try:
        return ascii_host(name)
    except ValueError:  # refused when the registry is loaded; never resolved in another form
        return name


class ScopeMiddleware:
    """Refuse non-http(s) URLs, requests off their source's or origin's host, and private targets
    that no listed host of their source vouches for (see module)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        # source name -> {listed host: the private address it resolved to when first checked}
        self._listed_private: dict[str, dict[str, str]] = {}
        self._archives: frozenset[str] | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not crawler.settings.getbool("DNSCACHE_ENABLED"):
            # Without the cache the connection would resolve the name a second time, and the
            # checked address would not be the one connected to (DNS rebinding). NotConfigured
            # would switch the guard off silently: refuse to crawl instead.
            raise ValueError("DNSCACHE_ENABLED = False: the scope check needs the DNS cache (resolve once)")
        return cls(crawler)

    async def _address(self, host: str) -> str | None:
        literal = literal_address(host)
        if literal is not None:
            return literal
        from twisted.internet import reactor

        try:
            resolving = cast("_Resolving", reactor)
            address = await maybe_deferred_to_future(resolving.resolve(host))
            return str(address)
        except Exception:  # DNS or any resolver failure: leave it to the download (recorded as "dns")
            return None

    async def _private_hosts(self, source: Source) -> dict[str, str]:
        """The source's listed hosts that are on private addresses, with those addresses."""
        if source.name not in self._listed_private:
            hosts: dict[str, str] = {}
            for url in (*source.feeds, *source.sitemaps, *source.start_urls):
                host = url_host(url)
                if host in hosts:
                    continue
                address = await self._address(_ascii_name(url))
                if address is not None and not is_public_address(address):
                    hosts[host] = address
            self._listed_private[source.name] = hosts
        return self._listed_private[source.name]

    def _owners(self, origin: str) -> list[Source]:
        """The sources a host belongs to (a robots.txt or TDMRep file serves all of them)."""
        spider: Any = self.crawler.spider
        return [s for s in getattr(spider, "sources", []) if in_scope(f"http://{origin}/", s.hosts)]

    async def _private_allowed(self, url: str, address: str, owners: list[Source]) -> bool:
        """A listed host of one of ``owners``, on the very address it had when first checked."""
        host = url_host(url)
        for source in owners:
            if (await self._private_hosts(source)).get(host) == address:
                return True
        return False

    def _archive_hosts(self) -> frozenset[str]:
        """The hosts of the archive endpoints the settings name (a backfill's only destinations)."""
        if self._archives is None:
            settings = self.crawler.settings
            self._archives = frozenset(
                url_host(settings.get(name)) for name in ARCHIVE_ENDPOINTS if settings.get(name)
            )
        return self._archives

    async def process_request(self, request: Request) -> None:
        parts = urlsplit(request.url)
        if parts.scheme not in SCHEMES:
            raise Refused("bad_scheme", f"not http(s): {request.url[:200]}")
        if request.meta.get(M.ARCHIVE):
            # A web archive's endpoint, named by the user in the settings: the only hosts an
            # archive request may reach, on whatever address (a local mirror is allowed).
            if url_host(request.url) not in self._archive_hosts():
                raise Refused("offsite", f"not an archive endpoint: {request.url[:200]}")
            request.meta[CHECKED] = await self._address(parts.hostname or "")
            return
        spider: Any = self.crawler.spider
        name = request.meta.get(M.SOURCE)
        source = getattr(spider, "sources_by_name", {}).get(name) if name else None
        origin = request.meta.get(ORIGIN) if source is None else None
        bound = source.hosts if source is not None else frozenset({origin}) if origin else None
        if bound is not None and not in_scope(request.url, bound):
            via = request.meta.get("redirect_urls")
            reason = "offsite_redirect" if via else "offsite"
            detail = f"{via[0]} -> {request.url}" if via else request.url
            raise Refused(reason, detail[:500])
        address = await self._address(parts.hostname or "")
        request.meta[CHECKED] = address
        if address is None or is_public_address(address):
            return
        owners = [source] if source is not None else self._owners(origin) if origin else []
        if not await self._private_allowed(request.url, address, owners):
            raise Refused("private_address", f"{parts.hostname} is {address}: {request.url[:200]}")

    def process_response(self, request: Request, response: Response) -> Response:
        """The second guard: the address connected to must be the one checked, or a public one."""
        connected = getattr(response, "ip_address", None)
        if connected is None or request.meta.get("proxy") or request.meta.get("_auth_proxy"):
            return response  # no peer address (a cache, a file) or a proxy's address
        checked = request.meta.get(CHECKED)
        if checked is not None and ipaddress.ip_address(checked) == connected:
            return response
        if is_public_address(str(connected)):
            return response
        self.crawler.stats.inc_value("corpus/scope/address_changed")
        raise Refused(
            "private_address",
            f"{urlsplit(request.url).hostname} connected to {connected}, checked {checked}: {request.url[:200]}",
        )


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
            location = (response.headers[b"Location"] or b"").decode("latin-1")
            target = urljoin(request.url, location)
            if urlsplit(target).scheme not in SCHEMES:
                raise Refused("redirect_scheme", f"redirect to {target[:200]}")
            # A redirect back to a URL of its own chain would be dropped silently by the
            # duplicate filter; it is a loop, and recorded as one.
            chain = [*request.meta.get("redirect_urls", []), request.url]
            if target.split("#", 1)[0] in chain:
                raise Refused("redirect_loop", " -> ".join([*chain, target])[:500])
        return response
