"""Source health: rates and flags from a real crawl of the demo site, and from rows written through
the Store for what the demo site cannot show (a drop in yield, 403/429 answers, a source not crawled)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import pytest

from corpus.sources.profiles import consent_detail
from corpus.store.health import SourceCounts, Thresholds, assess, format_health, health_json, source_health
from corpus.store.storage import Store, open_database
from tests.conftest import run_cli

NOW = dt.datetime.now(dt.UTC)


def _days_ago(n: float) -> dt.datetime:
    return NOW - dt.timedelta(days=n)


def _article(source: str, slug: str, *, first_seen: dt.datetime, published: dt.date | None) -> dict:
    url = f"https://{source}.example.nl/nieuws/{slug}"
    text = f"Agenten hielden in {slug} een verdachte aan na een inbraak in een woning."
    return {
        "id": hashlib.sha256(url.encode()).hexdigest()[:16],
        "url": url,
        "fetched_url": url,
        "source": source,
        "outlet": source.title(),
        "country": "nl",
        "title": f"Inbraak {slug}",
        "text": text,
        "published": published,
        "month": published.strftime("%Y-%m") if published else None,
        "language": "nl",
        "language_prob": 0.99,
        "text_hash": hashlib.sha256(text.encode()).hexdigest(),
        "first_seen": first_seen,
        "last_seen": first_seen,
    }


def _store_synthetic(url: str) -> None:
    """Three sources over four weeks: one steady, one whose yield fell away, one that is blocked."""
    store = Store(open_database(url))
    run = store.start_run(["stabiel", "daalt", "blokkeert"])
    for day in range(28):  # one article a day for four weeks
        when = _days_ago(day + 0.5)
        store.add_article(_article("stabiel", f"s{day}", first_seen=when, published=when.date()))
    for day in range(8, 28):  # daily until a week ago, then one in the last week
        when = _days_ago(day + 0.5)
        store.add_article(_article("daalt", f"d{day}", first_seen=when, published=when.date()))
    recent = _days_ago(2)
    store.add_article(_article("daalt", "laatste", first_seen=recent, published=recent.date()))
    for n in range(2):
        store.add_article(_article("blokkeert", f"b{n}", first_seen=recent, published=recent.date()))
    base = {"source": "blokkeert", "detail": None, "crawl_run_id": run}
    for n in range(6):
        store.add_rejection(
            {
                **base,
                "url": f"https://b.example.nl/{n}",
                "stage": "fetch",
                "reason": "http_403",
                "http_status": 403,
            }
        )
    for n in range(2):
        store.add_rejection(
            {
                **base,
                "url": f"https://b.example.nl/r{n}",
                "stage": "fetch",
                "reason": "http_429",
                "http_status": 429,
            }
        )
    # Outside a 7-day window, inside a 30-day one.
    store.add_rejection(
        {
            **base,
            "url": "https://b.example.nl/oud",
            "stage": "fetch",
            "reason": "http_403",
            "http_status": 403,
            "at": _days_ago(20),
        }
    )
    store.flush()
    store.finish_run(run, status="finished", pages_fetched=60, outcomes={})


def test_yield_drop_and_blocking_are_flagged(db_url: str) -> None:
    _store_synthetic(db_url)
    engine = open_database(db_url)
    by_name = {h.source: h for h in source_health(engine, days=7, now=NOW)}

    assert set(by_name) == {"stabiel", "daalt", "blokkeert"}
    steady, dropped, blocked = by_name["stabiel"], by_name["daalt"], by_name["blokkeert"]
    assert steady.flags == ()
    assert steady.articles == 7 and steady.articles_per_day == pytest.approx(1.0)
    assert steady.baseline_per_day == pytest.approx(1.0, abs=0.1)

    assert "yield_dropped" in dropped.flags
    assert dropped.articles == 1 and dropped.baseline_per_day == pytest.approx(20 / 21, abs=0.1)
    assert dropped.last_article is not None and abs(dropped.last_article - _days_ago(2)) < dt.timedelta(
        seconds=1
    )

    assert blocked.flags == ("blocked",)
    assert (blocked.requests, blocked.http_403, blocked.http_429) == (10, 6, 2)
    assert blocked.http_403_share == pytest.approx(0.6) and blocked.http_429_share == pytest.approx(0.2)
    for h in by_name.values():
        assert h.runs == 1 and h.last_run is not None and NOW - h.last_run < dt.timedelta(minutes=5)


def test_a_listed_source_without_a_run_or_rows_is_not_crawled(db_url: str) -> None:
    _store_synthetic(db_url)
    rows = source_health(open_database(db_url), ["stabiel", "nieuw"], days=7, now=NOW)
    assert [h.source for h in rows] == ["stabiel", "nieuw"]
    new = rows[1]
    assert new.flags == ("not_crawled",)
    assert (new.last_article, new.last_run, new.articles, new.requests) == (None, None, 0, 0)
    assert new.consent_share is None and new.http_403_share is None


def test_a_longer_window_takes_in_the_older_articles(db_url: str) -> None:
    _store_synthetic(db_url)
    rows = {h.source: h for h in source_health(open_database(db_url), days=30, now=NOW)}
    assert rows["stabiel"].articles == 28
    assert rows["blokkeert"].http_403 == 7  # the month-old 403 is now inside the window


# -- the rules alone ----------------------------------------------------------------------------------
def test_too_few_pages_say_nothing() -> None:
    counts = SourceCounts("klein", articles_total=1, runs_recent=1, rejections={"fetch/http_403": 4})
    assert assess(counts, 7).flags == ()  # 4 of 4 pages are 403, but 4 < min_pages
    counts = SourceCounts("klein", articles_total=1, runs_recent=1, rejections={"fetch/http_403": 5})
    assert assess(counts, 7).flags == ("blocked",)


def test_a_drop_needs_enough_baseline() -> None:
    few = SourceCounts("rustig", articles_total=4, runs_recent=1, published_baseline=4)
    assert assess(few, 7).baseline_per_day is None and assess(few, 7).flags == ()
    enough = SourceCounts(
        "rustig", articles_total=21, runs_recent=1, published_baseline=21, published_recent=3
    )
    assert assess(enough, 7).flags == ("yield_dropped",)  # 3/7 a day < half of 21/21
    steady = SourceCounts(
        "rustig", articles_total=21, runs_recent=1, published_baseline=21, published_recent=4
    )
    assert assess(steady, 7).flags == ()  # 4/7 a day is more than half of 1 a day


def test_consent_walls_and_textless_pages_are_flagged_with_robots_refusals_left_out() -> None:
    counts = SourceCounts(
        "muur",
        articles_total=50,
        runs_recent=2,
        stored_recent=6,
        rejections={
            "page_kind/consent": 3,
            "page_kind/empty": 2,
            "extract/no_text": 2,
            "fetch/robots_disallowed": 40,
        },
    )
    h = assess(counts, 7)
    assert (h.requests, h.extracted, h.consent, h.extraction_failed) == (13, 13, 3, 4)
    assert h.flags == ("consent_wall", "extraction_failing")
    stricter = assess(counts, 7, Thresholds(consent_share=0.5, extraction_share=0.5))
    assert stricter.flags == ()


def test_redirects_to_a_consent_host_count_as_walls_and_url_profile_skips_as_no_request() -> None:
    counts = SourceCounts(
        "dpg",
        articles_total=10,
        runs_recent=1,
        stored_recent=4,
        rejections={"fetch/consent_wall": 6, "discovery/url_profile": 30},
        consent_hosts={"myprivacy.dpgmedia.nl": 6},
    )
    h = assess(counts, 7)
    assert (h.requests, h.extracted, h.consent) == (10, 4, 6)  # skipped URLs were never requested
    assert h.consent_share == pytest.approx(0.6) and h.flags == ("consent_wall",)
    assert h.consent_hosts == {"myprivacy.dpgmedia.nl": 6}
    few = assess(
        SourceCounts(
            "dpg",
            articles_total=10,
            runs_recent=1,
            stored_recent=40,
            rejections={"fetch/consent_wall": 1},
            consent_hosts={"cmp.x.nl": 1},
        ),
        7,
    )
    assert few.flags == ()  # one wall in 41 requests is no flag ...
    text = format_health([few], 7, NOW)
    assert "dpg: 1 redirected to the consent host cmp.x.nl" in text  # ... but still named, with the fix
    assert "set `cookies` (or `headers`) for source 'dpg'" in text


def test_consent_hosts_are_read_back_from_the_rejections(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'corpus.sqlite'}"
    store = Store(open_database(url))
    run = store.start_run(["ad", "nos"])
    for n in range(5):
        target = f"https://myprivacy.dpgmedia.nl/consent?siteKey=k&callbackUrl=x{n}"
        row = {"source": "ad", "url": f"https://www.ad.nl/binnenland/x~a{n:07x}/", "stage": "fetch"}
        store.add_rejection(
            {
                **row,
                "reason": "consent_wall",
                "detail": consent_detail("myprivacy.dpgmedia.nl", target),
                "http_status": None,
                "crawl_run_id": run,
            }
        )
    store.add_rejection(
        {
            "source": "ad",
            "url": "https://www.ad.nl/rss.xml",
            "stage": "discovery",
            "reason": "consent_wall",
            "detail": consent_detail("consent.ad.nl", "https://consent.ad.nl/"),
            "http_status": None,
            "crawl_run_id": run,
        }
    )
    store.add_rejection(
        {
            "source": "nos",
            "url": "https://nos.nl/nieuws/",
            "stage": "discovery",
            "reason": "url_profile",
            "detail": "skip pattern ^/nieuws/",
            "http_status": None,
            "crawl_run_id": run,
        }
    )
    store.flush()
    store.finish_run(run, status="finished", pages_fetched=6, outcomes={})
    rows = {h.source: h for h in source_health(open_database(url), days=7, now=NOW)}
    assert rows["ad"].consent_hosts == {"myprivacy.dpgmedia.nl": 5, "consent.ad.nl": 1}
    assert rows["ad"].consent == 6 and "consent_wall" in rows["ad"].flags
    assert rows["nos"].consent_hosts == {} and rows["nos"].requests == 0
    doc = json.loads(health_json(rows.values(), 7, NOW, Thresholds()))
    assert {s["source"]: s["consent_hosts"] for s in doc["sources"]}["ad"]["consent.ad.nl"] == 1


def test_crawled_but_never_stored_is_flagged() -> None:
    counts = SourceCounts("leeg", runs_recent=3, rejections={"language/not_dutch": 2})
    assert assess(counts, 7).flags == ("no_articles",)


# -- a real crawl of the demo site -------------------------------------------------------------------
def test_demo_crawl_health_matches_the_gold(demo_db: Path, demo_expected: list[dict]) -> None:
    rows = {h.source: h for h in source_health(open_database(str(demo_db)), days=7)}
    assert set(rows) == {p["outlet"] for p in demo_expected}
    for name, h in rows.items():
        pages = [p for p in demo_expected if p["outlet"] == name]
        consent = sum(p["kind"] == "consent" for p in pages)
        empty = sum(p["kind"] == "empty" for p in pages)
        assert h.flags == (), (name, h.flags)
        assert h.runs == 1 and h.last_run is not None and h.last_article is not None
        assert h.last_article >= h.last_run  # stored during that run
        assert h.articles > 0 and h.articles_per_day == pytest.approx(h.articles / 7)
        assert (h.consent, h.extraction_failed) == (consent, empty), name
        assert h.http_403 == h.http_429 == 0
        assert h.requests >= h.extracted >= h.articles + consent + empty
    assert any(h.consent for h in rows.values()) and any(h.extraction_failed for h in rows.values())


def test_sources_check_cli_table_and_json(
    demo_db: Path, demo_sources: Path, demo_expected: list[dict]
) -> None:
    outlets = sorted({p["outlet"] for p in demo_expected})
    proc = run_cli("sources", "check", "--db", str(demo_db), "--sources", str(demo_sources), "--json")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["window_days"] == 7 and doc["thresholds"]["drop_ratio"] == 0.5
    assert sorted(s["source"] for s in doc["sources"]) == outlets
    assert all(s["flags"] == [] and s["articles"] > 0 for s in doc["sources"])

    table = format_health(source_health(open_database(str(demo_db)), days=3), 3)
    assert "last 3 days" in table and f"0 of {len(outlets)} sources flagged" in table
    assert table.splitlines()[3].split()[0] == doc["sources"][0]["source"]

    listed = run_cli("sources", "list", "--sources", str(demo_sources))
    assert listed.returncode == 0, listed.stderr
    assert f"{len(outlets)} sources" in listed.stdout and "polderpost" in listed.stdout

    bad = run_cli("sources", "check", "--db", str(demo_db), "--days", "0")
    assert bad.returncode == 2 and "positive" in bad.stderr


def test_sources_check_exits_1_when_a_source_is_flagged(demo_db: Path) -> None:
    # The shipped registry's outlets were never crawled into the demo database: every one is
    # flagged not_crawled, and monitoring sees that from the status alone.
    shipped = Path(__file__).resolve().parents[2] / "corpus" / "sources" / "sources.toml"
    proc = run_cli("sources", "check", "--db", str(demo_db), "--sources", str(shipped))
    assert proc.returncode == 1, proc.stderr
    assert "not_crawled" in proc.stdout
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "sources flagged" in lines[0], proc.stderr
