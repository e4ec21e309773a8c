"""Research dataset snapshots built from the demo crawl: formats, card, manifest, splits, reproducibility."""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from collections import Counter
from pathlib import Path

import duckdb
import polars as pl
import pyarrow.parquet as pq
import pytest

from corpus.annotate.crime import CRIME_THRESHOLD
from corpus.dedup.neardup import THRESHOLD
from corpus.outputs.datacard import FIELD_DOCS
from corpus.outputs.dataset import ARROW_SCHEMA, SCHEMA_VERSION, arrow_row, build_dataset, zstd
from corpus.outputs.export import ExportError, ExportFilter
from corpus.outputs.splits import SplitError, Splitter, parse_split, random_split
from corpus.store.storage import open_database
from tests.conftest import DEMO_OUTLETS, ROOT, run_cli, stored_crime_articles

SHARED_CLUSTER_SIZE = 2  # the demo site has one story published by two outlets


def read_jsonl(path: Path) -> list[dict]:
    if path.suffix == ".gz":
        data = gzip.decompress(path.read_bytes())
    elif path.suffix == ".zst":
        data = zstd.decompress(path.read_bytes())
    else:
        data = path.read_bytes()
    return [json.loads(line) for line in data.decode("utf-8").splitlines()]


def data_files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def engine(demo_db: Path):
    eng = open_database(str(demo_db))
    yield eng
    eng.dispose()


@pytest.fixture(scope="module")
def crime(demo_db: Path) -> int:
    """Rows of a default (crime-only) snapshot of the demo crawl."""
    return stored_crime_articles(demo_db)


@pytest.fixture(scope="module")
def plain(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A snapshot built through the command line: every copy, no split, gzip JSONL."""
    out = tmp_path_factory.mktemp("plain") / "snapshot"
    proc = run_cli(
        "dataset",
        "build",
        "--db",
        str(demo_db),
        "--out",
        str(out),
        "--dedup",
        "none",
        "--compression",
        "gzip",
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert f"articles (all {stored_crime_articles(demo_db)})" in proc.stdout
    return out


@pytest.fixture(scope="module")
def random_split_snapshot(engine, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("random") / "snapshot"
    build_dataset(engine, out, ExportFilter(dedup="none"), split=parse_split("random:80/10/10"))
    return out


def test_parquet_and_jsonl_hold_the_same_records_in_the_documented_schema(plain: Path, crime: int) -> None:
    table = pq.read_table(plain / "parquet" / "articles.parquet")
    assert table.schema.equals(ARROW_SCHEMA, check_metadata=True)
    records = read_jsonl(plain / "jsonl" / "articles.jsonl.gz")
    assert len(records) == table.num_rows == crime
    assert [list(r) for r in records] == [ARROW_SCHEMA.names] * len(records)
    assert table.to_pylist() == [arrow_row(r) for r in records]
    # Export order: publication day, then URL.
    keys = [(r["published"], r["url"]) for r in records]
    assert keys == sorted(keys)
    assert set(FIELD_DOCS) == set(ARROW_SCHEMA.names)


def test_the_schema_doc_lists_every_field() -> None:
    doc = (ROOT / "docs" / "dataset.md").read_text(encoding="utf-8")
    missing = [name for name in ARROW_SCHEMA.names if f"| `{name}` |" not in doc]
    assert not missing


def test_text_files_follow_the_example_layout(plain: Path) -> None:
    records = {r["id"]: r for r in read_jsonl(plain / "jsonl" / "articles.jsonl.gz")}
    files = sorted((plain / "text").rglob("*.txt"))
    assert len(files) == sum(1 for r in records.values() if r["date"])
    for path in files:
        record = records[path.stem]
        first, rest = path.read_text(encoding="utf-8").split("\n", 1)
        assert first == f"date {record['date']}" == f"date {path.parent.name}"
        assert rest == record["text"].strip() + "\n"


def test_manifest_lists_every_file_with_its_sha256(plain: Path, crime: int) -> None:
    manifest = json.loads((plain / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["schema_version"] == SCHEMA_VERSION
    assert manifest["rows"]["total"] == crime and manifest["rows"]["per_split"] == {"all": crime}
    assert manifest["filters"]["dedup"] == "none" and manifest["split"] is None
    assert manifest["jsonl_compression"] == "gzip"
    assert manifest["software"]["dependencies"]["pyarrow"]
    assert manifest["database"]["backend"] == "sqlite" and manifest["database"]["crawl_runs"] == 1
    listed = {f["path"]: f for f in manifest["files"]}
    on_disk = set(data_files(plain)) - {"manifest.json"}
    assert set(listed) == on_disk
    for path, entry in listed.items():
        content = (plain / path).read_bytes()
        assert entry["sha256"] == hashlib.sha256(content).hexdigest()
        assert entry["bytes"] == len(content)


def test_data_card_describes_outlets_rules_rights_and_embeds_the_plots(plain: Path) -> None:
    card = (plain / "README.md").read_text(encoding="utf-8")
    for outlet in DEMO_OUTLETS:
        assert outlet in card
    assert f"`crime_score >= {CRIME_THRESHOLD}`" in card
    assert f"at least {THRESHOLD}" in card
    assert "TDM reservation" in card and "not recorded" in card
    assert "## Pseudonymisation" in card and "Off:" in card
    assert "## Known biases" in card
    assert "2018-04-17 to 2024-07-06" in card
    embedded = [line[line.index("](") + 2 : -1] for line in card.splitlines() if line.startswith("![")]
    assert embedded == [
        "plots/articles_per_month.png",
        "plots/categories_over_time.png",
        "plots/top_places.png",
    ]
    for rel in embedded:
        assert (plain / rel).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("compression", ["gzip", "zstd"])
def test_building_twice_gives_byte_identical_files(engine, tmp_path: Path, compression: str) -> None:
    split = parse_split("random:80/10/10")
    first, second = tmp_path / "a", tmp_path / "b"
    for out, now in (
        (first, dt.datetime(2025, 1, 1, tzinfo=dt.UTC)),
        (second, dt.datetime(2025, 6, 1, tzinfo=dt.UTC)),
    ):
        build_dataset(engine, out, ExportFilter(dedup="none"), split=split, compression=compression, now=now)
    a, b = data_files(first), data_files(second)
    assert a.keys() == b.keys()
    assert [name for name in a if a[name] != b[name]] == ["manifest.json"]
    manifest_a, manifest_b = json.loads(a["manifest.json"]), json.loads(b["manifest.json"])
    assert manifest_a.pop("built_at") != manifest_b.pop("built_at")
    assert manifest_a == manifest_b


def test_zstd_jsonl_reads_back(engine, tmp_path: Path) -> None:
    build_dataset(engine, tmp_path / "s", ExportFilter(), compression="zstd", text=False, plots=False)
    records = read_jsonl(tmp_path / "s" / "jsonl" / "articles.jsonl.zst")
    assert [r["id"] for r in records] == pq.read_table(tmp_path / "s" / "parquet").column("id").to_pylist()
    assert not (tmp_path / "s" / "text").exists()


def test_random_split_never_separates_a_cluster(random_split_snapshot: Path, crime: int) -> None:
    split_of: dict[str, set[str]] = {}
    sizes: Counter[str] = Counter()
    for name in ("train", "validation", "test"):
        for row in pq.read_table(random_split_snapshot / "parquet" / f"{name}.parquet").to_pylist():
            split_of.setdefault(row["cluster_id"], set()).add(name)
            sizes[row["cluster_id"]] += 1
    assert max(sizes.values()) == SHARED_CLUSTER_SIZE  # the shared story is in this snapshot...
    assert all(len(names) == 1 for names in split_of.values())  # ...and in one split only
    manifest = json.loads((random_split_snapshot / "manifest.json").read_text(encoding="utf-8"))
    assert sum(manifest["rows"]["per_split"].values()) == crime
    # text/ is split the same way.
    for name in ("train", "validation", "test"):
        ids = set(
            pq.read_table(random_split_snapshot / "parquet" / f"{name}.parquet").column("id").to_pylist()
        )
        assert {p.stem for p in (random_split_snapshot / "text" / name).rglob("*.txt")} == ids


def test_random_split_is_stable_and_follows_the_shares() -> None:
    shares = parse_split("random:80/10/10").shares
    counts = Counter(random_split(f"cluster-{i}", shares) for i in range(20_000))
    assert 0.78 < counts["train"] / 20_000 < 0.82
    assert 0.09 < counts["validation"] / 20_000 < 0.11
    assert [random_split(f"cluster-{i}", shares) for i in range(50)] == [
        random_split(f"cluster-{i}", shares) for i in range(50)
    ]
    assert parse_split("random:8/1/1").shares == shares  # shares, not percentages
    assert parse_split("random:90/0/10").names == ("train", "test")


def test_time_split_puts_train_before_the_boundary(engine, crime: int, tmp_path: Path) -> None:
    result = build_dataset(
        engine, tmp_path / "t", ExportFilter(dedup="none"), split=parse_split("time:2021-01-01")
    )
    train = pq.read_table(tmp_path / "t" / "parquet" / "train.parquet").column("published").to_pylist()
    test = pq.read_table(tmp_path / "t" / "parquet" / "test.parquet").column("published").to_pylist()
    assert train and test and len(train) + len(test) == crime == result.total
    assert max(train) < dt.date(2021, 1, 1) <= min(test)
    assert not (tmp_path / "t" / "parquet" / "validation.parquet").exists()


def test_time_split_leaves_out_a_test_copy_of_a_story_in_train(demo_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "moved.sqlite"
    shutil.copy(demo_db, db)
    with sqlite3.connect(db) as conn:  # one copy of the shared story now appears a week earlier
        conn.execute(
            "UPDATE articles SET published = '2023-05-02', month = '2023-05' WHERE source = 'polderpost' "
            "AND cluster_id IN (SELECT cluster_id FROM articles GROUP BY cluster_id HAVING count(*) > 1)"
        )
    engine = open_database(str(db))
    try:
        result = build_dataset(
            engine, tmp_path / "s", ExportFilter(dedup="none"), split=parse_split("time:2023-05-05")
        )
    finally:
        engine.dispose()
    assert result.left_out == {"copy_in_train": 1}
    clusters = {
        name: set(
            pq.read_table(tmp_path / "s" / "parquet" / f"{name}.parquet").column("cluster_id").to_pylist()
        )
        for name in ("train", "test")
    }
    assert not clusters["train"] & clusters["test"]
    assert "copy_in_train" in (tmp_path / "s" / "README.md").read_text(encoding="utf-8")


def test_splitter_leaves_out_undated_articles_in_a_time_split() -> None:
    splitter = Splitter(parse_split("time:2020-01-01"))
    assert splitter.assign({"id": "a", "published": None, "cluster_id": "c"}) is None
    assert splitter.left_out == {"undated": 1}
    assert Splitter(parse_split("random:1/1/1")).assign({"id": "a", "published": None}) is not None


@pytest.mark.parametrize("spec", ["random:0/50/50", "random:80/10", "time:2020-13-01", "time:yesterday"])
def test_bad_split_specifications_are_refused(spec: str) -> None:
    with pytest.raises(SplitError):
        parse_split(spec)


def test_snapshot_loads_in_duckdb_polars_and_pandas(
    random_split_snapshot: Path, plain: Path, crime: int
) -> None:
    import pandas as pd

    parquet = random_split_snapshot / "parquet"
    per_outlet = duckdb.sql(f"select outlet, count(*) from '{parquet}/*.parquet' group by outlet").fetchall()
    assert len(per_outlet) == len(DEMO_OUTLETS) and sum(n for _, n in per_outlet) == crime
    jsonl = duckdb.sql(f"select count(*) from read_json_auto('{plain}/jsonl/*.jsonl.gz')").fetchall()
    assert jsonl == [(crime,)]
    frame = pl.read_parquet(parquet / "*.parquet")
    assert frame.shape == (crime, len(ARROW_SCHEMA))
    assert frame.schema["published"] == pl.Date
    assert frame.explode("categories")["categories"].drop_nulls().len() > crime
    df = pd.read_parquet(parquet / "train.parquet")
    assert len(df) == pq.read_metadata(parquet / "train.parquet").num_rows


def test_snapshot_loads_in_hugging_face_datasets_offline(engine, tmp_path: Path) -> None:
    """``load_dataset("parquet", data_dir=...)`` as a researcher would call it, with no network."""
    # Even splits: with the demo's few dozen articles an 80/10/10 split can leave a split empty
    # (the assignment hashes cluster ids, which follow the demo servers' ports), which says nothing
    # about loading.
    random_split_snapshot = tmp_path / "snapshot"
    build_dataset(
        engine, random_split_snapshot, ExportFilter(dedup="none"), split=parse_split("random:50/25/25")
    )
    code = (
        "import json, sys; from datasets import load_dataset; "
        "ds = load_dataset('parquet', data_dir=sys.argv[1]); "
        "print(json.dumps({k: v.num_rows for k, v in ds.items()}))"
    )
    env = {
        **os.environ,
        "HF_HOME": str(tmp_path / "hf"),
        "HF_DATASETS_OFFLINE": "1",
        "HF_HUB_OFFLINE": "1",
        "HF_HUB_DISABLE_TELEMETRY": "1",
    }
    proc = subprocess.run(
        [sys.executable, "-c", code, str(random_split_snapshot / "parquet")],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    manifest = json.loads((random_split_snapshot / "manifest.json").read_text(encoding="utf-8"))
    assert json.loads(proc.stdout.strip().splitlines()[-1]) == manifest["rows"]["per_split"]


def test_pseudonymised_snapshot_holds_no_printed_names(engine, tmp_path: Path) -> None:
    flt = ExportFilter(dedup="none", pseudonymise=True, salt="geheim")
    build_dataset(engine, tmp_path / "p", flt)
    files = data_files(tmp_path / "p")
    records = read_jsonl(tmp_path / "p" / "jsonl" / "articles.jsonl")
    assert any("[persoon-" in r["text"] for r in records)
    for name, content in files.items():
        if name.endswith((".jsonl", ".txt", ".md", ".json")):
            assert b"Rachid B." not in content and b"Kevin R." not in content, name
    assert b"geheim" not in files["manifest.json"]
    assert json.loads(files["manifest.json"])["filters"]["salted"] is True
    assert "A secret salt was used" in files["README.md"].decode()


def test_refuses_to_replace_a_directory_that_is_not_a_snapshot(engine, tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(ExportError, match="not a crimecorpus snapshot"):
        build_dataset(engine, tmp_path, ExportFilter())
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "keep me"


def test_stats_plot_writes_the_three_pngs(demo_db: Path, tmp_path: Path) -> None:
    proc = run_cli("stats", "--db", str(demo_db), "--plot", str(tmp_path / "plots"))
    assert proc.returncode == 0, proc.stderr[-3000:]
    pngs = sorted(p.name for p in (tmp_path / "plots").glob("*.png"))
    assert pngs == ["articles_per_month.png", "categories_over_time.png", "top_places.png"]
    for name in pngs:
        data = (tmp_path / "plots" / name).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000


@pytest.mark.postgres
def test_a_postgresql_corpus_gives_the_same_records(engine, pg_url: str, tmp_path: Path) -> None:
    """The same articles stored in PostgreSQL give the same snapshot rows as from SQLite."""
    from sqlalchemy import select
    from sqlalchemy.orm import Session, make_transient

    from corpus.store.models import Article, CrawlRun

    pg = open_database(pg_url)
    try:
        with Session(engine) as src, Session(pg) as dst:
            for model in (CrawlRun, Article):
                for row in src.scalars(select(model)).all():
                    src.expunge(row)
                    make_transient(row)
                    dst.add(row)
                dst.flush()
            dst.commit()
        split = parse_split("random:80/10/10")
        build_dataset(pg, tmp_path / "pg", ExportFilter(dedup="none"), split=split)
    finally:
        pg.dispose()
    build_dataset(engine, tmp_path / "lite", ExportFilter(dedup="none"), split=split)
    for name in ("train", "validation", "test"):
        rows = {
            db: sorted(
                pq.read_table(tmp_path / db / "parquet" / f"{name}.parquet").to_pylist(),
                key=lambda r: r["id"],
            )
            for db in ("pg", "lite")
        }
        assert rows["pg"] == rows["lite"]
    assert (
        data_files(tmp_path / "pg")["plots/top_places.png"]
        == data_files(tmp_path / "lite")["plots/top_places.png"]
    )
