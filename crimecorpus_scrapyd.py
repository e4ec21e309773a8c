"""Scrapyd entry point: run a deployed egg from an extracted copy, then load ``corpus.crawl.settings``.

Scrapyd imports a project straight from its zipped egg. The crawler, though, reads package files as
real paths: Alembic needs the migrations as a directory, the gazetteer is opened with ``gzip`` and
the shipped sources registry is read by path. So the egg's ``scrapy`` ``settings`` entry point names
this module, the first of the project Scrapyd imports: it extracts the egg once into a cache
directory and puts that copy in front of the archive on ``sys.path`` before any ``corpus`` module is
loaded, which is what ``zip_safe=False`` meant for eggs installed by easy_install.

Outside an egg (a checkout, a wheel) it only re-exports the settings.
"""

from __future__ import annotations

import getpass
import hashlib
import os
import shutil
import sys
import tempfile
import zipfile
from pathlib import Path

CACHE_ENV = "PYTHON_EGG_CACHE"  # the variable setuptools used for extracted eggs


def egg_cache() -> Path:
    """Where extracted eggs live: ``$PYTHON_EGG_CACHE``, else a per-user directory under the temp dir."""
    configured = os.environ.get(CACHE_ENV)
    if configured:
        return Path(configured)
    return Path(tempfile.gettempdir()) / f"crimecorpus-eggs-{getpass.getuser()}"


def unpack_egg(archive: Path, cache: Path) -> Path:
    """Extract ``archive`` under ``cache`` once, keyed by its content, and return the directory.

    Jobs of the same egg share one copy; a new version gets a new directory. Extraction goes to a
    temporary directory renamed into place, so a job never sees a half-written copy, and two jobs
    starting together both end up with a complete one.
    """
    digest = hashlib.sha256(archive.read_bytes()).hexdigest()[:16]
    target = cache / f"{archive.stem}-{digest}"
    if target.is_dir():
        return target
    cache.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=".unpack-", dir=cache))
    with zipfile.ZipFile(archive) as egg:
        egg.extractall(scratch)
    try:
        scratch.rename(target)
    except OSError:  # another job renamed its copy first
        shutil.rmtree(scratch, ignore_errors=True)
    return target


def _activate_unpacked() -> None:
    archive = getattr(globals().get("__loader__"), "archive", None)  # set by zipimport only
    if not archive:
        return
    target = str(unpack_egg(Path(archive), egg_cache()))
    sys.path[:] = [target, *(p for p in sys.path if p != archive)]


_activate_unpacked()

from corpus.crawl.settings import *  # noqa: E402, F403
