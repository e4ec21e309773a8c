"""The sources registry: outlets are data, validated on load with errors that name file, source and key."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit

from corpus.sources.profiles import (
    UrlKind,
    classify,
    compile_patterns,
    cookie_header,
    cookie_problem,
    header_problem,
)
from corpus.sources.urls import ascii_host, url_host

COUNTRIES = ("nl", "be")
_LIST_KEYS = (
    "feeds",
    "sitemaps",
    "start_urls",
    "allow",
    "deny",
    "domains",
    "article_urls",
    "skip_urls",
    "consent_hosts",
)
_TABLE_KEYS = ("headers", "cookies")
_KNOWN_KEYS = frozenset(
    {"name", "outlet", "country", "verified", "verified_on", "notes", *_LIST_KEYS, *_TABLE_KEYS}
)
_NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


class SourcesError(ValueError):
    """A sources file that cannot be used; the message names the file, the source and the key."""


@dataclass(frozen=True)
class Source:
    """One outlet: where to discover its articles and which URLs belong to it."""

    name: str
    outlet: str
    country: str
    feeds: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    start_urls: tuple[str, ...] = ()
    allow: tuple[str, ...] = ()
    deny: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()
    verified: bool = True
    verified_on: str | None = None
    """The day (``YYYY-MM-DD``) of the last successful ``crimecorpus sources probe --mark-verified``."""
    notes: str = ""
    article_urls: tuple[str, ...] = ()
    """Regexes over a URL's path and query that mark an article (:mod:`corpus.sources.profiles`)."""
    skip_urls: tuple[str, ...] = ()
    """Regexes over a URL's path and query that mark a non-article: sections, tags, video ..."""
    headers: tuple[tuple[str, str], ...] = ()
    """Request headers sent on every request to the source's hosts, as (name, value) pairs."""
    cookies: tuple[tuple[str, str], ...] = ()
    """Cookies sent on every request to the source's hosts (a consent choice), (name, value)."""
    consent_hosts: tuple[str, ...] = ()
    """Hosts the outlet redirects to for a consent choice (besides those known by name)."""
    _allow_re: tuple[re.Pattern[str], ...] = field(default=(), repr=False, compare=False)
    _deny_re: tuple[re.Pattern[str], ...] = field(default=(), repr=False, compare=False)
    _article_re: tuple[re.Pattern[str], ...] = field(default=(), repr=False, compare=False)
    _skip_re: tuple[re.Pattern[str], ...] = field(default=(), repr=False, compare=False)

    @property
    def hosts(self) -> frozenset[str]:
        """Hosts this source may be crawled on: those of its listed URLs plus ``domains``.

        In ASCII (punycode) form, as requests carry them: a host written in Unicode in the
        registry is the same host as its punycode spelling (see :mod:`corpus.sources.urls`).
        """
        urls = (*self.feeds, *self.sitemaps, *self.start_urls)
        return frozenset({url_host(u) for u in urls} | {_domain_host(d) for d in self.domains})

    @property
    def robots_urls(self) -> list[str]:
        """One robots.txt per origin of the feeds, sitemaps and listings (sitemap discovery)."""
        origins: dict[str, None] = {}
        for url in (*self.feeds, *self.sitemaps, *self.start_urls):
            parts = urlsplit(url)
            origins.setdefault(f"{parts.scheme}://{parts.netloc}", None)
        return [f"{origin}/robots.txt" for origin in origins]

    @property
    def timezone(self) -> str:
        return "Europe/Brussels" if self.country == "be" else "Europe/Amsterdam"

    def url_allowed(self, url: str) -> bool:
        """Apply the source's allow/deny regexes (deny wins; no allow list allows all)."""
        if any(p.search(url) for p in self._deny_re):
            return False
        return not self._allow_re or any(p.search(url) for p in self._allow_re)

    def url_kind(self, url: str) -> UrlKind | None:
        """``"article"``, ``"skip"`` (a known non-article) or None (unknown) by the URL profile.

        An article pattern wins over a skip pattern (see :mod:`corpus.sources.profiles`).
        """
        match = self.url_match(url)
        return match[0] if match else None

    def url_match(self, url: str) -> tuple[UrlKind, str] | None:
        """The kind of ``url`` by the URL profile and the pattern that decided it, or None."""
        return classify(url, self._article_re, self._skip_re)

    def request_headers(self) -> dict[str, str]:
        """What every request to the source's hosts carries: its headers and a ``Cookie`` header."""
        out = dict(self.headers)
        if self.cookies:
            out["Cookie"] = cookie_header(self.cookies)
        return out


def _domain_host(domain: str) -> str:
    """A ``domains`` entry (``name`` or ``name:port``) with the name in ASCII."""
    name, colon, port = domain.rpartition(":")
    if not colon or not port.isdigit():
        name, colon, port = domain, "", ""
    return ascii_host(name) + colon + port


def _fail(path: str, where: str, key: str | None, message: str) -> SourcesError:
    location = f"{path}: {where}" + (f", key '{key}'" if key else "")
    return SourcesError(f"{location}: {message}")


def _parse_source(raw: object, index: int, path: str) -> Source:
    where = f"source #{index}"
    if not isinstance(raw, dict):
        raise _fail(path, where, None, "each [[source]] must be a table")
    name = raw.get("name")
    if isinstance(name, str):
        where = f"source '{name}'"
    if not isinstance(name, str) or not _NAME_RE.match(name):
        raise _fail(path, where, "name", "required; lower-case letters, digits, '-' and '_'")
    unknown = sorted(set(raw) - _KNOWN_KEYS)
    if unknown:
        raise _fail(path, where, unknown[0], f"unknown key (known: {', '.join(sorted(_KNOWN_KEYS))})")
    outlet = raw.get("outlet")
    if not isinstance(outlet, str) or not outlet.strip():
        raise _fail(path, where, "outlet", "required; the outlet's display name")
    country = raw.get("country")
    if country not in COUNTRIES:
        raise _fail(path, where, "country", f"must be one of {', '.join(COUNTRIES)}, got {country!r}")
    lists: dict[str, tuple[str, ...]] = {}
    for key in _LIST_KEYS:
        value = raw.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise _fail(path, where, key, "must be a list of non-empty strings")
        lists[key] = tuple(value)
    for key in ("feeds", "sitemaps", "start_urls"):
        for url in lists[key]:
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise _fail(path, where, key, f"not an http(s) URL: {url!r}")
            try:
                ascii_host(parts.hostname)
            except ValueError as exc:
                raise _fail(path, where, key, str(exc)) from None
    for domain in lists["domains"]:
        try:
            _domain_host(domain)
        except ValueError as exc:
            raise _fail(path, where, "domains", str(exc)) from None
    if not (lists["feeds"] or lists["sitemaps"] or lists["start_urls"]):
        raise _fail(path, where, "feeds", "a source needs at least one feed, sitemap or start URL")
    compiled: dict[str, tuple[re.Pattern[str], ...]] = {}
    for key in ("allow", "deny", "article_urls", "skip_urls"):
        for pattern in lists[key]:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise _fail(path, where, key, f"invalid regular expression {pattern!r}: {exc}") from None
        compiled[key] = compile_patterns(lists[key])
    consent_hosts = []
    for host in lists["consent_hosts"]:
        if "/" in host or urlsplit(f"http://{host}/").hostname is None:
            raise _fail(path, where, "consent_hosts", f"not a host name: {host!r}")
        try:
            consent_hosts.append(url_host(f"http://{_domain_host(host)}/"))
        except ValueError as exc:
            raise _fail(path, where, "consent_hosts", str(exc)) from None
    lists["consent_hosts"] = tuple(consent_hosts)
    tables: dict[str, tuple[tuple[str, str], ...]] = {}
    for key, problem in (("headers", header_problem), ("cookies", cookie_problem)):
        value = raw.get(key, {})
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            raise _fail(path, where, key, 'must be a table of strings (name = "value")')
        for entry, text in value.items():
            why = problem(entry, text)
            if why:
                raise _fail(path, where, key, why)
        tables[key] = tuple(value.items())
    verified = raw.get("verified", True)
    if not isinstance(verified, bool):
        raise _fail(path, where, "verified", "must be true or false")
    verified_on = raw.get("verified_on")
    if verified_on is not None:
        # TOML has a date type; a quoted day is accepted too.
        verified_on = str(verified_on)
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", verified_on):
            raise _fail(path, where, "verified_on", "must be a day, YYYY-MM-DD")
    notes = raw.get("notes", "")
    if not isinstance(notes, str):
        raise _fail(path, where, "notes", "must be a string")
    return Source(
        name=name,
        outlet=outlet.strip(),
        country=country,
        verified=verified,
        verified_on=verified_on,
        notes=notes,
        _allow_re=compiled["allow"],
        _deny_re=compiled["deny"],
        _article_re=compiled["article_urls"],
        _skip_re=compiled["skip_urls"],
        headers=tables["headers"],
        cookies=tables["cookies"],
        **lists,
    )


def parse_sources(text: str, path: str = "<sources>") -> list[Source]:
    """Parse and validate a sources TOML document."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SourcesError(f"{path}: not valid TOML: {exc}") from None
    unknown = sorted(set(data) - {"source"})
    if unknown:
        raise SourcesError(f"{path}: unknown top-level key '{unknown[0]}' (expected [[source]] tables)")
    raw_sources = data.get("source")
    if not isinstance(raw_sources, list) or not raw_sources:
        raise SourcesError(f"{path}: no [[source]] tables found")
    sources: list[Source] = []
    seen: set[str] = set()
    for index, raw in enumerate(raw_sources, start=1):
        source = _parse_source(raw, index, path)
        if source.name in seen:
            raise _fail(path, f"source '{source.name}'", "name", "duplicate name")
        seen.add(source.name)
        sources.append(source)
    return sources


def default_sources_path() -> Path:
    """The registry shipped with the package (real outlets, unverified from here)."""
    return Path(str(resources.files("corpus.sources") / "sources.toml"))


def load_sources(path: str | Path | None = None, names: list[str] | None = None) -> list[Source]:
    """Load a sources file (default: the shipped registry), optionally keeping only ``names``."""
    file = Path(path) if path else default_sources_path()
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise SourcesError(f"{file}: cannot read sources file: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise SourcesError(f"{file}: sources file is not UTF-8 text") from None
    sources = parse_sources(text, str(file))
    if names:
        known = {s.name for s in sources}
        missing = [n for n in names if n not in known]
        if missing:
            raise SourcesError(f"{file}: no source named {', '.join(map(repr, missing))}")
        sources = [s for s in sources if s.name in names]
    return sources
