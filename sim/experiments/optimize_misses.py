"""Which orders a target of ``optimize`` counts as missed (each in its KPI's reading), and when
extra volunteers at their town's seat could first reach them: the per-order masks
:func:`sim.experiments.optimize.misses_by_cell` tallies by (town, band of the day) to rank the
search's candidate moves (docs/policies.md, "What is located")."""

from __future__ import annotations

import numpy as np

from sim.experiments.optimize_targets import (
    OVERNIGHT_TARGETS,
    target_band,
    target_reading,
    target_zones,
    town_target,
)
from sim.results.logs import RunLog
from sim.results.promises import (
    TIME_BANDS,
    first_midnight,
    midnight_verdicts,
    never_overnight,
    overnight_parts,
    time_band,
    zone_promise_orders,
    zone_verdicts,
)
from sim.world.build import World


def overnight_orders(log: RunLog, world: World, names: list[str]) -> np.ndarray:
    """Per order: is it one of the orders the overnight KPIs ``names`` count as open at the
    first midnight? The measured orders :func:`sim.results.promises.never_overnight` judges and
    finds open, in the KPI's part: the orders of :func:`sim.results.kpis.counted_kpis`'
    ``open_overnight_*``."""
    o = log.orders
    start, end = log.window_min
    overnight, judged = never_overnight(log, world)
    counted = (o.t_placed >= start) & (o.t_placed < end) & judged & overnight
    parts = [OVERNIGHT_TARGETS[name] for name in names]
    if None in parts:  # a KPI of all the same-day orders
        return counted
    of = overnight_parts(log, world)
    return counted & np.logical_or.reduce([of[part] for part in parts])


def lever_time(log: RunLog) -> np.ndarray:
    """Per order: when extra volunteers at its town's seat could first take it (minutes): when
    it reached its town's queue (``t_tier2``) if before its first midnight, else when it was
    placed (no seat volunteer can reach it before midnight: a professional order, one its
    village took but did not finish, or one whose village hold outlasts the day)."""
    o = log.orders
    with np.errstate(invalid="ignore"):
        reached = o.t_tier2 < first_midnight(log)
    return np.where(reached, o.t_tier2, o.t_placed)


def share_misses(log: RunLog, world: World, names: list[str]) -> np.ndarray:
    """Per order: is it one of the orders the share KPIs ``names`` count as missed? The measured
    catalogue orders of a target's zone, in its band of the day for a band target
    (:func:`sim.experiments.optimize_targets.target_band`, by
    :func:`sim.results.promises.time_band`), of its town for a town target
    (``town.<pinyin>.<part>``, so that every move it ranks is at that town), whose verdict in
    the target's reading (:func:`sim.experiments.optimize_targets.target_reading`: the urban
    promise at acceptance or arrival, :func:`sim.results.promises.zone_verdicts` of that event;
    the rural promise by midnight, :func:`sim.results.promises.midnight_verdicts`; else the
    reading the scenario counts) is known and not met: exactly the orders
    :func:`sim.results.kpis.counted_kpis` counts and finds missed for each of them. An order
    several of them count (``urban_10min`` and ``urban_10min_night``, or ``town.Kunyang.urban_10min``)
    is one order."""
    o = log.orders
    start, end = log.window_min
    readings: dict[str | None, tuple[np.ndarray, np.ndarray]] = {}
    band = time_band(log)
    bands = list(TIME_BANDS)
    missed = np.zeros(len(o.zone), dtype=bool)
    for name in names:
        reading = target_reading(name)
        if reading not in readings:  # (met, decided) per order, once per reading
            readings[reading] = (
                midnight_verdicts(log) if reading == "midnight" else zone_verdicts(log, world, reading)
            )
        met, decided = readings[reading]
        mine = np.isin(o.zone, target_zones(name)) & ~met & decided
        if target_band(name) is not None:
            mine &= band == bands.index(target_band(name))
        town = town_target(name)
        if town is not None:
            mine &= o.town == world.towns.index(town[0])
        missed |= mine
    return (o.t_placed >= start) & (o.t_placed < end) & zone_promise_orders(log) & missed
