"""scripts/sensitivity.py on the tiny test county: the ranked table's rows and columns, an
unchanged variant's difference of exactly 0 under common random numbers, an effect of known
direction, and a key the scenario language does not have refused before anything runs."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

from tests.conftest import TINY

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "sensitivity.py"
HEADLINE = ["urban_10min_acceptance", "urban_10min_arrival", "rural_same_day", "open_overnight_per_1000"]


@pytest.fixture(scope="module")
def script():
    spec = importlib.util.spec_from_file_location("script_sensitivity", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    yield module
    del sys.modules[spec.name]


def run(script, tmp: Path, *extra: str) -> int:
    base = ["--scenario", str(TINY), "--days", "1", "--reps", "2", "--jobs", "1"]
    return script.main([*base, "--out", str(tmp / "table.md"), "--json", str(tmp / "study.json"), *extra])


@pytest.fixture(scope="module")
def study(script, tmp_path_factory):
    """Two of the table's assumptions, an unchanged variant (x1) and hardly anyone showing up."""
    tmp = tmp_path_factory.mktemp("sensitivity")
    code = run(script, tmp, "--only", "order_rate,patience", "--vary", "teams.show_up=0.05,x1")
    assert code == 0
    return (tmp / "table.md").read_text(encoding="utf-8"), json.loads((tmp / "study.json").read_text())


def test_the_table_has_a_row_per_assumption_and_side_and_a_column_per_kpi(study):
    table, numbers = study
    lines = [line for line in table.splitlines() if line.startswith("| ")]
    head = lines[0].split(" | ")
    assert head[:4] == ["| assumption", "largest effect", "side", "value"]
    assert [c.split(",")[0] for c in head[4:]] == [
        "urban 10 min (acceptance)",
        "urban 10 min (arrival)",
        "rural same day",
        "open overnight",
    ]
    rows = [r.split(" | ") for r in lines[1 : 1 + 6]]
    assert [r[2] for r in rows] == ["low", "high"] * 3
    assert all(len(r) == 8 for r in rows)
    # each assumption named once, with its largest effect, on its first side; both sides
    # together, ranked by that effect
    named = [r[0].removeprefix("| ") for r in rows]
    assert named[1::2] == ["", "", ""] and sorted(named[::2]) == sorted(
        ["teams.show_up", "order rate", "citizens' patience (urban and rural mean)"]
    )
    assert all(r[1].endswith(")") for r in rows[::2]) and all(r[1] == "" for r in rows[1::2])
    sizes = [t["size"] for t in numbers["largest"].values()]
    assert sizes == sorted(sizes, reverse=True)
    assert [r["assumption"] for r in numbers["rows"]][::2] == list(numbers["largest"])
    assert "`demand.orders_per_1000_per_day`" in table  # the ranges' table names the keys


def test_ranked_by_one_kpi(script, tmp_path):
    assert run(script, tmp_path, "--only", "order_rate,patience,show_up", "--rank-by", "rural_same_day") == 0
    numbers = json.loads((tmp_path / "study.json").read_text())
    assert {t["kpi"] for t in numbers["largest"].values()} == {"rural_same_day"}
    ranked = [
        max(abs(r["effects"]["rural_same_day"]["mean"]) for r in numbers["rows"] if r["assumption"] == n)
        for n in numbers["largest"]
    ]
    assert ranked == sorted(ranked, reverse=True)


def test_an_unchanged_variant_differs_by_exactly_zero(study):
    _, numbers = study
    same = next(r for r in numbers["rows"] if r["assumption"] == "teams.show_up" and r["side"] == "high")
    assert same["overrides"] == {"teams.show_up": 1.0}  # x1 of the tiny county's show-up
    for kpi in HEADLINE:
        assert same["effects"][kpi] == {"mean": 0.0, "low": 0.0, "high": 0.0, "verdict": "same"}


def test_hardly_anyone_showing_up_lowers_the_promises(study):
    _, numbers = study
    few = next(r for r in numbers["rows"] if r["assumption"] == "teams.show_up" and r["side"] == "low")
    assert few["value"] == "0.05"
    assert few["effects"]["urban_10min_acceptance"]["mean"] < -0.2
    assert few["effects"]["rural_same_day"]["mean"] < -0.2
    assert numbers["rows"][0]["assumption"] == "teams.show_up"  # the largest effect, ranked first


def test_the_multiples_are_of_the_scenarios_own_values(study):
    _, numbers = study
    rate = {r["side"]: r["overrides"] for r in numbers["rows"] if r["assumption"] == "order_rate"}
    assert rate == {  # tiny: 1.0 order per 1,000 residents a day
        "low": {"demand.orders_per_1000_per_day": 0.75},
        "high": {"demand.orders_per_1000_per_day": 1.25},
    }


def test_a_key_the_scenario_language_lacks_is_refused_before_running(script, tmp_path, capsys):
    assert run(script, tmp_path, "--vary", "teams.show_upp=0.5,0.9") == 2
    err = capsys.readouterr().err
    assert "teams.show_upp" in err and "show_up" in err and "Traceback" not in err
    assert "default:" not in err  # nothing ran
    assert not (tmp_path / "table.md").exists()


def test_a_key_the_scenario_does_not_set_is_refused(script, tmp_path, capsys):
    # the tiny county has no alerts: setting their acceptance would switch them on, not vary it
    assert run(script, tmp_path, "--only", "alert_accept") == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        f"{TINY}: dispatch.alerts.accept_probability: not set in the scenario; expected a key the "
        "scenario sets to a number (setting an unset one would switch a mechanism on, not vary an "
        "assumption)"
    ]


@pytest.fixture(scope="module")
def pairs(script, tmp_path_factory):
    """Two pairs: the order rate with the village volunteers scaled x1 on both sides (an
    unchanged assumption, which cannot interact), and no one or everyone showing up with rural
    citizens' patience of 1 or 100,000 minutes (which does: with no one on duty no rural order is
    met whatever the patience, so patience's effect depends on show-up)."""
    tmp = tmp_path_factory.mktemp("pairs")
    code = run(
        script,
        tmp,
        "--only",
        "order_rate",
        "--vary",
        "teams.village_scale=x1,x1",
        "--vary",
        "teams.show_up=0,1",
        "--vary",
        "demand.patience.rural.mean=1,100000",
        "--pair",
        "order_rate,teams.village_scale",
        "--pair",
        "teams.show_up,demand.patience.rural.mean",
        "--pair",
        "teams.village_scale,order_rate",  # the first pair again: runs once
    )
    assert code == 0
    return (tmp / "table.md").read_text(encoding="utf-8"), json.loads((tmp / "study.json").read_text())


def test_an_unchanged_assumption_interacts_by_exactly_zero(pairs):
    table, numbers = pairs
    assert len(numbers["pairs"]) == 2
    pair = numbers["pairs"][0]
    assert (pair["a"]["assumption"], pair["b"]["assumption"]) == ("order_rate", "teams.village_scale")
    assert [c["sides"] for c in pair["corners"]] == [
        ["low", "low"],
        ["low", "high"],
        ["high", "low"],
        ["high", "high"],
    ]
    one_at_a_time = {r["side"]: r["effects"] for r in numbers["rows"] if r["assumption"] == "order_rate"}
    for corner in pair["corners"]:
        # B unchanged: each corner is the order rate's one-at-a-time variant, replication by replication
        assert corner["effects"] == one_at_a_time[corner["sides"][0]]
    for kpi in HEADLINE:
        c = pair["interaction"][kpi]
        assert (c["mean"], c["low"], c["high"]) == (0.0, 0.0, 0.0)
        assert c["replications"] == [0.0, 0.0]
    assert "| interaction | (hh - hl - lh + ll) |" in table
    assert "- rural_same_day: no interaction detected at this precision (0.0 pp [0.0, 0.0])" in table


def test_the_contrast_is_hh_minus_hl_minus_lh_plus_ll_per_replication(pairs):
    _, numbers = pairs
    pair = numbers["pairs"][1]
    assert (pair["a"]["assumption"], pair["b"]["assumption"]) == (
        "teams.show_up",
        "demand.patience.rural.mean",
    )
    ll, lh, hl, hh = (c["replications"] for c in pair["corners"])
    for kpi in HEADLINE:
        c = pair["interaction"][kpi]
        expected = [d - c_ - b + a for a, b, c_, d in zip(ll[kpi], lh[kpi], hl[kpi], hh[kpi])]
        assert c["replications"] == pytest.approx(expected, abs=1e-12)
        assert c["mean"] == pytest.approx(sum(expected) / len(expected), abs=1e-12)
        # the default cancels: the contrast of the corners' paired differences is the same number
        e = [corner["effects"][kpi]["mean"] for corner in pair["corners"]]
        assert c["mean"] == pytest.approx(e[3] - e[2] - e[1] + e[0], abs=1e-9)
        assert c["low"] <= c["mean"] <= c["high"]


def test_a_pair_that_interacts_by_construction(pairs):
    _, numbers = pairs
    pair = numbers["pairs"][1]
    ll, lh, hl, hh = (c["replications"]["rural_same_day"] for c in pair["corners"])
    assert ll == lh == [0.0, 0.0]  # no one shows up: no rural order met, whatever the patience
    # so the contrast is patience's effect with everyone showing up, which is a gain
    rural = pair["interaction"]["rural_same_day"]["replications"]
    assert rural == [d - c for c, d in zip(hl, hh)]
    assert all(x > 0 for x in rural)


@pytest.mark.parametrize(
    ("pair", "expected"),
    [
        (
            "patience,rural_timout",
            "--pair patience,rural_timout: unknown rural_timout (did you mean 'rural_timeout'?); expected "
            "some of order_rate, village_on_duty, station_size, show_up, acceptance_delay, alert_accept, "
            "urban_timeout, rural_timeout, patience, circuity",
        ),
        (
            "patience,patience",
            "--pair patience,patience: the same assumption twice; expected two different ones",
        ),
        ("patience", "--pair patience: expected two names NAME_A,NAME_B, e.g. patience,rural_timeout"),
    ],
)
def test_a_bad_pair_is_refused_in_one_line_before_running(script, tmp_path, capsys, pair, expected):
    assert run(script, tmp_path, "--pair", pair) == 2
    assert capsys.readouterr().err.strip().splitlines() == [expected]
    assert not (tmp_path / "table.md").exists()


def test_a_pair_of_assumptions_setting_the_same_key_is_refused(script, tmp_path, capsys):
    # a --vary assumption is named by its key; a corner cannot set one key to two values
    code = run(
        script,
        tmp_path,
        "--vary",
        "demand.patience.rural.mean=x1,x2",
        "--pair",
        "patience,demand.patience.rural.mean",
    )
    assert code == 2
    assert capsys.readouterr().err.strip().splitlines() == [
        "--pair patience,demand.patience.rural.mean: both set demand.patience.rural.mean; expected "
        "assumptions of different keys"
    ]


def test_a_mistyped_only_name_gets_a_did_you_mean(script, tmp_path, capsys):
    assert run(script, tmp_path, "--only", "patiance") == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(
        "--only patiance: unknown patiance (did you mean 'patience'?); "
    )


def test_simultaneous_intervals_hold_together_over_every_variant_and_kpi(script, tmp_path):
    # one assumption, two sides: 2 variants x the 4 KPIs of the table = 8 intervals that hold
    # together at 95% (Bonferroni: each at 1 - 0.05 / 8), not 2
    assert run(script, tmp_path, "--only", "order_rate", "--simultaneous") == 0
    numbers = json.loads((tmp_path / "study.json").read_text())
    assert numbers["difference_level"] == pytest.approx(1 - 0.05 / (2 * len(HEADLINE)))


def test_simultaneous_intervals_count_a_rank_by_kpis_column(script, tmp_path):
    # ranked by a KPI outside the headline, the table shows 5 KPIs: 2 variants x 5 intervals
    # hold together at 95%
    assert (
        run(script, tmp_path, "--only", "order_rate", "--simultaneous", "--rank-by", "response_p90_urban")
        == 0
    )
    numbers = json.loads((tmp_path / "study.json").read_text())
    assert numbers["difference_level"] == pytest.approx(1 - 0.05 / (2 * (len(HEADLINE) + 1)))
    table = (tmp_path / "table.md").read_text(encoding="utf-8")
    head = next(line for line in table.splitlines() if line.startswith("| assumption | largest"))
    assert head.endswith(" | response_p90_urban, minutes |")
    top = numbers["largest"]["order_rate"]
    assert (
        top["kpi"] == "response_p90_urban"
        and f"{abs(top['difference']):.1f} minutes (response_p90_urban)" in table
    )
