"""A revision's engine against the working tree's on the same seeds: do the KPIs differ?

A refactor of the model may change outputs (the order of events at the same minute, a timer
booked another way) without changing what the model says. This script runs the same
replications (child ``i`` of the scenario's seed) with the engine of a git revision (imported
as its own package, see ``compare.py``) and with the working tree's, computes each one's KPIs
with its own KPI code, and prints for every headline KPI the mean of each, the paired
difference (working tree minus revision) with its 95% t interval, and whether that interval
holds 0 (no significant difference at 5%).

    python benchmarks/paired_engines.py 3539367                  # the default scenario, 20 reps
    python benchmarks/paired_engines.py 3539367 --reps 40 --scenario scenarios/policies/x.yaml
"""

from __future__ import annotations

import argparse
import importlib
import math
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(HERE))

import compare  # noqa: E402

from sim.results.stats import paired_difference, summarise  # noqa: E402

KPIS = [
    "urban_10min",
    "urban_10min_arrival",
    "rural_same_day",
    "professional_same_day",
    "open_overnight_per_week",
    "response_p50_urban",
    "response_p90_urban",
    "response_p90_rural",
    "escalation_rate",
    "county_escalation_rate",
    "cancellation_rate",
    "utilisation",
]


def kpi_rows(package: str, scenario: Path, reps: int) -> list[dict[str, float]]:
    """Each replication's KPIs with ``package``'s engine and KPI code (either layout)."""
    simulate, world = compare.engine(package, scenario, None)
    kpis = importlib.import_module(f"{package}.results.kpis")
    rng = importlib.import_module(f"{package}.model.rng")
    seeds = rng.replication_seeds(world.scenario.run.seed, reps)
    return [kpis.compute_kpis(simulate(world, seed), world) for seed in seeds]


def main(argv: list[str] | None = None) -> int:
    """Print the paired comparison table; exit 0."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("revision", help="a git revision whose sim/ to compare with")
    parser.add_argument("--reps", type=int, default=20)
    parser.add_argument("--scenario", type=Path, default=REPO / "scenarios" / "pingyang.yaml")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        compare.extract_engine(args.revision, Path(folder))
        sys.path.insert(0, folder)
        base = kpi_rows(compare.BASE_PACKAGE, args.scenario, args.reps)
    new = kpi_rows("sim", args.scenario, args.reps)
    print(f"{args.scenario.name}: {args.reps} replications, the same seeds")
    print(f"difference = working tree - {args.revision}")
    print(
        f"{'KPI':<26} {args.revision[:12]:>12} {'working tree':>12} {'difference [95% CI]':>34}  significant?"
    )
    significant = 0
    compared = [name for name in KPIS if name in base[0] and name in new[0]]  # (an old engine lacks some)
    for name in compared:
        a, b = [r[name] for r in base], [r[name] for r in new]
        d = paired_difference(a, b)
        holds_zero = math.isnan(d["low"]) or d["low"] <= 0.0 <= d["high"]
        significant += not holds_zero
        print(
            f"{name:<26} {summarise(a)['mean']:>12.4f} {summarise(b)['mean']:>12.4f} "
            f"{d['mean']:>+12.4f} [{d['low']:+.4f}, {d['high']:+.4f}]  {'no' if holds_zero else 'YES'}"
        )
    print(f"{significant} of {len(compared)} KPIs differ significantly at the 5% level")
    return 0


if __name__ == "__main__":
    sys.exit(main())
