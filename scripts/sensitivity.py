"""What the headline numbers depend on: the promise KPIs' sensitivity to the assumed numbers.

The command line of the sensitivity study: most numbers of the default scenario have no public
figure (docs/assumptions.md, "Assumed"); this varies the most consequential of them one at a
time, each to a low and a high value of a plausible range, and reports how far each moves the
headline KPIs, in percentage points for a share and per 1,000 orders for the orders open
overnight, with 95% intervals under common random numbers. The table of assumptions, their
ranges and reasons, and the reading of ``--only``, ``--vary`` and ``--pair`` are
:mod:`sim.experiments.assumptions`'; the study (variants, a pair's corners, the runs, the
ranking, the interaction contrast) :mod:`sim.experiments.sensitivity`'s; the tables and readings
:mod:`sim.experiments.sensitivity_report`'s. Writes nothing unless ``--out`` or ``--json`` names a
file; progress goes to stderr.

``--vary KEY=LOW,HIGH`` adds an assumption of one's own; a value ``x0.5`` is the scenario's value
times 0.5. ``--pair NAME_A,NAME_B`` (repeatable; a name of the table or a ``--vary`` key) also
runs the 2x2 corners of two assumptions and reports their interaction contrast; a pair's
assumptions join the one-at-a-time table (without ``--only``, ``--pair`` alone varies only them);
``--simultaneous`` adjusts that table's intervals, not the pairs'.

Run: python scripts/sensitivity.py [--scenario scenarios/pingyang.yaml] [--days 7] [--reps 10]
     [--seed N] [--jobs 2] [--only NAME,...] [--vary KEY=LOW,HIGH ...] [--pair NAME_A,NAME_B ...]
     [--rank-by KPI] [--simultaneous] [--out FILE.md] [--json FILE.json] [--debug]
     (the default, 21 runs of 7 days x 10 replications: about 2 minutes on 2 cores)
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sim.config.errors import UserError  # noqa: E402
from sim.config.load import load_scenario  # noqa: E402
from sim.experiments.assumptions import ASSUMPTIONS, choose  # noqa: E402
from sim.experiments.sensitivity import HEADLINE, run_study  # noqa: E402
from sim.experiments.sensitivity_report import markdown  # noqa: E402
from sim.reporting.files import jsonable, write_text  # noqa: E402


def shown_path(path: Path) -> str:
    """The scenario as the report names it: relative to the working folder or the repository
    when inside either, else as given."""
    for folder in (Path.cwd(), ROOT):
        try:
            return path.resolve().relative_to(folder.resolve()).as_posix()
        except ValueError:
            continue
    return str(path)


def main(argv: list[str] | None = None) -> int:
    """Print the sensitivity tables (and write them with --out); exit 2 on a user's error."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default=str(ROOT / "scenarios" / "pingyang.yaml"))
    parser.add_argument("--days", type=float, default=7.0, help="measured days per replication")
    parser.add_argument("--reps", type=int, default=10)
    parser.add_argument("--seed", type=int, default=None, help="root seed (default: the scenario's run.seed)")
    parser.add_argument("--jobs", type=int, default=2, help="worker processes (results do not depend on it)")
    parser.add_argument(
        "--only",
        default=None,
        help="comma-separated names of the table's assumptions: " + ",".join(a.name for a in ASSUMPTIONS),
    )
    parser.add_argument(
        "--vary",
        action="append",
        default=[],
        metavar="KEY=LOW,HIGH",
        help="another assumption (a value, or xF: F times the scenario's); alone, instead of the table's",
    )
    parser.add_argument(
        "--pair",
        action="append",
        default=[],
        metavar="NAME_A,NAME_B",
        help="also run the 2x2 corners of two assumptions (a table's name or a --vary key) and "
        "report their interaction; repeatable",
    )
    parser.add_argument(
        "--rank-by",
        choices=[k for k, *_ in HEADLINE],
        default=None,
        help="rank by the effect on this KPI alone (default: the largest on any of them)",
    )
    parser.add_argument(
        "--simultaneous",
        action="store_true",
        help="Bonferroni-adjust the one-at-a-time table's intervals to hold together at 95%% "
        "(not the pairs')",
    )
    parser.add_argument("--out", default=None, help="also write the tables to this Markdown file")
    parser.add_argument(
        "--json", default=None, help="also write the numbers (differences as fractions) as JSON"
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks for errors")
    args = parser.parse_args(argv)
    try:
        if args.reps < 2:
            raise UserError(f"--reps {args.reps}: expected 2 or more (an interval needs 2 replications)")
        path = Path(args.scenario)
        scenario = load_scenario(path)
        seed = scenario.run.seed if args.seed is None else args.seed
        assumptions, pairs = choose(args.only, args.vary, args.pair)
        study = run_study(
            path,
            scenario,
            shown_path(path),
            assumptions,
            pairs,
            seed=seed,
            reps=args.reps,
            days=args.days,
            jobs=args.jobs,
            simultaneous=args.simultaneous,
            rank_by=args.rank_by,
            log=lambda line: print(line, file=sys.stderr),
        )
        report = markdown(study)
        print(report)
        if args.out:
            write_text(Path(args.out), report + "\n")
            print(f"wrote {args.out}", file=sys.stderr)
        if args.json:
            write_text(Path(args.json), json.dumps(jsonable(study), indent=1) + "\n")
            print(f"wrote {args.json}", file=sys.stderr)
    except UserError as exc:
        if args.debug:
            raise
        return exc.report()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
