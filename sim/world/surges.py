"""Demand surges (scenario ``events``) resolved against the places, the catalogue and the teams.

An event such as the Aojiang 泰悦府 lockdown names places (codes, names, or whole towns), a
window of days, a rate multiplier and an item mix. :func:`resolve` turns each into a
:class:`Surge` of place indices, a window in minutes and the cumulative item distribution the
demand model uses inside the window, e.g. ``places: [Aojiang], start_day: 3, days: 5,
multiplier: 4`` = four times the usual orders from every Aojiang place on days 3 to 7. An
event with ``delivery: {mode: batched}`` also gets the items its platform batches and the teams
designated to deliver them (:func:`designated_teams`); :func:`event_of` says which event each
order belongs to (the model and the KPIs share it).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.config.errors import Problem, closest
from sim.config.events import Delivery, Event
from sim.config.scenario import Scenario
from sim.config.yaml_read import key_text
from sim.world.geography import Places, Towns
from sim.world.workforce import TeamTable

# the levels of named team kinds (teams.county, centers, subcenters, professional) a delivery may
# designate by name
NAMED_LEVELS = ("county", "subcenter", "professional")


@dataclass(frozen=True)
class Surge:
    """One event, indexed: places, window [start_min, end_min), multiplier, item CDF or None;
    its delivery setting (None: its orders are ordinary orders, not measured apart) and, in
    batched mode, which items are batched (a flag per catalogue item) and the designated teams."""

    places: np.ndarray
    start_min: float
    end_min: float
    multiplier: float
    item_cdf: np.ndarray | None
    name: str = ""
    delivery: Delivery | None = None
    batched_items: np.ndarray | None = None  # bool per catalogue item (batched mode only)
    designated: tuple[int, ...] = ()  # team ids (batched mode only)

    @property
    def batched(self) -> bool:
        """Whether the platform delivers this event's orders in batches."""
        return self.delivery is not None and self.delivery.mode == "batched"


def event_of(surges: list[Surge], place: np.ndarray, t_placed: np.ndarray) -> np.ndarray:
    """Per order (its place and placing time in minutes): the index of the first surge whose
    places and window hold it, or -1 (int32). The model places an order through that surge's
    process; the event KPIs measure the orders of surges with a delivery setting."""
    out = np.full(len(place), -1, dtype=np.int32)
    for k, s in enumerate(surges):
        mine = (out < 0) & np.isin(place, s.places) & (t_placed >= s.start_min) & (t_placed < s.end_min)
        out[mine] = k
    return out


def batched_items(event: Event, scenario: Scenario) -> np.ndarray:
    """Per catalogue item: whether a batched event delivers it in batches (its ``items``, else
    the items of its item mix, else every item: a mix of zero weights is no mix, as in
    :func:`item_cdf`), never a professional one."""
    named = set(event.delivery.items) if event.delivery and event.delivery.items else None
    if named is None:
        named = {item for item, weight in event.item_mix.items() if weight > 0} or None
    return np.array(
        [(named is None or i.id in named) and not i.professional for i in scenario.catalog], dtype=bool
    )


def callup_teams(scenario: Scenario, teams: TeamTable, n_pairs: int) -> list[list[int]]:
    """Per event, the ids of its call-up teams. :func:`sim.world.workforce.build_teams` makes
    them right after the additions, in the order of the events and their call-ups, and only
    the paired units come after them."""
    counts = [len(e.callups) for e in scenario.events]
    first = len(teams) - n_pairs - sum(counts)
    out = []
    for n in counts:
        out.append(list(range(first, first + n)))
        first += n
    return out


def designated_teams(
    event: Event,
    places: np.ndarray,
    callups: list[int],
    teams: TeamTable,
    town_of: np.ndarray,
    town_pinyin: list[str],
    place_code: list[str],
) -> tuple[int, ...]:
    """The teams a batched event's ``delivery.designated`` names (sorted ids, each once):
    ``callups``, ``town`` (the stations of its places' towns), ``village`` (its places' village
    teams) or a named team kind (every team ``level:name`` or ``level:name#k`` of a named
    level; ``level:name`` names one level's). Names are valid and name one level's kind (the
    validator checks them)."""
    by_name = {name: k for k, name in enumerate(teams.name)}
    out: set[int] = set()
    for entry in event.delivery.designated:
        if entry == "callups":
            out |= set(callups)
        elif entry == "town":
            out |= {by_name[f"town:{town_pinyin[int(town_of[p])]}"] for p in places}
        elif entry == "village":
            out |= {by_name[f"village:{place_code[int(p)]}"] for p in places}
        else:
            prefix, _, rest = entry.partition(":")
            levels, kind = ([prefix], rest) if prefix in NAMED_LEVELS and rest else (NAMED_LEVELS, entry)
            for level in levels:
                stem = f"{level}:{kind}"
                out |= {k for name, k in by_name.items() if name == stem or name.startswith(stem + "#")}
    return tuple(sorted(out))


def places_named(name: str, towns: Towns, places: Places) -> list[int]:
    """Place indices of a place code or name, or of every place of a town; KeyError if none."""
    try:
        return [places.index(name)]
    except KeyError:
        town = towns.index(name)
        return [int(i) for i in np.flatnonzero(places.town == town)]


def item_cdf(mix: dict[str, float], item_ids: list[str]) -> np.ndarray | None:
    """Cumulative item distribution of an event's mix (None when the mix is empty or zero)."""
    weights = np.array([mix.get(i, 0.0) for i in item_ids], dtype=float)
    if not mix or weights.sum() <= 0:
        return None
    cdf = weights.cumsum()
    return cdf / cdf[-1]


def resolve(
    scenario: Scenario, towns: Towns, places: Places, teams: TeamTable | None = None, n_pairs: int = 0
) -> list[Surge]:
    """Every event of the scenario as a :class:`Surge` (names must be valid: see problems).
    ``teams`` (and the number of paired units, the last teams): to resolve a batched event's
    designated teams (without them, none are)."""
    ids = [i.id for i in scenario.catalog]
    callups = callup_teams(scenario, teams, n_pairs) if teams is not None else []
    out = []
    for k, event in enumerate(scenario.events):
        index = np.array(
            sorted({p for name in event.places for p in places_named(name, towns, places)}), dtype=np.int64
        )
        batched = event.delivery is not None and event.delivery.mode == "batched"
        designated: tuple[int, ...] = ()
        if batched and teams is not None:
            designated = designated_teams(
                event, index, callups[k], teams, places.town, list(towns.pinyin), list(places.code)
            )
        out.append(
            Surge(
                index,
                event.start_day * 1440.0,
                (event.start_day + event.days) * 1440.0,
                event.multiplier,
                item_cdf(event.item_mix, ids),
                event.name or str(k),
                event.delivery,
                batched_items(event, scenario) if batched else None,
                designated,
            )
        )
    return out


def problems(scenario: Scenario, towns: Towns, places: Places) -> list[Problem]:
    """Unknown places or items named by events (one problem each)."""
    out = []
    ids = {i.id for i in scenario.catalog}
    for k, event in enumerate(scenario.events):
        for j, name in enumerate(event.places):
            try:
                places_named(name, towns, places)
            except KeyError:
                close = closest(name, [*towns.pinyin, *towns.name, *places.name])
                out.append(
                    Problem(
                        scenario.source,
                        None,
                        f"events[{k}].places[{j}]",
                        f"unknown place or town {name!r}; expected a place code or "
                        "name of the places CSV, or a town" + (f", did you mean {close!r}?" if close else ""),
                    )
                )
        for item in event.item_mix:
            if item not in ids:
                close = closest(item, ids)
                out.append(
                    Problem(
                        scenario.source,
                        None,
                        f"events[{k}].item_mix.{key_text(item)}",
                        f"unknown item {item!r}; expected a catalogue item id"
                        + (f", did you mean {close!r}?" if close else ""),
                    )
                )
        if not event.places:
            out.append(
                Problem(
                    scenario.source,
                    None,
                    f"events[{k}].places",
                    "is empty; expected at least one place or town",
                )
            )
    return out
