"""Find Dutch and Belgian places named in news text, from the gazetteer shipped in corpus/annotate/data.

Researchers ask where crime happened, so this module reports event places: a place that only
appears as a person's home town ("een 25-jarige man uit Wilp") is dropped when the text names
another place, because then it is the other place where things happened.
"""

from __future__ import annotations

import csv
import gzip
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from itertools import pairwise

from corpus.text.teasers import blank_teasers

__all__ = ["Place", "find_places"]


@dataclass(frozen=True)
class Place:
    """A place from the gazetteer: the name as the press writes it, with its municipality."""

    name: str
    municipality: str
    province: str
    country: str  # "nl" | "be"
    kind: str  # "gemeente" | "woonplaats" | "deelgemeente"


@dataclass(frozen=True)
class _Entry:
    place: Place
    ambiguous: int  # 0 = plain name, 1 = also a Dutch word, 2 = also a common surname/word


_KIND_RANK = {"gemeente": 0, "woonplaats": 1, "deelgemeente": 2}
# A place that shares its name with a province ("Zeeland" in Maashorst, the Walloon municipality
# Limburg in Luik) is almost always the province in news text; only the city of the province's
# own name (Utrecht) is kept.
_PROVINCE_NAMES = {"Zeeland", "Limburg", "Brabant", "Holland", "Friesland", "Drenthe", "Utrecht"}

# Words after which a capitalised place name is a place, not a surname or common word.
_CONTEXT_BEFORE = {
    "in",
    "uit",
    "te",
    "bij",
    "nabij",
    "naar",
    "rond",
    "rondom",
    "vanuit",
    "richting",
    "omgeving",
    "gemeente",
    "centrum",
    "buurt",
    "dorp",
    "stad",
    "deelgemeente",
    "regio",
    "tussen",
}
_TUSSENVOEGSELS = {"van", "de", "der", "den", "ter", "ten", "'t", "het", "la", "le"}
_CLUB_PREFIXES = {"FC", "SC", "AFC", "VV", "SV", "KV", "KAA", "RSC", "KRC", "Roda", "Go", "Club"}
_PERSON_BEFORE_UIT = re.compile(
    r"(?:jarige|man|vrouw|jongen|meisje|verdachte|bestuurder|automobilist|inwoner|inwoonster|"
    r"dader|slachtoffer|agent|tiener|student|eigenaar|bewoner|leraar|vader|moeder|jaar|jongens|"
    r"meisjes|mannen|vrouwen|jongeren|verdachten|boekhouder|ondernemer|zakenman|zakenvrouw|"
    r"jongeman|buurman|buurvrouw|chauffeur|koppel|echtpaar|gezin|familie|\(\d{1,3}\))"
    r"\W*$",
    re.IGNORECASE,  # "Man uit Ermelo ..." opens a headline
)
# A court, prosecutor or tribunal named after its seat ("de rechtbank in Kortrijk", "het hof van
# assisen van Limburg", "Assisen Antwerpen:", "na de uitspraak in Tongeren"): not where the
# offence happened. Such a seat counts only when the text names no other place.
_SEAT_BEFORE = re.compile(
    r"\b(?:(?:rechtbank|gerechtshof|parket)(?: (?-i:[A-Z][\w-]+))? in|"  # "de rechtbank Limburg in Roermond"
    r"(?:rechtbank|politierechter|politierechtbank|gerechtshof|hof|assisen|hof van beroep|"
    r"parket|raadkamer|arbeidsauditoraat|arrondissement|afdeling|rechters?|uitspraak|zitting|"
    r"onderzoeksrechter|jeugdrechter|strafrechter|kantonrechter|verantwoorden)(?: (?:van|in|te))?)\s*$"
    # Not where it happened either: an institution named after its town ("de politiezone
    # Damme/Knokke-Heist", "een woordvoerder van de gemeente Staphorst", "volgens de gemeente
    # Goirle"), or the municipality that locates a village just named ("Eisden, een deelgemeente
    # van Maasmechelen", "Geffen, dat bij de gemeente Oss hoort").
    r"|\bpolitiezone (?:[\w-]+ ?/ ?)?$|\b(?:van|volgens|door|bij) de gemeente\s*$|"
    r"\b(?:deelgemeente|deel|kern) van (?:de gemeente )?\s*$",
    re.IGNORECASE,
)
_SEAT_AFTER = re.compile(r"^\s*(?:parket|rechtbank|gerechtshof|hof|assisenhof|arbeidsauditoraat)\b")
# "de provincie Utrecht", "in Groningen en Drenthe": a province, not a place.
_PROVINCE_BEFORE = re.compile(r"\bprovincies?\s*$", re.IGNORECASE)
_BE_CUES = re.compile(
    r"\b(?:parket|onderzoeksrechter|correctionele rechtbank|hof van assisen|raadkamer|"
    r"politiezone|lokale politie|federale politie|België|Belgische?|Vlaams|Vlaanderen|Wallonië|"
    r"aanhoudingsmandaat|procureur des Konings|Brussel)\b"
)
_NL_CUES = re.compile(
    r"\b(?:Openbaar Ministerie|OM|officier van justitie|Nederland|Nederlandse|marechaussee|"
    r"politierechter|gerechtshof|tbs|Nationale Politie)\b"
)
# A name runs on through hyphens and apostrophes, also both at once: "Sint-Job-in-'t-Goor".
_TOKEN = re.compile(r"'s-[A-Z][\w]*(?:-[\w]+)*|[^\W\d_][\w]*(?:-'?[\w]+|'[\w]+)*")
_SENTENCE_END_CHARS = set(".!?:;\"“”'\n")
_DATELINE_AFTER = re.compile(r"^\s*(?:[-–—:]|\(\w+\)\s*[-–—])")
# Adjectives that do not follow the regular pattern (name + "se", "-en" -> "-se").
_IRREGULAR_ADJECTIVES = {
    "Haagse": "Den Haag",
    "Bossche": "Den Bosch",
    "Brugse": "Brugge",
    "Almeerse": "Almere",
    "Nijmeegse": "Nijmegen",
    "Goudse": "Gouda",
    "Leuvense": "Leuven",
    "Enschedese": "Enschede",
    "Zaanse": "Zaanstad",
    "Hoornse": "Hoorn",
    "Luikse": "Luik",
    "Delftse": "Delft",
}


@cache
def load_gazetteer() -> dict[str, tuple[_Entry, ...]]:
    """Load the shipped gazetteer once: name -> entries, best candidates first."""
    path = resources.files("corpus.annotate") / "data" / "gazetteer.tsv.gz"
    table: dict[str, list[_Entry]] = {}
    with path.open("rb") as raw, gzip.open(raw, "rt", encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            if row["name"] in _PROVINCE_NAMES and (row["kind"], row["province"]) != ("gemeente", row["name"]):
                continue
            place = Place(row["name"], row["municipality"], row["province"], row["country"], row["kind"])
            table.setdefault(row["name"], []).append(_Entry(place, int(row["ambiguous"])))
    return {
        name: tuple(sorted(entries, key=lambda e: _KIND_RANK[e.place.kind]))
        for name, entries in table.items()
    }


@cache
def _name_lengths() -> dict[str, int]:
    """First word of a gazetteer name -> the most words a name starting with it has.

    Most capitalised words start no name at all, and most names are one word: looking up only
    the lengths that exist keeps the per-article scan from joining candidates that cannot match.
    """
    lengths: dict[str, int] = {}
    for name in load_gazetteer():
        words = _TOKEN.findall(name)
        if words:
            lengths[words[0]] = max(lengths.get(words[0], 0), len(words))
    return lengths


@cache
def _adjectives() -> dict[str, str]:
    """Adjective -> place name ("Rotterdamse" -> "Rotterdam"), for municipalities only."""
    adjectives = {}
    for name, entries in load_gazetteer().items():
        if " " in name or not any(e.place.kind == "gemeente" for e in entries):
            continue
        if name.endswith("en"):
            adjectives[name[:-2] + "se"] = name
        elif name.endswith("e"):
            adjectives[name[:-1] + "se"] = name
        else:
            adjectives[name + "se"] = name
    adjectives.update(_IRREGULAR_ADJECTIVES)
    # An adjective that is itself a place name is that place, not an adjective.
    return {adj: name for adj, name in adjectives.items() if adj not in load_gazetteer()}


@dataclass(frozen=True)
class _Mention:
    name: str
    residence: bool
    seat: bool = False


def _infer_country(text: str, names: list[str]) -> str:
    """Guess the country of an article: Belgian legal vocabulary versus Dutch, then places."""
    be = len(_BE_CUES.findall(text))
    nl = len(_NL_CUES.findall(text))
    for name in names:
        countries = {e.place.country for e in load_gazetteer()[name]}
        if countries == {"be"}:
            be += 1
        elif countries == {"nl"}:
            nl += 1
    return "be" if be > nl else "nl"


def _has_context(text: str, tokens: list[re.Match[str]], i: int, end: int) -> bool:
    """True when the words around token i mark it as a place ("in Best", "BEST -")."""
    if i > 0:
        prev = tokens[i - 1].group().lower()
        between = text[tokens[i - 1].end() : tokens[i].start()]
        if prev in _CONTEXT_BEFORE and between.strip() in {"", ","}:
            return True
        if _hedged_context(text, tokens, i):
            return True  # "in onder meer Mol, Balen en Dessel", "in vooral Lommel"
        if between.strip() == "," and tokens[i - 1].group() in load_gazetteer():
            return True  # a list of places: "in Mechelen, Lier en Duffel"
        if prev in {"en", "of"} and _place_ends_at(text, tokens, i - 2):
            return True  # the second of a pair: "tussen Sint-Martens-Voeren en Teuven"
        if prev == "van" and i > 1 and tokens[i - 2].group()[0].islower():
            return True  # "de burgemeester van Best", not "Peter van Best"
    return i == 0 and bool(_DATELINE_AFTER.match(text[end:]))


# Words that may stand between a context word and the place it introduces.
_HEDGES = (("onder", "meer"), ("onder", "andere"), ("met", "name"), ("vooral",), ("ook",), ("zelfs",))


def _hedged_context(text: str, tokens: list[re.Match[str]], i: int) -> bool:
    """True when a context word comes before token i with only a hedge between them."""
    for hedge in _HEDGES:
        j = i - len(hedge)
        if j < 1 or tuple(t.group().lower() for t in tokens[j:i]) != hedge:
            continue
        if _joined(text, tokens[j - 1 : i + 1]):
            return tokens[j - 1].group().lower() in _CONTEXT_BEFORE
    return False


def _joined(text: str, span: list[re.Match[str]]) -> bool:
    """Whether the tokens of ``span`` stand one space apart (no punctuation or line between)."""
    return all(text[a.end() : b.start()] == " " for a, b in pairwise(span))


def _place_ends_at(text: str, tokens: list[re.Match[str]], j: int) -> bool:
    """True when a gazetteer name ends with token j ("Wijk aan Zee en ...", not "Diptera of ...")."""
    gazetteer = load_gazetteer()
    for n in range(1, min(4, j + 1) + 1):
        span = tokens[j - n + 1 : j + 1]
        if _joined(text, span) and " ".join(t.group() for t in span) in gazetteer:
            return True
    return False


def _looks_like_surname_or_club(text: str, tokens: list[re.Match[str]], i: int) -> bool:
    if i == 0:
        return False
    prev = tokens[i - 1].group()
    if prev in _CLUB_PREFIXES:
        return True
    if prev.lower() in _TUSSENVOEGSELS:
        if prev[0].isupper() and not _at_sentence_start(text, tokens[i - 1].start()):
            return True  # "Van Putten", mid-sentence
        if i > 1 and tokens[i - 2].group()[0].isupper():
            return not _at_sentence_start(text, tokens[i - 2].start()) or prev[0].islower()
    return False


def _at_sentence_start(text: str, pos: int) -> bool:
    """True at the start of the text, a sentence, a quote or a dash-introduced clause."""
    i = pos - 1
    while i >= 0 and text[i] in " \t\r":
        i -= 1
    return i < 0 or text[i] in _SENTENCE_END_CHARS or (text[i] in "-–—" and text[i - 1 : i] == " ")


def _mentions(text: str) -> Iterator[_Mention]:
    gazetteer = load_gazetteer()
    lengths = _name_lengths()
    adjectives = _adjectives()
    tokens = list(_TOKEN.finditer(text))
    previous_end, previous_residence = 0, False
    i = 0
    while i < len(tokens):
        word = tokens[i].group()
        if not (word[0].isupper() or word.startswith("'s-")):
            i += 1
            continue
        found = None
        for n in range(min(lengths.get(word, 0), len(tokens) - i), 0, -1):
            span = tokens[i : i + n]
            if any(text[a.end() : b.start()] != " " for a, b in pairwise(span)):
                continue
            candidate = " ".join(t.group() for t in span)
            if candidate in gazetteer:
                found = (candidate, n, False)
                break
        if found is None and "-" in word:
            # "Amsterdam-Noord", "Rotterdam-Charlois": a district named after its city.
            # Not a head that needs context: "Oost-Brabant" is no district of a village Oost.
            head, _, tail = word.partition("-")
            if head in gazetteer and tail[:1].isupper() and max(e.ambiguous for e in gazetteer[head]) < 2:
                found = (head, 1, False)
        if found is None and word in adjectives:
            found = (adjectives[word], 1, True)
        if found is None:
            i += 1
            continue
        name, n, is_adjective = found
        end = tokens[i + n - 1].end()
        level = max(e.ambiguous for e in gazetteer[name])
        start_of_sentence = _at_sentence_start(text, tokens[i].start())
        if not is_adjective:
            if _looks_like_surname_or_club(text, tokens, i):
                i += n
                continue
            needs_context = level == 2 or (level == 1 and start_of_sentence)
            if needs_context and not _has_context(text, tokens, i, end):
                i += n
                continue
        before = text[max(0, tokens[i].start() - 60) : tokens[i].start()]
        if _PROVINCE_BEFORE.search(before):
            i += n
            continue
        residence = before.rstrip().endswith(" uit") and bool(_PERSON_BEFORE_UIT.search(before.rstrip()[:-4]))
        # "jongens uit Amsterdam en Den Haag": the second home town of a pair.
        joined = text[previous_end : tokens[i].start()].strip() in {"en", "of", ","}
        residence = residence or (joined and previous_residence)
        after = text[end : end + 30]
        seat = bool(_SEAT_BEFORE.search(before)) or (is_adjective and bool(_SEAT_AFTER.match(after)))
        if not is_adjective and after.startswith(":") and before.rstrip().lower().endswith("assisen"):
            seat = True
        yield _Mention(name, residence, seat)
        previous_end, previous_residence = end, residence
        i += n


def _choose(name: str, country: str, text: str) -> Place:
    """Pick one gazetteer entry for a name: a province named in the text, else the country."""
    entries = load_gazetteer()[name]
    if len(entries) > 1:
        for entry in entries:
            if entry.place.province != entry.place.name and entry.place.province in text:
                return entry.place
    in_country = [e for e in entries if e.place.country == country] or list(entries)
    return in_country[0].place


def find_places(text: str, country: str | None = None) -> list[Place]:
    """Places where things happened, in order of first mention, each place once.

    ``country`` ("nl" or "be") settles names found in both countries ("Bergen", "Zwijndrecht");
    without it the country is inferred from the legal vocabulary and the other places named. A
    teaser for another story ("Lees ook: ...") names that story's places, and is not read.
    """
    text = blank_teasers(text)
    mentions = list(_mentions(text))
    if not mentions:
        return []
    if country is None:
        country = _infer_country(text, [m.name for m in mentions])
    event = [m for m in mentions if not m.residence and not m.seat]
    kept = event if event else [m for m in mentions if not m.seat] or mentions
    # A short form of a longer name the text also gives is that place: "Alphen" after "Alphen aan
    # den Rijn", "Capelle" beside "Capelle aan den IJssel", not the village Alphen in Brabant.
    named = {m.name for m in mentions}
    places: list[Place] = []
    for mention in kept:
        longer = sorted(n for n in named if n.startswith(mention.name + " "))
        place = _choose(longer[0] if len(longer) == 1 else mention.name, country, text)
        if place not in places:
            places.append(place)
    return places
