"""The promises' KPIs with exact timelines on the tiny county (teams on duty 08:00-18:00,
acceptance 2 minutes after reservation, same-day cut-off 17:00): never overnight counts the
orders open at the first midnight after placing, whatever their deadline; both urban
readings; the share of rural orders the late rule touches (docs/kpis.md)."""

from __future__ import annotations

import pytest

from sim.model.replication import simulate
from sim.results.kpis import compute_kpis, open_at_first_midnight
from sim.world.build import build_world
from tests.conftest import DAY, orders, variant


def test_an_order_due_tomorrow_still_counts_when_open_at_midnight(tiny):
    # 10:00: closed the same day; 20:00 (after the 17:00 cut-off, due by tomorrow's end, so
    # on time): nobody on duty until 08:00, so it is open at midnight
    log = simulate(tiny, 1, orders(tiny, [(600.0, "A2", "errand"), (1200.0, "A2", "errand")]))
    o = log.orders
    assert o.t_closed[1] <= o.t_deadline[1]  # on time by its own deadline ...
    assert list(open_at_first_midnight(log)) == [False, True]  # ... yet open overnight
    k = compute_kpis(log, tiny)
    assert k["open_overnight_per_week"] == pytest.approx(1 / 2 * 7)  # one order in two days
    assert k["open_overnight_per_1000"] == pytest.approx(500.0)  # one of two
    assert k["open_overnight_after_cutoff_per_1000"] == pytest.approx(1000.0)
    assert k["open_overnight_before_cutoff_per_1000"] == 0.0
    assert k["open_overnight_rural_per_1000"] == pytest.approx(500.0)
    assert k["rural_placed_after_cutoff"] == pytest.approx(0.5)
    assert k["rural_same_day"] == 1.0


def test_an_order_cancelled_before_midnight_is_not_open_overnight(tmp_path):
    impatient = {
        "demand": {
            "patience": {"urban": {"kind": "fixed", "mean": 60}, "rural": {"kind": "fixed", "mean": 60}}
        }
    }
    world = build_world(variant(tmp_path, impatient))
    log = simulate(world, 1, orders(world, [(20 * 60.0, "A2", "errand"), (23.5 * 60, "A2", "errand")]))
    assert log.orders.t_cancelled[0] == pytest.approx(21 * 60.0)
    assert log.orders.t_cancelled[1] == pytest.approx(DAY + 30.0)  # after midnight: it was open
    assert list(open_at_first_midnight(log)) == [False, True]


def test_the_urban_promise_is_read_at_acceptance_or_at_arrival(tmp_path):
    # an urban order at A1 at 10:00: accepted 2 minutes later; the volunteer takes 10 minutes
    # to set off, so arrives 12 minutes after placing
    slow = {"geography": {"travel": {"setup_min": 10}}}
    world = build_world(variant(tmp_path, slow))
    log = simulate(world, 1, orders(world, [(600.0, "A1", "errand")]))
    o = log.orders
    assert (o.t_accepted[0] - o.t_placed[0], o.t_arrived[0] - o.t_placed[0]) == (2.0, 12.0)
    k = compute_kpis(log, world)
    assert k["urban_10min"] == k["urban_10min_acceptance"] == 1.0  # the default: acceptance
    assert k["urban_10min_arrival"] == 0.0
    arrival = build_world(variant(tmp_path, {**slow, "targets": {"urban_response_event": "arrival"}}, "arr"))
    k = compute_kpis(simulate(arrival, 1, orders(arrival, [(600.0, "A1", "errand")])), arrival)
    assert k["urban_10min"] == k["urban_10min_arrival"] == 0.0 and k["urban_10min_acceptance"] == 1.0
