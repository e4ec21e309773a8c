"""Why a request was not fetched or not kept: one short reason for every refusal and failure.

Our middlewares raise :class:`Refused` with the reason that the spider's errback records; the
failures Scrapy raises itself (a redirect loop, a decompression bomb, a truncated body) are named
by :func:`failure_reason`, so the rejections table says what happened instead of ``ignored``.
"""

from __future__ import annotations

from scrapy.exceptions import IgnoreRequest


class Refused(IgnoreRequest):
    """A request we decline on purpose; ``reason`` is the rejection reason stored for it."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(detail or reason)
        self.reason = reason
        self.detail = detail


def ignore_reason(exc: BaseException) -> str:
    """The rejection reason of an ``IgnoreRequest`` (ours carry one; Scrapy's are recognised)."""
    reason = getattr(exc, "reason", None)
    if isinstance(reason, str) and reason:
        return reason
    text = str(exc).lower()
    if "robots" in text or not text:
        return "robots_disallowed"
    if "max redirections" in text:
        return "redirect_loop"
    if "download_maxsize" in text or "maxsize" in text:
        return "too_large"
    return "ignored"


def failure_reason(exc: BaseException) -> str | None:
    """A reason for download failures whose class name says too little, else None.

    Names of transient failures keep the words the frontier retries on (``Timeout``,
    ``ConnectionLost``, ``ConnectionDone`` ...; see :func:`corpus.store.frontier.is_transient`).
    """
    name = type(exc).__name__
    if name == "CannotResolveHostError":
        return "dns"
    if name == "DownloadTimeoutError":
        return "timeout"
    if name == "ResponseDataLossError":
        return "truncated"
    if name == "DownloadCancelledError" or "maxsize" in str(exc).lower():
        return "too_large"
    reasons = getattr(exc, "reasons", None) or [
        getattr(exc, "__cause__", None),
        *(a for a in getattr(exc, "args", ()) if isinstance(a, list) for a in a),
    ]
    inner = [getattr(r, "value", r) for r in reasons if r is not None]
    if any("DataLoss" in type(r).__name__ for r in inner):
        return "truncated"
    if inner and name in ("DownloadFailedError", "ResponseFailed"):
        return type(inner[0]).__name__
    return None
