"""Source health: when each source last worked, what it yields, and the signs that a site changed
or blocks us (a drop in yield, extraction failures, consent walls, HTTP 403/429).

Everything is read from the tables a crawl already writes (articles, rejections, crawl_runs); the
verdicts are pure functions of per-source counts (:func:`assess`), with their thresholds in one
place (:class:`Thresholds`) so they are documented and testable without a database.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import Engine, case, func, select
from sqlalchemy.orm import Session

from corpus.sources.profiles import consent_host_of
from corpus.store.models import Article, CrawlRun, Rejection

# Rejections that are not a page we fetched: robots.txt refused the request before any download,
# or the source's URL profile called the URL a non-article.
_NOT_FETCHED = frozenset({"fetch/robots_disallowed", "discovery/url_profile"})
CONSENT_WALL = "consent_wall"
"""The rejection reason of a request redirected to a consent host (any stage); its detail names
the host (``corpus.sources.profiles.consent_detail``)."""
# Stages a page reaches only after it was downloaded; their rejections count as pages extracted.
_BEFORE_EXTRACTION = frozenset({"discovery", "fetch"})

FLAG_HELP = {
    "not_crawled": "no finished crawl run covered the source in the window",
    "no_articles": "crawled, but no article was ever stored",
    "yield_dropped": "fewer articles published per day in the window than before (site changed?)",
    "blocked": "a large share of requests answered 403 or 429",
    "consent_wall": "a large share of requests met a consent wall (a consent page, or a redirect to a consent host)",
    "extraction_failing": "a large share of fetched pages gave no article text",
}


@dataclass(frozen=True)
class Thresholds:
    """When a source is flagged. Shares are of the pages in the window; below ``min_pages`` pages
    (or ``min_baseline`` baseline articles) a share or a drop says too little to flag."""

    drop_ratio: float = 0.5  # yield_dropped: recent rate below half the baseline rate
    baseline_windows: int = 3  # the baseline is the 3 windows before the recent one
    min_baseline: int = 5  # ... and holds at least 5 dated articles
    blocked_share: float = 0.2  # blocked: (403 + 429) / requests
    consent_share: float = 0.2  # consent_wall: consent walls / pages fetched
    extraction_share: float = 0.3  # extraction_failing: (extract/* + page_kind/empty) / pages extracted
    min_pages: int = 5


@dataclass(frozen=True)
class SourceCounts:
    """What the database says about one source, for a window of ``days`` ending at ``now``.

    The drop test uses publication dates, not the time an article was stored: a first crawl stores
    a site's whole sitemap backlog at once, which would make every later window look like a drop.
    """

    source: str
    articles_total: int = 0
    last_article: dt.datetime | None = None  # when the newest stored article was first seen
    stored_recent: int = 0  # articles first stored in the window
    published_recent: int = 0  # stored articles published in the window
    published_baseline: int = 0  # ... and in the baseline windows before it
    rejections: Mapping[str, int] = field(default_factory=dict)  # "stage/reason" -> count, in the window
    last_run: dt.datetime | None = None  # start of the newest finished crawl run that covered the source
    runs_recent: int = 0  # finished crawl runs in the window that covered the source
    consent_hosts: Mapping[str, int] = field(default_factory=dict)  # consent host -> redirects to it


@dataclass(frozen=True)
class SourceHealth:
    source: str
    last_article: dt.datetime | None
    last_run: dt.datetime | None
    runs: int
    articles: int  # first stored in the window
    articles_per_day: float
    requests: int  # pages fetched in the window (stored + rejected, robots refusals excluded)
    extracted: int  # of those, pages that reached extraction
    extraction_failed: int
    consent: int
    http_403: int
    http_429: int
    extraction_failed_share: float | None
    consent_share: float | None
    http_403_share: float | None
    http_429_share: float | None
    published_per_day: float  # in the window
    baseline_per_day: float | None  # in the baseline windows; None without enough baseline
    flags: tuple[str, ...]
    consent_hosts: dict[str, int] = field(default_factory=dict)  # consent host -> redirects to it

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        for key in ("last_article", "last_run"):
            value = out[key]
            out[key] = value.isoformat() if value else None
        out["flags"] = list(self.flags)
        return out


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def assess(counts: SourceCounts, days: int, th: Thresholds | None = None) -> SourceHealth:
    """Rates and flags of one source from its counts: no I/O, so every rule is unit-testable."""
    th = th or Thresholds()
    rej = counts.rejections
    fetched_rejections = sum(n for key, n in rej.items() if key not in _NOT_FETCHED)
    requests = counts.stored_recent + fetched_rejections
    extracted = counts.stored_recent + sum(
        n for key, n in rej.items() if key.split("/", 1)[0] not in _BEFORE_EXTRACTION
    )
    extraction_failed = sum(n for key, n in rej.items() if key.startswith("extract/")) + rej.get(
        "page_kind/empty", 0
    )
    # A consent page fetched and recognised, or a redirect to a consent host (never fetched).
    consent = rej.get("page_kind/consent", 0) + sum(
        n for key, n in rej.items() if key.endswith("/" + CONSENT_WALL)
    )
    http_403 = sum(n for key, n in rej.items() if key.endswith("/http_403"))
    http_429 = sum(n for key, n in rej.items() if key.endswith("/http_429"))

    recent_rate = counts.published_recent / days
    baseline_rate = None
    if counts.published_baseline >= th.min_baseline:
        baseline_rate = counts.published_baseline / (days * th.baseline_windows)

    flags: list[str] = []
    if counts.runs_recent == 0:
        flags.append("not_crawled")
    elif counts.articles_total == 0:
        flags.append("no_articles")
    if baseline_rate is not None and recent_rate < th.drop_ratio * baseline_rate:
        flags.append("yield_dropped")
    if requests >= th.min_pages and (http_403 + http_429) / requests >= th.blocked_share:
        flags.append("blocked")
    if requests >= th.min_pages and consent / requests >= th.consent_share:
        flags.append("consent_wall")
    if extracted >= th.min_pages and extraction_failed / extracted >= th.extraction_share:
        flags.append("extraction_failing")

    return SourceHealth(
        source=counts.source,
        last_article=counts.last_article,
        last_run=counts.last_run,
        runs=counts.runs_recent,
        articles=counts.stored_recent,
        articles_per_day=counts.stored_recent / days,
        requests=requests,
        extracted=extracted,
        extraction_failed=extraction_failed,
        consent=consent,
        http_403=http_403,
        http_429=http_429,
        extraction_failed_share=_share(extraction_failed, extracted),
        consent_share=_share(consent, requests),
        http_403_share=_share(http_403, requests),
        http_429_share=_share(http_429, requests),
        published_per_day=recent_rate,
        baseline_per_day=baseline_rate,
        flags=tuple(flags),
        consent_hosts=dict(sorted(counts.consent_hosts.items(), key=lambda kv: (-kv[1], kv[0]))),
    )


# -- reading the counts ---------------------------------------------------------------------------
def _run_sources(value: str, every: Sequence[str]) -> list[str]:
    names = [n.strip() for n in value.split(",") if n.strip()]
    return names or list(every)  # a run without a list crawled every source


def gather_counts(
    engine: Engine,
    sources: Sequence[str] | None,
    days: int,
    now: dt.datetime,
    th: Thresholds | None = None,
) -> list[SourceCounts]:
    """Aggregate the three tables per source with a few GROUP BY queries (constant memory in the
    number of articles). ``sources`` None means every source the database knows."""
    th = th or Thresholds()
    start = now - dt.timedelta(days=days)
    base_start = start - dt.timedelta(days=days * th.baseline_windows)
    start_day, base_day, today = start.date(), base_start.date(), now.date()
    in_window = Article.published > start_day
    in_base = (Article.published > base_day) & (Article.published <= start_day)
    with Session(engine) as s:
        art = {
            row.source: row
            for row in s.execute(
                select(
                    Article.source,
                    func.count().label("total"),
                    func.max(Article.first_seen).label("last"),
                    func.sum(case((Article.first_seen > start, 1), else_=0)).label("stored"),
                    func.sum(case((in_window & (Article.published <= today), 1), else_=0)).label("pub"),
                    func.sum(case((in_base, 1), else_=0)).label("base"),
                ).group_by(Article.source)
            )
        }
        rejections: dict[str, dict[str, int]] = defaultdict(dict)
        for source, stage, reason, n in s.execute(
            select(Rejection.source, Rejection.stage, Rejection.reason, func.count())
            .where(Rejection.at > start, Rejection.source.is_not(None))
            .group_by(Rejection.source, Rejection.stage, Rejection.reason)
        ):
            assert source is not None  # the query keeps rejections with a source only
            rejections[source][f"{stage}/{reason}"] = n
        walls: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for source, detail, n in s.execute(
            select(Rejection.source, Rejection.detail, func.count())
            .where(Rejection.at > start, Rejection.source.is_not(None), Rejection.reason == CONSENT_WALL)
            .group_by(Rejection.source, Rejection.detail)
        ):
            assert source is not None
            walls[source][consent_host_of(detail) or "(unknown host)"] += n
        names = list(sources) if sources is not None else sorted(set(art) | set(rejections))
        runs = s.execute(
            select(CrawlRun.started_at, CrawlRun.sources)
            .where(CrawlRun.status == "finished")
            .order_by(CrawlRun.started_at.desc())
        )
        last_run: dict[str, dt.datetime] = {}
        runs_recent: dict[str, int] = defaultdict(int)
        known = set(names)
        for started, run_sources in runs:
            covered = _run_sources(run_sources, names)
            if sources is None:
                known.update(covered)
            for name in covered:
                last_run.setdefault(name, started)
                if started > start:
                    runs_recent[name] += 1
            if started <= start and all(n in last_run for n in known):
                break  # runs are newest first: nothing older can change the answer
        if sources is None:
            names = sorted(known)
    out = []
    for name in names:
        row = art.get(name)
        out.append(
            SourceCounts(
                source=name,
                articles_total=row.total if row else 0,
                last_article=row.last if row else None,
                stored_recent=int(row.stored or 0) if row else 0,
                published_recent=int(row.pub or 0) if row else 0,
                published_baseline=int(row.base or 0) if row else 0,
                rejections=rejections.get(name, {}),
                last_run=last_run.get(name),
                runs_recent=runs_recent.get(name, 0),
                consent_hosts=dict(walls.get(name, {})),
            )
        )
    return out


def source_health(
    engine: Engine,
    sources: Sequence[str] | None = None,
    days: int = 7,
    now: dt.datetime | None = None,
    th: Thresholds | None = None,
) -> list[SourceHealth]:
    """The health of each source over the last ``days`` days (default: the sources in the database)."""
    if days < 1:
        raise ValueError("days must be at least 1")
    now = now or dt.datetime.now(dt.UTC)
    th = th or Thresholds()
    return [assess(c, days, th) for c in gather_counts(engine, sources, days, now, th)]


# -- output -----------------------------------------------------------------------------------------
def _when(value: dt.datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else "never"


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.0f}%"


def format_health(rows: Iterable[SourceHealth], days: int, now: dt.datetime | None = None) -> str:
    """A table for people: one line per source, the flags last, and what each flag means."""
    now = now or dt.datetime.now(dt.UTC)
    rows = list(rows)
    header = (
        f"{'source':<16} {'last article':<16}  {'last run':<16}  {'runs':>4} {'art/day':>7} "
        f"{'pages':>5} {'no text':>7} {'consent':>7} {'403':>5} {'429':>5}  flags"
    )
    lines = [f"source health over the last {days} days (to {_when(now)} UTC)", "", header]
    for h in rows:
        lines.append(
            f"{h.source:<16} {_when(h.last_article):<16}  {_when(h.last_run):<16}  {h.runs:>4} "
            f"{h.articles_per_day:>7.1f} {h.requests:>5} {_pct(h.extraction_failed_share):>7} "
            f"{_pct(h.consent_share):>7} {_pct(h.http_403_share):>5} {_pct(h.http_429_share):>5}  "
            f"{', '.join(h.flags) or 'ok'}"
        )
    if not rows:
        lines.append("(no sources)")
    used = sorted({f for h in rows for f in h.flags})
    if used:
        lines += ["", *(f"{f}: {FLAG_HELP[f]}" for f in used)]
    lines += consent_advice(rows)
    flagged = sum(1 for h in rows if h.flags)
    lines += ["", f"{flagged} of {len(rows)} sources flagged"]
    return "\n".join(lines)


def consent_advice(rows: Iterable[SourceHealth]) -> list[str]:
    """For each source redirected to a consent host: the host, and what to configure.

    Printed whether or not the share reached the flag: one wall is already a source whose pages
    the crawler cannot see without the outlet's consent choice.
    """
    walled = [h for h in rows if h.consent_hosts]
    if not walled:
        return []
    lines = ["", "consent walls (requests redirected to a consent host, not followed):"]
    for h in walled:
        for host, n in h.consent_hosts.items():
            lines.append(f"  {h.source}: {n} redirected to the consent host {host}")
        lines.append(
            f"    to pass it, send the outlet's consent choice with every request: set `cookies` "
            f"(or `headers`) for source '{h.source}' in the sources file, e.g. "
            f'cookies = {{ name = "value" }} with the cookie the outlet sets on consent '
            f"(docs/sources.md, 'Requests per source')"
        )
    return lines


def health_json(rows: Iterable[SourceHealth], days: int, now: dt.datetime, th: Thresholds) -> str:
    """The same for machines: the window, the thresholds used and one object per source."""
    doc = {
        "window_days": days,
        "until": now.isoformat(),
        "thresholds": asdict(th),
        "sources": [h.to_dict() for h in rows],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False)
