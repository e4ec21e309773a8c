"""crimecorpus: the public Python interface to the Dutch and Flemish crime news corpus builder.

The implementation lives in the packages ``corpus``, ``spiders`` and ``pipelines`` (Scrapy's
project layout), whose generic names collide with other installs and whose modules change with
the crawler. This package is the one import name users need, and a stable, typed surface:

- :func:`open_corpus` opens a stored corpus by database URL (read-only use; nothing is created)
  and :meth:`Corpus.articles` streams its articles with the export filters as :class:`Article`
  records, the JSONL export's fields, typed;
- :func:`analyse` runs extraction, dating, the language decision and the crime annotations on one
  page's HTML, exactly as a crawl worker does; :func:`annotate` and :func:`detect_language` run
  those stages on plain text;
- :func:`crawl` runs a crawl (once per process) and returns its summary, or raises
  :class:`CrawlError` for a run that did not finish.

Nothing here has logic of its own: every call goes to the function the command line uses, so the
library and ``crimecorpus`` on the command line never disagree. See docs/library.md.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from crimecorpus.analysis import (
    CrimeAnnotation,
    LanguageResult,
    PageAnalysis,
    PublishedDate,
    Rejection,
    analyse,
    annotate,
    detect_language,
)
from crimecorpus.crawling import AlreadyRunning, CrawlError, crawl
from crimecorpus.reading import Corpus, DatabaseError, open_corpus
from crimecorpus.records import Article, LiveEntry, Person, Place

try:
    __version__ = version("crimecorpus")
except PackageNotFoundError:  # a source tree on sys.path that was never installed
    __version__ = "0+unknown"


def __getattr__(name: str) -> object:
    # CrawlSummary lives with the crawl runtime, which imports Scrapy: loaded only when asked for.
    if name == "CrawlSummary":
        from corpus.crawl.runner import CrawlSummary

        return CrawlSummary
    raise AttributeError(f"module 'crimecorpus' has no attribute {name!r}")


__all__ = [
    "AlreadyRunning",
    "Article",
    "Corpus",
    "CrawlError",
    "CrawlSummary",
    "CrimeAnnotation",
    "DatabaseError",
    "LanguageResult",
    "LiveEntry",
    "PageAnalysis",
    "Person",
    "Place",
    "PublishedDate",
    "Rejection",
    "__version__",
    "analyse",
    "annotate",
    "crawl",
    "detect_language",
    "open_corpus",
]
