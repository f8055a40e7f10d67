"""Statistics across replications: t intervals and paired differences (common random numbers).

Two scenarios run with the same root seed share random numbers replication by replication, so
the difference ``b_i - a_i`` of a KPI cancels most of the noise common to both; its t interval is
usually far narrower than the unpaired (Welch) interval of the two means.

A KPI that is a proportion of orders (unit ``share``, or ``per 1,000 orders``:
:data:`sim.results.verdict.PROPORTION_SCALE`) cannot leave [0, 1] (times its scale), nor can a
difference of two leave [-1, 1]; a t interval of few replications can (3 replications whose
differences are +50, 0 and -50 points give ``[-124, +124]`` points). Given the KPI's ``unit``,
the functions here cut their interval's ends to what the KPI can be. The cut moves only an end
beyond that range, so it never brings an end across 0 or a threshold inside the range: a
difference's verdict and the regression gate's decisions are those of the uncut interval.
``half_width`` stays the t interval's (its precision, which the cut does not improve).
"""

from __future__ import annotations

import math

import numpy as np
from scipy import stats

from sim.results.verdict import PROPORTION_SCALE


def summarise(
    values: list[float] | np.ndarray, level: float = 0.95, unit: str | None = None
) -> dict[str, float]:
    """Mean, standard deviation and Student-t confidence interval of replication values.

    NaN values (a KPI undefined in a replication, e.g. no urban orders) are left out; ``n``
    says how many were used. With one value the interval is undefined (NaN half-width). With
    the KPI's ``unit``, a proportion's interval is cut to [0, its scale] (:func:`cut`).
    """
    x = np.asarray(values, dtype=float)
    x = x[~np.isnan(x)]
    n = len(x)
    if n == 0:
        return {
            "mean": math.nan,
            "sd": math.nan,
            "half_width": math.nan,
            "low": math.nan,
            "high": math.nan,
            "n": 0,
        }
    mean = float(x.mean())
    sd = float(x.std(ddof=1)) if n > 1 else math.nan
    half = float(stats.t.ppf(0.5 + level / 2, n - 1) * sd / math.sqrt(n)) if n > 1 else math.nan
    if n > 1 and sd == 0:
        half = 0.0
    out = {"mean": mean, "sd": sd, "half_width": half, "low": mean - half, "high": mean + half, "n": n}
    return cut(out, proportion_range(unit, x))


def proportion_range(unit: str | None, *values: np.ndarray, difference: bool = False) -> tuple[float, float]:
    """The range a KPI of ``unit`` can take: [0, scale] for a proportion of orders
    (:data:`sim.results.verdict.PROPORTION_SCALE`), [-scale, scale] for a ``difference`` of
    two; unbounded for any other unit, or when some of ``values`` lie outside [0, scale] (not
    proportions after all, as :func:`sim.results.verdict.interval` reads an extension's
    values)."""
    scale = PROPORTION_SCALE.get(unit) if unit is not None else None
    if scale is None or any(np.any((v < 0) | (v > scale)) for v in values):
        return -math.inf, math.inf
    return (-scale if difference else 0.0), scale


def cut(summary: dict[str, float], bounds: tuple[float, float]) -> dict[str, float]:
    """``summary`` with its interval's ends (``low``, ``high``) cut to ``bounds``; an end
    inside them, an undefined (NaN) end, the mean and ``half_width`` are kept."""
    lo, hi = bounds
    out = dict(summary)
    if not math.isnan(out["low"]):
        out["low"] = min(max(out["low"], lo), hi)
    if not math.isnan(out["high"]):
        out["high"] = min(max(out["high"], lo), hi)
    return out


def paired_difference(
    a: list[float] | np.ndarray, b: list[float] | np.ndarray, level: float = 0.95, unit: str | None = None
) -> dict[str, float]:
    """Summary of ``b - a`` per replication (pairs with a NaN on either side are dropped). With
    the KPI's ``unit``, the interval of a difference of two proportions is cut to
    [-scale, scale] (±100 percentage points of a share; :func:`proportion_range`)."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    keep = ~(np.isnan(a) | np.isnan(b))
    bounds = proportion_range(unit, a[keep], b[keep], difference=True)
    return cut(summarise(b[keep] - a[keep], level), bounds)


def unpaired_difference(
    a: list[float] | np.ndarray, b: list[float] | np.ndarray, level: float = 0.95, unit: str | None = None
) -> dict[str, float]:
    """Welch interval of mean(b) - mean(a), ignoring the pairing (for comparison only); with
    the KPI's ``unit``, cut as :func:`paired_difference`'s."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    a, b = a[~np.isnan(a)], b[~np.isnan(b)]
    if len(a) < 2 or len(b) < 2:
        return summarise([], level)
    va, vb = a.var(ddof=1) / len(a), b.var(ddof=1) / len(b)
    se = math.sqrt(va + vb)
    diff = float(b.mean() - a.mean())
    if se == 0:
        return {
            "mean": diff,
            "sd": 0.0,
            "half_width": 0.0,
            "low": diff,
            "high": diff,
            "n": min(len(a), len(b)),
        }
    dof = (va + vb) ** 2 / (va**2 / (len(a) - 1) + vb**2 / (len(b) - 1))
    half = float(stats.t.ppf(0.5 + level / 2, dof) * se)
    out = {
        "mean": diff,
        "sd": math.nan,
        "half_width": half,
        "low": diff - half,
        "high": diff + half,
        "n": min(len(a), len(b)),
    }
    return cut(out, proportion_range(unit, a, b, difference=True))


def difference_verdict(mean: float, low: float, high: float, direction: int) -> str:
    """'better' or 'worse' when the CI of a difference (variant - baseline) excludes 0 and the
    KPI has a direction (+1 higher is better, -1 lower is better); 'higher'/'lower' for a
    significant difference of a neutral KPI; 'n/a' when no pair of replications has both
    values (the KPI has no data); else 'same' (no significant difference)."""
    if math.isnan(mean):
        return "n/a"
    significant = not (math.isnan(low) or math.isnan(high)) and (low > 0 or high < 0)
    if not significant:
        return "same"
    if direction == 0:
        return "higher" if mean > 0 else "lower"
    return "better" if (mean > 0) == (direction > 0) else "worse"
