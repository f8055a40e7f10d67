"""Experiments: seeds and streams, replications, precision, parallel and cluster runs, compare."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

from sim.cli.main import main
from sim.config.load import load_scenario
from sim.experiments import runner as experiment
from sim.experiments.compare import compare_arms
from sim.experiments.compare_inputs import Arm
from sim.model.demand import generate_arrivals
from sim.model.replication import simulate
from sim.model.rng import Streams, replication_seeds
from sim.results.kpis import compute_kpis
from sim.results.summary import total_orders
from sim.results.verdict import judge
from sim.world.build import build_world
from tests.conftest import DATA, TINY, local_dask_cluster, variant


def test_adding_a_village_leaves_other_villages_arrivals_unchanged(tmp_path):
    for name in ("towns.csv", "coordinates.csv"):
        shutil.copy(DATA / name, tmp_path / name)
    (tmp_path / "places.csv").write_text(
        (DATA / "places.csv").read_text(encoding="utf-8") + "A3,阿三村,T1,village\n", encoding="utf-8"
    )
    with open(tmp_path / "coordinates.csv", "a", encoding="utf-8") as fh:
        fh.write("A3,27.61,120.51,5000\n")
    bigger = variant(
        tmp_path,
        {
            "geography": {
                "places_csv": str(tmp_path / "places.csv"),
                "coordinates_csv": str(tmp_path / "coordinates.csv"),
            }
        },
    )
    small_world, big_world = build_world(load_scenario(TINY)), build_world(bigger)
    seed = replication_seeds(9, 1)[0]
    a = generate_arrivals(small_world, Streams(seed), 3 * 1440.0)
    b = generate_arrivals(big_world, Streams(seed), 3 * 1440.0)
    for code in ("A1", "A2", "B1"):
        mine_a = a.place == small_world.places.index(code)
        mine_b = b.place == big_world.places.index(code)
        assert mine_a.sum() > 0
        np.testing.assert_array_equal(a.time[mine_a], b.time[mine_b])
        np.testing.assert_array_equal(a.u_service[mine_a], b.u_service[mine_b])
    assert (b.place == big_world.places.index("A3")).sum() > 0


def test_jobs_do_not_change_results(tmp_path):
    outs = []
    for jobs in ("1", "2"):
        out = tmp_path / f"jobs{jobs}"
        assert main(["run", str(TINY), "--reps", "3", "--jobs", jobs, "--out", str(out)]) == 0
        outs.append((out / "kpis.json").read_bytes())
    assert outs[0] == outs[1]


def test_dask_cluster_gives_the_local_results():
    scenario = load_scenario(TINY)
    local = experiment.run_replications(scenario, 3, 5, jobs=1, keep_logs=False, progress=False)
    with local_dask_cluster() as cluster:
        remote = experiment.run_replications(
            scenario, 3, 5, keep_logs=False, progress=False, scheduler=cluster.scheduler_address
        )
    assert [r.index for r in remote] == [0, 1, 2]
    assert [json.dumps(r.kpis) for r in remote] == [json.dumps(r.kpis) for r in local]


def test_warm_up_orders_are_not_measured(tmp_path):
    scenario = variant(tmp_path, {"run": {"warmup_days": 1, "days": 2}})
    world = build_world(scenario)
    log = simulate(world, 4)
    placed = log.orders.t_placed
    inside = ((placed >= 1440) & (placed < 3 * 1440)).sum()
    assert (placed < 1440).sum() > 0
    assert compute_kpis(log, world)["orders_per_day"] * 2 == pytest.approx(inside)


def test_precision_adds_replications_until_precise_or_capped():
    scenario = load_scenario(TINY)
    # (not the headline's cancellation_rate: none of the tiny county's 164 orders is cancelled,
    # and 0% of 164 orders is known to within 1.1 points only, above the 0.5-point floor)
    loose = experiment.run_to_precision(
        scenario, 3, 10.0, 30, names=["urban_10min", "rural_same_day"], progress=False
    )
    assert len(loose) == 10  # already precise enough: the first round's 10 (PRECISION_MIN_REPS)
    strict = experiment.run_to_precision(scenario, 3, 1e-6, 7, progress=False)
    assert len(strict) == 7 and [r.index for r in strict] == list(range(7))
    assert experiment.imprecise(strict, ["urban_10min"], 1e-6)
    medium = experiment.run_to_precision(scenario, 3, 0.15, 40, names=["rural_same_day"], progress=False)
    assert not experiment.imprecise(medium, ["rural_same_day"], 0.15)
    assert experiment.imprecise(medium[:-1], ["rural_same_day"], 0.15) or len(medium) == 10
    # the rule's target is Law and Kelton's relative / (1 + relative) of the mean
    j = judge(
        [r.kpis["rural_same_day"] for r in medium], "share", orders=total_orders(medium, "rural_same_day")
    )
    assert j.half_width <= max(0.15 / 1.15 * j.mean, 0.005)


def test_run_with_precision_reports_the_replications_used(tmp_path, capsys):
    out = tmp_path / "p"
    assert (
        main(["run", str(TINY), "--precision", "1e-6", "--max-reps", "4", "--jobs", "1", "--out", str(out)])
        == 0
    )
    assert "4 replications used" in capsys.readouterr().out
    saved = json.loads((out / "run.json").read_text())
    assert saved["reps"] == 4 and saved["replications_chosen_by"]["rule"] == "precision"
    assert json.loads((out / "scenario.json").read_text())["run"]["reps"] == 4


def test_comparing_a_scenario_with_itself_shows_exactly_zero(tmp_path):
    out = tmp_path / "self"
    assert main(["compare", str(TINY), str(TINY), "--reps", "3", "--jobs", "1", "--out", str(out)]) == 0
    result = json.loads((out / "compare.json").read_text())
    for name, k in result["kpis"].items():
        d = k["differences"][0]
        if d["n"] >= 2:
            assert d["mean"] == 0 and d["half_width"] == 0, name
            assert d["verdict"] == "same"
        elif d["n"] == 1:  # (a KPI with orders in one replication, a night band: no interval)
            assert d["mean"] == 0, name
    assert (out / "forest-tiny.png").stat().st_size > 0


def test_paired_differences_are_narrower_and_bonferroni_widens_them(tmp_path):
    # a slower acceptance shifts every order's response: common random numbers make the
    # paired difference far more precise than comparing two independent means
    busy = {"demand": {"orders_per_1000_per_day": 3.0}}
    slow = {"demand": {"orders_per_1000_per_day": 3.0, "acceptance_delay": {"kind": "fixed", "mean": 4}}}
    reps = [
        experiment.run_replications(variant(tmp_path, o, n), 6, 8, keep_logs=False, progress=False)
        for n, o in (("base", busy), ("slow", slow))
    ]
    arms = [Arm(n, n, 8, 2.0, [r.kpis for r in rs]) for n, rs in zip(("base", "slow"), reps)]
    two = compare_arms(arms)
    d = two["kpis"]["response_p50_rural"]["differences"][0]
    assert d["unpaired_half_width"] > 3 * d["half_width"]
    assert d["low"] > 0 and d["verdict"] == "worse"
    three = compare_arms(arms + [Arm("again", "again", 8, 2.0, arms[1].replications)])
    assert three["difference_level"] == pytest.approx(1 - 0.05 / 2)
    widened = three["kpis"]["response_p50_rural"]["differences"][0]["half_width"]
    assert widened > d["half_width"]


def test_compare_reuses_a_saved_run_without_simulating_it(tmp_path, monkeypatch):
    saved = tmp_path / "saved"
    assert main(["run", str(TINY), "--reps", "3", "--jobs", "1", "--seed", "11", "--out", str(saved)]) == 0
    calls = []
    real = experiment.run_replications

    def counting(scenario, *args, **kwargs):
        calls.append(scenario.name)
        return real(scenario, *args, **kwargs)

    import sim.experiments.compare_inputs

    monkeypatch.setattr(sim.experiments.compare_inputs, "run_replications", counting)
    out = tmp_path / "cmp"
    assert main(["compare", str(saved), str(TINY), "--jobs", "1", "--out", str(out)]) == 0
    assert calls == ["tiny"]  # only the YAML was simulated, with the saved run's seed
    result = json.loads((out / "compare.json").read_text())
    assert result["seed"] == 11 and result["reps"] == 3
    assert result["kpis"]["urban_10min"]["differences"][0]["mean"] == 0


def test_compare_refuses_a_saved_run_with_other_seeds(tmp_path, capsys):
    saved = tmp_path / "saved"
    assert main(["run", str(TINY), "--reps", "2", "--jobs", "1", "--seed", "11", "--out", str(saved)]) == 0
    assert main(["compare", str(saved), str(TINY), "--seed", "12", "--jobs", "1"]) == 2
    assert "seed" in capsys.readouterr().err
