"""Staffing optimisation: the least extra volunteer-hours a week that meet every target.

The search is a greedy marginal allocation under common random numbers:

1. Simulate the scenario (plus the plan so far, as ``teams.additions``) with the root seed.
   If the lower end of the 95% interval of every target KPI clears its target, stop.
2. Otherwise find where the targets are missed: count the missed orders of the zones of the
   targets not met yet by (town, band of the day), band = day 07-19, evening 19-22, night 22-07; the
   ``candidates`` cells with the most misses are the candidate moves, each "+``step``
   volunteers on duty at the town's seat in that band, every day".
3. Simulate each move with the same seed (so the comparison is paired) and take the one with
   the largest gain per extra volunteer-hour, gain = sum over targets of the rise of
   min(KPI mean, target + margin) (improvements beyond the target do not count); repeat.
4. Confirm the final plan with fresh seeds (a different root seed) and report both.

E.g. ``--target urban_10min=0.95``: if Kunyang's evening urban orders are the misses, the first
move tried is "+2 volunteers at Kunyang 19:00-22:00" = 2 x 3 h x 7 = 42 volunteer-hours a week.
Greedy allocation is not guaranteed to be the global minimum (moves can interact), but each step
buys the most compliance per hour available at that point; docs/policies.md discusses this.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field

import numpy as np

from sim.config.errors import UserError
from sim.config.scenario import Scenario
from sim.config.teams import Addition
from sim.experiments.pilot import prepare_world
from sim.experiments.runner import Progress, run_replications
from sim.results.kpis import KPI_INFO
from sim.results.promises import zone_promise_orders, zone_verdicts
from sim.results.summary import RepResult, total_orders
from sim.results.verdict import judge
from sim.world.workforce import addition_hours_per_week

BANDS: dict[str, tuple[int, int]] = {"day": (7, 19), "evening": (19, 22), "night": (22, 7)}
TARGET_ZONES = {"urban_10min": (0,), "rural_same_day": (1,)}
CONFIRM_SEED_OFFSET = 1_000_003  # confirmation root seed = seed + this (fresh random numbers)


def parse_targets(texts: list[str]) -> dict[str, float]:
    """``["urban_10min=0.95", ...]`` -> {KPI: threshold}; UserError for unknown or bad ones."""
    out, bad = {}, []
    for text in texts:
        name, _, value = text.partition("=")
        try:
            threshold = float(value)
        except ValueError:
            threshold = math.nan
        if name not in TARGET_ZONES or not 0 <= threshold <= 1:
            bad.append(
                f"--target {text}: expected KPI=share with KPI one of "
                f"{', '.join(TARGET_ZONES)} and 0 <= share <= 1, e.g. urban_10min=0.95"
            )
        else:
            out[name] = threshold
    if bad or not out:
        raise UserError(bad or ["expected at least one --target, e.g. urban_10min=0.95"])
    return out


def band_of_hour(hour: np.ndarray) -> np.ndarray:
    """Index into BANDS of each hour of the day."""
    out = np.zeros_like(hour)
    for k, (start, end) in enumerate(BANDS.values()):
        inside = (hour >= start) & (hour < end) if start <= end else (hour >= start) | (hour < end)
        out[inside] = k
    return out


def plan_additions(plan: dict[tuple[str, str], int]) -> list[Addition]:
    """The plan {(town, band): volunteers} as ``teams.additions`` entries (stable order)."""
    return [
        Addition(town=town, hours=list(BANDS[band]), volunteers=n)
        for (town, band), n in sorted(plan.items())
        if n > 0
    ]


def plan_hours(plan: dict[tuple[str, str], int]) -> int:
    """Extra volunteer-hours a week of a plan."""
    return sum(addition_hours_per_week(a) for a in plan_additions(plan))


def with_plan(scenario: Scenario, plan: dict[tuple[str, str], int]) -> Scenario:
    """The scenario with the plan's volunteers added to its own ``teams.additions``."""
    teams = dataclasses.replace(scenario.teams, additions=[*scenario.teams.additions, *plan_additions(plan)])
    return dataclasses.replace(scenario, teams=teams)


@dataclass
class Evaluation:
    """A plan simulated: KPI summaries of the target KPIs and the replications."""

    plan: dict[tuple[str, str], int]
    summary: dict[str, dict[str, float]]
    results: list[RepResult] = field(repr=False)


def evaluate(
    scenario: Scenario,
    plan: dict[tuple[str, str], int],
    targets: dict[str, float],
    reps: int,
    seed: int,
    jobs: int,
    keep_logs: bool = False,
) -> Evaluation:
    """Simulate ``reps`` replications of the scenario with the plan (root seed ``seed``)."""
    results = run_replications(
        with_plan(scenario, plan), reps, seed, jobs=jobs, keep_logs=keep_logs, progress=False
    )
    names = list(targets) + [k for k in ("urban_10min", "rural_same_day") if k not in targets]
    return Evaluation(dict(plan), {k: summary_of(results, k, targets.get(k)) for k in names}, results)


def summary_of(results: list[RepResult], name: str, target: float | None) -> dict[str, float]:
    """A target KPI's mean, 95% interval and verdict (``met`` against ``>= target``) from the
    one verdict function every output uses (:func:`sim.results.verdict.judge`)."""
    values = [r.kpis[name] for r in results]
    op = None if target is None else ">="
    j = judge(values, KPI_INFO[name][1], op, target, total_orders(results, name))
    return {"mean": j.mean, "low": j.low, "high": j.high, "n": j.n, "verdict": j.verdict}


def meets(summary: dict[str, dict[str, float]], targets: dict[str, float]) -> bool:
    """Whether every target KPI is met: the whole of its 95% interval clears its target (the
    verdict of :func:`sim.results.verdict.judge`, as in every other output)."""
    return all(summary[k]["verdict"] == "met" for k in targets)


def misses_by_cell(
    evaluation: Evaluation, scenario: Scenario, targets: dict[str, float]
) -> dict[tuple[str, str], float]:
    """Missed catalogue orders per replication by (town, band), in the zones of the targets
    not met yet (all targets' zones when every one is met)."""
    world = prepare_world(with_plan(scenario, evaluation.plan))
    open_targets = [k for k in targets if not meets(evaluation.summary, {k: targets[k]})]
    zones = sorted({z for k in open_targets or targets for z in TARGET_ZONES[k]})
    counts: dict[tuple[str, str], float] = {}
    bands = list(BANDS)
    for result in evaluation.results:
        log = result.log
        o = log.orders
        start, end = log.window_min
        met, decided = zone_verdicts(log, world)
        missed = (
            (o.t_placed >= start)
            & (o.t_placed < end)
            & zone_promise_orders(log)
            & np.isin(o.zone, zones)
            & ~met
            & decided
        )
        hour = (o.t_placed[missed] // 60 % 24).astype(int)
        for town, band in zip(o.town[missed], band_of_hour(hour)):
            key = (world.towns.pinyin[int(town)], bands[int(band)])
            counts[key] = counts.get(key, 0.0) + 1.0 / len(evaluation.results)
    return counts


def gain(before: dict, after: dict, targets: dict[str, float], margin: float) -> float:
    """Sum over targets of the rise of min(mean, target + margin). A target KPI undefined before
    and after (no orders of its zone) adds nothing: no move can buy it, and a NaN gain would make
    every move look acceptable."""
    rises = (
        min(after[k]["mean"], t + margin) - min(before[k]["mean"], t + margin)
        for k, t in targets.items()
        if not (math.isnan(after[k]["mean"]) and math.isnan(before[k]["mean"]))
    )
    return sum(rises)


@dataclass
class Search:
    """The outcome of :func:`optimise`: steps taken, final plan, its evaluation."""

    baseline: Evaluation
    final: Evaluation
    steps: list[tuple[tuple[str, str], int, float]]  # (cell, volunteers added, gain per hour)
    met: bool


def optimise(
    scenario: Scenario,
    targets: dict[str, float],
    reps: int,
    seed: int,
    jobs: int = 1,
    step: int = 2,
    candidates: int = 6,
    max_steps: int = 30,
    margin: float = 0.01,
    log=None,
    progress: bool = False,
) -> Search:
    """Greedy marginal allocation of extra on-duty volunteers (see the module docstring).
    ``progress``: show each round's evaluations (done/total, rate, time left) on stderr."""
    bar = Progress(1, f"optimize {scenario.name}: the plan as it is", progress, unit="evaluation")

    def say(text: str) -> None:
        bar.note(text) if bar.bar else log(text)

    current = evaluate(scenario, {}, targets, reps, seed, jobs, keep_logs=True)
    bar.step()
    baseline = current
    steps = []
    for round_ in range(1, max_steps + 1):
        if meets(current.summary, targets):
            break
        misses = misses_by_cell(current, scenario, targets)
        cells = sorted(misses, key=lambda c: (-misses[c], c))[:candidates]
        best = None
        bar = Progress(
            len(cells),
            f"optimize {scenario.name}: round {round_} (at most {max_steps})",
            progress and bool(cells),
            unit="candidate plan",
        )
        for cell in cells:
            plan = dict(current.plan)
            plan[cell] = plan.get(cell, 0) + step
            trial = evaluate(scenario, plan, targets, reps, seed, jobs, keep_logs=True)
            hours = plan_hours(plan) - plan_hours(current.plan)
            rate = gain(current.summary, trial.summary, targets, margin) / hours
            bar.step()
            if log:
                say(f"  try +{step} at {cell[0]} {cell[1]}: gain per 100 volunteer-hours {100 * rate:+.4f}")
            if best is None or rate > best[0]:
                best = (rate, cell, trial)
        if best is None or not best[0] > 0:  # no move helps (a NaN gain included)
            break
        steps.append((best[1], step, best[0]))
        current = best[2]
        if log:
            say(
                f"step {len(steps)}: +{step} at {best[1][0]} {best[1][1]} -> "
                + ", ".join(
                    f"{k} {current.summary[k]['mean']:.3f} (low {current.summary[k]['low']:.3f})"
                    for k in targets
                )
            )
    return Search(baseline, current, steps, meets(current.summary, targets))


def confirm(
    scenario: Scenario,
    plan: dict[tuple[str, str], int],
    targets: dict[str, float],
    reps: int,
    seed: int,
    jobs: int = 1,
) -> Evaluation:
    """The plan simulated with fresh random numbers (root seed + CONFIRM_SEED_OFFSET)."""
    return evaluate(scenario, plan, targets, reps, seed + CONFIRM_SEED_OFFSET, jobs)


def label(name: str) -> str:
    """KPI label for tables."""
    return KPI_INFO[name][0]
