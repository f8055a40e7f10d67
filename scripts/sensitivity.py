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

``python run.py sensitivity`` is the same study as a command of its own, writing a results
folder; this script shares its options (:func:`sim.cli.commands.sensitivity.add_study_options`)
and keeps its own defaults (7 days, 10 replications, 2 workers) and its single files.

Run: python scripts/sensitivity.py [--scenario scenarios/pingyang.yaml] [--days 7] [--reps 10]
     [--seed N] [--jobs 2] [--only NAME,...] [--vary KEY=LOW,HIGH ...] [--pair NAME_A,NAME_B ...]
     [--rank-by KPI] [--simultaneous] [--out FILE.md] [--json FILE.json] [--debug]
     (the default, 21 runs of 7 days x 10 replications: about 2 minutes on 2 cores)
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sim.cli.commands.sensitivity import add_study_options, prepare, study  # noqa: E402
from sim.cli.main import Parser  # noqa: E402
from sim.config.errors import UserError  # noqa: E402
from sim.experiments.sensitivity_report import markdown  # noqa: E402
from sim.reporting.files import write_json, write_text  # noqa: E402
from sim.reporting.progress import to_stderr  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    """Print the sensitivity tables (and write them with --out); exit 2 on a user's error."""
    parser = Parser(prog="python scripts/sensitivity.py", description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default=str(ROOT / "scenarios" / "pingyang.yaml"))
    add_study_options(parser, days=7.0, reps=10, jobs=2)
    parser.add_argument(
        "--out", default=None, metavar="FILE.md", help="also write the tables to this Markdown file"
    )
    parser.add_argument(
        "--json",
        default=None,
        metavar="FILE.json",
        help="also write the numbers (differences as fractions) as JSON",
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks for errors")
    args = parser.parse_args(argv)
    try:
        path = Path(args.scenario)
        scenario, assumptions, pairs = prepare(path, args)
        numbers = study(path, scenario, assumptions, pairs, args, to_stderr)
        report = markdown(numbers)
        print(report)
        if args.out:
            write_text(Path(args.out), report + "\n")
            print(f"wrote {args.out}", file=sys.stderr)
        if args.json:
            write_json(Path(args.json), numbers)
            print(f"wrote {args.json}", file=sys.stderr)
    except UserError as exc:
        if args.debug:
            raise
        return exc.report()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
