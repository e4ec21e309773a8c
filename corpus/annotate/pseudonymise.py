"""Pseudonymised copies of exported article records: every form of a named person, URLs and ids.

Dutch and Flemish crime reporting names private people by first name plus initial ("Mohamed B.",
"Sander de J.", "Kevin V.D."), and after the first mention by the initial alone ("De J.",
"B."), the first name alone, or now and then the full surname. A placeholder that is stable
across the corpus lets researchers follow a case, but it also means that one surviving form
re-identifies the person in every article, so this module works per article: it first collects
the persons the article names (in any field), derives every form of each name, and then replaces
all of them in every field with the same placeholder. URLs and ids are replaced by salted
hashes, because a slug repeats the headline's name and the id is an unsalted hash of the URL.

Pure: no Scrapy, no SQLAlchemy; it takes and returns the records ``corpus.outputs.export.article_record``
produces. What is and is not covered is in docs/pseudonymisation.md.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any
from urllib.parse import urlsplit

__all__ = [
    "NameForms",
    "find_name_forms",
    "leaks",
    "named_forms",
    "placeholder",
    "pseudonymise_record",
    "pseudonymise_text",
    "pseudonymous_id",
    "pseudonymous_url",
]

# Fields whose text is searched for names and rewritten; the list fields hold strings or dicts.
TEXT_FIELDS = ("title", "text", "lead", "description")
LIST_FIELDS = ("persons", "crime_evidence", "entries")
ID_FIELDS = ("id", "duplicate_of", "cluster_id")

_UP = "A-ZÀ-ÖØ-Þ"
_LO = "a-zß-öø-ÿ"


def _words(block: str) -> list[str]:
    return block.split()


# Capitalised words that start sentences, titles, institutions and places, never a first name.
_STOP = frozenset(
    _words(
        """
        De Het Een In Op Bij Na Voor Hij Zij Ook Maar En Dat Die Dit Deze Volgens Tegen Met Door Om
        Als Toen Want Van Aan Uit Over Onder Sint St Prof Dr Mr Ir Drs Ing Zo Wat Wie Waar Omdat
        Nadat Of Er We Wij Ze Ik U Je Al Dan Toch Nog Later Eerder Daarna Daar Hier Nu Pas Wel Niet
        Geen Ook Even Zowel Noch Tot Sinds Tijdens Zonder Binnen Buiten Achter Naast Langs Via Per
        Rond Politie Justitie Openbaar Ministerie Rechtbank Hof Rechter Officier Advocaat Agent
        Agenten Burgemeester Gemeente Minister Staat Koning Koningin Prins Ploeg Team Club Stichting
        Raad Verdachte Verdachten Slachtoffer Slachtoffers Dader Daders Getuige Getuigen Man Vrouw
        Jongen Meisje Vader Moeder Broer Zus Zoon Dochter Kind Kinderen Familie Buurman Buurvrouw
        Buren Januari Februari Maart April Mei Juni Juli Augustus September Oktober November
        December Maandag Dinsdag Woensdag Donderdag Vrijdag Zaterdag Zondag Vandaag Gisteren Morgen
        Noord Zuid Oost West Nederland Belgie België Vlaanderen Wallonie Brussel Europa Afrika
        Straat Weg Laan Plein Gracht Kade Dijk Park Markt Station Centrum Ziekenhuis Gevangenis Zaak
        Proces Uitspraak Vonnis Arrest Celstraf Taakstraf Boete Volgens Aldus Intussen Verder Update
        Video Foto Live Lees Bekijk Meer Nieuws Regio Binnenland Buitenland Den Der Ter Ten Te
        Echtpaar Stel Broers Zussen Gezin Tweeling Bende Drietal Duo Groep Moeder Ouders
        Vanden Vander Vande Von La Le Du Da Di Abou Abu
        """
    )
)
# Demonyms and nationalities: "de 34-jarige Amsterdammer" describes a person but names nobody.
_DEMONYM_ENDINGS = ("mmer", "naar", "enaar", "aan", "ees", "iër", "eër", "ander", "ling")
_DEMONYMS = frozenset(
    _words(
        """
        Belg Nederlander Marokkaan Turk Pool Roemeen Bulgaar Duitser Fransman Engelsman Brit Syriër
        Afghaan Eritreeër Somaliër Surinamer Antilliaan Litouwer Albanees Rus Oekraïner Italiaan
        Spanjaard Portugees Chinees Iraniër Irakees Algerijn Tunesiër Limburger Groninger Utrechter
        Tilburger Hagenaar Hagenees Fries Zeeuw Brabander Vlaming Waal Brusselaar Antwerpenaar
        """
    )
)
_ACRONYMS = frozenset(
    _words(
        """
        OM NOS ANP RTL NU AD HLN VRT VTM NRC EU VS VK NS NFI FIOD KLM BOA VPRO GGD GGZ TBS PVV VVD
        CDA FBI CIA NAVO VN ING ABN DNA NIEUWS UPDATE VIDEO LIVE
        """
    )
)
_PARTICLE_WORDS = (
    "van der|van den|van de|van het|van 't|in 't|in de|op de|op 't|"
    "vanden|vander|vande|van|de|der|den|het|'t|ten|ter|te|el|al|ben|bin|abou|abu|la|le|du|da|di|von|op"
)
_PARTICLE = rf"(?i:{_PARTICLE_WORDS})"
_PARTICLES = rf"(?:{_PARTICLE}\s+)?"
_FIRST = rf"[{_UP}][{_LO}]+(?:-[{_UP}][{_LO}]+)?"
_FIRST_CAPS = rf"[{_UP}]{{2,}}(?:-[{_UP}]{{2,}})?"
# "B.", "D.W.", "D. W.", "V.D.S.", "V.d.B.", "VD." (Flemish initials, with or without inner dots).
_INITIALS = rf"(?:[{_UP}]\.(?:\s?(?:[a-z]\.)?[{_UP}]\.){{0,2}}|[{_UP}]{{2,3}}\.)"
_NOT_STOP = r"(?!(?:" + "|".join(sorted(_STOP, key=len, reverse=True)) + r")\b)"
_NAMED = re.compile(
    rf"(?<![\w.\[])(?P<first>{_NOT_STOP}{_FIRST}|{_FIRST_CAPS})\s+(?P<parts>{_PARTICLES})"
    rf"(?P<ini>{_INITIALS})(?![\w])"
)
_ROLE_CUE = (
    r"\d{1,3}-jarige|(?i:verdachte|verdachten|hoofdverdachte|medeverdachte|slachtoffer|dader|"
    r"overvaller|inbreker|schutter|steker|bestuurder|automobilist|beklaagde|gedetineerde|"
    r"opdrachtgever|meneer|mevrouw|getuige|broer|zus|zoon|dochter|vader|moeder|buurman|buurvrouw)"
)
_CUED = re.compile(
    rf"(?:\b(?:{_ROLE_CUE})\s+(?P<parts>{_PARTICLES})(?P<ini>{_INITIALS})(?![\w]))"
    rf"|(?:(?<![\w.\[-])(?P<parts2>{_PARTICLES})(?P<ini2>{_INITIALS})(?=\s*\(\d{{1,3}}\)|\s+uit\s+[{_UP}]))"
)
_KIN = (
    r"broer|broertje|zus|zusje|zoon|zoontje|dochter|dochtertje|vader|moeder|stiefvader|stiefmoeder|"
    r"vriend|vriendin|ex|ex-vriend|ex-vriendin|partner|echtgenoot|echtgenote|vrouw|man|neef|nicht|"
    r"oom|tante|opa|oma|kompaan|handlanger"
)
# "de 72-jarige Gentse vrouw": a capitalised adjective before a person noun is no first name.
_NOUN = (
    r"(?:man|vrouw|jongen|meisje|jongeman|tiener|student|studente|scholier|scholiere|bestuurder|"
    r"verdachte|dader|automobilist|fietser|inwoner|inwoonster|moeder|vader|zoon|dochter)\b"
)
# "Het slachtoffer, Ayoub, ligt ...": a first name set off by commas after a role noun.
_APPOSITION = r"slachtoffer|verdachte|dader|overledene|vermiste|getuige|schutter|bestuurder|jongen|meisje"


def _surname(group: str) -> str:
    """An optional full surname after a first name: "Sanne de Wit", "Peter Van Damme"."""
    return rf"(?:\s+(?P<{group}>(?:{_PARTICLE}\s+){{0,2}}[{_UP}][{_LO}]+(?:-[{_UP}][{_LO}]+)?))?"


_FIRST_ONLY = re.compile(
    rf"(?:(?:\b(?i:zijn|haar|diens|hun|z'n|d'r)|\b[{_UP}][{_LO}]+(?:['’]s|s|'))\s+(?:[{_LO}]+\s+)?(?i:{_KIN})\s+"
    rf"(?P<kin>{_NOT_STOP}{_FIRST})\b"
    rf"{_surname('kin_sur')}(?!\s+{_PARTICLES}{_INITIALS}))"
    rf"|(?:\b\d{{1,3}}-jarige\s+(?P<aged>{_NOT_STOP}{_FIRST})\b{_surname('aged_sur')}"
    rf"(?!\s+{_PARTICLES}{_INITIALS})(?!\s+{_NOUN}))"
    rf"|(?:(?<![\w.\[-])(?P<bracket>{_NOT_STOP}{_FIRST}){_surname('bracket_sur')}\s*\(\d{{1,3}}\))"
    rf"|(?:\b(?i:{_APPOSITION})\s*,\s*(?P<apposed>{_NOT_STOP}{_FIRST}){_surname('apposed_sur')}\s*,)"
)
_URL_IN_TEXT = re.compile(r"\b(?:https?://|www\.)[^\s<>\"')\]]+")


@cache
def _places() -> frozenset[str]:
    """Gazetteer names, which are never taken as a bare first name ("de 34-jarige Zwolle" does not occur)."""
    from corpus.annotate.places import load_gazetteer  # pure module; the gazetteer loads once

    return frozenset(load_gazetteer())


def _is_plain_word(word: str, *, places: bool = True) -> bool:
    """True when a capitalised word is a known non-name (stop word, demonym, and place if asked).

    Surnames spelled after a known first name skip the place test: many are also towns
    ("Van Damme", "Breda"), and "Mohamed Breda" is not how the press writes a home town.
    """
    if word in _STOP or word in _DEMONYMS or (places and word in _places()):
        return True
    return len(word) > 5 and word.endswith(_DEMONYM_ENDINGS) and word not in _FIRST_NAMES_WITH_DEMONYM_ENDING


# First names that end like a demonym ("Alexander" like "Brabander", "Christiaan" like "Marokkaan").
_FIRST_NAMES_WITH_DEMONYM_ENDING = frozenset(
    {"Alexander", "Lysander", "Sander", "Evander", "Adriaan", "Christiaan", "Stefaan", "Johan"}
)


def _norm_parts(parts: str) -> str:
    return " ".join(parts.lower().split())


def _norm_initials(ini: str) -> str:
    """Letters of an initials group: "D. W.", "DW." and "D.W." give "DW"; "V.d.B." gives "VDB"."""
    return re.sub(r"[\W\d_]", "", ini).upper()


def _initials_text(letters: str) -> str:
    return "".join(f"{c}." for c in letters)


@dataclass
class _Person:
    first: str | None  # title case
    parts: str  # lower-case particles, "" when none
    letters: str  # surname initials, "" when the person is known by first name only
    surnames: set[str] = field(default_factory=set)  # full surnames the article spells out

    @property
    def canonical(self) -> str:
        words = [self.first or "", self.parts, _initials_text(self.letters)]
        return " ".join(w for w in words if w)


@dataclass(frozen=True)
class NameForms:
    """Every textual form of the persons one record names, and the placeholder of each person."""

    forms: dict[str, str]  # lower-cased form -> placeholder, longest first
    pattern: re.Pattern[str] | None  # one group f0, f1, ... per form, in the order of ``forms``
    bare_initials: frozenset[str]  # lower-cased forms that are initials alone ("b.", "d.w.")
    full: frozenset[str] = frozenset()  # lower-cased first-name-plus-initial forms ("mohamed b.")

    def names(self) -> list[str]:
        """The forms as printed ("Mohamed B.", "de J.", "B."), for ``leaks``."""
        return [_display(form) for form in self.forms]


def _display(form: str) -> str:
    """A lower-cased form as the press prints it: initials in capitals, names capitalised."""
    words = []
    for word in form.split():
        if re.fullmatch(r"(?:[^\W\d_]\.)+", word):
            words.append(word.upper())
        elif re.fullmatch(_PARTICLE_WORDS, word):
            words.append(word)
        else:
            words.append("-".join(p[:1].upper() + p[1:] for p in word.split("-")))
    return " ".join(words)


def named_forms(text: str) -> Iterator[tuple[str, str]]:
    """Every first-name-plus-initial form in a text: (as printed, lower-cased key as in ``NameForms.full``)."""
    for m in _NAMED.finditer(text):
        first = m.group("first")
        words = [first.title() if first.isupper() else first, _norm_parts(m.group("parts"))]
        words.append(_initials_text(_norm_initials(m.group("ini"))))
        yield m.group(0), " ".join(w for w in words if w).lower()


def _hash(salt: str, *parts: str) -> str:
    return hmac.new(salt.encode(), "\x00".join(parts).encode(), hashlib.sha256).hexdigest()


def placeholder(canonical: str, salt: str, scope: str = "") -> str:
    """``[persoon-xxxxxx]`` for a name; ``scope`` (an article id) keeps partial names article-local.

    A full "first name plus initial" form hashes without scope, so one person keeps one
    placeholder across the corpus; "K." or "Youssef" alone are too common for that and would
    merge strangers, so they hash with the article's id. Same salt-NUL-name construction as
    before for the unscoped case, so earlier pseudonymised exports keep their placeholders.
    """
    name = " ".join(canonical.split())
    if scope:
        digest = _hash(salt, "scoped", scope, name)
    else:
        digest = hashlib.sha256(f"{salt}\x00{name}".encode()).hexdigest()
    return f"[persoon-{digest[:6]}]"


def pseudonymous_id(article_id: str, salt: str) -> str:
    """A salted stand-in for an article id; the plain id is sha256(URL), so anyone could test guesses."""
    return _hash(salt, "id", article_id)[:16]


def pseudonymous_url(url: str, salt: str) -> str:
    """Scheme and host kept (the outlet is public anyway), path and query replaced by a salted hash.

    The path goes whole: slugs repeat the headline's names, and a numeric article number would
    let anyone open the original page with every name in it.
    """
    parts = urlsplit(url if "://" in url else f"https://{url}")
    host = parts.netloc.rsplit("@", 1)[-1]
    return f"{parts.scheme or 'https'}://{host}/pseudonymised/{_hash(salt, 'url', url)[:16]}"


def strings_in(value: Any) -> Iterator[str]:
    """Every string inside a record's value (nested dicts and lists), in order."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from strings_in(v)
    elif isinstance(value, list | tuple):
        for v in value:
            yield from strings_in(v)


def _record_texts(record: dict[str, Any]) -> tuple[list[str], list[str]]:
    """The record's prose (title, text, lead) and its fragments (persons' mentions, evidence)."""
    prose = [record[f] for f in TEXT_FIELDS if isinstance(record.get(f), str)]
    fragments = [s for name in LIST_FIELDS for s in strings_in(record.get(name))]
    return prose, fragments


def _collect(prose: list[str], fragments: list[str]) -> list[_Person]:
    """The persons the texts name, merged by (first name, particles, initials).

    A first name without an initial is only taken from prose: a stored mention such as
    "72-jarige Gentse" has lost the noun ("vrouw") that shows it is an adjective.
    """
    full: dict[tuple[str, str, str], _Person] = {}
    partial: list[tuple[str, str]] = []  # (parts, letters) seen without a first name
    first_only: list[tuple[str, str | None]] = []
    corpus = [*prose, *fragments]
    for text in corpus:
        for m in _NAMED.finditer(text):
            if _in_double_name(text, m.start()):
                continue
            first = m.group("first")
            first = first.title() if first.isupper() else first
            if first in _STOP or m.group("first") in _ACRONYMS:
                continue  # "OM B." or "NOS K." are acronyms, not people
            key = (first, _norm_parts(m.group("parts")), _norm_initials(m.group("ini")))
            full.setdefault(key, _Person(*key))
        for m in _CUED.finditer(text):
            parts = m.group("parts") if m.group("ini") else m.group("parts2")
            ini = m.group("ini") or m.group("ini2")
            partial.append((_norm_parts(parts or ""), _norm_initials(ini)))
    for text in prose:
        for m in _FIRST_ONLY.finditer(text):
            group = next(g for g in ("kin", "aged", "bracket", "apposed") if m.group(g))
            name, surname = m.group(group), m.group(f"{group}_sur")
            if _is_plain_word(name):
                continue
            if surname and _is_plain_word(surname.split()[-1], places=False):
                surname = None  # "zijn broer Youssef Maandag" is no surname
            first_only.append((name, surname))
    persons = list(full.values())
    for parts, letters in partial:
        if not _find_by_initials(persons, parts, letters):
            persons.append(_Person(None, parts, letters))
    for name, surname in first_only:
        person = next((p for p in persons if p.first == name), None)
        if person is None:
            person = _Person(name, "", "")
            persons.append(person)
        if surname:
            person.surnames.add(surname)
    _spelled_surnames(corpus, persons)
    return persons


def _find_by_initials(persons: list[_Person], parts: str, letters: str) -> _Person | None:
    """The person "De J." or "K." refers to: same initials, and same particles when the mention has any.

    A leading "de" may be the article ("de K. (34)"), so it does not have to match.
    """
    same = [p for p in persons if p.letters == letters]
    for p in same:
        if p.parts == parts:
            return p
    for p in same:
        if parts in ("", "de", "het"):
            return p
    return None


# A capitalised word followed by a possible surname: "Mohamed Bouzid", "Kevin Van Damme".
_FIRST_AND_SURNAME = re.compile(
    rf"(?<![\w-])({_FIRST})(?=\s+((?:{_PARTICLE}\s+){{0,2}}[{_UP}][{_LO}]+(?:-[{_UP}][{_LO}]+)?))"
)  # the surname is a lookahead, so "Wie Kevin Van Damme" yields "Wie Kevin" and "Kevin Van Damme"


def _spelled_surnames(texts: list[str], persons: list[_Person]) -> None:
    """Add the full surnames written after a first name ("Mohamed Bouzid" for "Mohamed B.")."""
    by_first: dict[str, list[_Person]] = {}
    for person in persons:
        if person.first and person.letters:
            by_first.setdefault(person.first, []).append(person)
    if not by_first:
        return
    for text in texts:
        for m in _FIRST_AND_SURNAME.finditer(text):
            if m.group(1) not in by_first:
                continue
            words = m.group(2).split()
            if _is_plain_word(words[-1], places=False) or words[-1] in _FIRST_NAMES_WITH_DEMONYM_ENDING:
                continue
            particles = " ".join(w.lower() for w in words[:-1])
            initials = "".join(w[0].upper() for w in words)
            for person in by_first[m.group(1)]:
                one_letter = len(person.letters) == 1 and particles == person.parts
                if (one_letter and words[-1][0] == person.letters) or (
                    len(words) > 1 and initials == person.letters
                ):
                    # "Bouzid" for "B.", "de Jong" for "de J.", "Van Damme" for "V.D."
                    person.surnames.add(" ".join(words))


def find_name_forms(record: dict[str, Any], *, salt: str) -> NameForms:
    """Every form of every person the record names, each mapped to that person's placeholder."""
    persons = _collect(*_record_texts(record))
    scope = str(record.get("id") or "")
    forms: dict[str, str] = {}
    bare: set[str] = set()

    def add(form: str, ph: str) -> None:
        forms.setdefault(" ".join(form.lower().split()), ph)

    for person in persons:
        scoped = not (person.first and person.letters)
        ph = placeholder(person.canonical, salt, scope if scoped else "")
        ini = _initials_text(person.letters)
        if person.first and ini:
            add(f"{person.first} {person.parts} {ini}", ph)
            # The first name's initial with the surname's: "J.V.", "J. V.", "S. de J.".
            initial = f"{person.first[0]}."
            add(f"{initial} {person.parts} {ini}" if person.parts else f"{initial}{ini}", ph)
        if person.first and len(person.first) >= 2:
            add(person.first, ph)
        if ini:
            if person.parts:
                add(f"{person.parts} {ini}", ph)
            add(ini, ph)
            bare.add(ini.lower())
        for surname in person.surnames:
            add(surname, ph)
            words = surname.split()
            add(words[-1], ph)
            if person.first:
                add(f"{person.first} {surname}", ph)
    if not forms:
        return NameForms({}, None, frozenset())
    ordered = dict(sorted(forms.items(), key=lambda kv: len(kv[0]), reverse=True))
    alternatives = [f"(?P<f{i}>{_form_pattern(form)})" for i, form in enumerate(ordered)]
    pattern = re.compile(rf"(?<![\w.\[])(?:{'|'.join(alternatives)})(?P<poss>['’][sS]|[sS])?(?![\w])")
    full = {p.canonical.lower() for p in persons if p.first and p.letters}
    return NameForms(ordered, pattern, frozenset(bare), frozenset(full))


def _form_pattern(form: str) -> str:
    """A regex for one lower-cased form: words as printed or in capitals, particles in any case."""
    pieces: list[str] = []
    for word in form.split():
        if re.fullmatch(_PARTICLE_WORDS.replace(" ", r"\ "), word) or word in {"'t"}:
            pieces.append(f"(?i:{re.escape(word)})")
        elif re.fullmatch(r"(?:[^\W\d_]\.)+", word):
            letters = [re.escape(c.upper()) for c in word if c != "."]
            if len(letters) == 1:
                pieces.append(letters[0] + r"\.")
            else:
                # "D.W.", "D. W." and "DW." are one form, so are "V.D.B." and "V.d.B."; the last
                # dot may be the sentence's full stop.
                rest = [f"(?i:{c})" for c in letters[1:]]
                pieces.append(r"(?:\.\s?)?".join([letters[0], *rest]) + r"\.?")
        else:
            title = "-".join(p[:1].upper() + p[1:] for p in word.split("-"))
            pieces.append(f"(?:{re.escape(title)}|{re.escape(title.upper())})")
    return r"\s+".join(pieces)


def _replace(text: str, names: NameForms, salt: str) -> str:
    if not text:
        return text
    text = _URL_IN_TEXT.sub(lambda m: pseudonymous_url(m.group(0), salt), text)
    if names.pattern is None:
        return text
    keys = list(names.forms)

    def sub(m: re.Match[str]) -> str:
        index = next(i for i in range(len(keys)) if m.group(f"f{i}") is not None)
        form, poss = keys[index], m.group("poss") or ""
        if _in_double_name(text, m.start()):
            return m.group(0)  # "Willem" in "Jan-Willem" is another name
        if poss.lower() == "s" and form.endswith("."):
            return m.group(0)  # "B.s" is no possessive
        if form in names.bare_initials and _starts_other_name(text, m.end(), names.forms):
            return m.group(0)  # "J. Pieters": the initial of someone else's first name
        return names.forms[form] + poss

    return names.pattern.sub(sub, text)


def _in_double_name(text: str, start: int) -> bool:
    """True for the second half of a double name ("Willem" in "Jan-Willem"), not "zaak-Mohamed B."."""
    if start == 0 or text[start - 1] != "-":
        return False
    before = re.search(r"(\w+)-$", text[max(0, start - 40) : start])
    return bool(before and before.group(1)[0].isupper())


def _starts_other_name(text: str, end: int, forms: dict[str, str]) -> bool:
    """True when an initial is followed by a surname ("J. Pieters", "J. de Vries"), not a new sentence."""
    m = re.match(rf"\s+(?:{_PARTICLE}\s+)?([{_UP}][{_LO}]+)", text[end:])
    if not m:
        return False
    word = m.group(1)
    # A new sentence ("B. Hij ..."), or this article's own names ("naar D. Kenzo is ...").
    return not (_is_plain_word(word) or word.lower() in forms)


def pseudonymise_text(text: str, *, salt: str = "", scope: str = "") -> str:
    """Pseudonymise one text on its own (the names it holds are the only ones known)."""
    record = {"id": scope, "text": text}
    return _replace(text, find_name_forms(record, salt=salt), salt)


def _rewrite(value: Any, names: NameForms, salt: str) -> Any:
    if isinstance(value, str):
        return _replace(value, names, salt)
    if isinstance(value, dict):
        return {k: _rewrite(v, names, salt) for k, v in value.items()}
    if isinstance(value, list):
        return [_rewrite(v, names, salt) for v in value]
    return value


def _is_name_form(names: NameForms, place: Any) -> bool:
    name = place.get("name") if isinstance(place, dict) else place
    return isinstance(name, str) and " ".join(name.lower().split()) in names.forms


def pseudonymise_record(record: dict[str, Any], *, salt: str) -> dict[str, Any]:
    """A copy of an exported record with every name form, the URL and the ids replaced.

    Names are collected over all the record's text fields first, so a form that only the title
    or the persons list spells out ("MOHAMED B.") is still replaced in the text, and "De J."
    late in the text gets the placeholder of "Sander de J." from the lead.
    """
    names = find_name_forms(record, salt=salt)
    out = dict(record)
    for name in TEXT_FIELDS:
        if isinstance(out.get(name), str):
            out[name] = _replace(out[name], names, salt)
    for name in LIST_FIELDS:
        if out.get(name):
            out[name] = _rewrite(out[name], names, salt)
    if out.get("places") and names.pattern is not None:
        # "Kevin Van Damme" also gave the place "Damme": a place spelled like a name form goes.
        out["places"] = [p for p in out["places"] if not _is_name_form(names, p)]
    if isinstance(out.get("url"), str):
        out["url"] = pseudonymous_url(out["url"], salt)
    for name in ID_FIELDS:
        if isinstance(out.get(name), str) and out[name]:
            out[name] = pseudonymous_id(out[name], salt)
    return out


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def leaks(record: dict[str, Any], names: Iterable[str]) -> list[str]:
    """Where any of ``names`` (or its possessive, capitals, or URL slug) survives in the record.

    Each hit is ``"field: form"``. A hit must hold a capital, as a mention does ("De J.",
    "MOHAMED", "Bouzid's"): the words otherwise match in any case, so "echtpaar" in a sentence
    is not the "Echtpaar" of a headline. An initial alone ("K.") matches as printed. The URL is
    also searched for the slug of each name ("mohamed-b").
    """
    found: list[str] = []
    fields = [(k, s) for k, v in record.items() for s in strings_in(v)]
    for name in names:
        words = name.split()
        body = r"\s+".join(re.escape(w).replace(r"\.", r"\.\s?") for w in words)
        initials_only = bool(re.fullmatch(r"(?:[A-ZÀ-Þ]\.\s?)+", name.strip()))
        flags = 0 if initials_only else re.IGNORECASE
        pattern = re.compile(rf"(?<![\w.\[]){body}(?:['’]s|s)?(?![\w])", flags)
        slug = _slug(name)
        for key, value in fields:
            if any(
                not m.group(0).islower() and not _in_double_name(value, m.start())
                for m in pattern.finditer(value)
            ):
                found.append(f"{key}: {name}")
            elif (
                key == "url"
                and len(slug) >= 3
                and re.search(rf"(?<![a-z0-9]){re.escape(slug)}(?![a-z0-9])", value.lower())
            ):
                found.append(f"{key}: {name} (slug)")
    return found
