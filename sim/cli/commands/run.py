"""``run.py run SCENARIO``: replications of one scenario -> KPI table and results folder."""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

from sim.cli.main import DEFAULT_SCENARIO, RESULTS
from sim.cli.options import JOBS, RUN_DAYS, RUN_REPS, SEED, SHARE, path_text, scheduler_address
from sim.cli.warned import load_scenario_warned
from sim.config.errors import Problem, UserError
from sim.experiments.content import engine_digest
from sim.experiments.pilot import prepare_world
from sim.experiments.runner import default_jobs, imprecise, run_replications, run_to_precision
from sim.reporting.folder import results_folder
from sim.reporting.formatting import plural
from sim.reporting.kpi_summary import kpi_table, town_table
from sim.reporting.report import write_results
from sim.reporting.saved import save_run
from sim.results.kpi_catalogue import BAND_KPIS, HEADLINE
from sim.results.warmup import warmup_check


def printed_kpis(summary: dict | None = None) -> list[str]:
    """The KPIs ``run`` prints: the headline, with the urban promise by time of day (its orders
    placed in the day, the evening and at night) under its two readings, then utilisation; with
    a run's ``summary`` (kpis.json's), every other county KPI it judges against a target too
    (``event_on_time`` in a lockdown), so that no verdict is left out of the terminal."""
    names = list(HEADLINE)
    urban = names.index("urban_10min_arrival") + 1
    names[urban:urban] = BAND_KPIS
    names += ["utilisation"]
    if summary is not None:
        names += [
            name
            for name, k in summary["kpis"].items()
            if "verdict" in k and not name.startswith("town.") and name not in names
        ]
    return names


def add_parser(sub) -> None:
    """Add ``run``'s options (scenario, replications, days, seed, jobs, output) to the command
    parser."""
    p = sub.add_parser(
        "run",
        help="simulate a scenario and report its KPIs (default command)",
        description="Simulate a scenario's replications, print KPIs against the "
        "targets and write results/<name>/ (kpis.json, kpis.csv, "
        "orders.csv.gz, chart_data.json, charts/*.png|svg, briefing.html|md).",
    )
    p.add_argument(
        "scenario",
        nargs="?",
        type=path_text,
        default=str(DEFAULT_SCENARIO),
        help="scenario YAML (default: scenarios/pingyang.yaml)",
    )
    p.add_argument("--days", type=RUN_DAYS, help="measured days (overrides run.days)")
    p.add_argument("--reps", type=RUN_REPS, help="replications (overrides run.reps)")
    p.add_argument("--seed", type=SEED, help="root seed (overrides run.seed)")
    p.add_argument(
        "--jobs",
        type=JOBS,
        default=None,
        help="worker processes (default: all cores); results do not depend on it",
    )
    p.add_argument(
        "--precision",
        type=SHARE,
        metavar="REL",
        help="instead of a fixed --reps, add replications until every headline KPI's "
        "95%% half-width is within REL x its mean (e.g. 0.05)",
    )
    p.add_argument(
        "--max-reps", type=RUN_REPS, default=None, help="cap on replications with --precision (default 40)"
    )
    p.add_argument(
        "--scheduler",
        type=scheduler_address,
        help="run replications on the Dask scheduler at this address "
        "(tcp://HOST:PORT; needs pip install -e '.[cluster]')",
    )
    p.add_argument("--out", type=path_text, help="output folder (default: results/<scenario name>)")
    p.add_argument("--all-kpis", action="store_true", help="print every KPI, not the headline")


def resolve_run(scenario, args):
    """Apply command-line overrides of run settings; return (scenario, seed)."""
    run = scenario.run
    changes = {}
    if args.days is not None:
        changes["days"] = args.days
    if args.reps is not None:
        changes["reps"] = args.reps
    if args.seed is not None:
        changes["seed"] = args.seed
    if changes:
        if changes.get("days", 1) <= 0 or changes.get("reps", 1) < 1 or changes.get("seed", 0) < 0:
            raise UserError("--days must be > 0, --reps >= 1 and --seed >= 0")
        scenario = dataclasses.replace(scenario, run=dataclasses.replace(run, **changes))
    return scenario, scenario.run.seed


DEFAULT_MAX_REPS = 40  # a --precision run's cap without --max-reps


def main(args) -> int:
    """Simulate ``args.scenario``'s replications, print the KPI table and write the results
    folder. Exit code 0 (a user's error raises ``UserError``)."""
    scenario = load_scenario_warned(args.scenario)
    scenario, seed = resolve_run(scenario, args)
    if args.max_reps is not None and args.precision is None:  # (it would be ignored unseen)
        raise UserError(
            f"--max-reps {args.max_reps}: caps a --precision run only; expected it with --precision "
            "(or --reps N alone)"
        )
    args.max_reps = DEFAULT_MAX_REPS if args.max_reps is None else args.max_reps
    if args.precision is not None and (not 0 < args.precision < 1 or args.max_reps < 2):
        raise UserError("--precision must be between 0 and 1 (e.g. 0.05) and --max-reps >= 2")
    out = Path(args.out) if args.out else RESULTS / scenario.name
    with results_folder(out) as tmp:  # checked and locked before simulating; replaced whole
        summary, results, world = _simulate(args, scenario, seed, tmp)
    warn_warmup(args.scenario, results, scenario.run.warmup_days)
    if args.precision is not None:
        wide = imprecise(results, HEADLINE, args.precision)
        state = (
            "reached" if not wide else f"not reached within {args.max_reps} (still wide: {', '.join(wide)})"
        )
        print(f"Precision {args.precision:g} {state}: {len(results)} replications used")
    scenario = dataclasses.replace(scenario, run=dataclasses.replace(scenario.run, reps=len(results)))
    print(
        f"Red Vest: {scenario.name}, {plural(scenario.run.reps, 'replication')} x "
        f"{plural(scenario.run.days, 'day')} (after {plural(scenario.run.warmup_days, 'day')} of "
        f"warm-up), seed {seed}"
    )
    print(kpi_table(summary, None if args.all_kpis else printed_kpis(summary)))
    print()
    print(town_table(summary, world))
    print(f"\nResults: {out}")
    return 0


def warn_warmup(path: str, results, warmup_days: float) -> None:
    """Say on stderr, one line in the scenario warnings' style, when MSER-5 on the replications'
    mean hourly backlog truncates later than the warm-up (:mod:`sim.results.warmup`): the
    measured window may then still hold the empty county's start."""
    check = warmup_check(results, warmup_days)
    message = None if check is None else check.warning()
    if message is not None:
        print(Problem(str(path), None, "run.warmup_days", message), file=sys.stderr)


def _simulate(args, scenario, seed: int, out: Path):
    """Simulate the run and write its files into ``out``; return (summary, results, world)."""
    world = prepare_world(scenario)
    jobs = args.jobs if args.jobs else default_jobs()
    if args.precision is not None:
        results = run_to_precision(
            scenario, seed, args.precision, args.max_reps, jobs, scheduler=args.scheduler, world=world
        )
        how = {
            "rule": "precision",
            "relative_half_width": args.precision,
            "max_reps": args.max_reps,
            "kpis": HEADLINE,
            "met": not imprecise(results, HEADLINE, args.precision),
        }
    else:
        results = run_replications(
            scenario, scenario.run.reps, seed, jobs=jobs, world=world, scheduler=args.scheduler
        )
        how = {"rule": "fixed"}
    scenario = dataclasses.replace(scenario, run=dataclasses.replace(scenario.run, reps=len(results)))
    summary = write_results(out, scenario, world, results, seed)
    save_run(out, scenario, seed, len(results), how, engine_digest())
    return summary, results, world
