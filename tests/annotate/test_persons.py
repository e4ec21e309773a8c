"""Persons as the press describes them, and stable pseudonyms."""

from corpus.annotate.persons import Person, find_persons, pseudonymise


def test_age_gender_place_and_role_of_a_suspect():
    [person] = find_persons("Een 25-jarige man uit Wilp is zaterdag aangehouden.")
    assert person == Person("25-jarige man uit Wilp", 25, "m", "verdachte", "Wilp", None)


def test_victim_and_suspect_in_one_text():
    text = (
        "Bij een steekpartij in Apeldoorn is een 31-jarige vrouw zwaargewond geraakt. "
        "Een 40-jarige man uit Den Haag is aangehouden."
    )
    victim, suspect = find_persons(text)
    assert (victim.age, victim.gender, victim.role) == (31, "v", "slachtoffer")
    assert (suspect.age, suspect.role, suspect.place) == (40, "verdachte", "Den Haag")


def test_name_with_initial_and_age():
    [person] = find_persons("Mohamed B. (31) stond dinsdag terecht voor de rechtbank.")
    assert person.name == "Mohamed B."
    assert person.age == 31
    assert person.role == "verdachte"


def test_multiword_names_and_double_initials():
    persons = find_persons("Jan van der V. en Kevin D.V. (22) werden opgepakt.")
    assert [p.name for p in persons] == ["Jan van der V.", "Kevin D.V."]


def test_later_description_merges_into_first():
    text = "Een 45-jarige man is aangehouden. De 45-jarige verdachte zweeg in het verhoor."
    [person] = find_persons(text)
    assert (person.age, person.gender, person.role) == (45, "m", "verdachte")


def test_role_noun_wins():
    [person] = find_persons("De 45-jarige verdachte ontkent alles.")
    assert person.role == "verdachte" and person.gender is None


def test_sentence_words_are_not_names():
    assert find_persons("De A. is een rivier. In B. staat een huis.") == []


def test_pseudonymise_replaces_name_and_keeps_age():
    out = pseudonymise("Mohamed B. (31) ontkent. Volgens Mohamed was hij thuis.", salt="s")
    assert "Mohamed" not in out
    assert out.count("[persoon-") == 2
    assert "(31)" in out
    placeholder = out.split()[0]
    assert out.count(placeholder) == 2


def test_pseudonyms_are_stable_across_articles_and_depend_on_salt():
    a = pseudonymise("Gisteren is Mohamed B. aangehouden.", salt="project")
    b = pseudonymise("Mohamed B. (31) blijft vastzitten.", salt="project")
    other = pseudonymise("Mohamed B. (31) blijft vastzitten.", salt="ander")
    token_a = a.split()[2]
    assert token_a.startswith("[persoon-")
    assert b.startswith(token_a)
    assert not other.startswith(token_a)


def test_different_names_get_different_placeholders():
    out = pseudonymise("Mohamed B. en Sanne de J. werden verhoord.")
    tokens = [w for w in out.split() if w.startswith("[persoon-")]
    assert len(set(tokens)) == 2


def test_text_without_names_is_unchanged():
    text = "Een 25-jarige man uit Wilp is aangehouden."
    assert pseudonymise(text) == text
