"""URL canonicalisation and scope checks, so one article has one key whatever link led to it.

Hosts are compared in their ASCII (punycode) form everywhere: a registry may write a host in
Unicode (``politie-brüssel.be``), but every request Scrapy builds carries the punycode form
(``xn--politie-brssel-...``), and robots.txt, TDMRep, pacing and the scope check all see that.
:func:`ascii_host` converts the way Scrapy's requests do (w3lib's ``safe_url_string``), so the
two spellings are one host and one frontier key.
"""

from __future__ import annotations

import functools
import hashlib
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from w3lib.url import safe_url_string

# Parameters that only say where a click came from; they never change the page.
TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "msclkid",
        "mc_cid",
        "mc_eid",
        "igshid",
        "_ga",
        "yclid",
        "ref_src",
        "cmpid",
        "xtor",
        "at_medium",
        "at_campaign",
        "at_source",
        "ocid",
    }
)
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_")


def _is_tracking(name: str) -> bool:
    lowered = name.lower()
    return lowered in TRACKING_PARAMS or lowered.startswith(TRACKING_PREFIXES)


@functools.lru_cache(maxsize=4096)
def ascii_host(host: str) -> str:
    """A host name lower-cased, trailing dot dropped, an IDN in punycode (as Scrapy requests it).

    Raises ``ValueError`` for a name that has no ASCII form (an invalid internationalised name).
    """
    host = host.strip().lower().rstrip(".")
    if host.isascii():
        return host
    try:
        converted = urlsplit(safe_url_string(f"http://{host}/")).hostname or ""
    except (UnicodeError, ValueError) as exc:
        raise ValueError(f"not a valid internationalised host name: {host!r} ({exc})") from None
    if not converted or not converted.isascii():
        raise ValueError(f"not a valid internationalised host name: {host!r}")
    return converted.rstrip(".")


def _hostname(url: str) -> str:
    """The URL's host name in ASCII (see :func:`ascii_host`); an unconvertible one as written."""
    name = urlsplit(url).hostname or ""
    try:
        return ascii_host(name)
    except ValueError:
        return name.lower().rstrip(".")


def canonical_url(url: str) -> str:
    """Return the key under which an article is stored.

    Tracking parameters go, the scheme folds to https and a leading ``www.`` is dropped, the
    fragment goes and the remaining query is sorted: two links that can only show the same page
    get the same key. The result is a key, not an address to fetch: ``http`` and ``www`` are
    folded even where a site would not answer on the folded form.
    """
    parts = urlsplit(url.strip())
    host = _hostname(url.strip())
    if host.startswith("www."):
        host = host[4:]
    netloc = host
    if parts.port and parts.port not in (80, 443):
        netloc = f"{host}:{parts.port}"
    query = sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(k))
    path = parts.path or "/"
    return urlunsplit(("https", netloc, path, urlencode(query), ""))


def article_id(canonical: str) -> str:
    """A stable 16-hex-digit id derived from the canonical URL, the same in every database."""
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]


@functools.lru_cache(maxsize=4096)
def url_host(url: str) -> str:
    """The host (with a non-default port) that scope checks compare, ``www.`` folded, in ASCII.

    Cached: the middlewares, the spider and the frontier ask it about a dozen times per page."""
    parts = urlsplit(url)
    host = _hostname(url)
    if host.startswith("www."):
        host = host[4:]
    if parts.port and parts.port not in (80, 443):
        return f"{host}:{parts.port}"
    return host


def in_scope(url: str, hosts: frozenset[str]) -> bool:
    """True when ``url`` is http(s) on one of ``hosts`` or a subdomain of one."""
    if urlsplit(url).scheme not in ("http", "https"):
        return False
    host = url_host(url)
    if host in hosts:
        return True
    return any(host.endswith("." + h) for h in hosts if ":" not in h)
