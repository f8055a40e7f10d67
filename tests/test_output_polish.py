"""What a new user reads in the terminal reads right: optimize shows the progress of its
confirmation run; sweep and compare write paired differences alike (a share's in percentage
points, every end signed); the town table has a header and aligns long Chinese names; targets
carry their unit; compare writes estimates as run does; no negative zero anywhere."""

from __future__ import annotations

import io
import math
import re
from pathlib import Path
from types import SimpleNamespace

import numpy as np

from sim.cli.main import main
from sim.experiments.compare import compare_arms
from sim.experiments.compare_inputs import Arm
from sim.experiments.compare_output import table
from sim.experiments.optimize_confirm import confirm
from sim.experiments.sweep_file import Sweep
from sim.experiments.sweep_table import table_text
from sim.reporting.formatting import difference_text, display_width, estimate_text
from sim.reporting.kpi_summary import interval_text, kpi_table, town_table
from tests.conftest import TINY, variant


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


# 1. optimize: the confirmation run shows its progress


def test_confirmation_run_shows_its_replications_on_stderr(tmp_path, capsys):
    scenario = variant(tmp_path, {"run": {"days": 1}})
    confirm(scenario, {}, {"urban_10min": 0.5}, reps=4, seed=7, progress=True)
    err = capsys.readouterr().err
    # not a terminal (pytest's capture, like CI): a few plain lines, the last one at the end
    assert "optimize variant: confirmation (fresh seeds): 4/4 replications" in err
    assert "\r" not in err


def test_confirmation_run_shows_a_bar_on_a_terminal(tmp_path, monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    terminal = Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    confirm(variant(tmp_path, {"run": {"days": 1}}), {}, {"urban_10min": 0.5}, reps=3, seed=7, progress=True)
    shown = terminal.getvalue()
    assert shown.count("\r") >= 3 and shown.endswith("\n") and shown.count("\n") == 1
    assert "confirmation (fresh seeds): 3/3 replications" in shown


def test_optimize_command_shows_the_confirmation_progress(tmp_path, capsys):
    # urban_10min >= 0 is met at once: no search round, straight to the confirmation
    code = main(
        ["optimize", str(TINY), "--target", "urban_10min=0", "--reps", "2", "--days", "1"]
        + ["--confirm-reps", "6", "--jobs", "1", "--out", str(tmp_path / "plan.yaml")]
    )
    assert code == 0
    err = capsys.readouterr().err
    assert "optimize tiny: confirmation (fresh seeds): 6/6 replications" in err


# 2. sweep's paired differences are written as compare writes them


def _sweep() -> Sweep:
    return Sweep(
        source="s.yaml",
        name="s",
        scenario=Path(TINY),
        grid={"dispatch.timeouts_min.rural[0]": [60, 30]},
        reps=4,
        days=7,
        seed=7,
        kpis=["rural_same_day", "open_overnight_per_week"],
        lines={},
    )


def _row(value, share: tuple, week: tuple) -> dict:
    row = {"dispatch.timeouts_min.rural[0]": value}
    for name, (mean, low, high, diff, diff_low, diff_high) in (
        ("rural_same_day", share),
        ("open_overnight_per_week", week),
    ):
        row.update({f"{name}.mean": mean, f"{name}.low": low, f"{name}.high": high})
        verdict = ("met" if low >= 0.95 else "uncertain") if name == "rural_same_day" else ""
        row.update({f"{name}.target": ">= 0.95" if verdict else "", f"{name}.verdict": verdict})
        row.update({f"{name}.diff": diff, f"{name}.diff_low": diff_low, f"{name}.diff_high": diff_high})
    return row


def test_sweep_differences_are_formatted_as_compare_formats_them():
    rows = [
        _row(60, (0.959, 0.95, 0.967, 0.0, 0.0, 0.0), (38.94, 30.1, 47.7, 0.0, 0.0, 0.0)),
        _row(30, (0.974, 0.966, 0.981, 0.015, 0.010, 0.020), (35.1, 27.0, 43.2, -0.004, -0.52, 0.31)),
    ]
    text = table_text(_sweep(), rows)
    differences = text.split("Paired difference")[1]
    # a share's difference in percentage points, every end signed, one decimal (compare's)
    assert "+1.5 pp [+1.0 pp, +2.0 pp]" in differences
    assert "+1.5 pp [+1.0 pp, +2.0 pp]" == difference_text(0.015, 0.010, 0.020, "share")
    assert "%" not in differences.split(":", 1)[1]  # no "+1.50%" any more
    # another KPI as compare writes it: signed, its unit once; a mean that rounds to 0 is 0.0
    # (neither "-0.0" nor a "+" its digits do not show)
    assert "0.0 [-0.5, +0.3] orders/week" in differences
    assert difference_text(-0.004, -0.52, 0.31, "orders/week") == "0.0 [-0.5, +0.3] orders/week"
    # the estimates as run writes them
    assert interval_text({"mean": 38.94, "low": 30.1, "high": 47.7, "n": 4, "unit": "orders/week"}) in text
    assert "95.9% [95.0%, 96.7%] (met)" in text and "97.4% [96.6%, 98.1%] (met)" in text
    assert "-0.0" not in text


# 3. the town table: a header, and names aligned by the widest


def _town_world() -> SimpleNamespace:
    towns = SimpleNamespace(pinyin=["Huaixi", "Qingjie", "Kunyang"], name=["怀溪镇", "青街畲族乡", "昆阳镇"])
    # Huaixi and Qingjie rural; Kunyang urban and rural
    places = SimpleNamespace(zone=np.array([1, 1, 0, 1]), town=np.array([0, 1, 2, 2]))
    return SimpleNamespace(towns=towns, places=places)


def _share(mean, low, high, target=None) -> dict:
    row = {"mean": mean, "low": low, "high": high, "n": 4, "unit": "share"}
    if target is not None:
        row.update(target=target, target_op=">=", verdict="missed" if high < target else "uncertain")
    return row


def _town_summary() -> dict:
    return {
        "kpis": {
            "town.Huaixi.compliance": _share(0.853, 0.787, 0.901, 0.95),
            "town.Qingjie.compliance": _share(0.912, 0.85, 0.95, 0.95),
            "town.Kunyang.compliance": _share(0.93, 0.92, 0.94),
            "town.Kunyang.urban_10min": _share(0.94, 0.93, 0.95, 0.9),
            "town.Kunyang.rural_same_day": _share(0.91, 0.88, 0.94, 0.95),
        }
    }


def test_town_table_has_a_header_row_saying_what_each_column_is():
    lines = town_table(_town_summary(), _town_world()).splitlines()
    header = lines[1].split()
    assert header[:2] == ["town", "name"] and "all orders" in lines[1] and "95% interval" in lines[1]
    assert set(lines[2].replace(" ", "")) == {"-"}
    huaixi = next(line for line in lines if "Huaixi" in line)
    # the repeated number is named: all the town's orders, then the rural promise it is judged on
    assert re.search(r"85\.3%\s+rural 85\.3% \[78\.7%, 90\.1%\] vs >= 95\.0%: missed$", huaixi)
    # a town judged on several promises: one a line, the later ones under the first
    at = next(i for i, line in enumerate(lines) if "Kunyang" in line)
    assert "urban 94.0% [93.0%, 95.0%]" in lines[at] and "rural" not in lines[at]
    assert lines[at + 1].lstrip().startswith("rural 91.0% [88.0%, 94.0%]")
    column = display_width(lines[at][: lines[at].index("urban")])  # (Chinese names take two)
    assert display_width(lines[at + 1][: lines[at + 1].index("rural")]) == column
    # the ruler is as wide as the widest line, not as all of a town's promises in a row
    assert display_width(lines[2]) == max(display_width(line) for line in lines[1:])


def test_town_table_aligns_names_of_any_width():
    header, _, *rows = town_table(_town_summary(), _town_world()).splitlines()[1:]
    # every row's "all orders" column ends at the same terminal column as the header's
    ends = [
        display_width(line[: line.index(key) + len(key)])
        for line, key in zip([header, *rows], ["all orders", "85.3%", "91.2%", "93.0%"])
    ]
    assert len(set(ends)) == 1, ends
    assert "青街畲族乡" in rows[1]


# 4. units on targets, compare's estimates as run's, no negative zero


def test_kpi_table_target_carries_the_kpis_unit():
    summary = {
        "kpis": {
            "open_overnight_per_1000": {
                "label": "Orders open overnight",
                "unit": "per 1,000 orders",
                "mean": 38.9,
                "low": 30.0,
                "high": 47.0,
                "n": 4,
                "target": 0.0,
                "target_op": "<=",
                "verdict": "missed",
            }
        }
    }
    row = kpi_table(summary).splitlines()[2]
    assert "38.9 [30.0, 47.0] per 1,000 orders  <= 0.0 per 1,000 orders  missed" in row


def _arm(name: str, values: tuple[tuple[float, float], ...]) -> Arm:
    """An arm of 3 replications with these (open overnight a week, rural same day) values."""
    rows = [{"open_overnight_per_week": a, "rural_same_day": b} for a, b in values]
    return Arm(name, f"{name}.yaml", 1, 7.0, rows)


def test_compare_writes_estimates_as_run_and_no_negative_zero():
    base = _arm("base", ((42.6, 0.95), (42.7, 0.96), (42.68, 0.955)))
    same = _arm("same", ((42.599, 0.9499), (42.699, 0.9599), (42.679, 0.9549)))
    result = compare_arms([base, same])
    text = table(result, ["open_overnight_per_week", "rural_same_day"])
    row = next(line for line in text.splitlines() if line.startswith("open_overnight_per_week"))
    # run's format: one decimal and the unit (kpi_summary.interval_text / format_number)
    assert f"  {estimate_text(42.66, 'orders/week')}  " in row and "42.7 orders/week" in row
    assert "42.66" not in row
    # differences that round to zero: no negative zero, no sign the digits do not show
    assert not re.search(r"[-+]0\.0+\b", text), text
    assert "  0.0 [" in row and "  0.0 pp [" in text


def test_an_infinite_difference_keeps_its_sign():
    assert difference_text(-math.inf, -math.inf, 0.0, "share").startswith("-inf")


def test_run_and_sweep_write_an_estimate_with_its_interval_alike():
    row = {"mean": -0.0004, "low": -0.03, "high": 0.02, "n": 4, "unit": "orders/week"}
    # one function for both (sim.reporting.formatting.interval_estimate_text): no "-0.0"
    assert interval_text(row) == "0.0 [0.0, 0.0] orders/week"
    assert interval_text(dict(row, mean=38.94, low=30.1, high=47.7)) == "38.9 [30.1, 47.7] orders/week"
    assert interval_text(dict(row, mean=38.94, n=1)) == "38.9 orders/week (1 replication)"
    assert interval_text(_share(0.959, 0.95, 0.967)) == "95.9% [95.0%, 96.7%]"


def test_a_towns_other_urban_reading_is_stated_but_not_its_verdict():
    from sim.reporting.briefing_text import town_rows, worst_town_lines

    summary = {
        "kpis": {
            "town.Kunyang.compliance": _share(0.95, 0.94, 0.96),
            "town.Kunyang.urban_10min": dict(_share(0.94, 0.93, 0.95, 0.9), verdict="met"),
            "town.Kunyang.rural_same_day": dict(_share(0.96, 0.955, 0.97, 0.95), verdict="met"),
            "town.Kunyang.urban_10min_arrival": _share(0.68, 0.66, 0.70, 0.9),
        }
    }
    data = {"towns": {"pinyin": ["Kunyang"], "name": ["昆阳镇"], "target": [0.93]}}
    (row,) = town_rows(summary, data, "en")
    # the town's verdict is its zones' promises as the scenario reads them: met
    assert row["verdict"] == "met"
    assert [z["zone"] for z in row["zones"]] == ["urban", "rural", "urban_arrival"]
    lines = worst_town_lines(summary, data, "en")
    assert len(lines) == 3 and lines[2].startswith("Kunyang (Urban, at arrival): 68.0%")
    assert lines[2].endswith("missed.")
    assert any(s.startswith("昆阳镇（城区，按到达计）") for s in worst_town_lines(summary, data, "zh"))


def test_an_interval_end_near_zero_shows_which_side_of_zero_it_is():
    # a "better" whose lower bound is 5.6e-05 must not read [0.0 pp, ...]
    assert difference_text(0.0104, 5.6e-05, 0.021, "share") == "+1.0 pp [+0.0056 pp, +2.1 pp]"
    assert difference_text(-0.5, -1.0, -0.0004, "orders/week") == "-0.5 [-1.0, -0.0004] orders/week"
    # a mean that rounds to 0, or an end exactly 0, stays 0.0
    assert difference_text(-0.004, -0.52, 0.31, "orders/week") == "0.0 [-0.5, +0.3] orders/week"
    assert difference_text(0.0, 0.0, 0.0, "share") == "0.0 pp [0.0 pp, 0.0 pp]"


def test_a_mixed_towns_bar_names_the_zone_whose_verdict_colours_it():
    # Kunyang's bar is above its drawn (order-weighted) target yet "uncertain": its rural zone's
    from sim.reporting.briefing_charts import _town_tick
    from sim.reporting.briefing_text import town_rows

    summary = {
        "kpis": {
            "town.Kunyang.compliance": _share(0.953, 0.94, 0.964),
            "town.Kunyang.urban_10min": dict(_share(0.945, 0.929, 0.957, 0.9), verdict="met"),
            "town.Kunyang.rural_same_day": _share(0.965, 0.942, 0.979, 0.95),
            "town.Huaixi.compliance": _share(0.858, 0.79, 0.90, 0.95),
        }
    }
    data = {"towns": {"pinyin": ["Kunyang", "Huaixi"], "name": ["昆阳镇", "怀溪镇"], "target": [0.925, 0.95]}}
    kunyang, huaixi = town_rows(summary, data, "en")
    assert (kunyang["verdict"], kunyang["verdict_zone"]) == ("uncertain", "rural")
    assert _town_tick(kunyang, "en") == "Kunyang (rural: uncertain)"
    assert _town_tick(huaixi, "en") == "Huaixi"  # one zone: its own verdict
    assert _town_tick(town_rows(summary, data, "zh")[0], "zh") == "昆阳镇（非城区：不确定）"


def test_the_sweep_table_notes_an_edge_met_as_run_does():
    # every replication exactly at "<= 0": met at the edge; run and compare note it, the sweep's
    # terminal table wrote a plain "met"
    import dataclasses

    from sim.experiments.sweep_table import table_row

    sweep = dataclasses.replace(_sweep(), kpis=["open_overnight_per_1000"])
    saved = {
        "targets": {"open_overnight_per_1000": ("<=", 0.0)},
        "kpis": {"open_overnight_per_1000": [0.0, 0.0, 0.0]},
        "orders": {"open_overnight_per_1000": 600},
    }
    row = table_row(sweep, {"dispatch.timeouts_min.rural[0]": 60}, saved, saved)
    assert row["open_overnight_per_1000.at_edge"] == 1 and row["open_overnight_per_1000.n"] == 3
    text = table_text(sweep, [row])
    assert "(met (0.0 per 1,000 orders in all 3 replications))" in text
