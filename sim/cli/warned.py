"""Loading a scenario for a command that simulates, with its warnings shown."""

from __future__ import annotations

import sys
from pathlib import Path

from sim.config.errors import Problem, UserError
from sim.config.load import load_scenario
from sim.config.scenario import Scenario


def load_scenario_warned(path: str | Path) -> Scenario:
    """:func:`sim.config.load.load_scenario`, printing the scenario's warnings (valid but
    suspicious settings, e.g. one its strategy does not read) on stderr, one line each, as
    ``validate`` prints them: a command that simulates does not hide them."""
    warnings: list[Problem] = []
    scenario = load_scenario(path, warnings)
    for line in UserError(warnings).lines() if warnings else []:
        print(line, file=sys.stderr)
    return scenario
