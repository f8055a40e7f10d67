"""What a scenario's ``expect:`` block promises the regression gate, and its checks (no simulation).

The block (:class:`sim.config.scenario.Expect`) states thresholds such as ``urban_10min:
">= 0.90"`` or ``"n/a"`` (the KPI has no orders of its kind), the KPIs watched against the
baseline, and minimum effects. Here are the KPI names it may use (``kpi_info``, including
``town.<pinyin>.compliance``), the parsed thresholds, the problems of an invalid block (reported
by :func:`sim.config.validate.check`) and the minimum effect of each KPI with its defaults.
:mod:`sim.gate.check` judges a run against them; :mod:`sim.gate.policy` keeps a config from
relaxing them.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from sim.config.errors import Problem, UserError, closest
from sim.config.scenario import Expect, Scenario
from sim.results.kpi_catalogue import HEADLINE, KPI_INFO, TOWN_KPI, TOWN_KPI_PARTS, kpi_info
from sim.world.geography import read_towns

OPS = (">=", "<=", ">", "<")
SHARE_MIN_EFFECT = 0.02
RELATIVE_MIN_EFFECT = 0.10
ABSOLUTE_MIN_EFFECT = 1.0
NOT_APPLICABLE = "n/a"
_THRESHOLD = re.compile(r"\s*(>=|<=|>|<)\s*([-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?)\s*")


@dataclass(frozen=True)
class Threshold:
    """A promise on one KPI: ``kpi op value`` (e.g. urban_10min >= 0.90)."""

    kpi: str
    op: str
    value: float

    @property
    def higher_is_better(self) -> bool:
        """Whether the KPI should lie above the value (``>=``, ``>``) rather than below."""
        return self.op in (">=", ">")


def parse_threshold(kpi: str, text: str) -> tuple[Threshold | None, str]:
    """Parse ``"OP VALUE"``; return (threshold, "") or (None, what is wrong; what is expected).

    ``"n/a"`` (:data:`NOT_APPLICABLE`) is valid too and gives (None, ""): the scenario declares
    that the KPI has no orders of its kind (see :func:`not_applicable`)."""
    if text.strip() == NOT_APPLICABLE:
        return None, ""
    match = _THRESHOLD.fullmatch(text)
    if not match:
        return None, (
            f'{text!r} is not a threshold; expected text like ">= 0.90" (one of '
            f"{', '.join(OPS)}, then a number), quoted in YAML, or {NOT_APPLICABLE!r}"
        )
    value = float(match[2])
    if kpi_info(kpi)[1] == "share" and not 0 <= value <= 1:
        return None, f"{value:g} is not a share; expected a number from 0 to 1 (0.90 means 90%)"
    return Threshold(kpi, match[1], value), ""


def towns_of(scenario: Scenario) -> list[str] | None:
    """Town names (pinyin) of the scenario's towns CSV; None when it cannot be read."""
    try:
        rows, _ = read_towns(scenario.geography)
    except UserError:
        return None
    return [r["pinyin"] for r in rows]


def _name_problem(name: str, towns: list[str] | None) -> str:
    """Why ``name`` is not a KPI ("" when it is one), with a did-you-mean."""
    if name in KPI_INFO:
        return ""
    match = TOWN_KPI.fullmatch(name)
    if match and (towns is None or match[1] in towns):
        return ""
    known = list(KPI_INFO) + [f"town.{t}.{part}" for t in towns or [] for part in TOWN_KPI_PARTS]
    close = closest(name, known)
    if match:
        hint = f"did you mean {close!r}?" if close else "expected a town of the towns CSV"
        return f"unknown town {match[1]!r}; {hint}"
    hint = (
        f"did you mean {close!r}?"
        if close
        else "expected a KPI name (see docs/ci.md) or town.<pinyin>.compliance"
    )
    return f"unknown KPI; {hint}"


def expect_problems(scenario: Scenario) -> list[Problem]:
    """Problems in the scenario's ``expect:`` block: KPI names, threshold texts, watch list."""
    return block_problems(scenario.expect, scenario.source, towns_of(scenario))


def block_problems(e: Expect, src: str, towns: list[str] | None, prefix: str = "expect") -> list[Problem]:
    """Problems in an ``expect:`` block ``e`` of the file ``src`` beyond its types and ranges
    (which :func:`sim.config.loader.convert` checks): KPI names (a town KPI against ``towns``,
    any town when None), threshold texts and the watch list, each named ``PREFIX.key``. A
    scenario's block and the policy recorded in a baseline (``prefix="policy"``,
    :func:`sim.gate.policy.read_policy`) are held to the same rules."""
    out = []
    for name, text in e.kpis.items():
        why = _name_problem(name, towns) or parse_threshold(name, text)[1]
        if why:
            out.append(Problem(src, None, f"{prefix}.kpis.{name}", why))
    for name in e.min_effect:
        why = _name_problem(name, towns)
        if why:
            out.append(Problem(src, None, f"{prefix}.min_effect.{name}", why))
    for k, name in enumerate(e.watch or []):
        why = _name_problem(name, towns)
        if not why and kpi_info(name)[2] == 0:
            why = (
                f"{name} has no better direction (neither higher nor lower is worse); "
                f"expected a KPI that can get worse, or a threshold in {prefix}.kpis"
            )
        if why:
            out.append(Problem(src, None, f"{prefix}.watch[{k}]", why))
    return out


def thresholds(expect: Expect) -> list[Threshold]:
    """The parsed thresholds of a valid ``expect:`` block, in the file's order."""
    return [t for t, _ in (parse_threshold(k, v) for k, v in expect.kpis.items()) if t]


def not_applicable(expect: Expect) -> list[str]:
    """KPIs the ``expect:`` block declares ``"n/a"``: a variant without a channel (e.g. no
    paired units, so no pairing projects) declares its parent's threshold on that channel's KPI
    not applicable. The gate holds it to that: the KPI must be undefined (no orders of its kind)
    in every replication, else the check fails, so the declaration cannot hide a regression."""
    return [k for k, v in expect.kpis.items() if v.strip() == NOT_APPLICABLE]


def watched(expect: Expect) -> list[str]:
    """KPIs the check reports: those with a threshold, then the watch list (default: headline)."""
    names = list(expect.kpis)
    for name in HEADLINE if expect.watch is None else expect.watch:
        if name not in names:
            names.append(name)
    return names


def min_effect(kpi: str, expect: Expect, baseline_mean: float) -> float:
    """Smallest worsening (in the KPI's unit) that fails the baseline comparison."""
    if kpi in expect.min_effect:
        return expect.min_effect[kpi]
    if kpi_info(kpi)[1] == "share":
        return SHARE_MIN_EFFECT
    if math.isnan(baseline_mean):
        return ABSOLUTE_MIN_EFFECT
    return max(ABSOLUTE_MIN_EFFECT, RELATIVE_MIN_EFFECT * abs(baseline_mean))
