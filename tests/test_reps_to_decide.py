"""How many replications would decide an uncertain verdict (sim/results/decide.py): fixed
numbers, each checked against ``judge`` itself by replications built with the same mean and
standard deviation at the number predicted (decided there, uncertain one fewer and well
below); an estimate at the target, or one needing more than the cap, is indistinguishable from
it; the plain 1/sqrt(k) rule agrees for many replications and overstates for 2. Then the
outputs: kpis.json's ``reps_to_decide`` (on uncertain rows only, the function's number), the
terminal's KPI table and town table, in words."""

from __future__ import annotations

import csv
import json
import math

import numpy as np
import pytest

from sim.cli.main import main
from sim.reporting.kpi_summary import UNDECIDED_HEADER, kpi_table, verdict_text
from sim.results.decide import CAP, projected_interval, reps_to_decide
from sim.results.verdict import interval, judge
from tests.conftest import TINY


def like(mean: float, sd: float, k: int) -> list[float]:
    """k replication values with exactly this mean and standard deviation (ddof 1): mean ± c·sd
    alternating (and one at the mean when k is odd)."""
    z = np.array([(-1.0) ** i for i in range(k)])
    if k % 2:
        z[-1], c = 0.0, 1.0
    else:
        c = math.sqrt((k - 1) / k)
    values = mean + sd * c * z
    assert values.mean() == pytest.approx(mean) and values.std(ddof=1) == pytest.approx(sd)
    return list(values)


def verdict_at(values, k: int, unit: str, op: str, target: float, orders: float | None) -> str:
    """judge's verdict on k replications with the mean and standard deviation of ``values``
    (and, for a proportion, as many orders a replication)."""
    x = np.asarray(values, dtype=float)
    per_rep = None if orders is None else orders / len(x)
    return judge(
        like(x.mean(), x.std(ddof=1), k), unit, op, target, None if per_rep is None else per_rep * k
    ).verdict


CASES = [
    # (values, unit, op, target, orders in all, replications predicted, verdict there)
    ([10.0, 12.0, 9.0, 11.0], "minutes", "<=", 11.5, None, 9, "met"),  # t interval
    ([0.955, 0.962, 0.951, 0.958], "share", ">=", 0.95, 4000, 5, "met"),  # Wilson
    ([0.957, 0.946, 0.962], "share", ">=", 0.95, 1500, 15, "met"),
    ([0.93, 0.95, 0.94], "share", ">=", 0.95, 1500, 6, "missed"),  # below the target: missed
    ([30.0, 45.0, 38.0], "per 1,000 orders", "<=", 50.0, 3000, 5, "met"),
]


@pytest.mark.parametrize(("values", "unit", "op", "target", "orders", "reps", "decided"), CASES)
def test_the_number_predicted_decides_the_verdict_where_judge_is_asked(
    values, unit, op, target, orders, reps, decided
):
    assert judge(values, unit, op, target, orders).verdict == "uncertain"
    assert reps_to_decide(values, unit, op, target, orders) == reps
    # replications with the same mean and spread: decided at the number, not one fewer, nor at
    # the replications given
    assert verdict_at(values, reps, unit, op, target, orders) == decided
    assert verdict_at(values, reps - 1, unit, op, target, orders) == "uncertain"
    assert verdict_at(values, len(values), unit, op, target, orders) == "uncertain"


def test_the_orders_part_counts_when_the_replications_agree_more_than_binomial_orders():
    # 3 replications within 0.1 point, of 100 orders each: the orders' Wilson interval is the
    # wide one, and it narrows with the orders of the replications added
    values = [0.97, 0.971, 0.9705]
    assert judge(values, "share", ">=", 0.95).verdict == "met"  # (their spread alone)
    assert judge(values, "share", ">=", 0.95, 300).verdict == "uncertain"
    reps = reps_to_decide(values, "share", ">=", 0.95, 300)
    assert reps == 5
    assert verdict_at(values, reps, "share", ">=", 0.95, 300) == "met"
    assert verdict_at(values, reps - 1, "share", ">=", 0.95, 300) == "uncertain"


def test_the_projection_is_the_interval_judge_computes():
    for values, unit, _, _, orders, _, _ in CASES:
        x = np.asarray(values)
        per_rep = None if orders is None else orders / len(x)
        method = interval(values, unit, orders)[4]
        for k in (2, 5, 17, 60):
            total = None if per_rep is None else per_rep * k
            _, low, high, _, _ = interval(like(x.mean(), x.std(ddof=1), k), unit, total)
            projected = projected_interval(x.mean(), x.std(ddof=1), k, unit, method, per_rep)
            assert projected == pytest.approx((low, high), rel=1e-9, abs=1e-12), (values, k)


def test_an_estimate_at_the_target_or_beyond_the_cap_is_indistinguishable():
    assert reps_to_decide([0.94, 0.96], "share", ">=", 0.95, 2000) is None  # the mean is the target
    # 0.02 points from the target with a spread of 1 point: about 10,000 replications
    assert reps_to_decide([0.9402, 0.9602], "share", ">=", 0.95, 2000) is None
    # the cap: 9 replications decide the first case, a cap of 8 calls it indistinguishable
    values, unit, op, target, orders, reps, _ = CASES[0]
    assert reps_to_decide(values, unit, op, target, orders, cap=reps - 1) is None
    assert reps_to_decide(values, unit, op, target, orders, cap=reps) == reps
    assert CAP == 200


def test_the_plain_rule_agrees_for_many_replications_and_overstates_for_two():
    # 60 replications: the t quantile hardly falls further, k·(h/d)² is the answer within 3%
    values = like(10.0, 1.0, 60)
    j = judge(values, "minutes", "<=", 10.2)
    assert j.verdict == "uncertain"
    rule = math.ceil(60 * (j.high - j.mean) ** 2 / 0.2**2)
    assert reps_to_decide(values, "minutes", "<=", 10.2) == pytest.approx(rule, rel=0.03)
    # 2 replications: the t quantile of 1 degree of freedom (12.7) falls to 2.8 by 5
    # replications, which decide it; the rule would ask for 81
    j = judge([9.0, 11.0], "minutes", "<=", 12.0)
    assert j.verdict == "uncertain"
    assert math.ceil(2 * (j.high - j.mean) ** 2 / 2.0**2) == 81
    assert reps_to_decide([9.0, 11.0], "minutes", "<=", 12.0) == 5


def test_replications_without_a_value_count_as_run_and_a_decided_verdict_has_no_number():
    # 9 replications with a value would decide it; 1 run in 5 had none, so about 12 in all
    assert reps_to_decide([10.0, 12.0, 9.0, 11.0], "minutes", "<=", 11.5) == 9
    assert reps_to_decide([10.0, math.nan, 12.0, 9.0, 11.0], "minutes", "<=", 11.5) == 12
    # never fewer than were run: 3 run, 2 with orders of the kind (a town's night, say)
    assert reps_to_decide([0.95, math.nan, 0.97], "share", ">=", 0.9, 400) > 3
    with pytest.raises(ValueError, match="only an uncertain verdict"):
        reps_to_decide([10.0, 10.1, 9.9], "minutes", "<=", 20.0)  # met already
    with pytest.raises(ValueError, match="only an uncertain verdict"):
        reps_to_decide([10.0], "minutes", "<=", 11.0)  # few: no interval


def test_the_words_of_an_uncertain_verdict():
    row = {"verdict": "uncertain", "reps_to_decide": 12}
    decide = "about 12 replications in all would decide it, if the estimate held"
    assert verdict_text(row) == f"uncertain ({decide})"
    assert verdict_text({**row, "reps_to_decide": None}) == "uncertain (indistinguishable from the target)"
    zh = verdict_text(row, "zh")
    assert zh.startswith("不确定（若估计") and "12" in zh and "即可判定" not in zh
    assert verdict_text({"verdict": "uncertain"}) == "uncertain"  # an older kpis.json: the word
    assert verdict_text({"verdict": "met"}) == "met"


def test_the_kpi_table_keeps_the_verdict_column_and_adds_a_line_per_uncertain_verdict():
    def k(verdict, **more):
        return {"label": "x", "unit": "minutes", "mean": 1.0, "low": 0.5, "high": 1.5, "n": 3,
                "target": 1.2, "target_op": "<=", "verdict": verdict, **more}  # fmt: skip

    summary = {
        "kpis": {
            "a": k("met"),
            "b": k("uncertain", reps_to_decide=7),
            "c": k("uncertain", reps_to_decide=None),
        }
    }
    lines = kpi_table(summary).splitlines()
    assert [line.split()[-1] for line in lines[2:5]] == ["met", "uncertain", "uncertain"]
    assert lines[5:] == [
        UNDECIDED_HEADER,
        "  b: about 7 replications in all would decide it, if the estimate held",
        "  c: indistinguishable from the target",
    ]
    assert len(kpi_table({"kpis": {"a": k("met")}}).splitlines()) == 3


def test_a_run_gives_each_uncertain_kpi_its_number_in_kpis_json_and_the_terminal(tmp_path, capsys):
    out = tmp_path / "run"
    assert main(["run", str(TINY), "--out", str(out), "--jobs", "1", "--reps", "3"]) == 0
    terminal = capsys.readouterr().out
    summary = json.loads((out / "kpis.json").read_text(encoding="utf-8"))
    uncertain = {name: k for name, k in summary["kpis"].items() if k.get("verdict") == "uncertain"}
    assert uncertain and any(k["reps_to_decide"] is not None for k in uncertain.values())
    for name, k in summary["kpis"].items():
        assert ("reps_to_decide" in k) == (name in uncertain), name
    for name, k in uncertain.items():
        values = [r[name] for r in summary["replications"]]
        expected = reps_to_decide(values, k["unit"], k["target_op"], k["target"], k.get("orders"))
        assert k["reps_to_decide"] == expected, name
        assert expected is None or expected > k["n"]
        words = verdict_text(k)
        if name.startswith("town."):
            assert f": {words}" in terminal, name  # the town table, in line
        else:
            assert f"  {name}: {words.removeprefix('uncertain (').removesuffix(')')}" in terminal, name
    # kpis.csv carries the same number (indistinguishable for null), empty on other rows
    with (out / "kpis.csv").open(encoding="utf-8") as fh:
        rows = {r["kpi"]: r["reps_to_decide"] for r in csv.DictReader(fh)}
    for name, k in summary["kpis"].items():
        expected = "" if name not in uncertain else str(k["reps_to_decide"] or "indistinguishable")
        assert rows[name] == expected, name
