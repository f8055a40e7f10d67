"""What a comparison prints and writes besides compare.json: each arm's label, the plain-text
tables, compare.csv and the default results folder; and how an estimate and a paired difference
are written comes from :mod:`sim.reporting.formatting`, shared with the sweep's table and ``run``.

Each reads the result :func:`sim.experiments.compare.compare_arms` returns (compare.json is that
result as it is) and computes no statistic; the forest plots are
:mod:`sim.reporting.experiment_charts`'. Kept apart from the statistics so that how a comparison
is shown can change without touching how it is estimated.
"""

from __future__ import annotations

import itertools
import math
from pathlib import Path
from typing import TYPE_CHECKING

from sim.config.errors import UserError
from sim.reporting.formatting import difference_text, estimate_text
from sim.reporting.i18n import tr
from sim.reporting.kpi_summary import VERDICT_WORDS as RUN_VERDICT_WORDS
from sim.reporting.kpi_summary import edge_note, target_text

if TYPE_CHECKING:
    from sim.experiments.compare_inputs import Arm


def arm_labels(arms: list[Arm]) -> list[str]:
    """Each arm's label in every output (compare.json, compare.csv, the tables, the forest
    plots' file names): its scenario name, or ``name@stem`` (the stem of its file or folder)
    when an arm from another source has the same name. The same source given twice is the
    same scenario and keeps one label; two sources that would still share one are refused."""
    places = [Path(a.source).resolve() for a in arms]
    shared = {
        a.name for a, p in zip(arms, places) for b, q in zip(arms, places) if a.name == b.name and p != q
    }
    labels = [f"{a.name}@{Path(a.source).stem}" if a.name in shared else a.name for a in arms]
    for i, j in itertools.combinations(range(len(arms)), 2):
        if labels[i] == labels[j] and places[i] != places[j]:
            raise UserError(
                f"compare: {arms[i].source} and {arms[j].source} would both be labelled {labels[i]} "
                "(a scenario name, or the same name and file name); expected different scenario "
                "names or file names"
            )
    return labels


VERDICT_WORDS = {
    "better": "better",
    "worse": "worse",
    "same": "no significant difference",
    "higher": "higher",
    "lower": "lower",
    "n/a": tr("verdict.n/a"),  # the words every output gives a KPI without data
}
# a scenario's verdict against its target in the words ``run`` prints (met, missed, uncertain,
# not enough replications, no data), and a scenario without the target another one has
PROMISE_WORDS = RUN_VERDICT_WORDS | {"none": tr("verdict.none", "en")}


# what a plan costs: a row of every table compare prints, with COST_NOTE under it
COST_KPI = "on_duty_hours_per_week"
COST_NOTE = (
    f"{COST_KPI} counts hours on duty after show-up (on average rostered hours x "
    "teams.show_up); optimize and teams.additions count rostered hours, so one plan costs "
    "fewer hours here (docs/experiments.md)"
)
# the most town KPIs the default table shows (the worst first); --all-kpis shows every one
TOWN_ROWS = 8
# the baseline's verdicts that put a town KPI in the default table, the worse first
WEAK_VERDICTS = ("missed", "uncertain")


def shortfall(e: dict) -> float:
    """How far an estimate (compare.json's, with a target) lies on the wrong side of its
    target, in the KPI's unit (a share as a fraction): positive below a ``>=`` target or above
    a ``<=`` one, negative on the right side; NaN without data."""
    gap = e["target"] - e["mean"]
    return gap if e["target_op"] == ">=" else -gap


def weak_towns(result: dict) -> list[str]:
    """Every town KPI (``town.<pinyin>.*``) the baseline (the first scenario) holds to a target
    and misses or leaves uncertain, worst first: missed before uncertain, then the furthest
    from its target first (:func:`shortfall`), a KPI without data last. The verdicts are
    compare.json's, the ones every output gives (:func:`sim.results.verdict.judge`)."""
    weak = []
    for name, k in result["kpis"].items():
        e = k["estimates"][0]
        if name.startswith("town.") and e.get("verdict") in WEAK_VERDICTS:
            gap = shortfall(e)
            nan = math.isnan(gap)
            weak.append((WEAK_VERDICTS.index(e["verdict"]), nan, 0.0 if nan else -gap, name))
    return [w[-1] for w in sorted(weak)]


def town_rows(result: dict, limit: int = TOWN_ROWS) -> list[str]:
    """The town KPIs the default table shows: the first ``limit`` of :func:`weak_towns` (the
    default county's 16 towns have 26 judged town KPIs: a row each would bury the county's)."""
    return weak_towns(result)[:limit]


def town_note(result: dict, limit: int = TOWN_ROWS) -> str | None:
    """The line under the default table that says why its town rows are there, how many more
    such towns ``--all-kpis`` shows, or that the baseline misses none; None for scenarios
    without town KPIs with a target."""
    if not any(n.startswith("town.") and "verdict" in k["estimates"][0] for n, k in result["kpis"].items()):
        return None
    base, weak = result["baseline"], weak_towns(result)
    every = "--all-kpis shows every KPI"
    if not weak:
        return f"no town KPI is missed or uncertain in {base} (the baseline), so none is shown; {every}"
    shown = min(len(weak), limit)
    more = f"{len(weak) - shown} more are missed or uncertain: " if len(weak) > shown else ""
    return (
        f"town rows: the {shown} town KPIs {base} (the baseline) misses or leaves uncertain "
        f"against their target, worst first (missed, then the furthest from the target); "
        f"{more}{every}"
    )


def row_notes(result: dict, names: list[str], all_kpis: bool) -> list[str]:
    """The notes on which rows the table shows and what they count: why its town rows are
    there (the default table, :func:`town_note`) and, under the cost row, what it counts
    (:data:`COST_NOTE`: hours on duty, not the rostered hours optimize gives a plan)."""
    towns = None if all_kpis else town_note(result)
    return [n for n in (towns, COST_NOTE if COST_KPI in names else None) if n]


def urban_alias(result: dict) -> str | None:
    """The KPI that is urban_10min under its reading's own name in every scenario
    (``urban_10min_acceptance`` when all count the volunteer's acceptance, ``urban_10min_arrival``
    when all count the arrival), or None when the scenarios' readings differ or are not known."""
    urban = result["kpis"].get("urban_10min", {"estimates": [{}]})
    events = {e.get("urban_response_event") for e in urban["estimates"]}
    if len(events) != 1 or None in events:
        return None
    return f"urban_10min_{events.pop()}"


def shown_names(result: dict, names: list[str]) -> dict[str, str]:
    """KPI -> its row's label in the tables, for the ``names`` to show: each KPI once, so
    urban_10min's alias (:func:`urban_alias`) has no row of its own when urban_10min has one;
    urban_10min's row then says which reading it is (``urban_10min (= urban_10min_acceptance)``).
    compare.json and compare.csv keep both."""
    alias = urban_alias(result)
    if alias is None or alias not in names or "urban_10min" not in names:
        return {n: n for n in names}
    return {n: f"{n} (= {alias})" if n == "urban_10min" else n for n in names if n != alias}


def target_cell(estimates: list[dict], unit: str) -> str:
    """The targets of a KPI's ``estimates`` (compare.json's, one per scenario) as text: one
    target when every scenario has the same (``>= 90.0%``), each scenario's in column order
    when they differ (``>= 90.0% / >= 95.0%``, ``no target`` for one without), "" without."""
    texts = [target_text({**e, "unit": unit}) if "target" in e else PROMISE_WORDS["none"] for e in estimates]
    if all("target" not in e for e in estimates):
        return ""
    return texts[0] if len(set(texts)) == 1 else " / ".join(texts)


def estimate_cell(e: dict, unit: str, was: dict | None = None) -> str:
    """A scenario's estimate as ``run`` writes it (:func:`estimate_text`) and, against its
    target, its verdict in ``run``'s words: ``78.4% (uncertain)``; with ``was`` (the baseline's
    estimate) and a verdict that differs from it, the change: ``95.1% (met -> uncertain)``; an
    edge met with its note: ``0.0 per 1,000 orders (met; 0.0 per 1,000 orders in all 2
    replications)``."""
    text = estimate_text(e["mean"], unit)
    if "verdict" not in e:
        return text
    word = PROMISE_WORDS[e["verdict"]]
    if was is not None and "verdict" in was and was["verdict"] != e["verdict"]:
        word = f"{PROMISE_WORDS[was['verdict']]} -> {word}"
    if e.get("at_edge"):  # an edge met, noted as run notes it
        word = f"{word}; {edge_note({**e, 'unit': unit})}"
    return f"{text} ({word})"


def table(result: dict, names: list[str]) -> str:
    """Plain-text tables, one per variant: the KPI's target (if any), both estimates (as
    ``run`` writes them, :func:`estimate_text`) each with its verdict against its target (as
    ``run`` gives it; the variant's shows the change, ``met -> uncertain``, where the two
    verdicts differ: :func:`estimate_cell`), the paired difference with its CI (:func:`difference_text`), the
    difference's verdict, and how much wider the unpaired CI would be. Each KPI has one row
    (:func:`shown_names`)."""
    base = result["scenarios"][0]
    shown = shown_names(result, names)
    blocks = []
    for j, variant in enumerate(result["scenarios"][1:]):
        rows = [
            [
                "KPI",
                "target",
                base,
                variant,
                f"difference ({result['difference_level']:.1%} CI)",
                "verdict",
                "unpaired/paired CI width",
            ]
        ]
        for name, row_label in shown.items():
            k = result["kpis"].get(name)
            if k is None:
                continue
            unit, d = k["unit"], k["differences"][j]
            pair = [k["estimates"][0], k["estimates"][j + 1]]
            ci = difference_text(d["mean"], d["low"], d["high"], unit)
            if d["half_width"] == 0 and d["unpaired_half_width"] == 0:
                ratio = "both exact"
            elif d["half_width"] == 0:
                ratio = "paired exact"
            else:
                ratio = "n/a" if math.isnan(d["width_ratio"]) else f"{d['width_ratio']:.1f}x"
            rows.append(
                [
                    row_label,
                    target_cell(pair, unit),
                    estimate_cell(pair[0], unit),
                    estimate_cell(pair[1], unit, pair[0]),
                    ci,
                    VERDICT_WORDS[d["verdict"]],
                    ratio,
                ]
            )
        widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
        lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]
        lines.insert(1, "  ".join("-" * w for w in widths))
        blocks.append(f"{variant} vs {base}:\n" + "\n".join(lines))
    return "\n\n".join(blocks)


def _number(value: float | None) -> str:
    """A CSV cell: six significant digits, empty when the value is undefined (NaN)."""
    return "" if value is None or math.isnan(value) else f"{value:.6g}"


# compare.csv's columns: each scenario's estimate, its promise (the target, its comparison, the
# verdict against it and the edge-met flag, as its kpis.json gives them), then the variant's
# paired difference from the baseline and that difference's verdict
CSV_COLUMNS = (
    "kpi",
    "scenario",
    "mean",
    "ci_low",
    "ci_high",
    "target_op",
    "target",
    "target_verdict",
    "at_edge",
    "diff_mean",
    "diff_low",
    "diff_high",
    "unpaired_half_width",
    "diff_verdict",
)


def promise_cells(e: dict) -> list[str]:
    """A scenario's estimate's promise as compare.csv's cells ``target_op``, ``target``,
    ``target_verdict``, ``at_edge``: the comparison, the target (in the KPI's unit, a share as a
    fraction), the verdict against it (``met``, ``missed``, ``uncertain``, ``few``, ``n/a``:
    kpis.json's, the one every output gives) and 1 for an edge met, else 0; four empty cells
    for a KPI the scenario holds to no target."""
    if "target" not in e:
        return [""] * 4
    return [e["target_op"], _number(e["target"]), e["verdict"], "1" if e.get("at_edge") else "0"]


def csv_text(result: dict) -> str:
    """Every KPI's estimates, their promise verdicts and the paired differences as CSV
    (:data:`CSV_COLUMNS`; an undefined value, or a column a row has none of: an empty cell)."""
    lines = [",".join(CSV_COLUMNS)]
    for name, k in result["kpis"].items():
        rows = [(result["scenarios"][0], k["estimates"][0], None)]
        rows += zip(result["scenarios"][1:], k["estimates"][1:], k["differences"])
        for scen, est, d in rows:
            cells = [name, scen] + [_number(est[key]) for key in ("mean", "low", "high")]
            cells += promise_cells(est)
            if d is None:
                cells += [""] * 5
            else:
                cells += [_number(d[key]) for key in ("mean", "low", "high", "unpaired_half_width")]
                cells.append(d["verdict"])
            lines.append(",".join(cells))
    return "\n".join(lines) + "\n"


def default_out(result: dict, root: Path) -> Path:
    """results/compare-<baseline>-vs-<variant>[-...]."""
    return root / ("compare-" + "-vs-".join(result["scenarios"]))
