"""The regression gate fails closed when it cannot compare a KPI with its baseline: a KPI the
baseline has a value for that is now undefined (NaN: no orders of its kind), a KPI left with too
few values for an interval where the baseline has enough, or a watched KPI the baseline lacks
(docs/ci.md, "Gate policy")."""

from __future__ import annotations

import math

from sim.config.scenario import Expect, Run, Scenario
from sim.gate.baseline import Baseline
from sim.gate.check import evaluate

NAN = math.nan
BASE = [7.0, 8.0, 7.5, 8.2]  # response_p90_urban of four replications, minutes


def _scenario() -> Scenario:
    return Scenario(
        name="s", run=Run(days=3, warmup_days=0, seed=1), expect=Expect(watch=["response_p90_urban"])
    )


def _judged(new: list[float], seed: int = 1, kpis: dict | None = None, missing: str = "no baseline"):
    baseline = Baseline("s", 1, 3.0, 0.0, 4, "test", {"response_p90_urban": BASE} if kpis is None else kpis)
    return evaluate(_scenario(), seed, {"response_p90_urban": new}, baseline, missing)[0]


def test_a_kpi_undefined_in_every_replication_fails_against_a_baseline_with_values():
    out = _judged([NAN] * 4)
    assert out.failed and out.baseline_failed
    assert "undefined in 4 of 4 replications" in out.messages[0]


def test_a_kpi_undefined_in_some_paired_replications_fails():
    out = _judged([7.0, NAN, 7.5, 8.2])  # the others unchanged: the dropped pair would hide it
    assert out.failed and "undefined in 1 of 4 replications" in out.messages[0]


def test_an_unpaired_kpi_undefined_in_every_replication_fails():
    out = _judged([NAN] * 4, seed=2)
    assert out.comparison.startswith("welch") and out.failed


def test_an_unpaired_kpi_left_with_one_value_fails():
    # 3 of 4 reseeded replications lost their urban orders and the last is 4 times slower: one
    # value has no interval, so Welch cannot show it not worse, and the gate fails closed
    out = _judged([NAN, NAN, NAN, 30.0], seed=2)
    assert out.comparison == "welch, too few values" and out.failed and out.baseline_failed
    message = out.messages[0]
    assert "has a value in 1 of 4 replications, too few for the unpaired (Welch) comparison" in message
    assert "with the baseline (4 values): it cannot be shown not worse" in message
    assert _judged([NAN, NAN, NAN, 30.0]).failed  # paired: 3 replications lost, as before


def test_a_kpi_with_too_few_values_in_the_baseline_too_is_not_compared():
    kpis = {"response_p90_urban": [NAN, NAN, NAN, 7.0]}
    for seed in (1, 2):  # paired and unpaired: the baseline never had an interval to compare
        out = _judged([NAN, NAN, NAN, 9.0], seed=seed, kpis=kpis)
        assert out.comparison.endswith(", too few values") and not out.failed


def test_a_kpi_undefined_in_the_baseline_too_passes():
    assert not _judged([NAN] * 4, kpis={"response_p90_urban": [NAN] * 4}).failed


def test_an_unchanged_kpi_still_passes():
    out = _judged(list(BASE))
    assert not out.failed and out.difference["mean"] == 0.0


def test_a_watched_kpi_missing_from_the_baseline_fails_unless_new_ones_are_allowed():
    out = _judged(list(BASE), kpis={})
    assert out.failed and "not in the baseline" in out.messages[0]
    assert not _judged(list(BASE), kpis={}, missing="").failed  # --allow-new / --update-baselines


def test_check_words_every_promise_verdict_as_the_other_outputs_do():
    from sim.gate.report import row
    from sim.reporting.kpi_summary import VERDICT_WORDS

    scenario = Scenario(
        name="s", run=Run(days=3, warmup_days=0, seed=1), expect=Expect(watch=["urban_10min"])
    )
    cases = {
        "met": [0.95, 0.96, 0.97],
        "missed": [0.5, 0.52, 0.51],
        "few": [0.95, NAN, NAN],
        "n/a": [NAN] * 3,
    }
    for verdict, values in cases.items():
        out = evaluate(scenario, 1, {"urban_10min": values}, None, promises={"urban_10min": (">=", 0.9)})[0]
        assert out.promise == verdict
        assert row(out)[-1].startswith(VERDICT_WORDS[verdict] + " ("), (verdict, row(out))
