"""A share's difference interval stays within ±100 points; the briefing's drivers line and the
Chinese description in an all-rural county and in Chinese; the sweep chart's axis label and a
sweep point without data."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from sim.config.scenario import Expect
from sim.gate import check
from sim.gate.check import Outcome, judge_baseline
from sim.results.stats import paired_difference, summarise, unpaired_difference

# 2 replications of a sparse share that swing from 10% to 90% and back: the t interval of 1
# degree of freedom spans about ±10 (±1,000 percentage points)
BASE = [0.1, 0.9]
NEW = [0.95, 0.1]


def test_a_share_difference_interval_is_cut_to_plus_minus_100_points():
    d = paired_difference(BASE, NEW, unit="share")
    assert (d["low"], d["high"]) == (-1.0, 1.0)
    raw = paired_difference(BASE, NEW)  # no unit: the t interval as it is
    assert raw["low"] < -1 and raw["high"] > 1
    assert d["mean"] == raw["mean"] and d["half_width"] == raw["half_width"]
    w = unpaired_difference(BASE, NEW, unit="share")
    assert (w["low"], w["high"]) == (-1.0, 1.0)
    per_1000 = paired_difference([100.0, 900.0], [950.0, 100.0], unit="per 1,000 orders")
    assert (per_1000["low"], per_1000["high"]) == (-1000.0, 1000.0)


def test_only_proportions_are_cut():
    minutes = paired_difference([1.0, 9.0], [9.5, 1.0], unit="minutes")
    assert minutes["low"] < -1 and minutes["high"] > 1  # a difference of minutes has no bound
    # values outside [0, 1] are no shares after all (an extension's): nothing is cut
    odd = paired_difference([0.1, 3.0], [2.0, 0.1], unit="share")
    assert odd["low"] < -1 and odd["high"] > 1
    # an end inside the range is left as it is
    narrow = paired_difference([0.50, 0.52, 0.51], [0.55, 0.56, 0.57], unit="share")
    assert narrow == paired_difference([0.50, 0.52, 0.51], [0.55, 0.56, 0.57])


def test_a_share_interval_is_cut_to_0_and_1():
    s = summarise([0.02, 0.98], unit="share")
    assert (s["low"], s["high"]) == (0.0, 1.0)
    assert summarise([0.02, 0.98])["low"] < 0
    assert math.isnan(summarise([0.5], unit="share")["low"])  # one value: still no interval


def _gate(base, new, direction_kpi, clip, monkeypatch):
    """judge_baseline of ``new`` against ``base``, the difference cut as a share's or not."""
    unit = "share" if clip else None
    # (the gate may pass the KPI's unit itself: this cut, or none, replaces it)
    monkeypatch.setattr(check, "paired_difference", lambda a, b, lv, *_: paired_difference(a, b, lv, unit))
    out = Outcome("s", direction_kpi, "share", float(np.nanmean(new)))
    judge_baseline(out, np.asarray(new, dtype=float), np.asarray(base, dtype=float), True, Expect())
    return out


@pytest.mark.parametrize("kpi", ["urban_10min", "escalation_rate"])  # higher and lower is better
def test_the_cut_never_changes_the_gate(kpi, monkeypatch):
    """Only an end beyond ±1 is cut, and it stays on its side of 0, so the gate's baseline
    verdict (the bound nearest "not worse" against the minimum effect) is the same: checked on
    sparse shares drawn at random, wide intervals included."""
    rng = np.random.default_rng(7)
    cut_any = 0
    for _ in range(300):
        k = int(rng.integers(2, 4))
        base = rng.choice([0.0, 0.05, 0.5, 0.95, 1.0], k) if rng.random() < 0.5 else rng.random(k)
        new = np.clip(base + rng.normal(0, rng.choice([0.01, 0.3, 0.8]), k), 0, 1)
        cut, raw = _gate(base, new, kpi, True, monkeypatch), _gate(base, new, kpi, False, monkeypatch)
        assert cut.baseline_failed == raw.baseline_failed
        assert cut.messages == raw.messages
        cut_any += cut.difference != raw.difference
    assert cut_any > 10  # the cut happened, often


# -- the briefing in a county without urban places, and in Chinese ------------------------------


def _summary(**kpis) -> dict:
    """A kpis.json summary of a scenario with these KPI means (the rest as written by run)."""
    return {
        "scenario": "rural",
        "title": "Rural County",
        "title_zh": "农村县",
        "description": "An all-rural county.",
        "seed": 11,
        "reps": 2,
        "days": 3.0,
        "warmup_days": 0.5,
        "kpis": {name: {"mean": mean} for name, mean in kpis.items()},
    }


NO_URBAN = {"urban_10min_acceptance": None, "urban_10min_arrival": math.nan, "utilisation": 0.153}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_drivers_line_of_an_all_rural_county_quotes_no_values_without_data(lang):
    from sim.reporting.briefing_text import drivers_text
    from sim.reporting.i18n import tr

    line = drivers_text(_summary(**NO_URBAN), 0.25, lang)
    assert tr("verdict.n/a", lang) not in line  # "no data" / 无数据
    assert "25.0%" in line and "15.3%" in line
    assert ("no urban orders" if lang == "en" else "没有城区订单") in line
    urban = drivers_text(
        _summary(urban_10min_acceptance=0.97, urban_10min_arrival=0.8, utilisation=0.2), 0.5, lang
    )
    assert "97.0%" in urban and "80.0%" in urban and "50.0%" in urban


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_scenario_paragraph_of_an_all_rural_county_promises_same_day_everywhere(lang):
    from sim.reporting.briefing_text import scenario_text

    data = {
        "places": {"zone": [1, 1, 1]},
        "towns": {"pinyin": ["A", "B"]},
        "targets": {"urban_response_min": 10},
    }
    text = scenario_text(_summary(orders_per_day=24.0), data, lang)
    assert ("0 urban" if lang == "en" else "0 个城区") not in text
    assert ("none of them urban" if lang == "en" else "均不在城区") in text
    urban = scenario_text(_summary(orders_per_day=24.0), {**data, "places": {"zone": [0, 1, 1]}}, lang)
    assert ("1 urban community" if lang == "en" else "1 个城区社区") in urban


def test_the_chinese_briefing_quotes_the_chinese_description():
    from sim.reporting.briefing_text import scenario_text

    data = {"places": {"zone": [0, 1]}, "towns": {"pinyin": ["A"]}, "targets": {"urban_response_min": 10}}
    summary = {**_summary(orders_per_day=5.0), "description_zh": "一个测试县。"}
    zh, en = scenario_text(summary, data, "zh"), scenario_text(summary, data, "en")
    assert zh.startswith("一个测试县。情景") and "An all-rural" not in zh
    assert en.startswith("An all-rural county. Modelled") and "一个测试县" not in en
    # a scenario without one (or a kpis.json written before it): no description in Chinese
    del summary["description_zh"]
    assert scenario_text(summary, data, "zh").startswith("情景")


def test_pingyang_has_a_chinese_description_that_a_variant_does_not_inherit(tmp_path):
    from sim.cli.main import REPO
    from sim.config.load import load_scenario

    pingyang = load_scenario(REPO / "scenarios" / "pingyang.yaml")
    zh = pingyang.description_zh
    for words in (
        "志愿者队伍 1010 支",
        "注册志愿者 23.5 万人",
        "约 2.4 万人活跃，为我们的估计",
        "100 个村级实践站与 500 个结对方结对",
    ):
        assert words in zh
    assert "县城昆阳，为我们的设定" in zh  # (the promises: the briefing's next sentence)
    variant = tmp_path / "variant.yaml"
    variant.write_text(f"extends: {REPO / 'scenarios' / 'pingyang.yaml'}\nname: variant\n", encoding="utf-8")
    assert load_scenario(variant).description_zh == "" == load_scenario(variant).description
    assert load_scenario(REPO / "tests" / "data" / "tiny.yaml").description_zh == ""


# -- the sweep chart -------------------------------------------------------------------------------


def test_the_sweep_axis_names_the_key_in_words_above_its_path():
    from sim.experiments.sweep_charts import AXIS_WIDTH, axis_label

    lines = axis_label("teams.village_scale").split("\n")
    assert lines[-1] == "teams.village_scale"  # the path, on a line of its own
    assert " ".join(lines[:-1]) == "village volunteers on duty (members x on-duty share), ratio"
    assert all(len(line) <= AXIS_WIDTH for line in lines[:-1])
    words, path = axis_label("dispatch.timeouts_min.rural[0]").rsplit("\n", 1)
    assert (words.replace("\n", " "), path) == (
        "rural village timeout (minutes)",
        "dispatch.timeouts_min.rural[0]",
    )
    assert axis_label("proxy.errands_per_day") == "errands per day\nproxy.errands_per_day"  # no table entry
    assert axis_label("demand.acceptance_delay.mean").startswith("acceptance delay, mean minutes\n")


# -- end to end: the gate, the sweep chart and both briefings of an all-rural county --------------


def test_the_gate_reports_a_share_difference_within_plus_minus_100_points():
    out = Outcome("s", "urban_10min", "share", float(np.mean(NEW)))
    judge_baseline(out, np.asarray(NEW), np.asarray(BASE), True, Expect())
    assert (out.difference["low"], out.difference["high"]) == (-1.0, 1.0)
    assert not out.baseline_failed


def test_a_sweep_point_without_data_draws_without_a_layout_warning(tmp_path):
    from sim.reporting import experiment_charts

    no_last = [0.9, 0.92, math.nan]  # the last point (the target's label sits there) has no data
    series = {"urban_10min": {"mean": no_last, "low": no_last, "high": no_last}}
    empty = {"rural_same_day": {s: [math.nan] * 3 for s in ("mean", "low", "high")}}
    for n, kpis in enumerate((series, empty)):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            experiment_charts.sweep_chart(
                [1.0, 2.0, 30.0],
                kpis,
                {},
                "x",
                tmp_path / f"chart{n}",
                "foot",
                units={"urban_10min": "share", "rural_same_day": "share"},
                targets={"urban_10min": 0.9, "rural_same_day": 0.95},
            )


@pytest.fixture(scope="module")
def rural(tmp_path_factory):
    """2 replications of 2 days of the test county with no urban places, both briefings."""
    from sim.cli.main import REPO
    from sim.config.load import load_scenario
    from sim.experiments.runner import run_replications
    from sim.reporting import briefing
    from sim.reporting.report import write_results
    from sim.world.build import build_world

    folder = tmp_path_factory.mktemp("rural")
    (folder / "rural.yaml").write_text(
        f"extends: {REPO / 'tests' / 'data' / 'tiny.yaml'}\nname: rural\n"
        "description: A county without urban places.\ndescription_zh: 一个没有城区的县。\n"
        "geography: {urban_towns: []}\nrun: {days: 2, warmup_days: 0.5, drain_days: 0.5, reps: 2}\n",
        encoding="utf-8",
    )
    scenario = load_scenario(folder / "rural.yaml")
    world = build_world(scenario)
    reps = run_replications(scenario, 2, 11, jobs=1, world=world, progress=False)
    out = folder / "results"
    write_results(out, scenario, world, reps, 11)
    briefing.write_report(out, "zh", progress=False)
    return out


def test_an_all_rural_briefing_says_what_applies_in_both_languages(rural):
    en = (rural / "briefing.md").read_text(encoding="utf-8")
    zh = (rural / "briefing.zh.md").read_text(encoding="utf-8")
    drivers = [line for line in en.splitlines() if "Assumptions drive the headline" in line]
    assert drivers and "no data" not in drivers[0] and "no urban orders" in drivers[0]
    drivers_zh = [line for line in zh.splitlines() if "主要指标由假设决定" in line]
    assert drivers_zh and "无数据" not in drivers_zh[0] and "没有城区订单" in drivers_zh[0]
    assert "A county without urban places. Modelled" in en and "一个没有城区的县。情景" in zh
