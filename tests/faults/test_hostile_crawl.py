"""One real crawl of a hostile site: every fault is survived, recorded with a reason, never stored.

The fault server (tests/faultserver.py) lists one URL per fault in its sitemap and serves hostile
feeds and sitemaps; a second server plays "another domain". The crawl runs through
``crimecorpus crawl`` in a subprocess, its peak memory measured; each test then reads one row of
the issue's table back from the SQLite database.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest

from tests.conftest import FAST, ROOT
from tests.faultserver import Config, FaultServer, bomb, fault_server, sitemap_bomb, sources_toml

FAULT_PATHS = [
    "/article/gewoon-nieuws-een",
    "/status/500",
    "/status/503?fail=1",
    "/status/404",
    "/status/410",
    "/retry-after/1",
    "/retry-after/3600?fail=1&status=503",
    "/delay/0.5",
    "/hang?s=30",
    "/drop",
    "/truncated",
    "/redirect-loop",
    "/loop-a",
    "/redirect?to=" + quote("file:///etc/passwd", safe=""),
    "/redirect?to=" + quote("data:text/html,<p>hallo</p>", safe=""),
    "/bomb/gzip",
    "/bomb/deflate",
    "/bomb/br",
    "/huge.html?mb=50",
    "/huge.html?mb=50&stream=1",
    "/huge.html?mb=9",
    "/deep.html",
    "/binary/pdf",
    "/binary/png",
    "/empty",
    "/listing",
    "/gzip-page",
    "/article/geheim-tdm-header?header=1",
    "/article/geheim-tdm-meta?meta=1",
    "/article/vrij-meta-wint?header=1&meta=0",
    "/gereserveerd/artikel-onder-bestand",
]
SETTINGS = [
    *FAST,
    "-s",
    "DOWNLOAD_TIMEOUT=1",
    "-s",
    "CONCURRENT_REQUESTS_PER_DOMAIN=4",
    "-s",
    "CORPUS_RETRY_AFTER_MAX=2",
    "-s",
    "CORPUS_BACKOFF_BASE=0.2",
]


@pytest.fixture(scope="module")
def other() -> Iterator[FaultServer]:
    with fault_server() as srv:
        yield srv


@pytest.fixture(scope="module")
def site(other: FaultServer) -> Iterator[FaultServer]:
    tdmrep = json.dumps(
        [{"location": "/gereserveerd/*", "tdm-reservation": 1, "tdm-policy": "https://x.example/p"}]
    )
    paths = [
        *FAULT_PATHS,
        "/redirect?to=" + quote(other.url("/article/ander-domein"), safe=""),
        "/redirect?to=" + quote("http://169.254.169.254/latest/meta-data/", safe=""),
    ]
    for encoding in ("gzip", "deflate", "br"):
        bomb(encoding)  # built before the crawl, so serving one takes no time
    sitemap_bomb()
    with fault_server(Config(sitemap=paths, tdmrep=tdmrep)) as srv:
        yield srv


@pytest.fixture(scope="module")
def crawl(site: FaultServer, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Crawl the hostile site once; the database, the CLI output and the peak RSS (MiB)."""
    tmp = tmp_path_factory.mktemp("hostile")
    sources = tmp / "sources.toml"
    sources.write_text(
        sources_toml(
            [
                {
                    "name": "vijandig",
                    "outlet": "Vijandig Dagblad",
                    "country": "nl",
                    "sitemaps": [
                        site.url("/sitemap.xml"),
                        site.url("/xxe/sitemap.xml"),
                        site.url("/laughs/sitemap.xml"),
                        site.url("/bomb/sitemap.xml.gz"),
                    ],
                    "feeds": [
                        site.url("/xxe/feed.xml"),
                        site.url("/laughs/feed.xml"),
                        site.url("/xxe/feed.xml?pad=70000"),
                        site.url("/laughs/feed.xml?pad=70000"),
                    ],
                }
            ]
        ),
        encoding="utf-8",
    )
    db = tmp / "corpus.sqlite"
    # A wrapper process, so RUSAGE_CHILDREN holds the crawl's own peak (and its worker's).
    wrapper = (
        "import resource, subprocess, sys;"
        "p = subprocess.run(sys.argv[1:], capture_output=True, text=True);"
        "sys.stdout.write(p.stdout); sys.stderr.write(p.stderr);"
        "print('PEAK_RSS_KB', resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss);"
        "sys.exit(p.returncode)"
    )
    args = [sys.executable, "-c", wrapper, sys.executable, "-m", "corpus", "crawl"]
    args += ["--sources", str(sources), "--db", str(db), *SETTINGS]
    proc = subprocess.run(args, capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    peak = int(proc.stdout.rsplit("PEAK_RSS_KB", 1)[1].split()[0]) / 1024
    return {"db": db, "stdout": proc.stdout, "stderr": proc.stderr, "peak_mib": peak}


def rejections(db: Path) -> dict[str, tuple[str, str, str | None]]:
    """URL path (with query) → (stage, reason, detail) of its last rejection."""
    con = sqlite3.connect(db)
    rows = con.execute("SELECT url, stage, reason, detail FROM rejections ORDER BY id").fetchall()
    con.close()
    out = {}
    for url, stage, reason, detail in rows:
        path = url.split("/", 3)[3] if url.count("/") >= 3 else url
        out["/" + path] = (stage, reason, detail)
    return out


def stored(db: Path) -> dict[str, str]:
    con = sqlite3.connect(db)
    rows = dict(con.execute("SELECT fetched_url, text FROM articles").fetchall())
    con.close()
    return {"/" + url.split("/", 3)[3]: text for url, text in rows.items()}


def reason(crawl: dict, path: str) -> str:
    found = rejections(crawl["db"])
    assert path in found, f"{path} not rejected; rejections: {sorted(found)}"
    return found[path][1]


def test_a_plain_article_among_the_faults_is_stored(crawl: dict) -> None:
    texts = stored(crawl["db"])
    assert "/article/gewoon-nieuws-een" in texts
    assert "/delay/0.5" in texts  # slow but within the timeout
    assert "/gzip-page" in texts  # an honest gzip page is decompressed and kept


def test_decompression_bombs_are_dropped_and_counted_with_flat_memory(crawl: dict) -> None:
    for path in ("/bomb/gzip", "/bomb/deflate", "/bomb/br"):
        assert reason(crawl, path) == "too_large"
    assert reason(crawl, "/bomb/sitemap.xml.gz") == "parse_error"
    detail = rejections(crawl["db"])["/bomb/sitemap.xml.gz"][2]
    assert "inflates past" in detail
    # Four bombs of 256 MiB each; inflating even one would take more than this.
    # The demo crawl peaks near 270 MiB; one 256 MiB bomb inflated in full would add its size.
    assert crawl["peak_mib"] < 450, crawl["peak_mib"]


def test_huge_and_deep_pages_are_refused_in_bounded_time(crawl: dict) -> None:
    assert reason(crawl, "/huge.html?mb=50") == "too_large"  # declared size over 16 MiB: not read
    assert reason(crawl, "/huge.html?mb=50&stream=1") == "too_large"  # cut off while streaming
    assert reason(crawl, "/huge.html?mb=9") == "too_large"  # under the download cap, over the HTML cap
    assert reason(crawl, "/deep.html") == "too_deep"
    assert "/deep.html" not in stored(crawl["db"])


def test_hostile_xml_reads_no_file_and_is_a_parse_error(crawl: dict) -> None:
    found = rejections(crawl["db"])
    for path in ("/xxe/feed.xml", "/laughs/feed.xml", "/xxe/sitemap.xml", "/laughs/sitemap.xml"):
        assert found[path][:2] == ("discovery", "parse_error"), path
    # Entity declarations hidden behind 70 kB of comment are not expanded either (the feed
    # parses to an entry with an unexpanded reference or is refused; checked below).
    con = sqlite3.connect(crawl["db"])
    everything = " ".join(str(v) for row in con.execute("SELECT * FROM rejections") for v in row)
    everything += " ".join(str(v) for row in con.execute("SELECT * FROM frontier") for v in row)
    con.close()
    assert "root:x:0" not in everything
    assert "lollollol" not in everything


def test_redirects_out_of_scope_are_not_followed(crawl: dict, other: FaultServer, site: FaultServer) -> None:
    assert reason(crawl, "/redirect-loop") == "redirect_loop"
    assert reason(crawl, "/loop-b") == "redirect_loop"  # recorded at the URL that closed the loop
    assert reason(crawl, "/redirect?to=" + quote("file:///etc/passwd", safe="")) == "redirect_scheme"
    assert reason(crawl, "/redirect?to=" + quote("data:text/html,<p>hallo</p>", safe="")) == "redirect_scheme"
    assert not other.log, "the other domain was contacted"
    found = rejections(crawl["db"])
    offsite = [v for k, v in found.items() if k.startswith("/article/ander-domein")]
    assert offsite and offsite[0][1] == "offsite_redirect"
    assert not any(h.host.startswith("169.254") for h in site.log)


def test_rate_limits_are_honoured_and_failures_recorded(crawl: dict, site: FaultServer) -> None:
    hits = site.hits("/retry-after/1")
    assert len(hits) == 2 and hits[1].at - hits[0].at >= 0.9  # Retry-After: 1 honoured
    assert "/retry-after/1" in stored(crawl["db"])
    capped = site.hits("/retry-after/3600")
    assert len(capped) == 2 and capped[1].at - capped[0].at < 60  # 3600 s capped at 2 s
    assert "/retry-after/3600?fail=1&status=503" in stored(crawl["db"])
    assert len(site.hits("/status/500")) == 3  # RETRY_TIMES=2, then recorded
    assert reason(crawl, "/status/500") == "http_500"
    assert "/status/503?fail=1" in stored(crawl["db"])  # a transient 503 is retried and kept
    assert reason(crawl, "/status/404") == "http_404"
    assert len(site.hits("/status/404")) == 1  # a 404 is a verdict, not retried
    assert reason(crawl, "/hang?s=30") == "timeout"
    assert len(site.hits("/hang")) == 3
    assert reason(crawl, "/drop") in ("ResponseNeverReceived", "ConnectionLost", "ConnectionDone")
    assert len(site.hits("/drop")) >= 3  # retried (Twisted may add one on a reused connection)


def test_bodies_truncated_empty_binary_or_not_articles_are_rejected_with_a_reason(crawl: dict) -> None:
    assert reason(crawl, "/truncated") == "truncated"
    assert reason(crawl, "/binary/pdf") == "not_html"
    assert reason(crawl, "/binary/png") == "not_html"
    assert reason(crawl, "/empty") in ("no_text", "empty")
    assert reason(crawl, "/listing") in ("listing", "no_text", "empty")
    texts = stored(crawl["db"])
    for path in ("/truncated", "/binary/pdf", "/binary/png", "/empty", "/listing"):
        assert path not in texts


def test_tdm_reservations_are_skipped_and_recorded(crawl: dict, site: FaultServer) -> None:
    assert reason(crawl, "/article/geheim-tdm-header?header=1") == "tdm_reserved"
    assert reason(crawl, "/article/geheim-tdm-meta?meta=1") == "tdm_reserved"
    assert reason(crawl, "/gereserveerd/artikel-onder-bestand") == "tdm_reserved"
    assert not site.hits("/gereserveerd/artikel-onder-bestand")  # the file says so: not even fetched
    assert "/article/vrij-meta-wint?header=1&meta=0" in stored(crawl["db"])  # meta beats header
    con = sqlite3.connect(crawl["db"])
    rows = set(con.execute("SELECT via, location, reserved, kept FROM tdm_declarations").fetchall())
    con.close()
    assert ("well-known", "/gereserveerd/*", 1, 0) in rows
    assert ("header", "/article/geheim-tdm-header?header=1", 1, 0) in rows
    assert ("meta", "/article/geheim-tdm-meta?meta=1", 1, 0) in rows


def test_the_summary_counts_the_rejections(crawl: dict) -> None:
    assert "too_large" in crawl["stdout"]
    assert "Traceback" not in crawl["stderr"]
