"""Downloader middleware: hand every HTML page on as correctly decoded UTF-8."""

from __future__ import annotations

from typing import TYPE_CHECKING

from scrapy.exceptions import NotConfigured
from scrapy.http import HtmlResponse
from w3lib.encoding import http_content_type_encoding, read_bom, resolve_encoding

from corpus.crawl import meta as M
from corpus.text.encoding import declare_utf8, decode_html

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler
    from scrapy.http import Request, Response
    from scrapy.statscollectors import StatsCollector

META_KEY = M.ENCODING


class EncodingMiddleware:
    """Decode HTML with corpus.text.encoding.decode_html and replace the body by its UTF-8 bytes.

    Scrapy guesses undeclared windows-1252 pages as a Central European code page and trusts a
    wrong ``charset=utf-8`` header, so the page is decoded here once, by browser rules, and
    every later reader (``response.text``, selectors, extraction on ``response.body``) sees
    the same correct UTF-8. What was found goes to ``request.meta["corpus_encoding"]`` and to
    the stats ``corpus/encoding/<encoding>``, ``corpus/encoding/repaired`` and
    ``corpus/encoding/replacement_chars``.

    Give it a priority below 590 (HttpCompressionMiddleware) so that it sees decompressed
    bodies, e.g. ``{"spiders.middlewares.encoding.EncodingMiddleware": 585}``. Switched off by
    ``CORPUS_ENCODING_ENABLED = False``.
    """

    def __init__(self, stats: StatsCollector | None = None) -> None:
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not crawler.settings.getbool("CORPUS_ENCODING_ENABLED"):
            raise NotConfigured
        return cls(crawler.stats)

    def process_response(self, request: Request, response: Response) -> Response:
        if not isinstance(response, HtmlResponse):
            return response
        content_type = response.headers.get("Content-Type")
        declared = http_content_type_encoding(content_type.decode("latin-1")) if content_type else None
        decoded = decode_html(response.body, declared)
        request.meta[META_KEY] = {
            "encoding": decoded.encoding,
            "declared": declared,
            "replacements": decoded.replacements,
            "repaired": decoded.repaired,
            "note": decoded.note,
        }
        self._count(decoded.encoding, decoded.replacements, decoded.repaired)
        text = declare_utf8(decoded.text)
        # A body that was strict UTF-8 already, with nothing repaired and no declaration to
        # rewrite, would be re-encoded to the very same bytes: keep it (most pages are).
        as_sent = (
            decoded.encoding == "utf-8"
            and not decoded.repaired
            and text is decoded.text
            and not read_bom(response.body)[0]
        )
        if as_sent and declared is not None and resolve_encoding(declared) == "utf-8":
            return response
        headers = response.headers.copy()
        headers["Content-Type"] = "text/html; charset=utf-8"
        body = response.body if as_sent else text.encode("utf-8")
        return response.replace(body=body, headers=headers, encoding="utf-8")

    def _count(self, encoding: str, replacements: int, repaired: bool) -> None:
        if self.stats is None:
            return
        self.stats.inc_value(f"corpus/encoding/{encoding}")
        if repaired:
            self.stats.inc_value("corpus/encoding/repaired")
        if replacements:
            self.stats.inc_value("corpus/encoding/replacement_chars", replacements)
