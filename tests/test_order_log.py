"""The order log's storage: the times few orders have are (order, minutes) pairs, read as full
columns; every column in the documented order."""

from __future__ import annotations

import numpy as np
import pytest

from sim.config.load import load_scenario
from sim.model.replication import simulate
from sim.results.logs import CANCELLED, COLUMNS, RARE_TIMES, OrderLog, RareIds, RareTimes
from sim.world.build import build_world
from tests.test_scenario_files import REPO


@pytest.fixture(scope="module")
def pingyang_orders() -> OrderLog:
    return simulate(build_world(load_scenario(REPO / "scenarios" / "pingyang.yaml")), 3).orders


def test_rare_times_are_kept_as_pairs_and_read_as_full_columns(pingyang_orders):
    o = pingyang_orders
    assert not set(RARE_TIMES) & set(OrderLog.__dataclass_fields__)  # no full column kept
    for name in RARE_TIMES:
        pairs = o.rare[name]
        assert pairs.order.dtype == np.int32 and np.all(np.diff(pairs.order) > 0)
        assert pairs.order.nbytes + pairs.minutes.nbytes == 12 * len(pairs.order)
        if name != "t_alerted":  # (the default scenario dispatches by alerts: most orders)
            assert len(pairs.order) < len(o) / 5  # rare on the default scenario
        assert len(pairs.order) > 0 or name == "t_handed_up"  # (no hand-ups by default)
        column = getattr(o, name)
        assert column.shape == (len(o),) and column.dtype == np.float64
        assert np.array_equal(np.flatnonzero(~np.isnan(column)), pairs.order)
        assert np.array_equal(column[pairs.order], pairs.minutes)
        if name == "t_booked":  # booked first, for the time asked for (t_placed)
            assert np.all(pairs.minutes < o.t_placed[pairs.order])
        else:
            assert np.all(pairs.minutes >= o.t_placed[pairs.order])
        with pytest.raises(ValueError):  # a write would change nothing in the log
            column[0] = 1.0
    # what the times mean, read through the full columns
    assert np.array_equal(~np.isnan(o.t_cancelled), o.outcome == CANCELLED)
    assert not np.any(np.isnan(o.t_review_start) & ~np.isnan(o.t_review_end))  # no end first
    assert np.all(o.professional[~np.isnan(o.t_review_start)])
    assert np.all(o.t_review_end >= o.t_review_start, where=~np.isnan(o.t_review_end))
    assert np.all(o.tier_max[~np.isnan(o.t_tier3)] == 3)


def test_a_rare_time_reads_nan_for_orders_without_it():
    pairs = RareTimes(5, np.array([1, 3], dtype=np.int32), np.array([10.0, 12.5]))
    assert np.array_equal(pairs.dense(), [np.nan, 10.0, np.nan, 12.5, np.nan], equal_nan=True)
    assert len(RareTimes(3, np.array([], dtype=np.int32), np.array([])).dense()) == 3


def test_columns_are_every_column_in_the_documented_order(pingyang_orders):
    columns = pingyang_orders.columns()
    assert tuple(columns) == COLUMNS and len(COLUMNS) == len(set(COLUMNS))
    assert set(COLUMNS) == (set(OrderLog.__dataclass_fields__) - {"rare", "batched", "held"}) | set(
        RARE_TIMES
    ) | {"batch", "platform_event"}
    assert all(len(values) == len(pingyang_orders) for values in columns.values())


def test_the_batch_column_is_read_from_pairs():
    pairs = RareIds(5, np.array([1, 3], dtype=np.int32), np.array([0, 4], dtype=np.int32))
    column = pairs.dense()
    assert column.dtype == np.int32 and list(column) == [-1, 0, -1, 4, -1]
    with pytest.raises(ValueError):
        column[0] = 1


def test_each_order_carries_its_items_channel(pingyang_orders):
    from sim.config.channels import CHANNELS

    o = pingyang_orders
    assert o.channel.dtype == np.int8
    assert np.array_equal(o.channel == CHANNELS.index("professional"), o.professional)
    assert set(np.unique(o.channel).tolist()) == set(range(len(CHANNELS)))  # every channel has orders


def test_a_channel_with_its_own_deadline_ranks_and_logs_by_it():
    # a channel's own deadline (minutes after placement) replaces the same-day rule, in the
    # queues' ranking and in the log's t_deadline; an item's own (a package's due window) its
    # channel's; the catalogue keeps the same-day rule
    import dataclasses

    from sim.config.channels import CHANNELS
    from sim.model.replication import Replication

    world = build_world(load_scenario(REPO / "scenarios" / "pingyang.yaml"))
    due = np.full(len(CHANNELS), np.nan)
    due[CHANNELS.index("professional")] = 3 * 1440.0
    rep = Replication(dataclasses.replace(world, channel_due_min=due), np.random.SeedSequence(3))
    orders = rep.orders
    professional = np.frombuffer(orders.professional, dtype=bool)
    placed = np.frombuffer(orders.t_placed, dtype=np.float64)
    deadlines = orders.deadlines()
    assert np.array_equal(deadlines[professional], placed[professional] + 3 * 1440.0)
    same_day = rep.world.same_day_deadline(placed)
    channel = np.frombuffer(orders.channel, dtype=np.int8)
    catalogue = channel == CHANNELS.index("catalogue")
    assert np.array_equal(deadlines[catalogue], same_day[catalogue])
    # a package's visit is due within its own window (its item's), whatever its channel's
    item = np.asarray(orders.item)
    package = channel == CHANNELS.index("package")
    assert package.any()
    assert np.array_equal(deadlines[package], placed[package] + world.item_due_min[item[package]])
    assert set(world.item_due_min[item[package]].tolist()) == {300.0, 10080.0}
    first = int(np.flatnonzero(professional)[0])
    assert orders.deadline(first) == placed[first] + 3 * 1440.0
    log = rep.run().orders
    assert np.array_equal(log.t_deadline, deadlines)


def test_the_log_frees_the_run_s_working_state_before_its_scratch_columns(monkeypatch):
    # the log's peak memory: the deadlines' scratch (two float columns at once) is made after
    # the queues, the free-team index and the alerts' columns are freed, not on top of them
    from sim.model.orders import OrderTable
    from sim.model.replication import Replication

    calls = []
    for cls, name in ((Replication, "drop_working_state"), (OrderTable, "deadlines")):
        method = getattr(cls, name)

        def spy(self, *args, _method=method, _name=name, **kwargs):
            calls.append(_name)
            return _method(self, *args, **kwargs)

        monkeypatch.setattr(cls, name, spy)
    world = build_world(load_scenario(REPO / "tests" / "data" / "tiny.yaml"))
    simulate(world, 1)
    assert calls == ["drop_working_state", "deadlines"]
