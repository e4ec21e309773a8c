"""Re-run the crime annotations over a stored corpus, without crawling again; progress lines for
the rebuild commands."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import TextIO

from sqlalchemy import Engine, bindparam, func, select, update
from sqlalchemy.orm import Session

from corpus.annotate.columns import CRIME_COLUMNS, annotate
from corpus.store.models import Article

_UPDATE = (
    update(Article)
    .where(Article.id == bindparam("k_id"))
    .values({column: bindparam("v_" + column) for column in CRIME_COLUMNS})
)


def reclassify(
    engine: Engine, *, batch: int = 500, progress: Callable[[str, int, int], None] | None = None
) -> int:
    """Annotate every stored article again; returns how many were updated.

    Works in keyset-paged batches (by id), each committed on its own, so memory stays flat and an
    interrupted rebuild keeps what it finished (run it again to complete it). ``progress`` is
    called as ``progress("classified", done, total)`` after each batch.
    """
    with Session(engine) as session:
        total = session.scalar(select(func.count()).select_from(Article)) or 0
    done = 0
    last = ""
    while True:
        with Session(engine) as session:
            rows = session.execute(
                select(Article.id, Article.title, Article.text, Article.url, Article.country)
                .where(Article.id > last)
                .order_by(Article.id)
                .limit(batch)
            ).all()
        if not rows:
            return done
        params = []
        for id_, title, text, url, country in rows:
            values = annotate(title, text, url, country)
            params.append({"k_id": id_, **{"v_" + c: values[c] for c in CRIME_COLUMNS}})
        # One statement executed over the batch: compiled once, not once per article.
        with engine.begin() as conn:
            conn.execute(_UPDATE, params)
        done += len(rows)
        last = rows[-1][0]
        if progress:
            progress("classified", done, max(total, done))


class ProgressLine:
    """Progress of a long rebuild on stderr, as ``classified 12,000/51,000 articles``.

    On a terminal the line is rewritten in place (at most ``refresh`` times a second) and ends
    with a newline when a stage completes. Elsewhere (a log file, a pipe) a full line is written
    at most every ``every`` seconds and when a stage completes, so a log shows both that the
    command is alive and what each stage did, without a line per batch.
    """

    def __init__(
        self,
        stream: TextIO | None = None,
        *,
        every: float = 5.0,
        refresh: float = 5.0,
        tty: bool | None = None,
    ) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.tty = self.stream.isatty() if tty is None else tty
        self.every = every
        self.interval = 1.0 / refresh
        self._last = float("-inf")
        self._open = False  # a terminal line that has no newline yet
        self._width = 0

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        finished = done >= total
        if not finished and now - self._last < (self.interval if self.tty else self.every):
            return
        self._last = now
        text = f"{stage} {done:,}/{total:,} articles"
        if self.tty:
            self.stream.write("\r" + text.ljust(self._width))
            self._width = len(text)
            self._open = not finished
            if finished:
                self.stream.write("\n")
                self._width = 0
        else:
            self.stream.write(text + "\n")
        self.stream.flush()

    def close(self) -> None:
        """End an unfinished terminal line (an empty corpus or an interrupted stage)."""
        if self._open:
            self.stream.write("\n")
            self.stream.flush()
            self._open = False
