"""Raw WARC archive of a crawl, re-extraction from it, and WARC ingest (resumable, broken files counted)."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from corpus.crawl.ingest import HostIndex
from corpus.sources.registry import load_sources
from corpus.store.storage import open_database
from corpus.store.warcfiles import Resume, begin_file
from corpus.warc.read import Broken, Page, ReadStats, decode_payload, file_identity, iter_pages
from corpus.warc.write import RotatingWarcWriter
from tests.conftest import FAST, ROOT, run_cli

BENCH = ROOT.parent / "shared" / "benchmarks" / "warc"


def _articles(db: Path) -> dict[str, tuple]:
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT id, text, title, published, language, discovered_via FROM articles")
        return {r[0]: r[1:] for r in rows}


def _provenance(db: Path) -> dict[str, tuple]:
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT id, obtained_via, captured_at, record_id FROM articles")
        return {r[0]: r[1:] for r in rows}


@pytest.fixture(scope="module")
def archived(demo_sources: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """One crawl of the demo site with ``--archive warc``: its database and its WARC directory."""
    out = tmp_path_factory.mktemp("archived")
    db, warcs = out / "crawl.sqlite", out / "warc"
    proc = run_cli(
        "crawl", "--sources", str(demo_sources), "--db", str(db), "--archive", "warc",
        "--archive-dir", str(warcs), *FAST,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-3000:]
    return db, warcs


def test_archive_holds_request_and_response_records_of_article_fetches(archived: tuple[Path, Path]) -> None:
    db, warcs = archived
    files = sorted(warcs.glob("*.warc.gz"))
    assert len(files) == 1
    kinds: dict[str, int] = {}
    targets = set()
    with files[0].open("rb") as fh:
        for record in ArchiveIterator(fh):
            kinds[record.rec_type] = kinds.get(record.rec_type, 0) + 1
            if record.rec_type == "response":
                headers = record.rec_headers
                assert headers.get_header("WARC-Payload-Digest", "").startswith("sha1:")
                assert headers.get_header("WARC-Date")
                targets.add(headers.get_header("WARC-Target-URI"))
                record.content_stream().read()
    assert kinds["warcinfo"] == 1 and kinds["request"] == kinds["response"]
    # Articles only: no feed, sitemap, listing or robots.txt in the archive.
    assert not any(t.endswith((".xml", ".atom", "robots.txt")) for t in targets)
    with sqlite3.connect(db) as conn:
        fetched = {r[0] for r in conn.execute("SELECT fetched_url FROM articles")}
        # Article candidates that were not kept (a section page a sitemap lists, a foreign page).
        refused = {r[0] for r in conn.execute("SELECT url FROM rejections")}
    assert fetched <= targets
    # Every archived page was fetched as an article candidate: no listing the spider read for
    # discovery (the demo's start URLs) is in the archive.
    assert targets <= fetched | refused


def test_ingest_of_the_archive_reproduces_the_crawled_articles(
    archived: tuple[Path, Path], demo_sources: Path, tmp_path: Path
) -> None:
    crawl_db, warcs = archived
    db = tmp_path / "ingest.sqlite"
    proc = run_cli("ingest-warc", str(warcs / "*.warc.gz"), "--sources", str(demo_sources), "--db", str(db))
    assert proc.returncode == 0, proc.stderr[-3000:]
    crawled, ingested = _articles(crawl_db), _articles(db)
    assert crawled and set(ingested) == set(crawled)
    for key, (text, title, published, language, _via) in crawled.items():
        assert ingested[key][:4] == (text, title, published, language), key
    assert {row[4] for row in ingested.values()} == {"warc"}
    # Provenance: the crawl fetched live; the ingest read each copy from a WARC record, and the
    # capture time is the record's WARC-Date (written as the crawl fetched the page).
    crawled_via, ingested_via = _provenance(crawl_db), _provenance(db)
    assert {v for v, _, _ in crawled_via.values()} == {"live"}
    assert {v for v, _, _ in ingested_via.values()} == {"warc_file"}
    for key, (_, captured, record) in ingested_via.items():
        assert record and record.startswith("<urn:uuid:"), key
        at, fetched = (dt.datetime.fromisoformat(v[:19]) for v in (captured, crawled_via[key][1]))
        assert abs((at - fetched).total_seconds()) < 5, key


def test_reextract_rebuilds_stored_articles_without_network(
    archived: tuple[Path, Path], demo_sources: Path, tmp_path: Path
) -> None:
    crawl_db, warcs = archived
    db = tmp_path / "copy.sqlite"
    shutil.copy(crawl_db, db)
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE articles SET text = 'oude extractie', title = NULL")
    proc = run_cli("reextract", "--archive-dir", str(warcs), "--sources", str(demo_sources), "--db", str(db))
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert _articles(db) == _articles(crawl_db)  # text, title, date, language and discovery channel
    # Rebuilt from our own archive, the articles stay live fetches, now with their record ids.
    assert {v for v, _, r in _provenance(db).values() if r} == {"live"}
    with sqlite3.connect(db) as conn:
        kinds = [r[0] for r in conn.execute("SELECT kind FROM crawl_runs ORDER BY id")]
    assert kinds[-1] == "reextract"


def test_reextract_finds_the_archive_through_the_setting(
    archived: tuple[Path, Path], demo_sources: Path, tmp_path: Path
) -> None:
    """Without --archive-dir, reextract reads CORPUS_ARCHIVE_DIR, ``-s`` overrides included."""
    crawl_db, warcs = archived
    db = tmp_path / "copy.sqlite"
    shutil.copy(crawl_db, db)
    empty = tmp_path / "no-warcs"
    empty.mkdir()
    args = ("--sources", str(demo_sources), "--db", str(db))
    proc = run_cli("reextract", *args, "-s", f"CORPUS_ARCHIVE_DIR={empty}")
    assert proc.returncode != 0 and f"no WARC files in {empty}" in proc.stderr
    proc = run_cli("reextract", *args, "-s", f"CORPUS_ARCHIVE_DIR={warcs}")
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert _articles(db) == _articles(crawl_db)


def test_benchmark_warcs_broken_records_are_skipped_and_counted(tmp_path: Path) -> None:
    sources = tmp_path / "sources.toml"
    sources.write_text(
        '[[source]]\nname = "voorbeeld"\noutlet = "Voorbeeld"\ncountry = "nl"\n'
        'domains = ["example.com", "iana.org", "houstonpress.com", "httpbin.org"]\n'
        'start_urls = ["http://example.com/"]\n',
        encoding="utf-8",
    )
    db = tmp_path / "bench.sqlite"
    proc = run_cli("ingest-warc", str(BENCH / "**" / "*.*"), "--sources", str(sources), "--db", str(db))
    assert proc.returncode == 0, proc.stderr[-3000:]
    with sqlite3.connect(db) as conn:
        reasons = dict(
            conn.execute("SELECT reason, COUNT(*) FROM rejections WHERE stage = 'warc' GROUP BY reason")
        )
        status = dict(conn.execute("SELECT path, status FROM warc_files"))
    # clipped.warc.gz (payload cut short), example-trunc.warc (a cut record, then garbage),
    # example-wrong-chunks.warc.gz (a body shorter than its Content-Length), the ARC files.
    assert reasons["digest_mismatch"] >= 2 and reasons["truncated"] >= 1 and reasons["bad_record"] >= 2
    assert set(status.values()) == {"done"} and len(status) >= 20


def _dutch_page(i: int, rng: random.Random) -> bytes:
    zinnen = [
        "De politie heeft dinsdagavond een man aangehouden na een woninginbraak in de binnenstad.",
        "Volgens getuigen vluchtte de verdachte op een scooter in de richting van het station.",
        "Het Openbaar Ministerie onderzoekt of de zaak verband houdt met eerdere inbraken.",
        "Buurtbewoners zeggen dat zij zich de laatste maanden minder veilig voelen in de wijk.",
        "De rechtbank behandelt de zaak naar verwachting na de zomer in een openbare zitting.",
        "Een woordvoerder van de gemeente laat weten dat er extra camera's worden geplaatst.",
        "De schade aan de woning wordt geschat op enkele duizenden euro's, aldus de eigenaar.",
        "Agenten zochten met een hond de omgeving af, maar vonden geen andere verdachten.",
    ]
    body = " ".join(rng.sample(zinnen, 6))
    html = (
        f'<!doctype html><html lang="nl"><head><meta charset="utf-8"><title>Inbraak {i} in de stad</title>'
        f'<meta property="article:published_time" content="2024-03-{1 + i % 28:02d}T10:00:00+01:00"></head>'
        f"<body><article><h1>Inbraak {i} in de stad</h1><p>Zaak nummer {i}: {body}</p>"
        f"<p>{' '.join(rng.sample(zinnen, 5))} Het dossier draagt kenmerk {i * 7919}.</p></article></body></html>"
    )
    return html.encode("utf-8")


def _write_warc(directory: Path, n: int, *, max_bytes: int = 1024**3) -> list[Path]:
    rng = random.Random(9)
    writer = RotatingWarcWriter(directory, prefix="test", max_bytes=max_bytes)
    when = dt.datetime(2024, 3, 1, tzinfo=dt.UTC)
    for i in range(n):
        body = gzip.compress(_dutch_page(i, rng))
        for host, path in (("nieuws.voorbeeld.nl", f"/112/zaak-{i}"), ("elders.example", f"/x/{i}")):
            writer.write_exchange(
                url=f"https://{host}{path}",
                method="GET",
                request_headers=[("Accept-Encoding", "gzip")],
                request_body=b"",
                status=200,
                headers=[("Content-Type", "text/html; charset=utf-8"), ("Content-Encoding", "gzip")],
                body=body,
                when=when,
            )
    writer.close()
    return writer.files


def _sources(tmp_path: Path) -> Path:
    path = tmp_path / "sources.toml"
    path.write_text(
        '[[source]]\nname = "voorbeeld"\noutlet = "Het Voorbeeld"\ncountry = "nl"\n'
        'start_urls = ["https://www.voorbeeld.nl/"]\n',
        encoding="utf-8",
    )
    return path


def test_killed_ingest_continues_from_its_checkpoint_and_stores_each_article_once(tmp_path: Path) -> None:
    n = 60
    [warc] = _write_warc(tmp_path / "warc", n)
    sources, db = _sources(tmp_path), tmp_path / "kill.sqlite"
    args = [sys.executable, "-m", "corpus", "ingest-warc", str(warc), "--sources", str(sources)]
    args += ["--db", str(db), "-s", "CORPUS_WARC_CHECKPOINT_SECONDS=0.2", "-s", "CORPUS_BATCH_SIZE=5"]
    env = {k: v for k, v in os.environ.items() if k != "CRIMECORPUS_DB"}
    proc = subprocess.Popen(args, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        offset = records_before = 0
        while time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.1)
            try:
                with sqlite3.connect(db) as conn:
                    row = conn.execute('SELECT status, "offset", records FROM warc_files').fetchone()
            except sqlite3.Error:
                continue
            if row and row[0] == "partial" and row[1] > 0:
                offset, records_before = row[1], row[2]
                break
        assert proc.poll() is None, "the ingest ended before it could be killed"
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait()
    with sqlite3.connect(db) as conn:
        before = conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
    assert 0 < offset < warc.stat().st_size and before < n

    done = run_cli("ingest-warc", str(warc), "--sources", str(sources), "--db", str(db))
    assert done.returncode == 0, done.stderr[-3000:]
    with sqlite3.connect(db) as conn:
        urls = [r[0] for r in conn.execute("SELECT url FROM articles")]
        status, records = conn.execute("SELECT status, records FROM warc_files").fetchone()
        outcomes = json.loads(conn.execute("SELECT outcomes FROM crawl_runs ORDER BY id DESC").fetchone()[0])
    assert sorted(urls) == sorted({f"https://nieuws.voorbeeld.nl/112/zaak-{i}" for i in range(n)})
    assert status == "done" and records == 1 + 4 * n  # warcinfo, then request + response per page
    assert outcomes.get("corpus/warc/files_resumed") == 1
    # Reading went on at the checkpoint: only the records after it were read again.
    assert outcomes["corpus/warc/records"] == records - records_before
    # A file done is skipped next time; the same path with other contents starts over.
    engine = open_database(str(db))
    assert begin_file(engine, file_identity(warc), None).done
    warc.write_bytes(warc.read_bytes()[:-10])
    assert begin_file(engine, file_identity(warc), None) == Resume(1, False, 0, 0)


# -- pure parts --------------------------------------------------------------------------------
def test_host_filter_runs_before_the_payload_is_parsed(tmp_path: Path) -> None:
    [warc] = _write_warc(tmp_path, 3)
    # A response of another host whose HTTP block is garbage: a filter that parsed first would
    # count it broken.
    junk = b"\x00\xffgeen HTTP hier\r\n\r\n"
    head = (
        "WARC/1.1\r\nWARC-Type: response\r\nWARC-Target-URI: https://elders.example/kapot\r\n"
        "WARC-Date: 2024-03-01T00:00:00Z\r\nWARC-Record-ID: <urn:uuid:0>\r\n"
        f"Content-Type: application/http; msgtype=response\r\nContent-Length: {len(junk)}\r\n\r\n"
    )
    with warc.open("ab") as fh:
        fh.write(gzip.compress(head.encode() + junk + b"\r\n\r\n"))
    plain = _write_warc(tmp_path / "plain", 3)[0]
    index = HostIndex(load_sources(_sources(tmp_path)))
    stats = ReadStats()
    events = list(iter_pages(warc, index.wanted, stats=stats))
    assert [type(e) for e in events] == [Page, Page, Page]
    assert stats.other_hosts == 4 and stats.not_response == 1 + 6 and stats.broken == 0
    assert index.wanted("https://nieuws.voorbeeld.nl/a") and not index.wanted(
        "https://voorbeeld.nl.evil.com/"
    )
    # A cut-off file: the last record is skipped and counted, the others are read.
    cut = tmp_path / "cut.warc.gz"
    last = max(p.offset for p in iter_pages(plain, index.wanted) if isinstance(p, Page))
    cut.write_bytes(plain.read_bytes()[: last + 300])  # inside the last page's gzip member
    events = list(iter_pages(cut, index.wanted, stats=ReadStats()))
    assert sum(isinstance(e, Page) for e in events) == 2
    assert isinstance(events[-1], Broken)


def test_writer_rotates_by_size(tmp_path: Path) -> None:
    files = _write_warc(tmp_path, 10, max_bytes=4000)
    assert len(files) > 2 and all(f.stat().st_size < 4000 + 6000 for f in files)


def test_decode_payload_undoes_chunking_and_compression() -> None:
    body = b"<p>hallo</p>"
    chunked = b"5\r\n" + gzip.compress(body)[:5] + b"\r\n"
    rest = gzip.compress(body)[5:]
    chunked += f"{len(rest):x}\r\n".encode() + rest + b"\r\n0\r\n\r\n"
    headers = [("Transfer-Encoding", "chunked"), ("Content-Encoding", "gzip")]
    assert decode_payload(chunked, headers, 1000) == body
    # Announced as chunked but not chunked (the header outlived the de-chunking): taken as is.
    assert decode_payload(body, [("Transfer-Encoding", "chunked")], 1000) == body
    with pytest.raises(OverflowError):
        decode_payload(gzip.compress(b"a" * 5000), [("Content-Encoding", "gzip")], 1000)


@pytest.mark.parametrize("coding", ["br", "zstd"])
def test_decode_payload_refuses_brotli_and_zstd_bombs(coding: str) -> None:
    """50 MB of zeros in a few KB: refused once the output passes the limit, as gzip is."""
    if coding == "br":
        brotli = pytest.importorskip("brotli")
        compress = lambda data: brotli.compress(data, quality=5)  # noqa: E731
    else:
        try:
            from compression import zstd  # type: ignore[import-not-found]
        except ImportError:  # before Python 3.14
            from backports import zstd  # type: ignore[import-not-found,no-redef]
        compress = zstd.compress
    headers = [("Content-Encoding", coding)]
    bomb = compress(bytes(50 * 1024 * 1024))
    assert len(bomb) < 100_000
    with pytest.raises(OverflowError, match="more than 1000000 bytes"):
        decode_payload(bomb, headers, 1_000_000)
    # Under the limit it decodes, also in several frames (zstd) and exactly at the limit.
    body = b"<p>hallo</p>" * 1000
    assert decode_payload(compress(body), headers, len(body)) == body
    with pytest.raises(OverflowError):
        decode_payload(compress(body), headers, len(body) - 1)
    if coding == "zstd":
        assert decode_payload(compress(body) + compress(b"!"), headers, 100_000) == body + b"!"
    # A stream cut short is an error (bad_encoding), not a page.
    with pytest.raises(ValueError, match="cut short"):
        decode_payload(compress(body)[:-8], headers, 100_000)
