"""The interval of a rare proportion (``per 1,000 orders``, open overnight): the orders' Wilson
bound carries the t quantile of the replications, the design effect floored at 1 (Korn and
Graubard 1998; docs/kpis.md, "Verdicts and intervals")."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from sim.results.verdict import interval, judge, wilson

PER_1000 = "per 1,000 orders"


def scipy_wilson(count: int, n: int, q: float) -> tuple[float, float]:
    """SciPy's Wilson interval of ``count`` in ``n`` at the two-sided level whose normal
    quantile is ``q`` (so a t quantile can be given as one)."""
    level = 2 * stats.norm.cdf(q) - 1
    ci = stats.binomtest(count, n).proportion_ci(confidence_level=level, method="wilson")
    return ci.low, ci.high


def test_replications_that_agree_get_the_orders_wilson_interval_with_the_t_quantile():
    # 3 replications of 1,000 orders, 20, 21 and 22 per 1,000 left overnight: they agree far
    # more than binomial orders would (n_eff about 62,000 > 3,000 orders), so the orders set
    # the interval: Wilson's for 63 of 3,000 with the t quantile of 2 degrees of freedom
    mean, low, high, n, method = interval([20.0, 21.0, 22.0], PER_1000, orders=3000)
    t = stats.t.ppf(0.975, 2)
    assert method == "wilson" and n == 3 and mean == pytest.approx(21.0)
    expected = scipy_wilson(63, 3000, t)
    assert (low / 1000, high / 1000) == pytest.approx(expected, rel=1e-9)
    assert (low, high) == pytest.approx((12.33, 35.54), abs=0.01)  # by hand: centre -/+ half
    # the normal quantile would give the narrower (16.4, 26.8): the upper bound the gate's
    # "not too many overnight" rests on is higher
    z_low, z_high = scipy_wilson(63, 3000, stats.norm.ppf(0.975))
    assert high > 1000 * z_high + 6 and low < 1000 * z_low - 3


def test_none_overnight_in_any_replication_is_not_a_certainty():
    # 3 replications of 1,000 orders, none left overnight: [0, t^2 / (n + t^2)] per 1,000
    t = stats.t.ppf(0.975, 2)
    mean, low, high, _, _ = interval([0.0, 0.0, 0.0], PER_1000, orders=3000)
    assert mean == 0.0 and low == 0.0
    assert high == pytest.approx(1000 * t * t / (3000 + t * t))
    assert high / 1000 == pytest.approx(scipy_wilson(0, 3000, t)[1])
    # at the gate's level (one-sided 95%: a 90% interval) the same construction
    t90 = stats.t.ppf(0.95, 2)
    _, _, high90, _, _ = interval([0.0, 0.0, 0.0], PER_1000, orders=3000, level=0.90)
    assert high90 == pytest.approx(1000 * t90 * t90 / (3000 + t90 * t90))
    # the edge target is still met on it (every replication at 0), not on the interval
    assert judge([0.0, 0.0, 0.0], PER_1000, "<=", 0.0, orders=3000).verdict == "met"


def test_a_share_keeps_the_normal_quantile_on_its_orders():
    # the same replications as shares: the orders' bound keeps the normal quantile
    _, low, high, _, _ = interval([0.020, 0.021, 0.022], "share", orders=3000)
    assert (low, high) == pytest.approx(scipy_wilson(63, 3000, stats.norm.ppf(0.975)), rel=1e-9)


def test_with_spread_beyond_the_orders_the_replications_set_the_interval():
    # replications that vary more than binomial orders: the orders' bound plays no part
    values = [10.0, 30.0, 50.0]
    _, low, high, _, _ = interval(values, PER_1000, orders=3000)
    p, k, t = 0.03, 3, stats.t.ppf(0.975, 2)
    n_eff = p * (1 - p) / (np.var(np.array(values) / 1000, ddof=1) / k)
    assert n_eff < 3000
    assert (low / 1000, high / 1000) == pytest.approx(wilson(p, n_eff, t))


@pytest.mark.parametrize("seed", range(5))
def test_a_rare_interval_keeps_its_promises(seed):
    # inside [0, 1000], contains the mean, never narrower than the share-style interval
    # (the orders' Wilson with the normal quantile, and the replications' own)
    rng = np.random.default_rng(seed)
    for _ in range(200):
        k = int(rng.integers(2, 11))
        orders_each = int(rng.integers(20, 2000))
        rate = rng.gamma(2.0, 0.01)
        counts = rng.binomial(orders_each, np.minimum(1.0, rng.gamma(2.0, rate / 2.0, k)))
        values = 1000 * counts / orders_each
        mean, low, high, _, _ = interval(values, PER_1000, orders=orders_each * k)
        assert 0.0 <= low <= mean <= high <= 1000.0
        _, s_low, s_high, _, _ = interval(values / 1000, "share", orders=orders_each * k)
        assert low <= 1000 * s_low + 1e-9 and high >= 1000 * s_high - 1e-9


def test_a_rare_interval_is_continuous_where_the_orders_take_over():
    # the spread at which n_eff equals the orders counted: just either side, the same interval
    k, orders, p = 4, 2000, 0.02
    sd_at = math.sqrt(p * (1 - p) / orders * k)  # n_eff = p(1-p) / (sd^2 / k) = orders
    base = np.array([-1.5, -0.5, 0.5, 1.5])
    base = base / base.std(ddof=1)
    around = [interval(1000 * (p + base * sd_at * f), PER_1000, orders=orders) for f in (0.999, 1.001)]
    assert around[0][1] == pytest.approx(around[1][1], rel=2e-3)
    assert around[0][2] == pytest.approx(around[1][2], rel=2e-3)
