"""The optimizer's band targets: the urban promise in one band of the day (``urban_10min_night``...).

The county of :data:`tests.test_optimize.KNOWN` has urban orders at Alpha from 07:00 to 24:00
and nobody on duty after 19:00 except what optimize adds: the evening (19-22) and night (22-24)
orders all miss, the day's are met. ``urban_10min_night`` judges only the orders placed
22:00-07:00, so its least plan is one volunteer at Alpha's seat at night (1 x 9 h x 7 = 63
volunteer-hours a week), where ``urban_10min`` needs the evening one too (84).
"""

from __future__ import annotations

import numpy as np
import pytest
import yaml

from sim.config.errors import UserError
from sim.config.load import load_scenario
from sim.experiments.optimize import evaluate, misses_by_cell, optimise, plan_hours
from sim.experiments.optimize_misses import share_misses
from sim.experiments.optimize_output import LEVERS
from sim.experiments.optimize_stop import meets
from sim.experiments.optimize_targets import TARGET_BANDS, TARGET_ZONES, parse_targets
from sim.experiments.pilot import prepare_world
from sim.results.kpi_catalogue import BAND_KPIS
from sim.results.promises import TIME_BANDS
from tests.conftest import TINY, variant
from tests.test_optimize import KNOWN

NIGHT = {"urban_10min_night": (">=", 1.0)}


def test_band_targets_are_parsed_and_a_wrong_one_gets_one_line_naming_them():
    assert set(TARGET_BANDS) == set(BAND_KPIS) and set(TARGET_BANDS.values()) == set(TIME_BANDS)
    assert parse_targets(["urban_10min_night=0.9", "urban_10min_evening>=0.95", "urban_10min_day=0.9"]) == {
        "urban_10min_night": (">=", 0.9),
        "urban_10min_evening": (">=", 0.95),
        "urban_10min_day": (">=", 0.9),
    }
    for text, why in (
        ("urban_10min_noon=0.9", "'urban_10min_noon' is not a KPI optimize can target"),
        ("urban_10min_night<=0.9", "urban_10min_night takes a share to reach (KPI=SHARE)"),
        ("urban_10min_night=90", "'90' is not a share from 0 to 1"),
    ):
        with pytest.raises(UserError) as error:
            parse_targets([text])
        (line,) = error.value.lines()
        assert line.startswith(f"--target {text}: {why}")
        assert "with KPI one of urban_10min, rural_same_day, urban_10min_day, urban_10min_evening, " in line
        assert "urban_10min_night, urban_10min_acceptance, urban_10min_arrival, rural_by_midnight " in line
        assert " and 0 <= SHARE <= 1" in line
    # every share target has the lever the stop line names when seat volunteers stop helping
    assert set(TARGET_ZONES) <= set(LEVERS) and "22:00-07:00" in LEVERS["urban_10min_night"]


def test_a_band_targets_misses_are_its_band_kpis_missed_orders_and_rank_only_its_band(tmp_path):
    scenario = variant(tmp_path, KNOWN)
    targets = {"urban_10min": 1.0, **NIGHT}
    evaluation = evaluate(scenario, {}, targets, reps=3, seed=11, jobs=1, keep_logs=True)
    world = prepare_world(scenario)
    per_band = {name: [] for name in BAND_KPIS}
    for result in evaluation.results:
        log = result.log
        everything = share_misses(log, world, ["urban_10min"])
        parts = []
        for name in BAND_KPIS:  # exactly the orders each band KPI counts as missed
            mine = share_misses(log, world, [name])
            assert mine.sum() == round((1 - result.kpis[name]) * result.orders[name])
            per_band[name].append(int(mine.sum()))
            parts.append(mine)
        # the bands' misses split urban_10min's; a band and the whole day together count once
        assert np.array_equal(np.logical_or.reduce(parts), everything)
        assert int(sum(p.sum() for p in parts)) == int(everything.sum())
        assert np.array_equal(share_misses(log, world, ["urban_10min", "urban_10min_night"]), everything)
    assert min(per_band["urban_10min_night"]) > 0 and min(per_band["urban_10min_evening"]) > 0
    assert max(per_band["urban_10min_day"]) == 0
    # the ranking of the candidate moves: the night target's misses are all in the night band
    night = misses_by_cell(evaluation, scenario, NIGHT)
    assert list(night) == [("Alpha", "night")]
    assert night["Alpha", "night"] == pytest.approx(np.mean(per_band["urban_10min_night"]))
    whole_day = misses_by_cell(evaluation, scenario, {"urban_10min": 1.0})
    assert set(whole_day) == {("Alpha", "evening"), ("Alpha", "night")}
    assert whole_day["Alpha", "night"] == night["Alpha", "night"]


def test_the_optimizer_buys_night_volunteers_only_for_the_night_target(tmp_path):
    scenario = variant(tmp_path, KNOWN)
    tried: list[str] = []
    search = optimise(scenario, NIGHT, reps=6, seed=11, step=1, candidates=4, log=tried.append)
    assert search.baseline.summary["urban_10min_night"]["verdict"] == "missed"
    assert search.baseline.summary["urban_10min"]["verdict"] != "met"
    assert search.met and search.final.plan == {("Alpha", "night"): 1}
    assert plan_hours(search.final.plan) == 63  # 1 x 9 h (22:00-07:00) x 7
    assert meets(search.final.summary, NIGHT)
    # no round tried a move in another band: the evening's misses are not the target's
    moves = [line for line in tried if line.lstrip().startswith("try ")]
    assert moves and all(line.split(":")[0].endswith(" night") for line in moves)
    # the evening orders still miss: the whole day is not the night target's business
    assert search.final.summary["urban_10min"]["verdict"] != "met"


def test_optimize_command_with_a_band_target(tmp_path, capsys):
    from sim.cli.main import main

    src = tmp_path / "known.yaml"
    src.write_text(yaml.safe_dump({"extends": str(TINY), "name": "known", **KNOWN}), encoding="utf-8")
    out = tmp_path / "plan.yaml"
    args = ["optimize", str(src), "--target", "urban_10min_night=1.0", "--step", "1", "--reps", "6"]
    code = main([*args, "--seed", "11", "--jobs", "1", "--out", str(out)])
    printed = capsys.readouterr().out
    assert code == 0 and "Plan: 63 extra volunteer-hours a week" in printed
    assert "Targets met with 95% confidence" in printed
    plan = load_scenario(out)
    assert [(a.town, a.hours, a.volunteers) for a in plan.teams.additions] == [("Alpha", [22, 7], 1)]
    assert "urban_10min_night >= 1" in plan.description
    comments = [line for line in out.read_text(encoding="utf-8").splitlines() if line.startswith("#")]
    assert comments[0].startswith("# Question: which extra on-duty volunteers (town, hours) meet ")
    assert "urban_10min_night >= 1 with 95% confidence" in comments[0]
    assert any(line.startswith("#   urban_10min_night: ") for line in comments)
    assert any(line.startswith("#   difference in urban_10min_night: ") for line in comments)
