"""Extraction quality: crimecorpus's extract_article beside plain trafilatura.extract, same pages, same run.

Plain trafilatura runs twice: with its defaults (the full cascade, readability and jusText on
every page) and with ``fast=True`` (no fallbacks); ours runs the fast cascade and the fallbacks
only where :func:`corpus.text.extract.needs_fallback` says so.

Data: ../shared/benchmarks/extraction/trafilatura-eval (990 real pages with `with` fragments that
must appear in the text and `without` fragments that must not). Scoring as in that set's README:
white space normalised; a `with` fragment found is a true positive, missing a false negative; a
`without` fragment found a false positive, missing a true negative; summed over all pages.

Held out (the fallback gate was tuned on trafilatura-eval only):
../shared/benchmarks/extraction/scrapinghub (181 news pages with their article body), scored
as usual for that set: 4-word shingle precision, recall and F1 per page, averaged.

    python bench/extraction.py [--limit N] [--workers N]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import trafilatura

from corpus.text.extract import extract_article

SETS = Path(__file__).resolve().parents[2] / "shared" / "benchmarks" / "extraction"
DATA = SETS / "trafilatura-eval"
SCRAPINGHUB = SETS / "scrapinghub"
_WS = re.compile(r"\s+")


def _norm(text: str) -> str:
    return _WS.sub(" ", text or "").strip()


def _load(entry: dict) -> str:
    for folder in ("eval", "cache"):
        path = DATA / folder / (entry["file"] + ".gz")
        if path.exists():
            return gzip.decompress(path.read_bytes()).decode("utf-8", errors="replace")
    raise FileNotFoundError(entry["file"])


def _score(text: str, entry: dict) -> tuple[int, int, int, int]:
    text = _norm(text)
    tp = sum(1 for f in entry.get("with", []) if _norm(f) in text)
    fn = len(entry.get("with", [])) - tp
    fp = sum(1 for f in entry.get("without", []) if _norm(f) in text)
    tn = len(entry.get("without", [])) - fp
    return tp, fn, fp, tn


def _run_one(args: tuple[str, dict]) -> dict[str, tuple[int, ...]]:
    url, entry = args
    html = _load(entry)
    out: dict[str, tuple[int, ...]] = {}
    t0 = time.perf_counter()
    plain = trafilatura.extract(html, url=url) or ""
    t1 = time.perf_counter()
    ours = extract_article(html, url)
    t2 = time.perf_counter()
    fast = trafilatura.extract(html, url=url, fast=True) or ""
    t3 = time.perf_counter()
    ours_text = ""
    if ours is not None:
        ours_text = "\n".join(x for x in (ours.title, ours.text) if x)
    out["trafilatura.extract"] = (*_score(plain, entry), int((t1 - t0) * 1e6))
    out["trafilatura.extract fast=True"] = (*_score(fast, entry), int((t3 - t2) * 1e6))
    out["crimecorpus extract_article"] = (*_score(ours_text, entry), int((t2 - t1) * 1e6))
    return out


def _shingles(text: str) -> set[tuple[str, ...]]:
    words = re.findall(r"\w+", text.lower())
    return {tuple(words[i : i + 4]) for i in range(max(0, len(words) - 3))}


def _shingle_prf(text: str, gold: str) -> tuple[float, float, float]:
    ours, theirs = _shingles(text), _shingles(gold)
    if not ours or not theirs:
        return (1.0, 1.0, 1.0) if ours == theirs else (0.0, 0.0, 0.0)
    common = len(ours & theirs)
    p, r = common / len(ours), common / len(theirs)
    return p, r, (2 * p * r / (p + r) if common else 0.0)


def _run_scrapinghub(item: tuple[str, dict]) -> dict[str, tuple[float, ...]]:
    sha, entry = item
    html = gzip.decompress((SCRAPINGHUB / "html" / f"{sha}.html.gz").read_bytes()).decode("utf-8", "replace")
    url, gold = entry.get("url"), entry["articleBody"]
    ours = extract_article(html, url or "")
    texts = {
        "trafilatura.extract": trafilatura.extract(html, url=url) or "",
        "trafilatura.extract fast=True": trafilatura.extract(html, url=url, fast=True) or "",
        "crimecorpus extract_article": ours.text if ours else "",
    }
    return {name: _shingle_prf(text, gold) for name, text in texts.items()}


def _scrapinghub(workers: int) -> None:
    gold = json.loads((SCRAPINGHUB / "ground-truth.json").read_text(encoding="utf-8"))
    sums: dict[str, list[float]] = {}
    with ProcessPoolExecutor(workers) as pool:
        for result in pool.map(_run_scrapinghub, sorted(gold.items()), chunksize=8):
            for name, row in result.items():
                acc = sums.setdefault(name, [0.0, 0.0, 0.0])
                for i, v in enumerate(row):
                    acc[i] += v
    print(f"\nscrapinghub (held out): {len(gold)} pages, 4-word shingles, mean per page")
    print(f"{'extractor':<30} {'precision':>9} {'recall':>7} {'F1':>6}")
    for name, (p, r, f) in sums.items():
        print(f"{name:<30} {p / len(gold):>9.3f} {r / len(gold):>7.3f} {f / len(gold):>6.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=0)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    gold = json.loads((DATA / "evaldata.json").read_text(encoding="utf-8"))
    items = sorted(gold.items())
    if args.limit:
        items = items[: args.limit]
    totals: dict[str, list[int]] = {}
    with ProcessPoolExecutor(args.workers) as pool:
        for result in pool.map(_run_one, items, chunksize=8):
            for name, row in result.items():
                acc = totals.setdefault(name, [0, 0, 0, 0, 0])
                for i, v in enumerate(row):
                    acc[i] += v
    print(f"trafilatura-eval: {len(items)} pages, trafilatura {trafilatura.__version__}")
    print(f"{'extractor':<30} {'precision':>9} {'recall':>7} {'F1':>6} {'accuracy':>8} {'ms/page':>8}")
    for name, (tp, fn, fp, tn, us) in totals.items():
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        accuracy = (tp + tn) / (tp + tn + fp + fn)
        print(
            f"{name:<30} {precision:>9.3f} {recall:>7.3f} {f1:>6.3f} {accuracy:>8.3f} {us / len(items) / 1000:>8.1f}"
        )
    if SCRAPINGHUB.exists() and not args.limit:
        _scrapinghub(args.workers)


if __name__ == "__main__":
    main()
