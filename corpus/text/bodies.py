"""Checks on raw response bodies that come before any parsing."""

from __future__ import annotations

_MAGIC = (
    (b"%PDF-", "pdf"),
    (b"\x89PNG", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"GIF8", "gif"),
    (b"PK\x03\x04", "zip"),
    (b"\x1f\x8b", "gzip"),
    (b"RIFF", "riff"),
    (b"ID3", "mp3"),
)


def binary_kind(body: bytes) -> str | None:
    """Name the binary format of a body served as HTML (a PDF, an image ...), or None for text."""
    head = body[:1024]
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    if b"\x00" in head:
        return "binary"
    return None


def is_html_type(content_type: str) -> bool:
    ctype = content_type.split(";", 1)[0].strip().lower()
    return ctype in ("", "text/html", "application/xhtml+xml", "text/plain")
