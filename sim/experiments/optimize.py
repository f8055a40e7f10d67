"""Staffing optimisation: the least extra volunteer-hours a week that meet every target.

A target is ``KPI>=share`` (``KPI=share`` too) for the zone promises ``urban_10min`` and
``rural_same_day``, the urban promise in one band of the day (``urban_10min_day``,
``_evening``, ``_night``: the orders ``urban_10min`` judges that were placed in that band), the
urban promise in either reading (``urban_10min_acceptance``, ``urban_10min_arrival``) and the
rural promise read strictly (``rural_by_midnight``: closed by midnight of the day placed), or
``KPI<=X`` for the orders left open overnight (``open_overnight_per_week`` and the
``open_overnight_*per_1000`` KPIs; 当天响应、当天办理,原则上不过夜), or one town's promise,
``town.<pinyin>.<part>>=share`` (``compliance``, ``urban_10min``, ``rural_same_day``, a band
or a reading of the urban promise, the town KPIs of :func:`sim.results.kpis.counted_kpis`:
:func:`sim.experiments.optimize_targets.town_targets`), whose misses, and so every move it
ranks, are at that town. The promises whose orders wait for others than volunteers at the
town seats (``professional_same_day``, ``event_on_time``) are not targets
(:data:`sim.experiments.optimize_targets.NOT_TARGETS`). The search is a greedy marginal
allocation under common random numbers:

1. Simulate the scenario (plus the plan so far, as ``teams.additions``) with the root seed.
   Stop when the verdict of every target is ``met`` (:func:`sim.results.verdict.judge`: the
   whole 95% interval on the target's side) with the margin the confirmation needs to meet it
   with an estimated 80% chance (the stopping rule: :mod:`sim.experiments.optimize_stop`).
2. Otherwise find where the targets are missed, by (town, band of the day), band = day 07-19,
   evening 19-22, night 22-07: a share target's missed orders of its zone (of its band, for a
   band target: so its candidate moves are all in its band; of its town, for a town target),
   exactly those its KPI counts as missed in its reading, by the band they were placed in;
   ``rural_by_midnight``'s missed orders and an overnight target's orders open at their first
   midnight (exactly those its KPI counts) by the band they reached their town's queue
   (``t_tier2``, the first moment a volunteer at the town's seat may take them; the band they
   were placed in when they never reached it). The ``candidates`` cells with the most misses
   are the candidate moves, each "+``step`` volunteers on duty at the town's seat in that band,
   every day".
3. Simulate each move with the same seed (so the comparison is paired) and take, of the moves
   whose improvement is shown on the search seeds (:func:`shown`: for a target the move is
   credited for, the paired 95% interval of its KPI, move minus plan replication by
   replication, lies wholly on the improving side), the one with the largest gain per extra
   volunteer-hour (:func:`gain`: each target's progress towards its verdict, as a share of
   the orders its KPI judges: the paired rise of its mean, counted until the end of its 95%
   interval the verdict reads would reach the target); repeat. A target whose mean has passed
   it while its interval still spans it keeps counting, so the search goes on buying until the
   interval clears it, or no move shows an improvement. A move whose gain the search seeds
   cannot tell from noise is never bought: more replications (``--reps``) show smaller effects.
4. Confirm the final plan with fresh seeds (a different root seed), together with the scenario
   without the plan on the same fresh seeds, replication by replication (common random
   numbers), and report each target KPI's paired difference (plan minus scenario) with its 95%
   interval and verdict: the search seeds' "before" and the fresh seeds' "after" are not a pair.
5. When that confirmation fails after the search met every target, its replications join the
   search seeds, the search goes on from the plan (:func:`search_on`), and the new plan is
   confirmed on new fresh seeds, up to ``confirmations`` in all.

Steps 1-3 are this module (:func:`optimise`, :func:`search_on`), with what a move is worth
(:func:`gain`, :func:`shown`) in :mod:`sim.experiments.optimize_gain` and when to stop in
:mod:`sim.experiments.optimize_stop`; steps 4 and 5, which call the
search and which it never calls, are :mod:`sim.experiments.optimize_confirm`
(:func:`sim.experiments.optimize_confirm.optimise_confirmed`).

With a ``budget`` (extra volunteer-hours a week) the question is "what do that many hours buy,
and where": step 3 tries only the moves that fit in what is left of it, and the search stops
when none of the located moves fits, or (as without one) when every target is met, the rest of
the budget unspent, or no move shows an improvement.

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
from sim.experiments.optimize_gain import credits, shown
from sim.experiments.optimize_misses import lever_time, overnight_orders, share_misses
from sim.experiments.optimize_stop import clears, ready
from sim.experiments.optimize_targets import (
    OVERNIGHT_TARGETS,
    as_targets,
    is_share_target,
    located_at_queue,
    town_targets,
)
from sim.experiments.pilot import prepare_world
from sim.experiments.runner import Progress, run_replications
from sim.reporting.formatting import difference_text, hours_text
from sim.results.kpi_catalogue import kpi_info
from sim.results.promises import TIME_BANDS, band_of_hour, time_band
from sim.results.summary import RepResult, total_orders
from sim.results.verdict import PROPORTION_SCALE, judge
from sim.world.workforce import addition_hours_per_week

# the hours a move adds volunteers in: the urban promise's time-of-day bands, so that a band
# that misses (urban_10min_night) has a lever of the same hours
BANDS: dict[str, tuple[int, int]] = TIME_BANDS


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
    targets: dict,
    reps: int,
    seed: int,
    jobs: int,
    keep_logs: bool = False,
    progress: bool | Progress = False,
    more: tuple[tuple[int, int], ...] = (),
) -> Evaluation:
    """Simulate ``reps`` replications of the scenario with the plan (root seed ``seed``), and
    for each (root seed, replications) of ``more`` that many replications of that root seed
    after them (the search seeds a failed confirmation's replications joined:
    :func:`sim.experiments.optimize_confirm.resume`).
    ``progress``: show the replications (done/total, rate, time left) on stderr, or count them
    on the given :class:`Progress`; off by default, as the search counts evaluations itself."""
    results = []
    for root, n in ((seed, reps), *more):
        results += run_replications(
            with_plan(scenario, plan), n, root, jobs=jobs, keep_logs=keep_logs, progress=progress
        )
    return evaluation_of(scenario, plan, targets, results)


def evaluation_of(scenario: Scenario, plan: dict, targets: dict, results: list[RepResult]) -> Evaluation:
    """The plan's :class:`Evaluation` from its replications (the target KPIs' summaries, and
    the two zone promises')."""
    targets = as_targets(targets)
    names = list(targets) + [k for k in ("urban_10min", "rural_same_day") if k not in targets]
    days = scenario.run.days
    summary = {k: summary_of(results, k, *targets.get(k, (None, None)), days=days) for k in names}
    return Evaluation(dict(plan), summary, results)


def summary_of(
    results: list[RepResult],
    name: str,
    op: str | None = None,
    target: float | None = None,
    days: float | None = None,
) -> dict[str, float]:
    """A target KPI's mean, 95% interval and verdict (``met`` against ``op target``) from the
    one verdict function every output uses (:func:`sim.results.verdict.judge`), and its
    ``scale``: the value that stands for all the orders it judges (1 for a share, 1,000 for a
    per-1,000 KPI, the same-day orders a week for ``open_overnight_per_week``, from the
    replications' ``days`` measured days), which puts the targets' progress in one unit."""
    values = [r.kpis[name] for r in results]
    unit = kpi_info(name)[1]
    j = judge(values, unit, op, target, total_orders(results, name))
    if unit == "orders/week":
        counted = total_orders(results, "open_overnight_per_1000") or 0
        scale = counted / len(results) / days * 7 if days else math.nan
    else:
        scale = PROPORTION_SCALE.get(unit, 1.0)
    x = np.asarray(values, dtype=float)
    x = x[~np.isnan(x)]
    orders = total_orders(results, name)
    return {
        "mean": j.mean,
        "low": j.low,
        "high": j.high,
        "n": j.n,
        "verdict": j.verdict,
        "scale": scale,
        # what projects the interval to another number of replications (:func:`confirmation_margin`)
        "sd": float(x.std(ddof=1)) if len(x) > 1 else math.nan,
        "method": j.method,
        "orders_per_rep": orders / j.n if orders and j.n else None,
        "edge": j.at_edge,
    }


def misses_by_cell(
    evaluation: Evaluation, scenario: Scenario, targets: dict, reps: int | None = None
) -> dict[tuple[str, str], float]:
    """Missed orders per replication by (town, band), for the targets not cleared yet (with the
    margin of a confirmation of ``reps`` replications, :func:`clears`; all targets when every
    one is): the ranking of the candidate moves. A share target's missed orders
    (:func:`sim.experiments.optimize_misses.share_misses`: of its zone, in its KPI's reading,
    and for a band target of its band only, so a band target's cells are all in its band) by
    the band they were placed in (a town target's at its town only), but ``rural_by_midnight``'s
    (:data:`sim.experiments.optimize_targets.QUEUE_LOCATED`) and an overnight target's orders
    open at their first midnight by the band of
    :func:`sim.experiments.optimize_misses.lever_time`, when they reached their town's queue.
    An order missing targets of both kinds counts once for each."""
    targets = as_targets(targets)
    world = prepare_world(with_plan(scenario, evaluation.plan))
    open_targets = [k for k, (op, t) in targets.items() if not clears(evaluation.summary, k, op, t, reps)]
    open_targets = open_targets or list(targets)
    share_targets = [k for k in open_targets if is_share_target(k) and not located_at_queue(k)]
    queue_targets = [k for k in open_targets if is_share_target(k) and located_at_queue(k)]
    overnight_targets = [k for k in open_targets if k in OVERNIGHT_TARGETS]
    counts: dict[tuple[str, str], float] = {}
    bands = list(BANDS)
    for result in evaluation.results:
        log = result.log
        o = log.orders
        missed = share_misses(log, world, share_targets)
        towns, cell_bands = [o.town[missed]], [time_band(log)[missed]]
        # by the band they reached their town's queue: the orders due by midnight
        # (rural_by_midnight) and those open at it
        reached = [share_misses(log, world, queue_targets)] if queue_targets else []
        if overnight_targets:
            reached.append(overnight_orders(log, world, overnight_targets))
        for mask in reached:
            hour = (lever_time(log)[mask] // 60 % 24).astype(int)
            towns.append(o.town[mask])
            cell_bands.append(band_of_hour(hour))
        for town, band in zip(np.concatenate(towns), np.concatenate(cell_bands)):
            key = (world.towns.pinyin[int(town)], bands[int(band)])
            counts[key] = counts.get(key, 0.0) + 1.0 / len(evaluation.results)
    return counts


@dataclass
class Search:
    """The outcome of :func:`optimise`: steps taken, final plan, its evaluation."""

    baseline: Evaluation
    final: Evaluation
    steps: list[tuple[tuple[str, str], int, float]]  # (cell, volunteers added, gain per hour)
    # every target met on the search seeds with the confirmation's margin (:func:`ready`)
    met: bool
    # why the search stopped: "met" (every target met on the search seeds, with the margin of
    # a confirmation of ``confirm_reps`` replications: :func:`clears`), "no gain" (no move of
    # the last round showed an improvement on the search seeds: :func:`shown`), "max steps"
    # (``max_steps`` moves taken, the targets not met yet) or "budget" (misses located, but no
    # move at them fits in what is left of the budget)
    stopped: str = "met"
    tried: int = 0  # the moves tried in the last round (0: no round, or no miss located)
    targets: dict = field(default_factory=dict)  # the targets searched for ({KPI: (op, threshold)})
    budget: float | None = None  # extra volunteer-hours a week the plan may take (None: no limit)
    cheapest: int = 0  # stopped "budget": the volunteer-hours a week of the cheapest move left out
    # the zones of the places of each town a target names ({pinyin: (0 urban, 1 rural)}): the
    # levers the stop line gives for a target when extra volunteers stop helping
    towns: dict[str, tuple[int, ...]] = field(default_factory=dict)
    # the replications of the confirmation the search's stop provides a margin for (None: none)
    confirm_reps: int | None = None
    # the search seeds: (root seed, replications) of each block every evaluation simulates, the
    # root seed first, then each failed confirmation's that joined them
    # (:func:`sim.experiments.optimize_confirm.resume`)
    seeds: list[tuple[int, int]] = field(default_factory=list)
    # stopped "no gain": the moves of the last round that gained (:func:`gain` above 0) without
    # showing it on the search seeds (:func:`shown`): more replications would resolve them
    unshown: int = 0

    @property
    def spent(self) -> int:
        """Extra volunteer-hours a week of the final plan."""
        return plan_hours(self.final.plan)

    @property
    def left(self) -> float:
        """What is left of the budget (volunteer-hours a week; NaN without a budget)."""
        return math.nan if self.budget is None else self.budget - self.spent


def move_hours(cell: tuple[str, str], step: int) -> int:
    """Extra volunteer-hours a week of the move "+``step`` volunteers at ``cell`` (town, band)":
    step x the band's hours x 7, whatever the plan already holds there."""
    return plan_hours({cell: step})


def optimise(
    scenario: Scenario,
    targets: dict,
    reps: int,
    seed: int,
    jobs: int = 1,
    step: int = 2,
    candidates: int = 6,
    max_steps: int = 30,
    margin: float = 0.0,
    log=None,
    progress: bool = False,
    budget: float | None = None,
    drop_empty: bool = False,
    confirm_reps: int | None = -1,
) -> Search:
    """Greedy marginal allocation of extra on-duty volunteers (see the module docstring).
    ``targets``: {KPI: (op, threshold)} (:func:`sim.experiments.optimize_targets.parse_targets`;
    a bare threshold is ``>=``); a town target's town is checked against the scenario before
    anything simulates, and named as its KPI is (:func:`sim.experiments.optimize_targets.town_targets`:
    UserError for a town the scenario lacks).
    ``progress``: show each round's evaluations (done/total, rate, time left) on stderr.
    ``budget``: extra volunteer-hours a week the plan may take in all; a move that would take
    the plan past it is not tried, and the search stops ("budget") when misses are located but
    no move at them fits in what is left (docs/policies.md, "A budget").
    ``drop_empty``: a target without orders in any replication is left out (the headline
    promises of a county without urban places) instead of refused; refused when none is left.
    ``confirm_reps``: the replications of the confirmation that follows (-1, the default: as
    ``reps``); the search stops when every target clears its target by the half-width that
    confirmation is expected to have (:func:`clears`); None: when every verdict is ``met``."""
    confirm_reps = reps if confirm_reps == -1 else confirm_reps
    targets, towns, notes = town_targets(scenario, as_targets(targets))
    for note in notes if log else ():
        log(note)
    bar = Progress(1, f"optimize {scenario.name}: the plan as it is", progress, unit="evaluation")
    current = evaluate(scenario, {}, targets, reps, seed, jobs, keep_logs=True)
    bar.step()
    empty = [k for k in targets if current.summary[k]["n"] == 0]
    if empty and drop_empty and len(empty) < len(targets):
        if log:
            note = f"{', '.join(empty)}: no orders in any replication, not a target here"
            (bar.note if bar.bar else log)(note)
        targets = {k: v for k, v in targets.items() if k not in empty}
    elif empty:  # no order of its kind in any replication: no plan can meet it or miss it
        raise UserError(
            f"{scenario.name}: {', '.join(empty)} has no orders in any replication (e.g. a "
            "county without urban places); expected a target the scenario has orders for"
        )
    start = Search(
        current, current, [], False, "max steps", 0, targets, budget, 0, towns, confirm_reps, [(seed, reps)]
    )
    return search_on(scenario, start, jobs, step, candidates, max_steps, margin, log, progress)


def search_on(
    scenario: Scenario,
    search: Search,
    jobs: int,
    step: int,
    candidates: int,
    max_steps: int,
    margin: float = 0.0,
    log=None,
    progress: bool = False,
) -> Search:
    """The greedy rounds of :func:`optimise` from ``search``'s final plan on its seeds, its
    steps kept, until every target clears (:func:`clears`), no move shows an improvement
    (:func:`shown`), the plan holds ``max_steps`` moves in all, or no located move fits in what
    is left of the budget."""
    targets, budget, confirm_reps = search.targets, search.budget, search.confirm_reps
    (seed, reps), more = search.seeds[0], tuple(search.seeds[1:])
    bar = Progress(0, "", False)

    def say(text: str) -> None:
        bar.note(text) if bar.bar else log(text)

    current = search.final
    steps = list(search.steps)
    stopped = "max steps"
    tried = cheapest = unshown = 0
    for round_ in range(len(steps) + 1, max_steps + 1):
        if ready(current.summary, targets, confirm_reps):
            break
        misses = misses_by_cell(current, scenario, targets, confirm_reps)
        ranked = sorted(misses, key=lambda c: (-misses[c], c))
        if budget is not None:  # only the moves that fit in what is left of the budget
            left = budget - plan_hours(current.plan)
            dear = [c for c in ranked[:candidates] if move_hours(c, step) > left]
            if log and dear:
                say(
                    f"  not tried, over the {hours_text(left)} volunteer-hours a week left of the budget: "
                    + ", ".join(f"+{step} at {c[0]} {c[1]} ({move_hours(c, step)})" for c in dear)
                )
            fits = [c for c in ranked if move_hours(c, step) <= left]
            if ranked and not fits:
                stopped, tried = "budget", 0
                cheapest = min(move_hours(c, step) for c in ranked)
                break
            ranked = fits
        cells = ranked[:candidates]
        tried, unshown = len(cells), 0
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
            trial = evaluate(scenario, plan, targets, reps, seed, jobs, keep_logs=True, more=more)
            hours = plan_hours(plan) - plan_hours(current.plan)
            credit = credits(current.summary, trial.summary, targets, margin, confirm_reps)
            rate = sum(credit.values()) / hours
            ok, name, d = shown(current, trial, targets, credit)
            bar.step()
            if log:
                text = f"  try +{step} at {cell[0]} {cell[1]}: gain per 100 volunteer-hours {100 * rate:+.4f}"
                if d is not None and rate > 0:
                    change = difference_text(d["mean"], d["low"], d["high"], kpi_info(name)[1])
                    text += f", {'shown' if ok else 'not shown'}: {name} {change} (paired 95% CI)"
                say(text)
            if rate > 0 and not ok:
                unshown += 1
            # a move is taken only when its improvement is shown on the search seeds; among
            # those, the largest gain per volunteer-hour (a NaN gain is never above 0)
            if rate > 0 and ok and (best is None or rate > best[0]):
                best = (rate, cell, trial)
        if best is None:  # no move tried showed an improvement
            stopped = "no gain"
            break
        steps.append((best[1], step, best[0]))
        current = best[2]
        if log:
            say(
                f"step {len(steps)}: +{step} at {best[1][0]} {best[1][1]} -> "
                + ", ".join(
                    f"{k} {current.summary[k]['mean']:.3f} "
                    f"({'low' if op == '>=' else 'high'} "
                    f"{current.summary[k]['low' if op == '>=' else 'high']:.3f})"
                    for k, (op, _) in targets.items()
                )
            )
    met = ready(current.summary, targets, confirm_reps)
    return dataclasses.replace(
        search,
        final=current,
        steps=steps,
        met=met,
        stopped="met" if met else stopped,
        tried=tried,
        unshown=unshown if stopped == "no gain" and not met else 0,
        cheapest=cheapest,
    )
