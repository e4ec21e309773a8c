"""Downloader middleware: every fetched article response, as it came off the wire, into WARC files."""

from __future__ import annotations

import datetime as dt
import weakref
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from scrapy import signals
from scrapy.exceptions import NotConfigured

from corpus.crawl import meta as M
from corpus.warc.write import RotatingWarcWriter
from spiders.middlewares.tdm import page_refused

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


@dataclass(frozen=True, slots=True)
class Exchange:
    """One request and its response as the server sent them, ready for ``write_exchange``."""

    url: str
    method: str
    request_headers: list[tuple[str, str]]
    request_body: bytes
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    when: dt.datetime
    protocol: str
    ip: str | None


class WarcArchiveMiddleware:
    """Write a response and request record for every response to an article request.

    Only requests with ``meta["corpus_stage"] == "fetch"`` (articles, not feeds or sitemaps) are
    archived, whatever their status, redirects included. Give it a priority above 590
    (HttpCompressionMiddleware) so that it sees the body still encoded as the server sent it,
    which is what a WARC holds: ``{"spiders.middlewares.archive.WarcArchiveMiddleware": 950}``.

    A page whose owner reserved text and data mining is not copied. The ``tdm-reservation``
    header and the page's ``<meta name="tdm-reservation">`` are read by the TDM middleware (110)
    last of all, on the decompressed and decoded page, long after this middleware saw the raw
    bytes. So a 200 response, the only kind the TDM middleware judges, is captured here and held
    until it has come through every downloader middleware: when it reaches the engine
    (``response_received``), it passed the TDM check and is written, dated when it arrived; when
    the TDM middleware refuses it (``spiders.middlewares.tdm.page_refused``), it is dropped and
    counted as withheld. Capturing here and writing there keeps both the body as sent and the
    verdict on the decoded page, with no second decompression or TDM reading. Every other
    response (a redirect, an error status) is written at once, as the TDM check never reads it.
    A page reserved by ``tdmrep.json`` is never downloaded at all. A reserved page kept under
    ``CORPUS_TDM_RESEARCH_EXCEPTION`` passes the check and is archived, as the backfill does.
    A 200 response that another middleware turns into a new request (a meta refresh) or refuses
    (a decompression bomb) never passes the check and is not archived either.

    Switched on by ``CORPUS_ARCHIVE = "warc"``; files go to ``CORPUS_ARCHIVE_DIR`` and rotate at
    ``CORPUS_ARCHIVE_MAX_BYTES``. Stats: ``corpus/archive/responses``, ``corpus/archive/bytes``,
    ``corpus/archive/files``, ``corpus/archive/withheld_tdm``.
    """

    def __init__(self, writer: RotatingWarcWriter, stats: Any = None) -> None:
        self.writer = writer
        self.stats = stats
        # Held by request object, not in request.meta: a redirect or retry copies the meta (and
        # a queue may serialise it), and a request that fails elsewhere takes its capture with it.
        self._held: weakref.WeakKeyDictionary[Request, Exchange] = weakref.WeakKeyDictionary()

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
        crawler.signals.connect(mw.response_received, signal=signals.response_received)
        crawler.signals.connect(mw.page_refused, signal=page_refused)
        crawler.signals.connect(mw.spider_closed, signal=signals.spider_closed)
        return mw

    def process_response(self, request: Request, response: Response) -> Response:
        if request.meta.get(M.STAGE) != M.FETCH:
            return response
        ip = response.ip_address
        exchange = Exchange(
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
        if response.status == 200:
            self._held[request] = exchange  # until the TDM verdict (see the class)
        else:
            self.write(exchange)
        return response

    def response_received(self, response: Response, request: Request, spider: Any = None) -> None:
        """The response came through every downloader middleware, the TDM check included."""
        exchange = self._held.pop(request, None)
        if exchange is not None:
            self.write(exchange)

    def page_refused(self, request: Request) -> None:
        """The TDM middleware refused the page for a reservation: its capture is not written."""
        if self._held.pop(request, None) is not None and self.stats is not None:
            self.stats.inc_value("corpus/archive/withheld_tdm")

    def write(self, exchange: Exchange) -> None:
        written = self.writer.write_exchange(
            url=exchange.url,
            method=exchange.method,
            request_headers=exchange.request_headers,
            request_body=exchange.request_body,
            status=exchange.status,
            headers=exchange.headers,
            body=exchange.body,
            when=exchange.when,
            protocol=exchange.protocol,
            ip=exchange.ip,
        )
        if self.stats is not None:
            self.stats.inc_value("corpus/archive/responses")
            self.stats.inc_value("corpus/archive/bytes", written)
            self.stats.set_value("corpus/archive/files", len(self.writer.files))

    def spider_closed(self, spider: Any = None) -> None:
        self.writer.close()
