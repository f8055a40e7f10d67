"""``run.py sweep SWEEP.yaml``: a grid of scenario variants with common random numbers."""

from __future__ import annotations

from pathlib import Path

from sim.cli.main import REPO
from sim.cli.options import JOBS
from sim.config.errors import Problem, UserError
from sim.experiments.runner import default_jobs
from sim.experiments.sweep import (
    point_scenario,
    points,
    read_sweep,
    run_sweep,
    table_csv,
    table_text,
    write_charts,
)
from sim.reporting.files import write_text
from sim.reporting.folder import locked


def add_parser(sub) -> None:
    p = sub.add_parser(
        "sweep",
        help="simulate a grid of scenario variants (resumable)",
        description="Simulate every combination of a sweep file's grid with the "
        "same seed (common random numbers); write table.csv, "
        "points/*.json and charts/ to results/sweeps/<name>/. "
        "Rerunning resumes: finished points are not simulated again.",
    )
    p.add_argument("sweep", help="sweep YAML (see docs/policies.md)")
    p.add_argument(
        "--jobs",
        type=JOBS,
        default=None,
        help="worker processes (default: all cores); results do not depend on it",
    )
    p.add_argument("--out", help="output folder (default: results/sweeps/<name>)")
    p.add_argument("--no-charts", action="store_true", help="write the table only")


def main(args) -> int:
    sweep = read_sweep(args.sweep)
    out = Path(args.out) if args.out else REPO / "results" / "sweeps" / sweep.name
    if out.exists() and not out.is_dir():
        raise UserError([Problem(str(out), None, "", "--out names a file; expected a folder for the sweep")])
    with locked(out):  # one sweep at a time per folder; its points are a cache kept across runs
        rows = run_sweep(sweep, out, jobs=args.jobs or default_jobs())
        write_text(out / "table.csv", table_csv(rows))
        base = point_scenario(sweep, points(sweep)[0])
        if not args.no_charts:
            write_charts(sweep, rows, base, out)
    print(
        f"Sweep {sweep.name}: {len(rows)} points of {base.name}, {base.run.reps} replications "
        f"x {base.run.days:g} days each, seed {base.run.seed} (common random numbers)"
    )
    print(table_text(sweep, rows))
    print(f"\nResults: {out}")
    return 0
