"""The ``events:`` section of a scenario: demand surges (e.g. a lockdown) from named places, with
their own item mix, volunteer call-ups and how the platform delivers their orders (one by one or
in batches). :mod:`sim.world.surges` turns them into arrivals and call-ups.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sim.config.spec import spec
from sim.config.teams import Addition


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
        "teams.centers, teams.subcenters or teams.professional (as level:name, e.g. "
        "subcenter:education, when the name is given at two levels)",
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
    callups: list[Addition] = spec(
        factory=list,
        doc="extra on-duty volunteers during the event's days only (in the whole hours that "
        "start inside the event: the duty roster changes on the hour)",
    )
    delivery: Delivery | None = spec(
        None,
        "how the platform delivers the event's orders, per order or in batches; its orders are "
        "then measured apart (KPIs event_*); null = as any order, not measured apart",
    )
