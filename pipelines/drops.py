"""Named drop reasons: each rejection says its stage and reason, in the stats and in the database."""

from __future__ import annotations

from scrapy.exceptions import DropItem


class Rejected(DropItem):
    """Base of every drop; ``stage`` and ``reason`` are stored with the rejected URL."""

    stage = "pipeline"
    reason = "rejected"

    def __init__(self, detail: str = "", *, reason: str | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        if reason:
            self.reason = reason


class TooLarge(Rejected):
    stage, reason = "extract", "too_large"


class NoText(Rejected):
    stage, reason = "extract", "no_text"


class ExtractFailed(Rejected):
    """Extraction refused or killed: ``too_deep``, ``extract_timeout``, ``worker_crashed`` ..."""

    stage, reason = "extract", "extract_failed"


class NotAnArticle(Rejected):
    stage, reason = "page_kind", "not_article"


class NotDutch(Rejected):
    stage, reason = "language", "not_dutch"


class Duplicate(Rejected):
    stage, reason = "dedup", "duplicate"


class Interrupted(Rejected):
    """Not a verdict on the page: the run stopped (a signal, a failed store) while it was in the
    pipelines. Never recorded, so its frontier row stays pending and the next run fetches it."""

    stage, reason = "extract", "interrupted"
