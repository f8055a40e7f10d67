"""Sweeps: a grid over scenario keys, every point with common random numbers, resumable.

A sweep file names a scenario and a grid of dotted paths (:mod:`sim.config.overrides`) with a list of
values each; every combination is a point, simulated with the same root seed (so the points
share random numbers and their differences are mostly the parameter's effect)::

    scenario: ../pingyang.yaml
    reps: 4
    grid:
      dispatch.timeouts_min.rural[0]: [20, 60, 120]
      teams.village_members_per_1000: [5, 9.5]

The results folder (``results/sweeps/<name>/``: ``table.csv``, ``charts/``, ``points/``) is
replaced whole (:func:`sim.reporting.folder.results_folder`): :func:`sweep_results` builds the
new folder in a temporary sibling and renames it into place at the end, so a failed or
interrupted sweep leaves the previous folder as it was, and a finished one holds only its own
grid's points, table and charts.

Each finished point is saved at once, atomically, as ``<key>.json`` in the sweep's points cache
``.<name>.cache/points/`` beside the results folder, ``key`` a hash of everything that determines its
results: the point's fully resolved scenario (every default filled, the overrides applied), the
bytes of every data file it reads, and the engine (its version and a digest of its source). A
rerun first takes the previous results folder's ``points/`` into the cache (hard links), then
simulates only the points the cache lacks, so an interrupted sweep resumes where it stopped and
ends with the same table, while a changed base scenario, data file or engine recomputes. A point
file that cannot be read or does not hold what its key promises is recomputed with a warning.
The grid's points are linked into the new folder's ``points/``, and the cache is removed just
before that folder is renamed into place (still under the folder's lock).
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import os
import shutil
import sys
from collections.abc import Callable
from concurrent.futures import as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sim.config.errors import Problem, UserError
from sim.config.load import load_scenario
from sim.config.loader import read_yaml
from sim.config.overrides import path_meaning
from sim.config.scenario import Scenario
from sim.experiments.content import content_key
from sim.experiments.runner import run_replications
from sim.experiments.workers import pool as worker_pool
from sim.experiments.workers import stop_pool
from sim.reporting.files import write_json, write_text
from sim.reporting.folder import MARKER, MARKER_TEXT, results_folder
from sim.reporting.progress import Progress
from sim.results.kpis import KPI_INFO
from sim.results.stats import paired_difference
from sim.results.verdict import judge

DEFAULT_KPIS = [
    "urban_10min",
    "rural_same_day",
    "open_overnight_per_week",
    "escalation_rate",
    "response_p90_urban",
]
KEYS = {"scenario", "name", "grid", "reps", "days", "seed", "kpis"}


@dataclass(frozen=True)
class Sweep:
    """A parsed sweep file."""

    source: str
    name: str
    scenario: Path
    grid: dict[str, list[Any]]
    reps: int | None
    days: float | None
    seed: int | None
    kpis: list[str]
    lines: dict[str, int | None]  # line of each grid key in the sweep file
    run_lines: dict[str, int | None] = field(default_factory=dict)  # line of reps, days, seed


def read_sweep(path: str | Path) -> Sweep:
    """Read and check a sweep file (safe YAML); raise UserError listing every problem."""
    path = Path(path)
    data = read_yaml(path)
    problems: list[Problem] = []
    lines = getattr(data, "key_lines", {})

    def bad(key: str, message: str, line: int | None = None) -> None:
        problems.append(Problem(str(path), line or lines.get(key), key, message))

    for key in data:
        if key not in KEYS:
            bad(str(key), f"unknown key; expected one of {', '.join(sorted(KEYS))}")
    scenario = data.get("scenario")
    if not isinstance(scenario, str) or not (path.parent / scenario).is_file():
        bad("scenario", "expected the path of a scenario file relative to the sweep file")
    grid = data.get("grid")
    grid_lines = getattr(grid, "key_lines", {})
    if not isinstance(grid, dict) or not grid:
        bad("grid", "expected a mapping of scenario paths to lists of values")
        grid = {}
    for key, values in grid.items():
        if not isinstance(values, list) or not values:
            bad(f"grid.{key}", "expected a non-empty list of values", grid_lines.get(key))
    for key, kind, low, expected in (
        ("reps", int, 2, "a whole number >= 2 (a 95% interval needs two)"),
        ("days", (int, float), 0, "a number > 0"),
        ("seed", int, 0, "a whole number >= 0"),
    ):
        value = data.get(key)
        if value is not None and (
            not isinstance(value, kind)
            or isinstance(value, bool)
            or value < low
            or (key == "days" and value == 0)
        ):
            bad(key, f"expected {expected}")
    kpis = data.get("kpis", DEFAULT_KPIS)
    if not isinstance(kpis, list) or any(k not in KPI_INFO for k in kpis):
        bad("kpis", f"expected a list of KPI names, e.g. {', '.join(DEFAULT_KPIS[:2])}")
    name = data.get("name", path.stem)
    if not isinstance(name, str) or not name.replace("_", "").replace("-", "").isalnum():
        bad("name", "expected letters, digits, '_' or '-'")
    if problems:
        raise UserError(problems)
    return Sweep(
        str(path),
        name,
        path.parent / scenario,
        {str(k): list(v) for k, v in grid.items()},
        data.get("reps"),
        data.get("days"),
        data.get("seed"),
        list(kpis),
        {str(k): grid_lines.get(k) for k in grid},
        {k: lines.get(k) for k in ("reps", "days", "seed")},
    )


def points(sweep: Sweep) -> list[dict[str, Any]]:
    """Every combination of the grid's values, the last key varying fastest."""
    keys = list(sweep.grid)
    return [dict(zip(keys, combo)) for combo in itertools.product(*sweep.grid.values())]


def point_key(overrides: dict[str, Any], scenario: Scenario) -> str:
    """Stable hash of what determines a point's results (its file name): the overrides, the
    resolved scenario, the data files' bytes and the engine."""
    text = json.dumps({"overrides": overrides, "content": content_key(scenario)}, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def read_point(path: Path, scenario: Scenario, kpis: list[str]) -> dict | None:
    """A saved point, or None (with a warning on stderr) when it is missing, unreadable or
    does not hold ``run.reps`` values of each KPI the sweep reports."""
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        values = data["kpis"]
        ok = (
            data.get("reps") == scenario.run.reps
            and data.get("seed") == scenario.run.seed
            and all(
                isinstance(values[k], list)
                and len(values[k]) == scenario.run.reps
                and all(
                    v is None or (isinstance(v, (int, float)) and not isinstance(v, bool)) for v in values[k]
                )
                for k in kpis
            )
        )
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError):
        ok = False
    if not ok:
        print(
            f"warning: {path}: unreadable or incomplete point file; simulating the point again",
            file=sys.stderr,
        )
        return None
    data["kpis"] = {k: [math.nan if v is None else float(v) for v in values[k]] for k in kpis}
    return data


def point_scenario(sweep: Sweep, overrides: dict[str, Any]) -> Scenario:
    """The scenario of one point, loaded and checked like any scenario file; a problem with a
    grid value or with the sweep's own reps, days or seed is reported at the sweep file's line."""
    run = {k: v for k in ("reps", "days", "seed") if (v := getattr(sweep, k)) is not None}
    clash = [k for k in run if f"run.{k}" in overrides]  # the sweep-wide value would win unseen
    if clash:
        raise UserError(
            [
                Problem(
                    sweep.source,
                    sweep.lines.get(f"run.{k}"),
                    f"grid.run.{k}",
                    f"also set for the whole sweep by {k} (or --{k}); expected it in one place",
                )
                for k in clash
            ]
        )
    origins = {k: (sweep.source, sweep.lines.get(k)) for k in overrides}
    origins.update({f"run.{k}": (sweep.source, sweep.run_lines.get(k)) for k in run})
    return load_scenario(
        sweep.scenario,
        overrides={**overrides, **{f"run.{k}": v for k, v in run.items()}},
        origins=origins,
    )


def _run_point(task: tuple[Scenario, Path, dict[str, Any]]) -> Path:
    """Simulate one point's replications and save its per-replication KPIs atomically."""
    scenario, path, overrides = task
    results = run_replications(
        scenario, scenario.run.reps, scenario.run.seed, jobs=1, keep_logs=False, progress=False
    )
    write_json(
        path,
        {
            "overrides": overrides,
            "seed": scenario.run.seed,
            "reps": scenario.run.reps,
            "days": scenario.run.days,
            "kpis": {name: [r.kpis[name] for r in results] for name in results[0].kpis},
        },
    )
    return path


def sweep_results(
    sweep: Sweep,
    out: Path,
    jobs: int = 1,
    progress: bool = True,
    charts: bool = True,
    on_point: Callable[[Path], None] | None = None,
) -> list[dict[str, Any]]:
    """Run the sweep into the results folder ``out``, replaced whole (module docstring): its
    points (from the cache or simulated), ``table.csv`` and, with ``charts``, ``charts/``.
    Return the table's rows. ``on_point`` is called after each point is saved."""
    out = Path(out)
    _adopt_earlier_sweep_folder(out)
    with results_folder(out) as tmp:  # holds the folder's lock, which guards the cache too
        cache = points_cache(out)
        rows, paths = _run(sweep, cache, jobs, progress, on_point, earlier=out / "points")
        for path in paths:
            _link(path, tmp / "points" / path.name)
        write_text(tmp / "table.csv", table_csv(rows))
        if charts:
            write_charts(sweep, rows, point_scenario(sweep, points(sweep)[0]), tmp)
        # under the lock (a next sweep may use the cache as soon as it is released): the grid's
        # points are in the new folder now, the others belong to no grid of this folder
        shutil.rmtree(cache, ignore_errors=True)
    return rows


def points_cache(out: Path) -> Path:
    """The folder whose ``points/`` caches the finished points of sweeps into ``out``
    (``.NAME.cache`` beside ``out``; kept until a sweep into ``out`` finishes)."""
    return out.parent / f".{out.name}.cache"


def _link(source: Path, target: Path) -> None:
    """Put ``source`` at ``target`` as a hard link (a copy where links are not possible). The
    cache's files are only ever replaced by rename, never written through a link."""
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except FileExistsError:  # a grid value given twice: one point, one file
        pass
    except OSError:
        shutil.copyfile(source, target)


def _same_file(a: Path, b: Path) -> bool:
    """Whether ``a`` and ``b`` are one file (a cached point linked from a results folder)."""
    try:
        return a.samefile(b)
    except OSError:
        return False


def _adopt_earlier_sweep_folder(out: Path) -> None:
    """Mark as a results folder one holding only a sweep's files (``table.csv``, ``points/``,
    ``charts/``) but no marker, so that it may be replaced whole; any other folder is left to
    :func:`sim.reporting.folder.check_out` to judge."""
    if not out.is_dir() or (out / MARKER).exists() or not (out / "table.csv").is_file():
        return
    if {p.name for p in out.iterdir()} <= {"table.csv", "points", "charts"}:
        (out / MARKER).write_text(MARKER_TEXT, encoding="utf-8")


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


def _run(
    sweep: Sweep,
    out: Path,
    jobs: int,
    progress: bool,
    on_point: Callable[[Path], None] | None,
    earlier: Path,
) -> tuple[list[dict[str, Any]], list[Path]]:
    """The table's rows, and the grid's point files in the cache ``out/points``, in the table's
    order: the points the cache lacks are first taken from the folder ``earlier`` (hard links),
    then the ones still missing are simulated."""
    grid = points(sweep)
    scenarios = [point_scenario(sweep, p) for p in grid]  # every point checked before any run
    paths = [out / "points" / (point_key(p, s) + ".json") for p, s in zip(grid, scenarios)]
    for path in paths:  # the previous results' points (read_point checks them like any other)
        if not path.exists() and (earlier / path.name).is_file():
            _link(earlier / path.name, path)
    saved: list[dict | None] = [read_point(path, s, sweep.kpis) for path, s in zip(paths, scenarios)]
    todo = [(s, path, p) for s, path, p, d in zip(scenarios, paths, grid, saved) if d is None]
    bar = Progress(len(todo), f"sweep {sweep.name}", progress and bool(todo), unit="point")
    if progress and len(todo) < len(grid):
        reused = len(grid) - len(todo)
        kept = sum(d is not None and _same_file(path, earlier / path.name) for path, d in zip(paths, saved))
        if kept == reused:
            where = f"saved in {earlier}"
        elif kept == 0:
            where = f"an interrupted sweep saved in {out / 'points'}"
        else:
            where = f"({kept} saved in {earlier}, {reused - kept} by an interrupted sweep)"
        bar.note(
            f"sweep {sweep.name}: reusing {reused} of {len(grid)} points {where}; {len(todo)} to simulate"
        )
    if jobs <= 1 or len(todo) <= 1:
        for task in todo:
            done = _run_point(task)
            bar.step()
            if on_point:
                on_point(done)
    else:
        with worker_pool(min(jobs, len(todo))) as pool:
            futures = [pool.submit(_run_point, task) for task in todo]
            try:
                for future in as_completed(futures):
                    done = future.result()
                    bar.step()
                    if on_point:
                        on_point(done)
            except BaseException:
                stop_pool(pool)
                raise
    done = [d or read_point(path, s, sweep.kpis) for d, path, s in zip(saved, paths, scenarios)]
    if any(d is None for d in done):  # a point file was changed under the running sweep
        raise UserError(f"{out / 'points'}: a point file changed during the sweep; expected to run it alone")
    return [table_row(sweep, p, data, done[0]) for p, data in zip(grid, done)], paths


def table_row(sweep: Sweep, overrides: dict[str, Any], saved: dict, first: dict) -> dict[str, Any]:
    """One point's row: its parameter values, then mean, low, high of each KPI, then the
    paired difference from the first point (same seeds: common random numbers) with its CI.
    The point's interval is :func:`sim.results.verdict.judge`'s (a share's stays inside 0-100%);
    a point file keeps the replications' values, not the orders they counted, so a proportion's
    interval is not capped by them as a run's kpis.json is (docs/outputs.md)."""
    row: dict[str, Any] = dict(overrides)
    for name in sweep.kpis:
        j = judge(saved["kpis"][name], KPI_INFO[name][1])
        row.update({f"{name}.mean": j.mean, f"{name}.low": j.low, f"{name}.high": j.high})
    for name in sweep.kpis:
        d = paired_difference(first["kpis"][name], saved["kpis"][name])
        row.update({f"{name}.diff": d["mean"], f"{name}.diff_low": d["low"], f"{name}.diff_high": d["high"]})
    return row


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return "" if math.isnan(value) else repr(value)
    if isinstance(value, (list, dict)):
        return json.dumps(value, separators=(",", ":"))
    return str(value)


def table_csv(rows: list[dict[str, Any]]) -> str:
    """The sweep table as CSV (parameters, then KPI mean/low/high); same rows, same bytes."""
    header = list(rows[0])
    lines = [",".join(header)]
    for row in rows:
        cells = [_cell(row[h]) for h in header]
        lines.append(",".join(f'"{c}"' if "," in c else c for c in cells))
    return "\n".join(lines) + "\n"


def table_text(sweep: Sweep, rows: list[dict[str, Any]]) -> str:
    """The sweep table for the terminal: parameters, then each KPI's mean [95% CI]."""

    def fmt(name: str, value: float, digits: int = 1) -> str:
        if value is None or math.isnan(value):
            return "n/a"
        return f"{value:.{digits}%}" if KPI_INFO[name][1] == "share" else f"{value:.{digits}f}"

    def block(suffixes: tuple[str, str, str], sign: str, d: int) -> str:
        head = list(sweep.grid) + sweep.kpis
        body = [
            [_cell(r[k]) for k in sweep.grid]
            + [
                f"{sign if r[k + suffixes[0]] > 0 else ''}{fmt(k, r[k + suffixes[0]], d)} "
                f"[{fmt(k, r[k + suffixes[1]], d)}, {fmt(k, r[k + suffixes[2]], d)}]"
                for k in sweep.kpis
            ]
            for r in rows
        ]
        widths = [max(len(str(x)) for x in col) for col in zip(head, *body)]
        return "\n".join(
            "  ".join(str(c).ljust(w) for c, w in zip(line, widths)).rstrip()
            for line in [head, ["-" * w for w in widths], *body]
        )

    return (
        block((".mean", ".low", ".high"), "", 1) + "\n\nPaired difference from the first "
        "point (same seeds), mean [95% CI]:\n" + block((".diff", ".diff_low", ".diff_high"), "+", 2)
    )


def write_charts(sweep: Sweep, rows: list[dict[str, Any]], scenario: Scenario, out: Path) -> list[Path]:
    """One chart per swept key and combination of the other keys' values: each KPI's mean
    and 95% CI band against the key (non-numeric values are placed at their positions, which
    the footnote names)."""
    from sim.reporting import experiment_charts

    keys = list(sweep.grid)
    labels = {k: KPI_INFO[k][0] for k in sweep.kpis}
    units = {k: KPI_INFO[k][1] for k in sweep.kpis}
    targets = {"urban_10min": scenario.targets.urban_share, "rural_same_day": scenario.targets.rural_share}
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
            fixed = ", ".join(f"{k}={_cell(v)}" for k, v in zip(others, json.loads(label)))
            legend = (
                ""
                if numeric
                else "; " + key + ": " + ", ".join(f"{i} = {_cell(v)}" for i, v in enumerate(values))
            )
            stem = (
                out / "charts" / (key.replace("[", "_").replace("]", "") + (f"__{n + 1}" if others else ""))
            )
            foot = (
                f"sweep {sweep.name} of {scenario.name}, seed {scenario.run.seed}, "
                f"{scenario.run.reps} replications each" + (f"; {fixed}" if fixed else "")
            )
            unit = path_meaning(key)[1]  # the axis names the swept key with its unit
            written += experiment_charts.sweep_chart(
                x,
                series,
                labels,
                f"{key} ({unit})" if unit else key,
                stem,
                foot + legend,
                units=units,
                targets=targets,
            )
    return written
