"""An archived HTTP response turned into the response a live crawl would have handed to ``parse_article``.

Shared by the ``warc`` spider (local WARC files) and the ``backfill`` spider (records fetched from
Common Crawl by range request, raw Wayback captures): both read pages whose bytes were stored by
someone else, decode them as the crawl's encoding middleware would, and pass them to the same
callback, so every later stage sees exactly what a live fetch gives it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from scrapy.exceptions import NotConfigured
from scrapy.http import Request
from scrapy.http.headers import Headers
from scrapy.responsetypes import responsetypes

from corpus.crawl import meta as M
from corpus.crawl.items import Discovery
from spiders.middlewares.archive import WarcArchiveMiddleware
from spiders.middlewares.encoding import EncodingMiddleware
from spiders.middlewares.tdm import TdmMiddleware

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.http import Response

    from corpus.warc.write import RotatingWarcWriter

_M = TypeVar("_M")


VIA = {"cc": "cc_index", "ia": "wayback"}
"""The provenance (``Article.obtained_via``) of a capture from each web archive."""
ARCHIVE_OF = {via: archive for archive, via in VIA.items()}


def capture_discovery(archive: str) -> Discovery:
    """How an article copied from a web archive (``cc``, ``ia``) was found: that archive's index."""
    return Discovery(f"archive:{archive}")


TRANSPORT_HEADERS = (b"Content-Encoding", b"Transfer-Encoding", b"Content-Length")
"""Headers that described the bytes on the wire, not the decoded body that is handed on."""


def encoding_middleware(crawler: Crawler) -> EncodingMiddleware | None:
    """The crawl's own charset decoding, or None where the settings switch it off."""
    try:
        return EncodingMiddleware.from_crawler(crawler)
    except NotConfigured:
        return None


def _downloader_middleware(crawler: Crawler, cls: type[_M]) -> _M | None:
    engine = crawler.engine
    if engine is None:
        return None
    for mw in engine.downloader.middleware.middlewares:
        if isinstance(mw, cls):
            return mw
    return None


def find_tdm_middleware(crawler: Crawler) -> TdmMiddleware | None:
    """The crawl's TDMRep middleware, to read an archived page's own reservation (None: switched off)."""
    return _downloader_middleware(crawler, TdmMiddleware)


def archive_writer(crawler: Crawler) -> RotatingWarcWriter | None:
    """The writer of the crawl's own WARC archive (``CORPUS_ARCHIVE = "warc"``), None where it is off.

    The archive middleware owns it (it opens the files in ``CORPUS_ARCHIVE_DIR`` and closes them
    when the spider closes); a spider whose pages do not come through the downloader, such as
    the backfill's copies of captures, writes through the same writer.
    """
    mw = _downloader_middleware(crawler, WarcArchiveMiddleware)
    return mw.writer if mw is not None else None


def archived_response(
    url: str,
    status: int,
    headers: list[tuple[str, str]],
    body: bytes,
    source: str,
    encoding: EncodingMiddleware | None,
) -> Response:
    """The response of ``url`` as the crawl's middlewares would have left it.

    ``body`` is already decoded from its content and transfer codings (as Scrapy's
    HttpCompressionMiddleware leaves a live body), so those headers are dropped; the charset is
    then decoded to UTF-8 by the encoding middleware, as for a live page.
    """
    hdrs = Headers(headers)
    for name in TRANSPORT_HEADERS:
        hdrs.pop(name, None)
    request = Request(url, meta={M.SOURCE: source, M.STAGE: M.FETCH})
    cls = responsetypes.from_args(headers=hdrs, url=url, body=body)
    response = cls(url=url, status=status, headers=hdrs, body=body, request=request)
    if encoding is not None:
        response = encoding.process_response(request, response)
    return response
