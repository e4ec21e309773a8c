"""The public Python interface, ``import crimecorpus``, end to end on real crawls of the demo site.

The corpus read here is the one a real crawl stored (the ``demo_db`` fixture, and a crawl run by
``crimecorpus.crawl`` itself); the pages analysed are fetched from the demo site's local servers.
Ground truth comes from outside the interface: the SQLite file read with ``sqlite3``, the JSONL
written by ``crimecorpus export`` and the demo site's gold (``expected.json``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib.metadata
import json
import re
import sqlite3
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

import crimecorpus
from corpus.text.pagekind import NEWS_KINDS
from tests.conftest import DEMO_DUTCH_ARTICLES, FAST, ROOT, run_cli

DOCS = ROOT / "docs" / "library.md"
NOT_RUN = "<!-- not run by the tests"


def _python_blocks(markdown: str) -> list[tuple[str, bool]]:
    """(code, runs) for every ```python block; a block right after a NOT_RUN comment does not run."""
    blocks = []
    for match in re.finditer(r"(?P<before>[^\n]*)\n```python\n(?P<code>.*?)```", markdown, re.S):
        blocks.append((match["code"], not match["before"].startswith(NOT_RUN)))
    return blocks


def _copy_db(source: Path, target: Path) -> None:
    """A consistent copy of a SQLite corpus (WAL included) through SQLite's backup API."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)


def _rows(db: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(db) as con:
        return con.execute(sql).fetchall()


@pytest.fixture(scope="module")
def corpus(demo_db: Path) -> Iterator[crimecorpus.Corpus]:
    with crimecorpus.open_corpus(demo_db) as opened:
        yield opened


# -- the documented example --------------------------------------------------------------------


def test_the_documented_examples_run_as_written(demo_db: Path, tmp_path: Path) -> None:
    """docs/library.md's examples, run as a user would after ``crimecorpus demo``, print the truth."""
    blocks = [code for code, runs in _python_blocks(DOCS.read_text(encoding="utf-8")) if runs]
    assert len(blocks) >= 2
    _copy_db(demo_db, tmp_path / "exports" / "demo" / "corpus.sqlite")
    script = tmp_path / "example.py"
    script.write_text("\n\n".join(blocks), encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, cwd=tmp_path, timeout=300
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    stored = _rows(demo_db, "SELECT count(*) FROM articles")[0][0]
    flemish = _rows(demo_db, "SELECT count(*) FROM articles WHERE language_variant = 'nl-BE'")[0][0]
    assert f"{stored} articles stored, {flemish} Flemish" in proc.stdout
    assert f"crimecorpus {crimecorpus.__version__}" in proc.stdout
    assert "True article | Man (34) aangehouden na steekpartij bij station Zwolle" in proc.stdout
    assert "2024-03-12 meta" in proc.stdout
    assert "False Rejection(stage='page_kind', reason='empty'" in proc.stdout


def test_the_readme_library_api_section_is_the_tested_example() -> None:
    """Every Python block of the README's "Library API" section is one docs/library.md runs."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Library API", 1)[1].split("\n## ", 1)[0]
    readme_blocks = [code for code, _ in _python_blocks(section)]
    tested = [code for code, runs in _python_blocks(DOCS.read_text(encoding="utf-8")) if runs]
    assert readme_blocks
    for code in readme_blocks:
        assert code in tested, code[:200]


# -- the package ---------------------------------------------------------------------------------


def test_version_and_public_names() -> None:
    assert crimecorpus.__version__ == importlib.metadata.version("crimecorpus")
    for name in crimecorpus.__all__:
        assert getattr(crimecorpus, name) is not None, name
    assert crimecorpus.CrawlSummary.__name__ == "CrawlSummary"


def test_reading_and_analysing_do_not_import_scrapy() -> None:
    code = (
        "import sys, crimecorpus; print('scrapy' in sys.modules, 'twisted.internet.reactor' in sys.modules)"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert proc.stdout.split() == ["False", "False"], proc.stderr


# -- opening -------------------------------------------------------------------------------------


def test_opening_a_missing_file_raises_and_creates_nothing(tmp_path: Path) -> None:
    missing = tmp_path / "nieuw" / "corpus.sqlite"
    for db in (missing, f"sqlite:///{missing}", str(missing)):
        with pytest.raises(crimecorpus.DatabaseError, match="no database at"):
            crimecorpus.open_corpus(db)
    assert not (tmp_path / "nieuw").exists()


def test_opening_a_file_that_is_no_corpus_raises_and_leaves_it_alone(tmp_path: Path) -> None:
    empty = tmp_path / "leeg.sqlite"
    empty.write_bytes(b"")
    other = tmp_path / "ander.sqlite"
    with sqlite3.connect(other) as con:
        con.execute("CREATE TABLE boeken (titel TEXT)")
    size = other.stat().st_size
    with pytest.raises(crimecorpus.DatabaseError, match="not a SQLite database"):
        crimecorpus.open_corpus(empty)
    with pytest.raises(crimecorpus.DatabaseError, match="not a crimecorpus database"):
        crimecorpus.open_corpus(other)
    assert empty.stat().st_size == 0
    assert other.stat().st_size == size
    assert _rows(other, "SELECT name FROM sqlite_master WHERE type = 'table'") == [("boeken",)]


@pytest.mark.postgres
def test_opening_an_empty_postgres_database_raises_and_creates_no_table(pg_url: str) -> None:
    with pytest.raises(crimecorpus.DatabaseError, match="not a crimecorpus database"):
        crimecorpus.open_corpus(pg_url)
    import sqlalchemy

    engine = sqlalchemy.create_engine(pg_url)
    try:
        assert sqlalchemy.inspect(engine).get_table_names() == []
    finally:
        engine.dispose()


@pytest.mark.postgres
@pytest.mark.slow
def test_a_postgres_corpus_reads_as_the_sqlite_one(pg_url: str, demo_sources: Path, demo_db: Path) -> None:
    """Opened by its URL, a PostgreSQL corpus of the same crawl gives the same records."""
    proc = run_cli("crawl", "--sources", str(demo_sources), "--db", pg_url, *FAST)
    assert proc.returncode == 0, proc.stderr[-3000:]
    with crimecorpus.open_corpus(pg_url) as pg, crimecorpus.open_corpus(demo_db) as lite:
        assert "postgresql" in pg.url
        ours = [a.as_record() for a in pg.articles(all_topics=True, dedup="none")]
        theirs = [a.as_record() for a in lite.articles(all_topics=True, dedup="none")]
    volatile = ("fetched_at", "captured_at", "git_commit")  # when each crawl ran, and the commit then
    assert [{k: v for k, v in r.items() if k not in volatile} for r in ours] == [
        {k: v for k, v in r.items() if k not in volatile} for r in theirs
    ]


# -- iterating with the export filters -----------------------------------------------------------


def _export(demo_db: Path, tmp_path: Path, *args: str) -> list[dict]:
    out = tmp_path / f"export{len(list(tmp_path.iterdir()))}.jsonl"
    proc = run_cli("export", "--db", str(demo_db), "--out", str(out), *args)
    assert proc.returncode == 0, proc.stderr
    return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize(
    ("cli", "kwargs"),
    [
        ((), {}),
        (("--all-topics", "--dedup", "none"), {"all_topics": True, "dedup": "none"}),
        (
            ("--since", "2020-01-01", "--until", "2023-12-31"),
            {"since": "2020-01-01", "until": dt.date(2023, 12, 31)},
        ),
        (("--source", "scheldebode", "--category", "drugs"), {"sources": "scheldebode", "category": "drugs"}),
        (
            ("--pseudonymise", "--salt", "geheim", "--all-topics"),
            {"pseudonymise": True, "salt": "geheim", "all_topics": True},
        ),
    ],
)
def test_articles_are_the_jsonl_export_typed(
    corpus: crimecorpus.Corpus, demo_db: Path, tmp_path: Path, cli: tuple[str, ...], kwargs: dict
) -> None:
    """The same records, in the same order, with the same keys, as ``crimecorpus export``."""
    exported = _export(demo_db, tmp_path, *cli)
    articles = list(corpus.articles(**kwargs))
    assert exported, cli
    assert [a.id for a in articles] == [r["id"] for r in exported]
    for article, record in zip(articles, exported, strict=True):
        ours = article.as_record()
        assert list(ours) == list(record)
        # The git commit is read once per process; someone may commit between the two processes.
        assert {k: v for k, v in ours.items() if k != "git_commit"} == {
            k: v for k, v in record.items() if k != "git_commit"
        }
        assert crimecorpus.Article.from_record(record) == dataclasses.replace(
            article, provenance=crimecorpus.Article.from_record(record).provenance
        )


def test_filters_select_what_they_say(corpus: crimecorpus.Corpus, demo_db: Path) -> None:
    every = list(corpus.articles(all_topics=True, dedup="none"))
    assert len(every) == _rows(demo_db, "SELECT count(*) FROM articles")[0][0]
    default = list(corpus.articles())
    assert default and all(a.is_crime and a.is_representative for a in default)
    assert {a.id for a in default} < {a.id for a in every}
    assert all(a.duplicate_of is None for a in corpus.articles(dedup="exact", all_topics=True))
    window = list(corpus.articles(since=dt.date(2020, 1, 1), until="2022-12-31", all_topics=True))
    assert window and all(
        a.published and dt.date(2020, 1, 1) <= a.published <= dt.date(2022, 12, 31) for a in window
    )
    flemish = list(corpus.articles(sources=["scheldebode"], all_topics=True))
    assert flemish and {a.source for a in flemish} == {"scheldebode"}
    assert {a.language_variant for a in flemish} == {"nl-BE"}
    geweld = list(corpus.articles(category="geweld"))
    assert geweld and all("geweld" in a.categories for a in geweld)
    # Mistakes are reported at the call, not as an empty result.
    with pytest.raises(ValueError, match="dedup"):
        corpus.articles(dedup="fuzzy")
    with pytest.raises(ValueError, match="since"):
        corpus.articles(since="gisteren")
    with pytest.raises(ValueError, match="is after"):
        corpus.articles(since="2024-01-01", until="2023-01-01")
    with pytest.raises(ValueError, match="unknown category 'moord'"):
        corpus.articles(category="moord")
    with pytest.raises(ValueError, match="unknown source 'nos'"):
        corpus.articles(sources=["courant", "nos"])


def test_records_are_typed(corpus: crimecorpus.Corpus) -> None:
    articles = list(corpus.articles(all_topics=True, dedup="none"))
    assert any(a.places for a in articles) and any(a.persons for a in articles)
    for a in articles:
        assert isinstance(a.published, dt.date) and not isinstance(a.published, dt.datetime)
        assert a.date == a.published.strftime("%Y-%m")
        assert a.published_at is None or a.published_at.tzinfo is not None
        assert isinstance(a.fetched_at, dt.datetime) and a.fetched_at.tzinfo is not None
        assert isinstance(a.categories, tuple) and all(isinstance(c, str) for c in a.categories)
        assert all(isinstance(p, crimecorpus.Place) for p in a.places)
        assert all(isinstance(p, crimecorpus.Person) for p in a.persons)
        assert isinstance(a.is_crime, bool) and isinstance(a.crime_score, float)
        assert isinstance(a.cluster_size, int) and a.cluster_size >= 1
        assert a.language == "nl" and a.language_variant in ("nl-NL", "nl-BE")
        with pytest.raises(dataclasses.FrozenInstanceError):
            a.title = "anders"  # type: ignore[misc]
    assert len(set(articles)) == len(articles)  # hashable despite the provenance mapping


# -- analysing pages -------------------------------------------------------------------------------


def _fetch(url: str) -> tuple[bytes, str | None]:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.read(), response.headers.get_content_charset()


def test_analyse_gives_what_the_crawl_stored_and_rejected(
    corpus: crimecorpus.Corpus, demo_expected: list[dict], demo_bases: dict[str, str]
) -> None:
    """Each demo page, fetched and analysed: the verdict of the crawl, and the stored values."""
    stored = {(a.source, urlsplit(a.url).path): a for a in corpus.articles(all_topics=True, dedup="none")}
    checked = 0
    for page in demo_expected:
        # Start-URL listings and home pages are read for their links and never analysed as pages
        # to store; section pages that a feed or sitemap links are, and must be rejected.
        fetched_as_article = {"feed", "sitemap"} & set(page["discovered_by"])
        if page["kind"] == "robots_disallowed" or page.get("tracking_duplicate_of"):
            continue
        if page["kind"] == "listing" and not fetched_as_article:
            continue
        url = demo_bases[page["outlet"]] + page["path"]
        body, charset = _fetch(url)
        result = crimecorpus.analyse(
            body, url, country="be" if page["outlet"] == "scheldebode" else "nl", charset=charset
        )
        where = page["path"]
        if page["kind"] not in NEWS_KINDS:
            assert result.rejection is not None and result.rejection.stage == "page_kind", where
            assert result.rejection.reason == page["kind"], where
            continue
        if page["language"] != "nl":
            assert result.rejection == crimecorpus.Rejection("language", "not_dutch", ""), where
            assert result.language is not None and result.language.lang == page["language"], where
            assert result.crime is None
            continue
        assert result.kept and result.rejection is None and result.page_kind == page["kind"], where
        assert result.language is not None and result.language.variant == page["variant"], where
        assert result.date is not None and result.date.day == dt.date.fromisoformat(page["published"]), where
        article = stored[(page["outlet"], page["path"])]
        assert (result.text, result.title, result.author) == (article.text, article.title, article.author), (
            where
        )
        assert result.crime is not None
        assert result.crime.is_crime == article.is_crime, where  # the classifier's, not the gold's
        assert result.crime.categories == article.categories and result.crime.stage == article.stage, where
        assert result.crime.places == article.places and result.crime.persons == article.persons, where
        assert result.crime.evidence == article.crime_evidence, where
        assert result.language.probability == pytest.approx(article.language_prob), where
        checked += 1
    assert checked >= 25


def test_annotate_and_detect_language_on_plain_text(corpus: crimecorpus.Corpus) -> None:
    article = next(a for a in corpus.articles() if a.persons and a.places)
    crime = crimecorpus.annotate(article.text, title=article.title, url=article.url, country=article.country)
    assert (crime.is_crime, crime.categories, crime.stage) == (
        article.is_crime,
        article.categories,
        article.stage,
    )
    assert crime.persons == article.persons
    language = crimecorpus.detect_language(f"{article.title}\n{article.text}", country=article.country)
    assert language.is_dutch and language.lang == "nl"


def test_analyse_rejects_junk_as_not_prose() -> None:
    junk = " ".join(["aangehouden", "verdachte", "politie", "woning"] * 20_000)
    page = crimecorpus.analyse(
        f"<html lang='nl'><body><article><p>{junk}</p></article></body></html>", "https://example.nl/a"
    )
    assert page.rejection is not None
    assert (page.rejection.stage, page.rejection.reason) == ("page_kind", "not_prose")
    assert page.page_kind == "not_prose" and page.crime is None and not page.kept


# -- crawling --------------------------------------------------------------------------------------


@pytest.mark.slow
def test_crawl_from_python_then_read_back(demo_sources: Path, demo_db: Path, tmp_path: Path) -> None:
    """``crimecorpus.crawl`` on the demo site stores what the CLI crawl stores; read back typed."""
    db = tmp_path / "corpus.sqlite"
    settings = dict(item.split("=", 1) for item in FAST[1::2])  # the -s overrides, as a mapping
    script = (
        "import json, sys, crimecorpus\n"
        f"summary = crimecorpus.crawl(sources_file={str(demo_sources)!r}, db={str(db)!r}, settings={settings!r})\n"
        "print(json.dumps({'finish': summary.finish_reason, 'stored': summary.stored, 'run': summary.run_id}))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=300
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    summary = json.loads(proc.stdout.strip().splitlines()[-1])
    assert summary["finish"] == "finished" and summary["run"] is not None
    with crimecorpus.open_corpus(f"sqlite:///{db}") as corpus:
        ours = list(corpus.articles(all_topics=True, dedup="none"))
    assert len(ours) == summary["stored"] > 0
    with crimecorpus.open_corpus(demo_db) as reference:
        cli = list(reference.articles(all_topics=True, dedup="none"))
    assert sorted(a.id for a in ours) == sorted(a.id for a in cli)
    texts = {a.id: (a.text, a.published, a.categories) for a in cli}
    assert all(texts[a.id] == (a.text, a.published, a.categories) for a in ours)


def test_a_script_without_a_main_guard_crawls_as_one_with_it(demo_sources: Path, tmp_path: Path) -> None:
    """A script file that calls ``crimecorpus.crawl()`` at top level (no ``if __name__ ==
    "__main__":``): the worker processes must not run it again. They did, each starting a second
    crawl, and every page was rejected as ``worker_crashed`` in a run that said ``finished``."""
    db = tmp_path / "corpus.sqlite"
    settings = {**dict(item.split("=", 1) for item in FAST[1::2]), "CORPUS_WORKERS": "2"}
    script = tmp_path / "mijn_crawl.py"
    script.write_text(
        "import json, crimecorpus\n"
        f"summary = crimecorpus.crawl(sources_file={str(demo_sources)!r}, db={str(db)!r}, settings={settings!r})\n"
        "print(json.dumps({'stored': summary.stored, 'rejected': summary.rejected}))\n",
        encoding="utf-8",
    )
    proc = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, cwd=tmp_path, timeout=300
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    summary = json.loads(proc.stdout.strip().splitlines()[-1])
    assert not any("worker" in reason for reason in summary["rejected"]), summary
    assert summary["stored"] == DEMO_DUTCH_ARTICLES


def test_a_crawl_that_cannot_run_raises_crawl_error_with_the_cause(
    demo_sources: Path, tmp_path: Path
) -> None:
    """A pipeline that fails to load: the call raises one-line CrawlError, never a quiet summary."""
    broken = {"tests.faults.fixtures.broken_pipeline.Pipeline": 1}
    script = (
        "import crimecorpus\n"
        "try:\n"
        f"    crimecorpus.crawl(sources_file={str(demo_sources)!r}, db={str(tmp_path / 'c.sqlite')!r},"
        f" settings={{'ITEM_PIPELINES': {broken!r}, 'LOG_LEVEL': 'CRITICAL'}})\n"
        "except crimecorpus.CrawlError as exc:\n"
        "    print('CrawlError:', exc)\n"
        "else:\n"
        "    print('no error')\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=300
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    line = proc.stdout.strip().splitlines()[-1]
    assert line.startswith("CrawlError:") and "kapotte_afhankelijkheid is not installed" in line, proc.stdout
