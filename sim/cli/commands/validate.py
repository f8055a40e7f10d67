"""``run.py validate FILE...``: check scenarios and sweeps without running them (exit 0 ok, 2 invalid).

Each scenario file is read with its ``extends`` chain and its data files, converted and
cross-checked, and its world is built (no simulation). A sweep file (a top-level ``scenario:``
and ``grid:``, :func:`sim.experiments.sweep_file.is_sweep_file`) is checked as ``run.py sweep``
checks it before simulating: the file itself and the scenario of every grid point
(:func:`sim.experiments.sweep_file.load_sweep`). Valid files print ``FILE: ok``; every problem
prints as one line ``FILE:LINE: path: what is wrong; what is expected`` on stderr, and warnings
(valid but suspicious settings, e.g. an item no on-duty team can serve) print too.
"""

from __future__ import annotations

import sys

from sim.cli.options import path_text
from sim.config.errors import Problem, UserError
from sim.config.load import load_scenario
from sim.experiments.pilot import prepare_world
from sim.experiments.sweep_file import is_sweep_file, load_sweep, points
from sim.reporting.formatting import plural


def add_parser(sub) -> None:
    """Add ``validate``'s options (the files) to the command parser."""
    p = sub.add_parser(
        "validate",
        help="check scenario and sweep files without simulating",
        description="Check scenario files (with the scenarios they extend and "
        "the data files they name) and sweep files (with the scenario of every "
        "grid point) without simulating. Exit 0 when all are valid, 2 otherwise.",
    )
    p.add_argument("files", nargs="+", type=path_text, help="scenario or sweep YAML files")


def main(args) -> int:
    """Check each of ``args.files`` without simulating: exit code 0 when all are valid, 2
    when one is not (its problems printed one a line on stderr)."""
    status = 0
    for path in args.files:
        warnings: list[Problem] = []
        try:
            if is_sweep_file(path):
                sweep = load_sweep(path, warnings=warnings)
                print(f"{path}: ok (a sweep of {plural(len(points(sweep)), 'point')})")
            else:
                prepare_world(load_scenario(path, warnings))
                print(f"{path}: ok")
        except UserError as exc:
            if getattr(args, "debug", False):
                raise
            status = 2
            for line in exc.lines():
                print(line, file=sys.stderr)
        for line in UserError(warnings).lines() if warnings else []:
            print(line, file=sys.stderr)
    return status
