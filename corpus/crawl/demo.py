"""The offline demo: serve the bundled Dutch news site, crawl it, export the corpus."""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from corpus.crawl.runner import RunResult, build_settings, run
from corpus.devtools.server import demo_site_root, render_sources, serve_sites
from corpus.outputs.export import ExportFilter, ExportResult, export
from corpus.store.ownership import DEMO, check_target, write_marker
from corpus.store.storage import open_database

DEMO_SETTINGS = {
    # The demo site is on this machine: no need to wait between requests to it.
    "DOWNLOAD_DELAY": 0,
    "AUTOTHROTTLE_ENABLED": False,
    "LOG_LEVEL": "WARNING",
}


@dataclass
class DemoResult:
    db_path: Path
    run: RunResult
    jsonl: ExportResult | None  # None: the crawl did not finish, so nothing was exported
    txt: ExportResult | None


BACKFILL_SPAN = ("2018-01", "2024-12")
"""The months of the demo archive's captures (the demo site's articles date from 2018 to 2024)."""


def run_demo(
    out_dir: Path,
    *,
    progress: bool = False,
    overrides: Iterable[str] = (),
    force: bool = False,
    backfill: bool = False,
) -> DemoResult:
    """Serve, crawl into a fresh SQLite database under ``out_dir``, export JSONL and txt there.

    ``out_dir`` must be new, empty or an earlier demo's folder (``corpus.store.ownership``): the demo
    deletes its old database there and nothing else. ``force`` also takes a folder that holds only
    the demo's file names but no marker (a demo of an earlier version, or a user's own
    ``corpus.sqlite``: hence not without being asked).
    """
    check_target(out_dir, DEMO, force=force)
    out_dir.mkdir(parents=True, exist_ok=True)
    write_marker(out_dir, DEMO)
    db_path = out_dir / "corpus.sqlite"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    if (out_dir / "archive").is_dir():
        # An earlier demo --backfill's web archive (check_target vouched for every name in it).
        shutil.rmtree(out_dir / "archive")
    db_url = f"sqlite:///{db_path.resolve()}"
    root = demo_site_root()
    if backfill:
        result = _backfill_demo(root, out_dir, db_url, progress, overrides)
    else:
        with serve_sites(root) as bases:
            sources = render_sources(root, bases, out_dir / "sources.toml")
            settings = build_settings(
                db_url=db_url,
                sources_file=str(sources),
                overrides=overrides,
                extra={**DEMO_SETTINGS, "CORPUS_PROGRESS": progress},
            )
            # No run lock: the database is the demo's own, made fresh above.
            result = run(settings, lock=False)
    if result.summary.finish_reason != "finished" or result.outcome.failure is not None:
        return DemoResult(db_path, result, None, None)
    engine = open_database(db_url)
    flt = ExportFilter()
    # force: an earlier demo's exports without their proofs are the demo's own, and are replaced.
    jsonl = export(engine, out_dir / "corpus.jsonl", "jsonl", flt, force=True)
    txt = export(engine, out_dir / "txt", "txt", flt, force=True)
    engine.dispose()
    return DemoResult(db_path, result, jsonl, txt)


def _backfill_demo(
    root: Path, out_dir: Path, db_url: str, progress: bool, overrides: Iterable[str]
) -> RunResult:
    """Backfill the demo's outlets from a local web archive built from the demo site.

    The archive (``corpus.devtools.archive``) holds the site's pages as Common Crawl WARC files
    with both index formats and as Wayback captures, served on 127.0.0.1 with range requests;
    the outlets' own origins are fictitious and never contacted.
    """
    from corpus.devtools.archive import DEMO_BASES, build_archive, demo_archive_pages, serve_archive

    manifest = build_archive(out_dir / "archive", demo_archive_pages(DEMO_BASES, root=root))
    sources = render_sources(root, DEMO_BASES, out_dir / "sources.toml")
    with serve_archive(manifest) as archive:
        settings = build_settings(
            db_url=db_url,
            sources_file=str(sources),
            source_names=sorted(DEMO_BASES),
            overrides=overrides,
            extra={
                **DEMO_SETTINGS,
                "CORPUS_PROGRESS": progress,
                "CORPUS_BACKFILL_FROM": BACKFILL_SPAN[0],
                "CORPUS_BACKFILL_TO": BACKFILL_SPAN[1],
                "CORPUS_CC_INDEX_URL": archive.cc_index_url,
                "CORPUS_CC_DATA_URL": archive.cc_data_url,
                "CORPUS_IA_CDX_URL": archive.ia_cdx_url,
                "CORPUS_IA_WEB_URL": archive.ia_web_url,
                # The archive is on this machine: its slots need no pause between requests.
                "CORPUS_ARCHIVE_SLOTS": {
                    slot: {"concurrency": 4, "delay": 0}
                    for slot in ("archive:cc-index", "archive:cc-data", "archive:ia-cdx", "archive:ia-web")
                },
            },
        )
        return run(settings, "backfill", verb="backfill", lock=False)
