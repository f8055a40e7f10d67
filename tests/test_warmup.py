"""The warm-up check: MSER-5 on synthetic series, and `run`'s warning and kpis.json record."""

from __future__ import annotations

import json

import numpy as np
import pytest

from sim.cli.main import main
from sim.results.summary import RepResult
from sim.results.warmup import MIN_HOURS, WarmupCheck, mean_backlog, mser, warmup_check
from tests.conftest import variant


def brute_force_mser(series: np.ndarray, batch: int = 5) -> list[float]:
    """MSER(d) for d = 0 .. k // 2, straight from the definition (White 1997)."""
    k = len(series) // batch
    z = series[: k * batch].reshape(k, batch).mean(axis=1)
    return [float(np.sum((z[d:] - z[d:].mean()) ** 2) / (k - d) ** 2) for d in range(k // 2 + 1)]


def test_mser_minimises_the_definition_over_the_first_half():
    series = np.random.default_rng(3).normal(5.0, 2.0, 203)  # 40 batches, 3 observations dropped
    stats = brute_force_mser(series)
    t = mser(series)
    assert t.batches == int(np.argmin(stats)) and t.observations == 5 * t.batches
    assert t.statistic == pytest.approx(min(stats))


def test_a_transient_is_cut_near_its_end_and_stationary_noise_near_zero():
    rng = np.random.default_rng(0)
    noise = rng.normal(10.0, 1.0, 1000)
    hours = np.arange(1000)
    ramp = noise + np.where(hours < 100, 8.0 * (1 - hours / 100), 0.0)  # 100 observations of transient
    cut = mser(ramp)
    assert 75 <= cut.observations <= 115 and not cut.at_limit
    assert mser(noise).observations <= 10
    assert mser(np.full(50, 3.0)).observations == 0  # nothing to cut in a constant series


def test_a_series_that_never_settles_is_cut_at_half_and_flagged():
    t = mser(np.arange(100, dtype=float))  # a trend: the minimum is at the end of the first half
    assert t.observations == 50 and t.at_limit


def test_too_short_or_broken_series_are_not_judged():
    assert mser(np.ones(9)) is None  # under 2 batches
    assert mser(np.array([1.0, 2.0, np.nan] * 5)) is None
    assert warmup_check([], 1.0) is None
    # a series under a week (warm-up and drain included) is not judged: the backlog's daily
    # rhythm outweighs the start there (sim/results/warmup.py, MIN_HOURS)
    start = np.r_[np.zeros(24), np.full(200, 10.0)]
    week = RepResult(0, {}, start[:MIN_HOURS], None)
    assert warmup_check([week], 0.0) is not None
    assert warmup_check([RepResult(0, {}, start[: MIN_HOURS - 1], None)], 0.0) is None


def test_the_check_averages_the_replications_hour_by_hour():
    a = RepResult(0, {}, np.array([0.0, 2.0, 4.0]), None)
    b = RepResult(1, {}, np.array([2.0, 4.0, 6.0, 8.0]), None)
    assert mean_backlog([a, b]).tolist() == [1.0, 3.0, 5.0]


def test_the_warning_names_the_suggested_warm_up_and_the_setting():
    assert WarmupCheck(5, 24.0, False).warning() is None
    assert WarmupCheck(24, 24.0, False).sufficient
    assert WarmupCheck(35, 24.0, False).warning() == (
        "warning: is 1 but MSER-5 on the replications' mean hourly backlog suggests a warm-up of "
        "35 h; set it to 2 or more"
    )
    assert "at least 50 h" in WarmupCheck(50, 0.0, True).warning()


# Every team of the tiny county on duty round the clock (a fifth of its members), as the default
# county's night duty keeps orders answered at any hour: the backlog settles within hours.
ALL_DAY = [0.2] * 24
ROUND_THE_CLOCK = {
    "schedules": {"allday": {"weekday": ALL_DAY, "weekend": ALL_DAY}},
    "teams": {
        "community_schedule": "allday",
        "village_schedule": "allday",
        "town": {"members": 10, "skills": ["errand", "repair"], "schedule": "allday"},
        "county": {"name": "center", "count": 1, "members": 10, "skills": ["errand", "repair"]}
        | {"schedule": "allday"},
    },
}
# 50 times the usual orders in the first 12 hours: a backlog of some 350 orders that takes the
# next two days to clear
RUSH = {"name": "rush", "places": ["Alpha", "Beta", "Isle"], "days": 0.5, "multiplier": 50}
RUSH["item_mix"] = {"errand": 1}


def run_variant(tmp_path, capsys, name: str, events: list[dict]) -> tuple[dict, list[str]]:
    """`run` on the round-the-clock tiny county with 1 day of warm-up: (kpis.json's
    warmup_check, the stderr lines about run.warmup_days)."""
    overrides = {
        **ROUND_THE_CLOCK,
        "events": events,
        "run": {"days": 5, "warmup_days": 1, "drain_days": 1, "reps": 4, "seed": 7},
    }
    scenario = variant(tmp_path, overrides, name=name)
    out = tmp_path / "out"
    capsys.readouterr()
    assert main(["run", scenario.source, "--jobs", "1", "--out", str(out)]) == 0
    err = [line for line in capsys.readouterr().err.splitlines() if "run.warmup_days" in line]
    return json.loads((out / "kpis.json").read_text(encoding="utf-8"))["warmup_check"], err


def test_a_start_up_transient_longer_than_the_warm_up_is_warned(tmp_path, capsys):
    check, err = run_variant(tmp_path, capsys, "rush", [RUSH])
    assert check["method"] == "MSER-5" and not check["sufficient"] and check["warmup_hours"] == 24
    hours = check["suggested_warmup_hours"]
    assert 36 <= hours <= 72 and not check["at_limit"]
    assert err == [
        f"{tmp_path / 'rush.yaml'}: run.warmup_days: warning: is 1 but MSER-5 on the "
        f"replications' mean hourly backlog suggests a warm-up of {hours} h; "
        f"set it to {-(-hours // 24)} or more"
    ]


def test_a_settled_scenario_with_a_days_warm_up_is_not_warned(tmp_path, capsys):
    check, err = run_variant(tmp_path, capsys, "settled", [])
    assert check["sufficient"] and check["suggested_warmup_hours"] <= 24 == check["warmup_hours"]
    assert err == []
