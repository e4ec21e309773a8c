"""The ``crimecorpus`` command line: crawl, export, stats and the offline demo.

Every expected failure (a bad sources file, an unreachable database, an unwritable path) ends
with one line on stderr and a non-zero exit; ``--debug`` shows the traceback instead.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from corpus.crawl import SettingError, build_settings, run_crawl
from corpus.crime import CATEGORIES
from corpus.export import DEDUP_MODES, ExportError, ExportFilter, export
from corpus.neardup import THRESHOLD
from corpus.sources import SourcesError
from corpus.stats import corpus_stats, format_stats
from corpus.storage import DEFAULT_DB_PATH, DatabaseError, open_database

EXIT_ERROR = 2
_EXPECTED = (SourcesError, DatabaseError, ExportError, SettingError, OSError)


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {value!r}") from None


def _add_db(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--db",
        metavar="URL",
        help=f"SQLAlchemy URL or SQLite path (default: $CRIMECORPUS_DB, else {DEFAULT_DB_PATH})",
    )


def cmd_crawl(args: argparse.Namespace) -> int:
    settings = build_settings(
        db_url=args.db,
        sources_file=args.sources,
        source_names=args.source or (),
        overrides=args.set or (),
        extra={"CORPUS_PROGRESS": sys.stderr.isatty(), "LOG_LEVEL": "WARNING"} if not args.verbose else None,
    )
    summary = run_crawl(settings, spider=args.spider)
    print(summary.format())
    return 0 if summary.finish_reason == "finished" else 1


def cmd_export(args: argparse.Namespace) -> int:
    engine = open_database(args.db)
    flt = ExportFilter(
        since=args.since,
        until=args.until,
        sources=tuple(args.source or ()),
        dedup=args.dedup,
        all_topics=args.all_topics,
        category=args.category,
        pseudonymise=args.pseudonymise,
        salt=args.salt,
    )
    result = export(engine, Path(args.out), args.format, flt)
    skipped = "".join(f", {n} skipped ({why})" for why, n in result.skipped.items())
    print(f"exported {result.written} articles to {result.path}{skipped}")
    return 0


def cmd_classify(args: argparse.Namespace) -> int:
    from corpus.rescore import reclassify

    if not args.rebuild:
        print("crimecorpus classify: nothing to do (use --rebuild to re-score the stored corpus)")
        return 0
    engine = open_database(args.db)
    done = reclassify(engine)
    print(f"re-classified {done} articles")
    return 0


def cmd_dedup(args: argparse.Namespace) -> int:
    from corpus.clusters import rebuild_clusters

    if not args.rebuild:
        print("crimecorpus dedup: nothing to do (use --rebuild to recompute the clusters)")
        return 0
    articles, clusters = rebuild_clusters(open_database(args.db), threshold=args.threshold)
    print(f"{articles} articles in {clusters} clusters (threshold {args.threshold})")
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    print(format_stats(corpus_stats(open_database(args.db))))
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from corpus.demo import run_demo

    out = Path(args.out)
    result = run_demo(out, progress=sys.stderr.isatty())
    print(result.summary.format())
    print()
    print(f"demo database  {result.db_path}")
    print(f"JSONL export   {result.jsonl.path} ({result.jsonl.written} articles)")
    print(f"text export    {result.txt.path}/ ({result.txt.written} files, first line 'date YYYY-MM')")
    print(f"sources used   {out / 'sources.toml'}")
    print(f"next: crimecorpus stats --db {result.db_path}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="crimecorpus", description="Crawl and build a corpus of Dutch and Flemish crime news."
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks on errors")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("crawl", help="crawl the sources and store articles")
    p.add_argument("--sources", metavar="FILE", help="sources registry TOML (default: the shipped one)")
    p.add_argument("--source", metavar="NAME", action="append", help="crawl only this source (repeatable)")
    _add_db(p)
    p.add_argument("-s", "--set", metavar="NAME=VALUE", action="append", help="override a Scrapy setting")
    p.add_argument(
        "--spider",
        default="news",
        choices=["news", "feeds", "sitemaps", "listings"],
        help=argparse.SUPPRESS,
    )
    p.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="Scrapy's log at INFO instead of the progress line",
    )
    p.set_defaults(func=cmd_crawl)

    p = sub.add_parser("export", help="export stored articles (streaming, stable order)")
    p.add_argument("--out", required=True, metavar="PATH", help="output file (jsonl) or directory (txt)")
    _add_db(p)
    p.add_argument("--format", choices=["jsonl", "txt"], default="jsonl")
    p.add_argument("--since", type=_date, metavar="YYYY-MM-DD")
    p.add_argument("--until", type=_date, metavar="YYYY-MM-DD")
    p.add_argument("--source", metavar="NAME", action="append")
    p.add_argument(
        "--dedup",
        choices=DEDUP_MODES,
        default="exact",
        help="exact: leave out copies of a text already exported (default)",
    )
    p.add_argument("--all-topics", action="store_true", help="every Dutch article, not only crime news")
    p.add_argument("--category", choices=CATEGORIES, help="only articles with this crime category")
    p.add_argument(
        "--pseudonymise",
        action="store_true",
        help="replace 'Mohamed B.'-style names with stable placeholders",
    )
    p.add_argument(
        "--salt",
        default="",
        help="secret mixed into pseudonyms (keep it private to prevent re-identification)",
    )
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("classify", help="crime classification of the stored corpus")
    p.add_argument("--rebuild", action="store_true", help="re-run classification on every stored article")
    _add_db(p)
    p.set_defaults(func=cmd_classify)

    p = sub.add_parser("dedup", help="near-duplicate clusters of the stored corpus")
    p.add_argument("--rebuild", action="store_true", help="recompute every cluster and representative")
    p.add_argument(
        "--threshold",
        type=float,
        default=THRESHOLD,
        help=f"estimated Jaccard of word 5-grams (default {THRESHOLD})",
    )
    _add_db(p)
    p.set_defaults(func=cmd_dedup)

    p = sub.add_parser("stats", help="articles per source and month, rejections by reason")
    _add_db(p)
    p.set_defaults(func=cmd_stats)

    p = sub.add_parser("demo", help="serve the bundled offline site, crawl it and export the corpus")
    p.add_argument("--out", default="exports/demo", metavar="DIR")
    p.set_defaults(func=cmd_demo)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help()
        return EXIT_ERROR
    func: Callable[[argparse.Namespace], int] = args.func
    try:
        return func(args)
    except _EXPECTED as exc:
        if args.debug:
            raise
        print(f"crimecorpus: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("crimecorpus: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
