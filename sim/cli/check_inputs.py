"""What ``run.py check`` reads, all of it read and checked before anything is simulated.

:func:`input_files` turns the paths given into scenario files (every ``*.yaml`` under a folder,
a sweep file there set aside); :func:`prepare_all` loads each scenario with its ``expect:``
block's seed, days and replications, reads its baseline and checks its gate policy
(:mod:`sim.gate.policy`), and returns every invalid input's problems at once. :func:`shown` is
how the check's messages show a path. :mod:`sim.cli.commands.check` simulates what is ready.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path

from sim.config.errors import Problem, UserError
from sim.config.load import SWEEP_NOT_SCENARIO, load_scenario
from sim.config.scenario import Scenario
from sim.experiments.sweep_file import is_sweep_file
from sim.gate.baseline import Baseline, baseline_path, read_baseline
from sim.gate.check import Checked
from sim.gate.expectations import towns_of
from sim.gate.policy import expect_from_json, pairing_problems, policy_problems, warmup_problems


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
    out.scenarios = [shown(p) for p in dict.fromkeys(p.resolve() for p in files)]
    out.sweeps = [shown(p) for p in dict.fromkeys(p.resolve() for p in out.sweeps)]
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
    """Load and check one scenario file, its baseline and its gate policy, and that its run
    would share the baseline's random numbers (:func:`sim.gate.policy.pairing_problems`: the
    gate never falls back silently to the weaker unpaired comparison; not with ``update``,
    which re-makes the baseline at the run's settings), simulating nothing; raise UserError
    listing its problems (invalid input). ``names`` maps the scenario names
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
        baseline = read_baseline(shown(file), towns_of(scenario))
    except UserError:
        if not update:
            raise
        baseline = None  # an invalid baseline is replaced, not compared with
    recorded = None if update or baseline is None else expect_from_json(baseline.policy)
    relaxed = policy_problems(path, expect, recorded, str(shown(file)))
    if baseline is not None and not update:
        relaxed += warmup_problems(path, scenario.run.warmup_days, baseline.warmup_days, str(shown(file)))
        # a run that would not share the baseline's random numbers (a key said above once)
        said = {(p.file, p.path) for p in relaxed}
        unpaired = pairing_problems(path, scenario, baseline, str(shown(file)))
        relaxed += [p for p in unpaired if (p.file, p.path) not in said]
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


def shown(path: Path) -> Path:
    """A path relative to the working folder when inside it (shorter messages)."""
    full = Path(path).resolve()
    return full.relative_to(Path.cwd()) if full.is_relative_to(Path.cwd()) else full
