"""The not_prose rule (corpus.text.prose) on real pages: how many it would reject, and how close they come.

Extracts every page of the trafilatura evaluation set and the scrapinghub set with
``extract_article`` (as the crawl does) and of the bundled demo site, applies
:func:`corpus.text.prose.not_prose_reason`, and prints per set the pages rejected (with the reason) and
the largest value of each measured property beside its limit. Real news text should be rejected
~never; the limits leave a wide margin above the largest real values.

    python bench/prose.py [--workers N]
"""

from __future__ import annotations

import argparse
import gzip
import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from realpages import extraction_pages

from corpus.devtools.server import demo_site_root
from corpus.text.extract import extract_article
from corpus.text.prose import (
    _SENTENCE_END,
    _UNSPACED_SCRIPT,
    MAX_CHARS_PER_WORD,
    MAX_LINE_CHARS,
    MAX_WORDS_PER_END,
    MIN_CHARS_TO_JUDGE,
    MIN_WORDS_TO_JUDGE,
    not_prose_reason,
)


def _pages() -> list[tuple[str, str, Path]]:
    """(set, url, gzipped or plain HTML file) for every page of the three sets."""
    pages = extraction_pages()
    demo = demo_site_root()
    for path in sorted(demo.rglob("*.html")):
        pages.append(("demo site", f"http://demo.example/{path.relative_to(demo)}", path))
    return pages


def _measure(page: tuple[str, str, Path]) -> tuple[str, str, dict[str, float] | None, str | None]:
    name, url, path = page
    raw = path.read_bytes()
    html = gzip.decompress(raw) if path.suffix == ".gz" else raw
    article = extract_article(html.decode("utf-8", "replace"), url)
    if article is None:
        return name, url, None, None
    text = article.text
    words = len(text.split())
    spaced = len(text) - len(_UNSPACED_SCRIPT.findall(text))
    figures = {
        "longest line": max((len(line) for line in text.splitlines()), default=0),
        "chars per word": spaced / max(words, 1) if spaced >= MIN_CHARS_TO_JUDGE else 0.0,
        "words per end": (
            words / max(len(_SENTENCE_END.findall(text)), 1) if words >= MIN_WORDS_TO_JUDGE else 0.0
        ),
    }
    return name, url, figures, not_prose_reason(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    limits = {
        "longest line": MAX_LINE_CHARS,
        "chars per word": MAX_CHARS_PER_WORD,
        "words per end": MAX_WORDS_PER_END,
    }
    totals: dict[str, dict[str, float]] = {}
    rejected: dict[str, list[str]] = {}
    with ProcessPoolExecutor(args.workers) as pool:
        for name, url, figures, reason in pool.map(_measure, _pages(), chunksize=8):
            row = totals.setdefault(name, {"pages": 0, "texts": 0, **dict.fromkeys(limits, 0.0)})
            row["pages"] += 1
            if figures is None:
                continue
            row["texts"] += 1
            for key, value in figures.items():
                row[key] = max(row[key], value)
            if reason:
                rejected.setdefault(name, []).append(f"{url}: {reason}")
    header = f"{'set':<18} {'pages':>5} {'texts':>5} {'not_prose':>9}"
    header += "".join(f" {f'max {key} (limit {limit:g})':>34}" for key, limit in limits.items())
    print(header)
    for name, row in totals.items():
        line = f"{name:<18} {row['pages']:>5.0f} {row['texts']:>5.0f} {len(rejected.get(name, [])):>9}"
        line += "".join(f" {row[key]:>34.1f}" for key in limits)
        print(line)
    for name, items in rejected.items():
        print(f"\nrejected in {name}:")
        for item in items:
            print(f"  {item}")


if __name__ == "__main__":
    main()
