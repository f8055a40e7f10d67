"""optimize's gain counts a target's progress towards its verdict: the paired change of its
mean, for as long as it carries the end of the 95% interval the verdict reads (the low end of a
``>=`` target, the high end of a ``<=`` one) towards the target, up to it. A target whose mean
has passed it while its interval still spans it (uncertain) keeps drawing moves until the
interval clears it; the spread's chance changes between a move and the plan count nothing."""

from __future__ import annotations

import math

import pytest

from sim.experiments.optimize import evaluate, optimise
from sim.experiments.optimize_gain import gain
from sim.experiments.optimize_stop import confirmation_margin
from sim.results.kpi_catalogue import KPI_INFO
from sim.results.summary import total_orders
from sim.results.verdict import judge
from tests.conftest import variant
from tests.test_optimize import KNOWN

# the known county (tests/test_optimize.py) with 6 replications of seed 11: its evening
# volunteer at Alpha takes urban_10min to a mean of 88.0% [81.0%, ...], past 86% and a 1-point
# margin, its interval still spanning 86%; the night volunteer then makes every urban order met
# (100%), a rise the 6 replications show (paired 95% interval)
TARGET = {"urban_10min": (">=", 0.86)}
SEARCH = {"reps": 6, "seed": 11, "step": 1, "candidates": 2}


def test_a_target_past_its_mean_but_undecided_draws_one_more_move(tmp_path):
    scenario = variant(tmp_path, KNOWN)
    evening = evaluate(scenario, {("Alpha", "evening"): 1}, TARGET, 6, 11, 1)
    s = evening.summary["urban_10min"]
    assert s["mean"] > 0.86 + 0.01 and s["low"] < 0.86 and s["verdict"] == "uncertain"
    search = optimise(scenario, TARGET, **SEARCH)
    assert [cell for cell, _, _ in search.steps] == [("Alpha", "evening"), ("Alpha", "night")]
    assert (search.met, search.stopped) == (True, "met")
    # the night move's gain is the mean's rise carrying the low end (at the plan's spread) up
    # to the target and the margin a confirmation of 6 replications needs, and the search
    # stopped when the verdict was met, by the function every output judges with
    values = [r.kpis["urban_10min"] for r in search.final.results]
    unit = KPI_INFO["urban_10min"][1]
    assert judge(values, unit, ">=", 0.86, total_orders(search.final.results, "urban_10min")).verdict == "met"
    assert search.final.summary["urban_10min"]["low"] >= 0.86
    # (63 volunteer-hours a week; the low end's rise counts up to the confirmation's margin)
    cap = 0.86 + confirmation_margin(s, "urban_10min", ">=", 6)
    assert s["low"] + 1.0 - s["mean"] > cap
    assert search.steps[1][2] * 63 == pytest.approx(cap - s["low"])


def test_a_move_that_changes_nothing_gains_exactly_nothing(tmp_path):
    # the same seeds give a move that reaches no order the same replications: neither the
    # mean nor the interval moves (the comparison is paired)
    scenario = variant(tmp_path, KNOWN)
    base = evaluate(scenario, {}, TARGET, 3, 11, 1)
    idle = evaluate(scenario, {("Beta", "day"): 1}, TARGET, 3, 11, 1)
    assert [r.kpis["urban_10min"] for r in idle.results] == [r.kpis["urban_10min"] for r in base.results]
    assert gain(base.summary, idle.summary, TARGET) == 0


def _share(mean: float, low: float, high: float) -> dict:
    return {"urban_10min": {"mean": mean, "low": low, "high": high, "n": 6, "scale": 1.0}}


def test_the_gain_is_the_means_rise_until_the_low_end_reaches_the_target():
    target = {"urban_10min": (">=", 0.90)}
    # the mean past the target, its interval spanning it: the mean's rise counts, as it
    # carries the low end (0.85 here) towards the target
    before = _share(0.92, 0.85, 0.96)
    assert gain(before, _share(0.93, 0.88, 0.97), target) == pytest.approx(0.01)
    # up to the target only: 5 points take the low end there, nothing more counts
    assert gain(before, _share(0.99, 0.95, 1.0), target) == pytest.approx(0.05)
    # a met target counts nothing more, and loses what takes its low end back under the target
    met = _share(0.96, 0.93, 0.98)
    assert gain(met, _share(0.97, 0.95, 0.99), target) == 0
    assert gain(met, _share(0.92, 0.85, 0.96), target) == pytest.approx(-0.01)
    # a margin counts that much beyond the target
    assert gain(before, _share(0.99, 0.95, 1.0), target, 0.01) == pytest.approx(0.06)


def test_the_moves_own_spread_counts_nothing():
    # the plan's spread carries the end: a move's interval narrowed or widened by chance (3 to
    # 6 replications) changes nothing, only its paired mean does
    target = {"urban_10min": (">=", 0.90)}
    before = _share(0.92, 0.85, 0.96)
    for low, high in ((0.89, 0.94), (0.80, 0.99)):
        assert gain(before, _share(0.925, low, high), target) == pytest.approx(0.005)
    # a lower mean with a narrower interval (a higher low end) is a loss, not a gain
    assert gain(before, _share(0.915, 0.87, 0.94), target) == pytest.approx(-0.005)


def test_a_count_targets_gain_is_its_means_fall_until_the_high_end_reaches_the_target():
    target = {"open_overnight_per_week": ("<=", 5.0)}

    def week(mean, low, high):
        return {"open_overnight_per_week": {"mean": mean, "low": low, "high": high, "n": 4, "scale": 200.0}}

    # the mean under the target, the high end 4 above it: 4 a week count, of 200 orders
    assert gain(week(4.0, 1.0, 9.0), week(3.0, 0.5, 6.0), target) == pytest.approx(1 / 200)
    assert gain(week(4.0, 1.0, 9.0), week(0.0, 0.0, 1.0), target) == pytest.approx(4 / 200)
    # without an interval (one replication) the mean stands for the end
    one = week(8.0, math.nan, math.nan)
    assert gain(one, week(4.0, 1.0, 6.0), target) == pytest.approx(3 / 200)
