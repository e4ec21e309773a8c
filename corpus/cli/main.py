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
from typing import TYPE_CHECKING, NoReturn

from corpus.annotate.crime import CATEGORIES
from corpus.cli.distributed import add_commands as add_distributed_commands
from corpus.cli.distributed import add_redis_options
from corpus.crawl.runner import (
    EXIT_INTERRUPTED,
    CrawlFailed,
    RunOutcome,
    SettingError,
    build_settings,
    run_crawl,
)
from corpus.dedup.neardup import THRESHOLD
from corpus.outputs.export import (
    DEDUP_MODES,
    ExportError,
    ExportFilter,
    article_record,
    export,
    iter_articles,
)
from corpus.outputs.splits import SplitError, SplitSpec, parse_split
from corpus.sources.registry import SourcesError
from corpus.store.stats import corpus_stats, format_stats
from corpus.store.storage import DEFAULT_DB_PATH, DatabaseError, open_database

if TYPE_CHECKING:
    from sqlalchemy import Engine

EXIT_OK = 0
EXIT_NOT_FINISHED = 1
EXIT_ERROR = 2
EXIT_LOCKED = 3
EXIT_FLAGGED = 1  # sources check: at least one source is flagged
EXIT_BROKEN_PIPE = 141  # what a shell reports for a process ended by SIGPIPE (128 + 13)
_EXPECTED = (SourcesError, DatabaseError, ExportError, SettingError, OSError)


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {value!r}") from None


def _split(value: str) -> SplitSpec:
    try:
        return parse_split(value)
    except SplitError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _threshold(value: str) -> float:
    """A Jaccard threshold in (0, 1]; ``nan`` and ``inf`` parse as floats but are no threshold."""
    try:
        number = float(value)
    except ValueError:
        number = float("nan")
    if not 0.0 < number <= 1.0:  # also false for nan
        raise argparse.ArgumentTypeError(f"not a threshold between 0 (excluded) and 1: {value!r}")
    return number


def _port(value: str) -> int:
    """A TCP port, 0 to 65535 (0: any free port)."""
    if not (value.isascii() and value.isdigit()) or int(value) > 65535:
        raise argparse.ArgumentTypeError(f"not a port number (0 to 65535): {value!r}")
    return int(value)


class _OneLineParser(argparse.ArgumentParser):
    """Usage errors as the one ``crimecorpus: error:`` line every other error is, exit 2.

    Subcommand parsers inherit the class (argparse makes them with ``type(parent)``).
    """

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_ERROR, f"crimecorpus: error: {message} (see {self.prog} --help)\n")


def _add_db(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--db",
        metavar="URL",
        help=f"SQLAlchemy URL or SQLite path (default: $CRIMECORPUS_DB, else {DEFAULT_DB_PATH})",
    )


def cmd_crawl(args: argparse.Namespace) -> int:
    from corpus.crawl.runlock import AlreadyRunning, run_lock

    extra: dict[str, object] = (
        {} if args.verbose else {"CORPUS_PROGRESS": sys.stderr.isatty(), "LOG_LEVEL": "WARNING"}
    )
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
    try:
        if args.distributed:
            # Workers of a distributed crawl share one database by design: no run lock.
            summary, outcome = run_crawl(settings, spider="distributed")
        else:
            with run_lock(settings.get("CORPUS_DB_URL")):
                summary, outcome = run_crawl(settings, spider=args.spider)
    except AlreadyRunning as exc:
        print(f"crimecorpus: {exc}; not starting a second run", file=sys.stderr)
        return EXIT_LOCKED
    print(summary.format())
    if summary.finish_reason != "redis_lost":
        return _run_status(summary.finish_reason, outcome)
    from corpus.cli.distributed import redis_lost_line

    print(redis_lost_line(args.redis, settings.getfloat("CORPUS_REDIS_LOST_SECONDS")), file=sys.stderr)
    return 1


def _run_status(finish_reason: str, outcome: RunOutcome) -> int:
    """Print the run's one error line, if any, and return its exit status (see ``main``)."""
    from corpus.crawl.runner import outcome_error

    code, message = outcome_error(finish_reason, outcome)
    if message:
        prefix = "crimecorpus: " if code == EXIT_INTERRUPTED else "crimecorpus: error: "
        print(prefix + message, file=sys.stderr)
    return code


def _crawl_args(args: argparse.Namespace) -> list[str]:
    """The crawl options of ``schedule`` passed on to each ``crawl`` run."""
    out: list[str] = []
    if args.sources:
        out += ["--sources", args.sources]
    for name in args.source or ():
        out += ["--source", name]
    if args.db:
        out += ["--db", args.db]
    for item in args.set or ():
        out += ["-s", item]
    if args.since:
        out += ["--since", args.since.isoformat()]
    if args.refetch_days:
        out += ["--refetch-days", str(args.refetch_days)]
    if args.archive:
        out += ["--archive", args.archive]
    if args.archive_dir:
        out += ["--archive-dir", args.archive_dir]
    return out


def cmd_schedule(args: argparse.Namespace) -> int:
    from corpus.crawl.schedule import parse_interval, run_schedule

    try:
        every = parse_interval(args.every)
    except ValueError as exc:
        raise SettingError(str(exc)) from None
    return run_schedule(_crawl_args(args), every, max_runs=args.max_runs)


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


def cmd_classify(args: argparse.Namespace) -> int:
    from corpus.store.rescore import ProgressLine, reclassify

    if not args.rebuild:
        print("crimecorpus classify: nothing to do (use --rebuild to re-score the stored corpus)")
        return 0
    engine = open_database(args.db, create=False)
    progress = ProgressLine()
    try:
        done = reclassify(engine, progress=progress)
    finally:
        progress.close()
    print(f"re-classified {done} articles")
    return 0


def cmd_dedup(args: argparse.Namespace) -> int:
    from corpus.store.clusters import rebuild_clusters
    from corpus.store.rescore import ProgressLine

    if not args.rebuild:
        print("crimecorpus dedup: nothing to do (use --rebuild to recompute the clusters)")
        return 0
    engine = open_database(args.db, create=False)
    progress = ProgressLine()
    try:
        articles, clusters = rebuild_clusters(engine, threshold=args.threshold, progress=progress)
    finally:
        progress.close()
    print(f"{articles} articles in {clusters} clusters (threshold {args.threshold})")
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
        print(f"crimecorpus: {len(flagged)} of {len(rows)} sources flagged: {', '.join(flagged)}", file=sys.stderr)
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


def _positive(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"not a positive whole number: {value!r}")
    return int(value)


def cmd_demo(args: argparse.Namespace) -> int:
    from corpus.crawl.demo import run_demo

    out = Path(args.out)
    result = run_demo(out, progress=sys.stderr.isatty(), overrides=args.set or (), force=args.force)
    print(result.summary.format())
    if result.jsonl is None or result.txt is None:  # the crawl did not finish: nothing exported
        return _run_status(result.summary.finish_reason, result.outcome)
    print()
    print(f"demo database  {result.db_path}")
    print(f"JSONL export   {result.jsonl.path} ({result.jsonl.written} articles)")
    print(f"text export    {result.txt.path}/ ({result.txt.written} files, first line 'date YYYY-MM')")
    print(f"sources used   {out / 'sources.toml'}")
    print(f"next: crimecorpus stats --db {result.db_path}")
    return 0


def _run_warc(args: argparse.Namespace, files: list[str], mode: str) -> int:
    """``ingest-warc`` and ``reextract``: the ``warc`` spider over local files, one run per database."""
    from corpus.crawl.ingest import summary_from_stats
    from corpus.crawl.runlock import AlreadyRunning, run_lock
    from corpus.crawl.runner import run_spider

    extra: dict[str, object] = {"CORPUS_WARC_FILES": files, "CORPUS_WARC_MODE": mode}
    if not args.verbose:
        extra.update({"CORPUS_PROGRESS": sys.stderr.isatty(), "LOG_LEVEL": "WARNING"})
    settings = build_settings(
        db_url=args.db, sources_file=args.sources, overrides=args.set or (), extra=extra
    )
    try:
        with run_lock(settings.get("CORPUS_DB_URL")):
            open_database(settings.get("CORPUS_DB_URL")).dispose()
            outcome = run_spider(settings, "warc")
    except AlreadyRunning as exc:
        print(f"crimecorpus: {exc}; not starting a second run", file=sys.stderr)
        return EXIT_LOCKED
    summary = summary_from_stats(outcome.stats, outcome.counts)
    print(summary.format("reextract" if mode == "reextract" else "ingest"))
    return _run_status(summary.finish_reason, outcome)


def cmd_ingest_warc(args: argparse.Namespace) -> int:
    from corpus.warc.read import expand_paths

    files = expand_paths(args.files)
    missing = [str(f) for f in files if not f.is_file()]
    if missing or not files:
        raise SettingError(f"no such WARC file: {', '.join(missing) or ' '.join(args.files)}")
    return _run_warc(args, [str(f) for f in files], "ingest")


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


def _add_crawl_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--sources", metavar="FILE", help="sources registry TOML (default: the shipped one)")
    p.add_argument("--source", metavar="NAME", action="append", help="crawl only this source (repeatable)")
    _add_db(p)
    p.add_argument("-s", "--set", metavar="NAME=VALUE", action="append", help="override a Scrapy setting")
    p.add_argument(
        "--since",
        type=_date,
        metavar="YYYY-MM-DD",
        help="skip feed and sitemap entries dated before this day",
    )
    p.add_argument(
        "--refetch-days",
        type=int,
        metavar="N",
        default=0,
        help="re-check stored articles discovered in the last N days (conditional GET; a changed text becomes a new version)",
    )
    p.add_argument(
        "--archive",
        choices=["warc"],
        help="also write every fetched article response to WARC files (for reextract)",
    )
    p.add_argument("--archive-dir", metavar="DIR", help="where the WARC files go (default: data/warc)")


def _add_force(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--force",
        action="store_true",
        help="also replace an output of the same kind that carries no marker (written by an earlier "
        "crimecorpus, or an empty file; never anything else)",
    )


def _add_filter_options(p: argparse.ArgumentParser) -> None:
    """Which articles ``export``, ``dataset build`` and ``browse`` take (see ExportFilter)."""
    p.add_argument("--since", type=_date, metavar="YYYY-MM-DD")
    p.add_argument("--until", type=_date, metavar="YYYY-MM-DD")
    p.add_argument("--source", metavar="NAME", action="append")
    p.add_argument(
        "--dedup",
        choices=DEDUP_MODES,
        default="near",
        help="near (default): one representative per near-duplicate cluster; exact: no identical copies; none: all",
    )
    p.add_argument("--all-topics", action="store_true", help="every Dutch article, not only crime news")
    # Checked by corpus.outputs.export.check_filter (one line naming the value), not by argparse choices.
    p.add_argument(
        "--category", metavar="NAME", help=f"only articles with this crime category ({', '.join(CATEGORIES)})"
    )
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


def _version() -> str:
    """``crimecorpus X.Y.Z``, plus the git commit when run from a checkout."""
    from corpus.outputs.export import git_commit, package_version

    commit = git_commit()
    return f"crimecorpus {package_version()}" + (f" (git {commit[:12]})" if commit else "")


def build_parser() -> argparse.ArgumentParser:
    parser = _OneLineParser(
        prog="crimecorpus", description="Crawl and build a corpus of Dutch and Flemish crime news."
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks on errors")
    parser.add_argument("--version", action="version", version=_version())
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("crawl", help="crawl the sources and store articles")
    _add_crawl_options(p)
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
    p.add_argument(
        "--distributed",
        action="store_true",
        help="be one worker of a distributed crawl: requests from the shared Redis queue (docs/distributed.md)",
    )
    add_redis_options(p)
    p.set_defaults(func=cmd_crawl)
    add_distributed_commands(sub, _add_db)

    p = sub.add_parser("schedule", help="run crawls in a loop (one at a time per database)")
    p.add_argument(
        "--every", required=True, metavar="INTERVAL", help="start a crawl every INTERVAL (30m, 1h, 1d)"
    )
    p.add_argument("--max-runs", type=int, metavar="N", help="stop after N runs (default: run forever)")
    _add_crawl_options(p)
    p.set_defaults(func=cmd_schedule)

    p = sub.add_parser("export", help="export stored articles (streaming, stable order)")
    p.add_argument(
        "--out",
        required=True,
        metavar="PATH",
        help="output file (jsonl; - for standard output) or directory (txt); new, or an earlier export",
    )
    _add_force(p)
    _add_db(p)
    p.add_argument("--format", choices=["jsonl", "txt"], default="jsonl")
    _add_filter_options(p)
    p.add_argument(
        "--check",
        action="store_true",
        help="after writing, list every known person's name form found in the output; exit 1 if any",
    )
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("dataset", help="research dataset snapshots")
    dataset_sub = p.add_subparsers(dest="dataset_command", metavar="ACTION", required=True)
    p = dataset_sub.add_parser(
        "build", help="write a versioned snapshot: Parquet, JSONL, text files, plots, data card, manifest"
    )
    p.add_argument(
        "--out", required=True, metavar="DIR", help="snapshot directory: new, empty or an earlier snapshot"
    )
    _add_force(p)
    _add_db(p)
    _add_filter_options(p)
    p.add_argument(
        "--split",
        type=_split,
        metavar="SPEC",
        help="random:80/10/10 (by near-duplicate cluster) or time:YYYY-MM-DD (train before, test after)",
    )
    p.add_argument(
        "--compression", choices=["none", "gzip", "zstd"], default="none", help="of the JSONL files"
    )
    p.add_argument("--no-text", action="store_true", help="leave out text/ (one file per article)")
    p.set_defaults(func=cmd_dataset_build)

    p = sub.add_parser("browse", help="open the corpus in Datasette with full-text search")
    _add_db(p)
    _add_filter_options(p)
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=_port, default=8001, help="port (default 8001; 0: any free port)")
    p.add_argument(
        "--out",
        metavar="FILE",
        help="keep the browse database here: new, or an earlier one (default: a temporary file)",
    )
    _add_force(p)
    p.set_defaults(func=cmd_browse)

    p = sub.add_parser("classify", help="crime classification of the stored corpus")
    p.add_argument("--rebuild", action="store_true", help="re-run classification on every stored article")
    _add_db(p)
    p.set_defaults(func=cmd_classify)

    p = sub.add_parser("dedup", help="near-duplicate clusters of the stored corpus")
    p.add_argument("--rebuild", action="store_true", help="recompute every cluster and representative")
    p.add_argument(
        "--threshold",
        type=_threshold,
        default=THRESHOLD,
        help=f"estimated Jaccard of word 5-grams (default {THRESHOLD})",
    )
    _add_db(p)
    p.set_defaults(func=cmd_dedup)

    p = sub.add_parser("stats", help="articles per source and month, rejections by reason")
    _add_db(p)
    p.add_argument(
        "--plot", metavar="DIR", help="also write PNG plots of the stored corpus to DIR (new, or earlier plots)"
    )
    _add_force(p)
    p.set_defaults(func=cmd_stats)

    p = sub.add_parser("sources", help="the sources registry, and the health of each source")
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    q = actions.add_parser("check", help="per source: last success, yield, failure rates, flags")
    q.add_argument("--sources", metavar="FILE", help="report these sources (default: those in the database)")
    _add_db(q)
    q.add_argument("--days", type=_positive, default=7, metavar="N", help="window in days (default 7)")
    q.add_argument("--json", action="store_true", help="JSON instead of a table")
    q.set_defaults(func=cmd_sources_check)
    q = actions.add_parser("list", help="the registry: outlets, channels and verified flags")
    q.add_argument("--sources", metavar="FILE", help="sources registry TOML (default: the shipped one)")
    q.set_defaults(func=cmd_sources_list)

    p = sub.add_parser(
        "ingest-warc", help="store articles from WARC files (CC-NEWS, archives); resumable per file"
    )
    p.add_argument(
        "files", nargs="+", metavar="FILE_OR_GLOB", help="WARC files (.warc, .warc.gz), globs, dirs"
    )
    p.add_argument("--sources", metavar="FILE", help="keep pages of these sources' hosts (default: shipped)")
    _add_db(p)
    p.add_argument("-s", "--set", metavar="NAME=VALUE", action="append", help="override a Scrapy setting")
    p.add_argument("-v", "--verbose", action="store_true", help="Scrapy's log at INFO")
    p.set_defaults(func=cmd_ingest_warc)

    p = sub.add_parser("reextract", help="rebuild stored articles from the WARC archive, without network")
    _add_db(p)
    p.add_argument(
        "--archive-dir",
        metavar="DIR",
        help="the WARC files to read (default: the CORPUS_ARCHIVE_DIR setting, -s applied; shipped: data/warc)",
    )
    p.add_argument("--sources", metavar="FILE", help="sources registry TOML (default: the shipped one)")
    p.add_argument("-s", "--set", metavar="NAME=VALUE", action="append", help="override a Scrapy setting")
    p.add_argument("-v", "--verbose", action="store_true", help="Scrapy's log at INFO")
    p.set_defaults(func=cmd_reextract)

    p = sub.add_parser("demo", help="serve the bundled offline site, crawl it and export the corpus")
    p.add_argument("--out", default="exports/demo", metavar="DIR")
    p.add_argument("-s", "--set", metavar="NAME=VALUE", action="append", help="override a Scrapy setting")
    _add_force(p)
    p.set_defaults(func=cmd_demo)
    return parser


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
    crashed, the database failed, or any finish reason but ``finished``); 2 an error the user
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
