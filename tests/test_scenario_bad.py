"""Every malformed scenario in tests/scenarios/bad/ fails validation with exactly the lines in
its sidecar ``.expected`` file, exit status 2 and no traceback.

To add a failure mode: write ``bad/NAME.yaml`` (usually ``extends: ../base.yaml`` plus the one
bad setting) and ``bad/NAME.expected`` with the exact stderr lines, paths relative to the
repository root.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.cli.main import main

REPO = Path(__file__).resolve().parent.parent
BAD = REPO / "tests" / "scenarios" / "bad"
CASES = sorted(p for p in BAD.iterdir() if p.is_file() and p.suffix != ".expected")


def test_there_is_a_bad_scenario_per_failure_mode_and_each_has_its_expected_message():
    assert len(CASES) >= 40
    assert [p.name for p in CASES if not p.with_suffix(".expected").is_file()] == []


@pytest.mark.parametrize("case", CASES, ids=[p.stem for p in CASES])
def test_bad_scenario_gives_its_exact_one_line_messages(case, capsys, monkeypatch):
    monkeypatch.chdir(REPO)
    status = main(["validate", str(case.relative_to(REPO))])
    out, err = capsys.readouterr()
    expected = case.with_suffix(".expected").read_text(encoding="utf-8").splitlines()
    assert status == 2
    assert out == ""
    assert "Traceback" not in err
    assert err.splitlines() == expected
    for line in err.splitlines():  # FILE:LINE: ... ; ... expected
        assert line.split(":")[0].endswith((".yaml", ".yml", ".csv"))
        assert "expected" in line


def test_a_bad_scenario_stops_run_before_any_simulation(capsys, monkeypatch):
    monkeypatch.chdir(REPO)
    status = main(["run", "tests/scenarios/bad/negative_rate.yaml", "--out", "/nonexistent/x"])
    _, err = capsys.readouterr()
    assert status == 2
    assert err.splitlines() == (BAD / "negative_rate.expected").read_text().splitlines()


def test_debug_shows_the_traceback_instead(monkeypatch):
    monkeypatch.chdir(REPO)
    from sim.config.errors import UserError

    with pytest.raises(UserError, match="orders_per_1000_per_day"):
        main(["--debug", "validate", "tests/scenarios/bad/negative_rate.yaml"])
