"""Real publisher pages nobody here wrote (../shared/benchmarks/real-pages): a De Telegraaf premium
article stored with the full text its JSON-LD carries, and 13 real non-Dutch news pages that the
language stage must reject, all through the whole analysis as a crawl runs it.

The pages live beside the project (see that directory's README and LICENSES.md) and are not
copied here; the tests are skipped where that directory is absent, as the WARC and feed
benchmark tests are.
"""

from __future__ import annotations

import json
import re

import pytest

from corpus.analyse import analyse_page
from tests.conftest import ROOT

REAL = ROOT.parent / "shared" / "benchmarks" / "real-pages"
pytestmark = pytest.mark.skipif(not REAL.is_dir(), reason="shared benchmark real-pages not present")


def _gold() -> list[dict]:
    if not REAL.is_dir():
        return []
    return [json.loads(line) for line in (REAL / "gold.jsonl").read_text(encoding="utf-8").splitlines()]


def _page(entry: dict) -> str:
    return (REAL / "pages" / f"{entry['id']}.html").read_text(encoding="utf-8")


def _ws(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def test_the_telegraaf_premium_article_is_stored_with_its_full_text() -> None:
    (entry,) = [g for g in _gold() if g["id"] == "nl-telegraaf-werkvraag"]
    analysis = analyse_page(_page(entry), entry["url"], country="nl")
    assert analysis.stage is None, (analysis.stage, analysis.reason, analysis.detail)
    extracted = analysis.extracted
    assert extracted is not None and analysis.page_kind is not None
    assert analysis.page_kind.kind == "article"
    # The visible page is a teaser; the full text comes from the JSON-LD articleBody.
    assert extracted.paywalled and extracted.text_complete == "full"
    for fragment in entry["with"]:
        assert _ws(fragment) in _ws(extracted.text), fragment
    for fragment in entry["without"]:
        assert _ws(fragment) not in _ws(extracted.text), fragment
    assert extracted.text.split("\n") == entry["text"].split("\n")  # the gold's paragraphs, one a line
    assert "Veilig betalen" not in extracted.text and "bedenktijd" not in extracted.text
    assert str(extracted.published) == entry["published"]
    assert extracted.title == entry["title"]
    assert analysis.language is not None and analysis.language.is_dutch


@pytest.mark.parametrize("entry", [g for g in _gold() if g["lang"] != "nl"], ids=lambda g: g["id"])
def test_every_real_non_dutch_page_is_rejected_by_language(entry: dict) -> None:
    analysis = analyse_page(_page(entry), entry["url"], country="be" if entry["country"] == "BE" else "nl")
    assert (analysis.stage, analysis.reason) == ("language", "not_dutch"), (analysis.stage, analysis.detail)
    assert analysis.language is not None
    # The gold names Norwegian by its macrolanguage (no); the detector by its written standard.
    assert {"nb": "no", "nn": "no"}.get(analysis.language.lang, analysis.language.lang) == entry["lang"]


def test_the_benchmark_has_the_thirteen_non_dutch_pages() -> None:
    assert sum(g["lang"] != "nl" for g in _gold()) == 13
