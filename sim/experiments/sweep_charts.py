"""A sweep's charts: each KPI's mean and 95% interval against each swept key."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

from sim.config.overrides import parse_path, path_meaning
from sim.config.scenario import Scenario
from sim.experiments.assumptions import ASSUMPTIONS
from sim.experiments.sweep_file import Sweep
from sim.experiments.sweep_table import cell_text
from sim.reporting.formatting import plural
from sim.results.kpi_catalogue import KPI_INFO


def write_charts(sweep: Sweep, rows: list[dict[str, Any]], scenario: Scenario, out: Path) -> list[Path]:
    """One chart per swept key and combination of the other keys' values, written as
    ``out/charts/<key>[__n].png`` and ``.svg``: each KPI's mean and 95% CI band against the key
    (in the key's unit; values that are not numbers, such as pairing strategies, as named
    points with error bars), with each charted KPI's target as a dotted line: each point's own,
    the one its row judges it against (:func:`target_value`), so a sweep over a target draws
    the target of every point. Return the files written."""
    from sim.reporting import experiment_charts  # matplotlib only when charts are drawn

    keys = list(sweep.grid)
    labels = {k: KPI_INFO[k][0] for k in sweep.kpis}
    units = {k: KPI_INFO[k][1] for k in sweep.kpis}
    written: list[Path] = []
    for key in keys:
        others = [k for k in keys if k != key]
        groups: dict[str, list[dict[str, Any]]] = {}
        for row in rows:
            groups.setdefault(json.dumps([row[k] for k in others]), []).append(row)
        for n, (label, group) in enumerate(groups.items()):
            values = [r[key] for r in group]
            numeric = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values)
            x = [float(v) for v in values] if numeric else list(range(len(values)))
            series = {
                k: {s: [r[f"{k}.{s}"] for r in group] for s in ("mean", "low", "high")} for k in sweep.kpis
            }
            targets = {
                k: [target_value(r[f"{k}.target"]) for r in group]
                for k in sweep.kpis
                if any(r[f"{k}.target"] for r in group)
            }
            fixed = ", ".join(f"{k}={cell_text(v)}" for k, v in zip(others, json.loads(label)))
            stem = (
                out / "charts" / (key.replace("[", "_").replace("]", "") + (f"__{n + 1}" if others else ""))
            )
            foot = (
                f"sweep {sweep.name} of {scenario.name}, seed {scenario.run.seed}, "
                f"{plural(scenario.run.reps, 'replication')} x {plural(scenario.run.days, 'day')} each"
                + (f"; {fixed}" if fixed else "")
                + (
                    ""
                    if numeric
                    else f"; each point's own interval (paired differences from {cell_text(values[0])}: "
                    "table.csv)"
                )
            )
            written += experiment_charts.sweep_chart(
                x,
                series,
                labels,
                axis_label(key),
                stem,
                foot,
                units=units,
                targets=targets,
                categories=None if numeric else [cell_text(v) for v in values],
            )
    return written


def target_value(cell: str) -> float | None:
    """The threshold of a table row's ``<kpi>.target`` cell (``">= 0.9"`` -> 0.9: the point's
    own target, that its verdict is judged against, :func:`sim.experiments.sweep_table.table_row`,
    to the six significant digits the cell shows), None for an empty cell (no target)."""
    return float(cell.split()[1]) if cell else None


AXIS_WIDTH = 30  # characters of an axis label's line: a panel of three to a row is about 2.3 inches

# the words of the assumptions' table (docs/assumptions.md) for the keys an assumption sets alone
KEY_WORDS = {a.keys[0]: a.what for a in ASSUMPTIONS if len(a.keys) == 1}


def key_words(key: str) -> str:
    """A swept key in words: the assumptions' table's (``teams.village_scale`` -> "village
    volunteers on duty (members x on-duty share)"), else the key's fields after its section, as
    words (``proxy.errands_per_day`` -> "errands per day"; an index stays: "timeouts min rural
    [1]")."""
    if key in KEY_WORDS:
        return KEY_WORDS[key]
    try:
        tokens = parse_path(key)
    except ValueError:
        return key
    words = [f"[{t}]" if isinstance(t, int) else t.replace("_", " ") for t in tokens[1:] or tokens]
    return " ".join(words)


def axis_label(key: str) -> str:
    """The x axis's label of a swept key: its words with its unit (unless the words say it
    already, or the unit is a distribution's "same unit as the quantity", which the words of
    e.g. "acceptance delay, mean minutes" give), wrapped to the narrowest panel, then the key
    itself on a line of its own, so the axis reads in words and still names what the sweep file
    sets."""
    words, unit = key_words(key), path_meaning(key)[1]
    if unit and unit not in words and not unit.startswith("same unit"):
        words += f", {unit}" if words.endswith(")") else f" ({unit})"
    return f"{textwrap.fill(words, AXIS_WIDTH)}\n{key}"
