"""The one entry point from a scenario file to a valid :class:`Scenario`: read (safely, with
``extends:``), convert with types and ranges, then the whole-scenario checks of
:mod:`sim.config.validate` and, for a sound scenario, the data files' checks of
:mod:`sim.config.data_checks` (warnings: :mod:`sim.config.scenario_warnings`); every problem is
reported together, each as ``FILE:LINE: path: what is wrong; what is expected``, before any
simulation starts. A problem found by a whole-scenario check is placed on the line where the
offending value is written, in whichever file of an ``extends`` chain wrote it; e.g. an item
whose skill no team offers::

    scenarios/x.yaml:14: catalog[2].skill: no team offers skill 'dance'; expected a skill some
    team has (the item could never be served)
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path
from typing import Any

from sim.config.data_checks import check_data
from sim.config.errors import Problem, UserError
from sim.config.loader import PATH_KEYS, convert, locate, read_scenario
from sim.config.overrides import set_path
from sim.config.scenario import Scenario
from sim.config.scenario_warnings import scenario_warnings
from sim.config.validate import check

SWEEP_NOT_SCENARIO = (
    "is a sweep file (a top-level scenario: and grid:); expected a scenario file "
    "(`run.py validate` checks a sweep, `run.py sweep` runs it)"
)


def load_scenario(
    path: str | Path,
    warnings: list[Problem] | None = None,
    overrides: dict[str, Any] | None = None,
    origins: dict[str, tuple[str, int | None]] | None = None,
) -> Scenario:
    """Read, convert and check a scenario file and its data files; raise UserError listing
    every problem. Warnings (valid but suspicious settings) are appended to ``warnings``.
    ``overrides`` ({dotted path: value}, see :mod:`sim.config.overrides`) are set on the merged
    mapping before conversion; a problem with one is reported at its ``origins[path]`` (file,
    line) when given, e.g. the line of a sweep file naming it. A wrongly typed text, list,
    mapping or choice is reported alone, without the whole-scenario checks and warnings: they
    would cross-reference its stand-in (``teams: null`` is one line, not one per catalogue item
    whose skill no team then offers)."""
    path = Path(path)
    data, problems = read_scenario(path)
    if "scenario" in data and "grid" in data:  # a sweep: one line, not one per key it lacks
        raise UserError([_display(Problem(str(path), None, "", SWEEP_NOT_SCENARIO))])
    unset: dict[str, Problem] = {}  # overrides that cannot be set, by path
    for key, value in (overrides or {}).items():
        try:
            set_path(data, key, value)
        except ValueError as exc:
            file, line = (origins or {}).get(key, (str(path), None))
            unset[key] = Problem(file, line, "", str(exc))
    stand_ins: list[str] = []
    scenario, found = convert(data, str(path), substituted=stand_ins)
    # a path through a mistyped key fails on the way (no list entry 0 under the new key):
    # the unknown key, with its did-you-mean, is the one line that says what is wrong
    problems += [p for key, p in unset.items() if not any(_related(key, f.path) for f in found)]
    problems += found
    scenario = dataclasses.replace(scenario, base_dir=str(path.parent.resolve()), source=str(path))
    for keys in PATH_KEYS:  # a default data file, like a written one, is beside the scenario
        scenario = _beside(scenario, keys, path.parent)
    wrong = [p.path for p in problems]  # whole-scenario checks skip what is already reported
    if not stand_ins:  # else they would cross-reference a stand-in, not what the file says
        problems += [
            _place(p, data, scenario.source)
            for p in check(scenario)
            if not any(_related(p.path, w) for w in wrong)
        ]
    found_in_data: list[Problem] = []  # (warnings about the data: a very large demand)
    if not problems:  # the data files are read only with a sound scenario naming them
        problems += [_place(p, data, scenario.source) for p in check_data(scenario, found_in_data)]
    if warnings is not None and not stand_ins:
        wrong = [p.path for p in problems]  # (a refused value is not warned of again: its stand-in is)
        warnings += [
            _display(_place(p, data, scenario.source))
            for p in scenario_warnings(scenario) + found_in_data
            if not any(_related(p.path, w) for w in wrong)
        ]
    for key, (file, line) in (origins or {}).items():  # an overridden value's problems
        problems = [
            dataclasses.replace(p, file=file, line=line) if _related(p.path, key) else p for p in problems
        ]
    if problems:
        own = _display(Problem(str(path), None, "", "")).file
        raise UserError(
            sorted((_display(p) for p in problems), key=lambda p: (p.file != own, p.file, p.line or 0))
        )
    return scenario


def _beside(node: Any, keys: tuple[str, ...], folder: Path) -> Any:
    """``node`` with the relative path at ``keys`` (a schema default: the paths written in a
    file are made absolute as it is read) made absolute against ``folder``, not against the
    working folder."""
    value = getattr(node, keys[0], None)
    if len(keys) > 1:
        return (
            node
            if value is None
            else dataclasses.replace(node, **{keys[0]: _beside(value, keys[1:], folder)})
        )
    if isinstance(value, str) and value.strip() and not os.path.isabs(value):
        return dataclasses.replace(node, **{keys[0]: os.path.abspath(folder / value)})
    return node


def _related(a: str, b: str) -> bool:
    """Whether one key path is the other or contains it (``catalog`` and ``catalog[0].share``)."""
    return a == b or a.startswith((b + ".", b + "[")) or b.startswith((a + ".", a + "["))


def _place(problem: Problem, data: dict, source: str) -> Problem:
    """Put a whole-scenario problem on the file and line where its value is written."""
    if problem.file != source or problem.line is not None:
        return problem
    file, line = locate(data, problem.path)
    return dataclasses.replace(problem, file=file or source, line=line)


def _display(problem: Problem) -> Problem:
    """Show absolute paths under the working folder relative to it (shorter, and stable)."""
    file = problem.file
    if os.path.isabs(file):
        rel = os.path.relpath(file)
        if not rel.startswith(".."):
            return dataclasses.replace(problem, file=rel)
    return problem
