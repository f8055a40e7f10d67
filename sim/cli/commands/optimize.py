"""``run.py optimize SCENARIO --target urban_10min=0.95 --target open_overnight_per_week<=5 ...``
(or one town's promise, ``--target town.Kunyang.urban_10min=0.95``): the least extra
volunteer-hours a week that meet every target with 95% confidence; with
``--budget HOURS``, where that many extra volunteer-hours a week help the targets most (the
scenario's headline promises without ``--target``) and what they buy. Prints the plan, why the
search stopped (and, with a budget, what it spent and left), the target KPIs on the search seeds
and on the confirmation's fresh seeds (without and with the plan, and the plan's paired
difference), and saves the plan as a scenario variant that extends the original."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from sim.cli.main import RESULTS
from sim.cli.options import COUNT, JOBS, RUN_DAYS, RUN_REPS, SEED, number, path_text
from sim.config.errors import UserError
from sim.config.load import load_scenario
from sim.experiments.optimize import BANDS, plan_additions, plan_hours
from sim.experiments.optimize_confirm import optimise_confirmed
from sim.experiments.optimize_output import (
    confirmation_comment,
    confirmations_text,
    kpi_rows,
    seeds_text,
    stop_line,
    value_text,
    variant_yaml,
)
from sim.experiments.optimize_targets import (
    NOT_TARGETS,
    TARGET_BANDS,
    TARGET_ZONES,
    TOWN_TARGET_ZONES,
    headline_targets,
    parse_targets,
)
from sim.experiments.runner import default_jobs
from sim.reporting.files import write_text
from sim.reporting.folder import check_file_out
from sim.reporting.formatting import hours_text, plural
from sim.reporting.progress import to_stderr
from sim.results.promises import band_hours

BUDGET = number(float, gt=0, unit="extra volunteer-hours a week")


def add_parser(sub) -> None:
    p = sub.add_parser(
        "optimize",
        help="least extra volunteer-hours meeting the targets, or where a budget of them helps most",
        description="Greedy marginal allocation of extra on-duty volunteers "
        "(town x band of the day) under common random numbers, each move taken only when its "
        "improvement is shown on the search seeds (paired 95% interval), until "
        "the 95% interval of every target KPI lies on its side (or, with --budget, until no "
        "move fits in what is left of the budget), then a "
        "confirmation: the plan and the scenario without it on the same fresh seeds, "
        "with each target's paired difference. See docs/policies.md.",
    )
    p.add_argument("scenario", type=path_text, help="scenario YAML")
    p.add_argument(
        "--target",
        action="append",
        default=[],
        metavar="KPI=SHARE|KPI<=X",
        help=f"{', '.join(TARGET_ZONES)} >= a share (KPI=SHARE or KPI>=SHARE; "
        "urban_10min_<band>: the urban orders placed in that band of the day, "
        + ", ".join(f"{band} {band_hours(band)}" for band in TARGET_BANDS.values())
        + "; urban_10min_acceptance, urban_10min_arrival: the urban promise at the volunteer's "
        "acceptance or arrival; rural_by_midnight: rural orders closed by midnight of the day "
        "placed), or one town's promise town.<pinyin>.<part> >= a share, part one of "
        + ", ".join(TOWN_TARGET_ZONES)
        + " (every move at that town; a town whose places are all of one zone is judged on its "
        "compliance, which its zone's part names too), or open_overnight_per_week (or an "
        "open_overnight_*_per_1000 KPI) <= X, e.g. urban_10min=0.95, urban_10min_night=0.9, "
        "town.Kunyang.urban_10min=0.95 or 'open_overnight_per_week<=5' (quote it: < is the "
        "shell's); repeatable; with --budget and no --target, the scenario's headline promises "
        "urban_10min >= targets.urban_share and rural_same_day >= targets.rural_share. Not "
        f"targets: {' and '.join(NOT_TARGETS)}, whose orders wait for others than volunteers "
        "at the town seats (compare a variant instead: docs/policies.md)",
    )
    p.add_argument(
        "--budget",
        type=BUDGET,
        metavar="HOURS",
        help="extra volunteer-hours a week to place (a number > 0): the search tries only the moves "
        "that fit in what is left of it, and stops when none fits, when every target is met "
        "(the rest left unspent) or when no move shows an improvement; the output and the plan file say what "
        "was spent and what is left",
    )
    p.add_argument("--reps", type=RUN_REPS, help="replications per evaluation (default: run.reps)")
    p.add_argument("--days", type=RUN_DAYS, help="measured days (default: run.days)")
    p.add_argument("--seed", type=SEED, help="root seed of the search (default: run.seed)")
    p.add_argument(
        "--confirm-reps", type=RUN_REPS, help="replications of the confirmation (default: as --reps)"
    )
    p.add_argument(
        "--confirmations",
        type=COUNT,
        default=3,
        help="confirmations at most (3): when one fails after the search met the targets, its "
        "replications join the search seeds, the search goes on from the plan and the new plan "
        "is confirmed on new fresh seeds; 1: a single confirmation",
    )
    p.add_argument("--step", type=COUNT, default=2, help="volunteers added per move (default 2)")
    p.add_argument(
        "--candidates",
        type=COUNT,
        default=6,
        help="moves tried per step: the (town, band) cells with most misses (6)",
    )
    p.add_argument(
        "--max-steps",
        type=COUNT,
        default=30,
        help="give up after this many moves (30; the output says when it did)",
    )
    p.add_argument("--jobs", type=JOBS, default=None, help="worker processes (default: all)")
    p.add_argument(
        "--out",
        type=path_text,
        help="plan variant YAML (default: results/optimize/<name>/<name>_optimized.yaml)",
    )


def main(args) -> int:
    headline = args.budget is not None and not args.target  # the scenario's own promises
    targets = None if headline else parse_targets(args.target)
    scenario = load_scenario(args.scenario)
    if headline:
        targets = headline_targets(scenario)
    if args.out:
        check_file_out(args.out, "--out")  # before the search simulates anything
        if Path(args.out).suffix.lower() not in (".yaml", ".yml"):
            raise UserError(
                f"{args.out}: --out names a {Path(args.out).suffix or 'suffix-less'} file; expected a "
                "scenario file ending in .yaml or .yml (the plan is a scenario variant)"
            )
    run = {k: v for k, v in (("reps", args.reps), ("days", args.days), ("seed", args.seed)) if v is not None}
    if (
        run.get("reps", 2) < 2
        or run.get("days", 1) <= 0
        or args.step < 1
        or args.candidates < 1
        or args.confirmations < 1
        or (args.confirm_reps is not None and args.confirm_reps < 2)
    ):
        raise UserError(
            "--reps and --confirm-reps must be >= 2 (a 95% interval needs two), "
            "--days > 0, --step, --candidates and --confirmations >= 1"
        )
    scenario = dataclasses.replace(scenario, run=dataclasses.replace(scenario.run, **run))
    reps, seed = scenario.run.reps, scenario.run.seed
    if reps < 2:
        raise UserError(f"{args.scenario}: run.reps is {reps}; optimize needs >= 2 (use --reps)")
    jobs = args.jobs or default_jobs()

    confirm_reps = args.confirm_reps or reps
    done = optimise_confirmed(
        scenario,
        targets,
        reps,
        seed,
        jobs=jobs,
        confirm_reps=confirm_reps,
        confirmations=args.confirmations,
        step=args.step,
        candidates=args.candidates,
        max_steps=args.max_steps,
        log=to_stderr,
        progress=True,
        budget=args.budget,
        drop_empty=headline,
    )
    search, confirmed = done.search, done.last
    targets = search.targets  # without a headline promise the county has no orders for
    plan = search.final.plan
    fresh = done.confirmations[-1][0]
    runs = len(done.confirmations)
    nth = f" (confirmation {runs} of at most {args.confirmations})" if runs > 1 else ""
    hours = plan_hours(plan)
    print(
        f"Optimize {scenario.name}: {plural(reps, 'replication')} x {plural(scenario.run.days, 'day')} per "
        f"evaluation, seed {seed}; confirmation with seed {fresh}" + nth
    )
    if headline:
        print(
            "Targets: the scenario's headline promises, "
            + " and ".join(
                f"{k} >= {value_text(k, t)} (targets.{'urban' if k == 'urban_10min' else 'rural'}_share)"
                for k, (_, t) in targets.items()
            )
            + "; --target asks for others"
        )
    spent = (
        f" of a budget of {hours_text(args.budget)} ({hours_text(args.budget - hours)} left)"
        if args.budget is not None
        else ""
    )
    print(f"\nPlan: {hours} extra volunteer-hours a week{spent}")
    for a in plan_additions(plan):
        band = next(b for b, h in BANDS.items() if list(h) == a.hours)
        print(
            f"  {a.town:<10} {band:<8} {a.hours[0]:02d}:00-{a.hours[1]:02d}:00  "
            f"+{plural(a.volunteers, 'volunteer')}  {a.volunteers * ((a.hours[1] - a.hours[0]) % 24) * 7}"
            " volunteer-hours/week"
        )
    if plan:
        print(people_line(scenario.teams.show_up))
    if not plan:
        none = {
            "met": "none needed",
            "no gain": "no move showed an improvement",
            "budget": "no move fits in the budget",
        }
        print(f"  ({none.get(search.stopped, 'none')})")
    print(stop_line(search, targets, args.max_steps))
    print(f"\nSearch seeds ({seeds_text(search.seeds)}): what the search chose the plan on")
    print(
        kpi_rows(
            [("without the plan", search.baseline.summary), ("with the plan", search.final.summary)], targets
        )
    )
    earlier = confirmations_text(done)
    if earlier:
        print("\n" + earlier)
    confirmation = f"\nConfirmation seeds (seed {fresh}, {plural(confirm_reps, 'replication')})"
    if plan:
        print(
            f"{confirmation}: the scenario without and with the plan on the same seeds, "
            "replication by replication"
        )
        both = [("without the plan", confirmed.base.summary), ("with the plan", confirmed.plan.summary)]
        print(kpi_rows(both, targets, confirmed.differences))
    else:
        print(f"{confirmation}: no plan, nothing to compare")
        print(kpi_rows([("the scenario", confirmed.plan.summary)], targets))
    ok = done.met
    out = (
        Path(args.out)
        if args.out
        else RESULTS / "optimize" / scenario.name / f"{scenario.name}_optimized.yaml"
    )
    comment = confirmation_comment(confirmed, targets, confirm_reps, fresh, done)
    write_text(
        out, variant_yaml(scenario, Path(args.scenario), out, plan, hours, targets, comment, args.budget)
    )
    print(
        f"\nTargets {'met' if ok else 'NOT met'} with 95% confidence in the confirmation run"
        + (f" ({plural(runs, 'confirmation')} run, each on its own fresh seeds)." if runs > 1 else ".")
        + f"\nPlan saved as a scenario variant: {out}"
    )
    return 0 if ok else 1


def people_line(show_up: float) -> str:
    """What a plan's "+N volunteers" means in people, under its rows: N volunteers scheduled on
    duty in those hours every day, of whom ``teams.show_up`` come on average; turning them into
    rostered members and registered volunteers is docs/policies.md's ("From +N volunteers to
    people"), since it depends on the share of members a roster puts on duty."""
    return (
        f"  (+N: N volunteers scheduled in those hours every day, {show_up:.0%} of them on duty on "
        'average, teams.show_up; in members: docs/policies.md, "From +N volunteers to people")'
    )
