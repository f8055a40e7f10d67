"""What the headline numbers depend on: a sensitivity study of the promise KPIs to the assumed
numbers, one at a time and two together.

Each assumption (:mod:`sim.experiments.assumptions`) is set to the low and the high end of its
range, one at a time, and the report shows how far each moves the headline KPIs (docs/kpis.md,
:data:`HEADLINE`): the urban 10-minute share by acceptance (``urban_10min_acceptance``,
which is ``urban_10min`` unless a scenario counts arrivals) and by arrival at the door
(``urban_10min_arrival``), rural same day (``rural_same_day``) and the orders open at
the first midnight after placing, per 1,000 (``open_overnight_per_1000``).

The default and every variant run with the same seed and replications (common random numbers),
so replication i of each sees the same orders wherever the variant does not change them; the
differences (variant - default: percentage points for a share, per 1,000 orders for the
overnight count) and their 95% intervals come from the compare machinery
(:func:`sim.experiments.compare.compare_arms`), each variant against the default on its own,
or all together Bonferroni-adjusted over the variants times the table's KPIs, so that all
the table's intervals hold together at 95% (``simultaneous``). :func:`effects` ranks the
assumptions by their largest absolute effect on any of the four KPIs, both sides together (a
tornado ranking; the overnight count divided by 10 to be a percentage of the orders too), or
by the effect on one KPI of the run's table (``rank_by``: a headline KPI, any other of
:data:`sim.results.kpi_catalogue.KPI_INFO` or a town's ``town.<pinyin>.<part>``; one outside the
headline is shown as a fifth column, :func:`columns`).
Every variant is the scenario with its keys overridden (:mod:`sim.config.overrides`), loaded
and so checked before anything runs.

Two at a time: the 2x2 corners of a pair of assumptions (A low/high x B low/high, both sides'
overrides set together) run with the same seed and replications as the default; per headline
KPI :func:`interaction` gives each corner's paired difference from the default with its 95%
interval, and the interaction contrast c_i = y_hh,i - y_hl,i - y_lh,i + y_ll,i per replication
(A's side first), summarised by its mean and Student-t 95% interval.

:func:`run_study` runs it all and returns the numbers; it prints nothing itself (its progress
lines go to the ``log`` its caller gives, the replications' progress bar to
:mod:`sim.reporting.progress`) and writes no file. The report is
:mod:`sim.experiments.sensitivity_report`'s; the command line is ``scripts/sensitivity.py``.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sim.config.errors import UserError, closest
from sim.config.load import load_scenario
from sim.config.scenario import Scenario
from sim.experiments.assumptions import ASSUMPTIONS, Assumption, value_of
from sim.experiments.compare import compare_arms
from sim.experiments.compare_inputs import Arm, simulate_arm
from sim.reporting.formatting import plural
from sim.reporting.progress import Progress
from sim.results.kpi_catalogue import KPI_INFO, TOWN_KPI_PARTS, kpi_info
from sim.results.stats import summarise
from sim.world.geography import build_places

# (KPI, column title, a share?, short name) in the table's order
HEADLINE = (
    ("urban_10min_acceptance", "urban 10 min (acceptance), pp", True, "acceptance"),
    ("urban_10min_arrival", "urban 10 min (arrival), pp", True, "arrival"),
    ("rural_same_day", "rural same day, pp", True, "rural"),
    ("open_overnight_per_1000", "open overnight, per 1,000", False, "overnight"),
)
# what a difference is shown in, by the KPI's unit (percentage points for a share)
UNIT_WORDS = {"share": "pp", "per 1,000 orders": "per 1,000"}


def unit_word(kpi: str) -> str:
    """The unit a KPI's differences are shown in: ``pp`` for a share (its differences x 100),
    ``per 1,000`` for a KPI per 1,000 orders, else the KPI's unit (``minutes``...)."""
    unit = kpi_info(kpi)[1]
    return UNIT_WORDS.get(unit, unit)


def points(kpi: str) -> float:
    """The factor that puts a KPI's difference on the ranking's common scale, points of the
    orders: 100 for a share, 0.1 for a KPI per 1,000 orders, 1 for any other (minutes,
    orders a week: never compared across KPIs, only ranked by one)."""
    return {"pp": 100.0, "per 1,000": 0.1}.get(unit_word(kpi), 1.0)


def columns(rank_by: str | None = None) -> tuple[tuple[str, str, bool, str], ...]:
    """The table's KPIs, as :data:`HEADLINE` (KPI, column title, a share?, short name): the
    headline KPIs, and ``rank_by`` after them when it is another KPI, so that the effect the
    rows are ranked by is in the table."""
    if rank_by is None or rank_by in (k for k, *_ in HEADLINE):
        return HEADLINE
    return (*HEADLINE, (rank_by, f"{rank_by}, {unit_word(rank_by)}", unit_word(rank_by) == "pp", rank_by))


def check_rank_by(scenario: Scenario, rank_by: str | None) -> None:
    """Refuse (UserError, one line naming the choices) a ``rank_by`` that is no KPI of a run's
    table, before anything runs: a KPI of :data:`sim.results.kpi_catalogue.KPI_INFO` (an
    extension's included) or ``town.<pinyin>.<part>`` with a town of the scenario's towns CSV and
    part one of :data:`sim.results.kpi_catalogue.TOWN_KPI_PARTS`. Whether the town has orders for
    that part (a town of rural places only has no ``urban_10min``) shows once the default has
    run (:func:`check_ranked_values`)."""
    if rank_by is None or rank_by in KPI_INFO:
        return
    towns = build_places(scenario)[0].pinyin
    town, _, part = rank_by.removeprefix("town.").rpartition(".")
    if rank_by.startswith("town.") and town in towns and part in TOWN_KPI_PARTS:
        return
    known = [*KPI_INFO, *(f"town.{t}.{p}" for t in towns for p in TOWN_KPI_PARTS)]
    close = closest(rank_by, known)
    shown = ", ".join(towns[:20]) + (f" and {len(towns) - 20} more" if len(towns) > 20 else "")
    raise UserError(
        f"--rank-by {rank_by}: not a KPI of the run's table"
        + (f" (did you mean {close}?)" if close else "")
        + f"; expected one of {', '.join(KPI_INFO)}, or town.<pinyin>.<part> with a town of "
        f"{scenario.name} ({shown}) and part one of {', '.join(TOWN_KPI_PARTS)}"
    )


def check_ranked_values(base: Arm, rank_by: str | None) -> None:
    """Refuse (UserError, one line naming the default's KPIs that have values) a ``rank_by``
    the default's run does not compute, or for which no replication has a value (no orders it
    counts: a town's part of a zone it has no places of, a surge's KPI without a surge), once
    the default has run and before the variants do: no variant could be ranked by it."""
    if rank_by is None:
        return
    first = base.replications[0]
    values = [rep.get(rank_by, math.nan) for rep in base.replications]
    if rank_by in first and not all(math.isnan(v) for v in values):
        return
    why = (
        "the default's run has no such KPI"
        if rank_by not in first
        else "no replication of the default has a value"
    )
    valid = [k for k in first if not all(math.isnan(rep[k]) for rep in base.replications)]
    raise UserError(f"--rank-by {rank_by}: {why}; expected one of its KPIs with values: {', '.join(valid)}")


@dataclass(frozen=True)
class Variant:
    """One side of an assumption: its overrides ({dotted key: value}), the scenario they make
    (loaded and checked once) and how to show them."""

    assumption: Assumption
    side: str  # "low" or "high"
    overrides: dict[str, Any]
    scenario: Scenario
    shown: str  # the values, e.g. "0.236 (x0.75)"

    @property
    def label(self) -> str:
        """The variant's arm label, e.g. ``patience-low``."""
        return f"{self.assumption.name}-{self.side}"


# a pair's corners in this order: (A's side, B's side)
CORNERS = (("low", "low"), ("low", "high"), ("high", "low"), ("high", "high"))


@dataclass(frozen=True)
class Corner:
    """One corner of a pair's 2x2: a side of assumption A and a side of B set together (their
    overrides merged), and the scenario they make (loaded and checked once)."""

    a: Variant
    b: Variant
    scenario: Scenario

    @property
    def label(self) -> str:
        """The corner's arm label, e.g. ``patience-low+rural_timeout-high``."""
        return f"{self.a.label}+{self.b.label}"


def _number(value: float) -> str:
    return f"{value:.4g}"


def reversed_ends(a: Assumption, low: dict[str, Any], high: dict[str, Any]) -> None:
    """Refuse a ``--vary KEY=LOW,HIGH`` whose low end is above its high end (after multiples are
    resolved against the scenario's value): the report labels and ranks the sides ``low`` and
    ``high``, so ends given the other way round would be reported under each other's name."""
    for key in a.keys:
        if low[key] > high[key]:
            raise UserError(
                f"--vary {key}={a.low},{a.high}: the low end ({_number(low[key])}) is above the high "
                f"end ({_number(high[key])}); expected LOW,HIGH with LOW <= HIGH, e.g. "
                f"{key}={a.high},{a.low}"
            )


def variants(path: Path, scenario: Scenario, chosen: list[Assumption]) -> list[Variant]:
    """Both sides of every chosen assumption, each loaded (and so checked) once, before anything
    runs: a wrong key or value is refused at once."""
    out = []
    for a in chosen:
        for side, spec in (("low", a.low), ("high", a.high)):
            overrides = {key: value_of(scenario, path, key, spec) for key in a.keys}
            # a value out of range is the variant's, not the file's (whose line is right)
            given = "--vary" if a not in ASSUMPTIONS else f"sensitivity's {a.name}, {side} end {spec}"
            loaded = load_scenario(path, overrides=overrides, origins=dict.fromkeys(a.keys, (given, None)))
            values = ", ".join(dict.fromkeys(_number(v) for v in overrides.values()))
            shown = f"{values} ({spec})" if spec.startswith("x") else values
            out.append(Variant(a, side, overrides, loaded, shown))
        if a not in ASSUMPTIONS:  # (each end checked first: a value out of range is the first problem)
            reversed_ends(a, out[-2].overrides, out[-1].overrides)
    return out


def corners(
    path: Path, found: list[Variant], pairs: list[tuple[Assumption, Assumption]]
) -> list[list[Corner]]:
    """Every pair's four corners (in :data:`CORNERS`' order), each side's overrides those of the
    one-at-a-time variant ``found`` holds, the corner's scenario loaded (and so checked) once,
    before anything runs."""
    side = {(v.assumption, v.side): v for v in found}
    out = []
    for a, b in pairs:
        four = []
        for sa, sb in CORNERS:
            va, vb = side[a, sa], side[b, sb]
            four.append(Corner(va, vb, load_scenario(path, overrides={**va.overrides, **vb.overrides})))
        out.append(four)
    return out


def run_arm(
    scenario: Scenario, path: Path, label: str, seed: int, reps: int, days: float, jobs: int, bar: Progress
) -> Arm:
    """``scenario`` (loaded from ``path``), simulated as ``compare`` simulates an arm (the
    common ``seed``, ``reps`` replications of ``days`` measured days each, in ``jobs`` worker
    processes, counted on ``bar``), as a comparison's arm labelled ``label``."""
    return simulate_arm(scenario, str(path), seed, reps, days, jobs, progress=bar, label=label)


def against_default(result: dict, label: str, shown: tuple = HEADLINE) -> dict:
    """The arm ``label`` of a comparison's ``result`` (:func:`compare_arms`, the default first):
    each of the ``shown`` KPIs' (:func:`columns`) paired difference from the default (a share's
    as a fraction, the overnight count per 1,000 orders, any other in its unit) with its
    interval and verdict, the arm's own estimates, and the KPIs whose counted orders differ from
    the default's."""
    j = result["scenarios"].index(label) - 1
    return {
        "effects": {
            k: {x: result["kpis"][k]["differences"][j][x] for x in ("mean", "low", "high", "verdict")}
            for k, *_ in shown
        },
        "estimates": {
            k: {x: result["kpis"][k]["estimates"][j + 1][x] for x in ("mean", "low", "high")}
            for k, *_ in shown
        },
        "other_orders": [k for k, *_ in shown if k in result["notes"]],
    }


# the default's estimate of a KPI as sensitivity.json keeps it: its interval and, for a KPI the
# scenario holds to a target, the comparison's judgement (sim.results.verdict.judge: the target
# and the verdict run gives the same replications; at_edge and n for an edge met's note)
DEFAULT_KEYS = ("mean", "low", "high", "n", "target", "target_op", "verdict", "at_edge")


def default_estimate(kpis: dict, name: str, event: str | None) -> dict:
    """The default's estimate of KPI ``name`` (of a comparison's ``kpis``) with
    :data:`DEFAULT_KEYS`. The urban share in the reading the promise counts (``event``,
    ``targets.urban_response_event``) is ``urban_10min`` itself, which holds the target: it
    takes that judgement, so that its verdict is the one ``run`` gives ``urban_10min``."""
    e = kpis[name]["estimates"][0]
    if "target" not in e and event and name == f"urban_10min_{event}" and "urban_10min" in kpis:
        judged = kpis["urban_10min"]["estimates"][0]
        e = {**e, **{x: judged[x] for x in ("target", "target_op", "verdict", "at_edge") if x in judged}}
    return {x: e[x] for x in DEFAULT_KEYS if x in e}


def effects(
    base: Arm, chosen: list[Variant], result_of: list[dict], scenario: str, rank_by: str | None = None
) -> dict:
    """The study's numbers: the default's estimates of the headline KPIs (with the interval every
    output reports) and, per variant, its own estimates and each KPI's paired difference (variant
    - default: a share's as a fraction, the overnight count per 1,000 orders) with its interval.
    The variants are ranked by their assumption's largest absolute effect on any of the KPIs, or
    on ``rank_by`` alone, a KPI of the run's table, shown after the headline ones when it is
    not one of them (:func:`columns`) (``largest``: its KPI, its difference and its size on the
    common scale, points of the orders: the overnight count divided by 10), each assumption's
    sides together."""
    shown = columns(rank_by)
    rows = []
    for result, v in zip(result_of, chosen):
        rows.append(
            {
                "assumption": v.assumption.name,
                "what": v.assumption.what,
                "side": v.side,
                "spec": v.assumption.low if v.side == "low" else v.assumption.high,
                "value": v.shown,
                "overrides": v.overrides,
                **against_default(result, v.label, shown),
            }
        )
    largest: dict[str, dict] = {}
    for row in rows:
        for k, *_ in shown:
            m = abs(row["effects"][k]["mean"]) * points(k)
            if rank_by not in (None, k) or math.isnan(m):
                continue
            top = largest.setdefault(row["assumption"], {"kpi": k, "difference": 0.0, "size": -1.0})
            if m > top["size"]:
                top.update(kpi=k, difference=row["effects"][k]["mean"], size=m)
    rank = sorted(largest, key=lambda n: -largest[n]["size"])
    rank += [r["assumption"] for r in rows if r["assumption"] not in rank]  # every KPI NaN
    rows.sort(key=lambda r: rank.index(r["assumption"]))
    first = result_of[0]
    return {
        "scenario": scenario,
        "seed": base.seed,
        "reps": len(base.replications),
        "days": base.days,
        "difference_level": first["difference_level"],
        "default": {k: default_estimate(first["kpis"], k, base.urban_response_event) for k, *_ in shown},
        "ranked_by": rank_by or "any",
        "largest": {n: largest[n] for n in rank if n in largest},
        "rows": rows,
        "ranges": [
            {
                "assumption": a.name,
                "what": a.what,
                "keys": list(a.keys),
                "low": a.low,
                "high": a.high,
                "why": a.why,
            }
            for a in sorted(dict.fromkeys(v.assumption for v in chosen), key=lambda a: rank.index(a.name))
        ],
    }


def interaction(base: Arm, four: list[Corner], arms: list[Arm], level: float = 0.95) -> dict:
    """A pair's numbers: per corner (A's side x B's side, :data:`CORNERS`' order) its values, its
    paired difference from the default and its own estimates (:func:`against_default`), and per
    headline KPI the interaction contrast.

    The contrast is computed per replication i, from the four corners' values of the KPI under
    common random numbers: c_i = y_hh,i - y_hl,i - y_lh,i + y_ll,i (first letter A's side, second
    B's), that is A's effect (low -> high) with B high minus A's effect with B low (and, the same
    number, B's effect with A high minus with A low). Its mean, sd and Student-t interval at
    ``level`` over the replications (:func:`sim.results.stats.summarise`; a replication where
    the KPI is undefined in any corner is left out) are a share's as a fraction, the overnight
    count per 1,000 orders, like the differences. 0 means the two effects add up: moving both
    from one corner to the opposite one moves the KPI by the sum of moving each alone; c more
    (both the same way, low -> high or high -> low) or c less (opposite ways) otherwise."""
    a, b = four[0].a.assumption, four[0].b.assumption
    rows = []
    for corner, arm in zip(four, arms):
        result = compare_arms([base, arm], level)
        rows.append(
            {
                "corner": corner.label,
                "sides": [corner.a.side, corner.b.side],
                "values": [corner.a.shown, corner.b.shown],
                "overrides": {**corner.a.overrides, **corner.b.overrides},
                **against_default(result, corner.label),
                "replications": {k: [rep[k] for rep in arm.replications] for k, *_ in HEADLINE},
            }
        )
    contrast = {}
    for k, *_ in HEADLINE:
        ll, lh, hl, hh = (r["replications"][k] for r in rows)
        values = [y_hh - y_hl - y_lh + y_ll for y_ll, y_lh, y_hl, y_hh in zip(ll, lh, hl, hh)]
        s = summarise(values, level)
        contrast[k] = {**{x: s[x] for x in ("mean", "sd", "low", "high", "n")}, "replications": values}
    return {
        "a": {"assumption": a.name, "what": a.what},
        "b": {"assumption": b.name, "what": b.what},
        "level": level,
        "corners": rows,
        "interaction": contrast,
    }


def _quiet(line: str) -> None:
    pass


def run_study(
    path: Path,
    scenario: Scenario,
    shown: str,
    assumptions: list[Assumption],
    pairs: list[tuple[Assumption, Assumption]],
    *,
    seed: int,
    reps: int,
    days: float,
    jobs: int,
    simultaneous: bool = False,
    rank_by: str | None = None,
    log: Callable[[str], None] = _quiet,
) -> dict:
    """Simulate the default ``scenario`` (loaded from ``path``, named ``shown`` in the report),
    both sides of every one of ``assumptions`` and the four corners of every one of ``pairs``,
    each ``reps`` replications of ``days`` measured days under the common ``seed``; the study's
    numbers (:func:`effects`, with ``"pairs"``: each pair's :func:`interaction`).

    Every variant and corner is loaded (and so checked) before anything runs, so a wrong key or
    value is refused at once. ``simultaneous`` Bonferroni-adjusts the one-at-a-time intervals
    (every variant's KPIs in the table) to hold together (not the pairs'); ``rank_by`` ranks by
    one KPI's effect (:func:`check_rank_by` before anything runs, :func:`check_ranked_values`
    once the default has). Before each run a line for a person watching (what runs, the seconds so far)
    goes to ``log``, as :func:`sim.experiments.optimize.optimise` gives its own: the caller
    decides where."""
    check_rank_by(scenario, rank_by)
    chosen = variants(path, scenario, assumptions)
    squares = corners(path, chosen, pairs)
    bar = Progress(reps * (1 + len(chosen) + 4 * len(squares)), "sensitivity")
    start = time.monotonic()
    log(f"default: {plural(reps, 'replication')} x {plural(days, 'day')}")
    base = run_arm(scenario, path, "default", seed, reps, days, jobs, bar)
    check_ranked_values(base, rank_by)
    arms = []
    for i, v in enumerate(chosen, 1):
        log(
            f"[{i}/{len(chosen)}] {v.assumption.name} {v.side} ({v.shown}), "
            f"{time.monotonic() - start:.0f} s so far"
        )
        arms.append(run_arm(v.scenario, path, v.label, seed, reps, days, jobs, bar))
    pair_arms = []
    for i, four in enumerate(squares, 1):
        log(
            f"[pair {i}/{len(squares)}] {four[0].a.assumption.name} x {four[0].b.assumption.name}, "
            f"4 corners, {time.monotonic() - start:.0f} s so far"
        )
        pair_arms.append([run_arm(c.scenario, path, c.label, seed, reps, days, jobs, bar) for c in four])
    if simultaneous:
        result = compare_arms([base, *arms], kpis_per_variant=len(columns(rank_by)))
        result_of = [result] * len(arms)
    else:
        result_of = [compare_arms([base, arm]) for arm in arms]
    study = effects(base, chosen, result_of, shown, rank_by)
    study["pairs"] = [interaction(base, four, corner_arms) for four, corner_arms in zip(squares, pair_arms)]
    return study
