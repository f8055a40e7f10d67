"""One verdict everywhere (docs/kpis.md): the verdict function's intervals and verdicts, and one
run of the Pingyang scenario (2 days x 3 replications) whose every output (terminal, kpis.json,
kpis.csv, both briefings, check's JUnit and Markdown) gives every KPI with a target, the towns
included, the same verdict and interval."""

from __future__ import annotations

import csv
import json
import math
import xml.etree.ElementTree as ET

import numpy as np
import pytest
import yaml
from scipy import stats

from sim.cli.main import DEFAULT_SCENARIO, main
from sim.gate.check import fmt
from sim.reporting import briefing_page, briefing_text, chart_style
from sim.reporting.csv_files import kpis_csv
from sim.reporting.formatting import with_unit
from sim.reporting.i18n import tr
from sim.reporting.kpi_summary import VERDICT_WORDS, ZONE_OF, interval_text, kpi_table
from sim.results.verdict import judge, verdict_of
from tests.conftest import town_block


def test_one_replication_gets_no_verdict_and_no_interval():
    j = judge([0.99], "share", ">=", 0.9, orders=500)
    assert j.verdict == "few" and math.isnan(j.low) and math.isnan(j.high)
    assert judge([], "share", ">=", 0.9).verdict == "n/a"


def test_share_intervals_stay_within_0_and_1_and_widen_at_100_percent():
    # all replications at 100%: not a certainty over 120 orders (no spread, so the cap of 120
    # orders applies and their binomial variance: Wilson's lower bound n / (n + z^2))
    j = judge([1.0, 1.0, 1.0], "share", ">=", 0.95, orders=120)
    z2 = stats.norm.ppf(0.975) ** 2
    assert j.high == 1.0 and j.low == pytest.approx(120 / (120 + z2))
    assert j.verdict == "met"
    assert judge([1.0, 1.0, 1.0], "share", ">=", 0.99, orders=120).verdict == "uncertain"
    # near 100% with spread: a t interval would pass 100%, this one does not
    values = [0.90, 1.0, 1.0]
    t_high = np.mean(values) + stats.t.ppf(0.975, 2) * np.std(values, ddof=1) / math.sqrt(3)
    assert t_high > 1.0
    j = judge(values, "share", orders=60)
    assert 0.0 <= j.low <= j.mean <= j.high <= 1.0
    # away from 0 and 1, with many orders, it is the t interval
    rng = np.random.default_rng(1)
    values = rng.normal(0.5, 0.01, 10)
    j = judge(values, "share", orders=10**7)
    half = stats.t.ppf(0.975, 9) * np.std(values, ddof=1) / math.sqrt(10)
    assert (j.low, j.high) == pytest.approx((np.mean(values) - half, np.mean(values) + half), abs=1e-4)


def test_a_capped_interval_is_the_binomial_one_with_the_normal_quantile():
    # 31 orders in a town over 3 replications that agree more than binomial orders would: the
    # cap applies, and the interval is the 95% Wilson interval of 31 orders (not one with the t
    # quantile of 2 degrees of freedom, which would be a 99.99% interval)
    values = [0.84, 0.85, 0.86]
    j = judge(values, "share", ">=", 0.95, orders=31)
    p, n, z = np.mean(values), 31, stats.norm.ppf(0.975)
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    assert (j.low, j.high) == pytest.approx((centre - half, centre + half))
    assert j.verdict == "missed"


def test_a_share_interval_is_never_narrower_than_its_replications_show():
    # 2 replications of 400 orders that happen to agree more than binomial orders would: the
    # orders' binomial interval alone (normal quantile) would cover the truth far less than
    # 95% of the time when replications vary more than orders do; the interval keeps the t
    # quantile of 1 degree of freedom on their spread, so a 0.1-point wider spread widens it
    # a little, not six-fold
    a = judge([0.885, 0.9145], "share", orders=400)
    b = judge([0.885, 0.9155], "share", orders=400)
    assert (b.high - b.low) / (a.high - a.low) == pytest.approx(1.0, abs=0.05)
    values = [0.885, 0.9145]
    p, t = np.mean(values), stats.t.ppf(0.975, 1)
    n_eff = p * (1 - p) / (np.var(values, ddof=1) / 2)  # the orders the spread is worth
    centre = (p + t * t / (2 * n_eff)) / (1 + t * t / n_eff)
    half = t / (1 + t * t / n_eff) * math.sqrt(p * (1 - p) / n_eff + t * t / (4 * n_eff * n_eff))
    assert (a.low, a.high) == pytest.approx((centre - half, centre + half))


def test_a_target_at_the_edge_is_met_when_every_replication_is_at_it():
    # never overnight (<= 0 per 1,000): an honest interval at 0 still has an upper bound above
    # 0, so the promise is met when no replication left an order overnight
    assert judge([0.0, 0.0, 0.0], "per 1,000 orders", "<=", 0.0, orders=10_000).verdict == "met"
    assert judge([0.0, 0.1, 0.0], "per 1,000 orders", "<=", 0.0, orders=10_000).verdict != "met"
    assert judge([1.0, 1.0], "share", ">=", 1.0, orders=50).verdict == "met"
    assert judge([0.0, 0.0], "orders/week", "<=", 0.0).verdict == "met"


def test_an_edge_met_is_marked_as_one():
    # met because every replication is exactly at an edge target: at_edge
    j = judge([0.0, 0.0], "per 1,000 orders", "<=", 0.0, orders=400)
    assert j.verdict == "met" and j.at_edge
    assert judge([1.0, 1.0, 1.0], "share", ">=", 1.0, orders=90).at_edge
    # a count whose t interval of identical zeros is [0, 0] clears the target, and is still one
    j = judge([0.0, 0.0], "orders/week", "<=", 0.0)
    assert j.verdict == "met" and j.at_edge
    # a met cleared by the interval, a target inside the range, or replications not all at it
    assert not judge([1.0, 1.0, 1.0], "share", ">=", 0.95, orders=120).at_edge
    assert not judge([0.0, 0.0, 0.0], "per 1,000 orders", "<=", 5.0, orders=30000).at_edge
    assert judge([0.0, 0.1, 0.0], "per 1,000 orders", "<=", 0.0, orders=10_000).at_edge is False
    assert not judge([0.0, 0.0], "per 1,000 orders").at_edge  # no target


def test_an_edge_met_says_so_in_kpis_csv_and_the_terminal():
    j = judge([0.0, 0.0], "per 1,000 orders", "<=", 0.0, orders=400)
    row = {
        "label": "Orders open overnight",
        "unit": "per 1,000 orders",
        "mean": j.mean, "sd": 0.0, "low": j.low, "high": j.high, "n": j.n, "interval": j.method,
        "target": 0.0, "target_op": "<=", "verdict": j.verdict, "at_edge": j.at_edge,
    }  # fmt: skip
    other = dict(row, mean=0.5, low=0.1, high=0.9, verdict="uncertain", at_edge=False, target=2.0)
    summary = {"kpis": {"open_overnight_per_1000": row, "other": other}}
    rows = {r["kpi"]: r for r in csv.DictReader(kpis_csv(summary).splitlines())}
    assert rows["open_overnight_per_1000"]["verdict"] == "met"
    assert rows["open_overnight_per_1000"]["at_edge"] == "1" and rows["other"]["at_edge"] == "0"
    table = kpi_table(summary)
    assert "met (0.0 per 1,000 orders in all 2 replications)" in table
    assert "uncertain (" not in table.splitlines()[3]  # no edge note on another verdict


def test_verdict_compares_the_whole_interval_with_the_target():
    assert verdict_of(0.91, 0.95, 0.93, 3, ">=", 0.90) == "met"
    assert verdict_of(0.85, 0.89, 0.87, 3, ">=", 0.90) == "missed"
    assert verdict_of(0.88, 0.92, 0.90, 3, ">=", 0.90) == "uncertain"
    assert verdict_of(0.0, 0.0, 0.0, 3, "<=", 0.0) == "met"
    assert verdict_of(1.0, 5.0, 3.0, 3, "<=", 0.0) == "missed"


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    """One run of a short Pingyang variant: the run's folder (with the Chinese briefing when a
    CJK font is installed), its terminal output, and check's JUnit and Markdown of the same
    seed, days and replications, watching every KPI with a target."""
    tmp = tmp_path_factory.mktemp("verdicts")
    from sim.config.load import load_scenario
    from sim.experiments.pilot import prepare_world
    from sim.results.kpi_catalogue import HEADLINE
    from sim.results.verdict import kpi_targets

    targeted = list(kpi_targets(prepare_world(load_scenario(DEFAULT_SCENARIO))))
    watch = HEADLINE + [name for name in targeted if name not in HEADLINE]
    path = tmp / "short.yaml"
    # a top-level copy, not a variant: a variant may not run the check smaller than its base
    data = yaml.safe_load(DEFAULT_SCENARIO.read_text(encoding="utf-8"))
    folder = DEFAULT_SCENARIO.parent
    for key in ("towns_csv", "places_csv"):
        data["geography"][key] = str(folder / data["geography"][key])
    data["pairing"]["file"] = str(folder / data["pairing"]["file"])
    data["name"] = "short"
    data["run"].update(days=2, reps=3, warmup_days=0.5, drain_days=0.5)
    data["expect"].update(days=2, reps=3, watch=watch)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    import io
    from contextlib import redirect_stdout

    out = tmp / "run"
    buffer = io.StringIO()
    with redirect_stdout(buffer):
        assert main(["run", str(path), "--out", str(out), "--jobs", "1", "--all-kpis"]) == 0
    zh = chart_style.cjk_font() is not None and chart_style.cjk_font_file() is not None
    if zh:
        assert main(["report", str(out), "--lang", "zh"]) == 0
    junit, summary = tmp / "junit.xml", tmp / "summary.md"
    (tmp / "baselines").mkdir()
    with redirect_stdout(io.StringIO()):
        status = main(
            [
                "check",
                str(path),
                "--baselines",
                str(tmp / "baselines"),
                "--allow-new",
                "--jobs",
                "1",
                "--junit",
                str(junit),
                "--summary",
                str(summary),
            ]
        )
    assert status in (0, 1)  # (whether 2 days meet the scenario's thresholds is not the point)
    return {"folder": out, "terminal": buffer.getvalue(), "junit": junit, "summary": summary, "zh": zh}


def test_every_output_gives_every_targeted_kpi_the_same_verdict_and_interval(outputs):
    folder = outputs["folder"]
    summary = json.loads((folder / "kpis.json").read_text(encoding="utf-8"))
    data = json.loads((folder / "chart_data.json").read_text(encoding="utf-8"))
    targeted = {name: k for name, k in summary["kpis"].items() if "verdict" in k}
    # the default scenario's promises, the never-overnight target and every town (Kunyang and
    # Aojiang by zone)
    assert {"urban_10min", "rural_same_day", "open_overnight_per_1000"} <= set(targeted)
    assert "town.Kunyang.urban_10min" in targeted and "town.Kunyang.compliance" not in targeted
    # and the urban promise's other reading in each town with urban places, as the county's, and
    # its orders by time of day (day, evening, night), county and towns
    assert "town.Kunyang.urban_10min_arrival" in targeted and "town.Aojiang.urban_10min_arrival" in targeted
    assert {"urban_10min_day", "urban_10min_evening", "urban_10min_night"} <= set(targeted)
    assert "town.Kunyang.urban_10min_night" in targeted and "town.Aojiang.urban_10min_night" in targeted
    assert sum(n.startswith("town.") for n in targeted) == 16 + 2 + 2 + 2 * 3
    assert all(k["verdict"] in ("met", "missed", "uncertain") for k in targeted.values())
    assert all(
        k["unit"] != "share" or 0 <= k["low"] <= k["high"] <= 1
        for k in summary["kpis"].values()
        if k["n"] > 1 and k["low"] is not None
    )

    # kpis.csv: the same verdict and interval
    with (folder / "kpis.csv").open(encoding="utf-8") as fh:
        rows = {r["kpi"]: r for r in csv.DictReader(fh)}
    for name, k in targeted.items():
        r = rows[name]
        assert r["verdict"] == k["verdict"], name
        assert r["at_edge"] == str(int(k["at_edge"])), name  # an edge met, beside the verdict
        assert k["at_edge"] == (
            k["verdict"] == "met"
            and all(rep[name] == k["target"] for rep in summary["replications"])
            and k["target"] in (0.0, 1.0)
        ), name
        assert float(r["ci_low"]) == pytest.approx(k["low"], rel=1e-5, abs=1e-9), name
        assert float(r["ci_high"]) == pytest.approx(k["high"], rel=1e-5, abs=1e-9), name

    # the terminal: the KPI table and the towns' table
    lines = outputs["terminal"].splitlines()
    for name, k in targeted.items():
        word = VERDICT_WORDS[k["verdict"]]
        if name.startswith("town."):
            _, pinyin, part = name.split(".")
            line = town_block(lines, pinyin)  # (the town's row and the lines under it)
            zone = "" if part == "compliance" else f"{ZONE_OF[part]} "
            target = f"{k['target_op']} {k['target']:.1%}"
            assert f"{zone}{interval_text(k)} vs {target}: {word}" in line, (name, line)
        else:
            line = next(s for s in lines if f"[{name}]" in s)
            assert interval_text(k) in line and line.rstrip().endswith(word), (name, line)

    # both briefings: the headline table, the towns' verdicts (chart colours, sentences)
    for lang in ("en", "zh") if outputs["zh"] else ("en",):
        suffix = ".zh" if lang == "zh" else ""
        text = (folder / f"briefing{suffix}.md").read_text(encoding="utf-8")
        page = (folder / f"briefing{suffix}.html").read_text(encoding="utf-8")
        for row in briefing_text.headline_rows(summary, data):
            if row["name"] in targeted:
                k = targeted[row["name"]]
                assert row["verdict"] == k["verdict"]
                assert (row["low"], row["high"]) == (k["low"], k["high"])
                estimate = briefing_text.estimate_text(row, lang)
                verdict = tr(f"verdict.{k['verdict']}", lang)
                assert f"{briefing_page.md(estimate)} |" in text and f"**{verdict}** |" in text
                assert f'<td class="v-{k["verdict"]}">{verdict}</td>' in page
        for town in briefing_text.town_rows(summary, data, lang):
            parts = town["zones"] or [dict(town, zone=None)]
            for z in parts:
                name = (
                    f"town.{town['pinyin']}."
                    + {
                        None: "compliance",
                        "urban": "urban_10min",
                        "rural": "rural_same_day",
                        "urban_arrival": "urban_10min_arrival",
                    }[z["zone"]]
                )
                k = targeted[name]
                assert (z["verdict"], z["low"], z["high"]) == (k["verdict"], k["low"], k["high"]), name
        for line in briefing_text.worst_town_lines(summary, data, lang):
            assert f"- {briefing_page.md(line)}" in text

    # check: JUnit's promise property and the Markdown's promise column
    cases = {c.get("name"): c for c in ET.parse(outputs["junit"]).getroot().iter("testcase")}
    markdown = outputs["summary"].read_text(encoding="utf-8")
    for name, k in targeted.items():
        props = {p.get("name"): p.get("value") for p in cases[name].iter("property")}
        assert props["promise"] == k["verdict"], name
        unit = k["unit"]

        def bare(value, unit=unit):
            return fmt(value, unit, unit_shown=False)

        interval = f"[{bare(k['low'])}, {bare(k['high'])}]"
        detail = with_unit(f"{k['target_op']} {bare(k['target'])}: {bare(k['mean'])} {interval}", unit)
        assert props["promise_detail"] == detail, name
        if unit != "share":  # the unit once, at the end
            assert detail.count(unit) == 1 and detail.endswith(unit), detail
        row = next(s for s in markdown.splitlines() if s.startswith(f"| short | {name} |"))
        assert row.rstrip(" |").endswith(f"{VERDICT_WORDS[k['verdict']]} ({detail})"), (name, row)


def test_one_replication_earns_no_met_in_any_output(tmp_path, capsys):
    out = tmp_path / "one"
    assert (
        main(["run", str(DEFAULT_SCENARIO), "--days", "1", "--reps", "1", "--out", str(out), "--jobs", "1"])
        == 0
    )
    summary = json.loads((out / "kpis.json").read_text(encoding="utf-8"))
    verdicts = {k["verdict"] for k in summary["kpis"].values() if "verdict" in k}
    assert verdicts <= {"few", "n/a"} and "few" in verdicts
    assert "not enough replications" in capsys.readouterr().out
    assert "**not enough replications**" in (out / "briefing.md").read_text(encoding="utf-8")


def test_a_share_one_rounding_step_below_100_percent_has_an_interval():
    # replications whose mean rounds to exactly 1 while they differ by one float step: no
    # spread to speak of, and no division by zero
    j = judge([1.0, 1.0, 1 - 2**-53], "share", ">=", 0.95, orders=300)
    assert j.high == 1.0 and 0.98 < j.low < 1.0 and j.verdict == "met"
    assert judge([1.0, 1.0, 1 - 2**-53], "share").low == 1.0  # no order count: nothing to widen by


def test_an_edge_met_says_so_wherever_its_verdict_is_written():
    """verdict_text, which the briefings and the terminal's town table call, adds an edge met's
    note in the page's language; an interval-cleared met is the word alone."""
    from sim.reporting.kpi_summary import verdict_text

    edge = {"verdict": "met", "at_edge": True, "n": 2, "target": 0.0, "unit": "per 1,000 orders"}
    assert verdict_text(edge) == "met (0.0 per 1,000 orders in all 2 replications)"
    assert verdict_text(edge, "zh").endswith("（2 次重复均恰为目标值）")
    assert verdict_text({**edge, "at_edge": False}) == "met"


def test_compare_notes_an_edge_met_as_run_does():
    # compare's estimate carries at_edge from the same judge; its cell notes it after the word
    from sim.experiments.compare import estimate
    from sim.experiments.compare_output import estimate_cell

    unit = "per 1,000 orders"
    e = estimate([0.0, 0.0], unit, 800, target=("<=", 0.0))
    assert (e["verdict"], e["at_edge"]) == ("met", True)
    assert estimate_cell(e, unit) == "0.0 per 1,000 orders (met; 0.0 per 1,000 orders in all 2 replications)"
    assert estimate_cell(e, unit, was={"verdict": "missed"}).endswith(
        "(missed -> met; 0.0 per 1,000 orders in all 2 replications)"
    )
    lower = estimate([0.5, 0.7, 0.6], unit, 9000, target=("<=", 5.0))
    assert lower["at_edge"] is False and estimate_cell(lower, unit).endswith("(met)")
