"""Comparing scenarios under common random numbers: paired differences with confidence intervals.

Every scenario runs with the same root seed and number of replications, so replication ``i`` of
each sees the same orders (same times, places, items, service times) wherever the scenarios
agree. For each KPI the difference ``variant_i - baseline_i`` is summarised with a Student-t
interval; with more than one variant the intervals are Bonferroni-adjusted (each at
``1 - 0.05/m``) so all m hold together at 95%. The unpaired (Welch) interval is reported too, to
show how much the pairing buys. Each scenario's own estimate carries the interval every output
reports (:func:`sim.results.verdict.judge`), so compare.json agrees with the runs' kpis.json.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
import math
from dataclasses import dataclass, field
from pathlib import Path

from sim.config.errors import UserError
from sim.config.load import load_scenario
from sim.config.scenario import Scenario
from sim.experiments.runner import Progress, run_replications
from sim.reporting.saved import is_results_folder, load_saved
from sim.results.kpis import KPI_INFO
from sim.results.stats import difference_verdict, paired_difference, summarise, unpaired_difference
from sim.results.summary import total_orders
from sim.results.verdict import judge


@dataclass
class Arm:
    """One scenario of a comparison and its replications' KPIs."""

    name: str
    source: str
    seed: int
    days: float
    replications: list[dict[str, float]]
    orders: dict[str, int] = field(default_factory=dict)  # per proportion KPI: the orders counted
    # the days simulated before and after the measured ones (None: not known, only for arms
    # built in code): they decide which orders the KPIs count and how each replication ends
    warmup_days: float | None = None
    drain_days: float | None = None
    # the weekday of day 0 (0 = Monday; None: not known, only for arms built in code): under
    # common random numbers it decides which calendar days replication i simulates
    start_weekday: int | None = None


def plan(sources: list[str], seed: int | None, reps: int | None) -> tuple[int, int]:
    """The common seed and replications: flags first, then a saved run's, then the first
    scenario's own settings."""
    for src in sources:
        if is_results_folder(src):
            saved = load_saved(src)
            return (saved["seed"] if seed is None else seed, saved["reps"] if reps is None else reps)
    first = load_scenario(sources[0])
    return (first.run.seed if seed is None else seed, first.run.reps if reps is None else reps)


def load_arm(
    source: str, seed: int, reps: int, days: float | None, jobs: int, scheduler: str | None = None
) -> Arm:
    """Run a scenario file, or reuse a saved run, with the common seed and replications."""
    if is_results_folder(source):
        saved = load_saved(source)
        if saved["seed"] != seed or saved["reps"] < reps:
            raise UserError(
                f"{source}: saved with seed {saved['seed']} and {saved['reps']} "
                f"replications; expected seed {seed} and at least {reps} "
                "(common random numbers need the same seeds)"
            )
        if days is not None and saved["days"] != days:
            raise UserError(f"{source}: saved with {saved['days']:g} days; expected {days:g}")
        # the orders kpis.json counted are those of all its replications: used when all are
        orders = {
            k: int(v["orders"])
            for k, v in saved.get("kpis", {}).items()
            if "orders" in v and saved["reps"] == reps
        }
        warmup, drain = saved_window(source, saved)
        return Arm(
            saved["scenario"],
            source,
            seed,
            saved["days"],
            saved["replications"][:reps],
            orders,
            warmup,
            drain,
            saved_start_weekday(source),
        )
    return simulate_arm(load_scenario(source), source, seed, reps, days, jobs, scheduler=scheduler)


def simulate_arm(
    scenario: Scenario,
    source: str,
    seed: int,
    reps: int,
    days: float | None,
    jobs: int,
    scheduler: str | None = None,
    progress: bool | Progress = True,
    label: str | None = None,
) -> Arm:
    """Simulate a loaded scenario as an arm of a comparison: as `run --seed --reps [--days]`
    simulates it (``days`` None: its own run.days), with the common seed and replications.
    ``source`` names it in the outputs, ``label`` too (default: the scenario's name)."""
    # (a pairing pilot is seeded by run.seed)
    run = {"seed": seed, "reps": reps, **({} if days is None else {"days": days})}
    scenario = dataclasses.replace(scenario, run=dataclasses.replace(scenario.run, **run))
    results = run_replications(
        scenario, reps, seed, jobs, keep_logs=False, progress=progress, scheduler=scheduler
    )
    orders = {k: n for k in results[0].orders if (n := total_orders(results, k)) is not None}
    return Arm(
        label or scenario.name,
        source,
        seed,
        scenario.run.days,
        [r.kpis for r in results],
        orders,
        scenario.run.warmup_days,
        scenario.run.drain_days,
        scenario.run.start_weekday,
    )


def saved_window(source: str, saved: dict) -> tuple[float, float]:
    """The warm-up and drain days (days) a saved run simulated around its measured days, read
    from its scenario.json (the resolved scenario; kpis.json records the warm-up only and must
    agree); a folder that does not record both is refused rather than guessed."""
    path = Path(source) / "scenario.json"
    try:
        run = json.loads(path.read_text(encoding="utf-8"))["run"]
        warmup, drain = float(run["warmup_days"]), float(run["drain_days"])
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError):
        raise UserError(
            f"{path}: no readable run.warmup_days and run.drain_days; expected the scenario.json "
            "a run writes beside kpis.json (rerun the scenario)"
        ) from None
    recorded = saved.get("warmup_days", warmup)
    if not isinstance(recorded, (int, float)) or isinstance(recorded, bool) or float(recorded) != warmup:
        raise UserError(
            f"{source}: kpis.json says warmup_days {recorded} but scenario.json {warmup:g}; "
            "expected one run's files (rerun the scenario)"
        )
    return warmup, drain


WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def saved_start_weekday(source: str) -> int:
    """The weekday of day 0 (0 = Monday ... 6 = Sunday) of a saved run, read from its
    scenario.json (kpis.json does not record it); a folder that does not record it is refused
    rather than assumed to have started on a Monday, since another weekday shifts every
    weekday and weekend effect of the comparison."""
    path = Path(source) / "scenario.json"
    try:
        weekday = json.loads(path.read_text(encoding="utf-8"))["run"]["start_weekday"]
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError):
        weekday = None
    if not isinstance(weekday, int) or isinstance(weekday, bool) or not 0 <= weekday <= 6:
        raise UserError(
            f"{path}: no readable run.start_weekday; expected a whole number 0-6 (0 = Monday) in "
            "the scenario.json a run writes beside kpis.json (rerun the scenario)"
        )
    return weekday


def estimate(values: list[float], unit: str, orders: int | None, level: float = 0.95) -> dict[str, float]:
    """One scenario's estimate of a KPI: mean, sd, and the interval every output reports
    (:func:`sim.results.verdict.judge`: Wilson for a proportion of ``orders`` orders, else t)."""
    j = judge(values, unit, orders=orders, level=level)
    return {
        "mean": j.mean,
        "sd": summarise(values)["sd"],
        "half_width": j.half_width,
        "low": j.low,
        "high": j.high,
        "n": j.n,
    }


def preview_arm(source: str, days: float | None) -> Arm:
    """What :func:`load_arm` gives for ``source`` but the replications, read without simulating
    (so that :func:`check_arms` and :func:`arm_labels` refuse a comparison before it runs)."""
    if is_results_folder(source):
        saved = load_saved(source)
        return Arm(
            saved["scenario"],
            source,
            saved["seed"],
            saved["days"],
            [],
            {},
            *saved_window(source, saved),
            saved_start_weekday(source),
        )
    scenario = load_scenario(source)
    run = scenario.run
    return Arm(
        scenario.name,
        source,
        run.seed,
        run.days if days is None else days,
        [],
        {},
        run.warmup_days,
        run.drain_days,
        run.start_weekday,
    )


def check_arms(arms: list[Arm]) -> None:
    """Raise UserError unless replication i of every arm measures the same days: the same
    run.days, run.warmup_days (which orders the KPIs count), run.drain_days (how long the
    last ones may take to close) and run.start_weekday (which calendar days they are, so
    that a difference is the policy's, not a weekday's), each named with its source in one
    line."""
    if len(arms) < 2:
        raise UserError("compare needs at least two scenarios; expected A.yaml B.yaml [...]")
    if len({a.days for a in arms}) > 1:  # replication i of each would not cover the same days
        days = ", ".join(f"{a.source}: {a.days:g}" for a in arms)
        saved = [a for a in arms if is_results_folder(a.source)]  # a saved run keeps its days
        if not saved:
            hint = "give --days"
        elif len({a.days for a in saved}) == 1:
            hint = f"give --days {saved[0].days:g}, the days {saved[0].source} was run for"
        else:
            hint = "saved runs keep their days: run them again with the same --days"
        raise UserError(
            f"compare: the scenarios run over different lengths ({days} days); "
            f"expected the same run.days for all ({hint})"
        )
    for key, what in (("warmup_days", "warm-up"), ("drain_days", "drain")):
        # which orders the KPIs count, and how long they may take to close, would differ
        if len({getattr(a, key) for a in arms}) > 1:
            days = ", ".join(f"{a.source}: {_days(getattr(a, key))}" for a in arms)
            raise UserError(
                f"compare: the scenarios have different {what} days ({days}); "
                f"expected the same run.{key} for all"
            )
    if len({a.start_weekday for a in arms}) > 1:
        # replication i would simulate other calendar days: demand, rosters, activities and the
        # administrator's weekends follow the week, so the difference would mix in a weekday effect
        weekdays = ", ".join(f"{a.source}: {_weekday(a.start_weekday)}" for a in arms)
        raise UserError(
            f"compare: the scenarios start on different weekdays ({weekdays}); "
            "expected the same run.start_weekday for all"
        )


def compare_arms(arms: list[Arm], level: float = 0.95) -> dict:
    """Estimates of every KPI per arm and paired differences of each arm against the first."""
    check_arms(arms)
    labels = arm_labels(arms)
    m = len(arms) - 1
    diff_level = 1 - (1 - level) / m
    names = [k for k in arms[0].replications[0] if all(k in a.replications[0] for a in arms)]
    base = arms[0]
    kpis = {}
    for name in names:
        values = [[rep[name] for rep in arm.replications] for arm in arms]
        _, unit, direction = KPI_INFO.get(name, (name, "share", 1 if name.startswith("town.") else 0))
        rows = {
            "unit": unit,
            "direction": direction,
            "estimates": [
                {**estimate(v, unit, arm.orders.get(name), level), "orders": arm.orders.get(name)}
                for arm, v in zip(arms, values)
            ],
            "differences": [],
        }
        for label, v in zip(labels[1:], values[1:]):
            paired = paired_difference(values[0], v, diff_level)
            unpaired = unpaired_difference(values[0], v, diff_level)
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
        "notes": order_set_notes(kpis, labels),
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


def _days(value: float | None) -> str:
    return "not recorded" if value is None else f"{value:g}"


def _weekday(value: int | None) -> str:
    if value is None:
        return "not recorded"
    return f"{value} ({WEEKDAYS[value]})" if 0 <= value < len(WEEKDAYS) else str(value)


def arm_labels(arms: list[Arm]) -> list[str]:
    """Each arm's label in every output (compare.json, compare.csv, the tables, the forest
    plots' file names): its scenario name, or ``name@stem`` (the stem of its file or folder)
    when an arm from another source has the same name. The same source given twice is the
    same scenario and keeps one label; two sources that would still share one are refused."""
    places = [Path(a.source).resolve() for a in arms]
    shared = {
        a.name for a, p in zip(arms, places) for b, q in zip(arms, places) if a.name == b.name and p != q
    }
    labels = [f"{a.name}@{Path(a.source).stem}" if a.name in shared else a.name for a in arms]
    for i, j in itertools.combinations(range(len(arms)), 2):
        if labels[i] == labels[j] and places[i] != places[j]:
            raise UserError(
                f"compare: {arms[i].source} and {arms[j].source} would both be labelled {labels[i]} "
                "(a scenario name, or the same name and file name); expected different scenario "
                "names or file names"
            )
    return labels


VERDICT_WORDS = {
    "better": "better",
    "worse": "worse",
    "same": "no significant difference",
    "higher": "higher",
    "lower": "lower",
    "n/a": "no data",  # (the word every output gives a KPI without data: i18n's verdict.n/a)
}


def _fmt(value: float, unit: str, signed: bool = False) -> str:
    if value is None or math.isnan(value):
        return "n/a"
    if unit == "share":
        return f"{value * 100:+.1f} pp" if signed else f"{value:.1%}"
    return f"{value:+,.2f}" if signed else f"{value:,.2f}"


def table(result: dict, names: list[str]) -> str:
    """Plain-text tables, one per variant: both estimates, the paired difference with its CI,
    the verdict, and how much wider the unpaired CI would be."""
    base = result["scenarios"][0]
    blocks = []
    for j, variant in enumerate(result["scenarios"][1:]):
        rows = [
            [
                "KPI",
                base,
                variant,
                f"difference ({result['difference_level']:.1%} CI)",
                "verdict",
                "unpaired/paired CI width",
            ]
        ]
        for name in names:
            k = result["kpis"].get(name)
            if k is None:
                continue
            unit, d = k["unit"], k["differences"][j]
            ci = (
                f"{_fmt(d['mean'], unit, True)} [{_fmt(d['low'], unit, True)}, {_fmt(d['high'], unit, True)}]"
            )
            if d["half_width"] == 0 and d["unpaired_half_width"] == 0:
                ratio = "both exact"
            elif d["half_width"] == 0:
                ratio = "paired exact"
            else:
                ratio = "n/a" if math.isnan(d["width_ratio"]) else f"{d['width_ratio']:.1f}x"
            rows.append(
                [
                    name,
                    _fmt(k["estimates"][0]["mean"], unit),
                    _fmt(k["estimates"][j + 1]["mean"], unit),
                    ci,
                    VERDICT_WORDS[d["verdict"]],
                    ratio,
                ]
            )
        widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
        lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]
        lines.insert(1, "  ".join("-" * w for w in widths))
        blocks.append(f"{variant} vs {base}:\n" + "\n".join(lines))
    return "\n\n".join(blocks)


def _number(value: float | None) -> str:
    """A CSV cell: six significant digits, empty when the value is undefined (NaN)."""
    return "" if value is None or math.isnan(value) else f"{value:.6g}"


def csv_text(result: dict) -> str:
    """Every KPI's estimates and paired differences as CSV (an undefined value: an empty cell)."""
    lines = ["kpi,scenario,mean,ci_low,ci_high,diff_mean,diff_low,diff_high,unpaired_half_width,verdict"]
    for name, k in result["kpis"].items():
        rows = [(result["scenarios"][0], k["estimates"][0], None)]
        rows += zip(result["scenarios"][1:], k["estimates"][1:], k["differences"])
        for scen, est, d in rows:
            cells = [name, scen] + [_number(est[key]) for key in ("mean", "low", "high")]
            if d is None:
                cells += [""] * 5
            else:
                cells += [_number(d[key]) for key in ("mean", "low", "high", "unpaired_half_width")]
                cells.append(d["verdict"])
            lines.append(",".join(cells))
    return "\n".join(lines) + "\n"


def default_out(result: dict, root: Path) -> Path:
    """results/compare-<baseline>-vs-<variant>[-...]."""
    return root / ("compare-" + "-vs-".join(result["scenarios"]))
