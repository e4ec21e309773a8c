"""Near-duplicate detection: MinHash signatures, an LSH index and clusters that keep every copy.

Researchers study syndication (ANP wire copy re-published with a new headline and one changed
sentence), so copies are grouped, never deleted: every article gets a ``cluster_id`` and one
representative per cluster is chosen by :func:`choose_representative`.

Signatures are computed here, not in the database: :func:`signature` returns ``NUM_PERM``
little-endian uint32 values as bytes (128 permutations: 512 bytes) that a storage layer keeps in
an article column. :class:`NearDupIndex` is rebuilt from ``(key, signature)`` pairs streamed from
that column at start-up and then grows during a crawl, so an article crawled next week is matched
against the whole stored corpus, not only against the current run.

Defaults, after web-corpus practice (FineWeb: word 5-grams, 112 hashes in 14 bands of 8, which
targets pairs above roughly 0.75 Jaccard):

- ``SHINGLE_SIZE = 5`` word 5-grams. Shorter shingles make two different stabbings written in
  the same police-report style share too many phrases ("om het leven gekomen"); longer ones let
  each edited word destroy more shingles, so small edits would split syndicated copies.
- ``NUM_PERM = 128``: the standard error of the Jaccard estimate is at most
  ``sqrt(0.25 / 128) = 0.044``, and a signature fits in 512 bytes.
- ``THRESHOLD = 0.7``, the low end of the usual 0.7-0.8 range, chosen for short wire copy: in a
  150-word ANP item, replacing one 15-word sentence leaves an exact Jaccard of about 0.75, which a
  0.8 threshold would miss half of the time given the estimator's noise. Different stories on the
  same topic share well under 0.2 of their 5-grams (see ``tests/dedup/test_neardup.py``).

The signature scheme is versioned by ``SIGNATURE_VERSION``: signatures made under another version
(or with other ``num_perm``/``shingle``/``seed``) are not comparable and must be recomputed.
Normalisation and shingle hashing are ours (stable 64-bit hashes of word 5-grams); the MinHash
step is rensa's R-MinHash (algorithm version 2) over those hashes. ``bench/neardup.py`` compared
it in one run with a vectorised numpy MinHash that is bit-identical to datasketch's ``affine32``
scheme: on 5,000 documents rensa's step took half the time and, because its sketch has a lower
estimator variance (standard deviation 0.029 against 0.038 at equal size), found more of the
exact pairs at higher precision. rensa changes its algorithm between minor versions, so the
import below refuses any algorithm version other than the one ``SIGNATURE_VERSION`` was built on,
and a test pins the signature of a fixed text.
"""

from __future__ import annotations

import codecs
import functools
import hashlib
import math
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final

import numpy as np
import rensa

NUM_PERM: Final = 128
SHINGLE_SIZE: Final = 5
THRESHOLD: Final = 0.7
SIGNATURE_VERSION: Final = 1
_RENSA_ALGORITHM: Final = 2  # rensa.RMinHash.ALGORITHM_VERSION that SIGNATURE_VERSION 1 uses

if rensa.RMinHash.ALGORITHM_VERSION != _RENSA_ALGORITHM:
    raise ImportError(
        f"rensa's MinHash algorithm version {rensa.RMinHash.ALGORITHM_VERSION} is not "
        f"{_RENSA_ALGORITHM}: stored signatures would silently stop matching; install the "
        "rensa version this module was written for or bump SIGNATURE_VERSION and recompute"
    )

# Title assistance (see same_story): an identical normalised headline plus a moderately similar
# text means the same story rewritten or updated, which 5-gram Jaccard alone undervalues.
TITLE_THRESHOLD: Final = 0.8
TITLE_TEXT_FLOOR: Final = 0.5
# Headlines shared by more articles than this ("Politiebericht", "Liveblog") say nothing about
# the story, so such title buckets contribute no edges.
TITLE_BUCKET_MAX: Final = 50

_EMPTY_VALUE: Final = 0xFFFFFFFF
# Band buckets up to this size are linked pair by pair (vectorised); larger ones, such as a wire
# story's bucket holding hundreds of copies, by a search that stops at a copy's first link, so
# their cost and memory grow with the bucket, not with its square (see NearDupIndex.components).
_SMALL_RUN: Final = 32
# Signatures compared with one query per numpy call when a large bucket is searched.
_SCAN_CHUNK: Final = 256
# The crawl path keeps band buckets of at least this many entries grouped by cluster, so that a
# new copy of a story looks at the clusters in a bucket, not at each of its hundreds of members.
_HEAVY_BUCKET: Final = 16
# Shingles handed to rensa per call: large enough to amortise the call, small enough that the
# per-document arrays of one batch stay a few MiB.
_CHUNK_ROWS: Final = 65_536
_WORD_CACHE_MAX: Final = 1 << 18


# Hex digits of a code point spelled as letters, or the digit folding below would erase them.
_HEX_AS_LETTERS: Final = str.maketrans("0123456789", "ghijklmnop")


def _fold_non_ascii(error: UnicodeError) -> tuple[str, int]:
    """Codec error handler for what NFKD leaves outside ASCII, called once per run of such
    characters: accents (combining marks) vanish, letters of other scripts become stable ASCII
    spellings such as "xfo" for "ø" (U+00F8) so they stay part of their word, anything else (curly
    quotes, dashes, symbols) separates words."""
    assert isinstance(error, UnicodeEncodeError)
    out = []
    for char in error.object[error.start : error.end]:
        if unicodedata.combining(char):
            continue
        if char.isdigit():
            out.append("0")
        elif char.isalnum():
            out.append("x" + f"{ord(char):x}".translate(_HEX_AS_LETTERS))
        else:
            out.append(" ")
    return "".join(out), error.end


codecs.register_error("crimecorpus-fold", _fold_non_ascii)

# After the error handler everything is ASCII; one bytes.translate then maps digits to "0" and
# every other non-letter to a space. Together this is several times faster than regular
# expressions or str.translate, which dominated signature time.
_ASCII_FOLD: Final = (
    bytes(ord("0") if chr(c).isdigit() else c if chr(c).isalpha() else ord(" ") for c in range(128))
    + b" " * 128
)


def _tokens(text: str) -> list[bytes]:
    """Normalised word tokens as ASCII bytes: see :func:`normalise_for_shingles`."""
    folded = unicodedata.normalize("NFKD", text).casefold()
    data = folded.encode("ascii", "crimecorpus-fold").translate(_ASCII_FOLD)
    while b"00" in data:  # collapses digit runs to one "0"
        data = data.replace(b"00", b"0")
    return data.split()


_word_hash_cache: dict[bytes, int] = {}


def normalise_for_shingles(text: str) -> list[str]:
    """Return the word tokens that shingles are built from.

    Policy, chosen so that outlets' cosmetic differences do not break shingles:
    compatibility-decomposed (NFKD, a superset of NFKC's folding) and casefolded; accents removed
    ("één" and "een" are spelled both ways by Dutch outlets); every run of digits becomes "0",
    so an update that changes a time, age or count changes one word rather than the whole story;
    punctuation and symbols separate words and are dropped ("auto's" -> "auto", "s"). Letters
    that do not decompose to ASCII stay in their word under a stable spelling ("søren" ->
    "sxforen"), so names in other scripts still count.
    """
    return [token.decode("ascii") for token in _tokens(text)]


def _hash_word(word: bytes) -> int:
    """Return a stable 64-bit hash of one word (Python's ``hash`` is salted per process)."""
    return int.from_bytes(hashlib.blake2b(word, digest_size=8).digest(), "little")


def _word_hashes(tokens: Sequence[bytes]) -> np.ndarray:
    """Hash tokens through a bounded cache: news vocabulary repeats, blake2b per word does not."""
    cache = _word_hash_cache
    values = list(map(cache.get, tokens))
    if None in values:
        if len(cache) > _WORD_CACHE_MAX:
            cache.clear()
        for i, value in enumerate(values):
            if value is None:
                value = cache[tokens[i]] = _hash_word(tokens[i])
                values[i] = value
    return np.fromiter(values, dtype=np.uint64, count=len(values))


def _fmix64(h: np.ndarray) -> np.ndarray:
    """MurmurHash3's 64-bit finaliser: spreads the combined word hashes over all bits."""
    h = h ^ (h >> np.uint64(33))
    h = h * np.uint64(0xFF51AFD7ED558CCD)
    h = h ^ (h >> np.uint64(33))
    h = h * np.uint64(0xC4CEB9FE1A85EC53)
    return h ^ (h >> np.uint64(33))


@functools.cache
def _odd_constants(label: str, count: int) -> np.ndarray:
    """Fixed odd 64-bit constants derived from blake2b, so that they never depend on an RNG.

    Used as per-position multipliers (a shingle's hash then depends on word order) and as
    per-band salts.
    """
    digests = (
        hashlib.blake2b(f"crimecorpus-{label}:{i}".encode(), digest_size=8).digest() for i in range(count)
    )
    return np.array([int.from_bytes(d, "little") | 1 for d in digests], dtype=np.uint64)


def shingle_hashes(text: str, *, shingle: int = SHINGLE_SIZE) -> np.ndarray:
    """Return the 64-bit hashes of the text's word shingles (uint64, one per position).

    A text shorter than ``shingle`` words becomes a single shingle of all its words, so short
    notices still get a signature; a text without words has no shingles.
    """
    words = _word_hashes(_tokens(text))
    n = len(words)
    if n == 0:
        return np.empty(0, dtype=np.uint32)
    weights = _odd_constants("shingle", shingle)
    width = min(shingle, n)
    count = n - width + 1
    combined = np.zeros(count, dtype=np.uint64)
    for pos in range(width):
        combined += words[pos : pos + count] * weights[pos]
    return _fmix64(combined)


def _minhash_rows(hashes: list[np.ndarray], num_perm: int, seed: int) -> np.ndarray:
    """Compute signatures of several non-empty shingle-hash arrays in one call into rensa."""
    offsets = np.zeros(len(hashes) + 1, dtype=np.uint64)
    np.cumsum([len(h) for h in hashes], out=offsets[1:])
    matrix = rensa.RMinHash.digest_matrix_from_flat_token_hashes(
        np.concatenate(hashes), offsets, num_perm, seed
    )
    return np.asarray(matrix.to_rows(), dtype=np.uint32)


def signatures(
    texts: Iterable[str], *, num_perm: int = NUM_PERM, shingle: int = SHINGLE_SIZE, seed: int = 1
) -> list[bytes]:
    """Return the MinHash signature of each text, vectorised across documents.

    Same result as calling :func:`signature` on each text, several times faster on many texts.
    A text without words gets the all-0xFFFFFFFF "empty" signature, which matches nothing.
    """
    out: list[bytes] = []
    empty = np.full(num_perm, _EMPTY_VALUE, dtype="<u4").tobytes()
    pending: list[np.ndarray] = []
    pending_slots: list[int] = []
    rows = 0

    def flush() -> None:
        nonlocal rows
        if pending:
            for slot, row in zip(pending_slots, _minhash_rows(pending, num_perm, seed), strict=True):
                out[slot] = row.astype("<u4", copy=False).tobytes()
            pending.clear()
            pending_slots.clear()
        rows = 0

    for text in texts:
        hashes = shingle_hashes(text, shingle=shingle)
        out.append(empty)
        if not len(hashes):
            continue
        if rows and rows + len(hashes) > _CHUNK_ROWS:
            flush()
        pending.append(hashes)
        pending_slots.append(len(out) - 1)
        rows += len(hashes)
    flush()
    return out


def signature(text: str, *, num_perm: int = NUM_PERM, shingle: int = SHINGLE_SIZE, seed: int = 1) -> bytes:
    """Return the text's MinHash signature: ``num_perm`` little-endian uint32 values as bytes.

    Deterministic across processes and platforms; see ``SIGNATURE_VERSION`` for library versions.
    """
    return signatures([text], num_perm=num_perm, shingle=shingle, seed=seed)[0]


def _digest(sig: bytes) -> int:
    """A per-process digest of a signature's bytes, for the identical-signature map."""
    return hash(sig if isinstance(sig, bytes) else bytes(sig))


def _as_array(sig: bytes, num_perm: int | None = None) -> np.ndarray:
    """Decode signature bytes; a wrong length means a different ``num_perm`` or a corrupt row."""
    if len(sig) % 4 or (num_perm is not None and len(sig) != 4 * num_perm):
        raise ValueError(f"signature of {len(sig)} bytes does not hold {num_perm} uint32 values")
    return np.frombuffer(sig, dtype="<u4")


def _is_empty(values: np.ndarray) -> bool:
    return bool(np.all(values == _EMPTY_VALUE))


def similarity(sig_a: bytes, sig_b: bytes) -> float:
    """Estimate the Jaccard similarity of two texts' shingle sets from their signatures.

    Returns 0.0 when either text had no words: two empty articles are not the same story.
    """
    a = _as_array(sig_a)
    b = _as_array(sig_b, len(a))
    if _is_empty(a) or _is_empty(b):
        return 0.0
    return float(np.count_nonzero(a == b)) / len(a)


def title_key(title: str) -> str:
    """Return the normalised headline that groups candidates in :class:`NearDupIndex`.

    Suited as an indexed database column: two headlines with the same key differ only in case,
    accents, punctuation or digits.
    """
    return " ".join(normalise_for_shingles(title))


def title_similarity(a: str, b: str) -> float:
    """Return the Jaccard similarity of the two headlines' normalised word sets.

    Word sets rather than shingles because headlines are a handful of words and outlets reorder
    them ("Breda: man neergestoken" against "Man neergestoken in Breda").
    """
    words_a = set(normalise_for_shingles(a))
    words_b = set(normalise_for_shingles(b))
    if not words_a or not words_b:
        return 0.0
    return len(words_a & words_b) / len(words_a | words_b)


def same_story(text_sim: float, title_sim: float = 0.0, *, threshold: float = THRESHOLD) -> bool:
    """Decide whether two articles are copies of one story.

    Text similarity alone decides above ``threshold``; this catches re-headlined syndicated copies,
    whose headlines differ. Below it, a near-identical headline (``title_sim >= TITLE_THRESHOLD``)
    with a text at least ``TITLE_TEXT_FLOOR`` similar also counts: short items and rewritten
    updates of a wire story keep their headline while several sentences change. The text floor
    is what keeps "Man neergestoken in Breda" and "Man neergestoken in Tilburg" apart: the
    headlines share most words, the texts share few 5-grams.
    """
    if text_sim >= threshold:
        return True
    return title_sim >= TITLE_THRESHOLD and text_sim >= TITLE_TEXT_FLOOR


def lsh_params(threshold: float, num_perm: int, min_recall: float = 0.9) -> tuple[int, int]:
    """Choose ``(bands, rows)``: the most rows per band that still find a pair at the threshold.

    A pair with Jaccard ``s`` becomes a candidate with probability ``1 - (1 - s**rows)**bands``.
    More rows per band mean fewer candidates from unrelated articles, but every candidate is
    verified afterwards and costs only a vector comparison, while a missed pair is lost for good;
    so rows are only added while a pair exactly at ``threshold`` is still a candidate with
    probability ``min_recall``. For 0.7 and 128 permutations this gives 21 bands of 6 rows
    (a pair at 0.7 is found with probability 0.93, at 0.75 with 0.98; FineWeb's 14 x 8 finds
    its 0.75 target with 0.92).
    """
    best = (num_perm, 1)
    for rows in range(1, num_perm + 1):
        bands = num_perm // rows
        if bands < 2 or 1.0 - (1.0 - threshold**rows) ** bands < min_recall:
            break
        best = (bands, rows)
    return best


@functools.cache
def _cached_lsh_params(threshold: float, num_perm: int) -> tuple[int, int]:
    return lsh_params(threshold, num_perm)


class NearDupIndex:
    """An LSH index over signatures, verified by estimated Jaccard, rebuildable from storage.

    Two articles are linked when their signatures share at least one LSH band and their estimated
    Jaccard is at least ``threshold`` (or, when both were added with a title, when their title
    keys are equal and :func:`same_story` accepts them). Both conditions are symmetric, so the
    set of links, and hence :func:`cluster`, does not depend on the order in which articles are
    added, or on whether they came through :meth:`build` or :meth:`add`. The one exception: a
    title bucket that grows past ``TITLE_BUCKET_MAX`` stops producing links, but links that
    :meth:`add` already returned before that stay returned.

    Band keys live in one sorted numpy array (bulk part, found with ``searchsorted``) plus a dict
    for articles added since the last merge; the dict is folded into the array when it outgrows
    a quarter of it, so both start-up and incremental inserts stay cheap.

    Heavy syndication (one wire story copied by a thousand outlets) is why clusters are never
    built from a list of pairs: a band bucket of ``m`` copies holds ``m**2 / 2`` pairs. Instead,

    - an article whose signature is identical to an indexed one is an *alias*: it has exactly that
      article's text links, so it is kept out of the band buckets (one bucket entry per distinct
      signature);
    - the index keeps a union-find over its articles (:meth:`link`, :meth:`join`, :meth:`root`):
      a new article is checked against each cluster present in its buckets until the first
      verified link, not against every member;
    - :meth:`components` computes the clusters of the whole index from scratch, exactly as the
      links would (the same result as :meth:`pair_ids` fed to a union-find), in memory linear in
      the number of articles. :meth:`pair_ids` and :meth:`add`, which list every link, remain
      for small indexes and tests.
    """

    def __init__(self, threshold: float = THRESHOLD, num_perm: int = NUM_PERM) -> None:
        if not 0.0 < threshold <= 1.0:
            raise ValueError("threshold must be in (0, 1]")
        self.threshold = threshold
        self.num_perm = num_perm
        self.bands, self.rows = _cached_lsh_params(threshold, num_perm)
        self._min_matches = math.ceil(threshold * num_perm - 1e-9)
        self._title_min_matches = math.ceil(TITLE_TEXT_FLOOR * num_perm - 1e-9)
        self._band_salts = _odd_constants("band", self.bands)
        self._row_weights = _odd_constants("row", self.rows)
        self._keys: list[str] = []
        self._ids: dict[str, int] = {}
        self._sigs = np.empty((0, num_perm), dtype=np.uint32)
        self._band_keys = np.empty((0, self.bands), dtype=np.uint64)
        self._indexed = np.empty(0, dtype=bool)
        self._sorted_keys = np.empty(0, dtype=np.uint64)
        self._sorted_ids = np.empty(0, dtype=np.int64)
        self._merged = 0
        self._delta: dict[int, list[int]] = {}
        self._titles: dict[str, list[int]] = {}
        self._title_of: dict[int, str] = {}
        # Identical signatures: the first article with a signature is its primary (in the band
        # buckets); later ones are aliases of it. _exact maps a signature's digest to its primary.
        self._primary = np.empty(0, dtype=bool)
        self._exact: dict[int, int] = {}
        self._aliases: dict[int, list[int]] = {}
        # Union-find over ids for the crawl path (link/join/root); roots are the smallest ids.
        self._parent = np.empty(0, dtype=np.int64)
        # Heavy band buckets' members by cluster: band key -> {root (maybe stale): [ids]}.
        self._heavy: dict[int, dict[int, list[int]]] = {}

    def __len__(self) -> int:
        return len(self._keys)

    def __contains__(self, key: object) -> bool:
        return key in self._ids

    @property
    def keys(self) -> list[str]:
        """The indexed keys in insertion order."""
        return list(self._keys)

    @classmethod
    def build(
        cls,
        items: Iterable[tuple[str, bytes]] | Iterable[tuple[str, bytes, str | None]],
        **kw: float | int,
    ) -> NearDupIndex:
        """Build an index from ``(key, signature)`` or ``(key, signature, title)`` rows at once.

        Vectorised: meant for start-up, with rows streamed from the article table.
        """
        index = cls(**kw)  # type: ignore[arg-type]
        keys: list[str] = []
        blobs: list[bytes] = []
        blocks: list[np.ndarray] = []
        digests: list[int] = []
        for item in items:
            key, sig = item[0], item[1]
            if len(sig) != 4 * index.num_perm:
                raise ValueError(f"signature for {key!r} does not hold {index.num_perm} values")
            keys.append(key)
            blobs.append(sig)
            digests.append(_digest(sig))
            title = item[2] if len(item) > 2 else None
            if title:
                index._title_of[len(keys) - 1] = title_key(title)
            if len(blobs) == 8192:  # bytes objects cost more than the array they become
                blocks.append(np.frombuffer(b"".join(blobs), dtype="<u4").astype(np.uint32))
                blobs.clear()
        if blobs:
            blocks.append(np.frombuffer(b"".join(blobs), dtype="<u4").astype(np.uint32))
        del blobs
        if len(set(keys)) != len(keys):
            raise ValueError("duplicate keys in build()")
        index._keys = keys
        index._ids = {key: i for i, key in enumerate(keys)}
        sigs = np.concatenate(blocks) if blocks else np.empty(0, dtype=np.uint32)
        del blocks
        index._sigs = sigs.reshape(len(keys), index.num_perm)
        index._indexed = ~np.all(index._sigs == _EMPTY_VALUE, axis=1)
        index._band_keys = index._compute_band_keys(index._sigs)
        index._parent = np.arange(len(keys), dtype=np.int64)
        index._find_aliases(np.array(digests, dtype=np.int64))
        for i, tkey in index._title_of.items():
            if tkey:
                index._titles.setdefault(tkey, []).append(i)
        index._merge()
        return index

    def _find_aliases(self, all_digests: np.ndarray) -> None:
        """Mark the first article of each distinct non-empty signature primary, the rest aliases.

        ``all_digests`` are Python's ``hash`` of each signature's bytes: salted per process, which
        is fine for a map that lives in this process only.
        """
        n = len(self._keys)
        self._primary = self._indexed[:n].copy()
        ids = np.flatnonzero(self._primary)
        if not len(ids):
            return
        digests = all_digests[ids]
        _, first, inverse = np.unique(digests, return_index=True, return_inverse=True)
        head = ids[first[inverse]]
        # A digest collision between different signatures leaves both primary (never wrong).
        same = (head != ids) & np.all(self._sigs[ids] == self._sigs[head], axis=1)
        alias, of = ids[same], head[same]
        self._primary[alias] = False
        self._exact = dict(zip(digests[first].tolist(), ids[first].tolist(), strict=True))
        for a, p in zip(alias.tolist(), of.tolist(), strict=True):
            self._aliases.setdefault(p, []).append(a)

    def _compute_band_keys(self, sigs: np.ndarray) -> np.ndarray:
        """Hash each band of ``rows`` values to 64 bits, salted per band so bands never collide.

        Done in blocks: the uint64 intermediate is twice the signatures' size.
        """
        out = np.empty((len(sigs), self.bands), dtype=np.uint64)
        for start in range(0, len(sigs), 8192):
            block = sigs[start : start + 8192, : self.bands * self.rows].astype(np.uint64)
            block = block.reshape(len(block), self.bands, self.rows)
            combined = (block * self._row_weights).sum(axis=2, dtype=np.uint64)
            out[start : start + len(block)] = _fmix64(combined ^ self._band_salts)
        return out

    def _merge(self) -> None:
        """Fold all band keys of primary (non-empty, first of their signature) articles into the
        sorted arrays."""
        ids = np.flatnonzero(self._primary[: len(self._keys)])
        flat_keys = self._band_keys[ids].ravel()
        flat_ids = np.repeat(ids, self.bands)
        order = np.argsort(flat_keys, kind="stable")
        self._sorted_keys = flat_keys[order]
        self._sorted_ids = flat_ids[order]
        self._merged = len(self._keys)
        self._delta = {}

    def _append(self, key: str, values: np.ndarray, band_keys: np.ndarray, indexed: bool) -> int:
        """Store one signature; the arrays grow geometrically and only ``[:len(self)]`` is valid."""
        n = len(self._keys)
        if n == len(self._sigs):
            capacity = max(1024, 2 * n)
            self._sigs = np.resize(self._sigs, (capacity, self.num_perm))
            self._band_keys = np.resize(self._band_keys, (capacity, self.bands))
            self._indexed = np.resize(self._indexed, capacity)
            self._primary = np.resize(self._primary, capacity)
            self._parent = np.resize(self._parent, capacity)
        self._sigs[n] = values
        self._band_keys[n] = band_keys
        self._indexed[n] = indexed
        self._primary[n] = False
        self._parent[n] = n
        self._keys.append(key)
        self._ids[key] = n
        return n

    def _same_signature(self, values: np.ndarray, digest: int) -> int | None:
        """The primary holding the same (non-empty) signature as ``values``, if any."""
        primary = self._exact.get(digest)
        if primary is not None and not np.array_equal(self._sigs[primary], values):
            primary = None
        return primary

    def _insert(self, key: str, values: np.ndarray, band_keys: np.ndarray, digest: int, tkey: str) -> int:
        """Index one article: band buckets (or alias of its identical twin) and title bucket."""
        indexed = not _is_empty(values)
        new_id = self._append(key, values, band_keys, indexed)
        if indexed:
            primary = self._same_signature(values, digest)
            if primary is None:
                self._exact[digest] = new_id
                self._primary[new_id] = True
                for band_key in band_keys.tolist():
                    self._delta.setdefault(band_key, []).append(new_id)
            else:
                self._aliases.setdefault(primary, []).append(new_id)
        if tkey:
            self._title_of[new_id] = tkey
            self._titles.setdefault(tkey, []).append(new_id)
        if len(self._keys) - self._merged > max(10_000, self._merged // 4):
            self._merge()
        return new_id

    def _candidates(self, band_keys: np.ndarray) -> np.ndarray:
        """Ids sharing at least one band key with the query."""
        found: list[np.ndarray] = []
        if len(self._sorted_keys):
            lo = np.searchsorted(self._sorted_keys, band_keys, side="left")
            hi = np.searchsorted(self._sorted_keys, band_keys, side="right")
            for start, stop in zip(lo[hi > lo].tolist(), hi[hi > lo].tolist(), strict=True):
                found.append(self._sorted_ids[start:stop])
        if self._delta:
            for band_key in band_keys.tolist():
                ids = self._delta.get(band_key)
                if ids:
                    found.append(np.array(ids, dtype=np.int64))
        if not found:
            return np.empty(0, dtype=np.int64)
        return np.unique(np.concatenate(found))

    def _scored(
        self, values: np.ndarray, title: str | None, band_keys: np.ndarray | None = None
    ) -> list[tuple[int, float]]:
        """Verified neighbours of a signature as ``(id, estimated Jaccard)``."""
        if _is_empty(values):
            return []
        if band_keys is None:
            band_keys = self._compute_band_keys(values[None, :])[0]
        ids = self._candidates(band_keys)
        if self._aliases and len(ids):
            twins = [a for i in ids.tolist() for a in self._aliases.get(i, ())]
            if twins:
                ids = np.concatenate([ids, np.array(twins, dtype=np.int64)])
        matches = np.count_nonzero(self._sigs[ids] == values, axis=1) if len(ids) else ids
        keep = matches >= self._min_matches
        result = dict(zip(ids[keep].tolist(), matches[keep].tolist(), strict=True))
        tkey = title_key(title) if title else ""
        bucket = self._titles.get(tkey, []) if tkey else []
        # The article being added counts towards the bucket, as it will in pair_ids().
        if bucket and len(bucket) + 1 < TITLE_BUCKET_MAX:
            tids = np.array(bucket, dtype=np.int64)
            tmatches = np.count_nonzero(self._sigs[tids] == values, axis=1)
            for i, m in zip(tids.tolist(), tmatches.tolist(), strict=True):
                if m >= self._title_min_matches:
                    result[i] = m
        return sorted(
            ((i, m / self.num_perm) for i, m in result.items()),
            key=lambda pair: (-pair[1], self._keys[pair[0]]),
        )

    def query_scored(self, sig: bytes, title: str | None = None) -> list[tuple[str, float]]:
        """Return verified near-duplicates as ``(key, estimated Jaccard)``, most similar first."""
        values = _as_array(sig, self.num_perm)
        return [(self._keys[i], s) for i, s in self._scored(values, title)]

    def query(self, sig: bytes, title: str | None = None) -> list[str]:
        """Return the keys of verified near-duplicates of ``sig``, sorted by key."""
        return sorted(key for key, _ in self.query_scored(sig, title))

    def add(self, key: str, sig: bytes, title: str | None = None) -> list[str]:
        """Return the keys of already indexed near-duplicates (sorted), then index ``key``.

        Keys are immutable: a new version of an article at the same URL must get its own key
        (or not be indexed) so that the stored signature never silently changes.
        """
        if key in self._ids:
            raise ValueError(f"key {key!r} is already indexed")
        values = _as_array(sig, self.num_perm)
        band_keys = self._compute_band_keys(values[None, :])[0]
        scored = self._scored(values, title, band_keys)
        new_id = self._insert(key, values, band_keys, _digest(sig), title_key(title) if title else "")
        self._unite([new_id, *(i for i, _ in scored)])
        self._register_heavy(new_id, band_keys, None)
        return sorted(self._keys[i] for i, _ in scored)

    def link(self, key: str, sig: bytes, title: str | None = None) -> list[int]:
        """Index ``key`` and return the clusters it links to, as their root ids before the merge.

        The crawl path's :meth:`add`: instead of every neighbour it finds, for each cluster
        present in its band buckets, one verified link and moves on, so a copy of a story that
        a thousand outlets ran costs about as much as the first copy. Afterwards ``key`` and
        those clusters are one cluster (see :meth:`root`).
        """
        if key in self._ids:
            raise ValueError(f"key {key!r} is already indexed")
        values = _as_array(sig, self.num_perm)
        band_keys = self._compute_band_keys(values[None, :])[0]
        digest = _digest(sig)
        tkey = title_key(title) if title else ""
        roots, sizes = self._linked_roots(values, band_keys, tkey)
        new_id = self._insert(key, values, band_keys, digest, tkey)
        self._unite([new_id, *roots])
        self._register_heavy(new_id, band_keys, sizes)
        return sorted(roots)

    def _bucket_bounds(self, band_keys: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Each band key's slice of the sorted arrays and its bucket size (with the delta).

        Most band keys of a new article are in no bucket; those need one search, not two.
        """
        keys = self._sorted_keys
        lo = np.searchsorted(keys, band_keys, side="left")
        hi = lo.copy()
        found = lo < len(keys)
        found[found] = keys[lo[found]] == band_keys[found]
        if found.any():
            hi[found] = np.searchsorted(keys, band_keys[found], side="right")
        sizes = hi - lo
        if self._delta:
            sizes = sizes + np.array([len(self._delta.get(k, ())) for k in band_keys.tolist()])
        return lo, hi, sizes

    def _bucket_members(self, band_key: int, lo: int, hi: int) -> np.ndarray:
        delta = self._delta.get(band_key)
        if not delta:
            return self._sorted_ids[lo:hi]
        return np.concatenate([self._sorted_ids[lo:hi], np.array(delta, dtype=np.int64)])

    def _linked_roots(
        self, values: np.ndarray, band_keys: np.ndarray, tkey: str
    ) -> tuple[set[int], np.ndarray | None]:
        """Roots of the clusters holding a verified link of ``values`` (text or title rule), and
        the sizes of its band buckets (None for an empty text, which is in none)."""
        roots: set[int] = set()
        sizes = None
        if _is_empty(values):
            return roots, sizes
        # No shortcut for a twin (identical signature): its cluster holds all its links only if
        # the stored clusters were made at this threshold, and its buckets are cheap to look at.
        keys = band_keys.tolist()
        entries = [self._heavy.get(k) for k in keys]
        light = [j for j, entry in enumerate(entries) if entry is None]
        sizes = np.full(len(keys), _HEAVY_BUCKET, dtype=np.int64)  # heavy ones stay heavy
        small: list[np.ndarray] = []
        if light:
            lo, hi, light_sizes = self._bucket_bounds(band_keys[light])
            sizes[light] = light_sizes
            for j, low, high, size in zip(light, lo.tolist(), hi.tolist(), light_sizes.tolist(), strict=True):
                if size >= _HEAVY_BUCKET:
                    entries[j] = self._make_heavy(keys[j], low, high)
                elif size:
                    small.append(self._bucket_members(keys[j], low, high))
        # A story's bucket is one big cluster, scanned until its first link; buckets of templated
        # notices hold many small clusters, compared all at once with the light buckets.
        for entry in entries:
            if entry is not None:
                groups = self._fresh_groups(entry)
                for root, members in groups:
                    if root in roots:
                        continue
                    if len(groups) <= 4 or len(members) >= _SCAN_CHUNK // 4:
                        if self._any_match(members, values):
                            roots.add(root)
                    else:
                        small.append(np.array(members, dtype=np.int64))
        if small:
            cand = np.unique(np.concatenate(small))
            for start in range(0, len(cand), 1 << 14):
                block = cand[start : start + (1 << 14)]
                ok = np.count_nonzero(self._sigs[block] == values, axis=1) >= self._min_matches
                if ok.any():
                    roots.update(self._roots(block[ok]).tolist())
        bucket = self._titles.get(tkey, []) if tkey else []
        if bucket and len(bucket) + 1 < TITLE_BUCKET_MAX:
            tids = np.array(bucket, dtype=np.int64)
            tids = tids[self._indexed[tids]]
            ok = np.count_nonzero(self._sigs[tids] == values, axis=1) >= self._title_min_matches
            roots.update(self._roots(tids[ok]).tolist())
        return roots, sizes

    def _any_match(self, members: np.ndarray | list[int], values: np.ndarray) -> bool:
        """Whether any member passes the text threshold with ``values``; stops at the first block
        that has one, which for a copy of a story is almost always the first. Blocks grow from
        16 to ``_SCAN_CHUNK`` members, so that common case compares a handful of signatures."""
        start, size = 0, 16
        while start < len(members):
            chunk = np.asarray(members[start : start + size], dtype=np.int64)
            if np.any(np.count_nonzero(self._sigs[chunk] == values, axis=1) >= self._min_matches):
                return True
            start, size = start + size, min(size * 4, _SCAN_CHUNK)
        return False

    def _find(self, x: int) -> int:
        """Scalar union-find root, compressing the path."""
        parent = self._parent
        root = x
        while parent[root] != root:
            root = int(parent[root])
        while x != root:
            up = int(parent[x])
            parent[x] = root
            x = up
        return root

    def _make_heavy(
        self, band_key: int, lo: int | None = None, hi: int | None = None
    ) -> dict[int, list[int]]:
        """Group a heavy bucket's members by cluster (once; later inserts keep it up to date)."""
        if lo is None or hi is None:
            lo = int(np.searchsorted(self._sorted_keys, band_key, side="left"))
            hi = int(np.searchsorted(self._sorted_keys, band_key, side="right"))
        members = self._bucket_members(band_key, lo, hi)
        entry: dict[int, list[int]] = {}
        for member, root in zip(members.tolist(), self._roots(members).tolist(), strict=True):
            entry.setdefault(root, []).append(member)
        self._heavy[band_key] = entry
        return entry

    def _fresh_groups(self, entry: dict[int, list[int]]) -> list[tuple[int, list[int]]]:
        """The entry's groups under their current roots: clusters merged since are merged here."""
        for old in list(entry):
            root = self._find(old)
            if root != old:
                members = entry.pop(old)
                other = entry.get(root)
                if other is None:
                    entry[root] = members
                elif len(other) >= len(members):
                    other.extend(members)
                else:
                    members.extend(other)
                    entry[root] = members
        return list(entry.items())

    def _register_heavy(self, new_id: int, band_keys: np.ndarray, sizes: np.ndarray | None) -> None:
        """Put a new bucket member into the heavy buckets' groups (creating those that just
        became heavy when the sizes seen before the insert are known)."""
        if not self._primary[new_id]:
            return
        root = self._find(new_id)
        for j, band_key in enumerate(band_keys.tolist()):
            entry = self._heavy.get(band_key)
            if entry is None:
                if sizes is not None and sizes[j] + 1 >= _HEAVY_BUCKET:
                    self._make_heavy(band_key)  # includes new_id
                continue
            members = entry.get(root)
            if members is None:
                self._fresh_groups(entry)
                members = entry.setdefault(root, [])
            members.append(new_id)

    def _roots(self, ids: np.ndarray) -> np.ndarray:
        """Union-find roots of ``ids`` (vectorised), compressing the paths walked."""
        return _roots(self._parent, ids)

    def _unite(self, ids: list[int]) -> None:
        """Scalar union of a few ids (one article and the clusters it links to)."""
        roots = {self._find(i) for i in ids}
        if len(roots) > 1:
            smallest = min(roots)
            for root in roots:
                self._parent[root] = smallest

    def unite_ids(self, a: np.ndarray, b: np.ndarray) -> None:
        """Put the articles at ids ``a[i]`` and ``b[i]`` into one cluster, for every ``i``."""
        _hook(self._parent, np.asarray(a, dtype=np.int64), np.asarray(b, dtype=np.int64))

    def join(self, keys: Iterable[str]) -> None:
        """Put articles into one cluster without a link: start-up seeds stored clusters this way."""
        self._unite([self._ids[k] for k in keys])

    def root(self, key: str) -> int:
        """The id (position in :attr:`keys`) that stands for ``key``'s cluster in the union-find."""
        return self._find(self._ids[key])

    def key_at(self, i: int) -> str:
        return self._keys[i]

    def similarity(self, key_a: str, key_b: str) -> float:
        """Estimated Jaccard of two indexed articles."""
        a = self._sigs[self._ids[key_a]]
        b = self._sigs[self._ids[key_b]]
        if _is_empty(a) or _is_empty(b):
            return 0.0
        return float(np.count_nonzero(a == b)) / self.num_perm

    def pair_ids(self) -> np.ndarray:
        """Return all verified links as an ``(n, 2)`` array of ids (smaller id first), sorted.

        Vectorised over the whole index: the cost grows with the number of candidate pairs,
        which is quadratic only inside groups of articles sharing a band.
        """
        ids = np.flatnonzero(self._indexed[: len(self._keys)])
        flat_keys = self._band_keys[ids].ravel()
        flat_ids = np.repeat(ids, self.bands)
        order = np.argsort(flat_keys, kind="stable")
        flat_keys = flat_keys[order]
        flat_ids = flat_ids[order]
        # Run boundaries of equal band keys; pos + d pairs every member with the one d later.
        starts = np.flatnonzero(np.r_[True, flat_keys[1:] != flat_keys[:-1]])
        lengths = np.diff(np.r_[starts, len(flat_keys)])
        multi = lengths > 1
        pos = np.flatnonzero(np.repeat(multi, lengths))
        run_end = np.repeat(starts + lengths, lengths)[pos]
        chunks: list[np.ndarray] = []
        step = 1
        while len(pos):
            keep = pos + step < run_end
            pos, run_end = pos[keep], run_end[keep]
            if len(pos):
                chunks.append(np.stack([flat_ids[pos], flat_ids[pos + step]], axis=1))
            step += 1
        for bucket in self._titles.values():
            if 1 < len(bucket) < TITLE_BUCKET_MAX:
                b = np.array(bucket, dtype=np.int64)
                left, right = np.triu_indices(len(b), k=1)
                chunks.append(np.stack([b[left], b[right]], axis=1))
        if not chunks:
            return np.empty((0, 2), dtype=np.int64)
        pairs = np.sort(np.concatenate(chunks).astype(np.int64), axis=1)
        pairs = np.unique(pairs, axis=0)
        pairs = pairs[pairs[:, 0] != pairs[:, 1]]
        return pairs[self._verify(pairs)]

    def _verify(self, pairs: np.ndarray) -> np.ndarray:
        """Mask of candidate pairs that pass the text threshold or the title rule."""
        keep = np.zeros(len(pairs), dtype=bool)
        titles = self._title_of
        for start in range(0, len(pairs), 65_536):
            block = pairs[start : start + 65_536]
            matches = np.count_nonzero(self._sigs[block[:, 0]] == self._sigs[block[:, 1]], axis=1)
            # Empty texts are never linked, not even by an identical headline.
            both = self._indexed[block[:, 0]] & self._indexed[block[:, 1]]
            ok = both & (matches >= self._min_matches)
            maybe = np.flatnonzero(both & ~ok & (matches >= self._title_min_matches))
            for j in maybe.tolist():
                a, b = block[j].tolist()
                tkey = titles.get(a)
                if tkey and tkey == titles.get(b) and len(self._titles[tkey]) < TITLE_BUCKET_MAX:
                    ok[j] = True
            keep[start : start + len(block)] = ok
        return keep

    def pairs(self) -> Iterator[tuple[str, str]]:
        """Yield every verified link as ``(key, key)``, the smaller id's key first."""
        keys = self._keys
        for a, b in self.pair_ids().tolist():
            yield keys[a], keys[b]

    def components(self) -> np.ndarray:
        """Return, for each id, the smallest id of its cluster: the connected components of the
        links of :meth:`pair_ids`, computed without listing them.

        Aliases join their primary; band buckets of at most ``_SMALL_RUN`` entries are linked
        pair by pair; larger ones by :func:`_link_run`, whose work is the bucket's size times the
        number of clusters in it; title buckets (under ``TITLE_BUCKET_MAX``) pair by pair as in
        :meth:`pair_ids`. Memory stays linear in the number of articles.
        """
        n = len(self._keys)
        parent = np.arange(n, dtype=np.int64)
        ids = np.arange(n, dtype=np.int64)
        primary = self._primary[:n]
        if self._aliases:
            alias = np.array([a for v in self._aliases.values() for a in v], dtype=np.int64)
            head = np.array([p for p, v in self._aliases.items() for _ in v], dtype=np.int64)
            _hook(parent, head, alias)
        prim = ids[primary]
        flat_keys = self._band_keys[prim].ravel()
        flat_ids = np.repeat(prim, self.bands)
        order = np.argsort(flat_keys, kind="stable")
        flat_keys = flat_keys[order]
        flat_ids = flat_ids[order]
        del order
        starts = np.flatnonzero(np.r_[True, flat_keys[1:] != flat_keys[:-1]])
        del flat_keys
        lengths = np.diff(np.r_[starts, len(flat_ids)])
        for start, length in zip(
            starts[lengths > _SMALL_RUN].tolist(), lengths[lengths > _SMALL_RUN].tolist(), strict=True
        ):
            _link_run(parent, self._sigs, flat_ids[start : start + length], self._min_matches)
        small = (lengths > 1) & (lengths <= _SMALL_RUN)
        pos = np.flatnonzero(np.repeat(small, lengths))
        run_end = np.repeat(starts + lengths, lengths)[pos]
        step = 1
        while len(pos):
            keep = pos + step < run_end
            pos, run_end = pos[keep], run_end[keep]
            for block in range(0, len(pos), 1 << 18):
                a = flat_ids[pos[block : block + (1 << 18)]]
                b = flat_ids[pos[block : block + (1 << 18)] + step]
                apart = _roots(parent, a) != _roots(parent, b)
                a, b = a[apart], b[apart]
                linked = np.count_nonzero(self._sigs[a] == self._sigs[b], axis=1) >= self._min_matches
                _hook(parent, a[linked], b[linked])
            step += 1
        pending: list[np.ndarray] = []
        count = 0
        for bucket in self._titles.values():
            if 1 < len(bucket) < TITLE_BUCKET_MAX:
                b = np.array(bucket, dtype=np.int64)
                left, right = np.triu_indices(len(b), k=1)
                pending.append(np.stack([b[left], b[right]], axis=1))
                count += len(left)
                if count > 1 << 18:
                    self._link_titles(parent, np.concatenate(pending))
                    pending, count = [], 0
        if pending:
            self._link_titles(parent, np.concatenate(pending))
        return _roots(parent, ids)

    def _link_titles(self, parent: np.ndarray, pairs: np.ndarray) -> None:
        """Unite title-bucket pairs whose texts pass the title rule's floor (both non-empty)."""
        a, b = pairs[:, 0], pairs[:, 1]
        both = self._indexed[a] & self._indexed[b]
        a, b = a[both], b[both]
        ok = np.count_nonzero(self._sigs[a] == self._sigs[b], axis=1) >= self._title_min_matches
        _hook(parent, a[ok], b[ok])


def _roots(parent: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """Vectorised find: follow ``parent`` to the roots and point the given ids at them."""
    roots = parent[ids]
    while True:
        up = parent[roots]
        if np.array_equal(up, roots):
            break
        roots = up
    parent[ids] = roots
    return roots


def _hook(parent: np.ndarray, a: np.ndarray, b: np.ndarray) -> None:
    """Vectorised union of ``a[i]`` with ``b[i]``: the larger root points at the smaller one.

    A root hooked to several smaller roots in one round keeps the smallest; the loop repeats
    until every pair shares a root, so roots are always the smallest id of their set.
    """
    while len(a):
        ra, rb = _roots(parent, a), _roots(parent, b)
        apart = ra != rb
        if not apart.any():
            return
        a, b, ra, rb = a[apart], b[apart], ra[apart], rb[apart]
        np.minimum.at(parent, np.maximum(ra, rb), np.minimum(ra, rb))


def _link_run(parent: np.ndarray, sigs: np.ndarray, run: np.ndarray, min_matches: int) -> None:
    """Unite the members of one large band bucket exactly as its verified pairs would.

    A breadth-first search per cluster: the members already in the first member's cluster are
    the frontier; the others are compared with the frontier (in blocks), and every cluster with
    at least one verified link joins and its members become the next frontier. A pair is
    compared at most once, and a bucket that is already one cluster costs one root lookup, so a
    wire story's thousand copies in one bucket cost about a thousand comparisons, not half a
    million.
    """
    roots = _roots(parent, run)
    if roots.min() == roots.max():
        return
    while len(run):
        root = roots.min()
        in_group = roots == root
        frontier, run, roots = run[in_group], run[~in_group], roots[~in_group]
        while len(frontier) and len(run):
            hit = np.zeros(len(run), dtype=bool)
            step = max(1, (1 << 16) // len(run))
            for start in range(0, len(frontier), step):
                block = sigs[frontier[start : start + step]]
                matches = np.count_nonzero(sigs[run][None, :, :] == block[:, None, :], axis=2)
                hit |= np.any(matches >= min_matches, axis=0)
            if not hit.any():
                break
            joined = np.isin(roots, np.unique(roots[hit]))
            _hook(parent, np.full(int(joined.sum()), root, dtype=np.int64), run[joined])
            frontier, run, roots = run[joined], run[~joined], roots[~joined]


def _components(n: int, edges: Iterable[tuple[int, int]]) -> list[int]:
    """Union-find with path halving; returns a root for each of ``n`` ids."""
    parent = list(range(n))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in edges:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return [find(x) for x in range(n)]


def cluster(
    pairs_or_index: Iterable[tuple[str, str]] | NearDupIndex, keys: Iterable[str] = ()
) -> dict[str, str]:
    """Map every key to its cluster id: the smallest key (string order) of its component.

    ``keys`` adds articles without links, which form clusters of one. The result depends only on
    the set of links and keys, never on their order. The id is a function of the membership, so
    it changes when a smaller key joins or when a new article bridges two clusters (links are
    transitive: A~B and B~C put A and C together even when A and C differ more); a storage layer
    should update the stored ids of the affected members then.
    """
    if isinstance(pairs_or_index, NearDupIndex):
        index = pairs_or_index
        names = index.keys + sorted(set(keys) - set(index.keys))
        roots = index.components().tolist() + list(range(len(index), len(names)))
    else:
        edge_list = list(pairs_or_index)
        names = sorted({k for pair in edge_list for k in pair} | set(keys))
        ids = {k: i for i, k in enumerate(names)}
        roots = _components(len(names), [(ids[a], ids[b]) for a, b in edge_list])
    smallest: dict[int, str] = {}
    for name, root in zip(names, roots, strict=True):
        if root not in smallest or name < smallest[root]:
            smallest[root] = name
    return {name: smallest[root] for name, root in zip(names, roots, strict=True)}


@dataclass(frozen=True, slots=True)
class Member:
    """What :func:`choose_representative` needs to know about one article of a cluster."""

    key: str
    published: datetime | None
    text_length: int


def _as_utc(moment: datetime) -> datetime:
    """Naive datetimes are taken as UTC so that mixed inputs compare instead of raising."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def choose_representative(members: Sequence[Member]) -> str:
    """Return the key of the cluster's representative.

    Earliest published first (the original wire copy tends to come first), then the longest
    text (the fullest version), then the smallest key so that ties are settled the same way in
    every run. Members without a publication date come after all dated ones.
    """
    if not members:
        raise ValueError("a cluster has at least one member")

    def rank(member: Member) -> tuple[bool, datetime, int, str]:
        moment = _as_utc(member.published) if member.published else datetime.max.replace(tzinfo=UTC)
        return (member.published is None, moment, -member.text_length, member.key)

    return min(members, key=rank).key
