"""Bylines, credits and stamps: what a page prints around the story, separated from the story.

Three things a news page prints beside its story end up in the extracted text or in the author
field, and a researcher wants them apart:

- **Stamps** ("Bijgewerkt: 30 mei 2018 12:10", "Laatst gewijzigd op ... om ...", "Update 12.30
  uur", "Gepubliceerd: ... | Bijgewerkt: ...") and editorial notes about the article itself
  ("Correctie: in een eerdere versie ...", "Dit artikel is bijgewerkt met ..."). They are removed
  from the *start and end* of the text only, and only when the line is page furniture as a whole:
  a live blog's "Update 14.05 uur: De politie meldt ..." carries news and stays, and a body
  sentence that mentions "bijgewerkt" is never looked at.
- **Bylines**. ``author`` loses its "Door" / "Tekst:" / "Van onze verslaggever" prefix, trailing
  dates and roles; several authors ("A en B", "A, B & C", trafilatura's "A; B") become
  ``authors`` in page order without repeats, and ``author`` is those names joined with ", ".
  A byline line at the start or end of the text ("Door Pieter Van Acker | 30 mei 2018") goes too,
  and gives the authors when the page's metadata has none.
- **News agency credits** ("(ANP)", "© Belga", "ANP/Redactie", "Bron: ANP", "DEN HAAG (ANP) -",
  a byline "Door ANP", JSON-LD ``author`` or ``sourceOrganization``) become ``agency``: canonical
  short names (ANP, Belga, AFP, Reuters, AP, DPA), several joined with ", " in the order they
  were met (byline, page metadata, start of text, end of text). A credit alone on a line at the
  start or end is removed; a dateline's credit is recorded and the dateline kept.

Decisions, each tested in ``tests/text/test_tidy.py``:

- A desk ("Redactie", "Redactie Binnenland", "Onze redactie", "Webredactie") or the outlet's own
  name ("nieuwsblad.be", its ``og:site_name``) is not a person: it is dropped from the authors
  and credited to no one. An agency is not a person either: it goes to ``agency`` only.
- A single word ("NOS", "Polderpost", initials such as "Det") is not a usable name: a person's
  byline names at least a first and a last name.
- An agency named inside the story ("volgens persbureau ANP ...", "meldt Belga") is reporting,
  not a credit: the outlet wrote that text, so it neither sets ``agency`` nor is removed.
- A photo credit ("Foto: ANP", "Beeld: Belga") credits the picture, not the text: no agency.
- Only whole credit forms count: "AP" in "APK", "Apeldoorn" or "de ANPR-camera" is no agency.
- Publication-date lines ("Gepubliceerd: 30 mei 2018") at the start or end are furniture like
  update stamps and go with them.
- Nothing is removed when it would leave the text empty.
- Teaser lines for other stories ("Lees ook: ...", anywhere in the text) go too
  (:mod:`corpus.text.teasers`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from corpus.text import jsonld
from corpus.text.teasers import drop_teasers

if TYPE_CHECKING:
    import lxml.html

    from corpus.text.extract import ExtractedArticle


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


MAX_EDGE_LINES = 6
"""Furniture lines removed at most from each end: more in a row means the rule misreads the page."""
MAX_NOTE_WORDS = 80
"""An editorial note (correction, "dit artikel is bijgewerkt") longer than this is story text."""
MAX_NAME_TOKENS = 6
"""A byline part with more words than this is a sentence, not a name."""

# -- news agencies --------------------------------------------------------------------------------

# Spellings as outlets print them, case-sensitive on purpose: "AP" is an agency, "ap" or "Ap" is not.
_AGENCY_SPELLINGS: dict[str, str] = {
    "ANP": "ANP",
    "Anp": "ANP",
    "Algemeen Nederlands Persbureau": "ANP",
    "Belga": "Belga",
    "BELGA": "Belga",
    "belga": "Belga",
    "Belga News Agency": "Belga",
    "AFP": "AFP",
    "Agence France-Presse": "AFP",
    "Agence France Presse": "AFP",
    "Reuters": "Reuters",
    "REUTERS": "Reuters",
    "AP": "AP",
    "Associated Press": "AP",
    "The Associated Press": "AP",
    "DPA": "DPA",
    "dpa": "DPA",
    "Deutsche Presse-Agentur": "DPA",
    # trafilatura title-cases the author field: "dpa" and "afp" reach this module as below.
    "Dpa": "DPA",
    "Afp": "AFP",
}
_AGENCY = "(?:" + "|".join(re.escape(s) for s in sorted(_AGENCY_SPELLINGS, key=len, reverse=True)) + ")"
_AGENCY_ONE = re.compile(rf"(?:(?:het\s+)?(?:pers|nieuws)bureau\s+)?({_AGENCY})")
# A desk credited beside an agency ("ANP/Redactie", "Redactie en Belga").
_DESK = re.compile(
    r"(?i)^(?:de\s+|onze\s+|eigen\s+)?(?:\w*redactie|nieuwsdienst|persdienst|nieuwsbureau|redactioneel)"
    r"(?:\s+[\w.-]+){0,2}$"
)
_CREDIT_SEP = re.compile(r"\s*(?:/|,|&|\+|\||\ben\b|\band\b)\s*")
_CREDIT_PREFIX = re.compile(r"(?i)^(?:©|\(c\)|copyright|bronnen|bron|source|door|tekst|-|–|—)\s*:?\s*")
_DATELINE = re.compile(
    rf"^(?:[A-ZÀ-Þ][\w'’.-]*\s+){{1,4}}\(\s*({_AGENCY}(?:\s*[/,]\s*{_AGENCY})*)\s*\)\s*[-–—:]"
)
_TRAILING_CREDIT = re.compile(rf"(?<=[.!?'\"”’)])\s*\(\s*({_AGENCY}(?:\s*[/,]\s*{_AGENCY})*)\s*\)$")


def _agency_of(part: str) -> str | None:
    """The canonical agency a whole string names ("ANP", "persbureau Belga"), else None."""
    match = _AGENCY_ONE.fullmatch(part.strip())
    return _AGENCY_SPELLINGS[match.group(1)] if match else None


def credit(line: str, outlet: frozenset[str] = frozenset()) -> tuple[str, ...] | None:
    """The agencies a credit line names ("(ANP)", "© Belga", "Bron: ANP/AFP", "ANP/Redactie",
    "ANP/NU.nl"), or None when the line is anything else. At least one part must be an agency and
    every other part a desk or the outlet itself (``outlet``: its names, folded)."""
    s = line.strip()
    while s[:1] in "([" and s[-1:] in ")]" and len(s) > 2:
        s = s[1:-1].strip()
    previous = None
    while previous != s:
        previous, s = s, _CREDIT_PREFIX.sub("", s, count=1)
    s = s.strip("()[] ")
    if not s:
        return None
    agencies: list[str] = []
    for part in _CREDIT_SEP.split(s):
        part = part.strip("()[] ")
        if not part:
            continue
        name = _agency_of(part)
        if name:
            agencies.append(name)
        elif not (_DESK.match(part) or _fold(part) in outlet or _DOMAIN.fullmatch(part)):
            return None
    return tuple(agencies) or None


# -- dates, times and stamps ----------------------------------------------------------------------

_MONTHS = (
    "januari februari maart april mei juni juli augustus september oktober november december "
    "jan feb febr mrt mar apr jun jul aug sep sept okt oct nov dec "
    "january february march may june july august october"
)
_WEEKDAYS = (
    "maandag dinsdag woensdag donderdag vrijdag zaterdag zondag ma di wo do vr za zo "
    "monday tuesday wednesday thursday friday saturday sunday mon tue wed thu fri sat sun"
)
_WHEN_WORDS = _words(
    _MONTHS + " " + _WEEKDAYS + " om op rond sinds geleden uur u h min minuut minuten seconde "
    "seconden sec dag dagen week weken gisteren eergisteren vandaag vanochtend vanmorgen "
    "vanmiddag vanavond vannacht cet cest utc gmt am pm t z at on"
)
_RELATIVE = _words("gisteren eergisteren vandaag vanochtend vanmorgen vanmiddag vanavond vannacht geleden")
_TOKEN = re.compile(r"[^\W\d_]+\.?|\d+|[^\w\s]")
_WHEN_PUNCT = frozenset(":.,/-–—|·•()[]'’+")

_STAMP_LABEL = re.compile(
    r"(?i)\b(?:laatst(?:e)?\s+(?:bijgewerkt|aangepast|gewijzigd|ge[uü]pdatet?|geupdated|update|"
    r"wijziging|aanpassing)|bijgewerkt|aangepast|gewijzigd|ge[uü]pdatet?|ge[uü]pdated|"
    r"ge-?updatet?|updates?|updated|upd\.|correctie|rectificatie|gecorrigeerd|"
    r"gepubliceerd|geplaatst|gepost|published|last\s+updated)(?![\w-])"
)
_CORRECTION_LABEL = re.compile(
    r"(?i)^[(\[]?\s*(?:correctie|rectificatie|noot\s+van\s+de\s+redactie|naschrift|correction)\b"
)
_UPDATE_LABEL = re.compile(r"(?i)^[(\[]?\s*(?:update|bijgewerkt|aangepast|naschrift)\b")
_ABOUT_ARTICLE = re.compile(
    r"(?i)\b(?:dit|het|deze)\s+(?:artikel|bericht|verhaal|stuk|nieuwsbericht|pagina|liveblog)\b|"
    r"\beerdere\s+versie\b|\bstond\s+(?:eerder|abusievelijk|ten\s+onrechte)\b"
)
_ARTICLE_NOTE = re.compile(
    r"(?i)^[(\[]?\s*(?:dit|het|deze)\s+(?:artikel|bericht|verhaal|stuk|nieuwsbericht|pagina|liveblog)\s+"
    r"(?:is|werd|wordt|zal)\b.*?\b(?:bijgewerkt|aangepast|ge[uü]pdatet?|geupdated|gewijzigd|"
    r"aangevuld|geactualiseerd|gecorrigeerd|verbeterd)\b"
)


def is_when(text: str) -> bool:
    """Whether ``text`` is a date, a time or both and nothing else ("za 6 jul. 2024, 23.52 uur",
    "30-05-2018 12u10", "3 minuten geleden")."""
    tokens = _TOKEN.findall(text)
    if not tokens:
        return False
    timed = False
    for token in tokens:
        if token.isdigit():
            timed = True
        elif token in _WHEN_PUNCT:
            continue
        else:
            word = token.rstrip(".").casefold()
            if word not in _WHEN_WORDS:
                return False
            timed = timed or word in _RELATIVE
    return timed


def is_stamp(line: str) -> bool:
    """Whether a whole line is a publication, update or correction stamp: a label and dates or
    times, nothing else ("Bijgewerkt: 30 mei 2018 12:10", "Laatst gewijzigd op 15 februari 2023
    om 11:00", "Update 12.30 uur", "(Bijgewerkt om 14:05)")."""
    if not _STAMP_LABEL.search(line):
        return False
    return is_when(_STAMP_LABEL.sub(" ", line))


def _is_stamp_label(line: str) -> bool:
    """A label alone ("Bijgewerkt:"), whose date the page put on the next line."""
    rest = _STAMP_LABEL.sub(" ", line, count=1)
    return bool(_STAMP_LABEL.search(line)) and not rest.strip(" :()[]-–")


def is_editorial_note(line: str) -> bool:
    """A note about the article itself ("Correctie: in een eerdere versie ...", "Dit artikel is
    bijgewerkt met de reactie van de politie", "Update: dit bericht is aangevuld"), not news.
    An update that carries news ("Update 14.05 uur: De politie meldt ...") is not one."""
    if len(line.split()) > MAX_NOTE_WORDS:
        return False
    if _CORRECTION_LABEL.match(line) or _ARTICLE_NOTE.match(line):
        return True
    return bool(_UPDATE_LABEL.match(line) and _ABOUT_ARTICLE.search(line))


# -- bylines --------------------------------------------------------------------------------------

_BYLINE_PREFIX = re.compile(
    r"(?i)^(?:(?:van|door)\s+(?:onze|een\s+onzer|één\s+van\s+onze|eigen)\s+"
    r"(?:\w+\s+)?(?:verslaggevers?|correspondente?n?|redacteur(?:en|s)?|medewerkers?|reporters?)"
    r"(?:\s+in\s+[A-ZÀ-Þ][\w'’-]*)?|"
    r"(?:geschreven|bewerkt|samengesteld)\s+door|door|by|"
    r"tekst(?:\s+en\s+(?:foto'?s|beeld|fotografie))?|auteur|auteurs|autor|autorin|reportage)"
    r"(?:\s*:\s*|\s+|$)"
)
_ROLES = _words(
    "verslaggever verslaggeefster verslaggevers correspondent correspondente redacteur redactrice "
    "journalist journaliste reporter hoofdredacteur hoofdredactrice chef columnist columniste "
    "misdaadverslaggever misdaadjournalist rechtbankverslaggever justitieredacteur "
    "politiek economie binnenland buitenland regio sport freelance freelancer stagiair stagiaire "
    "medewerker medewerkster specialist analist commentator presentator presentatrice "
    "nieuws persbericht politie ingezonden opinie gastauteur gastcolumn lezer lezersbrief "
    "partnercontent advertorial admin beheerder webmaster editor staff writer team redactie"
)
# Words that make a byline part an organisation, not a person ("DPG Media", "Omroep Brabant").
_ORGANISATION = _words(
    "b.v. bv n.v. nv vzw gmbh ag ltd inc llc media mediahuis groep group uitgeverij uitgevers "
    "omroep rtv krant courant dagblad nieuwsblad gazet radio televisie tv online nieuwsdienst "
    "persbureau verlag redaktion"
)
# A part that starts with one of these names a contributor who did not write the text
# ("Foto's: Kees de Vries", "Eindredactie: Jan Peeters"); the part is dropped whole.
_NOT_WRITERS = _words(
    "foto foto's fotos fotograaf fotografe fotografie beeld beelden video camera montage "
    "illustratie illustraties infographic opmaak animatie vormgeving eindredactie eindredacteur "
    "eindredactrice bewerking vertaling"
)
_PARTICLES = _words(
    "van de der den het ten ter te op in 't d' du des di da la le von zu vande vanden vander "
    "del della dos das el al bin ben ibn ter y e"
)
_BYLINE_SPLIT = re.compile(r"\s*(?:;|,|&|\||·|•|/|\s[-–—]\s|\ben\b|\band\b|\bund\b|\bet\b)\s*")
_PAREN = re.compile(r"\(([^()]*)\)")
_DIGIT = re.compile(r"\d")
_DOMAIN = re.compile(
    r"(?i)(?:[\w-]+\.)*[\w-]*\w\.(?:nl|be|com|net|org|eu|nu|info|tv|fm|vlaanderen|frl|amsterdam|brussels)\b"
)
_SEGMENT = re.compile(r"\s*(?:\||·|•|\s[-–—]\s)\s*")


@dataclass(frozen=True)
class Byline:
    """What a byline says: the people who wrote the story and the agencies it credits."""

    authors: tuple[str, ...] = ()
    agencies: tuple[str, ...] = ()
    clean: bool = True  # every part was a name, an agency, a desk, a role or a date


def _capitalised(token: str) -> bool:
    """A name word: "Peeters", "A.", "O'Brien", "d'Hondt"."""
    return token[:1].isupper() or (token[:2].casefold() == "d'" and token[2:3].isupper())


def _name(part: str) -> str | None:
    """A person's name from one byline part, or None when the part is not a name."""
    tokens = part.split()
    while tokens and tokens[0].casefold().strip(":") in _ROLES:  # "Correspondent Jan Peeters"
        tokens.pop(0)
    if not tokens or len(tokens) > MAX_NAME_TOKENS:
        return None
    if any(_DIGIT.search(t) or t.casefold().strip(":,") in _ROLES for t in tokens):
        return None
    if not (_capitalised(tokens[0]) or tokens[0] == "'t") or not _capitalised(tokens[-1]):
        return None  # "in Brussel" is a place, not a name
    if not all(_capitalised(t) or t.casefold() in _PARTICLES for t in tokens):
        return None
    name = " ".join(tokens)
    if len(tokens) < 2:  # a desk, a pseudonym, initials or an acronym ("Det", "NOS")
        return None
    return name


def parse_byline(raw: str | None, not_persons: Iterable[str] = ()) -> Byline:
    """Authors and agencies of a byline: "Door Pieter Van Acker en Jan Peeters",
    "A, B & C", "A; B", "Jan Jansen (ANP)", "Redactie/ANP", "Van onze verslaggever Jan Peeters,
    30 mei 2018". ``not_persons`` are names of the outlet itself, folded (see :func:`_fold`)."""
    if not raw or not raw.strip():
        return Byline()
    outlet = set(not_persons)
    authors: list[str] = []
    agencies: list[str] = []
    clean = True
    text = " ".join(raw.split())
    # Parentheses hold a role, an agency or a date: read them as parts of their own.
    chunks = [_PAREN.sub(" ; ", text), *_PAREN.findall(text)]
    for chunk in chunks:
        for segment in _SEGMENT.split(chunk):
            segment = _strip_prefix(segment)
            parts = [segment] if is_when(segment) or is_stamp(segment) else _BYLINE_SPLIT.split(segment)
            for part in parts:
                part = _strip_prefix(part)
                if not part:
                    continue
                agency = _agency_of(part) or _agency_of(_CREDIT_PREFIX.sub("", part, count=1))
                if agency:
                    if agency not in agencies:
                        agencies.append(agency)
                    continue
                if _DESK.match(part) or _fold(part) in outlet or _DOMAIN.search(part):
                    continue
                if any(w.casefold() in _ORGANISATION for w in part.split()):
                    continue
                if is_when(part) or is_stamp(part) or _is_stamp_label(part):
                    continue
                if part.split()[0].casefold().strip(":") in _NOT_WRITERS:
                    continue
                name = _name(_trim_date(part))
                if name is None:
                    clean = clean and _is_role(part)
                    continue
                if name.casefold() not in {a.casefold() for a in authors}:
                    authors.append(name)
    return Byline(tuple(authors), tuple(agencies), clean)


def _strip_prefix(part: str) -> str:
    """``part`` without byline prefixes ("Door", "Tekst en foto's:", "Van onze verslaggever")."""
    part = part.strip(" .:;,-–—'\"")
    while part:
        stripped = _BYLINE_PREFIX.sub("", part, count=1).strip(" .:;,-–—'\"")
        if stripped == part:
            break
        part = stripped
    return part


def _trim_date(part: str) -> str:
    """A name with a date glued on ("Pieter Van Acker 30 mei 2018") without the date."""
    match = _DIGIT.search(part)
    if not match:
        return part
    head = part[: match.start()].split()
    while head and (head[-1].casefold().rstrip(".,") in _WHEN_WORDS or not head[-1][:1].isupper()):
        head.pop()
    return " ".join(head) if is_when(part[len(" ".join(head)) :]) else part


def _is_role(part: str) -> bool:
    """A role or description without a name ("correspondent in Brussel", "misdaadverslaggever")."""
    words = part.casefold().split()
    return bool(words) and words[0] in _ROLES and len(words) <= 4


def _fold(text: str) -> str:
    return "".join(c for c in text.casefold() if c.isalnum())


# -- the page's own credits -----------------------------------------------------------------------

_META_AUTHOR = (
    "//meta[@name='author' or @name='Author' or @property='article:author' or @name='dcterms.creator'"
    " or @name='DC.creator' or @name='dc.creator' or @name='cXenseParse:author']/@content"
)
_JSONLD_CREDIT_KEYS = ("author", "creator", "sourceOrganization")


def _names(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        name = value.get("name")
        if isinstance(name, str):
            yield name
    elif isinstance(value, list):
        for item in value[:20]:
            yield from _names(item)


def page_credits(tree: lxml.html.HtmlElement, nodes: list[dict[str, Any]] | None = None) -> tuple[str, ...]:
    """Agencies the page's metadata credits: author meta tags, JSON-LD ``author``, ``creator`` and
    ``sourceOrganization`` (of ``nodes``, by default the page's top-level objects, :func:`corpus.text.jsonld.objects`: not nested ones, since a list of related articles names other articles' authors). Whole
    names only: an author "ANP" or {"name": "Belga"}."""
    found: list[str] = []
    values = [str(v) for v in tree.xpath(_META_AUTHOR)]
    for node in jsonld.objects(tree) if nodes is None else nodes:
        for key in _JSONLD_CREDIT_KEYS:
            values.extend(_names(node.get(key)))
    for value in values:
        value = " ".join(value.split())
        if len(value) > 120:  # a description, not a name
            continue
        for agency in credit(value) or parse_byline(value).agencies:
            if agency not in found:
                found.append(agency)
    return tuple(found)


def outlet_names(
    tree: lxml.html.HtmlElement, canonical_url: str | None, nodes: list[dict[str, Any]] | None = None
) -> frozenset[str]:
    """The outlet's own names, folded: ``og:site_name``, JSON-LD ``publisher``, and its host
    ("nieuwsblad.be", "nieuwsblad"), which pages put in the author field for staff copy."""
    names = [
        str(v) for v in tree.xpath("//meta[@property='og:site_name' or @name='application-name']/@content")
    ]
    for node in jsonld.objects(tree) if nodes is None else nodes:
        names.extend(_names(node.get("publisher")))
    urls = [canonical_url or "", *(str(v) for v in tree.xpath("//meta[@property='og:url']/@content"))]
    for url in urls:
        host = (urlsplit(url).hostname or "").removeprefix("www.")
        if host:
            names.extend((host, host.rsplit(".", 1)[0]))
    return frozenset(f for f in (_fold(n) for n in names) if len(f) >= 3)


# -- the text's edges -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Edge:
    """What a furniture line at the start or end of the text yielded."""

    authors: tuple[str, ...] = ()
    agencies: tuple[str, ...] = ()


def _byline_line(line: str, known: tuple[str, ...], outlet: frozenset[str]) -> _Edge | None:
    """A byline line ("Door Henk Brinkman | zaterdag 6 juli 2024 om 23:52 (Bijgewerkt: ...)",
    "Tekst: Jan Peeters", or the known author's name alone), else None."""
    segments = _SEGMENT.split(line.strip())
    head, rest = segments[0], segments[1:]
    if not all(is_when(s) or is_stamp(s) or credit(s) or _contributor(s) for s in rest):
        return None
    prefixed = bool(_BYLINE_PREFIX.match(head)) and not head[:1].islower()
    folded = {_fold(a) for a in known}
    if not prefixed and not (folded and {_fold(p) for p in _BYLINE_SPLIT.split(head)} <= folded):
        return None
    byline = parse_byline(line, outlet)
    named = _strip_prefix(head)  # "" for "Van onze verslaggever" alone
    if not byline.clean or not (byline.authors or byline.agencies or not named or _DESK.match(named)):
        return None
    return _Edge(byline.authors, byline.agencies)


def _contributor(segment: str) -> bool:
    """A credit for the pictures or the editing ("Foto's: Kees de Vries"), or another byline
    ("Tekst: ..."), which a byline line may carry after its names."""
    words = segment.split()
    if not words:
        return False
    return words[0].casefold().strip(":") in _NOT_WRITERS or bool(_BYLINE_PREFIX.match(segment))


def _furniture(
    lines: list[str], i: int, known: tuple[str, ...], outlet: frozenset[str], step: int
) -> tuple[int, _Edge] | None:
    """How many lines from ``i`` (going ``step``) are one piece of furniture, and what it says."""
    line = lines[i].strip()
    if is_stamp(line) or is_editorial_note(line):
        return 1, _Edge()
    agencies = credit(line, outlet)
    if agencies:
        return 1, _Edge(agencies=agencies)
    edge = _byline_line(line, known, outlet)
    if edge is not None:
        return 1, edge
    j = i + step
    if 0 <= j < len(lines):  # "Bijgewerkt:" on one line, its date on the next
        a, b = (line, lines[j].strip()) if step > 0 else (lines[j].strip(), line)
        if _is_stamp_label(a) and is_when(b):
            return 2, _Edge()
    return None


@dataclass
class _Trimmed:
    text: str
    authors: list[str]
    start_agencies: list[str]
    end_agencies: list[str]


def trim_edges(
    text: str, known_authors: tuple[str, ...] = (), outlet: frozenset[str] = frozenset()
) -> _Trimmed:
    """The text without furniture lines at its start and end, and what those lines credited."""
    lines = text.split("\n")
    start, end = 0, len(lines)
    authors: list[str] = []
    heads: list[str] = []
    tails: list[str] = []
    removed = 0
    while start < end and removed < MAX_EDGE_LINES:
        if not lines[start].strip():
            start += 1
            continue
        found = _furniture(lines[start:end], 0, known_authors, outlet, 1)
        if found is None:
            break
        n, edge = found
        start, removed = start + n, removed + n
        authors.extend(edge.authors)
        heads.extend(edge.agencies)
    removed = 0
    while start < end and removed < MAX_EDGE_LINES:
        if not lines[end - 1].strip():
            end -= 1
            continue
        window = lines[start:end]
        found = _furniture(window, len(window) - 1, known_authors, outlet, -1)
        if found is None:
            break
        n, edge = found
        end, removed = end - n, removed + n
        authors.extend(edge.authors)
        tails[:0] = edge.agencies
    body = lines[start:end]
    if body and not heads:
        dateline = _DATELINE.match(body[0].strip())
        if dateline:
            heads.extend(credit(dateline.group(1)) or ())
    if body:
        trailing = _TRAILING_CREDIT.search(body[-1].rstrip())
        if trailing:
            tails[:0] = credit(trailing.group(1)) or ()
            body[-1] = body[-1].rstrip()[: trailing.start()].rstrip()
    kept = "\n".join(body).strip()
    if not kept:
        return _Trimmed(text, authors, heads, tails)
    return _Trimmed(kept, authors, heads, tails)


# -- the stage ------------------------------------------------------------------------------------


def _unique(values: Iterable[str]) -> tuple[str, ...]:
    seen: dict[str, str] = {}
    for value in values:
        if value.strip():
            seen.setdefault(value.casefold(), value.strip())
    return tuple(seen.values())


def tidy_article(
    article: ExtractedArticle, tree: lxml.html.HtmlElement, nodes: list[dict[str, Any]] | None = None
) -> ExtractedArticle:
    """The article with update stamps removed from its text, its authors normalised and its
    news agency credit recorded. ``nodes``: the page's JSON-LD objects, when the caller has them."""
    nodes = jsonld.objects(tree) if nodes is None else nodes
    outlet = outlet_names(tree, article.canonical_url, nodes)
    byline = parse_byline(article.author, outlet)
    trimmed = trim_edges(article.text, byline.authors, outlet)
    authors = _unique((*byline.authors, *(() if byline.authors else trimmed.authors)))
    agencies = _unique(
        (
            *(article.agency or "").split(", "),
            *byline.agencies,
            *page_credits(tree, nodes),
            *trimmed.start_agencies,
            *trimmed.end_agencies,
        )
    )
    return replace(
        article,
        text=drop_teasers(trimmed.text),
        author=", ".join(authors) or None,
        authors=authors,
        agency=", ".join(agencies) or None,
    )
