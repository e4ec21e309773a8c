"""Teaser lines for other stories: found, dropped from the stored text, and not read by annotations."""

from __future__ import annotations

import json
from pathlib import Path

from corpus.analyse import analyse_page
from corpus.annotate.crime import classify_crime
from corpus.annotate.places import find_places
from corpus.text import teasers
from corpus.text.teasers import blank_teasers, drop_teasers, teaser_spans


def test_a_teaser_line_between_paragraphs_and_at_the_end_goes():
    text = (
        "Een man is dinsdag in Heeze aangehouden.\n"
        "Lees ook: Twee mannen opgepakt na inbraak bij tankstation in Geldrop\n"
        "De politie zoekt nog getuigen.\n"
        "» LEES OOK | Zwaargewonde bij schietpartij in Tilburg\n"
        "Bekijk ook: video van de aanhouding"
    )
    assert drop_teasers(text) == "Een man is dinsdag in Heeze aangehouden.\nDe politie zoekt nog getuigen."


def test_a_teaser_after_the_last_sentence_of_a_paragraph_goes_and_the_sentences_after_it_stay():
    text = "De politie zoekt getuigen. Lees ook: Man opgepakt in Arnhem. De buurt is geschrokken."
    assert drop_teasers(text) == "De politie zoekt getuigen. De buurt is geschrokken."
    blanked = blank_teasers(text)
    assert (
        len(blanked) == len(text) and "Arnhem" not in blanked and blanked.endswith("De buurt is geschrokken.")
    )


def test_a_sentence_that_starts_with_the_words_is_no_teaser():
    for text in (
        "Lees ook de brief van de burgemeester, die gisteren verscheen.",
        "Hij zei: 'Lees ook de kleine lettertjes.' Daarna vertrok hij.",
        "Het college wil meer zien. Zie ook het rapport van vorig jaar.",
        # A live report's recap of this story is no teaser for another.
        "De brand woedt nog. Eerder gemeld: drie bewoners zijn gewond naar het ziekenhuis gebracht.",
    ):
        assert teaser_spans(text) == [], text
        assert drop_teasers(text) == text


def test_a_text_that_is_only_a_teaser_is_kept():
    assert drop_teasers("Lees ook: Inbraak in Heeze") == "Lees ook: Inbraak in Heeze"


def test_the_stored_text_of_a_page_has_no_teaser_lines():
    body = (
        "Een 34-jarige man is dinsdag in Heeze aangehouden na een reeks inbraken in woningen in het dorp. "
        * 4
    )
    html = (
        "<html lang='nl'><head><title>Inbraken in Heeze</title></head><body><article><h1>Inbraken in Heeze</h1>"
        f"<p>{body}</p><p>Lees ook: <a href='/a/1'>Twee mannen opgepakt na inbraak in Geldrop</a></p>"
        f"<p>{body}</p><p><strong>Lees ook</strong>: Zwaargewonde bij schietpartij in Tilburg</p>"
        "</article></body></html>"
    )
    result = analyse_page(html, "https://www.example.nl/nieuws/2024/01/02/inbraken-heeze")
    assert result.extracted is not None
    assert "Lees ook" not in result.extracted.text and "Geldrop" not in result.extracted.text
    assert result.extracted.text.count("Heeze aangehouden") == 8


def test_another_story_in_a_teaser_gives_no_category_stage_or_place():
    title = "Politie waarschuwt na reeks woninginbraken in Heeze"
    text = (
        "Sinds november is in Heeze in elf woningen ingebroken. De politie heeft nog geen verdachten in "
        "beeld. Lees ook: Twee mannen opgepakt na steekpartij bij tankstation in Geldrop."
    )
    result = classify_crime(title, text)
    assert result.categories == ("inbraak_diefstal",)
    assert result.stage == "incident"
    assert [p.name for p in find_places(f"{title}\n{text}", "nl")] == ["Heeze"]


def test_the_label_prefilter_finds_what_the_pattern_finds_on_written_articles():
    data = Path(__file__).resolve().parents[1] / "annotate" / "data" / "crime_written.jsonl"
    texts = [json.loads(line)["text"] for line in data.read_text(encoding="utf-8").splitlines()]
    with_teasers = [t for t in texts if "Lees ook" in t or "LEES OOK" in t]
    assert len(with_teasers) >= 5  # the long web articles of heldout30 carry them
    for text in texts:
        assert teasers.teaser_spans(text) == [m.span() for m in teasers._TEASER.finditer(text)]
