"""``run.py sensitivity [SCENARIO]``: what the headline KPIs depend on, one assumption at a time
(and two together with ``--pair``), under common random numbers.

The study is :mod:`sim.experiments.sensitivity`'s, the assumptions and the reading of ``--only``,
``--vary`` and ``--pair`` :mod:`sim.experiments.assumptions`', the report
:mod:`sim.experiments.sensitivity_report`'s. The options of the study itself are defined once,
by :func:`add_study_options`, and ``scripts/sensitivity.py`` (which writes single files rather
than a results folder) shares them.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from sim.cli.main import DEFAULT_SCENARIO, REPO, RESULTS
from sim.cli.options import JOBS, RUN_DAYS, RUN_REPS, SEED, path_text
from sim.cli.warned import load_scenario_warned
from sim.config.errors import UserError
from sim.config.scenario import Scenario
from sim.experiments.assumptions import ASSUMPTIONS, choose
from sim.experiments.runner import default_jobs
from sim.experiments.sensitivity import HEADLINE, check_rank_by, run_study
from sim.experiments.sensitivity_report import markdown
from sim.reporting.files import write_json, write_text
from sim.reporting.folder import check_out, results_folder
from sim.reporting.progress import to_stderr

REPORT, NUMBERS = "sensitivity.md", "sensitivity.json"  # the results folder's files


def add_study_options(
    p: argparse.ArgumentParser, days: float | None = None, reps: int | None = None, jobs: int | None = None
) -> None:
    """The options of the study (size, seed, workers, which assumptions, ranking, intervals),
    shared by this command and ``scripts/sensitivity.py``. ``days``, ``reps`` and ``jobs`` are
    the defaults of the three; where None, the scenario's ``run`` block's days and replications
    and all cores."""
    p.add_argument(
        "--days",
        type=RUN_DAYS,
        default=days,
        help=f"measured days per replication (default: {'run.days' if days is None else f'{days:g}'})",
    )
    p.add_argument(
        "--reps",
        type=RUN_REPS,
        default=reps,
        help="replications of the default and of every variant "
        f"(default: {'run.reps' if reps is None else reps})",
    )
    p.add_argument("--seed", type=SEED, help="root seed, common to every run (default: run.seed)")
    p.add_argument(
        "--jobs",
        type=JOBS,
        default=jobs,
        help=f"worker processes (default: {'all cores' if jobs is None else jobs}); results do not "
        "depend on it",
    )
    p.add_argument(
        "--only",
        default=None,
        metavar="NAME,...",
        help="comma-separated names of the table's assumptions: " + ",".join(a.name for a in ASSUMPTIONS),
    )
    p.add_argument(
        "--vary",
        action="append",
        default=[],
        metavar="KEY=LOW,HIGH",
        help="another assumption (a value, or xF: F times the scenario's); alone, instead of the "
        "table's; repeatable",
    )
    p.add_argument(
        "--pair",
        action="append",
        default=[],
        metavar="NAME_A,NAME_B",
        help="also run the 2x2 corners of two assumptions (a table's name or a --vary key) and "
        "report their interaction; repeatable",
    )
    p.add_argument(
        "--rank-by",
        default=None,
        metavar="KPI",
        help="rank by the effect on this KPI alone: a headline KPI ("
        + ", ".join(k for k, *_ in HEADLINE)
        + ") or any other of the run's table (kpis.csv's names, e.g. escalation_rate or "
        "town.Aojiang.urban_10min_night), shown as a column of its own (default: the largest "
        "effect on any headline KPI)",
    )
    p.add_argument(
        "--simultaneous",
        action="store_true",
        help="Bonferroni-adjust the one-at-a-time table's intervals to hold together at 95%% "
        "(not the pairs')",
    )


def add_parser(sub) -> None:
    """Add ``sensitivity``'s options (the scenario, the study's options, output) to the command
    parser."""
    p = sub.add_parser(
        "sensitivity",
        help="what the headline KPIs depend on: the assumed numbers varied one at a time",
        description="Set each assumed number of the scenario (docs/assumptions.md) to the low "
        "and the high end of its plausible range, one at a time (and two together with --pair), "
        "run the default and every variant with the same seed (common random numbers), and "
        "report each headline KPI's paired difference from the default with its 95% interval, "
        f"ranked; write {REPORT} (the report) and {NUMBERS} (the numbers) to "
        "results/sensitivity/<scenario name>/, replaced whole at the end.",
    )
    p.add_argument(
        "scenario",
        nargs="?",
        type=path_text,
        default=str(DEFAULT_SCENARIO),
        help="scenario YAML (default: scenarios/pingyang.yaml)",
    )
    add_study_options(p)
    p.add_argument(
        "--out",
        type=path_text,
        metavar="FOLDER",
        help="output folder (default: results/sensitivity/<scenario name>)",
    )


def shown_path(path: Path) -> str:
    """The scenario as the report names it: relative to the working folder or the repository
    when inside either, else as given."""
    for folder in (Path.cwd(), REPO):
        try:
            return path.resolve().relative_to(folder.resolve()).as_posix()
        except ValueError:
            continue
    return str(path)


def prepare(path: Path, args: argparse.Namespace) -> tuple[Scenario, list, list]:
    """The scenario at ``path`` (loaded and checked) and the assumptions and pairs the options of
    :func:`add_study_options` in ``args`` name (:func:`sim.experiments.assumptions.choose`), so
    that a wrong input is refused in one line before anything runs (a ``--rank-by`` that is no
    KPI of the run's table too: :func:`sim.experiments.sensitivity.check_rank_by`)."""
    if args.reps is not None and args.reps < 2:
        raise UserError(f"--reps {args.reps}: expected 2 or more (an interval needs 2 replications)")
    scenario = load_scenario_warned(path)
    if args.reps is None and scenario.run.reps < 2:
        raise UserError(
            f"{path}: run.reps is {scenario.run.reps}; the sensitivity study needs 2 or more (an "
            "interval needs 2 replications; use --reps)"
        )
    assumptions, pairs = choose(args.only, args.vary, args.pair)
    check_rank_by(scenario, args.rank_by)
    return scenario, assumptions, pairs


def study(
    path: Path,
    scenario: Scenario,
    assumptions: list,
    pairs: list,
    args: argparse.Namespace,
    log: Callable[[str], None],
) -> dict:
    """The study's numbers (:func:`sim.experiments.sensitivity.run_study`) for what
    :func:`prepare` returned, sized by ``args`` (``--days``, ``--reps``, ``--seed``, ``--jobs``;
    the scenario's ``run`` block and all cores where not given); progress lines go to ``log``."""
    return run_study(
        path,
        scenario,
        shown_path(path),
        assumptions,
        pairs,
        seed=scenario.run.seed if args.seed is None else args.seed,
        reps=scenario.run.reps if args.reps is None else args.reps,
        days=scenario.run.days if args.days is None else args.days,
        jobs=args.jobs or default_jobs(),
        simultaneous=args.simultaneous,
        rank_by=args.rank_by,
        log=log,
    )


def main(args) -> int:
    """Run the sensitivity study of ``args.scenario`` and write its results folder. Exit code
    0 (a user's error raises ``UserError``)."""
    path = Path(args.scenario)
    scenario, assumptions, pairs = prepare(path, args)
    out = Path(args.out) if args.out else RESULTS / "sensitivity" / scenario.name
    check_out(out)  # before simulating
    numbers = study(path, scenario, assumptions, pairs, args, to_stderr)
    report = markdown(numbers)
    with results_folder(out) as tmp:  # replaced whole
        write_text(tmp / REPORT, report + "\n")
        write_json(tmp / NUMBERS, numbers)
    print(report)
    print(f"\nResults: {out}")
    return 0
