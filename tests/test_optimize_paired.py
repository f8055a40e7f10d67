"""optimize's confirmation runs the scenario without the plan on the same fresh seeds and reports
each target's paired difference (the search seeds' "before" and the fresh seeds' "after" are not
a pair); and it says in one line why the search stopped, whatever the reason."""

from __future__ import annotations

import copy

import yaml

from sim.cli.main import main
from sim.experiments.optimize import optimise
from sim.experiments.optimize_confirm import CONFIRM_SEED_OFFSET, confirm
from sim.experiments.runner import run_replications
from sim.reporting.formatting import difference_text
from sim.results.stats import paired_difference
from tests.conftest import TINY, variant
from tests.test_optimize import KNOWN

# the known county's least plan (tests/test_optimize.py): urban_10min 100% with it
PLAN = {("Alpha", "evening"): 1, ("Alpha", "night"): 1}
TARGET = {"urban_10min": (">=", 1.0)}
# the known county with urban orders held 12 hours in their village: no volunteer at Alpha's
# seat can reach them in time, so no move gains anything
HELD = copy.deepcopy(KNOWN)
HELD["dispatch"]["timeouts_min"]["urban"] = [720, 10]
# orders in the day band only, when the village teams are on duty: nothing to add
DAY_ONLY = [0.0] * 8 + [1.0] * 10 + [0.0] * 6


def test_the_confirmation_pairs_the_plan_with_the_scenario_on_the_same_fresh_seeds(tmp_path, capsys):
    scenario = variant(tmp_path, KNOWN)
    confirmed = confirm(scenario, PLAN, TARGET, reps=3, seed=11, progress=True)
    without = run_replications(scenario, 3, 11 + CONFIRM_SEED_OFFSET, progress=False)
    base = [r.kpis["urban_10min"] for r in confirmed.base.results]
    assert base == [r.kpis["urban_10min"] for r in without]
    planned = [r.kpis["urban_10min"] for r in confirmed.plan.results]
    assert planned == [1.0, 1.0, 1.0] and max(base) < 1.0
    d = confirmed.differences["urban_10min"]
    assert {k: d[k] for k in ("mean", "low", "high", "n")} == {
        k: paired_difference(base, planned)[k] for k in ("mean", "low", "high", "n")
    }
    assert d["verdict"] == "better"
    # one progress count for both: twice the replications
    assert "confirmation (fresh seeds), the plan and the scenario without it: 6/6 replications" in (
        capsys.readouterr().err
    )


def test_without_a_plan_the_confirmation_simulates_the_scenario_once(tmp_path):
    confirmed = confirm(variant(tmp_path, KNOWN), {}, TARGET, reps=2, seed=11)
    assert confirmed.base is confirmed.plan
    assert confirmed.differences["urban_10min"]["mean"] == 0


def _optimize(tmp_path, overrides: dict, *more: str) -> list[str]:
    src = tmp_path / "known.yaml"
    src.write_text(yaml.safe_dump({"extends": str(TINY), "name": "known", **overrides}), encoding="utf-8")
    args = ["optimize", str(src), "--target", "urban_10min=1.0", "--step", "1", "--candidates", "2"]
    args += ["--reps", "6", "--seed", "11", "--jobs", "1", "--out", str(tmp_path / "plan.yaml"), *more]
    main(args)
    return args


def test_optimize_prints_the_plans_paired_difference_on_the_confirmation_seeds(tmp_path, capsys):
    _optimize(tmp_path, KNOWN, "--confirm-reps", "4")
    printed = capsys.readouterr().out
    fresh = 11 + CONFIRM_SEED_OFFSET
    assert "\nSearch seeds (seed 11, 6 replications): what the search chose the plan on\n" in printed
    head = (
        f"\nConfirmation seeds (seed {fresh}, 4 replications): the scenario without and with the "
        "plan on the same seeds, replication by replication\n"
    )
    assert head in printed
    table = printed.split(head)[1].split("\n\n")[0].splitlines()
    assert table[0].split("  ")[-1] == "verdict"
    assert "with - without the plan (paired, 95% CI)" in table[0]
    row = table[2]
    assert row.startswith("urban_10min  ")
    scenario = variant(tmp_path, KNOWN)
    confirmed = confirm(scenario, PLAN, TARGET, reps=4, seed=11)
    d = confirmed.differences["urban_10min"]
    cells = [c.strip() for c in row.split("  ") if c.strip()]
    assert cells[-2:] == [difference_text(d["mean"], d["low"], d["high"], "share"), "better"]
    assert "(missed)" in row and "100.0% [" in row
    # the plan file's comment lines carry the paired difference too
    plan = (tmp_path / "plan.yaml").read_text(encoding="utf-8")
    (line,) = [s for s in plan.splitlines() if s.startswith("#   difference in urban_10min: ")]
    assert line.startswith(
        f"#   difference in urban_10min: {difference_text(d['mean'], d['low'], d['high'], 'share')}: better"
    )
    assert "(without the plan: " in line and line.endswith(", missed)")


def _stops(printed: str) -> list[str]:
    return [line for line in printed.splitlines() if line.startswith("Stopped")]


def test_optimize_says_in_one_line_why_it_stopped(tmp_path, capsys):
    _optimize(tmp_path, KNOWN, "--confirm-reps", "2")
    assert _stops(capsys.readouterr().out) == [
        "Stopped with every target met on the search seeds after 2 moves."
    ]
    _optimize(tmp_path, KNOWN, "--confirm-reps", "2", "--max-steps", "1")
    (line,) = _stops(capsys.readouterr().out)
    assert line.startswith("Stopped at the step limit (--max-steps 1)")
    _optimize(
        tmp_path, {**KNOWN, "demand": {**KNOWN["demand"], "hour_of_day": DAY_ONLY}}, "--confirm-reps", "2"
    )
    assert _stops(capsys.readouterr().out) == [
        "Stopped at once: every target met on the search seeds without extra volunteers."
    ]
    _optimize(tmp_path, HELD, "--confirm-reps", "2")
    printed = capsys.readouterr().out
    assert _stops(printed) == [
        "Stopped after 0 moves: none of the 2 moves tried in the last round showed an improvement on "
        "the search seeds (paired 95% interval), with urban_10min not met there. optimize places only "
        "extra volunteers at the "
        "town seats (teams.additions); where they stop helping, docs/policies.md gives levers "
        "optimize cannot place: urban_10min: more volunteers on call in the village teams "
        "(teams.village_scale)."
    ]
    assert "  (no move showed an improvement)" in printed


def test_the_search_counts_the_moves_of_its_last_round(tmp_path):
    search = optimise(variant(tmp_path, HELD), TARGET, reps=3, seed=11, step=1, candidates=2)
    assert (search.stopped, search.steps, search.tried) == ("no gain", [], 2)
