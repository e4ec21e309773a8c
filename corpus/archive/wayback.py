"""Raw captures of the Wayback Machine: their URLs, their redirects and the archived page's headers.

The ``id_`` modifier asks the Wayback for a capture as it was archived, without the toolbar and
without rewritten links; the archived response's own headers then come back renamed
``X-Archive-Orig-*``, mixed with the Wayback's headers for this transfer. The Wayback has no
WARC record id to show, so a capture is named by its timestamp and URL.
"""

from __future__ import annotations

import re

_CAPTURE_URL = re.compile(r"/web/(\d{14})[a-z_]*/(.+)$", re.DOTALL)
ORIG_PREFIX = "x-archive-orig-"

TRANSFER_HEADERS = frozenset(
    {"content-length", "content-encoding", "transfer-encoding", "connection", "keep-alive"}
)
"""Headers that describe one transfer's bytes. Restored from ``X-Archive-Orig-*`` they would
describe the archived transfer, not the body at hand (the Wayback serves it decoded), and a
reader that trusted them would decode it again or call it truncated."""


def raw_capture_url(web_url: str, timestamp: str, url: str) -> str:
    """Where the Wayback serves a capture byte for byte: ``{web_url}/{timestamp}id_/{url}``."""
    return f"{web_url.rstrip('/')}/{timestamp}id_/{url}"


def parse_capture_url(url: str) -> tuple[str, str] | None:
    """The (timestamp, original URL) of a Wayback capture URL, absolute or a path; else None.

    A raw capture that was a redirect answers with a ``Location`` pointing at another capture
    (``/web/20180215093000id_/https://...``): this gives back what it points at, so the redirect
    can be followed as a capture of the target URL. The original keeps its query string.
    """
    match = _CAPTURE_URL.search(url.strip())
    if match is None:
        return None
    return match[1], match[2]


def original_headers(headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The archived page's own response headers, out of a raw capture's headers, in their order.

    ``X-Archive-Orig-Foo`` becomes ``Foo`` again (a page's ``Last-Modified`` or
    ``Content-Language`` matter to dating and language detection); ``Content-Type`` is kept as
    served, since the Wayback sends the archived one. Everything else is the Wayback's own
    (``Server``, ``Link``, ``Memento-Datetime``, ``Content-Length``...) and is dropped, and so are
    restored transfer headers (:data:`TRANSFER_HEADERS`).
    """
    out: list[tuple[str, str]] = []
    served_type = any(name.lower() == "content-type" for name, _ in headers)
    for name, value in headers:
        lower = name.lower()
        if lower == "content-type":
            out.append((name, value))
        elif lower.startswith(ORIG_PREFIX):
            orig = name[len(ORIG_PREFIX) :]
            if not orig or orig.lower() in TRANSFER_HEADERS:
                continue
            if orig.lower() == "content-type" and served_type:
                continue  # one Content-Type: the one served, which the body was sent as
            out.append((orig, value))
    return out


def record_id(timestamp: str, url: str) -> str:
    """A capture's name where a WARC record would have an id: ``ia:{timestamp}/{url}``.

    It resolves as ``https://web.archive.org/web/{timestamp}/{url}``, so provenance stays checkable.
    """
    return f"ia:{timestamp}/{url}"
