"""The service channels (``CHANNELS``; docs/model.md, "Service channels") and the scenario
sections of those beyond the catalogue and professional ones: ``pairing:`` (the six-hundreds
pairing of villages with supporting units and the units' service projects, 六百结对),
``packages:`` (recurring visits, 套餐), ``proxy:`` (the red proxy points, 红色代办点) and
``mediation:`` (the village mediation rooms, 老支书调解室). An item's channel is set in the
catalogue (:class:`sim.config.demand.Item`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from sim.config.spec import Dist, spec

if TYPE_CHECKING:
    from sim.config.scenario import Scenario

# service channels (an order's channel is its item's): catalogue items, dispatched at once to the
# nearest volunteers; professional items, through the county administrator; each further channel
# has its own arrival model, routing and deadline (docs/model.md, "Service channels"): proxy
# errands at the villages' red proxy points, disputes at the villages' mediation rooms; pairing
# items, the paired units' service projects (六百结对); package items, recurring visits to
# registered recipients (套餐). Append new channels: the order log stores the index.
CHANNELS = ("catalogue", "professional", "proxy", "mediation", "pairing", "package")

NEVER_MIN = 1e10  # a patience this long never ends: the order is never cancelled


@dataclass(frozen=True)
class PairedKind:
    """One of the five kinds of paired unit (六百结对)."""

    members: int = spec(12, "members of one paired unit", "people", ge=0, le=100_000)
    skills: list[str] = spec(
        factory=lambda: ["errand", "visit", "household"], doc="skills a paired unit offers"
    )
    schedule: str = spec("paired", "name of a schedule in `schedules`")


@dataclass(frozen=True)
class PairingProjects:
    """The paired units' service projects (六百结对: 5,122 projects, ordered on the platform and
    delivered to the village within a few days): the ``pairing`` channel's orders."""

    projects: dict[str, int] = spec(
        factory=dict,
        doc="projects offered county-wide by item id (catalogue items with channel: pairing); each "
        "paired unit offers an equal part, and its village's residents order them",
        unit="projects",
        ge=0,
        le=10_000_000,
    )
    orders_per_project_per_year: float = spec(
        1.0, "how often a project is ordered", "orders per project per year", ge=0, le=100_000
    )
    due_days: float = spec(
        3.0, "deadline of a project order after it is placed (一般几天之内)", "days", gt=0, le=366
    )


@dataclass(frozen=True)
class Pairing:
    """The six-hundreds pairing of villages with supporting units."""

    strategy: Literal["none", "listed", "nearest", "need", "optimal"] = spec(
        "listed",
        "how villages and units are paired: none; listed (as in the CSV); nearest "
        "(the CSV's villages, each unit to the nearest with room); need (the villages with the "
        "most unmet demand in a pilot run); optimal (villages and units chosen together to "
        "maximise unmet demand within reach; see docs/policies.md)",
    )
    file: str | None = spec(
        "data/pairing.csv",
        "CSV village_code,unit_kind,unit_name,home_code "
        "(strategy listed: the pairs; other strategies: the units to place "
        "and, for nearest, the villages)",
    )
    villages: int = spec(
        100,
        "villages to pair (strategies nearest, need, optimal); each gets "
        "at most ceil(units / villages) units",
        "villages",
        ge=1,
        le=100_000,
    )
    reach_min: float = spec(
        60.0,
        "travel time from a unit's home at which its coverage of a "
        "village falls to zero (objective of need and optimal)",
        "minutes",
        gt=0,
        le=10_080,
    )
    pilot_days: float = spec(
        7.0,
        "measured days of the pilot run (pairing none, seeded from the "
        "scenario's seed by a key of its own, not replication 0's) that estimates each "
        "village's unmet demand "
        "(strategies need, optimal)",
        "days",
        gt=0,
        le=366,
    )
    kinds: dict[str, PairedKind] = spec(factory=dict, doc="paired unit kinds and their make-up")
    answer_ordinary: bool = spec(
        True,
        "paired units also take their village's ordinary (catalogue) orders at tier 1 with the "
        "skills of their kind; false: they deliver only their service projects",
    )
    projects: PairingProjects = spec(
        factory=lambda: PairingProjects(), doc="the paired units' service projects (the pairing channel)"
    )


@dataclass(frozen=True)
class PackageKind:
    """One tailored package (套餐): a recurring service for the registered recipients of a group
    (elderly people living alone, left-behind children, pregnant women and babies...)."""

    item: str = spec("", "catalogue item each visit delivers (an item with channel: package)")
    recipients_per_1000: float = spec(
        0.0,
        "registered recipients per 1,000 residents of a place (each place's count is drawn, Poisson)",
        "people per 1,000 residents",
        ge=0,
        le=1000,
    )
    every_days: int = spec(7, "one visit every this many days", "days", ge=1, le=366)
    start: str = spec("08:00", "time of day a visit is due from (its order is placed then), HH:MM")
    due_within_min: float = spec(
        10_080.0,
        "the visit's due window: minutes from its start to its deadline (e.g. 300: 07:00 to noon)",
        "minutes",
        gt=0,
        le=527_040,
    )


@dataclass(frozen=True)
class Packages:
    """Tailored packages (套餐): recurring visits to registered recipients, the package channel."""

    kinds: dict[str, PackageKind] = spec(
        factory=dict, doc="packages by name (e.g. elderly_visit), each a recurring visit of one item"
    )
    top_tier: int = spec(
        2,
        "highest tier a package visit escalates to: 1 its village's teams, 2 also its town's "
        "(village or town teams serve packages), 3 the county too",
        "tier",
        ge=1,
        le=3,
    )


@dataclass(frozen=True)
class ProxyPoints:
    """The red proxy points (红色代办点): in every village unit a point of party-member
    volunteers who run proxy errands (paperwork, certificates, payments at the town's or county's
    service hall) for its residents; the ``proxy`` channel (docs/model.md)."""

    members: int = spec(
        46_000,
        "party-member volunteers of all points together (the source's 46,000)",
        "people",
        ge=0,
        le=10**7,
    )
    split: Literal["population", "even"] = spec(
        "population",
        "how the members are shared among the places: in proportion to population, or evenly "
        "(largest remainders, so the points add up to `members`)",
    )
    errands_per_day: float = spec(
        82.1,
        "proxy errands a day, county-wide (shared among the places in proportion to population, "
        "with the demand's hour-of-day and day-of-week profile)",
        "errands per day",
        ge=0,
        le=1e7,
    )
    item: str = spec("proxy", "catalogue item (channel proxy, share 0) of the errands")
    skill: str = spec("proxy_errand", "the skill only proxy points offer (their one skill)")
    schedule: str = spec("proxy_point", "opening hours: name of a schedule in `schedules`")
    deadline_days: float = spec(3.0, "an errand is due this long after it is placed", "days", gt=0, le=366)
    patience: Dist = spec(
        factory=lambda: Dist("fixed", NEVER_MIN),
        doc="time a resident waits before withdrawing an errand (1e10: never)",
        unit="minutes",
    )


@dataclass(frozen=True)
class MediationRooms:
    """Village mediation rooms (老支书调解室) run by retired village party secretaries and other
    respected elders (乡贤志愿者): the ``mediation`` channel's first tier; the county's teams with
    the mediation skill are the fallback (docs/model.md)."""

    place_kinds: list[str] = spec(
        factory=lambda: ["village"], doc="kinds of place (the places CSV's `kind`) that have a room"
    )
    members: int = spec(2, "elder volunteers of a room", "people", ge=0, le=100_000)
    schedule: str = spec("mediation_room", "when a room sits: name of a schedule in `schedules`")
    village_timeout_min: float = spec(
        1440.0,
        "minutes a dispute waits for its village's room before it also goes to the county's "
        "teams with the mediation skill (the town station has none: it passes on at once)",
        "minutes",
        ge=0,
        le=1e10,
    )
    deadline_days: float = spec(2.0, "a dispute is due this long after it is placed", "days", gt=0, le=366)
    patience: Dist = spec(
        factory=lambda: Dist("fixed", NEVER_MIN),
        doc="time a resident waits before withdrawing a dispute (1e10: never)",
        unit="minutes",
    )


def mediation_skill(scenario: Scenario) -> str:
    """The skill of the mediation channel's items, the mediation rooms' one skill: the first such
    item's, ``mediation`` when the catalogue has none."""
    return next(
        (i.skill for i in scenario.catalog if i.channel == "mediation" and not i.professional), "mediation"
    )
