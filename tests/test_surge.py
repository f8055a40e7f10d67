"""Surges (scenario events): more orders from named places in a window, their item mix,
volunteer call-ups; other places keep their random numbers (common random numbers)."""

from __future__ import annotations

import numpy as np
import pytest
import yaml
from scipy import stats

from sim.config.errors import UserError
from sim.model.demand import generate_arrivals, hourly_rates
from sim.model.replication import horizon_minutes, simulate
from sim.model.rng import Streams, replication_seeds
from sim.model.roster import on_duty_by_hour
from sim.world.build import build_world
from sim.world.surges import event_of
from tests.conftest import DAY, TINY, orders, variant

EVENT = {
    "name": "lockdown",
    "places": ["B1", "Alpha"],
    "start_day": 1,
    "days": 1,
    "multiplier": 8,
    "item_mix": {"repair": 1},
    "callups": [{"town": "Beta", "hours": [8, 20], "volunteers": 3}],
}


def arrivals(world, seed=5):
    horizon = horizon_minutes(world)[2]
    return generate_arrivals(world, Streams(replication_seeds(seed, 1)[0]), horizon)


@pytest.fixture
def pair(tmp_path):
    base = build_world(variant(tmp_path, {"demand": {"orders_per_1000_per_day": 3.0}}, name="base"))
    surge = build_world(
        variant(tmp_path, {"demand": {"orders_per_1000_per_day": 3.0}, "events": [EVENT]}, name="surge")
    )
    return base, surge


def test_only_named_places_change_and_others_keep_their_orders(pair):
    base, surge = pair
    a, b = arrivals(base), arrivals(surge)
    named = [base.places.index(c) for c in ("A1", "A2", "B1")]  # Alpha = A1, A2
    for p in range(base.n_places):
        mine_a, mine_b = a.time[a.place == p], b.time[b.place == p]
        if p not in named:
            assert np.array_equal(mine_a, mine_b)
            assert np.array_equal(a.item[a.place == p], b.item[b.place == p])


def test_rate_is_multiplied_inside_the_window_only(pair):
    base, surge = pair
    p = base.places.index("B1")
    hours = 72
    ratio = hourly_rates(surge, p, hours) / hourly_rates(base, p, hours)
    assert np.allclose(ratio[24:48], 8) and np.allclose(ratio[:24], 1) and np.allclose(ratio[48:], 1)
    # the realised count in the window fits Poisson(8 x usual mean) (99.9% interval)
    b = arrivals(surge)
    inside = (b.time >= DAY) & (b.time < 2 * DAY) & (b.place == p)
    mean = hourly_rates(surge, p, hours)[24:48].sum()
    low, high = stats.poisson.interval(0.999, mean)
    assert low <= inside.sum() <= high


def test_item_mix_applies_inside_the_window(pair):
    _, surge = pair
    b = arrivals(surge)
    repair = [i.id for i in surge.items].index("repair")
    named = np.isin(b.place, [surge.places.index(c) for c in ("A1", "A2", "B1")])
    inside = (b.time >= DAY) & (b.time < 2 * DAY)
    assert (b.item[inside & named] == repair).all() and (inside & named).sum() > 20
    assert (b.item[~inside & named] != repair).any()


def test_an_order_of_overlapping_events_takes_the_item_mix_of_the_event_it_belongs_to(tmp_path):
    # two events on B1 over the same days: the first (repairs) owns B1's orders, as for its
    # delivery and its KPIs (event_of), so they are repairs, whatever the second's mix says
    first = {**EVENT, "places": ["B1"], "item_mix": {"repair": 1}, "callups": []}
    second = {**first, "name": "later", "multiplier": 1, "item_mix": {"errand": 1}}
    world = build_world(
        variant(tmp_path, {"demand": {"orders_per_1000_per_day": 3.0}, "events": [first, second]})
    )
    b = arrivals(world)
    b1 = world.places.index("B1")
    inside = (b.place == b1) & (b.time >= DAY) & (b.time < 2 * DAY)
    assert inside.sum() > 20
    assert (event_of(world.surges, b.place, b.time)[inside] == 0).all()
    assert (b.item[inside] == [i.id for i in world.items].index("repair")).all()


def test_callups_are_on_duty_only_during_the_event(pair):
    _, surge = pair
    team = [n.startswith("callup:lockdown:Beta") for n in surge.teams.name].index(True)
    on = on_duty_by_hour(surge.teams, 72, 0, 1.0, Streams(replication_seeds(1, 1)[0]))[team]
    expected = np.zeros(72, dtype=int)
    expected[24 + 8 : 24 + 20] = 3
    assert np.array_equal(on, expected)


def test_unknown_places_and_items_are_reported(tmp_path):
    bad = {**EVENT, "places": ["Nowhere"], "item_mix": {"caviar": 1}}
    with pytest.raises(UserError) as err:
        variant(tmp_path, {"events": [bad]})
    text = str(err.value)
    assert "events[0].places[0]: unknown place or town 'Nowhere'" in text
    assert "events[0].item_mix.caviar: unknown item" in text


def test_a_surge_places_its_orders_through_its_own_simpy_process(pair):
    # during the event's window, the orders of its places are placed by the surge's process
    # (env.active_process is that process); every other order by the citizens' chain of
    # timeouts (no active process); every order is placed exactly once, at its time
    from sim.model.replication import Replication

    _, world = pair
    rep = Replication(world, replication_seeds(3, 1)[0])
    placed = {}

    def by_whom(order):
        assert order not in placed
        assert rep.env.now == pytest.approx(rep.orders.t_placed[order])
        placed[order] = rep.env.active_process is not None

    rep.hooks.placed.append(by_whom)
    o = rep.run().orders
    s = world.surges[0]
    inside = np.isin(o.place, s.places) & (o.t_placed >= s.start_min) & (o.t_placed < s.end_min)
    assert inside.sum() > 10 and (~inside).sum() > 10
    assert sorted(placed) == list(range(len(o)))
    assert [placed[k] for k in range(len(o))] == inside.tolist()


def test_a_callup_skill_counts_in_its_town_only_while_the_callups_may_be_on_duty(tmp_path):
    # Beta's call-ups (day 1, 08:00-20:00) are the only town-level team with the sandbag
    # skill; the county center (A1, on duty 08:00-18:00) has it too. Before the event and
    # after its last duty hour the town tier offers the skill to nobody, so an order goes on
    # to the county at once (it would otherwise wait out Beta's 60-minute timeout for
    # volunteers who are not there); during the event the call-ups take it at the town tier.
    catalog = yaml.safe_load(TINY.read_text(encoding="utf-8"))["catalog"]
    catalog[0] = {**catalog[0], "share": 0.7}  # errands make room for sandbags
    catalog.append(
        {
            "id": "sandbag",
            "name": "Sandbags",
            "column": "daily",
            "skill": "sandbag",
            "share": 0.1,
            "service": {"kind": "fixed", "mean": 30},
        }
    )
    event = {
        **EVENT,
        "places": ["B2"],
        "multiplier": 1,
        "callups": [{"town": "Beta", "hours": [8, 20], "volunteers": 3, "skills": ["sandbag"]}],
    }
    world = build_world(
        variant(
            tmp_path,
            {
                "catalog": catalog,
                "teams": {
                    "county": {
                        "name": "center",
                        "count": 1,
                        "members": 10,
                        "skills": ["errand", "repair", "sandbag"],
                        "schedule": "day",
                    }
                },
                "events": [event],
            },
        )
    )
    callup = [n.startswith("callup:lockdown:Beta") for n in world.teams.name].index(True)
    assert world.team_windows == {callup: (DAY + 8 * 60.0, DAY + 20 * 60.0)}
    before, during, after = 540.0, DAY + 540.0, DAY + 21 * 60.0
    o = simulate(world, 1, orders(world, [(t, "B1", "sandbag") for t in (before, during, after)])).orders
    center = world.teams.name.index("county:center")
    assert o.t_tier3[0] == before and o.team[0] == center and o.t_assigned[0] == before
    assert o.tier_max[1] == 2 and o.team[1] == callup and o.t_assigned[1] == during
    assert o.t_tier3[2] == after  # the center is off duty then: the order waits at the county
