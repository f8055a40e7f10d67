"""Comparing scenarios under common random numbers: paired differences with confidence intervals.

Every scenario runs with the same root seed and number of replications, so replication ``i`` of
each sees the same orders (same times, places, items, service times) wherever the scenarios
agree. For each KPI the difference ``variant_i - baseline_i`` is summarised with a Student-t
interval; with more than one variant the intervals are Bonferroni-adjusted (each at
``1 - 0.05/m``) so all m hold together at 95%. The unpaired (Welch) interval is reported too, to
show how much the pairing buys. Each scenario's own estimate carries the interval every output
reports (:func:`sim.results.verdict.judge`) and, for a KPI its scenario holds to a target
(:func:`sim.results.verdict.kpi_targets`, the arm's ``targets``), the verdict against it, so
compare.json agrees with the runs' kpis.json; each difference says whether the variant's verdict
differs from the baseline's (``verdict_changed``).

The arms (each scenario's replications, simulated or read from a saved run, and the check that
they are comparable) are :mod:`sim.experiments.compare_inputs`'; the labels, tables and
compare.csv, :mod:`sim.experiments.compare_output`'.
"""

from __future__ import annotations

import math

from sim.experiments.compare_inputs import Arm, check_arms
from sim.experiments.compare_output import arm_labels
from sim.results.kpi_catalogue import KPI_INFO
from sim.results.promises import TIME_BANDS
from sim.results.stats import difference_verdict, paired_difference, summarise, unpaired_difference
from sim.results.verdict import judge


def estimate(
    values: list[float],
    unit: str,
    orders: int | None,
    level: float = 0.95,
    target: tuple[str, float] | None = None,
) -> dict:
    """One scenario's estimate of a KPI: mean, sd, and the interval every output reports
    (:func:`sim.results.verdict.judge`: Wilson for a proportion of ``orders`` orders, else t);
    with a ``target`` (comparison, threshold in the KPI's unit) also ``target``, ``target_op``,
    the ``verdict`` against it and ``at_edge`` (an edge met), as its run's kpis.json gives the
    same replications."""
    op, threshold = target or (None, None)
    j = judge(values, unit, op, threshold, orders, level)
    out = {
        "mean": j.mean,
        "sd": summarise(values)["sd"],
        "half_width": j.half_width,
        "low": j.low,
        "high": j.high,
        "n": j.n,
    }
    if op is not None:
        out.update(target=threshold, target_op=op, verdict=j.verdict, at_edge=j.at_edge)
    return out


def compare_arms(arms: list[Arm], level: float = 0.95, kpis_per_variant: int = 1) -> dict:
    """Estimates of every KPI per arm and paired differences of each arm against the first,
    Bonferroni-adjusted over the variants times ``kpis_per_variant`` (the KPIs the caller
    reports of each variant and wants to hold together with them; 1: each KPI's intervals on
    their own)."""
    check_arms(arms)
    labels = arm_labels(arms)
    m = (len(arms) - 1) * kpis_per_variant
    diff_level = 1 - (1 - level) / m
    names = [k for k in arms[0].replications[0] if all(k in a.replications[0] for a in arms)]
    # KPIs some scenario lacks (another reading's town KPI, a results folder of an older
    # version): said, not silently left out
    every = dict.fromkeys(k for a in arms for k in a.replications[0])
    not_compared = [k for k in every if k not in names]
    base = arms[0]
    kpis = {}
    for name in names:
        values = [[rep[name] for rep in arm.replications] for arm in arms]
        _, unit, direction = KPI_INFO.get(name, (name, "share", 1 if name.startswith("town.") else 0))
        rows = {
            "unit": unit,
            "direction": direction,
            "estimates": [
                {
                    **estimate(v, unit, arm.orders.get(name), level, arm.targets.get(name)),
                    "orders": arm.orders.get(name),
                    # what urban_10min counts in this scenario (it is urban_10min_<event> too)
                    **(
                        {"urban_response_event": arm.urban_response_event}
                        if name == "urban_10min" and arm.urban_response_event
                        else {}
                    ),
                }
                for arm, v in zip(arms, values)
            ],
            "differences": [],
        }
        for j, (label, v) in enumerate(zip(labels[1:], values[1:]), start=1):
            paired = paired_difference(values[0], v, diff_level, unit)
            unpaired = unpaired_difference(values[0], v, diff_level, unit)
            ratio = (
                unpaired["half_width"] / paired["half_width"]
                if paired["half_width"] and not math.isnan(paired["half_width"])
                else math.nan
            )
            rows["differences"].append(
                {
                    "variant": label,
                    **paired,
                    "unpaired_half_width": unpaired["half_width"],
                    "width_ratio": ratio,
                    "verdict": difference_verdict(paired["mean"], paired["low"], paired["high"], direction),
                    "verdict_changed": verdict_changed(rows["estimates"][0], rows["estimates"][j]),
                }
            )
        kpis[name] = rows
    return {
        "baseline": labels[0],
        "scenarios": labels,
        "sources": [a.source for a in arms],
        "seed": base.seed,
        "reps": len(base.replications),
        "days": base.days,
        "warmup_days": base.warmup_days,
        "drain_days": base.drain_days,
        "start_weekday": base.start_weekday,
        "level": level,
        "difference_level": diff_level,
        "bonferroni_comparisons": m,
        "kpis": kpis,
        "notes": _joined(order_set_notes(kpis, labels), reading_notes(arms, labels, kpis)),
        "not_compared": not_compared,
    }


def verdict_changed(base: dict, variant: dict) -> bool | None:
    """Whether a variant's verdict against its target differs from the baseline's (``met`` ->
    ``uncertain``), so a change of verdict is flagged, not left to be spotted across two columns;
    None when either scenario does not hold the KPI to a target (no verdict to compare)."""
    if "verdict" not in base or "verdict" not in variant:
        return None
    return base["verdict"] != variant["verdict"]


def _joined(*notes: dict[str, str]) -> dict[str, str]:
    """KPI -> its notes, one after another ("; ")."""
    out: dict[str, str] = {}
    for part in notes:
        for name, text in part.items():
            out[name] = f"{out[name]}; {text}" if name in out else text
    return out


# the parts of a KPI name (after a town's ``town.<pinyin>.``) that count the reading the
# scenario chooses (urban_10min, its time-of-day bands, and the urban response times)
CHOSEN_READING = (
    "urban_10min",
    *(f"urban_10min_{band}" for band in TIME_BANDS),
    *(f"response_p{q}_urban" for q in (50, 90, 95)),
)


def reading_notes(arms: list[Arm], labels: list[str], kpis: dict) -> dict[str, str]:
    """``{name: note}`` for the KPIs that count the scenario's own urban reading (urban_10min,
    its time-of-day bands, a town's, the urban response times) where the scenarios count
    different events as the urban response (``targets.urban_response_event``): their
    differences mix the policy with the change of reading."""
    events = [a.urban_response_event for a in arms]
    if None in events or len(set(events)) < 2:
        return {}
    each = ", ".join(f"{label} {event}" for label, event in zip(labels, events))
    return {
        name: f"{name} counts a different event as the response ({each}: "
        "targets.urban_response_event): its difference mixes the two readings; "
        "urban_10min_acceptance and urban_10min_arrival each compare one reading"
        for name in kpis
        if name.split(".")[-1] in CHOSEN_READING and (name.count(".") in (0, 2))
    }


# counted orders further apart than this (relative) mean that a KPI judges different orders
ORDER_SET_TOLERANCE = 0.01


def order_set_notes(kpis: dict, labels: list[str]) -> dict[str, str]:
    """KPI -> a note where the scenarios' shares count different sets of orders. Under common
    random numbers every scenario draws the same orders, so the orders a share counts differ
    only when a policy changes which orders it judges (e.g. a batched event's orders leave the
    10-minute promise for their event's deadline): their difference then compares different
    orders, not the same orders served better or worse."""
    notes = {}
    for name, row in kpis.items():
        counted = [e["orders"] for e in row["estimates"]]
        if any(n is None for n in counted) or min(counted) <= 0:
            continue
        if max(counted) > min(counted) * (1 + ORDER_SET_TOLERANCE):
            each = ", ".join(f"{label} {n:,}" for label, n in zip(labels, counted))
            notes[name] = (
                f"{name} judges different orders ({each} in all replications): its difference "
                "compares different order sets"
            )
    return notes
