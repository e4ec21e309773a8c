"""`crawl --archive warc` copies no page whose owner reserved text and data mining.

One real crawl of a local site (tests/faultserver.py) whose sitemap lists free articles, articles
reserved by the ``tdm-reservation`` header, by the page's ``<meta name="tdm-reservation">`` and by
``/.well-known/tdmrep.json``, a redirect to a reserved article and a gzip-encoded page. The WARC
files must hold every fetched page but the reserved ones; ``reextract`` must still rebuild the
stored articles from them. A second crawl under the research exception keeps and archives all.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from warcio.archiveiterator import ArchiveIterator

from tests.conftest import FAST, run_cli
from tests.faultserver import Config, FaultServer, fault_server, sources_toml

FREE = [
    "/article/vrij-nieuws-een",
    "/article/vrij-nieuws-twee",
    "/article/vrij-meta-wint?header=1&meta=0",  # a meta 0 lifts the header's reservation
    "/gzip-page",
]
RESERVED_AFTER_DOWNLOAD = [
    "/article/voorbehoud-in-de-header?header=1",
    "/article/voorbehoud-in-de-pagina?meta=1",
    "/article/omleiding-naar-voorbehoud?header=1",  # reached through a redirect
]
RESERVED_BY_FILE = "/gereserveerd/artikel-onder-bestand"
REDIRECT = "/redirect?to=" + quote("/article/omleiding-naar-voorbehoud?header=1", safe="")
NOT_FOUND = "/status/404"


@pytest.fixture(scope="module")
def site() -> Iterator[FaultServer]:
    tdmrep = json.dumps([{"location": "/gereserveerd/*", "tdm-reservation": 1}])
    paths = [*FREE, *RESERVED_AFTER_DOWNLOAD[:2], REDIRECT, RESERVED_BY_FILE, NOT_FOUND]
    with fault_server(Config(sitemap=paths, tdmrep=tdmrep)) as srv:
        yield srv


@pytest.fixture(scope="module")
def sources(site: FaultServer, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("tdm-sources") / "sources.toml"
    source = {"name": "voorbehoud", "outlet": "Voorbehoud Dagblad", "country": "nl"}
    path.write_text(sources_toml([{**source, "sitemaps": [site.url("/sitemap.xml")]}]), encoding="utf-8")
    return path


def _crawl(sources: Path, out: Path, *settings: str) -> tuple[Path, Path]:
    db, warcs = out / "crawl.sqlite", out / "warc"
    proc = run_cli(
        "crawl", "--sources", str(sources), "--db", str(db), "--archive", "warc",
        "--archive-dir", str(warcs), *FAST, *settings,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-3000:]
    return db, warcs


@pytest.fixture(scope="module")
def archived(sources: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The crawl with the reservations applied: its database and its WARC directory."""
    return _crawl(sources, tmp_path_factory.mktemp("archived-tdm"))


def _path(url: str) -> str:
    return "/" + url.split("/", 3)[3]


def _records(warcs: Path) -> dict[str, tuple[int, dict[str, str], bytes]]:
    """Path of each response record → (status, HTTP headers, body as stored)."""
    out = {}
    for file in sorted(warcs.glob("*.warc.gz")):
        with file.open("rb") as fh:
            for record in ArchiveIterator(fh):
                if record.rec_type == "response":
                    http = record.http_headers
                    headers = {k.lower(): v for k, v in http.headers}
                    out[_path(record.rec_headers.get_header("WARC-Target-URI"))] = (
                        int(http.get_statuscode()),
                        headers,
                        record.raw_stream.read(),
                    )
    return out


def _query(db: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


def _articles(db: Path) -> dict[str, tuple]:
    return {r[0]: r[1:] for r in _query(db, "SELECT id, text, title, published, language FROM articles")}


def test_reserved_pages_are_not_in_the_archive_and_every_other_fetch_is(
    archived: tuple[Path, Path], site: FaultServer
) -> None:
    db, warcs = archived
    records = _records(warcs)
    reasons = {_path(u): r for u, r in _query(db, "SELECT url, reason FROM rejections")}
    for path in [*RESERVED_AFTER_DOWNLOAD, RESERVED_BY_FILE]:
        assert reasons.get(path) == "tdm_reserved", (path, reasons)
        assert path not in records, path
    # The reserved pages were downloaded (so the raw copy existed) but never written.
    assert site.hits("/article/voorbehoud-in-de-header") and site.hits("/article/voorbehoud-in-de-pagina")
    assert not site.hits(RESERVED_BY_FILE)  # tdmrep.json: not even fetched
    stored = {_path(u) for (u,) in _query(db, "SELECT fetched_url FROM articles")}
    assert set(FREE) <= stored
    # Every other article fetch is archived: the free pages, a 404, and the redirect itself
    # (it reproduces nothing of the reserved page it points to), each with its own status.
    assert {path: records[path][0] for path in [*FREE, NOT_FOUND, REDIRECT]} == {
        **dict.fromkeys(FREE, 200),
        NOT_FOUND: 404,
        REDIRECT: 302,
    }
    assert set(records) == {*FREE, NOT_FOUND, REDIRECT}
    outcomes = json.loads(_query(db, "SELECT outcomes FROM crawl_runs ORDER BY id DESC LIMIT 1")[0][0])
    assert outcomes["corpus/archive/withheld_tdm"] == len(RESERVED_AFTER_DOWNLOAD)
    assert outcomes["corpus/archive/responses"] == len(records)


def test_a_held_page_is_still_written_as_the_server_sent_it(archived: tuple[Path, Path]) -> None:
    """The TDM check reads the decoded page; the copy written after it keeps the encoded body."""
    _, warcs = archived
    status, headers, body = _records(warcs)["/gzip-page"]
    assert status == 200 and headers["content-encoding"] == "gzip"
    assert body[:2] == b"\x1f\x8b"


def test_reextract_rebuilds_the_stored_articles_from_the_archive(
    archived: tuple[Path, Path], sources: Path, tmp_path: Path
) -> None:
    crawl_db, warcs = archived
    db = tmp_path / "copy.sqlite"
    shutil.copy(crawl_db, db)
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE articles SET text = 'oude extractie', title = NULL")
    proc = run_cli("reextract", "--archive-dir", str(warcs), "--sources", str(sources), "--db", str(db))
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert _articles(db) == _articles(crawl_db)
    assert len(_articles(db)) >= len(FREE)


def test_under_the_research_exception_reserved_pages_are_kept_and_archived(
    sources: Path, tmp_path: Path
) -> None:
    db, warcs = _crawl(sources, tmp_path, "-s", "CORPUS_TDM_RESEARCH_EXCEPTION=True")
    records = _records(warcs)
    for path in [*RESERVED_AFTER_DOWNLOAD, RESERVED_BY_FILE]:
        assert records[path][0] == 200, path
    outcomes = json.loads(_query(db, "SELECT outcomes FROM crawl_runs ORDER BY id DESC LIMIT 1")[0][0])
    assert "corpus/archive/withheld_tdm" not in outcomes
    assert outcomes["corpus/tdm/kept_research_exception"] == len(RESERVED_AFTER_DOWNLOAD) + 1
