"""The briefing's charts of a results folder: response times by zone, compliance by town,
demand against capacity over the week, where orders end and why orders miss (the map is
:mod:`sim.reporting.map_chart`). Drawn from saved results only, never by simulating.

Every chart function takes plain numbers (lists, arrays, dicts), a path stem and a footnote, and
writes ``stem.png`` (300 dpi, a fixed size in inches, so a fixed size in pixels) and
``stem.svg``; it returns both paths. One style for all (:mod:`sim.reporting.chart_style`: palette,
sizes, fonts, saving), titles, axis labels with units, target lines, and the footnote naming
scenario, seed and replications. ``lang="zh"`` needs a CJK font
(:func:`sim.reporting.chart_style.cjk_font`).
"""

from __future__ import annotations

import math
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from sim.config.teams import CHANNEL_TEAM_LEVELS  # noqa: E402
from sim.reporting.chart_style import (  # noqa: E402
    CAUSE_COLORS,
    COLORS,
    LEVEL_COLORS,
    SIZES,
    _duration,
    _text_box,
    bold,
    mean_band,
    new_figure,
    pct,
    save,
    style,
)
from sim.reporting.formatting import per_rep_text, share_target  # noqa: E402
from sim.reporting.i18n import tr  # noqa: E402


def response_time_chart(
    grid_min: list[float],
    curves: dict[str, list[list[float]]],
    promise_min: float,
    targets: dict[str, float],
    compliance: dict[str, dict],
    deadline_min: list[float],
    stem: str | Path,
    footnote: str,
    lang: str = "en",
    event: str = "acceptance",
) -> list[Path]:
    """Empirical CDF of response times by zone: share of all the zone's catalogue orders
    (``curves[zone]``: one row per replication, evaluated at ``grid_min`` minutes) responded
    within t; the mean with a 95% band across replications (none with one). Urban panel in
    minutes with the promise, counted to ``event`` (the volunteer's ``acceptance`` or
    ``arrival``, as the urban promise), rural panel on a log time axis with the same-day deadline
    (``deadline_min``: 10th, 50th, 90th percentile of minutes from ordering to the deadline);
    ``compliance[zone]`` = the KPI summary (mean, low, high) printed on the chart;
    ``targets[zone]`` = required share."""
    grid = np.asarray(grid_min, dtype=float)
    fig, axes = new_figure(SIZES["response_times"], footnote, lang, nrows=1, ncols=2)
    with plt.rc_context(style(lang)):
        reps = max(len(c) for c in curves.values())
        for ax, zone in zip(axes, ("urban", "rural")):
            color = COLORS[zone]
            lower, upper = (0.0, 60.0) if zone == "urban" else (1.0, 2880.0)
            x = grid
            keep = (x <= upper) & (x >= lower)
            if curves.get(zone) and np.isfinite(np.asarray(curves[zone], float)).any():
                mean, low, high = mean_band(np.asarray(curves[zone]))
                if reps > 1:  # one replication has no band
                    ax.fill_between(
                        x[keep],
                        100 * np.clip(low[keep], 0, 1),
                        100 * np.clip(high[keep], 0, 1),
                        step="post",
                        color=color,
                        alpha=0.25,
                        linewidth=0,
                        label=tr("resp.band", lang, reps=reps),
                    )
                ax.step(
                    x[keep],
                    100 * mean[keep],
                    where="post",
                    color=color,
                    linewidth=1.8,
                    label=tr("resp.mean", lang),
                )
            target = targets[zone]
            ax.axhline(100 * target, color=COLORS["target"], linestyle=":", linewidth=1)
            ax.text(
                upper * 0.99 if zone == "urban" else lower * 1.1,
                100 * target + 1,
                f"{tr('brief.col_target', lang)} {share_target(target)}",
                ha="right" if zone == "urban" else "left",
                va="bottom",
                fontsize=7,
            )
            value = compliance_text(compliance.get(zone) or {}, lang)
            values = {"value": value, "target": share_target(target)}
            if zone == "urban":
                ax.axvline(promise_min, color=COLORS["target"], linestyle="--", linewidth=1)
                ax.text(
                    promise_min + 0.8,
                    3,
                    tr("resp.promise", lang, minutes=promise_min),
                    fontsize=7,
                    rotation=90,
                    va="bottom",
                )
                within = tr(f"resp.within_{event}", lang, minutes=promise_min)
                note = tr("resp.urban_note", lang, within=within, **values)
                ax.set_xlabel(tr("resp.x_min" if event == "acceptance" else f"resp.x_min_{event}", lang))
            else:
                d10, d50, d90 = deadline_min
                if np.isfinite(deadline_min).all():  # (no deadlines without rural orders)
                    ax.axvspan(
                        d10,
                        min(d90, upper),
                        color="#999999",
                        alpha=0.18,
                        linewidth=0,
                        label=tr("resp.deadline_span", lang),
                    )
                    ax.axvline(d50, color=COLORS["target"], linestyle="--", linewidth=1)
                    ax.text(
                        d50 * 1.08,
                        3,
                        tr("resp.deadline", lang, median=d50 / 60),
                        fontsize=7,
                        rotation=90,
                        va="bottom",
                    )
                note = tr("resp.rural_note", lang, **values)
                ax.set_xscale("log")
                ticks = [1, 5, 15, 60, 240, 720, 2880]
                ax.set_xticks(ticks, [_duration(t, lang) for t in ticks])
                ax.minorticks_off()
                ax.set_xlabel(tr("resp.x_log", lang))
            if zone == "urban":
                _text_box(ax, 0.98, 0.42, note, color)
                if ax.get_legend_handles_labels()[0]:  # nothing to label when no order was placed
                    ax.legend(loc="lower right", bbox_to_anchor=(1.0, 0.05))
            else:
                _text_box(ax, 0.78, 0.05, note, color)
                if ax.get_legend_handles_labels()[0]:
                    ax.legend(loc="upper left", bbox_to_anchor=(0.0, 0.9))
            ax.set_xlim(lower, upper)
            ax.set_ylim(0, 101)
            ax.set_title(tr(f"resp.{zone}_title", lang), fontsize=9)
        axes[0].set_ylabel(tr("resp.y", lang))
        fig.suptitle(tr("resp.title", lang), fontweight=bold(lang), fontsize=10.5)
    return save(fig, stem, lang)


def compliance_text(k: dict, lang: str) -> str:
    """A promise KPI (kpis.json's mean, low, high) as the response chart's box shows it: the
    value and, on the next line, its 95% CI; "one replication, no CI" without an interval;
    "no data" without orders."""
    mean, low, high = (math.nan if k.get(x) is None else float(k[x]) for x in ("mean", "low", "high"))
    if math.isnan(mean):
        return tr("verdict.n/a", lang)
    if math.isnan(low) or math.isnan(high):
        return f"{pct(mean)}\n{tr('resp.one_rep', lang)}"
    return f"{pct(mean)}\n{tr('resp.ci', lang, low=pct(low), high=pct(high))}"


def town_compliance_chart(
    towns: list[dict], stem: str | Path, footnote: str, lang: str = "en", empty: list[str] = ()
) -> list[Path]:
    """Horizontal bars of each town's compliance (share of its catalogue orders meeting their
    zone's promise) with 95% CI whiskers and the town's target marked, worst at the top (as the
    terminal's town table: lowest compliance first); ``towns``: dicts with label, mean, low, high,
    target and verdict (met/uncertain/missed, or few: grey, named in the legend when drawn).
    ``empty``: the towns without orders, by name, listed at the bottom with "no orders" and no
    bar, so that the chart's towns are the scenario's."""
    rows = sorted(towns, key=lambda t: (np.nan_to_num(t["mean"], nan=2.0), t["label"]))
    fig, ax = new_figure(SIZES["town_compliance"], footnote, lang, nrows=1, ncols=1)
    with plt.rc_context(style(lang)):
        y = np.arange(len(rows))
        mean = np.array([np.nan_to_num(t["mean"], nan=0.0) for t in rows])
        low = np.array(
            [t["mean"] if t["low"] is None or math.isnan(t["low"]) else t["low"] for t in rows], dtype=float
        )
        high = np.array(
            [t["mean"] if t["high"] is None or math.isnan(t["high"]) else t["high"] for t in rows],
            dtype=float,
        )
        colors = [COLORS.get(t["verdict"], COLORS["met"]) for t in rows]
        floor = 0.0  # bars start at zero, so their lengths compare honestly
        ax.barh(y, 100 * (mean - floor), left=100 * floor, color=colors, height=0.7)
        high = np.minimum(high, 1.0)  # a t interval of a share can pass 100%; draw it clipped
        ax.errorbar(
            100 * mean,
            y,
            xerr=[100 * (mean - low), 100 * (high - mean)],
            fmt="none",
            ecolor=COLORS["ink"],
            elinewidth=0.9,
            capsize=2.5,
        )
        for i, t in enumerate(rows):
            ax.plot(
                [100 * t["target"]] * 2,
                [i - 0.45, i + 0.45],
                color=COLORS["target"],
                linewidth=1.6,
                solid_capstyle="butt",
            )
            ax.text(
                100 * min(1.0, max(high[i], t["target"])) + 0.3,
                i,
                pct(t["mean"]),
                va="center",
                fontsize=7,
                color=COLORS["ink"],
            )
        none = tr("towns.no_orders", lang)
        for i in range(len(rows), len(rows) + len(empty)):
            ax.text(100 * floor + 0.3, i, none, va="center", fontsize=7, color=COLORS["muted"])
        ax.set_yticks(np.arange(len(rows) + len(empty)), [_town_tick(t, lang) for t in rows] + list(empty))
        ax.set_xlim(100 * floor, 103.5)
        ax.set_ylim(len(rows) + len(empty) - 0.4, -0.6)
        ax.set_xlabel(tr("towns.x", lang))
        ax.grid(axis="y", visible=False)
        shown = ["met", "uncertain", "missed"]
        shown += [v for v in ("few",) if any(t["verdict"] == v for t in rows)]  # grey, when drawn
        handles = [plt.Rectangle((0, 0), 1, 1, color=COLORS[v]) for v in shown]
        handles.append(plt.Line2D([], [], color=COLORS["target"], linewidth=1.6))
        ax.legend(
            handles,
            [tr(f"towns.{v}", lang) for v in shown] + [tr("towns.target", lang)],
            loc="upper center",
            bbox_to_anchor=(0.5, -0.1),
            ncols=len(handles),
            fontsize=7,
        )
        ax.set_title(tr("towns.title", lang))
    return save(fig, stem, lang)


def _town_tick(town: dict, lang: str) -> str:
    """A town's label on the compliance chart; a town judged on each zone apart (Kunyang,
    Aojiang) names the zone whose verdict colours its bar, which its mixed compliance against
    the drawn target does not show: ``Kunyang (rural: uncertain)``."""
    zone = town.get("verdict_zone")
    if not zone:
        return town["label"]
    return tr(
        "towns.decided_by",
        lang,
        town=town["label"],
        zone=tr(f"zone.{zone}", lang).lower(),
        verdict=tr(f"verdict.{town['verdict']}", lang),
    )


def demand_capacity_chart(
    orders_per_hour: list[float],
    on_duty: dict[str, list[float]],
    busy_orders: list[float],
    busy_all: list[float],
    stem: str | Path,
    footnote: str,
    lang: str = "en",
) -> list[Path]:
    """An average week, hour by hour (168 values each, Monday 00:00 first): orders placed per
    hour (top); volunteers on duty stacked by team level (middle, people); and the share of
    on-duty volunteers busy serving orders, and orders or group activities (bottom, %)."""
    fig, (top, middle, bottom) = new_figure(
        SIZES["demand_capacity"], footnote, lang, nrows=3, ncols=1, sharex=True, height_ratios=[1, 1.4, 0.9]
    )
    with plt.rc_context(style(lang)):
        hours = np.arange(169)

        def steps(values):  # 168 hourly values -> 169 points for a step drawn to the week's end
            v = np.asarray(values, float)
            return np.r_[v, v[-1:]]

        demand = steps(orders_per_hour)
        top.fill_between(hours, demand, step="post", color=COLORS["rural"], alpha=0.3, linewidth=0)
        top.step(hours, demand, where="post", color=COLORS["rural"], linewidth=1)
        top.set_ylabel(tr("week.orders_y", lang))
        top.set_title(tr("week.title", lang))
        # the practice network's levels: the proxy points and mediation rooms serve their own
        # channels only, so they would swell the stack without answering catalogue orders
        levels = [lv for lv in on_duty if lv not in CHANNEL_TEAM_LEVELS and np.nansum(on_duty[lv]) > 0]
        stacks = [np.nan_to_num(steps(on_duty[lv])) for lv in levels]
        if stacks:  # no volunteer ever on duty: an empty panel
            middle.stackplot(
                hours,
                *stacks,
                step="post",
                colors=[LEVEL_COLORS[lv] for lv in levels],
                labels=[tr(f"level.{lv}", lang) for lv in levels],
                alpha=0.9,
            )
            middle.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=6.5)
        middle.set_ylabel(tr("week.duty_y", lang))
        total = np.sum(stacks, axis=0) if stacks else np.zeros(len(hours))
        with np.errstate(invalid="ignore", divide="ignore"):
            for values, style_, key in ((busy_all, "--", "week.busy_act"), (busy_orders, "-", "week.busy")):
                share = np.where(total > 0, 100 * steps(values) / total, np.nan)
                bottom.step(
                    hours,
                    share,
                    where="post",
                    color="black",
                    linestyle=style_,
                    linewidth=1.0 if style_ == "-" else 0.8,
                    label=tr(key, lang),
                )
        bottom.set_ylabel(tr("week.busy_y", lang))
        bottom.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=6.5)
        days = tr("week.days", lang).split(",")
        for ax in (top, middle, bottom):
            for d in range(1, 7):
                ax.axvline(24 * d, color="#999999", linewidth=0.6)
            ax.grid(axis="x", visible=False)
            ax.set_ylim(0, None)
        bottom.set_xticks(np.arange(12, 168, 24), days)
        bottom.set_xticks(np.arange(0, 169, 6), minor=True)
        bottom.set_xlim(0, 168)
        bottom.set_xlabel(tr("week.x", lang))
    return save(fig, stem, lang)


def outcome_chart(
    shares: dict[str, list[float]], categories: list[str], stem: str | Path, footnote: str, lang: str = "en"
) -> list[Path]:
    """Where orders end, one 100% bar per group (``shares[group]``, groups urban, rural, all):
    served by each team level, cancelled, or left open; ``categories`` name the columns."""
    groups = [
        g
        for g in ("urban", "rural", "all")
        if g in shares and np.isfinite(np.asarray(shares[g], float)).all()
    ]
    fig, ax = new_figure(SIZES["outcomes"], footnote, lang, nrows=1, ncols=1)
    with plt.rc_context(style(lang)):
        y = np.arange(len(groups))
        left = np.zeros(len(groups))
        for k, cat in enumerate(categories):
            width = np.array([100 * np.nan_to_num(shares[g][k]) for g in groups])
            ax.barh(
                y,
                width,
                left=left,
                color=LEVEL_COLORS[cat],
                height=0.6,
                label=tr(f"outcome.{cat}", lang),
                edgecolor="white",
                linewidth=0.5,
            )
            for i, w in enumerate(width):
                if w >= 2.5:
                    dark = cat in ("open", "town", "county")
                    ax.text(
                        left[i] + w / 2,
                        i,
                        f"{w:.0f}%",
                        ha="center",
                        va="center",
                        fontsize=7,
                        color="white" if dark else "black",
                    )
            left += width
        ax.set_yticks(y, [tr(f"zone.{g}", lang) for g in groups])
        ax.set_ylim(len(groups) - 0.5, -0.5)
        ax.set_xlim(0, 100)
        ax.set_xlabel(tr("out.x", lang))
        ax.grid(axis="y", visible=False)
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.32), ncols=4, fontsize=7)
        ax.set_title(tr("out.title", lang))
    return save(fig, stem, lang)


def miss_cause_chart(
    table: dict,
    stem: str | Path,
    footnote: str,
    lang: str = "en",
    arrival: bool = False,
    days: float = 7.0,
) -> list[Path]:
    """Why orders miss their promise: per group (urban, rural, professional), one bar of its
    missed orders a week split by cause (``table``: kpis.json's ``miss_causes``, summed over
    the replications of ``days`` measured days each, kpis.json's ``days``), each number as the
    briefing writes a count a week (whole from 10, else one decimal:
    :func:`sim.reporting.formatting.per_rep_text`). ``arrival``: the scenario counts arrivals,
    so the urban bar's misses whose trip alone was too long are "Turnout and travel too long",
    as the briefing's lines name them (:func:`sim.reporting.miss_levers.shown_cause`), in
    a colour of their own; the other groups' stay "Travel or ferry too long"."""
    reps = max(1, table["replications"]) * (days / 7.0 if days > 0 else 1.0)  # (counts a week)
    groups = [g for g in ("urban", "rural", "professional") if g in table["groups"]]
    series = []  # (cause key as named, its width per group)
    for cause in table["causes"]:
        width = np.array([table["groups"][g][cause] / reps for g in groups])
        if cause == "travel" and arrival:
            urban = np.array([g == "urban" for g in groups])
            series += [("travel_arrival", np.where(urban, width, 0.0)), (cause, np.where(urban, 0.0, width))]
        else:
            series.append((cause, width))
    fig, ax = new_figure(SIZES["miss_causes"], footnote, lang, nrows=1, ncols=1)
    with plt.rc_context(style(lang)):
        y = np.arange(len(groups))
        left = np.zeros(len(groups))
        total = max([table["groups"][g]["missed"] / reps for g in groups] + [1e-9])
        for cause, width in series:
            if not width.any():
                continue
            ax.barh(
                y,
                width,
                left=left,
                color=CAUSE_COLORS.get(cause, "#999999"),
                height=0.6,
                label=tr(f"cause.{cause}", lang),
                edgecolor="white",
                linewidth=0.5,
            )
            for i, w in enumerate(width):
                if w >= 0.08 * total:
                    ax.text(left[i] + w / 2, i, per_rep_text(w, lang), ha="center", va="center", fontsize=7)
            left += width
        labels = [
            tr(
                "with_note",
                lang,
                text=tr("cause.group." + g, lang).capitalize(),
                note=per_rep_text(table["groups"][g]["missed"] / reps, lang),
            )
            for g in groups
        ]
        ax.set_yticks(y, labels)
        ax.set_ylim(max(len(groups), 1) - 0.5, -0.5)
        ax.set_xlim(0, total * 1.02)
        ax.set_xlabel(tr("cause.x", lang))
        ax.grid(axis="y", visible=False)
        if ax.get_legend_handles_labels()[0]:  # (no bars without a missed order)
            ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.38), ncols=4, fontsize=7)
        ax.set_title(tr("cause.title", lang))
    return save(fig, stem, lang)
