"""optimize says when it stopped at --max-steps, not because the targets were met or no move
helped: the plan it prints is then where the step limit cut the search."""

from __future__ import annotations

import yaml

from sim.cli.main import main
from sim.experiments.optimize import optimise
from tests.conftest import TINY, variant
from tests.test_optimize import KNOWN

# the known county needs two moves (one evening, one night volunteer at Alpha; 6 replications
# show the night move's effect, 3 do not)
SEARCH = {"targets": {"urban_10min": 1.0}, "reps": 6, "seed": 11, "step": 1, "candidates": 2}


def test_the_search_says_why_it_stopped(tmp_path):
    scenario = variant(tmp_path, KNOWN)
    cut = optimise(scenario, **SEARCH, max_steps=1)
    assert (len(cut.steps), cut.met, cut.stopped) == (1, False, "max steps")
    done = optimise(scenario, **SEARCH, max_steps=2)  # the second move meets the target
    assert (len(done.steps), done.met, done.stopped) == (2, True, "met")


def test_optimize_names_the_step_limit_it_stopped_at(tmp_path, capsys):
    src = tmp_path / "known.yaml"
    src.write_text(yaml.safe_dump({"extends": str(TINY), "name": "known", **KNOWN}), encoding="utf-8")
    args = ["optimize", str(src), "--target", "urban_10min=1.0", "--step", "1", "--candidates", "2"]
    args += ["--reps", "6", "--seed", "11", "--jobs", "1", "--out", str(tmp_path / "plan.yaml")]
    assert main([*args, "--max-steps", "1"]) == 1
    printed = capsys.readouterr().out
    stops = [line for line in printed.splitlines() if "--max-steps" in line]
    assert stops == [
        "Stopped at the step limit (--max-steps 1) with the targets not met on the search seeds; "
        "a larger --max-steps searches on."
    ]
    assert main([*args, "--max-steps", "2"]) == 0
    assert "--max-steps" not in capsys.readouterr().out
    # the plan file says what the confirmation run found (docs/outputs.md)
    plan = (tmp_path / "plan.yaml").read_text(encoding="utf-8")
    assert "# Confirmation run (6 replications, seed " in plan
    (line,) = [s for s in plan.splitlines() if s.startswith("#   urban_10min: ")]
    assert line.endswith("against >= 100.0%: met")
    assert main(["validate", str(tmp_path / "plan.yaml")]) == 0


def test_a_target_without_orders_is_refused_in_one_line(tmp_path, capsys):
    # a county without urban places has no urban orders: an urban target can be neither met
    # nor missed, and the search ended "no data" (exit 1)
    src = tmp_path / "rural.yaml"
    src.write_text(
        yaml.safe_dump({"extends": str(TINY), "name": "rural", "geography": {"urban_towns": []}}),
        encoding="utf-8",
    )
    args = ["optimize", str(src), "--target", "urban_10min_night=0.9", "--reps", "2", "--days", "1"]
    assert main([*args, "--jobs", "1", "--out", str(tmp_path / "plan.yaml")]) == 2
    err = [line for line in capsys.readouterr().err.splitlines() if "evaluation" not in line]  # (progress)
    assert len(err) == 1 and "urban_10min_night has no orders in any replication" in err[0]
    assert not (tmp_path / "plan.yaml").exists()


def test_a_target_past_its_estimate_but_undecided_asks_for_replications_not_levers():
    # the search stops "no gain" when no move brings a target's interval nearer it: a target
    # whose estimate is already on its side, its interval spanning it, lacks precision, and
    # the stop line says so instead of naming staffing levers
    from types import SimpleNamespace

    from sim.experiments.optimize_output import stop_line

    summary = {
        "urban_10min_night": {"mean": 0.892, "low": 0.833, "high": 0.93, "n": 6, "verdict": "uncertain"},
        "rural_same_day": {"mean": 0.93, "low": 0.91, "high": 0.95, "n": 6, "verdict": "missed"},
    }
    search = SimpleNamespace(
        steps=[(("Aojiang", "night"), 2, 0.01)],
        final=SimpleNamespace(summary=summary),
        stopped="no gain",
        tried=3,
        towns={},
        budget=None,
        confirm_reps=None,
        unshown=0,
        seeds=[(1, 6)],
    )
    targets = {"urban_10min_night": (">=", 0.85), "rural_same_day": (">=", 0.95)}
    line = stop_line(search, targets, 30)
    assert "urban_10min_night: the estimate is on the target's side but its interval still spans" in line
    assert "a move's gain" not in line  # the interval's progress counts past the target
    assert "more replications (--reps" in line
    assert "levers optimize cannot place: rural_same_day:" in line
    assert "urban_10min_night: more volunteers on call" not in line
    only_precision = stop_line(search, {"urban_10min_night": (">=", 0.85)}, 30)
    assert "levers optimize cannot place" not in only_precision


def test_a_target_with_one_replication_of_orders_says_it_has_no_interval():
    # a town's night orders in one replication only: no interval, no verdict ("few"); optimize
    # printed "[nan%, nan%]" and its stop line said the interval spanned the target
    from types import SimpleNamespace

    from sim.experiments.optimize_output import estimate_text, stop_line

    one = {"mean": 1.0, "low": float("nan"), "high": float("nan"), "n": 1, "verdict": "few"}
    assert estimate_text("urban_10min_night", one) == "100.0% (1 replication) (not enough replications)"
    search = SimpleNamespace(
        steps=[],
        final=SimpleNamespace(summary={"urban_10min_night": one}),
        stopped="no gain",
        tried=1,
        towns={},
        budget=None,
        confirm_reps=None,
        unshown=0,
        seeds=[(1, 6)],
    )
    line = stop_line(search, {"urban_10min_night": (">=", 0.9)}, 30)
    assert "fewer than 2 replications had its orders, so it has no interval and no verdict" in line
    assert "spans the target" not in line and "levers optimize cannot place" not in line
