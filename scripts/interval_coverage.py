"""How often the 95% intervals of the KPIs cover the truth, with few replications.

Runs many replications of a small scenario twice: a long run whose mean stands for the truth,
and a second run (other seeds) cut into groups of k replications, each group judged as a run
of k replications would be (:func:`sim.results.verdict.interval`). Prints, per KPI and k, the
share of groups whose interval contains the truth, beside the plain Student t interval's; then
the one-sided errors, which verdicts and the gate rest on (a verdict of met or missed is a claim
about one side): the share of groups whose lower bound lies above the truth and whose upper
bound lies below it, for the 95% interval (each side nominally 2.5%: the verdicts') and the 90%
interval (each side nominally 5%: the gate's, whose default one-sided confidence of 95% is a
two-sided 90% interval). The
default scenario is the test county ``tests/check/tiny.yaml`` with a quarter of its
volunteers showing up, so that its replications vary several times more than independent
orders would (as the model's orders, which share volunteers and days, do); about 2 minutes on
2 cores. docs/kpis.md quotes its table.

Run: python scripts/interval_coverage.py [--set teams.show_up=0.25] [--truth-reps 3000]
     [--reps 3000] [--k 2,3,4,10] [--kpis rural_same_day,urban_10min] [--jobs 2]
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

import numpy as np
import yaml
from scipy import stats

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sim.config.load import load_scenario  # noqa: E402
from sim.experiments.runner import run_replications  # noqa: E402
from sim.results.kpi_catalogue import KPI_INFO  # noqa: E402
from sim.results.verdict import LEVEL, interval  # noqa: E402

GATE_LEVEL = 0.90  # the gate's interval at its default one-sided confidence of 95% (2 x 0.95 - 1)

TINY = ROOT / "tests" / "check" / "tiny.yaml"
KPIS = "rural_same_day,urban_10min,open_overnight_per_1000"


def replications(path: Path, overrides: dict, reps: int, seed: int, jobs: int, kpis: list[str]):
    """Each KPI's replication values and order counts: {name: (values, orders)}."""
    scenario = load_scenario(path, overrides=overrides)
    results = run_replications(scenario, reps, seed, jobs=jobs, keep_logs=False, progress=False)
    return {
        name: (
            np.array([r.kpis[name] for r in results], dtype=float),
            [r.orders.get(name) for r in results],
        )
        for name in kpis
    }


def coverage(values: np.ndarray, orders: list, unit: str, truth: float, k: int) -> dict:
    """For the groups of k replications with an interval: ``covered``, the share whose 95%
    interval covers ``truth``; ``covered_t``, the same for the plain t interval; ``above`` and
    ``below``, the shares whose 95% interval's lower bound lies above the truth and whose
    upper bound lies below it (one-sided errors, nominally 2.5% each); ``gate_above`` and
    ``gate_below``, the same for the 90% interval (nominally 5% each); ``groups``, their
    number. Shares are NaN without a group."""
    counts = dict.fromkeys(("covered", "covered_t", "above", "below", "gate_above", "gate_below"), 0)
    groups = 0
    for g in range(len(values) // k):
        v, o = values[g * k : (g + 1) * k], orders[g * k : (g + 1) * k]
        total = None if any(x is None for x in o) else sum(o)
        _, low, high, n, _ = interval(v, unit, total)
        if n < 2 or math.isnan(low):
            continue
        groups += 1
        counts["covered"] += low <= truth <= high
        counts["above"] += low > truth
        counts["below"] += high < truth
        _, gate_low, gate_high, _, _ = interval(v, unit, total, GATE_LEVEL)
        counts["gate_above"] += gate_low > truth
        counts["gate_below"] += gate_high < truth
        x = v[~np.isnan(v)]
        half = stats.t.ppf(0.5 + LEVEL / 2, len(x) - 1) * x.std(ddof=1) / math.sqrt(len(x))
        counts["covered_t"] += x.mean() - half <= truth <= x.mean() + half
    return {key: c / groups if groups else math.nan for key, c in counts.items()} | {"groups": groups}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scenario", type=Path, default=TINY)
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="PATH=VALUE",
        help="an override (default: teams.show_up=0.25)",
    )
    parser.add_argument("--truth-reps", type=int, default=3000)
    parser.add_argument("--reps", type=int, default=3000)
    parser.add_argument("--k", default="2,3,4,10", help="replications per group, comma-separated")
    parser.add_argument("--kpis", default=KPIS)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args(argv)
    settings = args.set or ["teams.show_up=0.25"]
    if any("=" not in item for item in settings):
        parser.error("--set expects PATH=VALUE, e.g. teams.show_up=0.25")
    overrides = {key: yaml.safe_load(value) for key, value in (item.split("=", 1) for item in settings)}
    kpis = args.kpis.split(",")
    unknown = [name for name in kpis if name not in KPI_INFO]
    if unknown:
        parser.error(f"--kpis: unknown KPI {', '.join(unknown)}; expected names from docs/kpis.md")
    try:
        ks = [int(k) for k in args.k.split(",")]
    except ValueError:
        ks = []
    if not ks or min(ks) < 2 or max(ks) > args.reps:
        parser.error(f"--k expects comma-separated group sizes from 2 to --reps ({args.reps})")
    truth = replications(args.scenario, overrides, args.truth_reps, 1, args.jobs, kpis)
    sample = replications(args.scenario, overrides, args.reps, 2, args.jobs, kpis)
    print(f"{args.scenario.name} {overrides}: truth from {args.truth_reps} replications (seed 1),")
    print(f"groups of k from {args.reps} others (seed 2); share of {LEVEL:.0%} intervals covering the truth")
    print(f"{'KPI':26s} {'truth':>9s}  " + "  ".join(f"{'k=' + str(k):>16s}" for k in ks))
    rows = {}
    for name in kpis:
        values, orders = sample[name]
        mean = float(np.nanmean(truth[name][0]))
        rows[name] = [coverage(values, orders, KPI_INFO[name][1], mean, k) for k in ks]
        print(
            f"{name:26s} {mean:9.4f}  "
            + "  ".join(f"{c['covered']:.3f} (t {c['covered_t']:.3f})".rjust(16) for c in rows[name])
        )
    print()
    print(
        f"one-sided errors, lower bound above the truth / upper bound below it: the {LEVEL:.0%} "
        f"interval's (nominal {(1 - LEVEL) / 2:.1%} each), the {GATE_LEVEL:.0%} interval's, the gate's "
        f"(nominal {(1 - GATE_LEVEL) / 2:.1%} each)"
    )
    print(f"{'KPI':26s} {'level':>6s}  " + "  ".join(f"{'k=' + str(k):>13s}" for k in ks))
    for name, cells in rows.items():
        for label, above, below in (
            (f"{LEVEL:.0%}", "above", "below"),
            (f"{GATE_LEVEL:.0%}", "gate_above", "gate_below"),
        ):
            print(
                f"{name:26s} {label:>6s}  "
                + "  ".join(f"{c[above]:.3f} / {c[below]:.3f}".rjust(13) for c in cells)
            )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
