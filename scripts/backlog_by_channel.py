"""What fills the hours' open, unanswered orders of a scenario, channel by channel.

``backlog_mean`` and ``backlog_max`` count the orders due a response and not yet answered (the
catalogue's and the professional orders': docs/kpis.md, "Orders waiting for a response"). This
counts every channel's open, unanswered orders the same way (placed, neither accepted nor
cancelled, on the hour over the measured window), and the catalogue's appointments booked whose
time asked for has not come (not yet due): the mean over the hours and the largest hour, each
the mean over the replications; then the backlog's mean at each hour of the day.

Run: python scripts/backlog_by_channel.py [SCENARIO] [--reps 4] [--days 14]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sim.config.channels import CHANNELS  # noqa: E402
from sim.config.load import load_scenario  # noqa: E402
from sim.experiments.runner import run_replications  # noqa: E402
from sim.results.kpi_catalogue import RESPONSE_CHANNELS  # noqa: E402
from sim.results.logs import RunLog  # noqa: E402
from sim.results.workload import backlog_series  # noqa: E402


def rows(log: RunLog) -> dict[str, tuple[float, float]]:
    """(mean, max) over the measured window's hours of each count, for one replication."""
    o = log.orders
    start, end = log.window_min
    window = slice(int(start // 60), int(end // 60))
    out = {}

    def add(name: str, series: np.ndarray) -> None:
        out[name] = (float(series[window].mean()), float(series[window].max()))

    add("every channel", backlog_series(log, np.ones(len(o), dtype=bool)))
    add("backlog_mean / backlog_max (" + ", ".join(RESPONSE_CHANNELS) + ")", backlog_series(log))
    for c, name in enumerate(CHANNELS):
        add(f"  {name}", backlog_series(log, o.channel == c))
    booked = ~np.isnan(o.t_booked)
    add("  of the catalogue: appointments, from the time asked for", backlog_series(log, booked))
    # booked, the time asked for not yet come: from the booking until the time asked for
    grid = np.arange(int(np.ceil(log.horizon_min / 60.0))) * 60.0
    waiting = np.searchsorted(np.sort(o.t_booked[booked]), grid, side="right") - np.searchsorted(
        np.sort(o.t_placed[booked]), grid, side="right"
    )
    add("appointments booked, not yet due (never counted)", waiting.astype(float))
    return out


def by_hour_of_day(log: RunLog) -> np.ndarray:
    """The backlog's mean at each hour of the day (0-23) over the measured window (orders)."""
    start, end = log.window_min
    hours = np.arange(int(start // 60), int(end // 60))
    series = backlog_series(log)[hours]
    return np.bincount(hours % 24, weights=series, minlength=24) / np.bincount(hours % 24, minlength=24)


def main() -> None:
    """Print the table of one scenario's counts (orders)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", nargs="?", default=str(ROOT / "scenarios" / "pingyang.yaml"))
    parser.add_argument("--reps", type=int, default=None)
    parser.add_argument("--days", type=int, default=None)
    args = parser.parse_args()
    overrides = {} if args.days is None else {"run.days": args.days}
    scenario = load_scenario(args.scenario, overrides=overrides)
    reps = args.reps or scenario.run.reps
    results = run_replications(scenario, reps, scenario.run.seed, progress=False)
    per_rep = [rows(r.log) for r in results]
    print(f"{scenario.name}: {reps} replications x {scenario.run.days:g} days, orders on the hour")
    print("| count | mean | max |\n|---|---|---|")
    for name in per_rep[0]:
        mean = np.mean([r[name][0] for r in per_rep])
        top = np.mean([r[name][1] for r in per_rep])
        print(f"| {name} | {mean:.1f} | {top:.1f} |")
    profile = np.mean([by_hour_of_day(r.log) for r in results], axis=0)
    print("backlog by hour of the day, 00:00 to 23:00:", " ".join(f"{v:.1f}" for v in profile))


if __name__ == "__main__":
    main()
