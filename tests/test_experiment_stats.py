"""The 95% t interval of sim.results.stats.summarise covers a known mean at about the nominal rate."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from sim.results.stats import summarise

TRIALS = 2000


@pytest.mark.parametrize("dist, n, mean", [("normal", 5, 5.0), ("normal", 20, 5.0), ("exponential", 10, 3.0)])
def test_t_interval_covers_the_true_mean_at_95_percent(dist, n, mean):
    """Normal replication values, and skewed ones like a KPI that averages 25 exponential
    waiting times per replication."""
    rng = np.random.Generator(np.random.PCG64(20220601))
    draw = (
        (lambda: rng.normal(mean, 2.0, n))
        if dist == "normal"
        else (lambda: rng.exponential(mean, (n, 25)).mean(axis=1))
    )
    covered = 0
    for _ in range(TRIALS):
        s = summarise(draw())
        covered += s["low"] <= mean <= s["high"]
    # 99% Clopper-Pearson interval of the observed coverage must contain 0.95. (Skewed data need
    # averaging: ten single exponential values give a t interval covering only about 90%.)
    ci = stats.binomtest(covered, TRIALS).proportion_ci(0.99)
    assert ci.low <= 0.95 <= ci.high, (covered / TRIALS, ci)


def test_interval_is_too_narrow_without_the_t_quantile():
    """The check above can fail: a normal-quantile interval with n = 5 under-covers."""
    rng = np.random.Generator(np.random.PCG64(1))
    covered = 0
    for _ in range(TRIALS):
        s = summarise(rng.normal(0.0, 1.0, 5))
        half = s["half_width"] * stats.norm.ppf(0.975) / stats.t.ppf(0.975, 4)
        covered += abs(s["mean"]) <= half
    assert stats.binomtest(covered, TRIALS).proportion_ci(0.99).high < 0.95
