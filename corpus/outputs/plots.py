"""PNG plots of a corpus tally: articles per month per outlet, crime categories over time, top places.

Figures are made with matplotlib's object API (``Figure``, never ``pyplot``), so no global state
or GUI backend is touched and two builds of the same tally give byte-identical files: the PNG's
``Software`` tag is dropped and the size and resolution are fixed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from matplotlib import colormaps
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from corpus.outputs.tally import Tally

MAX_OUTLETS = 8  # more lines than this are unreadable; the rest are summed as "other outlets"
TOP_PLACES = 20
_YEARLY_AFTER_MONTHS = 36  # longer spans are drawn per year: monthly category lines turn to noise
_DPI = 100
_PNG_METADATA = {"Software": None}

PLOT_TITLES = {
    "articles_per_month.png": "Articles per month per outlet",
    "categories_over_time.png": "Crime categories over time",
    "top_places.png": f"Top {TOP_PLACES} places (articles mentioning each municipality)",
}


def _save(fig: Figure, path: Path) -> Path:
    fig.tight_layout()
    fig.savefig(path, dpi=_DPI, format="png", metadata=_PNG_METADATA)
    return path


def _tick_positions(labels: Sequence[str], max_ticks: int = 16) -> list[int]:
    step = max(1, -(-len(labels) // max_ticks))
    return list(range(0, len(labels), step))


def plot_articles_per_month(tally: Tally, path: Path) -> Path | None:
    """One line per outlet over every month of the span (gaps drawn as zero)."""
    months = tally.months()
    if not months:
        return None
    totals = Counter({o.outlet: o.articles for o in tally.outlets.values()})
    shown = [name for name, _ in sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))[:MAX_OUTLETS]]
    series: dict[str, list[int]] = {
        name: [tally.per_outlet_month[(name, m)] for m in months] for name in shown
    }
    rest = [name for name in totals if name not in shown]
    if rest:
        series["other outlets"] = [sum(tally.per_outlet_month[(r, m)] for r in rest) for m in months]
    fig = Figure(figsize=(10, 4.5))
    ax = fig.add_subplot()
    x = range(len(months))
    for name, values in series.items():
        ax.plot(x, values, marker="o" if len(months) <= 48 else None, markersize=3, label=name)
    ticks = _tick_positions(months)
    ax.set_xticks(ticks, [months[i] for i in ticks], rotation=45, ha="right")
    ax.set_ylabel("articles")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_title(PLOT_TITLES["articles_per_month.png"])
    ax.set_ylim(bottom=0)
    ax.legend(fontsize="small", loc="upper left")
    ax.grid(axis="y", alpha=0.3)
    return _save(fig, path)


def plot_categories_over_time(tally: Tally, path: Path) -> Path | None:
    """One line per crime category, per month or (over long spans) per year."""
    if not tally.per_category_month:
        return None
    months = tally.months()
    yearly = len(months) > _YEARLY_AFTER_MONTHS
    periods = sorted({m[:4] for m in months}) if yearly else months
    counts: Counter[tuple[str, str]] = Counter()
    for (category, month), n in tally.per_category_month.items():
        counts[(category, month[:4] if yearly else month)] += n
    categories = sorted(tally.per_category, key=lambda c: (-tally.per_category[c], c))
    fig = Figure(figsize=(10, 4.5))
    ax = fig.add_subplot()
    cmap = colormaps["tab20"]  # 12 categories need more distinct colours than the default cycle
    x = range(len(periods))
    for i, category in enumerate(categories):
        ax.plot(
            x,
            [counts[(category, p)] for p in periods],
            marker="o" if len(periods) <= 48 else None,
            markersize=3,
            label=category,
            color=cmap(i % 20),
        )
    ticks = _tick_positions(periods)
    ax.set_xticks(ticks, [periods[i] for i in ticks], rotation=45, ha="right")
    ax.set_ylabel("crime articles")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_title(PLOT_TITLES["categories_over_time.png"] + (" (per year)" if yearly else " (per month)"))
    ax.set_ylim(bottom=0)
    ax.legend(fontsize="x-small", ncol=2, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    ax.grid(axis="y", alpha=0.3)
    return _save(fig, path)


def plot_top_places(tally: Tally, path: Path) -> Path | None:
    """Horizontal bars: the municipalities most articles mention, the largest on top."""
    top = sorted(tally.per_place.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_PLACES]
    if not top:
        return None
    names = [name for name, _ in reversed(top)]
    values = [n for _, n in reversed(top)]
    fig = Figure(figsize=(8, max(2.5, 0.3 * len(top) + 1)))
    ax = fig.add_subplot()
    ax.barh(range(len(names)), values, color="#4c72b0")
    ax.set_yticks(range(len(names)), names)
    ax.set_xlabel("articles")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_title(PLOT_TITLES["top_places.png"])
    ax.grid(axis="x", alpha=0.3)
    return _save(fig, path)


def write_plots(tally: Tally, out_dir: Path) -> list[Path]:
    """Write every plot the tally has data for into ``out_dir``; return the files written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    makers = (
        ("articles_per_month.png", plot_articles_per_month),
        ("categories_over_time.png", plot_categories_over_time),
        ("top_places.png", plot_top_places),
    )
    written = []
    for name, make in makers:
        target = out_dir / name
        if make(tally, target) is not None:
            written.append(target)
    return written
