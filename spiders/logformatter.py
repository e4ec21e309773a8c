"""Log formatter: one short line per rejected page instead of a dump of the whole item."""

from __future__ import annotations

import logging
from typing import Any

from scrapy import logformatter


class CorpusLogFormatter(logformatter.LogFormatter):
    def dropped(
        self, item: Any, exception: BaseException, response: Any, spider: Any = None
    ) -> dict[str, Any]:
        # Rejections are expected and recorded in the database; they are not warnings.
        return {
            "level": logging.INFO,
            "msg": "Rejected %(url)s at %(stage)s: %(reason)s (%(detail)s)",
            "args": {
                "url": getattr(item, "url", "?"),
                "stage": getattr(exception, "stage", "pipeline"),
                "reason": getattr(exception, "reason", type(exception).__name__),
                "detail": str(exception)[:200],
            },
        }
