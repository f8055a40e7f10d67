"""Bounds everywhere: command-line numbers, empty scenarios, absurd populations, output paths.

Every case named in issue 21's "Why" that crashed after the simulation, or slipped past the
YAML's bounds on the command line, is here: exit 2 with one line naming the option or file, or
a run to valid (empty) KPIs.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from sim.cli.main import main

DATA = Path(__file__).parent / "data"
TINY = DATA / "tiny.yaml"
CHECK_TINY = Path(__file__).parent / "check" / "tiny.yaml"


def cli(capsys, *args) -> tuple[int, str, str]:
    status = main([str(a) for a in args])
    out = capsys.readouterr()
    return status, out.out, out.err


@pytest.mark.parametrize(
    "option, value, named",
    [
        ("--days", "nan", "argument --days: nan is not a finite number"),
        ("--days", "inf", "argument --days: inf is not a finite number"),
        ("--days", "-inf", "argument --days: -inf is not a finite number"),
        ("--days", "100000", "argument --days: 100000 is out of range; expected a number > 0 and <= 3660"),
        ("--days", "0", "argument --days: 0 is out of range"),
        ("--seed", str(2**70), f"argument --seed: {2**70} is out of range"),
        ("--seed", "-1", "argument --seed: -1 is out of range"),
        ("--reps", "0", "argument --reps: 0 is out of range"),
        ("--reps", "1.5", "argument --reps: '1.5' is not a whole number"),
        ("--jobs", "0", "argument --jobs: 0 is out of range"),
        ("--precision", "nan", "argument --precision: nan is not a finite number"),
    ],
)
def test_command_line_numbers_have_the_yaml_bounds(tmp_path, capsys, option, value, named):
    with pytest.raises(SystemExit) as exc:
        main(["run", str(TINY), "--out", str(tmp_path / "out"), f"{option}={value}"])
    err = capsys.readouterr().err
    assert exc.value.code == 2
    assert named in err and err.count("\n") == 1, err
    assert not (tmp_path / "out").exists()


def test_other_commands_bound_their_options_too(capsys):
    for argv in (
        ["compare", str(TINY), str(TINY), "--days", "nan"],
        ["optimize", str(TINY), "--seed", str(2**70)],
        ["check", str(TINY), "--jobs", "-3"],
        ["sweep", "x.yaml", "--jobs", "inf"],
    ):
        with pytest.raises(SystemExit) as exc:
            main(argv)
        err = capsys.readouterr().err
        assert exc.value.code == 2 and err.count("\n") == 1 and "argument --" in err, (argv, err)


def _variant(tmp_path: Path, overrides: dict, base: Path = TINY) -> Path:
    path = tmp_path / "variant.yaml"
    path.write_text(yaml.safe_dump({"extends": str(base), **overrides}), encoding="utf-8")
    return path


def _towns(tmp_path: Path, population: str) -> Path:
    text = (DATA / "towns.csv").read_text(encoding="utf-8").replace(",20000,", f",{population},")
    path = tmp_path / "towns.csv"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("population", ["1e20", "1e308"])
def test_absurd_populations_are_refused_by_validate(tmp_path, capsys, population):
    scenario = _variant(tmp_path, {"geography": {"towns_csv": str(_towns(tmp_path, population))}})
    status, _, err = cli(capsys, "validate", scenario)
    assert status == 2
    assert "towns.csv:2: population:" in err and "expected a number <= 1e+08 (people)" in err


NO_VOLUNTEERS = {
    "teams": {"village_members_community": 0, "village_members_village": 0, "town": {"members": 0}}
}


@pytest.mark.slow
@pytest.mark.parametrize(
    "case",
    ["demand 0", "show_up 0", "population 0", "no volunteers", "days 1e-9"],
)
def test_empty_scenarios_run_to_valid_empty_kpis(tmp_path, capsys, case):
    overrides = {
        "demand 0": {"demand": {"orders_per_1000_per_day": 0}},
        "show_up 0": {"teams": {"show_up": 0}},
        "population 0": {"geography": {"towns_csv": str(_towns(tmp_path, "0"))}},
        "no volunteers": NO_VOLUNTEERS,
        "days 1e-9": {},
    }[case]
    days = "1e-9" if case == "days 1e-9" else "1"
    out = tmp_path / "out"
    status, stdout, err = cli(
        capsys,
        "run",
        _variant(tmp_path, overrides),
        "--days",
        days,
        "--reps",
        "2",
        "--jobs",
        "1",
        "--out",
        out,
    )
    assert status == 0, err
    kpis = json.loads((out / "kpis.json").read_text(encoding="utf-8"))
    assert kpis["reps"] == 2 and len(kpis["replications"]) == 2
    assert (out / "briefing.html").is_file() and (out / "charts").is_dir()
    assert "Traceback" not in err


def test_check_junit_or_summary_naming_a_folder_is_invalid_input_before_simulating(
    tmp_path, capsys, no_simulation
):
    jobs = ("--jobs", "1")
    status, _, err = cli(capsys, "check", CHECK_TINY, "--junit", tmp_path, "--allow-new", *jobs)
    assert status == 2 and "--junit names a folder; expected a file path" in err
    (tmp_path / "file").write_text("x")
    status, _, err = cli(capsys, "check", CHECK_TINY, "--summary", tmp_path / "file" / "s.md", *jobs)
    assert status == 2 and "is a file; expected a folder path" in err


def test_a_summary_in_a_folder_not_yet_made_is_written(tmp_path, capsys):
    status, _, err = cli(capsys, "check", CHECK_TINY, "--summary", tmp_path / "f" / "s.md", "--allow-new")
    assert status == 0 or "--summary" not in err


def test_out_below_a_file_is_refused_before_simulating(tmp_path, capsys, no_simulation):
    (tmp_path / "file").write_text("x")
    status, _, err = cli(capsys, "run", TINY, "--jobs", "1", "--out", tmp_path / "file" / "out")
    assert status == 2 and "is a file; expected a folder path" in err and err.count("\n") == 1
    status, _, err = cli(capsys, "compare", TINY, TINY, "--jobs", "1", "--out", tmp_path / "file")
    assert status == 2 and "--out names a file" in err


def test_optimize_out_naming_a_folder_is_refused_before_searching(tmp_path, capsys, no_simulation):
    args = ("--target", "urban_10min=0.9", "--jobs", "1", "--out", tmp_path)
    status, _, err = cli(capsys, "optimize", TINY, *args)
    assert status == 2 and "--out names a folder; expected a file path" in err
