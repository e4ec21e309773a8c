"""Paywalled articles, photo stories and live blogs are news items; galleries and bare videos are not.

The pages under ``fixtures/newsitems/`` were written for this project in the style of the outlets
they name (markup conventions of DPG Media's and Mediahuis' paywalls, NOS photo stories, NU.nl and
NOS live blogs; fictional text, real towns). Every test runs the whole analysis a crawl runs.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from corpus.analyse import Analysis, analyse_page
from corpus.text import jsonld, liveblog, paywall, photos
from corpus.text.context import PageContext
from corpus.text.extract import extract_article, parse_html
from corpus.text.pagekind import MIN_TEASER_WORDS, classify_page

ITEMS = Path(__file__).parent / "fixtures" / "newsitems"
URLS = {
    "dpg-ad-premium-teaser.html": "https://www.ad.nl/utrecht/oplichters-zetten-bejaarde-vrouw-uit-zeist-onder-druk-met-nepbankpas~a51c7e02/",
    "dpg-volkskrant-premium-jsonld.html": "https://www.volkskrant.nl/nieuws-achtergrond/rechter-legt-hoofdverdachte-van-witwasnetwerk-zes-jaar-cel-op~b7d3e91a/",
    "mediahuis-telegraaf-premium.html": "https://www.telegraaf.nl/nieuws/1179999/fiod-houdt-helmonder-aan-voor-fraude-met-subsidie",
    "mediahuis-nieuwsblad-plus-teaser.html": "https://www.nieuwsblad.be/cnt/dmf20240411_91000010",
    "mediahuis-nieuwsblad-free.html": "https://www.nieuwsblad.be/cnt/dmf20240410_91000020",
    "nos-in-beeld-photo-story.html": "https://nos.nl/artikel/2521877-in-beeld-uitslaande-brand-verwoest-loods-in-kampen",
    "omroep-fotoserie-gallery.html": "https://www.omroepzuid.nl/fotoseries/carnavalsoptocht-maastricht",
    "rtv-video-no-text.html": "https://www.rtvnoord.nl/video/1182345/politie-zet-helikopter-in",
    "nunl-liveblog.html": "https://www.nu.nl/binnenland/6311234/liveblog-kettingbotsing-op-a28-bij-staphorst.html",
    "nos-liveblog-jsonld.html": "https://nos.nl/liveblog/2544100-grote-brand-in-flat-in-nijmegen-bewoners-geevacueerd",
}


def _analyse(name: str) -> Analysis:
    country = "be" if "nieuwsblad" in name else "nl"
    return analyse_page((ITEMS / name).read_text(encoding="utf-8"), URLS[name], country=country)


def _kept(name: str) -> Analysis:
    analysis = _analyse(name)
    assert analysis.stage is None, (name, analysis.stage, analysis.reason, analysis.detail)
    assert analysis.extracted is not None and analysis.page_kind is not None
    return analysis


def test_every_fixture_has_its_url() -> None:
    assert {p.name for p in ITEMS.glob("*.html")} == set(URLS)


# -- paywalls ---------------------------------------------------------------------------------------------
def test_a_dpg_premium_article_without_full_text_is_stored_as_its_teaser() -> None:
    analysis = _kept("dpg-ad-premium-teaser.html")
    article = analysis.extracted
    assert article is not None and analysis.page_kind is not None
    assert article.paywalled and article.text_complete == "teaser"
    assert analysis.page_kind.kind == "article" and "teaser only" in analysis.page_kind.reason
    assert article.text.startswith("Twee mannen die zich voordeden als medewerkers van de bank")
    assert "nette kleding aan de deur" in article.text  # the free paragraph under the intro
    for furniture in ("Lees verder met PREMIUM", "Word abonnee", "Altijd opzegbaar", "Inloggen"):
        assert furniture not in article.text
    assert article.title == "Oplichters zetten bejaarde vrouw uit Zeist onder druk met nepbankpas"
    assert str(article.published) == "2024-04-09"


def test_a_volkskrant_premium_article_gets_its_json_ld_body_with_paragraphs() -> None:
    article = _kept("dpg-volkskrant-premium-jsonld.html").extracted
    assert article is not None and article.paywalled and article.text_complete == "full"
    lines = article.text.split("\n")
    assert (
        len(lines) == 5
        and lines[-1]
        == "Het Openbaar Ministerie had acht jaar geëist tegen de hoofdverdachte. Het OM beraadt zich nog op hoger beroep."
    )
    assert "Lees ook" not in article.text  # a closing lead-in to a list the body does not hold
    assert "exclusief voor abonnees" not in article.text


def test_a_telegraaf_body_run_together_is_split_into_paragraphs() -> None:
    article = _kept("mediahuis-telegraaf-premium.html").extracted
    assert article is not None and article.paywalled and article.text_complete == "full"
    lines = article.text.split("\n")
    assert len(lines) == 4, lines
    assert lines[0].endswith("die nooit zijn geplaatst.") and lines[1].startswith(
        "De opsporingsdienst doorzocht"
    )
    assert lines[-1].endswith("De FIOD sluit verdere aanhoudingen niet uit.")
    assert "Meer over dit onderwerp" not in article.text and "Veilig betalen" not in article.text


def test_a_nieuwsblad_plus_article_is_a_teaser_and_not_a_gallery() -> None:
    """Six credited photos and a two-sentence intro: a gallery, were it not a paywalled article."""
    analysis = _kept("mediahuis-nieuwsblad-plus-teaser.html")
    article = analysis.extracted
    assert article is not None and analysis.page_kind is not None
    assert article.paywalled and article.text_complete == "teaser"
    assert analysis.page_kind.kind == "article"
    assert article.text.startswith("Het parket van Oost-Vlaanderen gaat ervan uit")
    assert "Plus-artikel" not in article.text and "Bekijk onze formules" not in article.text
    tree = parse_html((ITEMS / "mediahuis-nieuwsblad-plus-teaser.html").read_text(encoding="utf-8"))
    assert classify_page(tree, article.text, URLS["mediahuis-nieuwsblad-plus-teaser.html"]).kind == "gallery"


def test_plus_icons_on_teasers_do_not_make_a_free_article_paywalled() -> None:
    html = (ITEMS / "mediahuis-nieuwsblad-free.html").read_text(encoding="utf-8")
    assert html.count('data-testid="plus-icon"') == 2
    analysis = _kept("mediahuis-nieuwsblad-free.html")
    article = analysis.extracted
    assert article is not None and not article.paywalled and article.text_complete == "full"
    assert article.text.endswith("De politie houdt in mei een gratis graveeractie aan het station.")


def _page(head: str, body: str) -> str:
    return f"<html lang='nl'><head>{head}</head><body><main><article>{body}</article></main></body></html>"


def _news_ld(**fields: object) -> str:
    node = {"@context": "https://schema.org", "@type": "NewsArticle", **fields}
    return f"<script type='application/ld+json'>{json.dumps(node)}</script>"


def test_a_paywalled_page_without_a_lead_is_still_rejected_as_empty() -> None:
    html = _page(
        _news_ld(headline="Premium", isAccessibleForFree=False),
        "<h1>Premium</h1><p>Word abonnee</p><p>Veilig betalen</p>",
    )
    analysis = analyse_page(html, "https://www.ad.nl/binnenland/premium~a1/")
    assert (analysis.stage, analysis.reason) == ("page_kind", "empty")
    assert f"a lead of {MIN_TEASER_WORDS} words" in analysis.detail


def test_has_part_names_the_paid_part_and_a_served_part_is_full_text() -> None:
    lead = "<p>De politie heeft in Almelo twee mannen aangehouden na een reeks inbraken in schuren.</p>"
    rest = "<p>De mannen werden betrapt toen zij een scooter uit een schuur probeerden te duwen.</p>" * 20
    part = {"@type": "WebPageElement", "isAccessibleForFree": False, "cssSelector": ".paid"}
    served = _page(
        _news_ld(headline="Twee aanhoudingen", isAccessibleForFree=False, hasPart=part),
        f"{lead}<div class='paid'>{rest}</div>",
    )
    wall = paywall.detect(parse_html(served), "https://www.tubantia.nl/almelo/inbraken~a2/")
    assert wall.paywalled and wall.served and wall.evidence == "hasPart cssSelector '.paid'"
    article = extract_article(served, "https://www.tubantia.nl/almelo/inbraken~a2/")
    assert article is not None and article.text_complete == "full" and "scooter" in article.text
    withheld = _page(_news_ld(headline="Twee aanhoudingen", hasPart=part), f"{lead}<div class='paid'></div>")
    article = extract_article(withheld, "https://www.tubantia.nl/almelo/inbraken~a2/")
    assert article is not None and article.paywalled and article.text_complete == "teaser"
    # A paid part that holds only the teaser (die Zeit's 'main .article-page') is not served either.
    teaser_only = _page(
        _news_ld(headline="Twee aanhoudingen", hasPart=part), f"<div class='paid'>{lead}</div>"
    )
    article = extract_article(teaser_only, "https://www.tubantia.nl/almelo/inbraken~a2/")
    assert article is not None and article.text_complete == "teaser"


@pytest.mark.parametrize("flag", [False, "False", "false"])
def test_is_accessible_for_free_is_read_in_every_spelling(flag: object) -> None:
    html = _page(_news_ld(headline="Kop", isAccessibleForFree=flag), "<p>Tekst.</p>")
    assert paywall.detect(parse_html(html), "https://example.nl/a").evidence == "isAccessibleForFree false"


def test_subscription_offers_that_free_articles_carry_are_no_paywall() -> None:
    offers = (
        "<p>Tekst.</p><div data-temptation-position='ARTICLE_BOTTOM'>Word abonnee</div>"
        "<div data-temptation-position='PAGE_BOTTOM'>Lees onbeperkt</div>"
    )
    assert not paywall.detect(parse_html(_page("", offers)), "https://www.trouw.nl/a~b1/").paywalled
    inline = "<p>Tekst.</p><div data-temptation-position='ARTICLE_INLINE'>Lees verder</div>"
    assert paywall.detect(parse_html(_page("", inline)), "https://www.trouw.nl/a~b1/").evidence.startswith(
        "DPG Media"
    )


def test_a_free_article_and_a_free_flag_are_not_paywalled() -> None:
    html = _page(_news_ld(headline="Kop", isAccessibleForFree=True), "<p>Tekst.</p>")
    assert not paywall.detect(parse_html(html), "https://example.nl/a").paywalled


def test_a_longer_json_ld_body_replaces_a_short_visible_text_on_a_free_page_too() -> None:
    body = "Eerste alinea met het nieuws van vandaag.\n\nTweede alinea met meer uitleg over wat er gebeurde."
    html = _page(
        _news_ld(headline="Kop", articleBody=body),
        "<h1>Kop</h1><p>Eerste alinea met het nieuws van vandaag.</p>",
    )
    article = extract_article(html, "https://example.nl/nieuws/kop")
    assert article is not None and not article.paywalled
    assert (
        article.text
        == "Eerste alinea met het nieuws van vandaag.\nTweede alinea met meer uitleg over wat er gebeurde."
    )


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Een.\n\nTwee.\nDrie.", ["Een.", "Twee.", "Drie."]),
        ("<p>Een &amp; twee.</p><p>Drie.</p>", ["Een & twee.", "Drie."]),
        (
            "De man is opgepakt.De politie zoekt getuigen.",
            ["De man is opgepakt.", "De politie zoekt getuigen."],
        ),
        ("Klopt dat?\u201dDat klopt.", ["Klopt dat?\u201d", "Dat klopt."]),
        ("Mail naar vragen@dft.nl of naar de U.S. Army.", ["Mail naar vragen@dft.nl of naar de U.S. Army."]),
        ("Het nieuws.\n\nLees ook:", ["Het nieuws."]),
        (
            "&lt;p class=&quot;texto&quot;&gt;Een solu&amp;ccedil;&amp;atilde;o.&lt;/p&gt;&lt;p&gt;Twee.&lt;/p&gt;",
            ["Een solução.", "Twee."],
        ),
    ],
)
def test_article_body_keeps_or_restores_paragraphs(raw: str, expected: list[str]) -> None:
    assert paywall.article_body({"articleBody": raw}) == "\n".join(expected)


def test_a_free_page_keeps_its_visible_text_beside_a_body_of_similar_length() -> None:
    """Bodies of free pages may carry captions, 'read also' lines or another text altogether."""
    visible = "<p>Een man uit Gouda is opgepakt na een inbraak in een juwelierszaak aan de Markt.</p>"
    body = "Een man uit Gouda is opgepakt na een inbraak. Lees ook: meer inbraken in Gouda deze maand."
    article = extract_article(_page(_news_ld(headline="Kop", articleBody=body), visible), "https://x.nl/a")
    assert (
        article is not None
        and article.text == "Een man uit Gouda is opgepakt na een inbraak in een juwelierszaak aan de Markt."
    )


def test_a_lead_the_body_lacks_is_kept_above_it() -> None:
    lead = "Een sneeuwdek op zonnepanelen kost stroom en belast de constructie van het dak."
    body = "Eigenaren vragen zich af of ze de panelen moeten vegen. " * 6
    assert paywall.with_lead(body, f"{lead}\nLees verder met Plus", lead) == f"{lead}\n{body}"
    assert paywall.with_lead(f"{lead} {body}", lead, lead) == f"{lead} {body}"  # the body has it


def test_a_body_run_together_is_split_where_the_page_shows_a_paragraph_end() -> None:
    body = "De eerste alinea staat ook op de pagina zelf. de tweede alinea begint met een kleine letter."
    visible = "De eerste alinea staat ook op de pagina zelf."
    assert paywall.keep_page_paragraphs(body, visible).split("\n") == [
        visible,
        "de tweede alinea begint met een kleine letter.",
    ]


def test_teaser_text_drops_the_paywall_furniture() -> None:
    visible = "Een man uit Hengelo is opgepakt na een steekpartij in het centrum.\nVeilig betalen\n14 dagen bedenktijd"
    assert (
        paywall.teaser_text(visible, None)
        == "Een man uit Hengelo is opgepakt na een steekpartij in het centrum."
    )


# -- photo stories, galleries and videos --------------------------------------------------------------------
def test_an_in_beeld_photo_story_is_a_photo_news_item_with_its_captions_as_text() -> None:
    analysis = _kept("nos-in-beeld-photo-story.html")
    article, kind = analysis.extracted, analysis.page_kind
    assert article is not None and kind is not None
    assert kind.kind == "photo" and kind.reason.startswith("photo story: 8 news captions on 8 photos")
    lines = article.text.split("\n")
    assert lines[0].startswith("Een grote brand heeft vannacht een opslagloods") and len(lines) == 9
    assert (
        "Brandweerlieden spuiten vanaf een hoogwerker water op het dak van de loods aan de Industrieweg."
        in lines
    )
    assert "Foto:" not in article.text and "Rob Engelaar" not in article.text  # credits are not news text
    assert "Gasexplosie in flat" not in article.text  # nor the related teasers' headlines


def test_a_gallery_of_credits_and_labels_is_still_rejected() -> None:
    analysis = _analyse("omroep-fotoserie-gallery.html")
    assert (analysis.stage, analysis.reason) == ("page_kind", "gallery")


def test_a_video_page_without_text_is_still_rejected() -> None:
    analysis = _analyse("rtv-video-no-text.html")
    assert analysis.stage == "page_kind" and analysis.reason in ("empty", "gallery"), analysis.detail


@pytest.mark.parametrize(
    ("caption", "stripped", "news"),
    [
        (
            "De brandweer blust het vuur in de loods. Foto: ANP",
            "De brandweer blust het vuur in de loods.",
            True,
        ),
        ("Sfeerbeeld", "Sfeerbeeld", False),
        ("© Hollandse Hoogte", "", False),
        (
            "Agenten zetten de straat af na de schietpartij (ANP)",
            "Agenten zetten de straat af na de schietpartij",
            False,
        ),
        ("ANP / Robin Utrecht", "", False),
        (
            "Een agent bij het afzetlint in de Dorpsstraat van Ede. Beeld: Jan de Vries",
            "Een agent bij het afzetlint in de Dorpsstraat van Ede.",
            True,
        ),
    ],
)
def test_captions_lose_their_credits_and_are_judged_as_text(caption: str, stripped: str, news: bool) -> None:
    assert photos.strip_credit(caption) == stripped
    assert photos.is_news_caption(stripped) is news


def test_an_article_with_a_few_captioned_photos_is_not_a_photo_story() -> None:
    body = (
        "<p>"
        + "De gemeenteraad van Ede besprak dinsdag het nieuwe plan voor het centrum van de stad. " * 12
        + "</p>"
    )
    figures = "".join(
        f"<figure><img src='/{i}.jpg'><figcaption>Wethouder Jansen licht het plan toe in de raadszaal van Ede.</figcaption></figure>"
        for i in range(4)
    )
    html = _page(_news_ld(headline="Plan voor centrum Ede"), f"<h1>Plan voor centrum Ede</h1>{body}{figures}")
    analysis = analyse_page(html, "https://www.omroepgelderland.nl/nieuws/3012400/plan-centrum-ede")
    assert analysis.page_kind is not None and analysis.page_kind.kind == "article"


# -- live blogs -----------------------------------------------------------------------------------------------
def test_a_nunl_live_blog_without_json_ld_is_read_from_its_timestamped_blocks() -> None:
    analysis = _kept("nunl-liveblog.html")
    article, kind = analysis.extracted, analysis.page_kind
    assert article is not None and kind is not None
    assert kind.kind == "liveblog" and kind.reason == "live blog: 4 entries, 91 words"
    assert [e.at for e in article.entries] == [
        "2024-10-17T16:05+02:00",
        "2024-10-17T15:20+02:00",
        "2024-10-17T14:42+02:00",
        "2024-10-17T14:10+02:00",
    ]
    assert article.entries[1].text.split("\n") == [
        "Chauffeur aangehouden",
        "De politie heeft de 41-jarige chauffeur van een van de vrachtwagens aangehouden. Hij wordt verdacht van rijden onder invloed.",
    ]
    # The text: the lead, then every entry; the reader comments below (timestamped too) are none.
    assert article.text.startswith("Op de A28 bij Staphorst zijn donderdagmiddag meerdere auto's")
    for entry in article.entries:
        assert entry.text in article.text
    assert "sterkte aan de gewonden" not in article.text
    assert article.text.count("Update") == 1


def test_a_nos_live_blog_is_read_from_its_live_blog_posting() -> None:
    analysis = _kept("nos-liveblog-jsonld.html")
    article = analysis.extracted
    assert article is not None and analysis.page_kind is not None and analysis.page_kind.kind == "liveblog"
    assert [e.at for e in article.entries] == [
        "2024-11-05T21:40+01:00",
        "2024-11-05T20:55+01:00",
        "2024-11-05T20:10+01:00",
    ]
    assert article.entries[0].text.startswith("Laatste persoon geëvacueerd\nAlle bewoners van de flat")
    assert article.title == "Grote brand in flat in Nijmegen, bewoners geëvacueerd"  # not an entry's headline
    assert (
        article.text.split("\n")[0]
        == "Bij een grote brand in een flat in Nijmegen zijn tientallen bewoners geëvacueerd. We volgen de ontwikkelingen."
    )


def test_times_of_day_are_dated_on_the_page_day_in_the_outlet_zone() -> None:
    blocks = "".join(
        f"<div class='entry'><span class='tijd'>{t}</span><p>Een bericht van meer dan vijf woorden lang.</p></div>"
        for t in ("14.32 uur", "13:05", "09u40")
    )
    tree = parse_html(f"<html><body><main>{blocks}</main></body></html>")
    text = "Een bericht van meer dan vijf woorden lang."
    entries = liveblog.live_entries(tree, text, dt.date(2024, 1, 8), "Europe/Brussels")
    assert [at for at, _ in entries] == [
        "2024-01-08T14:32+01:00",
        "2024-01-08T13:05+01:00",
        "2024-01-08T09:40+01:00",
    ]


def test_teasers_with_times_on_a_section_page_are_not_live_entries() -> None:
    teasers = "".join(
        f"<article class='teaser'><h2><a href='/nieuws/{n}'>Kop van bericht nummer {n}</a></h2>"
        f"<p>Een korte intro van het bericht met genoeg woorden.</p><time datetime='2024-03-0{n}T10:00'>10:00</time></article>"
        for n in range(1, 6)
    )
    tree = parse_html(f"<html><body><main>{teasers}</main></body></html>")
    assert liveblog.live_entries(tree, "Een korte intro van het bericht met genoeg woorden.") == []


def test_the_page_context_says_whether_the_url_is_an_article_url() -> None:
    """A short article beside a long menu: many links, most words in them."""
    menu = "".join(
        f"<li><a href='/rubriek/{n}'>Rubriek nummer {n} met een lange naam</a></li>" for n in range(30)
    )
    story = (
        "<p>De politie in Venlo heeft zaterdagavond een automobilist aangehouden na een achtervolging"
        " door de binnenstad en over de snelweg richting Eindhoven.</p><p>De man reed volgens agenten"
        " met hoge snelheid door rood en negeerde een stopteken. Bij Sevenum liep hij vast in een file"
        " en kon hij worden opgepakt. Hij had geen rijbewijs.</p>"
    )
    html = f"<html lang='nl'><body><ul>{menu}</ul><div class='story'><h1>Achtervolging in Venlo</h1>{story}</div></body></html>"
    url = "https://www.l1.nl/nieuws/1234567/achtervolging-in-venlo"
    assert analyse_page(html, url).reason == "listing"
    analysis = analyse_page(html, url, PageContext(article_url=True))
    assert analysis.page_kind is not None and analysis.page_kind.kind == "article", analysis.detail


def test_json_ld_graphs_and_broken_blocks_are_read_leniently() -> None:
    html = (
        "<html><head><script type='application/ld+json'>{broken</script>"
        '<script type=\'application/ld+json\'>{"@graph": [{"@type": "WebSite"},'
        ' {"@type": ["NewsArticle"], "url": "https://x.nl/b", "headline": "B"},'
        ' {"@type": "NewsArticle", "url": "https://x.nl/a", "headline": "A"}]}</script></head></html>'
    )
    node = jsonld.main_news(parse_html(html), "https://www.x.nl/a/")
    assert node is not None and node["headline"] == "A"


def test_an_entry_headline_whose_words_recur_in_its_text_is_kept() -> None:
    node = {
        "@type": "LiveBlogPosting",
        "liveBlogUpdate": [
            {"headline": "Man aangehouden", "datePublished": "2024-03-06T16:30:00+01:00",
             "articleBody": "De politie heeft een man aangehouden."},
            {"headline": "Update", "datePublished": "2024-03-06T16:40:00+01:00",
             "articleBody": "Update: de weg is weer open."},
        ],
    }  # fmt: skip
    tree = parse_html(
        f"<html><head><script type='application/ld+json'>{json.dumps(node)}</script></head></html>"
    )
    assert liveblog.live_entries(tree, "") == [
        ("2024-03-06T16:30+01:00", "Man aangehouden\nDe politie heeft een man aangehouden."),
        ("2024-03-06T16:40+01:00", "Update: de weg is weer open."),
    ]
