"""``run.py check PATH...``: the regression gate for policy configs (exit 0 pass, 1 fail, 2 invalid).

Every input is read and checked before anything is simulated: each scenario (or every
``*.yaml`` under a folder, a sweep file there skipped with a note), its baseline, its gate
policy, and that its run shares the baseline's random numbers (the gate never falls back
silently to the weaker unpaired comparison). Any invalid input lists
every problem at once, one line each, and nothing is simulated (exit 2). Otherwise each
scenario is simulated with its ``expect:`` block's fixed seed, days and replications; its KPIs
are judged against the thresholds and against the committed baseline (:mod:`sim.gate.check`).
``--update-baselines`` accepts the new values as the baselines, all of them once every
scenario is judged (an interrupted run writes none). The ``--junit`` and ``--summary`` files
are written "in progress" before anything else, then replaced by the report. See docs/ci.md.

This module holds the options, the flow and the simulating and
judging (:func:`check_one`, :func:`simulate_all`). Reading and checking the inputs is
:mod:`sim.cli.check_inputs`, the baselines' notes and their writing
:mod:`sim.cli.check_baselines`, the report files :mod:`sim.cli.check_reports`.
"""

from __future__ import annotations

import sys
from pathlib import Path

from sim import __version__
from sim.cli.check_baselines import baseline_note, write_baselines
from sim.cli.check_inputs import Prepared, input_files, prepare_all, shown
from sim.cli.check_reports import reports, start_reports
from sim.cli.main import REPO
from sim.cli.options import JOBS, path_text
from sim.config.errors import Problem, UserError
from sim.experiments.pilot import prepare_world
from sim.experiments.runner import default_jobs, run_replications
from sim.gate.baseline import Baseline
from sim.gate.check import Checked, evaluate, exit_status
from sim.gate.policy import expect_to_json
from sim.gate.report import failure_lines, settings_line, text_table, verdict_line
from sim.reporting.files import write_bytes
from sim.results.summary import total_orders
from sim.results.verdict import kpi_targets

# relative to the current folder, as run's results are: the repository's own when run from its
# root (as CI does); from anywhere else, that folder's (a missing one is invalid input, never
# another repository's baselines, and --update-baselines never writes into the installed code)
DEFAULT_BASELINES = Path("results") / "baselines"


def add_parser(sub) -> None:
    """Add the ``check`` subcommand and its options (:func:`sim.cli.main.build_parser`)."""
    p = sub.add_parser(
        "check",
        help="regression gate: fail when a KPI misses its threshold or its baseline",
        description="Run each scenario with the seed, days and replications of its expect: "
        "block; fail (exit 1) when a KPI's one-sided confidence bound is on the "
        "wrong side of its threshold, or when it is significantly worse than the "
        "committed baseline by at least the minimum effect. Exit 2 for invalid "
        "scenarios or baselines. See docs/ci.md.",
    )
    p.add_argument(
        "paths",
        nargs="+",
        metavar="PATH",
        type=path_text,
        help="scenario YAML files, or folders (every *.yaml under them)",
    )
    p.add_argument(
        "--baselines",
        default=str(DEFAULT_BASELINES),
        metavar="DIR",
        help="folder of baseline JSON files (default: results/baselines in the current folder)",
    )
    p.add_argument(
        "--update-baselines",
        action="store_true",
        help="accept this run's values as the baselines of every valid scenario",
    )
    p.add_argument(
        "--allow-new",
        action="store_true",
        help="let scenarios without a baseline pass the baseline part (otherwise they fail)",
    )
    p.add_argument("--junit", metavar="FILE", type=path_text, help="write JUnit XML (one test case per KPI)")
    p.add_argument(
        "--summary", metavar="FILE", type=path_text, help="write a Markdown summary (CI job summary)"
    )
    p.add_argument(
        "--jobs",
        type=JOBS,
        default=None,
        help="worker processes (default: all cores); results do not depend on it",
    )


SWEEP_NOTE = "note: skipped {}, a sweep file (`run.py validate` checks it, `run.py sweep` runs it)"


def check_one(
    prepared: Prepared, jobs: int, update: bool, allow_new: bool = False
) -> tuple[Checked, Baseline | None]:
    """Simulate and judge one prepared scenario (:func:`sim.cli.check_inputs.prepare_one`);
    return the verdicts and, with ``update``, the new baseline to write
    (:func:`sim.cli.check_baselines.write_baselines`, once every scenario is judged; None
    without ``update``). Raise UserError when its world cannot be built (invalid
    input)."""
    path, scenario, seed, file = prepared.path, prepared.scenario, prepared.seed, prepared.file
    baseline = prepared.baseline
    expect = scenario.expect
    world = prepare_world(scenario)
    results = run_replications(scenario, expect.reps, seed, jobs=jobs, keep_logs=False, world=world)
    values = {k: [r.kpis[k] for r in results] for k in results[0].kpis}
    checked = Checked(
        str(path),
        scenario.name,
        seed,
        expect.days,
        expect.reps,
        outcomes=evaluate(
            scenario,
            seed,
            values,
            baseline,
            ""
            if update or allow_new
            else f"no baseline at {shown(file)}; a new scenario needs --allow-new, or its baseline "
            "accepted with --update-baselines and committed",
            {k: n for k in results[0].orders if (n := total_orders(results, k)) is not None},
            kpi_targets(world),
        ),
    )
    checked.note = baseline_note(baseline, scenario, shown(file))
    if not update:
        return checked, None
    run = scenario.run
    new = Baseline(
        scenario.name,
        seed,
        expect.days,
        run.warmup_days,
        expect.reps,
        __version__,
        values,
        _portable(path),
        expect_to_json(expect),
        run.drain_days,
        run.start_weekday,
    )
    return checked, new


def _portable(path: Path) -> str:
    """The scenario's path relative to the repository when inside it (same on every machine)."""
    full = Path(path).resolve()
    return full.relative_to(REPO).as_posix() if full.is_relative_to(REPO) else full.name


def main(args) -> int:
    """Run the gate on ``args.paths``: exit status 0 every KPI passes, 1 one fails, 2 an input
    is invalid (nothing simulated then)."""
    # the report files first: an unwritable one is refused before anything is simulated, and
    # a stale one (an earlier run's) never stands for this run
    start_reports(args)
    inputs = input_files(args.paths)
    folder = Path(args.baselines)
    if not folder.is_dir() and not (args.update_baselines and not folder.exists()):
        what = "is not a folder" if folder.exists() else "not found"
        if args.baselines == str(DEFAULT_BASELINES):  # not given: say where it was looked for
            why = (
                f"the default baselines folder (results/baselines of the current folder, "
                f"{Path.cwd()}) {what}; expected to run from the folder that holds the committed "
                "baselines (the repository's root), or --baselines DIR"
            )
        else:
            why = (
                f"--baselines folder {what}; expected the folder of committed baselines "
                "(a mistyped folder would turn every baseline comparison off)"
            )
        inputs.problems.setdefault(args.baselines, []).append(str(Problem(args.baselines, None, "", why)))
    if args.debug and inputs.problems:
        raise UserError(next(iter(inputs.problems.values()))[0])
    jobs = args.jobs if args.jobs else default_jobs()
    for path in inputs.sweeps:
        print(SWEEP_NOTE.format(path))
    # every input is read and checked before anything is simulated: all problems at once
    ready, invalid = prepare_all(inputs, folder, args.update_baselines, args.debug)
    for c in invalid:
        for line in c.errors:
            print(line, file=sys.stderr)
    if invalid:
        checked = invalid
        print(
            f"Nothing simulated: {len(invalid)} of {len(ready) + len(invalid)} inputs invalid, every "
            "problem listed above; fix them and rerun"
        )
    else:
        checked = simulate_all(ready, jobs, args, folder)
    ran = [c for c in checked if not c.errors]
    if ran:
        print(text_table(ran))
        print()
        for c in ran:
            print(settings_line(c))
    failures = failure_lines(ran)
    if failures:
        print("\nFailures:")
        print("\n".join(f"  {m}" for m in failures))
    print(f"\n{verdict_line(checked)}")
    for _, path, content in reports(args):
        write_bytes(path, content(checked))
    return exit_status(checked)


def simulate_all(ready: list[Prepared], jobs: int, args, folder: Path) -> list[Checked]:
    """Simulate and judge every prepared scenario; with ``--update-baselines``, then write
    their baselines, all of them, and only when every scenario was judged and none turned out
    invalid (an interrupt before that writes none, and says so)."""
    checked: list[Checked] = []
    accepted: list[tuple[Checked, Baseline]] = []
    try:
        for prepared in ready:
            try:
                one, new = check_one(prepared, jobs, args.update_baselines, args.allow_new)
            except UserError as exc:  # a world that cannot be built (rare: found by a pilot)
                if args.debug:
                    raise
                checked.append(Checked(str(prepared.path), errors=exc.lines()))
                for line in exc.lines():
                    print(line, file=sys.stderr)
                continue
            checked.append(one)
            if new is not None:
                accepted.append((one, new))
    except KeyboardInterrupt:
        if args.update_baselines:
            print("interrupted: no baseline written", file=sys.stderr)
        raise
    if accepted and any(c.errors for c in checked):
        print("no baseline written: an input turned out invalid (listed above)", file=sys.stderr)
    elif accepted:
        write_baselines(accepted, folder)
    return checked
