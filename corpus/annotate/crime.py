"""Recognise crime news in general Dutch and Flemish feeds, with the evidence for each decision.

The classifier is a weighted lexicon on purpose: researchers must be able to see, for every
article, which words and phrases made the tool call it crime news, and argue with the weights.
Weights, threshold, categories, the primary category and stages are documented in
docs/classification.md.

A word is evidence of an offence only where the article reports one: every match is read in its
sentence and clause, and a match inside a quotation, after a negation ("geen drugs gevonden"), in
background ("eerder veroordeeld voor diefstal") or in a metaphor ("hackers gijzelen systemen")
does not give its category. Where a match sits (headline, lead, body) decides which category the
story is mainly about.
"""

from __future__ import annotations

import bisect
import math
import re
from dataclasses import dataclass, field
from functools import cache, lru_cache

import simplemma

from corpus.annotate.literals import Occurrences, find_all, present_literals
from corpus.text.teasers import blank_teasers

__all__ = [
    "CATEGORIES",
    "CLASSIFIER_VERSION",
    "CRIME_THRESHOLD",
    "STAGES",
    "CrimeResult",
    "classify_crime",
    "lexicon_markdown",
]

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
CLASSIFIER_VERSION = "24"
# score = logistic(raw - _OFFSET): the threshold 0.5 is reached at a raw evidence sum of 4.0,
# that is one strong crime term plus one supporting term, or several weaker ones.
_OFFSET = 4.0
_CATEGORY_MIN = 2.5  # evidence a category needs: one strong term, or two weaker ones
# Evidence that is only quoted or background still says the text is about crime, but weakly.
_INDIRECT = 0.5
# Where a match stands, for the primary category: the headline names the story's offence.
_POSITION = {"title": 3.0, "lead": 2.0, "body": 1.0}
# A term's first category is what it names; further ones are conventions ("doodgestoken" is a
# killing first, violence second), so they weigh less in choosing the primary category.
_SECONDARY = 0.5
# Categories that qualify another offence when both are reported (docs/classification.md).
_MODIFIERS: dict[str, tuple[str, ...]] = {
    "geweld": ("levensdelict", "overval", "openbare_orde"),
    "wapens_explosies": ("levensdelict", "geweld", "overval"),
    # The money a phishing or hacking gang takes is what the computer crime is for.
    "fraude_witwassen": ("cybercrime",),
}
# The offence a headline names first, when it names several, weighs this much more.
_HEADLINE_FIRST = 1.25
# A history, archive, museum or anniversary piece tells of old offences: not crime news.
_RETROSPECTIVE = -8.0
# A work of fiction named in the headline or lead ("nieuwe thriller", "de roman"), with at least
# this many culture words in the text, is entertainment (weighted as a retrospective).
_FICTION_HEAD = re.compile(
    r"\b(?:\w*thriller\w*|misdaadroman|detectiveroman|roman|toneelstuk|musical|speelfilm|misdaadserie|"
    r"docuserie|hoorspel|recensie|politieserie|dramaserie|detectiveserie|tv-serie|televisieserie|"
    # Flemish "reeks" is a television series: "misdaadreeks", "fictiereeks".
    r"misdaadreeks|fictiereeks|dramareeks|politiereeks|detectivereeks|tv-reeks)\b"
)
_FICTION_MIN_WORDS = 3


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
    """A lexicon entry: forms of one word, matched as written or through their simplemma lemma.

    Only the listed forms are looked up, never the lemma of a listed form: the lemma of "heler"
    is "heel", and indexing it made "het hele huis" evidence of fencing.
    """

    forms: str
    weight: float
    categories: tuple[str, ...] = ()
    compound: bool = False  # also match inside compounds ("woninginbraak", "drugslab")
    shooting: bool = False  # its geweld is a shooting's: a lethal shooting is not also geweld
    threat: bool = False  # its geweld is a threat: part of a robbery, it adds no geweld
    role: str = ""  # "generic" (the word geweld), "firearm", "damage", "shot", "taken", "penalty": see the conventions


@dataclass(frozen=True)
class _Phrase:
    """A multi-word pattern; it is matched before words and its span is then blanked, so that
    "diefstal met geweld" is not also counted as plain "diefstal"."""

    label: str
    pattern: str
    weight: float
    categories: tuple[str, ...] = ()
    threat: bool = False
    shooting: bool = False
    role: str = ""


_L, _G, _Z, _O = "levensdelict", "geweld", "zeden", "overval"
_I, _D, _W, _F = "inbraak_diefstal", "drugs", "wapens_explosies", "fraude_witwassen"
_C, _M, _R, _V = "cybercrime", "mensenhandel", "openbare_orde", "verkeer"
# Rooms where people undress (a hidden camera there is voyeurism).
_UNDRESS = r"(?:\w*kleedkamer\w*|kleedhok\w*|\w*toilet\w*|douche\w*|badkamer)"

# A trial by name: "strafzaak", "assisenproces".
_TRIAL = r"(?:strafzaak|rechtszaak|proces|terechtzitting|zitting|assisenproces)"
# Died of something: "om het leven gekomen bij een", "overleed aan zijn".
_DIED_OF = (
    r"\b(?:overleden|overleed|om het leven gekomen|bezweken|bezweek|stierf|sterft|overlijdt)\b "
    r"(?:na|aan|door|bij) (?:een |de |zijn |haar |hun )?(?:zware |ernstige )?"
)
# What a street robber snatches.
_SNATCHED = r"(?:tas|handtas|tasje|portemonnee|telefoon|gsm|ketting|halsketting)"
# Someone driving, or the vehicle: the traffic context of drinking.
_AT_THE_WHEEL = (
    r"(?:stuur|reed|reden|rijden|rijdt|bestuurder|automobilist|chauffeur|auto|wagen|voertuig|fietser)"
)

# Metaphors and idioms are blanked first and count against crime.
_METAPHORS: tuple[_Phrase, ...] = (
    _Phrase("moordende", r"\bmoordend(?:e)? \w+", -2.0),
    _Phrase("schot voor de boeg", r"\bschot voor de boeg", -2.0),
    _Phrase("moordgoed", r"\bmoord(?:goed|gozer|wijf|weer)\w*", -2.0),
    _Phrase("schot op doel", r"\bschot op doel", -2.0),
    _Phrase("kort geding", r"\bkort geding", -2.0),
    # Raising the alarm strikes nobody: "nadat een boswachter alarm had geslagen".
    _Phrase(
        "alarm geslagen",
        r"\balarm (?:\w+ ){0,2}(?:geslagen|slaan|sloeg|sloegen|slaat)\b|\b(?:sloeg|sloegen|slaat|slaan) "
        r"(?:\w+ ){0,3}alarm\b",
        0.0,
    ),
    # A trial played by pupils or students judges nobody: "leerlingen speelden een strafzaak na".
    _Phrase(
        "strafzaak nagespeeld",
        rf"\b(?:speel|speelt|spelen|speelde|speelden)\b(?: [\w'’-]+){{0,6}} {_TRIAL}\b(?: [\w'’-]+){{0,6}} na\b|"
        rf"\bnagespeelde? {_TRIAL}\b|\bschijnproces\w*|\boefenrechtbank\w*",
        -4.0,
    ),
    # Money "in vastgoed gestoken" was invested, not stabbed with.
    _Phrase(
        "geld in gestoken",
        r"\b(?:geld|euro|miljoen|bedragen|vermogen|spaargeld|winst\w*|opbrengst\w*)\b(?: [\w'’-]+){0,6} in "
        r"(?:\w+ ){0,3}gestoken\b",
        0.0,
    ),
    # No report was drawn up: the police found nothing to report.
    _Phrase("geen proces-verbaal", r"\bgeen proces-verbaal\b", -2.0),
    # Things smashed are damage, not blows: "sloeg met een hamer een toonkast stuk".
    _Phrase("sloeg stuk", r"\b(?:sloeg|sloegen)\b(?: [\w-]+){1,8} (?:stuk|kapot)\b", 0.0),
    _Phrase(
        "vuur sloeg over",
        r"\b(?:vuur|vlammen|brand)\b (?:\w+ ){0,2}(?:sloeg|sloegen|slaat|slaan|oversloeg|oversloegen)\b"
        r"(?: [\w-]+){0,4} over\b|\b(?:sloeg|sloegen) (?:het vuur|de vlammen|de brand) over\b",
        0.0,
    ),
    # Systems, regions and people "held hostage" by a thing: ransomware, weather, a feud.
    _Phrase(
        "gijzelen (metaphor)",
        r"\b(?:gijzel(?!software)\w*|gegijzeld)\b(?: \w+){0,4} (?:computer\w*|systemen|systeem|bestanden|"
        r"netwerk\w*|servers?|data|gegevens|regio|stad|land|wijk|buurt|oorlog|\w+oorlog|ijzel|"
        r"sneeuw|verkeer|economie|debat|politiek|planning|wachtlijst\w*|agenda|formatie|vergadering)\b|\b(?:computer\w*|systemen|bestanden|netwerk\w*|"
        r"servers?|data|regio|stad|land|wijk|buurt|ijzel|sneeuw)\b(?: \w+){0,3} (?:in gijzeling|"
        r"gegijzeld)",
        -1.0,
    ),
    # "sloegen alarm", "sloeg op de vlucht": no blow was struck.
    _Phrase(
        "slaan (idiom)",
        r"\b(?:sla(?:at|an)|sloeg(?:en)?|geslagen)\b (?:[\w-]+ ){0,5}(?:alarm|op de vlucht|op hol|in de boeien|in (?:de )?handboeien|toe\b|"
        r"een slag|munt|brug|de vlam in de pan)|\bin paniek (?:sloeg|sloegen|slaat|slaan)\b|\b(?:sla(?:at|an)|sloeg(?:en)?)\b(?: \w+){1,4} (?:kapot|stuk)\b|"
        r"\bkapot(?:ge)?sla\w*|\bstukgeslagen",
        0.0,
    ),
    # "Steelt de show", "steelt de punten": nothing is stolen.
    _Phrase(
        "steelt de show",
        r"\b(?:steelt|stal|stalen|stelen|gestolen)\b (?:\w+ ){0,3}(?:de show|het hart|de harten|de aandacht|"
        r"de blikken|(?:de |drie |een |alle )?punt(?:en)?|de zege|de overwinning)\b|\b(?:de show|het hart|"
        r"de harten|de punten|de zege) (?:\w+ ){0,3}(?:gestolen|stelen|steelt|stal)\b",
        -1.0,
    ),
    # "Van de zege beroofd": a lost match.
    _Phrase(
        "van de zege beroofd",
        r"\bberoo(?:f|fd|ft|fde|fden) (?:\w+ ){0,4}van (?:de |het |een |zijn |haar |hun )?(?:\w+ )?(?:zege|punten|punt|"
        r"overwinning|titel|kans|medaille|finaleplaats|podiumplaats|hoop)\b|\bvan (?:de |het |een |zijn |haar |"
        r"hun )?(?:\w+ )?(?:zege|punten|punt|overwinning|titel|medaille|finaleplaats|podiumplaats)\b"
        r"(?: \w+){0,2} beroofd\b",
        -1.0,
    ),
    # A ball taken off a defender: "ontfutselde de bal aan een verdediger".
    _Phrase(
        "de bal ontfutseld",
        r"\b(?:ontfutsel\w*|afhandig \w+|steelt|stal|pikte|pakte)\b(?: \w+){0,3} de bal\b|\bde bal\b(?: \w+){0,3} "
        r"(?:ontfutseld|afhandig gemaakt|afgepakt)\b",
        -1.0,
    ),
    # A team or rider that "overvalt" or "overrompelt" its opponent, or the leader, wins a match.
    _Phrase(
        "overvalt de koploper",
        r"\b(?:overval(?:t|len|lt)?|overviel(?:en)?|overvallen)\b (?:\w+ ){0,2}(?:koploper|titelfavoriet|"
        r"tegenstander|favoriet|leider|kampioen|thuisploeg|bezoekers)\b|\bhem (?:een beetje )?overvallen\b",
        -1.0,
    ),
    # A threat of dismissal or eviction is no violence.
    _Phrase(
        "bedreigd met ontslag",
        r"\bmet (?:ontslag|uitzetting|een boete|sancties|juridische stappen|een rechtszaak|"
        r"een klacht)(?: \w+){0,6} bedreig\w*|\bbedreig\w* met (?:ontslag|uitzetting|sancties|"
        r"juridische stappen|een rechtszaak)",
        0.0,
    ),
    # A toy, fake or alarm gun, or what only looked like one, is no firearm.
    _Phrase(
        "nepwapen",
        r"\b(?:nep|speelgoed|namaak|alarm)(?:wapen|pistool|vuurwapen|revolver)\w*|\b(?:wapen|pistool|"
        r"vuurwapen|revolver) (?:was|bleek|is)(?: \w+){0,3} (?:nep|speelgoed|namaak|niet echt)\b|\b(?:leek|lijkt|"
        r"leken)(?: \w+){0,3} op een (?:vuurwapen|pistool|wapen)|\bop een (?:vuurwapen|pistool|wapen) "
        r"(?:leek|leken|lijkt)",
        0.0,
    ),
)

_PHRASES: tuple[_Phrase, ...] = (
    _Phrase("poging tot moord", r"\bpoging(?:en)? tot (?:moord|doodslag)", 3.0, (_G,)),
    # Offences told in plain words, without their legal name (a robbery at gunpoint, fencing,
    # a hit-and-run, embezzlement, smuggling of people, forced prostitution, a stabbing).
    _Phrase(
        "onder bedreiging van een wapen",
        r"\bonder (?:bedreiging|dreiging) (?:van|met) (?:een |hun |zijn )?(?:mes|wapen|machete)\w*|"
        r"\bmes\b (?:\w+ ){0,2}tegen (?:zijn|haar|het) (?:hoofd|hals|keel)\b",
        3.0,
        (_O,),
        threat=True,
        role="armed",
    ),
    _Phrase(
        "onder bedreiging van een vuurwapen",
        r"\bonder (?:bedreiging|dreiging) (?:van|met) (?:een |hun |zijn )?(?:vuurwapen|pistool|revolver)\w*|"
        r"\b(?:pistool|vuurwapen|revolver)\b (?:\w+ ){0,2}tegen (?:zijn|haar|het) (?:hoofd|hals|keel|slaap)\b",
        3.0,
        (_O, _W),
        threat=True,
        role="firearm",
    ),
    _Phrase(
        "niet eerlijk verkregen",
        r"\bniet eerlijk verkregen|\bvan (?:diefstal|een misdrijf|misdrijven) afkomstig|\bgestolen goederen\b|"
        r"\bframenummers? (?:\w+ ){0,2}(?:weggevijld|weggeslepen|verwijderd|onleesbaar gemaakt)",
        3.0,
        (_I,),
    ),
    _Phrase(
        "reed door na de aanrijding",
        r"\b(?:aanrijding|botsing|ongeval)\b[^.]{0,50}\b(?:reed|reden) (?:\w+ ){0,2}(?:verder|door|weg)\b|\b(?:aanreed|aanreden)\b[^.]{0,40}\b(?:en|maar) (?:verdween|verdwenen|reed door|"
        r"reed verder|reed weg|ging er vandoor)\b",
        3.0,
        (_V,),
    ),
    _Phrase(
        "afhandig gemaakt",
        r"\bafhandig (?:gemaakt|maakte|maakten|maken|te maken)\b",
        3.0,
        (_I,),
        role="taken",
    ),
    _Phrase(
        "eisten de kluis",
        r"\b(?:eiste|eisten|eist)\b (?:\w+ ){0,2}(?:gsm|telefoon|smartphone|portefeuille|portemonnee|handtas|"
        r"dagopbrengst|kassa|kassalade|sieraden|horloge|code van de kluis|pincode)\b",
        3.0,
        (_O,),
        threat=True,
    ),
    _Phrase(
        "valse facturen",
        r"\b(?:valse|vervalste|fictieve|nep) facturen\b|\b(?:leverancier|bedrijf|firma|onderaannemer)\w* "
        r"die niet bestond\b|\bverzonnen (?:leverancier|leveranciers|facturen|uitgaven|onkosten)\b",
        3.0,
        (_F,),
    ),
    _Phrase(
        "dreigende brief",
        r"\bdreigende (?:brief|brieven|mail|mails|berichten|sms|sms'en|berichtjes)\b",
        2.5,
        (_G,),
        threat=True,
    ),
    _Phrase(
        "overdosis toegediend",
        r"\b(?:dodelijke )?overdosis\b(?: [\w'-]+){0,3} (?:toediende|toegediend|toedienen|gaf|gegeven|inspoot)\b",
        3.0,
        (_L,),
    ),
    _Phrase(
        "naar de eigen rekening",
        r"\bnaar (?:zijn|haar|hun) eigen (?:bank)?rekening\w* (?:\w+ ){0,2}(?:overgemaakt|overgeboekt|"
        r"overgemaakt|gesluisd|doorgesluisd|overmaakte|overboekte|sluisde)|\bin (?:zijn|haar|hun) eigen zak\b|"
        r"\bover naar (?:zijn|haar|hun) eigen (?:bank)?rekening\b|\bgreep (?:in|uit) de (?:club)?kas\b",
        3.0,
        (_F,),
    ),
    # Money taken for sex with someone else, a minor above all: exploitation in prostitution.
    _Phrase(
        "liet zich betalen voor seks",
        r"\bliet (?:zich )?(?:\w+ ){0,2}betalen voor seks\b|\b(?:mannen|klanten)\b (?:\w+ ){0,2}betaalden\b(?: \w+){0,3} "
        r"(?:om|voor) (?:\w+ ){0,2}seks\b",
        3.0,
        (_M, _Z),
    ),
    _Phrase(
        "gedwongen tot seks met klanten",
        r"\b(?:dwong|dwongen|dwingt|dwingen|gedwongen)\b(?: [\w'-]+){0,15} (?:seks|seksuele handelingen)\b"
        r"(?: [\w'-]+){0,3} (?:met )?(?:mannen|klanten)\b",
        3.0,
        (_M, _Z),
    ),
    _Phrase(
        "met een mes verwond",
        r"\bmet een (?:mes|steekwapen|bijl|hamer|knuppel|honkbalknuppel|machete|bierglas|fles)\b (?:\w+ ){0,7}"
        r"(?:verwond|gestoken|aangevallen|geslagen|sloeg|sloegen|bewerkt|toegetakeld|geraakt)\b|"
        r"\b(?:sloeg|sloegen|slaat|geslagen)\b(?: [\w'-]+){0,6} (?:in|op|tegen) (?:het|zijn|haar) "
        r"(?:gezicht|hoofd)\b|\bbewusteloos (?:geslagen|sloeg|sloegen|te hebben geslagen)\b",
        3.0,
        (_G,),
    ),
    # The legal names of robbery include threats: their geweld needs a blow or an injury.
    _Phrase(
        "diefstal met geweld", r"\bdiefstal(?:len)? met (?:geweld|bedreiging)", 3.0, (_O, _G), threat=True
    ),
    _Phrase(
        "met geweld beroofd", r"\bmet geweld (?:beroofd|van \w+ \w+ beroofd)", 3.0, (_O, _G), threat=True
    ),
    _Phrase("geweld tegen goederen", r"\bopenlijke geweldpleging tegen (?:goederen|zaken)", 3.0, (_R,)),
    _Phrase("openlijke geweldpleging", r"\bopenlijke geweldpleging", 3.0, (_G,)),
    # Tyres slashed are damage; "gestoken" there is no stabbing.
    _Phrase(
        "banden lek gestoken",
        r"\bbanden\b(?: [\w'’-]+){0,6} (?:lek ?gestoken|lek ?stak|lek ?staken|lek te steken|doorgesneden)\b|"
        r"\b(?:stak|staken)\b(?: [\w'’-]+){0,6} banden\b(?: [\w'’-]+){0,3} lek\b",
        2.5,
        (_R,),
        role="damage",
    ),
    _Phrase(
        "ruiten ingeslagen",
        r"\b(?:sla\w*|sloeg\w*|gooi\w*|gooide\w*)\b(?: \w+){0,3} (?:ruiten|ruit|ramen|raam|etalage\w*|"
        r"vitrines?)\b(?: [\w'’-]+){0,6} in\b|\b(?:ruiten|ruit|ramen|raam|etalage\w*|vitrines?)\b(?: \w+){0,3} "
        r"(?:ingeslagen|ingegooid|stukgeslagen|kapotgeslagen|ingooien|inslaan)\b",
        2.5,
        (_R,),
        role="damage",
    ),
    _Phrase("huiselijk geweld", r"\b(?:huiselijk|intrafamiliaal) geweld", 3.0, (_G,)),
    # Belgian law's injury by negligence (in traffic, at work): an offence, but no violence.
    _Phrase("onopzettelijke slagen en verwondingen", r"\bonopzettelijke slagen en verwondingen", 2.0),
    _Phrase("slagen en verwondingen", r"\bslagen en verwondingen", 3.0, (_G,)),
    _Phrase(
        "in elkaar geslagen",
        r"\bin elkaar (?:geslagen|getrapt|geschopt|sloegen|trapten)|\btegen de grond (?:\w+ ){0,2}(?:gewerkt|"
        r"geduwd|geslagen|gegooid|geworpen|getrokken|duwde|duwden|werkte|werkten|gooide|gooiden|sloeg|sloegen)|\b(?:duwde|duwden|gooide|gooiden|werkte|werkten|"
        r"trok|trokken|sloeg|sloegen)\b(?: \w+){0,3} tegen de grond|\b(?:sloeg|sloegen|slaat|slaan|schopte|schopten|trapte|trapten)"
        r" (?:\w+ )?(?:hem|haar|hen|het slachtoffer|de (?:man|vrouw|jongen|jongeman|bewoner|eigenaar|"
        r"agent|medewerker|caissière|chauffeur|buurman|buurvrouw)|zijn (?:\w+ )?(?:vrouw|vriendin|"
        r"partner|moeder|vader|kind|zoon|dochter))\b|\bvastgebonden\b|"
        r"\b(?:bonden|bond) (?:\w+ ){0,3}vast\b",
        3.0,
        (_G,),
    ),
    # Separable verbs: "schoot de man ... dood", "stak haar dood", "sloeg hem dood".
    _Phrase(
        "schoot dood",
        r"\b(?:schoot|schoten)\b(?: [\w-]+){1,10} dood\b",
        3.0,
        (_L, _W),
        shooting=True,
    ),
    _Phrase(
        "stak dood",
        r"\b(?:stak|staken|sloeg|sloegen|trapte|trapten)\b(?: [\w-]+){1,10} dood\b",
        3.0,
        (_L, _G),
    ),
    # "Dodelijke steekpartij", "dodelijke schietpartij": a killing, told by the violence's name.
    _Phrase(
        "dodelijke steekpartij",
        r"\bdodelijke? (?:steekpartij|steekincident|messteek|messteken|mishandeling|geweldpleging|"
        r"vechtpartij|knokpartij)\b",
        3.0,
        (_L, _G),
    ),
    _Phrase(
        "dodelijke schietpartij",
        r"\bdodelijke? (?:schietpartij|schietincident|schoten|schot)\b",
        3.0,
        (_L, _W),
        shooting=True,
    ),
    # A death from a stabbing or a beating is a killing, whatever the word for the violence:
    # "overleden na steekpartij", "bezweek aan zijn steekwonden".
    _Phrase(
        "overleden na steekpartij",
        rf"{_DIED_OF}(?:steekpartij|messteek|messteken|steekwond|steekwonden|mishandeling|geweldpleging|"
        r"vechtpartij|knokpartij|steekincident)\b",
        3.0,
        (_L, _G),
    ),
    # A death from a shooting is a killing with a firearm (not a beating): "om het leven gekomen bij
    # een schietpartij".
    _Phrase(
        "overleden na schietpartij",
        rf"{_DIED_OF}(?:schietpartij|schotwond|schotwonden|schietincident)\b",
        3.0,
        (_L, _W),
        shooting=True,
    ),
    _Phrase("door elkaar geschud", r"\bdoor elkaar (?:geschud|schudde|schudden|te schudden)", 3.0, (_G,)),
    _Phrase("om het leven gebracht", r"\bom het leven (?:is |werd |te hebben )?gebracht", 3.0, (_L,)),
    _Phrase("bracht om het leven", r"\bbracht(?:en)? \w+ (?:\w+ )?om het leven", 3.0, (_L,)),
    _Phrase(
        "seksueel misbruik",
        r"\bseksueel (?:(?:[\w-]+ ){0,3}misbrui\w+|contact met (?:een |zijn |haar )?(?:\d+-jarige|minderjarige))|"
        r"\bmisbruik(?:te)? (?:van )?(?:een |zijn |haar )?(?:\d+-jarige |minderjarige )?(?:meisje|"
        r"jongen|kind|kinderen|dochter|zoon|stiefdochter|nichtje|minderjarigen?|leerlingen?|"
        r"pupillen?|jeugdspelers?|tieners?|kleuters?)\b",
        3.0,
        (_Z,),
    ),
    _Phrase(
        "seksuele beelden",
        r"\b(?:seksuele|seksueel getinte|intieme|naakt)\s?(?:beelden|foto's|video's|filmpjes?)|"
        r"\bschennis van de eerbaarheid|\bverborgen camera|\b(?:stiekem|heimelijk) (?:gefilmd|filmen|filmde|"
        r"filmden|gefotografeerd|fotograferen)\b",
        3.0,
        (_Z,),
    ),
    # A camera hidden where people undress films them without their knowledge.
    _Phrase(
        "camera in kleedkamer",
        rf"\b(?:verstop\w*|verborg\w*)\b(?: [\w-]+){{0,4}} \w*camera\w*\b(?: [\w-]+){{0,6}} {_UNDRESS}\b|"
        rf"\b\w*camera\w* (?:\w+ ){{0,2}}(?:verstopte|verstopten|verstopt|verborg|verborgen)\b(?: [\w-]+){{0,4}} "
        rf"{_UNDRESS}\b",
        3.0,
        (_Z,),
    ),
    _Phrase(
        "achter de ramen",
        r"\b(?:dwong|dwongen|dwingt|dwingen|gedwongen|liet|lieten)\b(?: [\w-]+){0,10} achter (?:de|het) "
        r"ra(?:men|am)\b",
        3.0,
        (_M,),
    ),
    _Phrase(
        "gedwongen prostitutie",
        r"\bgedwongen (?:tot )?prostitutie|dwong\w*\b(?: [\w-]+){1,8} tot (?:de )?prostitutie|"
        r"\btot (?:de )?prostitutie (?:\w+ ){0,2}(?:dwong|dwongen|dwingt|dwingen|gedwongen|te dwingen)\b",
        3.0,
        (_M, _Z),
    ),
    # Withheld passports are the usual mark of exploited workers ("paspoorten in beslag" is the police).
    _Phrase(
        "paspoorten ingenomen",
        r"\b(?:paspoorten|paspoort|identiteitspapieren|identiteitsbewijzen|identiteitskaarten)\b(?: [\w'-]+){0,6} "
        r"(?:ingenomen|afgenomen|afgepakt|ingehouden|achtergehouden|in een kluis)\b|\b(?:paspoorten|"
        r"identiteitsbewijzen|identiteitspapieren) (?:bewaarde|bewaarden|hield|hielden)\b|\b(?:nam|namen|pakte|pakten|hield|hielden) (?:\w+ ){0,3}"
        r"(?:paspoorten|paspoort|identiteitspapieren)\b(?: \w+){0,2} (?:in|af|achter)\b"
        r"(?! (?:beslag|ontvangst|handen|de|het|een|zijn|haar|hun)\b)",
        2.5,
        (_M,),
    ),
    _Phrase(
        "dwong te dealen",
        r"\b(?:dwong|dwongen|gedwongen|dwingen)\b(?: \w+){0,8} te (?:verkopen|dealen|stelen|werken|"
        r"bedelen|smokkelen|vervoeren)\b",
        3.0,
        (_M,),
    ),
    # Minors a gang "inzette" or "liet" to sell drugs are exploited: mensenhandel + drugs.
    _Phrase(
        "minderjarigen drugs laten verkopen",
        r"\b(?:minderjarigen|kinderen|tieners|jongens|meisjes|jongeren)\b(?: \w+){0,2} (?:drugs |cocaïne |wiet )?"
        r"(?:liet|lieten|laat|laten) (?:\w+ )?(?:verkopen|dealen)\b|\b(?:minderjarigen|kinderen|tieners|jongens|"
        r"meisjes|jongeren) (?:inzette|inzetten|ingezet|inzet)\w* (?:om|voor)(?: \w+){0,2} (?:te )?(?:verkopen|dealen|"
        r"verkoop|handel)\b",
        3.0,
        (_M, _D),
    ),
    # Children forced to run deliveries carry drugs: mensenhandel + drugs (the words between,
    # "cocaïne" among them, are blanked with the phrase).
    _Phrase(
        "dwong rond te brengen",
        r"\b(?:dwong|dwongen|gedwongen|dwingen)\b(?: \w+){0,8} (?:rond|af) te (?:brengen|leveren)\b",
        3.0,
        (_M, _D),
    ),
    _Phrase(
        "in het been geschoten",
        r"\b(?:in|door) (?:(?:zijn|haar|het|de) )?(?:been|benen|bovenbeen|arm|buik|borst|hoofd|nek|rug|"
        r"schouder|hand|voet|zij|knie) (?:\w+ )?(?:geschoten|beschoten)",
        3.0,
        (_G, _W),
        shooting=True,
    ),
    # A shot that hit someone: "in zijn been getroffen door een kogel".
    _Phrase(
        "door een kogel getroffen",
        r"\b(?:getroffen|geraakt|gewond|verwond)\b(?: \w+){0,2} door (?:een |de |twee |meerdere )?kogels?\b|"
        r"\bkogels? (?:\w+ ){0,3}(?:getroffen|geraakt)\b",
        3.0,
        (_G, _W),
        shooting=True,
    ),
    # A cash machine blown up is a plofkraak by another name.
    _Phrase(
        "geldautomaat opgeblazen",
        r"\b(?:geld|pin|bank)automa(?:at|ten)\b(?: [\w-]+){0,10} (?:opgeblazen|opengeblazen|ontploft|ontploften|tot "
        r"ontploffing gebracht|met explosieven opengebroken)|\b(?:opgeblazen|bliezen|blies|blazen)\b(?: \w+){0,3} (?:geld|pin|bank)automa\w+|"
        r"\b(?:explosie|ontploffing)\w* (?:\w+ ){0,3}(?:bij|aan|in|op) (?:een |de |het )?(?:\w+ )?"
        r"(?:geld|pin|bank)automa\w+",
        3.0,
        (_I, _W),
    ),
    _Phrase(
        "brak in bij",
        r"\b(?:brak|braken|breekt|breken)\b (?:\w+ ){0,2}in bij\b",
        3.0,
        (_I,),
    ),
    _Phrase(
        "schoot op",
        r"\b(?:schoot|schoten|schiet|schieten)\b (?:\w+ ){0,3}op (?:hem|haar|hen|de|een|het|zijn)\b",
        2.5,
        (_W,),
        role="shot",
    ),
    _Phrase(
        "schot gelost",
        r"\b(?:loste|losten|lossen) (?:\w+ ){0,2}(?:schot|schoten|kogels?)\b|\b(?:schot|schoten) (?:\w+ ){0,2}"
        r"gelost\b|\bwerd (?:er )?(?:\w+ ){0,2}geschoten\b|\b(?:vuurde|vuurden)\b(?! (?:\w+ )?(?:vragen|vraag|kritiek))(?: \w+){0,3} (?:op (?:hem|haar|"
        r"hen|de|het|een)|meerdere (?:keren|schoten|kogels)|\w+ keer|schoten|kogels?)\b|\b(?:meerdere keren|"
        r"meermaals|\w+ schoten|\w+ kogels) (?:\w+ )?(?:vuurde|vuurden|afvuurde|afvuurden)\b",
        2.5,
        (_W,),
        role="shot",
    ),
    _Phrase(
        "in de hals gestoken",
        r"\b(?:in|door) (?:zijn|haar|het|de) (?:\w+ )?(?:been|benen|arm|buik|borst|hoofd|nek|rug|"
        r"schouder|hand|hals|zij|gezicht)(?: en (?:\w+ ){0,2}\w+)? (?:\w+ )?gestoken",
        3.0,
        (_G,),
    ),
    _Phrase(
        "digitale inbraak",
        r"\bdigitale inbra\w+|\b(?:inbra\w+|ingebroken|binnengedrongen|toegang)\b(?: \w+){0,4} "
        r"\w*(?:computer|systemen|systeem|netwerk|server|mailaccount|account|database)\w*\b|"
        r"\b(?:hackers?|criminelen|onbekenden|aanvallers|daders|ze|zij|hij) (?:\w+ ){0,4}(?:computer|systemen|"
        r"systeem|netwerk|server|database)\w*\b(?: \w+){0,5} (?:binnengedrongen|binnendrongen|ingebroken)\b|"
        r"\b(?:stelen|stal|stalen|steelt|kopieerden|kopieerde)\b(?: \w+){0,3} \w*(?:gegevens|data|wachtwoorden)\b|"
        r"\binloggegevens\b(?: \w+){0,4} (?:buitmaken|buitgemaakt|ontfutseld|gestolen|afhandig)",
        3.0,
        (_C,),
    ),
    _Phrase(
        "computer overgenomen",
        r"\b(?:computers?|laptops?|telefoons?|\w*accounts?|rekeningen?|apparaten)(?: \w+){0,4} (?:op afstand )?"
        r"(?:overnemen|overnamen|overgenomen|overnam|kraakte|kraakten|gekraakt|kraken)\b|"
        r"\b(?:kraakte|kraakten|gekraakt|kraken) (?:\w+ ){0,3}\w*accounts?\b|\bop afstand (?:\w+ ){0,2}(?:overnemen|overnamen|"
        r"overgenomen|overnam|over te nemen)\b|\baccountovername|\bmeekijksoftware",
        3.0,
        (_C,),
    ),
    _Phrase(
        "valse inlogpagina",
        r"\b(?:valse|nagemaakte|namaak|nep)[\w-]* (?:inlogpagina|inlogscherm|bankpagina|bankwebsite|"
        r"website van (?:de|een|hun|zijn|haar) bank)\w*|\bphishingmail\w*|\b(?:valse|nep-?) ?(?:bank-?)?sms\w*|\b(?:nep|valse |vervalste )"
        r"(?:bank-?)?(?:e-?mails?|mails?|sms\w*|berichten)\b[^\n]{0,200}\b(?:link|inlog\w*|wachtwoord\w*)",
        3.0,
        (_C, _F),
    ),
    _Phrase(
        "valse facturen",
        r"\b(?:valse|vervalste|nep)[\w-]* (?:facturen|factuur|betaalverzoeken|betaalverzoek|"
        r"betaallinks?|tickets|advertenties|webwinkels?|betaalbewijs|betaalbewijzen)\b|\bontfutsel\w*",
        2.5,
        (_F,),
    ),
    _Phrase("valsheid in geschrifte", r"\bvalsheid in geschrifte", 3.0, (_F,)),
    # Paid for and never delivered: the webshop scam, in plain words.
    _Phrase(
        "nooit geleverd",
        r"\bbetaald\w*\b[^.]{0,60}\b(?:nooit|niets|nooit iets) (?:\w+ )?(?:geleverd|ontvangen|thuisgestuurd|"
        r"opgestuurd)\b|\b(?:nooit|niet) (?:werden |werd )?geleverd\b|\bdie nooit (?:kwamen|kwam|aankwamen|"
        r"werden geleverd)\b|\bvalse (?:reviews|recensies|beoordelingen)\b|\bnepcollecte\w*|"
        r"\bniet-bestaande? (?:fonds|stichting|goed doel|vereniging|bedrijf|firma|klanten|leveranciers?)\b|"
        r"\b(?:stichting|fonds|goed doel|vereniging) (?:\w+ ){0,2}(?:bestaat|bestond) (?:helemaal )?niet\b",
        3.0,
        (_F,),
    ),
    # Accounts "geplunderd" by fraudsters are emptied by deceit, not looted in a riot.
    _Phrase(
        "rekeningen geplunderd",
        r"\bplunder\w*\b(?: \w+){0,3} (?:\w*rekening\w*|accounts?|spaargeld|spaarpot\w*)\b|"
        r"\b(?:\w*rekening\w*|accounts?|spaargeld)\b(?: \w+){0,3} (?:geplunderd|plunderde|plunderden)\b",
        2.5,
        (_F,),
    ),
    # Embezzlement in other words: money someone "zich heeft toegeëigend".
    _Phrase(
        "geld toegeëigend",
        r"\b(?:euro|geld|gelden|bedragen|vermogen|spaargeld|kas)\b[^.]{0,80}\b(?:toegeëigend|toe te eigenen|"
        r"toe-?eigende|toe-?eigenden|toeëigenen|toe-eigenen)\b|\b(?:toe-?eigening|toeëigening) van (?:\w+ ){0,3}"
        r"(?:geld|gelden|euro|\d)|\beigen(?:de|den|t)? zich\b[^.]{0,60}\b(?:euro|geld|gelden|bedrag\w*)\b"
        r"(?: \w+){0,4} toe\b",
        3.0,
        (_F,),
    ),
    # Callers and visitors posing as police or bank staff: a scam by its usual names.
    _Phrase(
        "nepagenten",
        r"\b(?:nep-?|valse |zogenaamde |neppe )(?:politie|bank)?(?:agent(?:en)?|politieagent(?:en)?|"
        r"bankmedewerkers?|bankhelpdesk\w*|helpdeskmedewerkers?|meteropnemers?)\b|\bnep-?politie\b|\bzich (?:\w+ )?"
        r"(?:voor(?:doen|deed|deden|gedaan)?|uit(?:gaf|gaven|geven|gegeven)?) (?:\w+ )?als (?:een )?"
        r"(?:agent|agenten|politie\w*|bankmedewerker\w*|medewerker\w* van \w+ bank|meteropnemer\w*)\b",
        3.0,
        (_F,),
    ),
    # Drugs in a driver's blood or saliva are a traffic offence, not a drugs offence.
    _Phrase(
        "onder invloed",
        r"\bonder (?:de )?invloed(?: van (?:alcohol|drugs|drank|cocaïne|cannabis|ketamine|lachgas|"
        r"xtc|amfetamine|\w+middelen))?|\b(?:speeksel|adem|urine|bloed)test (?:\w+ ){0,3}positief"
        r"(?:(?: was| werd| bleek)? op \w+)?|\bpositief (?:\w+ ){0,2}op (?:alcohol|drugs|drank|cocaïne|cannabis|ketamine|"
        r"amfetamine|xtc|thc|lachgas|heroïne)",
        3.0,
        (_V,),
    ),
    # Drugs a person had taken: no drugs offence (a driver's use is the traffic offence above).
    _Phrase(
        "drugs gebruikt",
        r"\b(?:drugs|cocaïne|cannabis|wiet|xtc|amfetamine|ketamine|heroïne|lachgas|speed|coke)"
        r"(?: (?:en|of) (?:drugs|cocaïne|cannabis|wiet|xtc|amfetamine|ketamine|heroïne|lachgas|alcohol|drank))?"
        r" (?:had |hadden |heeft |hebben |zou hebben |te hebben )?gebruikt\b",
        1.0,
    ),
    _Phrase("met drugs op", r"\bmet (?:te veel )?(?:drugs|alcohol|drank) op\b", 3.0, (_V,)),
    _Phrase(
        "rijbewijs ingevorderd",
        r"\brijbewijs (?:is |werd |werden )?(?:\w+ ){0,4}(?:ingevorderd|ingetrokken|kwijt|inleveren|ingeleverd|"
        r"afgenomen|afgeven)|"
        r"\b(?:verliest|verliezen|verloor|verloren) (?:hun |zijn |haar |het )?rijbewijs\b|"
        r"\b\d{2,3} (?:kilometer per uur|km/u|km per uur)\b[^.]{0,60}\bwaar(?: maar)? \d{2,3} (?:is )?"
        r"(?:toegestaan|mag|is toegestaan)\b",
        3.0,
        (_V,),
    ),
    _Phrase(
        "zonder rijbewijs",
        r"\bzonder (?:geldig )?rijbewijs|\bnooit een rijbewijs|\bgeen rijbewijs",
        3.0,
        (_V,),
    ),
    _Phrase("dood door schuld", r"\bdood door schuld", 3.0, (_V,)),
    _Phrase(
        "reed door",
        r"\b(?:reed|reden) (?:vervolgens |daarna |gewoon |daarop )?door\b(?! (?:rood|de|het|een))|"
        r"\bzonder te stoppen\b",
        3.0,
        (_V,),
    ),
    _Phrase(
        "te veel alcohol",
        # Too much to drink is a traffic offence only with a driver in the sentence: a doorman
        # who turned away a guest who "te veel gedronken had" reports no drunk driving.
        rf"\b(?:(?:te veel|teveel) (?:alcohol|gedronken)\b(?=[^.]{{0,80}}\b{_AT_THE_WHEEL}\b)|"
        rf"{_AT_THE_WHEEL}\b[^.]{{0,80}}\b(?:te veel|teveel) (?:alcohol|gedronken))|\b\d+(?:,\d+)? promille\b|"
        r"\bdronken achter het stuur|"
        r"\b(?:reed|rijden|rijdt) (?:\w+ )?dronken\b|\bdronken "
        r"(?:bestuurder|automobilist|chauffeur|fietser|man achter het stuur)",
        3.0,
        (_V,),
    ),
    # Something that went off at a front door or a façade is an explosive attack, in plain words:
    # "iets ontplofte bij de voordeur".
    _Phrase(
        "ontploft bij voordeur",
        r"\b(?:ontplofte|ontploften|ontploft|explodeerde|explodeerden|geëxplodeerd)\b(?: [\w'’-]+){0,3} "
        r"(?:bij|aan|tegen|voor) (?:(?:de|een|zijn|haar|hun) )?(?:voordeur|gevel)\b|\b(?:voordeur|gevel)\b"
        r"(?: [\w'’-]+){0,5} (?:ontploft|ontplofte|geëxplodeerd|explodeerde)\b",
        2.5,
        (_W,),
    ),
    # Money put "in eigen zak" was embezzled.
    _Phrase(
        "in eigen zak",
        r"\bin (?:zijn |haar |hun )?eigen zak (?:stak|staken|gestoken|steekt|te steken|verdween|verdwenen)\b|"
        r"\b(?:stak|staken|gestoken|steekt)\b(?: [\w'’-]+){0,6} in (?:zijn |haar |hun )?eigen zak\b",
        3.0,
        (_F,),
    ),
    # The separable verb of money laundering: "dat geld waste hij wit via een autohandel".
    _Phrase(
        "waste wit",
        r"\b(?:wast|wassen|waste|wasten)\b(?: [\w'’-]+){0,5} wit\b",
        3.0,
        (_F,),
    ),
    _Phrase("door rood", r"\bdoor rood", 1.5, (_V,)),
    # Fleeing a police stop: "negeerde een stopteken".
    _Phrase(
        "negeerde een stopteken",
        r"\b(?:negeerde|negeerden|negeert|genegeerd)\b(?: \w+){0,3} (?:stopteken|stopsein|stopbevel)\w*|"
        r"\b(?:stopteken|stopsein|stopbevel)\w* (?:\w+ ){0,3}(?:negeerde|negeerden|genegeerd)\b",
        3.0,
        (_V,),
    ),
    _Phrase(
        "verkeersruzie",
        r"\bverkeersruzie\w*|\bruzie (?:\w+ ){0,2}(?:in het verkeer|over (?:de )?voorrang|na een (?:bijna-)?aanrijding|"
        r"op (?:een |de )?(?:rotonde|kruispunt|snelweg|oprit))",
        2.5,
        (_V,),
    ),
    # Speeding far over the limit: "met 160 door de bebouwde kom", "waar hooguit 50 mag".
    _Phrase(
        "veel te hard",
        r"\bmet \d{3}(?: kilometer per uur| km/u| km per uur)? (?:door|over) de\b|\bmag (?:hooguit|maximaal|"
        r"slechts|maar) \d{2}\b",
        3.0,
        (_V,),
    ),
    _Phrase(
        "te hard",
        r"\bte hard (?:gereden|rijden|reed)|\d+ kilometer per uur",
        1.5,
        (_V,),
    ),
    _Phrase(
        "brand gesticht",
        r"\bbrand (?:\w+ ){0,2}(?:gesticht|te hebben gesticht|stichtte|stichtten)\b|\b(?:stichtte|stichtten|sticht)\b"
        r"(?: \w+){0,4} brand\b",
        3.0,
        (_R,),
    ),
    _Phrase(
        "brand aangestoken",
        r"\b(?:brand|brandje|branden|vuur|vuurtje)\b(?: [\w'’-]+){0,8} (?:is |werd |werden |zijn )?(?<!niet )"
        r"aangestoken\b|"
        r"\baangestoken (?:brand|branden|vuur)\b",
        3.0,
        (_R,),
    ),
    # A bag or phone pulled off someone: street robbery (straatroof), in plain words.
    _Phrase(
        "tas afgepakt",
        rf"\b{_SNATCHED}\b (?:\w+ ){{0,2}}(?:afpakte|afpakten|afgepakt|afrukte|afrukten|afgerukt|ontrukte|ontrukt|"
        rf"afhandig maakte)\b|\b(?:trok|trokken|rukte|rukten|griste|gristen)\b(?: \w+){{0,3}} {_SNATCHED}\b"
        r"(?: \w+){0,3} (?:van|uit|af)\b|\btasjesro\w+|\bhandtasroo\w+|"
        # "haar tas griste", "rukte aan haar tas", "ging er met haar handtas vandoor".
        rf"\b{_SNATCHED} (?:griste|gristen|gegrist)\b|"
        r"\b(?:rukte|rukten|trok|trokken) aan (?:haar|zijn|de|een) (?:tas|handtas|tasje)\b|"
        r"\bmet (?:haar|zijn) (?:tas|handtas|tasje|portemonnee) (?:er )?vandoor\b",
        3.0,
        (_O,),
    ),
    # A threat to set fire is a threat, not arson: "dreigde haar huis in brand te steken".
    _Phrase(
        "dreigde in brand te steken",
        r"\b(?:dreig\w*|gedreigd)\b(?: [\w'’-]+){0,6} (?:in brand te steken|in de fik te steken|"
        r"op te blazen)\b",
        2.5,
        (_G,),
        threat=True,
    ),
    _Phrase(
        "in brand gestoken",
        r"\bin brand (?:(?:te )?(?:hebben|heeft|had|hadden|zou|zouden|werd|werden|wordt|worden|is|zijn|was|waren) )?"
        r"(?:gestoken|te steken|steken|stak|staken)|\bst(?:a(?:ken|k)|eken|eekt)\b(?:,? [\w'’-]+){1,7} "
        r"in brand",
        3.0,
        (_R,),
    ),
    _Phrase(
        "stak neer",
        r"\b(?:stak|staken)\b (?:[\w-]+ ){0,8}(?:neer\b|met een (?:mes|schaar|schroevendraaier)|in "
        r"(?:zijn|haar|de|het) (?:\w+ )?(?:been|arm|buik|borst|hals|nek|rug|zij|gezicht))",
        2.5,
        (_G,),
    ),
    _Phrase(
        "met een mes",
        r"\bmet een (?:mes|keukenmes|bijl|koevoet|honkbalknuppel|hamer|knuppel)",
        2.0,
        (_G,),
        True,
    ),
    _Phrase("met de dood bedreigd", r"\bmet de dood bedreig\w*", 3.0, (_G,), True),
    _Phrase(
        "dode gevonden",
        r"\b(?:dode (?:man|vrouw|persoon)|lichaam) (?:is |werd )?(?:\w+ ){0,4}(?:gevonden|aangetroffen)",
        1.5,
        (_L,),
    ),
    _Phrase(
        "is aangehouden",
        r"\b(?:is|zijn|werd|werden) (?:\w+ )?(?:aangehouden|opgepakt|gearresteerd)|\b(?:hield|hielden|"
        r"houdt|houden)\b (?:[\w-]+ ){1,5}aan\b|\bmee naar het (?:politie)?bureau\b|"
        r"\bvast tot (?:de (?:komst van de )?politie|agenten)\b",
        2.0,
    ),
    _Phrase("verdacht van", r"\bverdacht van|op verdenking van|wordt(?:en)? (?:ervan )?verdacht", 2.5),
    _Phrase(
        "politie zoekt getuigen",
        r"\bpolitie (?:zoekt|vraagt|roept) (?:\w+ ){0,3}(?:getuigen|camerabeelden|bewoners)",
        2.0,
    ),
    _Phrase("waarschuwt", r"\b(?:politie|wij) waarschuw\w*|\bwaarschuwt de politie|\bwaarschuwen voor", 1.5),
    _Phrase(
        "het OM eist",
        r"\b(?:om|openbaar ministerie|officier van justitie|aanklager|parket) (?:heeft )?(?:eist|eiste|"
        r"geëist|vordert|vorderde)\b[^.]{0,60}(?:cel|straf|jaar|maanden|tbs|uur)|\b(?:jaar|maanden|"
        r"cel|straf\w*|tbs|uur|levenslang)\b[^.]{0,40}\b(?:geëist|gevorderd)",
        3.0,
    ),
    _Phrase("openbaar ministerie", r"\bopenbaar ministerie|officier van justitie", 2.0),
    _Phrase(
        "moet zich verantwoorden", r"\b(?:moet|moeten|moest|moesten) zich (?:\w+ ){0,6}verantwoorden\b", 2.0
    ),
    _Phrase("het parket", r"\bhet parket\b|\bparket van\b", 2.0),
    _Phrase("correctionele rechtbank", r"\bcorrectionele rechtbank|hof van assisen", 3.0),
    _Phrase(
        "jaar cel",
        r"\b(?:jaar|maanden|weken) (?:cel|gevangenisstraf)|\bcelstraf\w*|\blevenslang\b|"
        r"\blevenslange opsluiting|\bde gevangenis in\b",
        3.0,
    ),
    _Phrase(
        "gegevens gestolen",
        r"\b(?:gegevens|data|wachtwoorden) (?:\w+ ){0,4}gestolen|gestolen (?:gegevens|data)",
        2.0,
        (_C,),
    ),
    _Phrase("wordt gezocht", r"\bwordt (?:nog )?gezocht|\bvoortvluchtig", 1.5),
    _Phrase("opgerold", r"\b(?:opgerold|ontmanteld)", 1.5),
    _Phrase("in beslag genomen", r"\bin beslag (?:genomen|gelegd)", 1.5),
    _Phrase("op heterdaad", r"\bop heterdaad", 2.5),
    _Phrase("staat terecht", r"\b(?:sta(?:at|an)|stond(?:en)?) (?:\w+ ){0,4}terecht\b", 2.5),
    _Phrase("strafbaar", r"\bstrafbaar|\bproces-verbaal", 1.5),
)

_TERMS: tuple[_Term, ...] = (
    # General evidence of a criminal case.
    _Term("aanhouden aangehouden aanhouding aanhoudingen", 2.0, compound=True),
    _Term("oppakken opgepakt arresteren gearresteerd arrestatie arrestaties", 2.5),
    _Term("verdachte verdachten", 2.0),
    _Term("dader daders", 2.0, compound=True),
    _Term("misdrijf misdrijven", 2.0),
    _Term("politie politieagent politieagenten", 1.0),
    _Term("recherche rechercheur", 1.0, compound=True),
    _Term("aangifte klacht klachten", 1.5),
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
    _Term("afpersing afgeperst afpersen", 2.5),
    _Term("gewond zwaargewond", 0.5),
    _Term("buit", 1.5),
    _Term("gemaskerd gemaskerde bivakmuts bivakmutsen", 1.0),
    _Term("fiod", 2.0),
    # levensdelict
    _Term("moord moorden vermoord vermoorden moordenaar", 3.0, (_L,), compound=True),
    _Term("doodslag", 3.0, (_L,)),
    _Term("liquidatie geliquideerd liquideren", 3.0, (_L,)),
    _Term("doodgestoken doodsteken", 3.0, (_L, _G)),
    _Term("doodgeschoten doodschieten dood_schieten", 3.0, (_L, _W)),
    _Term("doodgeslagen doodslaan doodsloeg", 3.0, (_L, _G)),
    _Term("doden doodde", 1.0, (_L,)),
    # geweld
    _Term("mishandeld mishandelen mishandeling mishandelde mishandelt", 3.0, (_G,), compound=True),
    _Term(
        "steekpartij neergestoken neersteken gestoken steekwonden steekwond steekwonde messteek messteken",
        2.5,
        (_G,),
        compound=True,
    ),
    _Term(
        "schietpartij neergeschoten neerschoot neerschoten neerschieten",
        3.0,
        (_G, _W),
        compound=True,
        shooting=True,
    ),
    _Term("bedreigd bedreigen bedreiging bedreigde", 2.5, (_G,), threat=True),
    _Term("vechtpartij knokpartij knokpartijen vechtpartijen", 3.0, (_G,)),
    _Term("aangevallen", 2.5, (_G,)),
    _Term("geweld gewelddadig gewelddadige geweldpleging geweldsdelict", 2.0, (_G,), role="generic"),
    _Term("geslagen sloegen sloeg slaan geschopt schopten", 2.0, (_G,)),
    _Term("neergeslagen neerslaan neersloeg neersloegen", 3.0, (_G,)),
    _Term("wurgen wurgde gewurgd wurging verwurging verwurgd verwurgde", 3.0, (_G,)),
    _Term("kopstoot kopstoten vuistslag vuistslagen", 3.0, (_G,)),
    _Term("partnergeweld relatiegeweld straatgeweld uitgaansgeweld groepsgeweld", 3.0, (_G,)),
    _Term("doodsbedreiging doodsbedreigingen dreigbrief dreigbrieven", 2.5, (_G,), threat=True),
    _Term("gebeten", 2.5, (_G,)),
    _Term("ontvoerd ontvoering ontvoeren ontvoerde gijzeling gegijzeld gijzelen", 3.0, (_G,)),
    # Not a "beroving": deprivation of liberty is a kidnapping's offence.
    _Term("vrijheidsberoving vrijheidsberovingen", 3.0, (_G,)),
    _Term("stalken stalkte stalking belaging belagen", 2.5, (_G,)),
    _Term("verkeersagressie", 3.0, (_G, _V)),
    # zeden
    _Term("verkrachting verkracht verkrachten verkrachter verkrachters", 3.0, (_Z,)),
    _Term("aanranding aangerand aanranden aanrander betast betastte betasten", 3.0, (_Z,)),
    _Term("ontucht", 3.0, (_Z,)),
    _Term("zedendelict zedenfeiten zedenzaak", 3.0, (_Z,), compound=True),
    _Term(
        "zedendelinquent zedenmisdrijf zedenmisdrijven zedenpolitie zedenrecherche kindermisbruik", 3.0, (_Z,)
    ),
    _Term("kinderporno kinderpornografisch", 3.0, (_Z,), compound=True),
    _Term("sextortion grooming voyeurisme wraakporno potloodventer exhibitionisme", 3.0, (_Z,)),
    _Term("naaktfoto naaktfoto's", 1.0, (_Z,), compound=True),
    # overval
    _Term("overval overvallen overvaller overvielen overviel", 3.0, (_O,), compound=True),
    _Term("beroofd beroving beroven", 3.0, (_O,), compound=True),
    _Term("straatroof straatroven", 3.0, (_O, _G), compound=True, threat=True),
    _Term("roofmoord", 3.0, (_L, _O)),
    _Term("ripdeal ripdeals roofoverval roofovervallen", 3.0, (_O,)),
    _Term("carjacking carjackings carjacker carjackers homejacking homejackings", 3.0, (_O,)),
    # inbraak en diefstal
    _Term("inbraak inbraken inbreker inbrekers ingebroken inbreken", 3.0, (_I,), compound=True),
    _Term("diefstal diefstallen gestolen stelen", 3.0, (_I,), compound=True, role="taken"),
    _Term("dief dieven", 3.0, (_I,), compound=True),
    _Term(
        "winkeldief winkeldieven fietsendief fietsendieven gauwdief gauwdieven autodief autodieven",
        3.0,
        (_I,),
    ),
    _Term("heling heler helers", 3.0, (_I,)),
    _Term("ontvreemd ontvreemden babbeltruc zakkenroller zakkenrollers", 3.0, (_I,), compound=True),
    _Term("ramkraak ramkraken", 3.0, (_I,), compound=True),
    _Term("plofkraak plofkraken plofkrakers", 3.0, (_I, _W), compound=True),
    _Term("buitgemaakt", 1.5, (_I,), role="taken"),
    # drugs
    _Term("drugs drug", 3.0, (_D,), compound=True),
    _Term("cocaïne heroïne amfetamine xtc ketamine crystal", 3.0, (_D,), compound=True),
    _Term("coke speed", 2.0, (_D,)),
    _Term("hasj mdma ghb bolletjesslikker bolletjesslikkers uithaler uithalers", 3.0, (_D,)),
    _Term("hennep hennepplanten hennepkwekerij", 3.0, (_D,), compound=True),
    _Term("wietplantage wietkwekerij cannabisplantage cannabiskwekerij wietteelt", 3.0, (_D,)),
    _Term("cannabis wiet", 1.0, (_D,)),
    _Term("dealer dealers dealen", 2.5, (_D,), compound=True),
    _Term("opiumwet", 3.0, (_D,)),
    # wapens en explosies
    _Term("vuurwapen vuurwapens kalasjnikov machinegeweer", 3.0, (_W,), compound=True, role="firearm"),
    _Term("pistool revolver", 2.5, (_W,), role="firearm"),
    _Term("geweer geweren jachtgeweer", 2.5, (_W,), role="firearm"),
    _Term("wapen wapens", 2.0, (_W,), role="firearm"),
    _Term("munitie granaat granaten", 2.5, (_W,)),
    _Term("wapenbezit wapenarsenaal", 3.0, (_W,), compound=True, role="firearm"),
    _Term("handgranaat explosief explosieven", 3.0, (_W,), compound=True),
    _Term("explosie explosies", 2.5, (_W,)),
    _Term("beschoten beschieten beschieting schietincident schietincidenten", 3.0, (_W,)),
    _Term("geschoten schieten", 2.0, (_W,), role="shot"),
    _Term("kogelgaten kogelinslagen kogelinslag", 2.0, (_W,)),
    _Term("cobra cobra's vuurwerkbom vuurwerkbommen", 3.0, (_W,), compound=True),
    _Term("schoten schutter", 1.0, (_W,)),
    _Term("patronen", 1.0, (_W,)),
    # fraude en witwassen
    _Term("fraude", 3.0, (_F,), compound=True),
    _Term("btw-carrousel btw-carrousels carrouselfraude spookfirma spookfirma's", 3.0, (_F,)),
    _Term("oplichting opgelicht oplichter oplichters oplichten oplicht", 3.0, (_F,), compound=True),
    _Term("zwendel zwendelaar zwendelaars identiteitsdiefstal identiteitsfraude", 3.0, (_F,), compound=True),
    _Term("witwassen witgewassen witwas", 3.0, (_F,), compound=True),
    _Term("verduistering verduisterd verduisteren verduisterde", 3.0, (_F,)),
    _Term("omkoping steekpenningen corruptie", 3.0, (_F,)),
    _Term("bedrog belastingontduiking smeergeld geldezel geldezels nepwebwinkel nepwebwinkels", 3.0, (_F,)),
    _Term("vervalst vervalste vervalsten vervalsen", 2.5, (_F,)),
    _Term("vervalsing vervalsingen namaak namaakkleding namaakgoederen", 2.5, (_F,), compound=True),
    # cybercrime
    _Term("hack hacker hackers gehackt hacken", 2.5, (_C,), compound=True),
    _Term(
        "ransomware gijzelsoftware ddos computervredebreuk cybercrime cybercriminaliteit",
        3.0,
        (_C,),
        compound=True,
    ),
    _Term("cyberaanval cyberaanvallen malware spyware botnet", 3.0, (_C,), compound=True),
    _Term("datadiefstal gegevensdiefstal datadiefstallen", 3.0, (_C,)),
    _Term("phishing", 3.0, (_C, _F), compound=True),
    _Term("informaticabedrog", 3.0, (_C, _F)),
    _Term("sim-swapping simswapping sim-swapper simswapper", 3.0, (_C, _F)),
    _Term("smishing nepsms nep-sms", 3.0, (_C, _F)),
    # mensenhandel
    _Term("mensenhandel mensensmokkel mensensmokkelaars", 3.0, (_M,), compound=True),
    _Term("uitbuiting uitgebuit uitbuiten arbeidsuitbuiting", 3.0, (_M,)),
    _Term("loverboy", 3.0, (_M, _Z), compound=True),
    _Term("smokkel smokkelde smokkelden smokkelaars", 2.0, compound=True),
    _Term("verstekeling verstekelingen", 2.5, (_M,)),
    # openbare orde
    _Term("rellen relschopper relschoppers ongeregeldheden coronarellen voetbalrellen", 3.0, (_R,)),
    _Term(
        "vernield vernieling vernielingen vernielden vernielen vandalen",
        3.0,
        (_R,),
        compound=True,
        role="damage",
    ),
    _Term("brandstichting brandstichter brandstichters", 3.0, (_R,)),
    _Term("vandalisme wanordelijkheden ordeverstoring ordeverstoringen", 3.0, (_R,)),
    _Term("bekrast gekrast kraste krasten", 2.5, (_R,), role="damage"),
    _Term("noodbevel noodverordening samenscholingsverbod", 2.0, (_R,)),
    _Term("bekogeld bekogelde bekogelden bekogelen", 2.5, (_R,)),
    _Term("plunderden plundering plunderen", 3.0, (_R,)),
    # verkeer
    _Term("blaastest ademanalyse ademtest", 2.5, (_V,)),
    _Term("spookrijder spookrijders straatrace straatraces hardrijder hardrijders bumperkleven", 3.0, (_V,)),
    # A driving ban shows a traffic offence was judged, not what the story is about.
    _Term("rijontzegging rijverbod", 3.0, (_V,), role="penalty"),
    _Term("doorgereden doorreed doorrijder doorrijden vluchtmisdrijf", 3.0, (_V,)),
    _Term("doodreed doodgereden doodrijden", 3.0, (_V,)),
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
        r"verdediger|ploeg|topper|shoot-outs|blessuretijd|hoekschop\w*|invaller\w*|thuisploeg|buitenspel|"
        r"klassement|titelstrijd|koploper|aftrap|afstandsschot|vrije trap|rebound|nederlaag|"
        r"slotronde|veldrit|cross|thuiswedstrijd|uitwedstrijd|sportpark",
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
        r"recensie|recensent\w*|thriller|roman|misdaadroman|film|schrijfster|schrijver|lezers|uitgeverij|"
        r"boekpresentatie|hoofdpersonage|"
        r"verfilming|serie|streamingserie|aflevering|sterren|musical|toneel\w*|"
        r"voorstelling|première|documentaire|podcast|kijkcijfers|boek|tentoonstelling|"
        r"museum|acteurs|personages|plot|makers|publiek|true crime|"
        r"hitlijsten|entertainment|misdaadserie|thrillerserie|politieserie|dramaserie|detectiveserie|"
        # Filming a series: "opnames voor een nieuwe politiereeks", shots with "losse flodders".
        r"opnames voor|losse flodders|op (?:de )?televisie|"
        r"tv-serie|televisieserie|regisseur|regisseuse|scenarist|streamingdienst|filmploeg|filmset|"
        r"figurant\w*|draaidag\w*|producent|productiehuis|filmproductie|tv-productie|filmopnames|tv-opnames|"
        r"opnameploeg|\w+delige (?:reeks|serie)|verzonnen verhaal|volledig verzonnen|fictie(?:reeks|serie|film|s)?|\w*quiz\w*|escaperoom\w*|moorddiner\w*|moordspel\w*|rollenspel\w*|in kostuum|"
        # Carnival's mock trials ("volksgericht", "carnavalsproces") judge nobody.
        r"carnaval\w*|volksgericht\w*|\w+thriller|afleveringen|misdaadreeks|fictiereeks|dramareeks|politiereeks|"
        r"detectivereeks|tv-reeks",
    ),
    "geschiedenis": (
        -1.0,
        -3.0,
        r"historici|historicus|geschiedenis\w*|eeuw|eeuwen|archiefstukken|stadsarchief|"
        r"wereldoorlog|vliegtuigbom|blindganger|bombardement\w*|"
        r"1[0-8]\d\d|19[0-4]\d",
    ),
    # Civil, labour, administrative and disciplinary justice is not criminal justice.
    "civiel": (
        -2.0,
        -6.0,
        r"kantonrechter|arbeidsrechtbank|arbeidsrechter|tuchtcollege|tuchtrechter|tuchtraad|"
        r"raad van state|bestuursrechter|geschillencommissie|arbitrage|ontslagzaak|civiele|"
        r"civielrechtelijke?|burgerlijke rechtbank|ondernemingsrechtbank|familierechtbank|vredegerecht|"
        r"huurcommissie|onterecht ontslag|ontslagvergoeding|ten onrechte ontslagen|op staande voet|"
        r"opzegvergoeding|dringende reden",
    ),
    # An exercise of the police and emergency services plays an offence; nobody commits one.
    "oefening": (
        -2.0,
        -6.0,
        r"oefening|oefeningen|oefenen|oefenden|oefent|rampenoefening|oefendag|lotusslachtoffers",
    ),
    # An explosion or fire with a technical cause, or with foul play ruled out, is an accident.
    "ongeval": (
        -2.0,
        -6.0,
        r"gaslek|gaslekkage|geiser|geisers|cv-ketel|kortsluiting|technisch defect|technische oorzaak|"
        r"defecte|blikseminslag|kwaad opzet (?:wordt |werd |is )?uitgesloten|geen kwaad opzet|"
        r"geen sprake van kwaad opzet",
    ),
    # What was first feared turned out no offence: a natural death, a fire not set, a false alarm.
    "geen misdrijf": (
        -2.0,
        -6.0,
        r"niet aangestoken|natuurlijke dood|geen misdrijf|geen sprake van een misdrijf|geen strafonderzoek|"
        r"loos alarm|vals alarm|bleek (?:\w+ ){0,4}(?:bewoner|bewoonster|eigenaar|huurder) zelf",
    ),
    # Studies of drug use and crime figures: research, not an offence.
    # Lessons in recognising a scam, with no case: prevention, not an offence.
    "preventie": (
        -1.0,
        -3.0,
        r"workshops?|infosessies?|infoavond\w*|sessies|sensibilis\w*|bewustmaking\w*|tips|"
        r"geen concrete aanleiding|herkennen",
    ),
    "onderzoek": (
        -1.0,
        -3.0,
        r"trimbos\w*|onderzoekers|enquête|peiling|voorlichting|drugsgebruik|gebruikers|studie|"
        r"wetenschappers",
    ),
    "beleid": (
        -1.0,
        -3.0,
        r"kabinet|minister|staatssecretaris|tweede kamer|kamerleden|kamerbrief|begroting|gemeenteraad|"
        r"raadsleden|wetsvoorstel|raadsvoorstel|voorstel|"
        r"vacatures|bezuinig\w*|korpschef|politiebonden|vakbonden|politieacademie|uniform\w*|"
        r"extra geld|salarissen|boa's|cameratoezicht|handhavers|oppositiepartijen|ingestemd|"
        r"gevoel van veiligheid|veiligheidsgevoel|actieplan|kamercommissie|kamerdebat|regering|federale regering|"
        r"aanwerven|aanwerving\w*|magistratuur|capaciteit|personeelstekort\w*|politieraad|korpsleiding|"
        r"raad voor de rechtspraak|orde van advocaten|justitiepaleis|gerechtsgebouw|regie der gebouwen|"
        r"renovatie\w*|opendeurdag|zittingszalen|veiligheidsplan\w*|stadsbestuur|gemeentebestuur|"
        r"burgemeester|oppositie|blauw op straat|gemeenschapswacht\w*|stadswacht\w*|buurtinformatienetwerk\w*",
    ),
}
# Crime figures: a year's statistics or a police zone's annual report name offences in general.
_FIGURES = re.compile(
    r"\b(?:cbs|centraal bureau voor de statistiek|statistiek\w*|jaarverslag\w*|jaarrapport\w*|\w*cijfers|"
    r"veiligheidsmonitor|geregistreerde?|procent|het aantal)\b"
)
# Any one case: a person of a given age or with an initial, the suspect, the victim, a man or a
# woman, a counted group of suspects. Figures and plans have none; crime news nearly always does.
_CASE_ANCHOR = re.compile(
    r"\b\d{1,3}-jarige\b|\(\d{1,3}\)|\b[A-Z][a-z]+ [A-Z]\.(?=[\s,)])|"
    r"\b(?:[Dd]e|[Ee]en|[Hh]et) (?:verdachte|dader|slachtoffer|beklaagde|beschuldigde)\b|"
    r"\b(?:[Ee]en|[Dd]e) (?:man|vrouw|jongen|meisje|bestuurder|automobilist|buurman|buurvrouw|bewoner|"
    r"bewoonster|moeder|vader|passant|voorbijganger)\b|"
    # The night it happened: "vannacht", "in de nacht van dinsdag op woensdag" (a council meets in
    # the evening, so an evening is no case).
    r"\b(?:[Vv]annacht|[Gg]isternacht|[Ii]n de nacht van)\b|"
    r"\b(?:twee|drie|vier|vijf|zes|zeven|acht|negen|tien|\d+) (?:mannen|vrouwen|verdachten|jongeren|tieners|"
    r"personen)\b"
)
# Policy and figure words (distinct) that make a piece without any case policy news.
_NO_CASE_MIN_CUES = 3

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

_MONTHS = "januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december"
# Markers per stage, most advanced first; matched per clause, in the article's own report only.
_STAGE_PATTERNS: tuple[tuple[str, str], ...] = (
    (
        "hoger_beroep",
        r"hoger beroep|gerechtshof|\bhof van beroep|\bhof (?:bevestigt|verhoogt|verlaagt|oordeelt|"
        r"vindt|legt|maakt)\b|^hof\b",
    ),
    (
        "vonnis",
        r"veroordeeld|veroordee?l(?:t|de|den)\b|schuldig (?:bevonden|verklaard)|vrijgesproken|vrijspraak|levenslang|\b(?:krijgt|kreeg|kregen|krijgen|moet|moeten)"
        r"\b[^.]{0,60}(?:cel|straf(?:fen)?|werkstraf|taakstraf|tbs|rijverbod|rijontzegging|boetes?|de gevangenis in)\b|(?:cel|straf\w*|tbs|"
        r"rijverbod|boete)\b[^.]{0,30}\bgekregen\b|(?:straf\w*|tbs|"
        r"werkstraf\w*|taakstraf\w*|rijverbod|rijontzegging|boete)\b[^.]{0,40}opgelegd|"
        # "legde hem twee jaar cel op"; not "legt een straatrace op een industrieterrein stil".
        r"\bleg(?:de|den|t)\b[^.]{0,40}\b(?:cel|celstraf|gevangenisstraf|straf|werkstraf|taakstraf|boete|"
        r"rijverbod|rijontzegging|tbs|jaar|maanden|uur)\b[^.]{0,20}\bop\b",
    ),
    (
        "rechtszaak",
        r"\beis(?:t|te|en)\b[^.]{0,60}(?:cel|straf|jaar|maanden|tbs|levenslang)|"
        r"\bvorder(?:t|de|den)\b[^.]{0,60}(?:cel|straf|jaar|maanden|tbs|levenslang)|"
        r"\b(?:jaar|maanden|weken|cel|straf\w*|tbs|uur|levenslang)\b[^.]{0,40}\b(?:geëist|gevorderd)\b|"
        r"\b(?:geëist|gevorderd) tegen\b|"
        r"\b(?:sta(?:at|an)|stond(?:en)?)\b[^.]{0,40}\bterecht\b|\bterecht(?:staan|staat|stond|stonden)\b|"
        r"rechtszaak|strafzaak|\bproces\b(?!-)|pro[- ]?formazitting|zitting\b",
    ),
    (
        "vervolging",
        r"\bvervolg(?:t|en|d)\b|gedagvaard|dagvaardt|dagvaarding|doorverwe\w+|doorverwijzing|aangeklaagd|"
        r"aanklacht|verantwoorden|voor de rechter\b|raadkamer\b(?![^.]{0,60}(?:aanhouding|hechtenis|"
        r"aangehouden)\b)",
    ),
    (
        "aanhouding",
        r"aangehouden|aanhouding|opgepakt|gearresteerd|arrestatie|arresteerde\w*|ingerekend|"
        r"\bpakte\w* [^.]{0,40}\bop\b|\bhield\w* [^.]{0,40}\baan\b(?!(?: [\w-]+){0,3} over\b)|"
        # "hield de politie maandag in Hoogeveen twee mannen van 22 en 25 jaar aan.": the particle
        # ends the clause, farther from the verb.
        r"\bhield\w* [^.]{0,100}\baan(?=\s*(?:[.,;:!?]|$|voor\b|op verdenking\b|wegens\b))|"
        r"\bhoudt [^.]{0,40}\baan\b(?!(?: [\w-]+){0,3} over\b)|in verzekering gesteld|voorgeleid|aanhoudingsmandaat|"
        r"\bmeldt\w* zich\b[^.]{0,40}\bpolitie|\bheeft zich [^.]{0,60}\bgemeld|voorlopige hechtenis|"
        r"opgerold|uitgeleverd|\b(?:aanhouding|hechtenis)\b[^.]{0,30}\bverlengd|"
        # Brought before the investigating or juvenile judge (the README's convention).
        r"\bvoor (?:de )?(?:jeugd|onderzoeks)rechter\b|\bmee naar het (?:politie)?bureau\b|"
        # A citizen's arrest: "hielden hem vast tot de politie er was" (its clause may start after a comma).
        r"\bvast tot (?:de (?:komst van de )?politie|agenten)\b",
    ),
)
# What is only announced has not happened: a scheduled hearing, an appeal under consideration.
_FUTURE = re.compile(
    rf"\b(?:zal|zullen|wordt verwacht|verwacht|volgende (?:week|maand)|later dit jaar|gepland|"
    rf"begint|beginnen|start|dient|dienen|vindt [^.]*plaats|vinden [^.]*plaats|op \d{{1,2}} "
    rf"(?:{_MONTHS})|in (?:{_MONTHS})(?! \d{{4}})|over \w+ (?:weken|maanden|dagen)|kan|kunnen|overweegt|"
    rf"overwegen|gaat|gaan|wil|willen|beraadt|beraden|heeft [^.]*de tijd|beslist|"
    rf"nog niet (?:vastgelegd|vastgesteld|bepaald|bekend|gepland)|nog geen (?:datum|zittingsdatum)|"
    # Awaited: "wachten het proces in vrijheid af", "in afwachting van de rechtszaak".
    rf"wacht(?:en|te|ten)? [^.]*\baf|in afwachting van|afwachten)\b"
)
# A demand made or a trial held, in the past tense: a month named beside it dates the facts.
_PAST_DEMAND = re.compile(r"\b(?:geëist|gevorderd|eiste|eisten|vorderde|vorderden|stond|stonden)\b")
# A marker the clause then denies: "aanhoudingen zijn nog niet verricht", "... zijn er niet".
_DENIED_AFTER = re.compile(r"^\w*\W*(?:zijn|is|werden|werd|waren|was) (?:er )?(?:nog )?(?:niet|geen)\b")
# A find the clause denies after the noun: "drugs werden niet gevonden", "wapens zijn er niet aangetroffen".
_NOT_FOUND_AFTER = re.compile(
    r"\W+(?:werd|werden|is|zijn|was|waren) (?:er )?(?:\w+ ){0,4}(?:niet|nergens|geen) (?:\w+ )?(?:gevonden|aangetroffen|"
    r"ontdekt|in beslag genomen)\b"
)
# The raadkamer also rules on detention: then it marks the arrest, not a referral to trial.
_DETENTION = re.compile(
    r"\b(?:voorhechtenis|hechtenis|aanhoudingsmandaat|vrijlating|vrijgelaten|enkelband|elektronisch toezicht)"
)
# Demands of a sentence at a hearing: "het OM eist levenslang" is no verdict.
_DEMAND = re.compile(
    r"\b(?:eis\w*|geëist|vorder\w*|gevorderd|riskeert|riskeren|bepleit\w*|pleit\w*|vraagt|vroeg|vragen|"
    r"vroegen|gevraagd|verzoekt|verzocht)\b"
)

_THOUSANDS = re.compile(r"(?<=\d)\.(?=\d)")
_INDEX_MIN_CHARS = 3000
"""From this length, filing the word starts once costs less than searching for every literal
(a 10 KB report: 12.4 -> 10.4 ms; under 2 KB the filing costs more than it saves)."""
# Heads of compounds whose crime word names no offence: the compound is something else. A listed
# form ending in one ("smeergeld") is still a term.
_NOT_OFFENCE_HEADS = (
    # A world: "drugsmilieu", "onderwereld".
    "milieu",
    "wereld",
    "scene",
    "circuit",
    # Prevention or policy: "phishingtraining", "inbraakpreventie", "drugsbeleid".
    "training",
    "trainingen",
    "cursus",
    "voorlichting",
    "simulatie",
    "preventie",
    "beleid",
    # Use: "drugsgebruik", "drugsgebruikers".
    "gebruik",
    "gebruiker",
    "gebruikers",
    # Money or a debt an offence is about: "drugsgeld", "drugsschuld". Laundered money is
    # fraude_witwassen whatever its source, and a debt is a motive.
    "geld",
    "schuld",
    "schulden",
)
# Words in which a compound term's letters appear without being a part of the word.
# No "st" + "oplicht"; a fire "aangestoken" is no stabbing ("gestoken").
_NOT_COMPOUNDS = ("stoplicht", "aangestoken", "aansteken", "aanstak")
# Nouns that simplemma lemmatises to a term's verb: "een zak sla" (lettuce) is no "slaan".
_NOT_TERMS = frozenset({"sla"})
_WORD = re.compile(r"[^\W\d_][\w'-]*")
# A point after a capital initial ("Dirk V. (58)", "Mohamed B. is") ends no sentence.
_SENTENCE_END = re.compile(r"(?<=[.!?])(?<!\b[A-Z]\.)[\s'’\"”]+(?=[A-Z0-9'‘\"“„(])|\n+")
_CLAUSE_END = re.compile(r"[,;:()–—]|\s-\s|\bmaar\b")
# Quotations in Dutch news: 'single', “double”, „low-high”, "straight".
_QUOTE = re.compile(r"(?<![\w])'(?!s[\s-])(?:[^'\n]|'(?=\w))+?'(?![\w])|“[^”\n]+”|„[^”“\n]+[”“]|\"[^\"\n]+\"")
# A negation just before a word cancels it ("geen drugs gevonden", "niet om een beroving").
_NEGATION_WORDS = frozenset(
    {
        "geen",
        "niet",
        "niets",
        "nooit",
        "noch",
        "zonder",
        "niemand",
        # What is played or made up: "de fictieve moord op de baron", "een gespeelde overval".
        "fictieve",
        "fictief",
        "gespeelde",
        "nagespeelde",
        "gesimuleerde",
        "gefingeerde",
        "verzonnen",
    }
)
_NEGATION_WINDOW = 4
# A negation does not reach over a conjunction: "was niet thuis en wordt gezocht".
_NEGATION_STOP = frozenset(
    {"en", "of", "maar", "want", "omdat", "terwijl", "nadat", "toen", "die", "dat", "waarna"}
)
# A clause that denies or doubts the whole of what follows.
_CLAUSE_NEGATION = re.compile(
    r"\bgeen (?:aanwijzingen|sprake|bewijs|enkele aanwijzing)\b|\bten onrechte\b|\bgespeculeerd\b|"
    r"\bspeculaties?\b|\bgeruchten\b|\bniet veroorzaakt\b|\bniet door\b|\bgeen \w+ maar\b|"
    # A fear or talk of the neighbourhood: "vreesde dat hij gestolen was", "werd over dieven gepraat".
    r"\bvrees(?:de|den|t)? (?:dat|een)\b|\bgevreesd voor\b|\bgepraat\b|\bsluit\w* niet uit\b|\bniet uitgesloten\b"
)
# Background: what a person did before, a milieu, a different case, where money came from.
_BACKGROUND = re.compile(
    r"\beerder (?:al )?(?:eens )?(?:werd |was |is )?(?:veroordeeld|bekend|opgepakt|aangehouden|in aanraking|gestraft|"
    r"gearresteerd|betrokken)|\bal eerder (?:veroordeeld|opgepakt|aangehouden|gestraft)|"
    r"\bin het verleden\b|\bvroeger\b|\bstrafblad\b|\bbekend bij (?:de )?(?:politie|justitie)\b|"
    r"\bin een andere zaak\b|\blos daarvan\b|\b(?:geld|opbrengst\w*|winst\w*|vermogen|bedrag\w*) "
    r"(?:\w+ ){0,4}afkomstig (?:\w+ )?(?:uit|van)\b|"
    # A conviction in a year before the story: "werd in 2019 veroordeeld voor handel in cocaïne".
    r"\bin (?:19|20)\d\d (?:al )?(?:veroordeeld|opgepakt|gearresteerd|aangehouden|gestraft)\b|\b(?:geld|opbrengst\w*|winst\w*|cash) (?:\w+ )?uit (?:de |het )?"
    r"[\w-]+ (?:kwam|kwamen|komt|stamde|stamt)\b|\bverdiend (?:met|in)\b|\bkampt\w* (?:al \w+ )?met\b|"
    r"\bof het (?:om|een)\b|\b(?:zegt|zei|stelt|stelde|beweert|beweerde|verklaart|verklaarde) dat (?:hij|zij|ze) "
    r"(?:daartoe |daarbij |zelf )?(?:werd|was|is) (?:bedreigd|gedwongen|onder druk gezet)\b|\bonderzoek\w* of\b|\bstrijd tegen\b|\b(?:opsporing|bestrijding|aanpak|"
    r"bestrijden|aanpakken|preventie) van\b|\baan te pakken\b|\bte bestrijden\b|\been van de grootste problemen\b|"
    # What is true of such offences in general: "bij dit soort aanslagen gaat het vaak om drugs".
    r"\b(?:bij|van|in) (?:dit soort|dergelijke|zulke|gelijkaardige|soortgelijke|vergelijkbare)\b|"
    # Flemish "de feiten kaderden in een conflict tussen drugsdealers": the setting, not the offence.
    r"\bkader(?:de|den|t|en)\b (?:\w+ ){0,4}in\b|"
    # What the defence points to in mitigation: "de verdediging wees op jarenlange mishandeling door
    # het slachtoffer" (not its plea about the charge: "vraagt vrijspraak voor het witwassen").
    r"\b(?:de verdediging|(?:zijn|haar|hun) (?:advocaat|advocate|advocaten|raadsman|raadsvrouw))\b "
    r"(?:[\w-]+ ){0,6}(?:wees|wijst|verwees|verwijst) (?:\w+ ){0,4}?(?:op|naar)\b"
)
# A poisoning done to someone ("rattengif door zijn soep"), not one suffered (carbon monoxide).
_POISONED = re.compile(
    r"\b(?:rattengif|vergif|vergiftigde|vergiftigd (?:door|met)|(?:gif|bestrijdingsmiddel\w*) (?:door|in) "
    r"(?:zijn|haar|het|de)|gif (?:toe|toegediend|gemengd))\b"
)
_DEATH = re.compile(
    # "haar overleden man": a relative who died before the story is no death in it.
    r"\b(?:dode|(?<!zijn )(?<!haar )(?<!hun )(?<!mijn )(?<!onze )(?<!wijlen )overleden|overleed|overlijden|"
    r"om het leven|kwam om|dodelijk\w*|dood aangetroffen|"
    # A body, not a blow to the body: "het lichaam werd gevonden", not "tegen hoofd en lichaam".
    r"dood gevonden|levenloos|levenloze|(?:het|een) lichaam|lichaam (?:van|werd|is|was|gevonden|aangetroffen|"
    r"ontdekt|lag)|stoffelijk overschot|reanimatie mocht niet baten)\b"
)
_INJURY = re.compile(
    r"\b(?:gewond|gewonden|zwaargewond|lichtgewond|verwond\w*|hersenschudding|letsel\w*|"
    r"hoofdwond\w*|brandwond\w*|snijwond\w*|schaafwond\w*|kneuzing\w*|gekneusde?|gebroken (?:neus|kaak|jukbeen|arm|been|hand|heup|"
    # "brak haar pols", not "de brand brak in oktober uit".
    r"pols|ribben?)|brak (?:zijn|haar|hun|beide) \w+|"
    r"ziekenhuis)\b"
)
_ABDUCTION = re.compile(
    r"\b(?:ontvoer\w*|gijzel\w*|vastgehouden|(?:in|naar) (?:zijn|haar|de|een) (?:auto|wagen|busje|"
    r"bestelwagen|bestelbus)\b[^.]{0,20}\b(?:gedwongen|dwong|gesleurd|sleurde|getrokken|trok))"
)
_PROSTITUTION = re.compile(
    r"\bprostitu\w+|\bseksuele uitbuiting\b|\bbordee?l\w*|\bachter (?:de|het) ra(?:men|am)\b|\bseks\w* (?:te )?werken\b|\bsekswerk\w*|"
    r"\bseks (?:te )?(?:hebben |heeft |had |hadden )?met (?:\w+ ){0,2}klanten\b|\btegen betaling seks\b|"
    r"\bseks tegen betaling\b"
)
# Old offences told as history: an archive find, a museum, an anniversary, a year long past.
_RETRO_OLD_YEAR = re.compile(
    r"\b(?:1[0-8]\d\d|19[0-4]\d)\b|\b\w+(?:de|ste) eeuw\b(?<!\bdeze eeuw)|\beeuwen\b"
)
_RETRO_DISTANCE = re.compile(r"\bjaar (?:na (?:de|het)|geleden)\b|\beeuw\b")
_RETRO_CUES = re.compile(
    r"\b(?:archief\w*|\w+archief|\w*museum\w*|tentoonstelling\w*|expositie\w*|herdenking\w*|herdenkt|"
    r"herdacht|jubileum|verjaardag|historic[iu]s|stadswandeling|gedenk\w*|\w*monument|onthulling)\b"
)


@dataclass
class _Reading:
    """Where each term occurrence stands, and whether the article itself reports it there."""

    # term key -> (best position factor where reported, 0 if nowhere; reported anywhere?;
    # seen only indirectly: quoted or background)
    position: dict[str, float] = field(default_factory=dict)
    direct: dict[str, bool] = field(default_factory=dict)
    indirect: dict[str, bool] = field(default_factory=dict)
    first: dict[str, int] = field(default_factory=dict)  # offset of the first direct occurrence


@lru_cache(maxsize=65536)
def _lemma(word: str) -> str:
    # Bounded: a worker lives for the whole crawl under a memory limit, and every distinct token
    # of every page passes through here.
    return simplemma.lemmatize(word, lang="nl").lower()


@cache
def _term_index() -> tuple[dict[str, int], re.Pattern[str], dict[str, int]]:
    """Form -> term index for whole words; a regex and form -> index for compound parts."""
    by_form: dict[str, int] = {}
    parts: dict[str, int] = {}
    for index, term in enumerate(_TERMS):
        for form in term.forms.split():
            by_form.setdefault(form, index)
            if term.compound and len(form) >= 5:
                parts.setdefault(form, index)
    # Longest forms first, so "plofkraken" is found before a shorter form inside it.
    alternation = "|".join(re.escape(f) for f in sorted(parts, key=len, reverse=True))
    return by_form, re.compile(alternation), parts


_NAME_IN_SENTENCE = re.compile(r"(?<=[a-zà-ÿ,] )[A-Z][a-zà-ÿ]+[\w-]*")


def _proper_names(text: str) -> frozenset[str]:
    """Words the text capitalises inside a sentence, in lower case: names, not words."""
    return frozenset(match.group().lower() for match in _NAME_IN_SENTENCE.finditer(text))


@lru_cache(maxsize=65536)
def _token_term(token: str) -> int | None:
    """The index of the term a word of the text is a form of, or None.

    A pure function of the word and the lexicon, so it is remembered: the same few thousand
    words recur in every article, and the lemma and compound-part search were most of the cost
    of reading one.
    """
    if token.startswith(_NOT_COMPOUNDS) or token in _NOT_TERMS:
        return None
    by_form, part_pattern, parts = _term_index()
    index = by_form.get(token)
    if index is not None:
        return index
    if token.endswith(_NOT_OFFENCE_HEADS):
        return None
    index = by_form.get(_lemma(token))  # lemmatise only words whose own form is not a term
    if index is None and "-" in token:  # "ddos-aanval", "sim-swapper": each part as a word
        index = next((by_form[p] for p in token.split("-") if p in by_form), None)
    if index is None:
        part = part_pattern.search(token)
        index = parts[part.group()] if part else None
    return index


def _term_key(form: str) -> str:
    """The evidence key of the term that lists ``form``."""
    return f"term {_term_index()[0][form]}"


@cache
def _negative_patterns() -> dict[str, re.Pattern[str]]:
    return {domain: re.compile(rf"\b(?:{rx})\b") for domain, (_, _, rx) in _NEGATIVE.items()}


def _negates(before: list[str]) -> bool:
    """Whether the last words of a clause before a term (at most ``_NEGATION_WINDOW``) negate it.

    The nearest negation word counts unless a conjunction comes first: "was niet thuis en wordt
    gezocht". But "geen wapens of drugs" is one list under one negation: an "of" or "noch" right
    after "geen/noch" and one noun lets the negation through.
    """
    for i in range(len(before) - 1, -1, -1):
        word = before[i]
        if word in _NEGATION_STOP:
            if word in {"of", "noch"} and i >= 2 and before[i - 2] in {"geen", "noch"}:
                continue
            return False
        if word in _NEGATION_WORDS:
            return True
    return False


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def _lower(text: str) -> str:
    """Lower case with the same length, so offsets stay valid ("İ" lowers to two characters)."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


class _Layout:
    """Sentences, clauses and quotations of one article, found once and asked by offset."""

    def __init__(self, full: str, title_end: int) -> None:
        self.full = full
        # "5.000 euro": a thousands point is no sentence end for the stage patterns ([^.]).
        self.lower = _THOUSANDS.sub(",", _lower(full))
        # Word starts, shared by every pattern; filed only on a long text, where they pay.
        self.occurrences = Occurrences(self.lower, indexed=len(self.lower) >= _INDEX_MIN_CHARS)
        sentence_starts = [0]
        if title_end:
            sentence_starts.append(title_end + 1)
        for m in _SENTENCE_END.finditer(full, title_end + 1 if title_end else 0):
            if m.end() < len(full) and m.end() not in sentence_starts:
                sentence_starts.append(m.end())
        self.sentences = sorted(set(sentence_starts))
        self.title_end = title_end
        self.lead_end = self.sentences[2] if title_end and len(self.sentences) > 2 else len(full)
        if not title_end:
            self.lead_end = self.sentences[1] if len(self.sentences) > 1 else len(full)
        clause_starts = set(self.sentences)
        for m in _CLAUSE_END.finditer(self.lower):
            clause_starts.add(m.end())
        self.clauses = sorted(clause_starts)
        self.quotes = [(m.start(), m.end()) for m in _QUOTE.finditer(full)]
        self._clause_flags: dict[int, tuple[bool, bool]] = {}
        self._words: dict[int, tuple[list[int], list[int]]] = {}

    def span(self, starts: list[int], offset: int) -> tuple[int, int]:
        i = bisect.bisect_right(starts, offset) - 1
        end = starts[i + 1] if i + 1 < len(starts) else len(self.full)
        return starts[max(i, 0)], end

    def position(self, offset: int) -> float:
        if self.title_end and offset < self.title_end:
            return _POSITION["title"]
        if offset < self.lead_end:
            return _POSITION["lead"]
        return _POSITION["body"]

    def quoted(self, offset: int) -> bool:
        return any(start <= offset < end for start, end in self.quotes)

    def clause_flags(self, offset: int) -> tuple[bool, bool]:
        """(denied, background) for the clause holding ``offset``."""
        start, end = self.span(self.clauses, offset)
        if start not in self._clause_flags:
            clause = self.lower[start:end]
            self._clause_flags[start] = (
                bool(_CLAUSE_NEGATION.search(clause)),
                bool(_BACKGROUND.search(clause)),
            )
        return self._clause_flags[start]

    def _clause_words(self, start: int, end: int) -> tuple[list[int], list[int]]:
        """Start and end offsets of the words of the clause at ``start``, found once per clause."""
        words = self._words.get(start)
        if words is None:
            spans = [(start + m.start(), start + m.end()) for m in _WORD.finditer(self.lower[start:end])]
            words = self._words[start] = ([s for s, _ in spans], [e for _, e in spans])
        return words

    def negated(self, offset: int) -> bool:
        start, end = self.span(self.clauses, offset)
        # The last words of the clause before ``offset``: as _WORD.findall(lower[start:offset])
        # would find them (a word running past ``offset`` cut there), from the clause's words
        # found once instead of a new scan for every term.
        starts, ends = self._clause_words(start, end)
        complete = bisect.bisect_right(ends, offset)
        first = max(0, complete - _NEGATION_WINDOW)
        before = [self.lower[s:e] for s, e in zip(starts[first:complete], ends[first:complete], strict=True)]
        if complete < len(starts) and starts[complete] < offset:
            before.append(self.lower[starts[complete] : offset])
        return _negates(before[-_NEGATION_WINDOW:])

    def denied_after(self, offset: int) -> bool:
        """A word the clause denies after it: "drugs werden niet gevonden"."""
        _, end = self.span(self.clauses, offset)
        word = _WORD.match(self.lower, offset)
        return bool(word and _NOT_FOUND_AFTER.match(self.lower, word.end(), end))

    def reported(self, pattern: re.Pattern[str]) -> bool:
        """Whether ``pattern`` matches somewhere the article reports directly."""
        return any(
            self.reading(m.start()) == "direct" for m in find_all(pattern, self.lower, self.occurrences)
        )

    def reading(self, offset: int) -> str:
        """'direct' when the article reports it here; 'indirect' (quoted, background) or 'denied'."""
        denied, background = self.clause_flags(offset)
        if denied or self.negated(offset) or self.denied_after(offset):
            return "denied"
        if background or self.quoted(offset):
            return "indirect"
        return "direct"


def _note(reading: _Reading, key: str, how: str, position: float, offset: int) -> None:
    if how == "direct":
        reading.first.setdefault(key, offset)
        reading.direct[key] = True
        reading.position[key] = max(reading.position.get(key, 0.0), position)
    elif how == "indirect":
        reading.indirect[key] = True


def _credit(reading: _Reading, key: str, weight: float) -> float:
    """What a term adds to the crime score: all when reported, half when only quoted or background."""
    if reading.direct.get(key):
        return weight
    if reading.indirect.get(key) and weight > 0:
        return weight * _INDIRECT
    return 0.0


def _retrospective(layout: _Layout) -> bool:
    """A history, archive, museum or anniversary piece: a year or century long past in the
    headline or lead, or a look back (archive, museum, exhibition, commemoration) at an offence
    of long ago or years ago. A theft from a museum today has neither."""
    head = layout.lower[: layout.lead_end]
    if _RETRO_OLD_YEAR.search(head):
        return True
    if not _RETRO_CUES.search(layout.lower):
        return False
    return bool(_RETRO_OLD_YEAR.search(layout.lower) or _RETRO_DISTANCE.search(layout.lower))


def _policy_or_figures(layout: _Layout, policy_cues: set[str]) -> bool:
    """A piece about policy or crime figures: at least three distinct policy or figure words and
    not one case in it (none of ``_CASE_ANCHOR``: a person of a given age or with an initial, a
    suspect, victim, man, woman or neighbour, a counted group, the night it happened)."""
    cues = policy_cues | set(_FIGURES.findall(layout.lower))
    return len(cues) >= _NO_CASE_MIN_CUES and not _CASE_ANCHOR.search(layout.full)


def _stage(layout: _Layout) -> str:
    """The most advanced stage the article reports, clause by clause, skipping what is quoted,
    denied, background or only announced."""
    found: set[str] = set()
    # A stage whose pattern cannot match anywhere in the article cannot match in a clause of it;
    # the others are tried only on clauses holding one of their required words that the article
    # holds (present_literals; a clause is part of the article, so no other can be in it).
    patterns = [
        (stage, pattern, present)
        for stage, pattern in _STAGE_PATTERNS
        if (present := present_literals(pattern, layout.lower)) != ()
    ]
    for i, start in enumerate(layout.clauses):
        end = layout.clauses[i + 1] if i + 1 < len(layout.clauses) else len(layout.full)
        clause = layout.lower[start:end]
        sentence_start, sentence_end = layout.span(layout.sentences, start)
        sentence = layout.lower[sentence_start:sentence_end]
        for stage, pattern, present in patterns:
            if stage in found or (present is not None and not any(word in clause for word in present)):
                continue
            for m in re.finditer(pattern, clause, flags=re.MULTILINE):
                if (
                    layout.reading(start + m.start()) != "direct"
                    or layout.quoted(start + m.end() - 1)
                    or _DENIED_AFTER.match(clause[m.end() :])
                ):
                    # Not reported, denied, or a word in scare quotes ("kreeg een 'boete'" from
                    # the traffickers): no stage of the justice process.
                    continue
                if stage == "vervolging" and "raadkamer" in m.group() and _DETENTION.search(sentence):
                    found.add("aanhouding")
                    break
                if (
                    stage in ("hoger_beroep", "rechtszaak")
                    and not _PAST_DEMAND.search(m.group())
                    and _FUTURE.search(sentence)
                ):
                    # A hearing only scheduled leaves the case at prosecution; an appeal only
                    # considered leaves the verdict as it is.
                    if stage == "rechtszaak":
                        found.add("vervolging")
                    break
                if stage == "vonnis" and "veroorde" not in m.group() and _DEMAND.search(sentence):
                    break
                found.add(stage)
                break
    for stage in reversed(STAGES):
        if stage in found:
            return stage
    return "incident"


def classify_crime(title: str, text: str, url: str = "") -> CrimeResult:
    """Score an article as crime news and say what kind, at which stage, and why.

    Phrases are matched before single words and blank the words they cover, so that a phrase
    decides the category of its words ("diefstal met geweld" is overval and geweld, not plain
    diefstal). Every term counts once per article, however often it occurs. A term gives its
    categories only where the article reports it (not quoted, denied or background); the
    primary category is the one with most such evidence, weighted by where it stands. A teaser
    for another story ("Lees ook: ...") is not read at all.
    """
    text = blank_teasers(text)
    full = f"{title}\n{text}" if title else text
    layout = _Layout(full, len(title) if title else 0)
    work = layout.lower
    evidence: list[str] = []
    raw = 0.0
    reading = _Reading()
    labels: dict[str, str] = {}
    weights: dict[str, float] = {}
    term_categories: dict[str, tuple[str, ...]] = {}
    flags: dict[str, tuple[bool, bool, str]] = {}  # key -> (shooting, threat, role)

    fake_gun = False
    # find_all: re.finditer's matches, found without scanning the whole text for every pattern
    # (corpus.annotate.literals): the scans were most of the cost of this function.
    for phrase in _METAPHORS:
        found = False
        for match in find_all(phrase.pattern, work, layout.occurrences):
            work = layout.occurrences.blank(work, match)
            found = True
        fake_gun = fake_gun or (found and phrase.label == "nepwapen")
        if found and phrase.weight:
            raw += phrase.weight
            evidence.append(f"neg:idiom {phrase.label} {phrase.weight:+.1f}")
    for phrase in _PHRASES:
        key = f"phrase {phrase.label}"
        for match in find_all(phrase.pattern, work, layout.occurrences):
            work = layout.occurrences.blank(work, match)
            _note(reading, key, layout.reading(match.start()), layout.position(match.start()), match.start())
            labels[key], weights[key] = key, phrase.weight
            term_categories[key] = phrase.categories
            flags[key] = (phrase.shooting, phrase.threat, phrase.role)
    # "OM" is only the public prosecutor in capitals; lower-case "om" is a preposition.
    om = re.search(r"\bOM\b", full)
    if om and "phrase het OM eist" not in labels:
        key = "word:OM"
        _note(reading, key, layout.reading(om.start()), layout.position(om.start()), om.start())
        labels[key], weights[key], term_categories[key], flags[key] = "word:OM", 2.0, (), (False, False, "")

    # From the body only: a headline in title case would make every word a name.
    names = _proper_names(text)
    by_form = _term_index()[0]
    for match in _WORD.finditer(work):
        token = match.group()
        index = _token_term(token)
        if index is None or (token in names and token not in by_form):
            # A word the text writes with a capital inside a sentence is a name there and
            # everywhere in it ("in Moordrecht", so "Moordrecht krijgt ..."): only a listed form,
            # never a compound part or a lemma, counts in a name.
            continue
        term = _TERMS[index]
        key = f"term {index}"
        if key not in labels:
            labels[key], weights[key] = f"word:{token}", term.weight
            term_categories[key] = term.categories
            flags[key] = (term.shooting, term.threat, term.role)
        _note(reading, key, layout.reading(match.start()), layout.position(match.start()), match.start())

    category_weight: dict[str, float] = dict.fromkeys(CATEGORIES, 0.0)
    primary_weight: dict[str, float] = dict.fromkeys(CATEGORIES, 0.0)
    first_seen: dict[str, int] = dict.fromkeys(CATEGORIES, len(full))
    primary_parts: dict[str, list[float]] = {}
    threat_weight = shooting_weight = 0.0
    role_weight: dict[tuple[str, str], float] = {}  # (category, role) -> weight
    for key in labels:
        credit = _credit(reading, key, weights[key])
        if credit:
            raw += credit
            how = "" if reading.direct.get(key) else " (quoted or background)"
            evidence.append(f"{labels[key]}{how} {credit:+.1f}")
        if not reading.direct.get(key):
            continue
        shooting, threat, role = flags[key]
        for rank, category in enumerate(term_categories[key]):
            category_weight[category] += weights[key]
            if role:
                role_weight[category, role] = role_weight.get((category, role), 0.0) + weights[key]
            factor = 1.0 if rank == 0 else _SECONDARY
            if role != "penalty":  # a penalty names no offence for the primary category
                primary_parts.setdefault(category, []).append(weights[key] * factor * reading.position[key])
            first_seen[category] = min(first_seen[category], reading.first[key])
            if category == _G and threat:
                threat_weight += weights[key]
            if category == _G and shooting:
                shooting_weight += weights[key]
            if category == _W and shooting:
                role_weight[_W, "shot"] = role_weight.get((_W, "shot"), 0.0) + weights[key]

    for category, pieces in primary_parts.items():
        # The strongest evidence counts fully, each further piece half as much as the one
        # before: five weak words about weapons found in a search do not outweigh the drugs case
        # the headline names.
        primary_weight[category] = sum(w * 0.5**i for i, w in enumerate(sorted(pieces, reverse=True)))

    # Conventions that combine evidence (docs/classification.md, "Categories").
    direct_death = layout.reported(_DEATH)
    injury = layout.reported(_INJURY)
    violent = category_weight[_G] - threat_weight - shooting_weight
    if category_weight[_L] < _CATEGORY_MIN and direct_death and category_weight[_V] < _CATEGORY_MIN:
        misdrijf = _term_key("misdrijf")
        violence_named = any(
            _G in term_categories[k]
            and not flags[k][1]
            and (reading.direct.get(k) or reading.indirect.get(k))
            for k in labels
        )
        poisoned = layout.reported(_POISONED)
        if violence_named or poisoned or reading.direct.get(misdrijf) or reading.indirect.get(misdrijf):
            # A death after a stabbing, beating or poisoning, or one the police treat as a crime:
            # "door een misdrijf om het leven gekomen", "onderzoekt of er sprake is van geweld".
            category_weight[_L] += _CATEGORY_MIN
            primary_weight[_L] += max(primary_weight[_G], _CATEGORY_MIN * _POSITION["lead"])
            raw += 1.0
            evidence.append("rule:dood+misdrijf/geweld +1.0")
    if (
        role_weight.get((_W, "shot"))
        and injury
        and category_weight[_G] < _CATEGORY_MIN
        and category_weight[_L] < _CATEGORY_MIN
        and category_weight[_O] < _CATEGORY_MIN
    ):
        # Shots fired and someone hurt: a shooting with injuries is geweld + wapens_explosies,
        # and the violence is what it names.
        category_weight[_G] = _CATEGORY_MIN
        shooting_weight += _CATEGORY_MIN
        primary_weight[_G] = max(primary_weight[_G], primary_weight[_W])
        evidence.append("rule:schoten+gewonden")
    if (
        category_weight[_O] >= _CATEGORY_MIN or category_weight[_M] >= _CATEGORY_MIN
    ) and violent < _CATEGORY_MIN:
        # A threat is part of a robbery, and of the coercion of trafficked people ("daarna bedreigd
        # en afgezonderd"); only blows, binding or injury add geweld.
        category_weight[_G] = _CATEGORY_MIN if violent > 0 or injury else 0.0
    if category_weight[_L] >= _CATEGORY_MIN:
        # A killing with a knife or by blows is levensdelict + geweld (a knife is no mere threat
        # there); a lethal shooting is levensdelict + wapens_explosies.
        # "Sporen van geweld" says no more than the death itself: levensdelict alone.
        blows = category_weight[_G] - shooting_weight - role_weight.get((_G, "generic"), 0.0)
        category_weight[_G] = max(blows, _CATEGORY_MIN) if blows > 0 else 0.0
    if fake_gun:
        # A toy, fake or alarm gun is no firearm, however the victim first described it.
        category_weight[_W] -= role_weight.get((_W, "firearm"), 0.0)
    # Guns and shots are no explosion: what is left of the weapons evidence is.
    explosion = (
        category_weight[_W] - role_weight.get((_W, "firearm"), 0.0) - role_weight.get((_W, "shot"), 0.0)
        >= _CATEGORY_MIN
    )
    entry = category_weight[_I] >= _CATEGORY_MIN or category_weight[_O] >= _CATEGORY_MIN
    if (explosion or entry) and category_weight[_R] - role_weight.get((_R, "damage"), 0.0) < _CATEGORY_MIN:
        # The damage of an explosion, a burglary or a robbery (a window smashed to get in) is no
        # vandalism: openbare_orde only when arson or rioting is reported as well.
        category_weight[_R] = 0.0
    if (
        role_weight.get((_O, "armed"))
        and category_weight[_O] - role_weight[_O, "armed"] < _CATEGORY_MIN
        and layout.reported(_ABDUCTION)
    ):
        # Forced into a car at knifepoint is a kidnapping with a threat, not a robbery: an armed
        # threat is robbery only with nothing else to explain it.
        category_weight[_O] = 0.0
    if category_weight[_C] >= _CATEGORY_MIN or category_weight[_O] >= _CATEGORY_MIN:
        # What a robbery or an intrusion into systems or accounts takes ("de gestolen scooter",
        # "geld afhandig gemaakt") is that offence's loot, not a theft of its own; a burglary
        # reported beside it keeps its own words.
        category_weight[_I] -= role_weight.get((_I, "taken"), 0.0)
    prostitution = layout.reported(_PROSTITUTION)
    if category_weight[_M] >= _CATEGORY_MIN and category_weight[_Z] < _CATEGORY_MIN and prostitution:
        category_weight[_Z] = _CATEGORY_MIN  # exploitation in prostitution is mensenhandel + zeden
    if category_weight[_R] >= _CATEGORY_MIN and injury and category_weight[_G] < _CATEGORY_MIN:
        category_weight[_G] = _CATEGORY_MIN  # a riot in which people were hurt
        evidence.append("rule:rellen+gewonden")

    culture_words = 0
    policy_cues: set[str] = set()
    for domain, pattern in _negative_patterns().items():
        weight, cap, _ = _NEGATIVE[domain]
        hits = sorted({match.group() for match in find_all(pattern, work, layout.occurrences)})
        if hits:
            total = max(cap, weight * len(hits))
            raw += total
            evidence.append(f"neg:{domain} {' '.join(hits)} {total:+.1f}")
        if domain == "cultuur":
            culture_words = len(hits)
        if domain == "beleid":
            policy_cues.update(hits)
    if culture_words >= _FICTION_MIN_WORDS and _FICTION_HEAD.search(layout.lower[: layout.lead_end]):
        # A novel, film or play presented in the headline or lead, and talked of as one
        # throughout: its murders are its plot, however many crime words it takes to tell it.
        raw += _RETROSPECTIVE
        evidence.append(f"neg:fiction {_RETROSPECTIVE:+.1f}")
    if raw >= _OFFSET and _policy_or_figures(layout, policy_cues):
        # Crime news reports a case; a plan, a budget, a court building or a year's figures that
        # name offences only in general is policy news however many crime words it lists.
        raw = min(raw, 0.0)
        evidence.append("neg:policy or figures, no case")
    if _retrospective(layout):
        raw += _RETROSPECTIVE
        evidence.append(f"neg:retrospective {_RETROSPECTIVE:+.1f}")

    lowered_url = url.lower()
    for hint, weight in _URL_HINTS:
        if hint in lowered_url:
            raw += weight
            evidence.append(f"url:{hint} {weight:+.1f}")

    score = round(_sigmoid(raw - _OFFSET), 4)
    is_crime = score >= CRIME_THRESHOLD
    categories = tuple(c for c in CATEGORIES if is_crime and category_weight[c] >= _CATEGORY_MIN)
    primary = None
    if categories:
        # A headline that names two offences names the main one first.
        in_title = [c for c in categories if first_seen[c] < layout.title_end]
        if len(in_title) > 1:
            primary_weight[min(in_title, key=lambda c: first_seen[c])] *= _HEADLINE_FIRST
        # Violence in a killing, a robbery or a riot, and the weapon of a killing, a robbery or
        # an assault, qualify the offence rather than name it.
        for modifier, heads in _MODIFIERS.items():
            if any(h in categories for h in heads):
                primary_weight[modifier] *= _SECONDARY
        # Most evidence where it stands wins; at equal evidence the offence named first.
        primary = max(categories, key=lambda c: (primary_weight[c], -first_seen[c], -CATEGORIES.index(c)))
    stage = _stage(layout) if is_crime else None
    return CrimeResult(score, is_crime, categories, stage, tuple(evidence), primary)


def lexicon_markdown() -> str:
    """The lexicon as the Markdown tables of docs/classification.md, so the docs can be
    regenerated from the code instead of drifting from it."""
    lines = ["| phrase | weight | categories |", "|---|---|---|"]
    for phrase in _METAPHORS + _PHRASES:
        lines.append(f"| {phrase.label} | {phrase.weight:+.1f} | {', '.join(phrase.categories) or '—'} |")
    lines += [
        "",
        "| forms (matched as written or by simplemma lemma) | weight | categories | inside compounds |",
    ]
    lines.append("|---|---|---|---|")
    for term in _TERMS:
        compound = "yes" if term.compound else "no"
        cats = ", ".join(term.categories) or "—"
        lines.append(f"| {term.forms} | {term.weight:+.1f} | {cats} | {compound} |")
    lines += ["", "| domain | per term | cap | terms (regex) |", "|---|---|---|---|"]
    for domain, (weight, cap, rx) in _NEGATIVE.items():
        lines.append(f"| {domain} | {weight:+.1f} | {cap:+.1f} | `{rx.replace('|', ' ¦ ')}` |")
    lines += ["", "| URL contains | weight |", "|---|---|"]
    lines += [f"| `{hint}` | {weight:+.1f} |" for hint, weight in _URL_HINTS]
    return "\n".join(lines)
