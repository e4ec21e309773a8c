"""Text normalisation and hashing, so exact duplicates are found whatever the white space."""

from __future__ import annotations

import hashlib
import re
import unicodedata

_SPACE = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000]+")
_BLANKS = re.compile(r"\n{3,}")
_WORD = re.compile(r"\w+", re.UNICODE)


def clean_text(text: str) -> str:
    """Tidy extracted text for storage: NFC, single spaces, no trailing blanks, at most one empty line."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    lines = [_SPACE.sub(" ", line).strip() for line in text.split("\n")]
    return _BLANKS.sub("\n\n", "\n".join(lines)).strip()


def normalise_for_hash(text: str) -> str:
    """Case, accents' composition, punctuation and spacing folded: what 'the same text' means."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(_WORD.findall(text))


def text_hash(text: str) -> str:
    """sha256 of the normalised text: the key of exact-duplicate detection."""
    return hashlib.sha256(normalise_for_hash(text).encode("utf-8")).hexdigest()


def word_count(text: str) -> int:
    return len(_WORD.findall(text))
