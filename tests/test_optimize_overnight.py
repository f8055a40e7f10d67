"""The optimizer's ``<=`` targets: orders left open overnight (当天响应、当天办理,原则上不过夜).

The county of :data:`OVERNIGHT` is built so that the answer is known. Citizens order 07:00-19:00;
jobs take no time. Alpha's and Isle's village and community teams are on duty around the clock,
so their orders are answered at once. Beta's village teams work 07:00-17:00 and hold a rural
order 120 minutes before it joins Beta's town queue; Beta's town station works 07:00-19:00. So
Beta's orders placed 17:00-19:00 reach the town queue at 19:00-21:00, when nobody there is on
duty, and wait until the morning: open at their first midnight. Being placed after the cut-off,
they are due the next day, so ``rural_same_day`` stays at 100% while orders are left overnight.
One extra volunteer at Beta's seat in the evening band (19-22) takes each of them as it reaches
the town (a trip takes about 20 minutes, so it is back long before 22:00): 1 x 3 h x 7 = 21
volunteer-hours a week. Volunteers at the seat in the day band (the band these orders were
*placed* in) are off duty before any of them reaches the town, and buy nothing.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
import yaml

from sim.config.errors import UserError
from sim.experiments.optimize import (
    evaluate,
    misses_by_cell,
    optimise,
    plan_hours,
    summary_of,
)
from sim.experiments.optimize_gain import gain
from sim.experiments.optimize_misses import overnight_orders
from sim.experiments.optimize_stop import meets
from sim.experiments.optimize_targets import OVERNIGHT_TARGETS, parse_targets
from sim.experiments.pilot import prepare_world
from sim.results.kpi_catalogue import KPI_INFO
from sim.results.summary import total_orders
from sim.results.verdict import judge
from tests.conftest import TINY, variant
from tests.test_optimize import KNOWN

DAY_7_19 = [0.0] * 7 + [0.2] * 12 + [0.0] * 5
DAY_7_17 = [0.0] * 7 + [0.2] * 10 + [0.0] * 7
ALWAYS = [0.2] * 24
OVERNIGHT = {
    "schedules": {
        "day": {"weekday": DAY_7_19, "weekend": DAY_7_19},
        "short": {"weekday": DAY_7_17, "weekend": DAY_7_17},
        "always": {"weekday": ALWAYS, "weekend": ALWAYS},
    },
    "demand": {"hour_of_day": [0.0] * 7 + [1.0] * 12 + [0.0] * 5, "orders_per_1000_per_day": 1.0},
    "catalog": KNOWN["catalog"],  # one errand that takes no time
    "teams": {
        "village_schedule": "short",
        "community_schedule": "short",
        "town_overrides": {
            "Alpha": {"community_schedule": "always", "village_schedule": "always"},
            "Isle": {"village_schedule": "always"},
        },
    },
    "dispatch": {"timeouts_min": {"urban": [5, 10], "rural": [120, 720]}},
    "run": {"days": 7, "reps": 3},
}
NEVER_OVERNIGHT = {"open_overnight_per_week": ("<=", 0.0)}


def test_overnight_and_share_targets_are_parsed():
    assert parse_targets(["open_overnight_per_week<=5", "urban_10min>=0.9", "rural_same_day=0.95"]) == {
        "open_overnight_per_week": ("<=", 5.0),
        "urban_10min": (">=", 0.9),
        "rural_same_day": (">=", 0.95),
    }
    assert parse_targets(["open_overnight_rural_per_1000 <= 2.5"]) == {
        "open_overnight_rural_per_1000": ("<=", 2.5)
    }
    # every <= target is a KPI where lower is better
    assert all(KPI_INFO[k][2] == -1 for k in OVERNIGHT_TARGETS)


@pytest.mark.parametrize(
    "text",
    [
        "open_overnight_per_week=5",  # a count is held to <=, never >=
        "open_overnight_per_week>=5",
        "open_overnight_per_week<=-1",
        "open_overnight_per_week<=inf",
        "open_overnight_per_week<=nan",
        "open_overnight_per_week<=",
        "open_overnight_per_1000<=1001",
        "urban_10min<=0.9",  # a share is held to >=
        "response_p90_urban<=30",  # lower is better, but no move is located for it
        "open_overnight_per_week<5",
    ],
)
def test_a_bad_target_gets_one_line_naming_the_forms_expected(text, capsys):
    with pytest.raises(UserError) as error:
        parse_targets([text])
    (line,) = error.value.lines()
    assert line.startswith(f"--target {text}: ")
    assert "; expected KPI=SHARE or KPI>=SHARE" in line
    assert "KPI<=X with KPI open_overnight_per_week" in line

    from sim.cli.main import main

    status = main(["optimize", str(TINY), "--target", text])
    err = capsys.readouterr().err
    assert status == 2 and err.count("\n") == 1 and f"--target {text}: " in err and "; expected KPI=" in err


@pytest.mark.parametrize(
    "text, why",
    [
        ("urban_10mn=0.9", "'urban_10mn' is not a KPI optimize can target (did you mean 'urban_10min'?)"),
        ("urban_10min=1.5", "'1.5' is not a share from 0 to 1"),
        ("urban_10min=abc", "'abc' is not a share from 0 to 1"),
        ("urban_10min<=0.9", "urban_10min takes a share to reach (KPI=SHARE)"),
        ("open_overnight_per_week=5", "open_overnight_per_week takes a bound to stay under (KPI<=X)"),
        ("open_overnight_per_1000<=1001", "'1001' is not a number from 0 to 1000"),
        ("open_overnight_per_week<=-1", "'-1' is not a number >= 0"),
        ("open_overnight_per_week<5", "not of the form KPI=SHARE or KPI<=X"),
    ],
)
def test_a_bad_target_says_which_part_is_wrong(text, why):
    with pytest.raises(UserError) as error:
        parse_targets([text])
    assert error.value.lines()[0].startswith(f"--target {text}: {why}; expected ")


def test_a_kpi_given_twice_as_a_target_is_refused():
    # the second value silently replaced the first
    with pytest.raises(UserError) as error:
        parse_targets(["urban_10min=0.9", "urban_10min=0.95"])
    assert error.value.lines() == [
        "--target urban_10min=0.95: urban_10min is already a target (urban_10min>=0.9); "
        "expected each KPI once"
    ]


def test_located_overnight_misses_are_the_orders_the_kpi_counts(tmp_path):
    scenario = variant(tmp_path, OVERNIGHT)
    evaluation = evaluate(scenario, {}, NEVER_OVERNIGHT, reps=3, seed=11, jobs=1, keep_logs=True)
    misses = misses_by_cell(evaluation, scenario, NEVER_OVERNIGHT)
    per_week = [r.kpis["open_overnight_per_week"] for r in evaluation.results]
    assert min(per_week) > 0
    # all of them at Beta, by the band they reached the town (evening), not the one they were
    # placed in (the day band, 17:00-19:00)
    assert list(misses) == [("Beta", "evening")]
    assert misses["Beta", "evening"] == pytest.approx(np.mean(per_week) * scenario.run.days / 7)
    world = prepare_world(scenario)
    placed_in_day = counted_in_all = 0
    for result in evaluation.results:
        log = result.log
        counted = overnight_orders(log, world, list(OVERNIGHT_TARGETS))
        for name in OVERNIGHT_TARGETS:  # each <= KPI: exactly its orders
            mine = overnight_orders(log, world, [name])
            if name == "open_overnight_per_week":
                assert mine.sum() == result.kpis[name] * scenario.run.days / 7
            else:
                assert mine.sum() == round(result.kpis[name] * result.orders[name] / 1000)
        hours = log.orders.t_placed[counted] // 60 % 24
        placed_in_day += int(((hours >= 7) & (hours < 19)).sum())
        counted_in_all += int(counted.sum())
    assert placed_in_day == counted_in_all > 0


def test_the_optimizer_buys_evening_volunteers_at_beta_until_nothing_is_left_overnight(tmp_path):
    scenario = variant(tmp_path, OVERNIGHT)
    search = optimise(scenario, NEVER_OVERNIGHT, reps=3, seed=11, step=1, candidates=1)
    assert search.baseline.summary["open_overnight_per_week"]["verdict"] == "missed"
    assert search.baseline.summary["rural_same_day"]["mean"] == 1.0  # the share cannot see it
    assert search.met and search.final.plan == {("Beta", "evening"): 1}
    assert plan_hours(search.final.plan) == 21
    assert search.final.summary["open_overnight_per_week"]["verdict"] == "met"
    # the same for the per-1,000 KPI of the rural orders
    rural = {"open_overnight_rural_per_1000": ("<=", 0.0)}
    assert optimise(scenario, rural, reps=3, seed=11, step=1, candidates=1).final.plan == {
        ("Beta", "evening"): 1
    }
    # the band the orders were placed in is the wrong lever: day volunteers go home first
    day = evaluate(scenario, {("Beta", "day"): 1}, NEVER_OVERNIGHT, reps=3, seed=11, jobs=1)
    assert [r.kpis["open_overnight_per_week"] for r in day.results] == [
        r.kpis["open_overnight_per_week"] for r in search.baseline.results
    ]


def test_the_verdict_of_a_count_target_is_judges(tmp_path):
    scenario = variant(tmp_path, OVERNIGHT)
    evaluation = evaluate(scenario, {}, NEVER_OVERNIGHT, reps=3, seed=11, jobs=1)
    results = evaluation.results
    seen = set()
    for name in ("open_overnight_per_week", "open_overnight_per_1000"):
        values = [r.kpis[name] for r in results]
        unit = KPI_INFO[name][1]
        for target in (0.0, min(values), float(np.mean(values)), 2 * max(values), 10 * max(values)):
            expected = judge(values, unit, "<=", target, total_orders(results, name))
            mine = summary_of(results, name, "<=", target, days=scenario.run.days)
            assert (mine["verdict"], mine["low"], mine["high"]) == (
                expected.verdict,
                expected.low,
                expected.high,
            )
            assert meets({name: mine}, {name: ("<=", target)}) == (expected.verdict == "met")
            seen.add(expected.verdict)
    assert {"met", "missed", "uncertain"} <= seen


def test_the_gain_of_a_count_target_is_its_fall_as_a_share_of_its_orders():
    # 200 same-day orders a week: 6 fewer left overnight are 3% of them, as a share's 3 points
    before = {"open_overnight_per_week": {"mean": 10.0, "scale": 200.0}, "urban_10min": {"mean": 0.90}}
    after = {"open_overnight_per_week": {"mean": 4.0, "scale": 200.0}, "urban_10min": {"mean": 0.93}}
    targets = {"open_overnight_per_week": ("<=", 0.0), "urban_10min": (">=", 0.95)}
    assert gain(before, after, targets, 0.01) == pytest.approx(0.03 + 0.03)
    # below the target nothing more counts; with a margin (1% of 200 orders = 2 a week), below
    # target - margin
    target = {"open_overnight_per_week": ("<=", 5.0)}
    below = {"open_overnight_per_week": {"mean": 1.0, "scale": 200.0}}
    assert gain(before, below, target) == pytest.approx((10 - 5) / 200)
    assert gain(before, below, target, 0.01) == pytest.approx((10 - 3) / 200)
    assert gain(before, after, target, 0.01) == pytest.approx((10 - 4) / 200)
    # a per-1,000 KPI: its scale is 1,000 orders
    per_1000 = {"open_overnight_per_1000": ("<=", 0.0)}
    was, now = {"mean": 50.0, "scale": 1000.0}, {"mean": 20.0, "scale": 1000.0}
    assert gain({"open_overnight_per_1000": was}, {"open_overnight_per_1000": now}, per_1000, 0.01) == (
        pytest.approx(0.03)
    )
    nan = {"open_overnight_per_1000": {"mean": math.nan, "scale": 1000.0}}
    assert gain(nan, nan, per_1000, 0.01) == 0


def test_optimize_command_with_an_overnight_target(tmp_path, capsys):
    from sim.cli.main import main
    from sim.config.load import load_scenario

    src = tmp_path / "overnight.yaml"
    src.write_text(yaml.safe_dump({"extends": str(TINY), "name": "overnight", **OVERNIGHT}), encoding="utf-8")
    out = tmp_path / "plan.yaml"
    args = ["optimize", str(src), "--target", "open_overnight_per_week<=0", "--target", "rural_same_day=0.9"]
    code = main([*args, "--step", "1", "--reps", "3", "--seed", "11", "--jobs", "1", "--out", str(out)])
    printed = capsys.readouterr().out
    assert code == 0 and "Plan: 21 extra volunteer-hours a week" in printed
    assert re.search(r"^open_overnight_per_week +<= 0\.0 orders/week", printed, re.M)
    assert "Targets met with 95% confidence" in printed
    plan = load_scenario(out)
    assert [(a.town, a.hours, a.volunteers) for a in plan.teams.additions] == [("Beta", [19, 22], 1)]
    assert "open_overnight_per_week <= 0" in plan.description
