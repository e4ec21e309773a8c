"""URL canonicalisation and scope checks, so one article has one key whatever link led to it."""

from __future__ import annotations

import hashlib
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

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


def canonical_url(url: str) -> str:
    """Return the key under which an article is stored.

    Tracking parameters go, the scheme folds to https and a leading ``www.`` is dropped, the
    fragment goes and the remaining query is sorted: two links that can only show the same page
    get the same key. The result is a key, not an address to fetch: ``http`` and ``www`` are
    folded even where a site would not answer on the folded form.
    """
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower().rstrip(".")
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


def url_host(url: str) -> str:
    """The host (with a non-default port) that scope checks compare, ``www.`` folded."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().rstrip(".")
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
