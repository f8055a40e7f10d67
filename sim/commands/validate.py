"""``run.py validate FILE...``: check scenarios without running them (exit 0 ok, 2 invalid)."""

from __future__ import annotations

import sys

from sim.errors import UserError
from sim.validate import load_scenario
from sim.world import build_world


def add_parser(sub) -> None:
    p = sub.add_parser("validate", help="check scenario files without simulating",
                       description="Check scenario files (and the data files they name) "
                                   "without simulating. Exit 0 when all are valid, 2 otherwise.")
    p.add_argument("files", nargs="+", help="scenario YAML files")


def main(args) -> int:
    status = 0
    for path in args.files:
        try:
            build_world(load_scenario(path))
            print(f"{path}: ok")
        except UserError as exc:
            status = 2
            for line in exc.lines():
                print(line, file=sys.stderr)
    return status
