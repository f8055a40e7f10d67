"""The briefing says what the terminal says, in the words the terminal uses: an edge met keeps its
note in both briefings' tables and bottom lines; a share target is written one way everywhere,
with every digit it has; a scenario counting arrivals names the urban misses reached late one
way in every line and in the miss-causes chart; a "$" in a user's text is drawn as a dollar
sign; a town without orders is named, not dropped; the miss-causes chart writes counts a
replication as the briefing does. One small run of the default scenario (2 replications of 2
days) for the pages and charts, small hand-made kpis.json rows for the rest."""

from __future__ import annotations

import copy
import html
import math

import matplotlib.pyplot as plt
import matplotlib.text
import pytest

from sim.reporting import briefing, briefing_charts, briefing_page, briefing_text, kpi_summary, map_chart
from sim.reporting.briefing_promises import promise_lines
from sim.reporting.briefing_towns import town_verdict_line
from sim.reporting.chart_style import style
from sim.reporting.i18n import tr
from sim.reporting.miss_levers import cause_lines
from sim.results.causes import CAUSES
from sim.results.decide import reps_to_decide
from sim.results.verdict import judge
from tests.conftest import small_default_run
from tests.test_briefing_promises import DATA, kpi, row
from tests.test_briefing_promises import summary as promises_summary

LANGS = ("en", "zh")


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    """A small run of the default scenario (2 replications of 2 days) written to a folder."""
    return small_default_run(tmp_path_factory.mktemp("results"))


def loaded(results) -> tuple[dict, dict]:
    summary, data = briefing.load_results(results)
    return copy.deepcopy(summary), copy.deepcopy(data)


def rejudge(summary: dict, name: str, values: list[float], orders: int | None = None) -> dict:
    """Replace a KPI's replications in a kpis.json summary, its row recomputed as
    :func:`sim.reporting.kpi_summary.build_summary` computes it."""
    k = summary["kpis"][name]
    j = judge(values, k["unit"], k.get("target_op"), k.get("target"), orders)
    k.update(mean=j.mean, low=j.low, high=j.high, n=j.n, half_width=j.half_width)
    if orders is not None:
        k["orders"] = orders
    if "target_op" in k:
        k.update(verdict=j.verdict, at_edge=j.at_edge)
    k.pop("reps_to_decide", None)
    if j.verdict == "uncertain":
        k["reps_to_decide"] = reps_to_decide(values, k["unit"], k["target_op"], k["target"], orders)
    return k


def pages(summary: dict, data: dict, folder, lang: str) -> tuple[str, str]:
    """Both briefings (Markdown, HTML) of a summary, with stand-in images."""
    images = {}
    for name in briefing.CHART_NAMES:
        images[name] = folder / "charts" / f"{name}.png"
        images[name].parent.mkdir(exist_ok=True)
        images[name].write_bytes(b"\x89PNG\r\n\x1a\n")
    return (
        briefing_page.build_markdown(summary, data, images, folder, lang),
        briefing_page.build_html(summary, data, images, folder, lang),
    )


@pytest.mark.parametrize("lang", LANGS)
def test_an_edge_met_has_its_note_in_both_briefings_as_in_the_terminal(results, tmp_path, lang):
    # never overnight with no order left overnight in any replication: met at the edge (<= 0),
    # which the terminal writes "met (0.0 per 1,000 orders in all 2 replications)"
    summary, data = loaded(results)
    summary["kpis"]["open_overnight_per_1000"]["target"] = 0.0
    k = rejudge(summary, "open_overnight_per_1000", [0.0, 0.0], 1500)
    assert k["verdict"] == "met" and k["at_edge"]
    note = kpi_summary.edge_note(k, lang)
    word = kpi_summary.with_edge(k, tr("verdict.met", lang), lang)
    if lang == "en":
        assert f"<= 0.0 per 1,000 orders  {word}" in kpi_summary.kpi_table(summary)
    markdown, page = pages(summary, data, tmp_path, lang)
    (table_row,) = [line for line in markdown.splitlines() if "≤ 0 " in line and line.startswith("|")]
    assert table_row.endswith(f"| **{briefing_page.md(word)}** |")
    assert f">{html.escape(word)}</td></tr>" in page
    # and the bottom line, which counts it among the met promises, says so
    bottom = promise_lines(summary, data, lang)[0]
    assert note in bottom
    assert f"**{briefing_page.md(bottom)}**" in markdown
    assert f'<p class="bottom">{html.escape(bottom)}</p>' in page


def test_the_bottom_line_names_each_edge_met_with_its_note():
    s = promises_summary()
    s["kpis"]["open_overnight_per_1000"].update(verdict="met", at_edge=True, n=4, target=0.0)
    bottom = promise_lines(s, DATA, "en")[0]
    assert bottom == (
        "Bottom line: of 5 headline promises, 3 met (never overnight: 0.0 per 1,000 orders in all 4 "
        "replications) and 2 missed (urban 10 minutes at arrival, rural by midnight)."
    )
    zh = promise_lines(s, DATA, "zh")[0]
    assert "3 项达标（原则上不过夜：4 次重复均恰为目标值），2 项未达标" in zh
    s["kpis"]["open_overnight_per_1000"]["at_edge"] = False  # an ordinary met: the count alone
    assert promise_lines(s, DATA, "en")[0].startswith("Bottom line: of 5 headline promises, 3 met and 2")


@pytest.mark.parametrize("target", [0.9475, 0.9005, 0.9, 0.955])
def test_a_share_target_is_written_one_way_with_every_digit_it_has(target):
    # the terminal's table and town lines, the briefing's table and its town lines: one text
    k = kpi(0.9007, 0.9004, 0.9010, "uncertain", target) | {"n": 4}
    expected = {0.9475: "94.75%", 0.9005: "90.05%", 0.9: "90.0%", 0.955: "95.5%"}[target]
    assert kpi_summary.target_text(k) == f">= {expected}"
    assert f">= {expected}  uncertain" in kpi_summary.kpi_table({"kpis": {"x": k}})
    assert briefing_text.target_text({"target": ("share", ">=", target)}, {}, "en") == f"≥ {expected}"
    s = {"kpis": {"town.Huaixi.compliance": k}}
    data = {"towns": {"pinyin": ["Huaixi"], "name": ["怀溪镇"], "target": [target]}}
    for lang in LANGS:
        (line,) = briefing_text.worst_town_lines(s, data, lang)
        assert (f"target {expected})" if lang == "en" else f"目标 {expected}）") in line


def test_a_target_is_never_rounded_across_its_estimate():
    # 90.05% shown as 90.0% beside an interval of 90.0%-90.1% read as met; it is uncertain
    values = [0.9006, 0.9007, 0.9006, 0.9008]
    j = judge(values, "share", ">=", 0.9005, 4_000_000)
    k = {"label": "x", "unit": "share", "mean": j.mean, "low": j.low, "high": j.high, "n": j.n}
    k |= {"sd": 0, "target": 0.9005, "target_op": ">=", "verdict": j.verdict, "at_edge": j.at_edge}
    assert j.verdict == "uncertain"
    table = kpi_summary.kpi_table({"kpis": {"x": k}})
    assert " ".join(table.splitlines()[-1].split()) == "x [x] 90.1% [90.0%, 90.1%] >= 90.05% uncertain"
    # a target of another unit keeps its digits too (27.55, not 27.6)
    other = kpi(30.0, 20.0, 40.0, "uncertain", 27.55, "<=", "per 1,000 orders")
    assert kpi_summary.target_text(other) == "<= 27.55 per 1,000 orders"


ARRIVAL = {
    **DATA,
    "targets": {**DATA["targets"], "urban_response_event": "arrival"},
    # Huaixi has an urban place and a rural one; the others are rural
    "places": {"zone": [0, 1, 1, 1, 1], "town": [0, 0, 1, 2, 3]},
}


def arrival_summary() -> dict:
    """Urban promise counting arrivals: its misses reached late are the groups' and Huaixi's
    largest cause."""
    s = promises_summary()
    s["kpis"]["urban_10min"] = kpi(0.68, 0.66, 0.70, "missed", 0.9)
    s["kpis"]["urban_10min_acceptance"] = s["kpis"].pop("urban_10min_arrival")
    s["kpis"]["urban_10min_acceptance"].update(mean=0.94, low=0.93, high=0.95, verdict="met")
    table = s["miss_causes"]
    promises = table["promises"]
    promises["urban_10min"] = promises.pop("urban_10min_arrival")
    table["groups"]["urban"] = promises["urban_10min"]
    table["groups"]["rural"] = row(452, cancelled=400, travel=17, no_volunteer=35)
    table["towns"]["Huaixi"] = row(40, orders=148, travel=30, cancelled=10)
    return s


@pytest.mark.parametrize("lang", LANGS)
def test_a_scenario_counting_arrivals_names_the_misses_reached_late_one_way(lang, monkeypatch):
    s = arrival_summary()
    turnout, road = tr("cause.travel_arrival", lang), tr("cause.travel", lang)
    promise = promise_lines(s, ARRIVAL, lang)[1]
    assert turnout in promise and road not in promise  # (as before)
    (towns,) = town_verdict_line(s, ARRIVAL, lang)
    assert turnout in towns and road not in towns
    cause, _drivers = cause_lines(s, lang, arrival=True)
    assert turnout in cause and road not in cause
    assert tr("lever.travel_arrival", lang) in cause
    # a rural town keeps the road and the ferry
    s["kpis"]["town.Nanji.compliance"]["verdict"] = "missed"
    s["miss_causes"]["towns"]["Nanji"] = row(10, orders=50, travel=8, cancelled=2)
    (towns,) = town_verdict_line(s, ARRIVAL, lang)
    assert road in towns and turnout in towns
    # the chart: the urban bar's late arrivals in the legend as the lines name them, the
    # rural bar's as the road or ferry
    figures = keep_figures(monkeypatch)
    briefing_charts.miss_cause_chart(s["miss_causes"], "unused", "footnote", lang, arrival=True)
    (fig,) = figures
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert turnout in legend and road in legend
    figures.clear()
    briefing_charts.miss_cause_chart(s["miss_causes"], "unused", "footnote", lang)
    legend = [t.get_text() for t in figures[0].axes[0].get_legend().get_texts()]
    assert turnout not in legend and road in legend


def keep_figures(monkeypatch) -> list:
    """Keep every figure the briefing's charts would save, drawn, instead of saving it."""
    figures = []

    def keep(fig, stem, lang="en"):
        with plt.rc_context(style(lang)):
            fig.canvas.draw()
        figures.append(fig)
        return []

    monkeypatch.setattr(briefing_charts, "save", keep)
    monkeypatch.setattr(map_chart, "save", keep)
    return figures


def texts(fig) -> list[matplotlib.text.Text]:
    return [t for t in fig.findobj(matplotlib.text.Text) if t.get_text()]


@pytest.mark.parametrize("lang", LANGS)
def test_a_dollar_in_a_users_text_is_drawn_as_a_dollar(results, tmp_path, monkeypatch, lang):
    # a scenario titled "平阳 $5 与 $10" and a town named with dollars: every chart draws them
    # as they are written, never as matplotlib's mathtext (which drew "平阳 5¤10")
    summary, data = loaded(results)
    summary["title_zh"], summary["scenario"] = "平阳 $5 与 $10", "pingyang $5 and $10"
    data["towns"]["name"][0] = data["towns"]["pinyin"][0] = "A$x$B"
    figures = keep_figures(monkeypatch)
    briefing.draw_charts(summary, data, tmp_path, lang)
    assert len(figures) == len(briefing.CHART_NAMES)
    dollars = [t for fig in figures for t in texts(fig) if "$" in t.get_text()]
    footnote = "平阳 $5 与 $10" if lang == "zh" else "pingyang $5 and $10"
    assert sum(footnote in t.get_text() for t in dollars) == len(figures)  # every footnote
    assert any("A$x$B" in t.get_text() for t in dollars)  # the town's name, on a chart
    assert all(not t.get_parse_math() for t in dollars)


NO_ORDERS = {**DATA, "places": {"zone": [1, 1, 1, 1], "town": [0, 1, 2, 3]}}


@pytest.mark.parametrize("lang", LANGS)
def test_a_town_without_orders_is_named_not_dropped(lang, monkeypatch):
    s = promises_summary()
    s["kpis"]["town.Shuitou.compliance"].update(mean=math.nan, low=math.nan, high=math.nan)
    del s["kpis"]["town.Shuitou.compliance"]["verdict"]
    (towns,) = town_verdict_line(s, NO_ORDERS, lang)
    assert towns.startswith("Towns: of the 4 towns, " if lang == "en" else "乡镇：4 个乡镇中，")
    shuitou = briefing_text.town_label(NO_ORDERS, 3, lang)
    none = tr("brief.part.no_orders", lang, count=1, unit=tr("brief.unit.town", lang))
    assert tr("brief.part.named", lang, part=none, names=shuitou) in towns
    if lang == "en":
        assert towns.startswith("Towns: of the 4 towns, 1 missed (")
        assert "and 1 without orders (Shuitou)." in towns
    # a town missing from kpis.json altogether (no orders in any replication) too
    del s["kpis"]["town.Shuitou.compliance"]
    assert tr("brief.part.named", lang, part=none, names=shuitou) in town_verdict_line(s, NO_ORDERS, lang)[0]
    # the towns' chart lists it, without a bar
    figures = keep_figures(monkeypatch)
    rows = briefing_text.town_rows(s, NO_ORDERS, lang)
    empty = briefing_text.no_order_towns(s, NO_ORDERS, lang)
    briefing_charts.town_compliance_chart(rows, "unused", "footnote", lang, empty)
    ticks = [t.get_text() for t in figures[0].axes[0].get_yticklabels()]
    assert ticks[-1] == shuitou and len(ticks) == 4
    assert tr("towns.no_orders", lang) in [t.get_text() for t in texts(figures[0])]


def test_the_miss_causes_chart_writes_counts_a_replication_as_the_briefing_does(monkeypatch):
    # 19 urban misses over 3 replications: 6.3 a replication (15 + 4: 5.0 and 1.3), not "6"
    # beside segments of 5 and 1 (the briefing writes 6.3)
    table = {
        "replications": 3,
        "causes": list(CAUSES),
        "groups": {"urban": row(19, acceptance=15, cancelled=4), "rural": row(30, cancelled=30)},
    }
    figures = keep_figures(monkeypatch)
    briefing_charts.miss_cause_chart(table, "unused", "footnote", "en")
    ax = figures[0].axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Urban (6.3)", "Rural (10)"]
    numbers = {t.get_text() for t in ax.texts}
    assert {"5.0", "1.3", "10"} <= numbers


def test_the_gate_and_optimize_write_a_share_target_with_every_digit():
    # the terminal and the briefings write 94.75%; the gate's threshold column and promise
    # line, and optimize's target column, rounded it to 94.8%
    from sim.experiments.optimize_output import kpi_rows
    from sim.gate.check import fmt_target

    assert fmt_target(0.9475, "share") == "94.75%" and fmt_target(0.9, "share") == "90.0%"
    assert fmt_target(27.5, "per 1,000 orders") == "27.50 per 1,000 orders"  # as before
    estimate = {"mean": 0.95, "low": 0.94, "high": 0.96, "n": 4, "verdict": "met"}
    table = kpi_rows([("plan", {"rural_same_day": estimate})], {"rural_same_day": (">=", 0.9475)})
    assert ">= 94.75%" in table and "94.8%" not in table


def test_an_interval_end_that_rounds_to_zero_is_written_without_an_exponent():
    # sensitivity.md read "0.0 [-0.1, +9.7e-05]" for a rural share's end just above 0
    from sim.reporting.formatting import end_text

    assert end_text(9.7e-07, "share") == "+0.000097 pp"
    assert end_text(-3.9e-04, "share") == "-0.039 pp"
    assert end_text(9.7e-05, "minutes") == "+0.000097"
