"""The counts a data card and its plots are drawn from, gathered in one pass over the records.

A tally holds counters, never articles, so a snapshot of a million articles is described in the
memory of a few thousand keys (outlets x months, categories x months, places).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass
class OutletInfo:
    """What the data card says about one source: its outlet, country and time span."""

    source: str
    outlet: str
    country: str
    articles: int = 0
    first: str | None = None  # YYYY-MM-DD
    last: str | None = None


@dataclass
class Tally:
    """Counts over article records (``corpus.outputs.export.article_record``)."""

    articles: int = 0
    undated: int = 0
    crime: int = 0
    first: str | None = None
    last: str | None = None
    outlets: dict[str, OutletInfo] = field(default_factory=dict)
    per_month: Counter[str] = field(default_factory=Counter)
    per_outlet_month: Counter[tuple[str, str]] = field(default_factory=Counter)
    per_category: Counter[str] = field(default_factory=Counter)
    per_category_month: Counter[tuple[str, str]] = field(default_factory=Counter)
    per_stage: Counter[str] = field(default_factory=Counter)
    per_country: Counter[str] = field(default_factory=Counter)
    per_variant: Counter[str] = field(default_factory=Counter)
    per_place: Counter[str] = field(default_factory=Counter)
    per_kind: Counter[str] = field(default_factory=Counter)  # article | photo | liveblog
    paywalled: int = 0
    teasers: int = 0  # text_complete == "teaser": a paywall hid the text
    per_agency: Counter[str] = field(default_factory=Counter)
    wire: int = 0  # articles in clusters whose copies credit a news agency
    per_provenance: Counter[str] = field(default_factory=Counter)  # obtained_via
    shared_clusters: set[str] = field(default_factory=set)  # clusters with more than one article
    in_shared_clusters: int = 0  # articles in those clusters

    def add(self, record: Mapping[str, Any]) -> None:
        """Count one article record."""
        self.articles += 1
        info = self.outlets.get(record["source"])
        if info is None:
            info = self.outlets[record["source"]] = OutletInfo(
                record["source"], record["outlet"], record["country"]
            )
        info.articles += 1
        published = record.get("published")
        month = record.get("date")
        if published:
            self.first = min(self.first or published, published)
            self.last = max(self.last or published, published)
            info.first = min(info.first or published, published)
            info.last = max(info.last or published, published)
        if month:
            self.per_month[month] += 1
            self.per_outlet_month[(record["outlet"], month)] += 1
        else:
            self.undated += 1
        self.per_country[record["country"]] += 1
        self.per_kind[record.get("kind") or "article"] += 1
        self.paywalled += bool(record.get("paywalled"))
        self.teasers += record.get("text_complete") == "teaser"
        if record.get("agency"):
            self.per_agency.update(a.strip() for a in str(record["agency"]).split(","))
        self.wire += bool(record.get("wire"))
        self.per_provenance[record.get("obtained_via") or "live"] += 1
        self.per_variant[record.get("language_variant") or "unknown"] += 1
        if record.get("is_crime"):
            self.crime += 1
            self.per_stage[record.get("stage") or "unknown"] += 1
        for category in record.get("categories") or ():
            self.per_category[category] += 1
            if month:
                self.per_category_month[(category, month)] += 1
        # A place counts once per article, under its municipality where the gazetteer knows it.
        places = {p.get("municipality") or p.get("name") for p in record.get("places") or ()}
        self.per_place.update(p for p in places if p)
        if int(record.get("cluster_size") or 1) > 1 and record.get("cluster_id"):
            self.shared_clusters.add(record["cluster_id"])
            self.in_shared_clusters += 1

    def add_all(self, records: Iterable[Mapping[str, Any]]) -> Tally:
        for record in records:
            self.add(record)
        return self

    def months(self) -> list[str]:
        """Every month from the first to the last dated one, gaps included (a gap is data too)."""
        if not self.per_month:
            return []
        first, last = min(self.per_month), max(self.per_month)
        y, m = int(first[:4]), int(first[5:7])
        out = []
        while f"{y:04d}-{m:02d}" <= last:
            out.append(f"{y:04d}-{m:02d}")
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        return out
