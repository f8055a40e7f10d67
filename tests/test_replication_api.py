"""The model's public way in (docs/extending.md): order hooks see every order event once, in the
state the order table shows, and a replication runs once."""

from __future__ import annotations

import dataclasses
import gc
from pathlib import Path

import numpy as np
import pytest

from sim.model.orders import ASSIGNED, CANCELLED, WAITING
from sim.model.replication import Replication
from tests.conftest import variant

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def busy_world(tmp_path):
    # more orders than the tiny county's teams can take at once, a patience short enough for
    # some cancellations, and professional orders through the administrator
    from sim.world.build import build_world

    return build_world(
        variant(
            tmp_path,
            {
                "demand": {
                    "orders_per_1000_per_day": 40.0,
                    "patience": {
                        "urban": {"kind": "exponential", "mean": 120},
                        "rural": {"kind": "exponential", "mean": 240},
                    },
                }
            },
        )
    )


def test_hooks_see_each_order_event_once_in_the_tables_state(busy_world):
    rep = Replication(busy_world, np.random.SeedSequence(3))
    seen = {name: [] for name in ("placed", "escalated", "assigned", "cancelled", "released")}
    o = rep.orders

    def on(name, check):
        def hook(order):
            check(order)
            seen[name].append(order)

        getattr(rep.hooks, name).append(hook)

    on("placed", lambda k: np.testing.assert_allclose(rep.env.now, o.t_placed[k]))
    on("escalated", lambda k: o.state[k] == WAITING or pytest.fail("escalated but not waiting"))
    on("assigned", lambda k: (o.state[k], o.t_assigned[k]) == (ASSIGNED, rep.env.now) or pytest.fail())
    on("cancelled", lambda k: (o.state[k], o.t_cancelled[k]) == (CANCELLED, rep.env.now) or pytest.fail())
    on("released", lambda k: np.testing.assert_allclose(rep.env.now, o.t_released[k]))
    log = rep.run().orders
    assert sorted(seen["placed"]) == list(range(len(log)))
    assert sorted(seen["assigned"]) == list(np.flatnonzero(~np.isnan(log.t_assigned)))
    assert sorted(seen["cancelled"]) == list(np.flatnonzero(~np.isnan(log.t_cancelled)))
    assert sorted(seen["released"]) == list(np.flatnonzero(~np.isnan(log.t_released)))
    # an order escalates once per tier it climbs by a timer (professional orders and scopes
    # without the skill skip tiers at once, without the hook)
    assert len(seen["escalated"]) > 0 and len(seen["cancelled"]) > 0
    assert all(log.tier_max[k] >= 2 for k in seen["escalated"])


def test_a_replication_runs_once(busy_world):
    rep = Replication(busy_world, np.random.SeedSequence(3))
    rep.run()
    with pytest.raises(RuntimeError, match="runs once"):
        rep.run()


def test_volunteers_taken_and_returned_by_an_extension_change_who_serves(busy_world):
    # every on-duty volunteer of every village team away all day: no order is served by a
    # village team; the same run without the absence has village-served orders
    from sim.config.teams import TEAM_LEVELS

    village = TEAM_LEVELS.index("village")
    teams = np.flatnonzero(busy_world.teams.level == village)

    def all_away(rep):
        yield rep.env.timeout(0.0)
        for team in teams:
            rep.take_volunteers(int(team), 10)  # more than are ever on duty (2 of 10)
        yield rep.env.timeout(rep.horizon)

    plain = Replication(busy_world, np.random.SeedSequence(3)).run().orders
    rep = Replication(busy_world, np.random.SeedSequence(3))
    rep.add_process(all_away)
    away = rep.run().orders
    assert (plain.team_level == village).sum() > 0
    assert (away.team_level == village).sum() == 0


def test_the_collector_is_paused_during_the_run_and_restored_after(busy_world):
    # the cyclic garbage collector is off while SimPy runs (cyclic_gc_paused), and its state
    # before the run comes back after it, whether it was on or off
    seen = []

    def watch(rep):
        yield rep.env.timeout(1.0)
        seen.append(gc.isenabled())

    for enabled in (True, False):
        (gc.enable if enabled else gc.disable)()
        try:
            rep = Replication(busy_world, np.random.SeedSequence(3))
            rep.add_process(watch)
            rep.run()
            assert gc.isenabled() is enabled
        finally:
            gc.enable()
    assert seen == [False, False]


def test_a_run_of_the_default_county_leaves_no_cyclic_garbage():
    # the paused collector is safe only if reference counting frees what a run drops: every
    # mechanism of the default scenario (alerts, the administrator's reviewers, activities,
    # the channels, the ferry) runs three days, and a collection afterwards finds no more
    # than a handful of objects in cycles: a per-order cycle would leave thousands (the
    # replication is kept: its own parts refer to each other, and are freed with it)
    from sim.config.load import load_scenario
    from sim.experiments.pilot import prepare_world

    scenario = load_scenario(REPO / "scenarios" / "pingyang.yaml")
    scenario = dataclasses.replace(scenario, run=dataclasses.replace(scenario.run, days=3, warmup_days=0))
    world = prepare_world(scenario)
    gc.collect()
    rep = Replication(world, np.random.SeedSequence(3))
    log = rep.run()
    garbage = gc.collect()
    assert len(log.orders) > 1000
    assert garbage < len(log.orders) / 100


def test_nothing_happens_at_the_horizon_itself(tmp_path):
    # SimPy's run(until=h) stops before the events due at h: an errand whose volunteers would
    # be back at h exactly, and a professional order whose patience ends at h, are both open in
    # the log, as their hooks (which never ran) say; no time in the log equals the horizon
    from sim.model.demand import Arrivals
    from sim.world.build import build_world

    always = {"weekday": [0.2] * 24, "weekend": [0.2] * 24}
    fixed = {"kind": "fixed", "mean": 100}
    world = build_world(
        variant(
            tmp_path,
            {
                "schedules": {"day": always, "office": always},
                "demand": {"patience": {"urban": fixed, "rural": fixed}},
            },
        )
    )
    h = 3 * 1440.0
    # (no travel within A2; acceptance 2 + service 30 minutes; the office is closed at night)
    rows = [(h - 100.0, "A1", "legal"), (h - 32.0, "A2", "errand")]
    rep = Replication(world, np.random.SeedSequence(1), Arrivals.from_rows(world, rows))
    assert rep.horizon == h
    seen = []
    rep.hooks.released.append(lambda k: seen.append(("released", k)))
    rep.hooks.cancelled.append(lambda k: seen.append(("cancelled", k)))
    o = rep.run().orders
    assert seen == [] and list(o.outcome) == [2, 2]  # both open
    assert np.isnan(o.t_released[1]) and np.isnan(o.t_closed[1]) and np.isnan(o.t_cancelled[0])
    times = np.concatenate([c for name, c in o.columns().items() if name.startswith("t_")])
    assert not (times == h).any()


def test_hook_lists_are_appended_to_never_replaced(busy_world):
    # the life cycle holds the lists: a new list would go unseen, so assigning one raises
    rep = Replication(busy_world, np.random.SeedSequence(1))
    with pytest.raises(AttributeError):
        rep.hooks.placed = [print]
    with pytest.raises(AttributeError):
        rep.hooks = None
    placed = []
    rep.hooks.placed.append(placed.append)
    assert len(placed) == 0 and len(rep.run().orders) == len(placed) > 0
