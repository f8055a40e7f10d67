"""What a comparison prints and writes besides compare.json: each arm's label, the plain-text
tables, compare.csv and the default results folder; and how an estimate and a paired difference
are written in the terminal, which the sweep's table shares (:func:`difference_text`).

Each reads the result :func:`sim.experiments.compare.compare_arms` returns (compare.json is that
result as it is) and computes no statistic; the forest plots are
:mod:`sim.reporting.experiment_charts`'. Kept apart from the statistics so that how a comparison
is shown can change without touching how it is estimated.
"""

from __future__ import annotations

import itertools
import math
from pathlib import Path
from typing import TYPE_CHECKING

from sim.config.errors import UserError
from sim.reporting.formatting import format_number, with_unit
from sim.reporting.i18n import tr

if TYPE_CHECKING:
    from sim.experiments.compare_inputs import Arm


def arm_labels(arms: list[Arm]) -> list[str]:
    """Each arm's label in every output (compare.json, compare.csv, the tables, the forest
    plots' file names): its scenario name, or ``name@stem`` (the stem of its file or folder)
    when an arm from another source has the same name. The same source given twice is the
    same scenario and keeps one label; two sources that would still share one are refused."""
    places = [Path(a.source).resolve() for a in arms]
    shared = {
        a.name for a, p in zip(arms, places) for b, q in zip(arms, places) if a.name == b.name and p != q
    }
    labels = [f"{a.name}@{Path(a.source).stem}" if a.name in shared else a.name for a in arms]
    for i, j in itertools.combinations(range(len(arms)), 2):
        if labels[i] == labels[j] and places[i] != places[j]:
            raise UserError(
                f"compare: {arms[i].source} and {arms[j].source} would both be labelled {labels[i]} "
                "(a scenario name, or the same name and file name); expected different scenario "
                "names or file names"
            )
    return labels


VERDICT_WORDS = {
    "better": "better",
    "worse": "worse",
    "same": "no significant difference",
    "higher": "higher",
    "lower": "lower",
    "n/a": tr("verdict.n/a"),  # the words every output gives a KPI without data
}


def _rounds_to_zero(text: str) -> bool:
    """Whether a formatted number shows no digit but 0 (``-0.0``, ``0.0%``, ``+0.0 pp``)."""
    return not any(c in "123456789" for c in text)


def value_text(value: float, unit: str, signed: bool = False) -> str:
    """A KPI value without its unit, as every experiment table prints it: an estimate as ``run``
    prints it (:func:`sim.reporting.formatting.format_number`: a share in percent, anything
    else with one decimal); a difference (``signed``) with its sign, a share's in percentage
    points (``+0.1 pp``), anything else with the estimate's decimal (``+3.0``). A value that
    rounds to 0 is ``0.0`` (``0.0 pp``), without a sign: never a negative zero, nor a sign the
    digits do not show (an interval's end of -0.004 is not shown as ``+0.0``). ``n/a`` when
    undefined."""
    if value is None or math.isnan(value):
        return "n/a"
    text = f"{value * 100:.1f} pp" if signed and unit == "share" else format_number(value, unit)
    if math.isfinite(value) and _rounds_to_zero(text):
        return text.lstrip("-")
    return "+" + text if signed and not text.startswith("-") else text


def estimate_text(value: float, unit: str) -> str:
    """An estimate with its unit where it is not a share, as ``run`` prints it: ``94.1%``,
    ``38.9 orders/week``."""
    return with_unit(value_text(value, unit), unit)


def difference_text(mean: float, low: float, high: float, unit: str) -> str:
    """A paired difference with its interval, each end signed: a share's in percentage points
    on every number (``+0.1 pp [-0.8 pp, +1.1 pp]``), another KPI's with its unit once at the
    end, as ``run`` writes an interval (``+3.0 [+2.3, +3.7] per 1,000 orders``); ``n/a`` when
    the difference is undefined, the mean alone when its interval is."""
    if mean is None or math.isnan(mean):
        return "n/a"
    text = value_text(mean, unit, True)
    if not (low is None or high is None or math.isnan(low) or math.isnan(high)):
        text += f" [{value_text(low, unit, True)}, {value_text(high, unit, True)}]"
    return with_unit(text, unit)


def table(result: dict, names: list[str]) -> str:
    """Plain-text tables, one per variant: both estimates (as ``run`` writes them,
    :func:`estimate_text`), the paired difference with its CI (:func:`difference_text`), the
    verdict, and how much wider the unpaired CI would be."""
    base = result["scenarios"][0]
    blocks = []
    for j, variant in enumerate(result["scenarios"][1:]):
        rows = [
            [
                "KPI",
                base,
                variant,
                f"difference ({result['difference_level']:.1%} CI)",
                "verdict",
                "unpaired/paired CI width",
            ]
        ]
        for name in names:
            k = result["kpis"].get(name)
            if k is None:
                continue
            unit, d = k["unit"], k["differences"][j]
            ci = difference_text(d["mean"], d["low"], d["high"], unit)
            if d["half_width"] == 0 and d["unpaired_half_width"] == 0:
                ratio = "both exact"
            elif d["half_width"] == 0:
                ratio = "paired exact"
            else:
                ratio = "n/a" if math.isnan(d["width_ratio"]) else f"{d['width_ratio']:.1f}x"
            rows.append(
                [
                    name,
                    estimate_text(k["estimates"][0]["mean"], unit),
                    estimate_text(k["estimates"][j + 1]["mean"], unit),
                    ci,
                    VERDICT_WORDS[d["verdict"]],
                    ratio,
                ]
            )
        widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
        lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]
        lines.insert(1, "  ".join("-" * w for w in widths))
        blocks.append(f"{variant} vs {base}:\n" + "\n".join(lines))
    return "\n\n".join(blocks)


def _number(value: float | None) -> str:
    """A CSV cell: six significant digits, empty when the value is undefined (NaN)."""
    return "" if value is None or math.isnan(value) else f"{value:.6g}"


def csv_text(result: dict) -> str:
    """Every KPI's estimates and paired differences as CSV (an undefined value: an empty cell)."""
    lines = ["kpi,scenario,mean,ci_low,ci_high,diff_mean,diff_low,diff_high,unpaired_half_width,verdict"]
    for name, k in result["kpis"].items():
        rows = [(result["scenarios"][0], k["estimates"][0], None)]
        rows += zip(result["scenarios"][1:], k["estimates"][1:], k["differences"])
        for scen, est, d in rows:
            cells = [name, scen] + [_number(est[key]) for key in ("mean", "low", "high")]
            if d is None:
                cells += [""] * 5
            else:
                cells += [_number(d[key]) for key in ("mean", "low", "high", "unpaired_half_width")]
                cells.append(d["verdict"])
            lines.append(",".join(cells))
    return "\n".join(lines) + "\n"


def default_out(result: dict, root: Path) -> Path:
    """results/compare-<baseline>-vs-<variant>[-...]."""
    return root / ("compare-" + "-vs-".join(result["scenarios"]))
