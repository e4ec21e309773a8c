"""Corpus statistics: what is stored per source and month, and what was rejected and why."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from corpus.store.models import Article, CrawlRun, Rejection


@dataclass(frozen=True)
class CorpusStats:
    articles: int
    per_source: list[tuple[str, int]]
    per_month: list[tuple[str, int]]
    rejections: list[tuple[str, str, int]]
    runs: int
    clusters: list[tuple[str, int, str]]  # shared clusters: id, size, outlets


def shared_clusters(session: Session, limit: int = 20) -> list[tuple[str, int, str]]:
    """Near-duplicate clusters with more than one article: the syndication a researcher may study."""
    rows = session.execute(
        select(Article.cluster_id, func.count())
        .where(Article.cluster_id.is_not(None))
        .group_by(Article.cluster_id)
        .having(func.count() > 1)
        .order_by(func.count().desc(), Article.cluster_id)
        .limit(limit)
    ).all()
    out = []
    for cid, size in rows:
        assert cid is not None  # the query keeps clustered articles only
        outlets = sorted(set(session.scalars(select(Article.outlet).where(Article.cluster_id == cid))))
        out.append((cid, size, ", ".join(outlets)))
    return out


def corpus_stats(engine: Engine) -> CorpusStats:
    with Session(engine) as s:
        total = s.scalar(select(func.count()).select_from(Article)) or 0
        per_source = s.execute(
            select(Article.source, func.count()).group_by(Article.source).order_by(Article.source)
        ).all()
        month = func.coalesce(Article.month, "undated")
        per_month = s.execute(select(month, func.count()).group_by(month).order_by(month)).all()
        rejections = s.execute(
            select(Rejection.stage, Rejection.reason, func.count())
            .group_by(Rejection.stage, Rejection.reason)
            .order_by(func.count().desc(), Rejection.stage, Rejection.reason)
        ).all()
        runs = s.scalar(select(func.count()).select_from(CrawlRun)) or 0
        clusters = shared_clusters(s)
    return CorpusStats(
        total,
        [r.tuple() for r in per_source],
        [r.tuple() for r in per_month],
        [r.tuple() for r in rejections],
        runs,
        clusters,
    )


def format_stats(st: CorpusStats) -> str:
    lines = [f"articles: {st.articles} (crawl runs: {st.runs})", "", "per source:"]
    lines += [f"  {name:<24} {n:>7}" for name, n in st.per_source] or ["  (none)"]
    lines += ["", "per month:"]
    lines += [f"  {m:<24} {n:>7}" for m, n in st.per_month] or ["  (none)"]
    lines += ["", "rejections by reason:"]
    lines += [f"  {stage + '/' + reason:<40} {n:>7}" for stage, reason, n in st.rejections] or ["  (none)"]
    lines += ["", "near-duplicate clusters with more than one article (largest first):"]
    lines += [f"  {cid}  {size:>4}  {outlets}" for cid, size, outlets in st.clusters] or ["  (none)"]
    return "\n".join(lines)
