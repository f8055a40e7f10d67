"""Staffing optimisation finds the known minimum; more volunteers never lower compliance."""

from __future__ import annotations

import dataclasses

import pytest

from sim.config.errors import UserError
from sim.config.load import load_scenario
from sim.config.teams import Addition
from sim.experiments.optimize import optimise, plan_hours, with_plan
from sim.experiments.optimize_stop import meets
from sim.experiments.optimize_targets import parse_targets
from sim.experiments.runner import run_replications
from sim.results.stats import paired_difference
from tests.conftest import TINY, variant

DAY_7_19 = [0.0] * 7 + [0.2] * 12 + [0.0] * 5

# By construction: every team works 07:00-19:00 (2 on duty, plenty for the day's orders); jobs
# take no time (no service, no travel from the seat A1), so one volunteer handles any trickle of
# orders; citizens order 07:00-24:00 only. Urban orders at A1 in the evening (19-22) and in the
# night band (22-07) find nobody; urban tier-1 timeout 0 sends them straight to the town, where
# an extra team at Alpha's seat answers in 2 minutes (rural orders wait 12 hours in their
# village before escalating, so they never keep it busy). The least plan meeting urban_10min = 1.0
# is one volunteer at Alpha in the evening and one at night: 1 x 3 h x 7 + 1 x 9 h x 7 = 84.
KNOWN = {
    "schedules": {"day": {"weekday": DAY_7_19, "weekend": DAY_7_19}},
    "demand": {"hour_of_day": [0.0] * 7 + [1.0] * 17, "orders_per_1000_per_day": 0.5},
    "catalog": [
        {
            "id": "errand",
            "name": "Errand",
            "column": "daily",
            "skill": "errand",
            "share": 1.0,
            "service": {"kind": "fixed", "mean": 0},
        }
    ],
    "dispatch": {"timeouts_min": {"urban": [0, 10], "rural": [720, 720]}},
    "run": {"days": 7, "reps": 3},
}


def test_optimize_finds_the_known_minimum(tmp_path):
    # 6 replications: the night volunteer's +12 points show on them (paired 95% interval);
    # 3 do not (tests/test_optimize_shown.py)
    scenario = variant(tmp_path, KNOWN)
    targets = {"urban_10min": 1.0}
    search = optimise(scenario, targets, reps=6, seed=11, step=1, candidates=4)
    assert not meets(search.baseline.summary, targets)
    assert search.met
    assert search.final.plan == {("Alpha", "evening"): 1, ("Alpha", "night"): 1}
    assert plan_hours(search.final.plan) == 84
    # the first move is the cheaper band (evening: more misses per volunteer-hour)
    assert search.steps[0][0] == ("Alpha", "evening")


def test_more_volunteers_never_lower_compliance_beyond_noise(tmp_path):
    base = variant(tmp_path, {"demand": {"orders_per_1000_per_day": 4.0}, "run": {"days": 3}})
    reps, seed = 6, 3
    before = run_replications(base, reps, seed, keep_logs=False, progress=False)
    gains = {}
    for town in ("Alpha", "Beta"):
        for hours in ([8, 18], [18, 8]):
            more = with_plan(base, {})
            more = dataclasses.replace(
                more,
                teams=dataclasses.replace(
                    more.teams, additions=[Addition(town=town, hours=hours, volunteers=3)]
                ),
            )
            after = run_replications(more, reps, seed, keep_logs=False, progress=False)
            for kpi in ("urban_10min", "rural_same_day"):
                diff = paired_difference([r.kpis[kpi] for r in before], [r.kpis[kpi] for r in after])
                assert diff["high"] >= 0 or diff["n"] < 2, (town, hours, kpi, diff)
                gains[town, hours[0], kpi] = diff["low"]
    assert gains["Alpha", 18, "urban_10min"] > 0  # night volunteers at the urban seat help


def test_targets_are_checked():
    assert parse_targets(["urban_10min=0.95", "rural_same_day>=0.98"]) == {
        "urban_10min": (">=", 0.95),
        "rural_same_day": (">=", 0.98),
    }
    for bad in (["urban_10min=95"], ["speed=0.5"], ["urban_10min"], ["urban_10min<=0.9"], []):
        with pytest.raises(UserError):
            parse_targets(bad)


def test_optimize_command_saves_a_valid_variant(tmp_path, capsys):
    import yaml

    from sim.cli.main import main

    src = tmp_path / "known.yaml"
    src.write_text(yaml.safe_dump({"extends": str(TINY), "name": "known", **KNOWN}), encoding="utf-8")
    out = tmp_path / "plans" / "plan.yaml"
    code = main(
        [
            "optimize",
            str(src),
            "--target",
            "urban_10min=1.0",
            "--step",
            "1",
            "--reps",
            "6",
            "--seed",
            "11",
            "--jobs",
            "1",
            "--out",
            str(out),
        ]
    )
    printed = capsys.readouterr().out
    assert "Plan: 84 extra volunteer-hours a week" in printed
    # under the plan's rows, what "+N volunteers" means in people (the test county: show-up 1.0)
    assert (
        "  (+N: N volunteers scheduled in those hours every day, 100% of them on duty on average" in printed
    )
    plan = load_scenario(out)
    assert plan.name == "known_optimized"
    assert sorted((a.town, tuple(a.hours), a.volunteers) for a in plan.teams.additions) == [
        ("Alpha", (19, 22), 1),
        ("Alpha", (22, 7), 1),
    ]
    assert code == 0 and "Targets met with 95% confidence" in printed
