"""What one replication hands to the experiment, and the KPIs summarised across replications
(mean, standard deviation, and the 95% interval every output shows:
:func:`sim.results.verdict.interval`)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from sim.results.kpi_catalogue import KPI_INFO, town_kpi_info
from sim.results.logs import RunLog
from sim.results.stats import summarise
from sim.results.verdict import interval


@dataclass
class RepResult:
    """What one replication returns to the experiment."""

    index: int
    kpis: dict[str, float]
    backlog: np.ndarray
    log: RunLog | None
    orders: dict[str, int] = field(default_factory=dict)  # per proportion KPI: the orders it counts
    # the extension it ran with (docs/extending.md: "extend=module.name, rule=..."), "" for none
    extension: str = ""


def total_orders(results: list[RepResult], name: str) -> int | None:
    """The orders a proportion KPI counted over all replications (None when not counted)."""
    counts = [r.orders.get(name) for r in results]
    return None if any(c is None for c in counts) else int(sum(counts))


def summarise_kpis(results: list[RepResult]) -> dict[str, dict[str, float]]:
    """Every KPI summarised across replications, in the KPIs' own order: ``mean``, ``sd``,
    ``n``, and the 95% interval every output shows (``low``, ``high``, ``half_width``,
    ``method``: :func:`sim.results.verdict.interval`, the Wilson interval of the orders counted
    for a proportion of orders, Student t otherwise), in the KPI's unit."""
    out = {}
    for name in results[0].kpis:
        values = [r.kpis[name] for r in results]
        unit = (KPI_INFO.get(name) or town_kpi_info(name) or (name, "", 0))[1]
        mean, low, high, n, method = interval(values, unit, total_orders(results, name))
        sd = summarise(values)["sd"]
        half_width = (high - low) / 2
        out[name] = {
            "mean": mean,
            "sd": sd,
            "half_width": half_width,
            "low": low,
            "high": high,
            "n": n,
            "method": method,
        }
    return out
