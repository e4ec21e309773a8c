"""A fault-serving HTTP server for the hostile-input tests, in the spirit of Scrapy's mock server.

One :class:`FaultServer` is a threaded HTTP server on 127.0.0.1, port 0. Its paths serve a fault
each (status codes, Retry-After, delays, hangs, dropped connections, truncated bodies, redirect
loops and redirects out of scope, decompression bombs, XXE and billion-laughs feeds and
sitemaps, huge and deeply nested pages, binary bodies served as HTML, TDMRep declarations) and
its robots.txt and tdmrep.json are configurable per server. Every request is logged with its
headers, so a test can check what the crawler sent and how often.

The server also answers proxy requests (absolute URLs in the request line), serving any host
name it is asked for from the same paths. Pointing ``http_proxy`` at it lets a test crawl
"public" host names such as ``nieuws.example`` without DNS, and see whether the crawler would
have contacted an address such as 169.254.169.254.

``python -m tests.faultserver`` serves one on a free port until interrupted.
"""

from __future__ import annotations

import functools
import gzip
import socket
import threading
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit
from xml.sax.saxutils import escape

import brotli

BOMB_SIZE = 256 * 1024 * 1024
"""What a bomb inflates to: 16 times the 16 MiB download limit."""

_CITIES = ["Utrecht", "Gent", "Zwolle", "Leuven", "Breda", "Hasselt", "Arnhem", "Brugge", "Delft", "Aalst"]
_CRIMES = [
    ("overval op een tankstation", "diefstal met geweld"),
    ("woninginbraak", "inbraak"),
    ("steekpartij bij een café", "poging tot doodslag"),
    ("drugsvangst in een loods", "handel in verdovende middelen"),
    ("straatroof op een fietser", "diefstal met geweld"),
    ("brandstichting in een bedrijfspand", "opzettelijke brandstichting"),
    ("oplichting van ouderen", "oplichting"),
]


def article_html(n: int, *, head_extra: str = "", title: str | None = None) -> str:
    """A Dutch crime news article whose text is unique for ``n`` (so dedup keeps every page)."""
    city = _CITIES[n % len(_CITIES)]
    crime, charge = _CRIMES[n % len(_CRIMES)]
    age = 18 + n % 47
    title = title or f"Verdachte ({age}) aangehouden na {crime} in {city}"
    body = (
        f"<p>De politie heeft in {city} een {age}-jarige man aangehouden na een {crime}. "
        f"Dat meldt de politie woensdag in een verklaring over zaak {n}. De verdachte werd na een "
        f"korte achtervolging door agenten klemgereden en zonder verzet meegenomen naar het bureau.</p>"
        f"<p>Volgens getuigen gebeurde het rond {n % 12 + 8} uur in de avond. Een buurtbewoner "
        f"belde de meldkamer nadat hij geschreeuw had gehoord. Het slachtoffer, een {20 + n % 50}-jarige "
        f"vrouw uit de omgeving, is met lichte verwondingen naar het ziekenhuis gebracht.</p>"
        f"<p>De man wordt verdacht van {charge}. Hij wordt later deze week voorgeleid aan de "
        f"rechter-commissaris, die beslist of hij langer vast blijft zitten. De recherche onderzoekt "
        f"of hij ook betrokken is bij eerdere incidenten in {city} en omgeving; dossier {n * 7919}.</p>"
    )
    return (
        '<!DOCTYPE html>\n<html lang="nl"><head><meta charset="utf-8">'
        f"<title>{title}</title>{head_extra}</head><body><main><article>"
        f'<h1>{title}</h1><p class="date">woensdag 12 juni 2024</p>{body}</article></main>'
        "</body></html>"
    )


def listing_html(links: list[str]) -> str:
    items = "".join(f'<li><a href="{href}">{href}</a></li>' for href in links)
    return f'<!DOCTYPE html><html lang="nl"><head><title>Nieuws</title></head><body><ul>{items}</ul></body></html>'


def deep_html(levels: int = 300) -> str:
    """An article whose text sits ``levels`` elements deep (libxml2 stops at 256)."""
    inner = "<p>Deze zin staat heel diep genest en gaat bij een naïeve parser verloren.</p>"
    return article_html(4242).replace(
        "</article>", "<div>" * levels + inner + "</div>" * levels + "</article>"
    )


def huge_html(size: int) -> bytes:
    """A syntactically plain HTML page of about ``size`` bytes (paragraph after paragraph)."""
    head = article_html(9999).split("</article>")[0].encode()
    para = b"<p>Het onderzoek naar de reeks inbraken in de regio loopt nog; de politie vraagt getuigen zich te melden.</p>\n"
    return head + para * max(0, (size - len(head)) // len(para)) + b"</article></main></body></html>"


@functools.cache
def bomb(encoding: str, size: int = BOMB_SIZE) -> bytes:
    """``size`` bytes of HTML-ish padding compressed with gzip, deflate (zlib) or brotli."""
    chunk = b"<p>" + b" " * (1024 * 1024 - 3)
    if encoding == "br":
        compressor = brotli.Compressor(quality=5)
        out = [compressor.process(chunk) for _ in range(size // len(chunk))]
        return b"".join(out) + compressor.finish()
    wbits = 16 + zlib.MAX_WBITS if encoding == "gzip" else zlib.MAX_WBITS
    z = zlib.compressobj(9, zlib.DEFLATED, wbits)
    out = [z.compress(chunk) for _ in range(size // len(chunk))]
    return b"".join(out) + z.flush()


@functools.cache
def sitemap_bomb(size: int = BOMB_SIZE) -> bytes:
    """A .xml.gz sitemap that inflates to ``size`` bytes (a urlset padded with whitespace)."""
    z = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    parts = [z.compress(b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">')]
    pad = b" " * (1024 * 1024)
    parts += [z.compress(pad) for _ in range(size // len(pad))]
    parts.append(z.compress(b"</urlset>"))
    return b"".join(parts) + z.flush()


XXE_DOCTYPE = '<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
LAUGHS_DOCTYPE = (
    '<!DOCTYPE x [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10)
    )
    + "]>"
)


def hostile_feed(doctype: str, ref: str, base: str, pad: int = 0) -> bytes:
    """An RSS feed whose item text expands an entity; ``pad`` bytes of comment before the DTD."""
    padding = f"<!-- {' ' * pad} -->" if pad else ""
    return (
        f'<?xml version="1.0"?>{padding}{doctype.replace("<!DOCTYPE x", "<!DOCTYPE rss")}'
        f"<rss><channel><title>Nieuws</title><item><title>{ref}</title>"
        f"<link>{base}/article/xxe-{quote(ref.strip('&;'))}</link><description>{ref}</description>"
        "</item></channel></rss>"
    ).encode()


def hostile_sitemap(doctype: str, ref: str, base: str) -> bytes:
    return (
        f'<?xml version="1.0"?>{doctype.replace("<!DOCTYPE x", "<!DOCTYPE urlset")}'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<url><loc>{base}/article/xxe-sitemap</loc><lastmod>{ref}</lastmod></url></urlset>"
    ).encode()


def sitemap_xml(urls: list[str]) -> bytes:
    entries = "".join(f"<url><loc>{escape(u)}</loc></url>" for u in urls)
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</urlset>'
    ).encode()


@dataclass
class Hit:
    """One request as the server saw it."""

    host: str
    path: str
    headers: dict[str, str]
    at: float


@dataclass
class Config:
    """Per-server behaviour: robots.txt, TDMRep file, extra sitemap URLs, cookies."""

    robots: str | int | None = "User-agent: *\nAllow: /\n"  # text, a status code, "drop" or None (404)
    tdmrep: str | None = None  # the body of /.well-known/tdmrep.json (None: 404)
    sitemap: list[str] = field(default_factory=list)  # paths listed by /sitemap.xml
    soak_pages: int = 0  # /soak/sitemap.xml lists this many /soak/N pages


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    # -- plumbing -------------------------------------------------------------------------------
    def _send(
        self,
        status: int,
        body: bytes = b"",
        ctype: str = "text/html; charset=utf-8",
        headers: dict[str, str] | None = None,
        length: int | None = None,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        if length != -1:
            self.send_header("Content-Length", str(len(body) if length is None else length))
        else:
            self.send_header("Connection", "close")
        self.end_headers()
        with suppress(BrokenPipeError, ConnectionResetError):
            self.wfile.write(body)

    def _drop(self) -> None:
        self.close_connection = True
        with suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        host = (parts.netloc or self.headers.get("Host", "")).lower()
        self.server.log.append(Hit(host, parts.path, dict(self.headers.items()), time.monotonic()))
        if parts.netloc:  # a proxy request
            self.base = f"{parts.scheme}://{parts.netloc}"
        else:
            self.base = self.server.base
        with suppress(BrokenPipeError, ConnectionResetError):
            self.route(host, parts.path, {k: v[0] for k, v in parse_qs(parts.query).items()})

    # -- the faults -----------------------------------------------------------------------------
    def route(self, host: str, path: str, q: dict[str, str]) -> None:
        cfg = self.server.config
        seen = sum(1 for h in self.server.log if h.path == path and h.host == host)
        if host.startswith("169.254.169.254"):
            self._send(200, b"<html><body>SECRET cloud credentials</body></html>")
        elif path == "/robots.txt":
            if cfg.robots == "drop":
                self._drop()
            elif cfg.robots is None:
                self._send(404, b"not found", "text/plain")
            elif isinstance(cfg.robots, int):
                self._send(cfg.robots, b"robots error", "text/plain")
            else:
                self._send(200, cfg.robots.encode(), "text/plain")
        elif path == "/.well-known/tdmrep.json":
            if cfg.tdmrep is None:
                self._send(404, b"[]", "application/json")
            else:
                self._send(200, cfg.tdmrep.encode(), "application/json")
        elif path == "/sitemap.xml":
            urls = [p if p.startswith("http") else self.base + p for p in cfg.sitemap]
            self._send(200, sitemap_xml(urls), "application/xml")
        elif path == "/soak/sitemap.xml":
            self._send(
                200, sitemap_xml([f"{self.base}/soak/{i}" for i in range(cfg.soak_pages)]), "application/xml"
            )
        elif path.startswith("/soak/"):
            self._send(200, article_html(int(path.rsplit("/", 1)[1]) + 100_000).encode())
        elif path.startswith(("/article/", "/gereserveerd/")):
            n = sum(map(ord, path)) * 31 + len(path)
            head = ""
            headers = {}
            if "meta" in q:
                head = f'<meta name="tdm-reservation" content="{q["meta"]}">'
            if "header" in q:
                headers["tdm-reservation"] = q["header"]
            if "cookie" in q:
                headers["Set-Cookie"] = "sessie=geheim123; Path=/"
            self._send(200, article_html(n, head_extra=head).encode(), headers=headers)
        elif path.startswith("/status/"):
            code = int(path.split("/")[2])
            if seen > int(q.get("fail", "1000")):
                self._send(200, article_html(code * 1000 + seen).encode())
            else:
                self._send(code, f"<html><body>fout {code}</body></html>".encode())
        elif path.startswith("/retry-after/"):
            if seen > int(q.get("fail", "1")):
                self._send(200, article_html(seen + len(path) * 13).encode())
            else:
                self._send(
                    int(q.get("status", "429")),
                    b"wacht even",
                    "text/plain",
                    {"Retry-After": path.split("/", 2)[2]},
                )
        elif path.startswith("/delay/"):
            time.sleep(float(path.split("/")[2]))
            self._send(200, article_html(777).encode())
        elif path == "/hang":
            time.sleep(float(q.get("s", "60")))
            self._drop()
        elif path == "/drop":
            self._drop()
        elif path == "/truncated":
            body = article_html(555).encode()
            self._send(200, body[: len(body) // 2], length=len(body) * 10)
            self._drop()
        elif path == "/redirect-loop":
            self._send(302, b"", headers={"Location": path})
        elif path in ("/loop-a", "/loop-b"):
            self._send(302, b"", headers={"Location": "/loop-b" if path == "/loop-a" else "/loop-a"})
        elif path == "/redirect":
            self._send(int(q.get("status", "302")), b"", headers={"Location": q["to"]})
        elif path.startswith("/bomb/"):
            encoding = path.split("/")[2]
            if encoding == "sitemap.xml.gz":
                self._send(200, sitemap_bomb(), "application/gzip")
            else:
                self._send(200, bomb(encoding), headers={"Content-Encoding": encoding})
        elif path == "/xxe/feed.xml":
            self._send(
                200,
                hostile_feed(XXE_DOCTYPE, "&xxe;", self.base, int(q.get("pad", "0"))),
                "application/rss+xml",
            )
        elif path == "/xxe/sitemap.xml":
            self._send(200, hostile_sitemap(XXE_DOCTYPE, "&xxe;", self.base), "application/xml")
        elif path == "/laughs/feed.xml":
            self._send(
                200,
                hostile_feed(LAUGHS_DOCTYPE, "&lol9;", self.base, int(q.get("pad", "0"))),
                "application/rss+xml",
            )
        elif path == "/laughs/sitemap.xml":
            self._send(200, hostile_sitemap(LAUGHS_DOCTYPE, "&lol9;", self.base), "application/xml")
        elif path == "/huge.html":
            size = int(q.get("mb", "50")) * 1024 * 1024
            if "stream" in q:
                # No Content-Length: the limit must hold while streaming, not only on a declared size.
                self._send(200, huge_html(size), length=-1)
                self._drop()
            else:
                self._send(200, huge_html(size))
        elif path == "/deep.html":
            self._send(200, deep_html(int(q.get("levels", "300"))).encode())
        elif path == "/binary/pdf":
            self._send(200, b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n" * 20)
        elif path == "/binary/png":
            self._send(200, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8)
        elif path == "/empty":
            self._send(200, b"")
        elif path == "/listing":
            self._send(200, listing_html([f"/sectie/{i}" for i in range(40)]).encode())
        elif path == "/gzip-page":
            self._send(200, gzip.compress(article_html(31337).encode()), headers={"Content-Encoding": "gzip"})
        else:
            self._send(404, b"<html><body>niet gevonden</body></html>")


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, config: Config) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.config = config
        self.log: list[Hit] = []
        self.base = f"http://127.0.0.1:{self.server_address[1]}"


class FaultServer:
    """A running fault server: ``base`` is its origin, ``log`` every request it received."""

    def __init__(self, config: Config | None = None) -> None:
        self._server = _Server(config or Config())
        self.base = self._server.base
        self.config = self._server.config
        self.log = self._server.log
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> FaultServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def url(self, path: str) -> str:
        return self.base + path

    def hits(self, path: str) -> list[Hit]:
        return [h for h in self.log if h.path == path]


@contextmanager
def fault_server(config: Config | None = None) -> Iterator[FaultServer]:
    server = FaultServer(config).start()
    try:
        yield server
    finally:
        server.stop()


def sources_toml(sources: list[dict[str, Any]]) -> str:
    """A sources file for the given ``[[source]]`` tables (lists of URLs, names, countries)."""
    out = []
    for src in sources:
        out.append("[[source]]")
        for key, value in src.items():
            if isinstance(value, list):
                out.append(f"{key} = [" + ", ".join(f'"{v}"' for v in value) + "]")
            elif isinstance(value, bool):
                out.append(f"{key} = {'true' if value else 'false'}")
            else:
                out.append(f'{key} = "{value}"')
        out.append("")
    return "\n".join(out)


if __name__ == "__main__":  # pragma: no cover - manual use
    with fault_server() as srv:
        print(f"fault server at {srv.base} (Ctrl-C to stop)")
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
