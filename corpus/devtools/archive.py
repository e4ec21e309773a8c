"""A local web archive for the tests, the demo and the benchmark: Common Crawl and the Wayback, offline.

A backfill (issue 20) talks to four services: Common Crawl's CDX index server (``collinfo.json``
and one ``<collection>-index`` API per crawl), its data server (WARC files read with HTTP Range),
the Wayback CDX server and the Wayback itself (raw captures with the ``id_`` modifier). None of
them may be reached from a test, so :func:`build_archive` writes what they hold to a directory —
WARC files of one gzip member per record laid out and indexed as Common Crawl does, a Wayback
CDX index and the raw captures it replays — and :func:`serve_archive` answers on 127.0.0.1 the
requests a backfill sends, with the archives' own quirks (paging over the index blocks before
the filters apply, ``404`` for a Common Crawl query that finds nothing, a Wayback redirect to the
nearest capture) and the faults they produce in the wild (``503`` with ``Retry-After``, a range
response cut short), so the backfill's handling of each can be tested.

:func:`demo_archive_pages` turns the bundled demo site into captures of fictitious origins, for
``crimecorpus demo --backfill``. Everything here is written by us; nothing is copied.
"""

from __future__ import annotations

import base64
import bisect
import calendar
import datetime as dt
import gzip
import hashlib
import json
import re
import threading
import time
import uuid
import zlib
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from email.utils import format_datetime
from functools import cached_property
from html import escape
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Literal
from urllib.parse import parse_qs, urlsplit

from corpus.devtools.server import QuietServer, demo_site_root, render, render_sources

PageKind = Literal["ok", "redirect", "consent"]
Archive = Literal["cc", "ia"]
Cadence = Literal["weekly", "monthly", "yearly"]
BOTH: frozenset[str] = frozenset({"cc", "ia"})
DEFAULT_PAGE_SIZE = 50
"""Index lines per CDX page. Common Crawl's pages are 5 blocks of 3,000 lines; tests use a few."""
CAPTURES_PER_FILE = 1000
"""Captures per WARC file before the next one is opened (Common Crawl's hold some 40,000)."""
FILES_PER_SEGMENT = 4
SOFTWARE = "crimecorpus-devtools-archive/1"
_NAMESPACE = uuid.UUID("6f1d3c52-2d1b-4c1e-9a55-6a1e0c7b9d21")  # record ids are stable per capture
_WWW = re.compile(r"^www\d*\.")
_IPV4 = re.compile(r"^\d{1,3}(\.\d{1,3}){3}$")
_LANG_CODES = {"nl": "nld", "en": "eng", "de": "deu", "fr": "fra", "fy": "fry", "af": "afr"}


# --------------------------------------------------------------------------------------------
# URL keys and digests
# --------------------------------------------------------------------------------------------


def surt_key(url: str) -> str:
    """The index key of a URL (SURT, as both archives sort their indexes by it).

    Scheme, ``www.`` and default ports are dropped and the host is reversed, so every page of a
    domain and its subdomains lies in one sorted run: ``https://www.courant.example/a?b=1&a=2`` is
    ``example,courant)/a?a=2&b=1``. Both archives lowercase the key and sort the query.
    """
    parts = urlsplit(url if "://" in url else "http://" + url)
    host = (parts.hostname or "").strip(".").lower()
    host = _WWW.sub("", host)
    labels = host if _IPV4.match(host) else ",".join(reversed(host.split(".")))
    try:
        port = parts.port
    except ValueError:
        port = None
    if port and port != {"http": 80, "https": 443}.get(parts.scheme.lower()):
        labels += f":{port}"
    path = parts.path or "/"
    query = "&".join(sorted(parts.query.split("&"))) if parts.query else ""
    return (f"{labels}){path}" + (f"?{query}" if query else "")).lower()


def sha1_base32(data: bytes) -> str:
    """The digest both archives print (base32 of SHA-1; WARC headers prefix it with ``sha1:``)."""
    return base64.b32encode(hashlib.sha1(data).digest()).decode("ascii")


def timestamp(when: dt.datetime) -> str:
    """14-digit UTC capture timestamp, the key of a capture in both archives."""
    return when.astimezone(dt.UTC).strftime("%Y%m%d%H%M%S")


def parse_timestamp(ts: str) -> dt.datetime:
    return dt.datetime.strptime(ts.ljust(14, "0")[:14], "%Y%m%d%H%M%S").replace(tzinfo=dt.UTC)


# --------------------------------------------------------------------------------------------
# What goes in, what comes out
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ArchivedPage:
    """One capture to archive: the page as the archive's crawler received it.

    ``headers`` are the page's own HTTP headers (``Content-Length`` is always set from the body;
    with none given the page is ``text/html; charset=utf-8``). ``archives`` says which archive
    holds the capture. ``listed_status`` makes the indexes list another status than the record
    has: an index line that disagrees with its capture, for tests of that case (indexes are
    rebuilt, captures are not).
    """

    url: str
    body: bytes
    captured_at: dt.datetime
    status: int = 200
    headers: tuple[tuple[str, str], ...] = ()
    kind: PageKind = "ok"
    archives: frozenset[str] = BOTH
    listed_status: int | None = None

    @classmethod
    def redirect(
        cls,
        url: str,
        target: str,
        captured_at: dt.datetime,
        *,
        status: int = 301,
        archives: frozenset[str] = BOTH,
        listed_status: int | None = None,
    ) -> ArchivedPage:
        """A capture of a moved page: a 301 whose ``Location`` is ``target``."""
        body = (
            f'<!DOCTYPE html>\n<html lang="nl"><head><title>Verplaatst</title></head><body>'
            f'<p>Deze pagina is verplaatst naar <a href="{escape(target)}">{escape(target)}</a>.</p>'
            "</body></html>\n"
        ).encode()
        headers = (("Content-Type", "text/html; charset=utf-8"), ("Location", target))
        return cls(url, body, captured_at, status, headers, "redirect", archives, listed_status)

    @classmethod
    def consent(
        cls, url: str, captured_at: dt.datetime, *, outlet: str = "De Krant", archives: frozenset[str] = BOTH
    ) -> ArchivedPage:
        """A 200 capture whose body is a Dutch cookie-consent wall instead of the article.

        Archives hold many of these: the crawler did not click "akkoord", so the capture of an
        article URL is the wall. A backfill must reject it as a consent page, not store it.
        """
        return cls(url, consent_wall(outlet), captured_at, kind="consent", archives=archives)

    @property
    def timestamp(self) -> str:
        return timestamp(self.captured_at)

    def location(self) -> str | None:
        return next((v for k, v in self.headers if k.lower() == "location"), None)


def consent_wall(outlet: str) -> bytes:
    """A cookie wall in Dutch as outlets show it to a visitor without cookies (our own wording)."""
    name = escape(outlet)
    return (
        '<!DOCTYPE html>\n<html lang="nl">\n<head>\n<meta charset="utf-8">\n'
        f'<title>{name} - Uw privacykeuze</title>\n<meta name="robots" content="noindex">\n'
        '</head>\n<body class="privacy-gate">\n<div class="privacy-gate__box" role="dialog">\n'
        f"<h1>Voordat u verder leest op {name}</h1>\n"
        "<p>Wij en onze partners gebruiken cookies en vergelijkbare technieken om de website te "
        "laten werken, het bezoek te meten en advertenties af te stemmen op uw interesses.</p>\n"
        "<p>Klik op 'Accepteren' om akkoord te gaan met het gebruik van cookies. Via "
        "'Privacy-instellingen' kiest u zelf welke tracking cookies u toestaat. U kunt uw keuze altijd wijzigen.</p>\n"
        '<button class="privacy-gate__accept">Accepteren</button>\n'
        '<button class="privacy-gate__settings">Privacy-instellingen</button>\n'
        '<p><a href="/privacy">Privacyverklaring</a> | <a href="/cookies">Cookiebeleid</a></p>\n'
        "</div>\n</body>\n</html>\n"
    ).encode()


@dataclass(frozen=True)
class ArchivedCapture:
    """Where one capture ended up: its index fields, its WARC record and its Wayback file."""

    url: str
    timestamp: str
    status: int
    kind: str
    mime: str
    digest: str  # base32 SHA-1 of the payload, as the index lines print it
    location: str | None = None
    collection: str | None = None  # None when Common Crawl does not hold it
    filename: str | None = None  # relative to the data root ("crawl-data/...")
    offset: int | None = None
    length: int | None = None  # the gzip member of the response record
    record_id: str | None = None
    wayback_file: str | None = None  # relative to the archive root; None when the Wayback lacks it
    wayback_length: int | None = None

    @property
    def urlkey(self) -> str:
        return surt_key(self.url)


@dataclass(frozen=True)
class CollectionInfo:
    """One Common Crawl collection (a crawl): its id, its period and its index file."""

    id: str
    start: dt.datetime
    end: dt.datetime  # the last second of the period (collinfo.json's "to")
    index: str  # relative to the archive root

    def collinfo(self, index_url: str) -> dict[str, str]:
        """Its collinfo.json entry, with the API URL of the server that serves it."""
        return {
            "id": self.id,
            "name": f"{calendar.month_name[self.start.month]} {self.start.year} Index",
            "timegate": f"{index_url}/{self.id}/",
            "cdx-api": f"{index_url}/{self.id}-index",
            "from": self.start.strftime("%Y-%m-%dT%H:%M:%S"),
            "to": self.end.strftime("%Y-%m-%dT%H:%M:%S"),
        }


@dataclass(frozen=True)
class ArchiveManifest:
    """What :func:`build_archive` wrote under ``root``; ``manifest.json`` there holds the same."""

    root: Path
    collections: tuple[CollectionInfo, ...]
    captures: tuple[ArchivedCapture, ...]
    warc_files: tuple[str, ...]  # relative to root, which is also the data root
    ia_index: str
    page_size: int = DEFAULT_PAGE_SIZE

    def path(self, relative: str) -> Path:
        return self.root / relative

    @cached_property
    def _by_key(self) -> dict[str, list[ArchivedCapture]]:
        by_key: dict[str, list[ArchivedCapture]] = {}
        for capture in sorted(self.captures, key=lambda c: c.timestamp):
            by_key.setdefault(capture.urlkey, []).append(capture)
        return by_key

    def find(self, url: str, archive: str | None = None) -> list[ArchivedCapture]:
        """The captures of ``url`` (in either archive, or the one named), oldest first."""
        found = self._by_key.get(surt_key(url), [])
        if archive == "cc":
            found = [c for c in found if c.filename is not None]
        elif archive == "ia":
            found = [c for c in found if c.wayback_file is not None]
        return list(found)

    def warc_bytes(self) -> int:
        """Total size of the WARC files: what scanning all of them downloads."""
        return sum(self.path(f).stat().st_size for f in self.warc_files)

    def save(self) -> Path:
        out = self.root / "manifest.json"
        data = {
            "collections": [
                {"id": c.id, "start": c.start.isoformat(), "end": c.end.isoformat(), "index": c.index}
                for c in self.collections
            ],
            "captures": [asdict(c) for c in self.captures],
            "warc_files": list(self.warc_files),
            "ia_index": self.ia_index,
            "page_size": self.page_size,
        }
        out.write_text(json.dumps(data, indent=1), encoding="utf-8")
        return out

    @classmethod
    def load(cls, root: Path) -> ArchiveManifest:
        """The manifest of an archive built earlier (the bench reuses one with ``--keep``)."""
        data = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
        return cls(
            root=root,
            collections=tuple(
                CollectionInfo(
                    c["id"],
                    dt.datetime.fromisoformat(c["start"]),
                    dt.datetime.fromisoformat(c["end"]),
                    c["index"],
                )
                for c in data["collections"]
            ),
            captures=tuple(ArchivedCapture(**c) for c in data["captures"]),
            warc_files=tuple(data["warc_files"]),
            ia_index=data["ia_index"],
            page_size=data["page_size"],
        )


# --------------------------------------------------------------------------------------------
# Building: WARC records, Common Crawl index, Wayback index
# --------------------------------------------------------------------------------------------


def collection_period(when: dt.datetime, cadence: Cadence) -> tuple[str, dt.datetime, dt.datetime]:
    """(id, first instant, last second) of the collection that holds a capture taken ``when``.

    Common Crawl names a crawl ``CC-MAIN-YYYY-WW`` after an ISO week near its start; here the
    week of the first Monday of the period, so a January crawl is not named after the last
    week of the year before.
    """
    when = when.astimezone(dt.UTC)
    day = when.date()
    if cadence == "weekly":
        start = day - dt.timedelta(days=day.weekday())
        after = start + dt.timedelta(days=7)
    elif cadence == "monthly":
        start = day.replace(day=1)
        after = (start + dt.timedelta(days=32)).replace(day=1)
    else:
        start = day.replace(month=1, day=1)
        after = start.replace(year=start.year + 1)
    monday = start + dt.timedelta(days=(7 - start.weekday()) % 7)
    iso = monday.isocalendar()
    first = dt.datetime.combine(start, dt.time(), dt.UTC)
    last = dt.datetime.combine(after, dt.time(), dt.UTC) - dt.timedelta(seconds=1)
    return f"CC-MAIN-{iso.year}-{iso.week:02d}", first, last


def _record_id(kind: str, ts: str, url: str) -> str:
    return f"<urn:uuid:{uuid.uuid5(_NAMESPACE, f'{kind} {ts} {url}')}>"


def _warc_date(ts: str) -> str:
    return parse_timestamp(ts).strftime("%Y-%m-%dT%H:%M:%SZ")


def _record(fields: list[tuple[str, str]], block: bytes) -> bytes:
    """One WARC/1.0 record; ``Content-Length`` goes after the first three fields, as CC writes it."""
    fields = [*fields[:3], ("Content-Length", str(len(block))), *fields[3:]]
    head = "WARC/1.0\r\n" + "".join(f"{k}: {v}\r\n" for k, v in fields) + "\r\n"
    return head.encode("utf-8") + block + b"\r\n\r\n"


def _member(record: bytes) -> bytes:
    """A record as its own gzip member, so a range request for it is a whole gzip file."""
    z = zlib.compressobj(6, zlib.DEFLATED, 31)
    return z.compress(record) + z.flush()


def _fake_ip(host: str) -> str:
    """An address from the documentation range (RFC 5737), stable per host."""
    return f"203.0.113.{hashlib.sha1(host.encode()).digest()[0] % 254 + 1}"


def _status_line(status: int) -> str:
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return f"{status} Unknown"


def _http_headers(page: ArchivedPage) -> list[tuple[str, str]]:
    """The page's headers as archived: given ones, a Date and a Content-Length that fits the body."""
    given = [(k, v) for k, v in page.headers if k.lower() not in ("content-length", "date")]
    if not any(k.lower() == "content-type" for k, _ in given):
        given.insert(0, ("Content-Type", "text/html; charset=utf-8"))
    return [
        ("Date", format_datetime(page.captured_at.astimezone(dt.UTC), usegmt=True)),
        ("Server", "nginx"),
        *given,
        ("Content-Length", str(len(page.body))),
    ]


def _http_response(page: ArchivedPage) -> bytes:
    head = f"HTTP/1.1 {_status_line(page.status)}\r\n" + "".join(
        f"{k}: {v}\r\n" for k, v in _http_headers(page)
    )
    return head.encode("latin-1", "replace") + b"\r\n" + page.body


def _mime(page: ArchivedPage) -> str:
    ctype = next((v for k, v in page.headers if k.lower() == "content-type"), "text/html")
    return ctype.split(";", 1)[0].strip().lower() or "unk"


def _charset(page: ArchivedPage) -> str | None:
    ctype = next((v for k, v in page.headers if k.lower() == "content-type"), "text/html; charset=utf-8")
    found = re.search(r"charset=([\w-]+)", ctype, re.IGNORECASE) or re.search(
        rb"<meta[^>]+charset=[\"']?([\w-]+)", page.body[:4096], re.IGNORECASE
    )
    if found is None:
        return None
    value = found.group(1)
    return (value.decode("ascii") if isinstance(value, bytes) else value).upper()


def _languages(body: bytes) -> str | None:
    """ISO 639-3 codes as Common Crawl's index lists them (it runs CLD2; here ``<html lang>``)."""
    found = re.search(rb"<html[^>]*\blang=[\"']?([a-zA-Z]{2})", body[:2048])
    return _LANG_CODES.get(found.group(1).decode().lower()) if found else None


def _warcinfo(name: str, collection: str, ts: str) -> bytes:
    fields = (
        f"isPartOf: {collection}\r\npublisher: crimecorpus test archive (not Common Crawl)\r\n"
        f"description: Captures written by {SOFTWARE} for offline tests\r\n"
        f"software: {SOFTWARE}\r\nformat: WARC File Format 1.0\r\n"
        "conformsTo: http://bibnum.bnf.fr/WARC/WARC_ISO_28500_version1_latest.pdf\r\n"
    ).encode()
    return _record(
        [
            ("WARC-Type", "warcinfo"),
            ("WARC-Date", _warc_date(ts)),
            ("WARC-Record-ID", _record_id("warcinfo", ts, name)),
            ("Content-Type", "application/warc-fields"),
            ("WARC-Filename", name),
        ],
        fields,
    )


def _exchange(page: ArchivedPage, info_id: str) -> tuple[bytes, bytes, bytes, str]:
    """The request, response and metadata records of one capture, and the response's record id."""
    ts, url = page.timestamp, page.url
    parts = urlsplit(url)
    ip = _fake_ip(parts.hostname or "")
    date = _warc_date(ts)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    request_block = (
        f"GET {target} HTTP/1.1\r\nUser-Agent: {SOFTWARE}\r\n"
        "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8\r\n"
        f"Accept-Language: nl,en;q=0.5\r\nHost: {parts.netloc}\r\nConnection: Keep-Alive\r\n\r\n"
    ).encode()
    request_id = _record_id("request", ts, url)
    response_id = _record_id("response", ts, url)
    request = _record(
        [
            ("WARC-Type", "request"),
            ("WARC-Date", date),
            ("WARC-Record-ID", request_id),
            ("Content-Type", "application/http; msgtype=request"),
            ("WARC-Warcinfo-ID", info_id),
            ("WARC-IP-Address", ip),
            ("WARC-Target-URI", url),
        ],
        request_block,
    )
    block = _http_response(page)
    response = _record(
        [
            ("WARC-Type", "response"),
            ("WARC-Date", date),
            ("WARC-Record-ID", response_id),
            ("Content-Type", "application/http; msgtype=response"),
            ("WARC-Warcinfo-ID", info_id),
            ("WARC-Concurrent-To", request_id),
            ("WARC-IP-Address", ip),
            ("WARC-Target-URI", url),
            ("WARC-Payload-Digest", "sha1:" + sha1_base32(page.body)),
            ("WARC-Block-Digest", "sha1:" + sha1_base32(block)),
            ("WARC-Identified-Payload-Type", _mime(page)),
        ],
        block,
    )
    langs = _languages(page.body)
    meta_block = f"fetchTimeMs: {len(page.body) % 700 + 80}\r\n"
    if charset := _charset(page):
        meta_block += f"charset-detected: {charset}\r\n"
    if langs:
        meta_block += f'languages-cld2: {{"reliable":true,"languages":[{{"code-iso-639-3":"{langs}"}}]}}\r\n'
    metadata = _record(
        [
            ("WARC-Type", "metadata"),
            ("WARC-Date", date),
            ("WARC-Record-ID", _record_id("metadata", ts, url)),
            ("Content-Type", "application/warc-fields"),
            ("WARC-Warcinfo-ID", info_id),
            ("WARC-Concurrent-To", response_id),
            ("WARC-Target-URI", url),
        ],
        meta_block.encode(),
    )
    return request, response, metadata, response_id


def _cc_line(page: ArchivedPage, filename: str, offset: int, length: int) -> str:
    """One line of a Common Crawl index (CDXJ: key, timestamp, JSON with CC's field names)."""
    status = page.listed_status or page.status
    fields: dict[str, str] = {"url": page.url, "mime": _mime(page), "mime-detected": _mime(page)}
    fields |= {"status": str(status), "digest": sha1_base32(page.body), "length": str(length)}
    fields |= {"offset": str(offset), "filename": filename}
    if location := page.location():
        fields["redirect"] = location
    if status == 200:
        if langs := _languages(page.body):
            fields["languages"] = langs
        if charset := _charset(page):
            fields["encoding"] = charset
    return f"{surt_key(page.url)} {page.timestamp} {json.dumps(fields, ensure_ascii=False)}"


def build_archive(
    out: Path,
    pages: Iterable[ArchivedPage],
    *,
    collections: Cadence = "monthly",
    page_size: int = DEFAULT_PAGE_SIZE,
    captures_per_file: int = CAPTURES_PER_FILE,
) -> ArchiveManifest:
    """Write a Common Crawl and a Wayback archive of ``pages`` under ``out``; return its manifest.

    Layout (``out`` is also Common Crawl's data root, so a capture's ``filename`` is a path
    under it and a URL path on the data server):

    - ``crawl-data/<collection>/segments/<segment>/warc/CC-MAIN-<first>-<last>-<nnnnn>.warc.gz``:
      a warcinfo record, then request, response and metadata per capture, each its own gzip
      member (WARC/1.0 with digests, as Common Crawl writes them), in the order given;
    - ``cc-index/collections/<collection>/indexes/index.cdxj``: the sorted index of each
      collection, one ``urlkey timestamp {json}`` line per response;
    - ``wayback/index.cdx``: the sorted Wayback index (urlkey timestamp original mimetype
      statuscode digest length) and ``wayback/raw/<timestamp>/<hash>.http``: each capture's
      HTTP response as archived, replayed by the Wayback server;
    - ``manifest.json``.

    ``collections`` is the crawl cadence: each capture goes to the crawl whose period holds its
    capture time (:func:`collection_period`). ``page_size`` (index lines per CDX page) is the
    default of :func:`serve_archive`.
    """
    out.mkdir(parents=True, exist_ok=True)
    by_collection: dict[str, list[ArchivedPage]] = {}
    periods: dict[str, tuple[dt.datetime, dt.datetime]] = {}
    ia_pages: list[ArchivedPage] = []
    for page in pages:
        if "ia" in page.archives:
            ia_pages.append(page)
        if "cc" in page.archives:
            cid, start, end = collection_period(page.captured_at, collections)
            by_collection.setdefault(cid, []).append(page)
            periods[cid] = (start, end)

    captures: dict[tuple[str, str], dict[str, object]] = {}
    warc_files: list[str] = []
    infos: list[CollectionInfo] = []
    for cid in sorted(by_collection):
        lines, files = _write_collection(
            out, cid, periods[cid][0], by_collection[cid], captures_per_file, captures
        )
        warc_files += files
        index = f"cc-index/collections/{cid}/indexes/index.cdxj"
        (out / index).parent.mkdir(parents=True, exist_ok=True)
        (out / index).write_text("".join(f"{line}\n" for line in sorted(lines)), encoding="utf-8")
        infos.append(CollectionInfo(cid, *periods[cid], index))

    ia_lines: list[str] = []
    for page in ia_pages:
        ts = page.timestamp
        relative = f"wayback/raw/{ts}/{hashlib.sha1(page.url.encode()).hexdigest()[:20]}.http"
        raw = _http_response(page)
        (out / relative).parent.mkdir(parents=True, exist_ok=True)
        (out / relative).write_bytes(raw)
        length = len(gzip.compress(raw, compresslevel=6, mtime=0))
        status = page.listed_status or page.status
        ia_lines.append(
            f"{surt_key(page.url)} {ts} {page.url} {_mime(page)} {status} {sha1_base32(page.body)} {length}"
        )
        entry = captures.setdefault((page.url, ts), _capture_fields(page))
        entry |= {"wayback_file": relative, "wayback_length": length}
    ia_index = "wayback/index.cdx"
    (out / ia_index).parent.mkdir(parents=True, exist_ok=True)
    (out / ia_index).write_text("".join(f"{line}\n" for line in sorted(ia_lines)), encoding="utf-8")

    manifest = ArchiveManifest(
        root=out,
        collections=tuple(sorted(infos, key=lambda c: c.start, reverse=True)),
        captures=tuple(
            ArchivedCapture(**entry)  # type: ignore[arg-type]
            for _, entry in sorted(captures.items(), key=lambda kv: (kv[0][1], kv[0][0]))
        ),
        warc_files=tuple(warc_files),
        ia_index=ia_index,
        page_size=page_size,
    )
    manifest.save()
    return manifest


def _capture_fields(page: ArchivedPage) -> dict[str, object]:
    return {
        "url": page.url,
        "timestamp": page.timestamp,
        "status": page.status,
        "kind": page.kind,
        "mime": _mime(page),
        "digest": sha1_base32(page.body),
        "location": page.location(),
    }


def _write_collection(
    out: Path,
    cid: str,
    start: dt.datetime,
    pages: list[ArchivedPage],
    per_file: int,
    captures: dict[tuple[str, str], dict[str, object]],
) -> tuple[list[str], list[str]]:
    """Write one collection's WARC files; return its index lines and the files' relative paths."""
    lines: list[str] = []
    files: list[str] = []
    for serial, first in enumerate(range(0, len(pages), max(1, per_file))):
        chunk = pages[first : first + per_file]
        stamps = sorted(p.timestamp for p in chunk)
        segment = f"{int(start.timestamp() * 1000)}.{serial // FILES_PER_SEGMENT:02d}"
        name = f"CC-MAIN-{stamps[0]}-{stamps[-1]}-{serial:05d}.warc.gz"
        relative = f"crawl-data/{cid}/segments/{segment}/warc/{name}"
        path = out / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        info = _warcinfo(name, cid, stamps[0])
        info_id = _record_id("warcinfo", stamps[0], name)
        with path.open("wb") as fh:
            fh.write(_member(info))
            for page in chunk:
                request, response, metadata, record_id = _exchange(page, info_id)
                fh.write(_member(request))
                offset = fh.tell()
                member = _member(response)
                fh.write(member)
                fh.write(_member(metadata))
                lines.append(_cc_line(page, relative, offset, len(member)))
                entry = captures.setdefault((page.url, page.timestamp), _capture_fields(page))
                entry |= {
                    "collection": cid,
                    "filename": relative,
                    "offset": offset,
                    "length": len(member),
                    "record_id": record_id,
                }
        files.append(relative)
    return lines, files


# --------------------------------------------------------------------------------------------
# The demo site as archived pages
# --------------------------------------------------------------------------------------------

DEMO_BASES: dict[str, str] = {
    "courant": "https://www.courant.example",
    "polderpost": "https://www.polderpost.example",
    "scheldebode": "https://www.scheldebode.example",
    "deltamedia": "https://www.deltamedia.example",
}
"""Fictitious origins of the four demo outlets in the archive (``.example`` never resolves)."""
DEMO_FALLBACK_DATE = dt.datetime(2024, 9, 2, 12, 0, tzinfo=dt.UTC)
"""When a demo page with no publication date (home pages, listings) was captured: after every
publication on the demo site, so no capture predates the page it holds."""
_PUBLISHED = (
    re.compile(r'property="article:published_time"\s+content="([^"]+)"'),
    re.compile(r'"datePublished"\s*:\s*"([^"]+)"'),
)
_URL_DATE = re.compile(r"/(20\d\d)/(\d\d)/(\d\d)/")


def demo_page_path(relative: str) -> str:
    """The URL path the demo server serves a file at (``a/index.html`` at ``/a/``, ``x.html`` at ``/x``)."""
    rel = relative.removesuffix(".html").removesuffix(".cp1252")
    if rel == "index":
        return "/"
    if rel.endswith("/index"):
        return "/" + rel.removesuffix("index")
    return "/" + rel


def published_at(html: str, url: str) -> dt.datetime | None:
    """A page's publication instant from its machine-readable claims, else the date in its URL.

    Deliberately simpler than corpus.text.dates: the archive only needs a plausible capture
    time, and must not depend on the code a backfill test is testing.
    """
    for pattern in _PUBLISHED:
        if found := pattern.search(html):
            try:
                when = dt.datetime.fromisoformat(found.group(1).replace("Z", "+00:00"))
            except ValueError:
                continue
            return when if when.tzinfo else when.replace(tzinfo=dt.UTC)
    if found := _URL_DATE.search(urlsplit(url).path + "/"):
        year, month, day = (int(g) for g in found.groups())
        return dt.datetime(year, month, day, 9, 0, tzinfo=dt.UTC)
    return None


def _gold_dates(root: Path) -> dict[tuple[str, str], dt.datetime]:
    """(outlet, path) -> publication instant, from the demo's gold (noon UTC when no time is given)."""
    gold = root / "expected.json"
    if not gold.is_file():
        return {}
    dates: dict[tuple[str, str], dt.datetime] = {}
    for entry in json.loads(gold.read_text(encoding="utf-8")):
        if not entry.get("published"):
            continue
        hour, minute = (int(x) for x in (entry.get("published_time") or "12:00").split(":"))
        day = dt.date.fromisoformat(entry["published"])
        zone = dt.timezone(dt.timedelta(hours=1))  # near enough to Amsterdam/Brussels for a capture time
        dates[(entry["outlet"], entry["path"])] = dt.datetime.combine(day, dt.time(hour, minute), zone)
    return dates


def demo_archive_pages(
    bases: Mapping[str, str] = DEMO_BASES, *, root: Path | None = None
) -> list[ArchivedPage]:
    """The demo site's HTML pages as captures of the origins in ``bases``, for ``demo --backfill``.

    Every page the demo server serves (articles, home pages, listings and section pages, which
    a backfill must reject as listings) is captured one day after its publication
    (:func:`published_at`; for a page that prints its date only in its text, the date the demo's
    ``expected.json`` records for it, so a year-less "12 maart" is read in the right year; else
    :data:`DEMO_FALLBACK_DATE`), with the
    placeholders filled in as the server fills them. The ``/zoeken/`` pages are left out, as
    robots.txt keeps every polite archive crawler out of them. Two extra captures show what
    archives hold besides articles: an old courant URL captured as a 301 to its article, and a
    polderpost article URL captured as a cookie wall.
    """
    root = root or demo_site_root()
    gold = _gold_dates(root)
    pages: list[ArchivedPage] = []
    for name in sorted(bases):
        site = root / name
        for file in sorted(site.rglob("*.html")):
            relative = file.relative_to(site).as_posix()
            if relative.startswith("zoeken/"):
                continue
            url = bases[name] + demo_page_path(relative)
            text = render(file.read_text(encoding="utf-8"), bases[name], dict(bases))
            if relative.endswith(".cp1252.html"):
                body, headers = text.encode("cp1252"), (("Content-Type", "text/html"),)
            else:
                body, headers = text.encode("utf-8"), (("Content-Type", "text/html; charset=utf-8"),)
            published = published_at(text, url) or gold.get((name, demo_page_path(relative)))
            when = published + dt.timedelta(days=1) if published else DEMO_FALLBACK_DATE
            pages.append(ArchivedPage(url, body, when.astimezone(dt.UTC), headers=headers))
    if "courant" in bases:
        target = bases["courant"] + "/2019/08/05/overval-juwelier-haarlem-twee-mannen-opgepakt"
        pages.append(
            ArchivedPage.redirect(
                bases["courant"] + "/nieuws/overval-juwelier-haarlem",
                target,
                dt.datetime(2019, 8, 7, 10, 15, tzinfo=dt.UTC),
            )
        )
    if "polderpost" in bases:
        pages.append(
            ArchivedPage.consent(
                bases["polderpost"] + "/112/inbraakgolf-kampen-politie-waarschuwt",
                dt.datetime(2023, 3, 2, 8, 30, tzinfo=dt.UTC),
                outlet="De Polderpost",
            )
        )
    return pages


def write_demo_sources(out: Path, bases: Mapping[str, str] = DEMO_BASES) -> Path:
    """The demo's sources file with the archive's origins: what a backfill of the demo reads."""
    return render_sources(demo_site_root(), dict(bases), out)


# --------------------------------------------------------------------------------------------
# Serving
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Fail:
    """A fault: the first ``times`` requests answer ``status`` with ``Retry-After`` (if set)."""

    times: int
    retry_after: int | None = 1
    status: int = 503


@dataclass(frozen=True)
class LoggedRequest:
    """One request the archive answered (for tests and the bench to count what a backfill did)."""

    endpoint: str  # "cc_index" | "cc_data" | "ia_cdx" | "ia_web"
    method: str
    path: str  # path and query, as requested
    range: str | None
    status: int
    sent: int  # body bytes the answer carries (written after the entry is logged)
    time: float  # time.time() when the answer's headers were written
    agent: str = ""  # the User-Agent the request carried


@dataclass
class ArchiveEndpoints:
    """The four services' base URLs (for the CORPUS_* settings) and the request log."""

    cc_index_url: str
    cc_data_url: str
    ia_cdx_url: str
    ia_web_url: str
    log: list[LoggedRequest]
    manifest: ArchiveManifest

    def settings(self) -> dict[str, str]:
        """The settings that point a backfill at this archive."""
        return {
            "CORPUS_CC_INDEX_URL": self.cc_index_url,
            "CORPUS_CC_DATA_URL": self.cc_data_url,
            "CORPUS_IA_CDX_URL": self.ia_cdx_url,
            "CORPUS_IA_WEB_URL": self.ia_web_url,
        }

    def bytes_sent(self, endpoint: str | None = None) -> int:
        return sum(r.sent for r in list(self.log) if endpoint is None or r.endpoint == endpoint)


@dataclass
class _Index:
    """A sorted index in memory: keys for bisect, rows for output."""

    keys: list[str] = field(default_factory=list)  # urlkey per line
    rows: list[dict[str, str]] = field(default_factory=list)  # every field of the line by name


@dataclass
class _State:
    manifest: ArchiveManifest
    page_size: int
    fail_first: dict[str, Fail]
    truncate: dict[str, int | None]  # URL -> how many more times (None: always)
    latency: float
    log: list[LoggedRequest]
    cc: dict[str, _Index] = field(default_factory=dict)
    ia: _Index = field(default_factory=_Index)
    urls: dict[str, str] = field(default_factory=dict)  # endpoint -> its base URL
    files: frozenset[str] = frozenset()
    lock: threading.Lock = field(default_factory=threading.Lock)
    failed: dict[str, int] = field(default_factory=dict)


_CC_FIELDS = ("urlkey", "timestamp")
_IA_FIELDS = ("urlkey", "timestamp", "original", "mimetype", "statuscode", "digest", "length")


def _load_indexes(state: _State) -> None:
    """Read the written index files back: the server serves what is on disk, not the manifest."""
    for info in state.manifest.collections:
        index = _Index()
        for line in state.manifest.path(info.index).read_text(encoding="utf-8").splitlines():
            key, ts, blob = line.split(" ", 2)
            index.keys.append(key)
            index.rows.append({"urlkey": key, "timestamp": ts, **json.loads(blob)})
        state.cc[info.id] = index
    for line in state.manifest.path(state.manifest.ia_index).read_text(encoding="utf-8").splitlines():
        row = dict(zip(_IA_FIELDS, line.split(" "), strict=True))
        state.ia.keys.append(row["urlkey"])
        state.ia.rows.append(row)


def _url_range(index: _Index, url: str, match: str) -> list[dict[str, str]]:
    """The lines a query's ``url`` and ``matchType`` select (what the index blocks cover)."""
    if url.startswith("*."):
        url, match = url[2:], "domain"
    elif url.endswith("*"):
        url, match = url[:-1], "prefix"
    key = surt_key(url)
    host = key.split(")", 1)[0]
    if match == "domain":
        prefixes = [host + ")", host + ","]
    elif match == "host":
        prefixes = [host + ")"]
    elif match == "prefix":
        prefixes = [key]
    else:
        prefixes = []
    rows: list[dict[str, str]] = []
    if not prefixes:  # exact
        lo, hi = bisect.bisect_left(index.keys, key), bisect.bisect_right(index.keys, key)
        return index.rows[lo:hi]
    for prefix in prefixes:
        lo = bisect.bisect_left(index.keys, prefix)
        hi = lo
        while hi < len(index.keys) and index.keys[hi].startswith(prefix):
            hi += 1
        rows += index.rows[lo:hi]
    return rows


def _in_time(ts: str, start: str | None, end: str | None) -> bool:
    """``from``/``to`` as both archives read them: prefixes of a timestamp, ``to`` inclusive."""
    return (not start or ts >= start.ljust(14, "0")) and (not end or ts <= end.ljust(14, "9"))


def _filter(spec: str, archive: str) -> Callable[[dict[str, str]], bool]:
    """One ``filter=`` parameter. CC (pywb): ``[!][=|~]field:value`` (exact, contains, else a
    regex from the start); the Wayback: ``[!]field:regex`` over the whole value."""
    negate = spec.startswith("!")
    spec = spec.removeprefix("!")
    mode = "regex"
    if archive == "cc" and spec[:1] in ("=", "~"):
        mode = "exact" if spec[0] == "=" else "contains"
        spec = spec[1:]
    name, _, value = spec.partition(":")
    pattern = re.compile(value)

    def test(row: dict[str, str]) -> bool:
        got = row.get(name, "")
        if mode == "exact":
            ok = got == value
        elif mode == "contains":
            ok = value in got
        elif archive == "cc":
            ok = pattern.match(got) is not None
        else:
            ok = pattern.fullmatch(got) is not None
        return ok != negate

    return test


def _collapse(rows: list[dict[str, str]], spec: str) -> list[dict[str, str]]:
    """``collapse=field[:n]``: of adjacent lines equal in (the first n characters of) a field, the first."""
    name, _, size = spec.partition(":")
    cut = int(size) if size.isdigit() else None
    out: list[dict[str, str]] = []
    last: str | None = None
    for row in rows:
        value = row.get(name, "")[:cut]
        if value != last:
            out.append(row)
        last = value
    return out


class _Handler(BaseHTTPRequestHandler):
    state: _State
    endpoint: str
    protocol_version = "HTTP/1.1"  # keep-alive, as the real services; a cut response closes
    disable_nagle_algorithm = True  # headers and body are two writes: no 40 ms delayed-ACK stall
    server_version = "crimecorpus-archive/1"

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        self._handle(head=False)

    def do_HEAD(self) -> None:
        self._handle(head=True)

    # -- plumbing -----------------------------------------------------------------------------

    def _handle(self, head: bool) -> None:
        state = self.state
        if state.latency:
            time.sleep(state.latency)
        path = urlsplit(self.path).path
        for prefix, fault in state.fail_first.items():
            if path.startswith(prefix):
                with state.lock:
                    done = state.failed.get(prefix, 0)
                    state.failed[prefix] = done + 1
                if done < fault.times:
                    extra = [("Retry-After", str(fault.retry_after))] if fault.retry_after is not None else []
                    self._send(fault.status, b"try again later\n", extra, head=head)
                    return
        route = {
            "cc_index": self._cc_index,
            "cc_data": self._cc_data,
            "ia_cdx": self._ia_cdx,
            "ia_web": self._ia_web,
        }[self.endpoint]
        route(head)

    def _send(
        self,
        status: int,
        body: bytes,
        headers: Iterable[tuple[str, str]] = (),
        *,
        head: bool = False,
        ctype: str = "text/plain; charset=utf-8",
        cut: int | None = None,
    ) -> None:
        """Answer; with ``cut``, announce the whole body but write only ``cut`` bytes and hang up."""
        self.send_response(status)
        names = set()
        for k, v in headers:
            self.send_header(k, v)
            names.add(k.lower())
        if "content-type" not in names:
            self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        if cut is not None:
            self.send_header("Connection", "close")
        self.end_headers()
        data = b"" if head else body if cut is None else body[:cut]
        # Logged before the body goes out: a client that has read the answer finds it in the log
        # (appended after the write, a test reading the log at once could miss the last entry).
        self.state.log.append(
            LoggedRequest(
                self.endpoint,
                self.command,
                self.path,
                self.headers.get("Range"),
                status,
                len(data),
                time.time(),
                self.headers.get("User-Agent") or "",
            )
        )
        if data:
            self.wfile.write(data)
        if cut is not None:
            self.wfile.flush()
            self.close_connection = True

    def _query(self) -> dict[str, list[str]]:
        return parse_qs(urlsplit(self.path).query, keep_blank_values=True)

    def _truncated(self, url: str) -> bool:
        """Whether this answer for ``url`` is to be cut short (counting down a limited knob)."""
        state = self.state
        with state.lock:
            if url not in state.truncate:
                return False
            left = state.truncate[url]
            if left is None:
                return True
            if left <= 0:
                return False
            state.truncate[url] = left - 1
            return True

    # -- Common Crawl -------------------------------------------------------------------------

    def _cc_index(self, head: bool) -> None:
        path = urlsplit(self.path).path
        base = self.state.urls["cc_index"]
        if path == "/collinfo.json":
            body = json.dumps([c.collinfo(base) for c in self.state.manifest.collections], indent=1)
            self._send(200, body.encode(), head=head, ctype="application/json")
            return
        cid = path.strip("/").removesuffix("-index")
        index = self.state.cc.get(cid)
        if index is None or not path.endswith("-index"):
            self._send(404, b"not found\n", head=head)
            return
        self._cdx(index, "cc", head)

    def _cc_data(self, head: bool) -> None:
        relative = urlsplit(self.path).path.lstrip("/")
        if relative not in self.state.files:
            self._send(404, b"not found\n", head=head)
            return
        path = self.state.manifest.path(relative)
        size = path.stat().st_size
        base = [("Accept-Ranges", "bytes"), ("ETag", f'"{sha1_base32(relative.encode())[:16]}"')]
        spec = self.headers.get("Range")
        if not spec or "," in spec:  # no range, or several: the whole file, as S3 answers both
            self._send(200, path.read_bytes(), base, head=head, ctype="application/octet-stream")
            return
        span = _parse_range(spec, size)
        if span is None:
            self._send(416, b"", [*base, ("Content-Range", f"bytes */{size}")], head=head)
            return
        start, end = span
        cut = None
        if not head and self._cuts(relative, start, end):
            cut = (end - start + 1) // 2
        with path.open("rb") as fh:
            fh.seek(start)
            data = fh.read(end - start + 1)
        self._send(
            206,
            data,
            [*base, ("Content-Range", f"bytes {start}-{end}/{size}")],
            head=head,
            ctype="application/octet-stream",
            cut=cut,
        )

    def _cuts(self, filename: str, start: int, end: int) -> bool:
        for url in list(self.state.truncate):
            for capture in self.state.manifest.find(url, "cc"):
                if capture.filename != filename or capture.offset is None or capture.length is None:
                    continue
                if capture.offset <= end and start < capture.offset + capture.length:
                    return self._truncated(url)
        return False

    # -- Wayback --------------------------------------------------------------------------------

    def _ia_cdx(self, head: bool) -> None:
        if urlsplit(self.path).path.rstrip("/") != "/cdx/search/cdx":
            self._send(404, b"not found\n", head=head)
            return
        self._cdx(self.state.ia, "ia", head)

    def _ia_web(self, head: bool) -> None:
        found = re.match(r"^/web/(\d{1,14})([a-z]{2}_)?/(.+)$", self.path)
        if found is None:
            self._send(404, b"not found\n", head=head)
            return
        wanted, modifier, url = found.group(1), found.group(2) or "", found.group(3)
        captures = self.state.manifest.find(url, "ia")
        if not captures:
            self._send(404, b"Wayback Machine has not archived that URL.\n", head=head)
            return
        web = self.state.urls["ia_web"]
        goal = parse_timestamp(wanted)
        best = min(captures, key=lambda c: abs((parse_timestamp(c.timestamp) - goal).total_seconds()))
        if best.timestamp != wanted.ljust(14, "0")[:14] or len(wanted) != 14:
            # The Wayback answers a timestamp it does not hold with a redirect to the nearest one.
            self._send(302, b"", [("Location", f"{web}/{best.timestamp}{modifier}/{best.url}")], head=head)
            return
        raw = self.state.manifest.path(best.wayback_file or "").read_bytes()
        status, headers, body = _split_http(raw)
        memento = [
            ("Memento-Datetime", format_datetime(parse_timestamp(best.timestamp), usegmt=True)),
            ("Link", f'<{best.url}>; rel="original"'),
            ("X-Archive-Src", best.wayback_file or ""),
        ]
        if best.kind == "redirect" and best.location:
            location = f"{web}/{best.timestamp}{modifier}/{best.location}"
            orig = [(f"X-Archive-Orig-{k}", v) for k, v in headers if k.lower() != "location"]
            self._send(302, b"", [*orig, *memento, ("Location", location)], head=head)
            return
        ctype = next((v for k, v in headers if k.lower() == "content-type"), "application/octet-stream")
        orig = [(f"X-Archive-Orig-{k}", v) for k, v in headers if k.lower() != "content-type"]
        cut = len(body) // 2 if not head and self._truncated(best.url) else None
        self._send(status, body, [("Content-Type", ctype), *orig, *memento], head=head, cut=cut)

    # -- the CDX query language shared by both index servers -----------------------------------

    def _cdx(self, index: _Index, archive: str, head: bool) -> None:
        q = self._query()

        def one(name: str) -> str | None:
            values = q.get(name)
            return values[0] if values else None

        url = one("url")
        if not url:
            self._send(400, b"no url given\n", head=head)
            return
        selected = _url_range(index, url, one("matchType") or "exact")
        size = self.state.page_size
        pages = -(-len(selected) // size)
        if archive == "cc":
            pages = max(1, pages)  # ZipNum always counts the block where the key would be
        if one("showNumPages") == "true":
            if archive == "cc":
                body = json.dumps({"pages": pages, "pageSize": 1, "blocks": pages}).encode()
                self._send(200, body, head=head, ctype="application/json")
            else:
                self._send(200, f"{pages}\n".encode(), head=head)
            return
        page = one("page")
        if page is not None:
            if not page.isdigit() or (archive == "cc" and int(page) >= pages):
                msg = f"Page {page} invalid: First Page is 0, Last Page is {pages - 1}\n"
                self._send(400, msg.encode(), head=head)
                return
            selected = selected[int(page) * size : (int(page) + 1) * size]
        rows = [r for r in selected if _in_time(r["timestamp"], one("from"), one("to"))]
        for spec in q.get("filter", []):
            test = _filter(spec, archive)
            rows = [r for r in rows if test(r)]
        for spec in q.get("collapse", []):
            rows = _collapse(rows, spec)
        if (limit := one("limit")) and limit.lstrip("-").isdigit():
            rows = rows[: int(limit)] if int(limit) >= 0 else rows[int(limit) :]
        fields = [f for f in (one("fl") or "").split(",") if f]
        json_out = one("output") == "json"
        if archive == "cc":
            if not rows:
                body = json.dumps({"message": f"No Captures found for: {url}"}).encode()
                self._send(404, body, head=head, ctype="application/json")
                return
            self._send(
                200,
                _cc_body(rows, fields, json_out),
                head=head,
                ctype="text/x-ndjson" if json_out else "text/plain",
            )
        else:
            self._send(
                200,
                _ia_body(rows, fields, json_out),
                head=head,
                ctype="application/json" if json_out else "text/plain",
            )


def _cc_body(rows: list[dict[str, str]], fields: list[str], json_out: bool) -> bytes:
    lines = []
    for row in rows:
        if json_out:
            lines.append(
                json.dumps({f: row[f] for f in fields if f in row} if fields else row, ensure_ascii=False)
            )
        elif fields:
            lines.append(" ".join(row.get(f, "-") for f in fields))
        else:
            rest = {k: v for k, v in row.items() if k not in _CC_FIELDS}
            lines.append(f"{row['urlkey']} {row['timestamp']} {json.dumps(rest, ensure_ascii=False)}")
    return "".join(f"{line}\n" for line in lines).encode("utf-8")


def _ia_body(rows: list[dict[str, str]], fields: list[str], json_out: bool) -> bytes:
    names = fields or list(_IA_FIELDS)
    table = [[row.get(f, "-") for f in names] for row in rows]
    if json_out:  # one row per line, as the Wayback writes it
        return (
            "[" + ",\n".join(json.dumps(row) for row in [names, *table]) + "]\n" if table else "[]\n"
        ).encode()
    return "".join(" ".join(values) + "\n" for values in table).encode()


def _parse_range(spec: str, size: int) -> tuple[int, int] | None:
    """``bytes=a-b``, ``bytes=a-`` or ``bytes=-n`` as (first, last) inside the file, else None (416)."""
    found = re.fullmatch(r"\s*bytes=(\d*)-(\d*)\s*", spec)
    if found is None or found.group(1) == found.group(2) == "":
        return None
    first, last = found.groups()
    if first == "":
        n = int(last)
        return (max(0, size - n), size - 1) if n > 0 and size > 0 else None
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    return (start, end) if start < size and start <= end else None


def _split_http(raw: bytes) -> tuple[int, list[tuple[str, str]], bytes]:
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers = [(k.strip(), v.strip()) for k, _, v in (line.partition(":") for line in lines[1:] if line)]
    return status, headers, body


class _Server(QuietServer):
    request_queue_size = 128  # a bench sends many requests at once


@contextmanager
def serve_archive(
    manifest: ArchiveManifest,
    *,
    fail_first: Mapping[str, Fail | tuple[int, int]] | None = None,
    truncate: Collection[str] | Mapping[str, int] = (),
    page_size: int | None = None,
    latency: float = 0.0,
) -> Iterator[ArchiveEndpoints]:
    """Serve the archive's four services on 127.0.0.1, each on its own port; yield their URLs.

    - ``cc_index_url``: ``/collinfo.json`` and ``/<collection>-index?url=...`` (the CDX API);
    - ``cc_data_url``: the WARC files at ``/crawl-data/...`` with ``Range`` (206 and
      ``Content-Range``; 416 for a range outside the file; HEAD);
    - ``ia_cdx_url`` (``.../cdx/search/cdx``): the Wayback CDX API;
    - ``ia_web_url`` (``.../web``): ``/web/<timestamp>id_/<url>``, the raw capture with its
      headers as ``X-Archive-Orig-*``; a redirect capture is a 302 to the target's ``id_`` URL,
      a timestamp not held a 302 to the nearest capture.

    Both CDX APIs take ``url``, ``matchType`` (exact, prefix, host, domain; also ``*.host`` and
    ``prefix*``), ``from``/``to`` (timestamp prefixes, inclusive), ``filter`` (several), ``collapse``,
    ``fl``, ``output=json``, ``limit``, ``page`` (0-based) and ``showNumPages=true``. Pages are
    ``page_size`` lines of the URL range *before* the other parameters apply, as the archives'
    block indexes work, so a page may come back with fewer lines or none.

    Faults: ``fail_first`` maps a path prefix (``/crawl-data/``, ``/CC-MAIN-``, ``/cdx/``,
    ``/web/``...) to a :class:`Fail` or ``(times, retry_after)``: the first requests under it get
    503 with ``Retry-After``. ``truncate`` names capture URLs whose answer (a range response on the
    data server, the raw capture on the Wayback) is cut to half its length and the connection
    closed; a mapping gives how many times. ``latency`` (seconds) delays every answer, a network
    simulated locally. Every answer is appended to ``log``.
    """
    faults = {
        prefix: fault if isinstance(fault, Fail) else Fail(fault[0], fault[1])
        for prefix, fault in (fail_first or {}).items()
    }
    cut: dict[str, int | None] = (
        dict(truncate) if isinstance(truncate, Mapping) else dict.fromkeys(truncate, None)
    )
    state = _State(manifest, page_size or manifest.page_size, faults, cut, latency, [])
    state.files = frozenset(manifest.warc_files)
    _load_indexes(state)
    servers: dict[str, _Server] = {}
    try:
        for endpoint in ("cc_index", "cc_data", "ia_cdx", "ia_web"):
            handler = type(f"ArchiveHandler_{endpoint}", (_Handler,), {"state": state, "endpoint": endpoint})
            server = _Server(("127.0.0.1", 0), handler)
            servers[endpoint] = server
            state.urls[endpoint] = f"http://127.0.0.1:{server.server_address[1]}"
        state.urls["ia_web"] += "/web"
        for server in servers.values():
            threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        yield ArchiveEndpoints(
            cc_index_url=state.urls["cc_index"],
            cc_data_url=state.urls["cc_data"],
            ia_cdx_url=state.urls["ia_cdx"] + "/cdx/search/cdx",
            ia_web_url=state.urls["ia_web"],
            log=state.log,
            manifest=manifest,
        )
    finally:
        for server in servers.values():
            server.shutdown()
            server.server_close()


def main(argv: list[str] | None = None) -> None:
    """Build the demo site's archive (or load one built before) and serve it until interrupted.

    Prints the ``-s`` settings that point ``crimecorpus backfill`` at it, and with ``--sources``
    writes the matching sources file, so a backfill can be tried by hand.
    """
    import argparse
    import tempfile
    from contextlib import suppress

    parser = argparse.ArgumentParser(prog="python -m corpus.devtools.archive", description=main.__doc__)
    parser.add_argument("--dir", type=Path, help="archive directory (default: a new temporary one)")
    parser.add_argument("--collections", choices=("weekly", "monthly", "yearly"), default="monthly")
    parser.add_argument("--page-size", type=int, default=DEFAULT_PAGE_SIZE, help="index lines per CDX page")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds added to every answer")
    parser.add_argument("--sources", type=Path, help="also write the demo's sources file for these origins")
    args = parser.parse_args(argv)
    root = args.dir or Path(tempfile.mkdtemp(prefix="crimecorpus-archive-"))
    if (root / "manifest.json").is_file():
        manifest = ArchiveManifest.load(root)
    else:
        manifest = build_archive(
            root, demo_archive_pages(), collections=args.collections, page_size=args.page_size
        )
    if args.sources:
        write_demo_sources(args.sources)
    with serve_archive(manifest, latency=args.latency) as endpoints:
        print(f"{len(manifest.captures)} captures in {root}", flush=True)
        print(" ".join(f"-s {k}={v}" for k, v in endpoints.settings().items()), flush=True)
        with suppress(KeyboardInterrupt):
            threading.Event().wait()


if __name__ == "__main__":
    main()
