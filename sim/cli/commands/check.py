"""``run.py check PATH...``: the regression gate for policy configs (exit 0 pass, 1 fail, 2 invalid).

Every input is read and checked before anything is simulated: each scenario (or every
``*.yaml`` under a folder, a sweep file there skipped with a note), its baseline and its gate
policy. Any invalid input lists every problem at once, one line each, and nothing is simulated
(exit 2). Otherwise each scenario is simulated with its ``expect:`` block's fixed seed, days and
replications; its KPIs are judged against the thresholds and against the committed baseline
(:mod:`sim.gate.check`). ``--update-baselines`` accepts the new values as the baselines, all of
them once every scenario is judged (an interrupted run writes none). The ``--junit`` and
``--summary`` files are written "in progress" before anything else, then replaced by the
report. See docs/ci.md.
"""

from __future__ import annotations

import dataclasses
import signal
import sys
from dataclasses import dataclass, field
from pathlib import Path

from sim import __version__
from sim.cli.main import REPO
from sim.cli.options import JOBS, path_text
from sim.config.errors import Problem, UserError
from sim.config.load import SWEEP_NOT_SCENARIO, load_scenario
from sim.config.scenario import Scenario
from sim.experiments.pilot import prepare_world
from sim.experiments.runner import default_jobs, run_replications
from sim.experiments.sweep_file import is_sweep_file
from sim.gate.baseline import Baseline, baseline_path, read_baseline
from sim.gate.check import Checked, evaluate, exit_status
from sim.gate.expectations import towns_of
from sim.gate.junit import in_progress_junit, junit_xml
from sim.gate.policy import expect_from_json, expect_to_json, policy_problems, warmup_problems
from sim.gate.report import (
    failure_lines,
    in_progress_markdown,
    markdown,
    settings_line,
    text_table,
    verdict_line,
)
from sim.reporting.files import write_bytes, write_json_files
from sim.reporting.folder import check_file_out
from sim.results.summary import total_orders
from sim.results.verdict import kpi_targets

# relative to the current folder, as run's results are: the repository's own when run from its
# root (as CI does); from anywhere else, that folder's (a missing one is invalid input, never
# another repository's baselines, and --update-baselines never writes into the installed code)
DEFAULT_BASELINES = Path("results") / "baselines"


def add_parser(sub) -> None:
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


@dataclass
class Inputs:
    """The files a check names: scenario files, the sweep files skipped in its folders, and
    one line per path that names no scenario (a path not found, a folder without scenarios, a
    sweep file named on its own), by path."""

    scenarios: list[Path] = field(default_factory=list)
    sweeps: list[Path] = field(default_factory=list)
    problems: dict[str, list[str]] = field(default_factory=dict)


def input_files(paths: list[str]) -> Inputs:
    """The scenario files named, folders expanded to their ``*.yaml`` files (sorted, hidden
    ones left out). A sweep file (:func:`sim.experiments.sweep_file.is_sweep_file`) under a
    folder is set aside, not checked; one named on its own is a problem, as is a folder
    holding no scenario (a gate that checks nothing must not pass)."""
    out = Inputs()
    files: list[Path] = []

    def bad(text: str, message: str) -> None:
        out.problems.setdefault(text, []).append(str(Problem(text, None, "", message)))

    for text in paths:
        path = Path(text)
        if path.is_dir():
            found = sorted(
                p
                for p in path.rglob("*.yaml")
                if not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
            sweeps = [p for p in found if is_sweep_file(p)]
            if not found:
                bad(text, "folder holds no *.yaml scenario; expected scenario files")
            elif len(sweeps) == len(found):
                bad(text, "folder holds only sweep files; expected scenario files")
            else:
                files += [p for p in found if p not in sweeps]
                out.sweeps += sweeps
        elif path.is_file() and is_sweep_file(path):
            bad(text, SWEEP_NOT_SCENARIO)
        elif path.is_file():
            files.append(path)
        else:
            bad(text, "not found; expected a scenario YAML file or a folder of them")
    out.scenarios = [_shown(p) for p in dict.fromkeys(p.resolve() for p in files)]
    out.sweeps = [_shown(p) for p in dict.fromkeys(p.resolve() for p in out.sweeps)]
    return out


@dataclass
class Prepared:
    """A scenario ready to check: loaded with its ``expect:`` block's days, replications and
    seed, its baseline file and the baseline read from it (None: none, or replaced)."""

    path: Path
    scenario: Scenario
    seed: int
    file: Path
    baseline: Baseline | None


def prepare_one(path: Path, folder: Path, update: bool, names: dict[str, str]) -> Prepared:
    """Load and check one scenario file, its baseline and its gate policy, simulating nothing;
    raise UserError listing its problems (invalid input). ``names`` maps the scenario names
    prepared so far to their files (a name is its baseline's file name, so it must be unique)."""
    scenario = load_scenario(path)
    if scenario.name in names:
        raise UserError(
            [
                Problem(
                    str(path),
                    None,
                    "name",
                    f"{scenario.name!r} is also the name "
                    f"of {names[scenario.name]}; expected unique names (each "
                    "scenario has its own baseline file)",
                )
            ]
        )
    names[scenario.name] = str(path)
    expect = scenario.expect
    seed = scenario.run.seed if expect.seed is None else expect.seed
    scenario = dataclasses.replace(
        scenario, run=dataclasses.replace(scenario.run, days=expect.days, reps=expect.reps, seed=seed)
    )
    file = baseline_path(folder, scenario.name)
    try:
        baseline = read_baseline(_shown(file), towns_of(scenario))
    except UserError:
        if not update:
            raise
        baseline = None  # an invalid baseline is replaced, not compared with
    recorded = None if update or baseline is None else expect_from_json(baseline.policy)
    relaxed = policy_problems(path, expect, recorded, str(_shown(file)))
    if baseline is not None and not update:
        relaxed += warmup_problems(path, scenario.run.warmup_days, baseline.warmup_days, str(_shown(file)))
    if relaxed:
        raise UserError(relaxed)
    return Prepared(path, scenario, seed, file, baseline)


def prepare_all(
    inputs: Inputs, folder: Path, update: bool, debug: bool = False
) -> tuple[list[Prepared], list[Checked]]:
    """Every input read and checked, nothing simulated: (the scenarios ready to check, in order;
    one :class:`Checked` carrying its problems per invalid input, the paths' own problems
    first). With ``debug`` the first invalid scenario raises instead."""
    invalid = [Checked(text, errors=lines) for text, lines in inputs.problems.items()]
    prepared: list[Prepared] = []
    names: dict[str, str] = {}
    for path in inputs.scenarios:
        try:
            prepared.append(prepare_one(path, folder, update, names))
        except UserError as exc:
            if debug:
                raise
            invalid.append(Checked(str(path), errors=exc.lines()))
    return prepared, invalid


def check_one(
    prepared: Prepared, jobs: int, update: bool, allow_new: bool = False
) -> tuple[Checked, Baseline | None]:
    """Simulate and judge one prepared scenario (:func:`prepare_one`); return the verdicts and,
    with ``update``, the new baseline to write (:func:`write_baselines`, once every scenario is
    judged; None without ``update``). Raise UserError when its world cannot be built (invalid
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
            else f"no baseline at {_shown(file)}; a new scenario needs --allow-new, or its baseline "
            "accepted with --update-baselines and committed",
            {k: n for k in results[0].orders if (n := total_orders(results, k)) is not None},
            kpi_targets(world),
        ),
    )
    checked.note = baseline_note(baseline, scenario, _shown(file))
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


def write_baselines(accepted: list[tuple[Checked, Baseline]], folder: Path) -> None:
    """Write every accepted baseline and mark its outcomes accepted. Called once every scenario
    has been simulated and judged, so that an interrupted run leaves the folder as it was; the
    files are all staged before any is renamed into place (a write that fails, a full disk,
    leaves every old file), and SIGINT and SIGTERM wait until the last rename (a kill -9 can
    still stop it between two renames, each file whole)."""
    mask = getattr(signal, "pthread_sigmask", None)  # POSIX; elsewhere an interrupt is not held
    before = mask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM}) if mask else None
    try:
        files = [baseline_path(folder, baseline.scenario) for _, baseline in accepted]
        write_json_files({file: baseline.to_json() for file, (_, baseline) in zip(files, accepted)})
        for file, (checked, _) in zip(files, accepted):
            for o in checked.outcomes:
                o.accepted = o.baseline_failed
            previous = (
                "" if checked.note.startswith("no baseline at") else f" (the previous one: {checked.note})"
            )
            checked.note = f"baseline written to {_shown(file)}{previous}"
    finally:
        if mask:
            mask(signal.SIG_SETMASK, before)


def _shown(path: Path) -> Path:
    """A path relative to the working folder when inside it (shorter messages)."""
    full = Path(path).resolve()
    return full.relative_to(Path.cwd()) if full.is_relative_to(Path.cwd()) else full


def _portable(path: Path) -> str:
    """The scenario's path relative to the repository when inside it (same on every machine)."""
    full = Path(path).resolve()
    return full.relative_to(REPO).as_posix() if full.is_relative_to(REPO) else full.name


def baseline_note(baseline: Baseline | None, scenario, file: Path) -> str:
    """How the baseline was used, for the log and the summary: paired replication by
    replication (on the baseline's replications when the run has more), or why not."""
    run = scenario.run
    if baseline is None:
        return f"no baseline at {file} (accept one with --update-baselines)"
    differ, unrecorded = baseline.unpaired_because(
        run.seed, run.days, run.warmup_days, run.drain_days, run.start_weekday
    )
    if differ or unrecorded:
        why = [f"made with {', '.join(differ)}"] if differ else []
        why += [f"does not record {' or '.join(unrecorded)}"] if unrecorded else []
        shared = "no common random numbers" if differ else "common random numbers cannot be shown"
        note = (
            f"baseline {file} {' and '.join(why)}: {shared}, so an unpaired (Welch) comparison "
            "(--update-baselines pairs it again)"
        )
    elif run.reps > baseline.reps:
        note = (
            f"paired on the first {baseline.reps} of {run.reps} replications, the baseline's, with "
            f"{file} replication by replication (seed {run.seed})"
        )
    else:
        note = f"paired with the baseline {file} replication by replication (seed {run.seed})"
    if baseline.engine_version != __version__:
        note += f"; baseline from engine {baseline.engine_version or '?'} (now {__version__})"
    return note


def reports(args) -> list[tuple[str, str, object]]:
    """The report files asked for: (option, path, the function giving its bytes)."""
    out = []
    if args.junit:
        out.append(("--junit", args.junit, junit_xml))
    if args.summary:
        out.append(("--summary", args.summary, lambda checked: markdown(checked).encode("utf-8")))
    return out


def start_reports(args) -> None:
    """Write each report file at once in its "in progress" state (:func:`in_progress_junit`,
    :func:`in_progress_markdown`), before anything is read or simulated: a file left by an
    earlier run is never shown as this run's, an interrupted run leaves "in progress" (a
    failure to any CI reading it), and a path that cannot be written is invalid input found
    now, in one line naming the option (UserError)."""
    for option, path, _ in reports(args):
        check_file_out(path, option)  # a folder, or under a file
        if _overwrites_an_input(Path(path), args):
            raise UserError(
                [
                    Problem(
                        str(path),
                        None,
                        "",
                        f"{option} names a scenario or baseline file the check reads; expected a "
                        "path of its own for the report (e.g. results/check/summary.md)",
                    )
                ]
            )
        data = in_progress_junit() if option == "--junit" else in_progress_markdown().encode("utf-8")
        try:
            write_bytes(path, data)
        except OSError as exc:
            raise UserError(
                [
                    Problem(
                        str(path),
                        None,
                        "",
                        f"{option}: cannot write it ({exc.strerror or exc}); expected a file path "
                        "in a writable folder",
                    )
                ]
            ) from None


def _overwrites_an_input(path: Path, args) -> bool:
    """Whether a report written at ``path`` would replace what the check reads: a scenario file
    (any ``.yaml``/``.yml``, or an input named on the command line) or a baseline (a ``.json``
    in the baselines folder). Writing the report first would destroy it before it is read."""
    full = path.resolve()
    if full.suffix.lower() in (".yaml", ".yml"):
        return True
    if any(full == Path(p).resolve() for p in args.paths):
        return True
    return full.suffix.lower() == ".json" and full.parent == Path(args.baselines).resolve()


def main(args) -> int:
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
