"""Where a page's time goes: a per-stage cost profile, in the worker and in the Scrapy process.

    python bench/stageprofile.py [--pages 300] [--mix menu article] [--crawl-pages 1000] [--no-crawl]

Both page mixes of ``bench/throughput.py`` (menu-heavy and plain 60-80 KB article pages).

- **Worker**: :func:`corpus.analyse.analyse_page` on every page under cProfile, in this process
  (what a pool worker runs), plus the pickling of the page in and the verdict out (what crosses
  the pipe). A stage's cost is the cumulative time of the function that does it, so nested
  helpers are counted once, in their stage; the stages do not nest in each other.
- **Scrapy process**: ``crimecorpus crawl`` of a generated site under cProfile (its main thread:
  the reactor, every middleware and pipeline; the pool's threads only wait on pipes). Time spent
  waiting in ``epoll`` is idle: the reactor had nothing to do because the workers were busy.

cProfile adds a cost to every Python call, more to code with many small calls (Scrapy, Twisted,
the crime rules) than to C (lxml, lingua), so read the *shares*, not the milliseconds; and on a
machine shared with other jobs the milliseconds move from run to run anyway.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pickle
import pstats
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from throughput import MIXES

from corpus.analyse import analyse_page, warm_up
from corpus.devtools.sitegen import serve_generated, write_sources

ROOT = Path(__file__).resolve().parents[1]

WORKER_STAGES: tuple[tuple[str, str, str], ...] = (
    # (stage, file suffix, function name): the function whose cumulative time is the stage's.
    ("parse (lxml)", "corpus/text/extract.py", "parse_html"),
    ("depth check (tree walk)", "corpus/text/extract.py", "tree_depth"),
    ("depth check (XPath)", "corpus/text/extract.py", "deeper_than"),
    ("extraction (trafilatura)", "corpus/text/extract.py", "_main_text"),
    ("JSON-LD", "corpus/text/jsonld.py", "objects"),
    ("paywall", "corpus/text/paywall.py", "detect"),
    ("head hints", "corpus/text/extract.py", "head_hints"),
    ("dates", "corpus/text/dates.py", "find_published"),
    ("metadata (title, author, description)", "corpus/text/extract.py", "page_metadata"),
    ("text cleaning", "corpus/text/normalise.py", "clean_text"),
    ("live blog", "corpus/text/liveblog.py", "live_entries"),
    ("photos", "corpus/text/photos.py", "page_photos"),
    ("bylines and tidying", "corpus/text/tidy.py", "tidy_article"),
    ("prose check", "corpus/text/prose.py", "not_prose_reason"),
    ("page kind", "corpus/text/pagekind.py", "classify_page"),
    ("language", "corpus/text/language.py", "detect_language"),
    ("crime", "corpus/annotate/crime.py", "classify_crime"),
    ("places", "corpus/annotate/places.py", "find_places"),
    ("persons", "corpus/annotate/persons.py", "find_persons"),
    ("MinHash", "corpus/dedup/neardup.py", "signature"),
    ("text hash", "corpus/text/normalise.py", "text_hash"),
)

SCRAPY_STAGES: tuple[tuple[str, str, str], ...] = (
    ("idle (waiting for the workers or the network)", "~", "<method 'poll' of 'select.epoll' objects>"),
    ("start-up (imports, settings, database)", "corpus/__main__.py", "<module>"),
    ("decode (encoding middleware)", "spiders/middlewares/encoding.py", "process_response"),
    ("text-and-data-mining checks", "spiders/middlewares/tdm.py", "process_response"),
    ("scope checks", "spiders/middlewares/scope.py", "process_request"),
    ("spider: sitemaps", "spiders/sitemaps.py", "parse_sitemap"),
    ("spider: article requests", "spiders/_base.py", "article_request"),
    ("spider: article responses", "spiders/_base.py", "parse_article"),
    ("analysis pipeline (submit, apply)", "pipelines/analysis.py", "process_item"),
    ("exact duplicates", "pipelines/dedup.py", "process_item"),
    ("near-duplicates", "pipelines/neardup.py", "process_item"),
    ("storage", "pipelines/store.py", "process_item"),
    ("storage at close", "pipelines/store.py", "close_spider"),
    ("duplicate refresh at close", "pipelines/closing.py", "refresh_at_close"),
)


def _cumulative(stats: pstats.Stats, suffix: str, name: str) -> tuple[float, int]:
    """(cumulative seconds, calls) of the functions called ``name`` in files ending in ``suffix``."""
    total, calls = 0.0, 0
    for (filename, _line, func), (_cc, nc, _tt, ct, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        if func == name and filename.endswith(suffix):
            total += ct
            calls += nc
    return total, calls


def mix_pages(mix: str, n: int) -> list[tuple[str, str]]:
    """``n`` pages of a mix as (HTML, URL), rendered without a server."""
    site = MIXES[mix](pages=n)
    base = "https://www.example.nl"
    return [(site.respond(a.path, base)[2].decode(), base + a.path) for a in site.articles]


def profile_worker(mix: str, n: int) -> None:
    pages = mix_pages(mix, n)
    for html, url in pages[:5]:
        analyse_page(html, url)  # caches and lazy models warm, as in a running worker
    started = time.perf_counter()
    for html, url in pages:
        analyse_page(html, url)
    plain = (time.perf_counter() - started) / n
    profile = cProfile.Profile()
    profile.enable()
    results = [analyse_page(html, url) for html, url in pages]
    profile.disable()
    stats = pstats.Stats(profile)
    total, _ = _cumulative(stats, "corpus/analyse.py", "analyse_page")
    started = time.perf_counter()
    for (html, url), result in zip(pages, results, strict=True):
        pickle.loads(pickle.dumps((html, url)))
        pickle.loads(pickle.dumps(result))
    pickling = time.perf_counter() - started
    kept = sum(1 for r in results if r.stage is None)
    size = sum(len(h.encode()) for h, _ in pages) / n / 1024
    print(
        f"\n### Worker, {mix} mix ({n} pages of {size:.0f} KB, {kept} kept; "
        f"{plain * 1000:.1f} ms per page without the profiler, {total / n * 1000:.1f} ms with it)\n"
    )
    print("| stage | ms per page (profiled) | share |")
    print("|---|---|---|")
    rows = [(stage, *_cumulative(stats, suffix, name)) for stage, suffix, name in WORKER_STAGES]
    counted = 0.0
    for stage, seconds, calls in rows:
        if not calls:
            continue
        counted += seconds
        print(f"| {stage} | {seconds / n * 1000:.2f} | {seconds / total:.1%} |")
    print(f"| rest of analyse_page | {(total - counted) / n * 1000:.2f} | {(total - counted) / total:.1%} |")
    print(f"| *pickling page in and verdict out (not profiled)* | {pickling / n * 1000:.2f} | |")
    top = sorted(rows, key=lambda r: -r[1])[:4]
    print("\nTop costs: " + ", ".join(f"{stage} {seconds / total:.0%}" for stage, seconds, _ in top))


def profile_scrapy(mix: str, n: int, workers: int) -> None:
    site = MIXES[mix](pages=n)
    tmp = Path(tempfile.mkdtemp(prefix=f"cc-stageprofile-{mix}-"))
    out = tmp / "crawl.prof"
    env = {k: v for k, v in os.environ.items() if k != "CRIMECORPUS_DB"}
    with serve_generated(site) as base:
        sources = write_sources(base, tmp / "sources.toml")
        cmd = [sys.executable, "-m", "cProfile", "-o", str(out), "-m", "corpus", "crawl",
               "--sources", str(sources), "--db", str(tmp / "crawl.sqlite"), "-s", "DOWNLOAD_DELAY=0",
               "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16",
               "-s", f"CORPUS_WORKERS={workers}", "-s", "CORPUS_BATCH_SIZE=500"]  # fmt: skip
        started = time.perf_counter()
        done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
        wall = time.perf_counter() - started
    stored = next((line.split()[-1] for line in done.stdout.splitlines() if "articles stored" in line), "?")
    stats = pstats.Stats(str(out))
    total = stats.total_tt  # type: ignore[attr-defined]
    idle, _ = _cumulative(stats, "~", SCRAPY_STAGES[0][2])
    busy = total - idle
    print(
        f"\n### Scrapy process, {mix} mix ({stored} articles stored, {wall:.1f} s wall under the "
        f"profiler; {busy:.1f} s busy, {idle:.1f} s idle in epoll)\n"
    )
    print("| part | ms per page (profiled) | share of busy time |")
    print("|---|---|---|")
    counted = 0.0
    for stage, suffix, name in SCRAPY_STAGES[1:]:
        seconds, calls = _cumulative(stats, suffix, name)
        if not calls:
            continue
        if stage.startswith("start-up"):
            # The module's own cumulative time is the whole run; its imports are the part before
            # the crawl starts: everything not under the runner.
            run, _ = _cumulative(stats, "corpus/crawl/runner.py", "run")
            seconds = seconds - run
        counted += seconds
        print(f"| {stage} | {seconds / n * 1000:.2f} | {seconds / busy:.1%} |")
    print(
        f"| Scrapy, Twisted and asyncio themselves (the rest) | {(busy - counted) / n * 1000:.2f} | "
        f"{(busy - counted) / busy:.1%} |"
    )
    print(f"| *idle in epoll* | {idle / n * 1000:.2f} | *{idle / total:.0%} of wall* |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=300, help="pages per mix for the worker profile")
    parser.add_argument("--crawl-pages", type=int, default=1000, help="pages per mix for the crawl profile")
    parser.add_argument("--workers", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--mix", nargs="*", choices=sorted(MIXES), default=["menu", "article"])
    parser.add_argument("--no-crawl", action="store_true", help="profile the worker only")
    args = parser.parse_args()
    print(f"load average: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    warm_up()
    for mix in args.mix:
        profile_worker(mix, args.pages)
        if not args.no_crawl:
            profile_scrapy(mix, args.crawl_pages, args.workers)
    print(f"\nload average: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
