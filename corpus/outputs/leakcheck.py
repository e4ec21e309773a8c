"""``export --check``: search a written export for the name forms of the persons the private data names.

The check reads the database again without pseudonymisation, derives every name form of every
person each article names (corpus.annotate.pseudonymise.find_name_forms: full forms, surnames, initials,
first names), and looks for them in the output as written, per article, in every field. A full
"first name plus initial" form known from any article is also looked for in every other
article. It is the guard behind the replacement: the same rules find and replace, so a hit
means a bug or a changed database, and the export must not be shared until it is explained.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from corpus.annotate.pseudonymise import find_name_forms, leaks, named_forms, pseudonymous_id, strings_in
from corpus.outputs.export import ExportError, ExportFilter, article_record, iter_articles

__all__ = ["CheckResult", "check_export"]


@dataclass
class CheckResult:
    """What the check read and found; ``hits`` are ``(article id in the output, "field: form")``."""

    articles: int = 0
    forms: int = 0
    hits: list[tuple[str, str]] = field(default_factory=list)


def _known_forms(engine: Engine, flt: ExportFilter) -> tuple[dict[str, list[str]], set[str]]:
    """Name forms per output id, and every full form of the corpus (lower case)."""
    per_article: dict[str, list[str]] = {}
    everywhere: set[str] = set()
    for article in iter_articles(engine, replace(flt, pseudonymise=False)):
        record = {**article_record(article), "description": article.description}
        names = find_name_forms(record, salt=flt.salt)
        key = pseudonymous_id(article.id, flt.salt) if flt.pseudonymise else article.id
        per_article[key] = names.names()
        everywhere |= names.full
    return per_article, everywhere


def _output_records(out: Path, fmt: str) -> Iterator[dict[str, Any]]:
    """The records as written: JSONL lines, or ``{"id", "text"}`` per text file."""
    if fmt == "jsonl":
        with out.open(encoding="utf-8") as handle:
            for line in handle:
                if line.strip():
                    yield json.loads(line)
    elif fmt == "txt":
        for path in sorted(out.glob("*/*.txt")):
            yield {"id": path.stem, "text": path.read_text(encoding="utf-8")}
    else:
        raise ExportError(f"--check cannot read the {fmt!r} format")


def check_export(engine: Engine, out: Path, fmt: str, flt: ExportFilter) -> CheckResult:
    """Look for every known person's name form in the export at ``out`` (written with ``flt``)."""
    per_article, everywhere = _known_forms(engine, flt)
    result = CheckResult(forms=sum(len(forms) for forms in per_article.values()))
    for record in _output_records(out, fmt):
        result.articles += 1
        ident = str(record.get("id"))
        found = leaks(record, per_article.get(ident, []))
        for key, value in record.items():
            for text in strings_in(value):
                found += [f"{key}: {printed}" for printed, form in named_forms(text) if form in everywhere]
        result.hits += [(ident, hit) for hit in dict.fromkeys(found)]
    return result
