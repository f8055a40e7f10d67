"""The KPI catalogue: every KPI's name, label, unit and direction, and the named groups of KPIs.

:data:`KPI_INFO` names the county's KPIs (label, unit, direction: +1 higher is better, -1 lower
is better, 0 neutral); the KPIs of each town (``town.<pinyin>.<part>``, :data:`TOWN_KPI_PARTS`)
are named by :func:`town_kpi_info`, and :func:`kpi_info` answers for either. The groups: the
urban promise by the band of the day an order was placed in (:data:`BAND_KPIS`: the promise
holds at every hour, :data:`sim.results.promises.TIME_BANDS`); each service channel's deadline
KPI (:data:`CHANNEL_KPIS`; each channel's deadline: :mod:`sim.results.kpis`); the briefing's
service-channel rows (:data:`CHANNEL_ROWS`); the channels counted in the backlog
(:data:`RESPONSE_CHANNELS`); the headline KPIs (:data:`HEADLINE`). An extension adds a KPI with
:func:`register_kpi` (docs/extending.md). How each KPI is computed: :mod:`sim.results.kpis`,
:mod:`sim.results.event_kpis` and :mod:`sim.results.workload`.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from sim.config.teams import TEAM_LEVELS
from sim.results.logs import RunLog
from sim.results.promises import TIME_BANDS, band_hours
from sim.world.build import World

# the urban promise's KPIs by time of day (``urban_10min_day``...: docs/kpis.md), and the band
# each names in its label ("night 22:00-07:00")
BAND_KPIS = tuple(f"urban_10min_{band}" for band in TIME_BANDS)
BAND_OF_KPI = {f"urban_10min_{band}": f"{band} {band_hours(band)}" for band in TIME_BANDS}
URBAN_LABEL = "Urban orders responded within the promise"

# name: (label, unit, direction: +1 higher is better, -1 lower is better, 0 neutral)
KPI_INFO: dict[str, tuple[str, str, int]] = {
    "urban_10min": (URBAN_LABEL, "share", +1),
    "rural_same_day": ("Rural orders responded and closed by their same-day deadline", "share", +1),
    "rural_by_midnight": ("Rural orders responded and closed by midnight of the day placed", "share", +1),
    "professional_same_day": ("Professional orders closed by their same-day deadline", "share", +1),
    "professional_by_organisations": (
        "Closed professional orders served by professional teams",
        "share",
        +1,
    ),
    "professional_cancelled_before_review": (
        "Professional orders cancelled before the administrator's review",
        "share",
        -1,
    ),
    "proxy_on_time": ("Proxy errands closed by their deadline", "share", +1),
    "mediation_on_time": ("Disputes mediated by their deadline", "share", +1),
    # the article's general same-day promise, which the two channels' own deadlines depart from
    "proxy_same_day": ("Proxy errands responded to and closed the same day", "share", +1),
    "mediation_same_day": ("Disputes responded to and closed the same day", "share", +1),
    "pairing_on_time": ("Service projects of paired units delivered by their deadline", "share", +1),
    "package_on_time": ("Package visits made within their due window", "share", +1),
    "appointments_on_time": (
        "Appointments meeting their zone's promise, counted from the time asked for",
        "share",
        +1,
    ),
    "urban_10min_acceptance": ("Urban orders accepted by a volunteer within the promise", "share", +1),
    "urban_10min_arrival": ("Urban orders reached within the promise", "share", +1),
    # the urban promise by the time of day the order was placed (the reading urban_10min counts)
    **{name: (f"{URBAN_LABEL}, {band}", "share", +1) for name, band in BAND_OF_KPI.items()},
    "rural_placed_after_cutoff": ("Rural orders placed after the cut-off (due the next day)", "share", 0),
    "open_overnight_per_week": (
        "Catalogue and professional orders open overnight",
        "orders/week",
        -1,
    ),
    "open_overnight_per_1000": (
        "Catalogue and professional orders open overnight",
        "per 1,000 orders",
        -1,
    ),
    "open_overnight_urban_per_1000": (
        "Urban catalogue and professional orders open overnight",
        "per 1,000 orders",
        -1,
    ),
    "open_overnight_rural_per_1000": (
        "Rural catalogue and professional orders open overnight",
        "per 1,000 orders",
        -1,
    ),
    "open_overnight_before_cutoff_per_1000": (
        "Catalogue and professional orders placed before the cut-off, open overnight",
        "per 1,000 orders",
        -1,
    ),
    "open_overnight_after_cutoff_per_1000": (
        "Catalogue and professional orders placed after the cut-off, open overnight",
        "per 1,000 orders",
        -1,
    ),
    "orders_per_day": ("Orders placed", "orders/day", 0),
    "response_p50_urban": ("Urban response time, median", "minutes", -1),
    "response_p90_urban": ("Urban response time, 90th percentile", "minutes", -1),
    "response_p95_urban": ("Urban response time, 95th percentile", "minutes", -1),
    "response_p50_rural": ("Rural response time, median", "minutes", -1),
    "response_p90_rural": ("Rural response time, 90th percentile", "minutes", -1),
    "response_p95_rural": ("Rural response time, 95th percentile", "minutes", -1),
    "escalation_rate": ("Catalogue orders escalated beyond the village", "share", -1),
    "county_escalation_rate": ("Catalogue orders escalated to the county", "share", -1),
    "cancellation_rate": ("Orders cancelled by the citizen (of those a citizen can cancel)", "share", -1),
    **{f"served_{lv}": (f"Orders served by {lv} teams", "share", 0) for lv in TEAM_LEVELS},
    "served_cancelled": ("Orders cancelled", "share", -1),
    "served_open": ("Orders still unanswered at the horizon", "share", -1),
    "utilisation": ("Volunteer utilisation (busy / on duty)", "share", 0),
    "on_duty_hours_per_week": ("Volunteer-hours on duty a week", "hours/week", 0),
    "credited_hours_per_volunteer_month": ("Credited hours per active volunteer", "hours/month", 0),
    "activities_per_month": ("Planned group activities", "per month", 0),
    "backlog_mean": ("Catalogue and professional orders waiting for a response, mean", "orders", -1),
    "backlog_max": ("Catalogue and professional orders waiting for a response, max", "orders", -1),
    "hand_up_rate": ("Catalogue orders handed up by their village", "share", 0),
    "handed_up_on_time": ("Handed-up orders meeting their zone's promise", "share", +1),
    "event_on_time": ("Event orders delivered by the event's deadline", "share", +1),
    "event_response_p50": ("Event orders' response time, median", "minutes", -1),
    "event_close_p50": ("Event orders' time to closing, median", "minutes", -1),
    "event_close_p90": ("Event orders' time to closing, 90th percentile", "minutes", -1),
    "event_volunteer_hours": ("Volunteer-hours spent on event orders", "hours", -1),
}

# the KPIs of each town (``town.<pinyin>.<part>``, :func:`town_kpis`)
# (the urban promise in each reading, and by time of day, for a town with urban places:
# docs/kpis.md)
TOWN_KPI_PARTS = (
    "compliance",
    "urban_10min",
    "rural_same_day",
    "urban_10min_acceptance",
    "urban_10min_arrival",
    *BAND_KPIS,
)
TOWN_KPI = re.compile(r"town\.(.+)\.(" + "|".join(TOWN_KPI_PARTS) + ")")


def town_kpi_info(name: str) -> tuple[str, str, int] | None:
    """(label, unit, direction) of a town KPI (``town.<pinyin>.compliance``, ``.urban_10min``,
    ``.rural_same_day``, ``.urban_10min_acceptance``, ``.urban_10min_arrival``,
    ``.urban_10min_day``, ``.urban_10min_evening``, ``.urban_10min_night``: a share, higher is
    better), or None for another name."""
    match = TOWN_KPI.fullmatch(name)
    if match is None:
        return None
    if match[2] in BAND_OF_KPI:  # the town before the band: "... in Kunyang, night 22:00-07:00"
        return f"{URBAN_LABEL} in {match[1]}, {BAND_OF_KPI[match[2]]}", "share", +1
    what = "Orders meeting their promise" if match[2] == "compliance" else KPI_INFO[match[2]][0]
    return f"{what} in {match[1]}", "share", +1


def kpi_info(name: str) -> tuple[str, str, int]:
    """(label, unit, direction) of a KPI name, a county's (:data:`KPI_INFO`) or a town's
    (:func:`town_kpi_info`); KeyError for another name."""
    info = KPI_INFO.get(name) or town_kpi_info(name)
    if info is None:
        raise KeyError(name)
    return info


# per service channel but the catalogue: the KPI of its orders closed by their deadline
CHANNEL_KPIS: dict[str, str] = {
    "professional": "professional_same_day",
    "proxy": "proxy_on_time",
    "mediation": "mediation_on_time",
    "pairing": "pairing_on_time",
    "package": "package_on_time",
}
# the service-channel rows of the briefing: the channels' deadlines, then the booked and the
# handed-up orders' zone promises
CHANNEL_ROWS: tuple[str, ...] = (*CHANNEL_KPIS.values(), "appointments_on_time", "handed_up_on_time")
# the channels whose citizens wait for a response, counted in the backlog (``backlog_mean``,
# ``backlog_max``): the catalogue's zone promises (a surge event's orders too) and the professional
# orders' same day; the other channels' promises are deadlines days ahead, by which their orders
# are scheduled (a proxy errand for its point's opening hours, a weekly package visit, a paired
# unit's project), and their on-time KPIs judge them
RESPONSE_CHANNELS: tuple[str, ...] = ("catalogue", "professional")
# KPIs added by extensions (register_kpi): name -> compute(log, world), which returns the value,
# or (value, orders counted) for a proportion of orders
EXTRA_KPIS: dict[str, Callable[[RunLog, World], float | tuple[float, int]]] = {}


def register_kpi(
    name: str,
    label: str,
    unit: str,
    direction: int,
    compute: Callable[[RunLog, World], float | tuple[float, int]],
) -> None:
    """Add a KPI to every replication's KPIs: ``compute(log, world)`` returns its value for
    one replication (a share, minutes, orders/week...: ``unit``; ``direction`` +1 when higher
    is better, -1 when lower is, 0 neutral). A proportion of orders (unit ``share`` or ``per
    1,000 orders``) returns ``(value, orders)``, the orders it counts: its interval is then the
    built-in shares' (the Wilson interval of the orders counted, which does not shrink to a
    point when every replication gives 100%); a bare value gets the replications' interval
    alone, a point when they all agree. It then shows in kpis.json and kpis.csv, can be
    compared and swept, and an ``expect:`` block may set a threshold on it. Register at import
    time of a module that every worker process imports (docs/extending.md)."""
    if name in KPI_INFO:
        raise ValueError(f"KPI {name!r} exists already")
    KPI_INFO[name] = (label, unit, direction)
    EXTRA_KPIS[name] = compute


# the headline KPIs: every county promise with a target in every output (both readings of the
# urban and of the rural promise, never overnight, the professional orders' same day), then what
# a planner watches beside them; the regression gate's default watch list
HEADLINE = [
    "urban_10min",
    "urban_10min_arrival",
    "rural_same_day",
    "rural_by_midnight",
    "open_overnight_per_1000",
    "open_overnight_per_week",
    "professional_same_day",
    "response_p90_urban",
    "escalation_rate",
    "cancellation_rate",
]
