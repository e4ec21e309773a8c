"""URL profiles in a real crawl: a section page a feed or sitemap lists is never downloaded.

A local site lists, in its feed and its sitemap, articles and two non-article URLs (a section
and a tag page). The source's profile names the shapes; the crawl runs as a user starts it, twice
into one SQLite file. The server's access log shows what was downloaded; the database what was
recorded: each skipped URL once (stage ``discovery``, reason ``url_profile``, with the pattern),
not once per channel nor once per run.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.conftest import FAST, run_cli
from tests.faults.fixtures.localsite import SiteHandler, serving
from tests.faultserver import article_html

FEED_ARTICLE = "/binnenland/482910/overval-op-tankstation"
SITEMAP_ARTICLE = "/regio/482911/inbraak-in-bedrijfspand"
# Under /video/, which the profile skips, but an article pattern matches it too: article wins.
VIDEO_ARTICLE = "/video/482912/verdachte-aangehouden-na-achtervolging"
UNKNOWN = "/achtergrond/dossier-2024/de-zaak-van-de-verdwenen-kluis"  # no pattern: page kind decides
SECTION = "/regio/"
TAG = "/tag/inbraak"
ARTICLES = [FEED_ARTICLE, SITEMAP_ARTICLE, VIDEO_ARTICLE, UNKNOWN]
SECTION_PATTERN = r"^/[a-z-]+(?:/[a-z-]+)?/?$"

PROFILE = f"""
article_urls = ['^/[a-z]+/\\d{{5,}}/']
skip_urls = ['{SECTION_PATTERN}', '^/video/']
"""


class Site(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server_address[1]}"
        self.hits: list[str] = []


class Handler(SiteHandler):
    server: Site

    def do_GET(self) -> None:
        self.server.hits.append(self.path)
        base, html = self.server.base, "text/html; charset=utf-8"
        if self.path == "/robots.txt":
            self.respond(200, b"User-agent: *\nAllow: /\n", "text/plain")
        elif self.path == "/rss.xml":
            items = "".join(
                f"<item><title>Bericht</title><link>{base}{p}</link></item>"
                for p in (FEED_ARTICLE, VIDEO_ARTICLE, SECTION, TAG)
            )
            body = (
                f'<?xml version="1.0"?><rss version="2.0"><channel><title>Kust</title>{items}</channel></rss>'
            )
            self.respond(200, body.encode(), "application/rss+xml")
        elif self.path == "/sitemap.xml":
            urls = "".join(f"<url><loc>{base}{p}</loc></url>" for p in (SITEMAP_ARTICLE, UNKNOWN, SECTION))
            body = f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'
            self.respond(200, body.encode(), "application/xml")
        elif self.path in ARTICLES:
            self.respond(200, article_html(ARTICLES.index(self.path) + 70).encode(), html)
        else:  # a section or tag page, had it been requested
            links = "".join(f'<li><a href="{p}">Bericht</a></li>' for p in ARTICLES)
            self.respond(200, f"<html><body><h1>Regio</h1><ul>{links}</ul></body></html>".encode(), html)


@dataclass
class Crawls:
    db: Path
    base: str
    hits: list[list[str]]  # the server's access log, per run

    def rows(self, sql: str) -> list[tuple]:
        with sqlite3.connect(self.db) as conn:
            return conn.execute(sql).fetchall()


@pytest.fixture(scope="module")
def crawls(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Crawls]:
    tmp = tmp_path_factory.mktemp("profiles")
    db, sources = tmp / "corpus.sqlite", tmp / "sources.toml"
    hits: list[list[str]] = []
    with serving(Site()) as site:
        sources.write_text(
            '[[source]]\nname = "kust"\noutlet = "Dagblad Kust"\ncountry = "nl"\n'
            f'feeds = ["{site.base}/rss.xml"]\nsitemaps = ["{site.base}/sitemap.xml"]\n{PROFILE}',
            encoding="utf-8",
        )
        for _ in range(2):
            site.hits.clear()
            proc = run_cli("crawl", "--sources", str(sources), "--db", str(db), *FAST, timeout=120)
            assert proc.returncode == 0, proc.stderr[-3000:]
            hits.append(list(site.hits))
    yield Crawls(db, site.base, hits)


def test_skipped_urls_are_never_downloaded(crawls: Crawls) -> None:
    for run in crawls.hits:
        assert SECTION not in run and TAG not in run
    assert set(ARTICLES) <= set(crawls.hits[0])
    stored = {u[len(crawls.base) :] for (u,) in crawls.rows("SELECT fetched_url FROM articles")}
    assert stored == set(ARTICLES)


def test_each_skipped_url_is_recorded_once_with_its_pattern(crawls: Crawls) -> None:
    rows = crawls.rows("SELECT url, source, stage, reason, detail, crawl_run_id FROM rejections")
    assert sorted((u[len(crawls.base) :], src, st, r, d) for u, src, st, r, d, _ in rows) == [
        (SECTION, "kust", "discovery", "url_profile", f"skip pattern {SECTION_PATTERN}"),
        (TAG, "kust", "discovery", "url_profile", f"skip pattern {SECTION_PATTERN}"),
    ]
    assert {run for *_, run in rows} == {1}  # the first run; the second skipped them as done
    outcomes = dict(crawls.rows("SELECT url, outcome FROM frontier WHERE kind = 'article'"))
    assert {u for u, o in outcomes.items() if o == "rejected"} == {
        f"https://{crawls.base.split('//')[1]}{p}" for p in (SECTION, TAG)
    }


def test_the_run_counts_skips_and_article_url_matches(crawls: Crawls) -> None:
    (first,), (second,) = crawls.rows("SELECT outcomes FROM crawl_runs ORDER BY id")
    first, second = json.loads(first), json.loads(second)
    assert first["corpus/url_profile/skipped"] == 3  # the section twice (feed, sitemap), the tag once
    assert first["corpus/rejected/discovery/url_profile"] == 2
    assert first["corpus/url_profile/article"] == 3  # the unknown shape is not an article URL
    assert "corpus/url_profile/skipped" not in second
