"""``sources probe`` and ``sources snapshot``: verify one source in the field, and freeze what it gives.

Both run :func:`corpus.crawl.probe.run_probe` (the crawl's discovery, politeness and analysis on the
source's newest items; no database) and print one line per page and a summary. ``probe
--mark-verified`` then records the day in the registry file; ``snapshot`` writes the analysed
pages as golden files (``corpus.outputs.golden``). Exit status: 0 at least one page kept; 1
nothing kept (unreachable, nothing discovered, every page rejected), and then nothing is written;
2 a usage or registry error (unknown source, --mark-verified without a writable --sources file, an
--out folder that is not a snapshot); 130 interrupted, nothing written.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from corpus.cli import options
from corpus.crawl.lifecycle import EXIT_INTERRUPTED
from corpus.crawl.probe import DEFAULT_N

if TYPE_CHECKING:
    from corpus.cli.options import Options
    from corpus.crawl.probe import ProbeResult


def _probe(args: argparse.Namespace) -> tuple[ProbeResult, int]:
    """Run the probe, print its report; the result and its exit status (error line printed)."""
    from corpus.crawl.probe import run_probe

    result = run_probe(
        args.name, n=args.n, sources_file=args.sources, overrides=args.set or (), verbose=args.verbose
    )
    for line in result.report.lines():
        print(line)
    print(result.report.summary())
    code, message = result.status
    if message:
        prefix = "crimecorpus: " if code == EXIT_INTERRUPTED else "crimecorpus: error: "
        print(prefix + message, file=sys.stderr)
    return result, code


def cmd_sources_probe(args: argparse.Namespace) -> int:
    from corpus.crawl.probe import check_registry_writable, mark_verified

    registry = check_registry_writable(args.sources) if args.mark_verified else None
    result, code = _probe(args)
    if code == 0 and registry is not None:
        day = dt.datetime.now(dt.UTC).date()
        mark_verified(registry, result.source.name, day)
        print(f"marked {result.source.name} verified on {day.isoformat()} in {registry}")
    return code


def cmd_sources_snapshot(args: argparse.Namespace) -> int:
    from corpus.outputs.export import package_version
    from corpus.outputs.golden import check_writable, write_snapshot

    out = Path(args.out)
    check_writable(out)  # refused before any fetch, not after
    result, code = _probe(args)
    if code != 0:
        return code
    written = write_snapshot(out, result.report.golden_pages(), package_version())
    print(f"wrote {len(written)} golden files to {out}")
    return 0


def add_commands(add_parser: Callable[..., argparse.ArgumentParser], opts: Options) -> None:
    """Register ``probe`` and ``snapshot`` through the ``sources`` parser's ``add_parser``."""
    # What both commands take: the registry, -s, -v, the source's name and how many items.
    probing = argparse.ArgumentParser(add_help=False)
    probing.add_argument("name", metavar="NAME", help="the source's name in the registry")
    probing.add_argument(
        "--n",
        type=options.positive,
        default=DEFAULT_N,
        metavar="N",
        help=f"items to fetch (default {DEFAULT_N})",
    )
    run = [opts.sources.parser, opts.set.parser, opts.verbose.parser, probing]
    p = add_parser(
        "probe",
        parents=run,
        help="fetch the newest items of one source as a crawl would; print what became of each",
        description="Fetch the N newest items of one source (newest by feed or sitemap date; "
        "undated links last) through the crawl's discovery, politeness and analysis, and print per "
        "page its kind, text length, date, language, paywall, crime score and verdict. Writes no "
        "database. Exit 0 when at least one page is kept, 1 when none is.",
    )
    p.add_argument(
        "--mark-verified",
        action="store_true",
        help="after a successful probe, set verified = true and verified_on = today (UTC) for the "
        "source in the --sources file (required; only that source's table changes)",
    )
    p.set_defaults(func=cmd_sources_probe)

    p = add_parser(
        "snapshot",
        parents=run,
        help="probe one source and save its pages with today's extraction as golden files",
        description="Probe one source and write each analysed page to DIR as golden files: the "
        "HTML (NAME.html.gz) and a JSON with the URL, the page context and the expected title, "
        "date, kind, paywall, language and text (docs/probe.md). DIR must be new, empty or an "
        "earlier snapshot, which is replaced as a whole. Nothing is written unless a page is kept.",
    )
    p.add_argument("--out", required=True, metavar="DIR", help="the snapshot folder")
    p.set_defaults(func=cmd_sources_snapshot)
