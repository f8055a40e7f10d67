"""``run.py schema``: print the scenario reference generated from the schema (docs/scenarios.md).

``--write`` rewrites docs/scenarios.md (atomically); ``--check`` exits 1 when the committed file
differs from the schema (CI and the test suite use the same comparison).
"""

from __future__ import annotations

import sys

from sim.config import schema_doc
from sim.reporting.files import write_text


def add_parser(sub) -> None:
    """Add ``schema``'s options (``--write``, ``--check``) to the command parser."""
    p = sub.add_parser(
        "schema",
        help="print the scenario reference generated from the schema",
        description="Print docs/scenarios.md as generated from the scenario "
        "schema (every key, type, unit, default, range, meaning).",
    )
    group = p.add_mutually_exclusive_group()
    group.add_argument("--write", action="store_true", help="rewrite docs/scenarios.md")
    group.add_argument(
        "--check", action="store_true", help="exit 1 if docs/scenarios.md differs from the schema"
    )


def main(args) -> int:
    """Print the scenario reference, or write docs/scenarios.md (``--write``), or compare it
    with the committed file (``--check``: exit code 1 when they differ, else 0)."""
    text = schema_doc.render()
    path = schema_doc.DOC_PATH
    if args.write:
        write_text(path, text)
        print(f"wrote {path}")
        return 0
    if args.check:
        current = path.read_text(encoding="utf-8") if path.is_file() else ""
        if current != text:
            print(f"{path}: differs from the schema; run `python run.py schema --write`", file=sys.stderr)
            return 1
        print(f"{path}: up to date")
        return 0
    sys.stdout.write(text)
    return 0
