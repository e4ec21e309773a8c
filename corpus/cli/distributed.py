"""The command line of distributed crawls: ``seed``, ``reconcile`` and ``queue`` (``crawl --distributed`` is in cli)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TYPE_CHECKING

from corpus.cli.options import REDIS_ENV, Options
from corpus.crawl.distributed import LEASE_SECONDS

if TYPE_CHECKING:
    from sqlalchemy import Engine


def require_redis(args: argparse.Namespace) -> str:
    from corpus.crawl.runner import SettingError

    if not args.redis:
        raise SettingError(f"a distributed crawl needs --redis URL (or ${REDIS_ENV})")
    return args.redis


def redis_lost_line(redis_url: str, seconds: float) -> str:
    """The one line a worker that lost Redis ends with (the crawl's summary is printed before it)."""
    from corpus.crawl.distributed import safe_url

    return (
        f"crimecorpus: error: lost Redis at {safe_url(redis_url)} for {seconds:.0f} s; this worker"
        " stopped (its unfinished URLs are re-queued by the next reconcile)"
    )


def _engine(args: argparse.Namespace) -> Engine:
    from corpus.store.storage import open_database

    return open_database(args.db)


def cmd_seed(args: argparse.Namespace) -> int:
    from corpus.crawl.distributed import clear_queue, connect, seed
    from corpus.sources.registry import load_sources

    sources = load_sources(args.sources, args.source or [])
    client = connect(require_redis(args))
    if args.fresh:
        clear_queue(client, args.redis_prefix)
    engine = _engine(args)
    result = seed(engine, client, sources, prefix=args.redis_prefix, resume=not args.no_resume)
    engine.dispose()
    print(
        f"queued {result.documents} discovery documents of {len(sources)} sources"
        f" and {result.resumed} unfinished article URLs"
    )
    return 0


def cmd_reconcile(args: argparse.Namespace) -> int:
    from corpus.crawl.distributed import connect, reconcile
    from corpus.sources.registry import load_sources

    names = [s.name for s in load_sources(args.sources, args.source or [])]
    client = connect(require_redis(args))
    engine = _engine(args)
    result = reconcile(
        engine,
        client,
        names,
        prefix=args.redis_prefix,
        lease_seconds=args.lease_seconds,
        include_failed=args.include_failed,
    )
    engine.dispose()
    if result.locked:
        print("another worker is reconciling; try again in a minute")
        return 0
    print(
        f"re-queued {result.requeued} expired leases, gave up {result.given_up}, "
        f"queued {result.swept} pending URLs; now {result.queued} queued, {result.in_flight} in flight"
    )
    return 0


def cmd_queue(args: argparse.Namespace) -> int:
    from corpus.crawl.distributed import connect, queue_status

    client = connect(require_redis(args))
    engine = _engine(args) if not args.no_db else None
    print(queue_status(engine, client, args.redis_prefix).format())
    if engine is not None:
        engine.dispose()
    return 0


def add_commands(add_parser: Callable[..., argparse.ArgumentParser], opts: Options) -> None:
    """Register ``seed``, ``reconcile`` and ``queue`` through the main parser's ``add_parser``."""
    p = add_parser(
        "seed",
        parents=[opts.sources.parser, opts.source.parser, opts.db.parser, opts.redis.parser],
        help="put the sources' feeds, sitemaps and listings on the shared Redis queue",
    )
    p.add_argument("--fresh", action="store_true", help="empty the queue and the seen set first")
    p.add_argument("--no-resume", action="store_true", help="do not queue unfinished article URLs again")
    p.set_defaults(func=cmd_seed)

    p = add_parser(
        "reconcile",
        parents=[opts.sources.parser, opts.source.parser, opts.db.parser, opts.redis.parser],
        help="re-queue requests of workers that died (expired leases)",
    )
    p.add_argument(
        "--lease-seconds",
        type=float,
        default=LEASE_SECONDS,
        help=f"a lease older than this is expired (default {LEASE_SECONDS:.0f})",
    )
    p.add_argument("--include-failed", action="store_true", help="also retry transiently failed URLs")
    p.set_defaults(func=cmd_reconcile)

    p = add_parser(
        "queue",
        parents=[opts.db.parser, opts.redis.parser],
        help="the shared queue: queued, seen, in flight per worker",
    )
    p.add_argument("--no-db", action="store_true", help="Redis figures only")
    p.set_defaults(func=cmd_queue)
