"""Open a stored corpus by database URL and read its articles as typed records.

Reading is what researchers do most, often on a copy of a corpus or on a database someone else
fills, so opening never creates anything: a path or database that holds no corpus is an error,
not a new empty corpus (which would silently read as "0 articles"). Articles come through the
export's own query and filters (:mod:`corpus.outputs.export`), so the library and ``crimecorpus export``
select, order and pseudonymise identically, and stream with constant memory.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from pathlib import Path
from types import TracebackType

from sqlalchemy import Engine

from corpus.outputs.export import ExportError, ExportFilter, article_record, check_filter, iter_articles
from corpus.store.storage import DatabaseError, open_database
from crimecorpus.records import Article

__all__ = ["Corpus", "DatabaseError", "open_corpus"]


def _as_date(value: dt.date | str | None, name: str) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{name} must be a date or YYYY-MM-DD, got {value!r}") from None


class Corpus:
    """A stored corpus, open for reading; use it as a context manager or call :meth:`close`.

    >>> with open_corpus("exports/demo/corpus.sqlite") as corpus:  # doctest: +SKIP
    ...     for article in corpus.articles(since="2024-01-01", category="drugs"):
    ...         print(article.published, article.title)
    """

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    @property
    def url(self) -> str:
        """The database URL, password hidden."""
        return self._engine.url.render_as_string(hide_password=True)

    def articles(
        self,
        *,
        since: dt.date | str | None = None,
        until: dt.date | str | None = None,
        sources: Iterable[str] | str = (),
        dedup: str = "near",
        all_topics: bool = False,
        category: str | None = None,
        pseudonymise: bool = False,
        salt: str = "",
    ) -> Iterator[Article]:
        """Stream the articles the export filters select, in the export's order, as typed records.

        The filters are those of ``crimecorpus export`` (README "Export options"), with the same
        defaults: crime news only (``all_topics=True`` for every Dutch article), one
        representative per near-duplicate cluster (``dedup="near"``; ``"exact"``, ``"none"``),
        published between ``since`` and ``until`` inclusive (dates or ``YYYY-MM-DD``), from
        ``sources`` (registry names), in ``category``; ``pseudonymise`` replaces every named
        person, the URL and the ids with salted placeholders, as ``export --pseudonymise``. Filters that cannot match by mistake (an unknown
        category, dedup mode or source, ``since`` after ``until``) raise ``ValueError``.
        """
        flt = ExportFilter(
            since=_as_date(since, "since"),
            until=_as_date(until, "until"),
            sources=(sources,) if isinstance(sources, str) else tuple(sources),
            dedup=dedup,
            all_topics=all_topics,
            category=category,
            pseudonymise=pseudonymise,
            salt=salt,
        )
        # Checked now, not at the first next(): an unknown category, source or dedup mode, or
        # since after until, is a mistake to report where the call is made, not an empty result.
        try:
            check_filter(self._engine, flt)
        except ExportError as exc:
            raise ValueError(str(exc)) from None
        return (Article.from_record(article_record(row)) for row in iter_articles(self._engine, flt))

    def close(self) -> None:
        """Release the database connections."""
        self._engine.dispose()

    def __enter__(self) -> Corpus:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Corpus({self.url!r})"


def open_corpus(db: str | Path | None = None) -> Corpus:
    """Open the corpus at ``db`` for reading: a SQLAlchemy URL or a SQLite file path.

    ``None`` means ``$CRIMECORPUS_DB``, else ``data/crimecorpus.sqlite``, as on the command line.
    Raises :class:`DatabaseError` (one line) when there is no corpus there; nothing is created.
    A corpus written by an older version is upgraded by its migrations first, as every command
    does (``corpus.store.storage.open_database``): reading newer columns from an old schema would fail
    halfway through an iteration.
    """
    return Corpus(open_database(str(db) if db is not None else None, create=False))
