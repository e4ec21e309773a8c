"""Tests for corpus.dedup.neardup: syndicated copies cluster, separate stories on one topic do not."""

from __future__ import annotations

import hashlib
import os
import random
import subprocess
import sys
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import numpy as np
import pytest

from corpus.dedup import neardup
from corpus.dedup.neardup import (
    NUM_PERM,
    Member,
    NearDupIndex,
    choose_representative,
    cluster,
    normalise_for_shingles,
    same_story,
    signature,
    signatures,
    similarity,
    title_key,
    title_similarity,
)

# Written for these tests: a wire story as the agency sends it ...
WIRE_TITLE = "Twee mannen aangehouden na overval op juwelier in Zwolle"
WIRE_TEXT = (
    "ZWOLLE (ANP) - De politie heeft dinsdagavond twee mannen van 23 en 27 jaar aangehouden "
    "na een gewapende overval op een juwelierszaak in het centrum van Zwolle. Dat maakte een "
    "woordvoerder van de politie woensdagochtend bekend. De overvallers kwamen rond half zes de "
    "winkel aan de Diezerstraat binnen en bedreigden de eigenaar en een medewerkster met een "
    "vuurwapen. Ze gingen er met een onbekende hoeveelheid sieraden en horloges vandoor. "
    "Omstanders zagen de mannen wegrennen in de richting van het station en belden direct de "
    "meldkamer. Agenten hielden het tweetal even later aan in een woning in de wijk Holtenbroek. "
    "Daar werd ook een deel van de buit teruggevonden. Niemand raakte bij de overval lichamelijk "
    "gewond, maar de eigenaar en zijn medewerkster zijn volgens de politie flink geschrokken. "
    "De recherche onderzoekt of de verdachten ook betrokken zijn bij eerdere overvallen in de "
    "regio. Getuigen die iets hebben gezien, worden gevraagd contact op te nemen met de politie."
)
# ... and as a second outlet runs it: a new headline and one sentence rewritten.
COPY_TITLE = "Juwelier in Zwolle met vuurwapen bedreigd, politie pakt twee verdachten op"
COPY_TEXT = WIRE_TEXT.replace(
    "Omstanders zagen de mannen wegrennen in de richting van het station en belden direct de meldkamer.",
    "Voorbijgangers die het tumult hoorden, zagen hoe de twee mannen er met een tas vol spullen "
    "vandoor gingen.",
)

# Two different stabbings in different towns, written in the same police-report style.
STAB_BREDA = (
    "BREDA - Een 34-jarige man is zaterdagnacht zwaargewond geraakt bij een steekpartij in het "
    "centrum van Breda. Dat meldt de politie. Het slachtoffer werd rond drie uur gevonden op de "
    "Grote Markt, vlak bij een café. Hij is met spoed naar het ziekenhuis gebracht, waar hij "
    "werd geopereerd. Over zijn toestand is niets bekend. Een 19-jarige jongen uit Oosterhout is "
    "kort na het incident aangehouden op het Kasteelplein. Volgens getuigen ontstond er eerst "
    "een ruzie tussen twee groepen uitgaanders. De politie heeft de omgeving afgezet voor "
    "sporenonderzoek en zoekt naar camerabeelden. Wie iets heeft gezien, kan zich melden."
)
STAB_TILBURG = (
    "TILBURG - In een woning aan de Ringbaan-Oost in Tilburg is maandagmiddag een vrouw van 52 "
    "jaar neergestoken. De politie kreeg de melding kort na twee uur binnen. Buren hoorden "
    "geschreeuw en zagen een man met bebloede handen het portiek uit lopen. De vrouw raakte "
    "ernstig gewond aan haar arm en haar rug en is per ambulance naar het Elisabeth-TweeSteden "
    "Ziekenhuis vervoerd. Haar ex-partner, een 55-jarige Tilburger, werd een uur later in een "
    "park in de buurt aangehouden. Het mes is nog niet gevonden. De recherche onderzoekt wat "
    "de aanleiding voor de aanval was en hoort buurtbewoners."
)

PINNED_WIRE_SIGNATURE_SHA256 = "1ab06a1090c3b35d9f07d016fdb50d3cdd40cdaee25797790e2489003c5fa943"


def exact_jaccard(a: str, b: str) -> float:
    """Exact Jaccard of the word 5-gram sets, the quantity the signature estimates."""

    def grams(text: str) -> set[tuple[str, ...]]:
        words = normalise_for_shingles(text)
        return {tuple(words[i : i + 5]) for i in range(len(words) - 4)}

    ga, gb = grams(a), grams(b)
    return len(ga & gb) / len(ga | gb)


def test_signature_is_512_little_endian_bytes() -> None:
    sig = signature(WIRE_TEXT)
    assert len(sig) == 4 * NUM_PERM == 512
    values = np.frombuffer(sig, dtype="<u4")
    assert values.min() < 2**32 - 1


def test_signature_is_deterministic_across_processes() -> None:
    # Python's own str hash is salted per process; the signature must not depend on it.
    root = Path(__file__).resolve().parents[2]
    code = "import sys; from corpus.dedup.neardup import signature; print(signature(sys.argv[1]).hex())"
    outputs = set()
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(root)}
        result = subprocess.run(
            [sys.executable, "-c", code, WIRE_TEXT],
            capture_output=True,
            text=True,
            check=True,
            env=env,
        )
        outputs.add(result.stdout.strip())
    assert outputs == {signature(WIRE_TEXT).hex()}


def test_signature_of_a_fixed_text_never_changes() -> None:
    # Signatures are stored for years: a change in normalisation, hashing or rensa's algorithm
    # must bump SIGNATURE_VERSION, and this pin makes such a change visible.
    digest = hashlib.sha256(signature(WIRE_TEXT)).hexdigest()
    assert digest == PINNED_WIRE_SIGNATURE_SHA256
    assert neardup.SIGNATURE_VERSION == 1


def test_batch_signatures_equal_single_ones() -> None:
    texts = [WIRE_TEXT, "", COPY_TEXT, "Kort bericht.", STAB_BREDA * 30]
    assert signatures(texts) == [signature(t) for t in texts]


def test_normalisation_folds_case_accents_digits_and_punctuation() -> None:
    assert normalise_for_shingles("Één 34-jarige man; om 14.30 uur “gewond”") == [
        "een",
        "0",
        "jarige",
        "man",
        "om",
        "0",
        "0",
        "uur",
        "gewond",
    ]
    # Letters without an ASCII decomposition keep their word; curly quotes separate words.
    assert normalise_for_shingles("Søren “zei” İstanbul") == ["sxforen", "zei", "istanbul"]


def test_syndicated_copy_with_new_headline_is_near_duplicate() -> None:
    assert exact_jaccard(WIRE_TEXT, COPY_TEXT) > neardup.THRESHOLD
    assert similarity(signature(WIRE_TEXT), signature(COPY_TEXT)) >= neardup.THRESHOLD
    index = NearDupIndex()
    assert index.add("anp/1", signature(WIRE_TEXT), WIRE_TITLE) == []
    assert index.add("outlet/7", signature(COPY_TEXT), COPY_TITLE) == ["anp/1"]
    assert cluster(index) == {"anp/1": "anp/1", "outlet/7": "anp/1"}


def test_two_stabbings_in_different_towns_stay_apart() -> None:
    sig_breda, sig_tilburg = signature(STAB_BREDA), signature(STAB_TILBURG)
    assert similarity(sig_breda, sig_tilburg) < 0.2
    index = NearDupIndex()
    index.add("breda", sig_breda, "Man zwaargewond bij steekpartij in Breda")
    assert index.add("tilburg", sig_tilburg, "Vrouw zwaargewond bij steekpartij in Tilburg") == []
    assert cluster(index) == {"breda": "breda", "tilburg": "tilburg"}


def test_similarity_estimates_exact_jaccard() -> None:
    rng = random.Random(7)
    words = WIRE_TEXT.split()
    for _ in range(5):
        edited = list(words)
        for i in rng.sample(range(len(edited)), 6):
            edited[i] = "gewijzigd"
        text = " ".join(edited)
        estimate = similarity(signature(WIRE_TEXT), signature(text))
        assert abs(estimate - exact_jaccard(WIRE_TEXT, text)) < 0.15


def test_empty_texts_never_match() -> None:
    empty = signature("  --  ")
    assert similarity(empty, empty) == 0.0
    index = NearDupIndex()
    index.add("a", empty, "Politiebericht")
    assert index.add("b", empty, "Politiebericht") == []
    assert list(index.pairs()) == []


def test_wrong_signature_length_is_rejected() -> None:
    index = NearDupIndex()
    with pytest.raises(ValueError):
        index.add("a", signature(WIRE_TEXT, num_perm=64))
    with pytest.raises(ValueError):
        NearDupIndex.build([("a", b"\x00" * 100)])


def test_adding_a_key_twice_is_rejected() -> None:
    index = NearDupIndex()
    index.add("a", signature(WIRE_TEXT))
    with pytest.raises(ValueError):
        index.add("a", signature(COPY_TEXT))


def _family_corpus() -> list[tuple[str, str]]:
    """Several stories, each with a few edited copies, keyed so that key order is not story order."""
    rng = random.Random(3)
    stories = [WIRE_TEXT, STAB_BREDA, STAB_TILBURG]
    docs = []
    for s, story in enumerate(stories):
        words = story.split()
        docs.append((f"{rng.randrange(10**6):06d}-s{s}", story))
        for c in range(3):
            edited = list(words)
            for i in rng.sample(range(len(edited)), 2):
                edited[i] = rng.choice(["ook", "toen", "daarna", "ongeveer"])
            docs.append((f"{rng.randrange(10**6):06d}-s{s}c{c}", " ".join(edited)))
    return docs


def test_clusters_do_not_depend_on_insertion_order_or_build_path() -> None:
    docs = _family_corpus()
    sigs = dict(zip((k for k, _ in docs), signatures(t for _, t in docs), strict=True))
    results = []
    for seed in range(4):
        order = list(sigs)
        random.Random(seed).shuffle(order)
        index = NearDupIndex()
        for key in order:
            index.add(key, sigs[key])
        results.append(cluster(index))
    # Half loaded at start-up from storage, half added during the crawl.
    keys = sorted(sigs)
    index = NearDupIndex.build((k, sigs[k]) for k in keys[: len(keys) // 2])
    for key in keys[len(keys) // 2 :]:
        index.add(key, sigs[key])
    results.append(cluster(index))
    assert all(r == results[0] for r in results)
    by_cluster: dict[str, set[str]] = {}
    for key, cid in results[0].items():
        by_cluster.setdefault(cid, set()).add(key.split("-")[1][:2])
        assert cid == min(k for k, c in results[0].items() if c == cid)
    assert sorted(map(sorted, by_cluster.values())) == [["s0"], ["s1"], ["s2"]]


def test_add_returns_what_pairs_later_reports() -> None:
    docs = _family_corpus()
    index = NearDupIndex()
    returned = set()
    for key, sig in zip((k for k, _ in docs), signatures(t for _, t in docs), strict=True):
        returned |= {tuple(sorted((key, other))) for other in index.add(key, sig)}
    assert returned == {tuple(sorted(pair)) for pair in index.pairs()}
    # Only pairs inside a story's family, and every copy is linked to its original.
    assert all(a.split("-")[1][:2] == b.split("-")[1][:2] for a, b in returned)
    originals = {key.split("-")[1]: key for key, _ in docs if "c" not in key.split("-")[1]}
    for key, _ in docs:
        story = key.split("-")[1]
        if "c" in story:
            assert tuple(sorted((key, originals[story[:2]]))) in returned


def test_identical_headline_links_a_rewritten_update() -> None:
    # An update that reworded its last four sentences under the same headline.
    sentences = WIRE_TEXT.split(". ")
    rewritten = [s.replace(" de ", " die ").replace(" een ", " zo'n ") for s in sentences[-4:]]
    update = ". ".join(sentences[:-4] + rewritten)
    text_sim = similarity(signature(WIRE_TEXT), signature(update))
    assert neardup.TITLE_TEXT_FLOOR <= text_sim < neardup.THRESHOLD
    without_titles = NearDupIndex()
    without_titles.add("v1", signature(WIRE_TEXT))
    assert without_titles.add("v2", signature(update)) == []
    with_titles = NearDupIndex()
    with_titles.add("v1", signature(WIRE_TEXT), WIRE_TITLE)
    assert with_titles.add("v2", signature(update), WIRE_TITLE.upper() + "!") == ["v1"]
    rebuilt = NearDupIndex.build(
        [("v1", signature(WIRE_TEXT), WIRE_TITLE), ("v2", signature(update), WIRE_TITLE)]
    )
    assert list(rebuilt.pairs()) == [("v1", "v2")]


def test_same_headline_does_not_join_different_stories() -> None:
    index = NearDupIndex()
    index.add("breda", signature(STAB_BREDA), "Steekpartij")
    assert index.add("tilburg", signature(STAB_TILBURG), "Steekpartij") == []


def test_title_helpers() -> None:
    assert title_key("Man (34) neergestoken in Breda!") == "man 0 neergestoken in breda"
    assert title_similarity("Breda: man neergestoken", "Man neergestoken in Breda") == 0.75
    assert title_similarity("", "Man neergestoken") == 0.0
    assert same_story(0.72, 0.0)
    assert same_story(0.6, 0.9)
    assert not same_story(0.3, 1.0)
    assert not same_story(0.6, 0.5)


def test_cluster_from_pairs_uses_smallest_key_and_keeps_singletons() -> None:
    result = cluster([("c", "b"), ("d", "c"), ("x", "y")], keys=["a", "z"])
    assert result == {"a": "a", "b": "b", "c": "b", "d": "b", "x": "x", "y": "x", "z": "z"}


def test_representative_is_earliest_then_longest_then_smallest_key() -> None:
    t0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    members = [
        Member("b", t0 + timedelta(hours=1), 5000),
        Member("c", t0, 1200),
        Member("a", t0, 900),
        Member("d", None, 9000),
    ]
    assert choose_representative(members) == "c"
    assert choose_representative([Member("b", t0, 10), Member("a", t0, 10)]) == "a"
    assert choose_representative([Member("d", None, 9000), Member("e", None, 100)]) == "d"


def test_representative_compares_naive_and_aware_times() -> None:
    cet = timezone(timedelta(hours=1))
    members = [
        Member("aware", datetime(2026, 3, 1, 10, 30, tzinfo=cet), 100),  # 09:30 UTC
        Member("naive", datetime(2026, 3, 1, 10, 0), 100),  # taken as 10:00 UTC
    ]
    assert choose_representative(members) == "aware"
    with pytest.raises(ValueError):
        choose_representative([])
