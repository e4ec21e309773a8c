"""Section pages are recognised by structure; articles with related-article boxes stay articles.

The fixtures under ``fixtures/outlets/`` are templates written for this project in the style of
NOS, NU.nl, AD, De Telegraaf, VRT NWS, HLN and a regional broadcaster (fictional text, real towns);
``gold.json`` gives each page's URL and expected kind.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from corpus.analyse import analyse_page
from corpus.text.extract import checked_extract, parse_html
from corpus.text.pagekind import MIN_TEASERS, PageKind, classify_page, find_teasers

OUTLETS = Path(__file__).parent / "fixtures" / "outlets"
GOLD: dict[str, dict[str, str]] = json.loads((OUTLETS / "gold.json").read_text(encoding="utf-8"))


def _kind(name: str) -> PageKind:
    """Page kind as the crawl decides it: one parse, extraction, then the page-kind rules."""
    tree = parse_html((OUTLETS / name).read_text(encoding="utf-8"))
    outcome = checked_extract(tree, GOLD[name]["url"])
    assert outcome.article is not None, name
    return classify_page(tree, outcome.article.text, GOLD[name]["url"])


def test_the_fixtures_cover_every_outlet_style() -> None:
    outlets = {name.split("/")[0] for name in GOLD}
    assert outlets == {"nos", "nunl", "ad", "telegraaf", "vrtnws", "hln", "omroep"}
    for outlet in outlets:
        kinds = {g["kind"] for name, g in GOLD.items() if name.startswith(f"{outlet}/")}
        assert kinds == {"article", "listing"}, outlet


@pytest.mark.parametrize("name", sorted(GOLD))
def test_every_fixture_page_gets_its_gold_kind(name: str) -> None:
    kind = _kind(name)
    assert kind.kind == GOLD[name]["kind"], (name, kind.reason)


@pytest.mark.parametrize("name", sorted(n for n, g in GOLD.items() if g["kind"] == "listing"))
def test_section_pages_say_why(name: str) -> None:
    reason = _kind(name).reason
    assert reason.startswith("section page: ") and "teasers linking elsewhere" in reason, reason
    assert "words outside teasers" in reason


@pytest.mark.parametrize(
    ("name", "signals"),
    [
        (
            "nunl/section-binnenland.html",
            ["og:type website", "CollectionPage JSON-LD", "section <h1> 'Binnenland'"],
        ),
        ("vrtnws/section-binnenland.html", ["og:type website", "ItemList JSON-LD"]),
        ("hln/section-antwerpen.html", ["ItemList JSON-LD", "section <h1> 'Antwerpen'"]),
        ("omroep/section-112.html", ["og:type website", "section <h1> '112'"]),
    ],
)
def test_the_reason_names_the_page_signals(name: str, signals: list[str]) -> None:
    reason = _kind(name).reason
    for signal in signals:
        assert signal in reason, reason


def test_a_section_page_without_any_signal_is_recognised_by_its_teasers() -> None:
    reason = _kind("telegraaf/section-binnenland.html").reason
    assert reason.startswith("section page: 12 teasers linking elsewhere;"), reason
    assert "og:type" not in reason and "JSON-LD" not in reason and "<h1>" not in reason


def test_a_section_intro_and_article_markup_do_not_make_a_section_an_article() -> None:
    """The CMS marks the page og:type article, and a section intro stands above the teasers."""
    html = (OUTLETS / "omroep/section-misdaad-intro.html").read_text(encoding="utf-8")
    assert 'content="article"' in html and 'class="section-intro"' in html
    assert _kind("omroep/section-misdaad-intro.html").kind == "listing"


def test_a_short_article_with_a_big_related_box_stays_an_article() -> None:
    name = "ad/article-short-autobrand.html"
    tree = parse_html((OUTLETS / name).read_text(encoding="utf-8"))
    assert find_teasers(tree, GOLD[name]["url"]).targets == 12
    assert _kind(name).kind == "article"


def test_teaser_thumbnails_do_not_make_an_article_a_gallery() -> None:
    for name in ("nos/article-plofkraken.html", "ad/article-overval-pakketbezorger.html"):
        assert _kind(name).kind == "article", name


def test_an_article_without_markup_and_link_wrapped_cards_is_not_a_link_listing() -> None:
    assert _kind("omroep/article-no-markup-kermis.html").kind == "article"


def test_the_whole_analysis_rejects_a_section_page_at_page_kind() -> None:
    name = "nos/section-binnenland.html"
    analysis = analyse_page((OUTLETS / name).read_text(encoding="utf-8"), GOLD[name]["url"])
    assert (analysis.stage, analysis.reason) == ("page_kind", "listing")
    assert analysis.detail.startswith("section page: 10 teasers linking elsewhere, og:type website")


# -- what counts as a teaser ----------------------------------------------------------------------------
def _page(blocks: str, url_path: str = "/nieuws/binnenland") -> str:
    return (
        "<html><head><link rel='canonical' href='https://www.voorbeeld.example"
        f"{url_path}'></head><body><nav><article><h2><a href='/menu'>Menu met drie woorden</a></h2>"
        f"</article></nav><main>{blocks}</main></body></html>"
    )


def _teaser(href: str) -> str:
    return f"<article><h2><a href='{href}'>Een kop van vijf woorden</a></h2><p>Een korte intro.</p></article>"


def test_teasers_count_distinct_other_pages_outside_the_chrome() -> None:
    url = "https://voorbeeld.example/nieuws/binnenland"
    blocks = "".join(_teaser(f"/nieuws/{n}-kop-van-het-bericht") for n in range(5))
    blocks += _teaser("/nieuws/1-kop-van-het-bericht")  # the same target again
    blocks += _teaser("https://www.voorbeeld.example/nieuws/binnenland/")  # the page itself
    teasers = find_teasers(parse_html(_page(blocks)), url)
    assert teasers.targets == 5 >= MIN_TEASERS  # the <nav> one and the self-link are not teasers


def test_a_link_in_running_text_does_not_make_a_block_a_teaser() -> None:
    body = (
        "<p>Een vereniging roept kinderen op om mee te doen; <a href='https://elders.example/actie'>stuur je"
        " tekening in</a> voor het einde van de maand, schrijft de organisatie in een oproep aan ouders.</p>"
    )
    blocks = "".join(f"<article>{body}</article>" for _ in range(5))
    assert find_teasers(parse_html(_page(blocks)), "https://voorbeeld.example/blog/oproep").targets == 0


def test_an_idn_host_in_unicode_and_in_punycode_is_the_same_page() -> None:
    url = "https://zeilblog.stössenseer.example/oproep-van-de-club/"
    own = "<article><h2><a href='https://zeilblog.xn--stssenseer-fcb.example/oproep-van-de-club/'>Oproep van de club</a></h2></article>"
    assert find_teasers(parse_html(_page(own * 3)), url).targets == 0
