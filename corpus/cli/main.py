"""The ``crimecorpus`` command line: crawl, export, stats and the offline demo.

Every expected failure (a bad sources file, an unreachable database, an unwritable path) ends
with one line on stderr and a non-zero exit; ``--debug`` shows the traceback instead. The
options shared by several commands are declared once (:mod:`corpus.cli.options`); the commands
that run a spider are in :mod:`corpus.cli.runs`, the distributed ones in :mod:`corpus.cli.distributed`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from corpus.cli import options
from corpus.cli.distributed import add_commands as add_distributed_commands
from corpus.cli.options import EXIT_ERROR, OneLineParser
from corpus.cli.runs import (
    EXIT_LOCKED,
    cmd_backfill,
    cmd_crawl,
    cmd_demo,
    cmd_ingest_warc,
    cmd_reextract,
    cmd_schedule,
)
from corpus.cli.sources import add_commands as add_sources_commands
from corpus.crawl.lifecycle import EXIT_INTERRUPTED, CrawlFailed
from corpus.crawl.runner import SettingError
from corpus.dedup.neardup import THRESHOLD
from corpus.outputs.export import (
    ExportError,
    ExportFilter,
    article_record,
    export,
    iter_articles,
)
from corpus.sources.registry import SourcesError
from corpus.store.stats import corpus_stats, format_stats
from corpus.store.storage import DatabaseError, open_database

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from corpus.store.rescore import ProgressLine

__all__ = ["EXIT_ERROR", "EXIT_LOCKED", "build_parser", "main"]

EXIT_OK = 0
EXIT_NOT_FINISHED = 1
EXIT_FLAGGED = 1  # sources check: at least one source is flagged
EXIT_BROKEN_PIPE = 141  # what a shell reports for a process ended by SIGPIPE (128 + 13)
_EXPECTED = (SourcesError, DatabaseError, ExportError, SettingError, OSError)


def _export_filter(args: argparse.Namespace) -> ExportFilter:
    """The filter of ``export``, ``dataset build`` and ``browse`` (one set of options for all)."""
    if args.pseudonymise and not args.salt:
        print(
            "crimecorpus: warning: --pseudonymise without --salt: anyone can confirm a guessed name "
            "or URL against the placeholders and ids (see docs/pseudonymisation.md)",
            file=sys.stderr,
        )
    return ExportFilter(
        since=args.since,
        until=args.until,
        sources=tuple(args.source or ()),
        dedup=args.dedup,
        all_topics=args.all_topics,
        category=args.category,
        complete_only=args.complete_only,
        pseudonymise=args.pseudonymise,
        salt=args.salt,
    )


def _say_if_empty(count: int) -> None:
    """An empty but valid selection is worth a word: the filters were fine, nothing matched."""
    if count == 0:
        print("crimecorpus: 0 articles match the filters", file=sys.stderr)


def cmd_export(args: argparse.Namespace) -> int:
    if args.check and args.out == "-":
        raise ExportError("--check reads the export back: give --out a file or folder, not -")
    engine = open_database(args.db, create=False)
    flt = _export_filter(args)
    result = export(engine, Path(args.out), args.format, flt, force=args.force)
    skipped = "".join(f", {n} skipped ({why})" for why, n in result.skipped.items())
    _say_if_empty(result.written + sum(result.skipped.values()))
    # With --out - standard output carries the JSONL; the summary goes to stderr.
    summary_to = sys.stderr if args.out == "-" else sys.stdout
    where = "standard output" if args.out == "-" else result.path
    print(f"exported {result.written} articles to {where}{skipped}", file=summary_to)
    return _check_export(engine, result.path, args.format, flt) if args.check else 0


def _check_export(engine: Engine, out: Path, fmt: str, flt: ExportFilter) -> int:
    """Report every known person's name form found in the written export; 1 if there is any."""
    from corpus.outputs.leakcheck import check_export

    result = check_export(engine, out, fmt, flt)
    for ident, hit in result.hits[:_CHECK_SHOWN]:
        print(f"crimecorpus: check: article {ident}: {hit}", file=sys.stderr)
    if len(result.hits) > _CHECK_SHOWN:
        print(f"crimecorpus: check: ... and {len(result.hits) - _CHECK_SHOWN} more", file=sys.stderr)
    articles = len({ident for ident, _ in result.hits})
    if result.hits:
        print(
            f"crimecorpus: check: {len(result.hits)} name forms of known persons in {articles} articles",
            file=sys.stderr,
        )
        return 1
    print(
        f"crimecorpus: check: no name form of a known person in the {result.articles} articles written "
        f"({result.forms} forms looked for)",
        file=sys.stderr,
    )
    return 0


_CHECK_SHOWN = 50  # hits listed one per line before the rest is only counted


def _reclassify(engine: Engine, _args: argparse.Namespace, progress: ProgressLine) -> str:
    from corpus.store.rescore import reclassify

    return f"re-classified {reclassify(engine, progress=progress)} articles"


def _recluster(engine: Engine, args: argparse.Namespace, progress: ProgressLine) -> str:
    from corpus.store.clusters import rebuild_clusters

    articles, clusters = rebuild_clusters(engine, threshold=args.threshold, progress=progress)
    return f"{articles} articles in {clusters} clusters (threshold {args.threshold})"


def cmd_rebuild(args: argparse.Namespace) -> int:
    """``classify`` and ``dedup``: with ``--rebuild``, redo one stage over the stored corpus."""
    from corpus.store.rescore import ProgressLine

    if not args.rebuild:
        print(f"crimecorpus {args.command}: nothing to do (use --rebuild to {args.rebuild_what})")
        return 0
    engine = open_database(args.db, create=False)
    progress = ProgressLine()
    try:
        line = args.rebuild_step(engine, args, progress)
    finally:
        progress.close()
    print(line)
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    engine = open_database(args.db, create=False)
    print(format_stats(corpus_stats(engine)))
    if args.plot:
        from corpus.outputs.plots import write_plots
        from corpus.outputs.tally import Tally
        from corpus.store.ownership import PLOTS, atomic_dir

        # Every stored article: these plots describe the corpus; a snapshot's card describes itself.
        flt = ExportFilter(dedup="none", all_topics=True)
        out = Path(args.plot)
        with atomic_dir(out, PLOTS, force=args.force) as tmp:
            tally = Tally().add_all(article_record(a) for a in iter_articles(engine, flt))
            written = write_plots(tally, tmp)
        for path in written:
            print(f"plot: {out / path.name}")
    return 0


def cmd_dataset_build(args: argparse.Namespace) -> int:
    from corpus.outputs.dataset import build_dataset

    result = build_dataset(
        open_database(args.db, create=False),
        Path(args.out),
        _export_filter(args),
        split=args.split,
        compression=args.compression,
        text=not args.no_text,
        force=args.force,
    )
    _say_if_empty(result.total + sum(result.left_out.values()))
    rows = ", ".join(f"{name} {n}" for name, n in result.rows.items())
    left_out = "".join(f", {n} left out ({why})" for why, n in result.left_out.items())
    print(f"dataset {result.out}: {result.total} articles ({rows}){left_out}; {result.files} files")
    print(f"data card {result.out / 'README.md'}, manifest {result.out / 'manifest.json'}")
    return 0


def cmd_browse(args: argparse.Namespace) -> int:
    from corpus.outputs.browse import bind, browse_file, build_browse_db, exposure_warning, serve

    engine = open_database(args.db, create=False)
    sock = bind(args.host, args.port)
    if warning := exposure_warning(args.host):
        print(warning, file=sys.stderr)
    with sock, browse_file(Path(args.out) if args.out else None) as path:
        count = build_browse_db(engine, path, _export_filter(args), force=args.force)
        engine.dispose()
        _say_if_empty(count)

        def ready(url: str) -> None:
            print(f"{count} articles; Datasette at {url} (full-text search: ?_search=...); Ctrl-C stops")
            sys.stdout.flush()

        serve(path, sock, on_ready=ready)
    return 0


def cmd_sources_check(args: argparse.Namespace) -> int:
    from corpus.sources.registry import load_sources
    from corpus.store.health import Thresholds, format_health, health_json, source_health

    names = [s.name for s in load_sources(args.sources)] if args.sources else None
    now = dt.datetime.now(dt.UTC)
    th = Thresholds()
    rows = source_health(open_database(args.db, create=False), names, args.days, now, th)
    print(health_json(rows, args.days, now, th) if args.json else format_health(rows, args.days, now))
    # For monitoring (cron, Nagios-style checks): a flagged source is a non-zero status, so a
    # site that changed or blocks us is noticed without parsing the table.
    flagged = [r.source for r in rows if r.flags]
    if flagged:
        print(
            f"crimecorpus: {len(flagged)} of {len(rows)} sources flagged: {', '.join(flagged)}",
            file=sys.stderr,
        )
        return EXIT_FLAGGED
    return 0


def cmd_sources_list(args: argparse.Namespace) -> int:
    from corpus.sources.registry import load_sources

    sources = load_sources(args.sources)
    print(f"{'name':<16} {'outlet':<28} {'country':<7} {'verified':<8} feeds sitemaps listings")
    for s in sources:
        print(
            f"{s.name:<16} {s.outlet:<28} {s.country:<7} {'yes' if s.verified else 'no':<8} "
            f"{len(s.feeds):>5} {len(s.sitemaps):>8} {len(s.start_urls):>8}"
        )
    print(f"{len(sources)} sources, {sum(s.verified for s in sources)} verified")
    return 0


def _version() -> str:
    """``crimecorpus X.Y.Z``, plus the git commit when run from a checkout."""
    from corpus.outputs.export import git_commit, package_version

    commit = git_commit()
    return f"crimecorpus {package_version()}" + (f" (git {commit[:12]})" if commit else "")


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(
        prog="crimecorpus", description="Crawl and build a corpus of Dutch and Flemish crime news."
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks on errors")
    parser.add_argument("--version", action="version", version=_version())
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    opts = options.options()

    p = sub.add_parser(
        "crawl",
        parents=[opts.crawl.parser, opts.verbose.parser, opts.redis.parser],
        help="crawl the sources and store articles",
    )
    p.add_argument(
        "--spider",
        default="news",
        choices=["news", "feeds", "sitemaps", "listings"],
        help=argparse.SUPPRESS,
    )
    p.add_argument(
        "--distributed",
        action="store_true",
        help="be one worker of a distributed crawl: requests from the shared Redis queue (docs/distributed.md)",
    )
    p.set_defaults(func=cmd_crawl)
    add_distributed_commands(sub.add_parser, opts)

    p = sub.add_parser(
        "schedule", parents=[opts.crawl.parser], help="run crawls in a loop (one at a time per database)"
    )
    p.add_argument(
        "--every", required=True, metavar="INTERVAL", help="start a crawl every INTERVAL (30m, 1h, 1d)"
    )
    p.add_argument("--max-runs", type=int, metavar="N", help="stop after N runs (default: run forever)")
    p.set_defaults(func=cmd_schedule, crawl_argv=opts.crawl.argv)

    p = sub.add_parser(
        "export",
        parents=[opts.db.parser, opts.force.parser, opts.filter.parser],
        help="export stored articles (streaming, stable order)",
    )
    p.add_argument(
        "--out",
        required=True,
        metavar="PATH",
        help="output file (jsonl; - for standard output) or directory (txt); new, or an earlier export",
    )
    p.add_argument("--format", choices=["jsonl", "txt"], default="jsonl")
    p.add_argument(
        "--check",
        action="store_true",
        help="after writing, list every known person's name form found in the output; exit 1 if any",
    )
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("dataset", help="research dataset snapshots")
    dataset_sub = p.add_subparsers(dest="dataset_command", metavar="ACTION", required=True)
    p = dataset_sub.add_parser(
        "build",
        parents=[opts.db.parser, opts.force.parser, opts.filter.parser],
        help="write a versioned snapshot: Parquet, JSONL, text files, plots, data card, manifest",
    )
    p.add_argument(
        "--out", required=True, metavar="DIR", help="snapshot directory: new, empty or an earlier snapshot"
    )
    p.add_argument(
        "--split",
        type=options.split,
        metavar="SPEC",
        help="random:80/10/10 (by near-duplicate cluster) or time:YYYY-MM-DD (train before, test after)",
    )
    p.add_argument(
        "--compression", choices=["none", "gzip", "zstd"], default="none", help="of the JSONL files"
    )
    p.add_argument("--no-text", action="store_true", help="leave out text/ (one file per article)")
    p.set_defaults(func=cmd_dataset_build)

    p = sub.add_parser(
        "browse",
        parents=[opts.db.parser, opts.force.parser, opts.filter.parser],
        help="open the corpus in Datasette with full-text search",
    )
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=options.port, default=8001, help="port (default 8001; 0: any free port)")
    p.add_argument(
        "--out",
        metavar="FILE",
        help="keep the browse database here: new, or an earlier one (default: a temporary file)",
    )
    p.set_defaults(func=cmd_browse)

    p = sub.add_parser("classify", parents=[opts.db.parser], help="crime classification of the stored corpus")
    _rebuild_options(
        p, "re-run classification on every stored article", "re-score the stored corpus", _reclassify
    )
    p = sub.add_parser("dedup", parents=[opts.db.parser], help="near-duplicate clusters of the stored corpus")
    _rebuild_options(p, "recompute every cluster and representative", "recompute the clusters", _recluster)
    p.add_argument(
        "--threshold",
        type=options.threshold,
        default=THRESHOLD,
        help=f"estimated Jaccard of word 5-grams (default {THRESHOLD})",
    )

    p = sub.add_parser(
        "stats",
        parents=[opts.db.parser, opts.force.parser],
        help="articles per source and month, rejections by reason",
    )
    p.add_argument(
        "--plot",
        metavar="DIR",
        help="also write PNG plots of the stored corpus to DIR (new, or earlier plots)",
    )
    p.set_defaults(func=cmd_stats)

    p = sub.add_parser("sources", help="the sources registry, and the health of each source")
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    q = actions.add_parser(
        "check", parents=[opts.db.parser], help="per source: last success, yield, failure rates, flags"
    )
    # Not the registry option: a filter on the report, whose default is the database's sources.
    q.add_argument("--sources", metavar="FILE", help="report these sources (default: those in the database)")
    q.add_argument("--days", type=options.positive, default=7, metavar="N", help="window in days (default 7)")
    q.add_argument("--json", action="store_true", help="JSON instead of a table")
    q.set_defaults(func=cmd_sources_check)
    q = actions.add_parser(
        "list", parents=[opts.sources.parser], help="the registry: outlets, channels and verified flags"
    )
    q.set_defaults(func=cmd_sources_list)
    add_sources_commands(actions.add_parser, opts)

    warc_run = [opts.sources.parser, opts.db.parser, opts.set.parser, opts.verbose.parser]
    p = sub.add_parser(
        "ingest-warc",
        parents=[*warc_run, opts.redis.parser],
        help="store articles from WARC files (CC-NEWS, archives); resumable per file",
        description="Store articles from WARC files. Only pages of the hosts of the sources "
        "registry (--sources) are kept; a file already read is skipped.",
    )
    p.add_argument(
        "files", nargs="+", metavar="FILE_OR_GLOB", help="WARC files (.warc, .warc.gz), globs, dirs"
    )
    p.add_argument(
        "--distributed",
        action="store_true",
        help="share the files with other machines through Redis (--redis): each file is read by one "
        "worker at a time, and a killed worker's file is resumed by another",
    )
    p.set_defaults(func=cmd_ingest_warc)

    p = sub.add_parser(
        "backfill",
        parents=[
            opts.sources.parser,
            opts.source.parser,
            opts.db.parser,
            opts.set.parser,
            opts.verbose.parser,
            opts.redis.parser,
        ],
        help="store an outlet's past articles from Common Crawl's index and the Wayback Machine",
        description="Ask the archives' indexes for the captures of the sources' hosts in a span of "
        "months, fetch each capture (a range request into a Common Crawl WARC file, or a raw Wayback "
        "snapshot) and store it as a crawl would. Resumable: run the same command again to go on.",
    )
    p.add_argument(
        "--from",
        dest="month_from",
        type=options.month,
        required=True,
        metavar="YYYY-MM",
        help="first month of captures",
    )
    p.add_argument(
        "--to",
        dest="month_to",
        type=options.month,
        required=True,
        metavar="YYYY-MM",
        help="last month of captures (included)",
    )
    p.add_argument(
        "--archive",
        choices=("cc", "ia", "both"),
        default="both",
        help="Common Crawl, the Internet Archive, or both (default)",
    )
    p.add_argument(
        "--keep-warc",
        action="store_true",
        help="also write every capture fetched into our own WARC archive (CORPUS_ARCHIVE=warc), dated at "
        "its capture and naming the archive it came from, so that reextract can rebuild it",
    )
    p.add_argument(
        "--archive-dir",
        metavar="DIR",
        help="our WARC archive's directory, as for crawl and reextract (default: data/warc)",
    )
    p.add_argument(
        "--distributed",
        action="store_true",
        help="share index pages and captures with other machines running the same command (--redis, a shared --db)",
    )
    p.set_defaults(func=cmd_backfill)

    p = sub.add_parser(
        "reextract",
        parents=warc_run,
        help="rebuild stored articles from the WARC archive, without network",
    )
    p.add_argument(
        "--archive-dir",
        metavar="DIR",
        help="the WARC files to read (default: the CORPUS_ARCHIVE_DIR setting, -s applied; shipped: data/warc)",
    )
    p.set_defaults(func=cmd_reextract)

    p = sub.add_parser(
        "demo",
        parents=[opts.set.parser, opts.force.parser],
        help="serve the bundled offline site, crawl it and export the corpus",
    )
    p.add_argument("--out", default="exports/demo", metavar="DIR")
    p.add_argument(
        "--backfill",
        action="store_true",
        help="instead of crawling the demo site, backfill its outlets from a local web archive "
        "(Common Crawl index and WARC files, Wayback captures) built from it",
    )
    p.set_defaults(func=cmd_demo)
    return parser


def _rebuild_options(
    p: argparse.ArgumentParser,
    rebuild_help: str,
    what: str,
    step: Callable[[Engine, argparse.Namespace, ProgressLine], str],
) -> None:
    """``classify`` and ``dedup``: one stage redone over the stored corpus (see :func:`cmd_rebuild`)."""
    p.add_argument("--rebuild", action="store_true", help=rebuild_help)
    p.set_defaults(func=cmd_rebuild, rebuild_step=step, rebuild_what=what)


def _quiet_broken_pipe() -> int:
    """A reader that went away (``| head``) ends the command quietly, as SIGPIPE would have.

    Standard output is pointed at /dev/null so that the interpreter's final flush of the
    buffered rest cannot raise a second BrokenPipeError on the way out.
    """
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
    return EXIT_BROKEN_PIPE


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; the exit status says how it ended.

    0 done; 1 a crawl, demo, ingest or reextract run that did not finish (could not start,
    crashed, the database failed, or any finish reason but ``finished``), a ``sources check``
    that flags a source, a ``sources probe``/``snapshot`` that kept nothing; 2 an error the user
    can fix (bad option, sources file, database URL, path); 3 another crawl holds the database;
    130 interrupted (SIGINT or SIGTERM); 141 standard output closed by its reader.
    """
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        if not args.command:
            parser.print_help()
            return EXIT_ERROR
        func: Callable[[argparse.Namespace], int] = args.func
        try:
            code = func(args)
            sys.stdout.flush()  # a closed pipe shows here, inside the handler below
            return code
        except BrokenPipeError:  # before OSError, which the expected errors include
            return _quiet_broken_pipe()
        except _EXPECTED as exc:
            if args.debug:
                raise
            print(f"crimecorpus: error: {exc}", file=sys.stderr)
            return EXIT_ERROR
        except CrawlFailed as exc:
            if args.debug:
                raise
            print(f"crimecorpus: error: the run could not start or crashed: {exc}", file=sys.stderr)
            return EXIT_NOT_FINISHED
        except KeyboardInterrupt:
            print("crimecorpus: interrupted", file=sys.stderr)
            return EXIT_INTERRUPTED
    except BrokenPipeError:
        return _quiet_broken_pipe()


if __name__ == "__main__":
    sys.exit(main())
