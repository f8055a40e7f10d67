"""One helper that turns uniform random numbers into draws from a named distribution.

Every stochastic duration in Red Vest (service time, patience, acceptance delay, review time,
activity length) is drawn here, by inversion: ``quantile(dist, u)`` maps uniforms ``u`` in (0, 1)
to the distribution's quantiles. Drawing by inversion keeps common random numbers sharp: the
same order gets the same ``u`` in two scenarios, so a longer mean gives a longer time for that
very order. Example: ``quantile(Dist("exponential", 30.0), 0.5)`` is 30 ln 2 = 20.8 minutes.
"""

from __future__ import annotations

import numpy as np
from scipy import special

from sim.config.spec import Dist


def quantile(dist: Dist, u: np.ndarray | float) -> np.ndarray:
    """Quantiles of ``dist`` at probabilities ``u`` (same unit as the distribution's mean)."""
    u = np.clip(np.asarray(u, dtype=float), 1e-12, 1 - 1e-12)
    if dist.kind == "fixed":
        return np.full(u.shape, float(dist.mean))
    if dist.kind == "exponential":
        return -dist.mean * np.log1p(-u)
    if dist.kind == "uniform":
        return dist.low + (dist.high - dist.low) * u
    if dist.kind == "lognormal":
        if dist.cv <= 0:
            return np.full(u.shape, float(dist.mean))
        sigma2 = np.log1p(dist.cv**2)
        mu = np.log(dist.mean) - sigma2 / 2 if dist.mean > 0 else -np.inf
        return np.exp(mu + np.sqrt(sigma2) * special.ndtri(u))
    if dist.kind == "gamma":
        if dist.cv <= 0:
            return np.full(u.shape, float(dist.mean))
        shape = 1.0 / dist.cv**2
        return special.gammaincinv(shape, u) * dist.mean / shape
    raise ValueError(f"unknown distribution kind {dist.kind!r}")


def mean(dist: Dist) -> float:
    """The distribution's mean."""
    return (dist.low + dist.high) / 2 if dist.kind == "uniform" else float(dist.mean)


def check(dist: Dist) -> str | None:
    """Why ``dist`` is unusable, or None when it is fine (used by the validator)."""
    if dist.kind == "uniform" and dist.high < dist.low:
        return f"high ({dist.high:g}) is below low ({dist.low:g}); expected low <= high"
    if dist.kind in ("exponential", "lognormal", "gamma") and dist.mean <= 0:
        return f"{dist.kind} mean is {dist.mean:g}; expected a mean > 0"
    return None
