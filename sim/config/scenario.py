"""The scenario: everything a planner can set, as frozen dataclasses with every default filled.

The dataclasses of the schema are the single source of truth for the scenario language: the
loader (:mod:`sim.config.loader`) converts YAML into them field by field, the validator checks
each field's bounds from its metadata, and ``docs/scenarios.md`` is generated from the same
metadata, walking the schema from :class:`Scenario` down. This module holds the top-level
:class:`Scenario`, its default duty schedules and the sections that concern the whole scenario:
``targets:`` (the service promises), ``run:`` and ``expect:`` (the regression gate). Each other
section has a module named after it, all built from :mod:`sim.config.spec` (``spec()``,
``Dist``):

* :mod:`sim.config.geography`: ``geography:`` (places, towns, zones, travel, ferry);
* :mod:`sim.config.demand`: ``catalog:`` and ``demand:`` (items, order rates, appointments);
* :mod:`sim.config.teams`: ``teams:``, the duty ``Schedule`` and ``activities:`` (team levels);
* :mod:`sim.config.events`: ``events:`` (surges, call-ups, batched delivery);
* :mod:`sim.config.channels`: the service channels (``CHANNELS``) and ``pairing:``,
  ``packages:``, ``proxy:``, ``mediation:``;
* :mod:`sim.config.dispatch`: ``dispatch:`` (escalation, hand-up, alerts) and ``admin:``.

Times are minutes unless a name says otherwise (``*_hours``, ``*_days``, ``*_kmh``); clock
times of day are ``"HH:MM"`` strings. A tiny scenario::

    name: two-villages
    run: {days: 2, reps: 2}
    demand: {orders_per_1000_per_day: 1.5}
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from sim.config.channels import MediationRooms, Packages, Pairing, ProxyPoints
from sim.config.demand import Demand, Item
from sim.config.dispatch import Admin, Dispatch
from sim.config.events import Event
from sim.config.geography import Geography
from sim.config.spec import spec
from sim.config.teams import Activities, Schedule, Teams

MAX_SEED = 10**12  # root seeds: any whole number 0 .. 10**12 (as every YAML number)
MIN_DAYS = 1e-9  # measured days: a shorter window can vanish in rounding against the warm-up's
# minutes (up to 3660 days of them), leaving no time to divide the counts by


def _day(level_day: float, evening: float, night: float) -> list[float]:
    """24 hourly shares: night 0-7, day 7-19, evening 19-22, night 22-24."""
    return [night] * 7 + [level_day] * 12 + [evening] * 3 + [night] * 2


def _default_schedules() -> dict[str, Schedule]:
    """The duty schedules a scenario has unless it names its own (``schedules:``)."""
    return {
        "community": Schedule(_day(0.10, 0.07, 0.02), _day(0.12, 0.07, 0.02)),
        "village": Schedule(_day(0.07, 0.04, 0.0), _day(0.09, 0.04, 0.0)),
        "station": Schedule(_day(0.06, 0.03, 0.01), _day(0.05, 0.03, 0.01)),
        "center": Schedule(_day(0.10, 0.05, 0.03), _day(0.08, 0.05, 0.03)),
        "office": Schedule([0.0] * 8 + [0.15] * 10 + [0.0] * 6, [0.0] * 9 + [0.05] * 8 + [0.0] * 7),
        "paired": Schedule(
            [0.0] * 8 + [0.08] * 10 + [0.02] * 4 + [0.0] * 2, [0.0] * 8 + [0.1] * 10 + [0.02] * 4 + [0.0] * 2
        ),
    }


@dataclass(frozen=True)
class Targets:
    """The service promises measured by the KPIs."""

    urban_response_min: float = spec(10.0, "urban response promise", "minutes", gt=0, le=1440)
    urban_share: float = spec(
        0.90,
        "required share of urban orders responded within the promise (an assumption: the article "
        "gives no share; docs/assumptions.md)",
        "fraction",
        ge=0,
        le=1,
    )
    rural_share: float = spec(
        0.95,
        "required share of rural orders responded and closed by their same-day deadline",
        "fraction",
        ge=0,
        le=1,
    )
    professional_share: float = spec(
        0.95,
        "required share of professional orders closed by their same-day deadline, "
        "professional_same_day (an assumption: the article's same-day promise holds for every need "
        "outside the urban 10 minutes and gives no share; the rural share)",
        "fraction",
        ge=0,
        le=1,
    )
    event_share: float = spec(
        0.95,
        "required share of a surge event's delivered orders (events with a delivery setting) "
        "closed by the event's deadline, event_on_time (an assumption: the article gives a "
        "lockdown no promise; the rural share)",
        "fraction",
        ge=0,
        le=1,
    )
    same_day_cutoff: str = spec(
        "17:00", "orders placed at or after this time are due by the end of the next day"
    )
    day_end: str = spec("24:00", "end of the service day (deadline of same-day orders)")
    # --- how the KPIs count the promises (docs/kpis.md)
    urban_response_event: Literal["acceptance", "arrival"] = spec(
        "acceptance",
        "the event that counts as the urban response for urban_10min (urban_10min_acceptance and "
        "urban_10min_arrival report both)",
    )
    overnight_per_1000: float = spec(
        0.0,
        "most orders per 1,000 held to a same-day promise that may still be open at the first "
        "midnight after placing (原则上不过夜: none in principle)",
        "orders per 1,000",
        ge=0,
        le=1000,
    )


@dataclass(frozen=True)
class Run:
    """Run length, replications and seed."""

    days: float = spec(14.0, "measured days", "days", gt=0, le=3660)
    warmup_days: float = spec(1.0, "days simulated before measuring", "days", ge=0, le=3660)
    drain_days: float = spec(
        1.0,
        "days simulated after the last measured order is placed, so that it can close",
        "days",
        ge=0,
        le=3660,
    )
    reps: int = spec(3, "replications", "replications", ge=1, le=100_000)
    seed: int = spec(20220601, "root seed", "", ge=0, le=MAX_SEED)
    start_weekday: int = spec(0, "weekday of day 0 (0 = Monday)", "", ge=0, le=6)


@dataclass(frozen=True)
class Expect:
    """What the regression gate (``run.py check``) requires of this scenario, and its run.

    Each threshold is text ``"OP VALUE"`` (OP one of ``>=``, ``<=``, ``>``, ``<``; quote it in
    YAML, where a bare ``>`` starts folded text); the check fails when the one-sided confidence
    bound of the KPI lies on the wrong side. See docs/ci.md::

        expect:
          confidence: 0.95
          days: 7
          reps: 10
          kpis: {urban_10min: ">= 0.90", open_overnight_per_1000: "<= 60"}
    """

    kpis: dict[str, str] = spec(
        factory=dict,
        doc="thresholds by KPI name (a name of "
        'sim.results.kpi_catalogue.KPI_INFO or town.<pinyin>.compliance), as "OP VALUE" '
        'text, e.g. urban_10min: ">= 0.90"; "n/a" declares a KPI without orders in this scenario '
        "(the check fails if it has any)",
    )
    confidence: float = spec(
        0.95,
        "one-sided confidence with which each threshold must be shown met",
        "probability",
        gt=0.5,
        le=0.999,
    )
    days: float = spec(
        7.0, "measured days of each replication in the check (replaces run.days)", "days", gt=0, le=3660
    )
    reps: int = spec(10, "replications in the check (replaces run.reps)", "replications", ge=2, le=10_000)
    seed: int | None = spec(None, "root seed of the check; null = run.seed", "", ge=0, le=MAX_SEED)
    uncertain: Literal["fail", "pass"] = spec(
        "fail",
        "verdict when a KPI's confidence interval straddles its threshold: fail (the "
        "promise must be shown met) or pass (fail only when it is shown missed)",
    )
    significance: float = spec(
        0.01,
        "one-sided significance level of the paired comparison with the committed baseline",
        "probability",
        gt=0,
        le=0.5,
    )
    min_effect: dict[str, float] = spec(
        factory=dict,
        doc="smallest worsening against the baseline that fails the check, by KPI "
        "name; default 0.02 for shares, else 10% of the baseline mean and at least 1",
        unit="the KPI's unit",
        ge=0,
        le=1e6,
    )
    watch: list[str] | None = spec(
        None, "KPIs compared with the baseline besides those with a threshold; null = the headline KPIs"
    )


@dataclass(frozen=True)
class Scenario:
    """A complete scenario (all defaults filled)."""

    name: str = spec("scenario", "short name (used for the results folder)")
    title: str = spec("", "name shown in chart and briefing titles (default: name); not inherited by extends")
    title_zh: str = spec("", "Chinese name for titles (default: title); not inherited by extends")
    description: str = spec(
        "",
        "what the scenario is and what question it answers; not inherited by extends (a "
        "parent's description, its numbers included, would describe another scenario)",
    )
    description_zh: str = spec(
        "",
        "the description in Chinese, which the Chinese briefing quotes (without it, the Chinese "
        "briefing quotes none: description is English); not inherited by extends",
    )
    geography: Geography = spec(factory=Geography, doc="places, towns, zones, travel")
    catalog: list[Item] = spec(factory=list, doc="service items")
    demand: Demand = spec(factory=Demand, doc="order arrivals")
    schedules: dict[str, Schedule] = spec(factory=_default_schedules, doc="duty schedules")
    teams: Teams = spec(factory=Teams, doc="volunteer teams")
    pairing: Pairing = spec(factory=Pairing, doc="six-hundreds pairing")
    dispatch: Dispatch = spec(factory=Dispatch, doc="escalation ladder")
    events: list[Event] = spec(factory=list, doc="demand surges (lockdowns) with call-ups")
    packages: Packages = spec(factory=Packages, doc="tailored packages: recurring visits (套餐)")
    admin: Admin = spec(factory=Admin, doc="professional-order administrator")
    proxy: ProxyPoints | None = spec(
        None, "red proxy points and their errands (the proxy channel); null = none"
    )
    mediation: MediationRooms | None = spec(
        None, "village mediation rooms (the mediation channel's first tier); null = none"
    )
    activities: Activities = spec(factory=Activities, doc="planned group activities")
    targets: Targets = spec(factory=Targets, doc="service promises")
    run: Run = spec(factory=Run, doc="run length and seeds")
    expect: Expect = spec(
        factory=Expect, doc="regression gate: KPI thresholds and the check's run (see docs/ci.md)"
    )
    base_dir: str = field(default=".", metadata={"internal": True})
    source: str = field(default="", metadata={"internal": True})
