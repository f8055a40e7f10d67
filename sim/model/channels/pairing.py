"""The paired units' service projects (六百结对), the ``pairing`` channel's orders.

The article: 六百结对 ... 为平阳群众提供5122个服务项目,群众平台下单、政府直接配送,
一般几天之内就可将服务送到村里 (the 100 paired villages' units offer 5,122 service projects;
residents order them on the platform, the government delivers them, generally within a few
days). Each paired unit offers an equal part of ``pairing.projects.projects`` (by kind:
catalogue items with ``channel: pairing``), and the residents of its village order each
project ``orders_per_project_per_year`` times a year on average: a Poisson process per paired
village, following the demand's weekly profile (the platform's ordering hours), drawn from the
village's own stream ``pairing/<place code>``.

E.g. 5,122 projects ordered once a year each: 14.0 orders a day county-wide; a village with 5 of
the 500 paired units orders 5,122 / 100 = 51.2 projects a year, about one a week.
"""

from __future__ import annotations

from array import array

import numpy as np

from sim.model.compact import append
from sim.model.demand import Arrivals, profile_by_hour
from sim.model.rng import Streams
from sim.world.build import World

MINUTES_PER_YEAR = 365.0 * 1440.0


def village_rates(world: World) -> tuple[list[int], np.ndarray, np.ndarray]:
    """(paired villages, their project orders per minute at the mean of the weekly profile,
    the cumulative shares of the project kinds over the catalogue's items): every unit offers
    an equal part of the projects, so a village's rate is its units' part of the total."""
    settings = world.scenario.pairing.projects
    ids = [item.id for item in world.items]
    per_item = np.zeros(len(ids))
    for item_id, count in settings.projects.items():
        per_item[ids.index(item_id)] = count
    units: dict[int, int] = {}
    for pair in world.pairs:
        units[pair.village] = units.get(pair.village, 0) + 1
    villages = sorted(units)
    total = per_item.sum()
    if not villages or total <= 0 or settings.orders_per_project_per_year <= 0:
        return [], np.zeros(0), np.zeros(0)
    per_unit = total * settings.orders_per_project_per_year / MINUTES_PER_YEAR / len(world.pairs)
    rates = np.array([units[v] * per_unit for v in villages])
    return villages, rates, np.cumsum(per_item) / total


def arrivals(world: World, streams: Streams, horizon_min: float) -> Arrivals:
    """The project orders placed before ``horizon_min`` (minutes) by the residents of the paired
    villages (sorted by village, then time): per simulated hour a Poisson count at the village's
    rate times the weekly profile, uniform times within the hour, the kind by its share of the
    projects, and each order's uniforms (service, patience, acceptance)."""
    villages, rates, cdf = village_rates(world)
    columns = [array("d"), array("i"), array("i"), array("d"), array("d"), array("d")]
    if villages:
        hours = int(np.ceil(horizon_min / 60.0))
        profile = profile_by_hour(world, hours)
        names = (f"pairing/{world.places.code[v]}" for v in villages)
        for village, rate, rng in zip(villages, rates, streams.streams(names)):
            counts = rng.poisson(rate * 60.0 * profile)
            total = int(counts.sum())
            if total == 0:
                continue
            times = (np.repeat(np.arange(hours), counts) + rng.random(total)) * 60.0
            items = np.minimum(cdf.searchsorted(rng.random(total), side="right"), len(cdf) - 1)
            u = rng.random((3, total))
            keep = times < horizon_min
            for column, values in zip(columns, (times, np.full(total, village), items, *u)):
                append(column, values[keep])
    return Arrivals(
        np.frombuffer(columns[0], dtype=np.float64),
        np.frombuffer(columns[1], dtype=np.intc).astype(np.int32),
        np.frombuffer(columns[2], dtype=np.intc).astype(np.int32),
        *(np.frombuffer(c, dtype=np.float64) for c in columns[3:]),
    )
