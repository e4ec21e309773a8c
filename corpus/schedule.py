"""``crimecorpus schedule``: run crawls in a loop at a fixed interval, each in a fresh process.

Each run is a separate ``crimecorpus crawl`` process (a Twisted reactor starts once per
process), so a crash of one run never takes the loop down, and the database run lock keeps a
slow run and the next tick from overlapping. cron or a systemd timer do the same job (README).
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from collections.abc import Callable, Sequence

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_interval(value: str) -> float:
    """'90s', '15m', '1h', '1d' (or a bare number of seconds) → seconds."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*", value)
    if not match or float(match.group(1)) <= 0:
        raise ValueError(f"not an interval (e.g. 30m, 1h, 1d): {value!r}")
    return float(match.group(1)) * _UNITS[match.group(2) or "s"]


def run_schedule(
    crawl_args: Sequence[str],
    every: float,
    *,
    max_runs: int | None = None,
    echo: Callable[[str], None] = print,
    sleep: Callable[[float], None] = time.sleep,
) -> int:
    """Start a crawl every ``every`` seconds (measured start to start); return the last exit code."""
    runs = 0
    code = 0
    while max_runs is None or runs < max_runs:
        started = time.monotonic()
        runs += 1
        echo(f"schedule: run {runs} starting")
        proc = subprocess.run([sys.executable, "-m", "corpus", "crawl", *crawl_args], check=False)
        code = proc.returncode
        echo(f"schedule: run {runs} ended with exit code {code}")
        if max_runs is not None and runs >= max_runs:
            break
        sleep(max(0.0, every - (time.monotonic() - started)))
    return code
