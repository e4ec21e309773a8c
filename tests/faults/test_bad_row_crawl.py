"""One bad row never fails its batch, in a real crawl on PostgreSQL and SQLite.

A site answers one article with an ETag that holds a NUL byte. PostgreSQL refuses NUL in any
text column, so before, the whole batch (the other articles and their frontier rows) failed with
it, and the same again on every flush. Now the batch is written row by row: the other articles
are stored, and the refused row is a rejection at stage ``store``.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from corpus.store.models import Article, FrontierEntry, Rejection
from corpus.store.storage import open_database
from tests.conftest import FAST, run_cli
from tests.faultserver import article_html, sitemap_xml, sources_toml

PAGES = 8
BAD = 3


class _Site(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        base = f"http://127.0.0.1:{self.server.server_address[1]}"
        if self.path == "/robots.txt":
            body, ctype, extra = b"User-agent: *\nAllow: /\n", "text/plain", {}
        elif self.path == "/sitemap.xml":
            body = sitemap_xml([f"{base}/nieuws/{n}" for n in range(PAGES)])
            ctype, extra = "application/xml", {}
        elif self.path.startswith("/nieuws/"):
            n = int(self.path.rsplit("/", 1)[1])
            body, ctype = article_html(500 + n).encode(), "text/html; charset=utf-8"
            extra = {"ETag": '"versie\x00' + str(n) + '"'} if n == BAD else {"ETag": f'"versie{n}"'}
        else:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        for name, value in extra.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def site() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Site)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(params=["sqlite", "postgresql"])
def crawl_db(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return str(tmp_path / "corpus.sqlite")
    return request.getfixturevalue("pg_url")


def test_a_nul_byte_in_one_response_header_is_rejected_alone(
    site: str, crawl_db: str, tmp_path: Path
) -> None:
    sources = tmp_path / "sources.toml"
    sources.write_text(
        sources_toml(
            [{"name": "nul", "outlet": "Nul Nieuws", "country": "nl", "sitemaps": [f"{site}/sitemap.xml"]}]
        ),
        encoding="utf-8",
    )
    proc = run_cli("crawl", "--sources", str(sources), "--db", crawl_db, *FAST, timeout=180)
    assert proc.returncode == 0, proc.stderr[-3000:]
    engine = open_database(crawl_db)
    with Session(engine) as s:
        stored = s.scalar(select(func.count()).select_from(Article))
        refused = s.execute(select(Rejection.url, Rejection.reason).where(Rejection.stage == "store")).all()
        pending = s.scalar(
            select(func.count()).select_from(FrontierEntry).where(FrontierEntry.outcome == "pending")
        )
    engine.dispose()
    if crawl_db.startswith("postgresql"):
        # PostgreSQL refuses the NUL: that article alone is a rejection, its batch is kept.
        assert stored == PAGES - 1
        assert [(url.rsplit("/", 1)[1], reason) for url, reason in refused] == [(str(BAD), "DataError")]
    else:
        assert stored == PAGES and refused == []  # SQLite stores the NUL as it came
    assert pending == 0
