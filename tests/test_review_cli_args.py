"""The command line finds the command where a user puts it: the default command ``run`` is
assumed only when the first argument is not a command, so an output folder named like a
command is not taken for one, and ``--debug`` works after the command too."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.cli.main import main
from sim.config.errors import UserError

REPO = Path(__file__).resolve().parent.parent
TINY = REPO / "tests" / "data" / "tiny.yaml"
BAD = "tests/scenarios/bad/negative_rate.yaml"


class Started(Exception):
    """Raised in place of the simulation: the arguments were accepted."""


@pytest.fixture
def no_simulation(monkeypatch):
    def started(args, scenario, seed, out):
        raise Started(str(out))

    monkeypatch.setattr("sim.cli.commands.run._simulate", started)


@pytest.mark.parametrize("folder", ["check", "report", "run", "compare"])
def test_an_output_folder_named_like_a_command_is_an_output_folder(
    tmp_path, monkeypatch, no_simulation, folder
):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(Started, match=rf"\.{folder}\.tmp-"):
        main([str(TINY), "--days", "1", "--reps", "1", "--out", folder])


def test_help_after_the_default_commands_options_is_the_run_commands_help(capsys):
    with pytest.raises(SystemExit) as caught:
        main([str(TINY), "--help"])
    assert caught.value.code == 0
    assert "--precision" in capsys.readouterr().out


@pytest.mark.parametrize(
    "argv",
    [
        ["--debug", "validate", BAD],
        ["validate", BAD, "--debug"],
        ["validate", "--debug", BAD],
        [BAD, "--debug"],
        ["--debug", BAD],
    ],
)
def test_debug_shows_the_traceback_wherever_it_is_written(monkeypatch, argv):
    monkeypatch.chdir(REPO)
    with pytest.raises(UserError, match="orders_per_1000_per_day"):
        main(argv)


def test_without_debug_the_same_error_is_one_line(monkeypatch, capsys):
    monkeypatch.chdir(REPO)
    assert main(["validate", BAD]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert len(err.splitlines()) == 1


def test_a_share_option_states_its_own_range_only(capsys):
    with pytest.raises(SystemExit) as caught:
        main(["run", str(TINY), "--precision", "1.5"])
    assert caught.value.code == 2
    err = capsys.readouterr().err
    assert "1.5 is out of range; expected a number > 0 and < 1 (see" in err


def test_optimize_refuses_a_plan_file_that_could_not_be_run_as_a_scenario(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    status = main(["optimize", str(TINY), "--target", "urban_10min=0.9", "--out", "plan.txt"])
    err = capsys.readouterr().err
    assert status == 2
    assert err.splitlines() == [
        "plan.txt: --out names a .txt file; expected a scenario file ending in .yaml or .yml (the plan is a "
        "scenario variant)"
    ]
    assert not (tmp_path / "plan.txt").exists()


@pytest.mark.parametrize(
    "argv",
    [
        ["run", str(TINY), "--out", ""],
        ["compare", str(TINY), str(TINY), "--out", " "],
        ["sweep", str(TINY), "--out", ""],
        ["optimize", str(TINY), "--out", ""],
        ["check", str(TINY), "--junit", ""],
        ["check", str(TINY), "--summary", ""],
    ],
)
def test_an_empty_output_path_is_refused_before_anything_runs(capsys, no_simulation, argv):
    # an empty --out would otherwise mean the default folder, and an empty --junit the
    # working folder: one line, exit 2
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "an empty path; expected a file or folder name" in err[0]


def test_a_cap_without_a_precision_is_refused_not_ignored(tmp_path, capsys):
    # --max-reps caps a --precision run only: alone it was silently ignored, and the run used
    # run.reps replications while the planner thought they had set a number
    assert main(["run", str(TINY), "--max-reps", "8", "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err.strip()
    assert err == (
        "--max-reps 8: caps a --precision run only; expected it with --precision (or --reps N alone)"
    )
    assert not (tmp_path / "out").exists()
