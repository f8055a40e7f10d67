"""Statistics across replications agree with the interval every output reports
(:func:`sim.results.verdict.judge`, docs/kpis.md "Verdicts and intervals")."""

from __future__ import annotations

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
    allowed = relative * np.mean(VALUES)
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
    row = table_row(sweep, {"k": 1}, {"kpis": {"urban_10min": values}}, {"kpis": {"urban_10min": values}})
    j = judge(values, "share")
    assert (row["urban_10min.low"], row["urban_10min.high"]) == (j.low, j.high)
    assert 0 <= row["urban_10min.low"] <= row["urban_10min.high"] <= 1
