"""Page kind (corpus.text.pagekind) on real pages: how many it calls listing, gallery, empty or consent,
and which news items it keeps as photo stories or live blogs.

Extracts every page of the trafilatura evaluation set, the scrapinghub set, the fundus Nieuwsblad
page and ``real-pages`` as the crawl does (parse once, depth-checked extraction, the prose check,
then :func:`classify_page` with the extraction's result: paywall, live entries) and prints per set
how many pages get each kind. The real pages there
are nearly all articles, so a rule that recognises more non-articles must not raise the listing
count on them. ``--save FILE`` writes every verdict; ``--against FILE`` lists the pages whose kind
changed since such a file was saved (run it before and after a change to page kind).

    python bench/pagekind.py [--workers N] [--save before.json] [--against before.json]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from realpages import BENCH, SETS, extraction_pages

from corpus.text.extract import checked_extract, parse_html
from corpus.text.pagekind import classify_page
from corpus.text.prose import not_prose_reason


def _pages() -> list[tuple[str, str, Path]]:
    """(set, url, gzipped or plain HTML file) for every real page."""
    pages = extraction_pages()
    fundus = SETS / "fundus-nieuwsblad"
    for path in sorted(fundus.glob("*.html.gz")):
        pages.append(("fundus-nieuwsblad", f"https://www.nieuwsblad.be/{path.name}", path))
    real = BENCH / "real-pages"
    if real.exists():
        for line in (real / "gold.jsonl").read_text(encoding="utf-8").splitlines():
            entry = json.loads(line)
            pages.append(("real-pages", entry["url"], real / "pages" / f"{entry['id']}.html"))
    return pages


def _classify(page: tuple[str, str, Path]) -> tuple[str, str, str, str]:
    name, url, path = page
    raw = path.read_bytes()
    html = gzip.decompress(raw) if path.suffix == ".gz" else raw
    tree = parse_html(html)
    outcome = checked_extract(tree, url) if tree is not None else None
    if outcome is None or outcome.article is None:
        return name, url, "no_text", outcome.reason if outcome else "unparsable"
    junk = not_prose_reason(outcome.article.text)
    if junk:
        return name, url, "not_prose", junk
    kind = classify_page(tree, outcome.article.text, url, article=outcome.article)
    return name, url, kind.kind, kind.reason


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--save", type=Path, help="write every verdict to this JSON file")
    parser.add_argument("--against", type=Path, help="list pages whose kind differs from this saved file")
    args = parser.parse_args()
    verdicts: dict[str, tuple[str, str]] = {}
    counts: dict[str, Counter[str]] = {}
    with ProcessPoolExecutor(args.workers) as pool:
        for name, url, kind, reason in pool.map(_classify, _pages(), chunksize=8):
            counts.setdefault(name, Counter())[kind] += 1
            verdicts[f"{name} {url}"] = (kind, reason)
    kinds = sorted({k for c in counts.values() for k in c})
    print(f"{'set':<18} {'pages':>5}" + "".join(f" {k:>9}" for k in kinds))
    for name, c in counts.items():
        print(f"{name:<18} {sum(c.values()):>5}" + "".join(f" {c[k]:>9}" for k in kinds))
    for key, (kind, reason) in sorted(verdicts.items()):
        if kind == "listing" or key.startswith("real-pages"):
            print(f"  {kind:<9} {key}: {reason}")
    if args.save:
        args.save.write_text(json.dumps(verdicts, indent=1, ensure_ascii=False), encoding="utf-8")
    if args.against:
        before = {k: tuple(v) for k, v in json.loads(args.against.read_text(encoding="utf-8")).items()}
        flips = [
            (k, before[k], v) for k, v in sorted(verdicts.items()) if k in before and before[k][0] != v[0]
        ]
        print(f"\n{len(flips)} pages changed kind since {args.against}:")
        for key, old, new in flips:
            print(f"  {old[0]} -> {new[0]}  {key}: {new[1]}")


if __name__ == "__main__":
    main()
