"""The experiments' charts, for ``compare`` and ``sweep``: the forest plot of paired differences
between scenarios (:func:`forest_plot`) and KPIs against a swept parameter (:func:`sweep_chart`).

They take plain dicts so that any command can call them, write ``stem.png`` (300 dpi, a fixed
size in inches) and ``stem.svg`` in the one style of :mod:`sim.reporting.chart_style`, and return
both paths, e.g.::

    forest_plot({"urban_10min": {"mean": 0.021, "low": 0.012, "high": 0.030}},
                {"urban_10min": "Urban orders responded within the promise"},
                "results/cmp/forest", "Scenarios a vs b, seed 1, 10 replications")
"""

from __future__ import annotations

import math
import textwrap
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from sim.reporting.chart_style import COLORS, FOOTNOTE_IN, bold, new_figure, save, style  # noqa: E402
from sim.reporting.i18n import kpi_label, tr, unit_label  # noqa: E402
from sim.results.stats import difference_verdict  # noqa: E402


def _info(name: str) -> tuple[str, str, int]:
    """(label, unit, direction) of a KPI: a county's (``KPI_INFO``) or a town's, labelled by
    what it counts (:func:`sim.results.kpi_catalogue.town_kpi_info`: "Urban orders responded
    within the promise in Aojiang, night 22:00-07:00"); an unknown name is its own label, a
    neutral value."""
    from sim.results.kpi_catalogue import KPI_INFO, town_kpi_info

    return KPI_INFO.get(name) or town_kpi_info(name) or (name, "value", 0)


def _label(name: str, labels: dict[str, str], lang: str) -> str:
    """A KPI's label on a chart: the caller's, else :func:`_info`'s; in Chinese the translation
    :func:`sim.reporting.i18n.kpi_label` gives (a town's KPI by town and what it counts)."""
    return kpi_label(name, labels.get(name) or _info(name)[0], lang)


def _unit_of(name: str, units: dict[str, str] | None) -> str:
    if units and name in units:
        return units[name]
    return _info(name)[1]


def _direction_of(name: str, directions: dict[str, int] | None) -> int:
    if directions and name in directions:
        return directions[name]
    return _info(name)[2]


def forest_plot(
    diffs: dict[str, dict[str, float]],
    labels: dict[str, str],
    stem: str | Path,
    footnote: str,
    units: dict[str, str] | None = None,
    directions: dict[str, int] | None = None,
    title: str | None = None,
    lang: str = "en",
) -> list[Path]:
    """Paired differences (variant - baseline) per KPI with their CIs, one panel per unit
    (shares in percentage points). ``diffs``: {kpi: {"mean", "low", "high"}}; ``labels``:
    {kpi: text}; ``units``/``directions`` default to sim.results.kpi_catalogue.KPI_INFO (+1
    higher is better, -1 lower is better, 0 neutral). A difference whose CI excludes 0 is green
    when better, red when worse, grey otherwise."""
    names = list(diffs)
    groups: dict[str, list[str]] = {}
    for name in names:
        groups.setdefault(_unit_of(name, units), []).append(name)
    height = 0.9 + 0.3 * len(names) + 0.45 * len(groups) + FOOTNOTE_IN
    fig, axes = new_figure(
        (7.5, height),
        footnote,
        lang,
        nrows=len(groups),
        ncols=1,
        squeeze=False,
        height_ratios=[len(g) + 1.2 for g in groups.values()],
    )
    with plt.rc_context(style(lang)):
        for ax, (unit, members) in zip(axes[:, 0], groups.items()):
            scale = 100.0 if unit == "share" else 1.0
            for i, name in enumerate(members):
                d = diffs[name]
                mean, low, high = (
                    np.nan if d.get(k) is None else float(d[k]) * scale for k in ("mean", "low", "high")
                )
                color = COLORS.get(
                    difference_verdict(mean, low, high, _direction_of(name, directions)), COLORS["same"]
                )
                if not (math.isnan(low) or math.isnan(high)):
                    ax.plot([low, high], [i, i], color=color, linewidth=1.8)
                ax.plot([mean], [i], marker="o", color=color, markersize=5)
            ax.axvline(0, color=COLORS["target"], linewidth=0.9)
            ax.set_yticks(range(len(members)), [_label(n, labels, lang) for n in members])
            ax.set_ylim(len(members) - 0.5, -0.5)
            ax.grid(axis="y", visible=False)
            ax.set_xlabel(
                tr("forest.x_share", lang)
                if unit == "share"
                else tr("forest.x_unit", lang, unit=unit_label(unit, lang))
            )
            lo, hi = ax.get_xlim()
            span = max(abs(lo), abs(hi))
            ax.set_xlim(-span, span)
        handles = [
            plt.Line2D([], [], color=COLORS[v], marker="o", linewidth=1.8)
            for v in ("better", "worse", "same")
        ]
        axes[0, 0].legend(
            handles,
            [tr(f"forest.{v}", lang) for v in ("better", "worse", "same")],
            loc="lower right",
            bbox_to_anchor=(1, 1.0),
            ncols=3,
            fontsize=7,
        )
        fig.suptitle(title or tr("forest.title", lang), fontweight=bold(lang), fontsize=10.5)
    return save(fig, stem, lang)


def sweep_chart(
    x: list[float],
    series: dict[str, dict[str, list[float]]],
    labels: dict[str, str],
    x_label: str,
    stem: str | Path,
    footnote: str,
    units: dict[str, str] | None = None,
    targets: dict[str, float | list[float | None]] | None = None,
    title: str | None = None,
    lang: str = "en",
    categories: list[str] | None = None,
) -> list[Path]:
    """KPI against a swept parameter: one panel per KPI, the mean as a line with markers and
    its 95% CI as a band. ``x``: parameter values (``x_label`` names it with its unit);
    ``series``: {kpi: {"mean": [...], "low": [...], "high": [...]}} aligned with ``x``;
    ``targets``: optional {kpi: threshold}, or {kpi: [threshold per ``x``]} (None where a point
    has none) when each point has its own (a sweep over a target): one threshold, or points that
    all share one, is a dotted line across the panel; thresholds that differ are each point's
    own, short ticks joined by a dotted line (ticks alone with ``categories``); the y-limits
    always take them in. ``categories``: names of
    values that are not numbers (pairing strategies, say), one per ``x`` in that order: each is
    then a point with its interval as an error bar, named on the axis, with no line between
    them (a line would suggest an order and values in between that do not exist)."""
    names = list(series)
    ncols = min(3, len(names))
    nrows = math.ceil(len(names) / ncols)
    size = (7.5, 0.6 + 2.3 * nrows + FOOTNOTE_IN)
    fig, axes = new_figure(size, footnote, lang, nrows=nrows, ncols=ncols, squeeze=False)
    xs = np.asarray(x, dtype=float)
    order = np.argsort(xs, kind="stable")
    with plt.rc_context(style(lang)):
        for k, ax in enumerate(axes.ravel()):
            if k >= len(names):
                ax.set_visible(False)
                continue
            name = names[k]
            unit = _unit_of(name, units)
            scale = 100.0 if unit == "share" else 1.0
            s = series[name]
            mean, low, high = (
                np.array([np.nan if v is None else v for v in s[key]], dtype=float)[order] * scale
                for key in ("mean", "low", "high")
            )
            if categories is None:
                ax.fill_between(xs[order], low, high, color=COLORS["rural"], alpha=0.25, linewidth=0)
                ax.plot(xs[order], mean, marker="o", markersize=3.5, color=COLORS["rural"])
            else:
                ax.errorbar(
                    xs[order],
                    mean,
                    yerr=[mean - low, high - mean],
                    fmt="o",
                    markersize=3.5,
                    capsize=2.5,
                    color=COLORS["rural"],
                )
                ax.set_xticks(xs[order], [categories[i] for i in order], rotation=30, ha="right")
                ax.set_xlim(xs.min() - 0.5, xs.max() + 0.5)
            if targets and targets.get(name) is not None:
                _draw_target(ax, xs[order], _aligned(targets[name], len(xs))[order] * scale, categories, lang)
            title_text = _label(name, labels, lang)
            ax.set_title(
                textwrap.fill(title_text, 95 // ncols if lang != "zh" else 48 // ncols),
                fontsize=8,
                fontweight="normal",
            )
            ax.set_ylabel(unit_label(unit, lang))
            ax.set_xlabel(x_label)
        fig.suptitle(title or tr("sweep.title", lang), fontweight=bold(lang), fontsize=10.5)
    return save(fig, stem, lang)


def _aligned(target: float | list[float | None], n: int) -> np.ndarray:
    """A target of :func:`sweep_chart` as one threshold per point (NaN where a point has none)."""
    values = target if isinstance(target, list) else [target] * n
    return np.array([np.nan if v is None else v for v in values], dtype=float)


def _draw_target(ax, xs: np.ndarray, target: np.ndarray, categories: list[str] | None, lang: str) -> None:
    """Each point's target (``xs`` and ``target`` in drawing order, the target in the axis's
    unit) on a :func:`sweep_chart` panel, labelled at its right end, with the y-limits widened
    to take it in."""
    known = ~np.isnan(target)
    if not known.any():
        return
    line = {"color": COLORS["target"], "linestyle": ":", "linewidth": 1}
    if known.all() and np.all(target == target[0]):  # one target: a line across the panel
        ax.axhline(target[0], **line)
    elif categories is None:
        ax.plot(xs[known], target[known], marker="_", markersize=9, **line)
    else:
        ax.plot(xs[known], target[known], marker="_", markersize=12, **{**line, "linestyle": "None"})
    ax.text(  # at the axes' right end (axes x, data y): inside the panel where no point has
        # data (its x limits are then matplotlib's default, not the grid's)
        1.0,
        target[known][-1],
        tr("sweep.target", lang),
        fontsize=6.5,
        ha="right",
        va="bottom",
        transform=ax.get_yaxis_transform(),
    )
    low, high = ax.get_ylim()
    pad = 0.05 * max(high - low, float(np.ptp(target[known])), 1e-9)
    ax.set_ylim(min(low, target[known].min() - pad), max(high, target[known].max() + pad))
