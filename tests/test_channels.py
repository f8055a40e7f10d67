"""Service channels: their orders merge with the catalogue's without changing them."""

from __future__ import annotations

import numpy as np

from sim.config.load import load_scenario
from sim.model import replication
from sim.model.demand import ARRIVAL_COLUMNS, Arrivals, merge_arrivals
from sim.model.replication import simulate
from sim.world.build import build_world
from tests.test_scenario_files import REPO


def _arrivals(times, places, items) -> Arrivals:
    n = len(times)
    u = np.linspace(0.1, 0.9, n) if n else np.empty(0)
    return Arrivals(
        np.asarray(times, float), np.asarray(places, np.int32), np.asarray(items, np.int32), u, u, u
    )


def test_merged_arrivals_are_sorted_by_time_and_ties_keep_the_parts_order():
    merged = merge_arrivals([_arrivals([1.0, 5.0], [0, 1], [0, 0]), _arrivals([5.0, 2.0], [7, 8], [1, 1])])
    assert merged.time.tolist() == [1.0, 2.0, 5.0, 5.0]
    assert merged.place.tolist() == [0, 8, 1, 7]
    assert len(merge_arrivals([_arrivals([], [], [])])) == 0


def test_a_merge_of_owned_parts_drops_their_columns_and_gives_the_same_stream():
    def parts():
        first, second = _arrivals([1.0, 5.0], [0, 1], [0, 0]), _arrivals([5.0, 2.0], [7, 8], [1, 1])
        second.booked = np.array([np.nan, 0.5])  # an appointment among them
        return [first, second]

    kept = merge_arrivals(parts())
    owned_parts = parts()
    dropped = merge_arrivals(owned_parts, owned=True)
    for name in (*ARRIVAL_COLUMNS, "booked"):
        np.testing.assert_array_equal(getattr(dropped, name), getattr(kept, name))
        assert all(getattr(part, name) is None for part in owned_parts), name


def test_a_channels_orders_join_without_changing_the_catalogues(monkeypatch):
    world = build_world(load_scenario(REPO / "scenarios" / "pingyang.yaml"))
    plain = simulate(world, 5).orders

    def extra(world, streams, horizon_min):  # one more order every 6 hours at place 0
        times = np.arange(30.0, horizon_min, 360.0)
        rng = streams.stream("test_channel")
        return _arrivals(rng.permutation(times), np.zeros(len(times)), np.zeros(len(times)))

    monkeypatch.setattr(replication, "CHANNEL_ARRIVALS", (*replication.CHANNEL_ARRIVALS, extra))
    mixed = simulate(world, 5).orders
    added = np.isin(mixed.t_placed, np.arange(30.0, 1e9, 360.0)) & (mixed.place == 0)
    assert len(mixed) == len(plain) + int(added.sum()) and added.sum() > 0
    assert np.all(np.diff(mixed.t_placed) >= 0)
    # the other orders (the catalogue's, the paired units' projects) are the same orders (times,
    # places, items) as without the channel
    for column in ("t_placed", "place", "item"):
        assert np.array_equal(getattr(mixed, column)[~added], getattr(plain, column))
