"""Replications of a scenario, and the precision rule of ``run --precision`` (judged on the
reported 95% interval, :func:`sim.results.verdict.judge`).

Replication ``i`` of an experiment with root seed ``s`` always uses child ``i`` of
``SeedSequence(s)`` (:func:`sim.model.rng.replication_seeds`), whichever process runs it, so results are
byte-identical for any number of workers. Workers build the world once each and return the
replication's KPIs and (optionally) its logs; the parent orders results by replication index.
With the progress bar on, each worker also tells the parent, at each simulated midnight, the
share of its replication done (through a queue, :func:`sim.experiments.workers.progress_queue`),
so that the bar moves inside replications too; a run on a Dask cluster counts whole
replications only.

An experiment may be extended (docs/extending.md): ``extend(rep)`` is called on each
replication before it runs, and ``rule`` replaces the scenario's dispatch rule; both reach the
workers pickled (:func:`sim.experiments.replicate.extension`).
"""

from __future__ import annotations

import functools
import math
import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, wait

from sim.config.scenario import Scenario
from sim.experiments.content import content_key
from sim.experiments.pilot import world_as_planned
from sim.experiments.replicate import Extension, extension, run_one
from sim.experiments.workers import pool as worker_pool
from sim.experiments.workers import progress_queue, stop_pool
from sim.model.dispatch_rules import Rule
from sim.model.replication import Replication
from sim.reporting.progress import Progress
from sim.results.kpi_catalogue import HEADLINE, KPI_INFO
from sim.results.summary import RepResult, total_orders
from sim.results.verdict import judge
from sim.world.build import World

_WORKER_WORLD: World | BaseException | None = None
_WORKER_EXTENSION: Extension | None = None
_WORKER_PROGRESS = None  # the parent's progress queue, when its bar is on

# seconds between two looks at the workers' progress while no replication finishes
_POLL_S = 0.2


def _init_worker(
    scenario: Scenario, ext: Extension | None = None, planned: str | None = None, progress=None
) -> None:
    """Build the worker's world (:func:`world_as_planned`); a failure is kept and raised by the
    worker's tasks, so that the parent gets the error itself (an initializer that raises only
    breaks the pool). ``progress``: the queue on which to report each replication's share done
    at each simulated midnight (None: the parent shows no bar, and nothing is reported)."""
    global _WORKER_WORLD, _WORKER_EXTENSION, _WORKER_PROGRESS
    _WORKER_EXTENSION = ext
    _WORKER_PROGRESS = progress
    try:
        _WORKER_WORLD = world_as_planned(scenario, planned)
    except Exception as exc:
        _WORKER_WORLD = exc


def _tell_parent(index: int, share: float) -> None:
    """Report to the parent that replication ``index`` is ``share`` (0..1) done."""
    _WORKER_PROGRESS.put((index, share))


def _run_in_worker(args: tuple[int, int, bool]) -> RepResult:
    seed_root, index, keep_log = args
    if isinstance(_WORKER_WORLD, BaseException):
        raise _WORKER_WORLD
    assert _WORKER_WORLD is not None
    if _WORKER_PROGRESS is None:  # (no bar: the call, and the replication, as without progress)
        return run_one(_WORKER_WORLD, seed_root, index, keep_log, _WORKER_EXTENSION)
    on_day = functools.partial(_tell_parent, index)
    return run_one(_WORKER_WORLD, seed_root, index, keep_log, _WORKER_EXTENSION, on_day=on_day)


def default_jobs() -> int:
    """Worker processes to use by default: all cores."""
    return max(1, os.cpu_count() or 1)


def run_replications(
    scenario: Scenario,
    reps: int,
    seed: int,
    jobs: int = 1,
    keep_logs: bool = True,
    first: int = 0,
    world: World | None = None,
    progress: bool | Progress = True,
    scheduler: str | None = None,
    extend: Callable[[Replication], object] | None = None,
    rule: Rule | None = None,
    planned: str | None = None,
) -> list[RepResult]:
    """Replications ``first .. first+reps-1`` of a scenario, in index order.

    Locally in ``jobs`` worker processes, or on the Dask scheduler at ``scheduler``; the
    results are identical either way (each replication depends only on its own seed).

    ``extend(rep)`` is called on each replication after its set-up and before ``rep.run()``
    (to add processes, hooks, ...); ``rule`` is a dispatch rule object in place of the
    scenario's ``dispatch.rule``. Both must pickle (a module-level function or class, or a
    ``functools.partial`` of one): a lambda or closure raises TypeError before anything runs.
    Each replication gets its own copy of both (docs/extending.md).

    ``planned``: the scenario's content key (:func:`sim.experiments.content.content_key`) when
    the run began (default: now); a world built from files changed since is refused
    (:func:`world_as_planned`), so that one run never mixes two versions of a data file.
    """
    ext = extension(extend, rule)
    indices = list(range(first, first + reps))
    bar = progress if isinstance(progress, Progress) else Progress(len(indices), scenario.name, progress)
    if scheduler:
        from sim.experiments.cluster import run_on_cluster

        return run_on_cluster(scenario, indices, seed, keep_logs, scheduler, bar.step, ext)
    if jobs <= 1 or len(indices) <= 1:
        world = world or world_as_planned(scenario, planned)
        out = []
        for i in indices:  # (in this process, the bar follows each replication day by day)
            out.append(run_one(world, seed, i, keep_logs, ext, bar.within if bar.enabled else None))
            bar.step()
        return out
    # the workers build their worlds from the files: the bytes the run was planned on
    planned = planned or content_key(scenario)
    return _in_workers(scenario, indices, seed, jobs, keep_logs, bar, ext, planned)


def _in_workers(
    scenario: Scenario,
    indices: list[int],
    seed: int,
    jobs: int,
    keep_logs: bool,
    bar: Progress,
    ext: Extension | None,
    planned: str,
) -> list[RepResult]:
    """Replications ``indices`` in worker processes, in index order; with the bar on, the
    workers report each replication's share done at each simulated midnight, and the bar shows
    them until that replication's result arrives."""
    results: dict[int, RepResult] = {}
    context = multiprocessing.get_context()  # the pool's, and its progress queue's
    queue = progress_queue(context) if bar.enabled else None
    initargs = (scenario, ext, planned, queue)
    with worker_pool(min(jobs, len(indices)), _init_worker, initargs, context=context) as pool:
        # futures, not pool.map: map cancels its futures itself on an error, and the pool's
        # manager thread then fails on them (InvalidStateError) as it notes the stopped workers
        futures = {pool.submit(_run_in_worker, (seed, i, keep_logs)): i for i in indices}
        pending = set(futures)
        try:
            while pending:
                finished, pending = wait(
                    pending, timeout=_POLL_S if queue is not None else None, return_when=FIRST_COMPLETED
                )
                # (a worker's shares are in the queue before its result arrives: read them
                # first, so that a finished replication's share is cleared, not shown again)
                while queue is not None and not queue.empty():
                    index, share = queue.get()
                    if index not in results:
                        bar.within(share, key=index)
                for future in sorted(finished, key=futures.__getitem__):
                    result = future.result()
                    results[result.index] = result
                    bar.step(key=result.index)
        except BaseException:
            stop_pool(pool)
            raise
        finally:
            if queue is not None:
                queue.close()
    return [results[i] for i in indices]


# An absolute floor for the precision rule, by KPI unit: a share's half-width of half a
# percentage point, or half an order a week, is precise enough even when 5% of a tiny mean
# would ask for more.
PRECISION_FLOOR = {"share": 0.005, "per 1,000 orders": 5.0, "orders/week": 0.5}
# The precision rule's first round: a rule that stops on intervals it has looked at stops early
# when a few replications happen to agree, and those intervals then cover less than their 95%;
# Law and Kelton (Simulation Modeling and Analysis, the sequential procedure) ask for 10 at least.
PRECISION_MIN_REPS = 10


def imprecise(results: list[RepResult], names: list[str], relative: float) -> dict[str, float]:
    """KPIs whose 95% half-width exceeds ``relative / (1 + relative)`` x |mean| (or the unit's
    floor), with the factor by which the half-width is too wide. The half-width is that of the
    interval every output reports (:func:`sim.results.verdict.judge`: half of kpis.json's
    ``high - low``), so a run that stops as precise is precise in its files too. The
    ``1 + relative`` is Law and Kelton's correction: a half-width of ``relative`` times the
    estimate bounds the error relative to the estimate, and this one bounds it relative to
    the true mean."""
    out = {}
    for name in names:
        unit = KPI_INFO.get(name, ("", "share", 0))[1]
        j = judge([r.kpis.get(name, float("nan")) for r in results], unit, orders=total_orders(results, name))
        half = j.half_width
        if j.n < 2 or math.isnan(half):
            if j.n > 0:
                out[name] = 2.0
            continue
        allowed = max(relative / (1 + relative) * abs(j.mean), PRECISION_FLOOR.get(unit, 0.0))
        if half > allowed:
            out[name] = half / allowed if allowed > 0 else 2.0
    return out


def run_to_precision(
    scenario: Scenario,
    seed: int,
    relative: float,
    max_reps: int,
    jobs: int = 1,
    names: list[str] | None = None,
    scheduler: str | None = None,
    world: World | None = None,
    progress: bool = True,
    extend: Callable[[Replication], object] | None = None,
    rule: Rule | None = None,
) -> list[RepResult]:
    """Add replications until every KPI in ``names`` (default: the headline KPIs) has a 95%
    half-width within ``relative`` of its mean, or ``max_reps`` is reached.

    Starts with ``run.reps``, at least :data:`PRECISION_MIN_REPS` (but never more than
    ``max_reps``); each round asks for the replications the worst KPI needs (half-width shrinks
    as 1/sqrt(n)), so the result depends only on the seed.
    ``extend`` and ``rule``: as :func:`run_replications`'s.
    """
    names = names or HEADLINE
    planned = content_key(scenario)  # every round's replications simulate these bytes
    n = min(max(PRECISION_MIN_REPS, scenario.run.reps), max_reps)
    bar = Progress(n, f"{scenario.name} (round 1, precision {relative:g})", progress)
    results = run_replications(
        scenario,
        n,
        seed,
        jobs,
        keep_logs=True,
        world=world,
        progress=bar,
        scheduler=scheduler,
        extend=extend,
        rule=rule,
        planned=planned,
    )
    rounds = 1
    while len(results) < max_reps:
        wide = imprecise(results, names, relative)
        if not wide:
            break
        needed = math.ceil(len(results) * max(wide.values()) ** 2)
        more = min(max_reps, max(needed, len(results) + 1)) - len(results)
        rounds += 1
        bar.add(more, f"{scenario.name} (round {rounds}, precision {relative:g}, at most {max_reps})")
        results += run_replications(
            scenario,
            more,
            seed,
            jobs,
            keep_logs=True,
            first=len(results),
            world=world,
            progress=bar,
            scheduler=scheduler,
            extend=extend,
            rule=rule,
            planned=planned,
        )
    return results
