"""Benchmark corpus.dedup.neardup at 10k and 100k synthetic Dutch-like documents rich in near-duplicates.

Prints, per corpus size, the time and peak RSS of signature computation, index building (the
start-up path, from stored signature bytes), incremental adds (the crawl path) and clustering,
and the growth from 10k to 100k. Each size runs in its own subprocess, so that its peak RSS is
its own. A side-by-side run on a 5k sample compares our vectorised signatures and index with the
plain libraries (datasketch's per-document MinHash and MinHashLSH, and rensa when installed) and
scores every method's verified pairs against exact 5-gram Jaccard at the threshold.

Usage: python bench/neardup.py [--sizes 10000 100000] [--sample 5000] [--seed 1]
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from corpus.dedup import neardup  # noqa: E402

# A small Dutch vocabulary written for this bench; synthetic words widen it so that different
# stories share phrases about as often as real crime reports do, not on every line.
FUNCTION_WORDS = [
    "de",
    "het",
    "een",
    "en",
    "van",
    "in",
    "op",
    "met",
    "voor",
    "aan",
    "bij",
    "na",
    "door",
    "om",
    "over",
    "uit",
    "naar",
    "tot",
    "dat",
    "die",
    "dit",
    "er",
    "is",
    "was",
    "werd",
    "zijn",
    "heeft",
    "had",
    "niet",
    "ook",
    "nog",
    "al",
    "maar",
    "toen",
    "daarna",
    "volgens",
    "later",
    "rond",
    "kort",
]
CONTENT_WORDS = [
    "politie",
    "man",
    "vrouw",
    "jongen",
    "meisje",
    "verdachte",
    "slachtoffer",
    "woning",
    "straat",
    "auto",
    "fiets",
    "winkel",
    "supermarkt",
    "station",
    "centrum",
    "wijk",
    "park",
    "café",
    "agenten",
    "recherche",
    "getuigen",
    "buurtbewoners",
    "ziekenhuis",
    "ambulance",
    "brandweer",
    "steekpartij",
    "schietpartij",
    "overval",
    "inbraak",
    "diefstal",
    "mishandeling",
    "ruzie",
    "mes",
    "vuurwapen",
    "buit",
    "camerabeelden",
    "onderzoek",
    "aanhouding",
    "melding",
    "meldkamer",
    "officier",
    "justitie",
    "rechter",
    "zaak",
    "cel",
    "celstraf",
    "taakstraf",
    "boete",
    "dinsdagavond",
    "maandagochtend",
    "zaterdagnacht",
    "zondagmiddag",
    "vrijdagavond",
    "woensdag",
    "donderdag",
    "gewond",
    "zwaargewond",
    "overleden",
    "aangehouden",
    "opgepakt",
    "gevlucht",
    "gezocht",
    "verhoord",
    "vrijgelaten",
    "neergestoken",
    "beroofd",
    "bedreigd",
    "geschrokken",
    "afgezet",
    "gevonden",
    "ingezet",
    "gemeld",
    "onderzocht",
    "vermoedelijk",
    "mogelijk",
    "onbekend",
    "ernstig",
    "direct",
    "snel",
    "laat",
    "vroeg",
]
PLACES = [
    "Amsterdam",
    "Rotterdam",
    "Utrecht",
    "Eindhoven",
    "Tilburg",
    "Breda",
    "Zwolle",
    "Arnhem",
    "Nijmegen",
    "Groningen",
    "Leeuwarden",
    "Maastricht",
    "Venlo",
    "Haarlem",
    "Leiden",
    "Delft",
    "Gouda",
    "Almere",
    "Antwerpen",
    "Gent",
    "Brugge",
    "Leuven",
    "Hasselt",
    "Mechelen",
    "Aalst",
    "Kortrijk",
    "Oostende",
    "Genk",
]
BOILERPLATE = (
    "Dat meldt de politie.",
    "Getuigen worden gevraagd zich te melden.",
    "Het onderzoek is in volle gang.",
    "Over de toestand van het slachtoffer is niets bekend.",
)
SYLLABLES = [
    "ka",
    "ver",
    "bo",
    "lin",
    "de",
    "ra",
    "mo",
    "ten",
    "sel",
    "wa",
    "gro",
    "pe",
    "nik",
    "ho",
    "strui",
    "ba",
    "mel",
    "to",
]


def _vocabulary(rng: random.Random, size: int = 4000) -> tuple[list[str], list[float]]:
    """Real words plus synthetic ones, with Zipf-like cumulative weights."""
    words = FUNCTION_WORDS + CONTENT_WORDS + [w.lower() for w in PLACES]
    seen = set(words)
    while len(words) < size:
        word = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))
        if word not in seen:
            seen.add(word)
            words.append(word)
    weights = np.cumsum(1.0 / np.arange(1, len(words) + 1) ** 0.9)
    return words, weights.tolist()


@dataclass(slots=True)
class Doc:
    key: str
    title: str
    text: str
    family: int


class Generator:
    """Deterministic synthetic corpus: base stories plus mutated copies of them."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.words, self.weights = _vocabulary(self.rng)

    def sentence(self) -> str:
        length = self.rng.randint(8, 22)
        words = self.rng.choices(self.words, cum_weights=self.weights, k=length)
        return " ".join(words).capitalize() + "."

    def story(self) -> tuple[str, list[str]]:
        rng = self.rng
        place = rng.choice(PLACES)
        sentences = [self.sentence() for _ in range(rng.randint(6, 18))]
        sentences[0] = f"{place.upper()} - {sentences[0]}"
        if rng.random() < 0.5:
            sentences.insert(rng.randrange(1, len(sentences)), rng.choice(BOILERPLATE))
        title = " ".join(self.rng.choices(self.words, cum_weights=self.weights, k=6)).capitalize()
        return f"{title} in {place}", sentences

    def mutate(self, title: str, sentences: list[str]) -> tuple[str, list[str]]:
        """A syndicated or updated copy: word substitutions, sentence edits, a new headline."""
        rng = self.rng
        out = list(sentences)
        if len(out) > 3 and rng.random() < 0.3:
            del out[rng.randrange(1, len(out))]
        if rng.random() < 0.3:
            out.insert(rng.randrange(1, len(out) + 1), self.sentence())
        for _ in range(rng.choice((0, 1, 2, 3, 5, 8, 12))):
            i = rng.randrange(len(out))
            words = out[i].split()
            words[rng.randrange(len(words))] = rng.choice(self.words)
            out[i] = " ".join(words)
        if rng.random() < 0.7:
            title = " ".join(rng.choices(self.words, cum_weights=self.weights, k=7)).capitalize()
        return title, out

    def corpus(self, n: int) -> list[Doc]:
        """About 45% of the documents are copies, in families of 2 to 9."""
        rng = self.rng
        docs: list[Doc] = []
        family = 0
        while len(docs) < n:
            title, sentences = self.story()
            copies = rng.choices((0, 1, 2, 4, 8), weights=(55, 22, 12, 7, 4))[0]
            docs.append(Doc(f"{rng.getrandbits(48):012x}", title, " ".join(sentences), family))
            for _ in range(min(copies, n - len(docs))):
                ctitle, csentences = self.mutate(title, sentences)
                docs.append(Doc(f"{rng.getrandbits(48):012x}", ctitle, " ".join(csentences), family))
            family += 1
        rng.shuffle(docs)
        return docs


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(fn: Callable[[], Any]) -> tuple[Any, float, float]:
    """Run fn; return its result, seconds taken and the process's peak RSS afterwards."""
    start = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - start, peak_rss_mb()


def run_scale(n: int, seed: int) -> dict[str, Any]:
    """One corpus size: signatures, start-up build, crawl-path adds and clustering."""
    figures: dict[str, Any] = {"n": n, "rss_start_mb": peak_rss_mb()}
    docs, figures["generate_s"], figures["rss_generate_mb"] = timed(lambda: Generator(seed).corpus(n))
    sigs, figures["signatures_s"], figures["rss_signatures_mb"] = timed(
        lambda: neardup.signatures(d.text for d in docs)
    )
    rows = [(d.key, s) for d, s in zip(docs, sigs, strict=True)]
    index, figures["build_s"], figures["rss_build_mb"] = timed(lambda: neardup.NearDupIndex.build(rows))
    pairs, figures["pairs_s"], _ = timed(index.pair_ids)
    clusters, figures["cluster_s"], figures["rss_cluster_mb"] = timed(lambda: neardup.cluster(index))

    def crawl() -> int:
        live = neardup.NearDupIndex()
        links = 0
        for key, sig in rows:
            links += len(live.add(key, sig))
        return links

    links, figures["add_s"], figures["rss_add_mb"] = timed(crawl)
    figures["pairs"] = len(pairs)
    figures["add_links"] = links
    figures["clusters"] = len(set(clusters.values()))
    figures["families"] = len({d.family for d in docs})
    return figures


def exact_pairs(texts: list[str], threshold: float) -> set[tuple[int, int]]:
    """All pairs with exact word 5-gram Jaccard >= threshold, via a sparse incidence product."""
    from scipy import sparse

    ids: dict[tuple[str, ...], int] = {}
    indptr, indices = [0], []
    for text in texts:
        words = neardup.normalise_for_shingles(text)
        width = min(neardup.SHINGLE_SIZE, len(words))
        grams = {tuple(words[i : i + width]) for i in range(len(words) - width + 1)}
        indices.extend(ids.setdefault(g, len(ids)) for g in grams)
        indptr.append(len(indices))
    data = np.ones(len(indices), dtype=np.int32)
    incidence = sparse.csr_matrix((data, indices, indptr), shape=(len(texts), len(ids)))
    sizes = np.diff(incidence.indptr)
    inter = sparse.triu(incidence @ incidence.T, k=1).tocoo()
    union = sizes[inter.row] + sizes[inter.col] - inter.data
    keep = inter.data >= threshold * union
    return set(zip(inter.row[keep].tolist(), inter.col[keep].tolist(), strict=True))


def score(predicted: set[tuple[int, int]], truth: set[tuple[int, int]]) -> tuple[float, float]:
    hits = len(predicted & truth)
    return hits / max(len(predicted), 1), hits / max(len(truth), 1)


def shingle_strings(text: str) -> list[str]:
    """Word 5-grams as strings, the input the plain libraries take."""
    words = neardup.normalise_for_shingles(text)
    width = min(neardup.SHINGLE_SIZE, len(words))
    return [" ".join(words[i : i + width]) for i in range(len(words) - width + 1)]


def run_compare(n: int, seed: int) -> dict[str, Any]:
    """Side by side on one sample: ours, datasketch (two ways) and rensa, scored on exact pairs."""
    from datasketch import MinHash, MinHashLSH

    threshold = neardup.THRESHOLD
    texts = [d.text for d in Generator(seed).corpus(n)]
    truth, exact_s, _ = timed(lambda: exact_pairs(texts, threshold))
    result: dict[str, Any] = {"n": n, "true_pairs": len(truth), "exact_s": exact_s}
    methods: dict[str, dict[str, Any]] = {}

    def with_our_index(sigs: list[bytes]) -> tuple[set[tuple[int, int]], float]:
        index, idx_s, _ = timed(lambda: neardup.NearDupIndex.build((str(i), s) for i, s in enumerate(sigs)))
        return {tuple(p) for p in index.pair_ids().tolist()}, idx_s

    # Ours: our normalisation and shingle hashes, rensa's R-MinHash, numpy band index.
    sigs, sig_s, _ = timed(lambda: neardup.signatures(texts))
    pairs, idx_s = with_our_index(sigs)
    methods["neardup (rensa step)"] = {"sig_s": sig_s, "index_s": idx_s, "pairs": pairs}

    # The alternative MinHash step: the same shingle hashes through a vectorised numpy
    # affine32 MinHash, and through datasketch's per-document loop, which must agree bit for bit.
    proto = MinHash(num_perm=neardup.NUM_PERM, seed=1, scheme="affine32")
    a, b = (np.asarray(p, dtype=np.uint32) for p in proto.permutations)

    def hashes32(text: str) -> np.ndarray:
        return (neardup.shingle_hashes(text) >> np.uint64(32)).astype(np.uint32)

    def numpy_affine32() -> list[bytes]:
        out = []
        for text in texts:
            h = hashes32(text)
            if not len(h):
                out.append(b"\xff" * 4 * neardup.NUM_PERM)
                continue
            h = h ^ (h >> np.uint32(16))  # MurmurHash3 fmix32, as datasketch pre-mixes
            h = h * np.uint32(0x85EBCA6B)
            h = h ^ (h >> np.uint32(13))
            h = h * np.uint32(0xC2B2AE35)
            h = h ^ (h >> np.uint32(16))
            out.append((h[:, None] * a + b).min(axis=0).astype("<u4").tobytes())
        return out

    np_sigs, np_sig_s, _ = timed(numpy_affine32)
    pairs, idx_s = with_our_index(np_sigs)
    methods["numpy affine32"] = {"sig_s": np_sig_s, "index_s": idx_s, "pairs": pairs}

    def datasketch_same() -> list[bytes]:
        out = []
        for text in texts:
            m = MinHash(num_perm=neardup.NUM_PERM, scheme="affine32", permutations=(a, b), hashfunc=int)
            m.update_batch(hashes32(text).tolist())
            out.append(m.hashvalues.astype("<u4").tobytes())
        return out

    same, same_s, _ = timed(datasketch_same)
    result["datasketch_same_hashes_identical"] = same == np_sigs
    methods["datasketch affine32 loop"] = {"sig_s": same_s}

    # Plain datasketch as its README shows it: SHA-1 per shingle, MinHashLSH, jaccard().
    def plain_sigs() -> list[MinHash]:
        out = []
        for text in texts:
            m = MinHash(num_perm=neardup.NUM_PERM)
            m.update_batch([s.encode("utf-8") for s in shingle_strings(text)])
            out.append(m)
        return out

    minhashes, ds_sig_s, _ = timed(plain_sigs)

    def plain_index() -> set[tuple[int, int]]:
        lsh = MinHashLSH(threshold=threshold, num_perm=neardup.NUM_PERM)
        with lsh.insertion_session() as session:
            for i, m in enumerate(minhashes):
                session.insert(i, m, check_duplication=False)
        found = set()
        for i, m in enumerate(minhashes):
            for j in lsh.query(m):
                if j > i and m.jaccard(minhashes[j]) >= threshold:
                    found.add((i, j))
        return found

    ds_pairs, ds_idx_s, _ = timed(plain_index)
    methods["datasketch plain"] = {"sig_s": ds_sig_s, "index_s": ds_idx_s, "pairs": ds_pairs}

    try:
        import rensa
    except ImportError:
        rensa = None
    if rensa is not None:
        token_sets, prep_s, _ = timed(lambda: [shingle_strings(t) for t in texts])
        rmh, r_sig_s, _ = timed(lambda: rensa.RMinHash.from_token_sets(token_sets, neardup.NUM_PERM, 1))

        def rensa_index() -> set[tuple[int, int]]:
            bands, _rows = neardup.lsh_params(threshold, neardup.NUM_PERM)
            bands = max(b for b in range(2, bands + 1) if neardup.NUM_PERM % b == 0)
            lsh = rensa.RMinHashLSH(threshold, neardup.NUM_PERM, bands)
            for i, m in enumerate(rmh):
                lsh.insert(i, m)
            found = set()
            for i, m in enumerate(rmh):
                for j in lsh.query(m):
                    if j > i and m.jaccard(rmh[j]) >= threshold:
                        found.add((i, j))
            return found

        r_pairs, r_idx_s, _ = timed(rensa_index)
        methods["rensa"] = {"sig_s": prep_s + r_sig_s, "index_s": r_idx_s, "pairs": r_pairs}
        methods["rensa"]["prep_s"] = prep_s
        result["rensa_version"] = getattr(rensa, "__version__", "?")

    for figures in methods.values():
        if "pairs" in figures:
            predicted = figures.pop("pairs")
            figures["predicted"] = len(predicted)
            figures["precision"], figures["recall"] = score(predicted, truth)
    result["methods"] = methods
    return result


def subprocess_json(*args: str) -> dict[str, Any]:
    """Run this script in a child process so that each measurement has its own peak RSS."""
    out = subprocess.run([sys.executable, __file__, *args], check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def print_scale(results: list[dict[str, Any]]) -> None:
    phases = [
        ("signatures", "signatures_s", "rss_signatures_mb"),
        ("index build (start-up)", "build_s", "rss_build_mb"),
        ("verified pairs + clusters", None, "rss_cluster_mb"),
        ("incremental add (crawl)", "add_s", "rss_add_mb"),
    ]
    header = f"{'phase':<28}" + "".join(f"{r['n']:>12,} docs  peak RSS" for r in results)
    print(header)
    for label, key, rss in phases:
        cells = ""
        for r in results:
            seconds = r["pairs_s"] + r["cluster_s"] if key is None else r[key]
            cells += f"{seconds:>16.2f} s {r[rss]:>6.0f} MB"
        print(f"{label:<28}{cells}")
    for r in results:
        total = r["signatures_s"] + r["build_s"] + r["pairs_s"] + r["cluster_s"]
        print(
            f"n={r['n']:,}: signatures+build+cluster {total:.1f} s, crawl path "
            f"{r['signatures_s'] + r['add_s']:.1f} s, peak RSS {r['rss_add_mb']:.0f} MB "
            f"(python+corpus before: {r['rss_generate_mb']:.0f} MB); "
            f"{r['families']:,} stories -> {r['clusters']:,} clusters, {r['pairs']:,} links; "
            f"add() links {r['add_links']:,}"
        )
    if len(results) >= 2:
        small, large = results[0], results[-1]
        factor = large["n"] / small["n"]
        print(f"growth {small['n']:,} -> {large['n']:,} (x{factor:g} documents; linear = x{factor:g}):")
        for label, key in [
            ("signatures", "signatures_s"),
            ("index build", "build_s"),
            ("pairs + clusters", "cluster_s"),
            ("incremental add", "add_s"),
        ]:
            a = small[key] + (small["pairs_s"] if key == "cluster_s" else 0)
            b = large[key] + (large["pairs_s"] if key == "cluster_s" else 0)
            print(f"  {label:<18} x{b / a:.1f}")


def print_compare(result: dict[str, Any]) -> None:
    print(
        f"\nSide by side on {result['n']:,} documents at threshold {neardup.THRESHOLD} "
        f"({result['true_pairs']:,} pairs with exact 5-gram Jaccard >= threshold):"
    )
    print(f"{'method':<24}{'signatures':>12}{'index+verify':>14}{'pairs':>8}{'precision':>11}{'recall':>8}")
    for name, m in result["methods"].items():
        index = f"{m['index_s']:>12.2f} s" if "index_s" in m else f"{'':>14}"
        quality = f"{m['predicted']:>8}{m['precision']:>11.3f}{m['recall']:>8.3f}" if "predicted" in m else ""
        print(f"{name:<24}{m['sig_s']:>10.2f} s{index}{quality}")
    print(
        "numpy affine32 and datasketch's loop give identical signatures: "
        f"{result['datasketch_same_hashes_identical']}"
    )
    if "rensa" in result["methods"]:
        print(f"rensa signature time includes {result['methods']['rensa']['prep_s']:.2f} s of 5-gram strings")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--sample", type=int, default=5_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--compare", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_scale(args.one, args.seed)))
        return
    if args.compare:
        print(json.dumps(run_compare(args.compare, args.seed)))
        return
    print(
        f"neardup: NUM_PERM={neardup.NUM_PERM} SHINGLE_SIZE={neardup.SHINGLE_SIZE} "
        f"THRESHOLD={neardup.THRESHOLD} bands x rows="
        f"{neardup.lsh_params(neardup.THRESHOLD, neardup.NUM_PERM)}\n"
    )
    results = [subprocess_json("--one", str(n), "--seed", str(args.seed)) for n in args.sizes]
    print_scale(results)
    if args.sample:
        print_compare(subprocess_json("--compare", str(args.sample), "--seed", str(args.seed)))


if __name__ == "__main__":
    main()
