"""Statistics across replications: t intervals and paired differences (common random numbers).

Two scenarios run with the same root seed share random numbers replication by replication, so
the difference ``b_i - a_i`` of a KPI cancels most of the noise common to both; its t interval is
usually far narrower than the unpaired (Welch) interval of the two means.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import stats


def summarise(values: list[float] | np.ndarray, level: float = 0.95) -> dict[str, float]:
    """Mean, standard deviation and Student-t confidence interval of replication values.

    NaN values (a KPI undefined in a replication, e.g. no urban orders) are left out; ``n``
    says how many were used. With one value the interval is undefined (NaN half-width).
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
    return {"mean": mean, "sd": sd, "half_width": half, "low": mean - half, "high": mean + half, "n": n}


def paired_difference(
    a: list[float] | np.ndarray, b: list[float] | np.ndarray, level: float = 0.95
) -> dict[str, float]:
    """Summary of ``b - a`` per replication (pairs with a NaN on either side are dropped)."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    keep = ~(np.isnan(a) | np.isnan(b))
    return summarise(b[keep] - a[keep], level)


def unpaired_difference(
    a: list[float] | np.ndarray, b: list[float] | np.ndarray, level: float = 0.95
) -> dict[str, float]:
    """Welch interval of mean(b) - mean(a), ignoring the pairing (for comparison only)."""
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
    return {
        "mean": diff,
        "sd": math.nan,
        "half_width": half,
        "low": diff - half,
        "high": diff + half,
        "n": min(len(a), len(b)),
    }


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
