"""TDMRep, the W3C Text and Data Mining Reservation Protocol: read it, decide, record it.

A rightsholder can reserve text and data mining of their pages (EU DSM Directive, Art. 4(3)) in
three machine-readable ways, all read here:

- ``/.well-known/tdmrep.json`` on the origin: a JSON array of rules ``{"location": "/path/*",
  "tdm-reservation": 1, "tdm-policy": "https://..."}``; the first rule whose location matches
  the path applies (``*`` matches any run of characters, a final ``$`` anchors the end,
  otherwise a location is a prefix);
- the ``tdm-reservation`` (and ``tdm-policy``) HTTP response header;
- ``<meta name="tdm-reservation" content="1">`` (and ``tdm-policy``) in the HTML head.

Precedence: the more specific declaration wins. The header overrides the well-known file (the
protocol's HTTP section says header values override those of the file), and the page's own
metadata overrides both. ``1`` reserves, ``0`` explicitly does not; anything else says nothing.

Reserved pages are not kept unless the user sets ``CORPUS_TDM_RESEARCH_EXCEPTION = True``:
Article 3 of the DSM Directive lets research organisations and cultural heritage institutions
mine lawfully accessible works for scientific research whatever the reservation. Every reservation
seen is stored in the ``tdm_declarations`` table, so a corpus can say which of its articles came
from reserved pages.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine

from corpus.store.models import TdmDeclaration
from corpus.store.storage import insert_for

WELL_KNOWN_PATH = "/.well-known/tdmrep.json"
MAX_FILE_BYTES = 256 * 1024
MAX_RULES = 1000
META_SCAN_BYTES = 256 * 1024


@dataclass(frozen=True)
class TdmRule:
    """One rule of a tdmrep.json file."""

    location: str
    reserved: bool | None
    policy: str | None = None
    # The location compiled once, here, not on every request it is matched against.
    pattern: re.Pattern[str] | None = field(init=False, default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "pattern", _location_pattern(self.location))


@dataclass(frozen=True)
class TdmDecision:
    """The reservation that applies to one page and where it was declared."""

    reserved: bool | None  # None: nobody declared anything
    via: str | None = None  # "meta" | "header" | "well-known"
    policy: str | None = None


def _flag(value: object) -> bool | None:
    text = str(value).strip() if value is not None else ""
    return True if text == "1" else False if text == "0" else None


def parse_tdmrep_json(body: bytes) -> list[TdmRule]:
    """The rules of a tdmrep.json file; an unusable file declares nothing (an empty list)."""
    if len(body) > MAX_FILE_BYTES:
        return []
    try:
        data = json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        return []
    if not isinstance(data, list):
        return []
    rules = []
    for raw in data[:MAX_RULES]:
        if not isinstance(raw, dict) or not isinstance(raw.get("location"), str):
            continue
        policy = raw.get("tdm-policy")
        rules.append(
            TdmRule(
                raw["location"].strip(),
                _flag(raw.get("tdm-reservation")),
                policy if isinstance(policy, str) else None,
            )
        )
    return rules


def _location_pattern(location: str) -> re.Pattern[str] | None:
    """A location as a regex (``None`` for an empty location, which matches nothing)."""
    if not location:
        return None
    anchored = location.endswith("$")
    pattern = location[:-1] if anchored else location
    regex = ".*".join(re.escape(part) for part in pattern.split("*"))
    return re.compile(regex + ("$" if anchored else ""))


def location_matches(location: str, path: str) -> bool:
    """Robots.txt-style path pattern: ``*`` any characters, final ``$`` end, else a prefix."""
    pattern = _location_pattern(location)
    return pattern is not None and pattern.match(path) is not None


def match_rule(rules: list[TdmRule], path: str) -> TdmRule | None:
    """The first rule whose location matches ``path`` (path plus query, as requested)."""
    return next((r for r in rules if r.pattern is not None and r.pattern.match(path) is not None), None)


_META = re.compile(rb"<meta\b[^>]*>", re.IGNORECASE)
_ATTR = re.compile(rb"""([a-zA-Z_:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+))""")
_HEAD_END = re.compile(rb"</head\s*>|<body\b", re.IGNORECASE)


def meta_declaration(html: bytes) -> tuple[bool | None, str | None]:
    """``tdm-reservation`` and ``tdm-policy`` from the meta tags of a page's head."""
    head = html[:META_SCAN_BYTES]
    end = _HEAD_END.search(head)
    if end:
        head = head[: end.start()]
    reserved: bool | None = None
    policy: str | None = None
    for tag in _META.finditer(head):
        attrs = {
            m.group(1).lower(): (m.group(2) or m.group(3) or m.group(4) or b"")
            for m in _ATTR.finditer(tag.group(0))
        }
        name = attrs.get(b"name", b"").strip().lower()
        content = attrs.get(b"content", b"").decode("utf-8", "replace").strip()
        if name == b"tdm-reservation" and reserved is None:
            reserved = _flag(content)
        elif name == b"tdm-policy" and policy is None:
            policy = content or None
    return reserved, policy


def header_declaration(reservation: str | None, policy: str | None) -> tuple[bool | None, str | None]:
    return _flag(reservation), (policy.strip() or None) if policy else None


def decide(
    meta: tuple[bool | None, str | None],
    header: tuple[bool | None, str | None],
    rule: TdmRule | None,
) -> TdmDecision:
    """Apply the precedence: page metadata, then the HTTP header, then the well-known file."""
    if meta[0] is not None:
        return TdmDecision(meta[0], "meta", meta[1])
    if header[0] is not None:
        return TdmDecision(header[0], "header", header[1])
    if rule is not None and rule.reserved is not None:
        return TdmDecision(rule.reserved, "well-known", rule.policy)
    return TdmDecision(None)


# -- the record of declarations (table created by migration 0005) ---------------------------
def record_declarations(engine: Engine, rows: list[dict[str, Any]]) -> None:
    """Upsert declarations on (source, origin, via, location), keeping the first sighting."""
    if not rows:
        return
    now = dt.datetime.now(dt.UTC)
    unique: dict[tuple[str, str, str, str], dict[str, Any]] = {}
    for row in rows:
        key = (row["source"], row["origin"], row["via"], row["location"][:1024])
        unique[key] = {
            **row,
            "location": key[3],
            "first_seen": row.get("first_seen", now),
            "last_seen": now,
        }
    # One statement executed over the rows (not one multi-VALUES statement): no crawl's record
    # can exceed the database's limit on bound parameters.
    stmt = insert_for(engine)(TdmDeclaration)
    stmt = stmt.on_conflict_do_update(
        index_elements=["source", "origin", "via", "location"],
        set_={c: stmt.excluded[c] for c in ("reserved", "policy", "kept", "last_seen", "crawl_run_id")},
    )
    with engine.begin() as conn:
        conn.execute(stmt, list(unique.values()))
