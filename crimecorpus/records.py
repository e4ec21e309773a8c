"""Typed article records: one exported JSONL object as a frozen dataclass.

The JSONL export is the corpus's published contract (README "JSONL fields"), so a record read
through the library is built from exactly that object (:func:`corpus.outputs.export.article_record`):
the same filters, the same pseudonymisation, the same values, only typed. ``as_record()`` gives
the JSONL object back, key for key, so code written against the library and code written against
an export file agree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from types import MappingProxyType
from typing import Any

from corpus.annotate.persons import Person
from corpus.annotate.places import Place
from corpus.text.extract import LiveEntry

__all__ = ["Article", "LiveEntry", "Person", "Place"]


def _place(row: Mapping[str, Any]) -> Place:
    values: dict[str, Any] = {f.name: row.get(f.name) for f in fields(Place)}
    return Place(**values)


def _person(row: Mapping[str, Any]) -> Person:
    values: dict[str, Any] = {f.name: row.get(f.name) for f in fields(Person)}
    return Person(**values)


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _datetime(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None


@dataclass(frozen=True)
class Article:
    """One stored article as the JSONL export writes it, with typed values.

    Dates are ``datetime.date`` / ``datetime.datetime`` (aware, UTC for ``fetched_at``), lists are
    tuples, places and persons are :class:`Place` and :class:`Person`. Fields an export adds that
    are not declared here (the package and classifier versions, the git commit) are kept in
    ``provenance``, so a newer export never breaks an older reader.
    """

    id: str
    url: str
    source: str
    outlet: str
    country: str
    kind: str  # article | photo | liveblog
    title: str | None
    text: str = field(repr=False)  # often thousands of characters
    text_complete: str  # full | teaser (a paywall hid the text)
    paywalled: bool | None
    entries: tuple[LiveEntry, ...]  # a live blog's entries
    author: str | None
    authors: tuple[str, ...]
    agency: str | None
    published: dt.date | None
    published_at: dt.datetime | None
    date: str | None  # YYYY-MM, the month of publication
    date_source: str
    date_confidence: float
    language: str
    language_prob: float
    language_variant: str | None  # nl-NL | nl-BE
    duplicate_of: str | None
    cluster_id: str | None
    cluster_size: int
    is_representative: bool
    wire: bool | None
    is_crime: bool | None
    crime_score: float | None
    categories: tuple[str, ...]
    primary_category: str | None
    stage: str | None  # justice stage (docs/classification.md)
    places: tuple[Place, ...]
    persons: tuple[Person, ...]
    crime_evidence: tuple[str, ...]
    fetched_at: dt.datetime
    obtained_via: str  # live | warc_file | cc_index | wayback
    captured_at: dt.datetime | None
    record_id: str | None
    provenance: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))

    def __hash__(self) -> int:
        # ``provenance`` is a mapping, so the generated hash would fail; equal records share an id.
        return hash((self.id, self.url))

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> Article:
        """Type one JSONL object (as written by ``crimecorpus export``)."""
        declared = {f.name for f in fields(cls)} - {"provenance"}
        return cls(
            id=record["id"],
            url=record["url"],
            source=record["source"],
            outlet=record["outlet"],
            country=record["country"],
            kind=record.get("kind") or "article",
            title=record.get("title"),
            text=record["text"],
            text_complete=record.get("text_complete") or "full",
            paywalled=record.get("paywalled"),
            entries=tuple(LiveEntry(e.get("at"), e.get("text") or "") for e in record.get("entries") or ()),
            author=record.get("author"),
            authors=tuple(record.get("authors") or ()),
            agency=record.get("agency"),
            published=_date(record.get("published")),
            published_at=_datetime(record.get("published_at")),
            date=record.get("date"),
            date_source=record.get("date_source") or "none",
            date_confidence=float(record.get("date_confidence") or 0.0),
            language=record["language"],
            language_prob=float(record["language_prob"]),
            language_variant=record.get("language_variant"),
            duplicate_of=record.get("duplicate_of"),
            cluster_id=record.get("cluster_id"),
            cluster_size=int(record.get("cluster_size") or 1),
            is_representative=bool(record.get("is_representative", True)),
            wire=record.get("wire"),
            is_crime=record.get("is_crime"),
            crime_score=record.get("crime_score"),
            categories=tuple(record.get("categories") or ()),
            primary_category=record.get("primary_category"),
            stage=record.get("stage"),
            places=tuple(_place(p) for p in record.get("places") or ()),
            persons=tuple(_person(p) for p in record.get("persons") or ()),
            crime_evidence=tuple(record.get("crime_evidence") or ()),
            fetched_at=dt.datetime.fromisoformat(record["fetched_at"]),
            obtained_via=record.get("obtained_via") or "live",
            captured_at=_datetime(record.get("captured_at")),
            record_id=record.get("record_id"),
            provenance=MappingProxyType({k: v for k, v in record.items() if k not in declared}),
        )

    def as_record(self) -> dict[str, Any]:
        """The JSONL object of this article, in the export's key order."""
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name == "provenance":
                out.update(value)
                continue
            if f.name in ("places", "persons", "entries"):
                value = [asdict(v) for v in value]
            elif isinstance(value, tuple):
                value = list(value)
            elif isinstance(value, dt.date):  # datetime is a date too
                value = value.isoformat()
            out[f.name] = value
        return out
