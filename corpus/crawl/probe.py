"""Verify one source in the field: fetch its newest items as a crawl would, print what became of each.

``crimecorpus sources probe NAME`` runs the ``probe`` spider (``spiders/probe.py``) through the
runner's :func:`~corpus.crawl.runner.run_spider`, so it is as polite as a crawl (the project's
User-Agent, robots.txt by RFC 9309, one request at a time per site, the crawl's delays: every
setting of ``corpus/crawl/settings.py``) and as stoppable (SIGTERM and SIGINT end it within
``CORPUS_STOP_GRACE`` seconds). Discovery is the crawl's own: the source's feeds, sitemaps (also
those its robots.txt names) and listing pages. Of every article URL found, the **newest by
discovery date** are fetched: the newest feed or sitemap date of each URL, newest first; URLs
without a date (listing links, sitemaps without dates) come after all dated ones, in the order
they were found. Each page goes through the crawl's analysis stage
(``pipelines.analysis.AnalysisPipeline``: :func:`corpus.analyse.analyse_page` in a worker, with
the page's :class:`~corpus.text.context.PageContext`) and nothing after it: the probe writes no
database, no archive, no frontier. What it keeps is this module's :class:`ProbeReport`.

``--mark-verified`` records a successful probe in a registry file (:func:`mark_verified`): only
that source's table changes, everything else in the file (comments, order, spacing) stays as it was.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import tempfile
import tomllib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from corpus.crawl.lifecycle import EXIT_INTERRUPTED
from corpus.crawl.runner import RunOutcome, build_settings, run_spider
from corpus.outputs.golden import GoldenPage, expected_values
from corpus.sources.registry import Source, SourcesError, default_sources_path, load_sources
from corpus.store.frontier import parse_discovery_date

if TYPE_CHECKING:
    from scrapy.settings import Settings

    from corpus.analyse import Analysis
    from corpus.crawl.items import ArticleItem, RejectionItem
    from corpus.text.context import PageContext

__all__ = [
    "DEFAULT_N",
    "Candidate",
    "ProbePage",
    "ProbeReport",
    "ProbeResult",
    "mark_verified",
    "mark_verified_text",
    "newest_first",
    "probe_settings",
    "run_probe",
]

DEFAULT_N = 20
"""Items a probe fetches unless told otherwise: enough to see a pattern, few enough to be polite."""

EXIT_NOTHING_KEPT = 1
"""Exit status of a probe that kept nothing: unreachable, nothing discovered, or every page rejected."""

# What a probe never does, whatever -s says: it writes nothing (no store, no archive) and runs
# only the analysis stage, on one worker (a handful of pages).
_NO_WRITES: dict[str, Any] = {
    "ITEM_PIPELINES": {"pipelines.analysis.AnalysisPipeline": 100},
    "CORPUS_ARCHIVE": None,
    "CORPUS_SINCE": None,
    "CORPUS_REFETCH_DAYS": 0,
}


@dataclass(frozen=True)
class Candidate:
    """An article URL discovery found: its frontier key, its discovery dates by channel (the
    request's own dict, which a later sighting through another channel adds to) and the order in
    which it was found."""

    key: str
    url: str
    dates: dict[str, str]
    order: int


def newest_first(candidates: Iterable[Candidate], n: int, tz: str) -> list[Candidate]:
    """The ``n`` newest candidates (see the module docstring for what "newest" means)."""

    def newest(c: Candidate) -> dt.datetime | None:
        parsed = [d for d in (parse_discovery_date(raw, tz) for raw in c.dates.values()) if d is not None]
        return max(parsed) if parsed else None

    dated: list[tuple[dt.datetime, Candidate]] = []
    undated: list[Candidate] = []
    for c in candidates:
        when = newest(c)
        if when is None:
            undated.append(c)
        else:
            dated.append((when, c))
    dated.sort(key=lambda pair: (-pair[0].timestamp(), pair[1].order))
    undated.sort(key=lambda c: c.order)
    return [c for _, c in dated][:n] + undated[: max(0, n - len(dated))]


@dataclass
class ProbePage:
    """One chosen item and what became of it."""

    rank: int
    url: str
    fetched_url: str | None = None
    fetched_at: dt.datetime | None = None
    html: str | None = None
    context: PageContext | None = None
    analysis: Analysis | None = None
    stage: str | None = None
    reason: str | None = None
    detail: str = ""
    http_status: int | None = None

    @property
    def kept(self) -> bool:
        return self.analysis is not None and self.stage is None

    @property
    def verdict(self) -> str:
        if self.kept:
            return "kept"
        if self.stage is not None:
            return f"rejected {self.stage}/{self.reason}"
        return "not fetched" if self.html is None else "not analysed"

    def values(self) -> dict[str, Any] | None:
        """The analysis as golden values (:func:`corpus.outputs.golden.expected_values`), if any."""
        if self.analysis is None or self.context is None:
            return None
        return expected_values(self.analysis, self.context)


@dataclass
class ProbeReport:
    """What a probe found, filled by the ``probe`` spider while it runs."""

    source: str
    wanted: int
    discovered: int = 0
    pages: list[ProbePage] = field(default_factory=list)
    discovery_failures: list[tuple[str, str, str]] = field(default_factory=list)
    """(url, reason, detail) of every feed, sitemap, listing or robots.txt that failed."""
    profile_skipped: int = 0
    """Discovered article URLs the source's URL profile skips (never fetched, not candidates)."""
    _by_key: dict[str, ProbePage] = field(default_factory=dict, repr=False)
    _by_url: dict[str, ProbePage] = field(default_factory=dict, repr=False)

    def choose(self, candidates: Sequence[Candidate], tz: str) -> list[Candidate]:
        """Pick the newest ``wanted`` of everything discovered; one page each in the report."""
        self.discovered = len(candidates)
        chosen = newest_first(candidates, self.wanted, tz)
        for rank, c in enumerate(chosen, start=1):
            page = ProbePage(rank, c.url)
            self.pages.append(page)
            self._by_key[c.key] = page
            self._by_url[c.url] = page
        return chosen

    def _fetched(self, item: ArticleItem) -> ProbePage | None:
        page = self._by_key.get(item.frontier_key or "")
        if page is not None:
            page.fetched_url = item.url
            page.fetched_at = item.fetched_at
            page.html = item.html
            page.context = item.page_context()
            page.analysis = item.analysis
            page.http_status = item.status
        return page

    def kept(self, item: ArticleItem) -> None:
        """A page the analysis stage let through."""
        self._fetched(item)

    def dropped(self, item: ArticleItem, stage: str, reason: str, detail: str) -> None:
        """A fetched page the analysis stage rejected."""
        page = self._fetched(item)
        if page is not None and reason != "interrupted":  # a stopped run judged nothing
            page.stage, page.reason, page.detail = stage, reason, detail

    def refused(self, item: RejectionItem) -> None:
        """A request that was refused or failed (a chosen page, a discovery document), or an
        article URL the source's URL profile skips before download."""
        if item.reason == "url_profile":
            self.profile_skipped += 1
            return
        # By URL too: a rejection that must not close its frontier row (a consent wall) has no key.
        page = self._by_key.get(item.key or "") or self._by_url.get(item.url)
        if page is None:
            self.discovery_failures.append((item.url, item.reason, item.detail or ""))
            return
        page.stage, page.reason, page.detail = item.stage, item.reason, item.detail or ""
        page.http_status = item.http_status

    # -- what it says ------------------------------------------------------------------------
    @property
    def succeeded(self) -> bool:
        """At least one page fetched and kept: the source works."""
        return any(p.kept for p in self.pages)

    def golden_pages(self) -> list[GoldenPage]:
        """The analysed pages (kept or rejected by the analysis), for ``sources snapshot``."""
        return [
            GoldenPage(p.fetched_url or p.url, self.source, p.fetched_at, p.html, p.context, p.analysis)
            for p in self.pages
            if p.analysis is not None and p.html is not None and p.context is not None and p.fetched_at
        ]

    def lines(self) -> list[str]:
        """One line per page (a header first, when there are pages), then the discovery failures."""
        header = ("#", "kind", "chars", "published", "date from", "lang", "paywall", "crime", "verdict")
        rows = [header] + [_row(p) for p in self.pages]
        widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
        right = {0, 2, 7}
        out: list[str] = []
        for row, page in zip(rows, [None, *self.pages], strict=True) if self.pages else ():
            cells = [
                c.rjust(w) if i in right else c.ljust(w)
                for i, (c, w) in enumerate(zip(row, widths, strict=True))
            ]
            tail = "url" if page is None else page.url
            if page is not None and page.stage is not None and page.detail:
                tail += f"  ({_short(page.detail)})"
            out.append("  ".join([*cells, tail]).rstrip())
        out += [
            f"discovery failed: {url}: {reason}" + (f" ({_short(d)})" if d else "")
            for url, reason, d in self.discovery_failures
        ]
        return out

    def summary(self) -> str:
        """The one summary line: kept and rejected, dates, Dutch, paywalls."""
        total = len(self.pages)
        kept = [p for p in self.pages if p.kept]
        rejected = Counter(f"{p.stage}/{p.reason}" for p in self.pages if p.stage is not None)
        undone = Counter(p.verdict for p in self.pages if not p.kept and p.stage is None)
        values = [v for p in kept if (v := p.values()) is not None]
        judged = [p.analysis.language for p in self.pages if p.analysis is not None and p.analysis.language]
        line = f"probe {self.source}: {len(kept)} of {total} kept"
        if rejected:
            reasons = ", ".join(
                f"{r} {n}" for r, n in sorted(rejected.items(), key=lambda kv: (-kv[1], kv[0]))
            )
            line += f", {sum(rejected.values())} rejected ({reasons})"
        line += "".join(f", {n} {verdict}" for verdict, n in sorted(undone.items()))
        line += f"; dates {sum(1 for v in values if v['published'])}/{len(kept)}"
        line += f"; dutch {sum(1 for lang in judged if lang.is_dutch)}/{len(judged)}"
        paywalled = sum(1 for v in values if v["paywalled"])
        teasers = sum(1 for v in values if v["text_complete"] == "teaser")
        line += f"; paywalled {paywalled}" + (f" ({teasers} teasers)" if teasers else "")
        notes = []
        if self.discovered < self.wanted:
            notes.append(f"{self.discovered} items discovered, {self.wanted} wanted")
        if self.profile_skipped:
            notes.append(f"{self.profile_skipped} URLs skipped by the URL profile")
        if notes:
            line += f" ({'; '.join(notes)})"
        return line

    def failure(self) -> str:
        """Why nothing was kept, in one line (for a probe that did not succeed)."""
        if not self.pages:
            failed = (
                f"; {len(self.discovery_failures)} discovery documents failed"
                if self.discovery_failures
                else ""
            )
            return f"probe {self.source}: no article discovered{failed}"
        if not any(p.html is not None for p in self.pages):
            return f"probe {self.source}: none of the {len(self.pages)} items could be fetched"
        return f"probe {self.source}: nothing kept, every fetched page was rejected"


def _short(text: str, limit: int = 100) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _row(page: ProbePage) -> tuple[str, ...]:
    values = page.values()
    if values is None:
        return (str(page.rank), "-", "-", "-", "-", "-", "-", "-", page.verdict)
    lang = page.analysis.language if page.analysis is not None else None
    paywall = "yes" if values["paywalled"] else "no"
    score = values["crime_score"]
    return (
        str(page.rank),
        values["kind"] or "-",
        str(len(values["text"])) if values["text"] else "-",
        values["published"] or "-",
        values["date_source"],
        (lang.variant or lang.lang) if lang is not None else "-",
        f"{paywall}/{values['text_complete']}" if values["text_complete"] else "-",
        f"{score:.2f}" if isinstance(score, int | float) else "-",
        page.verdict,
    )


# -- running -----------------------------------------------------------------------------------
def probe_settings(
    sources_file: str | None, overrides: Iterable[str] = (), *, verbose: bool = False
) -> Settings:
    """The crawl's settings (politeness and all), then ``-s``, then what a probe never changes."""
    extra: dict[str, Any] = {"CORPUS_WORKERS": 1, "CORPUS_PROGRESS": False}
    if not verbose:
        # Errors only: every refusal and failed download the warnings would name is a line of
        # the report already (-v shows Scrapy's whole log).
        extra["LOG_LEVEL"] = "ERROR"
    settings = build_settings(sources_file=sources_file, overrides=overrides, extra=extra)
    for key, value in _NO_WRITES.items():
        settings.set(key, value, priority="cmdline")
    return settings


@dataclass
class ProbeResult:
    """A probe that ran: the source, its report, and how the run ended."""

    source: Source
    report: ProbeReport
    outcome: RunOutcome

    @property
    def status(self) -> tuple[int, str | None]:
        """Exit status and error line: 0 kept something, 1 kept nothing, 130 interrupted."""
        if self.outcome.signals:
            return EXIT_INTERRUPTED, f"interrupted by {self.outcome.signals[0]}; nothing written"
        if not self.report.succeeded:
            return EXIT_NOTHING_KEPT, self.report.failure()
        return 0, None


class _Silent(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return False


def run_probe(
    name: str,
    *,
    n: int = DEFAULT_N,
    sources_file: str | None = None,
    overrides: Iterable[str] = (),
    verbose: bool = False,
) -> ProbeResult:
    """Probe source ``name`` of the registry (``SourcesError`` when it has none of that name)."""
    source = load_sources(sources_file, [name])[0]
    settings = probe_settings(sources_file, overrides, verbose=verbose)
    report = ProbeReport(source.name, n)
    # A failed download is one line of the report; Scrapy's "Gave up retrying" error would say
    # it a second time, on stderr, where the probe's one error line goes.
    # A filter, not a level: Scrapy's logging set-up resets the levels of its own loggers.
    retry_log = logging.getLogger("scrapy.downloadermiddlewares.retry")
    quiet = _Silent()
    if not verbose:
        retry_log.addFilter(quiet)
    try:
        outcome = run_spider(settings, "probe", source=source.name, n=n, report=report)
    finally:
        retry_log.removeFilter(quiet)
    return ProbeResult(source, report, outcome)


# -- --mark-verified ---------------------------------------------------------------------------
_HEADER = re.compile(r"^[ \t]*\[\[?[ \t]*[^\[\]\r\n]+?[ \t]*\]\]?[ \t]*(#[^\r\n]*)?\r?\n?$")
_SOURCE_HEADER = re.compile(r"^[ \t]*\[\[[ \t]*source[ \t]*\]\][ \t]*(#[^\r\n]*)?\r?\n?$")


def _key_line(key: str) -> re.Pattern[str]:
    """A ``key = value  # comment`` line: (indent and key and '=', value, comment, line end)."""
    return re.compile(rf"^([ \t]*{key}[ \t]*=[ \t]*)([^#\r\n]*?)([ \t]*(?:#[^\r\n]*)?)(\r?\n?)$")


def check_registry_writable(path: str | None) -> Path:
    """The registry file ``--mark-verified`` may write, or ``SourcesError`` before any fetch.

    A file must be named: the shipped registry of an installed package lives in site-packages,
    which an upgrade replaces and which is no user's file to edit. Naming the shipped file in a
    source checkout is how its maintainers record a probe, so that is allowed.
    """
    if not path:
        raise SourcesError(
            "--mark-verified writes the registry: give the file with --sources FILE "
            "(the shipped registry is part of the installed package)"
        )
    file = Path(path)
    shipped = default_sources_path().resolve()
    if file.resolve() == shipped and any(
        part in ("site-packages", "dist-packages") for part in shipped.parts
    ):
        raise SourcesError(f"{file}: the registry of the installed package; copy it and give the copy")
    # The file is replaced by a new one beside it: its folder must be writable too.
    if not (os.access(file, os.W_OK) and os.access(file.parent, os.W_OK)):
        raise SourcesError(f"{file}: cannot write the sources file or its folder (--mark-verified)")
    return file


def mark_verified_text(text: str, name: str, day: dt.date, path: str = "<sources>") -> str:
    """``text`` with ``verified = true`` and ``verified_on = DAY`` in source ``name``'s table.

    A small text edit rather than a TOML rewrite, so comments, order and layout stay: an existing
    key's value is replaced (its comment kept), a missing key is added after ``verified`` or at the
    end of the table. The result is parsed again and must equal the original with those two values
    changed, or nothing is written (``SourcesError``; the file is then for a human to edit).
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SourcesError(f"{path}: not valid TOML: {exc}") from None
    tables = data.get("source")
    if not isinstance(tables, list):
        raise SourcesError(f"{path}: no [[source]] tables found")
    index = next((i for i, t in enumerate(tables) if isinstance(t, dict) and t.get("name") == name), None)
    if index is None:
        raise SourcesError(f"{path}: no source named {name!r}")
    eol = "\r\n" if "\r\n" in text else "\n"
    lines = text.splitlines(keepends=True)
    headers = [i for i, line in enumerate(lines) if _HEADER.match(line)]
    starts = [i for i in headers if _SOURCE_HEADER.match(lines[i])]
    unsafe = SourcesError(f"{path}: cannot find source {name!r}'s table safely; set verified_on by hand")
    if len(starts) != len(tables):
        raise unsafe
    start = starts[index]
    end = next((h for h in headers if h > start), len(lines))

    def find(key: str) -> int | None:
        pattern = _key_line(key)
        found = [i for i in range(start + 1, end) if pattern.match(lines[i])]
        return found[0] if len(found) == 1 else None

    def put(i: int, key: str, value: str) -> None:
        match = _key_line(key).match(lines[i])
        assert match is not None
        lines[i] = f"{match.group(1)}{value}{match.group(3)}{match.group(4)}"

    def insert_after(i: int, line: str) -> None:
        if not lines[i].endswith("\n"):
            lines[i] += eol
        lines.insert(i + 1, line + eol)

    verified, verified_on = find("verified"), find("verified_on")
    if verified is not None:
        put(verified, "verified", "true")
    if verified_on is not None:
        put(verified_on, "verified_on", day.isoformat())
    if verified is None and verified_on is None:
        last = max(i for i in range(start, end) if lines[i].strip() and not lines[i].lstrip().startswith("#"))
        insert_after(last, "verified = true")
        insert_after(last + 1, f"verified_on = {day.isoformat()}")
    elif verified is None:
        assert verified_on is not None
        lines.insert(verified_on, "verified = true" + eol)
    elif verified_on is None:
        insert_after(verified, f"verified_on = {day.isoformat()}")
    new_text = "".join(lines)
    wanted = dict(data, source=[dict(t) for t in tables])
    wanted["source"][index].update(verified=True, verified_on=day)
    try:
        if tomllib.loads(new_text) != wanted:
            raise unsafe
    except tomllib.TOMLDecodeError:
        raise unsafe from None
    return new_text


def mark_verified(path: Path, name: str, day: dt.date) -> None:
    """Record a successful probe of ``name`` in the registry file ``path`` (atomically replaced,
    its permissions kept)."""
    try:
        raw = path.read_bytes()
        text = raw.decode("utf-8")
    except OSError as exc:
        raise SourcesError(f"{path}: cannot read sources file: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise SourcesError(f"{path}: sources file is not UTF-8 text") from None
    new_text = mark_verified_text(text, name, day, str(path))
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(new_text.encode("utf-8"))
        os.chmod(tmp, path.stat().st_mode & 0o7777)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
