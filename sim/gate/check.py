"""The regression gate's verdicts: a check run's KPIs judged against thresholds and baseline.

A scenario's ``expect:`` block (:class:`sim.config.scenario.Expect`) states thresholds such as
``urban_10min: ">= 0.90"``. ``run.py check`` simulates the scenario with the block's fixed seed,
days and replications, then judges every KPI it watches twice:

* **threshold**: the one-sided confidence bound at ``expect.confidence`` must lie on the right
  side: for ``>= 0.90`` at 95%, the lower bound of the two-sided 90% interval every output uses
  must be at least 0.90 (:func:`sim.results.verdict.judge`: for a proportion of orders a Wilson
  interval with the replications' spread, inside 0-100%; otherwise Student t). A policy
  therefore passes only when it is *shown* to meet its threshold, not merely estimated to,
  except at the edge of what the KPI can be (``<= 0``, ``>= 100%`` of orders): there every
  replication exactly at the threshold is *met* whatever the bound (the rule of
  :func:`sim.results.verdict.judge`). With ``expect.uncertain: pass`` an interval that
  straddles the threshold passes too, and only a promise shown missed (the upper bound below
  0.90) fails.
* **baseline**: the committed baseline (``results/baselines/<name>.json``) holds each
  replication's KPI values for the same seeds. The new values are compared replication by
  replication (common random numbers; unchanged config -> differences exactly 0). The check
  fails only when the KPI is significantly worse (one-sided, ``expect.significance``) **by at
  least the minimum effect** (0.02 for shares, else 10% of the baseline mean and at least 1
  unit): the confidence bound of the worsening, not just its estimate, must reach the minimum
  effect. Noise, or a real change smaller than the minimum effect, therefore fails a KPI with
  probability at most ``significance``. A run whose seed, days, warm-up, drain or start
  weekday differs from the baseline's (or whose baseline does not record them) loses the
  pairing: ``run.py check`` refuses it as invalid input before simulating
  (:func:`sim.gate.policy.pairing_problems`), since Welch's unpaired interval is several times
  wider. :func:`evaluate` given such a baseline compares with Welch's interval: ``check`` does
  so only with ``--update-baselines``, to show how far the values it accepts moved. The gate
  fails closed: a KPI undefined where the baseline has a value, a KPI left with too few values
  for an interval where the baseline has enough, a KPI with values where the baseline has
  none, or a watched KPI the baseline lacks, fails. Every failure line ends with what to do.

The thresholds and minimum effects come from :mod:`sim.gate.expectations`, the committed
values from :mod:`sim.gate.baseline`; the verdicts (:class:`Outcome`, :class:`Checked`) go to
:mod:`sim.gate.report` and :mod:`sim.gate.junit`. No simulation happens here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from sim.config.scenario import Expect, Scenario
from sim.gate.baseline import Baseline
from sim.gate.expectations import (
    NOT_APPLICABLE,
    Threshold,
    kpi_info,
    min_effect,
    not_applicable,
    thresholds,
    watched,
)
from sim.reporting.formatting import rounds_to_zero, share_target, with_unit
from sim.results.stats import paired_difference, unpaired_difference
from sim.results.verdict import judge

# what to do, ending every failure line (docs/ci.md, "Reports")
ACCEPT = "if the change is meant, accept it with --update-baselines and commit the baseline"
RELAX = (
    "if the change is meant, change the threshold in the policy file (the scenario or the one it "
    "extends), in review, with --update-baselines"
)
MORE_REPS = "more replications (expect.reps) narrow the interval"
NO_ORDERS = "expected orders of its kind, or the KPI declared 'n/a' in review"


@dataclass
class Outcome:
    """The verdict on one KPI of one scenario (a JUnit test case)."""

    scenario: str
    kpi: str
    unit: str
    estimate: float
    threshold: Threshold | None = None
    bound: float = math.nan  # one-sided confidence bound facing the threshold (far one if missed)
    bound_side: str = ""  # lower or upper
    verdict: str = ""  # against the threshold: met, uncertain, missed, few, undefined or not applicable
    declared_na: bool = False  # the expect block declares the KPI "n/a"
    promise: str = ""  # against the scenario's target (kpis.json's verdict), "" without one
    promise_text: str = ""  # that target and the 95% interval, e.g. ">= 90.0%: 97.1% [96.0%, 98.0%]"
    threshold_failed: bool = False
    comparison: str = ""  # "paired", "welch", or why there is none
    difference: dict[str, float] = field(default_factory=dict)  # new - baseline
    effect: float = math.nan
    baseline_failed: bool = False
    accepted: bool = False  # a baseline failure accepted by --update-baselines
    messages: list[str] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return self.threshold_failed or (self.baseline_failed and not self.accepted)


def fmt(
    value: float, unit: str, difference: bool = False, signed: bool = False, unit_shown: bool = True
) -> str:
    """A KPI value for messages and the gate's table: shares in percent, differences of shares
    in points, anything else with two decimals (a threshold's digits) and its unit
    (``38.94 orders/week``; not with ``unit_shown=False``, for a number whose unit is written
    once beside it, as in an interval). A value that rounds to 0 has no sign, as in every
    table (:func:`sim.reporting.formatting.rounds_to_zero`): never ``-0.0 pp``."""
    if value is None or math.isnan(value):
        return "n/a"
    sign = "+" if signed else ""
    if unit == "share":
        text = f"{value * 100:{sign}.1f} pp" if difference else f"{value:.1%}"
    else:
        text = f"{value:{sign},.2f}"
    if math.isfinite(value) and rounds_to_zero(text):
        text = text.lstrip("+-")
    return with_unit(text, unit) if unit_shown else text


def fmt_target(value: float, unit: str, unit_shown: bool = True) -> str:
    """A threshold or a promise's target as :func:`fmt` writes a value, but a share with every
    digit it has (:func:`sim.reporting.formatting.share_target`, as every output writes a share
    target): a threshold of 94.75% is not shown as 94.8%."""
    if unit != "share" or value is None or math.isnan(value):
        return fmt(value, unit, unit_shown=unit_shown)
    return with_unit(share_target(value), unit) if unit_shown else share_target(value)


def judge_threshold(
    out: Outcome, values: np.ndarray, threshold: Threshold, expect: Expect, orders: int | None = None
) -> None:
    """Judge ``out`` against ``threshold`` with one-sided bounds at ``expect.confidence``: the
    interval of :func:`sim.results.verdict.judge` at ``2 * confidence - 1`` two-sided (the same
    method as every output's; ``orders``: the orders a proportion counted in all).

    *met*: the bound facing the threshold is on the right side, or the threshold is at the
    KPI's edge and every replication exactly at it (:func:`sim.results.verdict.at_edge`, whatever
    the bound); *missed*: even the far bound is
    on the wrong side (the KPI is significantly worse than the threshold); *uncertain*: the
    interval straddles the threshold, which fails unless ``expect.uncertain`` is ``pass``.
    """
    confidence = expect.confidence
    j = judge(values, out.unit, threshold.op, threshold.value, orders, 2 * confidence - 1)
    near, far = (j.low, j.high) if threshold.higher_is_better else (j.high, j.low)
    out.threshold, out.bound = threshold, near
    out.bound_side = "lower" if threshold.higher_is_better else "upper"
    wanted = f"{threshold.op} {fmt_target(threshold.value, out.unit)}"
    if j.verdict == "n/a":
        out.verdict, out.threshold_failed = "undefined", True
        out.messages.append(
            f"{out.scenario}: {out.kpi}: undefined in every replication (no "
            f"orders of its kind); threshold {wanted} cannot be shown met; {NO_ORDERS}"
        )
        return
    if j.verdict == "few":
        out.verdict, out.threshold_failed = "few", expect.uncertain == "fail"
        if out.threshold_failed:
            out.messages.append(
                f"{out.scenario}: {out.kpi} = {fmt(out.estimate, out.unit)} from {j.n} replication: "
                f"a verdict needs at least 2 replications; threshold {wanted} cannot be shown met; "
                f"{MORE_REPS}"
            )
        return
    if j.verdict == "met":
        out.verdict = "met"
        return
    missed = j.verdict == "missed"
    out.verdict = j.verdict
    out.threshold_failed = missed or expect.uncertain == "fail"
    if missed:  # report the far bound: even it is on the wrong side
        out.bound = far
        out.bound_side = "upper" if threshold.higher_is_better else "lower"
    if out.threshold_failed:
        what = "misses the threshold" if missed else "is not shown to meet the threshold"
        action = RELAX if missed else f"{MORE_REPS}; {RELAX}"
        out.messages.append(
            f"{out.scenario}: {out.kpi} = {fmt(out.estimate, out.unit)} ({confidence:.0%} "
            f"{out.bound_side} bound {fmt(out.bound, out.unit)}, {j.n} replications) {what} "
            f"{wanted}; {action}"
        )


def judge_not_applicable(out: Outcome, values: np.ndarray) -> None:
    """Fail ``out`` unless its KPI, declared ``"n/a"``, is undefined in every replication."""
    defined = int(np.sum(~np.isnan(values)))
    out.verdict, out.declared_na = "not applicable", True
    if defined:
        out.verdict, out.threshold_failed = "missed", True
        out.messages.append(
            f"{out.scenario}: {out.kpi} is declared {NOT_APPLICABLE!r} but has orders in {defined} of "
            f"{len(values)} replications (mean {fmt(out.estimate, out.unit)}); expected no orders "
            "of its kind, or a threshold instead of n/a"
        )


def judge_baseline(out: Outcome, new: np.ndarray, base: np.ndarray, paired: bool, expect: Expect) -> None:
    """Fail ``out`` when the KPI is significantly worse than the baseline by the minimum effect,
    or when it cannot be shown not worse: undefined (NaN) where the baseline has a value (paired:
    in any replication; unpaired: in every one), or left with too few values for an interval
    (fewer than 2 pairs, or fewer than 2 values unpaired) where the baseline has at least 2,
    or defined in any replication where the baseline has no value at all. A KPI the baseline
    itself has a single value of is not compared (``too few values``)."""
    direction = kpi_info(out.kpi)[2]
    if direction == 0:
        out.comparison = "neutral KPI"
        return
    level = 1 - 2 * expect.significance
    out.comparison = "paired" if paired else "welch"
    if paired:
        n = min(len(new), len(base))
        lost = int(np.sum(np.isnan(new[:n]) & ~np.isnan(base[:n])))
    else:  # no replication to replication match: only a KPI gone from every one is known lost
        n = len(new)
        lost = n if np.all(np.isnan(new)) and np.any(~np.isnan(base)) else 0
    if lost:  # a KPI that lost its orders cannot be shown not worse: fail closed
        out.baseline_failed = True
        out.messages.append(
            f"{out.scenario}: {out.kpi} is undefined in {lost} of {n} replications "
            f"({out.comparison}) where the baseline has a value (no orders of its kind); {ACCEPT}"
        )
        return
    if not np.any(~np.isnan(base)) and np.any(~np.isnan(new)):  # nothing accepted to compare with
        out.baseline_failed = True
        out.messages.append(
            f"{out.scenario}: {out.kpi} = {fmt(out.estimate, out.unit)} has a value in "
            f"{int(np.sum(~np.isnan(new)))} of {len(new)} replications, but the baseline has no "
            f"value for it (no orders of its kind), so it cannot be shown not worse; {ACCEPT}"
        )
        return
    d = (
        paired_difference(base[:n], new[:n], level, out.unit)
        if paired
        else unpaired_difference(base, new, level, out.unit)
    )
    out.difference = d
    out.effect = min_effect(out.kpi, expect, float(np.nanmean(base)) if np.any(~np.isnan(base)) else math.nan)
    if d["n"] < 2 or math.isnan(d["half_width"]):
        out.comparison += ", too few values"
        known = int(np.sum(~np.isnan(base)))
        if known >= 2:  # the baseline could be tested, this run cannot: unsure, so fail closed
            defined = int(np.sum(~np.isnan(new)))
            kind = "paired" if paired else "unpaired (Welch)"
            out.baseline_failed = True
            out.messages.append(
                f"{out.scenario}: {out.kpi} has a value in {defined} of {len(new)} replications, "
                f"too few for the {kind} comparison with the baseline ({known} values): it cannot "
                f"be shown not worse; expected values in at least 2 replications; {ACCEPT}"
            )
        return
    worse_bound = d["high"] if direction > 0 else d["low"]  # bound nearest "not worse"
    least_worsening = -direction * worse_bound  # worse by at least this, at 1 - significance
    if least_worsening > 0 and least_worsening >= out.effect:
        out.baseline_failed = True
        base_mean = float(np.nanmean(base))
        out.messages.append(
            f"{out.scenario}: {out.kpi} = {fmt(out.estimate, out.unit)} is worse than the "
            f"baseline {fmt(base_mean, out.unit)}: {out.comparison} difference "
            f"{fmt(d['mean'], out.unit, True, True)} ({1 - expect.significance:.0%} bound "
            f"{fmt(worse_bound, out.unit, True, True)}), minimum effect "
            f"{fmt(out.effect, out.unit, True)}; {ACCEPT}"
        )


def evaluate(
    scenario: Scenario,
    seed: int,
    values: dict[str, list[float]],
    baseline: Baseline | None,
    missing: str = "",
    orders: dict[str, int] | None = None,
    promises: dict[str, tuple[str, float]] | None = None,
) -> list[Outcome]:
    """Judge every watched KPI of one checked scenario against thresholds and the baseline.

    ``values`` holds each KPI's per-replication values of the check run (seed ``seed``, days
    ``scenario.run.days``). A baseline the run does not pair with
    (:meth:`sim.gate.baseline.Baseline.pairs_with`) is compared unpaired (Welch); the gate
    refuses such a run unless it re-makes the baseline (:func:`sim.gate.policy.pairing_problems`).
    ``missing`` (when not empty) is why a missing baseline fails every
    KPI (a new scenario must be accepted explicitly), and a watched KPI the baseline lacks
    fails too; empty when they are allowed. A KPI undefined (NaN) where the baseline has a
    value fails (:func:`judge_baseline`). ``orders``:
    per proportion KPI, the orders it counted over the replications (its interval's binomial part);
    ``promises``: the scenario's targets (:func:`sim.results.verdict.kpi_targets`), whose
    verdict (kpis.json's, at 95%) each outcome also carries.
    """
    expect = scenario.expect
    orders = orders or {}
    promises = promises or {}
    limits = {t.kpi: t for t in thresholds(expect)}
    void = set(not_applicable(expect))
    run = scenario.run
    paired = baseline is not None and baseline.pairs_with(
        seed, run.days, run.warmup_days, run.drain_days, run.start_weekday
    )
    outcomes = []
    for kpi in watched(expect):
        new = np.asarray(values.get(kpi, []), dtype=float)
        unit = kpi_info(kpi)[1]
        mean = float(np.nanmean(new)) if np.any(~np.isnan(new)) else math.nan
        out = Outcome(scenario.name, kpi, unit, mean)
        if kpi in limits:
            judge_threshold(out, new, limits[kpi], expect, orders.get(kpi))
        elif kpi in void:
            judge_not_applicable(out, new)
        if kpi in promises:
            op, target = promises[kpi]
            j = judge(new, unit, op, target, orders.get(kpi))
            out.promise = j.verdict
            bare = {"unit": unit, "unit_shown": False}  # the unit once, at the end
            interval = f" [{fmt(j.low, **bare)}, {fmt(j.high, **bare)}]" if j.n > 1 else ""
            out.promise_text = with_unit(
                f"{op} {fmt_target(target, **bare)}: {fmt(j.mean, **bare)}{interval}", unit
            )
        if baseline is None:
            out.comparison = "no baseline"
            if missing:
                out.baseline_failed = True
                out.messages.append(f"{scenario.name}: {kpi}: {missing}")
        elif kpi not in baseline.kpis:
            out.comparison = "not in baseline"
            if missing:  # as a missing baseline: a KPI never accepted cannot be compared
                out.baseline_failed = True
                out.messages.append(
                    f"{scenario.name}: {kpi}: not in the baseline; a KPI new to the watch list "
                    "needs --allow-new, or the baseline accepted with --update-baselines and committed"
                )
        else:
            judge_baseline(out, new, np.asarray(baseline.kpis[kpi], dtype=float), paired, expect)
        outcomes.append(out)
    return outcomes


@dataclass
class Checked:
    """One scenario file as checked: its settings, its outcomes, or why it is invalid input."""

    path: str
    scenario: str = ""
    seed: int | None = None
    days: float = math.nan
    reps: int = 0
    note: str = ""  # how the baseline was used
    outcomes: list[Outcome] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # invalid input, one line each

    @property
    def failed(self) -> bool:
        return any(o.failed for o in self.outcomes)


def exit_status(checked: list[Checked]) -> int:
    """2 when any input was invalid, else 1 when any KPI failed, else 0."""
    if any(c.errors for c in checked):
        return 2
    return 1 if any(c.failed for c in checked) else 0
