"""The six-hundreds pairing (六百结对): villages supported by paired units.

A pairing is a list of :class:`Pair` rows: one paired unit (a government Party organisation, a
town leader, a town department, a civilised unit or a volunteer team), its kind, its home place
and the village it supports. Each paired unit becomes a team whose tier-1 scope includes its
village, so it can take that village's orders before they escalate.

Strategies are small functions chosen by name in the scenario (``pairing.strategy``), each
``(scenario, places) -> pairs``:

* ``none``: no pairs; ``listed``: the pairs of ``pairing.file`` exactly;
* ``nearest``: the CSV's villages (its first ``pairing.villages``), each unit to the nearest
  one with room (at most ``ceil(units / villages)`` units a village);
* ``need``: the ``pairing.villages`` villages with the most unmet demand in a pilot run
  (pairing none; run by :mod:`sim.experiments.pilot` and passed in: building a world never
  simulates), units assigned to them by least total travel (``linear_sum_assignment``);
* ``optimal``: villages and units chosen together by an integer program (``scipy.optimize.milp``)
  maximising :func:`coverage`, the pilot's unmet orders within reach of the units.

E.g. with 500 units and 100 villages every strategy pairs at most 5 units with a village; a unit
at Kunyang's seat covers a village 15 minutes away with weight ``1 - 15/reach_min``. Every unit
is paired: a strategy with too few villages to choose from (the CSV's for ``nearest``, the
places for ``need`` and ``optimal``) to hold the units at that capacity is refused
(:func:`check_room`).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, linear_sum_assignment, milp

from sim.config.errors import Problem, UserError
from sim.config.scenario import Scenario
from sim.config.tables import read_csv
from sim.world.geography import Places, build_places
from sim.world.travel import TravelModel


@dataclass(frozen=True)
class Pair:
    """One paired unit and the village it supports (indices into places)."""

    village: int
    kind: str
    unit_name: str
    home: int


def _rows(scenario: Scenario, places: Places) -> list[tuple[int, str, str, int]]:
    """(village, kind, unit name, home) of every row of ``pairing.file``, checked."""
    path = scenario.pairing.file
    if not path:
        raise UserError(
            [
                Problem(
                    scenario.source,
                    None,
                    "pairing.file",
                    f"strategy {scenario.pairing.strategy!r} needs a CSV file; expected a path",
                )
            ]
        )
    rows = read_csv(path, ["village_code", "unit_kind", "unit_name", "home_code"], "pairing CSV")
    problems, out = [], []
    for row in rows:
        line = int(row["_line"])
        found = {}
        for column in ("village_code", "home_code"):
            try:
                found[column] = places.index(row[column])
            except KeyError:
                message = f"unknown place {row[column]!r}; expected a code from the places CSV"
                problems.append(Problem(path, line, column, message))
        if len(found) < 2:
            continue
        village, home = found["village_code"], found["home_code"]
        if row["unit_kind"] not in scenario.pairing.kinds:
            known = ", ".join(sorted(scenario.pairing.kinds)) or "none defined"
            problems.append(
                Problem(
                    path,
                    line,
                    "unit_kind",
                    f"unknown kind {row['unit_kind']!r}; expected one of pairing.kinds ({known})",
                )
            )
            continue
        out.append((village, row["unit_kind"], row["unit_name"], home))
    if problems:
        raise UserError(problems[:20])
    return out


def units(scenario: Scenario, places: Places) -> list[Pair]:
    """The units to place (village = -1): each unit name of ``pairing.file`` once, in order."""
    seen: dict[str, Pair] = {}
    for _, kind, name, home in _rows(scenario, places):
        seen.setdefault(name, Pair(-1, kind, name, home))
    return list(seen.values())


def capacity(scenario: Scenario, n_units: int) -> int:
    """Most units one village may receive: ceil(units / villages)."""
    return max(1, math.ceil(n_units / scenario.pairing.villages))


def check_room(scenario: Scenario, n_units: int, n_villages: int, listed_by: str) -> None:
    """Refuse a pairing that would leave units unpaired: ``n_villages`` villages (all the
    strategy may choose from, ``listed_by`` says which) at ``capacity`` units each must hold
    the ``n_units`` units."""
    cap = capacity(scenario, n_units)
    if n_villages * cap < n_units:
        raise UserError(
            [
                Problem(
                    scenario.source,
                    None,
                    "pairing.villages",
                    f"{scenario.pairing.villages} villages take at most {cap} of the {n_units} "
                    f"units each (ceil(units / villages)), but only {n_villages} villages "
                    f"{listed_by}, room for {n_villages * cap} units; expected at most "
                    f"{n_villages} villages (more units a village)",
                )
            ]
        )


def travel_model(scenario: Scenario, places: Places) -> TravelModel:
    """The scenario's travel model between ``places`` (reads the towns CSV, and the travel
    matrix if any: make it once for many trips)."""
    towns, _ = build_places(scenario)
    return TravelModel(scenario, towns, places)


def travel_min(scenario: Scenario, places: Places, homes: list[int], villages: np.ndarray) -> np.ndarray:
    """Nominal minutes from each home (rows) to each village (columns)."""
    return travel_model(scenario, places).nominal_grid(homes, villages)


def reach_weight(minutes: np.ndarray, reach_min: float) -> np.ndarray:
    """Share of a village's unmet demand a unit covers from ``minutes`` away: 1 - t/reach, >= 0."""
    return np.clip(1.0 - np.asarray(minutes, dtype=float) / reach_min, 0.0, None)


def coverage(scenario: Scenario, places: Places, pairs: list[Pair], unmet: np.ndarray) -> float:
    """The objective of ``need`` and ``optimal``: pilot unmet orders per week within reach of
    the paired units, sum over pairs of ``unmet[village] / capacity x reach_weight(travel)``."""
    if not pairs:
        return 0.0
    cap = capacity(scenario, len(pairs))
    villages = np.array([p.village for p in pairs])
    travel = travel_model(scenario, places)  # (once: each pair's trip as travel_min gives it)
    minutes = np.array([travel.nominal_grid([p.home], [p.village])[0, 0] for p in pairs])
    return float((unmet[villages] / cap * reach_weight(minutes, scenario.pairing.reach_min)).sum())


def pair_none(scenario: Scenario, places: Places, unmet: np.ndarray | None) -> list[Pair]:
    """No pairing: villages rely on their own, town and county teams."""
    return []


def pair_listed(scenario: Scenario, places: Places, unmet: np.ndarray | None) -> list[Pair]:
    """Pairs exactly as listed in ``pairing.file`` (village_code,unit_kind,unit_name,home_code)."""
    return [Pair(v, kind, name, home) for v, kind, name, home in _rows(scenario, places)]


def _assign_by_travel(
    scenario: Scenario, places: Places, unit_list: list[Pair], villages: list[int]
) -> list[Pair]:
    """Units to ``villages`` (each at most ``capacity``): every village one unit at least (when
    there are as many units as villages), then the least total travel time.

    Each village offers ``capacity`` slots; its first costs the travel minutes, the others the
    minutes plus more than any assignment's whole travel, so the least-cost assignment fills
    a first slot of every village before any second one (with 500 units and 150 villages, at
    most 4 a village, least travel alone left some of the neediest villages with none)."""
    cap = capacity(scenario, len(unit_list))
    slots = np.repeat(np.array(villages, dtype=int), cap)
    minutes = travel_min(scenario, places, [u.home for u in unit_list], np.array(villages))
    cost = np.repeat(minutes, cap, axis=1)
    if len(slots) > len(unit_list):  # (with no slot to spare every village is full anyway)
        beyond_first = np.tile(np.arange(cap) > 0, len(villages))  # each village's slots after its first
        cost[:, beyond_first] += (float(minutes.max(initial=0.0)) + 1.0) * len(unit_list)
    rows, cols = linear_sum_assignment(cost)
    return [dataclasses.replace(unit_list[r], village=int(slots[c])) for r, c in zip(rows, cols)]


def pair_nearest(scenario: Scenario, places: Places, unmet: np.ndarray | None) -> list[Pair]:
    """The first ``pairing.villages`` villages of the CSV; units one by one (the shortest
    remaining trip first) to the nearest of them that still has room."""
    unit_list = units(scenario, places)
    chosen: list[int] = []
    for village, *_ in _rows(scenario, places):
        if village not in chosen and len(chosen) < scenario.pairing.villages:
            chosen.append(village)
    check_room(scenario, len(unit_list), len(chosen), "are listed in the pairing CSV")
    cap = capacity(scenario, len(unit_list))
    minutes = travel_min(scenario, places, [u.home for u in unit_list], np.array(chosen))
    room = {v: cap for v in chosen}
    village_of: dict[int, int] = {}
    for flat in np.argsort(minutes, axis=None, kind="stable"):
        u, v = divmod(int(flat), len(chosen))
        if u not in village_of and room[chosen[v]] > 0:
            village_of[u] = chosen[v]
            room[chosen[v]] -= 1
    return [
        dataclasses.replace(unit, village=village_of[k])
        for k, unit in enumerate(unit_list)
        if k in village_of
    ]


def check_room_in_places(scenario: Scenario, n_units: int, places: Places) -> None:
    """:func:`check_room` for the strategies that choose villages among all places (``need``,
    ``optimal``): at most ``pairing.villages`` of them."""
    n_villages = min(scenario.pairing.villages, len(places))
    check_room(scenario, n_units, n_villages, "are in the places CSV")


def pair_need(scenario: Scenario, places: Places, unmet: np.ndarray | None) -> list[Pair]:
    """The ``pairing.villages`` villages with the most pilot unmet demand (ties: lower index),
    units assigned to them by least total travel."""
    unmet = _required(unmet, scenario)
    unit_list = units(scenario, places)
    check_room_in_places(scenario, len(unit_list), places)
    order = np.lexsort((np.arange(len(unmet)), -unmet))
    chosen = sorted(int(v) for v in order[: min(scenario.pairing.villages, len(unmet))])
    return _assign_by_travel(scenario, places, unit_list, chosen)


def pair_optimal(scenario: Scenario, places: Places, unmet: np.ndarray | None) -> list[Pair]:
    """Villages and units chosen together to maximise :func:`coverage` (an integer program).

    Units sharing a home are interchangeable for the objective, so the variables are
    ``x[h, v]`` (units from home h at village v, integer) and ``y[v]`` (village v paired,
    binary): maximise sum unmet[v] / cap x weight[h, v] x[h, v] subject to sum_v x[h, v] =
    units at h, sum_h x[h, v] <= cap y[v], sum_v y[v] <= villages. Within a home, units go to
    its villages in CSV order."""
    unit_list = units(scenario, places)
    if not unit_list:
        return []
    unmet = _required(unmet, scenario)
    check_room_in_places(scenario, len(unit_list), places)
    cap = capacity(scenario, len(unit_list))
    homes = sorted({u.home for u in unit_list})
    count = np.array([sum(u.home == h for u in unit_list) for h in homes])
    n_v, n_h = len(places), len(homes)
    weight = reach_weight(travel_min(scenario, places, homes, np.arange(n_v)), scenario.pairing.reach_min)
    gain = (unmet[None, :] / cap * weight).ravel()
    n_x = n_h * n_v
    c = np.concatenate([-gain, np.zeros(n_v)])
    # columns: x[h, v] at h * n_v + v, then y[v]; sparse rows (dense ones would hold
    # n_v x n_x zeros: 28 GB for a county ten times Pingyang's, 170 homes and 4,530 places)
    rows_home = sparse.hstack([sparse.kron(sparse.eye(n_h), np.ones((1, n_v))), sparse.csr_array((n_h, n_v))])
    rows_village = sparse.hstack([sparse.kron(np.ones((1, n_h)), sparse.eye(n_v)), -cap * sparse.eye(n_v)])
    row_count = sparse.hstack([sparse.csr_array((1, n_x)), np.ones((1, n_v))])
    result = milp(
        c,
        integrality=np.ones(n_x + n_v),
        bounds=Bounds(0, np.concatenate([np.full(n_x, cap), np.ones(n_v)])),
        constraints=[
            LinearConstraint(rows_home, count, count),
            LinearConstraint(rows_village, -np.inf, 0),
            LinearConstraint(row_count, 0, scenario.pairing.villages),
        ],
        options={"mip_rel_gap": 0.0},
    )
    if result.x is None:
        raise UserError(
            [
                Problem(
                    scenario.source,
                    None,
                    "pairing.villages",
                    f"no optimal pairing found ({result.message}); expected "
                    "villages x ceil(units/villages) >= units",
                )
            ]
        )
    x = np.rint(result.x[:n_x]).astype(int).reshape(n_h, n_v)
    out = []
    for h, home in enumerate(homes):
        targets = np.repeat(np.arange(n_v), x[h])
        mine = [u for u in unit_list if u.home == home]
        out += [dataclasses.replace(u, village=int(v)) for u, v in zip(mine, targets)]
    return out


def _required(unmet: np.ndarray | None, scenario: Scenario) -> np.ndarray:
    """The pilot's unmet demand, which the ``need`` and ``optimal`` strategies rank by."""
    if unmet is None:
        raise ValueError(
            f"pairing strategy {scenario.pairing.strategy!r} needs a pilot run's unmet demand: "
            "build the world with sim.experiments.pilot.prepare_world"
        )
    return unmet


STRATEGIES: dict[str, Callable[[Scenario, Places, np.ndarray | None], list[Pair]]] = {
    "none": pair_none,
    "listed": pair_listed,
    "nearest": pair_nearest,
    "need": pair_need,
    "optimal": pair_optimal,
}


NEEDS_PILOT = frozenset({"need", "optimal"})  # strategies ranking villages by a pilot run


def make_pairs(scenario: Scenario, places: Places, unmet: np.ndarray | None = None) -> list[Pair]:
    """The pairs of a scenario by its strategy; ``unmet`` (orders per week of each place that
    missed their promise in a pilot run without pairing, :mod:`sim.experiments.pilot`) is
    required by the strategies of :data:`NEEDS_PILOT`."""
    return STRATEGIES[scenario.pairing.strategy](scenario, places, unmet)
