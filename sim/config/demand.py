"""What citizens order and when: the ``catalog:`` of service items (each with its service
channel, see :mod:`sim.config.channels`) and the ``demand:`` section (the order rate and its
hour-of-day and day-of-week profiles, patience, acceptance delay, orders booked for a later
time). Surges of demand are :mod:`sim.config.events`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sim.config.spec import Dist, spec


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
