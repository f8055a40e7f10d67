"""The engine against exact queueing results (fixed seeds; t intervals across replications).

A check passes when the analytic value lies inside the simulated interval at the family-wise
level ``checks.GATE_LEVEL`` (Bonferroni over the suite's ~25 checks); the 95% interval is
reported in docs/validation.md beside it.

Each setting is simulated once per module (fixtures) and every check of it is a test, so a
failure names the quantity. The same functions produce docs/validation.md.
"""

from __future__ import annotations

import pytest

from tests.validation import checks, queueing

pytestmark = pytest.mark.slow


CASES = [
    *((s, checks.mmc_checks) for s in checks.MMC_SETTINGS),
    (checks.ERLANG_A, checks.erlang_a_checks),
    (checks.ESCALATION, checks.escalation_checks),
]


@pytest.fixture(scope="module", params=CASES, ids=lambda case: case[0].label)
def results(request):
    setting, run_checks = request.param
    return run_checks(setting)


def test_simulation_agrees_with_queueing_theory(results):
    """M/M/c (Erlang C), M/M/c+M (Erlang A), M/M/c+D (escalation) and Little's law."""
    missed = [
        f"{c.name}: analytic {c.analytic:.5g} outside the simulated "
        f"{checks.GATE_LEVEL:.1%} CI [{c.gate_low:.5g}, {c.gate_high:.5g}]"
        for c in results
        if not c.passed
    ]
    assert len(results) >= 4
    assert not missed, "\n".join(missed)


def test_simulation_agrees_with_queueing_theory_within_a_margin(results):
    """Holding the analytic value shows no contradiction; agreement also needs the interval
    narrow around it: within 20% of it (0.05 orders for Little's law)."""
    wide = [
        f"{c.name}: 95% CI [{c.low:.5g}, {c.high:.5g}] reaches {c.distance:.3g} from {c.analytic:.5g}"
        for c in results
        if not c.agrees
    ]
    assert not wide, "\n".join(wide)


def test_formulas_reduce_to_erlang_c_without_abandonment_or_timeout():
    """Erlang A with vanishing abandonment and M/M/c+D with an endless timeout are Erlang C;
    M/M/c+D with a zero timeout is the loss system M/M/c/c (Erlang B)."""
    lam, mu, c = 0.05, 1 / 30, 2
    wait = queueing.mmc_mean_wait(lam, mu, c)
    assert queueing.erlang_c(2, 1.5) == pytest.approx(9 / 14)
    assert queueing.erlang_a(lam, mu, c, 1e-9)["mean_wait_served"] == pytest.approx(wait, rel=1e-5)
    assert queueing.mmc_d(lam, mu, c, 1e7)["mean_wait_capped"] == pytest.approx(wait, rel=1e-9)
    erlang_b = 1.5**2 / 2 / (1 + 1.5 + 1.5**2 / 2)
    assert queueing.mmc_d(lam, mu, c, 0.0)["leave"] == pytest.approx(erlang_b)
