"""Benchmark the Dutch decision of corpus.text.language against plain langdetect and plain lingua.

Reports, for sentences and word pairs (lingua's test data) and UDHR paragraphs, the Dutch recall
and the share of each other language accepted as Dutch, plus the mean time per text. Luxembourgish
("lb") has no lingua test file: in the UDHR table it is the Luxembourgish translation, and
``--lb-sentences FILE`` adds a column to the sentence table from a file of one sentence a line
(all of it whatever the part). None is shipped: the one measured for issue 19 was the Luxembourgish
Wikipedia article on the language as kept in langid.py's test corpus (zackw/langid.py,
tests/lb.wp-lang.txt, split into sentences), third-party prose that this repository does not copy.
Methods, all run in the same process on the same texts:

- ``langdetect``: seeded langdetect, all its 55 languages, top language;
- ``lingua``: lingua restricted to the same languages as corpus.text.language, top language;
- ``corpus``: ``detect_language(text)``, text only;
- ``corpus+cc``: ``detect_language(text, country=...)`` with the country of a Dutch or
  Flemish source ("nl"), which is how the crawler calls it.

The lexical cues and weights of corpus.text.language were tuned while looking at lines 1-500 of each
lingua file (``--part dev``); lines 501-1000 (``--part test``) were not looked at. Usage:

    .venv/bin/python bench/langid.py [--part dev|test|all] [--limit N] [--sets sentences,...]
"""

from __future__ import annotations

import argparse
import html
import re
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory
from langdetect.lang_detect_exception import LangDetectException
from lingua import LanguageDetectorBuilder

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from corpus.text import language

DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "benchmarks" / "langid"
OTHERS = ("af", "de", "fy", "nds", "lb", "en", "fr", "da")
UDHR_FILES = {
    "nl": "nld",
    "af": "afr",
    "de": "deu_1996",
    "fy": "fri",
    "nds": "nds",
    "lb": "ltz",
    "en": "eng",
    "fr": "fra",
    "da": "dan",
}


def load_lingua(
    kind: str, part: str, limit: int | None, lb_sentences: Path | None = None
) -> dict[str, list[str]]:
    """One sample a line; the part selects the tuning half, the held-out half or both."""
    sets: dict[str, list[str]] = {}
    for lang in ("nl", *OTHERS):
        path = DATA / "lingua" / kind / f"{lang}.txt"
        if not path.exists():
            continue
        lines = [line.strip() for line in path.read_text(encoding="utf-8").split("\n")]
        lines = {"dev": lines[:500], "test": lines[500:], "all": lines}[part]
        sets[lang] = [line for line in lines if line][:limit]
    if kind == "sentences" and lb_sentences is not None:
        lines = lb_sentences.read_text(encoding="utf-8").splitlines()
        sets["lb"] = [line for line in lines if line and not line.startswith("#")][:limit]
    return sets


def load_udhr(limit: int | None) -> dict[str, list[str]]:
    """Paragraphs of the UDHR translations (the <html lang> of the files is not used)."""
    sets: dict[str, list[str]] = {}
    for lang, name in UDHR_FILES.items():
        source = (DATA / "udhr" / f"{name}.html").read_text(encoding="utf-8")
        paragraphs = re.findall(r"<p>(.*?)</p>", source, flags=re.S)
        texts = [html.unescape(re.sub(r"<[^>]+>", "", p)).strip() for p in paragraphs]
        sets[lang] = [text for text in texts if text][:limit]
    return sets


def make_methods() -> dict[str, Callable[[str], str]]:
    """The four deciders, each text -> language code."""
    factory = DetectorFactory()
    factory.load_profile(PROFILES_DIRECTORY)
    factory.set_seed(0)

    def plain_langdetect(text: str) -> str:
        detector = factory.create()
        detector.append(text)
        try:
            return detector.detect()
        except LangDetectException:
            return "und"

    lingua = LanguageDetectorBuilder.from_languages(*language._LINGUA_LANGUAGES).build()

    def plain_lingua(text: str) -> str:
        found = lingua.detect_language_of(text)
        return found.iso_code_639_1.name.lower() if found else "und"

    return {
        "langdetect": plain_langdetect,
        "lingua": plain_lingua,
        "corpus": lambda text: language.detect_language(text).lang,
        "corpus+cc": lambda text: language.detect_language(text, country="nl").lang,
    }


def evaluate(name: str, sets: dict[str, list[str]], methods: dict[str, Callable[[str], str]]) -> None:
    """Print one table: rows are methods, columns Dutch recall and acceptance per language."""
    others = [lang for lang in OTHERS if lang in sets]
    counts = " ".join(f"{lang}={len(sets[lang])}" for lang in ("nl", *others))
    print(f"\n## {name} ({counts})")
    header = ["method", "nl recall", *[f"{lang}→nl" for lang in others], "mean FA", "ms/text"]
    print(" | ".join(f"{cell:>10}" for cell in header))
    for method_name, method in methods.items():
        started = time.perf_counter()
        accepted: dict[str, float] = {}
        total = 0
        for lang, texts in sets.items():
            accepted[lang] = sum(method(text) == "nl" for text in texts) / len(texts)
            total += len(texts)
        elapsed_ms = (time.perf_counter() - started) * 1000 / total
        false_accept = statistics.fmean(accepted[lang] for lang in others)
        row = [
            method_name,
            f"{accepted['nl']:.3f}",
            *[f"{accepted[lang]:.3f}" for lang in others],
            f"{false_accept:.4f}",
            f"{elapsed_ms:.2f}",
        ]
        print(" | ".join(f"{cell:>10}" for cell in row))


def time_long_text(methods: dict[str, Callable[[str], str]], sets: dict[str, list[str]]) -> None:
    """Time a long page (whole Dutch UDHR, about 10,000 characters) for each method."""
    text = " ".join(sets["nl"])
    print(f"\n## one long Dutch text ({len(text)} chars), 20 runs")
    for method_name, method in methods.items():
        started = time.perf_counter()
        for _ in range(20):
            method(text)
        print(f"{method_name:>10}: {(time.perf_counter() - started) * 1000 / 20:.1f} ms/text")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=("dev", "test", "all"), default="all")
    parser.add_argument("--limit", type=int, default=None, help="samples per language")
    parser.add_argument("--sets", default="sentences,word-pairs,udhr")
    parser.add_argument(
        "--lb-sentences", type=Path, default=None, metavar="FILE", help="Luxembourgish sentences, one a line"
    )
    args = parser.parse_args(argv)

    started = time.perf_counter()
    language.detect_language("Een zin om de detectoren te laden.")
    print(f"detector construction: {time.perf_counter() - started:.2f} s (once per process)")
    methods = make_methods()
    udhr = load_udhr(args.limit)
    for kind in args.sets.split(","):
        if kind == "udhr":
            evaluate("UDHR paragraphs", udhr, methods)
        else:
            evaluate(
                f"{kind}, part {args.part}",
                load_lingua(kind, args.part, args.limit, args.lb_sentences),
                methods,
            )
    time_long_text(methods, udhr)


if __name__ == "__main__":
    main()
