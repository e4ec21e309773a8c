"""IDN hosts: a source whose host the registry writes in Unicode is crawled like its punycode twin.

The host ``brüssel-nieuws.test`` is resolved to 127.0.0.1 by a resolver class of this module,
installed with Scrapy's ``TWISTED_DNS_RESOLVER`` setting (nothing on the machine is changed):
the crawl really resolves the name, checks the address and connects to a real local server.
"""

from __future__ import annotations

import sqlite3
import time
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from scrapy.resolver import CachingThreadedResolver
from twisted.internet import defer

from corpus.sources.registry import SourcesError, parse_sources
from corpus.sources.urls import canonical_url, url_host
from tests.conftest import FAST, run_cli
from tests.faults.fixtures.localsite import SiteHandler, serving
from tests.faultserver import article_html, listing_html, sitemap_xml

UNICODE_HOST = "brüssel-nieuws.test"
PUNYCODE_HOST = "xn--brssel-nieuws-xob.test"


class LocalTestResolver(CachingThreadedResolver):
    """Scrapy's resolver, answering 127.0.0.1 for names under ``.test`` (RFC 2606) and nothing else."""

    def getHostByName(self, name: str, timeout: Any = ()) -> defer.Deferred[str]:
        if name.lower().rstrip(".").endswith(".test"):
            self._cache_result("127.0.0.1", name)
            return defer.succeed("127.0.0.1")
        return super().getHostByName(name, timeout)


class _Site(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.port = self.server_address[1]
        self.hits: list[tuple[str, str]] = []


class _Handler(SiteHandler):
    server: _Site

    def do_GET(self) -> None:
        host = self.headers.get("Host", "")
        path = urlsplit(self.path).path
        self.server.hits.append((host, path))
        port = self.server.port
        ctype = "text/html; charset=utf-8"
        if path == "/robots.txt":
            # Sitemap named in Unicode: it must be found, and the Disallow must hold.
            body = f"User-agent: *\nDisallow: /verboden/\nSitemap: http://{UNICODE_HOST}:{port}/sitemap.xml\n"
            status, ctype = 200, "text/plain"
        elif path == "/sitemap.xml":
            urls = [
                f"http://{UNICODE_HOST}:{port}/artikel/overval-in-elsene",
                f"http://{PUNYCODE_HOST}:{port}/artikel/overval-in-elsene",  # the same page, other spelling
                f"http://{UNICODE_HOST}:{port}/artikel/inbraak-in-schaarbeek",
                f"http://{UNICODE_HOST}:{port}/verboden/geheim-dossier-een",
            ]
            status, body, ctype = 200, sitemap_xml(urls).decode(), "application/xml"
        elif path == "/nieuws/":
            status, body = (
                200,
                listing_html([f"http://{UNICODE_HOST}:{port}/artikel/steekpartij-in-anderlecht"]),
            )
        elif path.startswith(("/artikel/", "/verboden/")):
            status, body = 200, article_html(sum(map(ord, path)))
        else:
            status, body = 404, "<html><body>niet gevonden</body></html>"
        data = body.encode()
        self.respond(status, data, ctype)


def _registry(port: int, host: str) -> str:
    return (
        f'[[source]]\nname = "brussel"\noutlet = "Brüssel Nieuws"\ncountry = "be"\n'
        f'start_urls = ["http://{host}:{port}/nieuws/"]\n'
    )


def test_a_unicode_host_in_the_registry_is_its_punycode_host() -> None:
    source = parse_sources(_registry(8080, UNICODE_HOST))[0]
    assert source.hosts == {f"{PUNYCODE_HOST}:8080"}
    assert url_host(f"http://www.{UNICODE_HOST.upper()}:8080/x") == f"{PUNYCODE_HOST}:8080"
    assert canonical_url(f"http://{UNICODE_HOST}/a?b=1") == canonical_url(f"https://{PUNYCODE_HOST}/a?b=1")


def test_a_source_written_with_a_unicode_host_is_crawled(tmp_path: Path) -> None:
    with serving(_Site()) as site:
        sources = tmp_path / "sources.toml"
        sources.write_text(_registry(site.port, UNICODE_HOST), encoding="utf-8")
        db = tmp_path / "corpus.sqlite"
        resolver = ["-s", f"TWISTED_DNS_RESOLVER={__name__}.LocalTestResolver"]
        started = time.monotonic()
        proc = run_cli("crawl", "--sources", str(sources), "--db", str(db), *FAST, *resolver, timeout=120)
        took = time.monotonic() - started
        hits = list(site.hits)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert all(host == f"{PUNYCODE_HOST}:{site.port}" for host, _ in hits), hits
    paths = [path for _, path in hits]
    assert "/robots.txt" in paths and "/sitemap.xml" in paths
    assert "/verboden/geheim-dossier-een" not in paths  # robots.txt obeyed on the punycode host
    assert paths.count("/artikel/overval-in-elsene") == 1  # one frontier key for both spellings
    con = sqlite3.connect(db)
    try:
        stored = sorted(url for (url,) in con.execute("SELECT url FROM articles"))
        offsite = con.execute("SELECT count(*) FROM rejections WHERE reason LIKE 'offsite%'").fetchone()[0]
    finally:
        con.close()
    assert stored == [
        f"https://{PUNYCODE_HOST}:{site.port}/artikel/{slug}"
        for slug in ("inbraak-in-schaarbeek", "overval-in-elsene", "steekpartij-in-anderlecht")
    ]
    assert offsite == 0
    assert "articles stored 3" in proc.stdout
    print(f"IDN source crawled in {took:.1f} s")


def test_a_host_with_no_ascii_form_is_refused_when_the_registry_is_loaded() -> None:
    with pytest.raises(
        SourcesError, match=r"source 'brussel', key 'start_urls': not a valid internationalised"
    ):
        parse_sources(_registry(8080, "ä" * 70 + ".test"), "sources.toml")
