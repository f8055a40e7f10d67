"""The ``expect:`` block of a scenario: KPI thresholds for the regression gate, parsed and checked.

``urban_10min: ">= 0.90"`` means the gate fails when the KPI is significantly below 0.90 at
``expect.confidence``; ``open_overnight_per_week: "<= 5"`` when significantly above 5.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from sim.errors import Problem
from sim.kpis import KPI_INFO
from sim.scenario import Scenario

THRESHOLD = re.compile(r"^\s*(>=|<=)\s*([-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?)\s*$")
DEFAULT_MIN_EFFECT = {"share": 0.02, "minutes": 2.0, "orders/week": 3.0}


@dataclass(frozen=True)
class Threshold:
    """One requirement: KPI op value."""

    kpi: str
    op: str
    value: float


def kpi_unit(name: str) -> str:
    """Unit of a KPI name (town.<name>.compliance is a share)."""
    if name.startswith("town.") and name.endswith(".compliance"):
        return "share"
    return KPI_INFO[name][1]


def kpi_direction(name: str) -> int:
    """+1 when higher is better, -1 when lower is better, 0 neutral."""
    if name.startswith("town.") and name.endswith(".compliance"):
        return 1
    return KPI_INFO[name][2]


def known_kpi(name: str, towns: list[str] | None = None) -> bool:
    """Whether ``name`` is a KPI Red Vest computes."""
    if name in KPI_INFO:
        return True
    match = re.fullmatch(r"town\.(.+)\.compliance", name)
    return bool(match) and (towns is None or match.group(1) in towns)


def thresholds(scenario: Scenario) -> list[Threshold]:
    """The scenario's thresholds (assumes :func:`check_expect` found no problem)."""
    out = []
    for kpi, text in scenario.expect.kpis.items():
        match = THRESHOLD.match(str(text))
        out.append(Threshold(kpi, match.group(1), float(match.group(2))))
    return out


def min_effect(scenario: Scenario, kpi: str) -> float:
    """Smallest change against the baseline that may fail a build (KPI's unit)."""
    if kpi in scenario.expect.min_effect:
        return scenario.expect.min_effect[kpi]
    return DEFAULT_MIN_EFFECT.get(kpi_unit(kpi), 0.0)


def check_expect(scenario: Scenario, towns: list[str] | None = None) -> list[Problem]:
    """Problems in the expect block: unknown KPIs (with a suggestion), malformed thresholds."""
    out = []
    names = list(KPI_INFO) + [f"town.{t}.compliance" for t in towns or []]
    for section in ("kpis", "min_effect"):
        for kpi in getattr(scenario.expect, section):
            if not known_kpi(kpi, towns):
                close = difflib.get_close_matches(kpi, names, n=1)
                hint = f"did you mean {close[0]!r}?" if close else \
                    "expected a KPI name from the README (e.g. urban_10min)"
                out.append(Problem(scenario.source, None, f"expect.{section}.{kpi}",
                                   f"unknown KPI; {hint}"))
    for kpi, text in scenario.expect.kpis.items():
        if not THRESHOLD.match(str(text)):
            out.append(Problem(scenario.source, None, f"expect.kpis.{kpi}",
                               f"{text!r} is not a threshold; expected '>= NUMBER' or "
                               "'<= NUMBER' in quotes"))
    return out
