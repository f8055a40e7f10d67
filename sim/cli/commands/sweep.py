"""``run.py sweep SWEEP.yaml``: a grid of scenario variants with common random numbers."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from sim.cli.main import RESULTS
from sim.cli.options import JOBS, RUN_DAYS, RUN_REPS, path_text
from sim.config.errors import Problem, UserError
from sim.config.scenario import Scenario
from sim.config.yaml_read import read_yaml
from sim.experiments.runner import default_jobs
from sim.experiments.sweep import point_scenario, points, sweep_results, table_text
from sim.experiments.sweep_file import load_sweep
from sim.reporting.formatting import plural


def add_parser(sub) -> None:
    """Add ``sweep``'s options (the sweep file, replications, days, jobs, output) to the
    command parser."""
    p = sub.add_parser(
        "sweep",
        help="simulate a grid of scenario variants (resumable)",
        description="Simulate every combination of a sweep file's grid with the "
        "same seed (common random numbers); write table.csv, "
        "points/*.json and charts/ to results/sweeps/<name>/, replaced whole at the end. "
        "Rerunning resumes: finished points are not simulated again.",
    )
    p.add_argument("sweep", type=path_text, help="sweep YAML (see docs/policies.md)")
    p.add_argument(
        "--jobs",
        type=JOBS,
        default=None,
        help="worker processes (default: all cores); results do not depend on it",
    )
    p.add_argument("--reps", type=RUN_REPS, help="replications per point (overrides the sweep file's reps)")
    p.add_argument("--days", type=RUN_DAYS, help="measured days per point (overrides the sweep file's days)")
    p.add_argument("--out", type=path_text, help="output folder (default: results/sweeps/<name>)")
    p.add_argument("--no-charts", action="store_true", help="write the table only")


def main(args) -> int:
    """Run every point of ``args.sweep``'s grid under common random numbers and write its
    results folder. Exit code 0 (a user's error raises ``UserError``)."""
    if args.reps is not None and args.reps < 2:
        raise UserError("--reps must be >= 2 (a 95% interval needs two)")
    if _scenario_not_sweep(args.sweep):
        raise UserError(
            [
                Problem(
                    args.sweep,
                    None,
                    "",
                    "is a scenario, not a sweep; expected a sweep file with scenario: and grid: "
                    "(docs/policies.md), or run the scenario with `run`",
                )
            ]
        )
    sweep = load_sweep(args.sweep, args.reps, args.days)  # the file and every point: all problems at once
    out = Path(args.out) if args.out else RESULTS / "sweeps" / sweep.name
    if out.exists() and not out.is_dir():
        raise UserError([Problem(str(out), None, "", "--out names a file; expected a folder for the sweep")])
    rows = sweep_results(sweep, out, jobs=args.jobs or default_jobs(), charts=not args.no_charts)
    base = point_scenario(sweep, points(sweep)[0])
    print(
        f"Sweep {sweep.name}: {plural(len(rows), 'point')} of {base.name}, "
        f"{plural(base.run.reps, 'replication')} x {plural(base.run.days, 'day')} each, "
        f"seed {base.run.seed} (common random numbers)"
    )
    print(table_text(sweep, rows))
    print(f"\nResults: {out}")
    return 0


def _scenario_not_sweep(path: str) -> bool:
    """Whether ``path`` holds a scenario (``extends:`` or scenario keys, and neither of a
    sweep's ``scenario:`` and ``grid:``) given to ``sweep`` by mistake: one line says so,
    instead of one per scenario key that a sweep file does not know. A file that cannot be
    read is left to the sweep's reader, which reports why."""
    try:
        data = read_yaml(path)
    except UserError:
        return False
    keys = {f.name for f in dataclasses.fields(Scenario)} - {"name"} | {"extends"}  # name: both
    return "scenario" not in data and "grid" not in data and bool(keys & set(data))
