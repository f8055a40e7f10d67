"""Defects found in a review of the reporting layer, each pinned by a test: the town chart puts
the worst town at the top and names every colour it draws; a KPI without an interval (one
replication) or without data (no urban orders) is said so in words of the chart's language,
never ``n/a``; targets are printed as they are (95.5% is not 96%); and the urban response curve
is that of the event the urban promise counts (acceptance or arrival), so that where it crosses
the promise line is the KPI.
"""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path

import matplotlib.pyplot as plt
import matplotlib.text
import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg

from sim.config.load import load_scenario
from sim.experiments.runner import run_replications
from sim.reporting import briefing_charts, briefing_promises, briefing_text, chart_style, miss_levers
from sim.reporting.chart_data import RESPONSE_GRID_MIN, chart_data
from sim.reporting.i18n import tr
from sim.world.build import build_world

TINY = Path(__file__).parent / "data" / "tiny.yaml"
NAN = math.nan


@pytest.fixture
def figures(monkeypatch):
    """The figures the chart functions draw, kept for inspection (they are saved as usual)."""
    drawn = []
    original = briefing_charts.save

    def keep(fig, stem, lang="en"):
        drawn.append(fig)
        return original(fig, stem, lang)

    monkeypatch.setattr(briefing_charts, "save", keep)
    return drawn


def texts(fig) -> list[str]:
    """Every text a figure shows (titles, labels, boxes, legends, ticks)."""
    return [t.get_text() for t in fig.findobj(matplotlib.text.Text) if t.get_text()]


def legend_texts(fig) -> list[str]:
    return [t.get_text() for ax in fig.axes if ax.get_legend() for t in ax.get_legend().get_texts()]


def town(label, mean, verdict, low=None, high=None, target=0.95):
    return {
        "label": label,
        "mean": mean,
        "low": mean - 0.02 if low is None else low,
        "high": min(1.0, mean + 0.02) if high is None else high,
        "target": target,
        "verdict": verdict,
    }


def test_town_chart_puts_the_worst_town_at_the_top(tmp_path, figures):
    towns = [town("Good", 0.99, "met"), town("Bad", 0.50, "missed"), town("Middle", 0.90, "missed")]
    briefing_charts.town_compliance_chart(towns, tmp_path / "towns", "synthetic")
    ax = figures[-1].axes[0]
    heights = {
        label.get_text(): ax.transData.transform((0, y))[1]
        for y, label in zip(ax.get_yticks(), ax.get_yticklabels())
    }
    top_down = sorted(heights, key=heights.get, reverse=True)  # display y grows upwards
    assert top_down == ["Bad", "Middle", "Good"]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_town_chart_legend_names_the_grey_of_too_few_replications(tmp_path, figures, lang):
    if lang == "zh" and chart_style.cjk_font() is None:
        pytest.skip("no CJK font installed (pip install -e '.[zh]')")
    towns = [town("Alpha", 0.93, "few", NAN, NAN), town("Beta", 1.0, "few", NAN, NAN)]
    briefing_charts.town_compliance_chart(towns, tmp_path / "towns", "synthetic", lang)
    assert tr("towns.few", lang) in legend_texts(figures[-1])


def _response_chart(tmp_path, compliance, targets=None, lang="en", event="acceptance"):
    grid = [0.0, 5.0, 10.0, 60.0, 600.0, 2880.0]
    curves = {"urban": [[0, 0.5, 0.9, 1, 1, 1]], "rural": [[0, 0.2, 0.4, 0.8, 0.95, 1]]}
    briefing_charts.response_time_chart(
        grid,
        curves,
        10.0,
        targets or {"urban": 0.9, "rural": 0.95},
        compliance,
        [500.0, 860.0, 1780.0],
        tmp_path / "resp",
        "synthetic",
        lang,
        **({} if event == "acceptance" else {"event": event}),
    )


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_response_chart_with_one_replication_says_so_instead_of_an_empty_interval(tmp_path, figures, lang):
    if lang == "zh" and chart_style.cjk_font() is None:
        pytest.skip("no CJK font installed (pip install -e '.[zh]')")
    one = {z: {"mean": v, "low": None, "high": None} for z, v in (("urban", 0.857), ("rural", 0.964))}
    _response_chart(tmp_path, one, lang=lang)
    shown = " ".join(texts(figures[-1]))
    assert "n/a" not in shown
    assert tr("resp.one_rep", lang) in shown
    assert tr("resp.band", lang, reps=1) not in legend_texts(figures[-1])  # no band is drawn


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_kpi_without_data_is_said_in_the_language_of_the_page(tmp_path, figures, lang):
    if lang == "zh" and chart_style.cjk_font() is None:
        pytest.skip("no CJK font installed (pip install -e '.[zh]')")
    none = {"mean": None, "low": None, "high": None}
    _response_chart(tmp_path, {"urban": none, "rural": {"mean": 0.98, "low": 0.95, "high": 0.99}}, lang=lang)
    shown = " ".join(texts(figures[-1]))
    assert "n/a" not in shown and tr("verdict.n/a", lang) in shown
    row = {"unit": "share", "mean": NAN, "low": NAN, "high": NAN}
    assert briefing_text.estimate_text(row, lang) == tr("verdict.n/a", lang)
    minutes = {"unit": "minutes", "mean": NAN, "low": NAN, "high": NAN}
    assert briefing_text.estimate_text(minutes, lang) == tr("verdict.n/a", lang)


def test_cause_lines_in_chinese_say_no_data_in_chinese():
    summary = {
        "reps": 2,
        "kpis": {"utilisation": {"mean": 0.1}},  # no urban orders: no urban shares
        "miss_causes": {
            "replications": 2,
            "causes": ["all_busy", "cancelled"],
            "groups": {"rural": {"missed": 4, "all_busy": 3, "cancelled": 1}},
        },
    }
    lines = miss_levers.cause_lines(summary, "zh")
    assert lines and not any("n/a" in line for line in lines)


def _overnight(verdict: str, before: float, after: float) -> dict:
    """A kpis.json with the never-overnight KPI and its parts before and after the cut-off."""
    return {
        "reps": 2,
        "kpis": {
            "open_overnight_per_1000": {"mean": 30.0, "verdict": verdict},
            "open_overnight_before_cutoff_per_1000": {"mean": before},
            "open_overnight_after_cutoff_per_1000": {"mean": after},
        },
    }


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_briefing_says_when_orders_open_overnight_are_the_late_ones(lang):
    data = {"targets": {"same_day_cutoff": "18:30"}}
    lines = briefing_promises.overnight_lines(_overnight("missed", 2.0, 148.2), data, lang)
    assert len(lines) == 1 and "18:30" in lines[0] and "148.2" in lines[0] and "2.0" in lines[0]
    # no line when the promise is kept, or when the early orders stay open as often
    assert briefing_promises.overnight_lines(_overnight("met", 2.0, 148.2), data, lang) == []
    assert briefing_promises.overnight_lines(_overnight("missed", 50.0, 40.0), data, lang) == []
    assert briefing_promises.overnight_lines({"reps": 2, "kpis": {}}, data, lang) == []


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_targets_are_printed_as_they_are_not_rounded_to_whole_percent(tmp_path, figures, lang):
    if lang == "zh" and chart_style.cjk_font() is None:
        pytest.skip("no CJK font installed (pip install -e '.[zh]')")
    row = {"target": ("share", ">=", 0.955)}
    assert briefing_text.target_text(row, {}, lang) == "≥ 95.5%"
    # (with the one decimal of an estimate, as the terminal writes it: formatting.share_target)
    assert briefing_text.target_text({"target": ("share", ">=", 0.9)}, {}, lang) == "≥ 90.0%"
    assert briefing_text.target_text({"target": ("share", ">", 0.9)}, {}, lang) == "> 90.0%"
    compliance = {z: {"mean": 0.96, "low": 0.95, "high": 0.97} for z in ("urban", "rural")}
    _response_chart(tmp_path, compliance, targets={"urban": 0.925, "rural": 0.955}, lang=lang)
    shown = " ".join(texts(figures[-1]))
    assert "92.5%" in shown and "95.5%" in shown
    assert "93%" not in shown and "96%" not in shown.replace("96.0%", "")


@pytest.fixture(scope="module")
def arrival_run():
    """tiny.yaml with the urban promise counted at the volunteer's arrival, 7 minutes after
    accepting (set-off time) at the least: 3 replications."""
    scenario = load_scenario(TINY)
    targets = dataclasses.replace(scenario.targets, urban_response_event="arrival")
    geography = scenario.geography
    travel = dataclasses.replace(geography.travel, setup_min=7)
    geography = dataclasses.replace(geography, travel=travel)
    scenario = dataclasses.replace(scenario, targets=targets, geography=geography)
    world = build_world(scenario)
    reps = run_replications(scenario, 3, 7, jobs=1, world=world, progress=False)
    return scenario, world, reps


def test_urban_response_curve_crosses_the_promise_at_the_kpi(arrival_run):
    scenario, world, reps = arrival_run
    data = chart_data(scenario, world, reps)
    at_promise = int(np.searchsorted(RESPONSE_GRID_MIN, scenario.targets.urban_response_min))
    assert RESPONSE_GRID_MIN[at_promise] == scenario.targets.urban_response_min
    for curve, rep in zip(data["response"]["curves"]["urban"], reps):
        assert curve[at_promise] == pytest.approx(rep.kpis["urban_10min"], abs=1e-5)
    # (arrival is later than acceptance, so the two promises differ in this run)
    assert sum(r.kpis["urban_10min_acceptance"] - r.kpis["urban_10min"] for r in reps) > 0


def test_urban_response_chart_names_the_event_of_the_promise(tmp_path, figures):
    compliance = {z: {"mean": 0.96, "low": 0.95, "high": 0.97} for z in ("urban", "rural")}
    _response_chart(tmp_path, compliance, event="arrival")
    shown = texts(figures[-1])
    assert tr("resp.x_min_arrival", "en") in shown
    assert tr("resp.x_min", "en") not in shown


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_week_chart_axis_labels_stand_apart(tmp_path, figures, lang):
    if lang == "zh" and chart_style.cjk_font() is None:
        pytest.skip("no CJK font installed (pip install -e '.[zh]')")
    hours = [1.0] * 168
    on_duty = {"village": [1000.0] * 168, "town": [100.0] * 168}  # four-digit ticks, as Pingyang's
    busy, busy_all = [2.0] * 168, [3.0] * 168
    briefing_charts.demand_capacity_chart(hours, on_duty, busy, busy_all, tmp_path / "week", "x", lang)
    fig = figures[-1]
    canvas = FigureCanvasAgg(fig)  # (saving closed the figure's own)
    with plt.rc_context(chart_style.style(lang)):  # laid out as saved
        canvas.draw()
        boxes = [ax.yaxis.label.get_window_extent(canvas.get_renderer()) for ax in fig.axes]
    gap = 0.03 * fig.dpi  # pixels: labels in one column a readable space apart (0.03 inch)
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            side_by_side = a.x1 <= b.x0 or b.x1 <= a.x0
            assert side_by_side or a.y0 - b.y1 >= gap or b.y0 - a.y1 >= gap, (a, b)


def test_response_chart_without_rural_orders_draws_no_deadline_legend(tmp_path, figures):
    grid = [0.0, 5.0, 10.0, 60.0, 600.0, 2880.0]
    curves = {"urban": [[0, 0.5, 0.9, 1, 1, 1]] * 2, "rural": [[NAN] * 6] * 2}
    none = {"mean": None, "low": None, "high": None}
    urban = {"mean": 0.9, "low": 0.8, "high": 0.95}
    briefing_charts.response_time_chart(
        grid,
        curves,
        10.0,
        {"urban": 0.9, "rural": 0.95},
        {"urban": urban, "rural": none},
        [NAN] * 3,
        tmp_path / "r",
        "x",
    )
    shown = legend_texts(figures[-1])
    assert tr("resp.deadline_span", "en") not in shown


def test_the_scenario_sentence_says_one_urban_community_in_the_singular():
    from sim.reporting.briefing_text import scenario_text

    summary = {"description": "", "scenario": "tiny", "reps": 2, "days": 1.0, "warmup_days": 0.0, "seed": 7}
    summary["kpis"] = {"orders_per_day": {"mean": 3.0}}
    data = {
        "places": {"zone": [0, 1, 1]},
        "towns": {"pinyin": ["Alpha"]},
        "targets": {"urban_response_min": 10},
    }
    text = scenario_text(summary, data, "en")
    assert "Modelled: 3 village units under 1 town; 1 urban community (the urban area as we draw it) " in text
    assert "draw it) promises a response" in text
    assert "the other 2 units same-day handling" in text
    data["places"]["zone"] = [0, 0, 1]
    assert "2 urban communities (the urban area as we draw it) promise " in scenario_text(summary, data, "en")


def test_the_briefing_says_when_the_administrator_reviews_professional_orders():
    from sim.reporting.briefing_text import assumption_lines

    summary = {"days": 14.0, "warmup_days": 1.0, "kpis": {}}
    targets = {"urban_response_min": 10, "same_day_cutoff": "17:00", "day_end": "24:00"}

    def ladder(admin, lang="en"):
        data = {"targets": targets, **({"admin": {"after_hours": admin}} if admin else {})}
        return next(
            line
            for line in assumption_lines(summary, data, lang)
            if "administrator" in line or "管理员" in line
        )

    assert ladder("on_call").endswith("review (on call outside office hours).")
    assert ladder("next_morning").endswith("review in office hours only.")
    assert ladder(None).endswith("county administrator's review.")  # a folder that does not say
    assert "值班管理员" in ladder("on_call", "zh") and "选派" in ladder("on_call", "zh")


def test_chart_data_with_an_unknown_review_setting_is_refused(tmp_path):
    from sim.reporting.shapes import Malformed, _chart_data_consistency

    with pytest.raises(Malformed, match="admin.after_hours"):
        _chart_data_consistency(
            {"targets": {}, "admin": {"after_hours": "never"}, "outcomes": {"categories": []}}
        )


def test_the_pairing_assumption_says_how_often_in_words():
    from sim.reporting.briefing_text import channel_assumption_lines

    summary = {"kpis": {"pairing_on_time": {}}}

    def line(per_year):
        pairing = {"projects": 5122, "orders_per_project_per_year": per_year, "due_days": 3}
        return channel_assumption_lines(summary, {"pairing": pairing}, "en")[0]

    assert "ordered once a year" in line(1) and "time(s)" not in line(1)
    assert "ordered twice a year" in line(2) and "ordered 0.5 times a year" in line(0.5)
