"""Inputs found by fuzzing the bundled scenarios and the command line that broke the rule for a
user's error (one line naming the file, the path inside it and what is expected, exit 2, no
traceback): each is a fixed case here.

- ``demand.appointments.hours`` of another length than two, or not a list, crashed validation
  (Python's "not enough values to unpack");
- a wrongly typed section or name (``teams: null``, ``catalog: grocery``) gave one line for it
  and more for every check that cross-referenced its stand-in (no team offers skill 'legal', ...);
- an empty catalogue gave a line for every item named elsewhere;
- ``run.days`` or ``--days`` of 1e-300 was accepted, and the run crashed dividing by a measured
  window that rounding against the warm-up's minutes had made zero;
- ``sweep`` given a scenario listed every scenario key as unknown to a sweep file, and
  ``run``, ``compare``, ``sensitivity`` and ``optimize`` given a sweep every sweep key as unknown
  to a scenario (with the problems of the empty scenario that was left);
- an empty input path (``validate ''``) was read as the working folder (".: is a folder").
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.cli.main import main
from tests.conftest import run_cli

REPO = Path(__file__).resolve().parent.parent
PINGYANG = REPO / "scenarios" / "pingyang.yaml"


def cli(argv: list[str]) -> tuple[int, list[str]]:
    """Run the command line in-process; (exit status, stderr lines)."""
    status, err = run_cli(argv)
    return status, err.splitlines()


def variant(tmp_path: Path, body: str) -> Path:
    """A scenario extending the bundled Pingyang one with ``body`` from its line 2 on."""
    path = tmp_path / "variant.yaml"
    path.write_text(f"extends: {PINGYANG}\n{body}", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("demand: {appointments: {hours: ['08:00']}}\n", "has 1 entry; expected exactly 2"),
        (
            "demand: {appointments: {hours: ['08:00', '12:00', '20:00']}}\n",
            "has 3 entries; expected exactly 2",
        ),
        ("demand: {appointments: {hours: []}}\n", "has 0 entries; expected exactly 2"),
        ("demand: {appointments: {hours: '08:00-20:00'}}\n", "expected a list, got text ('08:00-20:00')"),
        ("demand: {appointments: {hours: null}}\n", "expected a list, got nothing (null)"),
    ],
    ids=["one", "three", "none", "text", "null"],
)
def test_appointment_hours_not_two_times_is_one_line(tmp_path, body, message):
    path = variant(tmp_path, body)
    assert cli(["validate", str(path)]) == (2, [f"{path}:2: demand.appointments.hours: {message}"])


@pytest.mark.parametrize(
    ("body", "line"),
    [
        ("teams: null\n", "teams: expected a mapping, got nothing (null)"),
        ("teams: [town]\n", "teams: expected a mapping, got a list"),
        ("catalog: grocery\n", "catalog: expected a list, got text ('grocery')"),
        ("schedules: office\n", "schedules: expected a mapping, got text ('office')"),
        ("proxy: {skill: 5}\n", "proxy.skill: expected text, got a number (5); quote it to make it text"),
        ("proxy: {skill: null}\n", "proxy.skill: expected text, got nothing (null)"),
        ("catalog: []\n", "catalog: is empty; expected at least one service item"),
    ],
    ids=[
        "teams-null",
        "teams-list",
        "catalog-text",
        "schedules-text",
        "proxy-skill-number",
        "proxy-skill-null",
        "catalog-empty",
    ],
)
def test_a_wrong_section_is_one_line_not_one_per_reference_to_it(tmp_path, body, line):
    path = variant(tmp_path, body)
    assert cli(["validate", str(path)]) == (2, [f"{path}:2: {line}"])


def test_a_wrongly_typed_catalogue_id_does_not_make_the_projects_unknown(tmp_path):
    body = "catalog:\n" + "".join(
        f"  - {{id: {5 if k == 0 else f'i{k}'}, skill: errand, share: 0.5}}\n" for k in range(2)
    )
    path = variant(tmp_path, body)
    status, lines = cli(["validate", str(path)])
    assert status == 2
    assert lines == [f"{path}:3: catalog[0].id: expected text, got a number (5); quote it to make it text"]


@pytest.mark.parametrize("key", ["run", "expect"])
def test_measured_days_shorter_than_a_minute_are_refused(tmp_path, key):
    path = variant(tmp_path, f"{key}: {{days: 1.0e-300}}\n")
    assert cli(["validate", str(path)]) == (
        2,
        [
            f"{path}:2: {key}.days: 1e-300 is out of range; expected at least 1e-09 days (a shorter "
            "window is lost in rounding against the warm-up's minutes)"
        ],
    )


class Started(Exception):
    """Raised where the simulation would start: every argument was accepted."""


@pytest.mark.parametrize("command", ["run", "compare", "sweep", "optimize", "sensitivity"])
def test_days_option_shorter_than_a_minute_is_refused(tmp_path, monkeypatch, command):
    def started(*a, **k):
        raise Started

    monkeypatch.setattr("sim.cli.commands.run._simulate", started)
    files = {
        "compare": [str(PINGYANG), str(PINGYANG)],
        "sweep": [str(REPO / "scenarios" / "sweeps" / "village_timeout.yaml")],
    }.get(command, [str(PINGYANG)])
    status, lines = cli([command, *files, "--days", "1e-300", "--out", str(tmp_path / "out")])
    assert status == 2
    assert len(lines) == 1
    assert "argument --days: 1e-300 is out of range; expected at least 1e-09 days" in lines[0]


@pytest.mark.parametrize("days", ["1e-9", "0.001"])
def test_days_option_of_the_least_window_or_more_is_accepted(tmp_path, monkeypatch, days):
    def started(*a, **k):
        raise Started

    monkeypatch.setattr("sim.cli.commands.run._simulate", started)
    with pytest.raises(Started):
        main(["run", str(PINGYANG), "--days", days, "--out", str(tmp_path / "out")])


@pytest.mark.parametrize(
    "scenario", [PINGYANG, REPO / "scenarios" / "policies" / "no_pairing.yaml"], ids=["plain", "extends"]
)
def test_sweep_given_a_scenario_says_so_in_one_line(scenario):
    assert cli(["sweep", str(scenario)]) == (
        2,
        [
            f"{scenario}: is a scenario, not a sweep; expected a sweep file with scenario: and grid: "
            "(docs/policies.md), or run the scenario with `run`"
        ],
    )


SWEEP = REPO / "scenarios" / "sweeps" / "village_timeout.yaml"


@pytest.mark.parametrize(
    "argv",
    [
        ["run", str(SWEEP)],
        ["compare", str(PINGYANG), str(SWEEP)],
        ["sensitivity", str(SWEEP)],
        ["optimize", str(SWEEP), "--target", "urban_10min=0.9"],
    ],
    ids=["run", "compare", "sensitivity", "optimize"],
)
def test_a_sweep_given_for_a_scenario_says_so_in_one_line(tmp_path, monkeypatch, argv):
    monkeypatch.chdir(tmp_path)  # every command shows the absolute path given
    status, lines = cli([*argv, "--days", "1", "--reps", "2", "--out", str(tmp_path / "out")])
    assert (status, lines) == (
        2,
        [
            f"{SWEEP}: is a sweep file (a top-level scenario: and grid:); expected a scenario file "
            "(`run.py validate` checks a sweep, `run.py sweep` runs it)"
        ],
    )


@pytest.mark.parametrize(
    "argv",
    [
        ["validate", ""],
        ["run", ""],
        [""],
        ["compare", "", str(PINGYANG)],
        ["check", ""],
        ["report", ""],
        ["sweep", ""],
        ["optimize", "", "--target", "urban_10min=0.9"],
        ["sensitivity", ""],
    ],
)
def test_an_empty_input_path_is_named_as_one_not_as_the_working_folder(argv):
    # Path("") is the current folder: it read ".: is a folder; expected a scenario YAML file"
    status, err = cli(argv)
    assert status == 2 and len(err) == 1 and "an empty path" in err[0], err


def test_a_demand_a_hundred_times_the_defaults_is_warned_of_not_refused(tmp_path):
    # 1,000 orders per 1,000 residents a day (the schema's upper bound) is valid, but makes
    # every replication minutes long without a word: validate and run say so in one line
    status, err = cli(["validate", str(variant(tmp_path, "demand: {orders_per_1000_per_day: 1000}\n"))])
    assert status == 0 and len(err) == 1, err
    assert (
        err[0].endswith("?)")
        and "variant.yaml:2: demand.orders_per_1000_per_day: warning: 1000 orders" in err[0]
    )
    assert "866,640 orders a day" in err[0] and "48 seconds or more" in err[0]
    assert cli(["validate", str(PINGYANG)]) == (0, [])  # (the default: about 280 a day)
