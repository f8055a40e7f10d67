"""What one replication hands to the experiment, and the KPIs summarised across replications
(mean, standard deviation, 95% t interval: :func:`sim.results.stats.summarise`)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from sim.results.logs import RunLog
from sim.results.stats import summarise


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
    """Every KPI summarised across replications, in the KPIs' own order."""
    names = list(results[0].kpis)
    return {name: summarise([r.kpis[name] for r in results]) for name in names}
