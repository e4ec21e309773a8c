"""Literal strings a regular expression cannot match without: a free test before a costly scan.

The crime rules run about seventy patterns over every article; Python's regex engine tries each
of them at every position of the text, which on a long report costs more than extracting it.
Most patterns need a word that most articles do not contain ("poging ... tot", "openlijke
geweldpleging"), and ``word in text`` is a C substring search, a hundred times cheaper than the
scan. :func:`required_literals` reads the pattern's syntax tree and returns strings of which
every match contains at least one; when none of them occurs in the text, the pattern cannot
match there and its scan is skipped. The answer is conservative: a pattern it cannot reason
about (case-insensitive, or with nothing literal it must contain) gets None and is always run,
so skipping never changes what the rules find.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterator
from functools import cache
from typing import Any

_c: Any
_p: Any
try:  # the regex parser of the standard library (private modules, stable since 3.11)
    _c = importlib.import_module("re._constants")
    _p = importlib.import_module("re._parser")
except ImportError:  # pragma: no cover - another Python: no prefilter, every pattern runs
    _c = _p = None


def _best(candidates: list[frozenset[str]]) -> frozenset[str] | None:
    """The most selective requirement: longest shortest string, then fewest alternatives."""
    if not candidates:
        return None
    return max(candidates, key=lambda c: (min(len(s) for s in c), -len(c)))


def _sequence(items: Any) -> frozenset[str] | None:
    """What a sequence of regex items requires: any one item's requirement is the sequence's."""
    candidates: list[frozenset[str]] = []
    run: list[str] = []

    def flush() -> None:
        if run:
            candidates.append(frozenset({"".join(run)}))
            run.clear()

    for op, av in items:
        if op is _c.LITERAL:
            run.append(chr(av))
            continue
        flush()
        found: frozenset[str] | None = None
        if op is _c.SUBPATTERN:
            _group, add_flags, _del_flags, sub = av
            if not add_flags & re.IGNORECASE:
                found = _sequence(sub)
        elif op is _c.BRANCH:
            branches = [_sequence(branch) for branch in av[1]]
            if all(branches):
                found = frozenset().union(*branches)  # type: ignore[arg-type]
        elif op in (_c.MAX_REPEAT, _c.MIN_REPEAT, getattr(_c, "POSSESSIVE_REPEAT", None)):
            low, _high, sub = av
            if low >= 1:
                found = _sequence(sub)
        elif op is getattr(_c, "ATOMIC_GROUP", None):
            found = _sequence(av)
        # Anything else (character classes, any character, anchors, look-arounds, back
        # references) requires no literal we can name; it only ends the literal run.
        if found:
            candidates.append(found)
    flush()
    return _best(candidates)


def _parsed(pattern: str, flags: int) -> Any:
    """The pattern's syntax tree, or None where nothing can be reasoned about it (case folding)."""
    if _p is None or flags & re.IGNORECASE:
        return None
    try:
        parsed = _p.parse(pattern, flags)
    except (re.error, TypeError, ValueError):
        return None
    return None if parsed.state.flags & re.IGNORECASE else parsed


@cache
def required_literals(pattern: str, flags: int = 0) -> frozenset[str] | None:
    """Strings of which every match of ``pattern`` contains one; None when none can be named.

    ``pattern`` cannot match a text that contains none of them (see the module docstring).
    """
    parsed = _parsed(pattern, flags)
    return None if parsed is None else _sequence(parsed)


_ZERO_WIDTH = ("AT", "ASSERT", "ASSERT_NOT")


def _leading(items: Any) -> frozenset[str] | None:
    """Literals one of which every match of a sequence starts with (after zero-width tests)."""
    run: list[str] = []
    for op, av in items:
        if op is _c.LITERAL:
            run.append(chr(av))
            continue
        if run:
            break
        if str(op) in _ZERO_WIDTH:
            continue  # \b, ^, look-arounds: they consume nothing, the match starts after them
        if op is _c.SUBPATTERN:
            _group, add_flags, _del_flags, sub = av
            return None if add_flags & re.IGNORECASE else _leading(sub)
        if op is _c.BRANCH:
            branches = [_leading(branch) for branch in av[1]]
            return frozenset().union(*branches) if all(branches) else None  # type: ignore[arg-type]
        if op in (_c.MAX_REPEAT, _c.MIN_REPEAT, getattr(_c, "POSSESSIVE_REPEAT", None)):
            low, _high, sub = av
            return _leading(sub) if low >= 1 else None
        if op is getattr(_c, "ATOMIC_GROUP", None):
            return _leading(av)
        return None  # a character class, any character, a back reference: no literal start
    return frozenset({"".join(run)}) if run else None


@cache
def leading_literals(pattern: str, flags: int = 0) -> frozenset[str] | None:
    """Strings of which every match of ``pattern`` starts with one; None when none can be named."""
    parsed = _parsed(pattern, flags)
    return None if parsed is None else _leading(parsed)


MIN_LEADING = 3
"""Leading literals shorter than this occur too often to be worth trying one by one."""
MAX_TRIES = 64
"""Past this many possible starts, a scan of the whole text costs less than trying each."""


def _occurrences(text: str, literal: str) -> Iterator[int]:
    at = text.find(literal)
    while at >= 0:
        yield at
        at = text.find(literal, at + 1)


@cache
def _starts_at_a_word(pattern: str, flags: int = 0) -> bool:
    """Whether ``pattern`` opens with ``\\b``, so that a match starting with a word character
    starts where a word does."""
    if flags & (re.ASCII | re.LOCALE):
        return False  # another notion of a word character than the index's
    parsed = _parsed(pattern, flags)
    if parsed is None or not len(parsed):
        return False
    op, av = parsed[0]
    return str(op) == "AT" and str(av) == "AT_BOUNDARY"


_WORD_START = re.compile(r"\b\w")
_WORD_CHAR = re.compile(r"\w")


class Occurrences:
    """The word starts of one text, filed once by their first three characters.

    The crime rules try some 150 patterns on an article, nearly all of them ``\\b`` and a word,
    and most of those words are not in it: searching the whole text for each literal of each
    pattern was the largest part of the rules' cost on a long report. A literal that begins with
    a word character can only open such a pattern's match at a word start, so its candidates are
    the word starts filed under its first three characters.

    The rules blank out (with spaces of the same length) what a phrase matched and go on with the
    blanked copy, through :meth:`blank`, which notes where each blank ends. A word start of the
    copy is a word start of the original or the end of a blank, and its first three characters
    are those it was filed under unless a blank reaches into them, which puts a space there: a
    literal with a space among its first three characters is searched for in the text at hand.
    Each candidate is checked in the text at hand, so the offsets are those a search would find
    at word starts, and :func:`find_all` tries the pattern at each.
    """

    def __init__(self, text: str, *, indexed: bool = True) -> None:
        """``indexed=False`` files nothing and searches for every literal: on a short text the
        index costs more than the searches it saves."""
        self._indexed = indexed
        self._by_start: dict[str, list[int]] = {}
        for match in _WORD_START.finditer(text) if indexed else ():
            at = match.start()
            self._by_start.setdefault(text[at : at + 3], []).append(at)
        self._blank_ends: list[int] = []

    def blank(self, text: str, match: re.Match[str]) -> str:
        """``text`` (the indexed text or a blanked copy) with ``match`` replaced by spaces."""
        start, end = match.span()
        self._blank_ends.append(end)
        return text[:start] + " " * (end - start) + text[end:]

    def word_starts(self, literal: str, text: str) -> list[int]:
        """Sorted offsets where ``literal`` occurs in ``text`` (the indexed text or a copy blanked
        by :meth:`blank`), among them every word start where it does."""
        if not self._indexed or not _WORD_CHAR.match(literal) or " " in literal[:3]:
            return list(_occurrences(text, literal))
        found = [at for at in self._by_start.get(literal[:3], ()) if text.startswith(literal, at)]
        if self._blank_ends:
            found.extend(at for at in self._blank_ends if text.startswith(literal, at))
            found = sorted(set(found))
        return found


@cache
def _selective_starts(pattern: str, flags: int) -> tuple[tuple[str, ...], bool] | None:
    """The pattern's leading literals when they are long enough to try one by one, and whether
    the pattern opens with ``\\b``; None when it has no such literals."""
    starts = leading_literals(pattern, flags)
    if starts is None or min(len(s) for s in starts) < MIN_LEADING:
        return None
    return tuple(sorted(starts)), _starts_at_a_word(pattern, flags)


def find_all(
    pattern: str | re.Pattern[str], text: str, occurrences: Occurrences | None = None
) -> Iterator[re.Match[str]]:
    """``re.finditer(pattern, text)``, the same matches, tried only where one can start.

    When every match starts with one of a few literals (:func:`leading_literals`), the regex is
    tried (``match`` at a position, which sees the text before it for ``\\b`` and look-behinds, as
    a scan does) only where one of them occurs, in text order and past the previous match's end:
    exactly the positions a scan would find a match at. Otherwise, a pattern whose required
    literals are all absent yields nothing, and any other is scanned. With ``occurrences`` (of
    this text, or of the text it is a blanked copy of), a pattern opening with ``\\b`` looks for
    its literals among the indexed word starts instead of searching the text.
    """
    compiled = pattern if isinstance(pattern, re.Pattern) else re.compile(pattern)
    selective = _selective_starts(compiled.pattern, compiled.flags & ~re.UNICODE)
    positions: list[int] = []
    if selective is not None:
        starts, at_word = selective
        if occurrences is not None and at_word:
            positions = sorted({at for literal in starts for at in occurrences.word_starts(literal, text)})
        else:
            positions = sorted({at for literal in starts for at in _occurrences(text, literal)})
        if not positions:
            return
    if not positions or len(positions) > MAX_TRIES:
        # No selective start (a short literal occurs everywhere): one scan costs less.
        if may_match(compiled, text):
            yield from compiled.finditer(text)
        return
    end = 0
    for at in positions:
        if at < end:
            continue
        match = compiled.match(text, at)
        if match is not None:
            yield match
            end = max(match.end(), at + 1)


def present_literals(pattern: str, text: str) -> tuple[str, ...] | None:
    """The literals ``pattern`` requires (:func:`required_literals`) that occur in ``text``.

    Empty: the pattern cannot match in ``text``, nor in any part of it; otherwise it can match in
    a part of ``text`` only where one of these occurs. None when it requires none we can name.
    """
    needed = required_literals(pattern)
    if needed is None:
        return None
    return tuple(s for s in sorted(needed) if s in text)


def may_match(pattern: str | re.Pattern[str], text: str) -> bool:
    """False only when ``pattern`` cannot match anywhere in ``text`` (a required literal is missing)."""
    if isinstance(pattern, re.Pattern):
        needed = required_literals(pattern.pattern, pattern.flags & ~re.UNICODE)
    else:
        needed = required_literals(pattern)
    return needed is None or any(s in text for s in needed)
