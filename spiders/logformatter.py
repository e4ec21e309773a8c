"""Log formatter: one short line per rejected page instead of a dump of the whole item."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from scrapy import logformatter

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.http import Response
    from scrapy.logformatter import LogFormatterResult
    from twisted.python.failure import Failure


class CorpusLogFormatter(logformatter.LogFormatter):
    def dropped(
        self,
        item: Any,
        exception: BaseException,
        response: Response | Failure | None,
        spider: Spider | None = None,
    ) -> LogFormatterResult:
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
