"""The commands that run a spider: crawl (also as a distributed worker), schedule, ingest-warc,
backfill, reextract and demo.

Each builds its settings and hands them to :func:`run_and_report`: the runner's one
:func:`corpus.crawl.runner.run` (lock, checks, crawl, counts from the database), then the
summary and the exit status, so every run kind ends the same way. ``schedule`` starts
``crawl`` in a fresh process per run, with the crawl options written back from their one
declaration (:meth:`corpus.cli.options.OptionGroup.argv`).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from corpus.crawl.lifecycle import EXIT_INTERRUPTED
from corpus.crawl.runner import RunResult, SettingError, build_settings

if TYPE_CHECKING:
    from scrapy.settings import Settings

EXIT_LOCKED = 3


def quiet(args: argparse.Namespace) -> dict[str, object]:
    """Without ``-v``: the progress line on a terminal, and Scrapy's log from warnings up only."""
    return {} if args.verbose else {"CORPUS_PROGRESS": sys.stderr.isatty(), "LOG_LEVEL": "WARNING"}


def run_status(result: RunResult, ends: Mapping[str, str] | None = None) -> int:
    """Print the run's one error line, if any, and return its exit status (see ``main``).

    ``ends``: finish reasons that have their own error line (exit 1), such as a distributed
    worker that lost Redis.
    """
    line = (ends or {}).get(result.summary.finish_reason)
    if line is not None:
        print(line, file=sys.stderr)
        return 1
    code, message = result.status
    if message:
        prefix = "crimecorpus: " if code == EXIT_INTERRUPTED else "crimecorpus: error: "
        print(prefix + message, file=sys.stderr)
    return code


def run_and_report(
    settings: Settings,
    spider: str = "news",
    *,
    verb: str = "crawl",
    lock: bool = True,
    ends: Mapping[str, str] | None = None,
) -> int:
    """Run, print the summary, return the exit status; another run holding the lock is exit 3."""
    from corpus.crawl.runlock import AlreadyRunning
    from corpus.crawl.runner import run

    try:
        result = run(settings, spider, verb=verb, lock=lock)
    except AlreadyRunning as exc:
        print(f"crimecorpus: {exc}; not starting a second run", file=sys.stderr)
        return EXIT_LOCKED
    print(result.summary.format())
    return run_status(result, ends)


def cmd_crawl(args: argparse.Namespace) -> int:
    extra = quiet(args)
    if args.since:
        extra["CORPUS_SINCE"] = args.since.isoformat()
    if args.refetch_days:
        extra["CORPUS_REFETCH_DAYS"] = args.refetch_days
    if args.archive:
        extra["CORPUS_ARCHIVE"] = args.archive
    if args.archive_dir:
        extra["CORPUS_ARCHIVE_DIR"] = args.archive_dir
    if args.distributed:
        from corpus.cli.distributed import require_redis
        from corpus.crawl.distributed import connect, distributed_settings

        connect(require_redis(args)).close()  # an unreachable Redis is one line, before any crawl
        extra.update(distributed_settings(require_redis(args), args.redis_prefix))
    settings = build_settings(
        db_url=args.db,
        sources_file=args.sources,
        source_names=args.source or (),
        overrides=args.set or (),
        extra=extra,
    )
    if not args.distributed:
        return run_and_report(settings, args.spider)
    from corpus.cli.distributed import redis_lost_line

    lost = redis_lost_line(args.redis, settings.getfloat("CORPUS_REDIS_LOST_SECONDS"))
    # Workers of a distributed crawl share one database by design: no run lock.
    return run_and_report(settings, "distributed", lock=False, ends={"redis_lost": lost})


def cmd_schedule(args: argparse.Namespace) -> int:
    from corpus.crawl.schedule import parse_interval, run_schedule

    try:
        every = parse_interval(args.every)
    except ValueError as exc:
        raise SettingError(str(exc)) from None
    return run_schedule(args.crawl_argv(args), every, max_runs=args.max_runs)


def _run_warc(args: argparse.Namespace, files: list[str], mode: str) -> int:
    """``ingest-warc`` and ``reextract``: the ``warc`` spider over local files, one run per database."""
    extra: dict[str, object] = {"CORPUS_WARC_FILES": files, "CORPUS_WARC_MODE": mode, **quiet(args)}
    distributed = bool(getattr(args, "distributed", False))
    if distributed:
        extra.update(_distributed_extra(args))
    settings = build_settings(
        db_url=args.db, sources_file=args.sources, overrides=args.set or (), extra=extra
    )
    # The registry is checked before the database is opened, as for a crawl: a bad sources file
    # is the user's to fix (one line, exit 2), and nothing is created. Distributed workers share
    # one database by design: no run lock.
    ends = _archive_ends(args, settings) if distributed else None
    return run_and_report(settings, "warc", verb=mode, lock=not distributed, ends=ends)


def _distributed_extra(args: argparse.Namespace) -> dict[str, object]:
    """Settings of a worker sharing archive work through Redis; an unreachable Redis is one line."""
    from corpus.cli.distributed import require_redis
    from corpus.crawl.distributed import connect

    url = require_redis(args)
    connect(url).close()
    return {"CORPUS_ARCHIVE_DISTRIBUTED": True, "REDIS_URL": url, "CORPUS_REDIS_PREFIX": args.redis_prefix}


def _archive_ends(args: argparse.Namespace, settings: Settings) -> dict[str, str] | None:
    if not args.distributed:
        return None
    from corpus.cli.distributed import redis_lost_line

    return {"redis_lost": redis_lost_line(args.redis, settings.getfloat("CORPUS_REDIS_LOST_SECONDS"))}


def cmd_ingest_warc(args: argparse.Namespace) -> int:
    from corpus.warc.read import expand_paths

    files = expand_paths(args.files)
    missing = [str(f) for f in files if not f.is_file()]
    if missing or not files:
        raise SettingError(f"no such WARC file: {', '.join(missing) or ' '.join(args.files)}")
    return _run_warc(args, [str(f) for f in files], "ingest")


def cmd_backfill(args: argparse.Namespace) -> int:
    if args.month_from > args.month_to:
        raise SettingError(f"--from {args.month_from} is after --to {args.month_to}")
    if not args.source:
        raise SettingError("backfill needs at least one --source NAME (the outlets to backfill)")
    extra: dict[str, object] = {
        "CORPUS_BACKFILL_FROM": args.month_from,
        "CORPUS_BACKFILL_TO": args.month_to,
        "CORPUS_BACKFILL_ARCHIVES": ["cc", "ia"] if args.archive == "both" else [args.archive],
        **quiet(args),
    }
    # Writing our own archive is CORPUS_ARCHIVE, as for a crawl (--archive names the web archives read).
    if args.keep_warc:
        extra["CORPUS_ARCHIVE"] = "warc"
    if args.archive_dir:
        extra["CORPUS_ARCHIVE_DIR"] = args.archive_dir
    if args.distributed:
        extra.update(_distributed_extra(args))
    settings = build_settings(
        db_url=args.db,
        sources_file=args.sources,
        source_names=args.source,
        overrides=args.set or (),
        extra=extra,
    )
    # Workers of a distributed backfill share one database by design: no run lock.
    return run_and_report(
        settings, "backfill", verb="backfill", lock=not args.distributed, ends=_archive_ends(args, settings)
    )


def cmd_reextract(args: argparse.Namespace) -> int:
    from corpus.warc.read import expand_paths

    # Without --archive-dir: CORPUS_ARCHIVE_DIR as a crawl sees it (project settings, then -s).
    archive_dir = args.archive_dir or build_settings(overrides=args.set or ()).get("CORPUS_ARCHIVE_DIR")
    if not archive_dir:
        raise SettingError("no WARC archive directory: pass --archive-dir or set CORPUS_ARCHIVE_DIR")
    directory = Path(archive_dir)
    files = expand_paths([str(directory)]) if directory.is_dir() else []
    if not files:
        raise SettingError(f"no WARC files in {directory} (crawl with --archive warc first)")
    return _run_warc(args, [str(f) for f in files], "reextract")


def cmd_demo(args: argparse.Namespace) -> int:
    from corpus.crawl.demo import run_demo

    out = Path(args.out)
    result = run_demo(
        out, progress=sys.stderr.isatty(), overrides=args.set or (), force=args.force, backfill=args.backfill
    )
    print(result.run.summary.format())
    if result.jsonl is None or result.txt is None:  # the crawl did not finish: nothing exported
        return run_status(result.run)
    print()
    print(f"demo database  {result.db_path}")
    print(f"JSONL export   {result.jsonl.path} ({result.jsonl.written} articles)")
    print(f"text export    {result.txt.path}/ ({result.txt.written} files, first line 'date YYYY-MM')")
    print(f"sources used   {out / 'sources.toml'}")
    print(f"next: crimecorpus stats --db {result.db_path}")
    return 0
