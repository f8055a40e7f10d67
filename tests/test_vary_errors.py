"""A mistake in ``sensitivity --vary`` is blamed on the flag, not on the scenario file: the
scenario's line is right, and a planner reading ``scenarios/pingyang.yaml:91`` would look for
the typo in the wrong place."""

from __future__ import annotations

from sim.cli.main import main
from tests.conftest import TINY


def refused(capsys, *vary: str) -> list[str]:
    """Run ``sensitivity`` on the tiny county with ``vary``; the lines on stderr (exit 2)."""
    status = main(["sensitivity", str(TINY), "--days", "1", "--reps", "2", "--jobs", "1", *vary])
    err = capsys.readouterr().err
    assert status == 2
    return err.strip().splitlines()


def test_an_unknown_vary_key_is_blamed_on_the_flag(capsys):
    assert refused(capsys, "--vary", "teams.show_upp=0.5,0.9") == [
        "--vary: teams.show_upp: unknown key; expected a known key, did you mean 'show_up'?"
    ]


def test_a_vary_value_out_of_range_is_blamed_on_the_flag(capsys):
    assert refused(capsys, "--vary", "teams.show_up=0.7,1.5") == [
        "--vary: teams.show_up: 1.5 is out of range; expected a number <= 1 (probability)"
    ]
