"""Per-source URL profiles and request settings: what an outlet's URLs say before a download.

A source in the registry may declare (see docs/sources.md):

* ``article_urls`` and ``skip_urls``: regular expressions over a URL's *path and query*
  (``/binnenland/6312345/slug.html?x=1``, never the scheme or host, so one profile holds on every
  host of the source, a mirror and a test server). :func:`url_kind` classifies a URL with them.
* ``headers`` and ``cookies``: sent on every request to the source's hosts (a consent choice).
* ``consent_hosts``: hosts the outlet redirects to for a consent choice, besides those
  :func:`looks_like_consent_host` recognises by name.

Precedence of the patterns: **an article pattern wins**. A URL is ``"skip"`` only when a skip
pattern matches it and no article pattern does; ``"article"`` when an article pattern matches;
``None`` (unknown: fetched, and the page-kind stage decides) otherwise. The profiles are written
from the outlets' published URL formats and unverified from here, and the two mistakes do not
cost the same: a wrongly skipped article is never downloaded and is gone from the corpus, while
a wrongly fetched section page costs one request and is then rejected by its page kind. So a
skip pattern can be broad (every one-segment path is a section) while an article pattern,
narrow, carves the articles out of it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Literal
from urllib.parse import urlsplit

from corpus.sources.urls import url_host

UrlKind = Literal["article", "skip"]

CONSENT_LABELS = frozenset({"consent", "privacy", "cmp", "myprivacy", "cookieconsent", "cookies"})
"""First labels of a host name that mark a consent-management host (``consent.example.nl``)."""

KNOWN_CONSENT_HOSTS = frozenset(
    {
        "myprivacy.dpgmedia.nl",
        "myprivacy.dpgmedia.be",
        "myprivacy.dpgmedia.net",
        "myprivacy.dpgmediagroup.net",
    }
)
"""Consent hosts of publishers in the registry, as public scrapers and blocklists name them
(unverified from here): DPG Media (AD, de Volkskrant, Trouw, Het Parool, HLN, De Morgen)
redirects a visitor without a consent choice to its "privacy gate" on these hosts."""

_HEADER_NAME = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")  # an RFC 9110 token
_COOKIE_VALUE = re.compile(r"^[\x21\x23-\x2b\x2d-\x3a\x3c-\x5b\x5d-\x7e]*$")  # RFC 6265 cookie-octet
RESERVED_HEADERS = frozenset(
    {
        "user-agent",  # the crawler identifies itself (USER_AGENT); a source cannot hide that
        "cookie",  # use the source's ``cookies`` table
        "host",
        "content-length",
        "if-none-match",  # the frontier's validators
        "if-modified-since",
    }
)


def url_target(url: str) -> str:
    """What profile patterns are matched against: the path (``/`` at least) and its query."""
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def compile_patterns(patterns: Iterable[str]) -> tuple[re.Pattern[str], ...]:
    """Compile profile patterns; raises ``re.error`` for a bad one (the caller names it)."""
    return tuple(re.compile(p) for p in patterns)


def classify(
    url: str,
    article: Iterable[re.Pattern[str]],
    skip: Iterable[re.Pattern[str]],
) -> tuple[UrlKind, str] | None:
    """The kind of ``url`` and the pattern that decided it (module docstring: article wins)."""
    target = url_target(url)
    for pattern in article:
        if pattern.search(target):
            return "article", pattern.pattern
    for pattern in skip:
        if pattern.search(target):
            return "skip", pattern.pattern
    return None


# -- request settings ---------------------------------------------------------------------------
def header_problem(name: str, value: str) -> str | None:
    """Why a registry header cannot be sent, or None."""
    if not _HEADER_NAME.match(name):
        return f"not a valid header name: {name!r}"
    if name.lower() in RESERVED_HEADERS:
        return f"header {name!r} is set by the crawler itself (use 'cookies' for cookies)"
    if any(c in value for c in "\r\n\0"):
        return f"header {name!r}: the value may not contain line breaks"
    return None


def cookie_problem(name: str, value: str) -> str | None:
    """Why a registry cookie cannot be sent, or None."""
    if not _HEADER_NAME.match(name):
        return f"not a valid cookie name: {name!r}"
    if not _COOKIE_VALUE.match(value):
        return f"cookie {name!r}: the value may not contain spaces, quotes, ',', ';' or '\\'"
    return None


def cookie_header(cookies: Iterable[tuple[str, str]]) -> str:
    """The ``Cookie`` header value of ``name=value`` pairs (RFC 6265, section 4.2.1)."""
    return "; ".join(f"{name}={value}" for name, value in cookies)


# -- consent walls -------------------------------------------------------------------------------
def looks_like_consent_host(host: str, declared: Iterable[str] = ()) -> bool:
    """True for a host a consent wall redirects to: declared by the source, known, or named so.

    ``host`` is compared as :func:`corpus.sources.urls.url_host` gives it (lower case, ASCII,
    ``www.`` folded, with a non-default port); a declared host also covers its subdomains.
    """
    for entry in declared:
        if host == entry or (":" not in entry and host.endswith("." + entry)):
            return True
    name = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
    if name in KNOWN_CONSENT_HOSTS:
        return True
    labels = name.split(".")
    return len(labels) >= 3 and labels[0] in CONSENT_LABELS


def consent_redirect(request_url: str, location: str, declared: Iterable[str] = ()) -> str | None:
    """The consent host a redirect from ``request_url`` to ``location`` leads to, or None.

    A redirect is a consent wall when its target host is not the requested host and is a
    consent host (declared, known or named so: :func:`looks_like_consent_host`), even one under
    the source's own domain (``privacy.outlet.nl``): the page it serves is no article.
    """
    host = url_host(location)
    if not host or host == url_host(request_url):
        return None
    return host if looks_like_consent_host(host, declared) else None


_CONSENT_DETAIL = re.compile(r"^consent host (\S+?): ")


def consent_detail(host: str, target: str) -> str:
    """The detail of a ``consent_wall`` rejection: the host first, so a report can read it back."""
    return f"consent host {host}: redirect to {target}"[:500]


def consent_host_of(detail: str | None) -> str | None:
    """The consent host a :func:`consent_detail` names (None for any other detail)."""
    match = _CONSENT_DETAIL.match(detail or "")
    return match.group(1) if match else None
