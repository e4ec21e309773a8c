"""Place finding: the gazetteer, ordering, disambiguation of word-like names and countries."""

from corpus.annotate.places import Place, find_places


def names(text, country=None):
    return [p.name for p in find_places(text, country)]


def test_place_carries_municipality_and_province():
    [veghel] = find_places("Bij een woning in Veghel is ingebroken.")
    assert veghel == Place("Veghel", "Meierijstad", "Noord-Brabant", "nl", "woonplaats")


def test_order_of_first_mention_without_repeats():
    text = "In Zwolle en Kampen is ingebroken. Later sloegen de daders opnieuw toe in Zwolle."
    assert names(text) == ["Zwolle", "Kampen"]


def test_home_town_of_a_person_is_not_the_event_place():
    text = "Een 25-jarige man uit Wilp is aangehouden na een steekpartij in Apeldoorn."
    assert names(text) == ["Apeldoorn"]


def test_home_town_is_kept_when_it_is_the_only_place():
    assert names("Een 25-jarige man uit Wilp is aangehouden.") == ["Wilp"]


def test_word_like_names_need_context():
    assert names("Dat was de best bewaarde plek. Het Best Kept Secret festival.") == []
    assert names("Bij een controle in Best is een man aangehouden.") == ["Best"]
    assert names("De Bestse politie hield een man aan.") == ["Best"]
    assert names("Hij woont vlak bij Lent.") == ["Lent"]


def test_surnames_are_not_places():
    text = "Volgens advocaat Peter van Putten en rechter Van Wijk is de zaak rond."
    assert names(text) == []
    assert names("De burgemeester van Putten reageert.") == ["Putten"]


def test_ordinary_word_at_sentence_start_needs_context():
    assert names("Putten is een woord. Leiden kan ook een werkwoord zijn.") == []
    assert names("Er is geschoten in Leiden.") == ["Leiden"]


def test_bergen_by_country_hint_and_province():
    [mons] = find_places("In Bergen is een man opgepakt.", country="be")
    assert (mons.country, mons.province) == ("be", "Henegouwen")
    [nh] = find_places("In Bergen (Noord-Holland) is een man opgepakt.")
    assert nh.municipality == "Bergen (NH.)"


def test_belgian_context_without_hint():
    [place] = find_places("Het parket onderzoekt een inbraak in Zwijndrecht.")
    assert place.country == "be"
    assert place.municipality == "Beveren-Kruibeke-Zwijndrecht"
    [nl] = find_places("Het OM onderzoekt een inbraak in Zwijndrecht.")
    assert nl.country == "nl"


def test_dutch_exonyms_of_walloon_towns():
    assert names("In Luik en Namen zijn drie mannen opgepakt.", "be") == ["Luik", "Namen"]


def test_districts_and_adjectives_point_to_their_city():
    assert names("Schietpartij in Amsterdam-Noord en een Haagse woning.") == ["Amsterdam", "Den Haag"]
    assert names("In de Antwerpse district Borgerhout.", "be") == ["Antwerpen", "Borgerhout"]


def test_club_names_are_not_places():
    assert names("Na de wedstrijd van FC Den Bosch bleef het rustig.") == []


def test_court_seat_is_not_the_event_place():
    text = (
        "De correctionele rechtbank in Kortrijk heeft een man veroordeeld voor belaging van zijn "
        "ex-vriendin in Roeselare. Het Brusselse parket volgt de zaak niet."
    )
    assert [p.name for p in find_places(text, "be")] == ["Roeselare"]


def test_court_seat_alone_is_kept():
    text = "De rechtbank in Breda heeft een man veroordeeld tot een werkstraf."
    assert [p.name for p in find_places(text, "nl")] == ["Breda"]


def test_province_and_paired_home_towns_are_not_event_places():
    text = (
        "Twee jongens van zestien jaar uit Amsterdam en Den Haag zijn opgepakt voor een inbraak in "
        "Gouda. Het is de derde inbraak in de provincie Utrecht dit jaar."
    )
    assert [p.name for p in find_places(text, "nl")] == ["Gouda"]


def test_ambiguous_name_in_a_list_of_places():
    text = "De fietsen waren gestolen in Mechelen, Lier en Duffel."
    assert [p.name for p in find_places(text, "be")] == ["Mechelen", "Lier", "Duffel"]


# -- the smaller places of GeoNames' cities500 (villages and Belgian deelgemeenten) ---------------


def test_villages_and_deelgemeenten_are_found_with_their_province():
    text = (
        "Bij een inval in een autohandel in Kallo is beslag gelegd op drie wagens. "
        "Dezelfde dag werd op een boerderij in Nieuw-Buinen een hennepkwekerij ontdekt."
    )
    kallo, buinen = find_places(text)
    assert (kallo.name, kallo.province, kallo.country) == ("Kallo", "Oost-Vlaanderen", "be")
    assert (buinen.name, buinen.province, buinen.country) == ("Nieuw-Buinen", "Drenthe", "nl")
    # cities500 names no municipality, and a nearest-place guess was wrong too often to ship.
    assert kallo.municipality == buinen.municipality == ""


def test_small_places_need_context_like_surnames():
    assert names("Doelvrouw Veen stopte twee strafschoppen. Trainer Fred Rutten was blij.") == []
    assert names("Een boer uit Veen is gewond geraakt.") == ["Veen"]
    assert names("Druk daarna op Enter om het formulier te versturen.") == []
    assert names("Een 58-jarige boer uit Enter is zwaargewond geraakt.") == ["Enter"]
    assert names("Hij studeerde aan het Culinary Institute of America.") == []


def test_a_compass_word_before_a_region_is_no_district():
    text = "De politie-eenheid Oost-Brabant en de politie in Oost-Nederland zoeken getuigen."
    assert names(text) == []
    assert names("Er is ingebroken in Amsterdam-Noord.") == ["Amsterdam"]


def test_the_second_place_of_a_pair_after_a_place():
    text = "Een motorrijder viel op de weg tussen Sint-Martens-Voeren en Lanklaar."
    assert names(text, "be") == ["Sint-Martens-Voeren", "Lanklaar"]
    assert names("Er is ingebroken in Wijk aan Zee en Enter.") == ["Wijk aan Zee", "Enter"]
    assert names("Het gaat om Peter en Enter.") == []


def test_a_short_form_of_a_longer_name_in_the_text_is_that_place():
    text = "In Alphen aan den Rijn en Gouda is ingebroken. De politie in Alphen zoekt getuigen."
    assert names(text) == ["Alphen aan den Rijn", "Gouda"]
    assert names("Er is ingebroken in Alphen.") == ["Alphen"]


def test_a_hedge_between_the_context_word_and_the_place():
    text = "Er werd ingebroken in onder meer Mol, Balen en Dessel, en in vooral Veen."
    assert names(text, "be") == ["Mol", "Balen", "Dessel", "Veen"]
    # Without a context word before the hedge, the ambiguous name stays a word.
    assert names("De wedstrijd bracht onder meer Veen in beeld.") == []


def test_the_municipality_that_locates_a_village_just_named_is_not_another_place():
    text = "De plofkraak gebeurde in Eisden, een deelgemeente van Maasmechelen, in de nacht van zondag."
    assert names(text, "be") == ["Eisden"]
    text = "In Geffen, dat sinds 2015 bij de gemeente Oss hoort, is ingebroken in het dorpshuis."
    assert names(text, "nl") == ["Geffen"]


def test_an_institution_named_after_its_town_is_not_where_it_happened():
    text = "In Westkapelle reed een dronken bestuurder in op fietsers. De politiezone Damme/Knokke-Heist houdt extra controles."
    assert names(text, "be") == ["Westkapelle"]
    text = "In IJhorst is een loods doorzocht. 'Het is onvoorstelbaar', zegt een woordvoerder van de gemeente Staphorst."
    assert names(text, "nl") == ["IJhorst"]
    text = "De zaak diende bij de rechtbank Limburg in Roermond. De plukkers werkten in Sevenum."
    assert names(text, "nl") == ["Sevenum"]


def test_a_home_town_at_the_start_of_a_headline_is_a_home_town():
    text = "Man uit Ermelo moet zich verantwoorden voor stalking in Harderwijk\nEen man uit Ermelo stalkte zijn ex."
    assert names(text, "nl") == ["Harderwijk"]
    assert names("Een boekhouder uit Harelbeke hielp bij de fraude in Waregem.", "be") == ["Waregem"]


def test_a_province_name_is_the_province_not_the_walloon_municipality_of_that_name():
    text = "In Lommel is een drugslabo ontmanteld. In Limburg worden jaarlijks de meeste labo's opgerold."
    assert names(text, "be") == ["Lommel"]
    assert names("Er is ingebroken in een woning in Utrecht.", "nl") == ["Utrecht"]


def test_a_name_with_a_hyphen_and_an_apostrophe_together_is_one_name():
    assert names("In een loods in Sint-Job-in-'t-Goor is een drugslabo opgerold.", "be") == [
        "Sint-Job-in-'t-Goor"
    ]
