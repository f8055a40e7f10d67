"""Robustness of the experiment commands' outputs, each pinned by a test that fails without its
fix: compare refuses scenarios (or saved runs) of different warm-up or drain days, two compared
scenarios with the same name get distinct labels and files, and a sweep's results folder is
replaced whole (an interrupted or failing sweep leaves the previous one as it was)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
import yaml

from sim.cli.main import main
from sim.config.errors import UserError
from sim.experiments.compare import compare_arms
from sim.experiments.compare_inputs import Arm
from sim.experiments.compare_output import arm_labels
from sim.experiments.sweep import points_cache, read_sweep, sweep_results, table_csv
from tests.conftest import TINY


def _arm(source: str, warmup: float | None = 1.0, drain: float | None = 1.0, name: str = "") -> Arm:
    values = [{"urban_10min": v} for v in (0.9, 0.8)]
    return Arm(name or Path(source).stem, source, 1, 2.0, values, {}, warmup, drain)


def _yaml(tmp_path: Path, stem: str, data: dict) -> Path:
    path = tmp_path / f"{stem}.yaml"
    path.write_text(yaml.safe_dump({"extends": str(TINY), **data}), encoding="utf-8")
    return path


def test_compare_notes_a_share_that_judges_different_orders_in_each_scenario():
    # under common random numbers the scenarios draw the same orders: a share counting 100
    # against 80 (a batched event's orders judged by their own deadline instead) compares
    # different order sets, and compare says so; 1% apart or less is no note
    def arm(source, counted):
        return Arm(
            Path(source).stem, source, 1, 2.0, [{"urban_10min": v} for v in (0.9, 0.8)], counted, 1.0, 1.0
        )

    result = compare_arms([arm("a.yaml", {"urban_10min": 100}), arm("b.yaml", {"urban_10min": 80})])
    assert [e["orders"] for e in result["kpis"]["urban_10min"]["estimates"]] == [100, 80]
    assert result["notes"] == {
        "urban_10min": "urban_10min judges different orders (a 100, b 80 in all replications): its "
        "difference compares different order sets"
    }
    assert (
        compare_arms([arm("a.yaml", {"urban_10min": 100}), arm("b.yaml", {"urban_10min": 101})])["notes"]
        == {}
    )


# 1. compare: the same warm-up and drain days for every scenario


@pytest.mark.parametrize(
    ("key", "what", "values"),
    [("warmup_days", "warm-up", (1.0, 0.0)), ("drain_days", "drain", (1.0, 2.5))],
)
def test_compare_refuses_scenarios_with_different_warmup_or_drain_days(key, what, values):
    a = _arm("a.yaml", **{key.split("_")[0]: values[0]})
    b = _arm("b.yaml", **{key.split("_")[0]: values[1]})
    with pytest.raises(UserError) as exc:
        compare_arms([a, b])
    assert str(exc.value) == (
        f"compare: the scenarios have different {what} days (a.yaml: {values[0]:g}, b.yaml: "
        f"{values[1]:g}); expected the same run.{key} for all"
    )
    same = compare_arms([_arm("a.yaml"), _arm("b.yaml")])
    assert (same["warmup_days"], same["drain_days"]) == (1.0, 1.0)


def test_compare_cli_refuses_a_yaml_with_another_drain_in_one_line(tmp_path, capsys):
    run = {"days": 0.5, "warmup_days": 0, "reps": 2}
    a = _yaml(tmp_path, "a", {"name": "a", "run": {**run, "drain_days": 0.5}})
    b = _yaml(tmp_path, "b", {"name": "b", "run": {**run, "drain_days": 1}})
    assert main(["compare", str(a), str(b), "--jobs", "1", "--out", str(tmp_path / "cmp")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.endswith(f"({a}: 0.5, {b}: 1); expected the same run.drain_days for all")
    assert "\n" not in err and not (tmp_path / "cmp").exists()


def _saved(tmp_path: Path) -> Path:
    saved = tmp_path / "saved"
    args = ["run", str(TINY), "--reps", "2", "--days", "0.5", "--jobs", "1", "--out", str(saved)]
    assert main(args) == 0
    return saved


def test_compare_reads_a_saved_runs_warmup_and_drain_and_refuses_others(tmp_path, capsys):
    saved = _saved(tmp_path)
    capsys.readouterr()
    scenario = json.loads((saved / "scenario.json").read_text(encoding="utf-8"))
    warmup, drain = scenario["run"]["warmup_days"], scenario["run"]["drain_days"]
    other = _yaml(tmp_path, "other", {"run": {"drain_days": drain + 1, "days": 0.5}})
    assert main(["compare", str(saved), str(other), "--jobs", "1", "--out", str(tmp_path / "c")]) == 2
    assert (
        capsys.readouterr()
        .err.strip()
        .endswith(f"({saved}: {drain:g}, {other}: {drain + 1:g}); expected the same run.drain_days for all")
    )
    same = _yaml(tmp_path, "same", {"run": {"days": 0.5}})
    capsys.readouterr()
    assert main(["compare", str(saved), str(same), "--jobs", "1", "--out", str(tmp_path / "c")]) == 0
    result = json.loads((tmp_path / "c" / "compare.json").read_text(encoding="utf-8"))
    assert (result["warmup_days"], result["drain_days"]) == (warmup, drain)
    # its table shows what run's shows: the rural promise's strict reading beside it
    assert "\nrural_by_midnight " in capsys.readouterr().out


def test_compare_refuses_a_saved_run_that_does_not_record_its_drain(tmp_path, capsys):
    saved = _saved(tmp_path)
    (saved / "scenario.json").unlink()  # kpis.json records the warm-up, not the drain: no guess
    capsys.readouterr()
    assert main(["compare", str(saved), str(TINY), "--jobs", "1", "--out", str(tmp_path / "c")]) == 2
    err = capsys.readouterr().err.strip()
    assert "no readable run.warmup_days and run.drain_days" in err and "\n" not in err


# 2. compare: two scenarios of the same name stay apart


def test_two_variants_of_the_same_name_get_two_labels_rows_and_forest_plots(tmp_path):
    pytest.importorskip("matplotlib")
    run = {"days": 0.5, "reps": 2}
    fast = _yaml(tmp_path, "fast", {"name": "variant", "run": run, "demand": {"orders_per_1000_per_day": 2}})
    slow = _yaml(tmp_path, "slow", {"name": "variant", "run": run, "demand": {"orders_per_1000_per_day": 4}})
    base = _yaml(tmp_path, "base", {"name": "base", "run": run})
    out = tmp_path / "cmp"
    assert main(["compare", str(base), str(fast), str(slow), "--jobs", "1", "--out", str(out)]) == 0
    result = json.loads((out / "compare.json").read_text(encoding="utf-8"))
    assert result["scenarios"] == ["base", "variant@fast", "variant@slow"]
    assert [d["variant"] for d in result["kpis"]["urban_10min"]["differences"]] == result["scenarios"][1:]
    with (out / "compare.csv").open(encoding="utf-8") as fh:
        rows = [r["scenario"] for r in csv.DictReader(fh) if r["kpi"] == "urban_10min"]
    assert rows == result["scenarios"]
    assert {p.name for p in out.glob("forest-*.png")} == {
        "forest-variant@fast.png",
        "forest-variant@slow.png",
    }


def test_labels_are_names_unless_two_sources_share_one(tmp_path):
    assert arm_labels([_arm("a.yaml"), _arm("b.yaml")]) == ["a", "b"]
    same = _arm("x/a.yaml", name="tiny")
    assert arm_labels([same, same]) == ["tiny", "tiny"]  # one file given twice: one scenario
    assert arm_labels([_arm("a.yaml", name="s"), _arm("results/b", name="s")]) == ["s@a", "s@b"]
    with pytest.raises(UserError, match="x/a.yaml and y/a.yaml would both be labelled s@a"):
        arm_labels([_arm("x/a.yaml", name="s"), _arm("y/a.yaml", name="s")])
    with pytest.raises(UserError, match="would both be labelled s@a"):  # a name like a label
        arm_labels([_arm("a.yaml", name="s"), _arm("b.yaml", name="s"), _arm("c.yaml", name="s@a")])


# 3. sweep: the results folder is replaced whole


def _sweep(tmp_path: Path, grid: str):
    path = tmp_path / "sweep.yaml"
    path.write_text(
        f"scenario: {TINY}\nname: t\nreps: 2\ndays: 1\nkpis: [rural_same_day]\ngrid:\n{grid}",
        encoding="utf-8",
    )
    return read_sweep(path)


TWO = "  dispatch.timeouts_min.rural[0]: [5, 60]\n"
FOUR = TWO + "  teams.village_members_village: [5, 10]\n"
SIX = "  dispatch.timeouts_min.rural[0]: [5, 60, 120]\n  teams.village_members_village: [5, 10]\n"


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


class Interrupt(Exception):
    pass


def test_a_finished_sweep_folder_holds_only_its_own_grid(tmp_path):
    out = tmp_path / "out"
    sweep_results(_sweep(tmp_path, FOUR), out, progress=False, charts=False)
    assert len(list((out / "points").glob("*.json"))) == 4
    two = _sweep(tmp_path, TWO)
    rows = sweep_results(two, out, progress=False, charts=False)
    assert len(list((out / "points").glob("*.json"))) == 2  # was 4: the earlier grid's stayed
    assert (out / "table.csv").read_text(encoding="utf-8") == table_csv(rows)
    assert not points_cache(out).exists()  # nothing hidden is left beside it
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out.")] == [".out.lock"]


def test_an_interrupted_sweep_leaves_the_previous_folder_intact_and_resumes(tmp_path, capsys, monkeypatch):
    out = tmp_path / "out"
    sweep_results(_sweep(tmp_path, FOUR), out, progress=False, charts=False)
    before = _files(out)
    six = _sweep(tmp_path, SIX)  # the four points of FOUR, and two more

    def stop(path):
        raise Interrupt

    with pytest.raises(Interrupt):
        sweep_results(six, out, progress=False, charts=False, on_point=stop)
    assert _files(out) == before  # the previous folder as it was, byte for byte
    assert not list(tmp_path.glob(".out.tmp-*"))
    # the cache keeps the points of the previous folder this grid uses and the one just run
    assert len(list((points_cache(out) / "points").glob("*.json"))) == 5
    rerun = []
    monkeypatch.setenv("CI", "true")
    capsys.readouterr()
    rows = sweep_results(six, out, progress=True, charts=False, on_point=rerun.append)
    assert len(rerun) == 1  # only the point no run had finished
    assert capsys.readouterr().err.splitlines()[0] == (
        f"sweep t: reusing 5 of 6 points (4 saved in {out / 'points'}, 1 by an interrupted sweep); "
        "1 to simulate"
    )
    whole = sweep_results(six, tmp_path / "whole", progress=False, charts=False)
    assert table_csv(rows) == table_csv(whole)
    assert _files(out) == _files(tmp_path / "whole")  # the same table and point files
    assert not points_cache(out).exists()


def test_a_failing_sweep_leaves_the_previous_folder_intact(tmp_path):
    out = tmp_path / "out"
    sweep_results(_sweep(tmp_path, TWO), out, progress=False, charts=False)
    before = _files(out)
    with pytest.raises(UserError, match="teams.show_up: 2 is out of range"):
        sweep_results(_sweep(tmp_path, "  teams.show_up: [1, 2]\n"), out, progress=False, charts=False)
    assert _files(out) == before and not list(tmp_path.glob(".out.tmp-*"))


def test_a_sweep_takes_over_a_folder_written_before_folders_were_replaced_whole(tmp_path):
    out = tmp_path / "out"
    sweep = _sweep(tmp_path, TWO)
    sweep_results(sweep, out, progress=False, charts=False)
    (out / ".redvest-results").unlink()  # as sweeps left it: table.csv, points/ (and charts/)
    ran = []
    sweep_results(sweep, out, progress=False, charts=False, on_point=ran.append)
    assert ran == []  # its points are reused
    (out / ".redvest-results").unlink()
    (out / "notes.txt").write_text("mine", encoding="utf-8")  # not only a sweep's files: refused
    with pytest.raises(UserError, match="holds other files"):
        sweep_results(sweep, out, progress=False, charts=False)
    assert (out / "notes.txt").is_file() and (out / "table.csv").is_file()


def test_a_folder_holding_a_table_csv_of_ones_own_is_not_taken_for_a_sweep(tmp_path):
    # only a sweep's table (its header names <kpi>.mean columns) and point files are adopted:
    # a user's own table.csv in the folder is refused, not replaced
    out = tmp_path / "out"
    out.mkdir()
    (out / "table.csv").write_text("budget,2027,my own numbers\n", encoding="utf-8")
    with pytest.raises(UserError, match="holds other files"):
        sweep_results(_sweep(tmp_path, TWO), out, progress=False, charts=False)
    assert (out / "table.csv").read_text(encoding="utf-8") == "budget,2027,my own numbers\n"
