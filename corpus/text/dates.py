"""Publication dates of Dutch and Flemish news pages, decided from all the evidence.

Why not just htmldate or trafilatura: their month tables lack "maart", "mrt" and "augustus", and
their fallback for a date they cannot read is a silent January 1st, which moves an article to
another month of the corpus without a trace. This module reads Dutch and Flemish dates itself,
weighs the structured evidence a page and its discovery carry, and uses htmldate only as the last
resort, checking its answer.

Evidence, strongest first, as recorded in ``PublishedDate.source``:

* ``jsonld``: ``datePublished`` from every JSON-LD block; NewsArticle-type blocks beat other
  Article types, which beat WebPage and the rest; a block whose ``url`` is the page's URL wins a
  tie. ``dateModified`` is never read. Blocks listed inside another (``itemListElement``,
  ``hasPart``, ``mentions``) describe other articles and are skipped.
* ``meta``: publication meta tags (``article:published_time``, ``og:published_time``,
  ``DC.date.issued``, ``pubdate``, itemprop ``datePublished`` ...), never modification tags.
* ``time``: a ``<time datetime>`` element marked as the publication (``itemprop``, ``pubdate``,
  class "published"), else the first unmarked one in the article outside boilerplate.
* ``feed`` and ``sitemap``: the RSS/Atom date and news-sitemap ``publication_date`` carried from
  discovery.
* ``url``: a date in the URL path (``/2019/08/05/``, ``2019-08-05``, ``20190805``).
* ``text``: a visible date ("12 maart 2024", "di 5 aug. 2019", "05-08-2019", "zaterdag 1 juni
  2019 om 09:12") in a date-like element of the article (class or id with "date", "datum",
  "time", "publi", "byline" ...) or after a label ("Gepubliceerd op", "Aangemaakt op"), skipping update stamps
  ("Bijgewerkt", "Geüpdatet", "Laatst gewijzigd", "Aangepast", "update:", before or after the
  publication on the same line, or in a list under such a label), copyright lines, related-article
  boxes, teasers (an ``<article>`` inside the article, repeated ``datePublished`` microdata),
  quotes and embedded posts (``<blockquote>``), and links, whose text names another document. An
  ``<aside>`` or ``<footer>`` of the article whose class names its metadata ("meta", "byline") is
  the article's own, and so is any footer inside the content (an ``<article>``, ``<main>`` or a
  container named "main", "main-content", "article"): the article's colophon. A container whose
  class or id names the main content ("main", the BEM element "layout__main") holds the article
  whatever else its classes say ("subnav_true main", "sidebar__main"); the wrappers around it and
  around ``<main>`` are layout. A label's day may stand in the
  element after it ("Verschenen op:" ``<h2>12.03.2024</h2>``). Without any of these, the first
  short line under the headline that opens with a date ("1 februari 2024, Jan Jansen"), or a
  dateline opening the body ("12.03.2024 – De politie ..."), past an image caption and a
  standfirst ("intro", "lead"); a date inside a sentence there is an event's. A page without a
  headline is read the same way from the start of the block holding most of its paragraphs. Last,
  a short box anywhere that links to this very page and dates it (a blog sidebar's "about this
  article": "<a href=this page>...</a> werd op 19 mei 2010 geplaatst"). The article is the ``<article>`` with the headline; several without one are teasers,
  and then ``<main>`` or the block around the story's ``<h1>`` is read first. A date printed
  without its year ("12 maart", "vr 8 maart om 21:40") takes the year of the earliest discovery
  date, else of the fetch time (``fetched_at``): the last such day on or before it; with neither
  it is not read. Relative expressions ("gisteren", "vrijdagavond", "afgelopen weekend") are never
  read as dates. The text is read only when it can change the decision (no page claim, claims
  that disagree, a UTC stamp, a claim the URL contradicts or does not confirm, claims without a
  time of day), which keeps the common case cheap.
* ``htmldate``: ``htmldate.find_date(original_date=True)`` when none of the above gave a day.

Decision rules (what a researcher slicing by month wants: the day the article first appeared):

1. The page's own claim is taken from its JSON-LD, meta and ``<time>`` claims. When they
   disagree (a CMS often stamps the draft's creation as well), the day backed by most kinds of
   evidence (jsonld, meta, time, visible text, URL) wins; on a tie, the day the reader sees in
   the text, then the day with most single claims, then the earlier day (a re-dated stamp is
   later than the original), then the first in the order above. A ``<time>`` element the reader
   sees as an update stamp (marked "updated"/``dateModified``, or labelled "Bijgewerkt:") is no
   claim.
1a. A claim on the day of a visible update stamp of the article is the CMS re-dating the page
   when other evidence names another day: the URL date, a discovery date, or the publication
   date printed beside the update stamp; the claim is then set aside. Without such evidence it
   stands, with its confidence lowered by 0.2. A site-wide "Last updated" far from the article's
   own dates does not count against it.
1b. Generic date tags (``date``, ``DC.date``, ``dcterms.date``) name no event and often carry the
   last modification: when they are the page's only claims, an earlier visible date wins.
1c. A slashed numeric date in a tag whose first two parts could both be the month
   ("11/01/2023", as an en-US server culture writes 1 November) is read day-first, unless the rest
   of the evidence names its month-first day and never its day-first one.
2. A full URL date is minted once, when the article is created, and never changes. A page claim
   more than one day away from it is taken for a re-dated or mislabelled stamp: another piece of
   evidence that agrees with the URL is used instead, or the URL date itself.
3. Discovery dates are exact but a feed may re-publish an old article under a new date, and a CMS
   may re-date the page on a large update. Between the page's claim and the discovery date the
   earlier one wins, never earlier than the day before the URL date. Without any claim in the
   markup, the visible date stands in for the page's claim here when it lies at most a week
   before the discovery date.
4. Without any of these, the URL day decides, then a visible date in the article, then htmldate.
   A URL with only a year and month (``/2019/08/``) admits that month or the next (drafts are
   filed where they were created); a URL year admits that year.
5. A date known only to its year (URL ``/2019/``, or htmldate answering YYYY-01-01 with no
   evidence for January 1st) is never stored as a day: ``day`` is None and ``year_only`` is set.
6. A UTC stamp ("Z", "+00:00") is converted to the outlet's zone; when the page's local evidence
   (visible text, URL, stamps with a local offset, bare dates) names an adjacent day and never the
   converted one, the outlet is evidently elsewhere and the local evidence gives the day.

Time zones: naive times are local to the outlet (Europe/Amsterdam for ``country="nl"``,
Europe/Brussels for ``"be"``; for any other country the outlet's zone is unknown and UTC is used,
so every stamp keeps the day it was written with). A stamp with a non-UTC offset is the outlet's
own wall clock and its day is the day as written (for Dutch and Flemish outlets that is the same
day as in their zone); UTC stamps are converted (rule 6). ``moment`` is aware and keeps the offset it was given in. When the
deciding evidence has no time of day, a time from other evidence on the same day is used.

Confidence scale (``PublishedDate.confidence``):

* a base per deciding source: jsonld 0.85, meta 0.8, feed 0.8, sitemap 0.8, time 0.7, url 0.7,
  text 0.6, htmldate 0.45;
* plus 0.05 for every other kind of evidence that agrees on the day (at most 0.99);
* minus 0.1 when evidence with a day disagrees with the decision by more than one day;
* at most 0.4 for a bare January 1st (no time of day) that no other evidence confirms, since
  that is what templates and parsers write when they know only the year;
* minus 0.2 for a day that the page shows as an update stamp and not as the publication (rule
  1a), and at most 0.3 when htmldate's answer is such a day;
* 0.2 for a year-only date, 0.0 for none.
So 0.9 and above means at least two independent kinds of evidence agree; below 0.6 means the day
rests on a single weak signal and is worth a look before a month-level analysis.
"""

from __future__ import annotations

import dataclasses
import datetime
import json
import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin
from zoneinfo import ZoneInfo

import htmldate
import lxml.html
from lxml import etree

from corpus.text.context import PageContext
from corpus.text.dutch_months import MONTHS, UPDATE_LABELS, WEEKDAYS

logger = logging.getLogger(__name__)

__all__ = ["PublishedDate", "find_published", "parse_dutch_date"]

COUNTRY_TZ: dict[str, str] = {"nl": "Europe/Amsterdam", "be": "Europe/Brussels"}
DEFAULT_TZ = "Europe/Amsterdam"

# News on the web starts in the mid-1990s; anything earlier in a page is a birth date, a founding
# year or a historical reference, not the publication.
MIN_YEAR = 1995
# Parsing more than this of an expression or a page buys nothing and costs time.
MAX_EXPRESSION_CHARS = 300
MAX_HTML_BYTES = 8_000_000

BASE_CONFIDENCE: dict[str, float] = {
    "jsonld": 0.85,
    "meta": 0.8,
    "feed": 0.8,
    "sitemap": 0.8,
    "time": 0.7,
    "url": 0.7,
    "text": 0.6,
    "htmldate": 0.45,
}
YEAR_ONLY_CONFIDENCE = 0.2
JANUARY_FIRST_CONFIDENCE = 0.4
UPDATE_STAMP_CONFIDENCE = 0.3
UPDATE_STAMP_PENALTY = 0.2
# How far before the discovery date a visible date may lie and still stand for the page's claim.
TEXT_BEFORE_DISCOVERY_DAYS = 7


@dataclass(frozen=True)
class PublishedDate:
    """The publication date of one article and how sure we are of it."""

    day: datetime.date | None  # calendar date in the outlet's time zone; None when unknown
    moment: datetime.datetime | None  # timezone-aware instant when a time of day is known
    source: str  # "feed", "sitemap", "jsonld", "meta", "time", "url", "text", "htmldate", "none"
    confidence: float  # 0..1, see the module docstring
    year_only: int | None = None  # set when only the year is known (day stays None)


NONE = PublishedDate(day=None, moment=None, source="none", confidence=0.0)


# --------------------------------------------------------------------------------------------
# One date expression
# --------------------------------------------------------------------------------------------


def _alternation(words: Iterable[str]) -> str:
    # Longest first, so "sept" is not read as "sep" followed by a stray "t".
    return "|".join(re.escape(word) for word in sorted(set(words), key=len, reverse=True))


_MONTH_RE = _alternation(MONTHS)
_WEEKDAY_RE = _alternation(WEEKDAYS)
_TIME_RE = (
    r"(?:\s*(?:,|-|–|—|\||/|om|à|at|um|kl\.?)?\s*"
    r"(?P<hour>[01]?\d|2[0-3])\s*[:.hu]\s*(?P<minute>[0-5]\d)(?:[:.](?P<second>[0-5]\d))?"
    r"(?:[.,]\d+)?(?!\d)\s*(?:uur|u\b|h\b)?)?"
)
_ZONE_RE = r"(?:\s*(?P<zone>Z|UTC|GMT|UT|CEST|CET|MESZ|MEZ|[+-]\d{2}:?\d{2})(?![\w:]))?"

# 2024-03-12, 2024-03-12T10:00:00+01:00, 2024/03/12 10:00 (and the one-digit seconds some CMSs
# write, "23:15:0Z", whose zone would otherwise be lost)
_ISO = re.compile(
    r"(?<!\d)(?P<year>\d{4})(?P<sep>[-/.])(?P<month>\d{1,2})(?P=sep)(?P<day>\d{1,2})(?!\d)"
    r"(?:[T ]\s*(?P<hour>[01]?\d|2[0-3]):(?P<minute>[0-5]\d)(?::(?P<second>[0-5]?\d))?"
    r"(?:[.,]\d+)?)?" + _ZONE_RE,
    re.IGNORECASE,
)
# 12 maart 2024, di 5 aug. 2019, zaterdag 1 juni 2019 om 09:12, Tue, 12 Mar 2024 10:00:00 +0100,
# 5 de mayo de 2022
_TEXTUAL = re.compile(
    rf"(?:\b(?:{_WEEKDAY_RE})\b\.?,?\s*)?"
    r"(?<![\d.])(?P<day>[0-3]?\d)(?:e|de|ste|er|st|nd|rd|th)?\.?[\s\-/]*(?:de\s+)?"
    rf"(?P<month>{_MONTH_RE})(?![^\W\d_])\.?,?[\s\-/]*(?:de\s+|del\s+)?"
    r"(?P<year>\d{4}|'\d{2})(?!\d)" + _TIME_RE + _ZONE_RE,
    re.IGNORECASE,
)
# March 12, 2024 (English order; seen on English-language pages of Dutch institutions)
_TEXTUAL_MONTH_FIRST = re.compile(
    rf"\b(?P<month>{_MONTH_RE})(?![^\W\d_])\.?\s+(?P<day>[0-3]?\d)(?:st|nd|rd|th)?,?\s+"
    r"(?P<year>\d{4})(?!\d)" + _TIME_RE + _ZONE_RE,
    re.IGNORECASE,
)
# 05-08-2019, 5/8/2019, 05.08.2019, 05-08-19: always day first, as Dutch and Flemish write them
_NUMERIC = re.compile(
    r"(?<![\d/.\-])(?P<day>[0-3]?\d)(?P<sep>[-/.])(?P<month>[01]?\d)(?P=sep)"
    r"(?P<year>\d{4}|\d{2})(?![\d/\-]|\.\d)" + _TIME_RE + _ZONE_RE,
    re.IGNORECASE,
)
# 4. 2. 2022, 4.\u2009 2.\u2009 2022: typeset dates put a (thin) space after each dot. A four-digit
# year only, so a list of numbers ("stap 4. 2. 20") is not read as a date.
_NUMERIC_SPACED = re.compile(
    r"(?<![\d.])(?P<day>[0-3]?\d)\.[ \u00a0\u2009\u202f](?P<month>[01]?\d)\.[ \u00a0\u2009\u202f]"
    r"(?P<year>\d{4})(?!\d)" + _TIME_RE + _ZONE_RE,
    re.IGNORECASE,
)

# 12 maart, vr 5 aug. om 09:12: a visible date without its year, as outlets print this year's
# dates. Read only where a reference date (feed, sitemap or fetch time) gives the year, and never
# by parse_dutch_date, which promises complete dates.
_TEXTUAL_NO_YEAR = re.compile(
    rf"(?:\b(?:{_WEEKDAY_RE})\b\.?,?\s*)?"
    r"(?<![\d.])(?P<day>[0-3]?\d)(?:e|de|ste|er|st|nd|rd|th)?\.?[\s\-/]*"
    rf"(?P<month>{_MONTH_RE})(?![^\W\d_])\.?"
    # A year after the month makes it a complete date, which _TEXTUAL reads.
    r"(?![.,\s\-/]*(?:\d{4}|'\d{2})(?!\d))" + _TIME_RE + _ZONE_RE,
    re.IGNORECASE,
)

_NAMED_ZONES: dict[str, datetime.timezone] = {
    "Z": datetime.UTC,
    "UTC": datetime.UTC,
    "GMT": datetime.UTC,
    "UT": datetime.UTC,
    "CET": datetime.timezone(datetime.timedelta(hours=1)),
    "MEZ": datetime.timezone(datetime.timedelta(hours=1)),
    "CEST": datetime.timezone(datetime.timedelta(hours=2)),
    "MESZ": datetime.timezone(datetime.timedelta(hours=2)),
}


def _zone(text: str | None) -> datetime.tzinfo | None:
    if not text:
        return None
    named = _NAMED_ZONES.get(text.upper())
    if named is not None:
        return named
    digits = text.replace(":", "")
    sign = -1 if digits[0] == "-" else 1
    hours, minutes = int(digits[1:3]), int(digits[3:5])
    if hours > 14 or minutes > 59:
        return None
    return datetime.timezone(sign * datetime.timedelta(hours=hours, minutes=minutes))


def _year(text: str) -> int:
    text = text.lstrip("'")
    if len(text) == 4:
        return int(text)
    # Two-digit years on news pages are this century unless that would lie in the future.
    short = int(text)
    century = 2000 if 2000 + short <= datetime.date.today().year + 1 else 1900
    return century + short


def _year_before(reference: datetime.date, month: int, day: int) -> int | None:
    """The year of the last ``day``/``month`` on or before ``reference`` (a day of slack for
    time zones): a date printed without its year is the latest one the page can have seen."""
    limit = reference + datetime.timedelta(days=1)
    for year in (limit.year, limit.year - 1, limit.year - 4):  # -4: a 29 February
        try:
            if datetime.date(year, month, day) <= limit:
                return year
        except ValueError:
            continue
    return None


def _build(
    match: re.Match[str], tz: str, reference: datetime.date | None = None
) -> datetime.date | datetime.datetime | None:
    """Turn a regex match into a date, or an aware datetime when it carries a time of day.

    A match without a year group takes its year from ``reference`` (see _year_before)."""
    groups = match.groupdict()
    month_text = groups["month"]
    month = int(month_text) if month_text.isdigit() else MONTHS.get(month_text.lower())
    if month is None:
        return None
    if groups.get("year"):
        year: int | None = _year(groups["year"])
    else:
        year = _year_before(reference, month, int(groups["day"])) if reference else None
    if year is None:
        return None
    try:
        day = datetime.date(year, month, int(groups["day"]))
    except ValueError:
        return None
    if groups.get("hour") is None:
        return day
    zone = _zone(groups.get("zone"))
    try:
        tzinfo = zone or ZoneInfo(tz)
    except (KeyError, ValueError):
        tzinfo = ZoneInfo(DEFAULT_TZ)
    second = int(groups["second"]) if groups.get("second") else 0
    return datetime.datetime(
        day.year, day.month, day.day, int(groups["hour"]), int(groups["minute"]), second,
        tzinfo=tzinfo,
    )  # fmt: skip


def _plausible(value: datetime.date) -> bool:
    return value.year >= MIN_YEAR and value <= datetime.date.today() + datetime.timedelta(days=1)


def _search(
    text: str, tz: str, reference: datetime.date | None = None
) -> Iterator[tuple[int, int, datetime.date | datetime.datetime]]:
    """Every plausible date expression in ``text`` as (start, end, value), in text order.

    With a ``reference`` day, dates printed without a year ("12 maart") are read as well."""
    found = []
    patterns = [_ISO, _TEXTUAL, _TEXTUAL_MONTH_FIRST, _NUMERIC, _NUMERIC_SPACED]
    if reference is not None:
        patterns.append(_TEXTUAL_NO_YEAR)
    for pattern in patterns:
        for match in pattern.finditer(text):
            value = _build(match, tz, reference)
            if value is not None and _plausible(_as_date(value)):
                found.append((match.start(), match.end(), value))
    found.sort(key=lambda item: (item[0], -item[1]))
    end = -1
    for start, stop, value in found:
        if start >= end:  # overlapping readings of the same characters: keep the first, longest
            end = stop
            yield start, stop, value


def _as_date(value: datetime.date | datetime.datetime) -> datetime.date:
    return value.date() if isinstance(value, datetime.datetime) else value


def parse_dutch_date(text: str, *, tz: str = DEFAULT_TZ) -> datetime.date | datetime.datetime | None:
    """One date expression in Dutch/Flemish (or ISO / RFC 822 / W3C) -> date or aware datetime.

    Day-first for numeric dates, as in the Netherlands and Flanders. A time of day without an
    offset is read in ``tz``; an explicit offset is kept as written. Returns None for text that
    holds no complete date (a year or a month alone is not a date) and never raises.
    """
    if not isinstance(text, str) or not text.strip():
        return None
    try:
        for _start, _end, value in _search(text[:MAX_EXPRESSION_CHARS], tz):
            return value
    except (ValueError, OverflowError, TypeError):  # pragma: no cover - defensive
        logger.debug("unparseable date expression %r", text[:80])
    return None


# --------------------------------------------------------------------------------------------
# Evidence in a page
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Evidence:
    source: str
    value: datetime.date | datetime.datetime
    day: datetime.date
    # Whether this was a UTC stamp, which states no calendar day of the outlet's own.
    from_utc: bool = False
    # A generic date tag ("date", "DC.date"): it names no event, and CMSs fill it with the last
    # modification as often as with the publication.
    weak: bool = False
    # The other reading of an ambiguous numeric date ("11/01/2023": 11 January day-first, 1
    # November month-first), see _settle_ambiguous.
    swapped: datetime.date | datetime.datetime | None = None


def _is_utc(value: datetime.datetime) -> bool:
    # A UTC stamp was normalised by the CMS and says nothing about the outlet's calendar day; a
    # stamp with any other offset is the outlet's own wall clock, whose day is the day as written.
    # Explicit offsets are parsed into datetime.timezone, naive times get the outlet's ZoneInfo:
    # a naive time read in UTC (outlet zone unknown) is a local statement, not a UTC stamp.
    return isinstance(value.tzinfo, datetime.timezone) and value.utcoffset() == datetime.timedelta(0)


def _evidence(
    source: str, value: datetime.date | datetime.datetime | None, zone: ZoneInfo
) -> _Evidence | None:
    if value is None:
        return None
    from_utc = isinstance(value, datetime.datetime) and _is_utc(value)
    if from_utc and isinstance(value, datetime.datetime):
        value = value.astimezone(zone)
    day = _as_date(value)
    if not _plausible(day):
        return None
    return _Evidence(source, value, day, from_utc)


_NEWS_TYPE = re.compile(r"newsarticle$", re.IGNORECASE)
_ARTICLE_TYPE = re.compile(
    r"(article|blogposting|posting|report|liveblogposting|creativework)$", re.IGNORECASE
)
# Keys under which JSON-LD lists *other* articles (related, mentioned, parts of a list).
_FOREIGN_KEYS = frozenset(
    {"itemListElement", "hasPart", "mentions", "relatedLink", "citation", "isPartOf", "about"}
)
_JSONLD_DATE_FALLBACK = re.compile(r'"datePublished"\s*:\s*"([^"]{6,40})"')


def _walk_jsonld(node: object, depth: int = 0) -> Iterator[dict]:
    if depth > 8:
        return
    if isinstance(node, list):
        for item in node:
            yield from _walk_jsonld(item, depth + 1)
    elif isinstance(node, dict):
        yield node
        for key, value in node.items():
            if key not in _FOREIGN_KEYS and isinstance(value, dict | list):
                yield from _walk_jsonld(value, depth + 1)


def _type_rank(node: dict) -> int:
    types = node.get("@type", "")
    names = [types] if isinstance(types, str) else [t for t in types if isinstance(t, str)]
    if any(_NEWS_TYPE.search(name) for name in names):
        return 0
    if any(_ARTICLE_TYPE.search(name) for name in names):
        return 1
    return 2


def _same_url(a: str, b: str) -> bool:
    def norm(u: str) -> str:
        return re.sub(r"^https?://(www\.)?", "", u.split("#")[0].split("?")[0]).rstrip("/")

    return bool(a) and bool(b) and norm(a) == norm(b)


def _jsonld(tree: lxml.html.HtmlElement, url: str, tz: str) -> datetime.date | None:
    best: tuple[int, int, int] | None = None
    best_value = None
    order = 0
    for script in tree.iter("script"):
        if "ld+json" not in (script.get("type") or "").lower():
            continue
        raw = (script.text or "").strip()
        if not raw:
            continue
        try:
            data = json.loads(raw.removeprefix("<![CDATA[").removesuffix("]]>").strip())
        except (ValueError, RecursionError):
            # Broken JSON is common (trailing commas, raw newlines); the field itself is usually
            # intact.
            match = _JSONLD_DATE_FALLBACK.search(raw)
            data = {"datePublished": match.group(1)} if match else None
        for node in _walk_jsonld(data):
            raw_date = node.get("datePublished")
            if isinstance(raw_date, list) and raw_date:
                raw_date = raw_date[0]
            if not isinstance(raw_date, str):
                continue
            value = parse_dutch_date(raw_date, tz=tz)
            if value is None:
                continue
            order += 1
            node_url = node.get("url") or node.get("mainEntityOfPage") or ""
            if isinstance(node_url, dict):
                node_url = node_url.get("@id", "")
            key = (_type_rank(node), 0 if _same_url(str(node_url), url) else 1, order)
            if best is None or key < best:
                best, best_value = key, value
    return best_value


# Publication meta tags, strongest first; modification tags are deliberately absent.
_META_NAMES: tuple[str, ...] = (
    "article:published_time",
    "og:article:published_time",
    "og:published_time",
    "article:published",
    "datepublished",
    "article.published",
    "published_time",
    "published-date",
    "published_date",
    "publish-date",
    "publish_date",
    "publishdate",
    "publication_date",
    "pubdate",
    "date_published",
    "originalpublicationdate",
    "original-publish-date",
    "sailthru.date",
    "parsely-pub-date",
    "dc.date.issued",
    "dcterms.issued",
    "dc.date.created",
    "dcterms.created",
    "citation_publication_date",
    "article.created",
    "dc.date",
    "dcterms.date",
    "date",
)
_META_RANK = {name: rank for rank, name in enumerate(_META_NAMES)}
_WEAK_META_RANK = min(_META_RANK[name] for name in ("dc.date", "dcterms.date", "date"))


_Value = datetime.date | datetime.datetime
# A slashed numeric date whose first two parts could both be the month: "11/01/2023" is 11 January
# as Dutch and German write it and 1 November as an en-US server culture writes it into a tag.
_AMBIGUOUS_SLASHED = re.compile(r"^\s*(?P<first>0?[1-9]|1[0-2])/(?P<second>0?[1-9]|1[0-2])/\d{4}(?!\d)")


def _swapped(raw: str, value: _Value) -> _Value | None:
    """The month-first reading of an ambiguous slashed date in a tag, None when it has none."""
    match = _AMBIGUOUS_SLASHED.match(raw)
    if match is None or int(match.group("first")) == int(match.group("second")):
        return None
    try:
        return value.replace(month=value.day, day=value.month)
    except ValueError:  # pragma: no cover - both parts are at most 12
        return None


def _meta(tree: lxml.html.HtmlElement, tz: str) -> list[tuple[_Value, bool, _Value | None]]:
    """Publication claims in meta tags and microdata, strongest first, each with whether it is a
    generic date tag (weak) and the other reading of an ambiguous slashed date."""
    found: list[tuple[int, int, _Value, _Value | None]] = []
    for position, element in enumerate(tree.iter("meta")):
        for attribute in ("property", "name", "itemprop", "http-equiv"):
            rank = _META_RANK.get((element.get(attribute) or "").strip().lower())
            if rank is not None:
                raw = element.get("content") or ""
                value = parse_dutch_date(raw, tz=tz)
                if value is not None:
                    found.append((rank, position, value, _swapped(raw, value)))
                break
    if not found:
        # Microdata on visible elements: <span itemprop="datePublished" content="...">
        for element in tree.xpath('//*[@itemprop="datePublished"][not(self::meta or self::time)]')[:5]:
            raw = element.get("content") or element.get("datetime") or element.text_content() or ""
            value = parse_dutch_date(raw, tz=tz)
            if value is not None:
                found.append((_META_RANK["datepublished"], 0, value, _swapped(raw, value)))
    found.sort(key=lambda item: item[:2])
    # One claim per tag: a page has one publication date, and the repeats of a tag in the body are
    # the microdata of listed articles (<meta itemprop="datePublished"> in every teaser), which
    # must not outvote the page's own claim.
    first = {rank: (value, swapped) for rank, _position, value, swapped in reversed(found)}
    return [(value, rank >= _WEAK_META_RANK, swapped) for rank, (value, swapped) in sorted(first.items())]


# Containers whose dates belong to other articles, comments or the site, not to this article.
# A <blockquote> quotes someone else's text, an embedded social post among them, whose date is
# that post's.
_BOILERPLATE_TAGS = frozenset(
    {"aside", "footer", "nav", "script", "style", "noscript", "template", "form", "select", "blockquote"}
)
_BOILERPLATE_CLASS = re.compile(
    r"related|gerelateerd|lees-?ook|meer-?nieuws|more-?news|sidebar|recommend|teaser|comment|"
    r"reactie|footer|nav|menu|breadcrumb|widget|popular|trending|share|cookie|newsletter|"
    # "promo" but not "promoted": Drupal marks the article itself "node--promoted".
    r"read-?more|also|most-?read|meest-?gelezen|carousel|promo(?!ted)|advert|"
    r"instagram-media|twitter-tweet|tiktok-embed",
    re.IGNORECASE,
)
_UPDATE_CLASS = re.compile(r"updat|modif|gewijzigd|bijgewerkt|edited", re.IGNORECASE)
_PUBLISHED_CLASS = re.compile(r"publi|posted|pubdate|entry-date", re.IGNORECASE)
_DATEISH_CLASS = re.compile(
    r"date|datum|time|tijd|publi|posted|byline|dateline|timestamp|meta|stamp", re.IGNORECASE
)
_UPDATE_LABEL = re.compile(
    r"(?:" + "|".join(re.escape(label) for label in UPDATE_LABELS) + r")\W*[^\d]{0,25}$",
    re.IGNORECASE,
)
_UPDATE_START = re.compile(
    r"^\W*(?:" + "|".join(re.escape(label) for label in UPDATE_LABELS) + r")\b", re.IGNORECASE
)
_COPYRIGHT = re.compile(r"(©|&copy;|\(c\)|copyright)[^\d]{0,15}$", re.IGNORECASE)


def _classes(element: etree._Element) -> str:
    return f"{element.get('class') or ''} {element.get('id') or ''}"


# An <aside> or <footer> of the article with a class like these is the article's own metadata box
# (HTML puts "who wrote it" in an article's footer), not a sidebar: <aside class="meta">.
_METADATA_BOX_CLASS = re.compile(r"meta|byline|dateline|date|datum|author|auteur", re.IGNORECASE)


# A class or id token that names the page's main content ("main", "main-content", the BEM
# element "layout__main"): the container holds the article whatever else its classes say
# ("subnav_true main" is the main column of a page with a sub-navigation, "sidebar__main" the main
# column of a layout with a sidebar), and the wrappers around it are layout, as around <main>.
_MAIN_TOKEN = re.compile(r"^(?:main|main[-_]?content|content[-_]?main|[\w-]+__main)$", re.IGNORECASE)
# A footer inside the content ("rez_footer" of a review, <div class="footer"> of an article) is the
# article's colophon: who wrote it, when it appeared. The content is an <article>, <main>, or a
# container named for it ("main", "main-content", "article", "post"; not the bare "content", which
# forum and portal skins wrap around the whole page, page footer included).
_CONTENT_TOKEN = re.compile(r"^(?:article|post|entry)$", re.IGNORECASE)
_FOOTER_CLASS = re.compile(r"footer", re.IGNORECASE)


def _names_main(element: etree._Element) -> bool:
    return any(_MAIN_TOKEN.match(token) for token in _classes(element).split())


def _holds_content(element: etree._Element) -> bool:
    return (
        element.tag in ("article", "main")
        or (element.get("role") or "").lower() == "main"
        or any(_MAIN_TOKEN.match(token) or _CONTENT_TOKEN.match(token) for token in _classes(element).split())
    )


def _is_page_main(element: etree._Element) -> bool:
    return element.tag == "main" or (element.get("role") or "").lower() == "main" or _names_main(element)


def _in_boilerplate(element: etree._Element) -> bool:
    ancestors = list(element.iterancestors())
    for position, ancestor in enumerate(ancestors):
        if ancestor.tag in ("body", "html"):
            # Page-wide classes ("has-sidebar", "nav-open") say nothing about this element.
            break
        if ancestor.tag not in _BOILERPLATE_TAGS and _names_main(ancestor):
            break  # the page's main content, see _MAIN_TOKEN
        classes = _classes(ancestor)
        outer = ancestors[position + 1 :]
        if _BOILERPLATE_CLASS.search(classes) and not (_only_footer(classes) and _in_content(outer)):
            return True
        if ancestor.tag == "article" and any(a.tag == "article" for a in outer):
            return True  # an article inside the article: a teaser of another story
        if ancestor.tag in _BOILERPLATE_TAGS:
            own_box = ancestor.tag in ("aside", "footer") and (
                (_METADATA_BOX_CLASS.search(classes) and any(a.tag == "article" for a in outer))
                or (ancestor.tag == "footer" and _in_content(outer))
            )
            if not own_box:
                return True
        if _is_page_main(ancestor):
            # The page's main content: the wrappers around it ("page-wrapper nav-open",
            # "left-navigation-wrapper") are layout, like the body's classes.
            break
    return False


def _in_content(ancestors: list[etree._Element]) -> bool:
    """Whether ``ancestors`` (innermost first) put an element inside the page's content: an
    <article>, <main> or a container named for the content, before any boilerplate container."""
    for ancestor in ancestors:
        if ancestor.tag in ("body", "html") or ancestor.tag in _BOILERPLATE_TAGS:
            return False
        if _holds_content(ancestor):
            return True
        classes = _classes(ancestor)
        if _BOILERPLATE_CLASS.search(classes) and not _only_footer(classes):
            return False
    return False


def _only_footer(classes: str) -> bool:
    """Whether "footer" is the only boilerplate word in ``classes``."""
    return bool(_FOOTER_CLASS.search(classes)) and not _BOILERPLATE_CLASS.search(
        _FOOTER_CLASS.sub(" ", classes)
    )


def _article_root(tree: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
    """The element holding the article, so the header's date is met before any sidebar's.

    Of several <article> elements the one with the headline (<h1>); several without one are
    teasers of other stories, and then <main> or the page is searched instead."""
    articles = tree.xpath("//article")
    with_headline = [article for article in articles if article.find(".//h1") is not None]
    if with_headline:
        return with_headline[0]
    if len(articles) == 1:
        return articles[0]
    for path in ('//*[@role="main"]', "//main"):
        found = tree.xpath(path)
        if found:
            return found[0]
    return tree


def _is_update(element: etree._Element) -> bool:
    return bool(_UPDATE_CLASS.search(_classes(element))) or (
        (element.get("itemprop") or "").lower() == "datemodified"
    )


def _labelled_update(element: etree._Element) -> bool:
    """Whether the reader sees ``element`` as an update stamp: "Bijgewerkt:" (or "Geüpdatet op",
    "Laatst gewijzigd" ...) opens its own text or stands right before it."""
    if _UPDATE_START.match(" ".join(element.text_content().split())[:40]):
        return True
    return _label_before_is_update(element)


def _label_before_is_update(element: etree._Element) -> bool:
    """Whether the text right before ``element`` (its previous sibling's, or its parent's own
    text) is an update label: <h4>Laatst gewijzigd:</h4><ul>...</ul>."""
    previous = element.getprevious()
    parent = element.getparent()
    before = (previous.tail if previous is not None else parent.text if parent is not None else "") or ""
    if not before.strip() and previous is not None and isinstance(previous.tag, str):
        before = previous.text_content()  # <span>Bijgewerkt:</span> <time ...>
    return bool(_UPDATE_LABEL.search(" ".join(before.split())[-60:]))


def _time_elements(
    tree: lxml.html.HtmlElement, root: lxml.html.HtmlElement, tz: str
) -> datetime.date | datetime.datetime | None:
    """The publication <time>: a marked one anywhere, else the first in the article."""
    unmarked = None
    for scope in (root, tree) if root is not tree else (tree,):
        for element in scope.iter("time"):
            if _is_update(element) or _in_boilerplate(element):
                continue
            raw = element.get("datetime") or element.text_content()
            value = parse_dutch_date(raw or "", tz=tz)
            if value is None or _labelled_update(element):
                continue
            marked = (
                (element.get("itemprop") or "").lower() == "datepublished"
                or element.get("pubdate") is not None
                or _PUBLISHED_CLASS.search(_classes(element))
            )
            if marked:
                return value
            if unmarked is None:
                unmarked = value
        if unmarked is not None:
            return unmarked
    return unmarked


def _update_times(
    tree: lxml.html.HtmlElement, root: lxml.html.HtmlElement, tz: str
) -> list[datetime.date | datetime.datetime]:
    """The <time> elements the page shows as update stamps (marked or labelled as such)."""
    found = []
    for element in root.iter("time"):
        if (_is_update(element) or _labelled_update(element)) and not _in_boilerplate(element):
            value = parse_dutch_date(element.get("datetime") or element.text_content() or "", tz=tz)
            if value is not None:
                found.append(value)
    return found


# Finding candidates costs more than reading them on large pages: one XPath for the elements
# with a class or id (filtered by _DATEISH_CLASS), and a label search only when that found nothing.
_WITH_NAMES = etree.XPath(".//*[@class or @id]")
# Labels of the publication day; stems without the first letter match both capitalisations.
# "Datum:" and "Verschenen op" are how Dutch press releases and magazines label the day; "epost"
# covers "Gepost op" and the German "gepostet"; "Aangemaakt op" (and the German "Erstellt am") is
# the day the article was created in the CMS, which the reader is shown as its publication.
_LABEL_STEMS = (
    *("epubliceerd", "eplaatst", "erschenen", "rschienen", "atum:", "epost", "angemaakt", "rstellt am"),
    *("ublished", "eröffentlicht", "ublié", "osted"),
)
_LABEL_TEXTS = etree.XPath(
    ".//text()[" + " or ".join(f"contains(., '{stem}')" for stem in _LABEL_STEMS) + "]"
)
MAX_DATEISH_ELEMENTS = 60
# Text of an update stamp anywhere in the article ("Bijgewerkt", "Geüpdatet", "Laatst gewijzigd",
# "Aangepast", "Update", "Updated"): then the visible text may unseat a claim (rule 1a).
_UPDATE_TEXTS = etree.XPath(
    "boolean(.//text()["
    + " or ".join(
        f"contains(., '{stem}')" for stem in ("ijgewerkt", "pdate", "pdatet", "ewijzigd", "angepast", "PDATE")
    )
    + "] | .//time[contains(@class, 'updat') or @itemprop='dateModified'])"
)


def _shows_update(root: lxml.html.HtmlElement) -> bool:
    return bool(_UPDATE_TEXTS(root))


@dataclass
class _Visible:
    """What the reader sees: the publication date and the update stamps ("Bijgewerkt ...")."""

    publication: datetime.date | datetime.datetime | None = None
    updates: list[datetime.date | datetime.datetime] = field(default_factory=list)
    # Whether the publication was read beside an update stamp ("Geüpdatet op ... – Gepubliceerd
    # op ..."): then both are the article's own, not a site header's "Last updated".
    paired: bool = False


def _visible_text(
    tree: lxml.html.HtmlElement,
    root: lxml.html.HtmlElement,
    tz: str,
    reference: datetime.date | None = None,
    url: str = "",
) -> _Visible:
    """The visible publication date in a date-like element, the article's own first, and the
    update stamps met on the way. ``reference`` gives the year of dates printed without one;
    ``url`` finds a box elsewhere that names this page (see _date_beside_self_link)."""
    seen = _Visible()
    scopes = (root, tree) if root is not tree else (_headline_block(tree), tree)
    for scope in scopes:
        dateish = [e for e in _WITH_NAMES(scope) if _DATEISH_CLASS.search(_classes(e))]
        _date_in_elements(dateish[:MAX_DATEISH_ELEMENTS], tz, reference, seen)
        if seen.publication is not None:
            return seen
    for scope in scopes:
        # "Gepubliceerd op" with the date in the same element or the next one.
        labelled = [text.getparent() for text in _LABEL_TEXTS(scope)]
        labelled = [e for e in labelled if e is not None][:MAX_DATEISH_ELEMENTS]
        _date_in_elements(labelled, tz, reference, seen, with_parent=True)
        if seen.publication is not None:
            return seen
    _date_under_headline(scopes[0], tz, reference, seen)
    if seen.publication is None and url:
        _date_beside_self_link(tree, url, tz, reference, seen)
    return seen


_LINKS = etree.XPath("//a[@href]")
MAX_SELF_LINKS = 5


def _date_beside_self_link(
    tree: lxml.html.HtmlElement, url: str, tz: str, reference: datetime.date | None, seen: _Visible
) -> None:
    """A box that links to this very page and dates it ("<a href=this page>De titel</a> werd op
    19 mei 2010 geplaatst", the "about this article" box of a blog's sidebar) speaks of this
    article, wherever it stands. The date must stand beside the link, not in its text, and the
    box must be one short line. Not read: an item of a list (recent posts, recent comments, an
    archive: lists of other things with their own dates) and a link to a part of the page
    ("#comment-5", whose date is the comment's)."""
    own = [
        a
        for a in _LINKS(tree)
        if "#" not in (a.get("href") or "") and _same_url(urljoin(url, a.get("href") or ""), url)
    ][:MAX_SELF_LINKS]
    for link in own:
        box = link.getparent()
        if box is None or box.tag in ("body", "html", "li", "dd", "dt", "td") or len(box.findall(".//a")) > 5:
            continue
        text = " ".join(box.text_content().split())
        link_text = " ".join(link.text_content().split())
        if not 0 < len(text) <= 200 or any(_search(link_text, tz, reference)):
            continue
        publication, updates = _publication_in(text.replace(link_text, " ", 1), tz, reference)
        seen.updates.extend(updates)
        if publication is not None:
            seen.publication = publication
            return


# How far under the headline a date without a class or label is looked for: the standfirst,
# byline and dateline lines, not the body.
MAX_HEADLINE_TEXTS = 12
MAX_LINE_CHARS = 100
MAX_LEAD_IN_CHARS = 4
_FOLLOWING_TEXTS = etree.XPath("following::text()[normalize-space()]")
# The standfirst between the headline and the body: "intro", "lead", "inleiding", "Einleitung".
_STANDFIRST_CLASS = re.compile(
    r"intro|inleiding|einleitung|(?<![a-z])lead(?![a-z])|standfirst|chapeau", re.IGNORECASE
)


def _date_under_headline(
    scope: lxml.html.HtmlElement, tz: str, reference: datetime.date | None, seen: _Visible
) -> None:
    """The last resort for the visible date: the first short line under the headline that holds
    one ("1 februari 2024, Jan Jansen", "12-03-2024 | Politie"), or a date opening the body's
    first paragraph (a dateline, "12.03.2024 – De politie ..."). Reading stops at the body.
    A page without a headline is read from the start of its text block (see _text_block)."""
    headline = next((h for h in scope.iter("h1") if not _in_boilerplate(h)), None)
    if headline is not None:
        texts = _FOLLOWING_TEXTS(headline)
    elif (block := _text_block(scope)) is not None:
        texts = _TEXTS(block)
    else:
        return
    before = ""
    for text in texts[:MAX_HEADLINE_TEXTS]:
        label, before = before, " ".join(str(text).split())
        holder = text.getparent()
        if holder is None or holder.tag in _BOILERPLATE_TAGS or _in_boilerplate(holder):
            continue
        if holder.tag == "a":
            continue  # a link names another document
        if any(e.tag in ("figure", "figcaption") for e in (holder, *holder.iterancestors())):
            continue  # an image's caption is neither the byline nor the body
        line = " ".join(str(text).split())
        long_line = len(line) > MAX_LINE_CHARS
        # The line must open with the date (a short word such as "op" or "am" before it): a date
        # further into a sentence is an event's ("De vergadering is op woensdag 5 februari").
        first = next(_search(line[:MAX_LINE_CHARS], tz, reference), None)
        if first is not None and first[0] <= (1 if long_line else MAX_LEAD_IN_CHARS):
            # The label may stand in the line before: <span>Bijgewerkt:</span><span>14-03-2024</span>.
            publication, updates = _publication_in(f"{label[-40:]} {line[: first[1]]}", tz, reference)
            seen.updates.extend(updates)
            if publication is not None:
                seen.publication = publication
                return
        if long_line and not _STANDFIRST_CLASS.search(_classes(holder)):
            return  # the body has begun (the standfirst above it is not the body yet)


_TEXTS = etree.XPath(".//text()[normalize-space()]")
# A text block holds at least this much paragraph text; less is a teaser list or a form.
MIN_TEXT_BLOCK_CHARS = 400


def _text_block(scope: lxml.html.HtmlElement) -> etree._Element | None:
    """Without a headline, the element whose paragraphs hold the most text, outside boilerplate:
    the story, whose first line may be its dateline or kicker ("16-10-2021 | Politie")."""
    totals: dict[etree._Element, int] = {}
    for paragraph in scope.iter("p"):
        parent = paragraph.getparent()
        if parent is not None:
            totals[parent] = totals.get(parent, 0) + len(" ".join(paragraph.text_content().split()))
    for parent, total in sorted(totals.items(), key=lambda item: -item[1]):
        if total < MIN_TEXT_BLOCK_CHARS:
            return None
        if (
            parent.tag not in _BOILERPLATE_TAGS
            and not _BOILERPLATE_CLASS.search(_classes(parent))
            and not _in_boilerplate(parent)
        ):
            return parent
    return None


def _headline_block(tree: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
    """Without <article> or <main>, the element around the headline: its date ("<h1>...</h1>
    <p class="date">") is met before a sidebar's that comes earlier in the page. A headline in
    boilerplate (the site's logo in its header) is passed over; the page itself without one."""
    for headline in tree.iter("h1"):
        block = headline.getparent()
        if block is None or block.tag in ("body", "html"):
            break
        if (
            _in_boilerplate(headline)
            or _BOILERPLATE_CLASS.search(_classes(block))
            or block.tag in _BOILERPLATE_TAGS
        ):
            continue  # the site's logo in the header
        return block
    return tree


def _date_in_elements(
    elements: list[etree._Element],
    tz: str,
    reference: datetime.date | None,
    seen: _Visible,
    *,
    with_parent: bool = False,
) -> None:
    """Fill ``seen`` from the first element that shows a publication date."""
    # Elements read as update stamps: a date inside one ("Laatst gewijzigd: <ul><li>14 maart</li>")
    # is that stamp's date, not a publication. The elements come in document order, so a stamp is
    # met before its descendants.
    stamps: list[etree._Element] = []
    for element in elements:
        if element.tag in _BOILERPLATE_TAGS or _in_boilerplate(element):
            continue
        if element.tag == "a" and not with_parent:
            # A link's text names the linked document ("Rapport van 14 oktober 2024"), even when
            # its class ("Publication", "publicatie") looks like a date's.
            continue
        texts = [" ".join(element.text_content().split())]
        in_stamp = any(stamp in stamps for stamp in element.iterancestors())
        if in_stamp or _UPDATE_CLASS.search(_classes(element)) or _label_before_is_update(element):
            seen.updates.extend(
                value for _s, _e, value in _search(texts[0][:200], tz, reference) if len(texts[0]) <= 200
            )
            stamps.append(element)
            continue
        parent = element.getparent()
        following = element.getnext()
        while following is not None and not isinstance(following.tag, str):
            following = following.getnext()  # comments and processing instructions
        if with_parent and len(texts[0]) < 40 and following is not None:
            # <span>Verschenen op:</span> <h2>12.03.2024</h2>: the label and the element after it.
            texts.append(" ".join(f"{texts[0]} {following.text_content()}".split()))
        if with_parent and len(texts[0]) < 40 and parent is not None:
            texts.append(" ".join(parent.text_content().split()))
        for text in texts:
            if 0 < len(text) <= 200:
                publication, updates = _publication_in(text, tz, reference)
                seen.updates.extend(updates)
                if updates and publication is None and text is texts[0]:
                    stamps.append(element)
                if publication is not None:
                    seen.publication = publication
                    seen.paired = bool(updates)
                    return


def _publication_in(
    text: str, tz: str, reference: datetime.date | None = None
) -> tuple[datetime.date | datetime.datetime | None, list[datetime.date | datetime.datetime]]:
    """The first date in ``text`` that is not an update stamp or a copyright line, and the
    update stamps before it ("Geüpdatet op 14 maart – Gepubliceerd op 12 maart" gives the 12th)."""
    previous_end = 0
    publication = None
    updates = []
    for start, end, value in _search(text, tz, reference):
        before = text[previous_end:start]
        previous_end = end
        if _UPDATE_LABEL.search(before):
            updates.append(value)
        elif publication is None and not _COPYRIGHT.search(before):
            publication = value
    return publication, updates


# /2019/08/05/, /2019-08-05-, _20190805_, /2019/08/
_URL_DAY = re.compile(
    r"(?<![\d])(?P<year>(?:199[5-9]|20[0-4]\d))(?P<sep>[/\-_.]?)(?P<month>0[1-9]|1[0-2]|[1-9])"
    r"(?P=sep)(?P<day>0[1-9]|[12]\d|3[01]|[1-9])(?![\d])"
)
_URL_MONTH = re.compile(r"/(?P<year>(?:199[5-9]|20[0-4]\d))/(?P<month>0[1-9]|1[0-2])/")
_URL_YEAR = re.compile(r"/(?P<year>(?:199[5-9]|20[0-4]\d))/")


@dataclass(frozen=True)
class _UrlDate:
    year: int
    month: int | None = None
    day: datetime.date | None = None


def _url_date(url: str) -> _UrlDate | None:
    path = re.sub(r"^[a-z]+://[^/]+", "", url or "", flags=re.IGNORECASE).split("#")[0]
    for match in _URL_DAY.finditer(path):
        # Undelimited digits count only as the full YYYYMMDD (the pattern's digit guards already
        # keep it from matching inside a longer id).
        if not match.group("sep") and len(match.group(0)) != 8:
            continue
        try:
            day = datetime.date(int(match.group("year")), int(match.group("month")), int(match.group("day")))
        except ValueError:
            continue
        if _plausible(day):
            return _UrlDate(day.year, day.month, day)
    month = _URL_MONTH.search(path)
    if month:
        return _UrlDate(int(month.group("year")), int(month.group("month")))
    year = _URL_YEAR.search(path)
    if year and int(year.group("year")) <= datetime.date.today().year:
        return _UrlDate(int(year.group("year")))
    return None


# --------------------------------------------------------------------------------------------
# Deciding
# --------------------------------------------------------------------------------------------


def _fits_url(evidence: _Evidence, url_date: _UrlDate | None, slack_days: int = 1) -> bool:
    """Whether ``evidence`` is compatible with what the URL says about the date."""
    if url_date is None:
        return True
    if url_date.day is not None:
        return abs((evidence.day - url_date.day).days) <= slack_days
    if url_date.month is not None:
        # A month folder is where the draft was created; publication may follow a month later.
        months = (evidence.day.year - url_date.year) * 12 + evidence.day.month - url_date.month
        return 0 <= months <= 1
    return evidence.day.year == url_date.year


def _htmldate(document: str | lxml.html.HtmlElement, url: str) -> datetime.date | None:
    try:
        found = htmldate.find_date(document, url=url or None, original_date=True, outputformat="%Y-%m-%d")
    except Exception:
        logger.debug("htmldate failed on %s", url, exc_info=True)
        return None
    if not found:
        return None
    try:
        return datetime.date.fromisoformat(found)
    except ValueError:
        return None


def _load(html: str | bytes | lxml.html.HtmlElement) -> lxml.html.HtmlElement | None:
    if isinstance(html, lxml.html.HtmlElement | etree._Element):
        return html
    if isinstance(html, bytes | bytearray):
        html = bytes(html[:MAX_HTML_BYTES])
    elif isinstance(html, str):
        html = html[:MAX_HTML_BYTES]
    else:
        return None
    if not html.strip():
        return None
    try:
        return lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError, TypeError):
        try:  # a str with an XML encoding declaration: lxml wants bytes
            return lxml.html.document_fromstring(html.encode("utf-8") if isinstance(html, str) else html)
        except (etree.ParserError, ValueError, TypeError):
            return None


def _page_claim(page: list[_Evidence], witnesses: list[_Evidence]) -> _Evidence | None:
    """Rule 1: the page claim most kinds of evidence agree on, the visible one on a tie."""
    if not page:
        return None
    everything = [*page, *witnesses]

    def support(claim: _Evidence) -> tuple[int, bool, int, int, int]:
        agreeing = [e.source for e in everything if e.day == claim.day]
        visible = "text" in agreeing
        return len(set(agreeing)), visible, len(agreeing), -claim.day.toordinal(), -page.index(claim)

    return max(page, key=support)


def _without_updates(
    page: list[_Evidence], updates: list[_Evidence], others: list[_Evidence], text_day: datetime.date | None
) -> list[_Evidence]:
    """Rule 1a: a page claim on the day of a visible update stamp ("Bijgewerkt: 13 maart") is
    the CMS re-dating the page, not the publication, when other evidence (the visible
    publication date, the URL, discovery, another claim) names a different day."""
    stale = {u.day for u in updates} - {e.day for e in others if e.source == "text"}
    if text_day is not None:
        stale.discard(text_day)
    kept = [e for e in page if e.day not in stale]
    alternatives = kept + [e for e in others if e.day not in stale]
    return kept if len(kept) < len(page) and alternatives else page


def _settle_ambiguous(page: list[_Evidence], witnesses: list[_Evidence]) -> list[_Evidence]:
    """Read an ambiguous slashed claim ("11/01/2023") month-first when the rest of the evidence
    (the other claims, the visible date, the URL, discovery) names its month-first day and never
    its day-first one; otherwise day-first stands."""
    settled = []
    for claim in page:
        if claim.swapped is not None and not claim.from_utc:
            others = {e.day for e in [*page, *witnesses] if e is not claim and e.swapped is None}
            swapped_day = _as_date(claim.swapped)
            if swapped_day in others and claim.day not in others and _plausible(swapped_day):
                claim = dataclasses.replace(claim, value=claim.swapped, day=swapped_day, swapped=None)
        settled.append(claim)
    return settled


def _decide(
    page: list[_Evidence],
    discovery: list[_Evidence],
    url_date: _UrlDate | None,
    text: _Evidence | None,
) -> _Evidence | None:
    """Apply rules 1-4 of the module docstring; None when they give no day."""
    url_evidence = (
        _Evidence("url", url_date.day, url_date.day)
        if url_date is not None and url_date.day is not None
        else None
    )
    choice = _page_claim(page, [e for e in (text, url_evidence) if e is not None])
    if (
        choice is not None
        and text is not None
        and all(e.weak for e in page)
        and text.day < choice.day
        and _fits_url(text, url_date, slack_days=0)
    ):
        # Rule 1b: generic date tags alone are no match for an earlier date the reader sees.
        choice = text
    if (
        choice is None
        and text is not None
        and discovery
        and _fits_url(text, url_date, slack_days=0)
        and (min(e.day for e in discovery) - text.day).days <= TEXT_BEFORE_DISCOVERY_DAYS
    ):
        # Without claims in the markup the visible date is the page's claim (rule 3 below), as
        # long as it is near the discovery date: further back it is more likely an event's date
        # in a date-like element than the publication.
        choice = text
    if choice is not None and not _fits_url(choice, url_date):
        agreeing = [e for e in [*page[1:], *discovery, text] if e and _fits_url(e, url_date)]
        choice = agreeing[0] if agreeing else url_evidence
    if discovery:
        earliest = min(discovery, key=lambda e: e.day)
        fits = _fits_url(earliest, url_date) or (url_evidence is not None and earliest.day > url_evidence.day)
        if fits and (choice is None or earliest.day < choice.day):
            choice = earliest
    if choice is None:
        choice = url_evidence
    if choice is None and text is not None and _fits_url(text, url_date, slack_days=0):
        choice = text
    return choice


def _local_day(choice: _Evidence, everything: list[_Evidence]) -> _Evidence:
    """Rule 6: settle the calendar day of a UTC stamp from evidence that states a local day.

    Converting to the outlet's zone is right for an outlet in that zone and wrong for one
    elsewhere (wire copy, a foreign edition). Evidence that states a local day (visible text, the
    URL, a stamp with a non-UTC offset, a bare date) tells which: when it names an adjacent day
    and never the converted one, its day is taken.
    """
    if not choice.from_utc:
        return choice
    local_days = [e.day for e in everything if not e.from_utc and abs((e.day - choice.day).days) <= 1]
    if local_days and choice.day not in local_days:
        # The most frequent local day; on a tie the strongest evidence (listed first) wins.
        day = max(local_days, key=local_days.count)
        return _Evidence(choice.source, choice.value, day, from_utc=True)
    return choice


def _confidence(choice: _Evidence, everything: list[_Evidence]) -> float:
    agreeing = {e.source for e in everything if e.day == choice.day and e.source != choice.source}
    disagreeing = any(abs((e.day - choice.day).days) > 1 for e in everything)
    score = BASE_CONFIDENCE[choice.source] + 0.05 * len(agreeing) - (0.1 if disagreeing else 0.0)
    if not agreeing and _bare_january_first(choice.value):
        score = min(score, JANUARY_FIRST_CONFIDENCE)
    return round(max(0.05, min(0.99, score)), 2)


def _bare_january_first(value: datetime.date | datetime.datetime) -> bool:
    """January 1st without a time: what templates and parsers write when they know only a year."""
    return not isinstance(value, datetime.datetime) and (value.month, value.day) == (1, 1)


def _moment(choice: _Evidence, everything: list[_Evidence]) -> datetime.datetime | None:
    for evidence in (choice, *everything):
        if evidence.day == choice.day and isinstance(evidence.value, datetime.datetime):
            return evidence.value
    return None


def _needs_text(page: list[_Evidence], discovery: list[_Evidence], url_date: _UrlDate | None) -> bool:
    """Whether the visible date can change the decision; reading it is the costly part.

    It cannot when the page's claims agree with each other and with the URL, none of them is a
    UTC stamp (rules 1, 2 and 6 are the only ones that consult it besides the fallback), one of
    them carries a time of day and the article shows no update stamp (rule 1a, see
    _shows_update).
    """
    if not page:
        return True
    if any(e.swapped is not None for e in page):
        return True  # the visible date may tell how an ambiguous "11/01/2023" is meant
    if all(e.weak for e in page):
        return True  # generic date tags alone yield to an earlier visible date (rule 1b)
    if len({e.day for e in page}) > 1:
        return True
    if url_date is not None and url_date.day is not None and any(e.day != url_date.day for e in page):
        return True  # a visible update stamp may show the claim to be an update (rule 1a)
    if any(e.from_utc for e in [*page, *discovery]):
        return True
    if not any(isinstance(e.value, datetime.datetime) for e in page):
        return True  # the visible date may give the time of day the claims lack
    return not all(_fits_url(e, url_date) for e in page)


def find_published(
    html: str | bytes | lxml.html.HtmlElement,
    url: str,
    context: PageContext | None = None,
    **fields: Any,
) -> PublishedDate:
    """Decide the publication date of one article page from all its evidence.

    ``context`` (:class:`corpus.text.context.PageContext`, or its fields as keywords) gives
    ``feed_date`` and ``sitemap_date``, the raw strings carried from discovery (RSS pubDate,
    Atom or news-sitemap ISO 8601), and ``country``, which picks the outlet's time zone ("nl":
    Europe/Amsterdam, "be": Europe/Brussels; anything else: unknown, see the module docstring).
    An already parsed ``lxml.html`` tree is accepted so callers can reuse their parse; it is not
    modified. Never raises: anything unreadable gives ``source="none"``.

    ``fetched_at`` (a keyword, or the context's field of that name) is when the
    page was downloaded (ISO 8601 string or aware datetime): with the discovery dates it gives the
    year of a date the page prints without one ("12 maart"). Relative expressions ("gisteren",
    "vrijdagavond") are never read as a date.
    """
    fetched_at = fields.pop("fetched_at", None)
    context = PageContext.of(context, **fields)
    if fetched_at is None:
        fetched_at = context.fetched_at
    try:
        return _find_published(
            html, url or "", context.feed_date, context.sitemap_date, context.country, fetched_at
        )
    except Exception:
        logger.warning("date detection failed on %s", url, exc_info=True)
        return NONE


def _reference_day(
    discovery: list[_Evidence], fetched_at: str | datetime.datetime | None, zone: ZoneInfo
) -> datetime.date | None:
    """The day that gives a year to dates printed without one: the earliest discovery date, else
    the fetch time. None when neither is known (such dates are then not read)."""
    if discovery:
        return min(e.day for e in discovery)
    if isinstance(fetched_at, str):
        fetched_at = parse_dutch_date(fetched_at, tz=zone.key)  # type: ignore[assignment]
    if isinstance(fetched_at, datetime.datetime):
        return fetched_at.astimezone(zone).date() if fetched_at.tzinfo else fetched_at.date()
    if isinstance(fetched_at, datetime.date):
        return fetched_at
    return None


def _find_published(
    html: str | bytes | lxml.html.HtmlElement,
    url: str,
    feed_date: str | None,
    sitemap_date: str | None,
    country: str,
    fetched_at: str | datetime.datetime | None = None,
) -> PublishedDate:
    # Outside the Netherlands and Belgium the outlet's zone is unknown: UTC keeps every stamp on
    # the calendar day it was written with, which is what the plain libraries do.
    tz = COUNTRY_TZ.get((country or "").lower(), "UTC")
    zone = ZoneInfo(tz)
    tree = _load(html)
    url_date = _url_date(url)

    discovery = [
        evidence
        for source, raw in (("feed", feed_date), ("sitemap", sitemap_date))
        if isinstance(raw, str)
        and (evidence := _evidence(source, parse_dutch_date(raw, tz=tz), zone)) is not None
    ]
    page: list[_Evidence] = []
    text = None
    updates: list[_Evidence] = []
    paired = False
    if tree is not None:
        claims: list[tuple[str, _Value | None, bool, _Value | None]] = [
            ("jsonld", _jsonld(tree, url, tz), False, None)
        ]
        claims += [("meta", value, weak, swapped) for value, weak, swapped in _meta(tree, tz)[:3]]
        root = _article_root(tree)
        claims.append(("time", _time_elements(tree, root, tz), False, None))
        page = [
            dataclasses.replace(e, weak=weak, swapped=swapped)
            for source, value, weak, swapped in claims
            if (e := _evidence(source, value, zone))
        ]
        if _needs_text(page, discovery, url_date) or _shows_update(root):
            seen = _visible_text(tree, root, tz, _reference_day(discovery, fetched_at, zone), url)
            text = _evidence("text", seen.publication, zone)
            stamps = [*seen.updates, *_update_times(tree, root, tz)]
            updates = [e for value in stamps if (e := _evidence("text", value, zone))]
            paired = seen.paired

    url_evidence = []
    if url_date is not None and url_date.day is not None:
        url_evidence.append(_Evidence("url", url_date.day, url_date.day))
    page = _settle_ambiguous(page, [*discovery, *url_evidence, *([text] if text else [])])
    if updates:
        # The visible publication date counts against an update-dated claim only when it was
        # printed beside the update stamp; a site header's "Last updated" says nothing of it.
        rivals = [*discovery, *url_evidence, *([text] if text and paired else [])]
        page = _without_updates(page, updates, rivals, text.day if text else None)
    everything = [*page, *discovery, *([text] if text else []), *url_evidence]

    choice = _decide(page, discovery, url_date, text)
    if choice is not None:
        choice = _local_day(choice, everything)
        confidence = _confidence(choice, everything)
        if choice.day in {e.day for e in updates} and not (text and text.day == choice.day):
            # Nothing contradicts it, but the reader sees this day as an update stamp.
            confidence = max(0.05, round(confidence - UPDATE_STAMP_PENALTY, 2))
        return PublishedDate(
            day=choice.day,
            moment=_moment(choice, everything),
            source=choice.source,
            confidence=confidence,
        )

    if tree is not None:
        found = _htmldate(html if isinstance(html, str | bytes) else tree, url)
        if found is not None and _plausible(found):
            evidence = _Evidence("htmldate", found, found)
            fits = _fits_url(evidence, url_date, slack_days=0)
            # htmldate's silent fallback: a bare January 1st that nothing else supports.
            january_first = (found.month, found.day) == (1, 1) and not (
                text is not None and text.day == found
            )
            # htmldate knows no Dutch update labels: on the day of a visible update stamp its
            # answer may be that stamp, an upper bound of the publication and no more.
            stamp = found in {e.day for e in updates}
            if fits and not january_first:
                confidence = _confidence(evidence, everything)
                return PublishedDate(
                    day=found,
                    moment=None,
                    source="htmldate",
                    confidence=min(confidence, UPDATE_STAMP_CONFIDENCE) if stamp else confidence,
                )
            if fits and january_first:
                return PublishedDate(None, None, "htmldate", YEAR_ONLY_CONFIDENCE, year_only=found.year)
    if url_date is not None:
        return PublishedDate(None, None, "url", YEAR_ONLY_CONFIDENCE, year_only=url_date.year)
    return NONE
