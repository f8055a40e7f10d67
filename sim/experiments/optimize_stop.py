"""When the staffing search stops: every target met on the search seeds with the margin a
confirmation on fresh seeds needs to meet it too (:func:`ready`).

A plan whose 95% interval just clears a target on the seeds it was chosen on passes a
confirmation on fresh seeds less than half the time: its estimate is optimistic, chosen for
clearing, and the confirmation's own interval reaches as far below its estimate. So the search
(:mod:`sim.experiments.optimize`) stops only when the end of each target KPI's interval its
verdict reads (:func:`verdict_end`) lies beyond the target by :func:`confirmation_margin`: what a
confirmation of ``--confirm-reps`` replications needs to meet the target with an estimated
chance of :data:`CONFIRM_CHANCE` (docs/policies.md, "Why the search stops with a margin").
"""

from __future__ import annotations

import math

from sim.experiments.optimize_targets import as_targets
from sim.results.decide import projected_interval
from sim.results.kpi_catalogue import kpi_info

# the search stops when the plan's estimated chance of meeting every target in a confirmation on
# fresh seeds is at least this (:func:`confirmation_margin`); its normal quantile
CONFIRM_CHANCE = 0.8
CONFIRM_Z = 0.8416212335729143  # scipy.stats.norm.ppf(CONFIRM_CHANCE)


def meets(summary: dict[str, dict[str, float]], targets: dict) -> bool:
    """Whether every target KPI is met: the whole of its 95% interval lies on the target's side
    (the verdict of :func:`sim.results.verdict.judge`, as in every other output)."""
    return all(summary[k]["verdict"] == "met" for k in targets)


def confirmation_margin(summary: dict, name: str, op: str, reps: int | None) -> float:
    """How far beyond the target (the KPI's unit) the end of a target KPI's 95% interval the
    verdict reads (:func:`verdict_end`) must lie on the search seeds for a confirmation of
    ``reps`` replications on fresh seeds to meet the target with an estimated chance of
    :data:`CONFIRM_CHANCE`. The confirmation meets it when its own estimate lies beyond the
    target by its half-width on the target's side (``h_c``: the search's interval projected to
    ``reps`` replications, :func:`sim.results.decide.projected_interval`, the formulas of
    :func:`sim.results.verdict.judge`); its estimate differs from the search's by both
    estimates' errors, of standard error ``sd x sqrt(1/n + 1/reps)``; so the search's estimate
    must lie beyond the target by ``h_c + z x that`` (z = 0.84 for 80%), which is that less the
    search's own half-width ``h_s`` beyond the verdict end (0 when the verdict alone asks for
    more). 0 without ``reps``, for an edge met (every replication exactly at a target at the
    KPI's extreme, which no margin makes surer) or a summary without a spread. A plan whose
    interval just clears the target on the seeds it was chosen on passes such a confirmation
    less than half the time: its estimate is optimistic, chosen for clearing, and the
    confirmation's interval reaches as far below its own estimate (docs/policies.md, "Why the
    search stops with a margin")."""
    if not reps or summary.get("edge") or summary.get("n", 0) < 2 or "sd" not in summary:
        return 0.0
    mean, n, sd = summary["mean"], summary["n"], summary["sd"]
    unit, method, orders = kpi_info(name)[1], summary["method"], summary["orders_per_rep"]
    low, high = projected_interval(mean, sd, reps, unit, method, orders)
    half_confirm = mean - low if op == ">=" else high - mean
    half_search = mean - summary["low"] if op == ">=" else summary["high"] - mean
    spread = CONFIRM_Z * sd * math.sqrt(1 / n + 1 / reps)
    need = half_confirm + spread - half_search
    return 0.0 if math.isnan(need) else max(0.0, need)


def clears(summary: dict, name: str, op: str, target: float, reps: int | None) -> bool:
    """Whether a target KPI is met on the search seeds with the confirmation's margin: its
    verdict is ``met`` and the end of its 95% interval the verdict reads (:func:`verdict_end`)
    lies beyond the target by :func:`confirmation_margin` of ``reps`` replications (None: by
    nothing, the verdict alone)."""
    s = summary[name]
    if s["verdict"] != "met":
        return False
    if s.get("edge"):  # met because every replication is exactly at the KPI's extreme
        return True
    need = confirmation_margin(s, name, op, reps)
    end = verdict_end(s, op)
    return end - need >= target if op == ">=" else end + need <= target


def ready(summary: dict, targets: dict, reps: int | None) -> bool:
    """Whether every target clears its target with the confirmation's margin (:func:`clears`):
    the search's stop."""
    return all(clears(summary, k, op, t, reps) for k, (op, t) in as_targets(targets).items())


def verdict_end(summary: dict, op: str) -> float:
    """The end of a target KPI's 95% interval its verdict reads (:func:`summary_of`, from
    :func:`sim.results.verdict.judge`): the low end for a ``>=`` target, the high end for a
    ``<=`` one; the mean itself when there is no interval (fewer than 2 replications)."""
    end = summary.get("low" if op == ">=" else "high", math.nan)
    return summary["mean"] if math.isnan(end) else end
