"""A share's difference interval stays within ±100 points; the briefing's drivers line and the
Chinese description in an all-rural county and in Chinese; the sweep chart's axis label and a
sweep point without data."""

from __future__ import annotations

import math

import numpy as np
import pytest

from sim.config.scenario import Expect
from sim.gate import check
from sim.gate.check import Outcome, judge_baseline
from sim.results.stats import paired_difference, summarise, unpaired_difference

# 2 replications of a sparse share that swing from 10% to 90% and back: the t interval of 1
# degree of freedom spans about ±10 (±1,000 percentage points)
BASE = [0.1, 0.9]
NEW = [0.95, 0.1]


def test_a_share_difference_interval_is_cut_to_plus_minus_100_points():
    d = paired_difference(BASE, NEW, unit="share")
    assert (d["low"], d["high"]) == (-1.0, 1.0)
    raw = paired_difference(BASE, NEW)  # no unit: the t interval as it is
    assert raw["low"] < -1 and raw["high"] > 1
    assert d["mean"] == raw["mean"] and d["half_width"] == raw["half_width"]
    w = unpaired_difference(BASE, NEW, unit="share")
    assert (w["low"], w["high"]) == (-1.0, 1.0)
    per_1000 = paired_difference([100.0, 900.0], [950.0, 100.0], unit="per 1,000 orders")
    assert (per_1000["low"], per_1000["high"]) == (-1000.0, 1000.0)


def test_only_proportions_are_cut():
    minutes = paired_difference([1.0, 9.0], [9.5, 1.0], unit="minutes")
    assert minutes["low"] < -1 and minutes["high"] > 1  # a difference of minutes has no bound
    # values outside [0, 1] are no shares after all (an extension's): nothing is cut
    odd = paired_difference([0.1, 3.0], [2.0, 0.1], unit="share")
    assert odd["low"] < -1 and odd["high"] > 1
    # an end inside the range is left as it is
    narrow = paired_difference([0.50, 0.52, 0.51], [0.55, 0.56, 0.57], unit="share")
    assert narrow == paired_difference([0.50, 0.52, 0.51], [0.55, 0.56, 0.57])


def test_a_share_interval_is_cut_to_0_and_1():
    s = summarise([0.02, 0.98], unit="share")
    assert (s["low"], s["high"]) == (0.0, 1.0)
    assert summarise([0.02, 0.98])["low"] < 0
    assert math.isnan(summarise([0.5], unit="share")["low"])  # one value: still no interval


def _gate(base, new, direction_kpi, clip, monkeypatch):
    """judge_baseline of ``new`` against ``base``, the difference cut as a share's or not."""
    unit = "share" if clip else None
    monkeypatch.setattr(check, "paired_difference", lambda a, b, level: paired_difference(a, b, level, unit))
    out = Outcome("s", direction_kpi, "share", float(np.nanmean(new)))
    judge_baseline(out, np.asarray(new, dtype=float), np.asarray(base, dtype=float), True, Expect())
    return out


@pytest.mark.parametrize("kpi", ["urban_10min", "escalation_rate"])  # higher and lower is better
def test_the_cut_never_changes_the_gate(kpi, monkeypatch):
    """Only an end beyond ±1 is cut, and it stays on its side of 0, so the gate's baseline
    verdict (the bound nearest "not worse" against the minimum effect) is the same: checked on
    sparse shares drawn at random, wide intervals included."""
    rng = np.random.default_rng(7)
    cut_any = 0
    for _ in range(300):
        k = int(rng.integers(2, 4))
        base = rng.choice([0.0, 0.05, 0.5, 0.95, 1.0], k) if rng.random() < 0.5 else rng.random(k)
        new = np.clip(base + rng.normal(0, rng.choice([0.01, 0.3, 0.8]), k), 0, 1)
        cut, raw = _gate(base, new, kpi, True, monkeypatch), _gate(base, new, kpi, False, monkeypatch)
        assert cut.baseline_failed == raw.baseline_failed
        assert cut.messages == raw.messages
        cut_any += cut.difference != raw.difference
    assert cut_any > 10  # the cut happened, often
