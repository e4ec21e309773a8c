"""Recognise crime news in general Dutch and Flemish feeds, with the evidence for each decision.

The classifier is a weighted lexicon on purpose: researchers must be able to see, for every
article, which words and phrases made the tool call it crime news, and argue with the weights.
Weights, threshold, categories and stages are documented in docs/classification.md.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import cache, lru_cache

import simplemma

__all__ = ["CATEGORIES", "CLASSIFIER_VERSION", "CRIME_THRESHOLD", "STAGES", "CrimeResult", "classify_crime"]

# Order follows the CBS Standaardclassificatie Misdrijven, most severe first.
CATEGORIES: tuple[str, ...] = (
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
# The justice process in order; an article gets the most advanced stage it reports.
STAGES: tuple[str, ...] = (
    "incident",
    "aanhouding",
    "vervolging",
    "rechtszaak",
    "vonnis",
    "hoger_beroep",
)
CRIME_THRESHOLD = 0.5
# Version of the rules, weights and threshold above and below: raise it with any change that can
# alter a decision, so every export and snapshot says which classifier labelled its articles.
CLASSIFIER_VERSION = "1"
# score = logistic(raw - _OFFSET): the threshold 0.5 is reached at a raw evidence sum of 4.0,
# that is one strong crime term plus one supporting term, or several weaker ones.
_OFFSET = 4.0
_CATEGORY_MIN = 2.5  # evidence a category needs: one strong term, or two weaker ones


@dataclass(frozen=True)
class CrimeResult:
    """The verdict on one article and the evidence that produced it."""

    score: float
    is_crime: bool
    categories: tuple[str, ...]
    stage: str | None
    evidence: tuple[str, ...]
    primary_category: str | None = None
    """The offence the story is about (one of ``categories``), None when it is not crime news."""


@dataclass(frozen=True)
class _Term:
    """A lexicon entry: inflected forms of one word, matched through their simplemma lemma."""

    forms: str
    weight: float
    categories: tuple[str, ...] = ()
    compound: bool = False  # also match inside compounds ("woninginbraak", "drugslab")


@dataclass(frozen=True)
class _Phrase:
    """A multi-word pattern; it is matched before words and its span is then blanked, so that
    "diefstal met geweld" is not also counted as plain "diefstal"."""

    label: str
    pattern: str
    weight: float
    categories: tuple[str, ...] = ()


_L, _G, _Z, _O = "levensdelict", "geweld", "zeden", "overval"
_I, _D, _W, _F = "inbraak_diefstal", "drugs", "wapens_explosies", "fraude_witwassen"
_C, _M, _R, _V = "cybercrime", "mensenhandel", "openbare_orde", "verkeer"

# Metaphors and idioms are blanked first and count against crime.
_METAPHORS: tuple[_Phrase, ...] = (
    _Phrase("moordende", r"\bmoordende \w+", -2.0),
    _Phrase("schot voor de boeg", r"\bschot voor de boeg", -2.0),
    _Phrase("moordgoed", r"\bmoord(?:goed|gozer|wijf|weer)\w*", -2.0),
    _Phrase("schot op doel", r"\bschot op doel", -2.0),
    _Phrase("kort geding", r"\bkort geding", -2.0),
)

_PHRASES: tuple[_Phrase, ...] = (
    _Phrase("diefstal met geweld", r"\bdiefstal(?:len)? met geweld", 3.0, (_O, _G)),
    _Phrase("met geweld beroofd", r"\bmet geweld (?:beroofd|van \w+ \w+ beroofd)", 3.0, (_O, _G)),
    _Phrase("openlijke geweldpleging", r"\bopenlijke geweldpleging", 3.0, (_G, _R)),
    _Phrase("huiselijk geweld", r"\bhuiselijk geweld", 3.0, (_G,)),
    _Phrase("om het leven gebracht", r"\bom het leven (?:is |werd |te hebben )?gebracht", 3.0, (_L,)),
    _Phrase("bracht om het leven", r"\bbracht(?:en)? \w+ (?:\w+ )?om het leven", 3.0, (_L,)),
    _Phrase("seksueel misbruik", r"\bseksueel misbrui\w+|\bmisbruikte\b", 3.0, (_Z,)),
    _Phrase(
        "gedwongen prostitutie",
        r"\bgedwongen (?:tot )?prostitutie|dwong \w+ (?:\w+ )?"
        r"(?:\w+ )?tot prostitutie",
        3.0,
        (_M, _Z),
    ),
    _Phrase("valsheid in geschrifte", r"\bvalsheid in geschrifte", 3.0, (_F,)),
    _Phrase("onder invloed", r"\bonder invloed(?: van (?:alcohol|drugs))?", 3.0, (_V,)),
    _Phrase("rijbewijs ingevorderd", r"\brijbewijs (?:is |werd )?(?:ingevorderd|kwijt)", 3.0, (_V,)),
    _Phrase("zonder rijbewijs", r"\bzonder (?:geldig )?rijbewijs|nooit een rijbewijs", 3.0, (_V,)),
    _Phrase("dood door schuld", r"\bdood door schuld", 3.0, (_V,)),
    _Phrase("door rood", r"\bdoor rood", 1.5, (_V,)),
    _Phrase("te hard", r"\bte hard (?:gereden|rijden|reed)|\d+ kilometer per uur", 1.5, (_V,)),
    _Phrase(
        "in brand gestoken",
        r"\bin brand (?:gestoken|te steken)|sta(?:ken|k) \w+ (?:\w+ )?"
        r"in brand",
        2.5,
        (_R,),
    ),
    _Phrase("met een mes", r"\bmet een (?:mes|bijl|koevoet|honkbalknuppel|hamer)", 2.0, (_G,)),
    _Phrase("met de dood bedreigd", r"\bmet de dood bedreig\w*", 3.0, (_G,)),
    _Phrase(
        "dode gevonden",
        r"\b(?:dode (?:man|vrouw|persoon)|lichaam) (?:is |werd )?"
        r"(?:\w+ ){0,4}gevonden",
        1.5,
        (_L,),
    ),
    _Phrase(
        "is aangehouden",
        r"\b(?:is|zijn|werd|werden) (?:\w+ )?(?:aangehouden|opgepakt|"
        r"gearresteerd)",
        2.0,
    ),
    _Phrase("verdacht van", r"\bverdacht van|op verdenking van|wordt(?:en)? (?:ervan )?verdacht", 2.5),
    _Phrase(
        "politie zoekt getuigen",
        r"\bpolitie (?:zoekt|vraagt|roept) (?:\w+ ){0,3}"
        r"(?:getuigen|camerabeelden|bewoners)",
        2.0,
    ),
    _Phrase(
        "het OM eist",
        r"\b(?:om|openbaar ministerie|officier van justitie|aanklager) "
        r"(?:heeft )?(?:eist|eiste|geëist|vordert|vorderde)|\bgeëist\b",
        3.0,
    ),
    _Phrase("openbaar ministerie", r"\bopenbaar ministerie|officier van justitie", 2.0),
    _Phrase("het parket", r"\bhet parket\b|\bparket van\b", 2.0),
    _Phrase("correctionele rechtbank", r"\bcorrectionele rechtbank|hof van assisen", 3.0),
    _Phrase(
        "jaar cel",
        r"\b(?:jaar|maanden|weken) (?:cel|gevangenisstraf)|\bcelstraf\w*|"
        r"\blevenslang\b|\blevenslange opsluiting",
        3.0,
    ),
    _Phrase(
        "gegevens gestolen",
        r"\b(?:gegevens|data|wachtwoorden) (?:\w+ ){0,4}gestolen|"
        r"gestolen (?:gegevens|data)",
        2.0,
        (_C,),
    ),
    _Phrase("wordt gezocht", r"\bwordt (?:nog )?gezocht|\bvoortvluchtig", 1.5),
    _Phrase("opgerold", r"\b(?:opgerold|ontmanteld)", 1.5),
    _Phrase("in beslag genomen", r"\bin beslag (?:genomen|gelegd)", 1.5),
    _Phrase("op heterdaad", r"\bop heterdaad", 2.5),
    _Phrase("staat terecht", r"\b(?:sta(?:at|an)|stond(?:en)?) (?:\w+ ){0,4}terecht", 2.5),
    _Phrase("strafbaar", r"\bstrafbaar|\bproces-verbaal", 1.5),
)

_TERMS: tuple[_Term, ...] = (
    # General evidence of a criminal case.
    _Term("aanhouden aangehouden aanhouding aanhoudingen", 2.0, compound=True),
    _Term("oppakken opgepakt arresteren gearresteerd arrestatie", 2.5),
    _Term("verdachte verdachten", 2.0),
    _Term("dader daders", 2.0, compound=True),
    _Term("misdrijf misdrijven", 2.0),
    _Term("politie politieagent politieagenten", 1.0),
    _Term("recherche rechercheur", 1.0, compound=True),
    _Term("aangifte", 1.5),
    _Term("slachtoffer slachtoffers", 1.0),
    _Term("getuigen", 0.5),
    _Term("veroordeeld veroordelen", 2.5),
    _Term("vrijgesproken vrijspraak", 2.0),
    _Term("rechtbank", 1.5, compound=True),
    _Term("politierechter", 2.5),
    _Term("onderzoeksrechter aanhoudingsmandaat raadkamer", 2.5),
    _Term("gerechtshof", 1.5),
    _Term("huiszoeking doorzoeking", 2.0, compound=True),
    _Term("voortvluchtig signalement", 2.0),
    _Term("voorgeleid voorgeleiden", 2.5),
    _Term("tbs hechtenis", 2.0),
    _Term("werkstraf taakstraf", 3.0),
    _Term("vervolgen vervolgd vervolging gedagvaard dagvaarden", 2.5),
    _Term("uitgeleverd", 1.5),
    _Term("strafzaak rechtszaak", 2.0),
    _Term("crimineel criminelen criminele", 1.5, compound=True),
    _Term("gewond zwaargewond", 0.5),
    _Term("fiod", 2.0),
    # levensdelict
    _Term("moord moorden vermoord vermoorden moordenaar", 3.0, (_L,), compound=True),
    _Term("doodslag", 3.0, (_L,)),
    _Term("liquidatie geliquideerd", 3.0, (_L,)),
    _Term("doodgestoken doodsteken", 3.0, (_L, _G)),
    _Term("doodgeschoten doodschieten", 3.0, (_L, _W)),
    _Term("doodgeslagen doodslaan", 3.0, (_L, _G)),
    _Term("doden doodde", 1.0, (_L,)),
    # geweld
    _Term("mishandeld mishandelen mishandeling mishandelde mishandelt", 3.0, (_G,), compound=True),
    _Term("steekpartij neergestoken gestoken stak", 2.5, (_G,), compound=True),
    _Term("schietpartij neergeschoten", 3.0, (_G, _W), compound=True),
    _Term("bedreigd bedreigen bedreiging bedreigde", 2.5, (_G,)),
    _Term("vechtpartij", 3.0, (_G,)),
    _Term("geweld gewelddadig gewelddadige geweldpleging geweldsdelict", 2.0, (_G,)),
    _Term("geslagen sloegen geschopt schopten", 1.5, (_G,)),
    _Term("ontvoerd ontvoering gijzeling gegijzeld", 3.0, (_G,)),
    _Term("stalken stalkte stalking", 2.5, (_G,)),
    _Term("verkeersagressie", 3.0, (_G, _V)),
    # zeden
    _Term("verkrachting verkracht verkrachten", 3.0, (_Z,)),
    _Term("aanranding aangerand aanranden", 3.0, (_Z,)),
    _Term("ontucht", 3.0, (_Z,)),
    _Term("zedendelict zedenfeiten zedenzaak", 3.0, (_Z,), compound=True),
    _Term("kinderporno kinderpornografisch", 3.0, (_Z,), compound=True),
    _Term("sextortion grooming", 3.0, (_Z,)),
    _Term("naaktfoto naaktfoto's", 1.0, (_Z,), compound=True),
    # overval
    _Term("overval overvallen overvaller overvielen overviel", 3.0, (_O,), compound=True),
    _Term("beroofd beroving beroven", 3.0, (_O,), compound=True),
    _Term("straatroof straatroven", 3.0, (_O, _G), compound=True),
    # inbraak en diefstal
    _Term("inbraak inbraken inbreker inbrekers ingebroken inbreken", 3.0, (_I,), compound=True),
    _Term("diefstal diefstallen gestolen stelen", 3.0, (_I,), compound=True),
    _Term("dief dieven", 3.0, (_I,), compound=True),
    _Term("heling heler", 3.0, (_I,)),
    _Term("ramkraak ramkraken", 3.0, (_I,), compound=True),
    _Term("plofkraak plofkraken plofkrakers", 3.0, (_I, _W), compound=True),
    _Term("buitgemaakt", 1.5, (_I,)),
    # drugs
    _Term("drugs drug", 3.0, (_D,), compound=True),
    _Term("cocaïne heroïne amfetamine xtc ketamine crystal", 3.0, (_D,), compound=True),
    _Term("hennep hennepplanten hennepkwekerij", 3.0, (_D,), compound=True),
    _Term("cannabis", 1.0, (_D,)),
    _Term("dealer dealen", 2.5, (_D,), compound=True),
    _Term("opiumwet", 3.0, (_D,)),
    # wapens en explosies
    _Term("vuurwapen vuurwapens kalasjnikov machinegeweer", 3.0, (_W,), compound=True),
    _Term("pistool", 2.5, (_W,)),
    _Term("wapenbezit wapenarsenaal", 3.0, (_W,), compound=True),
    _Term("handgranaat explosief explosieven", 3.0, (_W,), compound=True),
    _Term("explosie explosies", 2.0, (_W,)),
    _Term("cobra cobra's vuurwerkbom vuurwerkbommen", 3.0, (_W,), compound=True),
    _Term("schoten schutter", 1.0, (_W,)),
    _Term("patronen", 1.0, (_W,)),
    # fraude en witwassen
    _Term("fraude", 3.0, (_F,), compound=True),
    _Term("oplichting opgelicht oplichter oplichten", 3.0, (_F,), compound=True),
    _Term("witwassen witgewassen", 3.0, (_F,), compound=True),
    _Term("verduistering verduisterd", 3.0, (_F,)),
    _Term("omkoping steekpenningen corruptie", 3.0, (_F,)),
    _Term("vervalst", 2.0, (_F,)),
    # cybercrime
    _Term("hack hacker hackers gehackt", 2.5, (_C,), compound=True),
    _Term("ransomware ddos computervredebreuk cybercrime", 3.0, (_C,), compound=True),
    _Term("phishing", 3.0, (_C, _F), compound=True),
    _Term("losgeld", 1.0, (_C,)),
    # mensenhandel
    _Term("mensenhandel mensensmokkel mensensmokkelaars", 3.0, (_M,), compound=True),
    _Term("uitbuiting uitgebuit", 3.0, (_M,)),
    _Term("loverboy", 3.0, (_M, _Z), compound=True),
    _Term("smokkel smokkelde smokkelden smokkelaars", 2.0, compound=True),
    # openbare orde
    _Term("rellen relschopper relschoppers ongeregeldheden coronarellen voetbalrellen", 3.0, (_R,)),
    _Term("vernield vernieling vernielingen vernielden vandalen", 3.0, (_R,), compound=True),
    _Term("brandstichting", 3.0, (_R,)),
    _Term("noodbevel noodverordening", 2.0, (_R,)),
    _Term("plunderden plundering", 3.0, (_R,)),
    # verkeer
    _Term("blaastest", 2.5, (_V,)),
    _Term("rijontzegging", 3.0, (_V,)),
    _Term("doorgereden doorreed doorrijder doorrijden", 3.0, (_V,)),
    _Term("geflitst", 2.0, (_V,)),
    _Term("stopteken achtervolging", 2.0, (_V,)),
)

# Negative evidence: each domain's terms count once each, capped per domain.
_NEGATIVE: dict[str, tuple[float, float, str]] = {
    # domain: (weight per term, cap, regex of terms)
    "sport": (
        -1.0,
        -4.0,
        r"wedstrijd\w*|doelpunt\w*|strafschop\w*|penalty's|penalty|"
        r"scheidsrechter|trainer|spits|doelman|doelvrouw|keeper|competitie|eredivisie|"
        r"toernooi|finale|kwartfinale|medaille|goud|zilver|brons|olympische|wielrenner\w*|"
        r"schaatser\w*|hockey\w*|bokser|knock-out|gelijkspel|zege|speeltijd|var|"
        r"sporttribunaal|doping\w*|geschorst|schorsing|aanvoerder|middenvelder|"
        r"verdediger|supporters|ploeg|topper|shoot-outs|blessuretijd",
    ),
    "weer": (
        -1.0,
        -4.0,
        r"knmi|code (?:oranje|geel|rood)|storm|onweer\w*|hitte\w*|regen\w*|"
        r"ijzel|gladheid|graden|wateroverlast|orkaan|droogte|natuurbranden|rivieren|"
        r"omgewaaid|omgewaaide",
    ),
    "file": (
        -1.0,
        -3.0,
        r"files?|filevorming|anwb|rijkswaterstaat|wegwerkzaamheden|pech|"
        r"rijstrook|rotonde|berging|verkeersinfarct",
    ),
    "cultuur": (
        -1.5,
        -6.0,
        r"recensie|recensent\w*|thriller|roman|misdaadroman|film|"
        r"verfilming|serie|streamingserie|aflevering|sterren|musical|toneel\w*|"
        r"voorstelling|première|documentaire|podcast|kijkcijfers|boek|tentoonstelling|"
        r"museum|acteurs|personages|plot|festival|makers|publiek|true crime|"
        r"hitlijsten|entertainment",
    ),
    "geschiedenis": (
        -1.0,
        -3.0,
        r"historici|geschiedenis\w*|eeuw|archiefstukken|"
        r"1[0-8]\d\d|19[0-4]\d",
    ),
    "beleid": (
        -1.0,
        -3.0,
        r"kabinet|minister|begroting|vacatures|bezuinig\w*|korpschef|"
        r"politiebonden|vakbonden|politieacademie|uniform\w*|extra geld|salarissen|"
        r"boa's",
    ),
}

_URL_HINTS: tuple[tuple[str, float], ...] = (
    ("/112/", 1.5),
    ("/misdaad", 1.5),
    ("/crime", 1.5),
    ("/rechtspraak", 1.5),
    ("politie.nl", 1.5),
    ("om.nl", 1.5),
    ("fiod.nl", 1.5),
    ("/sport", -2.0),
    ("sporza.be", -2.0),
    ("/film", -1.5),
    ("/boeken", -1.5),
    ("/cultuur", -1.5),
    ("/tv/", -1.5),
    ("/weer", -1.5),
)

_STAGE_PATTERNS: tuple[tuple[str, str], ...] = (
    (
        "hoger_beroep",
        r"hoger beroep|gerechtshof|\bhof van beroep|\bhof (?:bevestigt|verhoogt|"
        r"verlaagt|oordeelt|vindt|legt)\b|^hof\b",
    ),
    (
        "vonnis",
        r"veroordeeld|vrijgesproken|vrijspraak|levenslang|\b(?:krijgt|kreeg|kregen|"
        r"krijgen|moet|moeten)\b[^.]{0,60}(?:cel|straf|werkstraf|taakstraf)|straf\w* "
        r"(?:[^.]{0,30})?opgelegd|legde [^.]{0,40}\bop\b",
    ),
    (
        "rechtszaak",
        r"\beis(?:t|te|en)\b[^.]{0,60}(?:cel|straf|jaar|maanden|tbs)|geëist|\bvordert\b|vorderde|terecht\b|rechtszaak|"
        r"strafzaak|\bproces\b(?!-)|pro[- ]?formazitting|zitting\b",
    ),
    (
        "vervolging",
        r"\bvervolg(?:t|en|d)\b|gedagvaard|dagvaardt|dagvaarding|raadkamer|"
        r"doorverwe\w+|doorverwijzing|aangeklaagd|aanklacht|verantwoorden|voor de rechter\b",
    ),
    (
        "aanhouding",
        r"aangehouden|aanhouding|opgepakt|gearresteerd|arrestatie|hield\w* [^.]{0,40}"
        r"\baan\b|houdt [^.]{0,40}\baan\b|in verzekering gesteld|voorgeleid|aanhoudingsmandaat|"
        r"meldt zich|heeft zich gemeld|voorlopige hechtenis|opgerold|uitgeleverd",
    ),
)

_WORD = re.compile(r"[^\W\d_][\w'-]*")
_DEATH = re.compile(r"\b(?:dode|overleden|overleed|dood van|lichaam|om het leven)\b")


@lru_cache(maxsize=65536)
def _lemma(word: str) -> str:
    # Bounded: a worker lives for the whole crawl under a memory limit, and every distinct token
    # of every page passes through here.
    return simplemma.lemmatize(word, lang="nl").lower()


@cache
def _term_index() -> tuple[dict[str, int], re.Pattern[str], dict[str, int]]:
    """Lemma -> term index for whole words; a regex and form -> index for compound parts."""
    by_lemma: dict[str, int] = {}
    parts: dict[str, int] = {}
    for index, term in enumerate(_TERMS):
        for form in term.forms.split():
            by_lemma.setdefault(form, index)
            by_lemma.setdefault(_lemma(form), index)
            if term.compound and len(form) >= 5:
                parts.setdefault(form, index)
    # Longest forms first, so "plofkraken" is found before a shorter form inside it.
    alternation = "|".join(re.escape(f) for f in sorted(parts, key=len, reverse=True))
    return by_lemma, re.compile(alternation), parts


@cache
def _negative_patterns() -> dict[str, re.Pattern[str]]:
    return {domain: re.compile(rf"\b(?:{rx})\b") for domain, (_, _, rx) in _NEGATIVE.items()}


def _blank(text: str, match: re.Match[str]) -> str:
    return text[: match.start()] + " " * (match.end() - match.start()) + text[match.end() :]


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def _stage(text: str) -> str:
    for stage, pattern in _STAGE_PATTERNS:
        if re.search(pattern, text, flags=re.MULTILINE):
            return stage
    return "incident"


def classify_crime(title: str, text: str, url: str = "") -> CrimeResult:
    """Score an article as crime news and say what kind, at which stage, and why.

    Phrases are matched before single words and blank the words they cover, so that a phrase
    decides the category of its words ("diefstal met geweld" is overval and geweld, not plain
    diefstal). Every term counts once per article, however often it occurs.
    """
    full = f"{title}\n{text}"
    work = full.lower()
    evidence: list[str] = []
    raw = 0.0
    category_weight: dict[str, float] = dict.fromkeys(CATEGORIES, 0.0)

    for phrase in _METAPHORS + _PHRASES:
        found = False
        for match in re.finditer(phrase.pattern, work):
            work = _blank(work, match)
            found = True
        if found:
            kind = "neg:idiom" if phrase.weight < 0 else "phrase"
            raw += phrase.weight
            evidence.append(f"{kind} {phrase.label} {phrase.weight:+.1f}")
            for category in phrase.categories:
                category_weight[category] += phrase.weight
    # "OM" is only the public prosecutor in capitals; lower-case "om" is a preposition.
    if re.search(r"\bOM\b", full) and not any("het OM eist" in e for e in evidence):
        raw += 2.0
        evidence.append("word:OM +2.0")

    by_lemma, part_pattern, parts = _term_index()
    hit_terms: dict[int, str] = {}  # term index -> first word that matched it
    for token in _WORD.findall(work):
        index = by_lemma.get(token)
        if index is None:  # lemmatise only words whose own form is not a term
            index = by_lemma.get(_lemma(token))
        if index is None:
            part = part_pattern.search(token)
            index = parts[part.group()] if part else None
        if index is not None:
            hit_terms.setdefault(index, token)
    for index in sorted(hit_terms):
        term = _TERMS[index]
        raw += term.weight
        evidence.append(f"word:{hit_terms[index]} {term.weight:+.1f}")
        for category in term.categories:
            category_weight[category] += term.weight
    # A death in a text that speaks of a crime is a levensdelict even without "moord".
    if "misdrijf" in work and _DEATH.search(full.lower()) and category_weight[_L] < _CATEGORY_MIN:
        category_weight[_L] += 1.5
        raw += 1.0
        evidence.append("rule:dood+misdrijf +1.0")

    for domain, pattern in _negative_patterns().items():
        weight, cap, _ = _NEGATIVE[domain]
        hits = sorted(set(pattern.findall(work)))
        if hits:
            total = max(cap, weight * len(hits))
            raw += total
            evidence.append(f"neg:{domain} {' '.join(hits)} {total:+.1f}")

    lowered_url = url.lower()
    for hint, weight in _URL_HINTS:
        if hint in lowered_url:
            raw += weight
            evidence.append(f"url:{hint} {weight:+.1f}")

    score = round(_sigmoid(raw - _OFFSET), 4)
    is_crime = score >= CRIME_THRESHOLD
    categories = tuple(c for c in CATEGORIES if is_crime and category_weight[c] >= _CATEGORY_MIN)
    stage = _stage(full.lower()) if is_crime else None
    return CrimeResult(score, is_crime, categories, stage, tuple(evidence))
