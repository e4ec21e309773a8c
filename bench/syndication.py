"""Benchmark clustering under heavy syndication: wire stories copied by hundreds of outlets.

Builds a SQLite corpus shaped like a year of Dutch and Flemish wire copy — by default 100,000
articles: 50 stories x 1,500 copies plus 25,000 unique articles — and measures, at each size:

- ``crimecorpus dedup --rebuild`` (the real command, in a child process), and
- the crawl path: :class:`corpus.store.clusters.ClusterState` assigning the same stream, article by
  article, starting from an empty database (what the near-duplicate pipeline does),

printing wall time, peak RSS of the child process and the growth from the smallest to the largest
size. A size of ``n`` is the first ``n`` articles of one fixed stream (stories interleaved in time),
so at 10k the 50 stories have about 150 copies each: the growth factor includes the growth of the
clusters, which is what makes an all-pairs method quadratic.

Copies are not only exact: each outlet adds its credit line, some write their own lead, some
change a sentence or a few words, most give it their own headline. The unique articles come from a
small Dutch generator written for this bench (sentence patterns with varied slots), so that
unrelated articles share phrases the way police reports do, not whole texts.

The crawl path and the rebuild agree on every cluster except where a headline is shared by more
than ``TITLE_BUCKET_MAX`` articles: the crawl path keeps the title links it made while the bucket
was smaller (see :class:`corpus.dedup.neardup.NearDupIndex`), so it may report a few clusters fewer.

Wall time depends on what else the machine runs; CPU time (user + system of the child) less so.
Before the union-find clustering (commit 27b6e01, pairs listed per band bucket), on 2 shared
cores, same streams: ``dedup --rebuild`` took 7.1 s and 383 MB at 10,000 articles and 54.7 s and
2.3 GB at 30,000 (450 copies a story; the issue's 51k copy with 1,500 copies a story was killed
at 22.8 GB); the crawl path took 2.1 s at 10,000, 10.6 s at 30,000 and 110 s at 100,000 (353 MB).
After it: rebuild 2.3 s / 147 MB, 4.5 s / 188 MB and 12.6 s / 368 MB; crawl path 2.2 s,
5.3 s and 17.5 s (330 MB) — with the same clusters.

Usage: python bench/syndication.py [--sizes 10000 100000] [--stories 50] [--copies 1500]
                                   [--unique 25000] [--seed 1] [--keep DIR]
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

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
    "Deventer",
    "Enschede",
    "Hengelo",
    "Apeldoorn",
    "Amersfoort",
    "Dordrecht",
    "Schiedam",
    "Zaandam",
    "Alkmaar",
    "Hoorn",
    "Emmen",
    "Assen",
    "Roermond",
    "Heerlen",
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
    "Lier",
    "Turnhout",
    "Sint-Niklaas",
    "Dendermonde",
    "Ronse",
    "Tienen",
    "Geel",
    "Mol",
    "Lokeren",
    "Ieper",
    "Roeselare",
    "Vilvoorde",
]
STREET_STEMS = [
    "Kerk",
    "Molen",
    "Dorps",
    "Stations",
    "Markt",
    "Haven",
    "School",
    "Linden",
    "Eiken",
    "Beuken",
    "Kastanje",
    "Wilgen",
    "Berken",
    "Vondel",
    "Rembrandt",
    "Oranje",
    "Nassau",
    "Willem",
    "Juliana",
    "Beatrix",
    "Emma",
    "Prins",
    "Koning",
    "Brug",
    "Dijk",
    "Weide",
    "Veld",
    "Bos",
    "Hof",
    "Poort",
    "Sluis",
    "Gracht",
    "Tuin",
    "Spoor",
    "Fabriek",
    "Zuid",
    "Noord",
    "Oost",
    "West",
    "Nieuwe",
    "Oude",
]
STREET_ENDS = ("straat", "laan", "weg", "plein", "singel", "dijk", "kade", "steeg", "dreef", "hof")
PEOPLE = (
    "een man van {age}",
    "een vrouw van {age} jaar",
    "een {age}-jarige man uit {town}",
    "een {age}-jarige vrouw uit {town}",
    "twee tieners",
    "een jongen van {age}",
    "een oudere bewoonster",
    "een bezorger",
    "een taxichauffeur",
    "een medewerker van de winkel",
    "een fietser",
    "een voetganger",
    "de eigenaar van het pand",
    "een buurtbewoner",
    "drie jongemannen",
    "een automobilist uit {town}",
)
SUSPECTS = (
    "een verdachte",
    "de vermoedelijke dader",
    "twee mannen op een scooter",
    "een man in donkere kleding",
    "een groepje jongeren",
    "de bestuurder van een grijze bestelbus",
    "een bekende van het slachtoffer",
    "een inbreker",
    "twee gemaskerde overvallers",
    "een vrouw met een capuchon",
)
INCIDENTS = (
    "een steekpartij",
    "een woninginbraak",
    "een gewapende overval",
    "een mishandeling",
    "een explosie bij een woning",
    "een brand in een bedrijfspand",
    "een aanrijding met vluchtmisdrijf",
    "een ramkraak",
    "een schietpartij",
    "een straatroof",
    "een vechtpartij",
    "een diefstal uit een bedrijfsbus",
    "een bedreiging met een vuurwapen",
    "een drugsvangst",
    "een achtervolging",
)
TIMES = (
    "dinsdagavond",
    "maandagochtend",
    "in de nacht van zaterdag op zondag",
    "woensdagmiddag",
    "donderdag rond het middaguur",
    "vrijdagavond laat",
    "zondagochtend vroeg",
    "zaterdagnacht",
    "kort na middernacht",
    "aan het begin van de avond",
)
OUTCOMES = (
    "raakte lichtgewond",
    "werd met spoed naar het ziekenhuis gebracht",
    "bleef ongedeerd maar is flink geschrokken",
    "is zwaargewond",
    "werd ter plaatse door ambulancepersoneel verzorgd",
    "kon na een controle naar huis",
    "overleed later aan zijn verwondingen",
    "verkeert niet in levensgevaar",
)
POLICE_ACTS = (
    "De politie zette de omgeving af voor sporenonderzoek",
    "Agenten zochten met een hond en een helikopter naar de dader",
    "De recherche bekijkt camerabeelden uit de buurt",
    "Een forensisch team deed urenlang onderzoek op de plek",
    "Buurtbewoners werden door wijkagenten gehoord",
    "De politie vraagt getuigen zich te melden",
    "Er is een tipnummer geopend voor informatie",
    "De officier van justitie heeft de zaak in behandeling",
    "Het Openbaar Ministerie onderzoekt of er verband is met eerdere incidenten",
    "De verdachte zit vast voor verhoor",
)
QUOTES = (
    "Het was echt schrikken, we hoorden ineens geschreeuw",
    "Je verwacht zoiets niet in zo'n rustige straat",
    "Ik zag de politie met veel wagens aankomen",
    "We durven 's avonds bijna niet meer naar buiten",
    "Mijn kinderen sliepen gelukkig al",
    "Het gebeurt hier vaker, er moet echt iets veranderen",
    "Ik heb meteen het alarmnummer gebeld",
    "Niemand weet precies wat er is gebeurd",
)
SPEAKERS = (
    "zegt een buurvrouw",
    "vertelt een omwonende",
    "aldus een woordvoerder van de politie",
    "zegt de burgemeester",
    "laat een getuige weten",
    "zegt een medewerker van een nabijgelegen zaak",
)
CONNECTORS = (
    "Volgens de politie",
    "Naar verluidt",
    "Volgens getuigen",
    "Kort daarna",
    "Even later",
    "Daarna",
)
DETAILS = (
    "was de buit niet groot",
    "ging het om een ruzie die uit de hand liep",
    "vluchtte de dader te voet richting het centrum",
    "werd een mes gevonden in een container",
    "waren er meerdere getuigen aanwezig",
    "ontstond er grote schade aan de gevel",
    "is de straat voorlopig afgesloten voor verkeer",
    "kende de dader het slachtoffer niet",
    "werd de auto later verlaten teruggevonden",
    "hadden de daders het op geld en sieraden gemunt",
    "is er nog niemand aangehouden",
    "wordt een tweede verdachte nog gezocht",
)
TRIAL = (
    "De rechtbank in {town} veroordeelde de man tot {age} maanden cel",
    "De officier van justitie eiste een taakstraf van {age} uur",
    "De zaak komt over enkele weken voor de politierechter",
    "De verdachte moet voorlopig in de cel blijven",
    "Zijn advocaat liet weten in hoger beroep te gaan",
    "De rechter-commissaris verlengde de voorlopige hechtenis met twee weken",
)
EXTRA_WORDS = [
    "rustige",
    "opvallend",
    "flink",
    "vermoedelijk",
    "onverwacht",
    "later",
    "nog",
    "ook",
    "eerder",
    "opnieuw",
    "meteen",
    "bekende",
    "nieuwe",
    "grote",
    "kleine",
    "donkere",
    "oude",
    "drukke",
    "lege",
    "afgelegen",
    "naburige",
]
CREDITS = (
    "(ANP)",
    "(Belga)",
    "Bron: ANP.",
    "© Belga",
    "Door onze redactie.",
    "Van onze verslaggever.",
    "(ANP/Redactie)",
    "Bewerkt door de regioredactie.",
)
HEADLINE_VERBS = ("aangehouden", "gewond", "gezocht", "opgepakt", "vast", "verdacht", "veroordeeld")


class Dutch:
    """A small generator of Dutch crime-news sentences, seeded per article so sizes share a prefix."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def _fill(self, pattern: str) -> str:
        rng = self.rng
        return pattern.format(age=rng.randint(14, 81), town=rng.choice(PLACES))

    def street(self) -> str:
        return self.rng.choice(STREET_STEMS) + self.rng.choice(STREET_ENDS)

    def sentence(self) -> str:
        rng = self.rng
        kind = rng.randrange(9)
        if kind == 0:
            s = (
                f"{rng.choice(TIMES).capitalize()} kreeg de politie een melding van "
                f"{rng.choice(INCIDENTS)} aan de {self.street()}"
            )
        elif kind == 1:
            s = f"{self._fill(rng.choice(PEOPLE)).capitalize()} {rng.choice(OUTCOMES)}"
        elif kind == 2:
            s = f"{rng.choice(POLICE_ACTS)}"
        elif kind == 3:
            s = f"{rng.choice(CONNECTORS)} {rng.choice(DETAILS)}"
        elif kind == 4:
            s = f"'{rng.choice(QUOTES)}', {rng.choice(SPEAKERS)}"
        elif kind == 5:
            s = (
                f"{rng.choice(SUSPECTS).capitalize()} werd {rng.choice(TIMES)} in "
                f"{rng.choice(PLACES)} aangehouden"
            )
        elif kind == 6:
            s = self._fill(rng.choice(TRIAL))
        elif kind == 7:
            s = (
                f"Bij {rng.choice(INCIDENTS)} in de {rng.choice(EXTRA_WORDS)} {self.street()} "
                f"{rng.choice(OUTCOMES)} {self._fill(rng.choice(PEOPLE))}"
            )
        else:
            s = (
                f"{rng.choice(CONNECTORS)} was {self._fill(rng.choice(PEOPLE))} "
                f"{rng.choice(EXTRA_WORDS)} op weg naar huis toen {rng.choice(SUSPECTS)} toesloeg"
            )
        if rng.random() < 0.3:
            words = s.split()
            words.insert(rng.randrange(1, len(words) + 1), rng.choice(EXTRA_WORDS))
            s = " ".join(words)
        return s + "."

    def headline(self, town: str) -> str:
        rng = self.rng
        who = rng.choice(("Man", "Vrouw", "Tiener", "Verdachte", "Twee mannen", "Bestuurder", "Inbreker"))
        what = rng.choice(INCIDENTS).split(" ", 1)[1]
        return f"{who} {rng.choice(HEADLINE_VERBS)} na {what} in {town}"

    def article(self, sentences: tuple[int, int]) -> tuple[str, list[str]]:
        town = self.rng.choice(PLACES)
        body = [self.sentence() for _ in range(self.rng.randint(*sentences))]
        return self.headline(town), body


@dataclass(frozen=True, slots=True)
class Slot:
    """One article of the stream: a copy of a story (``story >= 0``) or a unique article."""

    story: int
    number: int


def stream(stories: int, copies: int, unique: int, seed: int) -> list[Slot]:
    """The publication order of the whole corpus, stories interleaved with unique articles."""
    slots = [Slot(s, c) for s in range(stories) for c in range(copies)]
    slots += [Slot(-1, u) for u in range(unique)]
    random.Random(seed).shuffle(slots)
    return slots


def _rng(seed: int, *parts: object) -> random.Random:
    return random.Random(hashlib.blake2b(repr((seed, *parts)).encode(), digest_size=8).digest())


def story_base(seed: int, story: int) -> tuple[str, str, list[str], list[str]]:
    """A wire story: dateline town, headline, body sentences and three alternative leads."""
    gen = Dutch(_rng(seed, "story", story))
    title, body = gen.article((14, 20))
    town = title.rsplit(" ", 1)[1]
    body[0] = f"{town.upper()} - {body[0]}"
    leads = [f"{town.upper()} - {gen.sentence()}" for _ in range(3)]
    return town, title, body, leads


def copy_of(
    seed: int, base: tuple[str, str, list[str], list[str]], story: int, number: int
) -> tuple[str, str]:
    """An outlet's copy: its credit, perhaps its own lead, a changed sentence or words, a headline."""
    town, title, body, leads = base
    rng = _rng(seed, "copy", story, number)
    if rng.random() < 0.2:  # run verbatim, as the agency sent it
        return title, " ".join(body)
    gen = Dutch(rng)
    out = list(body)
    if rng.random() < 0.3:
        out[0] = rng.choice(leads)
    if rng.random() < 0.35:
        out[rng.randrange(1, len(out))] = gen.sentence()
    for _ in range(rng.choice((0, 0, 0, 1, 2))):
        i = rng.randrange(1, len(out))
        words = out[i].split()
        words[rng.randrange(len(words))] = rng.choice(EXTRA_WORDS)
        out[i] = " ".join(words)
    credit = rng.choice(CREDITS)
    text = " ".join([*out, credit] if rng.random() < 0.5 else [credit, *out])
    if rng.random() < 0.6:
        title = gen.headline(town)
    return title, text


def articles(n: int, stories: int, copies: int, unique: int, seed: int) -> Iterator[dict[str, Any]]:
    """The first ``n`` articles of the stream as rows for the ``articles`` table (no signature)."""
    from corpus.sources.urls import article_id

    bases: dict[int, tuple[str, str, list[str], list[str]]] = {}
    start = dt.datetime(2026, 1, 1, 6, 0, tzinfo=dt.UTC)
    outlets = [f"outlet{i:02d}" for i in range(60)]
    for i, slot in enumerate(stream(stories, copies, unique, seed)[:n]):
        if slot.story >= 0:
            if slot.story not in bases:
                bases[slot.story] = story_base(seed, slot.story)
            title, text = copy_of(seed, bases[slot.story], slot.story, slot.number)
        else:
            gen = Dutch(_rng(seed, "unique", slot.number))
            title, body = gen.article((6, 16))
            text = " ".join(body)
        outlet = outlets[i % len(outlets)]
        url = f"https://{outlet}.example/nieuws/{i:07d}"
        at = start + dt.timedelta(minutes=5 * i)
        yield {
            "id": article_id(url),
            "url": url,
            "fetched_url": url,
            "source": outlet,
            "outlet": outlet.capitalize(),
            "country": "nl" if i % 3 else "be",
            "title": title,
            "text": text,
            "published": at.date(),
            "published_at": at,
            "month": at.strftime("%Y-%m"),
            "language": "nl",
            "language_prob": 0.99,
            "text_hash": hashlib.sha256(text.encode()).hexdigest(),
            "first_seen": at,
            "last_seen": at,
            "story": slot.story,
        }


def build_db(path: Path, n: int, args: argparse.Namespace) -> dict[str, Any]:
    """Write the first ``n`` articles with their signatures (as a crawl would have stored them)."""
    from corpus.dedup.neardup import signatures
    from corpus.store.models import Article
    from corpus.store.storage import open_database

    engine = open_database(f"sqlite:///{path}")
    started = time.perf_counter()
    batch: list[dict[str, Any]] = []
    stories: dict[str, int] = {}

    def flush() -> None:
        sigs = signatures(row["text"] for row in batch)
        for row, sig in zip(batch, sigs, strict=True):
            row["minhash"] = sig
            stories[row["id"]] = row.pop("story")
        with engine.begin() as conn:
            conn.execute(Article.__table__.insert(), batch)
        batch.clear()

    for row in articles(n, args.stories, args.copies, args.unique, args.seed):
        batch.append(row)
        if len(batch) == 2000:
            flush()
    if batch:
        flush()
    engine.dispose()
    path.with_suffix(".stories.json").write_text(json.dumps(stories))
    return {"build_s": time.perf_counter() - started}


def crawl_path(db: Path) -> dict[str, Any]:
    """Assign every stored article, in publication order, through an initially empty ClusterState."""
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from corpus.store.clusters import ClusterState
    from corpus.store.models import Article
    from corpus.store.storage import make_engine

    engine = make_engine(f"sqlite:///{db}")
    state = ClusterState.empty()
    merges = 0
    with Session(engine) as s:
        rows = s.execute(
            select(Article.id, Article.minhash, Article.title).order_by(Article.published_at, Article.id)
        ).yield_per(2000)
        for id_, sig, title in rows:
            merges += len(state.assign(id_, sig, title)[1])
    clusters = {key: state.cluster_id(key) for key in state.index.keys}
    return {"merges": merges, "clusters": clusters}


def quality(clusters: dict[str, str], stories: dict[str, int]) -> dict[str, int]:
    """How the clusters match the generated truth: split stories and wrongly joined articles."""
    by_cluster: dict[str, Counter[int]] = {}
    for key, cid in clusters.items():
        by_cluster.setdefault(cid, Counter())[stories[key]] += 1
    story_clusters: Counter[int] = Counter()
    joined_unique = 0
    for counts in by_cluster.values():
        for story in counts:
            if story >= 0:
                story_clusters[story] += 1
        if sum(counts.values()) > 1:
            joined_unique += counts.get(-1, 0)
    return {
        "clusters": len(by_cluster),
        "largest": max(sum(c.values()) for c in by_cluster.values()),
        "stories": len(story_clusters),
        "story_fragments": sum(story_clusters.values()),
        "unique_in_clusters": joined_unique,
        "mixed_clusters": sum(1 for c in by_cluster.values() if len([s for s in c if s >= 0]) > 1),
    }


def rebuild_result(db: Path) -> dict[str, str]:
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from corpus.store.models import Article
    from corpus.store.storage import make_engine

    with Session(make_engine(f"sqlite:///{db}")) as s:
        return {id_: cid for id_, cid in s.execute(select(Article.id, Article.cluster_id))}


def measured(cmd: list[str]) -> dict[str, Any]:
    """Run ``cmd`` through a fresh wrapper process, so the peak RSS read is this command's alone."""
    out = subprocess.run(
        [sys.executable, __file__, "--measure", json.dumps(cmd)], check=True, capture_output=True, text=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def measure(cmd: list[str]) -> None:
    started = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    peak = usage.ru_maxrss / 1024
    cpu = usage.ru_utime + usage.ru_stime
    print(
        json.dumps(
            {
                "wall_s": wall,
                "peak_mb": peak,
                "cpu_s": cpu,
                "rc": proc.returncode,
                "stdout": proc.stdout[-2000:],
                "stderr": proc.stderr[-2000:],
            }
        )
    )


def run_size(n: int, args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    db = workdir / f"synd-{n}.sqlite"
    fig: dict[str, Any] = {"n": n}
    fig.update(build_db(db, n, args))
    stories = json.loads(db.with_suffix(".stories.json").read_text())
    crimecorpus = [sys.executable, "-m", "corpus"]
    # Crawl path first: it reads the signatures only and leaves the database as built.
    crawl_out = workdir / f"crawl-{n}.json"
    fig["crawl"] = measured([sys.executable, __file__, "--crawl-path", str(db), "--out", str(crawl_out)])
    fig["crawl"]["quality"] = quality(json.loads(crawl_out.read_text())["clusters"], stories)
    fig["rebuild"] = measured([*crimecorpus, "dedup", "--rebuild", "--db", f"sqlite:///{db}"])
    if fig["rebuild"]["rc"] == 0:
        rebuilt = rebuild_result(db)
        fig["rebuild"]["quality"] = quality(rebuilt, stories)
        crawl_clusters = json.loads(crawl_out.read_text())["clusters"]
        fig["same_partition"] = _partition(rebuilt) == _partition(crawl_clusters)
    return fig


def _partition(mapping: dict[str, str]) -> set[frozenset[str]]:
    groups: dict[str, set[str]] = {}
    for key, cid in mapping.items():
        groups.setdefault(cid, set()).add(key)
    return {frozenset(g) for g in groups.values()}


def report(results: list[dict[str, Any]]) -> None:
    print(
        f"{'articles':>9} {'path':<16} {'wall s':>8} {'cpu s':>8} {'peak MB':>8} {'clusters':>9} {'largest':>8} "
        f"{'fragments':>9} {'joined':>6}  rc"
    )
    for fig in results:
        for name in ("crawl", "rebuild"):
            r = fig[name]
            q = r.get("quality", {})
            label = "ClusterState" if name == "crawl" else "dedup --rebuild"
            print(
                f"{fig['n']:>9,} {label:<16} {r['wall_s']:>8.1f} {r['cpu_s']:>8.1f} {r['peak_mb']:>8.0f} "
                f"{q.get('clusters', 0):>9,} {q.get('largest', 0):>8,} "
                f"{q.get('story_fragments', 0):>9} {q.get('unique_in_clusters', 0):>6}  {r['rc']}"
            )
            if r["rc"]:
                print("   stderr:", r["stderr"].strip().splitlines()[-1:] if r["stderr"] else "")
        if "same_partition" in fig:
            same = fig["same_partition"]
            why = "" if same else " (title buckets past TITLE_BUCKET_MAX: see the module docstring)"
            print(f"{'':>9} crawl path and rebuild give the same clusters: {same}{why}")
    if len(results) > 1:
        a, b = results[0], results[-1]
        for name in ("crawl", "rebuild"):
            if a[name]["rc"] == 0 and b[name]["rc"] == 0:
                print(
                    f"{name}: {a['n']:,} -> {b['n']:,} articles ({b['n'] / a['n']:g}x): wall time "
                    f"x{b[name]['wall_s'] / a[name]['wall_s']:.1f}, CPU time "
                    f"x{b[name]['cpu_s'] / a[name]['cpu_s']:.1f}, peak RSS "
                    f"x{b[name]['peak_mb'] / a[name]['peak_mb']:.1f}"
                )
    print(
        "fragments: clusters the stories fell into (1 per story is perfect); joined: unique "
        "articles put in a cluster (0 is perfect)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--stories", type=int, default=50)
    parser.add_argument("--copies", type=int, default=1500)
    parser.add_argument("--unique", type=int, default=25_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", type=Path, help="build the databases here and keep them")
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    parser.add_argument("--crawl-path", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        measure(json.loads(args.measure))
        return
    if args.crawl_path:
        started = time.perf_counter()
        result = crawl_path(args.crawl_path)
        args.out.write_text(json.dumps(result))
        print(
            f"{len(result['clusters'])} articles, {result['merges']} merges, "
            f"{time.perf_counter() - started:.1f} s"
        )
        return
    total = args.stories * args.copies + args.unique
    print(
        f"syndication: {args.stories} stories x {args.copies} copies + {args.unique} unique "
        f"= {total:,} articles in the full stream; sizes {args.sizes}"
    )
    workdir = args.keep or Path(tempfile.mkdtemp(prefix="syndication-"))
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        results = []
        for n in args.sizes:
            fig = run_size(min(n, total), args, workdir)
            results.append(fig)
            print(f"built {fig['n']:,} articles in {fig['build_s']:.1f} s", flush=True)
        report(results)
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
