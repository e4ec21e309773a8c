"""A real crawl of the bundled demo site: what is stored, what is rejected and why, against its gold."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from corpus.store.models import Article, CrawlRun, Rejection
from corpus.store.storage import open_database
from corpus.text.normalise import normalise_for_hash
from corpus.text.pagekind import NEWS_KINDS


def _path(url: str) -> str:
    return urlsplit(url).path


@pytest.fixture(scope="module")
def crawled(demo_db: Path) -> tuple[list[Article], list[Rejection], list[CrawlRun]]:
    engine = open_database(str(demo_db))
    with Session(engine) as s:
        return (
            list(s.scalars(select(Article))),
            list(s.scalars(select(Rejection))),
            list(s.scalars(select(CrawlRun))),
        )


def _stored(crawled, outlet_base: str) -> dict[str, Article]:
    return {_path(a.url): a for a in crawled[0] if a.fetched_url.startswith(outlet_base)}


def _rejected(crawled, outlet_base: str) -> dict[str, Rejection]:
    return {_path(r.url): r for r in crawled[1] if r.url.startswith(outlet_base)}


def _expected(demo_expected: list[dict], **conditions: object) -> list[dict]:
    return [p for p in demo_expected if all(p.get(k) == v for k, v in conditions.items())]


def _news(demo_expected: list[dict], **conditions: object) -> list[dict]:
    """Pages of any kept kind (article, photo story, live blog) that meet ``conditions``."""
    return [p for p in _expected(demo_expected, **conditions) if p["kind"] in NEWS_KINDS]


def test_every_dutch_article_is_stored_once(crawled, demo_expected, demo_bases) -> None:
    missing = []
    for page in _news(demo_expected, language="nl"):
        if page.get("tracking_duplicate_of"):
            continue
        stored = _stored(crawled, demo_bases[page["outlet"]])
        if page["path"] not in stored:
            missing.append(f"{page['outlet']}{page['path']}")
    assert not missing, missing
    urls = [a.url for a in crawled[0]]
    assert len(urls) == len(set(urls))


def test_only_dutch_is_kept_and_others_are_rejected_as_not_dutch(crawled, demo_expected, demo_bases) -> None:
    assert {a.language for a in crawled[0]} == {"nl"}
    for page in demo_expected:
        if page["kind"] in NEWS_KINDS and page["language"] != "nl":
            rejected = _rejected(crawled, demo_bases[page["outlet"]])
            assert rejected[page["path"]].reason == "not_dutch", page["path"]


def test_flemish_articles_are_nl_be(crawled, demo_expected, demo_bases) -> None:
    for page in _news(demo_expected, language="nl"):
        article = _stored(crawled, demo_bases[page["outlet"]]).get(page["path"])
        if article is not None and page.get("variant"):
            assert article.language_variant == page["variant"], page["path"]


@pytest.mark.parametrize("kind", ["consent", "gallery", "empty"])
def test_non_articles_are_rejected_with_their_kind(crawled, demo_expected, demo_bases, kind: str) -> None:
    pages = _expected(demo_expected, kind=kind)
    assert pages, f"the demo site has no {kind} page"
    for page in pages:
        rejected = _rejected(crawled, demo_bases[page["outlet"]])
        assert page["path"] in rejected, page["path"]
        assert rejected[page["path"]].stage == "page_kind"
        assert rejected[page["path"]].reason == kind


def test_news_items_are_stored_with_their_kind_and_completeness(crawled, demo_expected, demo_bases) -> None:
    """Every kept page carries the kind of news item the gold gives it; a paywalled page without its
    full text is a teaser; a live blog keeps its entries with their times."""
    kinds = set()
    for page in _news(demo_expected, language="nl"):
        if page.get("tracking_duplicate_of"):
            continue
        article = _stored(crawled, demo_bases[page["outlet"]])[page["path"]]
        kinds.add(article.kind)
        assert article.kind == page["kind"], page["path"]
        assert bool(article.paywalled) is page.get("paywalled", False), page["path"]
        assert article.text_complete == page.get("text_complete", "full"), page["path"]
        assert bool(article.entries) is (page["kind"] == "liveblog"), page["path"]
    assert kinds == set(NEWS_KINDS)


def test_the_demo_teaser_photo_story_and_live_blog_hold_their_text(crawled, demo_bases) -> None:
    stored = _stored(crawled, demo_bases["deltamedia"])
    teaser = stored["/utrecht/oplichters-troggelen-bejaarde-vrouw-in-zeist-pinpas-af~a7e6d5c4/"]
    assert teaser.text.startswith("Twee mannen die zich voordeden als medewerkers van de bank")
    assert "Word abonnee" not in teaser.text and "PREMIUM" not in teaser.text
    photo = stored["/nieuws/2512460-in-beeld-uitslaande-brand-in-winkelpand-vianen"]
    assert len(photo.text.split("\n")) == 7 and "Foto:" not in photo.text
    live = stored["/liveblog/2512470-steekpartij-op-markt-in-ede"]
    assert [e["at"] for e in live.entries] == [
        "2024-03-06T19:20+01:00",
        "2024-03-06T17:45+01:00",
        "2024-03-06T16:30+01:00",
        "2024-03-06T15:10+01:00",
    ]
    assert live.entries[2]["text"].startswith("Man aangehouden\nDe politie heeft op het station")
    for entry in live.entries:  # the text holds every entry (headline and body may share a line)
        assert normalise_for_hash(entry["text"]) in normalise_for_hash(live.text)


def test_section_pages_linked_as_articles_are_rejected_as_listings(
    crawled, demo_expected, demo_bases
) -> None:
    """Section pages in a sitemap are fetched like articles; page kind must reject every one."""
    pages = [
        p for p in _expected(demo_expected, kind="listing") if {"feed", "sitemap"} & set(p["discovered_by"])
    ]
    assert len(pages) >= 3
    for page in pages:
        base = demo_bases[page["outlet"]]
        assert page["path"] not in _stored(crawled, base), page["path"]
        rejection = _rejected(crawled, base)[page["path"]]
        assert (rejection.stage, rejection.reason) == ("page_kind", "listing"), page["path"]
        assert rejection.detail.startswith("section page: "), rejection.detail


def test_robots_txt_is_obeyed(crawled, demo_expected, demo_bases) -> None:
    pages = _expected(demo_expected, kind="robots_disallowed")
    assert pages
    for page in pages:
        base = demo_bases[page["outlet"]]
        assert page["path"] not in _stored(crawled, base)
        assert _rejected(crawled, base)[page["path"]].reason == "robots_disallowed"


def test_tracking_parameter_copy_is_stored_once(crawled, demo_expected, demo_bases) -> None:
    pages = [p for p in demo_expected if p.get("tracking_duplicate_of")]
    assert pages
    for page in pages:
        stored = _stored(crawled, demo_bases[page["outlet"]])
        assert page["tracking_duplicate_of"].split("?")[0] in stored
        assert not any("utm_" in a.url for a in crawled[0])


def test_syndicated_story_is_kept_on_both_outlets_and_marked(crawled, demo_expected, demo_bases) -> None:
    pages = [p for p in demo_expected if p.get("syndicated_with") and p["kind"] == "article"]
    assert len(pages) >= 2
    copies = []
    for page in pages:
        copies.append(_stored(crawled, demo_bases[page["outlet"]])[page["path"]])
    assert len({a.text_hash for a in copies}) == 1
    marked = [a for a in copies if a.duplicate_of]
    assert len(marked) == len(copies) - 1
    assert marked[0].duplicate_of in {a.id for a in copies if not a.duplicate_of}


def test_publication_dates_match_the_gold(crawled, demo_expected, demo_bases) -> None:
    wrong = []
    for page in _news(demo_expected, language="nl"):
        article = _stored(crawled, demo_bases[page["outlet"]]).get(page["path"])
        if article is None:
            continue
        expected = dt.date.fromisoformat(page["published"]) if page.get("published") else None
        if article.published != expected:
            wrong.append((page["path"], str(article.published), page.get("published"), article.date_source))
        elif expected:
            assert article.month == expected.strftime("%Y-%m")
    assert not wrong, wrong


def test_every_fetched_article_url_is_accounted_for(crawled, demo_expected, demo_bases) -> None:
    known = {(a.fetched_url.split("?")[0]) for a in crawled[0]} | {r.url.split("?")[0] for r in crawled[1]}
    for page in demo_expected:
        if page.get("tracking_duplicate_of"):
            continue
        if page["kind"] == "listing" and not {"feed", "sitemap"} & set(page["discovered_by"]):
            continue  # read for its links only
        url = demo_bases[page["outlet"]] + page["path"]
        assert url in known, f"{url} is neither stored nor rejected"


def test_the_crawl_run_is_recorded(crawled) -> None:
    articles, rejections, runs = crawled
    (run,) = runs
    assert run.status == "finished" and run.finished_at is not None
    assert run.articles_stored == len(articles)
    assert run.rejected == len(rejections)
    assert run.pages_fetched > run.articles_stored
    assert all(a.crawl_run_id == run.id for a in articles)
    assert run.outcomes.get("corpus/stored") == len(articles)


def test_cp1252_page_without_charset_is_stored_with_correct_accents(crawled, demo_bases) -> None:
    base = demo_bases["courant"]
    article = _stored(crawled, base)["/2024/02/20/phishing-verdachte-aangehouden-utrecht"]
    for word in ("ë", "ï", "é", "€"):
        assert word in article.text, word
    assert "\ufffd" not in article.text and "Ã" not in article.text
