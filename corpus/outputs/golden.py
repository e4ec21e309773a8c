"""Golden files: a fetched page stored with what the current extraction makes of it.

Fundus keeps a stored page and its expected output per publisher and tests its parsers against
them; ``crimecorpus sources snapshot`` does the same for a source: per page, the HTML as it was
analysed (``NAME.html.gz``, UTF-8) and a JSON file with the URL, the page context the crawl gave
the analysis (country, discovery dates, the feed's title, whether the URL matches an article
pattern) and the expected values. :func:`check_golden` analyses the stored HTML again with the
code of today and names every difference, so a change in extraction, dates, page kind or
language that moves a stored page is seen in the test suite (``tests/test_golden.py``), not in a
corpus months later.

What must stay equal: the verdict (kept, or rejected with its stage and reason), the page kind,
the title, the publication day, the paywall flag and the text's completeness. The text may move
a little (a stamp or a byline tidied away) but its word sequence must stay at least
:data:`TEXT_SIMILARITY_MIN` similar. ``date_source``, ``language`` and the crime score are kept for
the reader and not compared: a date found in another place on the same day is no regression.
"""

from __future__ import annotations

import datetime as dt
import difflib
import gzip
import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from corpus.analyse import Analysis, analyse_page
from corpus.store.ownership import ExportError, OutputKind, atomic_dir, check_target
from corpus.text.context import PageContext
from corpus.text.normalise import text_hash

__all__ = [
    "FORMAT",
    "GOLDEN",
    "STRICT_FIELDS",
    "TEXT_SIMILARITY_MIN",
    "GoldenCase",
    "GoldenPage",
    "check_golden",
    "check_writable",
    "expected_values",
    "golden_files",
    "load_golden",
    "text_similarity",
    "write_snapshot",
]

FORMAT = "crimecorpus-golden/1"
"""The format of a golden JSON file; a file of another format is refused, not misread."""

TEXT_SIMILARITY_MIN = 0.95
"""The least similarity (difflib's ratio over the texts' word sequences) a page's text may keep
against its golden text. 0.95 lets a removed update stamp or byline pass (a few words of a few
hundred) and fails a lost paragraph, a related box or a teaser list that joins the text."""

STRICT_FIELDS = ("verdict", "kind", "title", "published", "paywalled", "text_complete")
"""The expected values that must stay exactly equal (the text is compared by similarity)."""

GOLDEN = OutputKind(
    "sources snapshot",
    "golden",
    "golden folder",
    is_dir=True,
    layout=re.compile(r"[a-z0-9][a-z0-9._~-]*\.(json|html\.gz)"),
)
"""A snapshot folder: only its own JSON and gzipped HTML files (``corpus.store.ownership``)."""


def expected_values(analysis: Analysis, context: PageContext) -> dict[str, Any]:
    """What a page's analysis decided, as the values a golden file expects.

    The same reading of an :class:`~corpus.analyse.Analysis` as the crawl's analysis stage makes
    (``pipelines.analysis.apply_analysis``): the title falls back to the feed's, a bare year is
    no day (``date_source`` ``year_only``), the kind is the page-kind verdict.
    """
    extracted = analysis.extracted
    title = (extracted.title or context.fallback_title) if extracted else None
    date = extracted.date if extracted else None
    published = date.day.isoformat() if date is not None and date.day else None
    # As the crawl stores it: a bare year is no day, and says so.
    date_source = (
        "none" if date is None else ("year_only" if date.year_only and not date.day else date.source)
    )
    verdict = "kept" if analysis.stage is None else f"rejected {analysis.stage}/{analysis.reason}"
    text = extracted.text if extracted else ""
    return {
        "verdict": verdict,
        "kind": analysis.page_kind.kind if analysis.page_kind else None,
        "title": title,
        "published": published,
        "date_source": date_source,
        "paywalled": extracted.paywalled if extracted else False,
        "text_complete": extracted.text_complete if extracted else None,
        "language": analysis.language.lang if analysis.language else None,
        "crime_score": analysis.crime.get("crime_score") if analysis.crime else None,
        "text_hash": text_hash(text) if text else None,
        "text": text,
    }


@dataclass(frozen=True)
class GoldenPage:
    """One page of a snapshot: what was fetched, the context it was analysed with, the result."""

    url: str
    source: str
    fetched_at: dt.datetime
    html: str
    context: PageContext
    analysis: Analysis


def _stem(url: str) -> str:
    """A file name for a page: its path in words, and a hash of path and query (not the host:
    a demo site's port differs on every run, the page does not)."""
    parts = urlsplit(url)
    where = parts.path + (f"?{parts.query}" if parts.query else "")
    words = re.sub(r"[^a-z0-9]+", "-", parts.path.lower()).strip("-")[:60].strip("-") or "index"
    return f"{words}-{hashlib.sha1(where.encode('utf-8')).hexdigest()[:8]}"


def _record(page: GoldenPage, html_name: str, version: str) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "url": page.url,
        "source": page.source,
        "fetched_at": page.fetched_at.astimezone(dt.UTC).isoformat(timespec="seconds"),
        "html": html_name,
        "context": asdict(page.context),
        "crimecorpus_version": version,
        "expected": expected_values(page.analysis, page.context),
    }


def write_snapshot(out: Path, pages: Sequence[GoldenPage], version: str) -> list[Path]:
    """Write ``pages`` as golden files into ``out``, replacing an earlier snapshot there as a whole.

    ``out`` must be new, empty or an earlier snapshot (:data:`GOLDEN`, ``corpus.store.ownership``):
    a folder holding anything else is refused with one line (``ExportError``). Files are
    byte-stable for the same pages (gzip without a time stamp, sorted JSON keys).
    """
    written: list[Path] = []
    with atomic_dir(out, GOLDEN) as tmp:
        taken: set[str] = set()
        for page in pages:
            stem = _stem(page.url)
            if stem in taken:  # the same path twice (a redirect onto a page already listed)
                continue
            taken.add(stem)
            html_name = f"{stem}.html.gz"
            (tmp / html_name).write_bytes(gzip.compress(page.html.encode("utf-8"), mtime=0))
            record = _record(page, html_name, version)
            text = json.dumps(record, ensure_ascii=False, indent=2, sort_keys=True)
            (tmp / f"{stem}.json").write_text(text + "\n", encoding="utf-8", newline="\n")
            written.append(out / f"{stem}.json")
    return written


def check_writable(out: Path) -> None:
    """Refuse ``out`` now (``ExportError``) when a snapshot could not replace it, before any fetch."""
    check_target(out, GOLDEN)


# -- checking ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class GoldenCase:
    """A golden file as read back: where it is, the page and what it expects."""

    path: Path
    url: str
    html: str
    context: PageContext
    expected: dict[str, Any]


def golden_files(root: Path) -> list[Path]:
    """Every golden JSON file under ``root`` (any depth), in a stable order."""
    return sorted(p for p in root.rglob("*.json") if p.is_file()) if root.is_dir() else []


def load_golden(path: Path) -> GoldenCase:
    """Read a golden file and its HTML; a file that is not one is an ``ExportError`` naming it."""
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ExportError(f"{path}: not a readable golden file: {exc}") from None
    if not isinstance(record, dict) or record.get("format") != FORMAT:
        raise ExportError(f"{path}: not a golden file of format {FORMAT}")
    try:
        html = gzip.decompress((path.parent / record["html"]).read_bytes()).decode("utf-8")
        context = PageContext(**record["context"])
        return GoldenCase(path, record["url"], html, context, dict(record["expected"]))
    except (OSError, KeyError, TypeError, ValueError) as exc:
        raise ExportError(f"{path}: golden file incomplete: {exc}") from None


def text_similarity(a: str, b: str) -> float:
    """How much of two texts' word sequences match (difflib's ratio, 0..1; 1 for two empty texts)."""
    return difflib.SequenceMatcher(None, a.split(), b.split(), autojunk=False).ratio()


def check_golden(case: GoldenCase, *, threshold: float = TEXT_SIMILARITY_MIN) -> list[str]:
    """Analyse the stored page again; one line per difference from the golden file (none: it passes)."""
    now = expected_values(analyse_page(case.html, case.url, case.context), case.context)
    diffs = [
        f"{name}: expected {case.expected.get(name)!r}, got {now[name]!r}"
        for name in STRICT_FIELDS
        if case.expected.get(name) != now[name]
    ]
    ratio = text_similarity(case.expected.get("text") or "", now["text"])
    if ratio < threshold:
        diffs.append(f"text: similarity {ratio:.3f} to the golden text, below {threshold}")
    return diffs
