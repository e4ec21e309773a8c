"""Soak crawl: N local article pages through the whole crawler, peak memory and time reported.

The fault server (tests/faultserver.py) serves a sitemap of N distinct Dutch crime articles;
``crimecorpus crawl`` fetches, extracts, classifies, deduplicates and stores them all in a fresh
SQLite file. Beside it, the plain library: a bare Scrapy spider that fetches the same pages and
keeps nothing. Each runs in its own process; peak RSS is that process tree's largest resident
set (``RUSAGE_CHILDREN``), which includes the extraction worker.

    .venv/bin/python bench/soak.py                 # 20,000 pages
    .venv/bin/python bench/soak.py --pages 2000    # a quicker look
"""

from __future__ import annotations

import argparse
import resource
import sqlite3
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.faultserver import Config, fault_server, sources_toml  # noqa: E402

MEASURE = textwrap.dedent(
    """
    import resource, subprocess, sys, time
    t = time.monotonic()
    p = subprocess.run(sys.argv[1:], capture_output=True, text=True)
    if p.returncode:
        sys.stderr.write(p.stderr[-3000:])
    print(time.monotonic() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, p.returncode)
    """
)

PLAIN_SPIDER = textwrap.dedent(
    """
    import scrapy
    from scrapy.spiders import SitemapSpider

    class Plain(SitemapSpider):
        name = "plain"
        custom_settings = {"LOG_LEVEL": "WARNING", "ROBOTSTXT_OBEY": False, "TELNETCONSOLE_ENABLED": False}

        def __init__(self, sitemap, **kwargs):
            super().__init__(**kwargs)
            self.sitemap_urls = [sitemap]

        def parse(self, response):
            return None
    """
)


def measure(args: list[str], cwd: Path = ROOT) -> tuple[float, float]:
    """Run ``args`` in a wrapper process: (seconds, peak RSS in MiB)."""
    out = subprocess.run([sys.executable, "-c", MEASURE, *args], capture_output=True, text=True, cwd=cwd)
    seconds, peak_kb, code = out.stdout.split()
    if code != "0":
        raise SystemExit(f"run failed: {out.stderr[-2000:]}")
    return float(seconds), int(peak_kb) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=20_000)
    parser.add_argument("--per-domain", type=int, default=8, help="CONCURRENT_REQUESTS_PER_DOMAIN")
    args = parser.parse_args()
    fast = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False"]
    fast += ["-s", f"CONCURRENT_REQUESTS_PER_DOMAIN={args.per_domain}"]
    with fault_server(Config(soak_pages=args.pages)) as site, tempfile.TemporaryDirectory() as tmp:
        sitemap = site.url("/soak/sitemap.xml")
        sources = Path(tmp) / "sources.toml"
        sources.write_text(
            sources_toml([{"name": "soak", "outlet": "Soak", "country": "nl", "sitemaps": [sitemap]}]),
            encoding="utf-8",
        )
        db = Path(tmp) / "soak.sqlite"
        spider = Path(tmp) / "plain.py"
        spider.write_text(PLAIN_SPIDER, encoding="utf-8")
        plain_s, plain_mib = measure(
            [sys.executable, "-m", "scrapy", "runspider", str(spider), *fast, "-a", f"sitemap={sitemap}"],
            cwd=Path(tmp),  # outside the project: plain Scrapy defaults, not our settings
        )
        plain_pages = sum(
            1 for h in site.log if h.path.startswith("/soak/") and h.path != "/soak/sitemap.xml"
        )
        site.log.clear()
        corpus_s, corpus_mib = measure(
            [sys.executable, "-m", "corpus", "crawl", "--sources", str(sources), "--db", str(db), *fast]
        )
        con = sqlite3.connect(db)
        stored = con.execute("SELECT count(*) FROM articles").fetchone()[0]
        rejected = con.execute("SELECT count(*) FROM rejections").fetchone()[0]
        con.close()
    print(f"soak crawl of {args.pages} local pages (per-domain concurrency {args.per_domain})")
    print(f"{'':24}{'pages':>8}{'seconds':>10}{'pages/s':>10}{'peak RSS MiB':>14}")
    print(
        f"{'plain Scrapy (no-op)':24}{plain_pages:>8}{plain_s:>10.1f}{plain_pages / plain_s:>10.1f}{plain_mib:>14.0f}"
    )
    print(
        f"{'crimecorpus crawl':24}{stored:>8}{corpus_s:>10.1f}{stored / corpus_s:>10.1f}{corpus_mib:>14.0f}"
    )
    print(
        f"stored {stored}, rejected {rejected}; peak RSS self {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024} MiB"
    )


if __name__ == "__main__":
    main()
