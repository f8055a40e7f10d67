"""How orders find volunteers: the ``dispatch:`` section (the escalation ladder of village, town
and county tiers, the dispatch rule, village teams handing orders up, dispatch as alerts to
volunteers' phones) and the ``admin:`` section (the county center's administrator who reviews
professional orders). The model's side is :mod:`sim.model.dispatcher`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sim.config.spec import Dist, spec


@dataclass(frozen=True)
class HandUp:
    """A village team handing up an order it cannot provide (村里提供不了的就由乡镇实践所协调: what a
    village cannot provide, its town station coordinates): at placement the order goes to tier 2
    at once, and the declining village team never takes it."""

    share: float = spec(
        0.0,
        "probability that a village team cannot provide an order its scope has the skill for, "
        "drawn per order, keyed by its identity (hand_up/<place code>)",
        "probability",
        ge=0,
        le=1,
    )
    items: list[str] = spec(
        factory=list, doc="items that may be handed up; empty = every non-professional item"
    )


@dataclass(frozen=True)
class Alerts:
    """Dispatch as alerts (our model of how the platform reaches volunteers: it pushes an order
    to their phones; the article says only that the nearest station's volunteers 接到信息,
    receive it): an order alerts the free on-duty volunteers in its scope nearest first, in
    waves; each alerted volunteer accepts with a probability after ``demand.acceptance_delay``
    or ignores the alert; a wave nobody accepts is followed by the next one (the next volunteers
    in scope, then the same again), and the order escalates by ``dispatch.timeouts_min``
    meanwhile."""

    accept_probability: float = spec(
        0.35,
        "probability that an alerted app volunteer accepts a given alert (published range "
        "17%-47%, docs/assumptions.md)",
        "probability",
        ge=0,
        le=1,
    )
    wave_size: int = spec(3, "volunteers alerted at once, nearest first", "people", ge=1, le=2048)
    wave_interval_min: float = spec(
        5.0, "minutes from a wave nobody accepted to the next wave", "minutes", gt=0, le=1e6
    )
    staff_reach_min: float = spec(
        20.0,
        "station and center staff (team levels town, county, subcenter) accept at the full "
        "probability only within this nominal travel time of the order",
        "minutes",
        ge=0,
        le=1e10,
    )
    beyond_reach_factor: float = spec(
        0.2,
        "factor on the accept probability of staff alerted beyond their reach",
        "ratio",
        ge=0,
        le=1,
    )
    turnout_day: Dist = spec(
        factory=lambda: Dist("lognormal", 2.0, 0.6),
        doc="time from accepting to leaving, 07:00-22:00 (median 1:43; published median 1:42)",
        unit="minutes",
    )
    turnout_night: Dist = spec(
        factory=lambda: Dist("lognormal", 2.75, 0.6),
        doc="time from accepting to leaving, 22:00-07:00 (median 2:21; published median 2:22)",
        unit="minutes",
    )


@dataclass(frozen=True)
class Dispatch:
    """The escalation ladder."""

    timeouts_min: dict[str, list[float]] = spec(
        factory=lambda: {"urban": [4.0, 10.0], "rural": [60.0, 180.0]},
        doc="by zone: minutes at tier 1 (village) before escalating to tier 2 (town), then at "
        "tier 2 before tier 3 (county)",
        unit="minutes",
        ge=0,
        le=1e10,
        length=2,
    )
    scope: Literal["widen", "handover"] = spec(
        "widen",
        "who serves tiers 2 and 3: widen (tier 2 = every team of the order's town, "
        "tier 3 = every team of the county) or handover (tier 2 = the town's town-level teams, "
        "i.e. its station and extra volunteers; tier 3 = county-level teams: the county center, "
        "subcenters and professional teams)",
    )
    keep_lower_scope: bool = spec(
        True,
        "an escalated order can still be taken by the teams of lower tiers, its village's "
        "point and paired units (the scope widens rather than moves); false: once it has "
        "escalated, they no longer may",
    )
    rule: Literal["nearest", "edf", "least_loaded"] = spec(
        "nearest",
        "dispatch rule: nearest (an order goes to the nearest able team, a freed team "
        "takes the earliest deadline), edf (a freed team takes the earliest latest-start: "
        "deadline minus its travel), least_loaded (an order goes to the team with the smallest "
        "busy share)",
    )
    hand_up: HandUp = spec(
        factory=HandUp, doc="village teams handing up orders they cannot provide (default: none)"
    )
    alerts: Alerts | None = spec(
        None,
        "dispatch as alerts with acceptance and turnout (null: the nearest free volunteer "
        "accepts every order after demand.acceptance_delay)",
    )


@dataclass(frozen=True)
class Admin:
    """The county center's administrator for professional orders."""

    reviewers: int = spec(1, "administrators reviewing professional orders", "people", ge=0, le=100_000)
    office_hours: list[list[str]] = spec(
        factory=lambda: [["08:30", "12:00"], ["14:00", "17:30"]],
        doc="weekday office hours as [HH:MM, HH:MM] pairs",
    )
    review: Dist = spec(
        factory=lambda: Dist("lognormal", 20.0, 0.5),
        doc="review and assignment time per order",
        unit="minutes",
    )
    after_hours: Literal["next_morning", "on_call"] = spec(
        "on_call",
        "orders placed outside office hours: next_morning = they wait for the office to open; "
        "on_call = on-call reviewers review them at once (evenings, nights, weekends)",
    )
    on_call_reviewers: int = spec(
        1, "reviewers on call outside office hours (after_hours: on_call)", "people", ge=0, le=100_000
    )
    on_call_review: Dist = spec(
        factory=lambda: Dist("lognormal", 45.0, 0.5),
        doc="review and assignment time per order by an on-call reviewer",
        unit="minutes",
    )
    selection: Literal["professional_first", "nearest"] = spec(
        "professional_first",
        "who takes a reviewed order: professional_first = the professional team (organisation) "
        "with the skill that the administrator selects (by `choose`), and after "
        "`fallback_after_min` any county-tier team with the skill (sub-centers, county center); "
        "nearest = at once the nearest county-tier team with the skill and a free volunteer",
    )
    choose: Literal["least_loaded", "nearest"] = spec(
        "least_loaded",
        "how the administrator selects among professional teams with the skill: least_loaded = the "
        "fewest busy volunteers and waiting orders per member (ties: nearest), nearest = the "
        "nearest to the citizen",
    )
    fallback_after_min: float = spec(
        240.0,
        "minutes after the review before an order the selected team has not taken may go to any "
        "county-tier team with the skill",
        "minutes",
        ge=0,
        le=525_600,
    )
    patience: Dist | None = spec(
        factory=lambda: Dist("exponential", 2880.0),
        doc="time a citizen with a professional need waits for a response before cancelling; "
        "null = the zone's demand.patience",
        unit="minutes",
    )
