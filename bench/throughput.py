"""Throughput: crimecorpus beside Scrapy alone, plain trafilatura, trafilatura's crawler and news-please.

    python bench/throughput.py [--pages 5000] [--workers N] [--only NAME ...]

One run, one generated site (corpus/devtools/sitegen.py, padded to the size of real news pages with
navigation, related-article boxes, inline scripts and styles: about 100 KB each), one fast local
server; every tool is a separate process whose whole process tree is sampled for peak RSS:

- ``scrapy-raw``: Scrapy fetching every article URL, no processing: the network ceiling.
- ``trafilatura-pool``: plain ``trafilatura.extract`` over the same pages, already on disk, in N
  processes: the CPU ceiling.
- ``trafilatura-pool-fast``: the same with ``fast=True`` (no readability/jusText fallbacks), for
  reference: crimecorpus runs this fast cascade and the fallbacks only on pages whose fast text
  looks short of their prose (``corpus.text.extract.needs_fallback``).
- ``crimecorpus-crawl``: ``crimecorpus crawl`` end to end (discovery, extract, language, classify,
  dedup, near-dup, store), politeness delays off.
- ``crimecorpus-ingest-warc``: ``crimecorpus ingest-warc`` over the same responses in a WARC file.
- ``trafilatura-cli``: trafilatura's own command-line crawler on the URL list (``--parallel N``).
- ``news-please``: ``NewsPlease.from_urls`` on the URL list, from a separate virtualenv
  (``.bench-venv``; its pinned dependencies do not fit the project's), when installed.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psutil

from corpus.devtools.sitegen import GeneratedSite, serve_generated, write_sources

ROOT = Path(__file__).resolve().parents[1]
NEWS_PLEASE_PY = ROOT / ".bench-venv" / "bin" / "python"


def _padding(index: int) -> tuple[str, str]:
    """Boilerplate a real outlet wraps around an article: (head part, body part), about 100 KB."""
    css = (
        "<style>"
        + "".join(f".c{i}{{margin:{i % 7}px;padding:{i % 5}px;color:#{i:06x}}}" for i in range(600))
        + "</style>"
    )
    script = "<script>window.__CONFIG__=" + json.dumps({f"k{i}": "x" * 40 for i in range(500)}) + ";</script>"
    menu = (
        "<nav class='mega-menu'><ul>"
        + "".join(
            f"<li><a href='/rubriek/{i}/onderwerp-{i}'>Onderwerp {i} in de regio</a></li>" for i in range(350)
        )
        + "</ul></nav>"
    )
    related = (
        "<aside class='related'><h2>Meer nieuws</h2><ul>"
        + "".join(
            f"<li><a href='/nieuws/2023/{(index + i) % 12 + 1:02d}/ander-bericht-{index + i}'>Ander bericht {index + i}"
            f" over de gemeenteraad</a> <time>{(i % 28) + 1}-03-2023</time></li>"
            for i in range(40)
        )
        + "</ul></aside>"
    )
    footer = (
        "<div class='footer-links'>"
        + "".join(f"<a href='/service/{i}'>Service {i}</a> " for i in range(200))
        + "</div>"
    )
    return css + script, menu + related + footer


class PaddedSite(GeneratedSite):
    """The generated site with article pages padded to a realistic size."""

    def _render(self, path: str, base: str) -> bytes | None:
        body = super()._render(path, base)
        article = self.by_path.get(path)
        if body is None or article is None:
            return body
        head, extra = _padding(article.index)
        html = body.decode()
        html = html.replace("</head>", head + "</head>", 1).replace("<main>", extra + "<main>", 1)
        return html.encode()


class Peak:
    """Peak RSS of a process and all its descendants, sampled every 0.1 s."""

    def __init__(self, proc: subprocess.Popen) -> None:
        self.proc = psutil.Process(proc.pid)
        self.peak = 0

    def sample(self) -> None:
        try:
            procs = [self.proc, *self.proc.children(recursive=True)]
        except psutil.Error:
            return
        total = 0
        for p in procs:
            with contextlib.suppress(psutil.Error):
                total += p.memory_info().rss
        self.peak = max(self.peak, total)


TIMEOUT = 600.0
"""A tool still running after this many seconds is stopped; its rate is what it did until then."""


def measure(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> tuple[float, int, str]:
    """Run ``cmd``; (wall seconds, peak RSS bytes of its process tree, stdout)."""
    with tempfile.TemporaryFile() as out:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=subprocess.DEVNULL)
        peak = Peak(proc)
        while proc.poll() is None:
            peak.sample()
            time.sleep(0.1)
            if time.perf_counter() - started > TIMEOUT:
                for child in peak.proc.children(recursive=True):
                    with contextlib.suppress(psutil.Error):
                        child.kill()
                proc.kill()
                proc.wait()
                print(f"  stopped after {TIMEOUT:.0f} s: {' '.join(cmd[:3])} ...")
        elapsed = time.perf_counter() - started
        out.seek(0)
        return elapsed, peak.peak, out.read().decode(errors="replace")


SCRAPY_RAW = textwrap.dedent(
    """
    import sys, scrapy
    from scrapy.crawler import CrawlerProcess
    urls = open(sys.argv[1]).read().split()
    class Raw(scrapy.Spider):
        name = "raw"
        async def start(self):
            for u in urls:
                yield scrapy.Request(u, callback=self.parse)
        def parse(self, response):
            pass
    p = CrawlerProcess({"LOG_LEVEL": "ERROR", "CONCURRENT_REQUESTS": 32, "CONCURRENT_REQUESTS_PER_DOMAIN": 32,
                        "TELNETCONSOLE_ENABLED": False, "ROBOTSTXT_OBEY": False})
    c = p.create_crawler(Raw); p.crawl(c); p.start()
    print(c.stats.get_value("downloader/response_status_count/200", 0))
    """
)

TRAFILATURA_POOL = textwrap.dedent(
    """
    import sys, glob
    from multiprocessing import Pool
    import trafilatura
    FAST = len(sys.argv) > 3 and sys.argv[3] == "fast"
    def run(path):
        with open(path, encoding="utf-8") as f:
            return 1 if trafilatura.extract(f.read(), fast=FAST) else 0
    if __name__ == "__main__":
        files = sorted(glob.glob(sys.argv[1] + "/*.html"))
        with Pool(int(sys.argv[2])) as pool:
            print(sum(pool.imap_unordered(run, files, chunksize=16)))
    """
)

NEWS_PLEASE = textwrap.dedent(
    """
    import sys
    from newsplease import NewsPlease
    urls = open(sys.argv[1]).read().split()
    done = 0
    for i in range(0, len(urls), 200):
        result = NewsPlease.from_urls(urls[i:i + 200], request_args={"timeout": 30})
        done += sum(1 for a in result.values() if getattr(a, "maintext", None))
        print(done, flush=True)
    """
)


def _fetch_all(urls: list[str], out_dir: Path) -> None:
    def get(item: tuple[int, str]) -> None:
        i, url = item
        with urllib.request.urlopen(url, timeout=30) as resp:
            (out_dir / f"{i:06d}.html").write_bytes(resp.read())

    with ThreadPoolExecutor(16) as pool:
        list(pool.map(get, enumerate(urls)))


def _write_warc(urls: list[str], pages: Path, out: Path) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(out, "wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        for i, url in enumerate(urls):
            body = (pages / f"{i:06d}.html").read_bytes()
            headers = StatusAndHeaders(
                "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
            )
            writer.write_record(
                writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=headers)
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=5000)
    parser.add_argument("--workers", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--only", nargs="*", help="run only these tools")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="cc-throughput-"))
    site = PaddedSite(pages=args.pages)
    py = sys.executable
    results: list[tuple[str, int, float, int]] = []
    env = {k: v for k, v in os.environ.items() if k != "CRIMECORPUS_DB"}
    with serve_generated(site) as base:
        urls = site.article_urls(base)
        (tmp / "urls.txt").write_text("\n".join(urls) + "\n", encoding="utf-8")
        sources = write_sources(base, tmp / "sources.toml")
        pages = tmp / "pages"
        pages.mkdir()
        _fetch_all(urls, pages)
        size = sum(f.stat().st_size for f in pages.iterdir()) / len(urls) / 1024
        print(
            f"site: {len(urls)} article pages, {size:.0f} KB each on average; {args.workers} workers; work dir {tmp}"
        )

        def want(name: str) -> bool:
            return not args.only or name in args.only

        if want("scrapy-raw"):
            (tmp / "raw.py").write_text(SCRAPY_RAW, encoding="utf-8")
            t, rss, out = measure([py, str(tmp / "raw.py"), str(tmp / "urls.txt")], tmp)
            results.append(("scrapy-raw (fetch only)", int(out.split()[-1] or 0), t, rss))
        if want("trafilatura-pool"):
            (tmp / "traf.py").write_text(TRAFILATURA_POOL, encoding="utf-8")
            t, rss, out = measure([py, str(tmp / "traf.py"), str(pages), str(args.workers)], tmp)
            results.append(
                (f"trafilatura.extract x{args.workers} processes", int(out.split()[-1] or 0), t, rss)
            )
        if want("trafilatura-pool-fast"):
            (tmp / "traf.py").write_text(TRAFILATURA_POOL, encoding="utf-8")
            t, rss, out = measure([py, str(tmp / "traf.py"), str(pages), str(args.workers), "fast"], tmp)
            results.append(
                (f"trafilatura.extract fast=True x{args.workers}", int(out.split()[-1] or 0), t, rss)
            )
        if want("crimecorpus-crawl"):
            db = tmp / "crawl.sqlite"
            cmd = [py, "-m", "corpus", "crawl", "--sources", str(sources), "--db", str(db), "-s", "DOWNLOAD_DELAY=0",
                   "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16",
                   "-s", f"CORPUS_WORKERS={args.workers}", "-s", "CORPUS_BATCH_SIZE=500"]  # fmt: skip
            t, rss, out = measure(cmd, ROOT, env)
            stored = next(
                (int(line.split()[-1]) for line in out.splitlines() if "articles stored" in line), 0
            )
            results.append(("crimecorpus crawl (end to end)", stored, t, rss))
        if want("crimecorpus-ingest-warc"):
            warc = tmp / "pages.warc.gz"
            _write_warc(urls, pages, warc)
            db = tmp / "ingest.sqlite"
            cmd = [py, "-m", "corpus", "ingest-warc", str(warc), "--sources", str(sources), "--db", str(db),
                   "-s", f"CORPUS_WORKERS={args.workers}", "-s", "CORPUS_BATCH_SIZE=500"]  # fmt: skip
            t, rss, out = measure(cmd, ROOT, env)
            import sqlite3

            with sqlite3.connect(db) as conn:
                stored = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
            results.append(("crimecorpus ingest-warc", stored, t, rss))
        if want("trafilatura-cli"):
            out_dir = tmp / "traf-out"
            trafilatura = Path(py).with_name("trafilatura")
            # Its defaults wait 5 s between requests to one site and refuse loopback addresses;
            # for a local benchmark both go, as the politeness settings of our crawl do.
            import trafilatura as traf_module

            config = (Path(traf_module.__file__).parent / "settings.cfg").read_text(encoding="utf-8")
            config = config.replace("SLEEP_TIME = 5.0", "SLEEP_TIME = 0")
            config = config.replace("SSRF_PROTECTION = on", "SSRF_PROTECTION = off")
            (tmp / "traf.cfg").write_text(config, encoding="utf-8")
            cmd = [
                str(trafilatura),
                "-i",
                str(tmp / "urls.txt"),
                "--parallel",
                str(args.workers * 4),
                "-o",
                str(out_dir),
                "--config-file",
                str(tmp / "traf.cfg"),
            ]
            t, rss, _ = measure(cmd, tmp)
            done = sum(1 for _ in out_dir.rglob("*.txt")) if out_dir.exists() else 0
            results.append((f"trafilatura CLI (--parallel {args.workers * 4})", done, t, rss))
        if want("news-please"):
            if NEWS_PLEASE_PY.exists():
                (tmp / "np.py").write_text(NEWS_PLEASE, encoding="utf-8")
                t, rss, out = measure([str(NEWS_PLEASE_PY), str(tmp / "np.py"), str(tmp / "urls.txt")], tmp)
                results.append(("news-please from_urls", int((out.split() or ["0"])[-1]), t, rss))
            else:
                print(
                    "news-please: not installed (python3 -m venv .bench-venv && .bench-venv/bin/pip install news-please)"
                )
    ceiling = next((n / t for name, n, t, _ in results if name.startswith("trafilatura.extract x")), None)
    print(
        f"\n{'tool':<40} {'pages':>6} {'seconds':>8} {'pages/s':>8} {'% CPU ceiling':>13} {'peak RSS MB':>11}"
    )
    for name, n, t, rss in results:
        share = f"{100 * (n / t) / ceiling:.0f} %" if ceiling else "-"
        print(f"{name:<40} {n:>6} {t:>8.1f} {n / t:>8.1f} {share:>13} {rss / 2**20:>11.0f}")
    shutil.rmtree(tmp / "pages", ignore_errors=True)


if __name__ == "__main__":
    main()
