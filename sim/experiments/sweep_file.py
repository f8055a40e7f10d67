"""A sweep file: its scenario, its grid of scenario keys, and the scenario of each grid point.

A sweep file names a scenario and a grid of dotted paths (:mod:`sim.config.overrides`) with a list of
values each; every combination is a point, simulated with the same root seed (so the points
share random numbers and their differences are mostly the parameter's effect)::

    scenario: ../pingyang.yaml
    reps: 4
    grid:
      dispatch.timeouts_min.rural[0]: [20, 60, 120]
      teams.village_members_per_1000: [5, 9.5]

Every point's scenario is loaded and checked like a scenario file, a problem being reported at
the sweep file's line (:func:`point_scenario`); :func:`load_sweep` checks the file and all its
points at once, listing every problem together (``run.py sweep`` and ``run.py validate``).
"""

from __future__ import annotations

import dataclasses
import itertools
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sim.config.errors import Problem, UserError, closest
from sim.config.load import load_scenario
from sim.config.loader import read_yaml
from sim.config.scenario import Scenario
from sim.results.kpi_catalogue import KPI_INFO

# the KPIs a sweep reports when its file names none: the headline promises and their causes
DEFAULT_KPIS = [
    "urban_10min",
    "rural_same_day",
    "open_overnight_per_week",
    "escalation_rate",
    "response_p90_urban",
]
# the keys a sweep file may hold (any other is refused, so a misspelt key is not ignored)
KEYS = {"scenario", "name", "grid", "reps", "days", "seed", "kpis"}
# run settings every point shares (a grid over one would break the points' common random numbers)
SHARED_RUN_KEYS = {f"run.{k}" for k in ("seed", "reps", "days", "warmup_days", "drain_days", "start_weekday")}


@dataclass(frozen=True)
class Sweep:
    """A parsed sweep file: its scenario, grid, run settings (None: the scenario's own; days
    in days) and the KPIs it reports, with the lines that problems are reported at."""

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


def is_sweep_file(path: str | Path) -> bool:
    """Whether ``path`` is a sweep file rather than a scenario: a YAML mapping with both a
    top-level ``scenario:`` and ``grid:`` (neither is a scenario key). A file that cannot be
    read is not one (reading it as a scenario reports why)."""
    try:
        data = read_yaml(path)
    except UserError:
        return False
    return isinstance(data, dict) and "scenario" in data and "grid" in data


def read_sweep(path: str | Path) -> Sweep:
    """Read and check a sweep file (safe YAML); raise UserError listing every problem of the
    file itself, each at its file and line. Its points' scenarios are checked by
    :func:`load_sweep` (every point at once) or when the sweep runs."""
    sweep, problems = _parse(Path(path))
    if problems:
        raise UserError(problems)
    assert sweep is not None
    return sweep


def load_sweep(
    path: str | Path,
    reps: int | None = None,
    days: float | None = None,
    warnings: list[Problem] | None = None,
) -> Sweep:
    """Read a sweep file and check the scenario of every grid point, so that a bad sweep is
    refused before any point is simulated; raise UserError listing every problem at once: the
    file's own (:func:`read_sweep`) and each point's (a mistyped grid key or a value out of
    range, at the sweep file's line; a problem shared by many points once). ``reps`` and
    ``days`` (days), when given, replace the file's (the command line's ``--reps``/``--days``).
    The points' warnings (valid but suspicious settings) are appended to ``warnings``, each
    once."""
    path = Path(path)
    sweep, problems = _parse(path)
    changes = {k: v for k, v in (("reps", reps), ("days", days)) if v is not None}
    if sweep is not None:
        sweep = dataclasses.replace(sweep, **changes)
        found, cautions = point_problems(sweep)
        problems = _unique(problems + found)
        if warnings is not None:
            warnings += [w for w in cautions if w not in warnings]
    if problems:  # the sweep file's first, top to bottom; then the other files' (its scenario's)
        own = os.path.abspath(path)
        raise UserError(
            sorted(problems, key=lambda p: (0, p.line or 0) if os.path.abspath(p.file) == own else (1, 0))
        )
    assert sweep is not None
    return sweep


def point_problems(sweep: Sweep) -> tuple[list[Problem], list[Problem]]:
    """(problems, warnings) of every grid point's scenario (:func:`point_scenario`), each
    listed once however many points share it, in the grid's order."""
    problems: list[Problem] = []
    warnings: list[Problem] = []
    for overrides in points(sweep):
        try:
            point_scenario(sweep, overrides, warnings)
        except UserError as exc:
            problems += exc.problems
    return _unique(problems), _unique(warnings)


def _unique(problems: list[Problem]) -> list[Problem]:
    """``problems`` without repeats, in their order."""
    return list(dict.fromkeys(problems))


def _parse(path: Path) -> tuple[Sweep | None, list[Problem]]:
    """The sweep of a file and every problem of the file itself. The sweep is returned whenever
    its points can be checked (a scenario file found, a grid with a list of values), with what
    is wrong left out (a bad grid entry, reps, days or seed), so that the points' own problems
    can be listed with the file's; else None."""
    data = read_yaml(path)
    problems: list[Problem] = []
    lines = getattr(data, "key_lines", {})

    def bad(key: str, message: str, line: int | None = None) -> None:
        problems.append(Problem(str(path), line or lines.get(key), key, message))

    for key in data:
        if key not in KEYS:
            bad(str(key), f"unknown key; expected one of {', '.join(sorted(KEYS))}")
    scenario = data.get("scenario")
    found = isinstance(scenario, str) and (path.parent / scenario).is_file()
    if not found:
        bad("scenario", "expected the path of a scenario file relative to the sweep file")
    grid = data.get("grid")
    grid_lines = getattr(grid, "key_lines", {})
    if not isinstance(grid, dict) or not grid:
        bad("grid", "expected a mapping of scenario paths to lists of values")
        grid = {}
    usable = {}
    for key, values in grid.items():
        if not isinstance(values, list) or not values:
            bad(f"grid.{key}", "expected a non-empty list of values", grid_lines.get(key))
        elif str(key) in SHARED_RUN_KEYS:
            bad(
                f"grid.{key}",
                "the points of a sweep share one seed, run length and replications: their paired "
                "differences rest on common random numbers, which another seed or horizon breaks; "
                "expected the sweep's own reps, days or seed (one value), or a sweep of its own "
                "for each",
                grid_lines.get(key),
            )
        elif len(set(map(repr, values))) < len(values):  # (the same point twice)
            twice = next(repr(v) for i, v in enumerate(values) if repr(v) in map(repr, values[:i]))
            bad(f"grid.{key}", f"{twice} is listed twice; expected each value once", grid_lines.get(key))
        else:
            usable[str(key)] = list(values)
    run: dict[str, Any] = {}
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
        else:
            run[key] = value
    kpis = data.get("kpis", DEFAULT_KPIS)
    if not isinstance(kpis, list):
        bad("kpis", f"expected a list of KPI names, e.g. {', '.join(DEFAULT_KPIS[:2])}")
        kpis = []
    else:
        for k, kpi in enumerate(kpis):
            if not isinstance(kpi, str) or kpi not in KPI_INFO:
                close = closest(str(kpi), KPI_INFO)
                hint = f"did you mean {close!r}?" if close else "expected a KPI name of docs/kpis.md"
                bad(f"kpis[{k}]", f"unknown KPI {kpi!r}; {hint}", lines.get("kpis"))
    name = data.get("name", path.stem)
    if not isinstance(name, str) or not name.replace("_", "").replace("-", "").isalnum():
        bad("name", "expected letters, digits, '_' or '-'")
    if not found or not usable:
        return None, problems
    return (
        Sweep(
            str(path),
            str(name),
            path.parent / scenario,
            usable,
            run.get("reps"),
            run.get("days"),
            run.get("seed"),
            [str(k) for k in kpis],
            {k: grid_lines.get(k) for k in usable},
            {k: lines.get(k) for k in ("reps", "days", "seed")},
        ),
        problems,
    )


def points(sweep: Sweep) -> list[dict[str, Any]]:
    """Every combination of the grid's values (key -> value, one dict per point), the last key
    varying fastest: the points' order in the table, the charts and the progress."""
    keys = list(sweep.grid)
    return [dict(zip(keys, combo)) for combo in itertools.product(*sweep.grid.values())]


def point_scenario(
    sweep: Sweep, overrides: dict[str, Any], warnings: list[Problem] | None = None
) -> Scenario:
    """The scenario of one point, loaded and checked like any scenario file; a problem with a
    grid value or with the sweep's own reps, days or seed is reported at the sweep file's line.
    Its warnings (valid but suspicious settings) are appended to ``warnings``."""
    run = {k: v for k in ("reps", "days", "seed") if (v := getattr(sweep, k)) is not None}
    origins = {k: (sweep.source, sweep.lines.get(k)) for k in overrides}
    origins.update({f"run.{k}": (sweep.source, sweep.run_lines.get(k)) for k in run})
    return load_scenario(
        sweep.scenario,
        warnings,
        overrides={**overrides, **{f"run.{k}": v for k, v in run.items()}},
        origins=origins,
    )
