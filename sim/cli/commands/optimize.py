"""``run.py optimize SCENARIO --target urban_10min=0.95 --target open_overnight_per_week<=5 ...``:
the least extra volunteer-hours a week that meet every target with 95% confidence; prints the
plan, why the search stopped, the target KPIs on the search seeds and on the confirmation's
fresh seeds (without and with the plan, and the plan's paired difference), and saves the plan as
a scenario variant that extends the original."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import yaml

from sim.cli.main import RESULTS
from sim.cli.options import COUNT, JOBS, RUN_DAYS, RUN_REPS, SEED, path_text
from sim.config.errors import UserError
from sim.config.load import load_scenario
from sim.experiments.compare_output import VERDICT_WORDS as DIFFERENCE_WORDS
from sim.experiments.optimize import (
    BANDS,
    CONFIRM_SEED_OFFSET,
    Confirmation,
    Search,
    confirm,
    meets,
    optimise,
    plan_additions,
    plan_hours,
    with_plan,
)
from sim.experiments.optimize_targets import OVERNIGHT_TARGETS, TARGET_BANDS, TARGET_ZONES, parse_targets
from sim.experiments.runner import default_jobs
from sim.reporting.files import write_text
from sim.reporting.folder import check_file_out
from sim.reporting.formatting import difference_text, plural
from sim.reporting.kpi_summary import VERDICT_WORDS
from sim.reporting.progress import to_stderr
from sim.results.kpis import KPI_INFO
from sim.results.promises import band_hours

# what docs/policies.md gives as the lever for a target when volunteers at the town seats (the
# only thing optimize places) stop helping
LEVERS = {
    "urban_10min": "more volunteers on call in the village teams (teams.village_scale)",
    "rural_same_day": "the village hold before a rural order escalates (dispatch.timeouts_min)",
    # a band of the day: the village and community volunteers on call in its hours, whose
    # rosters may have none then (the default's have none at night)
    **{
        name: f"more volunteers on call in the urban villages and communities {band_hours(band)} "
        "(their rosters: teams.village_schedule, teams.community_schedule; teams.village_scale "
        "scales the members on them)"
        for name, band in TARGET_BANDS.items()
    },
}
OVERNIGHT_LEVER = (
    "the rules: the village hold (dispatch.timeouts_min), the administrator's hours (admin) "
    "and the cut-off (targets.same_day_cutoff)"
)


def add_parser(sub) -> None:
    p = sub.add_parser(
        "optimize",
        help="least extra volunteer-hours meeting the targets",
        description="Greedy marginal allocation of extra on-duty volunteers "
        "(town x band of the day) under common random numbers until "
        "the 95% interval of every target KPI lies on its side, then a "
        "confirmation: the plan and the scenario without it on the same fresh seeds, "
        "with each target's paired difference. See docs/policies.md.",
    )
    p.add_argument("scenario", help="scenario YAML")
    p.add_argument(
        "--target",
        action="append",
        default=[],
        metavar="KPI=SHARE|KPI<=X",
        help=f"{', '.join(TARGET_ZONES)} >= a share (KPI=SHARE or KPI>=SHARE; "
        "urban_10min_<band>: the urban orders placed in that band of the day, "
        + ", ".join(f"{band} {band_hours(band)}" for band in TARGET_BANDS.values())
        + "), or open_overnight_per_week (or an open_overnight_*_per_1000 KPI) <= X, e.g. "
        "urban_10min=0.95, urban_10min_night=0.9 or 'open_overnight_per_week<=5' (quote it: < is the "
        "shell's); repeatable",
    )
    p.add_argument("--reps", type=RUN_REPS, help="replications per evaluation (default: run.reps)")
    p.add_argument("--days", type=RUN_DAYS, help="measured days (default: run.days)")
    p.add_argument("--seed", type=SEED, help="root seed of the search (default: run.seed)")
    p.add_argument(
        "--confirm-reps", type=RUN_REPS, help="replications of the confirmation (default: as --reps)"
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


def _value(name: str, x: float) -> str:
    """A target KPI's value in its unit: a share in percent, a count with one decimal."""
    return f"{x:.1%}" if KPI_INFO[name][1] == "share" else f"{x:.1f}"


def _interval(name: str, s: dict) -> str:
    """A target KPI's estimate and 95% interval: ``94.6% [93.2%, 95.8%]``."""
    return f"{_value(name, s['mean'])} [{_value(name, s['low'])}, {_value(name, s['high'])}]"


def _estimate(name: str, s: dict) -> str:
    """A target KPI's estimate, 95% interval and verdict against its target:
    ``94.6% [93.2%, 95.8%] (uncertain)``."""
    return f"{_interval(name, s)} ({VERDICT_WORDS[s['verdict']]})"


def _kpi_rows(
    evaluations: list[tuple[str, dict]],
    targets: dict[str, tuple[str, float]],
    differences: dict[str, dict] | None = None,
) -> str:
    """The target KPIs of each evaluation as a table, a row per KPI named by its key as in
    compare (estimate, interval, verdict), and with ``differences`` (:class:`Confirmation`'s)
    the paired difference and its verdict."""
    head = ["KPI", "target"] + [name for name, _ in evaluations]
    if differences is not None:
        head += ["with - without the plan (paired, 95% CI)", "verdict"]
    rows = [head]
    for k, (op, t) in targets.items():
        unit = "" if KPI_INFO[k][1] == "share" else f" {KPI_INFO[k][1]}"
        row = [k, f"{op} {_value(k, t)}{unit}"] + [_estimate(k, s[k]) for _, s in evaluations]
        if differences is not None:
            d = differences[k]
            row += [
                difference_text(d["mean"], d["low"], d["high"], KPI_INFO[k][1]),
                DIFFERENCE_WORDS[d["verdict"]],
            ]
        rows.append(row)
    widths = [max(len(r[i]) for r in rows) for i in range(len(head))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def stop_line(search: Search, targets: dict[str, tuple[str, float]], max_steps: int) -> str:
    """Why the search stopped, in one line: every target met on the search seeds, no move of
    the last round gaining anything (with the levers docs/policies.md gives for the targets
    still missed, which optimize cannot place), or the step limit."""
    moves = plural(len(search.steps), "move")
    if search.stopped == "met":
        if not search.steps:
            return "Stopped at once: every target met on the search seeds without extra volunteers."
        return f"Stopped with every target met on the search seeds after {moves}."
    if search.stopped == "max steps":
        return (
            f"Stopped at the step limit (--max-steps {max_steps}) with the targets not met on "
            "the search seeds; a larger --max-steps searches on."
        )
    missed = [k for k in targets if search.final.summary[k]["verdict"] != "met"]
    levers = [f"{k}: {OVERNIGHT_LEVER if k in OVERNIGHT_TARGETS else LEVERS[k]}" for k in missed]
    tried = (
        f"none of the {plural(search.tried, 'move')} tried in the last round gained anything"
        if search.tried
        else "no miss of the targets was left to place a move at"
    )
    return (
        f"Stopped after {moves}: {tried} on the search seeds, with {' and '.join(missed)} not met "
        "there. optimize places only extra volunteers at the town seats (teams.additions); "
        "where they stop helping, docs/policies.md gives levers optimize cannot place: "
        + "; ".join(levers)
        + "."
    )


def confirmation_comment(
    confirmed: Confirmation, targets: dict[str, tuple[str, float]], reps: int, seed: int
) -> str:
    """The confirmation run's estimate of each target KPI, with its 95% interval and verdict,
    and, with a plan, each one's paired difference from the scenario without the plan on the
    same seeds (95% interval and verdict), as YAML comment lines: the plan file says what it
    was shown to achieve, and what it was shown to add."""
    lines = [f"# Confirmation run ({plural(reps, 'replication')}, seed {seed}):\n"]
    for k, (op, t) in targets.items():
        s = confirmed.plan.summary[k]
        unit = "" if KPI_INFO[k][1] == "share" else f" {KPI_INFO[k][1]}"
        lines.append(f"#   {k}: {_interval(k, s)}{unit} against {op} {_value(k, t)}{unit}: {s['verdict']}\n")
    if confirmed.plan.plan:
        lines.append(
            "# The plan minus the scenario without it on the same seeds, replication by "
            "replication (paired difference, 95% CI):\n"
        )
        for k in targets:
            d, s = confirmed.differences[k], confirmed.base.summary[k]
            unit = "" if KPI_INFO[k][1] == "share" else f" {KPI_INFO[k][1]}"
            lines.append(
                f"#   difference in {k}: {difference_text(d['mean'], d['low'], d['high'], KPI_INFO[k][1])}: "
                f"{DIFFERENCE_WORDS[d['verdict']]} (without the plan: {_interval(k, s)}{unit}, "
                f"{VERDICT_WORDS[s['verdict']]})\n"
            )
    return "".join(lines)


def variant_yaml(scenario, path: Path, out: Path, plan, hours: int, targets, confirmed: str = "") -> str:
    """The plan as a scenario variant extending the original (relative path); ``confirmed``:
    comment lines on what the confirmation run found (:func:`confirmation_comment`)."""
    parent = os.path.relpath(Path(path).resolve(), out.parent.resolve())
    additions = [dataclasses.asdict(a) for a in with_plan(scenario, plan).teams.additions]
    for a in additions:
        if not a["skills"]:
            del a["skills"]
    body = {
        "extends": parent,
        "name": f"{scenario.name}_optimized",
        "description": f"{scenario.name} with {hours} extra volunteer-hours a week found by "
        "`run.py optimize` for " + ", ".join(f"{k} {op} {t:g}" for k, (op, t) in targets.items()),
        "teams": {"additions": additions},
    }
    question = (
        "# Question: which extra on-duty volunteers (town, hours) meet "
        + " and ".join(f"{k} {op} {t:g}" for k, (op, t) in targets.items())
        + " with 95% confidence at the least volunteer-hours?\n"
    )
    text = yaml.safe_dump(body, allow_unicode=True, sort_keys=False, default_flow_style=None)
    return question + confirmed + text


def main(args) -> int:
    targets = parse_targets(args.target)
    scenario = load_scenario(args.scenario)
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
        or (args.confirm_reps is not None and args.confirm_reps < 2)
    ):
        raise UserError(
            "--reps and --confirm-reps must be >= 2 (a 95% interval needs two), "
            "--days > 0, --step and --candidates >= 1"
        )
    scenario = dataclasses.replace(scenario, run=dataclasses.replace(scenario.run, **run))
    reps, seed = scenario.run.reps, scenario.run.seed
    if reps < 2:
        raise UserError(f"{args.scenario}: run.reps is {reps}; optimize needs >= 2 (use --reps)")
    jobs = args.jobs or default_jobs()

    search = optimise(
        scenario,
        targets,
        reps,
        seed,
        jobs=jobs,
        step=args.step,
        candidates=args.candidates,
        max_steps=args.max_steps,
        log=to_stderr,
        progress=True,
    )
    plan = search.final.plan
    confirm_reps = args.confirm_reps or reps
    confirmed = confirm(scenario, plan, targets, confirm_reps, seed, jobs, progress=True)
    fresh = seed + CONFIRM_SEED_OFFSET
    hours = plan_hours(plan)
    print(
        f"Optimize {scenario.name}: {plural(reps, 'replication')} x {plural(scenario.run.days, 'day')} per "
        f"evaluation, seed {seed}; confirmation with seed {fresh}"
    )
    print(f"\nPlan: {hours} extra volunteer-hours a week")
    for a in plan_additions(plan):
        band = next(b for b, h in BANDS.items() if list(h) == a.hours)
        print(
            f"  {a.town:<10} {band:<8} {a.hours[0]:02d}:00-{a.hours[1]:02d}:00  "
            f"+{a.volunteers} volunteers  {a.volunteers * ((a.hours[1] - a.hours[0]) % 24) * 7}"
            " volunteer-hours/week"
        )
    if not plan:
        print({"met": "  (none needed)", "no gain": "  (no move helped)"}.get(search.stopped, "  (none)"))
    print(stop_line(search, targets, args.max_steps))
    print(f"\nSearch seeds (seed {seed}, {plural(reps, 'replication')}): what the search chose the plan on")
    print(
        _kpi_rows(
            [("without the plan", search.baseline.summary), ("with the plan", search.final.summary)], targets
        )
    )
    confirmation = f"\nConfirmation seeds (seed {fresh}, {plural(confirm_reps, 'replication')})"
    if plan:
        print(
            f"{confirmation}: the scenario without and with the plan on the same seeds, "
            "replication by replication"
        )
        both = [("without the plan", confirmed.base.summary), ("with the plan", confirmed.plan.summary)]
        print(_kpi_rows(both, targets, confirmed.differences))
    else:
        print(f"{confirmation}: no plan, nothing to compare")
        print(_kpi_rows([("the scenario", confirmed.plan.summary)], targets))
    ok = meets(confirmed.plan.summary, targets)
    out = (
        Path(args.out)
        if args.out
        else RESULTS / "optimize" / scenario.name / f"{scenario.name}_optimized.yaml"
    )
    comment = confirmation_comment(confirmed, targets, confirm_reps, fresh)
    write_text(out, variant_yaml(scenario, Path(args.scenario), out, plan, hours, targets, comment))
    print(
        f"\nTargets {'met' if ok else 'NOT met'} with 95% confidence in the confirmation run."
        f"\nPlan saved as a scenario variant: {out}"
    )
    return 0 if ok else 1
