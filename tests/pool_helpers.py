"""Module-level functions for the pool tests (worker processes import them by name)."""

from __future__ import annotations

import os
import time


def square(x: int) -> int:
    return x * x


def die() -> None:
    os._exit(3)


def hang() -> None:
    time.sleep(60)


def boom() -> None:
    raise ValueError("kapot")
