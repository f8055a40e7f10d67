"""What a move of the staffing search is worth (:mod:`sim.experiments.optimize`, step 3): its
gain, each target's progress towards its verdict on the search seeds (:func:`gain`,
:func:`credits`), and whether the search seeds show the improvement it is credited with
(:func:`shown`: a paired 95% interval wholly on the improving side), without which no volunteer
is bought."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from sim.experiments.optimize_stop import confirmation_margin, verdict_end
from sim.experiments.optimize_targets import as_targets
from sim.results.kpi_catalogue import kpi_info
from sim.results.stats import paired_difference

if TYPE_CHECKING:
    from sim.experiments.optimize import Evaluation


def gain(before: dict, after: dict, targets: dict, margin: float = 0.0, reps: int | None = None) -> float:
    """Sum over targets of each one's progress towards its verdict, as a share of the orders
    its KPI judges: the move's paired change of the KPI's mean (``after`` minus ``before``, on
    the same seeds), counted for as long as it carries the end of the 95% interval the verdict
    reads (:func:`verdict_end`: a ``>=`` target's low end, a ``<=`` target's high end) towards
    the target, up to it (``margin``: that share of the orders beyond it; 0 by default, the
    verdict's own line; with ``reps``, a confirmation of that many replications, the
    confirmation's margin on top, :func:`confirmation_margin` of ``before``, where the search
    stops: :func:`clears`). A ``<=`` target's progress is divided by its ``scale`` (the value that
    stands for all its orders, :func:`summary_of`), so that turning 1% of a KPI's orders from
    missed to met weighs 0.01 whether its target is a share or a count. So a target whose mean
    has passed it while its interval still spans it keeps counting until the interval would
    clear it; a met target counts nothing more, and loses what a move takes its interval back
    across the target.

    The end is moved by the mean's change, with ``before``'s spread: both evaluations are on the
    same seeds (common random numbers: the same orders), so the change of the mean is a paired
    difference, precise with few replications; the spread of a handful of replications is not,
    and letting its chance changes count would credit a move that narrows the interval by luck,
    or lowers the KPI. The next round reads the move's own interval, as its verdict does. A
    target KPI undefined before and after (no orders of its zone) adds nothing: no move can buy
    it, and a NaN gain would make every move look acceptable."""
    return sum(credits(before, after, targets, margin, reps).values())


def credits(
    before: dict, after: dict, targets: dict, margin: float = 0.0, reps: int | None = None
) -> dict[str, float]:
    """Each target's term of :func:`gain` (its progress towards its verdict, a share of the
    orders its KPI judges; 0 for a target KPI undefined before and after): the targets a move
    is credited for are those of a term above 0, the ones whose paired difference must show
    the improvement (:func:`shown`)."""
    out = {}
    for k, (op, t) in as_targets(targets).items():
        was, now = before[k]["mean"], after[k]["mean"]
        if math.isnan(was) and math.isnan(now):
            out[k] = 0.0
            continue
        start = verdict_end(before[k], op)
        moved = start + (now - was)  # the end the move's mean gives at the plan's spread
        half = confirmation_margin(before[k], k, op, reps)
        if op == ">=":
            out[k] = min(moved, t + margin + half) - min(start, t + margin + half)
        else:
            scale = before[k].get("scale", 1.0)
            floor = t - margin * scale - half
            out[k] = (max(start, floor) - max(moved, floor)) / scale
    return out


def paired_change(before: Evaluation, after: Evaluation, name: str, op: str) -> dict:
    """A target KPI's paired difference, ``after`` minus ``before`` replication by replication
    on the same seeds (:func:`sim.results.stats.paired_difference`: mean, low, high, n in the
    KPI's unit, the 95% interval; a replication where the KPI is undefined, NaN on either side,
    is left out), with ``shown``: whether that interval lies wholly on the improving side
    (its low end above 0 for a ``>=`` target, its high end below 0 for a ``<=`` one), the
    95% end the verdicts read. Fewer than 2 pairs have no interval: not shown."""
    a, b = [r.kpis[name] for r in before.results], [r.kpis[name] for r in after.results]
    if len(a) != len(b):  # not the same seeds: no pairs
        raise ValueError(f"{name}: {len(a)} and {len(b)} replications are not paired")
    d = paired_difference(a, b, unit=kpi_info(name)[1])
    end = d["low"] if op == ">=" else -d["high"]
    return {**d, "shown": bool(not math.isnan(end) and end > 0)}


def shown(
    before: Evaluation, after: Evaluation, targets: dict, credit: dict[str, float]
) -> tuple[bool, str, dict | None]:
    """Whether a move's improvement is shown on the search seeds: for at least one target it is
    credited for (``credit``, :func:`credits`, above 0), the paired 95% interval of that target
    KPI (:func:`paired_change`, the move minus the plan so far on the same seeds) lies wholly on
    the improving side. A move whose gain rests on changes of the mean the search seeds cannot
    tell from noise buys volunteers no run can show the effect of; with more replications
    (``--reps``) smaller effects are shown. Returns (shown, the target KPI whose difference
    decided, its paired difference): the first credited target that shows it, else the most
    credited one ("" and None when no target is credited)."""
    credited = sorted((k for k, c in credit.items() if c > 0), key=lambda k: -credit[k])
    targets = as_targets(targets)
    first: tuple[str, dict | None] = ("", None)
    for k in credited:
        d = paired_change(before, after, k, targets[k][0])
        if d["shown"]:
            return True, k, d
        first = first if first[0] else (k, d)
    return False, *first
