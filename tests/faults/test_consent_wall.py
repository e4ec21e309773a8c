"""A consent wall, as DPG Media's sites put one up: real crawls against two local servers.

The outlet's server answers every article request without the consent cookie with a redirect to
a second server, the "consent host" (as ``www.ad.nl`` redirects to ``myprivacy.dpgmedia.nl``).
Crawled without the cookie, every article is recorded as ``fetch/consent_wall`` naming that host,
the consent host is never contacted, and ``crimecorpus sources check`` names the host and the
registry keys to set. Crawled again into the same database with the cookie in the registry
(``cookies``), the same articles are fetched and stored: a consent wall is not a verdict on the
page, so the frontier keeps the URLs for the next run.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from http.server import ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote

import pytest

from tests.conftest import FAST, run_cli
from tests.faults.fixtures.localsite import SiteHandler, serving
from tests.faultserver import article_html

ARTICLES = [f"/binnenland/verdachte-aangehouden-{n}~a{n:07x}/" for n in range(11, 17)]
COOKIE = "keuze=functioneel"


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, consent: str = "") -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.host = f"127.0.0.1:{self.server_address[1]}"
        self.base = f"http://{self.host}"
        self.consent = consent  # the consent host's base URL; empty for the consent host itself
        self.log: list[tuple[str, str, str]] = []  # (path, Cookie header, X-Onderzoek header)


class Handler(SiteHandler):
    server: Server

    def do_GET(self) -> None:
        cookie = self.headers.get("Cookie") or ""
        self.server.log.append((self.path, cookie, self.headers.get("X-Onderzoek") or ""))
        html = "text/html; charset=utf-8"
        if not self.server.consent:  # the consent host: a page asking for a choice
            self.respond(200, b"<html><body><h1>Uw privacy</h1><button>Akkoord</button></body></html>", html)
        elif self.path == "/robots.txt":
            self.respond(200, b"User-agent: *\nAllow: /\n", "text/plain")
        elif self.path == "/rss.xml":
            items = "".join(
                f"<item><title>Bericht {n}</title><link>{self.server.base}{p}</link></item>"
                for n, p in enumerate(ARTICLES)
            )
            body = f'<?xml version="1.0"?><rss version="2.0"><channel><title>Dagblad</title>{items}</channel></rss>'
            self.respond(200, body.encode(), "application/rss+xml")
        elif self.path in ARTICLES:
            if COOKIE in cookie.split("; "):
                self.respond(200, article_html(ARTICLES.index(self.path) + 40).encode(), html)
                return
            back = quote(self.server.base + self.path, safe="")
            self.send_response(302)
            self.send_header("Location", f"{self.server.consent}/consent?callbackUrl={back}")
            self.send_header("Content-Length", "0")
            self.end_headers()
        else:
            self.respond(404, b"<html><body>niet gevonden</body></html>", html)


def registry(site: Server, consent: Server, *, with_cookie: bool) -> str:
    cookies = '\ncookies = { keuze = "functioneel" }' if with_cookie else ""
    return (
        '[[source]]\nname = "dagblad"\noutlet = "Dagblad"\ncountry = "nl"\n'
        f'feeds = ["{site.base}/rss.xml"]\n'
        f'consent_hosts = ["{consent.host}"]\n'
        'headers = { "X-Onderzoek" = "crimecorpus-test" }'
        f"{cookies}\n"
    )


@pytest.fixture
def servers() -> Iterator[tuple[Server, Server]]:
    with serving(Server()) as consent, serving(Server(consent.base)) as site:
        yield site, consent


def _rows(db: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


def test_a_consent_wall_is_named_and_the_registry_cookie_passes_it(
    servers: tuple[Server, Server], tmp_path: Path
) -> None:
    site, consent = servers
    db, sources = tmp_path / "corpus.sqlite", tmp_path / "sources.toml"

    # 1. Without the consent cookie: every article is a recorded wall, the wall is not followed.
    sources.write_text(registry(site, consent, with_cookie=False), encoding="utf-8")
    proc = run_cli("crawl", "--sources", str(sources), "--db", str(db), *FAST, timeout=120)
    assert proc.returncode == 0, proc.stderr[-3000:]
    walls = _rows(db, "SELECT url, stage, reason, detail FROM rejections ORDER BY url")
    assert [(u[len(site.base) :], s, r) for u, s, r, _ in walls] == [
        (p, "fetch", "consent_wall") for p in sorted(ARTICLES)
    ]
    assert all(
        d.startswith(f"consent host {consent.host}: redirect to {consent.base}/consent") for *_, d in walls
    )
    assert _rows(db, "SELECT count(*) FROM articles") == [(0,)]
    assert consent.log == []  # the consent host was never contacted
    # The source's header went with every request to its host, robots.txt included.
    assert {path for path, _, header in site.log if header == "crimecorpus-test"} >= {
        "/robots.txt",
        "/rss.xml",
        *ARTICLES,
    }
    assert all(not cookie for _, cookie, _ in site.log)

    check = run_cli("sources", "check", "--db", str(db), "--sources", str(sources))
    assert "consent_wall" in check.stdout  # flagged: every article request met the wall
    advice = check.stdout.split("consent walls", 1)[1]
    assert f"dagblad: {len(ARTICLES)} redirected to the consent host {consent.host}" in advice
    assert "`cookies`" in advice and "`headers`" in advice and "source 'dagblad'" in advice
    assert check.returncode != 0  # a flagged source is a non-zero status for monitoring

    # 2. With the consent cookie in the registry: the same URLs are fetched again and stored.
    site.log.clear()
    sources.write_text(registry(site, consent, with_cookie=True), encoding="utf-8")
    proc = run_cli("crawl", "--sources", str(sources), "--db", str(db), *FAST, timeout=120)
    assert proc.returncode == 0, proc.stderr[-3000:]
    stored = _rows(db, "SELECT fetched_url FROM articles ORDER BY fetched_url")
    assert [u[len(site.base) :] for (u,) in stored] == sorted(ARTICLES)
    assert consent.log == []
    fetched = {path: cookie for path, cookie, _ in site.log if path in ARTICLES}
    assert fetched == dict.fromkeys(ARTICLES, COOKIE)
    # The first run's walls stay on record; the second run added none.
    assert _rows(db, "SELECT count(*) FROM rejections WHERE reason = 'consent_wall'") == [(len(ARTICLES),)]
    assert _rows(db, "SELECT DISTINCT outcome FROM frontier WHERE kind = 'article'") == [("stored",)]
