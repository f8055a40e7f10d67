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


def test_vary_ends_given_high_then_low_are_refused(capsys):
    # the report labels and ranks the first end "low": 2x the rate reported as the low side
    # would read as its opposite
    assert refused(capsys, "--vary", "demand.orders_per_1000_per_day=x2,x0.5") == [
        "--vary demand.orders_per_1000_per_day=x2,x0.5: the low end (2) is above the high end (0.5);"
        " expected LOW,HIGH with LOW <= HIGH, e.g. demand.orders_per_1000_per_day=x0.5,x2"
    ]
    assert refused(capsys, "--vary", "teams.show_up=0.9,0.5")[0].startswith(
        "--vary teams.show_up=0.9,0.5: the low end (0.9) is above the high end (0.5)"
    )
    # an end out of range is said first: reordering alone would not make it run
    assert refused(capsys, "--vary", "teams.show_up=1.5,0.7") == [
        "--vary: teams.show_up: 1.5 is out of range; expected a number <= 1 (probability)"
    ]


def test_the_tables_own_ranges_are_given_low_then_high():
    # the report names the table's first end "low" too: on the default scenario every one of
    # them resolves (multiples of the scenario's value included) to a value no higher than its
    # high end
    from sim.config.load import load_scenario
    from sim.experiments.assumptions import ASSUMPTIONS, value_of

    path = TINY.parent.parent.parent / "scenarios" / "pingyang.yaml"
    scenario = load_scenario(path)
    for a in ASSUMPTIONS:
        for key in a.keys:
            low, high = (value_of(scenario, path, key, end) for end in (a.low, a.high))
            assert low < high, (a.name, key, low, high)


def test_the_run_and_the_targets_cannot_be_varied(capsys):
    # the study's own --days, --reps and seed set every arm's run: varying run.* measured
    # nothing and reported every effect as 0.0 [0.0, 0.0]; targets move verdicts only
    (line,) = refused(capsys, "--vary", "run.days=1,2")
    assert line.startswith("--vary run.days=1,2: run.days is the study's own (its --days, --reps and seed")
    assert line.endswith("expected a key of the model, e.g. dispatch.alerts.wave_size=3,8")
    for key in ("run.seed=1,2", "run.reps=2,4", "targets.rural_share=0.9,0.95"):
        assert "so every effect would read 0" in refused(capsys, "--vary", key)[0]


def test_an_only_that_names_nothing_is_refused_before_anything_runs(capsys, monkeypatch):
    import sim.experiments.sensitivity as sensitivity

    def never(*args, **kwargs):
        raise AssertionError("simulated")

    monkeypatch.setattr(sensitivity, "run_arm", never)
    for only in (",", "", " , "):
        status = main(["sensitivity", str(TINY), "--only", only, "--days", "1", "--reps", "2"])
        err = capsys.readouterr().err.strip().splitlines()
        assert status == 2 and len(err) == 1, err
        assert err[0].startswith(f"--only {only!r}: names no assumption; expected some of order_rate,")
