"""How many replications would decide an uncertain verdict (docs/kpis.md, "Verdicts and intervals").

An ``uncertain`` verdict (:func:`sim.results.verdict.judge`) says the 95% interval spans the
target. Whether more replications would decide it depends on how far the estimate sits from
the target: the interval narrows like 1/sqrt(k) with k replications, so one whose estimate
sits at a distance ``d`` from the target, with the half-width ``h`` on the target's side, is
decided at about

    k_needed ≈ k · (h / d)²

replications in all. For few replications the Student t quantile of k-1 degrees of freedom
falls as well (12.7 at k = 2, 4.3 at 3, 2.0 from about 60), so that rule overstates what a run
of 2 or 3 replications needs several-fold. :func:`reps_to_decide` therefore does not use the
rule itself: holding the mean and the standard deviation of the replications (and, for a
proportion of orders, the orders counted a replication), it recomputes the interval by the
method :func:`judge` used for k + 1, k + 2, ... replications and returns the first number
whose interval lies wholly on one side of the target (at least k + 1). That is exact under the
assumption and asymmetric for the Wilson interval (its half-width on the target's side is
the one that matters). A number beyond :data:`CAP` replications, or an estimate exactly at
the target, is ``None``: indistinguishable from the target, which no practical number of
replications decides.

It is a rough guide: the estimate and the spread themselves move as replications are added,
so a run of the number given can still be uncertain (or be decided the other way), and an
estimate near the target can need far more.
"""

from __future__ import annotations

import math

import numpy as np

from sim.results.verdict import LEVEL, judge, summary_interval, verdict_of

# replications in all beyond which an uncertain verdict counts as indistinguishable from its target
CAP = 200


def projected_interval(
    mean: float,
    sd: float,
    k: int,
    unit: str,
    method: str,
    orders_per_rep: float | None,
    level: float = LEVEL,
) -> tuple[float, float]:
    """(low, high) of the interval :func:`sim.results.verdict.interval` would give ``k``
    replications with this ``mean`` and standard deviation ``sd`` (the KPI's unit) by
    ``method`` (``t`` or ``wilson``); ``orders_per_rep``, the orders a proportion counts in one
    replication (None: no order count), gives the Wilson interval's orders part ``k`` times
    that many orders (:func:`sim.results.verdict.summary_interval`, the same formulas)."""
    orders = None if orders_per_rep is None else orders_per_rep * k
    return summary_interval(mean, sd, k, unit, method, orders, level)


def reps_to_decide(
    values,
    unit: str,
    op: str,
    target: float,
    orders: float | None = None,
    level: float = LEVEL,
    cap: int = CAP,
) -> int | None:
    """The replications in all (more than the ``values`` given) whose interval would lie wholly
    on one side of ``op target`` if the replications' mean and standard deviation held, for a
    KPI whose verdict (:func:`sim.results.verdict.judge` of the same arguments) is
    ``uncertain``; None when the estimate is exactly at the target or more than ``cap``
    replications would be needed (indistinguishable from the target). ``orders`` are the
    orders the replications counted in all, as for ``judge``. Replications with no value (NaN:
    no orders of the kind, say a town's night orders in a short run) count as run: when only
    some have one, the number with a value that would decide it is scaled up by the share that
    had one. A rough guide: see the module's doc. Raises ValueError for a verdict that is not
    uncertain (it is decided already, or has too few replications to say)."""
    j = judge(values, unit, op, target, orders, level)
    if j.verdict != "uncertain":
        raise ValueError("reps_to_decide: only an uncertain verdict has replications to decide it")
    mean, k, method = j.mean, j.n, j.method
    if mean == target:
        return None
    x = np.asarray(values, dtype=float)
    sd = float(x[~np.isnan(x)].std(ddof=1))
    per_rep = None if orders is None or not orders > 0 else float(orders) / k
    run = len(x)  # replications run, k of them with a value
    for more in range(k + 1, cap + 1):
        lo, hi = projected_interval(mean, sd, more, unit, method, per_rep, level)
        if verdict_of(lo, hi, mean, more, op, target) != "uncertain":
            in_all = math.ceil(more * run / k)
            return in_all if in_all <= cap else None
    return None
