"""A live one-line progress display for terminal crawls."""

from __future__ import annotations

import sys
from typing import Any

from scrapy import signals
from scrapy.exceptions import NotConfigured
from twisted.internet import task


class ProgressLine:
    """Rewrites one stderr line every second: pages fetched, stored, rejected."""

    def __init__(self, stats: Any, interval: float = 1.0) -> None:
        self.stats = stats
        self.interval = interval
        self.loop: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> ProgressLine:
        if not crawler.settings.getbool("CORPUS_PROGRESS"):
            raise NotConfigured
        ext = cls(crawler.stats)
        crawler.signals.connect(ext.opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.closed, signal=signals.spider_closed)
        return ext

    def line(self) -> str:
        get = self.stats.get_value
        rejected = sum(
            v
            for k, v in self.stats.get_stats().items()
            if k.startswith("corpus/rejected/") and isinstance(v, int)
        )
        return (
            f"\rfetched {get('downloader/response_count', 0)}  stored {get('corpus/stored', 0)}  "
            f"rejected {rejected}  queued {get('scheduler/enqueued', 0) - get('scheduler/dequeued', 0)}   "
        )

    def opened(self, spider: Any) -> None:
        self.loop = task.LoopingCall(self.show)
        self.loop.start(self.interval)

    def show(self) -> None:
        sys.stderr.write(self.line())
        sys.stderr.flush()

    def closed(self, spider: Any, reason: str) -> None:
        if self.loop and self.loop.running:
            self.loop.stop()
        self.show()
        sys.stderr.write("\n")
