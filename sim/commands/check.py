"""``run.py check PATH...``: the regression gate for policy configs (exit 0 ok, 1 fail, 2 invalid)."""

from __future__ import annotations

from pathlib import Path

from sim.cli import REPO
from sim.experiment import default_jobs
from sim.files import write_bytes, write_text
from sim.gate import collect, judge, load_all, load_baseline, run_check, save_baseline
from sim.junit import junit_xml, markdown_summary

DEFAULT_BASELINES = REPO / "results" / "baselines"


def add_parser(sub) -> None:
    p = sub.add_parser(
        "check", help="regression gate: run scenarios' expect blocks and compare with baselines",
        description="Run each scenario (or every *.yaml under a folder) with its check settings "
                    "and fail (exit 1) when a KPI is significantly on the wrong side of its "
                    "expect threshold, or significantly and materially worse than its committed "
                    "baseline. Exit 2 for invalid input. See docs/ci.md.")
    p.add_argument("paths", nargs="+", help="scenario files or folders")
    p.add_argument("--baselines", default=str(DEFAULT_BASELINES),
                   help="folder of baselines (default: results/baselines)")
    p.add_argument("--update-baselines", action="store_true",
                   help="rewrite the baselines from this run (atomically)")
    p.add_argument("--junit", help="write JUnit XML here")
    p.add_argument("--summary", help="write a Markdown summary here (e.g. $GITHUB_STEP_SUMMARY)")
    p.add_argument("--jobs", type=int, help="worker processes (default: all cores)")


def main(args) -> int:
    scenarios = load_all(collect(args.paths))
    folder = Path(args.baselines)
    jobs = args.jobs or default_jobs()
    verdicts = []
    for scenario in scenarios:
        replications = run_check(scenario, jobs)
        baseline = None if args.update_baselines else load_baseline(folder, scenario)
        verdicts += judge(scenario, replications, baseline)
        if args.update_baselines:
            print(f"baseline written: {save_baseline(folder, scenario, replications)}")
        elif baseline is None:
            print(f"{scenario.name}: no baseline in {folder} (thresholds only)")
    width = max(len(f"{v.scenario} {v.kpi}") for v in verdicts)
    for v in verdicts:
        e = v.estimate
        mean = "n/a" if e["mean"] != e["mean"] else f"{e['mean']:.4g}"
        print(f"{v.status.upper():9} {(v.scenario + ' ' + v.kpi).ljust(width)}  {mean:>8}  "
              f"{v.threshold.op} {v.threshold.value:g}")
        for message in v.messages:
            print(f"          {message}")
    failed = sum(v.failed for v in verdicts)
    print(f"{len(verdicts) - failed} passed, {failed} failed")
    if args.junit:
        write_bytes(args.junit, junit_xml(verdicts))
    if args.summary:
        write_text(args.summary, markdown_summary(verdicts))
    return 1 if failed else 0
