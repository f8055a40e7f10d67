"""The backlog (``backlog_mean``, ``backlog_max``): orders due a response and not yet answered,
hour by hour, on an exact timeline of the five-place test county with proxy points
(tests/test_proxy_mediation.py: teams on duty 08:00-18:00, proxy points 09:00-12:00 on weekdays,
acceptance 2 minutes; day 0 is a Monday)."""

from __future__ import annotations

import math

import numpy as np

from sim.model.replication import simulate
from sim.results.kpis import compute_kpis
from sim.results.workload import backlog_series
from tests.conftest import orders
from tests.test_proxy_mediation import channels_world


def test_backlog_counts_orders_from_when_their_response_is_due_until_it_comes(tmp_path):
    world = channels_world(tmp_path)
    arrivals = orders(
        world,
        [
            (420.0, "A2", "papers"),  # 07:00 a proxy errand: its point opens at 09:00
            (600.0, "A2", "legal"),  # 10:00 a professional need: reviewed 10:00-10:20
            (960.0, "A2", "errand"),  # booked at 07:00 for 16:00
            (1140.0, "A2", "errand"),  # 19:00: nobody on duty until 08:00 on Tuesday
        ],
    )
    arrivals.booked = np.array([math.nan, math.nan, 420.0, math.nan])
    log = simulate(world, 1, arrivals)
    o = log.orders
    assert o.t_accepted.tolist() == [542.0, 622.0, 962.0, 24 * 60 + 482.0]
    series = backlog_series(log)
    expected = np.zeros(len(series))
    expected[10] = 1  # the professional need at 10:00 (accepted 10:22)
    expected[16] = 1  # the appointment from the time asked for (16:00; accepted 16:02), not
    # from its booking at 07:00
    expected[19:33] = 1  # the evening order from 19:00 until its acceptance at 08:02 on Tuesday
    # the proxy errand is never counted: handed in at 07:00, taken at the point's opening at
    # 09:00 and due within 3 days, its wait is scheduled work (proxy_on_time judges it)
    np.testing.assert_array_equal(series, expected)
    k = compute_kpis(log, world)
    hours = int(log.window_min[1] // 60)
    assert k["backlog_max"] == 1.0
    assert k["backlog_mean"] == 16 / hours
