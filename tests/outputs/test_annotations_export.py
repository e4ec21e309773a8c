"""Crime annotations and near-duplicate clusters through a real crawl, the export options and rebuilds."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from corpus.devtools.server import demo_site_root, serve_sites
from corpus.store.models import Article, ArticleVersion
from corpus.store.storage import open_database
from tests.conftest import FAST, run_cli


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_every_stored_article_is_annotated(demo_db: Path) -> None:
    with Session(open_database(str(demo_db))) as s:
        articles = list(s.scalars(select(Article)))
    assert articles
    for a in articles:
        assert a.is_crime is not None and 0.0 <= (a.crime_score or 0.0) <= 1.0
        assert a.classifier_version and a.crime_evidence is not None
        assert a.minhash and a.cluster_id and a.is_representative is not None
    assert any(a.is_crime for a in articles) and any(not a.is_crime for a in articles)


def test_export_keeps_crime_by_default_all_topics_and_category(demo_db: Path, tmp_path: Path) -> None:
    crime, every, drugs = tmp_path / "crime.jsonl", tmp_path / "all.jsonl", tmp_path / "drugs.jsonl"
    assert run_cli("export", "--db", str(demo_db), "--out", str(crime)).returncode == 0
    assert run_cli("export", "--db", str(demo_db), "--out", str(every), "--all-topics").returncode == 0
    assert run_cli("export", "--db", str(demo_db), "--out", str(drugs), "--category", "drugs").returncode == 0
    crime_rows, all_rows, drug_rows = _jsonl(crime), _jsonl(every), _jsonl(drugs)
    assert crime_rows and all(r["is_crime"] for r in crime_rows)
    assert len(all_rows) > len(crime_rows)
    assert drug_rows and all("drugs" in r["categories"] for r in drug_rows)
    for key in (
        "is_crime",
        "crime_score",
        "categories",
        "stage",
        "places",
        "persons",
        "cluster_id",
        "cluster_size",
        "is_representative",
    ):
        assert key in crime_rows[0]


def test_pseudonymised_export_hides_name_plus_initial_forms(demo_db: Path, tmp_path: Path) -> None:
    plain, pseudo = tmp_path / "plain.jsonl", tmp_path / "pseudo.jsonl"
    run_cli("export", "--db", str(demo_db), "--out", str(plain), "--all-topics")
    run_cli(
        "export",
        "--db",
        str(demo_db),
        "--out",
        str(pseudo),
        "--all-topics",
        "--pseudonymise",
        "--salt",
        "geheim",
    )
    named = [p["name"] for r in _jsonl(plain) for p in r["persons"] if p.get("name")]
    assert named, "the demo site names suspects as 'Voornaam X.'"
    text = pseudo.read_text(encoding="utf-8")
    for name in named:
        assert name not in text
    again = tmp_path / "again.jsonl"
    run_cli(
        "export",
        "--db",
        str(demo_db),
        "--out",
        str(again),
        "--all-topics",
        "--pseudonymise",
        "--salt",
        "geheim",
    )
    assert again.read_bytes() == pseudo.read_bytes()


def test_syndicated_copies_form_one_cluster_with_one_representative(demo_db: Path, tmp_path: Path) -> None:
    every = tmp_path / "none.jsonl"
    run_cli("export", "--db", str(demo_db), "--out", str(every), "--all-topics", "--dedup", "none")
    rows = _jsonl(every)
    clusters: dict[str, list[dict]] = {}
    for r in rows:
        clusters.setdefault(r["cluster_id"], []).append(r)
    shared = [members for members in clusters.values() if len(members) > 1]
    assert shared, "the ANP story on two outlets must cluster"
    for members in shared:
        assert len({m["source"] for m in members}) > 1
        assert sum(m["is_representative"] for m in members) == 1
        assert all(m["cluster_size"] == len(members) for m in members)
    near = tmp_path / "near.jsonl"
    run_cli("export", "--db", str(demo_db), "--out", str(near), "--all-topics")
    assert len(_jsonl(near)) == len(clusters)


def test_clusters_persist_across_crawls_and_rebuild_agrees(demo_sources: Path, tmp_path: Path) -> None:
    db = tmp_path / "runs.sqlite"
    assert (
        run_cli(
            "crawl", "--sources", str(demo_sources), "--db", str(db), "--source", "courant", *FAST
        ).returncode
        == 0
    )
    assert (
        run_cli(
            "crawl", "--sources", str(demo_sources), "--db", str(db), "--source", "polderpost", *FAST
        ).returncode
        == 0
    )
    engine = open_database(str(db))
    with Session(engine) as s:
        rows = s.execute(
            select(Article.cluster_id, func.count(func.distinct(Article.source)), func.count()).group_by(
                Article.cluster_id
            )
        ).all()
        before = dict(s.execute(select(Article.id, Article.cluster_id)).all())
    assert any(n_sources == 2 for _, n_sources, _ in rows), (
        "the second run's copy joined the first run's cluster"
    )
    proc = run_cli("dedup", "--rebuild", "--db", str(db))
    assert proc.returncode == 0 and "clusters" in proc.stdout
    with Session(engine) as s:
        after = dict(s.execute(select(Article.id, Article.cluster_id)).all())
    assert after == before


def test_text_changed_in_place_keeps_the_old_version(tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(demo_site_root() / "courant", site / "courant")
    shutil.copy(demo_site_root() / "sources.toml", site / "sources.toml")
    db = tmp_path / "versions.sqlite"
    with serve_sites(site, ["courant"]) as bases:
        sources = tmp_path / "s.toml"
        text = (site / "sources.toml").read_text(encoding="utf-8")
        first_block = text.split("[[source]]")[1]
        sources.write_text(
            "[[source]]" + first_block.replace("{{base:courant}}", bases["courant"]), encoding="utf-8"
        )
        assert run_cli("crawl", "--sources", str(sources), "--db", str(db), *FAST).returncode == 0
        with Session(open_database(str(db))) as session:
            stored = list(session.scalars(select(Article).order_by(Article.url)))
        for article in stored:
            page = site / "courant" / (urlsplit(article.fetched_url).path.lstrip("/") + ".html")
            first_sentence = article.text.split(". ")[0] + "."
            html = page.read_text(encoding="utf-8") if page.exists() else ""
            if first_sentence in html:
                break
        else:
            raise AssertionError("no stored article whose first sentence is verbatim in its page")
        extra = " De politie heeft inmiddels een tweede verdachte aangehouden."
        page.write_text(html.replace(first_sentence, first_sentence + extra), encoding="utf-8")
        # Known articles are not fetched again unless re-checked: --refetch-days does that.
        again = run_cli("crawl", "--sources", str(sources), "--db", str(db), "--refetch-days", "36500", *FAST)
        assert again.returncode == 0
    with Session(open_database(str(db))) as s:
        versions = list(s.scalars(select(ArticleVersion)))
        assert len(versions) == 1
        current = s.get(Article, versions[0].article_id)
        assert current is not None and "tweede verdachte" in current.text
        assert "tweede verdachte" not in versions[0].text
        assert s.scalar(select(func.count()).select_from(Article).where(Article.url == versions[0].url)) == 1


def test_classify_rebuild_rescores_the_stored_corpus(demo_db: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy.sqlite"
    shutil.copy(demo_db, copy)
    engine = open_database(str(copy))
    with Session(engine) as s, s.begin():
        s.execute(Article.__table__.update().values(is_crime=None, crime_score=None, categories=None))
    proc = run_cli("classify", "--rebuild", "--db", str(copy))
    assert proc.returncode == 0 and "re-classified" in proc.stdout
    with Session(engine) as s:
        assert s.scalar(select(func.count()).select_from(Article).where(Article.is_crime.is_(None))) == 0


def test_models_and_migrations_agree(db_url: str) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from corpus.store.models import Base

    engine = open_database(db_url)
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
