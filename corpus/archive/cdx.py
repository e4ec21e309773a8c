"""CDX indexes of web archives: the queries a backfill sends and the capture lines they answer.

Two archives, one shape. Common Crawl runs a pywb CDX server per crawl ("collection"), listed in
``collinfo.json``; each answer line names the WARC file, offset and length of one capture, so the
record can be fetched with a range request. The Internet Archive's Wayback CDX server answers for
its whole archive; a capture is then fetched as a raw ``id_`` snapshot (:mod:`corpus.archive.wayback`).
Everything here is pure: URLs are built and bodies parsed, the fetching is the crawler's.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

ARCHIVES = ("cc", "ia")
TIMESTAMP_FORMAT = "%Y%m%d%H%M%S"
_MONTH = re.compile(r"(\d{4})-(\d{2})")
_TIMESTAMP = re.compile(r"\d{14}")
_CC_ID = re.compile(r"CC-MAIN-(\d{4})-(\d{2})")
CC_CRAWL_WEEKS = 4
"""How long before the week its id names a Common Crawl crawl may have started (they take 2-3 weeks)."""

IA_FIELDS = ("urlkey", "timestamp", "original", "mimetype", "statuscode", "digest", "length")
"""The Wayback CDX fields a backfill asks for (``fl=``), also the order of its default text output."""


def _month_start(value: str, name: str) -> dt.datetime:
    match = _MONTH.fullmatch(value.strip())
    if match is None or not 1 <= int(match[2]) <= 12:
        raise ValueError(f"{name} must be a month written YYYY-MM (for example 2018-02), got {value!r}")
    return dt.datetime(int(match[1]), int(match[2]), 1, tzinfo=dt.UTC)


def _next_month(when: dt.datetime) -> dt.datetime:
    if when.month == 12:
        return when.replace(year=when.year + 1, month=1)
    return when.replace(month=when.month + 1)


def _utc(when: dt.datetime) -> dt.datetime:
    """Aware UTC; a naive time is taken as UTC, which is what archives write."""
    return when.replace(tzinfo=dt.UTC) if when.tzinfo is None else when.astimezone(dt.UTC)


@dataclass(frozen=True)
class Span:
    """Whole months of captures a backfill asks for: ``start`` inclusive, ``end`` exclusive, in UTC.

    Months rather than days because both CDX servers take ``from``/``to`` as timestamp prefixes:
    ``to=201803`` reaches the last second of March, so the index query and :meth:`contains`
    agree on the edges.
    """

    start: dt.datetime
    end: dt.datetime

    @classmethod
    def parse(cls, from_: str, to: str) -> Span:
        """The span from the first instant of month ``from_`` to the end of month ``to`` (YYYY-MM)."""
        start = _month_start(from_, "from")
        last = _month_start(to, "to")
        if start > last:
            raise ValueError(f"from {from_.strip()} is after to {to.strip()}")
        return cls(start, _next_month(last))

    @property
    def cdx_from(self) -> str:
        return self.start.strftime("%Y%m")

    @property
    def cdx_to(self) -> str:
        last = self.end - dt.timedelta(days=1)
        return last.strftime("%Y%m")

    def contains(self, when: dt.datetime) -> bool:
        return self.start <= _utc(when) < self.end


@dataclass(frozen=True)
class Capture:
    """One archived copy of a URL as an index lists it: enough to fetch it and to say where it came from.

    ``offset``, ``length``, ``filename`` and ``collection`` locate a Common Crawl record; a Wayback
    capture needs only ``timestamp`` and ``url``. ``status`` is None for revisits ("-").
    """

    archive: str
    url: str
    timestamp: str
    status: int | None = None
    mime: str | None = None
    digest: str | None = None
    length: int | None = None
    offset: int | None = None
    filename: str | None = None
    collection: str | None = None

    def __post_init__(self) -> None:
        if self.archive not in ARCHIVES:
            raise ValueError(f"unknown archive {self.archive!r} (expected one of {', '.join(ARCHIVES)})")
        if not self.url:
            raise ValueError("a capture needs a URL")
        if not _TIMESTAMP.fullmatch(self.timestamp):
            raise ValueError(f"a capture timestamp has 14 digits, got {self.timestamp!r}")
        dt.datetime.strptime(self.timestamp, TIMESTAMP_FORMAT)  # ValueError on 20181345...

    @property
    def captured_at(self) -> dt.datetime:
        return dt.datetime.strptime(self.timestamp, TIMESTAMP_FORMAT).replace(tzinfo=dt.UTC)

    def to_payload(self) -> dict[str, Any]:
        """A JSON-able dict (a work item's payload) that :meth:`from_payload` turns back into this."""
        return dataclasses.asdict(self)

    @classmethod
    def from_payload(cls, payload: Mapping[str, Any]) -> Capture:
        """The capture a payload describes; unknown keys are ignored, missing optional ones are None.

        ValueError when a field has the wrong type: a payload comes back from the database, and
        a bad one should fail its work item, not fetch a wrong capture.
        """
        archive, url, timestamp = (payload.get(k) for k in ("archive", "url", "timestamp"))
        if not isinstance(archive, str) or not isinstance(url, str) or not isinstance(timestamp, str):
            raise ValueError(f"not a capture payload: {dict(payload)!r}"[:500])
        return cls(
            archive=archive,
            url=url,
            timestamp=timestamp,
            status=_int_or_none(payload.get("status")),
            mime=_str_or_none(payload.get("mime")),
            digest=_str_or_none(payload.get("digest")),
            length=_int_or_none(payload.get("length")),
            offset=_int_or_none(payload.get("offset")),
            filename=_str_or_none(payload.get("filename")),
            collection=_str_or_none(payload.get("collection")),
        )


@dataclass(frozen=True)
class Collection:
    """One Common Crawl crawl's index: its CDX endpoint and when its captures were made, if known."""

    id: str
    cdx_api: str
    start: dt.datetime | None = None
    end: dt.datetime | None = None


def _iso(value: object) -> dt.datetime | None:
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        return _utc(dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00")))
    except ValueError:
        return None


def _period_from_id(crawl_id: str) -> tuple[dt.datetime, dt.datetime] | None:
    """The period a crawl id ``CC-MAIN-YYYY-WW`` implies: the weeks before ISO week WW, and that week.

    A crawl is named for the week it ended in or just before (CC-MAIN-2018-09, "February 2018",
    ran in the second half of February; week 9 began on 26 February). The estimate errs wide: a
    collection queried needlessly costs one empty index answer, one missed costs captures.
    """
    match = _CC_ID.fullmatch(crawl_id)
    if match is None:
        return None
    try:
        monday = dt.datetime.fromisocalendar(int(match[1]), int(match[2]), 1).replace(tzinfo=dt.UTC)
    except ValueError:
        return None
    return monday - dt.timedelta(weeks=CC_CRAWL_WEEKS), monday + dt.timedelta(weeks=1)


def parse_collinfo(body: bytes) -> list[Collection]:
    """Common Crawl's ``collinfo.json``: its crawls sorted by id, each with a period when one is known.

    Newer entries give ``from``/``to``; older ones only an id, from which the period is estimated.
    Entries without an id or a CDX endpoint cannot be queried and are left out. ValueError when
    the body is not a JSON list.
    """
    try:
        entries = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValueError(f"collinfo.json is not JSON: {exc}") from exc
    if not isinstance(entries, list):
        raise ValueError("collinfo.json is not a list of collections")
    collections = []
    for entry in entries:
        if not isinstance(entry, dict):
            continue
        crawl_id, api = entry.get("id"), entry.get("cdx-api")
        if not isinstance(crawl_id, str) or not crawl_id or not isinstance(api, str) or not api:
            continue
        start, end = _iso(entry.get("from")), _iso(entry.get("to"))
        if start is None or end is None:
            start, end = _period_from_id(crawl_id) or (None, None)
        collections.append(Collection(crawl_id, api, start, end))
    return sorted(collections, key=lambda c: c.id)


def collections_for(span: Span, cols: Iterable[Collection]) -> list[Collection]:
    """The collections whose period overlaps ``span``; one with no known period is kept (it may)."""
    return [
        c for c in cols if c.start is None or c.end is None or (c.start < span.end and c.end >= span.start)
    ]


def _with_query(base: str, params: list[tuple[str, str]]) -> str:
    return f"{base}{'&' if '?' in base else '?'}{urlencode(params)}"


def _paging(page: int | None, num_pages: bool) -> list[tuple[str, str]]:
    """The paging parameters: the number of pages (``showNumPages``) or page ``page`` (0-based)."""
    if num_pages:
        if page is not None:
            raise ValueError("ask either for the number of pages or for one page, not both")
        return [("showNumPages", "true")]
    if page is None:
        return []
    if page < 0:
        raise ValueError(f"pages count from 0, got {page}")
    return [("page", str(page))]


def _host_span(host: str, span: Span) -> list[tuple[str, str]]:
    """What both CDX APIs are asked alike: the host and its subdomains, the span, JSON lines."""
    return [
        ("url", host),
        ("matchType", "domain"),
        ("from", span.cdx_from),
        ("to", span.cdx_to),
        ("output", "json"),
    ]


def cc_query(api: str, host: str, span: Span, *, page: int | None = None, num_pages: bool = False) -> str:
    """A Common Crawl index query for the HTML 200 captures of ``host`` and its subdomains in ``span``.

    The filters run on the index server, so redirects, errors and images never travel.
    """
    params = [*_host_span(host, span), ("filter", "=status:200"), ("filter", "~mime:html")]
    return _with_query(api, params + _paging(page, num_pages))


def ia_query(cdx_url: str, host: str, span: Span, *, page: int | None = None, num_pages: bool = False) -> str:
    """A Wayback CDX query for the HTML 200 captures of ``host`` and its subdomains in ``span``.

    ``collapse=urlkey`` keeps one capture per URL (the Wayback often holds dozens of a front
    page or a popular article); ``fl`` names the fields so the answer's shape is known.
    """
    params = [
        *_host_span(host, span),
        ("filter", "statuscode:200"),
        ("filter", "mimetype:text/html"),
        ("collapse", "urlkey"),
        ("fl", ",".join(IA_FIELDS)),
    ]
    return _with_query(cdx_url, params + _paging(page, num_pages))


def parse_num_pages(body: bytes) -> int:
    """The number of index pages a ``showNumPages`` query answered.

    Common Crawl answers ``{"pages": N, "pageSize": .., "blocks": ..}``; the Wayback CDX server a
    bare integer. Anything else (an error page, a negative count) is a ValueError, so a failed
    probe is never read as "no pages".
    """
    try:
        value = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValueError(f"not a page count: {body[:200]!r}") from exc
    if isinstance(value, dict):
        value = value.get("pages")
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"not a page count: {body[:200]!r}")
    return value


def _int_or_none(value: object) -> int | None:
    """An index number field: "-" (revisits) or missing is None; anything else not a number raises."""
    if value is None or value == "-" or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError(f"not a number: {value!r}")
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    raise ValueError(f"not a number: {value!r}")


def _str_or_none(value: object) -> str | None:
    if value is None or value == "-" or value == "":
        return None
    if not isinstance(value, str):
        raise ValueError(f"not a string: {value!r}")
    return value


def _lines(body: bytes) -> Iterable[str | None]:
    """The body's non-blank lines, each decoded; None for a line that is not UTF-8."""
    for raw in body.split(b"\n"):
        if not raw.strip():
            continue
        try:
            yield raw.decode("utf-8").strip()
        except UnicodeDecodeError:
            yield None


def _cc_capture(line: str, collection: str | None) -> Capture:
    """One Common Crawl index line (JSON, or CDXJ "urlkey timestamp {json}"); ValueError if unreadable."""
    timestamp = None
    if not line.startswith("{"):
        parts = line.split(" ", 2)
        if len(parts) != 3:
            raise ValueError("neither JSON nor CDXJ")
        timestamp, line = parts[1], parts[2]
    fields = json.loads(line)
    if not isinstance(fields, dict):
        raise ValueError("not a JSON object")
    url = _str_or_none(fields.get("url"))
    timestamp = _str_or_none(fields.get("timestamp")) or timestamp
    if url is None or timestamp is None:
        raise ValueError("no url or timestamp")
    mime = _str_or_none(fields.get("mime"))
    if mime is None or mime == "unk":  # the server sent no usable Content-Type
        mime = _str_or_none(fields.get("mime-detected")) or mime
    return Capture(
        archive="cc",
        url=url,
        timestamp=timestamp,
        status=_int_or_none(fields.get("status")),
        mime=mime,
        digest=_str_or_none(fields.get("digest")),
        length=_int_or_none(fields.get("length")),
        offset=_int_or_none(fields.get("offset")),
        filename=_str_or_none(fields.get("filename")),
        collection=collection,
    )


def parse_cc_lines(body: bytes, collection: str | None) -> tuple[list[Capture], int]:
    """The captures of one Common Crawl index page, and how many of its lines could not be read.

    A bad line costs only itself: an index page holds thousands, and one odd line (a cut answer,
    a field of the wrong type) should neither lose the others nor pass unnoticed.
    """
    captures, unreadable = [], 0
    for line in _lines(body):
        try:
            if line is None:
                raise ValueError("not UTF-8")
            captures.append(_cc_capture(line, collection))
        except ValueError:  # json.JSONDecodeError is one
            unreadable += 1
    return captures, unreadable


def _ia_capture(row: Mapping[str, object]) -> Capture:
    url, timestamp = _str_or_none(row.get("original")), _str_or_none(row.get("timestamp"))
    if url is None or timestamp is None:
        raise ValueError("no original URL or timestamp")
    return Capture(
        archive="ia",
        url=url,
        timestamp=timestamp,
        status=_int_or_none(row.get("statuscode")),
        mime=_str_or_none(row.get("mimetype")),
        digest=_str_or_none(row.get("digest")),
        length=_int_or_none(row.get("length")),
    )


def _json_rows(body: bytes) -> tuple[list[object], int]:
    """The rows of a Wayback ``output=json`` answer, and the lines that held none.

    The server writes one row per line; a cut answer is not valid JSON as a whole, so its lines
    are then read one by one and the rows before the cut survive.
    """
    try:
        rows = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        pass
    else:
        if isinstance(rows, list):
            return rows, 0
        return [], 1
    found: list[object] = []
    bad = 0
    for line in _lines(body):
        if line is None:
            bad += 1
            continue
        text = line.rstrip(",")
        if text.startswith("[["):
            text = text[1:]
        if text.endswith("]]"):
            text = text[:-1]
        if text in ("[", "]", ""):
            continue
        try:
            found.append(json.loads(text))
        except ValueError:
            bad += 1
    return found, bad


def parse_ia_lines(body: bytes) -> tuple[list[Capture], int]:
    """The captures of one Wayback CDX answer, and how many of its rows could not be read.

    ``output=json`` is an array of arrays whose first row names the fields; the default output is
    one capture per line, seven space-separated fields (:data:`IA_FIELDS`). An empty answer, or
    ``[]``, is no captures.
    """
    if not body.strip():
        return [], 0
    captures: list[Capture] = []
    unreadable = 0
    if body.lstrip().startswith(b"["):
        rows, unreadable = _json_rows(body)
        if not rows:
            return [], unreadable
        names = rows[0]
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            return [], unreadable + len(rows)
        for row in rows[1:]:
            try:
                if not isinstance(row, list) or len(row) != len(names):
                    raise ValueError("a row that does not match the field names")
                captures.append(_ia_capture(dict(zip(names, row, strict=True))))
            except ValueError:
                unreadable += 1
        return captures, unreadable
    for line in _lines(body):
        try:
            parts = (line or "").split()
            if len(parts) != len(IA_FIELDS):
                raise ValueError(f"{len(parts)} fields")
            captures.append(_ia_capture(dict(zip(IA_FIELDS, parts, strict=True))))
        except ValueError:
            unreadable += 1
    return captures, unreadable


def _is_html(mime: str) -> bool:
    base = mime.split(";", 1)[0].strip().lower()
    return "html" in base  # text/html, application/xhtml+xml


def capture_wanted(c: Capture) -> str | None:
    """None when a capture should be fetched, else why not: "revisit", "not_ok" or "not_html".

    The index queries filter on status and type already; this check is what keeps a server that
    ignored a filter (or a revisit record, which holds no body) from costing a fetch.
    """
    if (c.mime or "").strip().lower() == "warc/revisit":
        return "revisit"
    if c.status != 200:
        return "not_ok"
    if c.mime is None or not _is_html(c.mime):
        return "not_html"
    return None
