"""The crawl frontier in the database: what is known, pending, done or failed, and with which validators.

A crawl reads it once at start (:meth:`FrontierState.load`) to decide, before any download, which
discovered articles are already done, which recent ones to re-check, which discovery documents to
fetch conditionally, and which URLs a killed run left pending. Writes go through the
:class:`corpus.store.storage.Store` buffers, in the same transaction as the articles they concern, so
the frontier and the corpus never disagree after a crash.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, or_, select
from sqlalchemy.orm import Session
from w3lib.url import safe_url_string

from corpus.sources.urls import article_id, canonical_url
from corpus.store.models import FrontierEntry
from corpus.text.dates import parse_dutch_date

MAX_URL_LENGTH = 8192
"""The longest URL the crawler requests or stores, in characters of its percent-encoded form.

Browsers and servers commonly accept 8 KiB request lines (Apache's default limit), the sitemaps
protocol allows 2,048 characters, and no news article needs more; a longer URL is a trap
(session or tracking junk) or an attack. It is recorded as a rejection (reason
``url_too_long``, stage ``discovery`` when found, ``fetch`` when a redirect leads there), never
left pending. Scrapy's ``URLLENGTH_LIMIT`` is set to the same figure in corpus/crawl/settings.py.
"""

MAX_ATTEMPTS = 3
"""A URL that failed transiently this many times is given up (outcome stays ``failed``)."""

CONDITIONAL_KINDS = ("feed", "sitemap", "listing")
"""Fetched with If-None-Match / If-Modified-Since. Sitemap indexes are not: an unchanged index
says nothing about its child sitemaps, which must still be visited (each conditionally)."""

DOCUMENT_PRIORITY = 10
"""Scrapy priority of discovery documents (feeds, sitemaps, robots.txt, listings): before articles."""

_TRANSIENT = re.compile(
    r"^(http_5\d\d|http_429|http_408|timeout|dns|robots_unavailable|.*(Timeout|Refused|NeverReceived|ConnectError|"
    r"ConnectionLost|ConnectionDone|ResponseFailed|TunnelError|NoRoute).*)$"
)


def is_transient(reason: str) -> bool:
    """Failures worth another try in a later run (server errors, time-outs, DNS), not verdicts."""
    return bool(_TRANSIENT.match(reason))


def conditional_headers(etag: str | None, last_modified: str | None) -> dict[str, str]:
    """The If-None-Match / If-Modified-Since headers for the validators a frontier row holds."""
    headers = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    return headers


def url_too_long(url: str) -> bool:
    """True when ``url`` is over ``MAX_URL_LENGTH`` as Scrapy would request it (percent-encoded)."""
    if len(url) * 12 <= MAX_URL_LENGTH:  # a character encodes to at most 12 ("%F0%9F%98%80")
        return False
    return len(safe_url_string(url)) > MAX_URL_LENGTH


def row_too_long(row: dict[str, Any]) -> bool:
    """True when a :func:`seen_row` cannot be a pending row (either URL over ``MAX_URL_LENGTH``).

    Such a URL is recorded once as a rejection (stage ``discovery``, reason ``url_too_long``)
    by the store, and its discoverer must not request it.
    """
    return url_too_long(row["fetch_url"]) or len(row["url"]) > MAX_URL_LENGTH


def frontier_key(url: str) -> str:
    """The frontier id of a URL: the stable article id of its canonical form."""
    return article_id(canonical_url(url))


def parse_discovery_date(raw: str | None, tz: str = "Europe/Amsterdam") -> dt.datetime | None:
    """A feed pubDate or sitemap date as an aware datetime (a bare date: local midnight)."""
    if not raw:
        return None
    value = parse_dutch_date(raw, tz=tz)
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    from zoneinfo import ZoneInfo

    return dt.datetime.combine(value, dt.time(), tzinfo=ZoneInfo(tz))


@dataclass(frozen=True)
class PendingURL:
    """An article URL a previous run discovered but did not finish."""

    key: str
    fetch_url: str
    source: str
    channel: str | None
    title: str | None
    date: str | None


@dataclass
class FrontierState:
    """What a starting crawl needs to know from the frontier, loaded in one pass."""

    done: set[str] = field(default_factory=set)
    refetch: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)
    validators: dict[str, tuple[str | None, str | None, str]] = field(default_factory=dict)
    pending: list[PendingURL] = field(default_factory=list)
    recheck: list[PendingURL] = field(default_factory=list)  # the URLs of ``refetch``, to request at start

    @classmethod
    def load(
        cls,
        engine: Engine,
        sources: list[str],
        *,
        refetch_days: int | None = None,
        now: dt.datetime | None = None,
    ) -> FrontierState:
        now = now or dt.datetime.now(dt.UTC)
        state = cls()
        cutoff = now - dt.timedelta(days=refetch_days) if refetch_days else None
        with Session(engine) as s:
            rows = s.execute(
                select(
                    FrontierEntry.id,
                    FrontierEntry.url,
                    FrontierEntry.fetch_url,
                    FrontierEntry.source,
                    FrontierEntry.kind,
                    FrontierEntry.channel,
                    FrontierEntry.discovered_title,
                    FrontierEntry.discovered_date,
                    FrontierEntry.discovered_at,
                    FrontierEntry.first_seen,
                    FrontierEntry.etag,
                    FrontierEntry.last_modified,
                    FrontierEntry.outcome,
                    FrontierEntry.attempts,
                )
                .where(FrontierEntry.source.in_(sources))
                .where(or_(FrontierEntry.kind != "article", FrontierEntry.outcome != "skipped"))
                .order_by(FrontierEntry.first_seen, FrontierEntry.id)
            ).all()
        for r in rows:
            if r.kind != "article":
                state.validators[r.url] = (r.etag, r.last_modified, r.kind)
                continue
            if r.outcome == "pending" or (r.outcome == "failed" and r.attempts < MAX_ATTEMPTS):
                state.pending.append(
                    PendingURL(r.id, r.fetch_url, r.source, r.channel, r.discovered_title, r.discovered_date)
                )
                continue
            recent = r.discovered_at or r.first_seen
            if cutoff is not None and r.outcome in ("stored", "not_modified") and recent >= cutoff:
                state.refetch[r.id] = (r.etag, r.last_modified)
                state.recheck.append(
                    PendingURL(r.id, r.fetch_url, r.source, r.channel, r.discovered_title, r.discovered_date)
                )
                continue
            state.done.add(r.id)
        return state


def seen_row(
    url: str,
    source: str,
    kind: str,
    *,
    channel: str | None = None,
    title: str | None = None,
    date: str | None = None,
    tz: str = "Europe/Amsterdam",
    now: dt.datetime,
) -> dict[str, Any]:
    """A frontier row for a URL just discovered (inserted once, then only ``last_seen`` moves).

    ``tz`` is the source's time zone, for a discovery date without one (as the ``--since`` check
    reads it).
    """
    canon = canonical_url(url)
    return {
        "id": article_id(canon),
        "url": canon,
        "fetch_url": url,
        "source": source,
        "kind": kind,
        "channel": channel,
        "discovered_title": title[:2000] if title else None,
        "discovered_date": date[:64] if date else None,
        "discovered_at": parse_discovery_date(date, tz),
        "first_seen": now,
        "last_seen": now,
        "outcome": "pending",
        "attempts": 0,
    }


def result_values(
    outcome: str,
    *,
    reason: str | None = None,
    status: int | None = None,
    etag: str | None = None,
    last_modified: str | None = None,
    now: dt.datetime,
) -> dict[str, Any]:
    """The columns a fetch result sets; a transient failure becomes ``failed`` (retried later)."""
    if outcome == "rejected" and reason and is_transient(reason):
        outcome = "failed"
    values: dict[str, Any] = {"outcome": outcome, "reason": reason, "last_fetched": now}
    if status is not None:
        values["http_status"] = status
    if etag is not None:
        values["etag"] = etag[:256]
    if last_modified is not None:
        values["last_modified"] = last_modified[:64]
    return values
