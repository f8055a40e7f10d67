"""``run.py report RESULTS_DIR [--lang zh]``: redraw charts and briefing from saved results.

Reads ``kpis.json`` and ``chart_data.json`` of a folder written by ``run`` and rewrites
``charts/*.png|svg``, ``briefing.html`` and ``briefing.md`` (``--lang zh``: the ``.zh`` versions)
in seconds, without simulating, into a copy of the folder that replaces it whole at the end
(:func:`sim.reporting.folder.results_copy`): an interrupted report leaves the folder as it was.
"""

from __future__ import annotations

from sim.cli.options import path_text
from sim.reporting.briefing import write_report


def add_parser(sub) -> None:
    """Add ``report``'s options (the results folder, ``--lang``) to the command parser."""
    p = sub.add_parser(
        "report",
        help="redraw charts and briefing from saved results",
        description="Redraw the charts and the briefing of a results folder "
        "(written by `run`) without simulating.",
    )
    p.add_argument("folder", type=path_text, help="results folder, e.g. results/pingyang")
    p.add_argument(
        "--lang",
        choices=["en", "zh"],
        default="en",
        help="language of labels and briefing (zh needs a CJK font: pip install 'redvest[zh]', "
        "in a checkout pip install -e '.[zh]')",
    )


def main(args) -> int:
    """Redraw the charts and briefing of ``args.folder`` from its saved results (no
    simulation); print where the briefing is. Exit code 0 (a user's error raises ``UserError``)."""
    written = write_report(args.folder, args.lang)
    print(f"Briefing: {written['briefing.html']}")
    print(f"          {written['briefing.md']}")
    print(f"Charts:   {', '.join(str(p) for k, p in written.items() if not k.startswith('brief'))}")
    return 0
