"""A sweep's table: each point's KPI estimates and its paired difference from the first point.

The points share random numbers (the same root seed), so each row's difference from the first
point is a paired difference, mostly the swept parameters' effect. The same rows give the same
bytes of ``table.csv`` (:func:`table_csv`), which is what a resumed sweep is checked against.
"""

from __future__ import annotations

import json
import math
from typing import Any

from sim.experiments.sweep_file import Sweep, points
from sim.reporting.formatting import difference_text, interval_estimate_text
from sim.reporting.kpi_summary import VERDICT_WORDS, with_edge
from sim.results.kpi_catalogue import KPI_INFO
from sim.results.stats import paired_difference
from sim.results.verdict import judge


def table_row(sweep: Sweep, overrides: dict[str, Any], saved: dict, first: dict) -> dict[str, Any]:
    """One point's row: its parameter values, then mean, low, high of each KPI and, for a KPI
    the point's scenario holds to a target, the target and its verdict (empty otherwise), then
    the paired difference from the first point (same seeds: common random numbers) with its CI.
    The interval and verdict are :func:`sim.results.verdict.judge`'s with the orders each
    proportion counted (the point file keeps them), so they are those ``run`` gives the same
    replications."""
    row: dict[str, Any] = dict(overrides)
    for name in sweep.kpis:
        op, target = saved["targets"].get(name, (None, None))
        j = judge(saved["kpis"][name], KPI_INFO[name][1], op, target, saved["orders"].get(name))
        row.update({f"{name}.mean": j.mean, f"{name}.low": j.low, f"{name}.high": j.high})
        row.update(
            {
                f"{name}.target": f"{op} {target:g}" if op else "",
                f"{name}.verdict": j.verdict if op else "",
                # an edge met (1: every one of .n replications exactly at the target), as
                # compare.csv's at_edge; .n the replications with a value
                f"{name}.at_edge": int(j.at_edge) if op else "",
                f"{name}.n": j.n,
            }
        )
    for name in sweep.kpis:
        d = paired_difference(first["kpis"][name], saved["kpis"][name], unit=KPI_INFO[name][1])
        row.update({f"{name}.diff": d["mean"], f"{name}.diff_low": d["low"], f"{name}.diff_high": d["high"]})
    return row


def table_rows(sweep: Sweep, saved: list[dict]) -> list[dict[str, Any]]:
    """The table's rows, one per grid point in the grid's order (:func:`table_row`), from each
    point's saved data (:func:`sim.experiments.sweep_points.run_points`)."""
    return [table_row(sweep, p, data, saved[0]) for p, data in zip(points(sweep), saved)]


def cell_text(value: Any) -> str:
    """A value as a table cell: a float as its shortest exact text (empty when undefined, NaN),
    a list or mapping as compact JSON (a grid value may be one), anything else as text."""
    if isinstance(value, float):
        return "" if math.isnan(value) else repr(value)
    if isinstance(value, (list, dict)):
        return json.dumps(value, separators=(",", ":"))
    return str(value)


def table_csv(rows: list[dict[str, Any]]) -> str:
    """The sweep table as CSV: parameters, then each KPI's ``.mean``/``.low``/``.high``,
    ``.target``, ``.verdict`` and ``.at_edge`` (empty for a KPI without a target) and ``.n``
    (replications with a value), then its
    paired difference from the first point ``.diff``/``.diff_low``/``.diff_high``; the same rows
    give the same bytes, so a resumed sweep's table equals an uninterrupted one's."""
    header = list(rows[0])
    lines = [",".join(header)]
    for row in rows:
        cells = [cell_text(row[h]) for h in header]
        lines.append(",".join(f'"{c}"' if "," in c else c for c in cells))
    return "\n".join(lines) + "\n"


def table_text(sweep: Sweep, rows: list[dict[str, Any]]) -> str:
    """The sweep table for the terminal: parameters, then each KPI's mean [95% CI] as ``run``
    prints an estimate, then a second block of each point's paired difference from the first
    point as ``compare`` prints one (a share's in percentage points, ``+0.1 pp [-0.8 pp, +1.1
    pp]``; :mod:`sim.experiments.compare_output`)."""

    def estimate(name: str, r: dict[str, Any]) -> str:
        text = interval_estimate_text(
            r[f"{name}.mean"], r[f"{name}.low"], r[f"{name}.high"], KPI_INFO[name][1]
        )
        verdict = r[f"{name}.verdict"]
        if not verdict:
            return text
        word = VERDICT_WORDS[verdict]
        if r.get(f"{name}.at_edge"):  # as run notes an edge met (kpi_summary.with_edge)
            unit = KPI_INFO[name][1]
            target = float(r[f"{name}.target"].split()[-1])
            word = with_edge({"at_edge": True, "target": target, "unit": unit, "n": r[f"{name}.n"]}, word)
        return f"{text} ({word})"

    def difference(name: str, r: dict[str, Any]) -> str:
        return difference_text(
            r[f"{name}.diff"], r[f"{name}.diff_low"], r[f"{name}.diff_high"], KPI_INFO[name][1]
        )

    def block(cell) -> str:
        head = list(sweep.grid) + sweep.kpis
        body = [[cell_text(r[k]) for k in sweep.grid] + [cell(k, r) for k in sweep.kpis] for r in rows]
        widths = [max(len(str(x)) for x in col) for col in zip(head, *body)]
        return "\n".join(
            "  ".join(str(c).ljust(w) for c, w in zip(line, widths)).rstrip()
            for line in [head, ["-" * w for w in widths], *body]
        )

    return (
        block(estimate)
        + "\n\nPaired difference from the first point (same seeds), mean [95% CI]:\n"
        + block(difference)
    )
