"""Near-duplicate clusters kept in the database: load the index, merge, choose representatives.

The MinHash signatures live in ``articles.minhash``; at the start of a crawl they are streamed
into a :class:`corpus.neardup.NearDupIndex`, so a new article is compared with the whole stored
corpus, not only with this run. A cluster's id is the smallest article id in it (as in
:func:`corpus.neardup.cluster`), so the same articles always give the same ids.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import Engine, func, select, update
from sqlalchemy.orm import Session

from corpus.models import Article
from corpus.neardup import THRESHOLD, Member, NearDupIndex, choose_representative, cluster, signature


class ClusterState:
    """The index and the id → cluster map of a database, updated as articles arrive."""

    def __init__(self, index: NearDupIndex, cluster_of: dict[str, str]) -> None:
        self.index = index
        self.cluster_of = cluster_of
        self.members: dict[str, set[str]] = defaultdict(set)
        for key, cid in cluster_of.items():
            self.members[cid].add(key)

    @classmethod
    def load(cls, engine: Engine, threshold: float = THRESHOLD) -> ClusterState:
        with Session(engine) as s:
            rows = s.execute(
                select(Article.id, Article.minhash, Article.title, Article.cluster_id).where(
                    Article.minhash.is_not(None)
                )
            ).all()
        index = NearDupIndex.build(((r.id, r.minhash, r.title) for r in rows), threshold=threshold)
        return cls(index, {r.id: r.cluster_id or r.id for r in rows})

    def assign(self, key: str, sig: bytes, title: str | None) -> tuple[str, frozenset[str]]:
        """Cluster of a new (or re-crawled) article, and the clusters it merges into that one."""
        if key in self.index:
            return self.cluster_of[key], frozenset()
        matches = self.index.add(key, sig, title)
        touched = {self.cluster_of[m] for m in matches if m in self.cluster_of}
        new_id = min({key, *touched})
        merged = frozenset(c for c in touched if c != new_id)
        for old in merged:
            for member in self.members.pop(old, set()):
                self.cluster_of[member] = new_id
                self.members[new_id].add(member)
        self.cluster_of[key] = new_id
        self.members[new_id].add(key)
        return new_id, merged


def _day_start(day: dt.date | None) -> dt.datetime | None:
    # A date without a time sorts at the start of its day, so "earliest" compares dates fairly.
    return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC) if day else None


def refresh_representatives(
    engine: Engine, cluster_ids: Iterable[str] | None = None, batch: int = 500
) -> int:
    """Mark one representative per cluster: earliest published, then longest text, then smallest id."""
    with Session(engine) as s:
        if cluster_ids is None:
            ids = list(
                s.scalars(select(Article.cluster_id).where(Article.cluster_id.is_not(None)).distinct())
            )
        else:
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
                ).where(Article.cluster_id.in_(chunk))
            ).all()
            groups: dict[str, list[Member]] = defaultdict(list)
            for id_, cid, at, day, length in rows:
                groups[cid].append(Member(id_, at or _day_start(day), length or 0))
            reps = [choose_representative(members) for members in groups.values()]
            s.execute(update(Article).where(Article.cluster_id.in_(chunk)).values(is_representative=False))
            if reps:
                s.execute(update(Article).where(Article.id.in_(reps)).values(is_representative=True))
    return len(ids)


def refresh_exact_duplicates(engine: Engine, text_hashes: Iterable[str], batch: int = 500) -> None:
    """Mark identical texts: ``duplicate_of`` = the first copy (earliest published, then smallest id)."""
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


def rebuild_clusters(engine: Engine, threshold: float = THRESHOLD, batch: int = 1000) -> tuple[int, int]:
    """Recompute signatures where missing, then every cluster, from the stored corpus alone."""
    with Session(engine) as s:
        missing = s.execute(select(Article.id, Article.text).where(Article.minhash.is_(None))).all()
    for start in range(0, len(missing), batch):
        with Session(engine) as s, s.begin():
            for id_, text in missing[start : start + batch]:
                s.execute(update(Article).where(Article.id == id_).values(minhash=signature(text)))
    with Session(engine) as s:
        rows = s.execute(select(Article.id, Article.minhash, Article.title)).all()
    index = NearDupIndex.build(((r.id, r.minhash, r.title) for r in rows), threshold=threshold)
    mapping = cluster(index, [r.id for r in rows])
    by_cluster: dict[str, list[str]] = defaultdict(list)
    for key, cid in mapping.items():
        by_cluster[cid].append(key)
    with Session(engine) as s, s.begin():
        for cid, keys in by_cluster.items():
            for start in range(0, len(keys), batch):
                s.execute(
                    update(Article).where(Article.id.in_(keys[start : start + batch])).values(cluster_id=cid)
                )
    refresh_representatives(engine)
    return len(rows), len(by_cluster)
