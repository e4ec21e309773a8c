"""Benchmark publication dates: corpus.text.dates against plain htmldate and trafilatura, side by side.

Three sets, each scored for all three tools in the same run:

* ``htmldate``: 200 real news pages with gold dates (../shared/benchmarks/dates/htmldate);
* ``trafilatura-eval``: 851 pages with a gold date field; accuracy over the pages whose gold date
  is not empty, and for the pages whose gold is empty, how often each tool still returns a date;
* ``dutch``: bench/data/dutch_dates.tsv, Dutch and Flemish date presentations, each wrapped in a
  small article page (expected day in the table; empty where the page states no publication date,
  as for "gisteren"). A row may give the article's URL (update stamps whose only rival is the URL's
  date) and a reference (``feed=``, ``sitemap=`` or ``fetched=``) that gives the year of a date
  printed without one; ``ours`` is handed the reference as the crawl hands it over, the plain
  libraries cannot take it.

Columns: ``ours`` is corpus.text.dates as the crawl calls it (``country="nl"``: UTC stamps converted
to Europe/Amsterdam, which moves late-evening stamps of non-Dutch outlets to the next day);
``ours(tz?)`` is the same function told the truth about these mostly non-Dutch pages
(``country=""``: outlet zone unknown, stamps keep the day they were written with, as the plain
libraries do). On the Dutch table ``ours(tz?)`` misses the one row whose expected value is the
Amsterdam day of a GMT stamp.

Malformed gold dates: a few trafilatura-eval gold dates are not ISO days ("2022-11-1",
"2022-01.26", "2022-29-11"). The first row of a set scores the gold strictly as written (a malformed
gold matches nothing); the ``gold normalised`` row scores the same pages with each malformed gold
read as its evident day: separators made "-", one-digit parts zero-padded, and a month above 12
with a day of at most 12 read as day and month swapped. Every normalised entry is printed, none is
dropped; a gold that cannot be read either way stays unmatched in both rows.

A page counts as correct when the tool's calendar day equals the gold day; a year-only answer or
no answer counts as wrong. The first rows score the pages with a gold day; the ``all pages`` rows
score every page of the set, where a page without a gold day is right only when the tool gives no
day. Run from the repository root::

    .venv/bin/python bench/dates.py [--limit N]
"""

from __future__ import annotations

import argparse
import csv
import datetime
import gzip
import html as html_lib
import json
import logging
import re
import statistics
import sys
import time
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import htmldate
import trafilatura
from trafilatura.meta import reset_caches

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a plain script from a checkout

from corpus.text.dates import find_published  # noqa: E402

SHARED = ROOT.parent / "shared" / "benchmarks"
HTMLDATE_SET = SHARED / "dates" / "htmldate"
TRAFILATURA_SET = SHARED / "extraction" / "trafilatura-eval"
DUTCH_TABLE = ROOT / "bench" / "data" / "dutch_dates.tsv"


@dataclass
class Page:
    url: str
    html: str
    gold: str  # YYYY-MM-DD, or "" when the gold is empty
    country: str = "nl"
    gold_time: str = ""  # HH:MM in the outlet's zone, where the Dutch table gives one
    context: dict[str, str] = field(default_factory=dict)  # feed_date, sitemap_date, fetched_at

    @property
    def gold_normalised(self) -> str:
        return normalise_gold(self.gold)


def normalise_gold(raw: str) -> str:
    """The evident day of a malformed gold date ("2022-11-1", "2022-01.26", "2022-29-11"), as
    YYYY-MM-DD; a well-formed gold is returned as it is, an unreadable one as written."""
    text = raw.strip()[:10] if re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw.strip()[:10]) else raw.strip()
    match = re.fullmatch(r"(\d{4})\s*[-./]\s*(\d{1,2})\s*[-./]\s*(\d{1,2})", text)
    if not match:
        return text
    year, month, day = (int(part) for part in match.groups())
    if month > 12 and day <= 12:
        month, day = day, month  # "2022-29-11": the day and month were swapped
    try:
        return datetime.date(year, month, day).isoformat()
    except ValueError:
        return text


@dataclass
class Score:
    correct: int = 0
    correct_normalised: int = 0  # against the gold with malformed entries normalised
    scored: int = 0
    answered_on_empty: int = 0
    empty: int = 0
    off_by_one: int = 0  # wrong answers one calendar day from the gold (time zone effects)
    seconds: list[float] = field(default_factory=list)  # per page
    misses: list[str] = field(default_factory=list)


def ours(page: Page) -> str:
    """As the crawl calls it: a Dutch outlet, UTC stamps converted to Europe/Amsterdam."""
    found = find_published(page.html, page.url, country=page.country, **page.context)
    return found.day.isoformat() if found.day else ""


def ours_zone_unknown(page: Page) -> str:
    """Told the truth about these pages: the outlet is not Dutch, its time zone unknown."""
    found = find_published(page.html, page.url, country="", **page.context)
    return found.day.isoformat() if found.day else ""


def plain_htmldate(page: Page) -> str:
    return htmldate.find_date(page.html, url=page.url, original_date=True) or ""


def plain_trafilatura(page: Page) -> str:
    metadata = trafilatura.extract_metadata(page.html, default_url=page.url)
    return (metadata.date or "") if metadata is not None else ""


TOOLS: dict[str, Callable[[Page], str]] = {
    "ours": ours,
    "ours(tz?)": ours_zone_unknown,
    "htmldate": plain_htmldate,
    "trafilatura": plain_trafilatura,
}


def _read_gz(path: Path) -> str:
    return gzip.decompress(path.read_bytes()).decode("utf-8", errors="replace")


def htmldate_pages() -> Iterator[Page]:
    gold = json.loads((HTMLDATE_SET / "eval_mediacloud_2020.json").read_text())
    for url, entry in gold.items():
        path = HTMLDATE_SET / "test_set" / f"{entry['file']}.gz"
        if path.exists():
            # A few gold dates are NaN (no date known): they are scored like empty ones.
            date = entry["date"] if isinstance(entry["date"], str) else ""
            yield Page(url, _read_gz(path), date)


def trafilatura_pages() -> Iterator[Page]:
    gold = json.loads((TRAFILATURA_SET / "evaldata.json").read_text())
    for url, entry in gold.items():
        if "date" not in entry:
            continue
        for folder in ("eval", "cache"):
            path = TRAFILATURA_SET / folder / f"{entry['file']}.gz"
            if path.exists():
                yield Page(url, _read_gz(path), entry["date"] or "")
                break


REFERENCE_FIELDS = {"feed": "feed_date", "sitemap": "sitemap_date", "fetched": "fetched_at"}


def dutch_pages() -> Iterator[Page]:
    """Each table row wrapped in a small article page, as a Dutch outlet would print it."""
    with DUTCH_TABLE.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            if not row.get("expression"):
                continue
            context = {}
            if row.get("reference"):
                kind, _, value = row["reference"].partition("=")
                context[REFERENCE_FIELDS[kind]] = value
            body = " ".join(["Dit is de tekst van het artikel over een inbraak."] * 20)
            page = (
                "<html><head><title>Inbraak in woning</title></head><body><article>"
                f"<h1>Inbraak in woning</h1><div class='article-date'>"
                f"{html_lib.escape(row['expression'])}</div><p>{body}</p>"
                "</article></body></html>"
            )
            yield Page(
                row.get("url") or "https://www.example.nl/nieuws/inbraak-in-woning",
                page,
                row["expected"],
                country=row["country"],
                gold_time=row["time"],
                context=context,
            )


def times_right(pages: list[Page]) -> tuple[int, int]:
    """How many of the table's times of day ours gets right, out of those the table gives."""
    right = total = 0
    for page in pages:
        if page.gold_time:
            total += 1
            moment = find_published(page.html, page.url, country=page.country, **page.context).moment
            right += moment is not None and moment.strftime("%H:%M") == page.gold_time
    return right, total


def _one_day_apart(answer: str, gold: str) -> bool:
    try:
        delta = datetime.date.fromisoformat(answer) - datetime.date.fromisoformat(gold)
    except ValueError:
        return False
    return abs(delta.days) == 1


def score(pages: list[Page]) -> dict[str, Score]:
    scores = {name: Score() for name in TOOLS}
    for name, tool in TOOLS.items():
        # One pass per tool from empty caches: htmldate memoises per string, and our fallback
        # would otherwise warm its cache for the htmldate column (or the reverse).
        reset_caches()
        result = scores[name]
        for page in pages:
            start = time.perf_counter()
            try:
                answer = tool(page)
            except Exception:  # a crashing tool scores a miss, the run goes on
                answer = ""
            result.seconds.append(time.perf_counter() - start)
            if page.gold:
                result.scored += 1
                result.correct_normalised += answer == page.gold_normalised
                if answer == page.gold[:10]:
                    result.correct += 1
                else:
                    result.misses.append(f"{page.url}\tgold={page.gold}\tgot={answer}")
                    result.off_by_one += _one_day_apart(answer, page.gold[:10])
            else:
                result.empty += 1
                result.answered_on_empty += bool(answer)
    return scores


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=0, help="pages per set (0: all)")
    parser.add_argument("--misses", metavar="TOOL", help="print the pages TOOL got wrong")
    parser.add_argument("--only", choices=["htmldate", "trafilatura-eval", "dutch"])
    args = parser.parse_args()
    logging.disable(logging.WARNING)  # the libraries log every odd page
    warnings.simplefilter("ignore")

    sets = {
        "htmldate": htmldate_pages,
        "trafilatura-eval": trafilatura_pages,
        "dutch": dutch_pages,
    }
    print(f"htmldate {htmldate.__version__}, trafilatura {trafilatura.__version__}")
    header = f"{'set':<18}{'pages':>7}" + "".join(f"{name:>14}" for name in TOOLS)
    print(header)
    print("-" * len(header))
    extra = []
    for set_name, loader in sets.items():
        if args.only and args.only != set_name:
            continue
        pages = list(loader())
        if args.limit:
            pages = pages[: args.limit]
        scores = score(pages)
        scored = next(iter(scores.values())).scored
        cells = "".join(
            f"{s.correct / s.scored:>14.1%}" if s.scored else f"{'-':>14}" for s in scores.values()
        )
        print(f"{set_name:<18}{scored:>7}{cells}")
        normalised = [page for page in pages if page.gold and page.gold_normalised != page.gold[:10]]
        if normalised:
            cells = "".join(
                f"{s.correct_normalised / s.scored:>14.1%}" if s.scored else f"{'-':>14}"
                for s in scores.values()
            )
            print(f"{set_name + ' gold normalised':<18}{scored:>7}{cells}")
            for page in normalised:
                extra.append(f"  gold normalised: {page.gold!r} -> {page.gold_normalised!r}  {page.url}")
        cells = "".join(f"{s.off_by_one:>14}" for s in scores.values())
        extra.append(f"{set_name + ' 1 day off':<18}{scored:>7}{cells}  (wrong by one day)")
        empty = next(iter(scores.values())).empty
        if empty:
            cells = "".join(f"{s.answered_on_empty:>14}" for s in scores.values())
            extra.append(f"{set_name + ' gold empty':<18}{empty:>7}{cells}  (pages answered)")
            # Every page of the set: no day is the right answer where the gold has none.
            cells = "".join(
                f"{(s.correct + s.empty - s.answered_on_empty) / (s.scored + s.empty):>14.1%}"
                for s in scores.values()
            )
            print(f"{set_name + ' all pages':<18}{scored + empty:>7}{cells}")
        # Median as well as mean: a one-off lazy initialisation inside a library (a second on one
        # page of the htmldate set, in whichever column meets it first) skews the mean.
        cells = "".join(
            f"{1000 * statistics.mean(s.seconds):>6.1f}/{1000 * statistics.median(s.seconds):.1f}ms".rjust(14)
            for s in scores.values()
        )
        extra.append(f"{set_name + ' time':<18}{len(pages):>7}{cells}  (mean/median per page)")
        if set_name == "dutch":
            right, total = times_right(pages)
            extra.append(f"{'dutch time of day':<18}{total:>7}{right / total:>14.1%}  (ours only)")
        if args.misses in scores:
            for line in scores[args.misses].misses:
                print("  miss", line)
    for line in extra:
        print(line)


if __name__ == "__main__":
    main()
