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


def _assert_inside(check: checks.Check) -> None:
    assert check.passed, (f"{check.group}: {check.name}: analytic {check.analytic:.5g} outside "
                          f"the simulated {checks.GATE_LEVEL:.1%} CI "
                          f"[{check.gate_low:.5g}, {check.gate_high:.5g}]")


@pytest.fixture(scope="module", params=checks.MMC_SETTINGS, ids=lambda s: s.label)
def mmc_results(request):
    return checks.mmc_checks(request.param)


@pytest.mark.parametrize("index", range(5))
def test_mmc_agrees_with_erlang_c(mmc_results, index):
    _assert_inside(mmc_results[index])


@pytest.fixture(scope="module")
def erlang_a_results():
    return checks.erlang_a_checks()


@pytest.mark.parametrize("index", range(4))
def test_abandonment_agrees_with_erlang_a(erlang_a_results, index):
    _assert_inside(erlang_a_results[index])


@pytest.fixture(scope="module")
def escalation_results():
    return checks.escalation_checks()


@pytest.mark.parametrize("index", range(6))
def test_escalation_agrees_with_mmc_plus_deterministic_timeout(escalation_results, index):
    _assert_inside(escalation_results[index])


def test_formulas_reduce_to_erlang_c_without_abandonment_or_timeout():
    """Erlang A with vanishing abandonment and M/M/c+D with an endless timeout are Erlang C;
    M/M/c+D with a zero timeout is the loss system M/M/c/c (Erlang B)."""
    lam, mu, c = 0.05, 1 / 30, 2
    wait = queueing.mmc_mean_wait(lam, mu, c)
    assert queueing.erlang_c(2, 1.5) == pytest.approx(9 / 14)
    assert queueing.erlang_a(lam, mu, c, 1e-9)["mean_wait_served"] == pytest.approx(wait, rel=1e-5)
    assert queueing.mmc_d(lam, mu, c, 1e7)["mean_wait_capped"] == pytest.approx(wait, rel=1e-9)
    erlang_b = 1.5 ** 2 / 2 / (1 + 1.5 + 1.5 ** 2 / 2)
    assert queueing.mmc_d(lam, mu, c, 0.0)["leave"] == pytest.approx(erlang_b)
