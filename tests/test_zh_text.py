"""The Chinese briefing and charts read as Chinese an official would write: full-width
punctuation in Chinese prose (half-width only inside numbers and clock times; ranges take the wave
dash ～ and numbers no thousands separators), 非城区 for
the model's rural zone (every unit outside the urban communities, towns' communities included),
one name for the county center, the article's 选派 for the administrator, the never-overnight
rate in one unit, no configuration keys, and the charts' footnote naming the scenario by its
Chinese title."""

from __future__ import annotations

import math
import re

import pytest
import yaml

from sim.cli.main import REPO
from sim.reporting.briefing_promises import band_text
from sim.reporting.briefing_text import assumption_lines, count, estimate_text, footnote, worst_town_lines
from sim.reporting.i18n import KPI_ZH, TEXT, kpi_label, tr

CJK = r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef\u201c\u201d]"  # (with full-width punctuation)
HALF = r"[(),:;?!]"
# a comma-separated list the chart splits, not prose
NOT_PROSE = {"week.days"}
TOWN_PARTS = (
    "compliance",
    "urban_10min",
    "rural_same_day",
    "urban_10min_acceptance",
    "urban_10min_arrival",
    "urban_10min_day",
    "urban_10min_evening",
    "urban_10min_night",
)


def _chinese_strings() -> dict[str, str]:
    """Every Chinese string of i18n: TEXT's Chinese side, KPI_ZH and the towns' KPI labels,
    each placeholder replaced by a character (a value filled in is text like any other)."""
    out = {key: zh for key, (_, zh) in TEXT.items() if zh and key not in NOT_PROSE}
    out |= {f"kpi.{name}": label for name, label in KPI_ZH.items()}
    out |= {f"town.{part}": kpi_label(f"town.Kunyang.{part}", "", "zh") for part in TOWN_PARTS}
    return {key: re.sub(r"\{[^{}]*\}", "字", text) for key, text in out.items()}


def _half_width_next_to_chinese(text: str) -> list[str]:
    return re.findall(f"{CJK}{HALF}|{HALF}{CJK}", text)


def test_chinese_prose_uses_full_width_punctuation():
    hits = {key: _half_width_next_to_chinese(text) for key, text in _chinese_strings().items()}
    assert {key: found for key, found in hits.items() if found} == {}


def test_numbers_and_times_keep_their_half_width_punctuation_and_ranges_take_the_wave_dash():
    # one range style in Chinese: 浪纹线 ～ (GB/T 15834), never a hyphen a reader could take
    # for a minus; English keeps its hyphen
    assert "（夜间 22:00～07:00）" in KPI_ZH["urban_10min_night"]
    assert tr("resp.deadline_span", "zh") == "当天办结时限（10%～90% 的订单）"
    assert tr("resp.ci", "zh", low="80.0%", high="95.0%") == "95% 置信区间 80.0%～95.0%"
    assert tr("range", "en", low="1", high="2") == "1-2"
    assert band_text("night", "zh") == "22:00～07:00" and band_text("night", "en") == "22:00-07:00"
    hyphen_ranges = {
        key: text for key, text in _chinese_strings().items() if re.search(r"[\d%字]-[\d字]", text)
    }
    assert hyphen_ranges == {}


def test_chinese_numbers_have_no_thousands_separators_as_the_article_writes_them():
    # the article and the scenario's description write 1010 支: so do the Chinese pages
    assert "{orders:.0f}" in tr("brief.scenario_text_no_urban", "zh")
    zh = [zh for _, zh in TEXT.values()]
    assert [text for text in zh if re.search(r"\{[a-z_]*:,", text)] == []
    row = {"unit": "hours", "mean": 1234.5, "low": 1000.0, "high": 1500.0}
    assert estimate_text(row, "zh") == "1234.5 小时（1000.0～1500.0）"
    assert estimate_text(row, "en") == "1,234.5 (1,000.0-1,500.0) hours"
    assert count(5122, "zh") == "5122" and count(5122, "en") == "5,122"


def test_the_scenario_line_quotes_the_articles_ten_minute_promise_verbatim():
    # docs/kpis.md's quotation of the article, word for word
    quote = "在昆阳、鳌江等城区范围内启动10分钟快速响应机制"
    kpis_doc = (REPO / "docs" / "kpis.md").read_text(encoding="utf-8")
    assert quote in kpis_doc
    assert f"（原文：“{quote}”）" in tr("brief.scenario_text", "zh")
    assert "当天响应、当天办理" in tr("brief.scenario_text", "zh")


def test_escalation_and_hand_up_each_have_one_word():
    # 上报: escalation by timeout up the ladder (逐级上报); 上交: the village's hand-up at once
    texts = _chinese_strings()
    hand_up = {k for k in texts if "hand_up" in k or "handed_up" in k or k == "brief.channels"}
    assert all("上交" in texts[k] and "上报" not in texts[k] for k in hand_up), hand_up
    with_up = {k for k, text in texts.items() if "上交" in text}
    assert with_up == hand_up | {"kpi.escalation_rate"}
    assert "逐级上报或上交" in KPI_ZH["escalation_rate"]  # it counts both ways out of the village
    assert "上报" in tr("brief.assume_ladder", "zh", admin="") and "上报" in tr("lever.not_assigned", "zh")


def test_the_rural_zone_is_named_outside_the_urban_area_not_countryside():
    """The model's rural zone holds every unit outside the urban communities of Kunyang and
    Aojiang, communities of other towns (Shuitou's) among them: 非城区, never 农村."""
    assert tr("zone.rural", "zh") == "非城区"
    # named by its deadline (the 17:00 rule is ours), as its KPI's label: the article's own words,
    # 当天响应、当天办理, read to the letter are rural_by_midnight's
    assert tr("promise.rural_same_day", "zh") == "非城区当天时限内办结"
    assert "当天时限内" in KPI_ZH["rural_same_day"]
    assert tr("cause.group.rural", "zh") == "非城区"
    assert KPI_ZH["rural_same_day"].startswith("非城区订单")
    assert tr("towns.decided_by", "zh", town="昆阳镇", zone=tr("zone.rural", "zh"), verdict="不确定") == (
        "昆阳镇（非城区：不确定）"
    )
    assert [key for key, text in _chinese_strings().items() if "农村" in text] == []


def test_the_county_center_has_one_short_name_and_its_full_name_on_the_map():
    assert tr("outcome.county", "zh") == tr("level.county", "zh") == "县中心"
    assert KPI_ZH["served_county"] == "由县中心办理的订单"
    assert tr("map.center", "zh") == "县新时代文明实践中心"
    assert "县实践中心" not in "".join(_chinese_strings().values())


def test_the_administrator_selects_as_the_article_says():
    # 由中心管理员选派有专业技能的志愿服务组织接单
    assert "选派" in tr("cause.administrator", "zh")
    assert "审核并选派" in tr("brief.assume_ladder", "zh", admin="")
    assert "审核员" not in "".join(_chinese_strings().values())


def test_a_number_is_spaced_from_the_chinese_around_it_as_everywhere_else():
    assert tr("promise.urban_10min_arrival", "zh", minutes=10) == "城区 10 分钟按到达计"
    assert tr("resp.within_acceptance", "zh", minutes=10) == "10 分钟内响应"


def test_never_overnight_reads_in_one_unit_after_the_number():
    row = {"unit": "per 1,000 orders", "mean": 38.6, "low": 15.6, "high": 92.6, "target": None}
    assert estimate_text(row, "zh") == "38.6 单/千单（15.6～92.6）"
    assert estimate_text(row, "en") == "38.6 (15.6-92.6) per 1,000 orders"
    assert tr("brief.overnight_target", "zh", value=0.0) == "≤ 0 单/千单"
    assert estimate_text({**row, "unit": "share", "mean": 0.918, "low": 0.62, "high": 0.987}, "zh") == (
        "91.8%（62.0%～98.7%）"
    )


def test_no_configuration_key_in_the_chinese_levers():
    """The English lever names the setting (dispatch.timeouts_min) for the analyst; the Chinese
    says what it does, without a key the Markdown would show as dispatch.timeouts\\_min."""
    assert "dispatch.timeouts_min" in tr("lever.cancelled_at_village", "en", share="87.0%")
    zh = tr("lever.cancelled_at_village", "zh", share="87.0%")
    assert "缩短村级派单等待时限" in zh and not re.search(r"[A-Za-z_]", zh)


def test_same_day_handling_read_as_closed_is_said_to_be_ours():
    args = {"minutes": 10, "cutoff": "17:00", "day_end": "24:00", "reading": "x"}
    text = tr("brief.assume_promise", "zh", event="响应", **args)
    assert "“当天响应、当天办理”按“当天响应并办结”考核" in text and "我们的理解" in text
    assert "same-day handling as closed." in tr("brief.assume_promise", "en", event="accepts it", **args)


@pytest.mark.parametrize("event", ["acceptance", "arrival"])
def test_what_the_urban_response_is_read_as_is_said_to_be_ours(event):
    # the article's 响应 is not defined: the briefing's key assumptions say how the run reads it
    data = {"targets": {"urban_response_min": 10, "same_day_cutoff": "17:00", "day_end": "24:00"}}
    data["targets"]["urban_response_event"] = event
    summary = {"days": 3.0, "warmup_days": 1.0, "kpis": {}}
    en = " ".join(assumption_lines(summary, data, "en"))
    zh = " ".join(assumption_lines(summary, data, "zh"))
    if event == "acceptance":
        assert "Ours: " in en and "its response as acceptance and same-day handling as closed." in en
        assert "理解为志愿者接受派单" in zh
    else:
        assert "its response as arrival and same-day handling as closed." in en
        assert "理解为志愿者上门到达" in zh


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_charts_footnote_names_the_scenario_in_the_page_language(lang):
    summary = {"scenario": "pingyang", "title": "Pingyang County", "title_zh": "平阳县", "seed": 7}
    summary |= {"reps": 2, "days": 3.0, "warmup_days": 1.0}
    note = footnote(summary, lang)
    if lang == "zh":
        assert note.startswith("情景“平阳县”，随机种子 7，2 次重复") and "pingyang" not in note
    else:
        assert note.startswith("Scenario pingyang, seed 7, 2 replications")


def test_a_town_zone_in_the_worst_towns_is_in_full_width_parentheses():
    urban = {"mean": 0.9, "low": 0.8, "high": 0.95, "target": 0.9, "verdict": "uncertain"}
    rural = {"mean": 0.9, "low": math.nan, "high": math.nan, "target": 0.95, "verdict": "few"}
    summary = {
        "kpis": {
            "town.Kunyang.compliance": {"mean": 0.9, "low": 0.8, "high": 0.95},
            "town.Kunyang.urban_10min": urban,
            "town.Kunyang.rural_same_day": rural,
        }
    }
    data = {"towns": {"pinyin": ["Kunyang"], "name": ["昆阳镇"], "target": [0.93]}}
    lines = worst_town_lines(summary, data, "zh")
    assert lines[0].startswith("昆阳镇（城区）：90.0% 的订单按承诺完成（95% 置信区间 80.0%～95.0%；")
    assert lines[1].startswith("昆阳镇（非城区）：90.0% 的订单按承诺完成（仅一次重复")


def test_the_default_scenario_describes_itself_in_chinese_punctuation():
    zh = yaml.safe_load((REPO / "scenarios" / "pingyang.yaml").read_text(encoding="utf-8"))["description_zh"]
    assert _half_width_next_to_chinese(zh) == [] and " " not in re.sub(r"(?<=\d) | (?=\d)", "", zh)
    assert "志愿者队伍 1010 支" in zh and "县新时代文明实践中心" in zh and "家单位" not in zh
    assert "为我们的估计" in zh and "为我们的设定" in zh  # the two figures that are ours
