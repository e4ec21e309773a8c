"""WARC ingest without Scrapy: which source a WARC URL belongs to, and the summary of an ingest run."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from corpus.crawl.runner import DbCounts
from corpus.sources.registry import Source
from corpus.sources.urls import url_host


class HostIndex:
    """Registry hosts (and their subdomains) to sources, looked up from a URL without parsing more.

    The same scope rule as a crawl (``corpus.sources.urls.in_scope``): a host or any subdomain of it, plus
    the source's allow/deny patterns. Dictionary look-ups of the host and its parent domains keep
    it cheap enough to run on every record of a CC-NEWS file.
    """

    def __init__(self, sources: Iterable[Source]) -> None:
        self._exact: dict[str, Source] = {}
        for source in sources:
            for host in source.hosts:
                self._exact.setdefault(host, source)

    def source_for(self, url: str) -> Source | None:
        if not url.startswith(("http://", "https://")):
            return None
        try:
            host = url_host(url)
        except ValueError:  # a bad port or IPv6 literal
            return None
        source = self._exact.get(host)
        if source is None and ":" not in host:
            parts = host.split(".")
            for i in range(1, len(parts) - 1):
                source = self._exact.get(".".join(parts[i:]))
                if source is not None:
                    break
        if source is None or not source.url_allowed(url):
            return None
        return source

    def wanted(self, url: str) -> bool:
        return self.source_for(url) is not None


@dataclass
class IngestSummary:
    """What an ingest run did, read from the crawler stats."""

    run_id: int | None
    files_read: int
    files_skipped: int
    records: int
    wanted: int
    broken: dict[str, int]
    stored: int | None
    rejected: dict[str, int] = field(default_factory=dict)
    finish_reason: str = "finished"
    counts_error: str | None = None

    def format(self, verb: str = "ingest") -> str:
        head = f"{verb} run {self.run_id}" if self.run_id is not None else verb
        stored = str(self.stored) if self.stored is not None else f"unknown ({self.counts_error})"
        lines = [
            f"{head}: {self.finish_reason}",
            f"  files read       {self.files_read} ({self.files_skipped} already done, skipped)",
            f"  records read     {self.records}",
            f"  registry pages   {self.wanted}",
            f"  broken records   {sum(self.broken.values())}",
        ]
        lines += [f"    {k:<35} {v}" for k, v in sorted(self.broken.items())]
        lines += [
            f"  articles stored  {stored}",
            f"  rejected         {sum(self.rejected.values())}",
        ]
        lines += [
            f"    {reason:<35} {n}"
            for reason, n in sorted(self.rejected.items(), key=lambda kv: (-kv[1], kv[0]))
        ]
        return "\n".join(lines)


def summary_from_stats(stats: dict[str, Any], counts: DbCounts | None = None) -> IngestSummary:
    """Files and records from the stats; articles and rejections from ``counts`` (the database)."""

    def pick(prefix: str) -> dict[str, int]:
        return {k[len(prefix) :]: int(v) for k, v in stats.items() if k.startswith(prefix)}

    rejected = pick("corpus/rejected/")
    rejected.pop("unexpected", None)
    stored: int | None = int(stats.get("corpus/stored", 0))
    error = None
    if counts is not None:
        stored, error = counts.stored, counts.error
        rejected = counts.rejected if counts.error is None else {}
    return IngestSummary(
        run_id=stats.get("corpus/run_id"),
        files_read=int(stats.get("corpus/warc/files_read", 0)),
        files_skipped=int(stats.get("corpus/warc/files_skipped", 0)),
        records=int(stats.get("corpus/warc/records", 0)),
        wanted=int(stats.get("corpus/warc/wanted", 0)),
        broken=pick("corpus/warc/broken/"),
        stored=stored,
        rejected=rejected,
        finish_reason=str(stats.get("finish_reason", "unknown")),
        counts_error=error,
    )
