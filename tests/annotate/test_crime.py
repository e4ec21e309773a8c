"""Behaviour of the crime classifier: verdicts, categories, rule order, stages and evidence."""

import pytest

from corpus.annotate.crime import CATEGORIES, CRIME_THRESHOLD, STAGES, CrimeResult, classify_crime


def test_fixed_lists_are_complete_and_ordered():
    assert CATEGORIES == (
        "levensdelict",
        "geweld",
        "zeden",
        "overval",
        "inbraak_diefstal",
        "drugs",
        "wapens_explosies",
        "fraude_witwassen",
        "cybercrime",
        "mensenhandel",
        "openbare_orde",
        "verkeer",
    )
    assert STAGES == ("incident", "aanhouding", "vervolging", "rechtszaak", "vonnis", "hoger_beroep")
    assert 0 < CRIME_THRESHOLD < 1


def test_arrest_report_is_crime_with_evidence():
    result = classify_crime(
        "Man aangehouden na steekpartij in Deventer",
        "Een 34-jarige man is vrijdagavond aangehouden. Hij wordt verdacht van een steekpartij "
        "bij een snackbar, waarbij een 20-jarige jongen gewond raakte.",
    )
    assert isinstance(result, CrimeResult)
    assert result.is_crime and result.score >= CRIME_THRESHOLD
    assert result.stage == "aanhouding"
    assert "geweld" in result.categories
    assert any(e.startswith("phrase verdacht van") for e in result.evidence)
    assert any(e.startswith("word:steekpartij") for e in result.evidence)


@pytest.mark.parametrize(
    ("title", "text"),
    [
        (
            "Vitesse wint na snelle aanval",
            "Na een snelle aanval volgde een schot op doel. De "
            "scheidsrechter gaf in de blessuretijd nog een strafschop, maar de keeper stopte die.",
        ),
        (
            "File van twintig kilometer op de A28",
            "Door een ongeluk met twee auto's staat er een "
            "lange file. Rijkswaterstaat verwacht dat de weg over een uur weer vrij is.",
        ),
        (
            "Moordende hitte op de camping",
            "Vakantiegangers klagen over de moordende hitte. Het KNMI verwacht morgen 35 graden.",
        ),
        (
            "Recensie: nieuwe thriller over een moord in Drenthe",
            "In deze thriller onderzoekt een "
            "rechercheur een moord op een boer. Het boek is spannend, de personages zijn vlak.",
        ),
    ],
)
def test_hard_negatives_are_not_crime(title, text):
    result = classify_crime(title, text)
    assert not result.is_crime
    assert result.categories == ()
    assert result.stage is None
    assert any(e.startswith("neg:") for e in result.evidence)


def test_robbery_with_violence_is_overval_and_geweld_not_plain_theft():
    result = classify_crime(
        "Twee mannen opgepakt voor diefstal met geweld",
        "De politie heeft twee mannen aangehouden voor diefstal met geweld op een fietser. Ze "
        "sloegen hem van zijn fiets.",
    )
    assert "overval" in result.categories
    assert "geweld" in result.categories
    assert "inbraak_diefstal" not in result.categories


def test_robbery_by_threat_alone_adds_no_geweld():
    result = classify_crime(
        "Twee mannen opgepakt voor diefstal met geweld",
        "De politie heeft twee mannen aangehouden voor diefstal met geweld in een nachtwinkel. Ze "
        "bedreigden de uitbater met een mes en gingen ervandoor met de kassa. Niemand raakte gewond.",
    )
    assert result.categories == ("overval",)


def test_plain_theft_is_inbraak_diefstal():
    result = classify_crime(
        "Fietsendief op heterdaad betrapt",
        "Bij het station is een 19-jarige man op heterdaad betrapt bij de diefstal van een "
        "elektrische fiets. Hij is aangehouden.",
    )
    assert result.categories == ("inbraak_diefstal",)


def test_url_section_hint_is_evidence():
    text = "In een woonwijk is vannacht een auto vernield. De eigenaar deed aangifte."
    with_hint = classify_crime("Auto vernield", text, "https://www.nu.nl/112/123/auto.html")
    without = classify_crime("Auto vernield", text, "https://www.nu.nl/algemeen/123/auto.html")
    assert with_hint.score > without.score
    assert "url:/112/ +1.5" in with_hint.evidence


@pytest.mark.parametrize(
    ("text", "stage"),
    [
        (
            "Bij een overval op een tankstation is de kassa buitgemaakt. De politie zoekt getuigen.",
            "incident",
        ),
        ("De man die de tankstationhouder beroofde, is gisteren aangehouden.", "aanhouding"),
        ("Het OM heeft de overvaller van het tankstation gedagvaard.", "vervolging"),
        ("Tegen de overvaller van het tankstation eist het OM vier jaar cel.", "rechtszaak"),
        ("De overvaller van het tankstation is veroordeeld tot vier jaar cel.", "vonnis"),
        (
            "Het gerechtshof heeft in hoger beroep de straf voor de overvaller verlaagd tot drie jaar cel.",
            "hoger_beroep",
        ),
    ],
)
def test_stage_is_the_most_advanced_reported(text, stage):
    assert classify_crime("Overval op tankstation", text).stage == stage


def test_cour_d_assises_is_not_an_appeal():
    result = classify_crime(
        "Levenslang voor moord op buurvrouw",
        "Het hof van assisen in Gent heeft een man veroordeeld tot levenslang voor moord.",
    )
    assert result.stage == "vonnis"
    assert "levensdelict" in result.categories


def test_traffic_offence_is_verkeer_but_accident_is_not_crime():
    offence = classify_crime(
        "Dronken bestuurder rijdt tegen lantaarnpaal",
        "De bestuurder reed onder invloed van alcohol. Zijn rijbewijs is ingevorderd.",
    )
    accident = classify_crime(
        "Fietser gewond na val",
        "Een fietser is gewond geraakt na een val op een gladde weg. Er waren geen anderen bij betrokken.",
    )
    assert offence.is_crime and "verkeer" in offence.categories
    assert not accident.is_crime


def test_om_as_preposition_is_no_evidence():
    lower = classify_crime("Gemeente vraagt om hulp", "De gemeente vraagt inwoners om hulp.")
    upper = classify_crime("OM onderzoekt zaak", "Het OM onderzoekt de zaak.")
    assert "word:OM +2.0" not in lower.evidence
    assert "word:OM +2.0" in upper.evidence


def test_deterministic():
    args = ("Inbraak in school", "Er is ingebroken in een school. De politie zoekt getuigen.")
    assert classify_crime(*args) == classify_crime(*args)
