"""The model's own event calendar stays in SimPy's order (sim/calendar.py: _drain and _wake).

The model runs its events from its own heap and wakes through one event in SimPy's queue; a
SimPy process running beside it must still see every model event that is due before it, and
none after, and scheduling into the model from outside SimPy's callbacks must work."""

from __future__ import annotations

import dataclasses

import numpy as np

from sim.model import Replication
from tests.conftest import TINY
from sim.validate import load_scenario
from sim.world import build_world


def _world(days: int = 3):
    scenario = load_scenario(TINY)
    scenario = dataclasses.replace(scenario, run=dataclasses.replace(
        scenario.run, days=days, drain_days=0))
    scenario = dataclasses.replace(scenario, demand=dataclasses.replace(
        scenario.demand, orders_per_1000_per_day=20.0))
    return build_world(scenario)


def _columns(log) -> list[np.ndarray]:
    return [getattr(log.orders, f.name) for f in dataclasses.fields(log.orders)]


def test_a_simpy_process_sees_exactly_the_model_events_due_before_it():
    world = _world()
    plain = Replication(world, np.random.SeedSequence(4)).run()
    rep = Replication(world, np.random.SeedSequence(4))
    seen: list[tuple[float, int]] = []

    def observer(env):
        while True:
            yield env.timeout(7.31)  # never on a model event's exact time
            assigned = np.frombuffer(rep.t_assigned, dtype=float)
            seen.append((env.now, int(np.sum(assigned <= env.now))))

    rep.env.process(observer(rep.env))
    log = rep.run()
    # observing changes nothing
    for a, b in zip(_columns(plain), _columns(log)):
        assert np.array_equal(a, b, equal_nan=True)
    assigned = log.orders.t_assigned
    assert len(seen) > 500
    for now, count in seen:
        assert count == int(np.sum(assigned <= now))  # all due before, none after
    assert len(assigned) > 100 and 0 < seen[len(seen) // 2][1] < len(assigned)


def test_events_scheduled_from_a_simpy_process_fire_in_order():
    world = _world(days=1)
    rep = Replication(world, np.random.SeedSequence(5))
    fired: list[tuple[float, str]] = []

    def poke(env):
        yield env.timeout(100.5)
        # from outside the model's own callbacks: the model must wake up for these
        rep._at(env.now + 0.25, lambda tag: fired.append((env.now, tag)), "a")
        rep._at(env.now + 0.25, lambda tag: fired.append((env.now, tag)), "b")
        rep._at(env.now + 0.125, lambda tag: fired.append((env.now, tag)), "first")
        yield env.timeout(1.0)
        fired.append((env.now, "process"))

    rep.env.process(poke(rep.env))
    rep.run()
    assert fired == [(100.625, "first"), (100.75, "a"), (100.75, "b"), (101.5, "process")]
