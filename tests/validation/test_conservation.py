"""Conservation in the default scenario: every order ends in exactly one state, no team ever
has more volunteers busy than on duty at an assignment, and nobody off duty is assigned."""

from __future__ import annotations

import dataclasses

import pytest

from sim.config.load import load_scenario
from tests.validation import checks


@pytest.fixture(scope="module")
def pingyang_invariants():
    scenario = load_scenario("scenarios/pingyang.yaml")
    scenario = dataclasses.replace(scenario, run=dataclasses.replace(scenario.run, days=3))
    return checks.invariant_runs(scenario, reps=2, seed=scenario.run.seed)


def test_every_order_is_closed_cancelled_or_open(pingyang_invariants):
    for inv in pingyang_invariants:
        assert inv.placed > 0
        assert inv.placed == inv.closed + inv.cancelled + inv.open
        assert inv.outcome_mismatch == 0
        assert inv.assigned_and_cancelled == 0


def test_no_team_is_over_capacity_or_assigned_off_duty(pingyang_invariants):
    for inv in pingyang_invariants:
        assert inv.over_capacity == 0
        assert inv.off_duty == 0


def test_invariant_check_detects_a_double_booking():
    """The capacity check can fail: a log where one volunteer gets two overlapping orders."""
    setting = dataclasses.replace(checks.MMC_SETTINGS[0], days=1, reps=1, warmup_days=0)
    scenario = checks.scenario_for(setting)
    from sim.model.rng import replication_seeds
    from sim.world.build import build_world

    world = build_world(scenario)
    log = checks.simulate_setting(setting, jobs=1)[0]
    seed = replication_seeds(setting.seed, 1)[0]
    assert checks.invariants(log, world, seed).ok
    o = log.orders
    served = (o.team >= 0) & (o.t_released < log.horizon_min)
    first, second = [int(i) for i in served.nonzero()[0][:2]]
    o.t_released[first] = o.t_assigned[second] + 1.0  # still busy when the second is assigned
    assert checks.invariants(log, world, seed).over_capacity >= 1
