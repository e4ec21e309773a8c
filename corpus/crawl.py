"""Run a crawl in this process: settings layered as Scrapy does, then a summary from the stats."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from corpus.sources import load_sources
from corpus.storage import open_database


class SettingError(ValueError):
    """A ``-s NAME=VALUE`` that cannot be applied."""


def build_settings(
    *,
    db_url: str | None = None,
    sources_file: str | None = None,
    source_names: Iterable[str] = (),
    overrides: Iterable[str] = (),
    extra: dict[str, Any] | None = None,
) -> Settings:
    """Project defaults, then our options, then ``-s`` overrides: the same order as ``scrapy crawl``."""
    settings = Settings()
    settings.setmodule("corpus.settings", priority="project")
    if db_url:
        settings.set("CORPUS_DB_URL", db_url, priority="cmdline")
    if sources_file:
        settings.set("CORPUS_SOURCES_FILE", sources_file, priority="cmdline")
    names = list(source_names)
    if names:
        settings.set("CORPUS_SOURCE_NAMES", names, priority="cmdline")
    for key, value in (extra or {}).items():
        settings.set(key, value, priority="cmdline")
    for item in overrides:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise SettingError(f"-s expects NAME=VALUE, got {item!r}")
        settings.set(name.strip(), value, priority="cmdline")
    return settings


@dataclass
class CrawlSummary:
    run_id: int | None
    pages_fetched: int
    stored: int
    rejected: dict[str, int] = field(default_factory=dict)
    finish_reason: str = "finished"

    def format(self) -> str:
        lines = [
            f"crawl run {self.run_id}: {self.finish_reason}",
            f"  pages fetched   {self.pages_fetched}",
            f"  articles stored {self.stored}",
            f"  rejected        {sum(self.rejected.values())}",
        ]
        lines += [
            f"    {reason:<36} {n}"
            for reason, n in sorted(self.rejected.items(), key=lambda kv: (-kv[1], kv[0]))
        ]
        return "\n".join(lines)


def summary_from_stats(stats: dict[str, Any]) -> CrawlSummary:
    prefix = "corpus/rejected/"
    rejected = {k[len(prefix) :]: int(v) for k, v in stats.items() if k.startswith(prefix)}
    rejected.pop("unexpected", None)
    return CrawlSummary(
        run_id=stats.get("corpus/run_id"),
        pages_fetched=int(stats.get("downloader/response_count", 0)),
        stored=int(stats.get("corpus/stored", 0)),
        rejected=rejected,
        finish_reason=str(stats.get("finish_reason", "unknown")),
    )


def run_crawl(settings: Settings, spider: str = "news") -> CrawlSummary:
    """Check the sources and the database first (clear errors before any network), then crawl."""
    load_sources(settings.get("CORPUS_SOURCES_FILE"), settings.getlist("CORPUS_SOURCE_NAMES"))
    open_database(settings.get("CORPUS_DB_URL")).dispose()
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(spider)
    process.crawl(crawler)
    process.start()
    return summary_from_stats(crawler.stats.get_stats())
