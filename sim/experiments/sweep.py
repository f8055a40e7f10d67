"""Sweeps: a grid over scenario keys, every point with common random numbers, resumable.

A sweep file (:mod:`sim.experiments.sweep_file`) names a scenario and a grid of dotted paths
with a list of values each; every combination is a point, simulated with the same root seed, so
the points share random numbers and their differences are mostly the parameters' effect.
:func:`sweep_results` runs a sweep into its results folder, replaced whole
(:mod:`sim.experiments.sweep_folder`): the points, from the cache of finished points or
simulated (:mod:`sim.experiments.sweep_points`), ``table.csv``
(:mod:`sim.experiments.sweep_table`) and the charts (:mod:`sim.experiments.sweep_charts`). A
failed or interrupted sweep leaves the previous folder as it was and its finished points in the
cache beside it, so a rerun simulates only the points no run finished.

The sweep's names are importable from here as well as from the module that defines them.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from sim.experiments.sweep_charts import write_charts
from sim.experiments.sweep_file import DEFAULT_KPIS, KEYS, Sweep, point_scenario, points, read_sweep
from sim.experiments.sweep_folder import points_cache, sweep_folder
from sim.experiments.sweep_points import link_points, point_key, read_point, run_points
from sim.experiments.sweep_table import table_csv, table_row, table_rows, table_text
from sim.reporting.files import write_text

__all__ = [
    "DEFAULT_KPIS",
    "KEYS",
    "Sweep",
    "point_key",
    "point_scenario",
    "points",
    "points_cache",
    "read_point",
    "read_sweep",
    "run_sweep",
    "sweep_results",
    "table_csv",
    "table_row",
    "table_rows",
    "table_text",
    "write_charts",
]


def sweep_results(
    sweep: Sweep,
    out: Path,
    jobs: int = 1,
    progress: bool = True,
    charts: bool = True,
    on_point: Callable[[Path], None] | None = None,
) -> list[dict[str, Any]]:
    """Run the sweep into the results folder ``out``, replaced whole when it ends (module
    docstring): its grid's point files in ``points/``, ``table.csv`` and, with ``charts``,
    ``charts/``; return the table's rows. Points are simulated in ``jobs`` worker processes
    (the results do not depend on it); ``on_point`` is called after each point is saved (tests
    use it to interrupt a sweep)."""
    out = Path(out)
    with sweep_folder(out) as (tmp, cache):
        saved, paths = run_points(sweep, cache, out / "points", jobs, progress, on_point)
        rows = table_rows(sweep, saved)
        link_points(paths, tmp / "points")
        write_text(tmp / "table.csv", table_csv(rows))
        if charts:
            write_charts(sweep, rows, point_scenario(sweep, points(sweep)[0]), tmp)
    return rows


def run_sweep(
    sweep: Sweep,
    out: Path,
    jobs: int = 1,
    progress: bool = True,
    on_point: Callable[[Path], None] | None = None,
) -> list[dict[str, Any]]:
    """:func:`sweep_results` without charts: the table's rows, with the results folder ``out``
    (``points/`` and ``table.csv``) replaced whole, for code that draws its own charts or none.
    An interrupted call leaves ``out`` as it was and the points it finished in the cache beside
    it (:func:`points_cache`), so the next call resumes."""
    return sweep_results(sweep, out, jobs, progress, charts=False, on_point=on_point)
