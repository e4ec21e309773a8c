"""The command line's options, each declared once: argument types, the parser, shared option groups.

A group is an argparse parent parser; a command lists the groups it takes (``parents=``), so
``--db``, ``--sources``, ``-s`` and ``-v`` mean the same on every command that has them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
from dataclasses import dataclass
from typing import Any, NoReturn

from corpus.annotate.crime import CATEGORIES
from corpus.outputs.export import DEDUP_MODES
from corpus.outputs.splits import SplitError, SplitSpec, parse_split
from corpus.store.storage import DB_ENV, DEFAULT_DB_PATH

EXIT_ERROR = 2
REDIS_ENV = "CRIMECORPUS_REDIS"


# -- argument types ----------------------------------------------------------------------------
def date(value: str) -> dt.date:
    """A day as YYYY-MM-DD."""
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {value!r}") from None


def split(value: str) -> SplitSpec:
    """A dataset split (``random:80/10/10``, ``time:YYYY-MM-DD``)."""
    try:
        return parse_split(value)
    except SplitError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def threshold(value: str) -> float:
    """A Jaccard threshold in (0, 1]; ``nan`` and ``inf`` parse as floats but are no threshold."""
    try:
        number = float(value)
    except ValueError:
        number = float("nan")
    if not 0.0 < number <= 1.0:  # also false for nan
        raise argparse.ArgumentTypeError(f"not a threshold between 0 (excluded) and 1: {value!r}")
    return number


def port(value: str) -> int:
    """A TCP port, 0 to 65535 (0: any free port)."""
    if not (value.isascii() and value.isdigit()) or int(value) > 65535:
        raise argparse.ArgumentTypeError(f"not a port number (0 to 65535): {value!r}")
    return int(value)


def month(value: str) -> str:
    """A month as YYYY-MM (a backfill's span)."""
    try:
        dt.datetime.strptime(value, "%Y-%m")
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a month YYYY-MM: {value!r}") from None
    if len(value) != 7:
        raise argparse.ArgumentTypeError(f"not a month YYYY-MM: {value!r}")
    return value


def positive(value: str) -> int:
    """A whole number of at least 1."""
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"not a positive whole number: {value!r}")
    return int(value)


class OneLineParser(argparse.ArgumentParser):
    """Usage errors as the one ``crimecorpus: error:`` line every other error is, exit 2.

    Subcommand parsers inherit the class (argparse makes them with ``type(parent)``).
    """

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_ERROR, f"crimecorpus: error: {message} (see {self.prog} --help)\n")


# -- option groups -----------------------------------------------------------------------------
class OptionGroup:
    """A parent parser that also remembers the actions it holds, its parents' included.

    The actions let :meth:`argv` write parsed options back as arguments for a child process
    (``schedule`` runs each crawl in a fresh one) from this one declaration.
    """

    def __init__(self, *parents: OptionGroup) -> None:
        self.parser: OneLineParser = OneLineParser(add_help=False, parents=[p.parser for p in parents])
        self.actions: list[argparse.Action] = [a for p in parents for a in p.actions]

    def add(self, *flags: str, **kwargs: Any) -> None:
        self.actions.append(self.parser.add_argument(*flags, **kwargs))

    def argv(self, args: argparse.Namespace) -> list[str]:
        """The options of this group that ``args`` sets, as command-line arguments.

        Options left at their default are left out; ``--name=value`` keeps a value that starts
        with a dash a value.
        """
        out: list[str] = []
        for action in self.actions:
            value = getattr(args, action.dest, None)
            if value is None or value is False or value == action.default:
                continue
            flag = action.option_strings[-1]  # the long form
            if action.nargs == 0:  # a switch
                out.append(flag)
            else:
                out += [f"{flag}={item}" for item in (value if isinstance(value, list) else [value])]
        return out


@dataclass(frozen=True)
class Options:
    """Every shared option group, built once per parser."""

    db: OptionGroup
    sources: OptionGroup
    source: OptionGroup
    set: OptionGroup
    verbose: OptionGroup
    force: OptionGroup
    redis: OptionGroup
    filter: OptionGroup
    crawl: OptionGroup


def options() -> Options:
    """Declare the shared options (once) and group them."""
    from corpus.crawl.distributed import DEFAULT_PREFIX

    db = OptionGroup()
    db.add(
        "--db",
        metavar="URL",
        help=f"SQLAlchemy URL or SQLite path (default: ${DB_ENV}, else {DEFAULT_DB_PATH})",
    )
    sources = OptionGroup()
    sources.add("--sources", metavar="FILE", help="sources registry TOML (default: the shipped one)")
    source = OptionGroup()
    source.add("--source", metavar="NAME", action="append", help="only this source (repeatable)")
    set_ = OptionGroup()
    set_.add("-s", "--set", metavar="NAME=VALUE", action="append", help="override a Scrapy setting")
    verbose = OptionGroup()
    verbose.add(
        "-v", "--verbose", action="store_true", help="Scrapy's log at INFO instead of the progress line"
    )
    force = OptionGroup()
    force.add(
        "--force",
        action="store_true",
        help="also replace an output of the same kind that carries no marker (written by an earlier "
        "crimecorpus, or an empty file; never anything else)",
    )
    redis = OptionGroup()
    redis.add(
        "--redis",
        metavar="URL",
        default=os.environ.get(REDIS_ENV),
        help=f"Redis URL, e.g. redis://:PASSWORD@10.0.0.5:6379/0 or rediss://... (default: ${REDIS_ENV})",
    )
    redis.add(
        "--redis-prefix",
        metavar="NAME",
        default=DEFAULT_PREFIX,
        help=f"key prefix, one per independent crawl sharing a Redis (default {DEFAULT_PREFIX})",
    )
    return Options(
        db=db,
        sources=sources,
        source=source,
        set=set_,
        verbose=verbose,
        force=force,
        redis=redis,
        filter=_filter_options(source),
        crawl=_crawl_options(sources, source, db, set_),
    )


def _crawl_options(*parents: OptionGroup) -> OptionGroup:
    """What a crawl is given: ``crawl`` and ``schedule`` (which passes them on to each run)."""
    crawl = OptionGroup(*parents)
    crawl.add(
        "--since",
        type=date,
        metavar="YYYY-MM-DD",
        help="skip feed and sitemap entries dated before this day",
    )
    crawl.add(
        "--refetch-days",
        type=int,
        metavar="N",
        default=0,
        help="re-check stored articles discovered in the last N days (conditional GET; a changed "
        "text becomes a new version)",
    )
    crawl.add(
        "--archive",
        choices=["warc"],
        help="also write every fetched article response to WARC files (for reextract)",
    )
    crawl.add("--archive-dir", metavar="DIR", help="where the WARC files go (default: data/warc)")
    return crawl


def _filter_options(source: OptionGroup) -> OptionGroup:
    """Which articles ``export``, ``dataset build`` and ``browse`` take (see ExportFilter)."""
    flt = OptionGroup(source)
    flt.add("--since", type=date, metavar="YYYY-MM-DD")
    flt.add("--until", type=date, metavar="YYYY-MM-DD")
    flt.add(
        "--dedup",
        choices=DEDUP_MODES,
        default="near",
        help="near (default): one representative per near-duplicate cluster; exact: no identical "
        "copies; none: all",
    )
    flt.add("--all-topics", action="store_true", help="every Dutch article, not only crime news")
    # Checked by corpus.outputs.export.check_filter (one line naming the value), not by argparse choices.
    flt.add(
        "--category", metavar="NAME", help=f"only articles with this crime category ({', '.join(CATEGORIES)})"
    )
    flt.add(
        "--complete-only",
        action="store_true",
        help="full texts only: leave out paywalled articles stored as a teaser (text_complete)",
    )
    flt.add(
        "--pseudonymise",
        action="store_true",
        help="replace 'Mohamed B.'-style names with stable placeholders",
    )
    flt.add(
        "--salt",
        default="",
        help="secret mixed into pseudonyms (keep it private to prevent re-identification)",
    )
    return flt
