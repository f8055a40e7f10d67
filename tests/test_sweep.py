"""Sweeps: grid points with common random numbers, resumable after an interruption."""

from __future__ import annotations

import dataclasses

import pytest

from sim.config.errors import UserError
from sim.experiments.sweep import (
    point_scenario,
    points,
    points_cache,
    read_sweep,
    run_sweep,
    table_csv,
    write_charts,
)
from tests.conftest import TINY


def sweep_file(
    tmp_path, grid="  dispatch.timeouts_min.rural[0]: [5, 60]\n  teams.village_members_village: [5, 10]\n"
):
    path = tmp_path / "sweep.yaml"
    path.write_text(
        f"scenario: {TINY}\nname: t\nreps: 2\ndays: 1\nkpis: [rural_same_day, "
        f"escalation_rate]\ngrid:\n{grid}",
        encoding="utf-8",
    )
    return read_sweep(path)


class Interrupt(Exception):
    pass


def test_resumed_sweep_gives_the_same_table_as_an_uninterrupted_one(tmp_path):
    sweep = sweep_file(tmp_path)
    whole = table_csv(run_sweep(sweep, tmp_path / "whole", progress=False))
    done = []

    def stop_after_two(path):
        done.append(path)
        if len(done) == 2:
            raise Interrupt

    resumed = tmp_path / "resumed"
    with pytest.raises(Interrupt):
        run_sweep(sweep, resumed, progress=False, on_point=stop_after_two)
    assert not resumed.exists()  # no half-written results folder ...
    assert len(list((points_cache(resumed) / "points").glob("*.json"))) == 2  # ... but the cache
    rerun = []
    rows = run_sweep(sweep, resumed, progress=False, on_point=rerun.append)
    assert len(rerun) == 2  # only the two unfinished points were simulated
    assert table_csv(rows) == whole
    # the folder is whole: the grid's points and the table, and no cache is left beside it
    assert (resumed / "table.csv").read_text(encoding="utf-8") == whole
    assert len(list((resumed / "points").glob("*.json"))) == 4 and (resumed / ".redvest-results").is_file()
    assert not points_cache(resumed).exists()


def test_points_share_random_numbers_and_parameters_take_effect(tmp_path):
    sweep = sweep_file(tmp_path)
    rows = run_sweep(sweep, tmp_path / "out", progress=False)
    assert [(r["dispatch.timeouts_min.rural[0]"], r["teams.village_members_village"]) for r in rows] == [
        (5, 5),
        (5, 10),
        (60, 5),
        (60, 10),
    ]
    # a longer rural timeout keeps more orders in the village: fewer escalations
    assert rows[2]["escalation_rate.mean"] < rows[0]["escalation_rate.mean"]
    s = point_scenario(sweep, points(sweep)[3])
    assert s.dispatch.timeouts_min["rural"] == [60, 60] and s.teams.village_members_village == 10
    assert s.run.reps == 2 and s.run.days == 1
    one_key = dataclasses.replace(sweep, grid={"dispatch.timeouts_min.rural[0]": [5, 60]})
    charts = write_charts(
        one_key, [r for r in rows if r["teams.village_members_village"] == 5], s, tmp_path / "out"
    )
    assert [p.name for p in charts] == [
        "dispatch.timeouts_min.rural_0.png",
        "dispatch.timeouts_min.rural_0.svg",
    ]


def test_bad_grid_values_are_reported_like_scenario_errors(tmp_path):
    sweep = sweep_file(tmp_path, grid="  teams.show_up: [2]\n")
    with pytest.raises(UserError, match=r"sweep.yaml:7: teams.show_up: 2 is out of range"):
        run_sweep(sweep, tmp_path / "out", progress=False)
    sweep = sweep_file(tmp_path, grid="  dispatch.timeouts_min.rural[7]: [1]\n")
    with pytest.raises(UserError, match=r"sweep.yaml:7: dispatch.timeouts_min.rural\[7\]: no list"):
        run_sweep(sweep, tmp_path / "out", progress=False)
    # a misspelt key before an index names the path, not the mapping a missing key would get
    sweep = sweep_file(tmp_path, grid="  dispatch.timeouts_min.rurl[0]: [1]\n")
    with pytest.raises(UserError, match=r"sweep.yaml:7: dispatch.timeouts_min.rurl: no list to index"):
        run_sweep(sweep, tmp_path / "out", progress=False)
    (tmp_path / "bad.yaml").write_text("scenario: nowhere.yaml\ngrid: {}\n", encoding="utf-8")
    with pytest.raises(UserError, match="bad.yaml:1: scenario"):
        read_sweep(tmp_path / "bad.yaml")


def test_a_mistyped_kpi_is_named_with_its_did_you_mean(tmp_path):
    path = tmp_path / "sweep.yaml"
    path.write_text(
        f"scenario: {TINY}\nkpis: [rural_same_day, urban_10mn]\ngrid:\n  teams.show_up: [0.5]\n",
        encoding="utf-8",
    )
    with pytest.raises(UserError) as error:
        read_sweep(path)
    assert error.value.lines() == [
        f"{path}:2: kpis[1]: unknown KPI 'urban_10mn'; did you mean 'urban_10min'?"
    ]


def _base_and_sweep(tmp_path, demand: float):
    """A copy of the tiny county (its data files copied too) with ``demand``, and a sweep of it."""
    import shutil

    import yaml

    data = yaml.safe_load(TINY.read_text(encoding="utf-8"))
    for name in ("towns.csv", "places.csv", "coordinates.csv"):
        shutil.copy(TINY.parent / name, tmp_path / name)
    data["demand"]["orders_per_1000_per_day"] = demand
    (tmp_path / "base.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    path = tmp_path / "sweep.yaml"
    path.write_text(
        "scenario: base.yaml\nname: t\nreps: 2\ndays: 1\nkpis: [rural_same_day]\n"
        "grid:\n  dispatch.timeouts_min.rural[0]: [5, 60]\n",
        encoding="utf-8",
    )
    return read_sweep(path)


def test_a_changed_base_scenario_or_data_file_is_recomputed_not_resumed(tmp_path):
    out = tmp_path / "out"
    first = table_csv(run_sweep(_base_and_sweep(tmp_path, 3.0), out, progress=False))
    ran = []
    tenfold = _base_and_sweep(tmp_path, 30.0)  # the case: demand multiplied by 10
    changed = table_csv(run_sweep(tenfold, out, progress=False, on_point=ran.append))
    assert len(ran) == 2 and changed != first
    assert changed == table_csv(run_sweep(tenfold, tmp_path / "fresh", progress=False))
    ran.clear()
    towns = tmp_path / "towns.csv"
    towns.write_text(towns.read_text(encoding="utf-8").replace(",20000,", ",30000,"), encoding="utf-8")
    run_sweep(tenfold, out, progress=False, on_point=ran.append)
    assert len(ran) == 2  # a data file's bytes are part of the key
    ran.clear()
    run_sweep(tenfold, out, progress=False, on_point=ran.append)
    assert ran == []  # nothing changed: resumed whole


def test_a_data_file_edited_while_the_sweep_runs_fails_closed(tmp_path):
    # the points are keyed by the data files' bytes when the sweep starts; a file edited after
    # the first point would have the later points simulated on the new bytes but saved under
    # the old key (a rerun on the old file would then reuse them): the sweep stops instead
    sweep = _base_and_sweep(tmp_path, 3.0)
    towns = tmp_path / "towns.csv"

    def edit(path):
        towns.write_text(towns.read_text(encoding="utf-8").replace(",20000,", ",30000,"), encoding="utf-8")

    out = tmp_path / "out"
    with pytest.raises(UserError, match="changed while the sweep ran"):
        run_sweep(sweep, out, progress=False, on_point=edit)
    assert not out.exists()
    assert len(list((points_cache(out) / "points").glob("*.json"))) == 1  # the point simulated before


def test_a_corrupt_point_file_is_recomputed_with_a_warning(tmp_path, capsys):
    sweep = sweep_file(tmp_path)
    whole = table_csv(run_sweep(sweep, tmp_path / "out", progress=False))
    files = sorted((tmp_path / "out" / "points").glob("*.json"))
    files[0].write_text("{truncated", encoding="utf-8")
    files[1].write_text('{"kpis": {"rural_same_day": "x"}, "reps": 2, "seed": 1}', encoding="utf-8")
    capsys.readouterr()
    ran = []
    assert table_csv(run_sweep(sweep, tmp_path / "out", progress=False, on_point=ran.append)) == whole
    err = capsys.readouterr().err
    assert len(ran) == 2 and err.count("unreadable or incomplete point file; simulating the point again") == 2


def test_too_few_replications_are_refused_before_the_points_are_loaded(tmp_path, capsys):
    from sim.cli.main import main

    path = tmp_path / "sweep.yaml"  # a bad point too: the --reps problem comes first, alone
    path.write_text(
        f"scenario: {TINY}\nkpis: [rural_same_day]\ngrid:\n  teams.show_up: [7]\n", encoding="utf-8"
    )
    assert main(["sweep", str(path), "--reps", "1"]) == 2
    err = capsys.readouterr().err
    assert "--reps must be >= 2" in err and "show_up" not in err


def test_a_point_is_judged_as_run_judges_the_same_replications(tmp_path):
    # the point files keep the orders each share counted and the targets, so the table's
    # interval and verdict are run's (kpis.json's), not a narrower replications-only interval
    import json

    from sim.cli.main import main

    sweep = sweep_file(tmp_path, grid="  dispatch.timeouts_min.rural[0]: [5, 60]\n")
    rows = run_sweep(sweep, tmp_path / "sw", progress=False)
    first = points(sweep)[0]
    scenario = point_scenario(sweep, first)
    folder = tmp_path / "run"
    assert list(scenario.dispatch.timeouts_min["rural"]) == [5, 60]  # the point: this variant
    base = tmp_path / "point.yaml"
    base.write_text(
        f"extends: {TINY}\nname: point\ndispatch: {{timeouts_min: {{rural: [5, 60]}}}}\n", encoding="utf-8"
    )
    args = ["run", str(base), "--days", "1", "--reps", "2", "--jobs", "1", "--out", str(folder)]
    assert main(args) == 0
    k = json.loads((folder / "kpis.json").read_text(encoding="utf-8"))["kpis"]["rural_same_day"]
    row = rows[0]
    assert (row["rural_same_day.low"], row["rural_same_day.high"]) == pytest.approx((k["low"], k["high"]))
    assert row["rural_same_day.verdict"] == k["verdict"] and row["rural_same_day.target"] == ">= 0.95"
    assert row["escalation_rate.verdict"] == ""  # (no target)
    header = table_csv(rows).splitlines()[0]
    assert "rural_same_day.verdict" in header and "rural_same_day.target" in header


def test_a_point_file_without_order_counts_is_simulated_again(tmp_path, capsys):
    import json

    sweep = sweep_file(tmp_path, grid="  dispatch.timeouts_min.rural[0]: [5, 60]\n")
    out = tmp_path / "sw"
    run_sweep(sweep, out, progress=False)
    path = sorted((out / "points").glob("*.json"))[0]
    data = json.loads(path.read_text(encoding="utf-8"))
    del data["orders"]  # a point file of an older version: its interval would be narrower
    path.unlink()
    path.write_text(json.dumps(data), encoding="utf-8")
    again = []
    run_sweep(sweep, out, progress=False, on_point=again.append)
    assert len(again) == 1 and "simulating the point again" in capsys.readouterr().err
