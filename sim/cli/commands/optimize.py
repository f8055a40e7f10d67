"""``run.py optimize SCENARIO --target urban_10min=0.95 --target open_overnight_per_week<=5 ...``:
the least extra volunteer-hours a week that meet every target with 95% confidence; prints the
plan and confirmed KPIs and saves the plan as a scenario variant that extends the original."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import yaml

from sim.cli.main import RESULTS
from sim.cli.options import COUNT, JOBS, RUN_DAYS, RUN_REPS, SEED, path_text
from sim.config.errors import UserError
from sim.config.load import load_scenario
from sim.experiments.optimize import (
    BANDS,
    CONFIRM_SEED_OFFSET,
    confirm,
    label,
    meets,
    optimise,
    parse_targets,
    plan_additions,
    plan_hours,
    with_plan,
)
from sim.experiments.runner import default_jobs
from sim.reporting.files import write_text
from sim.reporting.folder import check_file_out
from sim.reporting.formatting import plural
from sim.reporting.progress import to_stderr
from sim.results.kpis import KPI_INFO


def add_parser(sub) -> None:
    p = sub.add_parser(
        "optimize",
        help="least extra volunteer-hours meeting the targets",
        description="Greedy marginal allocation of extra on-duty volunteers "
        "(town x band of the day) under common random numbers until "
        "the 95% interval of every target KPI lies on its side, then a "
        "confirmation run with fresh seeds. See docs/policies.md.",
    )
    p.add_argument("scenario", help="scenario YAML")
    p.add_argument(
        "--target",
        action="append",
        default=[],
        metavar="KPI=SHARE|KPI<=X",
        help="urban_10min or rural_same_day >= a share (KPI=SHARE or KPI>=SHARE), or "
        "open_overnight_per_week (or an open_overnight_*_per_1000 KPI) <= X, e.g. "
        "urban_10min=0.95 or 'open_overnight_per_week<=5' (quote it: < is the shell's); repeatable",
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


def _kpi_rows(evaluations: list[tuple[str, dict]], targets: dict[str, tuple[str, float]]) -> str:
    head = ["KPI", "target"] + [name for name, _ in evaluations]
    rows = [head]
    for k, (op, t) in targets.items():
        unit = "" if KPI_INFO[k][1] == "share" else f" {KPI_INFO[k][1]}"
        rows.append(
            [f"{label(k)} [{k}]", f"{op} {_value(k, t)}{unit}"]
            + [
                f"{_value(k, s[k]['mean'])} [{_value(k, s[k]['low'])}, {_value(k, s[k]['high'])}]"
                for _, s in evaluations
            ]
        )
    widths = [max(len(r[i]) for r in rows) for i in range(len(head))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def confirmation_comment(summary: dict, targets: dict[str, tuple[str, float]], reps: int, seed: int) -> str:
    """The confirmation run's estimate of each target KPI, with its 95% interval and verdict, as
    YAML comment lines: the plan file says what it was shown to achieve."""
    lines = [f"# Confirmation run ({plural(reps, 'replication')}, seed {seed}):\n"]
    for k, (op, t) in targets.items():
        s = summary[k]
        unit = "" if KPI_INFO[k][1] == "share" else f" {KPI_INFO[k][1]}"
        lines.append(
            f"#   {k}: {_value(k, s['mean'])} [{_value(k, s['low'])}, {_value(k, s['high'])}]{unit} "
            f"against {op} {_value(k, t)}{unit}: {s['verdict']}\n"
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
    confirmed = confirm(scenario, plan, targets, args.confirm_reps or reps, seed, jobs, progress=True)
    hours = plan_hours(plan)
    print(
        f"Optimize {scenario.name}: {plural(reps, 'replication')} x {plural(scenario.run.days, 'day')} per "
        f"evaluation, seed {seed}; confirmation with seed {seed + CONFIRM_SEED_OFFSET}"
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
    if search.stopped == "max steps":
        print(
            f"Stopped at the step limit (--max-steps {args.max_steps}) with the targets not met on "
            "the search seeds; a larger --max-steps searches on."
        )
    print()
    print(
        _kpi_rows(
            [
                ("before", search.baseline.summary),
                ("plan (search seed)", search.final.summary),
                ("plan (confirmed)", confirmed.summary),
            ],
            targets,
        )
    )
    ok = meets(confirmed.summary, targets)
    out = (
        Path(args.out)
        if args.out
        else RESULTS / "optimize" / scenario.name / f"{scenario.name}_optimized.yaml"
    )
    confirm_reps = args.confirm_reps or reps
    comment = confirmation_comment(confirmed.summary, targets, confirm_reps, seed + CONFIRM_SEED_OFFSET)
    write_text(out, variant_yaml(scenario, Path(args.scenario), out, plan, hours, targets, comment))
    print(
        f"\nTargets {'met' if ok else 'NOT met'} with 95% confidence in the confirmation run."
        f"\nPlan saved as a scenario variant: {out}"
    )
    return 0 if ok else 1
