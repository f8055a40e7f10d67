"""A comparison's arms: each scenario compared, simulated or read from a saved run, and the check
that they can be compared.

An arm is one scenario's KPIs in each replication, under the comparison's common seed and
replications (:func:`plan`): simulated from a scenario file (:func:`load_arm`,
:func:`simulate_arm`) or read from a results folder a run saved, whose warm-up, drain, start
weekday and engine come from its scenario.json and run.json (:func:`saved_settings`). A paired
difference means something only when replication i of every arm measures the same days, so
:func:`check_arms` refuses arms whose measured days, warm-up, drain or start weekday differ, and
:func:`preview_arm` lets it refuse before anything is simulated. Kept apart from the statistics
(:mod:`sim.experiments.compare`), which take arms however they were made, and from the outputs
(:mod:`sim.experiments.compare_output`).
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from pathlib import Path

from sim.config.errors import Problem, UserError
from sim.config.load import load_scenario
from sim.config.scenario import Scenario
from sim.experiments.content import engine_digest
from sim.experiments.pilot import prepare_world
from sim.experiments.runner import Progress, run_replications
from sim.reporting.saved import is_results_folder, load_saved
from sim.results.summary import total_orders
from sim.results.verdict import kpi_targets


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
    # KPI -> (comparison, target) the scenario holds it to (:func:`sim.results.verdict.kpi_targets`,
    # as its run's kpis.json): each estimate's verdict. Empty: none known (arms built in code)
    targets: dict[str, tuple[str, float]] = field(default_factory=dict)
    # what urban_10min counts (targets.urban_response_event: "acceptance" or "arrival"; None:
    # not known): urban_10min is then the same KPI as urban_10min_<event>
    urban_response_event: str | None = None
    # the engine that simulated it (sim.experiments.content.engine_digest; a saved run's from
    # its run.json, UNKNOWN_ENGINE when it does not record one; None: an arm built in code)
    engine: str | None = None


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
        settings = saved_settings(source, saved)
        # the targets its run judged (kpis.json's, from kpi_targets of its world)
        targets = {
            k: (v["target_op"], float(v["target"]))
            for k, v in saved.get("kpis", {}).items()
            if isinstance(v, dict) and "target_op" in v and "target" in v
        }
        return Arm(
            saved["scenario"],
            source,
            seed,
            saved["days"],
            saved["replications"][:reps],
            orders,
            settings.warmup_days,
            settings.drain_days,
            settings.start_weekday,
            targets,
            settings.urban_response_event,
            settings.engine,
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
    world = prepare_world(scenario)  # as `run` builds it: its targets judge the estimates
    results = run_replications(
        scenario, reps, seed, jobs, keep_logs=False, world=world, progress=progress, scheduler=scheduler
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
        kpi_targets(world),
        scenario.targets.urban_response_event,
        engine_digest(),
    )


# a saved run's engine when its run.json does not record one (a folder of an older version)
UNKNOWN_ENGINE = "unrecorded"


@dataclass(frozen=True)
class SavedSettings:
    """What a saved run's scenario.json and run.json say about how it was simulated: the days
    before and after the measured ones, the weekday of day 0 (0 = Monday), what urban_10min
    counts (None: not recorded) and the engine (:data:`UNKNOWN_ENGINE`: not recorded)."""

    warmup_days: float
    drain_days: float
    start_weekday: int
    urban_response_event: str | None
    engine: str


def saved_settings(source: str, saved: dict) -> SavedSettings:
    """Read a saved run's settings (:class:`SavedSettings`), each file once, so that every
    setting comes from the same files. The warm-up and drain come from scenario.json (the
    resolved scenario; kpis.json, ``saved``, records the warm-up only and must agree); a folder
    that does not record them or the start weekday is refused rather than guessed, since another
    weekday shifts every weekday and weekend effect of the comparison."""
    path = Path(source) / "scenario.json"
    scenario = _json_object(path)
    run = _object(scenario.get("run"))
    try:
        warmup, drain = float(run["warmup_days"]), float(run["drain_days"])
    except (ValueError, KeyError, TypeError):
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
    weekday = run.get("start_weekday")
    if not isinstance(weekday, int) or isinstance(weekday, bool) or not 0 <= weekday <= 6:
        raise UserError(
            f"{path}: no readable run.start_weekday; expected a whole number 0-6 (0 = Monday) in "
            "the scenario.json a run writes beside kpis.json (rerun the scenario)"
        )
    event = _object(scenario.get("targets")).get("urban_response_event")
    engine = _json_object(Path(source) / "run.json").get("engine")
    return SavedSettings(
        warmup,
        drain,
        weekday,
        event if event in ("acceptance", "arrival") else None,
        engine if isinstance(engine, str) and engine else UNKNOWN_ENGINE,
    )


def _json_object(path: Path) -> dict:
    """The JSON object in ``path``, or {} when the file cannot be read as one."""
    try:
        return _object(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, UnicodeDecodeError, ValueError):
        return {}


def _object(value) -> dict:
    """``value`` if it is a JSON object (a dict), else {}."""
    return value if isinstance(value, dict) else {}


def preview_arm(source: str, days: float | None, warnings: list[Problem] | None = None) -> Arm:
    """What :func:`load_arm` gives for ``source`` but the replications, read without simulating
    (so that :func:`check_arms` and :func:`sim.experiments.compare_output.arm_labels` refuse a
    comparison before it runs). A scenario file's warnings are appended to ``warnings``."""
    if is_results_folder(source):
        saved = load_saved(source)
        settings = saved_settings(source, saved)
        return Arm(
            saved["scenario"],
            source,
            saved["seed"],
            saved["days"],
            [],
            {},
            settings.warmup_days,
            settings.drain_days,
            settings.start_weekday,
            engine=settings.engine,
        )
    scenario = load_scenario(source, warnings)
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
        engine=engine_digest(),
    )


# a comparison of fewer than two arms (the command line says so before anything runs)
TOO_FEW_ARMS = "compare needs at least two scenarios; expected A.yaml B.yaml [...]"


def check_arms(arms: list[Arm]) -> None:
    """Raise UserError unless replication i of every arm measures the same days: the same
    run.days, run.warmup_days (which orders the KPIs count), run.drain_days (how long the
    last ones may take to close) and run.start_weekday (which calendar days they are, so
    that a difference is the policy's, not a weekday's), each named with its source in one
    line."""
    if len(arms) < 2:
        raise UserError(TOO_FEW_ARMS)
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
    engines = {a.engine for a in arms if a.engine is not None}
    if len(engines) > 1:
        # the same seed under another engine (its code, or NumPy's, SimPy's, SciPy's versions)
        # draws other numbers: the arms' differences would mix the policy with the engine's
        saved = [a for a in arms if is_results_folder(a.source) and a.engine is not None]
        each = ", ".join(f"{a.source}: {a.engine}" for a in saved)
        raise UserError(
            f"compare: saved runs of another engine ({each}; this one is {engine_digest()}); "
            "expected every scenario run by one engine, as common random numbers need (rerun "
            "the saved scenarios with this version)"
        )
    if len({a.start_weekday for a in arms}) > 1:
        # replication i would simulate other calendar days: demand, rosters, activities and the
        # administrator's weekends follow the week, so the difference would mix in a weekday effect
        weekdays = ", ".join(f"{a.source}: {_weekday(a.start_weekday)}" for a in arms)
        raise UserError(
            f"compare: the scenarios start on different weekdays ({weekdays}); "
            "expected the same run.start_weekday for all"
        )


WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _days(value: float | None) -> str:
    return "not recorded" if value is None else f"{value:g}"


def _weekday(value: int | None) -> str:
    if value is None:
        return "not recorded"
    return f"{value} ({WEEKDAYS[value]})" if 0 <= value < len(WEEKDAYS) else str(value)
