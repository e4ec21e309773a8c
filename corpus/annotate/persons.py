"""Suspects and victims as Dutch and Flemish crime news describes them, and pseudonymisation.

The press follows a fixed style for people in criminal cases: age and gender ("een 25-jarige man
uit Wilp"), or first name plus initial ("Mohamed B. (31)"). These patterns are regular enough
for rules, and rules let a researcher see exactly what was extracted and what was replaced.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from corpus.annotate.pseudonymise import pseudonymise_text

__all__ = ["Person", "find_persons", "pseudonymise"]


@dataclass(frozen=True)
class Person:
    """One person as described in the text; fields the text does not state are None."""

    mention: str
    age: int | None
    gender: str | None  # "m" | "v" | None
    role: str | None  # "verdachte" | "slachtoffer" | "getuige" | None
    place: str | None  # home town as printed ("uit Wilp" -> "Wilp")
    name: str | None  # first name plus initial as printed ("Mohamed B.")


_MALE = {
    "man",
    "jongen",
    "vader",
    "zoon",
    "broer",
    "echtgenoot",
    "vriend",
    "opa",
    "heer",
    "buurman",
    "zakenman",
    "mannen",
    "jongens",
}
_FEMALE = {
    "vrouw",
    "meisje",
    "moeder",
    "dochter",
    "zus",
    "echtgenote",
    "vriendin",
    "oma",
    "buurvrouw",
    "vrouwen",
    "meisjes",
}
_WITNESS_CONTEXT = re.compile(r"\b(?:getuige|getuigen|getuigde|zag het gebeuren)\b")
_ROLE_NOUNS = {
    "verdachte": "verdachte",
    "dader": "verdachte",
    "overvaller": "verdachte",
    "inbreker": "verdachte",
    "schutter": "verdachte",
    "slachtoffer": "slachtoffer",
    "getuige": "getuige",
}
_SUSPECT_CONTEXT = re.compile(
    r"\b(?:aangehouden|opgepakt|gearresteerd|verdacht\w*|veroordeeld|vervolgd|terecht|"
    r"gedagvaard|voorgeleid|krijgt|kreeg|moet|eist|geëist|bekend|ontkent|vluchtte|"
    r"heeft zich gemeld)\b"
)
_VICTIM_CONTEXT = re.compile(
    r"\b(?:om het leven|overleden|overleed|gewond|zwaargewond|lichtgewond|beroofd|mishandeld|"
    r"neergestoken|doodgestoken|doodgeschoten|neergeschoten|bedreigd|aangerand|verkracht|"
    r"opgelicht|ontvoerd|slachtoffer|gedood|vermoord)\b"
)
_PLACE = (
    r"(?:'s-)?[A-Z][\w'-]*"
    r"(?:\s+(?:(?:aan|op|bij|en|den|de|der|van|in)\s+)?(?:'s-)?[A-Z][\w'-]*)*"
)
_HOME = re.compile(rf"^\s*\(?\s*(?:\(\d{{1,3}}\)\s*)?uit\s+({_PLACE})")
_AGED_NOUN = re.compile(r"\b(\d{1,3})-jarige\s+([A-Za-zÀ-ÿ-]+)")
_NOUN_AGE = re.compile(
    r"\b(?i:een|de|het)\s+(man|vrouw|jongen|meisje|verdachte|slachtoffer|bestuurder|"
    r"automobilist|fietser|tiener|jongeman)\s+\((\d{1,3})\)"
)
_NOT_A_FIRST_NAME = {
    "De",
    "Het",
    "Een",
    "In",
    "Op",
    "Bij",
    "Na",
    "Voor",
    "Hij",
    "Zij",
    "Ook",
    "Maar",
    "En",
    "Dat",
    "Die",
    "Dit",
    "Deze",
    "Volgens",
    "Tegen",
    "Met",
    "Door",
    "Om",
    "Als",
    "Toen",
    "Want",
    "Van",
    "Aan",
    "Uit",
    "Over",
    "Onder",
    "Sint",
    "St",
    "Prof",
    "Dr",
    "Mr",
    "Ir",
    "Drs",
    "Ing",
    "Zo",
    "Wat",
    "Wie",
    "Waar",
    "Omdat",
    "Nadat",
    "Of",
    "Er",
    "We",
    "Wij",
    "Ze",
    "Ik",
    "U",
    "Je",
    "Al",
}
# "Mohamed B.", "Jan van der V.", "Kevin D.V.", optionally followed by the age in brackets.
_NAMED = re.compile(
    r"(?<![\w.])([A-Z][a-zà-ÿ]+(?:-[A-Z][a-zà-ÿ]+)?"
    r"(?:\s+(?:van|de|der|den|el|al|ter|ten|op|'t)(?:\s+(?:der|den|de|het))?)?)"
    r"\s+([A-Z]{1,2}\.(?:\s?[A-Z]\.)?)(?=[\s,;:)(]|$)(?:\s*\((\d{1,3})\))?"
)


def _sentence_around(text: str, start: int, end: int) -> tuple[str, str]:
    """The rest of the sentence after a mention, and the whole sentence."""
    left = max(text.rfind(". ", 0, start), text.rfind("\n", 0, start)) + 1
    stop = [i for i in (text.find(". ", end), text.find("\n", end)) if i != -1]
    right = min(stop) if stop else len(text)
    return text[end:right], text[left:right]


def _role(noun: str | None, after: str, sentence: str) -> str | None:
    if noun and noun.lower() in _ROLE_NOUNS:
        return _ROLE_NOUNS[noun.lower()]
    for clause in (after, sentence):
        suspect = _SUSPECT_CONTEXT.search(clause)
        victim = _VICTIM_CONTEXT.search(clause)
        if suspect and victim:
            return "verdachte" if suspect.start() < victim.start() else "slachtoffer"
        if suspect:
            return "verdachte"
        if victim:
            return "slachtoffer"
        if _WITNESS_CONTEXT.search(clause):
            return "getuige"
    return None


def _gender(noun: str | None) -> str | None:
    if noun is None:
        return None
    lowered = noun.lower()
    if lowered in _MALE:
        return "m"
    if lowered in _FEMALE:
        return "v"
    return None


def _named_matches(text: str) -> list[re.Match[str]]:
    return [m for m in _NAMED.finditer(text) if m.group(1).split()[0] not in _NOT_A_FIRST_NAME]


def _person(
    text: str, m: re.Match[str], age: int | None, noun: str | None, name: str | None = None
) -> Person:
    """The person a match describes, with the home town that may follow it ("uit Zwolle")."""
    home = _HOME.match(text[m.end() :])
    end = m.end() + (home.end() if home else 0)
    after, sentence = _sentence_around(text, m.start(), end)
    return Person(
        text[m.start() : end].strip(),
        age,
        _gender(noun),
        _role(noun, after, sentence),
        home.group(1) if home else None,
        name,
    )


def find_persons(text: str) -> list[Person]:
    """Persons described in the text, in order of first mention.

    A later description with the same age ("de 45-jarige verdachte" after "een 45-jarige man")
    is taken as the same person and fills in what the first one lacked.
    """
    found: list[tuple[int, Person]] = [
        *((m.start(), _person(text, m, int(m.group(1)), m.group(2))) for m in _AGED_NOUN.finditer(text)),
        *((m.start(), _person(text, m, int(m.group(2)), m.group(1))) for m in _NOUN_AGE.finditer(text)),
        *(
            (
                m.start(),
                _person(text, m, int(m.group(3)) if m.group(3) else None, None, f"{m.group(1)} {m.group(2)}"),
            )
            for m in _named_matches(text)
        ),
    ]
    persons: list[Person] = []
    for _, person in sorted(found, key=lambda pair: pair[0]):
        same = next((i for i, p in enumerate(persons) if _same_person(p, person)), None)
        if same is None:
            persons.append(person)
        else:
            persons[same] = _merge(persons[same], person)
    return persons


def _same_person(a: Person, b: Person) -> bool:
    if a.name and b.name:
        return a.name == b.name
    if a.age is None or a.age != b.age:
        return False
    return a.gender is None or b.gender is None or a.gender == b.gender


def _merge(first: Person, later: Person) -> Person:
    return replace(
        first,
        age=first.age if first.age is not None else later.age,
        gender=first.gender or later.gender,
        role=first.role or later.role,
        place=first.place or later.place,
        name=first.name or later.name,
    )


def pseudonymise(text: str, *, salt: str = "") -> str:
    """Replace every form of every person the text names by a stable placeholder.

    Kept for callers of one text; exports pseudonymise whole records with
    ``corpus.annotate.pseudonymise.pseudonymise_record``, which also covers the URL, the ids and names
    that only another field spells out. See docs/pseudonymisation.md.
    """
    return pseudonymise_text(text, salt=salt)
