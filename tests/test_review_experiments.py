"""Defects found in a review of the experiments layer (sim/experiments/), each pinned by a test
that fails without its fix: compare.csv keeps every name, a worker that cannot build its world
reports the error itself, the pilot cache is keyed by content, a sweep file's run settings are
checked and blamed on the sweep file, a sweep's charts are those of its grid, compare refuses
scenarios of different lengths, and the optimizer's gain ignores a KPI no plan can define."""

from __future__ import annotations

import dataclasses
import json
import math
import multiprocessing
import shutil
import signal
import time
from pathlib import Path

import pytest

from sim.config.errors import UserError
from sim.config.load import load_scenario
from sim.experiments import cluster, pilot, runner, workers
from sim.experiments.compare import compare_arms
from sim.experiments.compare_inputs import Arm, load_arm
from sim.experiments.compare_output import csv_text
from sim.experiments.content import engine_digest
from sim.experiments.optimize import optimise
from sim.experiments.optimize_gain import gain
from sim.experiments.sweep import point_scenario, points, read_sweep, run_sweep, sweep_results, write_charts
from tests.conftest import DATA, TINY, variant
from tests.test_pairing_strategies import scenario_with

ROOT = Path(__file__).resolve().parent.parent


def _arm(name: str, values: list[float], days: float = 2.0) -> Arm:
    return Arm(
        name, f"{name}.yaml", 1, days, [{"urban_10min": v, "response_p90_urban": math.nan} for v in values]
    )


def test_compare_csv_keeps_names_that_contain_nan_and_blanks_only_missing_values():
    result = compare_arms([_arm("baseline", [0.9, 0.8, 0.85]), _arm("financial", [0.95, 0.85, 0.9])])
    lines = csv_text(result).splitlines()
    assert lines[2].startswith("urban_10min,financial,")  # was "urban_10min,fiial,"
    assert lines[3] == "response_p90_urban,baseline,,,,,,,,,,,,"  # undefined values stay blank
    assert lines[4] == "response_p90_urban,financial,,,,,,,,,,,,n/a"  # no data on either side


def test_compare_refuses_scenarios_run_over_different_days():
    with pytest.raises(UserError, match="different lengths"):
        compare_arms([_arm("a", [0.9, 0.8], days=2.0), _arm("b", [0.9, 0.8], days=3.0)])


@pytest.mark.skipif(
    multiprocessing.get_start_method() != "fork", reason="the patched world builder reaches workers by fork"
)
def test_a_worker_that_cannot_build_its_world_raises_that_error_not_a_broken_pool(monkeypatch, capfd):
    def refuse(scenario):
        raise UserError("tiny.yaml: the world cannot be built; expected a buildable one")

    monkeypatch.setattr(pilot, "prepare_world", refuse)  # (the workers build through world_as_planned)
    with pytest.raises(UserError, match="the world cannot be built"):
        runner.run_replications(load_scenario(TINY), 4, 1, jobs=2, progress=False)
    assert "Exception in initializer" not in capfd.readouterr().err  # one error, no worker tracebacks


def test_the_pilot_cache_serves_no_stale_pilot_after_a_data_file_changes(tmp_path, monkeypatch):
    monkeypatch.setattr(pilot, "_PILOT_CACHE", {})
    coordinates = tmp_path / "coordinates.csv"
    shutil.copy(DATA / "coordinates.csv", coordinates)
    (tmp_path / "pairing").mkdir()

    def scenario():
        s = scenario_with(tmp_path / "pairing", [("A1", "A1")], "need", 1)
        geography = dataclasses.replace(s.geography, coordinates_csv=str(coordinates))
        return dataclasses.replace(s, geography=geography)

    before = pilot.pilot_unmet(scenario())
    text = coordinates.read_text(encoding="utf-8")
    coordinates.write_text(text.replace(",10000\n", ",40000\n"), encoding="utf-8")  # 4x the people
    served = pilot.pilot_unmet(scenario())
    monkeypatch.setattr(pilot, "_PILOT_CACHE", {})
    fresh = pilot.pilot_unmet(scenario())
    assert not (fresh == before).all()  # the edit changes the pilot ...
    assert (served == fresh).all()  # ... so the cache must not serve the old one


def _sweep(tmp_path, head: str, grid: str = "  teams.show_up: [0.5, 1.0]\n"):
    path = tmp_path / "sweep.yaml"
    path.write_text(f"scenario: {TINY}\nname: t\n{head}grid:\n{grid}", encoding="utf-8")
    return path


def test_a_sweep_files_bad_run_setting_is_reported_at_the_sweep_files_line(tmp_path):
    path = _sweep(tmp_path, "reps: 2\nseed: 10000000000000\n")
    sweep = read_sweep(path)
    with pytest.raises(UserError) as exc:
        point_scenario(sweep, points(sweep)[0])
    assert str(exc.value).startswith(f"{path}:4: run.seed:")  # not tiny.yaml's run: line


def test_a_sweep_file_asks_for_two_replications_at_least(tmp_path):
    with pytest.raises(UserError, match="reps: expected a whole number >= 2"):
        read_sweep(_sweep(tmp_path, "reps: 1\n"))


def test_a_sweep_leaves_no_charts_of_an_earlier_grid_in_its_folder(tmp_path):
    pytest.importorskip("matplotlib")
    out = tmp_path / "out"
    for grid in (
        "  teams.show_up: [0.5, 1.0]\n  dispatch.timeouts_min.rural[0]: [5, 60]\n",
        "  teams.show_up: [0.5, 1.0]\n",
    ):
        sweep = read_sweep(_sweep(tmp_path, "reps: 2\ndays: 1\nkpis: [rural_same_day]\n", grid))
        sweep_results(sweep, out, progress=False)  # the folder is replaced whole
    written = write_charts(
        sweep,
        run_sweep(sweep, tmp_path / "fresh", progress=False),
        point_scenario(sweep, points(sweep)[0]),
        tmp_path / "fresh",
    )
    assert sorted(p.name for p in (out / "charts").iterdir()) == sorted(p.name for p in written)


def test_the_optimizers_gain_ignores_a_target_kpi_undefined_before_and_after():
    targets = {"urban_10min": 0.95, "rural_same_day": 0.95}
    before = {"urban_10min": {"mean": math.nan}, "rural_same_day": {"mean": 0.90}}
    after = {"urban_10min": {"mean": math.nan}, "rural_same_day": {"mean": 0.93}}
    assert gain(before, after, targets, 0.01) == pytest.approx(0.03)


def test_the_optimizer_takes_no_step_whose_gain_is_undefined(tmp_path):
    no_urban = variant(tmp_path, {"geography": {"urban_towns": []}, "run": {"days": 2, "reps": 2}})
    # no urban orders: no plan defines urban_10min, so no step's gain is defined (every step
    # was once taken with a NaN gain); such a target is refused after the first evaluation
    with pytest.raises(UserError, match="urban_10min has no orders in any replication"):
        optimise(no_urban, {"urban_10min": 0.95, "rural_same_day": 0.99}, 2, 1, max_steps=3)
    search = optimise(no_urban, {"rural_same_day": 0.99}, 2, 1, max_steps=3)
    assert all(rate > 0 for _, _, rate in search.steps)


@pytest.mark.skipif(
    multiprocessing.get_start_method() != "fork", reason="the patched replication reaches workers by fork"
)
def test_a_failing_replication_gives_its_error_once_and_leaves_no_worker(monkeypatch, capfd):
    real = runner.run_one

    def failing(world, seed, index, keep_log, ext=None):
        if index == 3:  # the last, once the other worker is idle (waiting for work)
            time.sleep(0.5)
            raise RuntimeError("replication 3 failed")
        return real(world, seed, index, keep_log, ext)

    def interrupted(signum, frame):
        raise KeyboardInterrupt

    monkeypatch.setattr(runner, "run_one", failing)
    previous = signal.signal(signal.SIGTERM, interrupted)  # as the CLI does; workers inherit it
    try:
        with pytest.raises(RuntimeError, match="replication 3 failed"):
            runner.run_replications(load_scenario(TINY), 4, 1, jobs=2, progress=False)
    finally:
        signal.signal(signal.SIGTERM, previous)
    # no worker process is left (multiprocessing's own bookkeeping of them may lag a moment)
    assert [p.pid for p in multiprocessing.active_children() if Path(f"/proc/{p.pid}").exists()] == []
    # was: a KeyboardInterrupt traceback from each idle worker, and the pool's InvalidStateError
    assert "Traceback" not in capfd.readouterr().err


def test_a_compared_scenario_is_the_one_run_simulates_with_that_seed(tmp_path):
    # the pilot of a 'need' pairing is seeded by run.seed: compare must set it, as run --seed does
    path = tmp_path / "need.yaml"
    path.write_text(
        f"extends: {ROOT / 'scenarios/policies/pairing_need.yaml'}\nname: need\n"
        "pairing: {pilot_days: 1}\nrun: {days: 0.5, warmup_days: 0, drain_days: 0.5, reps: 1}\n",
        encoding="utf-8",
    )
    scenario = load_scenario(path)
    seed = scenario.run.seed + 1
    as_run = dataclasses.replace(scenario, run=dataclasses.replace(scenario.run, seed=seed))
    expected = runner.run_replications(as_run, 1, seed, keep_logs=False, progress=False)
    arm = load_arm(str(path), seed, 1, None, jobs=1)
    assert json.dumps(arm.replications) == json.dumps([r.kpis for r in expected])


def test_a_cluster_worker_running_another_engine_refuses_the_task(monkeypatch):
    monkeypatch.setattr(cluster, "_WORLDS", type(cluster._WORLDS)())
    scenario = load_scenario(TINY)
    key = cluster.scenario_key(scenario)
    with pytest.raises(UserError, match="a Dask worker runs Red Vest .*; expected the client's 0.0.0"):
        cluster._task(scenario, key, 1, 0, False, "0.0.0+0000000000000000")
    assert cluster._task(scenario, key, 1, 0, False, engine_digest()).index == 0


def test_workers_leave_ctrl_c_to_the_parent_that_stops_them():
    # a terminal's Ctrl-C reaches every process of its group: workers that took it would each
    # print a KeyboardInterrupt traceback while the parent stops them anyway
    with workers.pool(1) as executor:
        assert executor.submit(signal.getsignal, signal.SIGINT).result() == signal.SIG_IGN


@pytest.mark.parametrize("key", ["run.seed", "run.days", "run.reps", "run.warmup_days", "run.start_weekday"])
def test_a_sweep_refuses_a_grid_over_a_run_setting_its_points_share(tmp_path, key):
    # the points' paired differences rest on common random numbers: another seed or horizon per
    # point would have the table call unpaired runs "paired (same seeds)"
    path = _sweep(tmp_path, "reps: 2\n", f"  teams.show_up: [0.5, 1.0]\n  {key}: [1, 2]\n")
    with pytest.raises(UserError) as exc:
        read_sweep(path)
    (line,) = str(exc.value).splitlines()
    assert line.startswith(f"{path}:6: grid.{key}: the points of a sweep share one seed, run length")


def test_a_data_file_edited_between_precision_rounds_is_refused_not_mixed(tmp_path, monkeypatch):
    # --precision runs in rounds, and each round's workers read the data files again: a file
    # edited after round 1 would have later replications simulate other data in one run (and
    # the run's result depend on --jobs); the workers check the bytes the run began with
    import shutil

    import yaml

    import sim.experiments.runner as runner
    from sim.config.errors import UserError
    from sim.config.load import load_scenario
    from sim.experiments.pilot import prepare_world
    from tests.conftest import TINY

    for name in ("towns.csv", "places.csv", "coordinates.csv"):
        shutil.copy(TINY.parent / name, tmp_path / name)
    data = yaml.safe_load(TINY.read_text(encoding="utf-8"))
    data["run"] = {**data.get("run", {}), "days": 1, "reps": 3}
    (tmp_path / "base.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    scenario = load_scenario(tmp_path / "base.yaml")
    towns = tmp_path / "towns.csv"
    real = runner.run_replications

    def then_edit(*args, **kwargs):
        out = real(*args, **kwargs)
        towns.write_text(towns.read_text(encoding="utf-8").replace(",20000,", ",30000,"), encoding="utf-8")
        return out

    monkeypatch.setattr(runner, "run_replications", then_edit)
    with pytest.raises(UserError, match="changed while it ran"):
        runner.run_to_precision(scenario, 7, 1e-6, 12, jobs=2, world=prepare_world(scenario), progress=False)


def test_a_cluster_worker_whose_data_files_differ_from_the_clients_refuses_the_task(tmp_path, monkeypatch):
    # a Dask worker builds its world from its own disk, filed under the client's key (the
    # scenario's content key, data bytes included): other bytes there are refused, not run
    import shutil

    import yaml

    from tests.conftest import TINY

    monkeypatch.setattr(cluster, "_WORLDS", type(cluster._WORLDS)())
    for name in ("towns.csv", "places.csv", "coordinates.csv"):
        shutil.copy(TINY.parent / name, tmp_path / name)
    data = yaml.safe_load(TINY.read_text(encoding="utf-8"))
    (tmp_path / "base.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    scenario = load_scenario(tmp_path / "base.yaml")
    key = cluster.scenario_key(scenario)  # the client's
    towns = tmp_path / "towns.csv"
    towns.write_text(towns.read_text(encoding="utf-8").replace(",20000,", ",30000,"), encoding="utf-8")
    with pytest.raises(UserError, match="changed while it ran"):
        cluster._task(scenario, key, 1, 0, False, engine_digest())
    assert key not in cluster._WORLDS


def test_a_sweep_refuses_a_value_listed_twice_in_its_grid(tmp_path):
    # two points with the same settings ran twice and showed as two rows of the table
    path = _sweep(tmp_path, "reps: 2\n", "  teams.show_up: [0.5, 1.0, 0.5]\n")
    with pytest.raises(UserError) as exc:
        read_sweep(path)
    assert str(exc.value) == f"{path}:5: grid.teams.show_up: 0.5 is listed twice; expected each value once"
