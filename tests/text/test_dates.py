"""Tests for corpus.text.dates: Dutch-grade publication dates from all the evidence."""

from __future__ import annotations

import csv
import datetime
import json
from pathlib import Path
from zoneinfo import ZoneInfo

import lxml.html
import pytest

from corpus.text.dates import PublishedDate, find_published, parse_dutch_date

TABLE = Path(__file__).resolve().parents[2] / "bench" / "data" / "dutch_dates.tsv"
ZONES = {"nl": "Europe/Amsterdam", "be": "Europe/Brussels"}
BODY = "<p>" + " ".join(["De politie onderzoekt de inbraak in de woning aan de Dorpsstraat."] * 8)
URL = "https://www.voorbeeldkrant.nl/nieuws/inbraak-dorpsstraat"


def page(header: str = "", head: str = "", extra: str = "") -> str:
    """A small article page: ``head`` goes in <head>, ``header`` under the title."""
    return (
        f"<html><head><title>Inbraak</title>{head}</head><body>"
        f"<article><h1>Inbraak aan de Dorpsstraat</h1>{header}{BODY}</p></article>"
        f"{extra}</body></html>"
    )


def jsonld(**fields: object) -> str:
    return f'<script type="application/ld+json">{json.dumps(fields)}</script>'


REFERENCE_FIELDS = {"feed": "feed_date", "sitemap": "sitemap_date", "fetched": "fetched_at"}


def table_rows() -> list[dict[str, str]]:
    with TABLE.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def reference(row: dict[str, str]) -> dict[str, str]:
    """The row's feed, sitemap or fetch time as find_published's keyword."""
    if not row.get("reference"):
        return {}
    kind, _, value = row["reference"].partition("=")
    return {REFERENCE_FIELDS[kind]: value}


def is_single_expression(row: dict[str, str]) -> bool:
    """Rows that parse_dutch_date reads alone: one complete date, no decision between evidence."""
    stamps = ("update", "bijgewerkt", "gewijzigd", "aangepast", "geüpdatet", "geupdatet")
    return bool(row["expected"]) and not (
        any(stamp in f"{row['note']} {row['expression']}".lower() for stamp in stamps)
        or row.get("url")
        or row.get("reference")
    )


# --- the known failures of htmldate and trafilatura -------------------------------------------


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("12 maart 2024", datetime.date(2024, 3, 12)),
        ("12 mrt. 2024", datetime.date(2024, 3, 12)),
        ("12 augustus 2023", datetime.date(2023, 8, 12)),
    ],
)
def test_months_the_libraries_lack_are_read_not_turned_into_january(expression, expected):
    assert parse_dutch_date(expression) == expected
    found = find_published(page(f'<div class="article-date">{expression}</div>'), URL)
    assert found.day == expected
    assert found.source == "text"


def test_htmldate_silent_january_first_is_stored_as_year_only():
    # A date in running text is an event, not the publication; plain htmldate reads it as
    # 2024-01-01. That must not become a day of the corpus.
    html = page(extra="<p>Het incident vond plaats op 12 maart 2024 in de nacht.</p>")
    found = find_published(html, URL)
    assert found.day is None
    assert found.year_only in (None, 2024)
    assert found.day != datetime.date(2024, 1, 1)


def test_a_real_january_first_is_kept():
    found = find_published(page('<span class="date">woensdag 1 januari 2020 00:15</span>'), URL)
    assert found.day == datetime.date(2020, 1, 1)
    assert found.year_only is None


# --- the Dutch table ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "row",
    # Which of two dates is the publication (update stamps, URL), a year from the feed or the
    # fetch time, and relative expressions are for find_published to decide.
    [row for row in table_rows() if is_single_expression(row)],
    ids=lambda row: row["expression"][:40],
)
def test_dutch_table_expression_parses(row):
    zone = ZoneInfo(ZONES[row["country"]])
    value = parse_dutch_date(row["expression"], tz=ZONES[row["country"]])
    assert value is not None
    if isinstance(value, datetime.datetime):
        value = value.astimezone(zone)
        assert value.strftime("%H:%M") == row["time"]
        value = value.date()
    else:
        assert row["time"] == ""
    assert value.isoformat() == row["expected"]


@pytest.mark.parametrize("row", table_rows(), ids=lambda row: row["expression"][:40])
def test_dutch_table_expression_found_in_a_page(row):
    html = page(f'<div class="meta"><span>{row["expression"]}</span></div>')
    found = find_published(html, row.get("url") or URL, country=row["country"], **reference(row))
    assert (found.day.isoformat() if found.day else "") == row["expected"]
    assert (found.moment.strftime("%H:%M") if found.moment else "") == row["time"]


@pytest.mark.parametrize("row", table_rows(), ids=lambda row: row["expression"][:40])
def test_dutch_table_expression_in_a_time_element(row):
    # The same presentations as the visible text of a <time> element, as many CMSs print them:
    # an update stamp there ("<time>Bijgewerkt: ...</time>") is no publication claim either.
    html = page(f'<p class="byline">Door de redactie <time>{row["expression"]}</time></p>')
    found = find_published(html, row.get("url") or URL, country=row["country"], **reference(row))
    assert (found.day.isoformat() if found.day else "") == row["expected"]


def test_table_has_the_presentations_the_issue_names():
    rows = table_rows()
    assert len(rows) >= 70
    assert {row["country"] for row in rows} == {"nl", "be"}
    text = " ".join(row["expression"].lower() for row in rows)
    for form in ("bijgewerkt", "geüpdatet", "laatst gewijzigd", "aangepast", "update:", "gisteren"):
        assert form in text
    assert sum(bool(row["url"]) for row in rows) >= 5  # the URL's date the only other evidence
    assert sum(not row["expected"] for row in rows) >= 5  # relative expressions: no date
    assert {row["reference"].partition("=")[0] for row in rows} >= {"feed", "sitemap", "fetched"}


# --- parse_dutch_date -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["", "   ", "maart 2024", "2024", "31 februari 2024", "12 maart", "geen datum", "99-99-2020"]
)
def test_incomplete_or_impossible_dates_are_none(text):
    assert parse_dutch_date(text) is None


def test_numeric_dates_are_day_first():
    assert parse_dutch_date("05-08-2019") == datetime.date(2019, 8, 5)
    assert parse_dutch_date("5/8/2019") == datetime.date(2019, 8, 5)


def test_naive_time_is_local_and_explicit_offset_is_kept():
    summer = parse_dutch_date("2024-07-01T08:00:00")
    assert summer.utcoffset() == datetime.timedelta(hours=2)
    offset = parse_dutch_date("2024-07-01T08:00:00-04:00")
    assert offset.utcoffset() == datetime.timedelta(hours=-4)


def test_rfc822_feed_date():
    value = parse_dutch_date("Tue, 12 Mar 2024 09:00:00 +0100")
    assert value == datetime.datetime(2024, 3, 12, 8, 0, tzinfo=datetime.UTC)


def test_parse_never_raises_on_odd_input():
    for odd in (None, 12, b"12 maart 2024", "\x00\x01", "9" * 10_000):
        assert parse_dutch_date(odd) is None  # type: ignore[arg-type]


# --- structured evidence ------------------------------------------------------------------


def test_jsonld_date_published_and_never_date_modified():
    head = jsonld(
        **{"@type": "NewsArticle", "dateModified": "2024-03-15T10:00:00+01:00"},
        datePublished="2024-03-12T08:00:00+01:00",
    )
    found = find_published(page(head=head), URL)
    assert found.day == datetime.date(2024, 3, 12)
    assert found.source == "jsonld"
    assert found.moment == datetime.datetime(
        2024, 3, 12, 8, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=1))
    )


def test_newsarticle_block_preferred_over_webpage_block():
    head = jsonld(**{"@type": "WebPage"}, datePublished="2019-01-01T00:00:00+01:00") + jsonld(
        **{"@graph": [{"@type": "NewsArticle", "datePublished": "2024-03-12T08:00:00+01:00"}]}
    )
    assert find_published(page(head=head), URL).day == datetime.date(2024, 3, 12)


def test_related_articles_listed_in_jsonld_are_ignored():
    head = jsonld(
        **{"@type": "ItemList"},
        itemListElement=[{"@type": "NewsArticle", "datePublished": "2020-05-05T10:00:00+02:00"}],
    ) + jsonld(**{"@type": "NewsArticle"}, datePublished="2024-03-12T08:00:00+01:00")
    assert find_published(page(head=head), URL).day == datetime.date(2024, 3, 12)


def test_broken_jsonld_still_yields_its_date():
    head = (
        '<script type="application/ld+json">{"@type": "NewsArticle",\n'
        '"datePublished": "2024-03-12T08:00:00+01:00",}</script>'
    )
    assert find_published(page(head=head), URL).day == datetime.date(2024, 3, 12)


def test_meta_published_time_and_not_modified_time():
    head = (
        '<meta property="article:modified_time" content="2024-04-01T10:00:00+02:00">'
        '<meta property="article:published_time" content="2024-03-12T08:00:00+01:00">'
    )
    found = find_published(page(head=head), URL)
    assert (found.day, found.source) == (datetime.date(2024, 3, 12), "meta")


def test_time_element_marked_published_beats_updated():
    header = (
        '<time class="updated" datetime="2024-03-20T10:00:00+01:00">20 mrt</time>'
        '<time itemprop="datePublished" datetime="2024-03-12T08:00:00+01:00">12 mrt</time>'
    )
    found = find_published(page(header), URL)
    assert (found.day, found.source) == (datetime.date(2024, 3, 12), "time")


def test_agreeing_evidence_raises_confidence():
    head = jsonld(**{"@type": "NewsArticle"}, datePublished="2024-03-12T08:00:00+01:00")
    alone = find_published(page(head=head), URL)
    meta = '<meta property="article:published_time" content="2024-03-12T08:00:00+01:00">'
    both = find_published(page(head=head + meta), URL)
    assert both.confidence > alone.confidence
    assert 0.0 <= alone.confidence <= 1.0


def test_claims_that_disagree_follow_the_visible_date():
    head = jsonld(**{"@type": "NewsArticle"}, datePublished="2024-03-01T08:00:00+01:00")
    head += '<meta property="article:published_time" content="2024-03-12T08:00:00+01:00">'
    header = '<div class="byline">Door de redactie, 12 maart 2024</div>'
    assert find_published(page(header, head), URL).day == datetime.date(2024, 3, 12)


# --- URL and discovery ----------------------------------------------------------------------


def test_url_date():
    found = find_published(page(), "https://www.voorbeeldkrant.nl/2019/08/05/inbraak/")
    assert (found.day, found.source) == (datetime.date(2019, 8, 5), "url")


def test_url_vetoes_a_page_claim_far_from_it():
    head = '<meta property="article:published_time" content="2023-01-20T08:00:00+01:00">'
    found = find_published(page(head=head), "https://www.voorbeeldkrant.nl/2019/08/05/inbraak/")
    assert found.day == datetime.date(2019, 8, 5)


def test_url_year_only_is_never_a_day():
    found = find_published("<html><body><p>Tekst</p></body></html>", "https://x.nl/2019/inbraak")
    assert found.day is None
    assert found.year_only == 2019


def test_feed_only():
    found = find_published(page(), URL, feed_date="Tue, 12 Mar 2024 09:00:00 +0100")
    assert (found.day, found.source) == (datetime.date(2024, 3, 12), "feed")
    assert found.moment.utcoffset() == datetime.timedelta(hours=1)


def test_feed_republish_later_than_the_page_keeps_the_original_date():
    head = jsonld(**{"@type": "NewsArticle"}, datePublished="2024-03-12T08:00:00+01:00")
    found = find_published(page(head=head), URL, feed_date="Fri, 05 Apr 2024 09:00:00 +0200")
    assert (found.day, found.source) == (datetime.date(2024, 3, 12), "jsonld")


def test_feed_earlier_than_a_redated_page_wins():
    head = jsonld(**{"@type": "NewsArticle"}, datePublished="2024-03-14T08:00:00+01:00")
    found = find_published(page(head=head), URL, sitemap_date="2024-03-12T07:55:00+01:00")
    assert (found.day, found.source) == (datetime.date(2024, 3, 12), "sitemap")


def test_agreeing_feed_and_page():
    head = jsonld(**{"@type": "NewsArticle"}, datePublished="2024-03-12T08:00:00+01:00")
    found = find_published(page(head=head), URL, feed_date="2024-03-12T08:00:00+01:00")
    assert found.day == datetime.date(2024, 3, 12)
    assert found.confidence >= 0.9


# --- visible text: what to ignore -----------------------------------------------------------


def test_update_stamp_before_the_publication_is_skipped():
    header = '<p class="meta">Laatst gewijzigd: 20 maart 2024 · Gepubliceerd: 12 maart 2024</p>'
    assert find_published(page(header), URL).day == datetime.date(2024, 3, 12)


def test_element_marked_as_update_is_skipped():
    header = (
        '<span class="date-updated">Bijgewerkt 20 maart 2024</span><span class="date">12 maart 2024</span>'
    )
    assert find_published(page(header), URL).day == datetime.date(2024, 3, 12)


def test_related_article_box_dates_are_ignored():
    related = (
        '<aside class="related"><ul><li><span class="date">3 januari 2021</span></li></ul></aside>'
        '<div class="lees-ook"><span class="date">4 februari 2021</span></div>'
    )
    html = (
        f"<html><body>{related}<article><h1>Inbraak</h1>"
        f'<div class="article-date">12 mrt. 2024</div>{BODY}</p></article></body></html>'
    )
    assert find_published(html, URL).day == datetime.date(2024, 3, 12)


def test_copyright_year_is_not_a_publication_day():
    html = page(extra='<footer><p class="copyright">© 2024 Voorbeeldkrant</p></footer>')
    found = find_published(html, URL)
    assert found.day is None
    assert found.day != datetime.date(2024, 1, 1)


def test_label_with_the_date_in_the_next_element():
    header = "<p><strong>Gepubliceerd op</strong> <span>di 5 aug. 2019</span></p>"
    assert find_published(page(header), URL).day == datetime.date(2019, 8, 5)


# --- time zones -----------------------------------------------------------------------------


def test_utc_stamp_late_in_the_evening_is_the_next_amsterdam_day():
    head = jsonld(**{"@type": "NewsArticle"}, datePublished="2024-03-12T23:30:00Z")
    found = find_published(page(head=head), URL)
    assert found.day == datetime.date(2024, 3, 13)
    assert found.moment.utcoffset() == datetime.timedelta(hours=1)
    assert found.moment.hour == 0


def test_flemish_source_reads_naive_times_in_brussels():
    head = jsonld(**{"@type": "NewsArticle"}, datePublished="2024-07-01T08:00:00")
    found = find_published(page(head=head), URL, country="be")
    assert found.moment.tzinfo == ZoneInfo("Europe/Brussels")
    assert found.moment.utcoffset() == datetime.timedelta(hours=2)


def test_time_taken_from_other_evidence_on_the_same_day():
    header = '<div class="date">12 maart 2024 om 09:12</div>'
    head = '<meta name="date" content="2024-03-12">'
    found = find_published(page(header, head), URL)
    assert (found.day, found.source) == (datetime.date(2024, 3, 12), "meta")
    assert found.moment.strftime("%H:%M") == "09:12"


# --- input handling -------------------------------------------------------------------------


@pytest.mark.parametrize("html", ["", b"", "   ", "<<<>>>", b"\xff\xfe\x00garbage", "geen html", None, 42])
def test_bad_input_returns_none_source(html):
    found = find_published(html, URL)  # type: ignore[arg-type]
    assert isinstance(found, PublishedDate)
    assert found.source == "none" or found.day is None


def test_huge_input_does_not_raise():
    html = "<html><body>" + "<div><p>tekst</p></div>" * 200_000 + "</body></html>"
    assert isinstance(find_published(html, URL), PublishedDate)


def test_parsed_tree_is_accepted_and_left_untouched():
    html = page('<div class="article-date">12 mrt. 2024</div>')
    tree = lxml.html.document_fromstring(html)
    before = lxml.html.tostring(tree)
    found = find_published(tree, URL)
    assert found.day == datetime.date(2024, 3, 12)
    assert lxml.html.tostring(tree) == before


def test_bytes_input():
    html = page('<div class="article-date">12 augustus 2023</div>').encode("utf-8")
    assert find_published(html, URL).day == datetime.date(2023, 8, 12)


def test_unconfirmed_bare_january_first_claim_gets_low_confidence():
    head = '<meta property="article:published_time" content="2021-01-01">'
    found = find_published(page(head=head), URL)
    assert found.day == datetime.date(2021, 1, 1)
    assert found.confidence <= 0.4
    confirmed = find_published(page('<span class="date">1 januari 2021</span>', head), URL)
    assert confirmed.confidence > 0.4


def test_claims_that_disagree_without_other_evidence_give_the_earlier_day():
    head = jsonld(**{"@type": "NewsArticle"}, datePublished="2024-03-14T08:00:00+01:00")
    head += '<meta property="article:published_time" content="2024-03-12T08:00:00+01:00">'
    found = find_published(page(head=head), URL)
    assert found.day == datetime.date(2024, 3, 12)
    assert found.confidence < 0.85  # the disagreement costs confidence


def test_utc_stamp_of_an_outlet_elsewhere_follows_the_local_evidence():
    # 23:30 UTC is already the next day in Amsterdam, but the page itself says the 12th: the
    # outlet is not on Amsterdam time, and the day it printed is the day.
    head = jsonld(**{"@type": "NewsArticle"}, datePublished="2024-03-12T23:30:00Z")
    header = '<span class="date">12 maart 2024</span>'
    assert find_published(page(header, head), URL).day == datetime.date(2024, 3, 12)


def test_page_wide_body_classes_do_not_hide_the_article_date():
    html = page('<span class="date">12 maart 2024</span>').replace(
        "<body>", '<body class="single-post has-sidebar nav-open">'
    )
    assert find_published(html, URL).day == datetime.date(2024, 3, 12)


def test_unreadable_feed_date_is_ignored():
    header = '<span class="date">12 maart 2024</span>'
    found = find_published(page(header), URL, feed_date="gisteren", sitemap_date="")
    assert (found.day, found.source) == (datetime.date(2024, 3, 12), "text")


def test_label_and_date_in_one_paragraph():
    found = find_published(page("<p>Geplaatst: 12-03-2024 om 10:15</p>"), URL)
    assert (found.day, found.source) == (datetime.date(2024, 3, 12), "text")
    assert found.moment.strftime("%H:%M") == "10:15"


# --- update stamps (issue 19) ------------------------------------------------------------------

URL_DAY = "https://www.voorbeeldkrant.nl/nieuws/2024/03/12/inbraak-dorpsstraat/"


def test_bijgewerkt_time_element_does_not_beat_the_url_date():
    # The update stamp is a day after the URL's date, within the slack time zones need, and the
    # page states nothing else: the URL's date is the publication.
    header = '<p class="byline">Bijgewerkt: <time datetime="2024-03-13T10:15:00+01:00">13 mrt</time></p>'
    found = find_published(page(header), URL_DAY)
    assert (found.day, found.source) == (datetime.date(2024, 3, 12), "url")


def test_update_stamp_inside_the_time_element_is_no_claim():
    header = '<time datetime="2024-03-13T10:15:00+01:00">Geüpdatet op 13 maart 2024</time>'
    assert find_published(page(header), URL_DAY).day == datetime.date(2024, 3, 12)


def test_geupdatet_and_gepubliceerd_on_one_line_gives_the_publication():
    header = (
        '<div class="article-meta">Geüpdatet op 14 maart 2024 om 10:15 – '
        "Gepubliceerd op 12 maart 2024 om 08:00</div>"
    )
    found = find_published(page(header), URL)
    assert found.day == datetime.date(2024, 3, 12)
    assert found.moment.strftime("%H:%M") == "08:00"


def test_claim_redated_to_the_update_yields_to_the_url_date():
    head = jsonld(**{"@type": "NewsArticle"}, datePublished="2024-03-13T10:15:00+01:00")
    header = '<div class="meta">Bijgewerkt: 13 maart 2024, 10:15</div>'
    found = find_published(page(header, head), URL_DAY)
    assert (found.day, found.source) == (datetime.date(2024, 3, 12), "url")


def test_claim_redated_to_the_update_yields_to_the_publication_printed_beside_it():
    head = jsonld(**{"@type": "NewsArticle"}, datePublished="2024-03-14T10:15:00+01:00")
    header = '<div class="meta">Gepubliceerd: 12 maart 2024 08:00 | Bijgewerkt: 14 maart 2024 10:15</div>'
    assert find_published(page(header, head), URL).day == datetime.date(2024, 3, 12)


def test_claim_on_the_update_day_without_rival_stands_with_less_confidence():
    head = jsonld(**{"@type": "NewsArticle"}, datePublished="2024-03-13T10:15:00+01:00")
    plain = find_published(page("", head), URL)
    stamped = find_published(page('<div class="meta">Bijgewerkt: 13 maart 2024, 10:15</div>', head), URL)
    assert stamped.day == plain.day == datetime.date(2024, 3, 13)
    assert stamped.confidence == pytest.approx(plain.confidence - 0.2)


def test_site_header_last_updated_does_not_unseat_the_article_claims():
    # A site-wide "Last updated" in the header shares the claims' day; an unrelated numeric date
    # elsewhere is no reason to doubt them.
    head = jsonld(**{"@type": "NewsArticle"}, datePublished="2024-06-01T21:53:00+02:00")
    html = (
        f"<html><head>{head}</head><body><div class='header'><p class='updated_date'>Last Updated: "
        "<span>1 juni 2024</span></p></div><div class='post-meta'>01-06-2023</div>"
        f"<div>{BODY}</p></div></body></html>"
    )
    assert find_published(html, URL).day == datetime.date(2024, 6, 1)


# --- relative expressions and dates without a year ---------------------------------------------


@pytest.mark.parametrize(
    "expression",
    ["gisteren", "gisteren om 14:05", "vrijdagavond", "afgelopen weekend", "vandaag, 09:12", "eergisteren"],
)
def test_relative_expressions_never_become_the_publication_date(expression):
    found = find_published(
        page(f'<span class="date">{expression}</span>'), URL, fetched_at="2024-03-09T10:00:00+01:00"
    )
    assert found.day is None


def test_relative_expression_in_the_story_is_not_the_publication_date():
    header = '<p class="intro">Vrijdagavond werd ingebroken; afgelopen weekend volgde een tweede poging.</p>'
    found = find_published(page(header), URL, fetched_at="2024-03-11T10:00:00+01:00")
    assert found.day is None


@pytest.mark.parametrize(
    ("reference", "expected"),
    [
        ({"feed_date": "Wed, 13 Mar 2024 07:00:00 +0100"}, datetime.date(2024, 3, 12)),
        ({"sitemap_date": "2024-03-12T09:00:00+01:00"}, datetime.date(2024, 3, 12)),
        ({"fetched_at": "2024-03-20T10:00:00+01:00"}, datetime.date(2024, 3, 12)),
        (
            {"fetched_at": datetime.datetime(2025, 3, 1, 9, 0, tzinfo=datetime.UTC)},
            datetime.date(2024, 3, 12),
        ),
    ],
    ids=["feed", "sitemap", "fetch time", "fetch time a year on"],
)
def test_date_without_a_year_takes_it_from_the_reference(reference, expected):
    found = find_published(page('<span class="date">di 12 maart om 08:15</span>'), URL, **reference)
    assert found.day == expected
    assert found.moment.strftime("%H:%M") == "08:15"


def test_date_without_a_year_read_in_january_is_last_year():
    found = find_published(page('<span class="date">30 december</span>'), URL, fetched_at="2025-01-02")
    assert found.day == datetime.date(2024, 12, 30)


def test_date_without_a_year_and_no_reference_is_not_guessed():
    assert find_published(page('<span class="date">12 maart</span>'), URL).day is None


def test_date_without_a_year_is_still_not_a_complete_expression():
    assert parse_dutch_date("12 maart om 08:15") is None


# --- what the public benchmarks showed --------------------------------------------------------


def test_generic_date_tag_yields_to_an_earlier_visible_date():
    # <meta name="date"> names no event; here it carries the last edit, the page shows the day.
    head = '<meta name="date" content="2024-03-19">'
    found = find_published(page('<div class="news-date">12.03.2024</div>', head), URL)
    assert (found.day, found.source) == (datetime.date(2024, 3, 12), "text")


def test_publication_tag_is_not_overruled_by_an_earlier_visible_date():
    head = '<meta property="article:published_time" content="2024-03-19T08:00:00+01:00">'
    found = find_published(page('<div class="news-date">12.03.2024</div>', head), URL)
    assert found.source == "meta"


def test_one_digit_seconds_keep_their_utc_zone():
    assert parse_dutch_date("2020-12-05T23:15:0Z") == datetime.datetime(
        2020, 12, 5, 23, 15, tzinfo=datetime.UTC
    )


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("5 de mayo de 2022", datetime.date(2022, 5, 5)),
        ("Domenica 06 Dicembre 2020", datetime.date(2020, 12, 6)),
        ("3 de março de 2021", datetime.date(2021, 3, 3)),
    ],
)
def test_spanish_italian_and_portuguese_dates_are_read(expression, expected):
    assert parse_dutch_date(expression) == expected


def test_local_day_of_a_foreign_edition_settles_its_utc_stamp():
    # 22:12 UTC is the next day in Amsterdam; the page prints its own (local) day.
    head = jsonld(**{"@type": "NewsArticle"}, datePublished="2022-05-05T22:12:00Z")
    found = find_published(page('<time class="date">05 de mayo de 2022</time>', head), URL)
    assert found.day == datetime.date(2022, 5, 5)


def test_visible_date_long_before_the_feed_date_does_not_replace_it():
    # Months before the feed date a date-like element more likely shows an event than the
    # publication; the feed's date stands.
    found = find_published(
        page('<span class="date">12 maart</span>'), URL, feed_date="Mon, 16 Sep 2024 07:00:00 +0200"
    )
    assert (found.day, found.source) == (datetime.date(2024, 9, 16), "feed")


def test_a_crawled_page_context_carries_the_fetch_time_to_the_date_stage():
    """The crawl's item hands its fetch time down (ArticleItem.page_context), not only a keyword."""
    from corpus.crawl.items import ArticleItem

    item = ArticleItem(
        url=URL,
        source="voorbeeld",
        outlet="Voorbeeldkrant",
        country="nl",
        html=page('<span class="date">di 12 maart om 08:15</span>'),
        fetched_at=datetime.datetime(2024, 3, 20, 9, 0, tzinfo=datetime.UTC),
    )
    assert find_published(item.html, URL, item.page_context()).day == datetime.date(2024, 3, 12)


# --- trafilatura-eval misses with a general cause (docs/dates.md) -------------------------------


def test_drupal_promoted_article_is_not_a_promo_box():
    # Drupal marks a front-page article "node--promoted"; its own byline date is the article's.
    html = (
        "<html><body><article class='node node--type-article node--promoted'><h1>Inbraak</h1>"
        f"<div class='byline'><span class='byline__created-date'>07 december 2022</span></div>{BODY}"
        "</p></article></body></html>"
    )
    assert find_published(html, URL).day == datetime.date(2022, 12, 7)


def test_article_metadata_aside_is_the_articles_own():
    # <aside class="meta"> inside the article holds its date; a generic date tag says otherwise.
    head = '<meta name="date" content="2024-03-19T14:32:06+01:00">'
    header = "<aside class='meta'><p class='meta__content'><time>12.03.2024 - 13:30</time></p></aside>"
    assert find_published(page(header, head), URL).day == datetime.date(2024, 3, 12)


def test_sidebar_aside_outside_the_article_still_does_not_count():
    extra = "<aside class='meta'><span class='date'>19.03.2024</span></aside>"
    # Outside the article an <aside> stays a sidebar: its date is not read as the visible date.
    assert find_published(page(extra=extra), URL).source != "text"


def test_teaser_microdata_does_not_outvote_the_articles_own_claim():
    # Every teaser repeats <meta itemprop="datePublished">; only the page's first one is a claim,
    # and a teaser <article> inside the article is another story.
    teaser = (
        "<article class='teaser'><p>Ander nieuws <small class='news-list-date'><time datetime='2024-03-10'>"
        "10.03.2024<meta itemprop='datePublished' content='2024-03-10'></time></small></p></article>"
    )
    html = (
        "<html><body><article class='detail'><h1>Inbraak</h1><p><span><time datetime='2024-03-12'>"
        "12.03.2024<meta itemprop='datePublished' content='2024-03-12'></time></span></p>"
        f"{BODY}</p>{teaser * 3}</article></body></html>"
    )
    assert find_published(html, URL).day == datetime.date(2024, 3, 12)


def test_date_of_an_embedded_social_post_is_not_the_articles():
    head = '<meta property="article:published_time" content="2024-03-12T16:06:50+01:00">'
    embed = (
        "<blockquote class='instagram-media'><p>Een bericht gedeeld door iemand op "
        "<time datetime='2023-04-21T23:47:18+00:00'>21 apr 2023</time></p></blockquote>"
    )
    assert find_published(page(embed, head), URL).day == datetime.date(2024, 3, 12)


def test_a_link_to_another_document_does_not_give_the_date():
    # The link's class looks like a date's, its text names the linked report's day.
    header = (
        "<p><a class='Publication download' href='/rapport.pdf'>Rapport van 14 oktober 2021</a></p>"
        "<div class='docData'><span class='label'>Datum:</span> <span>18.10.2021</span></div>"
    )
    assert find_published(page(header), URL).day == datetime.date(2021, 10, 18)


@pytest.mark.parametrize("label", ["Datum:", "Verschenen op", "Gepost op"])
def test_dutch_publication_labels_are_read(label):
    header = f"<p><span>{label}</span> 12 maart 2024</p>"
    assert find_published(page(header), URL).day == datetime.date(2024, 3, 12)


@pytest.mark.parametrize("space", [" ", "\u2009", "\u00a0"])
def test_typeset_numeric_date_with_spaces_after_the_dots(space):
    assert parse_dutch_date(f"4.{space}2.{space}2022") == datetime.date(2022, 2, 4)


def test_spaced_numbers_without_a_full_year_are_no_date():
    assert parse_dutch_date("stap 4. 2. 20") is None


def test_german_last_change_label_is_an_update_stamp():
    header = "<div class='meta'>Letzte Änderung: 14.03.2024 · Gepubliceerd: 12.03.2024</div>"
    assert find_published(page(header), URL).day == datetime.date(2024, 3, 12)


def test_label_and_the_element_after_it_and_a_stamp_list_under_an_update_label():
    # The layout wrapper around <main> is named like a menu; inside it the label "Verschenen op:"
    # stands in its own element before the day, and the update stamp's day sits in a list under
    # its label (a generic date tag carries that last change).
    head = '<meta name="date" content="2024-03-15">'
    html = (
        f"<html><head>{head}</head><body><div class='page-wrapper left-navigation-wrapper'>"
        "<main><h1>Inbraak</h1><div class='eventbox'><span>Verschenen op:</span>"
        f"<h2>12.03.2024</h2></div>{BODY}</p><div><h4 class='timestamp__title'>Laatst gewijzigd:"
        "</h4><ul class='timestamp-list'><li class='timestamp-list__item'>15.03.2024</li></ul>"
        "</div></main></div></body></html>"
    )
    assert find_published(html, URL).day == datetime.date(2024, 3, 12)


def test_date_under_an_update_label_is_an_update_stamp():
    head = '<meta property="article:published_time" content="2024-03-12T08:00:00+01:00">'
    header = (
        "<div><h4>Bijgewerkt:</h4><ul class='timestamp-list'><li class='stamp'>15.03.2024</li></ul></div>"
    )
    found = find_published(page(header, head), URL)
    assert found.day == datetime.date(2024, 3, 12)


def test_headline_block_before_a_sidebar_of_teaser_articles():
    # No <article> holds the story: the <article>s are teasers in a sidebar that comes first, and
    # the site's logo is the first <h1>. The date beside the story's headline is the article's.
    teaser = "<article><h2>Ander nieuws</h2><p class='date'>2024-03-08</p></article>"
    html = (
        "<html><body><header><div class='topmenu'><h1 class='logo'>Voorbeeldkrant</h1></div></header>"
        f"<div class='list'>{teaser * 2}</div><section><div class='title_area'><h1>Inbraak</h1>"
        f"<p class='date'>Geschreven: 2024-03-12 15:03</p></div>{BODY}</p></section></body></html>"
    )
    assert find_published(html, URL).day == datetime.date(2024, 3, 12)


def _headline_page(lines: str, head: str = "") -> str:
    return (
        f"<html><head>{head}</head><body><div class='content'><h1>Inbraak aan de Dorpsstraat</h1>"
        f"{lines}{BODY}</p></div></body></html>"
    )


@pytest.mark.parametrize(
    "line",
    [
        "<p>1 februari 2024, Jan Jansen</p>",
        "<p>01-02-2024 | Politie</p>",
        "<p><span>Door Jan Jansen</span><br>op 01.02.2024</p>",
    ],
)
def test_unclassed_line_under_the_headline_gives_the_date(line):
    assert find_published(_headline_page(line), URL).day == datetime.date(2024, 2, 1)


def test_dateline_opening_the_body_gives_the_date():
    lead = "<p>01.02.2024 – " + "De politie heeft een man aangehouden na de inbraak. " * 4 + "</p>"
    assert find_published(_headline_page(lead), URL).day == datetime.date(2024, 2, 1)


def test_event_date_inside_a_sentence_under_the_headline_is_not_the_date():
    line = "<p>De zitting is op woensdag 5 februari 2025 in Arnhem</p>"
    # (htmldate, the last resort, may still pick it up; the visible-text reading must not.)
    assert find_published(_headline_page(line), URL).source != "text"


def test_update_label_in_the_line_before_the_date_under_the_headline():
    head = jsonld(**{"@type": "NewsArticle"}, datePublished="2023-11-06T18:19:00+01:00")
    lines = "<p><span>Stand:</span> <span>07.11.2023, 07:30 Uhr</span></p>"
    head += '<meta name="DC.Date" content="2023-11-07T07:30+01:00">'
    assert find_published(_headline_page(lines, head), URL).day == datetime.date(2023, 11, 6)


# --- class E of docs/dates.md: boilerplate names, labels, ambiguous tags, datelines -------------


@pytest.mark.parametrize(
    "main_column",
    [
        "<div id='main' class='clearfix subnav_true'>",  # a main column beside a sub-navigation
        "<div class='layout__main'>",  # the BEM main element of a layout with a sidebar
        "<div class='sidebar__main'>",
    ],
)
def test_main_column_is_not_boilerplate_whatever_else_its_classes_say(main_column):
    html = (
        f"<html><body><div class='site-nav-open'>{main_column}<h1>Inbraak</h1>"
        f"<div class='artikel-meta'><span class='datum'>12.03.2024</span></div>{BODY}</p></div>"
        "<div class='sidebar__aside'><span class='datum'>19.03.2024</span></div></div></body></html>"
    )
    found = find_published(html, URL)
    assert (found.day, found.source) == (datetime.date(2024, 3, 12), "text")


def test_main_navigation_is_not_a_main_column():
    # "main-nav" is the main navigation, not the main content: its date stays boilerplate.
    html = (
        "<html><body><div class='main-nav'><span class='datum'>19.03.2024</span></div>"
        f"<div><h2>Inbraak</h2>{BODY}</p></div></body></html>"
    )
    assert find_published(html, URL).source != "text"


def test_footer_of_the_article_holds_its_own_publication_claim():
    # The article's own footer (a div, not <footer>) carries <time itemprop="datePublished">; the
    # generic date tags carry the last change.
    head = '<meta name="date" content="2024-03-15T10:00:00+01:00">'
    html = (
        f"<html><head>{head}</head><body><div class='row main'><div class='artikel'><h1>Inbraak</h1>"
        f"{BODY}</p><div class='footer'><p><span class='news-list-date'>"
        "<time itemprop='datePublished' datetime='2024-03-12'>12.03.2024</time></span></p></div>"
        "</div></div><div class='footer'>Voorbeeldkrant</div></body></html>"
    )
    assert find_published(html, URL).day == datetime.date(2024, 3, 12)


def test_colophon_in_the_footer_of_the_content_gives_the_label_date():
    # A review's colophon: last change and first appearance, in a footer inside the main column.
    html = (
        f"<html><body><div id='main'><div class='recensie'><h1>Inbraak</h1>{BODY}</p></div>"
        "<div class='recensie_footer'><p class='footerRegel'>Laatst gewijzigd: 15.03.2024 - 14:49"
        "<br>Verschenen op: 12.03.2024<br>Gelezen: 61<br>© Voorbeeldkrant</p></div></div>"
        "</body></html>"
    )
    assert find_published(html, URL).day == datetime.date(2024, 3, 12)


def test_page_footer_inside_a_content_wrapper_is_still_boilerplate():
    # Forum skins wrap the whole page, the footer with its clock included, in "#content".
    html = (
        f"<html><body><div id='content'><div><h2>Huisregels</h2>{BODY}</p></div>"
        "<div id='gfooter'><div class='current-time'>Huidige datum: 11-02-2020, 19:22</div></div>"
        "</div></body></html>"
    )
    assert find_published(html, URL).source != "text"


@pytest.mark.parametrize("label", ["Aangemaakt op", "Aangemaakt:", "Erstellt am:"])
def test_creation_label_gives_the_publication_date(label):
    # The generic date tag carries the last change; the label shows when the article was made.
    head = '<meta name="date" content="2024-03-15T10:00:00+01:00">'
    header = f"<p>{label} 12.03.2024</p>"
    assert find_published(page(header, head), URL).day == datetime.date(2024, 3, 12)


def test_ambiguous_slashed_tag_is_read_month_first_when_the_page_says_so():
    # "03/12/2024 10:15:00" from an en-US server culture is 12 March; the visible label says so.
    head = '<meta name="date" content="03/12/2024 10:15:00">'
    html = (
        f"<html><head>{head}</head><body><div><h1>Inbraak</h1>{BODY}</p>"
        "<p>Aangemaakt op: 12.03.2024</p></div></body></html>"
    )
    assert find_published(html, URL).day == datetime.date(2024, 3, 12)


def test_ambiguous_slashed_tag_stays_day_first_without_other_evidence():
    head = '<meta name="date" content="03/12/2024 10:15:00">'
    html = f"<html><head>{head}</head><body><div><h1>Inbraak</h1>{BODY}</p></div></body></html>"
    assert find_published(html, URL).day == datetime.date(2024, 12, 3)


def test_ambiguous_slashed_tag_stays_day_first_when_the_page_confirms_it():
    head = '<meta name="date" content="03/12/2024 10:15:00">'
    html = (
        f"<html><head>{head}</head><body><div><h1>Inbraak</h1>{BODY}</p>"
        "<p>Aangemaakt op: 03.12.2024</p></div></body></html>"
    )
    assert find_published(html, URL).day == datetime.date(2024, 12, 3)


def test_dateline_after_an_image_caption_and_the_standfirst():
    # The caption and the standfirst are long lines, but not yet the body that opens with the date.
    lines = (
        "<figure><img src='/foto.jpg'><figcaption>"
        + "De woning aan de Dorpsstraat waar de inbrekers binnenkwamen via de achterdeur. " * 2
        + "<a href='/fotograaf'>Foto: Jan</a></figcaption></figure><p class='artikel-intro'>"
        + "De politie zoekt getuigen van een inbraak in een woning in het centrum van het dorp. " * 2
        + "</p><p>01.02.2024 – "
        + "De politie heeft een man aangehouden na de inbraak. " * 4
        + "</p>"
    )
    found = find_published(_headline_page(lines), URL)
    assert (found.day, found.source) == (datetime.date(2024, 2, 1), "text")


def test_long_line_without_a_standfirst_class_still_ends_the_reading():
    lines = (
        "<p>" + "De politie zoekt getuigen van een inbraak in een woning in het centrum. " * 2 + "</p>"
        "<p>01.02.2024 – " + "De politie heeft een man aangehouden na de inbraak. " * 4 + "</p>"
    )
    assert find_published(_headline_page(lines), URL).source != "text"


def test_page_without_a_headline_reads_the_first_line_of_its_text_block():
    # No <h1>: the story is the block with the most paragraph text, opened by its kicker line.
    story = "".join(
        f"<p>De politie onderzoekt de inbraak in de woning aan de Dorpsstraat, deel {n}.</p>"
        for n in range(8)
    )
    html = (
        "<html><body><div class='kolom'><p>Nieuws van de gemeente</p><ul><li>Agenda</li></ul></div>"
        f"<div class='kolom'><p>16-10-2021 | Politie<br><h4>Inbraak aan de Dorpsstraat</h4></p>{story}"
        "</div></body></html>"
    )
    found = find_published(html, URL)
    assert (found.day, found.source) == (datetime.date(2021, 10, 16), "text")


def test_page_without_a_headline_does_not_read_an_event_date_in_its_text():
    story = "".join(
        f"<p>De zitting over de inbraak aan de Dorpsstraat is op 5 februari 2025, deel {n}.</p>"
        for n in range(8)
    )
    html = f"<html><body><div class='kolom'>{story}</div></body></html>"
    assert find_published(html, URL).source != "text"


BLOG_URL = "https://www.voorbeeldblog.nl/2024/03/inbraak-dorpsstraat/"


def _blog_page(sidebar: str) -> str:
    return (
        "<html><body><div id='kop'><h1><a href='/'>Voorbeeldblog</a></h1></div>"
        f"<div id='sidebar'>{sidebar}</div><div id='inhoud'><div class='post'>"
        f"<h2><a href='{BLOG_URL}' rel='bookmark'>Inbraak aan de Dorpsstraat</a></h2>"
        f"<div class='entry'>{BODY}</p></div></div></div></body></html>"
    )


def test_sidebar_box_about_this_very_page_gives_its_date():
    # The blog's sidebar says when this article (linked by its own URL) was posted.
    box = (
        "<h3>Over dit artikel</h3><p class='nieuws'><a href='/2024/03/inbraak-dorpsstraat/'>Inbraak aan"
        " de Dorpsstraat</a> werd op <nobr>12 maart 2024</nobr> om 21:03 geplaatst.</p>"
    )
    found = find_published(_blog_page(box), BLOG_URL)
    assert (found.day, found.source) == (datetime.date(2024, 3, 12), "text")


def test_sidebar_list_of_posts_and_links_to_other_pages_give_no_date():
    others = "".join(
        f"<li><a href='/2024/03/bericht-{n}/'>Bericht {n}</a> 1{n} maart 2024</li>" for n in range(6)
    )
    box = (
        f"<ul>{others}<li><a href='{BLOG_URL}'>Inbraak</a> 19 maart 2024</li></ul>"
        f"<p>Jan op <a href='{BLOG_URL}#reactie-5'>Inbraak aan de Dorpsstraat</a> 20 maart 2024</p>"
    )
    assert find_published(_blog_page(box), BLOG_URL).source != "text"
