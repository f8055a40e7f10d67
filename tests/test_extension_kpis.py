"""An extension's KPI gets the interval every output shows: a share that returns the orders it
counts has the built-in shares' Wilson interval (not a point when every replication gives
100%), and ``summarise_kpis`` gives every KPI the interval of kpis.json."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from sim.config.load import load_scenario
from sim.experiments.runner import run_replications
from sim.reporting.kpi_summary import build_summary
from sim.results.kpi_catalogue import EXTRA_KPIS, KPI_INFO, register_kpi
from sim.results.summary import summarise_kpis
from sim.world.build import build_world

TINY = Path(__file__).resolve().parent / "data" / "tiny.yaml"


@pytest.fixture
def catalogue_restored():
    """Registered KPIs are taken out of the catalogue's tables after the test."""
    saved = [(table, dict(table)) for table in (KPI_INFO, EXTRA_KPIS)]
    yield
    for table, content in saved:
        table.clear()
        table.update(content)


def measured(log) -> np.ndarray:
    start, end = log.window_min
    return (log.orders.t_placed >= start) & (log.orders.t_placed < end)


def all_placed_counted(log, world):
    """100% of the measured orders, with their count."""
    n = int(measured(log).sum())
    return (1.0 if n else float("nan")), n


def all_placed_bare(log, world):
    """100% of the measured orders, without a count."""
    return 1.0 if measured(log).any() else float("nan")


@pytest.fixture
def run(catalogue_restored):
    register_kpi("test_all_counted", "All measured orders (counted)", "share", +1, all_placed_counted)
    register_kpi("test_all_bare", "All measured orders (bare)", "share", +1, all_placed_bare)
    scenario = load_scenario(TINY, overrides={"run.days": 3})
    results = run_replications(scenario, reps=3, seed=5, progress=False)
    return scenario, results


def test_a_share_returning_its_orders_is_counted_and_not_certain_at_100_percent(run):
    _, results = run
    assert all(r.orders["test_all_counted"] == r.orders["test_all_counted"] > 0 for r in results)
    s = summarise_kpis(results)
    counted, bare = s["test_all_counted"], s["test_all_bare"]
    assert counted["mean"] == bare["mean"] == 1.0
    # the orders' Wilson interval: 100% of a few hundred orders is not a certainty
    assert counted["method"] == "wilson" and counted["low"] < 0.999 and counted["high"] == 1.0
    # without a count, the replications' interval alone: a point when they agree (documented)
    assert "test_all_bare" not in results[0].orders
    assert bare["low"] == bare["high"] == 1.0


def test_summarise_kpis_gives_the_interval_of_kpis_json(run):
    scenario, results = run
    world = build_world(scenario)
    written = build_summary(scenario, results, 5, world)["kpis"]
    summary = summarise_kpis(results)
    for name in ("urban_10min", "escalation_rate", "response_p90_urban", "test_all_counted"):
        row, s = written[name], summary[name]
        assert (s["low"], s["high"], s["method"]) == (row["low"], row["high"], row["interval"]), name
