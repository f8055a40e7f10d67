"""The proxy channel's arrivals: residents hand proxy errands to their village's red proxy point.

The source: 4.6万党员志愿者通过各村的"红色代办点",为群众提供73项代办服务,累计服务12万多人次 (46,000
party-member volunteers provide 73 proxy services through each village's red proxy point; more
than 120,000 services so far). ``proxy.errands_per_day`` errands a day county-wide are shared
among the places in proportion to population, with the demand's hour-of-day and day-of-week
profile: in each simulated hour a place's count is Poisson and the times are uniform inside the
hour, as for catalogue orders (:mod:`sim.model.demand`). Every errand is for ``proxy.item``.

All draws come from the channel's own stream ``proxy/arrivals``, so the catalogue's orders of a
seed are the same with or without proxy points (common random numbers).
"""

from __future__ import annotations

import numpy as np

from sim.model.demand import Arrivals, profile_by_hour
from sim.model.rng import Streams
from sim.world.build import World


def errand_rates(world: World) -> np.ndarray:
    """Mean proxy errands per minute of each place (before the weekly profile): the county's
    ``proxy.errands_per_day`` shared by population."""
    proxy = world.scenario.proxy
    population = world.places.population
    if proxy is None or proxy.errands_per_day <= 0 or population.sum() <= 0:
        return np.zeros(world.n_places)
    return proxy.errands_per_day * population / population.sum() / 1440.0


def arrivals(world: World, streams: Streams, horizon_min: float) -> Arrivals:
    """The proxy errands placed before ``horizon_min`` (minutes), sorted by time (ties: place)."""
    rates = errand_rates(world)
    if not rates.any():
        return Arrivals.empty()
    hours = int(np.ceil(horizon_min / 60.0))
    rng = streams.stream("proxy/arrivals")
    profile = profile_by_hour(world, hours)
    # each place's hourly counts in turn (the stream's draws in place-then-hour order), keeping
    # only the hours with errands: no (places x hours) matrix, which at a province's size
    # would outweigh the errands themselves
    places, hours_with, counts = [], [], []
    for p, rate in enumerate(rates * 60.0):
        row = rng.poisson(rate * profile)
        busy = np.flatnonzero(row)
        if len(busy):
            places.append(np.full(len(busy), p))
            hours_with.append(busy)
            counts.append(row[busy])
    if not places:
        return Arrivals.empty()
    repeat = np.concatenate(counts)
    place = np.repeat(np.concatenate(places), repeat)
    hour = np.repeat(np.concatenate(hours_with), repeat)
    total = len(place)
    times = (hour + rng.random(total)) * 60.0
    u = rng.random((3, total))
    order = np.lexsort((place, times))
    order = order[times[order] < horizon_min]
    item = next(k for k, i in enumerate(world.items) if i.id == world.scenario.proxy.item)
    return Arrivals(
        times[order],
        place[order].astype(np.int32),
        np.full(len(order), item, dtype=np.int32),
        u[0][order],
        u[1][order],
        u[2][order],
    )
