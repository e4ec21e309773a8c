"""Stamps, bylines and agency credits, separated from the story (corpus.text.tidy).

The pages and lines here are written for these tests in the manner of Dutch and Flemish outlets
(their markup and their furniture: bylines, update stamps, wire credits), not copied from them.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from corpus.analyse import analyse_page
from corpus.text.extract import extract_article, parse_html
from corpus.text.tidy import credit, is_editorial_note, is_stamp, parse_byline, tidy_article, trim_edges

DEMO = Path(__file__).resolve().parents[2] / "corpus" / "devtools" / "demo_site"

BODY = (
    "De politie heeft dinsdagavond in Zwolle een 31-jarige man aangehouden na een reeks inbraken in "
    "bedrijfspanden op het industrieterrein. De man werd betrapt toen hij met een koevoet een deur "
    "openbrak.\n"
    "Volgens een woordvoerder is de verdachte ook betrokken bij inbraken in Kampen en Dalfsen. "
    "Bij een doorzoeking van zijn woning vond de recherche gereedschap en gestolen laptops.\n"
    "De man wordt donderdag voorgeleid aan de rechter-commissaris. Het onderzoek gaat door."
)
FIRST, *_, LAST = BODY.split("\n")


# -- stamps ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "Bijgewerkt: 30 mei 2018 12:10",
        "Bijgewerkt om 14:05",
        "Bijgewerkt om 14u05",
        "(Bijgewerkt: 7 juli 2024 10:15)",
        "Laatst bijgewerkt: 3 minuten geleden",
        "Laatst bijgewerkt op 30-05-2018",
        "Laatste update: 14:05",
        "Laatste update: vandaag, 09.12 uur",
        "Aangepast op 2 juni 2023 om 11.00 uur",
        "Aangepast: 30/05/18, 12:10",
        "Gewijzigd op 30-05-2018",
        "Laatst gewijzigd op 15 februari 2023 om 11:00",
        "Geüpdatet 30 mei 2018",
        "Geupdate: za 6 jul. 2024, 23.52",
        "Update 12.30 uur",
        "UPDATE: 12:30",
        "Correctie: 30 mei",
        "Gepubliceerd: 30 mei 2018 12:00 | Bijgewerkt: 30 mei 2018 12:10",
        "do 30 mei 2018 om 12:00 · aangepast om 14:30",
        "Gepubliceerd op 12 maart 2024",
    ],
)
def test_a_stamp_is_a_label_and_dates_or_times_and_nothing_else(line: str) -> None:
    assert is_stamp(line)


@pytest.mark.parametrize(
    "line",
    [
        "Update 14.05 uur: De politie meldt dat de verdachte is overgebracht naar het bureau.",
        "De pagina werd om 14:05 bijgewerkt.",
        "Het rooster is aangepast op 30 mei 2018 en geldt vanaf juni.",
        "Bijgewerkt",  # a label alone: its date is elsewhere or it is a word
        "Aangepast rijgedrag scheelt 30 procent",
        "30 mei 2018 12:10",  # a date alone is not a stamp
    ],
)
def test_lines_that_are_not_stamps(line: str) -> None:
    assert not is_stamp(line)


@pytest.mark.parametrize(
    "stamp",
    [
        "Bijgewerkt: 30 mei 2018 12:10",
        "Laatste update: 14:05",
        "Aangepast op 30 mei 2018",
        "Update 12.30 uur",
        "Geüpdatet om 09:15",
    ],
)
def test_stamps_go_at_the_start_and_at_the_end(stamp: str) -> None:
    assert trim_edges(f"{stamp}\n{BODY}").text == BODY
    assert trim_edges(f"{BODY}\n{stamp}").text == BODY
    assert trim_edges(f"{stamp}\n\n{BODY}\n\n{stamp}").text == BODY


def test_a_stamp_split_over_two_lines_goes_whole() -> None:
    assert trim_edges(f"Bijgewerkt:\n30 mei 2018, 12:10\n{BODY}").text == BODY
    assert trim_edges(f"{BODY}\nLaatst aangepast\nvandaag 09:12").text == BODY


def test_stamps_and_mentions_inside_the_body_stay() -> None:
    middle = "Het dossier werd volgens de rechtbank op 30 mei 2018 bijgewerkt met nieuwe verklaringen."
    stamp_in_body = "Bijgewerkt: 30 mei 2018 12:10"
    text = f"{FIRST}\n{middle}\n{stamp_in_body}\n{LAST}"
    assert trim_edges(text).text == text


def test_a_live_update_that_carries_news_keeps_its_content() -> None:
    entry = "Update 14.05 uur: De politie meldt dat de verdachte in Zwolle is aangehouden."
    assert trim_edges(f"{entry}\n{BODY}").text == f"{entry}\n{BODY}"
    assert trim_edges(f"{BODY}\n{entry}").text == f"{BODY}\n{entry}"
    # The stamp alone goes, the entry it introduces stays.
    text = "Update 14.05 uur\nDe politie meldt dat de verdachte in Zwolle is aangehouden.\n" + BODY
    assert trim_edges(text).text == text.split("\n", 1)[1]


@pytest.mark.parametrize(
    "note",
    [
        "Correctie: In een eerdere versie van dit artikel stond dat de man 35 jaar oud is. Hij is 53.",
        "Rectificatie: de verdachte woont niet in Kampen maar in Kamperland.",
        "Dit artikel is bijgewerkt met de reactie van de burgemeester.",
        "Dit bericht werd op 30 mei 2018 om 14:05 aangepast.",
        "Update: dit artikel is aangevuld met informatie van het Openbaar Ministerie.",
        "Noot van de redactie: dit verhaal is aangepast na een reactie van de advocaat.",
    ],
)
def test_editorial_notes_at_the_edges_go(note: str) -> None:
    assert is_editorial_note(note)
    assert trim_edges(f"{BODY}\n{note}").text == BODY
    assert trim_edges(f"{note}\n{BODY}").text == BODY


def test_the_text_is_never_emptied() -> None:
    assert trim_edges("Bijgewerkt: 30 mei 2018 12:10").text == "Bijgewerkt: 30 mei 2018 12:10"


# -- bylines --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "authors", "agencies"),
    [
        ("Door Pieter Van Acker", ("Pieter Van Acker",), ()),
        ("door Pieter Van Acker", ("Pieter Van Acker",), ()),
        ("Pieter Van Acker", ("Pieter Van Acker",), ()),
        ("Tekst: Marieke van Dalen", ("Marieke van Dalen",), ()),
        ("Tekst en foto's: Marieke van Dalen", ("Marieke van Dalen",), ()),
        ("Van onze verslaggever Jan Peeters", ("Jan Peeters",), ()),
        ("Van onze correspondent in Brussel", (), ()),
        ("Door onze correspondent Pieter Van Acker", ("Pieter Van Acker",), ()),
        ("Door NU.nl/ANP", (), ("ANP",)),
        ("Door RTV Utrecht", (), ()),
        ("Door: Ingrid de Vries (persbureau ANP)", ("Ingrid de Vries",), ("ANP",)),
        ("Jan Peeters 30-05-18, 11:40 Laatste update: 12:10", ("Jan Peeters",), ()),
        ("Pieter Van Acker en Jan Peeters", ("Pieter Van Acker", "Jan Peeters"), ()),
        (
            "Door Ilse Kramer, Joost Verhoeven & Henk Brinkman",
            ("Ilse Kramer", "Joost Verhoeven", "Henk Brinkman"),
            (),
        ),
        ("Lien De Smedt; Tom Vermeersch", ("Lien De Smedt", "Tom Vermeersch"), ()),  # trafilatura's join
        ("Lien De Smedt; lien de smedt", ("Lien De Smedt",), ()),
        ("Jan Peeters, correspondent in Brussel", ("Jan Peeters",), ()),
        ("Misdaadverslaggever Joost Verhoeven", ("Joost Verhoeven",), ()),
        ("Joost Verhoeven (misdaadverslaggever)", ("Joost Verhoeven",), ()),
        ("Pieter Van Acker 30 mei 2018, 12:10", ("Pieter Van Acker",), ()),
        ("Door Henk Brinkman | zaterdag 6 juli 2024 om 23:52", ("Henk Brinkman",), ()),
        ("Door Tom Vermeersch · 15 sep 2020 · Bijgewerkt: 16 september 2020 08:45", ("Tom Vermeersch",), ()),
        ("Door Jan 't Hart en Sophie d'Hondt", ("Jan 't Hart", "Sophie d'Hondt"), ()),
        ("Door Joost Verhoeven, foto's Kees de Vries", ("Joost Verhoeven",), ()),
        ("ANP", (), ("ANP",)),
        ("Door ANP", (), ("ANP",)),
        ("Belga", (), ("Belga",)),
        ("BELGA", (), ("Belga",)),
        ("Redactie/ANP", (), ("ANP",)),
        ("ANP/Redactie", (), ("ANP",)),
        ("Jan Jansen (ANP)", ("Jan Jansen",), ("ANP",)),
        ("Joost Verhoeven/ANP/AFP", ("Joost Verhoeven",), ("ANP", "AFP")),
        ("Door onze redactie", (), ()),
        ("Redactie", (), ()),
        ("Redactie Binnenland", (), ()),
        ("Door Redactie binnenland", (), ()),
        ("Webredactie", (), ()),
        ("Omroep Brabant", (), ()),
        ("NOS", (), ()),  # an acronym: an organisation or initials, not a name
        ("Det; Dpa", (), ("DPA",)),  # trafilatura title-cases "det/dpa"
    ],
)
def test_bylines(raw: str, authors: tuple[str, ...], agencies: tuple[str, ...]) -> None:
    byline = parse_byline(raw)
    assert (byline.authors, byline.agencies) == (authors, agencies)


def test_the_outlet_itself_is_not_an_author() -> None:
    assert parse_byline("Nieuwsblad Be", {"nieuwsbladbe"}).authors == ()
    assert parse_byline("Polderpost", {"polderpost"}).authors == ()
    assert parse_byline("nieuwsblad.be").authors == ()


# -- agency credits -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "agencies"),
    [
        ("(ANP)", ("ANP",)),
        ("(Belga)", ("Belga",)),
        ("© Belga", ("Belga",)),
        ("©ANP", ("ANP",)),
        ("ANP/Redactie", ("ANP",)),
        ("Bron: ANP", ("ANP",)),
        ("Bronnen: ANP, Reuters", ("ANP", "Reuters")),
        ("ANP/AFP", ("ANP", "AFP")),
        ("(ANP/AFP)", ("ANP", "AFP")),
        ("AFP", ("AFP",)),
        ("Reuters", ("Reuters",)),
        ("(AP)", ("AP",)),
        ("dpa", ("DPA",)),
        ("Redactie en Belga", ("Belga",)),
        ("Apeldoorn", None),
        ("APK", None),
        ("AP-verslaggever", None),
        ("de ANPR-camera", None),
        ("Redactie", None),
        ("Foto: ANP", None),  # the photo's credit, not the text's
        ("Bron: politie", None),
        ("ap", None),
        ("Volgens persbureau ANP is de man aangehouden.", None),
    ],
)
def test_credit_lines(line: str, agencies: tuple[str, ...] | None) -> None:
    assert credit(line) == agencies


def test_a_credit_may_name_the_outlet_beside_the_agency() -> None:
    assert credit("ANP/NU.nl") == ("ANP",)
    assert credit("ANP/De Kustkrant") is None
    assert credit("ANP/De Kustkrant", frozenset({"dekustkrant"})) == ("ANP",)


def test_a_credit_line_at_an_edge_goes_and_is_recorded() -> None:
    trimmed = trim_edges(f"{BODY}\n(ANP)")
    assert (trimmed.text, trimmed.end_agencies) == (BODY, ["ANP"])
    trimmed = trim_edges(f"© Belga\n{BODY}")
    assert (trimmed.text, trimmed.start_agencies) == (BODY, ["Belga"])
    trimmed = trim_edges(f"{BODY}\nBron: ANP\nBijgewerkt: 30 mei 2018 12:10")
    assert (trimmed.text, trimmed.end_agencies) == (BODY, ["ANP"])


def test_a_credit_after_the_last_sentence_goes_and_a_dateline_credit_is_kept() -> None:
    trimmed = trim_edges(f"{BODY} (ANP)")
    assert (trimmed.text, trimmed.end_agencies) == (BODY, ["ANP"])
    dateline = f"DEN HAAG (ANP) - {FIRST}"
    trimmed = trim_edges(f"{dateline}\n{LAST}")
    assert (trimmed.text, trimmed.start_agencies) == (f"{dateline}\n{LAST}", ["ANP"])
    trimmed = trim_edges(f"Brussel (Belga) – {FIRST}\n{LAST}")
    assert trimmed.start_agencies == ["Belga"]


def test_an_agency_named_in_the_story_is_reporting_not_a_credit() -> None:
    text = (
        f"{FIRST}\nDat meldt persbureau ANP op basis van bronnen bij de politie.\n"
        f"Ook Reuters en AP berichtten over de aanhouding.\n{LAST}"
    )
    trimmed = trim_edges(text)
    assert trimmed.text == text
    assert trimmed.start_agencies == trimmed.end_agencies == []
    last = f"{FIRST}\nVolgens persbureau ANP is de verdachte inmiddels vrijgelaten."
    assert trim_edges(last).text == last and trim_edges(last).end_agencies == []


def test_words_that_merely_contain_an_agency_name_credit_nothing() -> None:
    text = (
        "In Apeldoorn is een automobilist aangehouden die zonder geldige APK reed.\n"
        "De ANPR-camera op de A1 had het kenteken geregistreerd. Een AP-fotograaf zag het.\n"
        "Belgacom en de Anp-straat staan er los van."
    )
    trimmed = trim_edges(text)
    assert trimmed.text == text and trimmed.start_agencies == trimmed.end_agencies == []


# -- whole pages ----------------------------------------------------------------------------------


def _page(
    body: str,
    *,
    byline: str = "",
    head: str = "",
    site: str = "De Polderpost",
    title: str = "Man aangehouden voor reeks inbraken in Zwolle",
) -> str:
    paragraphs = "".join(f"<p>{p}</p>" for p in body.split("\n"))
    return (
        f"<!DOCTYPE html><html lang='nl'><head><meta charset='utf-8'><title>{title}</title>"
        f"<meta property='og:site_name' content='{site}'>{head}</head><body>"
        "<header><nav><a href='/'>Home</a> <a href='/112/'>112</a> <a href='/regio/'>Regio</a></nav></header>"
        f"<main><article><h1>{title}</h1>{byline}<div class='article-body'>{paragraphs}</div></article></main>"
        "<footer><p>© De Polderpost. Alle rechten voorbehouden.</p></footer></body></html>"
    )


def _jsonld(data: object) -> str:
    return f"<script type='application/ld+json'>{json.dumps(data)}</script>"


URL = "https://www.polderpost.example/112/inbraken-zwolle-verdachte-aangehouden"


def test_a_dpg_style_byline_and_stamp_give_two_authors_and_a_clean_text() -> None:
    byline = (
        "<div class='article__meta'><span class='author'>Door Pieter Van Acker en Jan Peeters</span>"
        "<time datetime='2018-05-30T11:40:00+02:00'>30-05-18, 11:40</time></div>"
    )
    html = _page(f"Bijgewerkt: 30 mei 2018 12:10\n{BODY}", byline=byline)
    article = extract_article(html, URL)
    assert article is not None
    assert article.authors == ("Pieter Van Acker", "Jan Peeters")
    assert article.author == "Pieter Van Acker, Jan Peeters"
    assert article.agency is None
    assert article.text.startswith(FIRST[:40]) and "Bijgewerkt" not in article.text


def test_a_wire_copy_credits_its_agencies_from_byline_metadata_and_text() -> None:
    head = _jsonld(
        {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": "Man aangehouden voor reeks inbraken in Zwolle",
            "author": [{"@type": "Organization", "name": "ANP"}],
            "sourceOrganization": {"@type": "Organization", "name": "AFP"},
        }
    )
    html = _page(f"{BODY}\n(ANP)", byline="<p class='byline'>Door ANP</p>", head=head)
    article = extract_article(html, URL)
    assert article is not None
    assert (article.author, article.authors) == (None, ())
    assert article.agency == "ANP, AFP"
    assert article.text.endswith(LAST) and "(ANP)" not in article.text


def test_an_agency_in_the_author_meta_tag_is_credited() -> None:
    html = _page(BODY, head="<meta name='author' content='Belga'>")
    article = extract_article(html, URL)
    assert article is not None and article.agency == "Belga" and article.authors == ()


def test_related_articles_in_json_ld_credit_nothing() -> None:
    head = _jsonld(
        {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "author": {"@type": "Person", "name": "Henk Brinkman"},
            "relatedLink": [],
            "hasPart": {
                "@type": "ItemList",
                "itemListElement": [
                    {"@type": "NewsArticle", "author": {"@type": "Organization", "name": "ANP"}}
                ],
            },
        }
    )
    article = extract_article(_page(BODY, head=head), URL)
    assert article is not None
    assert article.agency is None and article.authors == ("Henk Brinkman",)


def test_the_outlets_own_name_as_author_is_not_a_person() -> None:
    head = _jsonld({"@type": "NewsArticle", "author": {"@type": "Organization", "name": "De Polderpost"}})
    article = extract_article(_page(BODY, head=head, byline="<p class='author'>De Polderpost</p>"), URL)
    assert article is not None and article.authors == () and article.author is None


def test_a_byline_line_in_the_text_goes_and_names_the_authors() -> None:
    body = f"Door Henk Brinkman | zaterdag 6 juli 2024 om 23:52 (Bijgewerkt: 7 juli 2024 10:15)\n{BODY}"
    tree = parse_html(_page(body))
    article = extract_article(tree, URL)
    assert article is not None
    assert article.text.startswith(FIRST[:40])
    assert article.authors == ("Henk Brinkman",)


@pytest.mark.parametrize(
    ("line", "authors"),
    [
        ("Van onze verslaggever", ()),
        ("Door Redactie binnenland", ()),
        ("Tekst: Marieke van Dalen · Foto's: Kees de Vries", ("Marieke van Dalen",)),
        ("Door Ilse Kramer en Joost Verhoeven | 30-05-18, 11:40", ("Ilse Kramer", "Joost Verhoeven")),
    ],
)
def test_byline_lines_at_the_edges_go(line: str, authors: tuple[str, ...]) -> None:
    for text in (f"{line}\n{BODY}", f"{BODY}\n{line}"):
        trimmed = trim_edges(text)
        assert (trimmed.text, tuple(trimmed.authors)) == (BODY, authors)


def test_a_lead_that_starts_with_door_is_story_text() -> None:
    body = "Door de harde wind zijn dinsdag in Zwolle meerdere bomen omgewaaid.\n" + BODY
    article = extract_article(_page(body), URL)
    assert article is not None and article.text.startswith("Door de harde wind") and article.authors == ()


def test_tidying_twice_changes_nothing() -> None:
    html = _page(f"Laatste update: 14:05\n{BODY}\n© Belga", byline="<p class='byline'>Door Lien De Smedt</p>")
    tree = parse_html(html)
    article = extract_article(tree, URL)
    assert article is not None and article.agency == "Belga" and article.authors == ("Lien De Smedt",)
    assert tidy_article(article, tree) == article


def test_analysis_stores_the_clean_text_authors_and_agency_and_hashes_the_clean_text() -> None:
    # Two outlets run the same Belga story: one with its own stamp, byline and credit, the other
    # bare. After tidying both are the same text, so they are exact duplicates.
    body = (
        "In Temse is zondagochtend een 36-jarige bestuurder opgepakt die zaterdagavond een fietser "
        "aanreed en doorreed. De fietser, een 58-jarige vrouw uit Bornem, raakte zwaargewond.\n"
        "De politie vond de wagen met schade aan de voorkant in een garage in Hamme. De bestuurder "
        "had volgens het parket gedronken en werd verhoord door de onderzoeksrechter.\n"
        "Vluchtmisdrijf kan in België zwaar bestraft worden, met een celstraf en een rijverbod."
    )
    flemish = _page(
        f"Laatst bijgewerkt op 16-09-2020 om 08u45\n{body}\n(Belga)",
        byline="<div class='byline'><span class='author'>Door Pieter Van Acker</span></div>",
        site="De Scheldebode",
        title="Bestuurder opgepakt na vluchtmisdrijf in Temse",
    )
    bare = _page(body, site="Het Waasland", title="Vluchtmisdrijf in Temse: bestuurder opgepakt")
    first = analyse_page(
        flemish, "https://www.scheldebode.example/regio/vluchtmisdrijf-temse-a0788", country="be"
    )
    second = analyse_page(bare, "https://www.waasland.example/nieuws/vluchtmisdrijf-temse", country="be")
    assert first.stage is None and second.stage is None, (first.reason, second.reason)
    assert first.extracted is not None and second.extracted is not None
    assert first.extracted.authors == ("Pieter Van Acker",) and first.extracted.agency == "Belga"
    assert first.extracted.text == second.extracted.text == body
    assert first.text_hash == second.text_hash and first.minhash == second.minhash


def test_no_demo_article_keeps_a_door_prefix_or_starts_with_a_stamp() -> None:
    pages = sorted(p for p in DEMO.rglob("*.html") if "index" not in p.name)
    seen = 0
    for path in pages:
        article = extract_article(
            path.read_bytes(), "https://www.example.nl/" + path.relative_to(DEMO).as_posix()
        )
        if article is None:
            continue
        seen += 1
        first_line = article.text.split("\n", 1)[0]
        assert not is_stamp(first_line), path
        assert not (article.author or "").casefold().startswith("door "), path
        assert all("redactie" not in a.casefold() for a in article.authors), path
    assert seen > 30
