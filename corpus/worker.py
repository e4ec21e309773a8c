"""A worker process that runs one call at a time and is killed when a call takes too long.

CPU-bound parsing of untrusted pages can take minutes or gigabytes on a pathological input
(trafilatura needs 167 s and 3.6 GB for a 50 MB page), and a thread cannot be stopped. A
:class:`TimedWorker` runs the call in a child process with a wall-clock timeout and an optional
address-space limit; past the timeout the child is killed and a fresh one starts on the next
call, so one bad page costs at most ``timeout`` seconds and never the crawl.

Functions and arguments cross the process boundary by pickling: pass module-level functions.
The child is started with ``spawn`` (never ``fork``: the crawler runs threads and a reactor).
"""

from __future__ import annotations

import multiprocessing as mp
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any


class WorkerError(RuntimeError):
    """The call could not complete in the worker; ``reason`` is a short rejection reason."""

    reason = "worker_error"


class WorkerTimeout(WorkerError):
    reason = "timeout"


class WorkerCrashed(WorkerError):
    """The child died (killed by the memory limit, a crash in C code ...)."""

    reason = "worker_crashed"


class WorkerFailed(WorkerError):
    """The function raised; the message names the exception."""

    reason = "worker_failed"


def _serve(conn: Connection, memory_limit: int | None) -> None:
    if memory_limit:
        try:
            import resource

            resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))
        except (ImportError, ValueError, OSError):
            pass  # not on this platform: the timeout still bounds the call
    while True:
        try:
            fn, args, kwargs = conn.recv()
        except (EOFError, OSError):
            return
        try:
            reply = ("ok", fn(*args, **kwargs))
        except MemoryError:
            reply = ("error", "MemoryError: the call exceeded the worker's memory limit")
        except Exception as exc:  # reported to the caller, the worker lives on
            reply = ("error", f"{type(exc).__name__}: {exc}"[:500])
        try:
            conn.send(reply)
        except (OSError, ValueError):
            return


class TimedWorker:
    """One child process, one call at a time, killed past ``timeout`` seconds (see module)."""

    def __init__(self, timeout: float, memory_limit: int | None = None) -> None:
        self.timeout = timeout
        self.memory_limit = memory_limit
        self._ctx = mp.get_context("spawn")
        self._process: Any = None
        self._conn: Connection | None = None
        self.restarts = 0

    def start(self) -> None:
        """Start the child now (it imports what the calls need; starting early hides that cost)."""
        if self._process is not None and self._process.is_alive():
            return
        parent, child = self._ctx.Pipe()
        self._process = self._ctx.Process(target=_serve, args=(child, self.memory_limit), daemon=True)
        self._process.start()
        child.close()
        self._conn = parent

    @property
    def alive(self) -> bool:
        """True while the child process runs (a killed or never started worker is not alive)."""
        return self._process is not None and self._process.is_alive()

    def _kill(self) -> None:
        if self._process is not None:
            self._process.kill()
            self._process.join(5)
        if self._conn is not None:
            self._conn.close()
        self._process = None
        self._conn = None
        self.restarts += 1

    def call(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """``fn(*args, **kwargs)`` in the child; WorkerTimeout, WorkerCrashed or WorkerFailed."""
        self.start()
        assert self._conn is not None
        try:
            self._conn.send((fn, args, kwargs))
            ready = self._conn.poll(self.timeout)
        except (OSError, EOFError):
            self._kill()
            raise WorkerCrashed("the worker process died") from None
        if not ready:
            self._kill()
            raise WorkerTimeout(f"no result within {self.timeout:g} s; worker killed")
        try:
            status, value = self._conn.recv()
        except (OSError, EOFError):
            self._kill()
            raise WorkerCrashed("the worker process died") from None
        if status == "error":
            if str(value).startswith("MemoryError"):
                raise WorkerCrashed(value)
            raise WorkerFailed(value)
        return value

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
        if self._process is not None:
            self._process.join(2)
            if self._process.is_alive():
                self._process.kill()
                self._process.join(2)
        self._process = None
        self._conn = None

    def __enter__(self) -> TimedWorker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
