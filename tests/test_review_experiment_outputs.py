"""The experiments' outputs give every KPI its own name and the verdict every other output gives
it (a reporting review): the forest plot names each town KPI by what it counts, compare.csv
carries each scenario's verdict against its target, sensitivity.md keeps a significant
difference's sign and gives the default's verdicts, and a sweep's charts draw each point's own
target for every KPI that has one."""

from __future__ import annotations

import csv
import io
import math

import pytest

from sim.experiments.compare import compare_arms
from sim.experiments.compare_inputs import Arm
from sim.experiments.compare_output import csv_text
from sim.experiments.sensitivity_report import markdown
from sim.reporting.i18n import kpi_label
from sim.results.kpi_catalogue import town_kpi_info

TOWN_KPIS = [
    "town.Aojiang.compliance",
    "town.Aojiang.urban_10min",
    "town.Aojiang.rural_same_day",
    "town.Aojiang.urban_10min_arrival",
    "town.Aojiang.urban_10min_night",
]


def _drawn(monkeypatch, experiment_charts) -> list:
    """Every figure the charts save, kept open to be read."""
    figures = []
    real_save = experiment_charts.save
    monkeypatch.setattr(experiment_charts, "save", lambda fig, stem, lang: figures.append(fig) or [])
    return figures, real_save


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_forest_plot_names_each_town_kpi_by_what_it_counts(tmp_path, monkeypatch, lang):
    pytest.importorskip("matplotlib")
    import matplotlib.pyplot as plt

    from sim.reporting import experiment_charts

    figures, _ = _drawn(monkeypatch, experiment_charts)
    diffs = {n: {"mean": 0.01, "low": -0.01, "high": 0.03} for n in TOWN_KPIS}
    experiment_charts.forest_plot(diffs, {}, tmp_path / "f", "synthetic", lang=lang)
    shown = [t.get_text() for t in figures[0].axes[0].get_yticklabels()]
    plt.close("all")
    english = [town_kpi_info(n)[0] for n in TOWN_KPIS]
    assert shown == [kpi_label(n, e, lang) for n, e in zip(TOWN_KPIS, english)]
    assert len(set(shown)) == len(TOWN_KPIS)  # was five times "Aojiang: orders meeting their promise"
    if lang == "en":
        assert "Urban orders responded within the promise in Aojiang, night 22:00-07:00" in shown


def _arm(name: str, urban: list[float], overnight: list[float]) -> Arm:
    reps = [
        {"urban_10min": u, "open_overnight_per_1000": o, "response_p90_urban": 5.0 + i}
        for i, (u, o) in enumerate(zip(urban, overnight))
    ]
    return Arm(
        name,
        f"{name}.yaml",
        1,
        2.0,
        reps,
        orders={"urban_10min": 3000, "open_overnight_per_1000": 3000},
        targets={"urban_10min": (">=", 0.9), "open_overnight_per_1000": ("<=", 0.0)},
    )


def test_compare_csv_gives_each_scenario_its_verdict_against_the_target():
    result = compare_arms(
        [
            _arm("base", [0.95, 0.96, 0.97], [0.0, 0.0, 0.0]),
            _arm("slow", [0.80, 0.82, 0.81], [2.0, 3.0, 1.0]),
        ]
    )
    rows = list(csv.DictReader(io.StringIO(csv_text(result))))
    checked = 0
    for row in rows:
        k = result["kpis"][row["kpi"]]
        arm = result["scenarios"].index(row["scenario"])
        e = k["estimates"][arm]
        if "target" in e:  # the verdict compare.json (and so the terminal and run) gives
            assert row["target_verdict"] == e["verdict"], row
            assert (row["target_op"], float(row["target"])) == (e["target_op"], e["target"])
            assert row["at_edge"] == ("1" if e["at_edge"] else "0")
            checked += 1
        else:
            assert row["target_op"] == row["target"] == row["target_verdict"] == row["at_edge"] == ""
        # the difference's verdict keeps its meaning, under a name of its own
        assert row["diff_verdict"] == ("" if arm == 0 else k["differences"][arm - 1]["verdict"])
    assert checked == 4
    by = {(r["kpi"], r["scenario"]): r for r in rows}
    assert by["urban_10min", "base"]["target_verdict"] == "met"
    assert by["urban_10min", "slow"]["target_verdict"] == "missed"
    assert by["urban_10min", "slow"]["diff_verdict"] == "worse"
    # every replication at 0 against "<= 0": an edge met, flagged as kpis.csv flags it
    edge = by["open_overnight_per_1000", "base"]
    assert (edge["target_op"], edge["target"], edge["target_verdict"], edge["at_edge"]) == (
        "<=",
        "0",
        "met",
        "1",
    )


def _study(default: dict, effects: dict) -> dict:
    return {
        "scenario": "pingyang.yaml",
        "seed": 1,
        "reps": 3,
        "days": 1,
        "difference_level": 0.95,
        "default": default,
        "ranked_by": "any",
        "largest": {},
        "rows": [
            {
                "assumption": "rural_timeout",
                "what": "rural village timeout",
                "side": "high",
                "value": "120 (x2)",
                "effects": effects,
                "other_orders": [],
            }
        ],
        "ranges": [],
    }


NO_EFFECT = {"mean": 0.0, "low": -0.01, "high": 0.01, "verdict": "same"}
HEADLINE = ("urban_10min_acceptance", "urban_10min_arrival", "rural_same_day", "open_overnight_per_1000")


def test_sensitivity_keeps_the_sign_of_an_interval_end_that_rounds_to_zero():
    effects = dict.fromkeys(HEADLINE, NO_EFFECT)
    # rural same day 2.3 pp lower, its interval ending 0.0155 pp below 0: significantly worse
    effects["rural_same_day"] = {"mean": -0.023, "low": -0.047, "high": -0.000155, "verdict": "worse"}
    effects["open_overnight_per_1000"] = {"mean": 3.0, "low": 0.004, "high": 6.0, "verdict": "worse"}
    default = {k: {"mean": 0.9, "low": 0.85, "high": 0.95} for k in HEADLINE}
    text = markdown(_study(default, effects))
    row = next(line for line in text.splitlines() if line.startswith("| rural village timeout"))
    assert "| -2.3 [-4.7, -0.015] |" in row  # was "-2.3 [-4.7, 0.0]": not significant to the eye
    assert "| +3.0 [+0.004, +6.0] |" in row  # was "+3.0 [0.0, +6.0]"
    assert "| 0.0 [-1.0, +1.0] |" in row  # an interval that straddles 0 reads as before


def test_sensitivity_gives_the_defaults_estimates_the_verdict_run_gives():
    # the default's estimates as the comparison judges them (sim.results.verdict.judge)
    urban = [0.60, 0.70, 0.66]
    base = Arm(
        "default",
        "pingyang.yaml",
        1,
        1.0,
        [
            {"urban_10min_arrival": u, "rural_same_day": r, "open_overnight_per_1000": 0.0, "x": 0.0}
            for u, r in zip(urban, (0.90, 0.97, 0.99))
        ],
        orders={"urban_10min_arrival": 300, "rural_same_day": 300, "open_overnight_per_1000": 600},
        targets={
            "urban_10min_arrival": (">=", 0.9),
            "rural_same_day": (">=", 0.9),
            "open_overnight_per_1000": ("<=", 0.0),
        },
    )
    result = compare_arms([base, base])
    default = {k: result["kpis"][k]["estimates"][0] for k in HEADLINE if k in result["kpis"]}
    default["urban_10min_acceptance"] = {"mean": 0.93, "low": 0.84, "high": 0.97}  # no target
    verdicts = {k: e.get("verdict") for k, e in default.items()}
    assert verdicts["urban_10min_arrival"] == "missed" and verdicts["rural_same_day"] == "uncertain"
    first = markdown(_study(default, dict.fromkeys(HEADLINE, NO_EFFECT))).splitlines()[0]
    assert "urban_10min_acceptance 93.0% [84.0%, 97.0%];" in first
    assert "urban_10min_arrival 65.3% " in first and ">= 90.0%: missed;" in first
    assert ">= 90.0%: uncertain;" in first  # rural_same_day
    # every replication at 0 against "<= 0": an edge met, noted as run notes it
    assert "open_overnight_per_1000 0.0 [0.0, " in first
    assert "<= 0.0 per 1,000 orders: met (0.0 per 1,000 orders in all 3 replications)." in first


def test_sweep_charts_draw_each_points_own_target_for_every_kpi_with_one(tmp_path, monkeypatch):
    pytest.importorskip("matplotlib")
    from sim.experiments.sweep import point_scenario, points, read_sweep, run_sweep, write_charts
    from sim.reporting import experiment_charts
    from tests.conftest import TINY

    path = tmp_path / "sweep.yaml"
    path.write_text(
        f"scenario: {TINY}\nname: t\nreps: 2\ndays: 1\n"
        "kpis: [rural_same_day, open_overnight_per_1000, escalation_rate]\n"
        "grid:\n  targets.rural_share: [0.5, 0.99]\n",
        encoding="utf-8",
    )
    sweep = read_sweep(path)
    rows = run_sweep(sweep, tmp_path / "out", progress=False)
    assert [r["rural_same_day.target"] for r in rows] == [">= 0.5", ">= 0.99"]
    drawn = []
    monkeypatch.setattr(experiment_charts, "sweep_chart", lambda *a, **k: drawn.append(k["targets"]) or [])
    write_charts(sweep, rows, point_scenario(sweep, points(sweep)[0]), tmp_path / "out")
    # each point's target as its row judges it; never overnight's "<= 0" too; none for a KPI
    # without a target (was the base scenario's urban and rural targets for every point)
    assert drawn == [{"rural_same_day": [0.5, 0.99], "open_overnight_per_1000": [0.0, 0.0]}]


def test_a_sweep_chart_keeps_every_target_inside_its_panel(tmp_path, monkeypatch):
    pytest.importorskip("matplotlib")
    import matplotlib.pyplot as plt

    from sim.reporting import experiment_charts

    figures, _ = _drawn(monkeypatch, experiment_charts)
    series = {
        "open_overnight_per_1000": {"mean": [30.0, 35.0], "low": [20.0, 25.0], "high": [40.0, 45.0]},
        "rural_same_day": {"mean": [0.96, 0.95], "low": [0.95, 0.94], "high": [0.97, 0.96]},
    }
    targets = {"open_overnight_per_1000": 0.0, "rural_same_day": [0.5, 0.99]}
    experiment_charts.sweep_chart([1, 2], series, {}, "x", tmp_path / "s", "synthetic", targets=targets)
    overnight, rural = figures[0].axes[:2]
    low, high = overnight.get_ylim()
    assert low < 0.0 < high  # the "<= 0" line is inside the panel, not at or past its edge
    low, high = rural.get_ylim()
    assert low < 50.0 and 99.0 < high  # both points' own targets, in percent
    # each point's own target drawn at its x: the dotted line through (1, 50%) and (2, 99%)
    dotted = [line for line in rural.get_lines() if line.get_linestyle() == ":"]
    assert [list(line.get_ydata()) for line in dotted] == [[50.0, 99.0]]
    plt.close("all")
    assert not any(math.isnan(v) for v in (low, high))
