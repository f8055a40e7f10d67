"""The arithmetic every KPI module shares: a share of orders, a percentile of the orders' times,
and :class:`CountedKpis`, one replication's KPIs with the orders each proportion counts
(:mod:`sim.results.kpis` fills it, :mod:`sim.results.event_kpis` adds to it)."""

from __future__ import annotations

import numpy as np


def share_of(mask: np.ndarray, of: np.ndarray) -> float:
    """Share of the orders ``of`` (per order, bool) that are in ``mask``: NaN when ``of`` holds
    no order (a KPI without orders is undefined, not 0)."""
    n = int(of.sum())
    return float((mask & of).sum() / n) if n else float("nan")


class CountedKpis(dict):
    """The KPIs of one replication, and for each proportion of orders the orders it counts
    (``orders``: the denominators, which the intervals of :mod:`sim.results.verdict` use)."""

    def __init__(self) -> None:
        super().__init__()
        self.orders: dict[str, int] = {}

    def share(self, name: str, mask: np.ndarray, of: np.ndarray, scale: float = 1.0) -> None:
        """Set KPI ``name`` to the share of ``of`` in ``mask`` (times ``scale``)."""
        self[name] = share_of(mask, of) * scale
        self.orders[name] = int(of.sum())


def percentile_of(values: np.ndarray, q: float) -> float:
    """The ``q``-th percentile (0-100) of ``values`` (e.g. response times, minutes), NaN values
    left out (orders never answered or closed); NaN when none is left."""
    values = values[~np.isnan(values)]
    return float(np.percentile(values, q)) if len(values) else float("nan")
