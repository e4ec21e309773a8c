"""Does an extracted text have the structure of prose? Junk under the size cap must not be stored.

A page can pass every other stage and still be no article: a 4 MB single line of generated words,
a base64 blob inside a ``<p>``, a keyword-stuffed block with no sentence in it. Each would be
stored as one "article" of millions of characters and skew every count a researcher makes. Real
news text, in any language written with spaces, has three properties that such junk lacks, and
the rules test exactly those, with limits far outside what real pages show:

- **Lines of paragraph length.** The longest line (paragraph) of 1,171 real pages extracted from
  the trafilatura evaluation set and the scrapinghub set was 21,727 characters; the limit is
  :data:`MAX_LINE_CHARS`.
- **Spaces between words.** Real text averages 5 to 9 characters per word (the space included);
  the limit is :data:`MAX_CHARS_PER_WORD`, judged only on texts of :data:`MIN_CHARS_TO_JUDGE`
  characters or more. Scripts written without spaces (Chinese, Japanese, Thai ...) are left out
  of this count, so a text in them is not judged here (the language stage decides it).
- **Sentence ends.** Real text ends a sentence (``. ! ? : ;``, or a line break, so lists of short
  lines count) every 8 to 30 words; the sparsest real page over 500 words had one per 31 words.
  The limit is :data:`MAX_WORDS_PER_END`, judged on texts of :data:`MIN_WORDS_TO_JUDGE` words or more.

Short texts are never judged by the last two rules: too little text to say, and the page-kind
stage already refuses stubs. Each rule is one linear pass: 0.25 ms for an average real page
(about 0.05 s per megabyte of text), and a single endless line is refused before the other rules
run. ``python bench/prose.py`` measures the rule on those real pages: it rejects one of
1,170, a Chinese page decoded with the wrong charset (1,852 replacement characters), which is
junk indeed, and none of the demo site's pages.
"""

from __future__ import annotations

import re

MAX_LINE_CHARS = 50_000
"""A single line (paragraph) longer than this is not prose: 2.3 times the longest real one seen."""

MAX_CHARS_PER_WORD = 20.0
"""Characters per word (spaces included) above which a text has "almost no spaces" (real: at most 9.3)."""

MIN_CHARS_TO_JUDGE = 1_000
"""Texts shorter than this (in characters of space-separated scripts) are not judged for spaces."""

MAX_WORDS_PER_END = 100.0
"""Words per sentence end above which a text has "almost no sentence ends" (real: at most 31)."""

MIN_WORDS_TO_JUDGE = 500
"""Texts with fewer words than this are not judged for sentence ends."""

# A sentence end: terminal punctuation (Latin and CJK forms) before white space or the end, or a
# line break (a list of short lines ends each item with one).
_SENTENCE_END = re.compile(r"[.!?…:;。！？]+(?=\s|$)|\n")
# Characters of scripts written without spaces between words: CJK, kana, hangul, Thai, Lao,
# Khmer, Myanmar. They are left out of the spaces rule.
_UNSPACED_SCRIPT = re.compile(
    r"[\u0E00-\u0EFF\u1000-\u109F\u1780-\u17FF\u2E80-\u9FFF\uAC00-\uD7AF\uF900-\uFAFF\uFF00-\uFFEF]"
)


def not_prose_reason(text: str) -> str | None:
    """Why ``text`` cannot be prose (a one-line detail for the rejection), or None when it can be.

    Pure and cheap; see the module docstring for the rules and where their limits come from.
    """
    longest = max((len(line) for line in text.splitlines()), default=0)
    if longest > MAX_LINE_CHARS:
        return f"a single line of {longest} characters (limit {MAX_LINE_CHARS})"
    words = len(text.split())
    if len(text) >= MIN_CHARS_TO_JUDGE and len(text) > MAX_CHARS_PER_WORD * max(words, 1):
        spaced = len(text) - len(_UNSPACED_SCRIPT.findall(text))
        per_word = spaced / max(words, 1)
        if spaced >= MIN_CHARS_TO_JUDGE and per_word > MAX_CHARS_PER_WORD:
            return (
                f"almost no spaces: {words} words in {spaced} characters "
                f"({per_word:.0f} per word, limit {MAX_CHARS_PER_WORD:.0f})"
            )
    if words >= MIN_WORDS_TO_JUDGE:
        ends = len(_SENTENCE_END.findall(text))
        if words > MAX_WORDS_PER_END * max(ends, 1):
            return (
                f"almost no sentence ends: {ends} in {words} words "
                f"(at most {MAX_WORDS_PER_END:.0f} words per sentence end)"
            )
    return None
