"""Rule 2 of the miss causes checked against the dispatcher, and what cuts the "all busy" misses.

Rule 2 (``all_busy``, docs/kpis.md) reads from the logs, after the run, whether the town's
volunteers were all busy when an order was placed: the town's on-duty count in that hour, less
its busy volunteers at that minute, plus those busy beyond their team's on-duty count (a shift
ended while they served: :func:`sim.results.causes.free_in_town`). This script checks it
against the model's own count: a hook on each order's placing (the extension surface,
docs/extending.md) counts the free on-duty volunteers of the teams that answer catalogue orders
in the order's town at that moment (:meth:`sim.model.dispatcher.Dispatcher.free`, team by
team). It prints, per arm, the ``all_busy`` misses, how many of them had such a volunteer free
(none, when the rule reads the logs right); and the hours the ``all_busy`` misses were placed in.

The arms are the default scenario and two rosters with the same seeds (common random numbers),
with the paired difference of each against the default (95% intervals across replications) in
the ``all_busy`` misses, those with nobody free, all misses, ``urban_10min``, ``rural_same_day``
and volunteer-hours on duty a week:

- ``stations to midnight``: the town stations keep their evening share of members on duty
  (the ``station`` schedule's share at 21:00) from 22:00 to midnight (the default: 2% where
  it has 1%);
- ``stations by day x1.5``: half as many station volunteers again from 08:00 to 18:00 (the
  default: 6% on weekdays and 4.5% at weekends, against 4% and 3%).

Replications run in this process (the hook's counts stay here): about 3 s a replication of
14 days.

Run: python scripts/all_busy_check.py [SCENARIO] [--days 14] [--reps 10]
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sim.config.load import load_scenario  # noqa: E402
from sim.config.teams import Schedule  # noqa: E402
from sim.experiments.pilot import prepare_world  # noqa: E402
from sim.experiments.runner import run_replications  # noqa: E402
from sim.model.replication import Replication  # noqa: E402
from sim.results.causes import CAUSES, miss_causes  # noqa: E402
from sim.results.logs import apart_from_town_duty  # noqa: E402
from sim.results.stats import paired_difference  # noqa: E402

DEFAULT = ROOT / "scenarios" / "pingyang.yaml"


def _hours(shares: list[float], hours: range, value: float | None = None, factor: float = 1.0) -> list[float]:
    """``shares`` (by hour 0..23) with the hours ``hours`` set to ``value`` (or multiplied by
    ``factor``)."""
    return [(value if value is not None else s * factor) if h in hours else s for h, s in enumerate(shares)]


def arms_of(station: Schedule) -> dict[str, dict[str, object]]:
    """Arm name -> overrides of the scenario (dotted paths, :mod:`sim.config.overrides`), from
    the scenario's own ``station`` schedule."""
    midnight: dict[str, object] = {}
    by_day: dict[str, object] = {}
    for day in ("weekday", "weekend"):
        shares = getattr(station, day)
        midnight[f"schedules.station.{day}"] = _hours(shares, range(22, 24), value=shares[21])
        by_day[f"schedules.station.{day}"] = _hours(shares, range(8, 18), factor=1.5)
    return {"default": {}, "stations to midnight": midnight, "stations by day x1.5": by_day}


# the free on-duty volunteers in the town at each order's placing, per replication run here
_FREE_AT_PLACING: list[np.ndarray] = []


def count_free_at_placing(rep: Replication) -> None:
    """Record, as each order is placed, the free on-duty volunteers of the teams answering
    catalogue orders in its town (as ``on_duty_by_town`` counts them) into a new array of
    :data:`_FREE_AT_PLACING`."""
    world, orders, dispatcher = rep.world, rep.orders, rep.dispatcher
    apart = apart_from_town_duty(world.teams.level)
    towns = range(len(world.towns.code))
    town_teams = [np.flatnonzero((world.teams.town == t) & ~apart).tolist() for t in towns]
    free = np.full(len(orders), -1, dtype=np.int64)
    _FREE_AT_PLACING.append(free)

    def placed(order: int) -> None:
        teams = town_teams[world.place_town[orders.place[order]]]
        free[order] = sum(dispatcher.free(team) for team in teams)

    rep.hooks.placed.append(placed)


def arm(path: Path, overrides: dict, days: float, reps: int) -> list[dict]:
    """Per replication of the scenario at ``path`` with ``overrides``: the all-busy misses, the
    hours they were placed in, those with a volunteer free at placing, all misses, and KPIs."""
    scenario = load_scenario(path, overrides=overrides)
    scenario = dataclasses.replace(scenario, run=dataclasses.replace(scenario.run, days=days))
    world = prepare_world(scenario)
    _FREE_AT_PLACING.clear()
    results = run_replications(
        scenario, reps, scenario.run.seed, jobs=1, world=world, progress=False, extend=count_free_at_placing
    )
    rows = []
    for result, free in zip(results, _FREE_AT_PLACING, strict=True):
        _, missed, cause = miss_causes(result.log, world)
        all_busy = cause == CAUSES.index("all_busy")
        with_free = all_busy & (free > 0)
        placed_hour = (result.log.orders.t_placed[all_busy] % 1440.0) // 60.0
        rows.append(
            {
                "all_busy": int(all_busy.sum()),
                "nobody_free": int((all_busy & (free == 0)).sum()),
                "with_free": int(with_free.sum()),
                "hours": np.bincount(placed_hour.astype(np.int64), minlength=24),
                "misses": int(missed.sum()),
                "urban_10min": 100.0 * result.kpis["urban_10min"],
                "rural_same_day": 100.0 * result.kpis["rural_same_day"],
                "on_duty_hours_per_week": result.kpis["on_duty_hours_per_week"],
            }
        )
    return rows


def report(arms: dict[str, list[dict]]) -> str:
    """The counts of each arm, then each arm's paired differences against the first."""
    reps = len(next(iter(arms.values())))
    lines = [f"all_busy misses, {reps} replications summed; how many had a volunteer free in the town"]
    for name, rows in arms.items():
        hours = sum(r["hours"] for r in rows)
        by_hour = ", ".join(f"{h:02d}:00 {int(c)}" for h, c in enumerate(hours) if c) or "none"
        total, with_free = sum(r["all_busy"] for r in rows), sum(r["with_free"] for r in rows)
        lines.append(f"  {name}: {total} all busy (placed {by_hour}), {with_free} with a volunteer free")
    first, *others = arms
    lines.append(f"paired difference against {first}, per replication [95% interval]")
    columns = ("all_busy", "nobody_free", "misses", "urban_10min", "rural_same_day", "on_duty_hours_per_week")
    for name in others:
        cells = []
        for key in columns:
            d = paired_difference([r[key] for r in arms[first]], [r[key] for r in arms[name]])
            cells.append(f"{key} {d['mean']:+.1f} [{d['low']:+.1f}, {d['high']:+.1f}]")
        lines.append(f"  {name}: " + "; ".join(cells))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the arms and print the report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", nargs="?", default=str(DEFAULT))
    parser.add_argument("--days", type=float, default=14.0, help="measured days (default 14)")
    parser.add_argument("--reps", type=int, default=10, help="replications per arm (default 10)")
    args = parser.parse_args(argv)
    path = Path(args.scenario)
    station = load_scenario(path).schedules["station"]
    arms = {name: arm(path, overrides, args.days, args.reps) for name, overrides in arms_of(station).items()}
    print(report(arms))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
