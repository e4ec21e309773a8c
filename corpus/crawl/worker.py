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

import contextlib
import multiprocessing as mp
import os
import signal
import sys
import threading
import time
import weakref
from collections.abc import Callable, Iterator
from multiprocessing.connection import Connection
from typing import Any

RSS_EXIT = 86
"""Exit status of a child that ended itself for going over its resident-memory limit."""

_LIVE: weakref.WeakSet[TimedWorker] = weakref.WeakSet()


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


class WorkerInterrupted(WorkerError):
    """The worker was stopped because the run is stopping: the page is not judged, only left undone."""

    reason = "interrupted"


def kill_all() -> None:
    """Kill every worker process of this process at once (a forced exit skips ``close``)."""
    for worker in list(_LIVE):
        worker.interrupt()


def _die_with_parent() -> None:
    # A forced exit or a SIGKILL of the crawl must not leave a child parsing a page for minutes.
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL)
    except (OSError, AttributeError):
        pass


def _rss_bytes() -> int:
    with open("/proc/self/statm", "rb") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _watch_rss(limit: int, interval: float = 0.05) -> None:
    """End the child when its resident memory passes ``limit``: RLIMIT_AS bounds address space,
    not the memory a page really takes, and a worker past its budget starves the machine."""
    while True:
        try:
            if _rss_bytes() > limit:
                os._exit(RSS_EXIT)
        except (OSError, ValueError, IndexError):
            return  # no /proc: the address-space limit and the timeout still apply
        time.sleep(interval)


def _serve(conn: Connection, memory_limit: int | None, rss_limit: int | None = None) -> None:
    _die_with_parent()
    # The parent decides when the run stops; a terminal's Ctrl-C reaches the whole process group.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if rss_limit:
        threading.Thread(target=_watch_rss, args=(rss_limit,), daemon=True).start()
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


_START_LOCK = threading.Lock()


@contextlib.contextmanager
def _main_script_not_rerun() -> Iterator[None]:
    """Start a child without running the caller's script in it again.

    ``spawn`` re-runs the main script in every child (as ``__mp_main__``) so that functions defined
    there can be unpickled. A worker runs only functions of this package, so it needs none of the
    script; and a script that calls ``crimecorpus.crawl()`` without an
    ``if __name__ == "__main__":`` guard would start a second crawl inside each worker, whose
    every page then failed as ``worker_crashed``. Python decides from the main module's
    ``__file__`` (a script) or its ``__spec__`` (``python -m``, which it never re-runs as such);
    hiding ``__file__`` while the child starts makes a script behave like ``-m``.
    """
    main = sys.modules.get("__main__")
    if main is None or getattr(main, "__spec__", None) is not None or not hasattr(main, "__file__"):
        yield
        return
    with _START_LOCK:
        path = main.__file__
        del main.__file__
        try:
            yield
        finally:
            main.__file__ = path


class TimedWorker:
    """One child process, one call at a time, killed past ``timeout`` seconds (see module)."""

    def __init__(self, timeout: float, memory_limit: int | None = None, rss_limit: int | None = None) -> None:
        self.timeout = timeout
        self.memory_limit = memory_limit
        self.rss_limit = rss_limit
        self._ctx = mp.get_context("spawn")
        self._process: Any = None
        self._conn: Connection | None = None
        self.restarts = 0
        self.interrupted = False
        _LIVE.add(self)

    def start(self) -> None:
        """Start the child now (it imports what the calls need; starting early hides that cost)."""
        if self.interrupted:
            raise WorkerInterrupted("the worker was stopped")
        if self._process is not None and self._process.is_alive():
            return
        parent, child = self._ctx.Pipe()
        self._process = self._ctx.Process(
            target=_serve, args=(child, self.memory_limit, self.rss_limit), daemon=True
        )
        with _main_script_not_rerun():
            self._process.start()
        child.close()
        self._conn = parent

    def interrupt(self) -> None:
        """Kill the child now and refuse further calls; safe from any thread.

        The thread waiting in :meth:`call` sees the pipe close and raises WorkerInterrupted, so a
        stopping crawl never waits for a page's timeout.
        """
        self.interrupted = True
        process = self._process
        if process is not None:
            with contextlib.suppress(OSError, ValueError, AttributeError):
                process.kill()

    def _died(self) -> WorkerError:
        """Why the child is gone: stopped by us, over its memory limit, or crashed."""
        if self.interrupted:
            self._kill()
            return WorkerInterrupted("the worker was stopped")
        code = None
        if self._process is not None:
            self._process.join(2)  # the pipe closes a moment before the child is reaped
            code = self._process.exitcode
        self._kill()
        if code == RSS_EXIT:
            return WorkerCrashed(f"over the worker memory limit of {(self.rss_limit or 0) // 2**20} MiB")
        return WorkerCrashed("the worker process died")

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
            raise self._died() from None
        if not ready:
            self._kill()
            raise WorkerTimeout(f"no result within {self.timeout:g} s; worker killed")
        try:
            status, value = self._conn.recv()
        except (OSError, EOFError):
            raise self._died() from None
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
