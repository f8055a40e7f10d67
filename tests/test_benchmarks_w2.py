"""The three W2 implementations (Red Vest's engine, the heapq loop, idiomatic SimPy) agree.

Benchmarks compare their speed; this only checks that they simulate the same system, so the
comparison is fair: on a short run the shares escalated and the mean wait of each pair differ
by less than their combined 95% batch-means half-widths, widened by a factor for the several
comparisons made (no timings are asserted).
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks" / "w2"))

import models  # noqa: E402

DAYS = 40.0
WIDEN = 1.5  # 6 comparisons at 95% each: widen the intervals so a fixed-seed run is not marginal


@pytest.fixture(scope="module")
def summaries() -> dict[str, dict[str, tuple[float, float]]]:
    w = models.W2(days=DAYS)
    runs = {
        "heapq": models.run_heapq(w, 11),
        "simpy": models.run_simpy(w, 12),
        "redvest": models.run_redvest(13, DAYS)[0],
    }
    return {name: models.summary(*r, DAYS) for name, r in runs.items()}


@pytest.mark.parametrize("other", ["simpy", "redvest"])
def test_implementations_agree_with_the_heapq_loop(summaries, other):
    a, b = summaries["heapq"], summaries[other]
    for key in ("to_town", "wait_min"):
        tolerance = WIDEN * math.hypot(a[key][1], b[key][1])
        assert abs(a[key][0] - b[key][0]) <= tolerance, (key, a[key], b[key])


def test_the_workload_escalates(summaries):
    # W2's town tier is exercised (a few percent of orders wait more than 30 minutes); a model
    # that never escalated would agree trivially on the escalation shares
    for s in summaries.values():
        assert 0.01 < s["to_town"][0] < 0.2
        assert s["wait_min"][0] > 0


def test_heapq_and_simpy_draw_the_same_numbers_and_agree_exactly():
    # same seed, same generator, same rules: the two hand-written models are the same system
    w = models.W2(days=10.0)
    a, b = models.run_heapq(w, 3), models.run_simpy(w, 3)
    assert len(a[0]) == len(b[0]) > 0
    # (placed, wait, tier) of every order, in placement order
    rows_a = np.array(sorted(zip(*(x.tolist() for x in a))))
    rows_b = np.array(sorted(zip(*(x.tolist() for x in b))))
    assert rows_a.shape == rows_b.shape
    assert np.allclose(rows_a, rows_b, rtol=1e-12, atol=1e-9)
    assert (rows_a[:, 2] >= 2).any()  # the town tier is exercised


def test_the_red_vest_scenario_has_w2_structure():
    _, n_orders, world = models.run_redvest(1, 2.0)
    teams = world.teams
    assert sorted(teams.members[teams.members > 0].tolist()) == [2] * 50 + [3] * 16 + [5]
    # the literal ladder: tier 2 is the town's station of 3 alone, tier 3 the county's 5 alone
    assert world.scenario.dispatch.scope == "handover"
    assert not world.scenario.dispatch.keep_lower_scope
    assert sorted(teams.members[world.tier2_team].tolist()) == [3] * 16
    assert teams.members[world.tier3_team].tolist() == [5]
    assert len(world.towns.code) == 16
    assert world.travel.trip(1, 2) == 0.0
    # 0.5 orders per hour in each of 50 villages for 2 days: 1,200 expected
    assert abs(n_orders - 1200) < 4 * math.sqrt(1200)


def test_the_simpy_floor_processes_every_arrival_and_each_release_due_before_the_horizon():
    # the floor times two SimPy timeouts an order: it must process every order's arrival and
    # every release due before the run ends (else it would time less than it says)
    w = models.W2(days=10.0)
    times, _, service = models.arrivals(w, np.random.default_rng(5))
    arrived, released = models.run_simpy_floor(w, 5)
    assert arrived == len(times) > 0
    assert released == int(np.sum(times + service < w.days * 1440.0))
