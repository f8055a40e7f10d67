"""benchmarks/line_costs.py turns py-spy's samples into microseconds an order: only the samples
inside a replication count, they add up to the measured CPU time per order, and the run's time
is split into SimPy's own lines and the model's."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "benchmarks"))

import line_costs  # noqa: E402

# py-spy's raw format: frames from the outermost, ``function (file:line)``, then the sample count
RAW = "\n".join(
    [
        "<module> (x.py:5);build_world (sim/world/build.py:300) 50",  # outside simulate: ignored
        "<module> (x.py:9);simulate (sim/model/replication.py:200);"
        "Replication.__init__ (sim/model/replication.py:90) 10",
        "<module> (x.py:9);simulate (sim/model/replication.py:200);Environment.run (simpy/core.py:254);"
        "Environment.step (simpy/core.py:189) 30",
        "<module> (x.py:9);simulate (sim/model/replication.py:200);Environment.run (simpy/core.py:254);"
        "Environment.step (simpy/core.py:198);OrderLifecycle.assign (sim/model/lifecycle.py:310) 40",
        "<module> (x.py:9);simulate (sim/model/replication.py:200);Environment.run (simpy/core.py:254);"
        "Environment.step (simpy/core.py:198);OrderLifecycle.assign (sim/model/lifecycle.py:312) 20",
        "not a sample line",
    ]
)


def test_samples_inside_a_replication_add_up_to_its_time_per_order():
    p = line_costs.parse_raw(RAW, us_per_order=50.0)  # 100 samples inside simulate: 0.5 us each
    assert p.replication == 50.0
    assert p.run == pytest.approx(45.0)  # 90 samples under Environment.run
    assert p.simpy == pytest.approx(15.0)  # the 30 whose line is SimPy's own
    assert p.lines["OrderLifecycle.assign (sim/model/lifecycle.py:310)"] == pytest.approx(20.0)
    # a function's lines are summed, and a function counts once per sample (inclusive)
    assert p.functions["OrderLifecycle.assign (sim/model/lifecycle.py)"] == pytest.approx(30.0)
    assert p.functions["Environment.step (simpy/core.py)"] == pytest.approx(45.0)
    # only the run's frames: not the set-up, nor the frames around the run
    assert not any("build_world" in k or "Replication.__init__" in k for k in p.functions)
    assert not any(k.startswith(("simulate", "<module>", "Environment.run")) for k in p.functions)


def test_the_comparison_lists_the_largest_growth_first_and_splits_simpy_from_the_model():
    small = line_costs.parse_raw(RAW, us_per_order=50.0)
    bigger = RAW.replace("(simpy/core.py:189) 30", "(simpy/core.py:189) 90")  # the heap grows
    big = line_costs.parse_raw(bigger, us_per_order=80.0)
    text = line_costs.report(small, big, ("1x", "100x"), top=3)
    assert text[1].split() == ["1x", "100x", "growth", "where"]
    assert text[2].endswith("Environment.step (simpy/core.py:189)")
    assert text[-3] == "replication: 50.0 -> 80.0 microseconds an order (100x / 1x speed: 0.62)"
    assert text[-1].startswith("of which in SimPy's own lines: 15.0 -> 45.0 (+30.0)")


def test_no_samples_in_a_replication_is_an_error():
    with pytest.raises(ValueError, match="simulate"):
        line_costs.parse_raw("<module> (x.py:5) 10", us_per_order=50.0)
