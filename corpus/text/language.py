"""Decide whether a text is Dutch, combining two detectors, lexical cues and page metadata.

Neither langdetect nor lingua is good enough alone for a Dutch corpus: both confuse short Dutch
with Afrikaans, and neither knows West Frisian, Low German or Luxembourgish (lingua 2.1 models
none of the three), which they call Dutch, German or Afrikaans. This module combines their
probabilities, separates Dutch from Afrikaans, Frisian, Luxembourgish and Low German with function
words that only one of each pair uses (and, for Afrikaans, the spellings each language gave up in
its reforms: "ij", "sch", "cht" against "-lik", "-jie", a circumflex, and, on a short or doubtful
text, words that only the Afrikaans spelling dictionary holds), and weighs
``<html lang>``, ``og:locale`` and the source's country as prior evidence. A Luxembourgish
sentence too short for two of its function words is recognised by one unmistakable one
("huet", "gëtt", "d'" before a noun). Short texts never decide alone: below
``SHORT_TEXT_CHARS`` the detectors' verdict is tempered so that a declared language can
outweigh it, and below ``_LANGDETECT_MIN_CHARS`` langdetect, confidently wrong on a few words,
is not consulted at all. The country of the source is a small prior at every length: a Dutch
or Flemish outlet also publishes French and English pages.

The variant (``nl-NL`` or ``nl-BE``) comes, in this order, from the region of ``html_lang`` or
``og_locale``, from the source's country, or from a few unambiguous Flemish or Netherlands
terms of the justice system (``parket``, ``onderzoeksrechter`` against ``officier van justitie``,
``Openbaar Ministerie``); when none of these speaks, it is ``None``.

Everything is deterministic: langdetect runs from its own seeded factory (never the global one)
and lingua is restricted to a fixed set of languages. Both are built once per process, on
first use.
"""

from __future__ import annotations

import gzip
import math
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from itertools import islice
from typing import TYPE_CHECKING

from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory
from langdetect.lang_detect_exception import LangDetectException
from lingua import Language, LanguageDetectorBuilder

if TYPE_CHECKING:
    from lingua import LanguageDetector

__all__ = ["MAX_CHARS", "SHORT_TEXT_CHARS", "LanguageResult", "detect_language"]

MAX_CHARS = 3000
"""Only this many characters are fed to the detectors: more costs time and changes nothing."""

SHORT_TEXT_CHARS = 200
"""Below this length a declared language (html lang, og:locale) can outweigh the detectors."""

LANGDETECT_SEED = 0

# Languages lingua chooses among: Dutch, its close relatives, the other languages of the
# Low Countries and the languages most often quoted in Dutch and Flemish news. A short list
# keeps lingua fast and stops it from inventing exotic answers for short Dutch titles.
_LINGUA_LANGUAGES = (
    Language.DUTCH,
    Language.AFRIKAANS,
    Language.GERMAN,
    Language.ENGLISH,
    Language.FRENCH,
    Language.DANISH,
    Language.SWEDISH,
    Language.BOKMAL,
    Language.NYNORSK,
    Language.SPANISH,
    Language.ITALIAN,
    Language.PORTUGUESE,
    Language.POLISH,
    Language.TURKISH,
    Language.ARABIC,
)

# lingua is the more accurate of the two; langdetect still adds information where lingua
# hesitates on sentences, but on a few words it is confidently wrong ("Ongeval op A12" -> af
# 0.99), so it gets no weight below _LANGDETECT_MIN_CHARS and its full weight from
# _LANGDETECT_FULL_CHARS (measured in bench/langid.py).
_LANGDETECT_WEIGHT = 0.35
_LANGDETECT_MIN_CHARS = 20
_LANGDETECT_FULL_CHARS = 60
# langdetect's n-gram extraction is most of the cost on long texts; its verdict on the first
# thousand characters is the same in practice.
_LANGDETECT_MAX_CHARS = 1000
# lingua at least _LINGUA_SURE sure of a text of _LINGUA_SURE_CHARS or more (an article, not a
# sentence): langdetect is not consulted; with its weight it could move the probability, not the
# winner.
_LINGUA_SURE = 0.99
_LINGUA_SURE_CHARS = 400
# lingua's cost grows with the text (about 2 ms for MAX_CHARS characters): a longer sample is
# first read only this far, and read whole only when lingua is not _LINGUA_SURE of that part.
# An article's first thousand characters that are surely one language make it that language.
_LINGUA_FIRST_CHARS = 1000

# Log-odds added per distinguishing function word.
_LEXICAL_WEIGHT = 1.0

# Prior factors for page metadata. A declared language is strong evidence but CMS templates
# often declare the site's default language on every page, so it can be outweighed by text.
_HTML_LANG_PRIOR = 4.0
_OG_LOCALE_PRIOR = 3.0
_COUNTRY_PRIOR = 1.2
# When a page declares its language, detector probabilities of texts shorter than
# SHORT_TEXT_CHARS are raised to a power down to this (a flatter distribution), so that the
# declaration can outweigh a short text.
_MIN_TEMPER = 0.5

# Fewer letters than this ("A12", "€ 5") say nothing about a language.
_MIN_LETTERS = 3

# Languages that the detectors do not know and that a page may declare.
_UNMODELLED = frozenset({"fy", "nds", "li", "lb"})


def _words(text: str) -> frozenset[str]:
    """A word list written as one string, for readability of the long lists below."""
    return frozenset(text.split())


_TOKEN = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*|(?<!\w)['’´`]n(?!\w)")

# Dutch's commonest words (function words and auxiliaries). A text of _COMMON_MIN_TOKENS words or
# more with fewer than _COMMON_MIN_SHARE of them is no Dutch prose (:func:`_not_dutch_prose`).
_DUTCH_COMMON = _words(
    """de het een van en in is dat op te met voor niet zijn er aan die dit ook als bij door om
    maar uit naar was hij ze zij we wij je ik of tot over nog dan wordt werd heeft hebben had kan
    zal moet wel geen na worden"""
)
_COMMON_MIN_TOKENS = 40
_COMMON_MIN_SHARE = 0.1

# Words that only Dutch uses when it is told apart from Afrikaans (and the reverse).
_NL_NOT_AF = _words(
    """de een niet zijn hij zij ze wordt worden werd werden door naar bij heeft hebben zich
    zo deze zal zou zullen tegen zonder wij mij jullie zij zelf onze"""
)
_AF_NOT_NL = _words(
    """nie 'n ’n ´n `n vir hierdie daardie hulle julle sal sou hy sy ek jy baie sê gesê
    teen sonder se my soos asook sodat gewees wees mense kinders tydens egter"""
)
# Spellings that one of the two languages gave up in its reforms, so a word written with them is
# evidence for the other: Afrikaans writes "y" for "ij" (tyd), "g" for "ch" (nag, reg), "sk" for
# "sch" (skool), "s" for a word-initial "z" (see, sal) and "-ies" for "-isch"; Dutch writes
# "-je" where Afrikaans has "-jie", "-lijk" for "-lik", "-heden" for "-hede", and never a
# circumflex (sê, môre). They count like the function words above, once per word.
_NL_SPELLING = re.compile(r"ij|cht|sch|^z|isch$|[^s]tie$")
_AF_SPELLING = re.compile(r"[êôû]|jie$|hede$|^sk|^\w{3,}[^bfkl]lik$")

# A word that the Afrikaans spelling dictionary holds and neither the Dutch nor the English one
# does ("mense", "gevra", "binne", "riviere"; data/afrikaans_words.txt.gz, built by
# scripts/build_afrikaans_words.py) weighs as much as this many function words: on two or three
# words it is the only evidence there is, and a dictionary knows far more words than the lists
# above. Dutch text holds about one such word in 30,000 (the 460 Dutch news texts of the
# independent and our written crime sets: one, "kadans"), so the list is read only where the
# choice between the two is open: a text shorter than _LINGUA_SURE_CHARS, or one in which
# Afrikaans holds at least _AF_LEXICON_OPEN of the two languages' probability. On a long Dutch
# article it is never loaded.
_AF_LEXICON_WEIGHT = 3.0
_AF_LEXICON_OPEN = 0.01
_AF_LEXICON_MIN_LETTERS = 3

# West Frisian function words that are not Dutch words (Dutch homographs like "mei", "net",
# "wie" and "elk" are left out on purpose).
_FY_NOT_NL = _words(
    """fan yn it wurdt wurde waard binne hawwe hie syn dy dy't dêr dêr't hjir hja sy hy
    oan foar troch oer ûnder sûnder tsjin ek sil soe wêze gjin nei út allinne wy myn jim
    dizze hokker ien twa ta oant hiel kinne moat meie jier sa mar har harren 'e hat nimmen
    immen elkenien altyd hjoed juster"""
)
# Words Frisian shares with Afrikaans do not tell the two apart.
_FY_NOT_AF = _FY_NOT_NL - _words("hy sy ek jy my sa ta")
_AF_NOT_FY = _words(
    """nie 'n ’n ´n `n vir hierdie daardie hulle julle sal sou baie sê gesê die van word deur
    teen sonder soos mense"""
)
# German "wurde" and "hat" are Frisian words too.
_FY_NOT_DE = _FY_NOT_NL - _words("wurde hat")
# Scandinavian "har", "sa", "ta" and Swedish "ek", "mar" are everyday words.
_FY_NOT_NORDIC = _FY_NOT_NL - _words("har sa ta ek mar")
_NORDIC_NOT_FY = _words(
    """og ikke ikkje er jeg eg det som til på av med den han hun ho vi att och inte är jag
    ett eller skal ska ble blev vil har"""
)
# Languages the detectors give to Frisian and Low German text.
_RELATIVES = frozenset({"nl", "af", "de", "da", "sv", "nb", "nn"})
_NL_NOT_FY = _words(
    """van het een niet zijn wordt worden werd hij zij ze voor door naar bij heeft hebben
    zich deze zal zou tegen zonder ook maar uit aan over onder geen"""
)
# Low German function words that are neither Dutch nor German.
_NDS_CORE = _words(
    """un vun nich sünd hett hebbt ok sien warrt ward dörv dröff över för vör ut mutt
    schall gifft ahn wi allens orrer ünner dörch düt disse ümmer jümmers minsch minschen
    sünner vun't"""
)
# Low German words that are also Dutch but not German: they tell Low German from German.
_NDS_NOT_DE = _NDS_CORE | _words("de dat wat to is op up sik ik een as")
_NL_NOT_NDS = _words(
    """het niet zijn wordt worden werd hij zij ze voor door naar bij heeft hebben zich zal
    zou tegen zonder ook maar uit aan onder geen"""
)
# Luxembourgish function words that are neither Dutch nor German words (lingua and langdetect
# model no Luxembourgish and call it German, Dutch or Afrikaans). Dutch homographs such as "net",
# "dat", "wou", "ze", "een" and the "e" of "e-mail" are left out on purpose.
_LB_CORE = _words(
    """ass gëtt gi ginn gouf goufen huet hunn hätt wier wär kënnen kënnt mussen wëllen vun vum
    fir mam mä awer och keng kee keen virun zanter duerch iwwer ënner ënnert ouni tëscht hir
    säin seng senger sengem hien hie si sech wéi wann datt dës dëst dësen dësem déi deen deem
    dee méi ëmmer nëmmen näischt eppes eng enger engem elo haut muer gëschter moies owes
    nuets zwee dräi véier fënnef leit gemaach geschitt"""
)
# German homographs ("an", "sinn", "zu", "mir", "eng") tell Luxembourgish from Dutch only, and
# "et" (French) only where the detectors already chose Dutch or German.
_LB_NOT_NL = _LB_CORE | _words("an sinn zu mir et")
_LB_NOT_DE = _LB_CORE - _words("eng wann hätt wär haut")
# Words no Dutch or German text contains: one of them suffices in a sentence too short for two.
_LB_STRONG = frozenset(word for word in _LB_CORE if any(ch in word for ch in "ëéä")) | _words(
    "ass gouf goufen huet hunn datt vun vum fir awer keng hien sech gemaach"
)
# Up to this many words a text is a sentence or a title, which may hold one Luxembourgish word.
_LB_SHORT_TOKENS = 8
_NL_NOT_LB = _words(
    """het niet zijn wordt worden werd hij zij voor door naar bij heeft hebben zich deze zal
    zou tegen zonder ook maar uit aan onder geen wij"""
)
_DE_NOT_LB = _words(
    """und nicht ist sind hat haben wird werden von für ein eine einer einem einen das auch
    sich ich auf aus sein seine seiner dass daß zur zum des durch über unter ohne wie aber
    noch nur immer wurde"""
)
# The elided article of Luxembourgish ("d'Police", "d’Land"): one token with the noun (the
# Dutch "d'r" of spoken language excepted).
_LB_ELISION = re.compile(r"^d['’](?!r$)[^\W\d_]")

_DE_NOT_NDS = _words(
    """und nicht ist sind hat haben wird werden von für ein eine einer einem einen der die
    das auch sich ich auf zu aus sein seine seiner dass daß zur zum dem den des durch"""
)


def _terms(*terms: str) -> re.Pattern[str]:
    """One pattern that finds any of the (lower-case) terms as whole words."""
    return re.compile(r"\b(?:" + "|".join(re.escape(term) for term in terms) + r")\b")


# Terms of the justice system used in only one of the two countries. A variant is only
# inferred from them with a clear margin; place names are not used (both countries report
# on each other's cities).
_BE_TERMS = _terms(
    "parket",
    "onderzoeksrechter",
    "procureur des konings",
    "raadkamer",
    "federale politie",
    "lokale politie",
    "politiezone",
    "gsm",
)
_NL_TERMS = _terms(
    "officier van justitie",
    "openbaar ministerie",
    "rechter-commissaris",
    "marechaussee",
    "rijksrecherche",
    "mobiele telefoon",
    "politie-eenheid",
    "hoofdofficier",
)


@dataclass(frozen=True)
class LanguageResult:
    """The language decision for one text, with the evidence that produced it."""

    lang: str
    """ISO 639-1 where one exists ("nl", "af", "fy", ...), "nds" for Low German, "und" if
    undecidable."""
    probability: float
    """Probability of ``lang``, 0..1."""
    variant: str | None
    """"nl-NL" or "nl-BE" when ``lang`` is "nl" and the evidence says which, else None."""
    evidence: tuple[str, ...]
    """Short human-readable notes on what decided, for audits of dropped pages."""

    @property
    def is_dutch(self) -> bool:
        """Whether the text belongs in a Dutch corpus (Afrikaans, Frisian, Low German do not)."""
        return self.lang == "nl"


@dataclass(frozen=True)
class _Detectors:
    lingua: LanguageDetector
    langdetect: DetectorFactory


@cache
def _detectors() -> _Detectors:
    """Build both detectors once per process: lingua's models take a second or two to load."""
    factory = DetectorFactory()
    factory.load_profile(PROFILES_DIRECTORY)
    factory.set_seed(LANGDETECT_SEED)
    lingua = LanguageDetectorBuilder.from_languages(*_LINGUA_LANGUAGES).build()
    return _Detectors(lingua=lingua, langdetect=factory)


def detect_language(
    text: str,
    html_lang: str | None = None,
    country: str | None = None,
    og_locale: str | None = None,
) -> LanguageResult:
    """Decide the language of ``text`` (the full article text, not only its title).

    ``html_lang`` is the page's ``<html lang>`` ("nl-BE"), ``og_locale`` its ``og:locale``
    ("nl_BE") and ``country`` the source's ISO 3166 country ("be"). Never raises: a text
    without letters gives ``"und"``.
    """
    sample = _sample(text or "")
    # Counted only up to the minimum: a long text's letters need no full count.
    letters = sum(1 for _ in islice(filter(str.isalpha, sample), _MIN_LETTERS))
    if letters < _MIN_LETTERS:
        return LanguageResult("und", 0.0, None, (f"{letters} letters",))

    evidence: list[str] = []
    probs = _detector_probabilities(sample, evidence)
    if not probs:
        return LanguageResult("und", 0.0, None, (*evidence, "no detector answer"))

    tokens = _TOKEN.findall(sample.lower())
    probs = _separate_pair(
        probs,
        "nl",
        "af",
        tokens,
        _NL_NOT_AF,
        _AF_NOT_NL,
        evidence,
        (_NL_SPELLING, _AF_SPELLING),
        second_dictionary=_afrikaans_dictionary_hits(len(sample), probs, tokens),
    )

    declared = _primary(html_lang)
    locale = _primary(og_locale)
    probs = _apply_priors(probs, len(sample), declared, locale, country, evidence)

    lang = max(sorted(probs), key=probs.__getitem__)
    probability = probs[lang]
    if lang in _RELATIVES:
        lang, probability = _unmodelled_relative(lang, probability, tokens, declared or locale, evidence)

    if lang == "nl" and _not_dutch_prose(tokens, evidence):
        return LanguageResult("und", 0.0, None, tuple(evidence))
    variant = _variant(sample, html_lang, og_locale, country, evidence) if lang == "nl" else None
    return LanguageResult(lang, round(min(max(probability, 0.0), 1.0), 4), variant, tuple(evidence))


def _not_dutch_prose(tokens: list[str], evidence: list[str]) -> bool:
    """A long text without Dutch's commonest words is not Dutch, whatever the detectors said.

    The detectors choose only among _LINGUA_LANGUAGES, so a language outside it (Finnish,
    Hungarian, Czech ...) is given the nearest of them with full confidence, sometimes Dutch. Dutch
    prose has about a third of its words among _DUTCH_COMMON (0.27 or more in every text of the
    independent crime set); such a text has next to none.
    """
    if len(tokens) < _COMMON_MIN_TOKENS:
        return False
    common = sum(token in _DUTCH_COMMON for token in tokens)
    if common >= _COMMON_MIN_SHARE * len(tokens):
        return False
    evidence.append(f"dutch common words {common} of {len(tokens)}")
    return True


def _sample(text: str) -> str:
    """Collapse white space and cut at a word boundary near MAX_CHARS."""
    collapsed = " ".join(text.split())
    if len(collapsed) <= MAX_CHARS:
        return collapsed
    cut = collapsed.rfind(" ", 0, MAX_CHARS)
    return collapsed[: cut if cut > MAX_CHARS // 2 else MAX_CHARS]


def _detector_probabilities(sample: str, evidence: list[str]) -> dict[str, float]:
    """Weighted mean of lingua's and langdetect's probability distributions."""
    ramp = (len(sample) - _LANGDETECT_MIN_CHARS) / (_LANGDETECT_FULL_CHARS - _LANGDETECT_MIN_CHARS)
    weight = _LANGDETECT_WEIGHT * min(1.0, max(0.0, ramp))
    lingua = _lingua_probabilities(sample)
    # Below _LANGDETECT_MIN_CHARS langdetect has no weight, and on a long text that lingua is
    # sure of it cannot change the answer: skip it then, it is three times slower than lingua.
    sure = len(sample) >= _LINGUA_SURE_CHARS and max(lingua.values(), default=0.0) >= _LINGUA_SURE
    consult = weight > 0.0 and not sure
    langdetect = _langdetect_probabilities(sample[:_LANGDETECT_MAX_CHARS]) if consult else {}
    for name, dist in (("lingua", lingua), ("langdetect", langdetect)):
        if dist:
            best = max(sorted(dist), key=dist.__getitem__)
            evidence.append(f"{name} {best} {dist[best]:.2f}")
    if not lingua or not langdetect:
        return lingua or langdetect
    return {
        lang: (1.0 - weight) * lingua.get(lang, 0.0) + weight * langdetect.get(lang, 0.0)
        for lang in lingua.keys() | langdetect.keys()
    }


def _lingua_probabilities(sample: str) -> dict[str, float]:
    """lingua's distribution for ``sample``, from its first _LINGUA_FIRST_CHARS when they settle it."""
    if len(sample) > _LINGUA_FIRST_CHARS:
        cut = sample.rfind(" ", 0, _LINGUA_FIRST_CHARS)
        first = _lingua_distribution(sample[: cut if cut > _LINGUA_FIRST_CHARS // 2 else _LINGUA_FIRST_CHARS])
        if max(first.values(), default=0.0) >= _LINGUA_SURE:
            return first
    return _lingua_distribution(sample)


def _lingua_distribution(sample: str) -> dict[str, float]:
    return {
        value.language.iso_code_639_1.name.lower(): value.value
        for value in _detectors().lingua.compute_language_confidence_values(sample)
        if value.value > 0.0
    }


def _langdetect_probabilities(sample: str) -> dict[str, float]:
    detector = _detectors().langdetect.create()
    detector.append(sample)
    try:
        found = detector.get_probabilities()
    except LangDetectException:
        return {}
    # langdetect has one Norwegian ("no"); lingua's Bokmål is the nearer match.
    return {("nb" if item.lang == "no" else item.lang): item.prob for item in found}


@cache
def _afrikaans_dictionary() -> frozenset[str]:
    """The Afrikaans-only words, loaded once per process and only when a text needs them."""
    path = resources.files("corpus.text") / "data" / "afrikaans_words.txt.gz"
    with path.open("rb") as raw, gzip.open(raw, "rt", encoding="utf-8") as text:
        return frozenset(text.read().split())


def _afrikaans_dictionary_hits(length: int, probs: dict[str, float], tokens: list[str]) -> int:
    """How many of the text's words only the Afrikaans dictionary holds, where that can matter."""
    dutch, afrikaans = probs.get("nl", 0.0), probs.get("af", 0.0)
    if dutch + afrikaans <= 0.0:
        return 0
    if length >= _LINGUA_SURE_CHARS and afrikaans < _AF_LEXICON_OPEN * (dutch + afrikaans):
        return 0
    words = _afrikaans_dictionary()
    return sum(len(token) >= _AF_LEXICON_MIN_LETTERS and token in words for token in tokens)


def _separate_pair(
    probs: dict[str, float],
    first: str,
    second: str,
    tokens: list[str],
    first_words: frozenset[str],
    second_words: frozenset[str],
    evidence: list[str],
    spellings: tuple[re.Pattern[str], re.Pattern[str]] | None = None,
    second_dictionary: int = 0,
) -> dict[str, float]:
    """Redistribute the mass of two close languages by words (and spellings, where given) that
    only one of them uses, and by ``second_dictionary`` words only the second one's dictionary
    holds (each weighing _AF_LEXICON_WEIGHT)."""
    mass = probs.get(first, 0.0) + probs.get(second, 0.0)
    if mass <= 0.0:
        return probs
    first_spelling, second_spelling = spellings or (None, None)
    hits_first = sum(
        token in first_words or bool(first_spelling and first_spelling.search(token)) for token in tokens
    )
    hits_second = sum(
        token in second_words or bool(second_spelling and second_spelling.search(token)) for token in tokens
    )
    lexical = _LEXICAL_WEIGHT * (hits_first - hits_second) - _AF_LEXICON_WEIGHT * second_dictionary
    if lexical == 0.0:
        return probs
    dictionary = f" (+{second_dictionary} only in the {second} dictionary)" if second_dictionary else ""
    evidence.append(f"words {first} {hits_first} {second} {hits_second}{dictionary}")
    # Floor both sides so that one stray word can move a language that a detector ruled out.
    p_first = max(probs.get(first, 0.0), 0.01 * mass)
    p_second = max(probs.get(second, 0.0), 0.01 * mass)
    log_odds = math.log(p_first / p_second) + lexical
    share = 1.0 / (1.0 + math.exp(-max(min(log_odds, 50.0), -50.0)))
    adjusted = dict(probs)
    adjusted[first] = mass * share
    adjusted[second] = mass * (1.0 - share)
    return adjusted


def _apply_priors(
    probs: dict[str, float],
    length: int,
    declared: str | None,
    locale: str | None,
    country: str | None,
    evidence: list[str],
) -> dict[str, float]:
    """Weigh page metadata in; the shorter the text, the more it counts."""
    # A declaration is about this page and outweighs a short text; the country is about the
    # source (which also publishes in other languages) and stays a small, untempered prior.
    declared_priors: dict[str, float] = {}
    if declared:
        declared_priors[declared] = _HTML_LANG_PRIOR
        evidence.append(f"html lang {declared}")
    if locale:
        declared_priors[locale] = declared_priors.get(locale, 1.0) * _OG_LOCALE_PRIOR
        evidence.append(f"og:locale {locale}")
    country_code = (country or "").strip().lower()
    country_lang = "nl" if country_code in ("nl", "be") else None
    if country_lang:
        evidence.append(f"country {country_code}")
    temper = 1.0
    if length < SHORT_TEXT_CHARS:
        if declared_priors:
            temper = max(_MIN_TEMPER, length / SHORT_TEXT_CHARS)
            evidence.append(f"short text ({length} chars): declaration weighed")
        else:
            evidence.append(f"short text ({length} chars), no declaration")
    if not declared_priors and not country_lang:
        return probs
    weighted = {
        lang: (p**temper) * declared_priors.get(lang, 1.0) * (_COUNTRY_PRIOR if lang == country_lang else 1.0)
        for lang, p in probs.items()
        if p > 0.0
    }
    total = sum(weighted.values())
    return {lang: value / total for lang, value in weighted.items()}


def _unmodelled_relative(
    lang: str,
    probability: float,
    tokens: list[str],
    declared: str | None,
    evidence: list[str],
) -> tuple[str, float]:
    """Recognise West Frisian, Luxembourgish and Low German, which the detectors do not model
    and call Dutch, German, Afrikaans or a Scandinavian language."""
    if declared in _UNMODELLED:
        evidence.append(f"declared {declared}, which the detectors do not model")
        return declared, probability
    fy_words, own = {
        "af": (_FY_NOT_AF, _AF_NOT_FY),
        "de": (_FY_NOT_DE, _DE_NOT_NDS),
        "nl": (_FY_NOT_NL, _NL_NOT_FY),
    }.get(lang, (_FY_NOT_NORDIC, _NORDIC_NOT_FY))
    fy_hits = sum(token in fy_words for token in tokens)
    own_hits = sum(token in own for token in tokens)
    # The detectors give no probability for these languages; the share of distinguishing
    # words stands in for one.
    if fy_hits >= 2 and fy_hits > own_hits:
        evidence.append(f"words fy {fy_hits} {lang} {own_hits}")
        return "fy", fy_hits / (fy_hits + own_hits)
    if lang not in ("nl", "de", "af"):
        return lang, probability
    # (relative, its words, the chosen language's words, how many of its words suffice)
    candidates: list[tuple[str, int, int, int]] = []
    lb_words, rival = {
        "af": (_LB_NOT_NL, _AF_NOT_FY),
        "de": (_LB_NOT_DE, _DE_NOT_LB),
        "nl": (_LB_NOT_NL, _NL_NOT_LB),
    }[lang]
    lb_hits = sum(token in lb_words or bool(_LB_ELISION.match(token)) for token in tokens)
    # A short sentence holds few function words: one unmistakable one suffices there.
    strong = any(token in _LB_STRONG or _LB_ELISION.match(token) for token in tokens)
    needed = 1 if strong and len(tokens) <= _LB_SHORT_TOKENS else 2
    candidates.append(("lb", lb_hits, sum(token in rival for token in tokens), needed))
    if lang != "af":
        nds_words, rival = (_NDS_NOT_DE, _DE_NOT_NDS) if lang == "de" else (_NDS_CORE, _NL_NOT_NDS)
        nds_hits = sum(token in nds_words for token in tokens)
        candidates.append(("nds", nds_hits, sum(token in rival for token in tokens), 2))
    # The relative with more of its own words, if it has enough of them and more than the
    # language the detectors chose.
    relative, hits, rival_hits, needed = max(candidates, key=lambda item: item[1] - item[2])
    if hits >= needed and hits > rival_hits:
        evidence.append(f"words {relative} {hits} {lang} {rival_hits}")
        return relative, hits / (hits + rival_hits)
    return lang, probability


def _primary(tag: str | None) -> str | None:
    """Primary language subtag of a BCP 47 tag or locale: "nl-BE" and "nl_BE" give "nl"."""
    if not tag:
        return None
    primary = re.split(r"[-_]", tag.strip().lower(), maxsplit=1)[0]
    return primary if primary.isalpha() and 2 <= len(primary) <= 3 else None


def _region(tag: str | None) -> str | None:
    """Region subtag of a Dutch tag: "nl-BE" and "nl_be" give "BE"; other languages None."""
    if not tag:
        return None
    parts = re.split(r"[-_]", tag.strip())
    if parts[0].lower() != "nl":
        return None
    for part in parts[1:]:
        if len(part) == 2 and part.isalpha():
            return part.upper()
    return None


def _variant(
    sample: str,
    html_lang: str | None,
    og_locale: str | None,
    country: str | None,
    evidence: list[str],
) -> str | None:
    """nl-NL or nl-BE from the page's declarations, the source's country, or justice terms."""
    for tag in (html_lang, og_locale):
        region = _region(tag)
        if region in ("NL", "BE"):
            return f"nl-{region}"
    country_code = (country or "").strip().lower()
    if country_code in ("nl", "be"):
        return f"nl-{country_code.upper()}"
    lowered = sample.lower()
    be_hits = len(_BE_TERMS.findall(lowered))
    nl_hits = len(_NL_TERMS.findall(lowered))
    if be_hits >= 2 and nl_hits == 0:
        evidence.append(f"flemish terms {be_hits}")
        return "nl-BE"
    if nl_hits >= 2 and be_hits == 0:
        evidence.append(f"netherlands terms {nl_hits}")
        return "nl-NL"
    return None
