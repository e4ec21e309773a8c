"""A small static HTTP server for the bundled demo site and the tests, one origin per outlet.

Text files are templates: ``{{base}}`` becomes the serving outlet's origin and ``{{base:NAME}}``
another outlet's, so feeds, sitemaps and canonical links are absolute and correct on whatever
ports the servers got. ``name.xml.gz`` is served gzip-compressed from ``name.xml``, and
``*.cp1252.html`` files are served as windows-1252 with no declared charset.
"""

from __future__ import annotations

import gzip
import hashlib
import re
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

_PLACEHOLDER = re.compile(r"\{\{base(?::([a-z0-9_-]+))?\}\}")
_TEXT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".xml": "application/xml",
    ".atom": "application/atom+xml",
    ".rss": "application/rss+xml",
    ".txt": "text/plain; charset=utf-8",
    ".json": "application/json",
    ".toml": "text/plain; charset=utf-8",
}


def demo_site_root() -> Path:
    return Path(str(resources.files("corpus.devtools") / "demo_site"))


def render(text: str, own: str, bases: dict[str, str]) -> str:
    """Replace the ``{{base}}`` placeholders with real origins."""

    def sub(match: re.Match[str]) -> str:
        name = match.group(1)
        return bases[name] if name else own

    return _PLACEHOLDER.sub(sub, text)


@dataclass
class Site:
    """Where one outlet's files live and which origins the templates see."""

    root: Path
    name: str
    bases: dict[str, str]
    delay: float = 0.0  # seconds before answering an HTML page (crash and resume tests)
    log: list[tuple[str, str, int]] = field(default_factory=list)  # (outlet, path, status)


def _resolve(root: Path, path: str) -> tuple[Path, str] | None:
    """Map a URL path onto a file: (file, how to serve it: 'plain', 'gzip' or 'cp1252')."""
    rel = unquote(path).lstrip("/")
    if ".." in rel.split("/"):
        return None
    candidates: list[tuple[str, str]] = []
    if rel == "" or rel.endswith("/"):
        candidates.append((rel + "index.html", "plain"))
    else:
        candidates += [(rel, "plain"), (rel + ".html", "plain"), (rel + ".cp1252.html", "cp1252")]
        if rel.endswith(".gz"):
            candidates.append((rel[:-3], "gzip"))
    for candidate, mode in candidates:
        file = root / candidate
        if file.is_file():
            return file, mode
    return None


class _Handler(BaseHTTPRequestHandler):
    site: Site
    server_version = "crimecorpus-demo/1"

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        found = _resolve(self.site.root, urlsplit(self.path).path)
        if found is None:
            self.site.log.append((self.site.name, self.path, 404))
            self.send_error(404)
            return
        file, mode = found
        ctype = _TEXT_TYPES.get(file.suffix, "application/octet-stream")
        body = file.read_bytes()
        if file.suffix in _TEXT_TYPES:
            own = self.site.bases[self.site.name]
            text = render(body.decode("utf-8"), own, self.site.bases)
            if mode == "cp1252":
                body, ctype = text.encode("cp1252"), "text/html"
            else:
                body = text.encode("utf-8")
        if mode == "gzip":
            body, ctype = gzip.compress(body, mtime=0), "application/gzip"
        # Validators, so conditional GET (If-None-Match / If-Modified-Since) can answer 304.
        etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
        modified = formatdate(int(file.stat().st_mtime), usegmt=True)
        if self.headers.get("If-None-Match") == etag or (
            not self.headers.get("If-None-Match") and self.headers.get("If-Modified-Since") == modified
        ):
            self.site.log.append((self.site.name, self.path, 304))
            self.send_response(304)
            self.send_header("ETag", etag)
            self.end_headers()
            return
        if self.site.delay and ctype.startswith("text/html"):
            time.sleep(self.site.delay)
        self.site.log.append((self.site.name, self.path, 200))
        self.send_response(200)
        self.send_header("ETag", etag)
        self.send_header("Last-Modified", modified)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class QuietServer(ThreadingHTTPServer):
    """A threaded server that does not log clients hanging up mid-response."""

    daemon_threads = True

    def handle_error(self, request: socket.socket | tuple[bytes, socket.socket], client_address: Any) -> None:
        # A client that hangs up mid-response (a crawl killed on purpose) is not a server error.
        import sys

        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@contextmanager
def serve_sites(
    root: Path,
    names: list[str] | None = None,
    *,
    delay: float = 0.0,
    log: list[tuple[str, str, int]] | None = None,
) -> Iterator[dict[str, str]]:
    """Serve each outlet directory under ``root`` on its own 127.0.0.1 port; yield name → origin.

    ``log`` (if given) receives ``(outlet, path, status)`` for every request, so a test can count
    what a crawl fetched.
    """
    log = log if log is not None else []
    names = names or sorted(
        p.name for p in root.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))
    )
    bases: dict[str, str] = {}
    servers: list[QuietServer] = []
    try:
        for name in names:
            site = Site(root / name, name, bases, delay=delay, log=log)
            handler = type(f"Handler_{name}", (_Handler,), {"site": site})
            server = QuietServer(("127.0.0.1", 0), handler)
            servers.append(server)
            bases[name] = f"http://127.0.0.1:{server.server_address[1]}"
        for server in servers:
            threading.Thread(target=server.serve_forever, daemon=True).start()
        yield bases
    finally:
        for server in servers:
            server.shutdown()
            server.server_close()


def render_sources(root: Path, bases: dict[str, str], out: Path) -> Path:
    """Write the demo's sources file with the live origins filled in."""
    text = (root / "sources.toml").read_text(encoding="utf-8")
    out.write_text(render(text, "", bases), encoding="utf-8")
    return out
