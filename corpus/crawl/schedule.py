"""``crimecorpus schedule``: run crawls in a loop at a fixed interval, each in a fresh process.

Each run is a separate ``crimecorpus crawl`` process (a Twisted reactor starts once per
process), so a crash of one run never takes the loop down, and the database run lock keeps a
slow run and the next tick from overlapping. cron or a systemd timer do the same job (README).

SIGTERM and SIGINT stop the loop: a running crawl gets the signal passed on (it runs in its own
process group, so a terminal's Ctrl-C reaches it once, through us) and has
:data:`CHILD_STOP_SECONDS` to commit and exit before it is killed; the loop then exits 130.
"""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import partial
from types import FrameType

from corpus.crawl.lifecycle import EXIT_INTERRUPTED

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
CHILD_STOP_SECONDS = 9.5
"""A crawl stops itself within 9 s of a signal (corpus.crawl.lifecycle.StopGuard); past this it is killed."""


_STOPS = {signal.SIGINT, signal.SIGTERM}


class Stopped(Exception):
    """SIGTERM or SIGINT reached the schedule loop."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


@contextmanager
def _stop_on_signals() -> Iterator[None]:
    """Turn SIGTERM and SIGINT into :class:`Stopped` for the ``with`` block."""

    def handler(signum: int, _frame: FrameType | None) -> None:
        raise Stopped(signum)

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


def _stop_child(proc: subprocess.Popen[bytes], signum: int) -> None:
    """Pass the signal on; a second signal to us, or the deadline, kills the child."""
    try:
        proc.send_signal(signum)
        proc.wait(CHILD_STOP_SECONDS)
    except (Stopped, subprocess.TimeoutExpired):
        proc.kill()
        proc.wait()


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
    with _stop_on_signals():
        while max_runs is None or runs < max_runs:
            started = time.monotonic()
            runs += 1
            echo(f"schedule: run {runs} starting")
            proc = None
            try:
                # A signal between Popen's return and the assignment would leave the child (in its
                # own session) running unsignalled: hold stop signals until ``proc`` is set. The
                # child gets the mask we had, not the blocked one.
                outer = signal.pthread_sigmask(signal.SIG_BLOCK, _STOPS)
                try:
                    proc = subprocess.Popen(
                        [sys.executable, "-m", "corpus", "crawl", *crawl_args],
                        start_new_session=True,
                        preexec_fn=partial(signal.pthread_sigmask, signal.SIG_SETMASK, outer),
                    )
                finally:
                    signal.pthread_sigmask(signal.SIG_SETMASK, outer)
                code = proc.wait()
                echo(f"schedule: run {runs} ended with exit code {code}")
                if max_runs is not None and runs >= max_runs:
                    break
                sleep(max(0.0, every - (time.monotonic() - started)))
            except Stopped as stop:
                if proc is not None and proc.poll() is None:
                    _stop_child(proc, stop.signum)
                    echo(f"schedule: run {runs} stopped by {stop} (exit code {proc.returncode})")
                echo(f"schedule: stopped by {stop}")
                return EXIT_INTERRUPTED
    return code
