"""Scope cannot be borrowed: a listed private source vouches for itself only, never for robots.txt,
TDMRep files or their redirects; every IPv6 spelling of a private IPv4 address is private.

The crawl runs against real local servers. One server plays three parts: the listed private
source (``lokaal``, on 127.0.0.1, reached directly) and, as the crawl's HTTP proxy, the
"public" hosts ``nieuws.example``, ``blad.example`` and ``krant.example`` (no DNS needed) and
the metadata service 169.254.169.254 (nothing is ever sent to that address itself: the proxy
answers and records it). A second server on 127.0.0.2, reached directly, is a private address
no source lists; it records every hit.
"""

from __future__ import annotations

import socket
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar
from urllib.parse import urlsplit

import pytest
from scrapy.resolver import CachingThreadedResolver
from twisted.internet import defer
from twisted.internet.base import ThreadedResolver

from spiders.middlewares.scope import embedded_ipv4, is_public_address, literal_address
from tests.conftest import FAST, run_cli
from tests.faultserver import article_html, sitemap_xml, sources_toml

ALLOW_ALL = b"User-agent: *\nAllow: /\n"


class _Recorder(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(
        self, address: str, routes: dict[tuple[str, str], tuple[int, dict[str, str], bytes]], port: int = 0
    ) -> None:
        super().__init__((address, port), _Handler)
        self.routes = routes
        self.hits: list[tuple[str, str]] = []
        self.origin = f"http://{address}:{self.server_address[1]}"


class _Handler(BaseHTTPRequestHandler):
    server: _Recorder
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        host = (parts.netloc or self.headers.get("Host", "")).lower()
        self.server.hits.append((host, parts.path))
        if host.startswith("169.254.169.254"):
            status, headers, body = 200, {}, b"SECRET cloud credentials"
        else:
            status, headers, body = self.server.routes.get(
                (host, parts.path), (404, {}, b"<html><body>niet gevonden</body></html>")
            )
        self.send_response(status)
        self.send_header("Content-Type", headers.pop("Content-Type", "text/html; charset=utf-8"))
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@contextmanager
def _serving(address: str, port: int = 0) -> Iterator[_Recorder]:
    server = _Recorder(address, {}, port)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def _redirect(to: str) -> tuple[int, dict[str, str], bytes]:
    return 302, {"Location": to}, b""


def _site(
    routes: dict, host: str, article: str, n: int, robots: tuple | None = None, tdm: tuple | None = None
) -> None:
    base = f"http://{host}"
    routes[(host, "/robots.txt")] = robots or (200, {"Content-Type": "text/plain"}, ALLOW_ALL)
    routes[(host, "/sitemap.xml")] = (200, {"Content-Type": "application/xml"}, sitemap_xml([base + article]))
    routes[(host, article)] = (200, {}, article_html(n).encode())
    if tdm:
        routes[(host, "/.well-known/tdmrep.json")] = tdm


def _rows(db: Path, sql: str) -> list[tuple]:
    con = sqlite3.connect(db)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_robots_and_tdmrep_redirects_cannot_borrow_a_listed_private_source(tmp_path: Path) -> None:
    with _serving("127.0.0.1") as main, _serving("127.0.0.2") as unlisted:
        local = urlsplit(main.origin).netloc
        routes = main.routes
        # The listed private source: crawled as listed.
        _site(routes, local, "/artikel/lokaal-nieuws-een", 1)
        routes[(local, "/admin")] = (200, {}, b"router admin")
        # Public sites whose robots.txt or TDMRep file leads into private networks.
        _site(routes, "nieuws.example", "/artikel/publiek-nieuws-een", 2,
              robots=_redirect("http://169.254.169.254/latest/meta-data/"))  # fmt: skip
        _site(routes, "blad.example", "/artikel/publiek-blad-een", 3,
              robots=_redirect(f"{main.origin}/admin"))  # fmt: skip
        _site(routes, "krant.example", "/artikel/publiek-krant-een", 4,
              tdm=_redirect(f"{unlisted.origin}/tdm-secret"))  # fmt: skip
        sources = tmp_path / "sources.toml"
        listed = [
            {
                "name": "lokaal",
                "outlet": "Lokaal",
                "country": "nl",
                "sitemaps": [f"{main.origin}/sitemap.xml"],
            }
        ]
        for name in ("nieuws.example", "blad.example", "krant.example"):
            sitemap = f"http://{name}/sitemap.xml"
            listed.append(
                {"name": name.split(".")[0], "outlet": name, "country": "nl", "sitemaps": [sitemap]}
            )
        sources.write_text(sources_toml(listed), encoding="utf-8")
        db = tmp_path / "corpus.sqlite"
        env = {
            "http_proxy": main.origin,
            "HTTP_PROXY": main.origin,
            "no_proxy": "127.0.0.1,127.0.0.2",  # the private servers are reached directly
            "NO_PROXY": "127.0.0.1,127.0.0.2",
        }
        started = time.monotonic()
        proc = run_cli("crawl", "--sources", str(sources), "--db", str(db), *FAST, env=env, timeout=120)
        took = time.monotonic() - started
        assert proc.returncode == 0, proc.stderr[-3000:]
        # Nothing arrived where no listed source lives.
        assert not [h for h in main.hits if h[0].startswith("169.254")], main.hits
        assert unlisted.hits == []
        assert (local, "/admin") not in main.hits
    stored = {url.rsplit("/", 1)[1] for (url,) in _rows(db, "SELECT fetched_url FROM articles")}
    # The listed private source is still crawled, and a public site whose TDMRep file was refused.
    assert {"lokaal-nieuws-een", "publiek-krant-een"} <= stored
    # A robots.txt that redirects out of bounds is unreadable: its site is disallowed for now.
    reasons = dict(_rows(db, "SELECT url, reason FROM rejections"))
    assert reasons["http://nieuws.example/sitemap.xml"] == "robots_unavailable"
    assert reasons["http://blad.example/sitemap.xml"] == "robots_unavailable"
    print(f"crawl with three borrowing attempts finished in {took:.1f} s")


class _RebindingDNS(ThreadedResolver):
    """A DNS server under an attacker's control: ``rebind.test`` is 127.0.0.1 for the first two
    questions (a listed private source, as the checks see it), 127.0.0.2 for every later one
    (where nothing is listed): a connection that asked again would reach the wrong server."""

    asked: ClassVar[dict[str, int]] = {}

    def getHostByName(self, name: str, timeout: object = ()) -> defer.Deferred[str]:
        if not name.endswith(".test"):
            return super().getHostByName(name, timeout)  # type: ignore[arg-type]
        self.asked[name] = self.asked.get(name, 0) + 1
        return defer.succeed("127.0.0.1" if self.asked[name] <= 2 else "127.0.0.2")


class RebindingResolver(CachingThreadedResolver, _RebindingDNS):
    """Scrapy's own caching resolver in front of the rebinding DNS (its cache is the real one)."""


def _same_port_on_two_addresses() -> int:
    """A port free on both 127.0.0.1 and 127.0.0.2 (each server binds its own address)."""
    for _ in range(50):
        with socket.socket() as a, socket.socket() as b:
            a.bind(("127.0.0.1", 0))
            port = a.getsockname()[1]
            with suppress(OSError):
                b.bind(("127.0.0.2", port))
                return port
    raise RuntimeError("no port free on both loopback addresses")


def test_a_name_that_rebinds_after_the_check_is_not_connected_to_the_new_address(tmp_path: Path) -> None:
    port = _same_port_on_two_addresses()
    with _serving("127.0.0.1", port) as listed, _serving("127.0.0.2", port) as attacker:
        host = f"rebind.test:{port}"
        _site(listed.routes, host, "/artikel/lokaal-nieuws-twee", 5)
        sources = tmp_path / "sources.toml"
        sitemap = f"http://{host}/sitemap.xml"
        sources.write_text(
            sources_toml([{"name": "rebind", "outlet": "Rebind", "country": "nl", "sitemaps": [sitemap]}]),
            encoding="utf-8",
        )
        db = tmp_path / "corpus.sqlite"
        resolver = ["-s", f"TWISTED_DNS_RESOLVER={__name__}.RebindingResolver"]
        proc = run_cli("crawl", "--sources", str(sources), "--db", str(db), *FAST, *resolver, timeout=120)
        assert proc.returncode == 0, proc.stderr[-3000:]
        assert attacker.hits == []  # resolved once: every connection went to the address checked
        assert (host, "/artikel/lokaal-nieuws-twee") in listed.hits
    stored = [url for (url,) in _rows(db, "SELECT fetched_url FROM articles")]
    assert stored == [f"http://{host}/artikel/lokaal-nieuws-twee"]


def test_the_scope_check_refuses_to_run_without_the_dns_cache(tmp_path: Path) -> None:
    sources = tmp_path / "sources.toml"
    sources.write_text(
        sources_toml(
            [{"name": "x", "outlet": "X", "country": "nl", "sitemaps": ["http://127.0.0.1:9/s.xml"]}]
        ),
        encoding="utf-8",
    )
    db = tmp_path / "corpus.sqlite"
    proc = run_cli(
        "crawl", "--sources", str(sources), "--db", str(db), "-s", "DNSCACHE_ENABLED=False", timeout=60
    )
    assert proc.returncode != 0
    assert "DNSCACHE_ENABLED" in proc.stderr


@pytest.mark.parametrize(
    "host",
    [
        "::127.0.0.1",  # IPv4-compatible
        "::ffff:127.0.0.1",  # IPv4-mapped
        "::ffff:169.254.169.254",
        "::ffff:0:10.0.0.1",  # IPv4-translated (SIIT)
        "64:ff9b::7f00:1",  # NAT64 well-known prefix
        "64:ff9b::a9fe:a9fe",
        "64:ff9b:1::808:808",  # local-use NAT64: never public, whatever it embeds
        "2002:7f00:1::",  # 6to4
        "2002:a9fe:a9fe::1",
        "2001:0:7f00:1:0:0:0:1",  # Teredo with a loopback server
        "2001:0:808:808:8000:0:f5ff:fffe",  # Teredo whose (obfuscated) client is 10.0.0.1
        "fe80::5efe:a00:1",  # ISATAP, link-local
        "2a00:1450::5efe:a00:1",  # ISATAP interface id carrying 10.0.0.1 under a public prefix
        "::1",
        "::",
        "fd00::1",
        "ff02::1",
    ],
)
def test_every_ipv6_form_of_a_private_address_is_private(host: str) -> None:
    address = literal_address(f"[{host}]")
    assert address is not None
    assert not is_public_address(address)


@pytest.mark.parametrize("host", ["2606:4700:4700::1111", "64:ff9b::808:808", "2002:808:808::1", "8.8.8.8"])
def test_public_addresses_and_their_ipv6_forms_stay_public(host: str) -> None:
    assert is_public_address(host)


def test_the_embedded_ipv4_addresses_are_found() -> None:
    import ipaddress

    def found(ip: str) -> set[str]:
        return {str(a) for a in embedded_ipv4(ipaddress.IPv6Address(ip))}

    assert "127.0.0.1" in found("::127.0.0.1")
    assert "127.0.0.1" in found("64:ff9b::7f00:1")
    assert "127.0.0.1" in found("2002:7f00:1::")
    assert "10.0.0.1" in found("2001:0:808:808:8000:0:f5ff:fffe")
