"""Regenerate docs/validation.md: the engine against queueing theory and its own invariants.

Runs the same check functions as ``tests/validation`` (fixed seeds, so the table is
reproducible), prints the table and writes the document. About 10 seconds on 2 cores.

Run: python scripts/validation_report.py [--out docs/validation.md] [--jobs 2]
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sim.config.load import load_scenario  # noqa: E402
from sim.reporting.files import write_text  # noqa: E402
from tests.validation import checks  # noqa: E402

INTRO = """# Validation: the engine against queueing theory

Regenerate with `python scripts/validation_report.py` (about 10 seconds); the same checks run in CI
as `tests/validation/` (marked `slow`). Every number below comes from fixed seeds.

## How the checks are built

A one-place scenario (`tests/validation/data/mmc.yaml`: one urban community, `travel.setup_min`
0 so a trip to itself takes 0 minutes, no ferry, `acceptance_delay` fixed 0, constant hourly and
daily profiles, one catalogue item with exponential service of mean 30 minutes, a village team
of c members on an all-1.0 schedule with `show_up` 1.0, no county team, no pairing, no
activities) turns the model into textbook queues. Urban orders carry the deadline
`t_placed + 10`, so the dispatcher's earliest-deadline-first rule is first-come-first-served.
The order rate is `population 1000 x orders_per_1000_per_day / 1440` per minute.

* **M/M/c** (Erlang C; patience and timeouts 10^9 minutes): P(wait > 0), mean wait, P(wait > 30
  min), time-average number waiting. Wait = `t_assigned - t_placed`.
* **M/M/c+M** (Erlang A; exponential patience): share cancelled, mean wait of served orders,
  number waiting; the exact values come from the birth-death chain truncated at 2,000 orders,
  with the served customer's wait from its queue position (FIFO).
* **Escalation = M/M/c+D**: a village timeout T = 10 min, `keep_lower_scope: false`, and a
  town team of 50 always on duty. An escalated order is taken by the town the instant it
  escalates (checked: all of them at exactly T), so it leaves the village queue at T; under
  FIFO it never delays anyone behind it. The village is then exactly an M/M/c queue whose
  customers leave at a deterministic patience T, and the share escalated is P(V > T) of the
  offered wait V, whose density is `lam pi_{c-1} e^{-(c mu - lam) v}` on (0, T) and
  `lam pi_{c-1} e^{lam T - c mu v}` beyond (level crossing). Also compared: P(V > 0) and the
  mean time spent in the village queue E[min(V, T)].
* **Little's law** at every setting: the time-average number waiting (the mean of
  `sim.results.workload.backlog_series`, sampled hourly) minus arrival rate x mean time waiting (until
  assignment or cancellation), per replication; its interval must hold 0.

Estimates are per-replication values over the orders placed in the measured window (after a
2-day warm-up; a 1-day drain keeps orders arriving so the queue stays stationary); intervals are
Student t across independent replications. **Verdict**: `pass` when the analytic value is in the
95% CI. With about 25 checks, one or two would miss a 95% interval by chance alone, so the gate
used by the tests is the Bonferroni interval at level {gate} (5% family-wise false alarms);
`pass (family-wise)` marks a value outside the 95% CI but inside that one, `FAIL` one outside both.
Holding the analytic value shows no contradiction, not agreement (a wide interval would hold a
wrong value too), so "CI within" says how far the 95% interval reaches from the analytic value,
and the tests also require it to lie within 20% of it (0.05 orders for Little's law, whose value
is 0).
To tell chance from bias in a check that misses its 95% interval, rerun it with more
replications and another seed: a miss by chance moves into the interval, a bias stays outside.
"""


def _fmt(x: float) -> str:
    return f"{x:.4g}" if abs(x) >= 1e-3 or x == 0 else f"{x:.2e}"


def _within(c: checks.Check) -> str:
    """How far the 95% interval reaches from the analytic value: ±x% of it (±x orders at 0)."""
    return f"±{c.distance:.1%}" if c.analytic else f"±{c.distance:.3g}"


def check_table(results: list[checks.Check]) -> str:
    """Markdown table of the statistical checks."""
    lines = [
        "| setting | quantity | analytic | simulated (95% CI) | CI within | reps | verdict |",
        "|---|---|---|---|---|---|---|",
    ]
    for c in results:
        lines.append(
            f"| {c.group} | {c.name} | {_fmt(c.analytic)} | {_fmt(c.mean)} "
            f"[{_fmt(c.low)}, {_fmt(c.high)}] | {_within(c)} | {c.reps} | {c.verdict} |"
        )
    return "\n".join(lines)


def invariant_table(runs: list[checks.Invariants]) -> str:
    """Markdown table of the conservation checks, one row per replication."""
    lines = [
        "| rep | placed | closed | cancelled | open | placed = sum | outcome vs times "
        "mismatches | assigned and cancelled | over capacity at assignment | assigned "
        "off duty | verdict |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for i, r in enumerate(runs):
        balance = "yes" if r.placed == r.closed + r.cancelled + r.open else "no"
        lines.append(
            f"| {i} | {r.placed} | {r.closed} | {r.cancelled} | {r.open} | {balance} | "
            f"{r.outcome_mismatch} | {r.assigned_and_cancelled} | {r.over_capacity} | "
            f"{r.off_duty} | {'pass' if r.ok else 'FAIL'} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run every check, print and write the document; exit 1 if any check fails."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "docs" / "validation.md"))
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args(argv)
    results: list[checks.Check] = []
    for setting in checks.MMC_SETTINGS:
        print(f"simulating {setting.label} ...", file=sys.stderr, flush=True)
        results += checks.mmc_checks(setting, checks.simulate_setting(setting, args.jobs))
    for setting, fn in (
        (checks.ERLANG_A, checks.erlang_a_checks),
        (checks.ESCALATION, checks.escalation_checks),
    ):
        print(f"simulating {setting.label} ...", file=sys.stderr, flush=True)
        results += fn(setting, checks.simulate_setting(setting, args.jobs))
    print("simulating the default scenario for the invariants ...", file=sys.stderr, flush=True)
    scenario = load_scenario(ROOT / "scenarios" / "pingyang.yaml")
    scenario = dataclasses.replace(scenario, run=dataclasses.replace(scenario.run, days=3))
    runs = checks.invariant_runs(scenario, reps=2, seed=scenario.run.seed)
    settings = "\n".join(
        f"| {s.label} | {s.lam:.4g} | {1 / s.mu:.0f} | {s.c} | {s.rho:.2f} | "
        f"{'-' if s.theta == 0 else f'{1 / s.theta:.0f}'} | "
        f"{'-' if s.timeout >= checks.HUGE else f'{s.timeout:.0f}'} | {s.days:.0f} | {s.reps} |"
        for s in [*checks.MMC_SETTINGS, checks.ERLANG_A, checks.ESCALATION]
    )
    text = (
        INTRO.replace("{gate}", f"{checks.GATE_LEVEL:.1%}")
        + "\n## Settings\n\n| setting | lambda (/min) | 1/mu (min) | c | rho | mean patience "
        "(min) | village timeout (min) | days | reps |\n|---|---|---|---|---|---|---|---|---|\n"
        + settings
        + "\n\n## Queueing checks\n\n"
        + check_table(results)
        + "\n\n## Conservation in the default scenario (3 days, 2 replications)\n\n"
        "Every order ends in exactly one of closed, cancelled, open, and its outcome agrees "
        "with its timestamps; at each assignment instant the team's busy volunteers (orders "
        "`[t_assigned, t_released)` x volunteers, plus those pulled into activities) do not "
        "exceed its on-duty count for that hour (rebuilt from the replication's availability "
        "streams), and no team with nobody on duty is assigned. Volunteers finishing a task "
        "after their shift ends are allowed.\n\n" + invariant_table(runs) + "\n"
    )
    write_text(args.out, text)
    print(check_table(results))
    print()
    print(invariant_table(runs))
    failed = [c for c in results if not c.passed] + [r for r in runs if not r.ok]
    print(
        f"\n{len(results)} queueing checks, {len(runs)} conservation runs, "
        f"{len(failed)} failed; wrote {args.out}"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
