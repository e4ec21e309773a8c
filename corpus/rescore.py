"""Re-run the crime annotations over a stored corpus, without crawling again."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from corpus.annotate import annotate
from corpus.models import Article


def reclassify(engine: Engine, *, batch: int = 500, progress: Callable[[int], None] | None = None) -> int:
    """Annotate every stored article again; returns how many were updated.

    Works in keyset-paged batches (by id), each committed on its own, so memory stays flat and an
    interrupted rebuild keeps what it finished (run it again to complete it).
    """
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
        with Session(engine) as session, session.begin():
            for id_, title, text, url, country in rows:
                session.execute(
                    update(Article).where(Article.id == id_).values(**annotate(title, text, url, country))
                )
        done += len(rows)
        last = rows[-1][0]
        if progress:
            progress(done)
