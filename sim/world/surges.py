"""Demand surges (scenario ``events``) resolved against the places and the catalogue.

An event such as the Aojiang 泰悦府 lockdown names places (codes, names, or whole towns), a
window of days, a rate multiplier and an item mix. :func:`resolve` turns each into a
:class:`Surge` of place indices, a window in minutes and the cumulative item distribution the
demand model uses inside the window, e.g. ``places: [Aojiang], start_day: 3, days: 5,
multiplier: 4`` = four times the usual orders from every Aojiang place on days 3 to 7.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.config.errors import Problem
from sim.config.scenario import Scenario
from sim.world.geography import Places, Towns


@dataclass(frozen=True)
class Surge:
    """One event, indexed: places, window [start_min, end_min), multiplier, item CDF or None."""

    places: np.ndarray
    start_min: float
    end_min: float
    multiplier: float
    item_cdf: np.ndarray | None


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


def resolve(scenario: Scenario, towns: Towns, places: Places) -> list[Surge]:
    """Every event of the scenario as a :class:`Surge` (names must be valid: see problems)."""
    ids = [i.id for i in scenario.catalog]
    out = []
    for event in scenario.events:
        index = sorted({p for name in event.places for p in places_named(name, towns, places)})
        out.append(
            Surge(
                np.array(index, dtype=np.int64),
                event.start_day * 1440.0,
                (event.start_day + event.days) * 1440.0,
                event.multiplier,
                item_cdf(event.item_mix, ids),
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
                out.append(
                    Problem(
                        scenario.source,
                        None,
                        f"events[{k}].places[{j}]",
                        f"unknown place or town {name!r}; expected a place code or "
                        "name of the places CSV, or a town",
                    )
                )
        for item in event.item_mix:
            if item not in ids:
                out.append(
                    Problem(
                        scenario.source,
                        None,
                        f"events[{k}].item_mix.{item}",
                        f"unknown item {item!r}; expected a catalogue item id",
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
