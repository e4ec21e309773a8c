"""The ``wire`` flag of near-duplicate clusters (corpus.store.clusters), on real SQLite files.

A cluster is wire when any of its copies credits a news agency (``articles.agency``); every member
carries the flag, and a single copy that credits an agency is wire too. The flag is decided with
the representative: at the close of a crawl for the clusters it touched, and by ``dedup --rebuild``
for all. The crawl tests below run the real crawler against outlets served on 127.0.0.1; the
stories are written for these tests.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from corpus.dedup.neardup import signatures
from corpus.devtools.server import render_sources, serve_sites
from corpus.store.clusters import rebuild_clusters, refresh_representatives
from corpus.store.models import Article
from corpus.store.storage import open_database
from tests.conftest import FAST, run_cli

# -- the flag on stored rows ----------------------------------------------------------------------

STORY = [
    "Bij een brand in een loods aan de Havenweg in Harlingen is vrijdagnacht een brandweerman "
    "lichtgewond geraakt.",
    "De brandweer werd kort na middernacht gealarmeerd en schaalde op naar een grote brand.",
    "In de loods stonden vissersboten en netten opgeslagen; de schade is volgens de eigenaar groot.",
    "De brandweerman raakte gewond aan zijn arm toen een deel van het dak naar beneden kwam.",
    "Omwonenden kregen het advies ramen en deuren gesloten te houden vanwege de rook.",
    "De politie onderzoekt of de brand is aangestoken; getuigen zagen een scooter wegrijden.",
    "Rond vier uur in de ochtend meldde de veiligheidsregio dat het vuur onder controle was.",
]
OTHER = [
    "De gemeenteraad van Sneek heeft ingestemd met een nieuw fietspad langs de Zwettestraat.",
    "Het pad moet de route naar de middelbare scholen veiliger maken voor honderden scholieren.",
    "De aanleg begint na de zomervakantie en duurt naar verwachting vier maanden.",
    "Omwonenden konden vorig jaar meepraten over het ontwerp tijdens drie inloopavonden.",
    "Een meerderheid van de raad noemde het plan een belangrijke stap voor de verkeersveiligheid.",
]


def _row(key: str, text: str, cluster: str | None, agency: str | None, minute: int) -> dict[str, Any]:
    at = dt.datetime(2025, 4, 4, 6, tzinfo=dt.UTC) + dt.timedelta(minutes=minute)
    url = f"https://outlet-{key}.example/nieuws/{key}"
    return {
        "id": key,
        "url": url,
        "fetched_url": url,
        "source": f"outlet-{key}",
        "outlet": f"Outlet {key}",
        "country": "nl",
        "title": "Brand in loods Harlingen",
        "text": text,
        "published": at.date(),
        "published_at": at,
        "language": "nl",
        "language_prob": 0.99,
        "text_hash": hashlib.sha256(text.encode()).hexdigest(),
        "cluster_id": cluster,
        "agency": agency,
        "first_seen": at,
        "last_seen": at,
    }


def _wire(engine: Any) -> dict[str, bool | None]:
    with Session(engine) as s:
        return {key: wire for key, wire in s.execute(select(Article.id, Article.wire))}


@pytest.fixture
def engine(tmp_path: Path) -> Any:
    engine = open_database(str(tmp_path / "clusters.sqlite"))
    yield engine
    engine.dispose()


def test_every_member_of_a_cluster_with_a_credited_copy_is_wire(engine: Any) -> None:
    text = " ".join(STORY)
    rows = [
        _row("a1", text, "a1", None, 0),  # three copies, one credits ANP
        _row("a2", text + " (ANP)", "a1", "ANP", 1),
        _row("a3", text, "a1", None, 2),
        _row("b1", " ".join(OTHER), "b1", None, 0),  # two copies, no credit
        _row("b2", " ".join(OTHER), "b1", None, 5),
        _row("c1", "Een kopie van Belga, alleen.", "c1", "Belga", 0),  # one copy, credited
        _row("d1", "Een eigen verhaal, alleen.", "d1", None, 0),  # one copy, no credit
    ]
    with engine.begin() as conn:
        conn.execute(Article.__table__.insert(), rows)
    assert set(_wire(engine).values()) == {None}  # stored, not yet decided
    assert refresh_representatives(engine, {"a1", "b1", "c1", "d1"}) == 4
    assert _wire(engine) == {
        "a1": True,
        "a2": True,
        "a3": True,
        "b1": False,
        "b2": False,
        "c1": True,
        "d1": False,
    }
    with Session(engine) as s:
        reps = set(s.scalars(select(Article.id).where(Article.is_representative.is_(True))))
    assert reps == {"a1", "b1", "c1", "d1"}  # the representative pass is unchanged
    # The credited copy is re-extracted without its credit: the cluster is no longer wire.
    with engine.begin() as conn:
        conn.execute(update(Article).where(Article.id == "a2").values(agency=None))
    refresh_representatives(engine, {"a1"})
    assert not any(_wire(engine)[k] for k in ("a1", "a2", "a3"))
    # The whole-table pass (refresh without ids) decides the same, including undecided rows.
    with engine.begin() as conn:
        conn.execute(update(Article).values(wire=None))
        conn.execute(update(Article).where(Article.id == "b2").values(agency="Reuters"))
    refresh_representatives(engine)
    assert _wire(engine) == {
        "a1": False,
        "a2": False,
        "a3": False,
        "b1": True,
        "b2": True,
        "c1": True,
        "d1": False,
    }


def test_the_rebuild_clusters_copies_and_flags_them(engine: Any) -> None:
    credited = " ".join(STORY)
    bare = " ".join(STORY[:-1]) + " De Havenweg is tot zaterdagmiddag afgesloten voor verkeer."
    texts = {"k1": (bare, None), "k2": (credited, "ANP"), "k3": (" ".join(OTHER), None)}
    rows = []
    for minute, (key, (text, agency)) in enumerate(texts.items()):
        row = _row(key, text, None, agency, minute)
        row["minhash"] = signatures([text])[0]
        rows.append(row)
    with engine.begin() as conn:
        conn.execute(Article.__table__.insert(), rows)
    assert rebuild_clusters(engine) == (3, 2)
    with Session(engine) as s:
        clusters = {key: cid for key, cid in s.execute(select(Article.id, Article.cluster_id))}
    assert clusters["k1"] == clusters["k2"] != clusters["k3"]
    assert _wire(engine) == {"k1": True, "k2": True, "k3": False}
    assert rebuild_clusters(engine) == (3, 2)
    assert _wire(engine) == {"k1": True, "k2": True, "k3": False}


# -- the flag on the crawl path -------------------------------------------------------------------

_HAVEN = (
    "In Harlingen is vrijdagnacht een grote brand uitgebroken in een loods aan de Havenweg. Een "
    "brandweerman raakte lichtgewond toen een deel van het dak naar beneden kwam.",
    "In de loods lagen vissersboten, netten en motoren opgeslagen. De eigenaar spreekt van een "
    "klap voor zijn bedrijf, dat al drie generaties in de familie is.",
    "De brandweer schaalde kort na middernacht op naar een grote brand. Omwonenden kregen het "
    "advies ramen en deuren gesloten te houden vanwege de rook boven de haven.",
    "De politie onderzoekt of de brand is aangestoken. Getuigen zagen rond het uitbreken van het "
    "vuur een scooter met twee personen wegrijden richting het centrum.",
    "Rond vier uur in de ochtend meldde de veiligheidsregio dat het vuur onder controle was. De "
    "Havenweg blijft tot zaterdagmiddag afgesloten.",
)
_FIETSPAD = (
    "De gemeenteraad van Sneek heeft dinsdagavond ingestemd met de aanleg van een fietspad langs "
    "de Zwettestraat. Het pad moet de route naar drie middelbare scholen veiliger maken.",
    "Ouders klaagden al jaren over de drukte op de smalle weg, waar vrachtwagens en scholieren "
    "elkaar in de spits moeten passeren. Vorig jaar gebeurden er vier ongelukken.",
    "De aanleg begint na de zomervakantie en duurt naar verwachting vier maanden. Tijdens de "
    "werkzaamheden fietsen scholieren via een tijdelijke route langs het park.",
)
_ANTWERPEN = (
    "In Antwerpen heeft de politie zaterdagavond drie jongeren opgepakt na een reeks diefstallen "
    "uit geparkeerde wagens in de wijk Zurenborg. Ze werden op heterdaad betrapt.",
    "Buurtbewoners hadden de voorbije weken meer dan twintig inbraken in auto's gemeld. De "
    "daders sloegen telkens een ruit in en namen tassen, laptops en zonnebrillen mee.",
    "Het parket onderzoekt of het drietal ook betrokken is bij gelijkaardige feiten in Berchem. "
    "Een onderzoeksrechter beslist maandag of ze aangehouden blijven.",
)


def _article(
    title: str, paragraphs: tuple[str, ...], *, site: str, byline: str, day: str, tail: str = ""
) -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs) + (f"<p>{tail}</p>" if tail else "")
    return (
        f"<!DOCTYPE html><html lang='nl'><head><meta charset='utf-8'><title>{title} | {site}</title>"
        f"<meta property='og:site_name' content='{site}'><meta property='og:type' content='article'>"
        f"<meta property='article:published_time' content='{day}T08:30:00+02:00'></head><body>"
        f"<nav><a href='/'>Home</a> <a href='/nieuws/'>Nieuws</a></nav><article><h1>{title}</h1>"
        f"<p class='byline'>{byline}</p><time datetime='{day}T08:30:00+02:00'>{day}</time>{body}</article>"
        f"<footer>© {site}</footer></body></html>"
    )


# outlet → (country, path, page)
OUTLETS: dict[str, tuple[str, str, str]] = {
    "kustkrant": (
        "nl",
        "nieuws/brand-loods-harlingen",
        _article(
            "Brandweerman gewond bij grote brand in loods Harlingen",
            _HAVEN,
            site="De Kustkrant",
            byline="Door ANP",
            day="2025-04-04",
            tail="(ANP)",
        ),
    ),
    "polderbode": (
        "nl",
        "nieuws/loods-harlingen-afgebrand",
        _article(
            "Loods met vissersboten in Harlingen afgebrand",
            _HAVEN,
            site="De Polderbode",
            byline="Door Redactie",
            day="2025-04-04",
        ),
    ),
    "stadsblad": (
        "nl",
        "nieuws/fietspad-zwettestraat",
        _article(
            "Raad Sneek stemt in met fietspad Zwettestraat",
            _FIETSPAD,
            site="Het Stadsblad",
            byline="Door Ilse Kramer",
            day="2025-04-02",
        ),
    ),
    "scheldekrant": (
        "be",
        "regio/diefstallen-zurenborg",
        _article(
            "Drie jongeren opgepakt na diefstallen uit wagens in Zurenborg",
            _ANTWERPEN,
            site="De Scheldekrant",
            byline="Door Lien De Smedt",
            day="2025-04-05",
            tail="© Belga",
        ),
    ),
}


def _site(root: Path) -> None:
    lines = []
    for name, (country, path, page) in OUTLETS.items():
        folder = root / name
        (folder / path).parent.mkdir(parents=True, exist_ok=True)
        (folder / f"{path}.html").write_text(page, encoding="utf-8")
        (folder / "robots.txt").write_text("User-agent: *\nAllow: /\n", encoding="utf-8")
        (folder / "sitemap.xml").write_text(
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"<url><loc>{{{{base}}}}/{path}</loc></url></urlset>\n",
            encoding="utf-8",
        )
        lines += [
            "[[source]]",
            f'name = "{name}"',
            f'outlet = "{name.title()}"',
            f'country = "{country}"',
            f'sitemaps = ["{{{{base:{name}}}}}/sitemap.xml"]',
            "",
        ]
    (root / "sources.toml").write_text("\n".join(lines), encoding="utf-8")


def _only(sources: Path, names: set[str], out: Path) -> Path:
    blocks = sources.read_text(encoding="utf-8").split("[[source]]")
    out.write_text("".join(f"[[source]]{b}" for b in blocks[1:] if any(f'"{n}"' in b for n in names)))
    return out


def _stored(db: Path) -> dict[str, tuple[str | None, str | None, int | None]]:
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT source, cluster_id, agency, wire FROM articles").fetchall()
    return {source: (cluster, agency, wire) for source, cluster, agency, wire in rows}


def test_the_crawl_flags_wire_clusters_when_it_closes_and_the_rebuild_agrees(tmp_path: Path) -> None:
    root = tmp_path / "site"
    _site(root)
    db = tmp_path / "corpus.sqlite"
    with serve_sites(root) as bases:
        everything = render_sources(root, bases, tmp_path / "sources.toml")
        # First crawl: the uncredited copy alone, and an unrelated story.
        first = _only(everything, {"polderbode", "stadsblad"}, tmp_path / "first.toml")
        proc = run_cli("crawl", "--sources", str(first), "--db", str(db), *FAST, timeout=180)
        assert proc.returncode == 0, proc.stderr[-3000:]
        stored = _stored(db)
        assert set(stored) == {"polderbode", "stadsblad"}
        assert stored["polderbode"][1:] == (None, 0) and stored["stadsblad"][1:] == (None, 0)
        # Second crawl: the agency's copy joins the stored copy's cluster, which becomes wire;
        # a Flemish story credited to Belga is wire on its own.
        proc = run_cli("crawl", "--sources", str(everything), "--db", str(db), *FAST, timeout=180)
        assert proc.returncode == 0, proc.stderr[-3000:]
    stored = _stored(db)
    assert set(stored) == set(OUTLETS)
    assert stored["kustkrant"][0] == stored["polderbode"][0]
    assert stored["kustkrant"][1:] == ("ANP", 1)
    assert stored["polderbode"][1:] == (None, 1)
    assert stored["scheldekrant"][1:] == ("Belga", 1)
    assert stored["stadsblad"][1:] == (None, 0)
    # dedup --rebuild decides the same flags from the stored rows alone.
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE articles SET wire = NULL")
    proc = run_cli("dedup", "--rebuild", "--db", str(db), timeout=120)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert _stored(db) == stored
