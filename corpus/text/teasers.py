"""Links to other stories printed inside an article: "Lees ook: Man aangehouden na steekpartij".

Dutch and Flemish outlets put teaser lines between and after a story's paragraphs ("Lees ook:",
"LEES OOK.", "Bekijk ook:", "Ook interessant:", "Meer over dit onderwerp:"), each followed by
another story's headline. The extractor keeps them: they are paragraphs of the article's body.
A researcher gets another story's headline in the text, and every annotation reads it as this
story's: its offence becomes a category ("Zwaargewonde bij schietpartij" adds violence to a
report of a front-door explosion), its arrest the stage, its town a place.

:func:`teaser_spans` finds them; :func:`drop_teasers` removes them from an extracted text (the
stored corpus text), and :func:`blank_teasers` blanks them with spaces of the same length for the
annotations, which read texts that did not pass the extractor too (a JSONL import, a benchmark),
so their offsets stay valid.

A teaser is a label at the start of a line, or after a sentence's end inside a paragraph, with a
separator after it (a colon, full stop, bar, dash or arrow), up to the end of its line, or up to
the next sentence end when more text follows on the line. Without a separator the label is an
ordinary sentence ("Lees ook de brief van de burgemeester, die ...") and stays.
"""

from __future__ import annotations

import re

_VERBS = ("lees", "bekijk", "kijk", "luister", "zie")
_AFTER_VERB = ("ook", "meer", "hier ook", "ook deze", "ook dit")
_OTHER_LABELS = (
    "ook interessant",
    "ook gelezen",
    "meer nieuws",
    "gerelateerd nieuws",
    "gerelateerd",
    "meer over dit onderwerp",
    "meer over dat onderwerp",
    "eerder verschenen",
    "eerder op deze site",
)
_LABELS = tuple(f"{verb} {rest}" for verb in _VERBS for rest in _AFTER_VERB) + _OTHER_LABELS
"""Every label, in lower case (the pattern tries the longer first: "gerelateerd nieuws" before "gerelateerd")."""
_LABEL = "|".join(re.escape(label) for label in sorted(_LABELS, key=len, reverse=True))
_TEASER = re.compile(
    # Where it starts: a line start (after a bullet or arrow, if any) or a sentence end.
    r"(?:^|(?<=[.!?]) |(?<=[.!?][\"'”’]) )[ \t]*(?:[»>▶►•·*-][ \t]*)?"
    rf"(?i:{_LABEL})"
    # The separator that makes it a label and not a sentence.
    r"[ \t]*(?:[:|»>▶►.]|[-–—](?= ))"
    # The headline: to the end of the line, or to a sentence end followed by more text.
    r"[^\n]*?(?=[.!?][ \t]+[A-Z\u00c0-\u00de]|$)[.!?]?",
    re.MULTILINE,
)


def _may_hold_teasers(text: str) -> bool:
    """Whether a label occurs at all: a substring search per label costs less than the
    pattern's walk of the text."""
    lower = text.lower()
    return any(label in lower for label in _LABELS)


def teaser_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each teaser in ``text``, in order."""
    if not _may_hold_teasers(text):
        return []
    return [(m.start(), m.end()) for m in _TEASER.finditer(text)]


def blank_teasers(text: str) -> str:
    """``text`` with each teaser replaced by spaces of the same length (offsets stay valid)."""
    spans = teaser_spans(text)
    if not spans:
        return text
    parts: list[str] = []
    last = 0
    for start, end in spans:
        parts.append(text[last:start])
        parts.append(" " * (end - start))
        last = end
    parts.append(text[last:])
    return "".join(parts)


def drop_teasers(text: str) -> str:
    """``text`` without its teasers; a line that held only a teaser goes, and nothing is removed
    when it would leave the text empty."""
    if not _may_hold_teasers(text):
        return text
    kept: list[str] = []
    for line in text.split("\n"):
        spans = teaser_spans(line)
        if not spans:
            kept.append(line)
            continue
        parts: list[str] = []
        last = 0
        for start, end in spans:
            parts.append(line[last:start])
            last = end
        parts.append(line[last:])
        rest = " ".join(part.strip() for part in parts if part.strip())
        if rest:
            kept.append(rest)
    result = "\n".join(kept)
    return result if result.strip() else text
