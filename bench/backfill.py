"""Backfill from a web archive: bytes downloaded per stored article, and captures per second per worker.

Issue 20 asks what an index-guided backfill saves over scanning whole WARC files. This builds a
local Common Crawl (corpus/devtools/archive.py) where one outlet is ``--share`` (1 %) of the
captures and every other capture is another outlet's page, pages of 60-80 KB as real article
pages are (sitegen's Dutch articles inside the chrome a news site sends: styles, a JSON state
blob, navigation, related teasers), spread over monthly collections and shuffled into WARC
files as a crawl interleaves hosts. Then:

(a) bytes per stored article: a backfill of the outlet through the local CDX + Range server
    (every byte the four services sent: collinfo, index pages, ranges) against a scan of every
    WARC file (``crimecorpus ingest-warc`` reads all of every file), at the same coverage (the
    scan is run too, with ``--scan``, and both store counts are printed);
(b) captures per second per worker (one ``crimecorpus backfill`` process) on an archive of
    ``--b-captures`` of the outlet's pages, with the network simulated locally (every answer
    delayed by ``--latency`` seconds) and three pacings: the command as shipped, the archive
    slots' own pacing alone ("polite": WARC data 2 at a time, 0.2 s apart) and none ("open":
    what the worker itself can take). The fetch rate is read from the archive's request log,
    first range request to last.

The backfill is ``crimecorpus backfill`` run as a subprocess when the command exists. Until it
does, the figures come from a replay (marked so in the output): the outlet's index pages are
queried with corpus.archive's own query builders, each listed record is fetched with a range
request and read with corpus.warc.read.read_record; "stored" is then "read as a 200 HTML page",
not stored through the pipelines, and (b) measures fetching and reading only.

    .venv/bin/python bench/backfill.py [--records 5000] [--share 0.01] [--latency 0.05 0.2]
        [--pacing shipped polite open] [--b-captures 300] [--in-flight 2] [--keep DIR] [--scan] [--replay] [-s NAME=VALUE ...]
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from corpus.archive.cdx import (
    Capture,
    Span,
    cc_query,
    collections_for,
    parse_cc_lines,
    parse_collinfo,
    parse_num_pages,
)
from corpus.devtools.archive import (
    ArchivedPage,
    ArchiveEndpoints,
    ArchiveManifest,
    build_archive,
    serve_archive,
)
from corpus.devtools.sitegen import GeneratedSite, write_sources
from corpus.warc.read import Page, read_record

ROOT = Path(__file__).resolve().parents[1]
OUTLET = "benchkrant"
OUTLET_BASE = "https://www.benchkrant.example"
OTHER_HOSTS = 99
YEAR = 2021
SPAN = ("2021-01", "2021-12")

_WORDS = (
    "politie", "gemeente", "binnenland", "buitenland", "economie", "sport", "cultuur", "regio",
    "verkeer", "weer", "onderwijs", "zorg", "wonen", "rechtspraak", "misdaad", "brand", "ongeluk",
    "voetbal", "schaatsen", "wielrennen", "politiek", "kabinet", "provincie", "waterschap", "haven",
    "landbouw", "energie", "klimaat", "media", "muziek", "theater", "film", "boeken", "uitgaan",
)  # fmt: skip


# -- generated pages ---------------------------------------------------------------------------


def _chrome(rng: random.Random, target: int, host: str) -> tuple[str, str, str]:
    """(head, before the article, after the article): what makes a news page 60-80 KB.

    Real pages carry site-wide CSS, a serialised application state (ids, image paths, teaser
    titles), a large menu and boxes of related teasers; ids and hashes are what keeps them from
    compressing to nothing, so those are random here too.
    """
    css = "".join(
        f".c-{rng.choice(_WORDS)}-{i}{{display:flex;margin:{rng.randint(0, 24)}px {rng.randint(0, 24)}px;"
        f"color:#{rng.getrandbits(24):06x};font-size:{rng.randint(11, 22)}px}}\n"
        for i in range(160)
    )
    nav = "".join(
        f'<li class="menu__item"><a class="menu__link" href="/{w}/{rng.choice(_WORDS)}">{w.title()}</a></li>'
        for w in (rng.choice(_WORDS) for _ in range(120))
    )
    related = "".join(
        f'<li class="teaser"><a href="/nieuws/{YEAR}/{rng.randint(1, 12):02d}/{rng.randint(1, 28):02d}/'
        f'{rng.choice(_WORDS)}-{rng.choice(_WORDS)}-{rng.randint(100, 99999)}">'
        f"{rng.choice(_WORDS).title()} in de {rng.choice(_WORDS)}</a></li>"
        for _ in range(12)
    )
    state: list[dict[str, object]] = []
    size = len(css) + len(nav) + len(related) + 3500
    while size < target:
        item = {
            "id": f"{rng.getrandbits(64):016x}",
            "title": " ".join(rng.choice(_WORDS) for _ in range(rng.randint(4, 9))).capitalize(),
            "image": f"https://images.{host}/{rng.getrandbits(128):032x}.jpg",
            "section": rng.choice(_WORDS),
            "published": 1609459200 + rng.randint(0, 31_000_000),
            "premium": rng.random() < 0.2,
        }
        state.append(item)
        size += len(json.dumps(item)) + 2
    head = (
        f"<style>{css}</style>\n"
        f'<script id="__STATE__" type="application/json">{json.dumps({"teasers": state})}</script>'
    )
    before = f'<nav class="menu"><ul>{nav}</ul></nav>'
    after = f'<aside class="related"><h2>Meer nieuws</h2><ul>{related}</ul></aside>'
    return head, before, after


def _pages_of(site: GeneratedSite, base: str, n: int, rng: random.Random) -> list[ArchivedPage]:
    pages = []
    host = urlsplit(base).hostname or ""
    for article in site.articles[:n]:
        status, _, body, _ = site.respond(article.path, base)
        assert status == 200
        head, before, after = _chrome(rng, rng.randint(60_000, 80_000), host)
        html = body.decode("utf-8")
        html = html.replace("</head>", head + "\n</head>", 1).replace("<main>", before + "\n<main>", 1)
        html = html.replace("</main>", "</main>\n" + after, 1)
        # Captured some time after publication, within the year: archives reach old pages late.
        end = dt.datetime(YEAR, 12, 31, 23, tzinfo=dt.UTC)
        later = max(3600, int((end - article.published).total_seconds()))
        when = article.published + dt.timedelta(seconds=rng.randint(3600, later))
        pages.append(ArchivedPage(base + article.path, html.encode("utf-8"), when))
    return pages


def generate(records: int, share: float, seed: int) -> tuple[list[ArchivedPage], int]:
    """Pages of the outlet (``share`` of ``records``) and of 99 other hosts, shuffled."""
    rng = random.Random(seed)
    outlet_n = max(1, round(records * share))
    pages = _pages_of(GeneratedSite(pages=outlet_n, seed=seed), OUTLET_BASE, outlet_n, rng)
    others = records - outlet_n
    for i in range(OTHER_HOSTS):
        n = others // OTHER_HOSTS + (1 if i < others % OTHER_HOSTS else 0)
        if n:
            site = GeneratedSite(pages=n, seed=seed + 1 + i, outlet=f"Regioblad {i}")
            pages += _pages_of(site, f"https://www.regioblad{i:02d}.example", n, rng)
    rng.shuffle(pages)  # a crawl's WARC files interleave hosts
    return pages, outlet_n


# -- (a) and (b) through the real command -------------------------------------------------------


def backfill_available() -> bool:
    probe = subprocess.run(
        [sys.executable, "-m", "corpus", "backfill", "--help"], capture_output=True, text=True, cwd=ROOT
    )
    return probe.returncode == 0


def run_cli(args: list[str]) -> tuple[subprocess.CompletedProcess[str], float]:
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "corpus", *args], capture_output=True, text=True, cwd=ROOT)
    return done, time.perf_counter() - start


def stored(db: Path, source: str, via: str | None = None) -> int:
    if not db.exists():
        return 0
    with sqlite3.connect(db) as conn:
        sql = "SELECT count(*) FROM articles WHERE source = ?"
        params: tuple[str, ...] = (source,)
        if via:
            sql += " AND obtained_via = ?"
            params += (via,)
        return int(conn.execute(sql, params).fetchone()[0])


def settings_args(endpoints: ArchiveEndpoints, extra: Iterable[str]) -> list[str]:
    args = []
    for name, value in endpoints.settings().items():
        args += ["-s", f"{name}={value}"]
    for item in extra:
        args += ["-s", item]
    return args


def cli_backfill(
    endpoints: ArchiveEndpoints, sources: Path, work: Path, extra: list[str]
) -> tuple[int, float, subprocess.CompletedProcess[str]]:
    runs = len(list(work.glob("backfill-*.sqlite")))
    db = work / f"backfill-{runs}.sqlite"  # a fresh database per run
    args = ["backfill", "--source", OUTLET, "--from", SPAN[0], "--to", SPAN[1], "--archive", "cc"]
    args += ["--db", f"sqlite:///{db}", "--sources", str(sources), *settings_args(endpoints, extra)]
    done, seconds = run_cli(args)
    return stored(db, OUTLET), seconds, done


_UNPACED = ["DOWNLOAD_DELAY=0", "AUTOTHROTTLE_ENABLED=False"]
PACING: dict[str, list[str]] = {
    # As the command ships: CORPUS_ARCHIVE_SLOTS, under the crawl's DOWNLOAD_DELAY and AutoThrottle
    # (which, as of this writing, hold every slot at 1 s or more between requests).
    "shipped": [],
    # The archive slots' own pacing alone: WARC data 2 at a time, 0.2 s apart; the index server's
    # 1 s spacing lifted, as a real backfill plans from a few index pages of thousands of lines
    # against hours of fetching, while here planning would be most of the run.
    "polite": [
        *_UNPACED,
        "CORPUS_ARCHIVE_SLOTS="
        + json.dumps(
            {
                "archive:cc-index": {"concurrency": 1, "delay": 0.0},
                "archive:cc-data": {"concurrency": 2, "delay": 0.2},
                "archive:ia-cdx": {"concurrency": 1, "delay": 1.0},
                "archive:ia-web": {"concurrency": 1, "delay": 1.0},
            }
        ),
    ],
    # Nothing held back: what one worker's reactor and pipelines can take.
    "open": [
        *_UNPACED,
        "CORPUS_ARCHIVE_SLOTS="
        + json.dumps(
            {
                "archive:cc-index": {"concurrency": 4, "delay": 0.0},
                "archive:cc-data": {"concurrency": 16, "delay": 0.0},
                "archive:ia-cdx": {"concurrency": 1, "delay": 1.0},
                "archive:ia-web": {"concurrency": 1, "delay": 1.0},
            }
        ),
    ],
}


def outlet_archive(root: Path, captures: int, seed: int) -> ArchiveManifest:
    """For (b): the outlet alone, ``captures`` pages (a rate needs more captures than 1 % gives)."""
    if (root / "manifest.json").exists():
        return ArchiveManifest.load(root)
    pages = _pages_of(GeneratedSite(pages=captures, seed=seed), OUTLET_BASE, captures, random.Random(seed))
    return build_archive(root, pages, captures_per_file=100)


# -- the replay, until `crimecorpus backfill` exists ----------------------------------------------


@dataclass
class Replay:
    listed: int = 0
    read_ok: int = 0
    index_requests: int = 0
    range_requests: int = 0
    fetch_seconds: float = 0.0


def _get(url: str, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=60) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()


class _Fetcher:
    """Range requests over one kept-alive connection per thread, as a crawler's connection pool does."""

    def __init__(self, base: str) -> None:
        self.netloc = urlsplit(base).netloc
        self.local = threading.local()

    def get(self, path: str, first: int, length: int) -> bytes:
        conn = getattr(self.local, "conn", None)
        if conn is None:
            conn = self.local.conn = http.client.HTTPConnection(self.netloc, timeout=60)
        conn.request("GET", "/" + path, headers={"Range": f"bytes={first}-{first + length - 1}"})
        resp = conn.getresponse()
        return resp.read()


def replay(endpoints: ArchiveEndpoints, in_flight: int) -> Replay:
    """What a backfill of the outlet asks the archive for, done with corpus.archive's own helpers."""
    out = Replay()
    span = Span.parse(*SPAN)
    host = urlsplit(OUTLET_BASE).hostname or ""
    _, body = _get(endpoints.cc_index_url + "/collinfo.json")
    out.index_requests += 1
    captures: list[Capture] = []
    for col in collections_for(span, parse_collinfo(body)):
        _, body = _get(cc_query(col.cdx_api, host, span, num_pages=True))
        out.index_requests += 1
        for page in range(parse_num_pages(body)):
            status, body = _get(cc_query(col.cdx_api, host, span, page=page))
            out.index_requests += 1
            if status == 200:
                captures += parse_cc_lines(body, col.id)[0]
    out.listed = len(captures)
    fetcher = _Fetcher(endpoints.cc_data_url)

    def fetch(capture: Capture) -> bool:
        assert capture.filename and capture.offset is not None and capture.length
        data = fetcher.get(capture.filename, capture.offset, capture.length)
        return isinstance(read_record(data, url=capture.url), Page)

    start = time.perf_counter()
    with ThreadPoolExecutor(in_flight) as pool:
        out.read_ok = sum(pool.map(fetch, captures))
    out.fetch_seconds = time.perf_counter() - start
    out.range_requests = len(captures)
    return out


# -- main ----------------------------------------------------------------------------------------


def _mb(n: float) -> str:
    return f"{n / 1e6:,.2f} MB"


def _tail(text: str, lines: int = 3) -> str:
    return "\n".join("    | " + line for line in text.strip().splitlines()[-lines:])


def bytes_per_article(
    manifest: ArchiveManifest, sources: Path, work: Path, args: argparse.Namespace, use_cli: bool
) -> tuple[int, int, int, str]:
    """(stored, index bytes, range bytes, how): the command when it runs, else the replay."""
    note = "--replay" if args.replay else "crimecorpus backfill not available"
    if use_cli:
        with serve_archive(manifest) as endpoints:
            n, seconds, done = cli_backfill(endpoints, sources, work, args.extra)
            if done.returncode == 0 and n:
                how = f"crimecorpus backfill, {seconds:.1f} s"
                return n, endpoints.bytes_sent("cc_index"), endpoints.bytes_sent("cc_data"), how
        note = f"crimecorpus backfill failed, exit {done.returncode}, {n} stored:\n{_tail(done.stderr)}\n   "
    with serve_archive(manifest) as endpoints:
        result = replay(endpoints, args.in_flight)
        how = (
            f"REPLAY ({note}): {result.index_requests} index requests, {result.range_requests} range "
            "requests; 'stored' = read as a 200 HTML page by read_record"
        )
        return result.read_ok, endpoints.bytes_sent("cc_index"), endpoints.bytes_sent("cc_data"), how


def captures_per_second(
    manifest: ArchiveManifest,
    sources: Path,
    work: Path,
    args: argparse.Namespace,
    use_cli: bool,
    latency: float,
    pacing: str,
) -> str:
    """One line: the command's fetch rate when it runs (from the archive's log), else the replay's."""
    note = "--replay" if args.replay else "crimecorpus backfill not available"
    if use_cli:
        extra = [*args.extra, *PACING[pacing]]
        with serve_archive(manifest, latency=latency) as endpoints:
            n, seconds, done = cli_backfill(endpoints, sources, work, extra)
            data = [r for r in endpoints.log if r.endpoint == "cc_data" and r.status == 206]
            if done.returncode == 0 and len(data) > 1:
                spread = data[-1].time - data[0].time
                line = (
                    f"{pacing} pacing: {len(data)} captures fetched in {spread:.1f} s, "
                    f"{len(data) / spread:.1f}/s while fetching; {n} stored in {seconds:.1f} s "
                    f"from start to exit, {n / seconds:.1f}/s"
                )
                return line + ("" if n else f"\n{_tail(done.stderr)}")
        note = f"crimecorpus backfill failed, exit {done.returncode}"
    with serve_archive(manifest, latency=latency) as endpoints:
        result = replay(endpoints, args.in_flight)
    rate = result.range_requests / result.fetch_seconds if result.fetch_seconds else 0.0
    return (
        f"REPLAY ({note}): {args.in_flight} range requests at a time, fetch and read_record only, "
        f"no pipelines: {result.range_requests} captures in {result.fetch_seconds:.2f} s, {rate:.1f} captures/s"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=5000, help="captures in the archive (default 5000)")
    parser.add_argument("--share", type=float, default=0.01, help="the outlet's share of them (default 0.01)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--captures-per-file", type=int, default=100, help="captures per WARC file")
    parser.add_argument(
        "--latency",
        type=float,
        nargs="+",
        default=[0.05, 0.2],
        help="seconds added to every answer in (b), one run each (default 0.05 0.2)",
    )
    parser.add_argument(
        "--in-flight", type=int, default=2, help="replay: range requests at a time (data slot)"
    )
    parser.add_argument(
        "--pacing",
        nargs="+",
        choices=list(PACING),
        default=list(PACING),
        help="(b): archive slots as shipped, their own pacing alone (polite), none (open)",
    )
    parser.add_argument(
        "--b-captures", type=int, default=300, help="(b): captures of the outlet (default 300)"
    )
    parser.add_argument("--keep", type=Path, help="build the archive here, or reuse the one found there")
    parser.add_argument("--scan", action="store_true", help="also run ingest-warc over every file")
    parser.add_argument("--replay", action="store_true", help="replay even if `crimecorpus backfill` exists")
    parser.add_argument("-s", "--set", dest="extra", action="append", default=[], metavar="NAME=VALUE")
    args = parser.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="bench-backfill-"))
    root = args.keep or work / "archive"
    try:
        start = time.perf_counter()
        if (root / "manifest.json").exists():
            manifest = ArchiveManifest.load(root)
            outlet_n = sum(c.url.startswith(OUTLET_BASE) for c in manifest.captures)
            print(f"archive reused from {root}")
        else:
            pages, outlet_n = generate(args.records, args.share, args.seed)
            raw = sum(len(p.body) for p in pages)
            manifest = build_archive(root, pages, captures_per_file=args.captures_per_file)
            del pages
            print(f"archive built in {time.perf_counter() - start:.1f} s, {_mb(raw)} of HTML")
        warc_bytes = manifest.warc_bytes()
        outlet_files = {c.filename for c in manifest.captures if c.url.startswith(OUTLET_BASE)}
        outlet_file_bytes = sum(manifest.path(f).stat().st_size for f in outlet_files if f)
        print(
            f"{len(manifest.captures)} captures, {outlet_n} of {OUTLET_BASE} "
            f"({outlet_n / len(manifest.captures):.1%}); {len(manifest.collections)} collections, "
            f"{len(manifest.warc_files)} WARC files, {_mb(warc_bytes)}; "
            f"{len(outlet_files)} files hold at least one of the outlet's captures"
        )
        sources = write_sources(OUTLET_BASE, work / "sources.toml", name=OUTLET, outlet="Benchkrant")
        use_cli = not args.replay and backfill_available()

        print("\n(a) bytes downloaded per stored article")
        n, index_bytes, data_bytes, how = bytes_per_article(manifest, sources, work, args, use_cli)
        print(f"  backfill ({how})")
        print(f"    stored {n}; index {_mb(index_bytes)}, ranges {_mb(data_bytes)}")
        if n:
            print(f"    {(index_bytes + data_bytes) / n / 1e3:,.1f} KB per stored article")
        scan_n = None
        if args.scan:
            db = work / "scan.sqlite"
            files = [str(manifest.path(f)) for f in manifest.warc_files]
            done, seconds = run_cli(
                ["ingest-warc", "--sources", str(sources), "--db", f"sqlite:///{db}", *files]
            )
            scan_n = stored(db, OUTLET)
            print(
                f"  scan (crimecorpus ingest-warc over every file, {seconds:.1f} s, exit {done.returncode})"
            )
            if done.returncode != 0:
                print(_tail(done.stderr))
        else:
            print("  scan (every byte of every WARC file; --scan also stores them through ingest-warc)")
        print(
            f"    stored {scan_n if scan_n is not None else '(not run)'}; read {_mb(warc_bytes)} "
            f"(the files holding the outlet alone: {_mb(outlet_file_bytes)})"
        )
        denominator = scan_n or n
        if denominator:
            print(f"    {warc_bytes / denominator / 1e3:,.1f} KB per stored article")
        if n and denominator:
            ratio = (warc_bytes / denominator) / ((index_bytes + data_bytes) / n)
            print(f"  the backfill downloads {ratio:,.0f}x fewer bytes per stored article")

        print("\n(b) captures per second, one worker, the network simulated by a delay on every answer")
        b_archive = outlet_archive(
            (args.keep or work) / f"outlet-{args.b_captures}", args.b_captures, args.seed + 1000
        )
        print(f"  an archive of the outlet's {len(b_archive.captures)} captures alone")
        for latency in args.latency:
            for pacing in args.pacing if use_cli else ["replay"]:
                line = captures_per_second(b_archive, sources, work, args, use_cli, latency, pacing)
                print(f"  {latency * 1000:.0f} ms, {line}")
    finally:
        shutil.rmtree(work, ignore_errors=True)  # the archive too, unless it was built in --keep


if __name__ == "__main__":
    main()
