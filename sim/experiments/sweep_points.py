"""A sweep's points: each simulated once, saved at once, and reused while nothing it depends on changes.

Each finished point is saved at once, atomically, as ``<key>.json`` in a points cache folder,
``key`` a hash of everything that determines its results: the point's fully resolved scenario
(every default filled, the overrides applied), the bytes of every data file it reads, and the
engine (its version and a digest of its source). A point file holds the point's overrides, seed,
replications, measured days and every KPI's value in each replication. :func:`run_points`
first takes into the cache (hard links) the point files of an earlier folder whose keys the grid
uses, then simulates only the points the cache lacks, so an interrupted sweep resumes where it
stopped and ends with the same table, while a changed base scenario, data file or engine gets
new keys and is recomputed. A point file that cannot be read or does not hold what its key
promises is recomputed with a warning. The cache's files are only ever replaced by a rename,
never written through a link, so a folder linked to them never changes under it.

Where the cache lies, and when it is removed, is the results folder's business
(:mod:`sim.experiments.sweep_folder`).
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import shutil
import sys
from collections.abc import Callable
from concurrent.futures import as_completed
from pathlib import Path
from typing import Any

from sim.config.errors import UserError
from sim.config.scenario import Scenario
from sim.experiments.content import content_key
from sim.experiments.pilot import prepare_world
from sim.experiments.runner import run_replications
from sim.experiments.sweep_file import Sweep, point_scenario, points
from sim.experiments.workers import pool as worker_pool
from sim.experiments.workers import stop_pool
from sim.reporting.files import write_json
from sim.reporting.progress import Progress
from sim.results.summary import total_orders
from sim.results.verdict import kpi_targets


def point_key(overrides: dict[str, Any], scenario: Scenario) -> str:
    """Stable hash of what determines a point's results (its file name): the overrides, the
    resolved scenario, the data files' bytes and the engine."""
    text = json.dumps({"overrides": overrides, "content": content_key(scenario)}, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def read_point(path: Path, scenario: Scenario, kpis: list[str]) -> dict | None:
    """A saved point, or None (with a warning on stderr) when it is missing, unreadable or
    does not hold ``run.reps`` values of each KPI the sweep reports."""
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        values = data["kpis"]
        ok = (
            data.get("reps") == scenario.run.reps
            and data.get("seed") == scenario.run.seed
            and _counts_and_targets(data)
            and all(
                isinstance(values[k], list)
                and len(values[k]) == scenario.run.reps
                and all(
                    v is None or (isinstance(v, (int, float)) and not isinstance(v, bool)) for v in values[k]
                )
                for k in kpis
            )
        )
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError):
        ok = False
    if not ok:
        print(
            f"warning: {path}: unreadable or incomplete point file; simulating the point again",
            file=sys.stderr,
        )
        return None
    data["kpis"] = {k: [math.nan if v is None else float(v) for v in values[k]] for k in kpis}
    return data


def _counts_and_targets(data: dict) -> bool:
    """Whether a point file has its order counts ({KPI: int}) and targets ({KPI: [op,
    value]}): a point file without them cannot be judged as ``run`` judges (it is simulated
    again)."""
    orders, targets = data.get("orders"), data.get("targets")
    return (
        isinstance(orders, dict)
        and all(isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in orders.values())
        and isinstance(targets, dict)
        and all(
            isinstance(t, list)
            and len(t) == 2
            and t[0] in (">=", "<=")
            and isinstance(t[1], (int, float))
            and not isinstance(t[1], bool)
            for t in targets.values()
        )
    )


def _run_point(task: tuple[Scenario, Path, dict[str, Any]]) -> Path:
    """Simulate one point's replications and save atomically its per-replication KPIs, the
    orders each proportion counted over them (its interval's binomial part, as a run's
    kpis.json has it) and the targets its scenario holds them to (``kpi_targets``), so that
    the table judges a point as ``run`` judges the same replications."""
    scenario, path, overrides = task
    world = prepare_world(scenario)
    if point_key(overrides, scenario) != path.stem:  # fail closed: not the bytes it was keyed by
        raise UserError(
            f"{path.name}: a file of the sweep's scenario changed while the sweep ran (its "
            "points are keyed by the bytes they were planned on); expected the scenario and its "
            "data files left as they were: rerun the sweep"
        )
    results = run_replications(
        scenario, scenario.run.reps, scenario.run.seed, jobs=1, keep_logs=False, progress=False, world=world
    )
    names = list(results[0].kpis)
    orders = {name: total_orders(results, name) for name in names}
    write_json(
        path,
        {
            "overrides": overrides,
            "seed": scenario.run.seed,
            "reps": scenario.run.reps,
            "days": scenario.run.days,
            "kpis": {name: [r.kpis[name] for r in results] for name in names},
            "orders": {name: count for name, count in orders.items() if count is not None},
            "targets": {name: list(target) for name, target in kpi_targets(world).items()},
        },
    )
    return path


def run_points(
    sweep: Sweep,
    cache: Path,
    earlier: Path,
    jobs: int = 1,
    progress: bool = True,
    on_point: Callable[[Path], None] | None = None,
) -> tuple[list[dict], list[Path]]:
    """Every grid point's saved data (:func:`read_point`'s: each KPI's value per replication),
    in the grid's order, and its point file in the folder ``cache``.

    The points ``cache`` lacks are first taken from the folder ``earlier`` (the previous
    results' ``points/``, hard links), then the ones still missing are simulated, in ``jobs``
    worker processes, each saved at once; ``on_point`` is called with each file saved (tests
    use it to interrupt a sweep). Every point's scenario is checked before any is simulated.
    The caller holds the results folder's lock, which guards the cache too."""
    grid = points(sweep)
    scenarios = [point_scenario(sweep, p) for p in grid]  # every point checked before any run
    paths = [cache / (point_key(p, s) + ".json") for p, s in zip(grid, scenarios)]
    for path in paths:  # the previous results' points (read_point checks them like any other)
        if not path.exists() and (earlier / path.name).is_file():
            link_file(earlier / path.name, path)
    saved: list[dict | None] = [read_point(path, s, sweep.kpis) for path, s in zip(paths, scenarios)]
    todo = [(s, path, p) for s, path, p, d in zip(scenarios, paths, grid, saved) if d is None]
    bar = Progress(len(todo), f"sweep {sweep.name}", progress and bool(todo), unit="point")
    if progress and len(todo) < len(grid):
        reused = len(grid) - len(todo)
        kept = sum(d is not None and _same_file(path, earlier / path.name) for path, d in zip(paths, saved))
        if kept == reused:
            where = f"saved in {earlier}"
        elif kept == 0:
            where = f"an interrupted sweep saved in {cache}"
        else:
            where = f"({kept} saved in {earlier}, {reused - kept} by an interrupted sweep)"
        bar.note(
            f"sweep {sweep.name}: reusing {reused} of {len(grid)} points {where}; {len(todo)} to simulate"
        )
    if jobs <= 1 or len(todo) <= 1:
        for task in todo:
            done = _run_point(task)
            bar.step()
            if on_point:
                on_point(done)
    else:
        with worker_pool(min(jobs, len(todo))) as pool:
            futures = [pool.submit(_run_point, task) for task in todo]
            try:
                for future in as_completed(futures):
                    done = future.result()
                    bar.step()
                    if on_point:
                        on_point(done)
            except BaseException:
                stop_pool(pool)
                raise
    data = [d or read_point(path, s, sweep.kpis) for d, path, s in zip(saved, paths, scenarios)]
    if any(d is None for d in data):  # a point file was changed under the running sweep
        raise UserError(f"{cache}: a point file changed during the sweep; expected to run it alone")
    return data, paths


def link_points(paths: list[Path], folder: Path) -> None:
    """Put the point files ``paths`` into ``folder`` (a new results folder's ``points/``) as
    hard links, so a finished sweep's folder holds its grid's points without copying them."""
    for path in paths:
        link_file(path, folder / path.name)


def link_file(source: Path, target: Path) -> None:
    """Put ``source`` at ``target`` as a hard link (a copy where links are not possible). The
    cache's files are only ever replaced by rename, never written through a link."""
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except FileExistsError:  # a grid value given twice: one point, one file
        pass
    except OSError:
        shutil.copyfile(source, target)


def _same_file(a: Path, b: Path) -> bool:
    """Whether ``a`` and ``b`` are one file (a cached point linked from a results folder)."""
    try:
        return a.samefile(b)
    except OSError:
        return False
