"""optimize --budget: the search places no more than the budget's extra volunteer-hours a week,
stops when no located move fits in what is left (or with every target met, the rest unspent),
and says so in its stop line and its plan file; without --target it works towards the
scenario's headline promises; a bad --budget is one line, exit 2, before anything simulates."""

from __future__ import annotations

import pytest
import yaml

from sim.cli.main import main
from sim.config.load import load_scenario
from sim.experiments.optimize import optimise, plan_hours
from sim.experiments.optimize_targets import headline_targets
from sim.results.verdict import kpi_targets
from sim.world.build import build_world
from tests.conftest import TINY, variant
from tests.test_optimize import KNOWN

# the known county (tests/test_optimize.py): urban_10min = 100% takes +1 at Alpha in the evening
# (21 volunteer-hours a week) and +1 at night (63), 84 in all, the evening first; 6 replications
# show the night move's effect (paired 95% interval), 3 do not
SEARCH = {"targets": {"urban_10min": 1.0}, "reps": 6, "seed": 11, "step": 1, "candidates": 4}


def _args(tmp_path, overrides: dict, *more: str) -> list[str]:
    src = tmp_path / "known.yaml"
    src.write_text(yaml.safe_dump({"extends": str(TINY), "name": "known", **overrides}), encoding="utf-8")
    return ["optimize", str(src), "--step", "1", "--reps", "6", "--seed", "11", "--jobs", "1", *more]


def test_the_budget_stops_the_search_and_is_never_exceeded(tmp_path):
    scenario = variant(tmp_path, KNOWN)
    tried = []
    cut = optimise(scenario, **SEARCH, budget=50, log=tried.append)
    # the evening move fits (21 of 50); the night move (63) never does, and is never tried
    assert cut.final.plan == {("Alpha", "evening"): 1}
    assert (cut.stopped, cut.met, cut.spent, cut.left, cut.cheapest) == ("budget", False, 21, 29, 63)
    assert not [line for line in tried if "try +1 at Alpha night" in line]
    assert any("not tried, over the 50 volunteer-hours a week left" in line for line in tried)
    # a budget of exactly the least plan buys it, and the search stops there, met
    exact = optimise(scenario, **SEARCH, budget=84)
    assert (exact.final.plan, exact.stopped, exact.left) == (
        {("Alpha", "evening"): 1, ("Alpha", "night"): 1},
        "met",
        0,
    )
    # more than the targets need: the search stops when they are met, the rest unspent
    ample = optimise(scenario, **SEARCH, budget=1000)
    assert (plan_hours(ample.final.plan), ample.stopped, ample.left) == (84, "met", 916)
    # less than any move: no move at all
    none = optimise(scenario, **SEARCH, budget=20)
    assert (none.final.plan, none.steps, none.stopped, none.cheapest) == ({}, [], "budget", 21)
    for search in (cut, exact, ample, none):
        assert search.spent <= search.budget


def test_the_stop_line_and_the_plan_file_name_the_budget(tmp_path, capsys):
    out = tmp_path / "plan.yaml"
    args = _args(tmp_path, KNOWN, "--target", "urban_10min=1.0", "--out", str(out))
    assert main([*args, "--budget", "50"]) == 1  # the budget does not buy the target
    printed = capsys.readouterr().out.splitlines()
    assert "Plan: 21 extra volunteer-hours a week of a budget of 50 (29 left)" in printed
    (stop,) = [line for line in printed if line.startswith("Stopped")]
    assert stop == (
        "Stopped after 1 move: no move at the misses left fits in the 29 volunteer-hours a week "
        "left of the budget (21 of 50 spent; the cheapest such move takes 63), with urban_10min "
        "not met on the search seeds."
    )
    text = out.read_text(encoding="utf-8")
    assert text.startswith(
        "# Question: where do 50 extra volunteer-hours a week (town, hours) help most towards "
        "urban_10min >= 1, and what do they buy?\n"
        "# Budget: 50 volunteer-hours a week; the plan spends 21, 29 left unspent.\n"
    )
    assert "(of a budget of 50)" in load_scenario(out).description
    # the confirmation still says what the budget bought, paired on fresh seeds
    assert "#   difference in urban_10min: +" in text and ": better (without the plan: " in text

    assert main([*args, "--budget", "200"]) == 0
    (stop,) = [line for line in capsys.readouterr().out.splitlines() if line.startswith("Stopped")]
    assert stop == (
        "Stopped with every target met on the search seeds after 2 moves. Budget: 84 of 200 "
        "volunteer-hours a week spent, 116 left unspent (the targets need no more; a stricter "
        "--target asks what more would buy)."
    )
    assert "# Budget: 200 volunteer-hours a week; the plan spends 84, 116 left unspent.\n" in (
        out.read_text(encoding="utf-8")
    )


@pytest.mark.parametrize("bad", ["0", "-3", "nan", "lots", "1e400"])
def test_a_bad_budget_is_one_line_and_exit_2(tmp_path, capsys, no_simulation, bad):
    args = _args(tmp_path, KNOWN, "--out", str(tmp_path / "plan.yaml"))
    with pytest.raises(SystemExit) as stop:
        main([*args, "--budget", bad])
    assert stop.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "argument --budget" in err[0]
    assert "expected a number > 0" in err[0] and "(extra volunteer-hours a week)" in err[0]
    assert not (tmp_path / "plan.yaml").exists()


def test_a_budget_without_targets_works_towards_the_headline_promises(tmp_path, capsys):
    county = {**KNOWN, "targets": {"urban_share": 0.8, "rural_share": 0.9}}
    scenario = variant(tmp_path, county)
    promises = headline_targets(scenario)
    assert promises == {"urban_10min": (">=", 0.8), "rural_same_day": (">=", 0.9)}
    # the targets every other output holds the two county KPIs to
    held = kpi_targets(build_world(scenario))
    assert promises == {k: held[k] for k in promises}

    args = _args(tmp_path, county, "--budget", "100", "--out", str(tmp_path / "plan.yaml"))
    main(args)
    printed = capsys.readouterr().out
    assert (
        "Targets: the scenario's headline promises, urban_10min >= 80.0% (targets.urban_share) "
        "and rural_same_day >= 90.0% (targets.rural_share); --target asks for others"
    ) in printed
    rows = [
        line.split()[:3]
        for line in printed.splitlines()
        if line.startswith(("urban_10min ", "rural_same_day "))
    ]
    assert rows == [["urban_10min", ">=", "80.0%"], ["rural_same_day", ">=", "90.0%"]] * 2
    plan = (tmp_path / "plan.yaml").read_text(encoding="utf-8")
    assert "help most towards urban_10min >= 0.8 and rural_same_day >= 0.9, and what" in plan


def test_a_county_without_urban_orders_is_held_to_its_rural_promise_alone(tmp_path):
    # no urban places: the urban promise has no orders to judge, so a budget without --target
    # works towards the rural one (an explicit urban --target is refused: test_optimize_stop)
    scenario = variant(tmp_path, {"geography": {"urban_towns": []}, "run": {"days": 1}})
    said = []
    search = optimise(
        scenario, headline_targets(scenario), reps=2, seed=3, budget=100, drop_empty=True, log=said.append
    )
    assert list(search.targets) == ["rural_same_day"]
    assert "urban_10min: no orders in any replication, not a target here" in said


def test_large_and_fractional_budgets_print_as_numbers():
    # a budget of 1e9 printed "a budget of 1e+09 (1e+09 left)", the hours spent lost in it
    from sim.reporting.formatting import hours_text

    assert hours_text(1e9) == "1,000,000,000" and hours_text(1e9 - 168) == "999,999,832"
    assert hours_text(41.5) == "41.5" and hours_text(0.0001) == "0.0001" and hours_text(200) == "200"
