"""Near-duplicate clusters kept in the database: load the index, merge, choose representatives.

The MinHash signatures live in ``articles.minhash``; at the start of a crawl they are streamed
into a :class:`corpus.dedup.neardup.NearDupIndex`, so a new article is compared with the whole stored
corpus, not only with this run. A cluster's id is the smallest article id in it (as in
:func:`corpus.dedup.neardup.cluster`), so the same articles always give the same ids.

A cluster is ``wire`` when any of its members credits a news agency (``articles.agency``, from
:mod:`corpus.text.tidy`): the story came over the wire, and the copies that print no credit are
the same story. A cluster of one that credits an agency is wire too (it is a wire copy whose
siblings were not crawled); a cluster where no copy credits one is ``wire = False``. The flag is
decided in the same pass as the representative, so every path that chooses representatives
(the crawl's close, ``crimecorpus dedup --rebuild``) also sets it.

Wire stories are copied by hundreds of outlets, so a cluster of thousands is normal. Nothing here
holds a cluster as its pairs or copies a cluster's member list when clusters merge: the index's
union-find holds the membership, this module keeps one id and one size per cluster, and the
rebuild reads and writes the table in keyset-paged batches.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

import numpy as np
from sqlalchemy import ColumnElement, Engine, bindparam, exists, func, select, tuple_, update
from sqlalchemy.orm import InstrumentedAttribute, Session, aliased

from corpus.dedup.neardup import THRESHOLD, Member, NearDupIndex, choose_representative, signatures
from corpus.store.models import Article, CrawlRun

Progress = Callable[[str, int, int], None]
"""Called as ``progress(stage, done, total)`` while a rebuild runs."""

_PAGE = 5000


class ClusterState:
    """The index and its clusters, updated as articles arrive (the crawl path).

    Membership is the index's union-find (:meth:`NearDupIndex.link`); per cluster this keeps only
    its id and size, keyed by the union-find root, so merging two clusters of a thousand copies
    costs as much as merging two singletons.
    """

    def __init__(self, index: NearDupIndex) -> None:
        self.index = index
        # Only entries that differ from the defaults: id = the root's own key, size 1.
        self._cid: dict[int, str] = {}
        self._size: dict[int, int] = {}

    @classmethod
    def empty(cls, threshold: float = THRESHOLD) -> ClusterState:
        return cls(NearDupIndex(threshold=threshold))

    @classmethod
    def load(cls, engine: Engine, threshold: float = THRESHOLD) -> ClusterState:
        """Stream the stored signatures into an index and seed it with the stored clusters."""
        stored: list[str | None] = []

        def rows() -> Iterator[tuple[str, bytes, str | None]]:
            cols = (Article.id, Article.minhash, Article.title, Article.cluster_id)
            for page in _pages(engine, cols, Article.minhash.is_not(None)):
                for id_, minhash, title, cid in page:
                    stored.append(cid)
                    yield id_, minhash, title

        state = cls(NearDupIndex.build(rows(), threshold=threshold))
        state._seed([cid or key for cid, key in zip(stored, state.index.keys, strict=True)])
        return state

    def _seed(self, cluster_ids: Sequence[str]) -> None:
        """Unite articles that share a stored cluster id and remember that id for the cluster."""
        if not cluster_ids:
            return
        labels = np.array(cluster_ids)
        _, first, inverse, counts = np.unique(
            labels, return_index=True, return_inverse=True, return_counts=True
        )
        self.index.unite_ids(first[inverse], np.arange(len(labels)))
        for group in np.flatnonzero(counts > 1).tolist():
            root = self.index.root(self.index.key_at(int(first[group])))
            self._size[root] = int(counts[group])
        for i in np.flatnonzero(labels != np.array(self.index.keys)).tolist():
            root = self.index.root(self.index.key_at(i))
            self._cid[root] = str(labels[i])

    def cluster_id(self, key: str) -> str:
        root = self.index.root(key)
        return self._cid.get(root) or self.index.key_at(root)

    def cluster_size(self, key: str) -> int:
        """How many indexed articles share ``key``'s cluster."""
        return self._size.get(self.index.root(key), 1)

    def assign(self, key: str, sig: bytes, title: str | None) -> tuple[str, frozenset[str]]:
        """Cluster of a new (or re-crawled) article, and the clusters it merges into that one."""
        if key in self.index:
            return self.cluster_id(key), frozenset()
        roots = self.index.link(key, sig, title)
        touched = {self._cid.pop(r, "") or self.index.key_at(r) for r in roots}
        new_id = min({key, *touched})
        size = 1 + sum(self._size.pop(r, 1) for r in roots)
        root = self.index.root(key)
        if new_id != self.index.key_at(root):
            self._cid[root] = new_id
        if size > 1:
            self._size[root] = size
        return new_id, frozenset(c for c in touched if c != new_id)


def _pages(
    engine: Engine,
    columns: Sequence[Any],
    where: ColumnElement[bool] | None = None,
    order: int = 1,
    batch: int = _PAGE,
) -> Iterator[Sequence[Any]]:
    """Yield the rows in pages ordered by the first ``order`` columns (which must be unique
    together and non-null), each page its own short query: memory stays one page, and writes
    between pages never wait for a reader (SQLite allows one writer and a reader holding a
    cursor would block it)."""
    keys = columns[:order]
    last: tuple[Any, ...] | None = None
    while True:
        query = select(*columns)
        if where is not None:
            query = query.where(where)
        if last is not None:
            query = query.where(tuple_(*keys) > tuple_(*last) if order > 1 else keys[0] > last[0])
        with Session(engine) as s:
            rows = s.execute(query.order_by(*keys).limit(batch)).all()
        if not rows:
            return
        yield rows
        last = tuple(rows[-1][:order])


def _day_start(day: dt.date | None) -> dt.datetime | None:
    # A date without a time sorts at the start of its day, so "earliest" compares dates fairly.
    return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC) if day else None


def refresh_representatives(
    engine: Engine, cluster_ids: Iterable[str] | None = None, batch: int = 100
) -> int:
    """Mark one representative per cluster (earliest published, then longest text, then smallest
    id) and the cluster's ``wire`` flag (see the module docstring).

    Clusters are read ``batch`` at a time; a batch is as large as its clusters together, so the
    batch is kept small (a wire story's cluster alone may hold thousands of rows).
    """
    if cluster_ids is None:
        return _refresh_all_representatives(engine)
    ids = sorted(set(cluster_ids))
    for start in range(0, len(ids), batch):
        chunk = ids[start : start + batch]
        with Session(engine) as s, s.begin():
            rows = s.execute(
                select(
                    Article.id,
                    Article.cluster_id,
                    Article.published_at,
                    Article.published,
                    func.length(Article.text),
                    Article.agency,
                ).where(Article.cluster_id.in_(chunk))
            ).all()
            groups: dict[str, list[Member]] = defaultdict(list)
            wire: set[str] = set()
            for id_, cid, at, day, length, agency in rows:
                groups[cid].append(Member(id_, at or _day_start(day), length or 0))
                if agency:
                    wire.add(cid)
            reps = [choose_representative(members) for members in groups.values()]
            in_chunk = Article.cluster_id.in_(chunk)
            s.execute(update(Article).where(in_chunk).values(is_representative=False, wire=False))
            if reps:
                s.execute(update(Article).where(Article.id.in_(reps)).values(is_representative=True))
            if wire:
                s.execute(update(Article).where(Article.cluster_id.in_(sorted(wire))).values(wire=True))
    return len(ids)


def _grouped(pages: Iterator[Sequence[Any]], field: int) -> Iterator[list[Any]]:
    """Consecutive rows with the same value in ``field``, across page boundaries."""
    group: list[Any] = []
    for page in pages:
        for row in page:
            if group and row[field] != group[0][field]:
                yield group
                group = []
            group.append(row)
    if group:
        yield group


class _Writer:
    """Buffers ``UPDATE articles SET column = ... WHERE id = ...`` rows; one executemany per batch."""

    def __init__(self, engine: Engine, column: str, batch: int = _PAGE) -> None:
        self.engine = engine
        self.batch = batch
        self.rows: list[dict[str, Any]] = []
        self.written = 0
        self.stmt = (
            update(Article).where(Article.id == bindparam("k_id")).values({column: bindparam("v_value")})
        )

    def add(self, id_: str, value: Any) -> None:
        self.rows.append({"k_id": id_, "v_value": value})
        if len(self.rows) >= self.batch:
            self.flush()

    def flush(self) -> None:
        if self.rows:
            with self.engine.begin() as conn:
                conn.execute(self.stmt, self.rows)
            self.written += len(self.rows)
            self.rows = []


def _refresh_all_representatives(engine: Engine, progress: Progress | None = None, total: int = 0) -> int:
    """Every cluster's representative and wire flag, streamed in cluster order: one cluster in
    memory at a time."""
    cols = (
        Article.cluster_id,
        Article.id,
        Article.published_at,
        Article.published,
        func.length(Article.text),
        Article.is_representative,
        Article.agency,
        Article.wire,
    )
    reps = _Writer(engine, "is_representative")
    wires = _Writer(engine, "wire")
    clusters = done = 0
    for group in _grouped(_pages(engine, cols, Article.cluster_id.is_not(None), order=2), 0):
        rep = choose_representative([Member(r[1], r[2] or _day_start(r[3]), r[4] or 0) for r in group])
        wire = any(row[6] for row in group)
        for row in group:
            if row[5] != (row[1] == rep):
                reps.add(row[1], row[1] == rep)
            if row[7] != wire:  # None (never decided) differs from both
                wires.add(row[1], wire)
        clusters += 1
        done += len(group)
        if progress:
            progress("chose representatives among", done, total)
    reps.flush()
    wires.flush()
    return clusters


def refresh_exact_duplicates(engine: Engine, text_hashes: Iterable[str], batch: int = 100) -> None:
    """Mark identical texts: ``duplicate_of`` = the first copy (earliest published, then smallest id).

    ``batch`` hashes per query: a wire story run verbatim by a thousand outlets is one hash with a
    thousand rows, so the batch is kept small.
    """
    hashes = sorted(set(text_hashes))
    for start in range(0, len(hashes), batch):
        chunk = hashes[start : start + batch]
        with Session(engine) as s, s.begin():
            rows = s.execute(
                select(Article.id, Article.text_hash, Article.published_at, Article.published).where(
                    Article.text_hash.in_(chunk)
                )
            ).all()
            groups: dict[str, list[Member]] = defaultdict(list)
            for id_, h, at, day in rows:
                groups[h].append(Member(id_, at or _day_start(day), 0))  # same text: same length
            for members in groups.values():
                first = choose_representative(members)
                s.execute(update(Article).where(Article.id == first).values(duplicate_of=None))
                others = [m.key for m in members if m.key != first]
                if others:
                    s.execute(update(Article).where(Article.id.in_(others)).values(duplicate_of=first))


def unsettled(engine: Engine, column: InstrumentedAttribute[Any], current_run: int | None) -> set[str]:
    """``column`` (text hash, cluster id) of the articles stored by runs that ended without their close steps.

    The marks (``duplicate_of``, ``is_representative``) are decided when a crawl closes, for what
    that crawl touched. A run whose store failed, or that was killed, may have stored articles
    and never decided theirs; a rerun that finds nothing new to fetch would never decide them
    either. So every closing run also takes the articles of such runs, until a run that started
    after their last sign of life (``finished_at``, else ``heartbeat_at``) has finished.
    Runs still ``running`` close themselves (dead ones were marked ``killed`` when this run started).
    """
    run, later = aliased(CrawlRun), aliased(CrawlRun)
    last_seen = func.coalesce(run.finished_at, run.heartbeat_at, run.started_at)
    settled = exists().where(later.status == "finished", later.started_at > last_seen)
    runs = select(run.id).where(run.status.not_in(("finished", "running")), ~settled)
    if current_run is not None:
        runs = runs.where(run.id != current_run)
    with engine.connect() as conn:
        rows = conn.scalars(select(column).distinct().where(Article.crawl_run_id.in_(runs)))
        return {value for value in rows if value}


def _rebuild_exact_duplicates(engine: Engine, progress: Progress | None = None, total: int = 0) -> None:
    """``duplicate_of`` for the whole table, streamed in text-hash order (see refresh_exact_duplicates)."""
    cols = (Article.text_hash, Article.id, Article.published_at, Article.published, Article.duplicate_of)
    writer = _Writer(engine, "duplicate_of")
    done = 0
    for group in _grouped(_pages(engine, cols, order=2), 0):
        first = choose_representative([Member(r[1], r[2] or _day_start(r[3]), 0) for r in group])
        for row in group:
            want = None if row[1] == first else first
            if row[4] != want:
                writer.add(row[1], want)
        done += len(group)
        if progress:
            progress("marked exact duplicates among", done, total)
    writer.flush()


def _compute_missing_signatures(engine: Engine, batch: int, progress: Progress | None) -> None:
    """Signatures for rows stored without one, ``batch`` texts in memory at a time."""
    with Session(engine) as s:
        missing = s.scalar(select(func.count()).where(Article.minhash.is_(None))) or 0
    if not missing:
        return
    writer = _Writer(engine, "minhash", batch)
    done = 0
    for page in _pages(engine, (Article.id, Article.text), Article.minhash.is_(None), batch=batch):
        for (id_, _), sig in zip(page, signatures(text for _, text in page), strict=True):
            writer.add(id_, sig)
        writer.flush()
        done += len(page)
        if progress:
            progress("computed signatures of", done, missing)


def _smallest_key_per_component(keys: np.ndarray, roots: np.ndarray) -> np.ndarray:
    """Each article's cluster id: the smallest key of its component (string order, not index
    order), so the id does not depend on the order the rows were read in."""
    if len(keys) == 0:  # an empty corpus: nothing to cluster (np.r_ below would add a row)
        return keys
    order = np.lexsort((keys, roots))
    starts = np.r_[True, roots[order][1:] != roots[order][:-1]]
    smallest = keys[order][starts]
    return smallest[np.cumsum(starts) - 1][np.argsort(order)]


def rebuild_clusters(
    engine: Engine, threshold: float = THRESHOLD, batch: int = 1000, progress: Progress | None = None
) -> tuple[int, int]:
    """Recompute signatures where missing, then every cluster, representative, wire flag and
    exact-duplicate mark, from the stored corpus alone; returns ``(articles, clusters)``.

    Texts are read only for missing signatures, ``batch`` at a time; the index holds the
    signatures (512 bytes an article) and the clusters are its connected components, never a
    list of pairs. Only rows whose marks change are written.
    """
    _compute_missing_signatures(engine, batch, progress)
    with Session(engine) as s:
        total = s.scalar(select(func.count()).select_from(Article)) or 0
    stored: list[str | None] = []

    def rows() -> Iterator[tuple[str, bytes, str | None]]:
        cols = (Article.id, Article.minhash, Article.title, Article.cluster_id)
        done = 0
        for page in _pages(engine, cols, Article.minhash.is_not(None)):
            for id_, minhash, title, cid in page:
                stored.append(cid)
                yield id_, minhash, title
            done += len(page)
            if progress:
                progress("loaded signatures of", done, total)

    index = NearDupIndex.build(rows(), threshold=threshold)
    if progress:
        progress("clustered", 0, len(index))
    roots = index.components()
    keys = np.array(index.keys)
    cluster_ids = _smallest_key_per_component(keys, roots)
    if progress:
        progress("clustered", len(index), len(index))
    writer = _Writer(engine, "cluster_id")
    for i, (key, new, old) in enumerate(zip(index.keys, cluster_ids.tolist(), stored, strict=True)):
        if new != old:
            writer.add(key, new)
        if progress and i % _PAGE == _PAGE - 1:
            progress("wrote clusters of", i + 1, len(index))
    writer.flush()
    if progress:
        progress("wrote clusters of", len(index), len(index))
    clusters = len(np.unique(roots))
    del index, roots, keys, cluster_ids
    _refresh_all_representatives(engine, progress, total)
    _rebuild_exact_duplicates(engine, progress, total)
    return total, clusters
