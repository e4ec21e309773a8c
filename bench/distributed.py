"""Distributed crawl throughput: pages/s with 1, 2 and 3 workers on one generated site.

Each run gets a fresh PostgreSQL database and its own Redis key prefix, is seeded, and its
workers (``crimecorpus crawl --distributed``, each with one extraction process) crawl the
generated site of corpus/devtools/sitegen.py until they stop by themselves. Side by side: the same site
crawled by a plain single-process ``crimecorpus crawl`` into PostgreSQL, no Redis.

Figures per run: wall time (start of the workers to the last one's exit, so start-up and the
idle check at the end are included), the steady rate between the first and the last stored
article, and the CPU seconds all processes of the run used (workers and their extraction
processes, from ``getrusage``) against what the machine's cores could give in that time.

    .venv/bin/python bench/distributed.py --pages 2000 --workers 1 2 3
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import redis
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from corpus.crawl.distributed import clear_queue  # noqa: E402
from corpus.devtools.sitegen import GeneratedSite, serve_generated, write_sources  # noqa: E402

FAST = [
    "-s", "DOWNLOAD_DELAY=0",
    "-s", "AUTOTHROTTLE_ENABLED=False",
    "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16",
    "-s", "CORPUS_WORKERS=1",
    "-s", "LOG_LEVEL=WARNING",
]  # fmt: skip


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


class _Database:
    """A fresh PostgreSQL database for one run, dropped afterwards."""

    def __init__(self, admin_url: str) -> None:
        self.admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        self.name = f"cc_bench_{uuid.uuid4().hex[:10]}"
        self.url = make_url(admin_url).set(database=self.name).render_as_string(hide_password=False)

    def __enter__(self) -> _Database:
        with self.admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{self.name}"'))
        return self

    def __exit__(self, *exc: object) -> None:
        with self.admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))
        self.admin.dispose()

    def figures(self) -> tuple[int, float]:
        """(articles stored, seconds between the first and the last one through the pipelines).

        ``last_seen`` is set when the store stage takes the article (``first_seen`` is the
        download, which runs far ahead of the CPU stages on a local site)."""
        engine = create_engine(self.url)
        with engine.connect() as conn:
            n, first, last = conn.execute(
                text("SELECT count(*), min(last_seen), max(last_seen) FROM articles")
            ).one()
        engine.dispose()
        return int(n), (last - first).total_seconds() if n > 1 else 0.0


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "corpus", *args]


def run_plain(admin: str, sources: Path) -> dict[str, float]:
    with _Database(admin) as db:
        cpu0, t0 = _children_cpu(), time.perf_counter()
        proc = subprocess.run(
            _cli("crawl", "--sources", str(sources), "--db", db.url, *FAST),
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        wall, cpu = time.perf_counter() - t0, _children_cpu() - cpu0
        if proc.returncode != 0:
            raise SystemExit(proc.stderr[-2000:])
        stored, span = db.figures()
    return {"stored": stored, "wall": wall, "span": span, "cpu": cpu}


def run_distributed(admin: str, redis_url: str, sources: Path, workers: int) -> dict[str, float]:
    prefix = f"ccbench-{uuid.uuid4().hex[:8]}"
    client = redis.Redis.from_url(redis_url)
    with _Database(admin) as db:
        common = ["--sources", str(sources), "--db", db.url, "--redis", redis_url, "--redis-prefix", prefix]
        seeded = subprocess.run(_cli("seed", *common), cwd=ROOT, capture_output=True, text=True)
        if seeded.returncode != 0:
            raise SystemExit(seeded.stderr[-2000:])
        cpu0, t0 = _children_cpu(), time.perf_counter()
        procs = [
            subprocess.Popen(
                _cli("crawl", "--distributed", *common, *FAST, "-s", "CORPUS_IDLE_GRACE=1"),
                cwd=ROOT,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(workers)
        ]
        errors = [p.communicate()[1] for p in procs]
        wall, cpu = time.perf_counter() - t0, _children_cpu() - cpu0
        if any(p.returncode for p in procs):
            raise SystemExit("\n".join(e[-2000:] for e in errors))
        stored, span = db.figures()
    clear_queue(client, prefix)
    client.close()
    return {"stored": stored, "wall": wall, "span": span, "cpu": cpu}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument(
        "--pg", default=os.environ.get("CRIMECORPUS_TEST_PG", "postgresql+psycopg://127.0.0.1:5432/test")
    )
    parser.add_argument(
        "--redis", default=os.environ.get("CRIMECORPUS_TEST_REDIS", "redis://127.0.0.1:6379/15")
    )
    parser.add_argument("--no-plain", action="store_true", help="skip the single-process baseline")
    args = parser.parse_args()
    cores = len(os.sched_getaffinity(0))
    site = GeneratedSite(pages=args.pages)
    print(f"{args.pages} generated pages, {cores} cores, load average {os.getloadavg()[0]:.1f} at start")
    header = f"{'run':<26}{'stored':>7}{'wall s':>8}{'pages/s':>9}{'steady/s':>10}{'CPU s':>8}{'CPU use':>9}"
    print(header)
    with serve_generated(site) as base, tempfile.TemporaryDirectory() as tmp:
        sources = write_sources(base, Path(tmp) / "sources.toml")
        runs: list[tuple[str, dict[str, float]]] = []
        if not args.no_plain:
            runs.append(("plain crawl (no Redis)", run_plain(args.pg, sources)))
            _print(*runs[-1], cores)
        for n in args.workers:
            runs.append(
                (
                    f"distributed, {n} worker{'s' if n > 1 else ''}",
                    run_distributed(args.pg, args.redis, sources, n),
                )
            )
            _print(*runs[-1], cores)
    print(f"load average {os.getloadavg()[0]:.1f} at the end")


def _print(name: str, r: dict[str, float], cores: int) -> None:
    rate = r["stored"] / r["wall"]
    steady = (r["stored"] - 1) / r["span"] if r["span"] else 0.0
    use = r["cpu"] / (r["wall"] * cores)
    print(
        f"{name:<26}{r['stored']:>7.0f}{r['wall']:>8.1f}{rate:>9.1f}{steady:>10.1f}{r['cpu']:>8.1f}{use:>9.0%}",
        flush=True,
    )


if __name__ == "__main__":
    main()
