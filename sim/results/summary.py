"""What one replication hands to the experiment, and the KPIs summarised across replications
(mean, standard deviation, 95% t interval: :func:`sim.results.stats.summarise`)."""

from __future__ import annotations

from dataclasses import dataclass

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


def summarise_kpis(results: list[RepResult]) -> dict[str, dict[str, float]]:
    """Every KPI summarised across replications, in the KPIs' own order."""
    names = list(results[0].kpis)
    return {name: summarise([r.kpis[name] for r in results]) for name in names}
