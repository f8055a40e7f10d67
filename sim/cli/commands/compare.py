"""``run.py compare A.yaml B.yaml [C.yaml ...]``: paired comparison under common random numbers."""

from __future__ import annotations

import sys
from pathlib import Path

from sim.cli.commands.run import printed_kpis
from sim.cli.main import RESULTS
from sim.cli.options import JOBS, RUN_DAYS, RUN_REPS, SEED, path_text, scheduler_address
from sim.experiments.compare import compare_arms, order_set_notes, reading_notes
from sim.experiments.compare_inputs import TOO_FEW_ARMS, check_arms, load_arm, plan, preview_arm
from sim.experiments.compare_output import (
    COST_KPI,
    arm_labels,
    csv_text,
    default_out,
    row_notes,
    table,
    town_rows,
)
from sim.experiments.runner import default_jobs
from sim.reporting import experiment_charts
from sim.reporting.files import write_json, write_text
from sim.reporting.folder import check_out, results_folder
from sim.reporting.saved import is_results_folder
from sim.results.kpi_catalogue import KPI_INFO


def add_parser(sub) -> None:
    p = sub.add_parser(
        "compare",
        help="compare scenarios with common random numbers (paired CIs)",
        description="Run every scenario with the same seeds (common random numbers) and report "
        "each KPI's estimate (with its verdict against the scenario's target, as `run` "
        "gives it) and the paired difference of each scenario against the "
        "first, with 95% CIs (Bonferroni-adjusted for more than two scenarios), a "
        "verdict (better / worse / no significant difference) and how much narrower "
        "the paired CI is than an unpaired one. A saved results folder may stand in "
        "for a scenario (its seed and replications are then used for all).",
    )
    p.add_argument(
        "scenarios", nargs="+", type=path_text, help="scenario YAML files or saved results folders"
    )
    p.add_argument(
        "--reps", type=RUN_REPS, help="replications (default: a saved run's or the first scenario's run.reps)"
    )
    p.add_argument("--seed", type=SEED, help="root seed (default: likewise)")
    p.add_argument("--days", type=RUN_DAYS, help="measured days for every scenario")
    p.add_argument("--jobs", type=JOBS, help="worker processes (default: all cores)")
    p.add_argument("--scheduler", type=scheduler_address, help="Dask scheduler address (tcp://HOST:PORT)")
    p.add_argument("--out", type=path_text, help="output folder (default: results/compare-A-vs-B)")
    p.add_argument(
        "--all-kpis",
        action="store_true",
        help="print every KPI (every town's too), not only the headline, the cost "
        "(on_duty_hours_per_week) and the town KPIs the first scenario misses or leaves uncertain",
    )


def main(args) -> int:
    from sim.config.errors import Problem, UserError

    if len(args.scenarios) < 2:
        raise UserError(TOO_FEW_ARMS)
    if (args.reps is not None and args.reps < 2) or (args.days is not None and args.days <= 0):
        raise UserError("--reps must be >= 2 and --days > 0")
    folders = [s for s in args.scenarios if Path(s).is_dir() and not is_results_folder(s)]
    if folders:
        raise UserError(
            [
                Problem(
                    s,
                    None,
                    "",
                    "a folder without kpis.json; expected a scenario YAML file or a "
                    "results folder written by `run`",
                )
                for s in folders
            ]
        )
    if args.out:
        check_out(args.out)  # before simulating
        inputs = [s for s in args.scenarios if Path(s).is_dir()]
        if any(Path(args.out).resolve() == Path(s).resolve() for s in inputs):
            raise UserError(
                [
                    Problem(
                        args.out,
                        None,
                        "",
                        "--out names a results folder being compared (it would be replaced "
                        "whole, losing that run); expected another folder",
                    )
                ]
            )
    seed, reps = plan(args.scenarios, args.seed, args.reps)
    warnings: list[Problem] = []  # (valid but suspicious settings: printed, as run prints them)
    previews = [preview_arm(s, args.days, warnings) for s in args.scenarios]
    for line in UserError(warnings).lines() if warnings else []:
        print(line, file=sys.stderr)
    check_arms(previews)  # same measured, warm-up and drain days: refused before simulating
    arm_labels(previews)
    jobs = args.jobs or default_jobs()
    arms = [load_arm(s, seed, reps, args.days, jobs, args.scheduler) for s in args.scenarios]
    result = compare_arms(arms)
    out = Path(args.out) if args.out else default_out(result, RESULTS)
    with results_folder(out) as tmp:  # replaced whole
        _write(args, result, seed, reps, tmp)
    print(f"Red Vest compare: seed {seed}, {reps} replications, common random numbers")
    names = _names(args, result)
    print(table(result, names))
    for line in row_notes(result, names, args.all_kpis) + note_lines(result, arms, names):
        print(f"note: {line}")
    missing = result["not_compared"]
    if missing:
        shown = ", ".join(missing[:4]) + (f" and {len(missing) - 4} more" if len(missing) > 4 else "")
        print(f"note: not in every scenario, so not compared: {shown} (compare.json's not_compared)")
    print(f"\nResults: {out}")
    return 0


def note_lines(result: dict, arms: list, names: list[str]) -> list[str]:
    """The notes on the KPIs the table shows, for the terminal: the KPIs whose shares count
    different orders in one line (a batched lockdown moves 20 KPIs' orders to its event's
    deadline: one line each would bury the table; compare.json's ``notes`` keep every KPI's
    counts), then each other note."""
    labels = result["scenarios"]
    order_sets = order_set_notes({n: result["kpis"][n] for n in names}, labels)
    lines = []
    if len(order_sets) == 1:
        lines += order_sets.values()
    elif order_sets:
        first, *others = order_sets
        counts = ", ".join(
            f"{label} {e['orders']:,}" for label, e in zip(labels, result["kpis"][first]["estimates"])
        )
        shown = ", ".join(others[:5]) + (f" and {len(others) - 5} more" if len(others) > 5 else "")
        lines.append(
            f"{len(order_sets)} KPIs judge different orders in each scenario, so their differences "
            f"compare different order sets: {first} ({counts} in all replications), {shown} "
            "(compare.json's notes give each one's counts)"
        )
    readings = reading_notes(arms, labels, {n: result["kpis"][n] for n in names})
    return lines + [readings[n] for n in names if n in readings]


def _names(args, result: dict) -> list[str]:
    """The KPIs the table shows: every one with ``--all-kpis``; else those ``run`` prints, every
    other county KPI a scenario judges against a target (``event_on_time`` in a lockdown), as
    ``run`` prints it, what a plan costs (``on_duty_hours_per_week``) and the town KPIs the
    baseline misses or leaves uncertain, the worst first and at most
    :data:`sim.experiments.compare_output.TOWN_ROWS` (the towns a briefing names as missed)."""
    if args.all_kpis:
        return list(result["kpis"])
    names = [n for n in printed_kpis() if n in result["kpis"]]
    names += [
        name
        for name, k in result["kpis"].items()
        if not name.startswith("town.") and name not in names and any("target" in e for e in k["estimates"])
    ]
    if COST_KPI in result["kpis"] and COST_KPI not in names:
        names.append(COST_KPI)
    return names + town_rows(result)


def _write(args, result: dict, seed: int, reps: int, out: Path) -> None:
    """The comparison's files: compare.json, compare.csv and a forest plot per variant."""
    write_json(out / "compare.json", result)
    write_text(out / "compare.csv", csv_text(result))
    names = _names(args, result)
    labels = {n: KPI_INFO[n][0] for n in names if n in KPI_INFO}
    footnote = (
        f"Common random numbers: seed {seed}, {reps} replications; "
        f"{result['difference_level']:.1%} CIs. Red Vest."
    )
    for j, variant in enumerate(result["scenarios"][1:]):
        diffs = {n: result["kpis"][n]["differences"][j] for n in names}
        experiment_charts.forest_plot(
            diffs, labels, out / f"forest-{variant}", footnote, title=f"{variant} minus {result['baseline']}"
        )
