"""Common random numbers by order identity (sim/model/rng.py ``order_keys``): an alert's
acceptance and delay draws, its turnout and a hand-up decision are keyed by the order's place,
channel and rank among that place's orders of that channel (in the time the citizen placed
them), not by its order id, so that the same citizen's order draws the same numbers in two
scenarios whatever orders other channels or places have.

An order is matched across two scenarios by (place, time the citizen placed it, item): its id
is its position among every channel's orders, which shifts when a scenario removes pairing
projects, adds proxy errands, books more appointments or has a surge elsewhere."""

from __future__ import annotations

import zlib
from pathlib import Path

import numpy as np
import pytest

from sim.config.channels import CHANNELS
from sim.config.load import load_scenario
from sim.model.compact import as_numpy
from sim.model.hand_up import hand_up_uniforms
from sim.model.replication import Replication, horizon_minutes, simulate
from sim.model.rng import (
    Streams,
    counter_uniform,
    counter_uniforms,
    order_keys,
    order_ranks,
    replication_seeds,
)
from sim.world.build import build_world
from tests.conftest import DAY, variant

REPO = Path(__file__).resolve().parent.parent
CATALOGUE = CHANNELS.index("catalogue")
# alerts as the default scenario's: a volunteer accepts with probability 0.35, random turnouts
ALERTS = {
    "accept_probability": 0.35,
    "wave_size": 2,
    "wave_interval_min": 3,
    "turnout_day": {"kind": "lognormal", "mean": 2.0, "cv": 0.6},
    "turnout_night": {"kind": "lognormal", "mean": 2.75, "cv": 0.6},
}
BUSY = {"orders_per_1000_per_day": 3.0, "acceptance_delay": {"kind": "exponential", "mean": 2}}


def since(orders) -> np.ndarray:
    """Each order's time the citizen placed it (minutes): its booking time if an appointment."""
    t = as_numpy(orders.t_placed).copy()
    for order, booked in orders.t_booked.items():
        t[order] = booked
    return t


def matched(a: Replication, b: Replication, before: float = np.inf) -> list[tuple[int, int]]:
    """(id in a, id in b) of the catalogue orders in both replications, matched by (place, time
    the citizen placed it, item), those placed before ``before`` (minutes)."""

    def by_identity(rep):
        o, t = rep.orders, since(rep.orders)
        rows = {}
        for k in np.flatnonzero((as_numpy(o.channel) == CATALOGUE) & (t < before)).tolist():
            rows[(o.place[k], t[k], o.item[k])] = k
        return rows

    first, second = by_identity(a), by_identity(b)
    return [(first[key], second[key]) for key in first.keys() & second.keys()]


def draws(rep: Replication, order: int) -> tuple[float, ...]:
    """The order's first three waves' draws (accept and delay, two slots) and its turnouts
    accepted by day and at night (minutes)."""
    alerts = rep.alerts
    wave = [alerts.draw(order, w, s, x) for w in (1, 2, 3) for s in (0, 1) for x in (0, 1)]
    return (*wave, alerts.turnout(order, 600.0), alerts.turnout(order, 23 * 60.0))


def assert_same_draws(a: Replication, b: Replication, pairs: list[tuple[int, int]]) -> None:
    """Matched orders draw the same alert numbers and hand-up uniforms, although most of them
    have another id (the test would be empty otherwise)."""
    assert len(pairs) > 50
    assert sum(i != j for i, j in pairs) > len(pairs) // 2
    ua = hand_up_uniforms(a.world, a.orders, a.streams)
    ub = hand_up_uniforms(b.world, b.orders, b.streams)
    for i, j in pairs:
        assert draws(a, i) == draws(b, j), (i, j)
        assert ua[i] == ub[j], (i, j)


def test_removing_the_pairing_projects_leaves_each_catalogue_orders_draws_unchanged():
    # pingyang vs no_pairing (the statistics review's case): the same catalogue orders (every one
    # matches), but about 35 fewer pairing projects a day shift almost every id
    seed = replication_seeds(20220601, 1)[0]
    a, b = (
        Replication(build_world(load_scenario(REPO / "scenarios" / path)), seed)
        for path in ("pingyang.yaml", "policies/no_pairing.yaml")
    )
    pairs = matched(a, b)
    catalogue = int((as_numpy(a.orders.channel) == CATALOGUE).sum())
    assert len(pairs) == catalogue
    assert len(a.orders) > len(b.orders)
    assert_same_draws(a, b, pairs)
    # and so the same catalogue orders are handed up
    up_a, up_b = a.lifecycle.handed_up, b.lifecycle.handed_up
    assert up_a and all((i in up_a) == (j in up_b) for i, j in pairs)


def proxy_world(tmp_path, errands_per_day: float):
    """The tiny county, busier, with alerts and red proxy points (their own volunteers and
    skill: a proxy errand never takes a catalogue order's volunteer) taking
    ``errands_per_day`` errands a day."""
    papers = {"id": "papers", "skill": "proxy_errand", "share": 0, "channel": "proxy"}
    scenario = variant(
        tmp_path,
        {
            "catalog": [
                {"id": "errand", "skill": "errand", "share": 0.8, "service": {"kind": "fixed", "mean": 30}},
                {"id": "repair", "skill": "repair", "share": 0.2, "service": {"kind": "fixed", "mean": 60}},
                {**papers, "service": {"kind": "fixed", "mean": 60}},
            ],
            "demand": BUSY,
            "dispatch": {"alerts": ALERTS},
            "proxy": {"members": 20, "errands_per_day": errands_per_day, "item": "papers", "schedule": "day"},
            "run": {"days": 3, "warmup_days": 0, "drain_days": 1, "seed": 7, "start_weekday": 0},
        },
        name=f"proxy{errands_per_day:g}",
    )
    return build_world(scenario)


def test_adding_proxy_errands_leaves_every_catalogue_orders_alerts_and_outcome_unchanged(tmp_path):
    # the errands are served by the proxy points alone, so a catalogue order's whole story (its
    # waves, who accepts, when, the turnout, when its volunteers arrive) depends only on its
    # own draws and the other catalogue orders': it is the same with and without errands
    plain, errands = proxy_world(tmp_path, 0), proxy_world(tmp_path, 60)
    seed = replication_seeds(3, 1)[0]
    a, b = Replication(plain, seed), Replication(errands, seed)
    pairs = matched(a, b)
    assert len(pairs) == len(a.orders) and len(b.orders) > len(a.orders) + 100
    assert_same_draws(a, b, pairs)
    la, lb = simulate(plain, seed).orders, simulate(errands, seed).orders
    i, j = (np.array(side) for side in zip(*sorted(pairs)))
    assert (i != j).mean() > 0.5
    name_a = np.array(plain.teams.name)[la.team[i]]
    name_b = np.array(errands.teams.name)[lb.team[j]]
    np.testing.assert_array_equal(name_a, name_b)
    for column in ("t_alerted", "t_assigned", "t_accepted", "t_arrived", "t_closed", "tier_max", "outcome"):
        np.testing.assert_array_equal(getattr(la, column)[i], getattr(lb, column)[j], err_msg=column)
    # the acceptances are random (several waves, not all taken by the first alert)
    assert np.nanmax(la.t_assigned[i] - la.t_alerted[i]) > ALERTS["wave_interval_min"]


def test_more_appointments_leave_each_orders_draws_unchanged(tmp_path):
    # an appointment is ranked by its booking time, so booking more orders for later moves
    # them in the id order but not in their identity; orders booked for after the horizon are
    # not in the run (a later order of the same place would rank one lower): the check stops
    # two days before the horizon
    booking = {"lead": {"kind": "fixed", "mean": 600}, "hours": ["08:00", "20:00"]}
    worlds = [
        build_world(
            variant(
                tmp_path,
                {
                    "demand": {**BUSY, "appointments": {**booking, "share": share}},
                    "dispatch": {"alerts": ALERTS, "hand_up": {"share": 0.3}},
                    "run": {"days": 4, "warmup_days": 0, "drain_days": 1, "seed": 7, "start_weekday": 0},
                },
                name=f"booked{share}",
            )
        )
        for share in (0.1, 0.5)
    ]
    seed = replication_seeds(5, 1)[0]
    a, b = (Replication(world, seed) for world in worlds)
    assert len(b.orders.t_booked) > 2 * len(a.orders.t_booked) > 20
    pairs = matched(a, b, before=horizon_minutes(worlds[0])[2] - 2 * DAY)
    assert_same_draws(a, b, pairs)
    # the same orders are handed up, booked or not
    assert all((i in a.lifecycle.handed_up) == (j in b.lifecycle.handed_up) for i, j in pairs)


def test_a_surge_in_one_place_leaves_the_other_places_draws_unchanged(tmp_path):
    event = {"name": "lockdown", "places": ["B1"], "start_day": 1, "days": 1, "multiplier": 8}
    run = {"days": 3, "warmup_days": 0, "drain_days": 1, "seed": 7, "start_weekday": 0}
    settings = {"demand": BUSY, "dispatch": {"alerts": ALERTS, "hand_up": {"share": 0.3}}, "run": run}
    plain = build_world(variant(tmp_path, settings, name="plain"))
    surge = build_world(variant(tmp_path, {**settings, "events": [event]}, name="surge"))
    seed = replication_seeds(9, 1)[0]
    a, b = Replication(plain, seed), Replication(surge, seed)
    b1 = plain.places.index("B1")
    pairs = [(i, j) for i, j in matched(a, b) if a.orders.place[i] != b1]
    others = (as_numpy(a.orders.place) != b1) & (as_numpy(a.orders.channel) == CATALOGUE)
    assert len(pairs) == int(others.sum())
    assert_same_draws(a, b, pairs)


def test_order_keys_are_distinct_and_depend_on_the_seed_alone():
    world = build_world(load_scenario(REPO / "scenarios" / "pingyang.yaml"))
    seed = replication_seeds(20220601, 2)
    first, again, other = (Replication(world, s) for s in (seed[0], seed[0], seed[1]))
    keys = order_keys(first.streams, "alerts", world.places.code, first.orders)
    assert len(np.unique(keys)) == len(keys) == len(first.orders)
    np.testing.assert_array_equal(as_numpy(first.alerts.order_key), keys)
    np.testing.assert_array_equal(as_numpy(again.alerts.order_key), keys)
    # another replication draws other numbers, and another source under the same identity too
    assert not np.isin(as_numpy(other.alerts.order_key), keys).any()
    assert not np.isin(order_keys(first.streams, "hand_up", world.places.code, first.orders), keys).any()


def test_ranks_count_each_place_and_channels_orders_in_placement_time_ties_in_id_order():
    place = np.array([0, 1, 0, 0, 1, 0, 0], dtype=np.int16)
    channel = np.array([0, 0, 4, 0, 0, 0, 4], dtype=np.int8)
    # order 3 is an appointment booked before orders 0 and 2 were placed; orders 5 and 0 tie
    since = np.array([10.0, 11.0, 12.0, 5.0, 20.0, 10.0, 30.0])
    assert order_ranks(place, channel, since).tolist() == [1, 0, 0, 0, 1, 2, 1]
    assert order_ranks(place, channel, np.sort(since)).tolist() == [0, 0, 0, 1, 1, 2, 1]


@pytest.mark.parametrize(
    "seed",
    [replication_seeds(7, 3)[2], np.random.SeedSequence(range(3)), np.random.SeedSequence(["0x10", 5])],
)
def test_a_names_key_is_the_first_word_of_its_streams_seed_state(seed):
    names = ["alerts/330326100013", "hand_up/A2", *(f"alerts/{k}" for k in range(1500))]
    # the seed of the stream ``name``: SeedSequence(entropy, spawn_key + (crc32(name),))
    expected = [
        np.random.SeedSequence(
            seed.entropy, spawn_key=(*seed.spawn_key, zlib.crc32(name.encode()))
        ).generate_state(4, np.uint64)[0]
        for name in names[:40]
    ]
    keys = Streams(seed).keys(names)
    assert keys.dtype == np.uint64 and len(keys) == len(names)
    assert keys[:40].tolist() == [int(k) for k in expected]
    assert len(np.unique(keys)) == len(names)


def test_counter_uniforms_are_the_scalar_draws():
    x = np.array([0, 1, 2**12, 2**63, 2**64 - 1, 0x9E3779B97F4A7C15], dtype=np.uint64)
    x = np.concatenate([x, np.random.default_rng(1).integers(0, 2**64 - 1, 1000, dtype=np.uint64)])
    u = counter_uniforms(x)
    assert u.tolist() == [counter_uniform(int(v)) for v in x.tolist()]
    assert ((u >= 0) & (u < 1)).all()
    # an order's key plus a counter wraps round modulo 2**64
    assert counter_uniform(2**64 + 5) == counter_uniform(5)
