"""Downloader middleware: every fetched article response, as it came off the wire, into WARC files."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from scrapy import signals
from scrapy.exceptions import NotConfigured

from corpus.crawl import meta as M
from corpus.warc.write import RotatingWarcWriter

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler
    from scrapy.http import Request, Response


def _pairs(headers: Any) -> list[tuple[str, str]]:
    return [
        (key.decode("latin-1"), value.decode("latin-1"))
        for key, values in headers.items()
        for value in values
    ]


class WarcArchiveMiddleware:
    """Write a response and request record for every response to an article request.

    Only requests with ``meta["corpus_stage"] == "fetch"`` (articles, not feeds or sitemaps) are
    archived, whatever their status, redirects included. Give it a priority above 590
    (HttpCompressionMiddleware) so that it sees the body still encoded as the server sent it,
    which is what a WARC holds: ``{"spiders.middlewares.archive.WarcArchiveMiddleware": 950}``.
    Switched on by ``CORPUS_ARCHIVE = "warc"``; files go to ``CORPUS_ARCHIVE_DIR`` and rotate at
    ``CORPUS_ARCHIVE_MAX_BYTES``. Stats: ``corpus/archive/records``, ``corpus/archive/bytes``.
    """

    def __init__(self, writer: RotatingWarcWriter, stats: Any = None) -> None:
        self.writer = writer
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        kind = (settings.get("CORPUS_ARCHIVE") or "").strip().lower()
        if not kind:
            raise NotConfigured
        if kind != "warc":
            raise NotConfigured(f"unknown archive format {kind!r} (only 'warc')")
        writer = RotatingWarcWriter(
            settings.get("CORPUS_ARCHIVE_DIR"),
            max_bytes=settings.getint("CORPUS_ARCHIVE_MAX_BYTES"),
            software=settings.get("USER_AGENT"),
        )
        mw = cls(writer, crawler.stats)
        crawler.signals.connect(mw.spider_closed, signal=signals.spider_closed)
        return mw

    def process_response(self, request: Request, response: Response) -> Response:
        if request.meta.get(M.STAGE) != M.FETCH:
            return response
        ip = response.ip_address
        written = self.writer.write_exchange(
            url=response.url,
            method=request.method,
            request_headers=_pairs(request.headers),
            request_body=request.body,
            status=response.status,
            headers=_pairs(response.headers),
            body=response.body,
            when=dt.datetime.now(dt.UTC),
            protocol=response.protocol or "HTTP/1.1",
            ip=str(ip) if ip else None,
        )
        if self.stats is not None:
            self.stats.inc_value("corpus/archive/responses")
            self.stats.inc_value("corpus/archive/bytes", written)
            self.stats.set_value("corpus/archive/files", len(self.writer.files))
        return response

    def spider_closed(self, spider: Any = None) -> None:
        self.writer.close()
