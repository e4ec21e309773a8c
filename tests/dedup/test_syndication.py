"""Heavy syndication: a wire story copied 2,000 times is one cluster, built without its pairs.

A cluster of ``m`` copies holds ``m**2 / 2`` pairs per shared LSH band; these tests build such a
cluster in the crawl path (ClusterState) and in the rebuild (NearDupIndex.components and
``rebuild_clusters`` on a real SQLite file) and assert the structures' sizes and the peak memory
that numpy reports to tracemalloc, which listing the pairs would exceed many times over.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
import tracemalloc
from collections import Counter

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from corpus.dedup.neardup import NUM_PERM, NearDupIndex, _components, cluster, signatures
from corpus.store.clusters import ClusterState, rebuild_clusters
from corpus.store.models import Article
from corpus.store.storage import open_database

# A wire story written for these tests, as the agency sends it, sentence by sentence.
WIRE = [
    "DORDRECHT (ANP) - Bij een brand in een bedrijfspand aan de Zeehavenweg in Dordrecht is "
    "zondagnacht een medewerker van een schoonmaakbedrijf gewond geraakt.",
    "De brandweer kreeg de melding kort na twee uur en rukte met groot materieel uit.",
    "Uit het dak sloegen hoge vlammen en boven het industrieterrein hing een dikke rookwolk.",
    "Omwonenden kregen via NL-Alert het advies ramen en deuren te sluiten en de ventilatie uit te zetten.",
    "De medewerker liep brandwonden op aan zijn handen en is per ambulance naar het ziekenhuis gebracht.",
    "Volgens een woordvoerder van de veiligheidsregio was het vuur rond vijf uur onder controle.",
    "De politie sluit niet uit dat de brand is aangestoken en doet onderzoek naar de oorzaak.",
    "Getuigen zagen kort voor het uitbreken van de brand twee mensen bij een zijdeur van het pand staan.",
    "Een forensisch team heeft maandagochtend sporen veiliggesteld in de uitgebrande hal.",
    "Het bedrijf, dat verpakkingsmateriaal opslaat, was twee jaar geleden ook al doelwit van een inbraak.",
    "De eigenaar spreekt van een enorme klap voor zijn personeel en wil zo snel mogelijk herbouwen.",
    "De Zeehavenweg blijft voorlopig afgesloten omdat de gevel van het pand kan instorten.",
    "De gemeente heeft een informatiebijeenkomst georganiseerd voor ondernemers in de buurt.",
    "Wie iets verdachts heeft gezien, wordt gevraagd contact op te nemen met de recherche.",
]
LEADS = [
    "DORDRECHT - Een grote brand heeft zondagnacht een bedrijfshal aan de Zeehavenweg in Dordrecht verwoest.",
    "Een schoonmaker is gewond geraakt bij een uitslaande brand op een industrieterrein in Dordrecht.",
    "DORDRECHT - Op het industrieterrein aan de Zeehavenweg woedde zondagnacht een felle brand.",
]
REWRITES = [
    "Buurtbewoners zagen de rook van kilometers afstand en deelden beelden op sociale media.",
    "Een woordvoerder van de brandweer noemt de schade aan het pand aanzienlijk.",
    "De brandweer bleef de hele nacht ter plaatse om het nablussen te begeleiden.",
    "Het is nog onduidelijk of er gevaarlijke stoffen in de hal lagen opgeslagen.",
]
CREDITS = ["(ANP)", "Bron: ANP.", "Door onze redactie.", "Van onze verslaggever.", "© ANP"]


def wire_copies(count: int, seed: int = 5) -> list[str]:
    """``count`` outlets' copies: verbatim, or with their credit, own lead or a rewritten sentence."""
    rng = random.Random(seed)
    copies = []
    for _ in range(count):
        sentences = list(WIRE)
        if rng.random() < 0.25:
            copies.append(" ".join(sentences))
            continue
        if rng.random() < 0.3:
            sentences[0] = rng.choice(LEADS)
        if rng.random() < 0.4:
            sentences[rng.randrange(1, len(sentences))] = rng.choice(REWRITES)
        credit = rng.choice(CREDITS)
        copies.append(" ".join([*sentences, credit] if rng.random() < 0.5 else [credit, *sentences]))
    return copies


def unique_reports(count: int, seed: int = 9) -> list[str]:
    """Unrelated short police reports, different towns and facts in one style."""
    rng = random.Random(seed)
    towns = ["Zwolle", "Gent", "Venlo", "Leuven", "Assen", "Hasselt", "Delft", "Lier", "Emmen", "Geel"]
    acts = ["beroofd", "mishandeld", "bedreigd", "aangereden", "neergestoken", "opgelicht"]
    places = ["station", "park", "supermarkt", "fietsenstalling", "bushalte", "snackbar", "kerk"]
    reports = []
    for i in range(count):
        town, act, place = rng.choice(towns), rng.choice(acts), rng.choice(places)
        extra = " ".join(rng.sample(["kort", "daarna", "volgens", "getuigen", "vluchtte", "de", "dader"], 5))
        reports.append(
            f"In {town} is een {rng.randint(18, 80)}-jarige voorbijganger bij de {place} {act}. "
            f"Melding nummer {i}: {extra} richting {rng.choice(towns)}. "
            f"De politie zoekt naar {rng.choice(['een man', 'twee jongens', 'een vrouw'])} met een "
            f"{rng.choice(['rode', 'zwarte', 'witte', 'blauwe'])} {rng.choice(['jas', 'scooter', 'auto', 'tas'])}."
        )
    return reports


def _key(i: int) -> str:
    return hashlib.sha256(f"copy-{i}".encode()).hexdigest()[:16]


def test_two_thousand_copies_are_one_cluster_in_the_crawl_path_without_pairs() -> None:
    texts = wire_copies(2000)
    sigs = signatures(texts)
    state = ClusterState.empty()
    tracemalloc.start()
    try:
        for i, sig in enumerate(sigs):
            state.assign(_key(i), sig, f"Kop {i % 40}")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    keys = [_key(i) for i in range(len(sigs))]
    assert {state.cluster_id(k) for k in keys} == {min(keys)}
    assert state.cluster_size(keys[0]) == 2000
    # One id and one size for the whole cluster, not a member list or a pair list.
    assert len(state._cid) <= 1 and len(state._size) == 1
    index = state.index
    distinct = len({bytes(s) for s in sigs})
    assert distinct < 2000  # verbatim copies exist ...
    assert sum(len(v) for v in index._aliases.values()) == 2000 - distinct  # ... and are aliases
    bucket_entries = len(index._sorted_ids) + sum(len(v) for v in index._delta.values())
    assert bucket_entries == distinct * index.bands
    # 2,000 signatures are 1 MiB; all pairs of one band bucket of 2,000 would be 32 MB, per band.
    assert peak < 24 * 2**20, peak


def test_two_thousand_copies_are_one_component_in_the_rebuild_without_pairs() -> None:
    texts = wire_copies(2000) + unique_reports(300)
    sigs = signatures(texts)
    index = NearDupIndex.build((_key(i), s) for i, s in enumerate(sigs))
    tracemalloc.start()
    try:
        roots = index.components()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert roots.shape == (2300,)
    sizes = Counter(roots.tolist())
    assert sizes.most_common(1)[0][1] == 2000
    assert len(sizes) == 301  # every unique report on its own
    assert peak < 24 * 2**20, peak


def test_components_equal_the_pairwise_clusters_and_the_crawl_path() -> None:
    # Small enough to list every pair, which is the definition the bounded methods must meet.
    texts = wire_copies(150, seed=1) + unique_reports(80)
    rng = random.Random(4)
    edited = []
    for text in wire_copies(120, seed=3):
        words = text.split()
        for i in rng.sample(range(len(words)), 4):
            words[i] = rng.choice(["ook", "toen", "nog", "daar"])
        edited.append(" ".join(words))
    texts += edited
    rng.shuffle(texts)
    sigs = signatures(texts)
    keys = [_key(i) for i in range(len(texts))]
    index = NearDupIndex.build(zip(keys, sigs, strict=True))

    def partition(roots: list[int]) -> set[frozenset[int]]:
        groups: dict[int, set[int]] = {}
        for i, root in enumerate(roots):
            groups.setdefault(root, set()).add(i)
        return {frozenset(g) for g in groups.values()}

    pairwise = partition(_components(len(keys), index.pair_ids().tolist()))
    assert partition(index.components().tolist()) == pairwise
    live = NearDupIndex()
    for key, sig in zip(keys, sigs, strict=True):
        live.link(key, sig)
    assert partition([live.root(k) for k in keys]) == pairwise
    assert len(pairwise) < 120  # the copies did cluster (80 unique reports stay apart)
    assert set(cluster(index).values()) == {min(keys[i] for i in g) for g in pairwise}


def test_rebuild_on_a_database_with_two_thousand_copies(db_url: str) -> None:
    engine = open_database(db_url)
    texts = wire_copies(2000) + unique_reports(100)
    start = dt.datetime(2026, 3, 2, 6, tzinfo=dt.UTC)
    rows = []
    for i, text in enumerate(texts):
        url = f"https://outlet{i % 37}.example/nieuws/{i}"
        at = start + dt.timedelta(minutes=i)
        rows.append(
            {
                "id": _key(i),
                "url": url,
                "fetched_url": url,
                "source": f"outlet{i % 37}",
                "outlet": f"Outlet {i % 37}",
                "country": "nl",
                "title": "Brand in bedrijfspand Dordrecht" if i < 2000 else f"Melding {i}",
                "text": text,
                "published": at.date(),
                "published_at": at,
                "language": "nl",
                "language_prob": 0.99,
                "text_hash": hashlib.sha256(text.encode()).hexdigest(),
                # Half stored without a signature: the rebuild computes those in batches.
                "minhash": None if i % 2 else signatures([text])[0],
                "first_seen": at,
                "last_seen": at,
            }
        )
    with engine.begin() as conn:
        conn.execute(Article.__table__.insert(), rows)
    seen: list[tuple[str, int, int]] = []
    articles, clusters = rebuild_clusters(engine, batch=300, progress=lambda *a: seen.append(a))
    assert (articles, clusters) == (2100, 101)
    with Session(engine) as s:
        sizes = Counter(s.scalars(select(Article.cluster_id)))
        assert sizes.most_common(1)[0] == (min(_key(i) for i in range(2000)), 2000)
        reps = s.scalars(select(Article.id).where(Article.is_representative.is_(True))).all()
        assert len(reps) == 101 and _key(0) in reps  # the earliest copy represents the story
        assert s.scalar(select(func.count()).where(Article.minhash.is_(None))) == 0
        verbatim = s.execute(
            select(Article.text_hash, func.count()).group_by(Article.text_hash).order_by(func.count().desc())
        ).first()
        assert verbatim is not None and verbatim[1] > 400
        first = s.scalar(
            select(Article.id).where(Article.text_hash == verbatim[0]).order_by(Article.published_at)
        )
        marked = s.scalars(select(Article.duplicate_of).where(Article.text_hash == verbatim[0])).all()
        assert Counter(marked) == {None: 1, first: verbatim[1] - 1}
    # Texts were read 300 at a time, and every stage reported its progress to the end.
    computed = [done for stage, done, _ in seen if stage == "computed signatures of"]
    assert computed == [300, 600, 900, 1050]
    assert {stage for stage, done, total in seen if done == total} >= {
        "loaded signatures of",
        "clustered",
        "wrote clusters of",
        "chose representatives among",
        "marked exact duplicates among",
    }
    # A second rebuild changes nothing and writes nothing new.
    assert rebuild_clusters(engine) == (2100, 101)


def test_signature_bytes_are_kept_once_per_article() -> None:
    sigs = signatures(wire_copies(500))
    index = NearDupIndex.build((_key(i), s) for i, s in enumerate(sigs))
    assert index._sigs.nbytes == 500 * NUM_PERM * 4
    assert np.array_equal(index.components(), np.zeros(500, dtype=np.int64))


def test_buckets_holding_several_clusters_give_the_pairwise_clusters() -> None:
    # Signatures made to share band buckets without being similar (the first two bands of a base
    # and random values after), next to near copies, verbatim copies and drifting chains, so that
    # large buckets hold several clusters, and clusters meet only through a chain.
    def partition(roots: list[int]) -> set[frozenset[int]]:
        groups: dict[int, set[int]] = {}
        for i, root in enumerate(roots):
            groups.setdefault(root, set()).add(i)
        return {frozenset(g) for g in groups.values()}

    for seed in range(3):
        rng = np.random.default_rng(seed)
        bases = rng.integers(0, 2**32 - 1, size=(4, NUM_PERM), dtype=np.uint32)
        sigs: list[bytes] = []
        for _ in range(900):
            sig = bases[rng.integers(0, 4)].copy()
            mode = rng.integers(0, 4)
            if mode == 0:
                changed = rng.choice(NUM_PERM, size=rng.integers(0, 45), replace=False)
                sig[changed] = rng.integers(0, 2**32 - 1, size=len(changed), dtype=np.uint32)
            elif mode == 1:
                sig[12:] = rng.integers(0, 2**32 - 1, size=NUM_PERM - 12, dtype=np.uint32)
            elif mode == 2 and sigs:
                sig = np.frombuffer(sigs[rng.integers(0, len(sigs))], dtype="<u4").copy()
                changed = rng.choice(NUM_PERM, size=rng.integers(20, 40), replace=False)
                sig[changed] = rng.integers(0, 2**32 - 1, size=len(changed), dtype=np.uint32)
            sigs.append(sig.astype("<u4").tobytes())
        keys = [f"k{i:04d}" for i in range(len(sigs))]
        index = NearDupIndex.build(zip(keys, sigs, strict=True))
        pairwise = partition(_components(len(keys), index.pair_ids().tolist()))
        assert max(len(g) for g in pairwise) > 100 and len(pairwise) > 200
        assert partition(index.components().tolist()) == pairwise
        live = NearDupIndex()
        for key, sig in zip(keys, sigs, strict=True):
            live.link(key, sig)
        assert partition([live.root(k) for k in keys]) == pairwise
        # Half stored (seeded with its clusters, as ClusterState.load does), half crawled.
        half = len(keys) // 2
        resumed = NearDupIndex.build(zip(keys[:half], sigs[:half], strict=True))
        resumed.unite_ids(resumed.components(), np.arange(half))
        for key, sig in zip(keys[half:], sigs[half:], strict=True):
            resumed.link(key, sig)
        assert partition([resumed.root(k) for k in keys]) == pairwise


def test_rebuild_of_an_empty_corpus_is_zero_clusters(tmp_path) -> None:
    # An empty corpus once ended in an IndexError from the smallest-key step.
    engine = open_database(str(tmp_path / "empty.sqlite"))
    try:
        assert rebuild_clusters(engine) == (0, 0)
    finally:
        engine.dispose()
