"""Staffing moves the promises: halving the default scenario's village volunteers makes both
headline shares worse, with paired intervals (common random numbers) that exclude zero."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.config.load import load_scenario
from sim.experiments.runner import run_replications
from sim.results.stats import paired_difference

PINGYANG = Path(__file__).resolve().parent.parent / "scenarios" / "pingyang.yaml"
REPS, DAYS, SEED = 4, 7, 20220601


def kpis(scale: float) -> list[dict[str, float]]:
    """Per replication, the default scenario's KPIs with village teams at ``scale``."""
    scenario = load_scenario(PINGYANG, overrides={"teams.village_scale": scale, "run.days": DAYS})
    return [r.kpis for r in run_replications(scenario, REPS, SEED, keep_logs=False, progress=False)]


@pytest.fixture(scope="module")
def halved():
    return kpis(1.0), kpis(0.5)


@pytest.mark.parametrize("kpi", ["urban_10min", "rural_same_day"])
def test_halving_village_volunteers_makes_both_promises_worse(halved, kpi):
    full, half = halved
    diff = paired_difference([k[kpi] for k in full], [k[kpi] for k in half])
    assert diff["high"] < 0, diff  # worse, and the 95% interval excludes zero
