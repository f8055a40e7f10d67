"""compare's default table shows what a planner acts on: what a plan costs
(``on_duty_hours_per_week``, with a note that it counts hours on duty after show-up, not the
rostered hours optimize gives a plan) and the town KPIs the baseline misses or leaves
uncertain, the worst first and bounded, with a line saying why they are there and how many
more ``--all-kpis`` shows; their verdicts are compare.json's, as every output gives them."""

from __future__ import annotations

import csv
import json
from types import SimpleNamespace

from sim.cli.commands.compare import _names
from sim.cli.main import main
from sim.experiments.compare_output import (
    COST_KPI,
    COST_NOTE,
    PROMISE_WORDS,
    TOWN_ROWS,
    row_notes,
    town_note,
    weak_towns,
)
from sim.reporting.formatting import estimate_text
from tests.conftest import TINY


def _kpi(verdict: str | None = None, mean: float = 0.9, target: float = 0.95, op: str = ">=") -> dict:
    """A compare.json KPI of two scenarios whose baseline estimate has this verdict."""
    e = (
        {"mean": mean}
        if verdict is None
        else {"mean": mean, "target": target, "target_op": op, "verdict": verdict}
    )
    return {"estimates": [e, dict(e)]}


def _result(kpis: dict) -> dict:
    return {"baseline": "base", "scenarios": ["base", "plan"], "kpis": kpis}


def test_the_default_table_shows_the_cost_and_the_towns_the_baseline_misses_worst_first():
    kpis = {
        "urban_10min": _kpi("met", 0.97, 0.9),
        COST_KPI: _kpi(),
        "town.Huaixi.compliance": _kpi("uncertain", 0.86),  # 9 points short, but uncertain
        "town.Kunyang.urban_10min": _kpi("met", 0.97, 0.9),  # met: left to --all-kpis
        "town.Aojiang.urban_10min_night": _kpi("missed", 0.77, 0.9),  # 13 points short
        "town.Mabu.compliance": _kpi("missed", 0.93),  # 2 points short
        "town.Nanji.compliance": _kpi("uncertain", float("nan")),  # no data: last
        "town.Fengwo.compliance": _kpi("few", 0.5),  # not enough replications: not a miss
        "town.Alpha.compliance": _kpi(None, 0.5),  # no target
    }
    result = _result(kpis)
    names = _names(SimpleNamespace(all_kpis=False), result)
    assert names == [
        "urban_10min",
        COST_KPI,
        "town.Aojiang.urban_10min_night",
        "town.Mabu.compliance",
        "town.Huaixi.compliance",
        "town.Nanji.compliance",
    ]
    assert _names(SimpleNamespace(all_kpis=True), result) == list(kpis)
    # a "<=" target is missed above it
    assert weak_towns(
        _result({"town.A.x": _kpi("missed", 3.0, 1.0, "<="), "town.B.x": _kpi("missed", 2.0, 1.0, "<=")})
    ) == [
        "town.A.x",
        "town.B.x",
    ]


def test_the_town_rows_are_bounded_and_the_note_says_why_and_how_many_more():
    kpis = {f"town.T{i:02d}.compliance": _kpi("uncertain", 0.90 + i / 1000) for i in range(TOWN_ROWS + 3)}
    result = _result(kpis)
    names = _names(SimpleNamespace(all_kpis=False), result)
    assert names == [f"town.T{i:02d}.compliance" for i in range(TOWN_ROWS)]  # the furthest first
    note = town_note(result)
    assert note.startswith(
        f"town rows: the {TOWN_ROWS} town KPIs base (the baseline) misses or leaves uncertain"
    )
    assert note.endswith("3 more are missed or uncertain: --all-kpis shows every KPI")
    # the cost note under the cost row only; the town note only in the default table
    assert row_notes(result, names, all_kpis=False) == [note]
    assert row_notes(result, [COST_KPI], all_kpis=True) == [COST_NOTE]
    met = _result({"town.A.compliance": _kpi("met", 0.99)})
    assert town_note(met) == (
        "no town KPI is missed or uncertain in base (the baseline), so none is shown; "
        "--all-kpis shows every KPI"
    )
    assert town_note(_result({"urban_10min": _kpi("missed")})) is None  # no town KPIs


def _row(printed: str, name: str) -> str:
    return next(line for line in printed.splitlines() if line.split("  ")[0] == name)


def test_compare_prints_the_cost_and_the_weak_towns_with_the_verdicts_of_compare_json(tmp_path, capsys):
    out = tmp_path / "cmp"
    args = ["compare", str(TINY), str(TINY), "--reps", "2", "--days", "1", "--jobs", "1", "--out", str(out)]
    assert main(args) == 0
    printed = capsys.readouterr().out
    result = json.loads((out / "compare.json").read_text(encoding="utf-8"))
    assert f"  {estimate_text(result['kpis'][COST_KPI]['estimates'][0]['mean'], 'hours/week')}  " in _row(
        printed, COST_KPI
    )
    assert f"note: {COST_NOTE}" in printed
    assert "rostered hours" in COST_NOTE and "after show-up" in COST_NOTE
    weak = weak_towns(result)
    assert weak, "the tiny county's one-day replications leave some town promise uncertain"
    with (out / "compare.csv").open(encoding="utf-8") as fh:
        csv_verdicts = {(r["kpi"], r["scenario"]): r["target_verdict"] for r in csv.DictReader(fh)}
    for name in weak[:TOWN_ROWS]:
        e = result["kpis"][name]["estimates"][0]
        cell = f"{estimate_text(e['mean'], 'share')} ({PROMISE_WORDS[e['verdict']]})"
        assert cell in _row(printed, name), name  # the table's verdict is compare.json's
        assert csv_verdicts[(name, "tiny")] == e["verdict"]  # and compare.csv's
    assert f"note: {town_note(result)}" in printed
    shown = [line.split("  ")[0] for line in printed.splitlines() if line.startswith("town.")]
    assert shown == weak[:TOWN_ROWS]
