"""The model's own event calendar stays in SimPy's order (sim/model/calendar.py: _drain and _wake).

The model runs its events from its own heap and wakes through one event in SimPy's queue; a
SimPy process running beside it must still see every model event that is due before it, and
none after, and scheduling into the model from outside SimPy's callbacks must work."""

from __future__ import annotations

import dataclasses

import numpy as np

from sim.config.load import load_scenario
from sim.model.replication import Replication
from sim.world.build import build_world
from tests.conftest import TINY


def _world(days: int = 3):
    scenario = load_scenario(TINY)
    scenario = dataclasses.replace(scenario, run=dataclasses.replace(
        scenario.run, days=days, drain_days=0))
    scenario = dataclasses.replace(scenario, demand=dataclasses.replace(
        scenario.demand, orders_per_1000_per_day=20.0))
    return build_world(scenario)


def _columns(log) -> list[np.ndarray]:
    return list(log.orders.columns().values())


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


def test_bucketed_calendar_fires_events_in_the_same_order_as_one_heap(monkeypatch):
    # at a province's size the calendar keeps only the next minutes' events in its heap and
    # later ones in buckets; with buckets of 1 to 16 minutes (even shorter than most delays)
    # the default scenario's logs must be those of one heap, bit for bit
    from pathlib import Path

    import sim.model.replication
    from sim.model.replication import simulate

    scenario = load_scenario(Path(__file__).resolve().parent.parent / "scenarios" /
                             "pingyang.yaml")
    world = build_world(dataclasses.replace(scenario, run=dataclasses.replace(
        scenario.run, days=3)))

    def logs(width: float):
        monkeypatch.setattr(sim.model.replication, "bucket_minutes", lambda rate: width)
        log = simulate(world, 3)
        return _columns(log) + [getattr(log.activities, f.name)
                                for f in dataclasses.fields(log.activities)]

    one_heap = logs(2.0 ** 40)
    for width in (1.0, 4.0, 16.0):
        for a, b in zip(logs(width), one_heap):
            np.testing.assert_array_equal(a, b)


def test_bucket_width_is_one_heap_for_a_county_and_a_power_of_two_at_scale():
    from sim.model.calendar import bucket_minutes

    assert bucket_minutes(0.0) > 1e9 and bucket_minutes(0.21) > 1e9  # Pingyang: one heap
    assert bucket_minutes(21.0) == 1.0  # 100 Pingyangs
    for rate in (5.0, 9.0, 40.0, 1000.0):
        width = bucket_minutes(rate)
        assert width >= 1.0 and float(width).hex().startswith("0x1.0000000000000p")
