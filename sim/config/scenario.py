"""The scenario: everything a planner can set, as frozen dataclasses with every default filled.

The dataclasses below are the single source of truth for the scenario language: the loader
(:mod:`sim.config.loader`) converts YAML into them field by field, the validator checks each field's
bounds from its metadata, and ``docs/scenarios.md`` is generated from the same metadata.

Times are minutes unless a name says otherwise (``*_hours``, ``*_days``, ``*_kmh``); clock
times of day are ``"HH:MM"`` strings. A tiny scenario::

    name: two-villages
    run: {days: 2, reps: 2}
    demand: {orders_per_1000_per_day: 1.5}
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

ZONES = ("urban", "rural")
TEAM_LEVELS = (
    "village",
    "paired",
    "town",
    "county",
    "subcenter",
    "professional",
    "proxy_point",
    "mediation_room",
)
# the levels of the teams that serve one service channel in their own village only (a red proxy
# point, a mediation room): forces of their own, outside the 1,010 teams of the practice network
CHANNEL_TEAM_LEVELS = ("proxy_point", "mediation_room")
# service channels (an order's channel is its item's): catalogue items, dispatched at once to the
# nearest volunteers; professional items, through the county administrator; each further channel
# has its own arrival model, routing and deadline (docs/model.md, "Service channels"): proxy
# errands at the villages' red proxy points, disputes at the villages' mediation rooms; pairing
# items, the paired units' service projects (六百结对); package items, recurring visits to
# registered recipients (套餐). Append new channels: the order log stores the index.
CHANNELS = ("catalogue", "professional", "proxy", "mediation", "pairing", "package")


MAX_SEED = 10**12  # root seeds: any whole number 0 .. 10**12 (as every YAML number)


def spec(
    default: Any = None,
    doc: str = "",
    unit: str = "",
    *,
    ge: float | None = None,
    gt: float | None = None,
    le: float | None = None,
    length: int | None = None,
    factory: Any = None,
) -> Any:
    """A dataclass field with documentation, unit and bounds (used by loader, validator, docs)."""
    meta = {"doc": doc, "unit": unit, "ge": ge, "gt": gt, "le": le, "length": length}
    if factory is not None:
        return field(default_factory=factory, metadata=meta)
    return field(default=default, metadata=meta)


@dataclass(frozen=True)
class Dist:
    """A named probability distribution (see :mod:`sim.config.distributions`)."""

    kind: Literal["fixed", "exponential", "lognormal", "gamma", "uniform"] = spec(
        "fixed", "distribution family"
    )
    mean: float = spec(0.0, "mean (fixed: the value)", "same unit as the quantity", ge=0, le=1e10)
    cv: float = spec(0.0, "coefficient of variation (lognormal, gamma)", "ratio", ge=0, le=100)
    low: float = spec(0.0, "lower bound (uniform)", "same unit as the quantity", ge=0, le=1e10)
    high: float = spec(0.0, "upper bound (uniform)", "same unit as the quantity", ge=0, le=1e10)


@dataclass(frozen=True)
class Ferry:
    """Scheduled boat between the mainland port town and island towns."""

    island_towns: list[str] = spec(factory=lambda: ["Nanji"], doc="towns reached only by ferry")
    port_town: str = spec("Aojiang", "mainland town the ferry leaves from")
    departures: list[str] = spec(
        factory=lambda: ["07:30", "13:30"], doc="daily departures, each way, as HH:MM"
    )
    crossing_min: float = spec(120.0, "duration of the crossing", "minutes", gt=0, le=10_080)


@dataclass(frozen=True)
class Travel:
    """How travel times between places are made."""

    matrix_csv: str | None = spec(
        None,
        "optional CSV of minutes between place codes "
        "(first column and header row: place codes); overrides the "
        "coordinate model",
    )
    circuity: float = spec(1.4, "road distance / straight-line distance", "ratio", ge=1, le=10)
    speed_kmh: dict[str, float] = spec(
        factory=lambda: {"urban": 22.0, "plain": 32.0, "hills": 28.0, "mountain": 22.0, "island": 15.0},
        doc="average travel speed by the terrain of the destination's town (1 km/h, a slow walk, to 200)",
        unit="km/h",
        ge=1,
        le=200,
    )
    setup_min: float = spec(3.0, "time to set off (added to every trip)", "minutes", ge=0, le=1440)
    ferry: Ferry | None = spec(factory=Ferry, doc="ferry to island towns; null for none")


@dataclass(frozen=True)
class Geography:
    """Places (village units), towns, zones and positions."""

    towns_csv: str = spec(
        "data/pingyang_towns.csv",
        "towns CSV (code, name, pinyin, seat_lat, "
        "seat_lon, terrain, population), relative to the scenario file",
    )
    places_csv: str = spec(
        "data/pingyang_villages.csv",
        "village units CSV (code, name, town_code, kind), relative to the scenario file",
    )
    coordinates_csv: str | None = spec(
        None, "optional CSV code,lat,lon[,population] replacing the derived positions and populations"
    )
    urban_towns: list[str] = spec(
        factory=lambda: ["Kunyang", "Aojiang"], doc="towns (pinyin) whose units of an urban kind are urban"
    )
    urban_kinds: list[str] = spec(
        factory=lambda: ["community"], doc="unit kinds that are urban inside urban towns"
    )
    county_seat_town: str = spec("Kunyang", "town of the county center")
    community_weight: float = spec(
        2.0,
        "population weight of a community vs a village when a town's population is shared among its units",
        "ratio",
        gt=0,
        le=1000,
    )
    radius_km: dict[str, float] = spec(
        factory=lambda: {"urban": 4.0, "plain": 6.0, "hills": 7.0, "mountain": 11.0, "island": 3.0},
        doc="radius around the town seat within which units are placed, by terrain",
        unit="km",
        gt=0,
        le=1000,
    )
    terrain: dict[str, str] = spec(
        factory=dict, doc="override the terrain class of a town (pinyin -> urban|plain|hills|mountain|island)"
    )
    travel: Travel = spec(factory=Travel, doc="travel-time model")


@dataclass(frozen=True)
class Item:
    """A catalogue service item."""

    id: str = spec("", "short identifier")
    name: str = spec("", "English name")
    name_zh: str = spec("", "Chinese name")
    column: str = spec("", "catalogue column (sub-column of the platform)")
    skill: str = spec("", "skill a volunteer needs")
    share: float = spec(0.0, "share of all orders", "fraction", ge=0, le=1)
    volunteers: int = spec(1, "volunteers needed", "people", ge=1, le=1000)
    professional: bool = spec(False, "routed through the county administrator")
    channel: Literal["catalogue", "professional", "proxy", "mediation", "pairing", "package"] = spec(
        "catalogue",
        "service channel of the item's orders (docs/model.md); professional items are in the "
        "professional channel whatever this says",
    )
    service: Dist = spec(factory=lambda: Dist("lognormal", 45.0, 0.5), doc="time on site", unit="minutes")


@dataclass(frozen=True)
class Appointments:
    """Catalogue orders booked for a later time (the order form asks for a time, 时间)."""

    share: float = spec(0.0, "share of catalogue orders booked for a later time", "fraction", ge=0, le=1)
    lead: Dist = spec(
        factory=lambda: Dist("lognormal", 1440.0, 0.5),
        doc="time from booking to the time asked for",
        unit="minutes",
    )
    hours: list[str] = spec(
        factory=lambda: ["08:00", "20:00"],
        doc="[HH:MM, HH:MM] the times one can ask for; a time outside moves to the next start",
        length=2,
    )


@dataclass(frozen=True)
class Demand:
    """Citizens' orders."""

    orders_per_1000_per_day: float = spec(
        0.35, "mean order rate", "orders per 1,000 residents per day", ge=0, le=1000
    )
    hour_of_day: list[float] = spec(
        factory=lambda: [
            0.15,
            0.1,
            0.1,
            0.1,
            0.15,
            0.3,
            0.7,
            1.2,
            1.7,
            1.9,
            1.9,
            1.6,
            1.2,
            1.3,
            1.6,
            1.7,
            1.6,
            1.4,
            1.3,
            1.2,
            1.0,
            0.7,
            0.4,
            0.25,
        ],
        doc="relative rate by hour of day (normalised)",
        unit="ratio",
        ge=0,
        le=1e6,
        length=24,
    )
    day_of_week: list[float] = spec(
        factory=lambda: [1.0, 1.0, 1.0, 1.0, 1.0, 1.1, 1.1],
        doc="relative rate Monday..Sunday (normalised)",
        unit="ratio",
        ge=0,
        le=1e6,
        length=7,
    )
    patience: dict[str, Dist] = spec(
        factory=lambda: {"urban": Dist("exponential", 180.0), "rural": Dist("exponential", 600.0)},
        doc="time a citizen waits for a response before cancelling, by zone",
        unit="minutes",
    )
    acceptance_delay: Dist = spec(
        factory=lambda: Dist("lognormal", 3.0, 0.8),
        doc="time for an assigned volunteer to see and accept",
        unit="minutes",
    )
    appointments: Appointments = spec(
        factory=Appointments,
        doc="catalogue orders booked for a later time; the promise counts from the time asked for",
    )


@dataclass(frozen=True)
class Schedule:
    """Share of a team's members on duty by hour of day."""

    weekday: list[float] = spec(
        factory=lambda: [0.0] * 24,
        doc="Monday..Friday, per hour",
        unit="fraction of members",
        ge=0,
        le=1,
        length=24,
    )
    weekend: list[float] = spec(
        factory=lambda: [0.0] * 24,
        doc="Saturday, Sunday, per hour",
        unit="fraction of members",
        ge=0,
        le=1,
        length=24,
    )


def _day(level_day: float, evening: float, night: float) -> list[float]:
    """24 hourly shares: night 0-7, day 7-19, evening 19-22, night 22-24."""
    return [night] * 7 + [level_day] * 12 + [evening] * 3 + [night] * 2


def _default_schedules() -> dict[str, Schedule]:
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
class TeamKind:
    """A kind of team generated for every place/town/kind, or a named team."""

    name: str = spec("", "team name (named teams only)")
    members: int = spec(0, "registered active members", "people", ge=0, le=100_000)
    skills: list[str] = spec(factory=list, doc="skills the members offer")
    schedule: str = spec("village", "name of a schedule in `schedules`")
    home_town: str = spec("", "town (pinyin) of the team's home, its seat place; empty = county seat")
    count: int = spec(1, "number of identical teams", "teams", ge=0, le=10_000)
    members_per_1000: float = spec(
        0.0,
        "extra members per 1,000 residents of the town (town stations only)",
        "people per 1,000 residents",
        ge=0,
        le=1000,
    )


BASIC = ["errand", "visit", "household", "tech_help", "care"]


@dataclass(frozen=True)
class TownTeams:
    """Village-level teams of one town that differ from the county-wide settings (null = same)."""

    community_schedule: str | None = spec(None, "schedule of the town's community teams")
    village_schedule: str | None = spec(None, "schedule of the town's village teams")
    village_members_per_1000: float | None = spec(
        None,
        "extra members of the town's village/community teams per 1,000 residents",
        "people per 1,000 residents",
        ge=0,
        le=1000,
    )


@dataclass(frozen=True)
class Addition:
    """Extra on-duty volunteers at a town's seat, every day in a band of hours (a team of its own)."""

    town: str = spec("", "town (pinyin or Chinese name) whose seat the volunteers set off from")
    hours: list[int] = spec(
        factory=lambda: [19, 22],
        doc="[start, end) hours of day on duty, e.g. [19, 22] = 19:00-22:00; [22, 7] wraps past midnight",
        unit="hour of day",
        ge=0,
        le=24,
        length=2,
    )
    volunteers: int = spec(1, "volunteers on duty in those hours", "people", ge=0, le=100_000)
    skills: list[str] = spec(factory=list, doc="their skills; empty = the town station's")


@dataclass(frozen=True)
class Teams:
    """The volunteer force."""

    village_members_community: int = spec(
        38, "members of a community practice point's team", "people", ge=0, le=100_000
    )
    village_members_village: int = spec(
        26, "members of a village practice point's team", "people", ge=0, le=100_000
    )
    village_members_per_1000: float = spec(
        0.0,
        "extra members of a village/community team per 1,000 residents of its place",
        "people per 1,000 residents",
        ge=0,
        le=1000,
    )
    village_skills: list[str] = spec(
        factory=lambda: list(BASIC), doc="skills of village practice point teams"
    )
    community_schedule: str = spec("community", "schedule of community teams")
    village_schedule: str = spec("village", "schedule of village teams")
    town: TeamKind = spec(
        factory=lambda: TeamKind(members=140, skills=BASIC + ["repair"], schedule="station"),
        doc="one town-station team per town, at the town seat",
    )
    county: TeamKind = spec(
        factory=lambda: TeamKind(
            name="county-center", members=60, skills=BASIC + ["repair"], schedule="center", count=10
        ),
        doc="county-center teams at the county seat",
    )
    centers: list[TeamKind] = spec(
        factory=list,
        doc="more county-level center teams, each kind "
        "at its `home_town`'s seat (e.g. one center per county of a "
        "multi-county region); they serve the county tier like "
        "`county`",
    )
    subcenters: list[TeamKind] = spec(factory=list, doc="department sub-center teams")
    professional: list[TeamKind] = spec(factory=list, doc="professional teams")
    town_overrides: dict[str, TownTeams] = spec(
        factory=dict,
        doc="per town (pinyin): village-level team settings that differ from the county-wide ones above",
    )
    additions: list[Addition] = spec(
        factory=list, doc="extra on-duty volunteers by town and hours (what `optimize` proposes)"
    )
    duty_counts: Literal["drawn", "rounded"] = spec(
        "drawn",
        "how members x a schedule's share becomes a whole number on duty: drawn (the whole part, "
        "plus one member with the probability of the fraction in each shift block: the expected "
        "count is members x share, and a small team is on duty sometimes) or rounded (the "
        "nearest whole number: 5 members x 7% is never anyone)",
    )
    show_up: float = spec(
        0.85,
        "probability that a scheduled member is actually available in a shift block",
        "probability",
        ge=0,
        le=1,
    )
    village_scale: float = spec(
        1.0,
        "multiplier on the members of every village and community team (staffing studies: "
        "0.5 = half the village volunteers; members rounded to whole people)",
        "ratio",
        ge=0,
        le=1000,
    )
    station_scale: float = spec(
        1.0,
        "multiplier on the members of every town station (staffing studies; members rounded to whole people)",
        "ratio",
        ge=0,
        le=1000,
    )


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
        "measured days of the pilot run (pairing none, the "
        "scenario's seed) that estimates each village's unmet demand "
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
class Delivery:
    """How the platform delivers a surge event's orders (the 泰悦府 lockdown: 业主通过实践中心云平台,将需求
    上传,系统进行派单后,志愿者统一采购配送, residents uploaded their needs, the system dispatched them
    and volunteers bought and delivered in bulk). ``per_order``: each order is dispatched alone,
    like any other; ``batched``: the platform collects the waiting orders every
    ``collect_every_min`` minutes and designated volunteers buy and deliver them in batches."""

    mode: Literal["per_order", "batched"] = spec(
        "per_order",
        "per_order (each order dispatched alone, as any order) or batched (collected and "
        "delivered in batches by the designated volunteers)",
    )
    items: list[str] = spec(
        factory=list,
        doc="items delivered in batches (batched mode); empty = the items of the event's "
        "item_mix, or every non-professional item when the mix is empty; professional items are "
        "never batched",
    )
    designated: list[str] = spec(
        factory=lambda: ["callups"],
        doc="who may deliver batches (the volunteers allowed into the locked-down places): "
        "callups (the event's call-ups), town (the station of each event place's town), village "
        "(the event places' own village teams), or the name of a named team kind of teams.county, "
        "teams.centers, teams.subcenters or teams.professional",
    )
    collect_every_min: float = spec(
        120.0,
        "the platform collects the waiting orders this often (from the event's start)",
        "minutes",
        gt=0,
        le=10_080,
    )
    batch_size: int = spec(20, "most orders one trip delivers", "orders", ge=1, le=100_000)
    volunteers_per_batch: int = spec(2, "volunteers busy for one batch trip", "people", ge=1, le=1000)
    shopping_min: float = spec(
        45.0,
        "buying and packing a batch's goods, once per trip, before travelling",
        "minutes",
        ge=0,
        le=1440,
    )
    per_order_min: float = spec(
        3.0, "handing one order of the batch over at the door", "minutes", ge=0, le=1440
    )
    deadline_hours: float | None = spec(
        None,
        "the event's delivery promise (KPI event_on_time): closed within this many hours of "
        "placing; null = by the order's same-day deadline (targets)",
        "hours",
        gt=0,
        le=720,
    )


@dataclass(frozen=True)
class Event:
    """A surge: more orders from named places for some days, with its own item mix (e.g. a
    lockdown: residents order groceries, medicine and supplies in bulk), and volunteer call-ups."""

    name: str = spec("", "short name")
    places: list[str] = spec(
        factory=list, doc="place codes or names, or towns (pinyin or Chinese name: all of the town's places)"
    )
    start_day: float = spec(
        0.0, "start, in days from the start of the run (day 0 = t 0)", "days", ge=0, le=3660
    )
    days: float = spec(1.0, "duration", "days", gt=0, le=3660)
    multiplier: float = spec(
        1.0, "order rate of the places during the event / usual rate", "ratio", ge=0, le=1000
    )
    item_mix: dict[str, float] = spec(
        factory=dict,
        doc="item id -> relative share of the "
        "places' orders during the event (normalised); empty = "
        "the catalogue's shares",
        unit="ratio",
        ge=0,
        le=1e6,
    )
    callups: list[Addition] = spec(factory=list, doc="extra on-duty volunteers during the event's days only")
    delivery: Delivery | None = spec(
        None,
        "how the platform delivers the event's orders, per order or in batches; its orders are "
        "then measured apart (KPIs event_*); null = as any order, not measured apart",
    )


@dataclass(frozen=True)
class HandUp:
    """A village team handing up an order it cannot provide (村里提供不了的就由乡镇实践所协调: what a
    village cannot provide, its town station coordinates): at placement the order goes to tier 2
    at once, and the declining village team never takes it."""

    share: float = spec(
        0.0,
        "probability that a village team cannot provide an order its scope has the skill for, "
        "drawn per order (stream hand_up/<place code>)",
        "probability",
        ge=0,
        le=1,
    )
    items: list[str] = spec(
        factory=list, doc="items that may be handed up; empty = every non-professional item"
    )


@dataclass(frozen=True)
class Alerts:
    """Dispatch as alerts (the platform pushes an order to volunteers' phones, 手机派单): an order
    alerts the free on-duty volunteers in its scope nearest first, in waves; each alerted
    volunteer accepts with a probability after ``demand.acceptance_delay`` or ignores the
    alert; a wave nobody accepts is followed by the next one (the next volunteers in scope, then
    the same again), and the order escalates by ``dispatch.timeouts_min`` meanwhile."""

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
        "an escalated order can still be taken by the teams of "
        "lower tiers (the scope widens rather than moves)",
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


@dataclass(frozen=True)
class Activities:
    """Planned group activities (the source counts 709 a month)."""

    per_month: float = spec(709.0, "activities per 30.44 days", "activities", ge=0, le=1e6)
    participants: Dist = spec(
        factory=lambda: Dist("lognormal", 14.0, 0.5), doc="volunteers taking part", unit="people"
    )
    duration: Dist = spec(
        factory=lambda: Dist("lognormal", 180.0, 0.3), doc="length of an activity", unit="minutes"
    )
    start_hours: list[int] = spec(
        factory=lambda: [8, 9, 9, 10, 14, 14, 15, 19],
        doc="possible start hours (equally likely)",
        unit="hour of day",
    )
    weekend_weight: float = spec(2.0, "relative activity rate on Saturday/Sunday", "ratio", ge=0, le=1000)
    levels: list[str] = spec(
        factory=lambda: ["village", "town", "paired", "subcenter"], doc="team levels that hold activities"
    )


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
        0.95, "required share of rural orders responded and closed the same day", "fraction", ge=0, le=1
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
        'sim.results.kpis.KPI_INFO or town.<pinyin>.compliance), as "OP VALUE" '
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


NEVER_MIN = 1e10  # a patience this long never ends: the order is never cancelled


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


@dataclass(frozen=True)
class Scenario:
    """A complete scenario (all defaults filled)."""

    name: str = spec("scenario", "short name (used for the results folder)")
    title: str = spec("", "name shown in chart and briefing titles (default: name); not inherited by extends")
    title_zh: str = spec("", "Chinese name for titles (default: title); not inherited by extends")
    description: str = spec("", "what the scenario is and what question it answers")
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


def mediation_skill(scenario: Scenario) -> str:
    """The skill of the mediation channel's items, the mediation rooms' one skill: the first such
    item's, ``mediation`` when the catalogue has none."""
    return next(
        (i.skill for i in scenario.catalog if i.channel == "mediation" and not i.professional), "mediation"
    )
