"""Statistics across replications agree with the interval every output reports
(:func:`sim.results.verdict.judge`, docs/kpis.md "Verdicts and intervals")."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from sim.experiments.runner import imprecise
from sim.results.summary import RepResult
from sim.results.verdict import judge

# three replications of 200 urban orders whose shares barely differ: the t interval of the
# replications is ten times narrower than the binomial spread of 600 orders allows
VALUES = [0.95, 0.951, 0.9505]
ORDERS = 200


def _results(values: list[float], orders: int) -> list[RepResult]:
    return [
        RepResult(i, {"urban_10min": v}, np.zeros(0), None, {"urban_10min": orders})
        for i, v in enumerate(values)
    ]


def test_the_precision_rule_judges_the_half_width_kpis_json_reports():
    j = judge(VALUES, "share", orders=3 * ORDERS)
    reported = (j.high - j.low) / 2  # kpis.json's half_width
    relative = 0.01
    allowed = relative / (1 + relative) * np.mean(VALUES)  # (Law and Kelton's correction)
    assert reported > allowed  # the reported interval is wider than the rule allows ...
    wide = imprecise(_results(VALUES, ORDERS), ["urban_10min"], relative)
    assert wide["urban_10min"] == pytest.approx(reported / allowed)  # ... so more are needed
    # and with orders enough for the spread to set the interval, it is precise
    assert not imprecise(_results(VALUES, 10**7), ["urban_10min"], 0.05)


def test_a_sweep_point_gives_a_share_an_interval_inside_0_and_100_percent():
    from pathlib import Path

    from sim.experiments.sweep import Sweep, table_row

    sweep = Sweep("s.yaml", "s", Path("x.yaml"), {"k": [1]}, 3, 1.0, 1, ["urban_10min"], {})
    values = [1.0, 1.0, 0.98]  # the t interval: 99.3% +- 2.9 points, above 100%
    saved = {"kpis": {"urban_10min": values}, "orders": {}, "targets": {}}  # (no orders counted)
    row = table_row(sweep, {"k": 1}, saved, saved)
    j = judge(values, "share")
    assert (row["urban_10min.low"], row["urban_10min.high"]) == (j.low, j.high)
    assert 0 <= row["urban_10min.low"] <= row["urban_10min.high"] <= 1


def test_credited_hours_stay_defined_when_an_order_is_not_yet_accepted_at_the_horizon():
    # seed 17 of the tiny county with a quarter showing up: an order is assigned near the end
    # of the run and not accepted before its horizon (t_accepted NaN): its volunteers are busy
    # but not yet credited, and the replication keeps its value (it was NaN, and dropped)
    from sim.config.load import load_scenario
    from sim.model.replication import simulate
    from sim.results.kpis import compute_kpis
    from sim.results.workload import busy_intervals
    from sim.world.build import build_world

    tiny = Path(__file__).resolve().parent / "check" / "tiny.yaml"
    world = build_world(load_scenario(tiny, overrides={"teams.show_up": 0.25}))
    log = simulate(world, 17)
    assigned, accepted, _, _ = busy_intervals(log)
    assert (np.isnan(accepted) & ~np.isnan(assigned)).any()
    k = compute_kpis(log, world)
    assert np.isfinite(k["credited_hours_per_volunteer_month"]) and np.isfinite(k["utilisation"])
