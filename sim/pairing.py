"""The six-hundreds pairing (六百结对): villages supported by paired units.

A pairing is a list of :class:`Pair` rows: one paired unit (a government Party organisation, a
town leader, a town department, a civilised unit or a volunteer team), its kind, its home place
and the village it supports. Each paired unit becomes a team whose tier-1 scope includes its
village, so it can take that village's orders before they escalate.

Strategies are small functions chosen by name in the scenario (``pairing.strategy``):
``none`` pairs nothing; ``listed`` reads explicit pairs from a CSV.
"""

from __future__ import annotations

from dataclasses import dataclass
from collections.abc import Callable

from sim.errors import Problem, UserError
from sim.geography import Places
from sim.scenario import Scenario
from sim.tables import read_csv


@dataclass(frozen=True)
class Pair:
    """One paired unit and the village it supports (indices into places)."""

    village: int
    kind: str
    unit_name: str
    home: int


def pair_none(scenario: Scenario, places: Places) -> list[Pair]:
    """No pairing: villages rely on their own, town and county teams."""
    return []


def pair_listed(scenario: Scenario, places: Places) -> list[Pair]:
    """Pairs exactly as listed in ``pairing.file`` (village_code,unit_kind,unit_name,home_code)."""
    path = scenario.pairing.file
    if not path:
        raise UserError([Problem(scenario.source, None, "pairing.file",
                                 "strategy 'listed' needs a CSV file; expected a path")])
    rows = read_csv(path, ["village_code", "unit_kind", "unit_name", "home_code"], "pairing CSV")
    problems, pairs = [], []
    for row in rows:
        line = int(row["_line"])
        try:
            village = places.index(row["village_code"])
            home = places.index(row["home_code"])
        except KeyError as exc:
            problems.append(Problem(path, line, "", f"unknown place {exc.args[0]!r}; expected a "
                                    "code from the places CSV"))
            continue
        if row["unit_kind"] not in scenario.pairing.kinds:
            known = ", ".join(sorted(scenario.pairing.kinds)) or "none defined"
            problems.append(Problem(path, line, "unit_kind", f"unknown kind {row['unit_kind']!r};"
                                    f" expected one of pairing.kinds ({known})"))
            continue
        pairs.append(Pair(village, row["unit_kind"], row["unit_name"], home))
    if problems:
        raise UserError(problems[:20])
    return pairs


STRATEGIES: dict[str, Callable[[Scenario, Places], list[Pair]]] = {
    "none": pair_none,
    "listed": pair_listed,
}


def make_pairs(scenario: Scenario, places: Places) -> list[Pair]:
    """The pairs of a scenario by its strategy."""
    return STRATEGIES[scenario.pairing.strategy](scenario, places)
