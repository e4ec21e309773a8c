"""Write fetched HTTP exchanges to WARC files: request and response records, gzip per record, rotated by size.

A page copied out of another web archive (a backfill's capture) is written as one response
record of its own: :meth:`RotatingWarcWriter.write_capture`, dated when it was captured and
naming where it was copied from (:data:`OBTAINED_VIA`, :data:`CAPTURE_ID`).

Each record is its own gzip member and the file is flushed after each exchange, so a crawl
killed mid-write leaves at most one cut record at the end (the reader skips and counts it), and
every file can be read from any record offset. Names sort by time: ``PREFIX-YYYYmmddHHMMSS-
PID-NNNNN.warc.gz``, a new file per crawl and whenever one passes ``max_bytes``.
"""

from __future__ import annotations

import datetime as dt
import io
import os
from http import HTTPStatus
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import urlsplit

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

DEFAULT_MAX_BYTES = 1024**3
# The body of a fetched response has already lost its chunking: the header that announced it is
# kept under another name (as Common Crawl does), so readers do not try to undo it again.
_RENAMED = {"transfer-encoding": "X-Crawler-Transfer-Encoding"}
# A copied capture's body is written decoded (the archive's transfer and content codings undone):
# the headers that described the coded bytes are kept under other names, as Common Crawl does.
_RENAMED_DECODED = {
    "transfer-encoding": "X-Crawler-Transfer-Encoding",
    "content-encoding": "X-Crawler-Content-Encoding",
    "content-length": "X-Crawler-Content-Length",
}
OBTAINED_VIA = "Crimecorpus-Obtained-Via"
"""WARC header of a copied capture: the archive it came from, as ``Article.obtained_via`` names it."""
CAPTURE_ID = "Crimecorpus-Capture-Id"
"""WARC header of a copied capture: its id in the archive it came from (``Article.record_id``)."""
SOURCE_URI = "WARC-Source-URI"
"""Where a copied record was fetched from (a field proposed by the IIPC for records copied between archives)."""


def _warc_date(when: dt.datetime) -> str:
    return when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def status_line(status: int) -> str:
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return f"{status} Unknown"


def response_headers(headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [(_RENAMED.get(k.lower(), k), v) for k, v in headers]


def _response_record(
    writer: WARCWriter, url: str, http: StatusAndHeaders, body: bytes, warc_headers: dict[str, str]
) -> Any:
    """A response record for ``url``: the HTTP head and body, with the WARC headers given."""
    return writer.create_warc_record(
        url,
        "response",
        payload=io.BytesIO(body),
        length=None,
        http_headers=http,
        warc_headers_dict=warc_headers,
    )


class RotatingWarcWriter:
    """Appends exchanges to the current WARC file, opening the next one past ``max_bytes``."""

    def __init__(
        self,
        directory: str | Path,
        *,
        prefix: str = "crimecorpus",
        max_bytes: int = DEFAULT_MAX_BYTES,
        software: str = "crimecorpus",
    ) -> None:
        self.directory = Path(directory)
        self.prefix = prefix
        self.max_bytes = max_bytes
        self.software = software
        self._stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d%H%M%S")
        self._serial = 0
        self._fh: BinaryIO | None = None
        self._writer: WARCWriter | None = None
        self.path: Path | None = None
        self.files: list[Path] = []

    def _open(self) -> WARCWriter:
        self.directory.mkdir(parents=True, exist_ok=True)
        name = f"{self.prefix}-{self._stamp}-{os.getpid()}-{self._serial:05d}.warc.gz"
        self._serial += 1
        self.path = self.directory / name
        self._fh = open(self.path, "xb")  # noqa: SIM115 - held open across calls, closed in close()
        self._writer = WARCWriter(self._fh, gzip=True, warc_version="WARC/1.1")
        info = self._writer.create_warcinfo_record(
            name, {"software": self.software, "format": "WARC File Format 1.1"}
        )
        self._writer.write_record(info)
        self.files.append(self.path)
        return self._writer

    def write_exchange(
        self,
        *,
        url: str,
        method: str,
        request_headers: list[tuple[str, str]],
        request_body: bytes,
        status: int,
        headers: list[tuple[str, str]],
        body: bytes,
        when: dt.datetime,
        protocol: str = "HTTP/1.1",
        ip: str | None = None,
    ) -> int:
        """Write a response record and the request record that produced it; return the bytes written."""
        writer, start = self._ready()
        date = _warc_date(when)
        http = StatusAndHeaders(status_line(status), response_headers(headers), protocol=protocol)
        warc_headers = {"WARC-Date": date}
        if ip:
            warc_headers["WARC-IP-Address"] = ip
        response = _response_record(writer, url, http, body, warc_headers)
        parts = urlsplit(url)
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        req_http = StatusAndHeaders(f"{method} {path} {protocol}", request_headers, is_http_request=True)
        request = writer.create_warc_record(
            url,
            "request",
            payload=io.BytesIO(request_body),
            http_headers=req_http,
            warc_headers_dict={"WARC-Date": date},
        )
        request.rec_headers.add_header(
            "WARC-Concurrent-To", response.rec_headers.get_header("WARC-Record-ID")
        )
        writer.write_record(response)
        writer.write_record(request)
        return self._written(start)

    def write_capture(
        self,
        *,
        url: str,
        status: int,
        headers: list[tuple[str, str]],
        body: bytes,
        captured_at: dt.datetime,
        obtained_via: str,
        capture_id: str | None = None,
        source_uri: str | None = None,
        refers_to: str | None = None,
    ) -> int:
        """Write a page copied from another web archive as one response record; return the bytes written.

        ``body`` is the decoded body (its transfer and content codings undone) and ``headers``
        the page's own, as the archive kept them: the coding headers are renamed so that a reader
        does not decode the body again. ``WARC-Date`` is ``captured_at``, the time the archive
        captured the page, not now. ``refers_to`` is the original record's ``WARC-Record-ID``
        where it has one (Common Crawl). No request record: the request was not ours.
        """
        writer, start = self._ready()
        renamed = [(_RENAMED_DECODED.get(k.lower(), k), v) for k, v in headers]
        http = StatusAndHeaders(status_line(status), renamed, protocol="HTTP/1.1")
        warc_headers = {"WARC-Date": _warc_date(captured_at), OBTAINED_VIA: obtained_via}
        if capture_id:
            warc_headers[CAPTURE_ID] = capture_id
        if source_uri:
            warc_headers[SOURCE_URI] = source_uri
        if refers_to:
            warc_headers["WARC-Refers-To"] = refers_to
        record = _response_record(writer, url, http, body, warc_headers)
        writer.write_record(record)
        return self._written(start)

    def _ready(self) -> tuple[WARCWriter, int]:
        """The open writer, in a new file once this one reached ``max_bytes``, and the offset the
        next record starts at."""
        if self._fh is not None and self._fh.tell() >= self.max_bytes:
            self.close()
        writer = self._writer or self._open()
        assert self._fh is not None
        return writer, self._fh.tell()

    def _written(self, start: int) -> int:
        """Flush the records just written and return their bytes (a killed crawl keeps them)."""
        assert self._fh is not None
        self._fh.flush()
        return self._fh.tell() - start

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
        self._fh = None
        self._writer = None
