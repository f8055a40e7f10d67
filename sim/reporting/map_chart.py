"""The briefing's map: every village unit at its position, coloured by how far its orders' share
meeting their promise lies from its zone's target, sized by orders, with the island towns in an
inset joined to the ferry port, and :func:`declutter`, which keeps close town names apart.

Like every chart (:mod:`sim.reporting.briefing_charts`), :func:`map_chart` takes plain numbers, a
path stem and a footnote, and writes ``stem.png`` and ``stem.svg`` in the one style of
:mod:`sim.reporting.chart_style`.
"""

from __future__ import annotations

import math
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib import patheffects as pe  # noqa: E402
from matplotlib.colors import TwoSlopeNorm  # noqa: E402

from sim.reporting.chart_style import COLORS, SIZES, bold, new_figure, save, style  # noqa: E402
from sim.reporting.i18n import tr  # noqa: E402


def declutter(ax, texts: list, gap_px: float = 2.0, rounds: int = 60) -> None:
    """Move overlapping text labels of ``ax`` apart vertically (the lower one down, the upper one
    up, a few pixels at a time) until no two overlap: town names on the map stay readable where
    seats are close (Haixi and Shanmen)."""
    if len(texts) < 2:
        return
    fig = ax.figure
    fig.canvas.draw()  # fixes the layout, so that the boxes are where they are saved
    renderer = fig.canvas.get_renderer()
    to_data = ax.transData.inverted()
    for _ in range(rounds):
        boxes = [t.get_window_extent(renderer) for t in texts]
        moved = False
        for i in range(len(texts)):
            for j in range(i + 1, len(texts)):
                a, b = boxes[i], boxes[j]
                if a.x0 < b.x1 and b.x0 < a.x1 and a.y0 < b.y1 + gap_px and b.y0 < a.y1 + gap_px:
                    lower, upper = (i, j) if a.y0 <= b.y0 else (j, i)
                    for k, sign in ((lower, -1), (upper, +1)):
                        x, y = texts[k].get_position()
                        px, py = ax.transData.transform((x, y))
                        texts[k].set_position(to_data.transform((px, py + sign * gap_px)))
                    moved = True
        if not moved:
            return


def map_chart(
    places: dict,
    towns: list[dict],
    center: tuple[float, float],
    port: tuple[float, float] | None,
    orders_label: str,
    stem: str | Path,
    footnote: str,
    lang: str = "en",
) -> list[Path]:
    """Every village unit at its position, coloured by how far the share of its orders that met
    their promise lies above or below its zone's target (percentage points), dot area by
    orders. ``places``: lists x_km, y_km, orders, met, target (share) and island (bool);
    ``towns``: dicts label, x_km, y_km, island; ``center``: the county center's position;
    island places are drawn in an inset joined to the ferry ``port``."""
    fig, ax = new_figure(SIZES["map"], footnote, lang, nrows=1, ncols=1)
    with plt.rc_context(style(lang)):
        x, y = np.asarray(places["x_km"], float), np.asarray(places["y_km"], float)
        orders, met = np.asarray(places["orders"], float), np.asarray(places["met"], float)
        target = np.asarray(places["target"], float)
        island = np.asarray(places.get("island", [False] * len(x)), bool)
        has = orders > 0
        gap = 100 * (np.divide(met, orders, out=np.full_like(met, np.nan), where=has) - target)
        vmin = min(-5.0, math.floor(np.nanmin(gap) / 5) * 5 if has.any() else -5.0)
        norm = TwoSlopeNorm(vcenter=0.0, vmin=vmin, vmax=5.0)
        big = max(orders.max(), 1.0)

        def area(n):
            return 4 + 60 * np.sqrt(np.asarray(n, float) / big)

        def draw(axis, keep):
            axis.scatter(
                x[keep & ~has], y[keep & ~has], s=10, facecolors="none", edgecolors="#999999", linewidths=0.6
            )
            return axis.scatter(
                x[keep & has],
                y[keep & has],
                c=gap[keep & has],
                s=area(orders[keep & has]),
                cmap="RdYlGn",
                norm=norm,
                edgecolors="#444444",
                linewidths=0.3,
            )

        halo = [pe.withStroke(linewidth=2.2, foreground="white")]
        points = draw(ax, ~island)
        labels = []
        for t in towns:
            if not t.get("island"):
                labels.append(
                    ax.text(
                        t["x_km"],
                        t["y_km"] + 1.2,
                        t["label"],
                        fontsize=7,
                        ha="center",
                        va="bottom",
                        fontweight=bold(lang),
                        color=COLORS["ink"],
                        path_effects=halo,
                    )
                )
        ax.scatter(
            [center[0]],
            [center[1]],
            marker="*",
            s=170,
            color="black",
            edgecolors="white",
            linewidths=0.8,
            zorder=5,
        )
        ax.set_aspect("equal")
        if island.any():
            x0, x1 = np.nanmin(x[~island]) - 2, np.nanmax(x[~island]) + 2
            ax.set_xlim(x0, x0 + (x1 - x0) / 0.76)
            inset = ax.inset_axes([0.79, 0.03, 0.2, 0.3])
            draw(inset, island)
            pad = 2.0
            inset.set_xlim(np.nanmin(x[island]) - pad, np.nanmax(x[island]) + pad)
            inset.set_ylim(np.nanmin(y[island]) - pad, np.nanmax(y[island]) + pad)
            inset.set_aspect("equal", adjustable="box")
            inset.set_xticks([])
            inset.set_yticks([])
            inset.grid(False)
            for side in ("top", "right"):
                inset.spines[side].set_visible(True)
            for t in towns:
                if t.get("island"):
                    inset.set_title(t["label"], fontsize=7, fontweight=bold(lang), pad=2)
            if port is not None:
                ax.annotate(
                    "",
                    xy=(0.79, 0.19),
                    xycoords="axes fraction",
                    xytext=port,
                    textcoords="data",
                    arrowprops={
                        "arrowstyle": "->",
                        "linestyle": "--",
                        "color": COLORS["muted"],
                        "linewidth": 0.8,
                    },
                )
                ax.annotate(
                    tr("map.ferry", lang),
                    xy=(0.79, 0.19),
                    xycoords="axes fraction",
                    xytext=(-4, 4),
                    textcoords="offset points",
                    ha="right",
                    fontsize=6.5,
                    color=COLORS["muted"],
                )
        bar = fig.colorbar(points, ax=ax, shrink=0.85, pad=0.01, extend="both")
        bar.set_label(tr("map.colour", lang))
        bar.ax.axhline(0, color="black", linewidth=1.2)
        sizes = (
            sorted({max(1, round(v)) for v in np.percentile(orders[has], [10, 50, 95])}) if has.any() else [1]
        )
        handles = [
            plt.Line2D(
                [],
                [],
                marker="o",
                linestyle="none",
                markersize=math.sqrt(area(n)),
                markerfacecolor="#cccccc",
                markeredgecolor="#444444",
                markeredgewidth=0.3,
            )
            for n in sizes
        ]
        handles += [
            plt.Line2D(
                [],
                [],
                marker="o",
                linestyle="none",
                markersize=3.2,
                markerfacecolor="none",
                markeredgecolor="#999999",
            ),
            plt.Line2D([], [], marker="*", linestyle="none", markersize=10, color="black"),
        ]
        ax.legend(
            handles,
            [f"{n:g}" for n in sizes] + [tr("map.no_orders", lang), tr("map.center", lang)],
            loc="upper right",
            title=orders_label,
            title_fontsize=7,
            fontsize=7,
        )
        ax.set_xlabel(tr("map.x", lang))
        ax.set_ylabel(tr("map.y", lang))
        ax.set_title(tr("map.title", lang))
        declutter(ax, labels)
    return save(fig, stem, lang)
