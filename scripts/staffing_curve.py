"""Staffing curves of the default scenario: village/community teams and town stations scaled.

Runs the default scenario with ``teams.village_scale`` (every village and community team's
members) and then ``teams.station_scale`` (every town station's members) at 25%, 50%, 100% and
200%, every point with the same seeds (common random numbers), and reports per point the urban
10-minute share by acceptance (``urban_10min_acceptance``) and by arrival at the citizen
(``urban_10min_arrival``), rural same-day, the orders still open at the first midnight after
they were placed, per week (``open_overnight_per_week``), the
escalation rate and the volunteers' utilisation, each with its 95% interval across replications,
and the paired difference of each point against 100% with its 95% interval. The table goes into
docs/calibration.md between the staffing-curve markers (the rest of the file is left as it is).

Run: python scripts/staffing_curve.py [--reps 4] [--days 7] [--jobs 2] [--seed 20220601]
     [--out docs/calibration.md] (about 1 s per replication-week per core)
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sim.config.load import load_scenario  # noqa: E402
from sim.experiments.pilot import prepare_world  # noqa: E402
from sim.experiments.runner import run_replications  # noqa: E402
from sim.reporting.files import write_text  # noqa: E402
from sim.reporting.formatting import value_text  # noqa: E402
from sim.results.stats import paired_difference, summarise  # noqa: E402

SCALES = (0.25, 0.5, 1.0, 2.0)
START, END = "<!-- staffing-curve:start -->", "<!-- staffing-curve:end -->"
# (key, column title, percent?) in the table's order
COLUMNS = (
    ("urban_10min_acceptance", "urban 10-min (acceptance)", True),
    ("urban_10min_arrival", "urban 10-min (arrival)", True),
    ("rural_same_day", "rural same day", True),
    ("open_overnight_per_week", "open overnight / week", False),
    ("escalation_rate", "escalated", True),
    ("utilisation", "utilisation", True),
)


def point(setting: str, scale: float, reps: int, days: int, seed: int, jobs: int) -> list[dict[str, float]]:
    """Per replication: the columns' values at ``setting`` = ``scale``."""
    scenario = load_scenario(
        ROOT / "scenarios" / "pingyang.yaml", overrides={setting: scale, "run.days": days}
    )
    world = prepare_world(scenario)
    results = run_replications(scenario, reps, seed, jobs=jobs, keep_logs=False, world=world, progress=False)
    return [{key: r.kpis[key] for key, _, _ in COLUMNS} for r in results]


def _fmt(s: dict, percent: bool) -> str:
    if percent:
        return f"{100 * s['mean']:.1f}% ± {100 * s['half_width']:.1f}"
    return f"{s['mean']:.2f} ± {s['half_width']:.2f}"


def _diff(d: dict, percent: bool) -> str:
    k = 100 if percent else 1
    unit = " pp" if percent else ""

    def signed(value: float) -> str:  # never +0.0 or -0.0
        return value_text(k * value, "", signed=True)

    return f"{signed(d['mean'])}{unit} [{signed(d['low'])}, {signed(d['high'])}]"


def curve(setting: str, title: str, reps: int, days: int, seed: int, jobs: int) -> str:
    """The Markdown tables of one staffing curve (values, then paired differences vs 100%)."""
    runs = {scale: point(setting, scale, reps, days, seed, jobs) for scale in SCALES}
    head = "| " + title + " | " + " | ".join(t for _, t, _ in COLUMNS) + " |"
    rule = "|---" * (len(COLUMNS) + 1) + "|"
    lines = [head, rule]
    for scale, rows in runs.items():
        cells = [_fmt(summarise([r[k] for r in rows]), pct) for k, _, pct in COLUMNS]
        lines.append(f"| {scale:.0%} | " + " | ".join(cells) + " |")
    lines += ["", "Paired difference against 100% (same seeds), 95% interval:", "", head, rule]
    for scale, rows in runs.items():
        if scale == 1.0:
            continue
        cells = [
            _diff(paired_difference([r[k] for r in runs[1.0]], [r[k] for r in rows]), pct)
            for k, _, pct in COLUMNS
        ]
        lines.append(f"| {scale:.0%} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Simulate both curves, print them and put them into the calibration doc."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=4)
    parser.add_argument("--days", type=int, default=7)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--seed", type=int, default=20220601)
    parser.add_argument("--out", default=str(ROOT / "docs" / "calibration.md"))
    args = parser.parse_args(argv)
    run = (args.reps, args.days, args.seed, args.jobs)
    village = curve("teams.village_scale", "village teams", *run)
    station = curve("teams.station_scale", "town stations", *run)
    body = (
        f"Command: `python scripts/staffing_curve.py --reps {args.reps} --days {args.days} "
        f"--seed {args.seed}` ({args.days} measured days x {args.reps} replications a point, "
        "common random numbers; ± and [low, high]: 95% intervals across replications).\n\n"
        f"{village}\n\n{station}"
    )
    print(body)
    out = Path(args.out)
    text = out.read_text(encoding="utf-8")
    if START in text and END in text:
        text = text[: text.index(START) + len(START)] + "\n" + body + "\n" + text[text.index(END) :]
        write_text(out, text)
        print(f"wrote {out}")
    else:
        print(f"{out} has no {START} ... {END} block: not written")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
