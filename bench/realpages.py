"""The real extraction pages of ../shared/benchmarks, listed once for every benchmark that walks them."""

from __future__ import annotations

import json
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "shared" / "benchmarks"
SETS = BENCH / "extraction"


def extraction_pages() -> list[tuple[str, str, Path]]:
    """(set, url, gzipped HTML file) for every page of trafilatura-eval and scrapinghub, in a stable
    order. A scrapinghub page without a URL gets a placeholder one, so URL rules see a real path."""
    pages: list[tuple[str, str, Path]] = []
    te = SETS / "trafilatura-eval"
    if te.exists():
        for url, entry in sorted(json.loads((te / "evaldata.json").read_text(encoding="utf-8")).items()):
            for folder in ("eval", "cache"):
                path = te / folder / (entry["file"] + ".gz")
                if path.exists():
                    pages.append(("trafilatura-eval", url, path))
                    break
    sh = SETS / "scrapinghub"
    if sh.exists():
        for sha, entry in sorted(json.loads((sh / "ground-truth.json").read_text(encoding="utf-8")).items()):
            url = entry.get("url") or f"https://scrapinghub.invalid/{sha}"
            pages.append(("scrapinghub", url, sh / "html" / f"{sha}.html.gz"))
    return pages
