"""The confirmation of an optimize plan, and the search that goes on after a failed one.

The search (:func:`sim.experiments.optimize.optimise`) chooses its plan on its own seeds, so its
figures there flatter the plan. A confirmation (:func:`confirm`) simulates the final plan and
the scenario without it on fresh seeds (root seed :func:`confirmation_seed`), the same seeds for
both (common random numbers), and reports each target KPI's paired difference (plan minus
scenario) with its 95% interval and verdict: what the plan adds, on seeds the search did not
choose it on.

A confirmation can fail although the search stopped with the margin it needs (an estimated 80%
chance to pass, :func:`sim.experiments.optimize_stop.confirmation_margin`). Its replications are then
evidence the search lacked: :func:`resume` pools them with the search seeds (nothing simulated
again), :func:`sim.experiments.optimize.search_on` goes on from the plan on all those seeds, and
the new plan is confirmed on new fresh seeds, up to ``confirmations`` in all
(:func:`optimise_confirmed`). Each confirmation is a chance for a plan just short of a target to
pass by luck, so the outcome (:class:`Confirmed`) keeps every confirmation run, which the output
states (docs/policies.md, "Why the search stops with a margin").

Kept apart from the search, which needs none of this: this module calls the search, the search
never calls it.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from sim.config.scenario import Scenario
from sim.experiments.optimize import (
    Evaluation,
    Search,
    evaluate,
    evaluation_of,
    optimise,
    search_on,
)
from sim.experiments.optimize_stop import meets
from sim.experiments.optimize_targets import as_targets
from sim.experiments.runner import Progress
from sim.results.kpi_catalogue import kpi_info
from sim.results.stats import difference_verdict, paired_difference

CONFIRM_SEED_OFFSET = 1_000_003  # confirmation root seed = seed + this (fresh random numbers)


@dataclass
class Confirmation:
    """The final plan and the scenario without it, simulated on the same fresh seeds.

    ``differences``: per target KPI, the plan's paired difference from the scenario
    (:func:`sim.results.stats.paired_difference`, plan minus scenario replication by
    replication: mean, sd, half_width, low, high, n in the KPI's unit, 95% interval) and its
    ``verdict`` (:func:`sim.results.stats.difference_verdict`: better, worse, same, or n/a).
    Without a plan, ``base`` is ``plan`` (nothing simulated twice) and every difference is 0."""

    plan: Evaluation
    base: Evaluation
    differences: dict[str, dict] = field(default_factory=dict)


def paired_differences(base: Evaluation, plan: Evaluation, targets: dict) -> dict[str, dict]:
    """Each target KPI's paired difference, plan minus base, over replications that share their
    seeds (95% interval), with its verdict in the KPI's direction (see :class:`Confirmation`)."""
    out = {}
    for k in as_targets(targets):
        _, unit, direction = kpi_info(k)
        d = paired_difference([r.kpis[k] for r in base.results], [r.kpis[k] for r in plan.results], unit=unit)
        out[k] = {**d, "verdict": difference_verdict(d["mean"], d["low"], d["high"], direction)}
    return out


def confirmation_seed(seed: int, k: int = 1) -> int:
    """The root seed of the ``k``-th confirmation of a search of root seed ``seed``: seed +
    k x CONFIRM_SEED_OFFSET, random numbers independent of the search's and of every other
    confirmation's."""
    return seed + k * CONFIRM_SEED_OFFSET


def confirm(
    scenario: Scenario,
    plan: dict[tuple[str, str], int],
    targets: dict,
    reps: int,
    seed: int,
    jobs: int = 1,
    progress: bool = False,
    k: int = 1,
    keep_logs: bool = False,
) -> Confirmation:
    """The plan, and the scenario without it, simulated with fresh random numbers (root seed
    :func:`confirmation_seed` of ``seed`` for the ``k``-th confirmation, the same seeds for
    both: common random numbers), so that the plan's gain is a paired difference on seeds the
    search did not choose it on. A plan costs twice ``reps`` replications (one when there is
    no plan). ``progress``: show the replications on stderr (a bar on a terminal, a few plain
    lines in CI or a pipe; :class:`sim.reporting.progress.Progress`), as ``run`` does: the
    confirmation usually has the most replications of the whole search. ``keep_logs``: keep the
    order logs, which the search needs when these replications join its seeds (:func:`resume`)."""
    title = f"optimize {scenario.name}: confirmation{f' {k}' if k > 1 else ''} (fresh seeds)"
    if plan:
        title += ", the plan and the scenario without it"
    bar = Progress(reps * (2 if plan else 1), title, progress)
    fresh = confirmation_seed(seed, k)
    planned = evaluate(scenario, plan, targets, reps, fresh, jobs, keep_logs=keep_logs, progress=bar)
    base = evaluate(scenario, {}, targets, reps, fresh, jobs, progress=bar) if plan else planned
    return Confirmation(planned, base, paired_differences(base, planned, targets))


def resume(scenario: Scenario, search: Search, confirmation: Confirmation, seed: int) -> Search:
    """The search with a failed confirmation's replications (root seed ``seed``) joined to its
    seeds: the plan's and the scenario's evaluations pooled with the confirmation's of the same
    plan and of the scenario without it (nothing simulated again), every later evaluation on
    all those seeds (common random numbers still: a move and the plan face the same orders).
    The pooled estimate is less optimistic than the search seeds' alone (the plan was chosen
    on those, not on the confirmation's) and its interval narrower, so the search goes on from
    the plan with the margin :func:`clears` asks for on the evidence of both."""
    targets = search.targets
    pooled = search.final.results + confirmation.plan.results
    final = evaluation_of(scenario, search.final.plan, targets, pooled)
    base = evaluation_of(scenario, {}, targets, search.baseline.results + confirmation.base.results)
    n = len(confirmation.plan.results)
    return dataclasses.replace(
        search, baseline=base, final=final, seeds=[*search.seeds, (seed, n)], met=False, stopped="max steps"
    )


@dataclass
class Confirmed:
    """The outcome of :func:`optimise_confirmed`: the search (its final plan, its seeds: the
    root seed's and each failed confirmation's that joined them) and every confirmation run,
    in order, as (root seed, :class:`Confirmation`); the last one is of the final plan."""

    search: Search
    confirmations: list[tuple[int, Confirmation]]
    limit: int  # the confirmations allowed (--confirmations)
    # why no further confirmation ran after a failed one: "" (the last one passed, or the search
    # did not clear its targets), "limit" (``limit`` confirmations run), "same plan" (the search
    # on the pooled seeds added no move: the plan failed its confirmation and nothing else was
    # found to try)
    ended: str = ""

    @property
    def last(self) -> Confirmation:
        """The confirmation of the final plan."""
        return self.confirmations[-1][1]

    @property
    def met(self) -> bool:
        """Whether the final plan's confirmation meets every target."""
        return meets(self.last.plan.summary, self.search.targets)


def optimise_confirmed(
    scenario: Scenario,
    targets: dict,
    reps: int,
    seed: int,
    jobs: int = 1,
    confirm_reps: int | None = None,
    confirmations: int = 3,
    step: int = 2,
    candidates: int = 6,
    max_steps: int = 30,
    log=None,
    progress: bool = False,
    budget: float | None = None,
    drop_empty: bool = False,
) -> Confirmed:
    """:func:`optimise` (with the margin of a confirmation of ``confirm_reps`` replications,
    default ``reps``), then :func:`confirm` on fresh seeds; while a confirmation fails after the
    search cleared every target, and fewer than ``confirmations`` have run, its replications
    join the search seeds (:func:`resume`), the search goes on from the plan (``max_steps``
    moves in all) and the new plan is confirmed on new fresh seeds (:func:`confirmation_seed`
    of the next number). It ends with a plan that passed a confirmation on seeds no search
    chose it on, or with the last plan and the confirmation it failed (:attr:`Confirmed.ended`
    says why no further one ran). Each confirmation is a chance for a plan that falls short to
    pass by luck (at most about 2.5% each for a plan just short of a target), which the output
    states with how many ran."""
    confirm_reps = confirm_reps or reps
    search = optimise(
        scenario,
        targets,
        reps,
        seed,
        jobs=jobs,
        step=step,
        candidates=candidates,
        max_steps=max_steps,
        log=log,
        progress=progress,
        budget=budget,
        drop_empty=drop_empty,
        confirm_reps=confirm_reps,
    )
    runs: list[tuple[int, Confirmation]] = []
    ended = ""
    while True:
        k = len(runs) + 1
        more = search.stopped == "met" and k < confirmations  # a failure would search on
        c = confirm(scenario, search.final.plan, search.targets, confirm_reps, seed, jobs, progress, k, more)
        runs.append((confirmation_seed(seed, k), c))
        if meets(c.plan.summary, search.targets) or search.stopped != "met":
            break
        if k >= confirmations:
            ended = "limit"
            break
        if log:
            log(
                f"confirmation {k} (seed {confirmation_seed(seed, k)}) did not meet every target: its "
                "replications join the search seeds and the search goes on"
            )
        before = len(search.steps)
        search = search_on(
            scenario,
            resume(scenario, search, c, confirmation_seed(seed, k)),
            jobs,
            step,
            candidates,
            max_steps,
            log=log,
            progress=progress,
        )
        if len(search.steps) == before:
            ended = "same plan"
            break
    return Confirmed(search, runs, confirmations, ended)
