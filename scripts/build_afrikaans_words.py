"""Build corpus/text/data/afrikaans_words.txt.gz: words the Afrikaans dictionary holds and Dutch has not.

Why: on two or three words the character models cannot tell Afrikaans from Dutch (lingua lets about
one Afrikaans word pair in eight through as Dutch). A word that the Afrikaans spelling dictionary
accepts and the Dutch one rejects ("mense", "gevra", "binne", "riviere") is better evidence than
any character statistics, and a spelling dictionary is the most complete list of such words that
can be had offline. The list is generated data; this script makes it reproducible.

Sources (the three hunspell dictionaries of Debian 12, from Debian's package archive):

* ``hunspell-af`` 1:7.5.0-1: the Afrikaans dictionary of LibreOffice (af_ZA, LGPL-2.1+,
  Translate.org.za). The output is a derived word list and keeps that licence (see
  corpus/text/data/SOURCES.md).
* ``hunspell-nl`` 2:2.20.19-2: OpenTaal's Dutch dictionary (BSD or CC BY 3.0), to drop every word
  Dutch also has.
* ``hunspell-en-us``: the English dictionary, to drop English words, which Dutch news quotes.

Kept: lowercase alphabetic forms of three letters or more that the Afrikaans dictionary generates
(``unmunch`` of ``hunspell-tools`` expands its affixes) and that neither the Dutch nor the English
dictionary accepts, in lower case or capitalised (``spylls``, a pure-Python hunspell, decides with
the dictionaries' full rules, compounding included). Dropped as well: a word that splits into two
Dutch forms of four letters or more, with or without a linking s, e or en ("smokkelbende",
"voorraadtelling", "galgpaal"): OpenTaal does not list every compound Dutch can form, and a Dutch
compound must not count as Afrikaans. Parts of three letters would split Afrikaans words by chance
("vandag" into "van" and "dag", "oorgrote" into "oor" and "grote").

Usage::

    apt-get download hunspell-af hunspell-nl hunspell-en-us hunspell-tools
    for f in *.deb; do dpkg-deb -x "$f" x; done
    pip install spylls==0.1.7
    python scripts/build_afrikaans_words.py x/usr/share/hunspell --unmunch x/usr/bin/unmunch
"""

from __future__ import annotations

import argparse
import gzip
import re
import subprocess
from collections.abc import Callable, Iterable
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "corpus" / "text" / "data" / "afrikaans_words.txt.gz"

_WORD = re.compile(r"[^\W\d_]{3,}")
_PART = 4
# Linking elements of Dutch compounds (huis-s-leutel is rare; boek-en-kast, kind-er-opvang are
# covered by the first part's own plural forms in the expanded list).
_LINKS = ("s", "e", "en")


def expand(unmunch: str, stem: Path) -> set[str]:
    """Every form a hunspell dictionary's affix rules generate, as unmunch prints them."""
    out = subprocess.run(
        [unmunch, str(stem.with_suffix(".dic")), str(stem.with_suffix(".aff"))],
        capture_output=True,
        check=True,
    ).stdout.decode("utf-8", "replace")
    return {line.split("/")[0].strip() for line in out.splitlines() if line.strip()}


def dutch_compound(word: str, dutch_forms: set[str]) -> bool:
    """Whether ``word`` is two Dutch forms of _PART letters or more, with or without a link."""
    for cut in range(_PART, len(word) - _PART + 1):
        head, tail = word[:cut], word[cut:]
        if tail not in dutch_forms:
            continue
        if head in dutch_forms or any(
            head.endswith(link) and head[: -len(link)] in dutch_forms for link in _LINKS
        ):
            return True
    return False


def afrikaans_only(
    afrikaans: Iterable[str], dutch_forms: set[str], accepted_elsewhere: Callable[[str], bool]
) -> list[str]:
    """The sorted Afrikaans forms that no other dictionary accepts and no Dutch compound explains."""
    kept = []
    for word in sorted({word for word in afrikaans if word == word.lower() and _WORD.fullmatch(word)}):
        if accepted_elsewhere(word) or dutch_compound(word, dutch_forms):
            continue
        kept.append(word)
    return kept


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("hunspell_dir", type=Path, help="directory with af_ZA, nl and en_US .dic/.aff")
    parser.add_argument("--unmunch", default="unmunch", help="hunspell-tools' unmunch")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()

    from spylls.hunspell import Dictionary  # build time only; not a dependency of the package

    dutch = Dictionary.from_files(str(args.hunspell_dir / "nl"))
    english = Dictionary.from_files(str(args.hunspell_dir / "en_US"))

    def accepted_elsewhere(word: str) -> bool:
        return any(d.lookup(form) for d in (dutch, english) for form in (word, word.capitalize()))

    dutch_forms = {form.lower() for form in expand(args.unmunch, args.hunspell_dir / "nl")}
    words = afrikaans_only(expand(args.unmunch, args.hunspell_dir / "af_ZA"), dutch_forms, accepted_elsewhere)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    # mtime=0 keeps the gzip byte-identical between runs.
    with gzip.GzipFile(args.out, "wb", mtime=0) as fh:
        fh.write(("\n".join(words) + "\n").encode("utf-8"))
    print(f"{len(words)} words -> {args.out}")


if __name__ == "__main__":
    main()
