"""compare refuses scenarios, or saved runs, that start on different weekdays: under common
random numbers replication i of each would simulate other calendar days (demand, rosters,
activities and the administrator's weekends follow the week), so their difference would mix the
policy with a weekday effect. A saved run that does not record its weekday is refused, not
assumed to have started on a Monday."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from sim.cli.main import main
from sim.config.errors import UserError
from sim.experiments.compare import compare_arms
from sim.experiments.compare_inputs import Arm
from tests.conftest import TINY


def _arm(source: str, weekday: int | None) -> Arm:
    values = [{"urban_10min": v} for v in (0.9, 0.8)]
    return Arm(Path(source).stem, source, 1, 2.0, values, {}, 0.0, 1.0, weekday)


def _yaml(tmp_path: Path, stem: str, weekday: int) -> Path:
    path = tmp_path / f"{stem}.yaml"
    data = {"extends": str(TINY), "name": stem, "run": {"days": 0.5, "reps": 2, "start_weekday": weekday}}
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def _saved(tmp_path: Path, weekday: int) -> Path:
    saved = tmp_path / "saved"
    args = ["run", str(_yaml(tmp_path, "base", weekday)), "--jobs", "1", "--out", str(saved)]
    assert main(args) == 0
    return saved


def test_compare_refuses_arms_that_start_on_different_weekdays():
    with pytest.raises(UserError) as exc:
        compare_arms([_arm("a.yaml", 0), _arm("b.yaml", 5)])
    assert str(exc.value) == (
        "compare: the scenarios start on different weekdays (a.yaml: 0 (Monday), b.yaml: 5 "
        "(Saturday)); expected the same run.start_weekday for all"
    )
    with pytest.raises(UserError, match=r"a.yaml: 0 \(Monday\), b.yaml: not recorded"):
        compare_arms([_arm("a.yaml", 0), _arm("b.yaml", None)])  # unknown is not assumed Monday
    assert compare_arms([_arm("a.yaml", 3), _arm("b.yaml", 3)])["kpis"]["urban_10min"]


def test_compare_cli_refuses_scenarios_of_different_weekdays_before_simulating(tmp_path, capsys):
    a, b = _yaml(tmp_path, "a", 0), _yaml(tmp_path, "b", 6)
    assert main(["compare", str(a), str(b), "--jobs", "1", "--out", str(tmp_path / "cmp")]) == 2
    captured = capsys.readouterr()
    err = captured.err.strip()
    assert err.endswith(f"({a}: 0 (Monday), {b}: 6 (Sunday)); expected the same run.start_weekday for all")
    assert "\n" not in err and "Traceback" not in err and not (tmp_path / "cmp").exists()


def test_compare_reads_a_saved_runs_weekday_from_its_scenario_json(tmp_path, capsys):
    saved = _saved(tmp_path, 2)
    other = _yaml(tmp_path, "other", 4)
    out = tmp_path / "cmp"
    capsys.readouterr()
    assert main(["compare", str(saved), str(other), "--jobs", "1", "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.endswith(
        f"({saved}: 2 (Wednesday), {other}: 4 (Friday)); expected the same run.start_weekday for all"
    )
    assert "\n" not in err and not out.exists()
    same = _yaml(tmp_path, "same", 2)
    assert main(["compare", str(saved), str(same), "--jobs", "1", "--out", str(out)]) == 0
    written = json.loads((out / "compare.json").read_text(encoding="utf-8"))
    assert written["scenarios"] == ["base", "same"]
    assert written["start_weekday"] == 2  # recorded beside the warm-up and drain days


@pytest.mark.parametrize("recorded", ["missing", "null", "7"])
def test_compare_refuses_a_saved_run_that_does_not_record_its_weekday(tmp_path, capsys, recorded):
    saved = _saved(tmp_path, 0)
    path = saved / "scenario.json"
    scenario = json.loads(path.read_text(encoding="utf-8"))
    if recorded == "missing":
        del scenario["run"]["start_weekday"]  # as a scenario.json without the field
    else:
        scenario["run"]["start_weekday"] = json.loads(recorded)
    path.write_text(json.dumps(scenario), encoding="utf-8")
    capsys.readouterr()
    same = _yaml(tmp_path, "same", 0)  # the same weekday as the run: still not guessed
    assert main(["compare", str(saved), str(same), "--jobs", "1", "--out", str(tmp_path / "c")]) == 2
    err = capsys.readouterr().err.strip()
    assert err == (
        f"{path}: no readable run.start_weekday; expected a whole number 0-6 (0 = Monday) in the "
        "scenario.json a run writes beside kpis.json (rerun the scenario)"
    )
    assert not (tmp_path / "c").exists()


def test_a_saved_run_of_other_days_names_the_days_to_give(tmp_path, capsys):
    saved = _saved(tmp_path, 2)  # 0.5 days
    other = _yaml(tmp_path, "other", 2)
    capsys.readouterr()
    args = ["compare", str(saved), str(other), "--days", "1", "--jobs", "1", "--out", str(tmp_path / "cmp")]
    assert main(args) == 2
    err = capsys.readouterr().err.strip()
    # --days cannot change a saved run: the line says which days to give
    assert err.endswith(f"expected the same run.days for all (give --days 0.5, the days {saved} was run for)")


@pytest.mark.parametrize("engine", ["0.0.1+deadbeefdeadbeef", None])
def test_a_saved_run_of_another_engine_is_refused(tmp_path, capsys, engine):
    # the same seed under other code (or NumPy, SimPy, SciPy) draws other numbers: a saved run
    # of another engine, or one that does not record its engine, would mix the engine's change
    # into the policy's paired difference
    saved = _saved(tmp_path, 0)
    run = json.loads((saved / "run.json").read_text(encoding="utf-8"))
    from sim.experiments.content import engine_digest

    assert run["engine"] == engine_digest()  # (a run records the engine that simulated it)
    if engine is None:
        del run["engine"]
    else:
        run["engine"] = engine
    (saved / "run.json").write_text(json.dumps(run), encoding="utf-8")
    args = ["compare", str(saved), str(_yaml(tmp_path, "other", 0)), "--out", str(tmp_path / "cmp")]
    capsys.readouterr()
    assert main(args) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "saved runs of another engine" in err[0], err
    assert (engine or "unrecorded") in err[0] and not (tmp_path / "cmp").exists()


@pytest.mark.parametrize(
    ("key", "value", "said"),
    [
        ("reps", "x", "reps: is text; expected whole number"),
        ("seed", None, "seed: is null; expected whole number"),
    ],
)
def test_a_saved_run_with_a_mistyped_kpis_json_value_is_refused_in_one_line(
    tmp_path, capsys, key, value, said
):
    # compare reused a saved run's kpis.json unchecked: "reps": "x" crashed deep in it (TypeError,
    # exit 1); report refused the same folder in one line
    saved = _saved(tmp_path, 0)
    path = saved / "kpis.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data[key] = value
    path.write_text(json.dumps(data), encoding="utf-8")
    _yaml(tmp_path, "a", 0)  # (written before the progress is cleared)
    capsys.readouterr()  # (the saved run's progress)
    status = main(
        ["compare", str(_yaml(tmp_path, "a", 0)), str(saved), "--jobs", "1", "--out", str(tmp_path / "c")]
    )
    err = capsys.readouterr().err.strip()
    assert status == 2 and "\n" not in err and "Traceback" not in err, err
    assert err.startswith(f"{path}: {said}")
