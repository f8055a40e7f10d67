"""KPIs of one replication: pure numpy functions of its logs.

Only orders placed inside the measured window (after warm-up) count. Catalogue orders (the
``catalogue`` channel) are held to the zone promises: **urban** orders must be responded to (a
volunteer accepts, or with ``targets.urban_response_event: arrival`` the volunteers arrive)
within ``targets.urban_response_min`` minutes (``urban_10min``; the other reading is judged
too: :func:`sim.results.verdict.kpi_targets`; and the same orders by the band of the day they
were placed in, ``urban_10min_day``, ``_evening``, ``_night``: the promise holds at every hour,
:data:`sim.results.promises.TIME_BANDS`); **rural** orders must be responded to and
closed by their same-day deadline (``rural_same_day``; the next day's end when placed after
the cut-off). Each other service channel is held to its own deadline (:data:`CHANNEL_KPIS`):
professional orders go through the administrator and must be closed the same day
(``professional_same_day``); proxy errands by ``proxy.deadline_days`` (``proxy_on_time``);
disputes by ``mediation.deadline_days`` (``mediation_on_time``); the paired units' service
projects must be delivered within ``pairing.projects.due_days`` (``pairing_on_time``); the
packages' visits within their due window (``package_on_time``). Utilisation and credited hours
per volunteer are the practice network's (the proxy points and mediation rooms are forces of
their own). An order still open (neither closed nor cancelled) at the first midnight after it
was placed counts as open overnight. A cancelled or never-answered order misses its target.
An order whose promise falls due after the run ends (:func:`undecided`) is left out of the
shares judged against that promise, met or not (a cut the outcome cannot move). The orders
of a surge event with a ``delivery`` setting (e.g. the 泰悦府 lockdown) are also measured apart
(``event_*``): delivered by the event's deadline, response and closing times, and the
volunteer-hours they took (a batch's trip shared among its orders).
The backlog (``backlog_mean``, ``backlog_max``) counts, on the hour, the orders due a response
and not yet answered: the catalogue's and the professional orders' (:data:`RESPONSE_CHANNELS`).
"""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np

from sim.config.channels import CHANNELS
from sim.config.teams import CHANNEL_TEAM_LEVELS, TEAM_LEVELS
from sim.results.logs import CANCELLED, CLOSED, OPEN, RunLog
from sim.results.promises import (
    TIME_BANDS,
    band_hours,
    event_deadline,
    midnight_verdicts,
    never_overnight,
    other_reading,
    overnight_parts,
    placed_after_cutoff,
    same_day_verdicts,
    time_band,
    undecided,
    urban_response_time,
    zone_promise_orders,
    zone_verdicts,
)
from sim.world.build import World
from sim.world.surges import event_of

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


def deadline_judgement(log: RunLog, world: World) -> dict[str, dict]:
    """What each channel KPI of :data:`CHANNEL_KPIS` could judge in one replication: per KPI,
    of the orders placed in the measured window, ``judged`` (their deadline falls within the
    run: the KPI's ``orders``) and ``due_after_run`` (:func:`undecided`, left out). A short run
    judges only the orders whose deadlines are near: with 3 measured days and one drain day, the
    packages' daily meals (due by noon) but none of their weekly visits. ``package_on_time``
    adds ``kinds``: the same counts per package kind (``packages.kinds``, by its item), with the
    kind's item, its visits' interval (``every_days``) and due window (``due_within_min``,
    minutes), so that an output can say which visits the share judged."""
    o = log.orders
    start, end = log.window_min
    inside = (o.t_placed >= start) & (o.t_placed < end)
    late = undecided(log, o.t_deadline)

    def counts(mask: np.ndarray) -> dict:
        return {"judged": int((mask & ~late).sum()), "due_after_run": int((mask & late).sum())}

    out: dict[str, dict] = {}
    for channel, name in CHANNEL_KPIS.items():
        out[name] = counts(inside & (o.channel == CHANNELS.index(channel)))
    package = inside & (o.channel == CHANNELS.index("package"))
    item_index = {item.id: k for k, item in enumerate(world.items)}
    kinds = {}
    for kind_name, kind in world.scenario.packages.kinds.items():
        item = world.items[item_index[kind.item]]
        kinds[kind_name] = {
            "item": item.id,
            "name": item.name or item.id,
            "name_zh": item.name_zh or item.name or item.id,
            "every_days": kind.every_days,
            "due_within_min": float(kind.due_within_min),
            **counts(package & (o.item == item_index[kind.item])),
        }
    out["package_on_time"]["kinds"] = kinds
    return out


def judged_over_replications(logs: list[RunLog], world: World) -> dict[str, dict]:
    """:func:`deadline_judgement` summed over the replications' logs (kpis.json's ``judged``:
    orders in all, as its ``orders``)."""

    def add(into: dict, row: dict) -> None:
        for key in ("judged", "due_after_run"):
            into[key] += row[key]

    total: dict[str, dict] = {}
    for log in logs:
        for name, row in deadline_judgement(log, world).items():
            if name not in total:  # (each call makes new dicts: the first is the running total)
                total[name] = row
                continue
            add(total[name], row)
            for kind, k in row.get("kinds", {}).items():
                add(total[name]["kinds"][kind], k)
    return total


# the service-channel rows of the briefing: the channels' deadlines, then the booked and the
# handed-up orders' zone promises
CHANNEL_ROWS: tuple[str, ...] = (*CHANNEL_KPIS.values(), "appointments_on_time", "handed_up_on_time")
# the channels whose citizens wait for a response, counted in the backlog (``backlog_mean``,
# ``backlog_max``): the catalogue's zone promises (a surge event's orders too) and the professional
# orders' same day; the other channels' promises are deadlines days ahead, by which their orders
# are scheduled (a proxy errand for its point's opening hours, a weekly package visit, a paired
# unit's project), and their on-time KPIs judge them
RESPONSE_CHANNELS: tuple[str, ...] = ("catalogue", "professional")
# KPIs added by extensions (register_kpi): name -> compute(log, world)
EXTRA_KPIS: dict[str, Callable[[RunLog, World], float]] = {}


def register_kpi(
    name: str, label: str, unit: str, direction: int, compute: Callable[[RunLog, World], float]
) -> None:
    """Add a KPI to every replication's KPIs: ``compute(log, world)`` returns its value for
    one replication (a share, minutes, orders/week...: ``unit``; ``direction`` +1 when higher
    is better, -1 when lower is, 0 neutral). It then shows in kpis.json and kpis.csv, can be
    compared and swept, and an ``expect:`` block may set a threshold on it. Register at
    import time of a module that every worker process imports (docs/extending.md)."""
    if name in KPI_INFO:
        raise ValueError(f"KPI {name!r} exists already")
    KPI_INFO[name] = (label, unit, direction)
    EXTRA_KPIS[name] = compute


HEADLINE = [
    "urban_10min",
    "urban_10min_arrival",
    "rural_same_day",
    "open_overnight_per_1000",
    "open_overnight_per_week",
    "response_p90_urban",
    "escalation_rate",
    "cancellation_rate",
]


def _share(mask: np.ndarray, of: np.ndarray) -> float:
    n = int(of.sum())
    return float((mask & of).sum() / n) if n else float("nan")


class _Counted(dict):
    """The KPIs of one replication, and for each proportion of orders the orders it counts
    (``orders``: the denominators, which the intervals of :mod:`sim.results.verdict` use)."""

    def __init__(self) -> None:
        super().__init__()
        self.orders: dict[str, int] = {}

    def share(self, name: str, mask: np.ndarray, of: np.ndarray, scale: float = 1.0) -> None:
        """Set KPI ``name`` to the share of ``of`` in ``mask`` (times ``scale``)."""
        self[name] = _share(mask, of) * scale
        self.orders[name] = int(of.sum())


def _percentile(values: np.ndarray, q: float) -> float:
    values = values[~np.isnan(values)]
    return float(np.percentile(values, q)) if len(values) else float("nan")


def compute_kpis(log: RunLog, world: World) -> dict[str, float]:
    """All scalar KPIs of one replication (see KPI_INFO for names, units and directions)."""
    return counted_kpis(log, world)


def counted_kpis(log: RunLog, world: World) -> _Counted:
    """All scalar KPIs of one replication, as :func:`compute_kpis`, with ``.orders``: for each
    KPI that is a proportion of orders, the orders it counts."""
    o = log.orders
    start, end = log.window_min
    days = (end - start) / 1440.0
    inside = (o.t_placed >= start) & (o.t_placed < end)
    catalogue = inside & zone_promise_orders(log)
    response = o.t_accepted - o.t_placed
    event = world.scenario.targets.urban_response_event
    readings = {e: zone_verdicts(log, world, e) for e in ("acceptance", "arrival")}
    met, decided = readings[event]  # (the zone promises as the scenario reads them)
    judged = catalogue & decided  # (undecided orders are neither met nor missed)
    with np.errstate(invalid="ignore"):
        closed_by_deadline = o.t_closed <= o.t_deadline
    by_deadline = ~undecided(log, o.t_deadline)
    k = _Counted()
    urban, rural = catalogue & (o.zone == 0), catalogue & (o.zone == 1)
    k.share("urban_10min", met, urban & decided)
    # (the reading urban_10min does not count: each town with urban places is judged on it too)
    other = other_reading(event)
    for reading, (met_at_event, decided_at_event) in readings.items():
        k.share(f"urban_10min_{reading}", met_at_event, urban & decided_at_event)
    # the same orders and verdicts by the band of the day they were placed in (an appointment's
    # time asked for): the bands' orders add up to urban_10min's
    band = time_band(log)
    for b, name in enumerate(BAND_KPIS):
        k.share(name, met, urban & decided & (band == b))
    k.share("rural_same_day", met, rural & decided)
    by_midnight, decided_by_midnight = midnight_verdicts(log)  # (the strict reading: no cut-off)
    k.share("rural_by_midnight", by_midnight, rural & decided_by_midnight)
    late = placed_after_cutoff(log, world)
    k.share("rural_placed_after_cutoff", late, rural)
    k.share("appointments_on_time", met, judged & ~np.isnan(o.t_booked))
    for channel, name in CHANNEL_KPIS.items():
        k.share(name, closed_by_deadline, inside & by_deadline & (o.channel == CHANNELS.index(channel)))
    same_day, same_day_decided = same_day_verdicts(log, world)
    for channel in ("proxy", "mediation"):
        k.share(
            f"{channel}_same_day",
            same_day,
            inside & same_day_decided & (o.channel == CHANNELS.index(channel)),
        )
    professional = inside & (o.channel == CHANNELS.index("professional"))
    k.share(
        "professional_by_organisations",
        o.team_level == TEAM_LEVELS.index("professional"),
        professional & (o.outcome == CLOSED),
    )
    k.share(
        "professional_cancelled_before_review",
        (o.outcome == CANCELLED) & np.isnan(o.t_review_start),
        professional,
    )
    overnight, held_overnight = never_overnight(log, world)
    promised = inside & held_overnight
    k["open_overnight_per_week"] = float((promised & overnight).sum() / days * 7)
    k.share("open_overnight_per_1000", overnight, promised, 1000.0)
    for part, mask in overnight_parts(log, world).items():
        k.share(f"open_overnight_{part}_per_1000", overnight, promised & mask, 1000.0)
    k["orders_per_day"] = float(inside.sum() / days)
    # (urban: to the event the urban promise counts, targets.urban_response_event)
    for zone, mask, times in (("urban", urban, urban_response_time(log, event)), ("rural", rural, response)):
        for q in (50, 90, 95):
            k[f"response_p{q}_{zone}"] = _percentile(times[mask], q)
    k.share("escalation_rate", o.tier_max >= 2, catalogue)
    k.share("county_escalation_rate", o.tier_max >= 3, catalogue)
    # of the orders a citizen can cancel (not the paired units' projects nor package visits)
    k.share("cancellation_rate", o.outcome == CANCELLED, inside & world.channel_cancels[o.channel])
    for code, level in enumerate(TEAM_LEVELS):
        k.share(f"served_{level}", o.team_level == code, inside)
    k.share("served_cancelled", o.outcome == CANCELLED, inside)
    k.share("served_open", (o.outcome == OPEN) & (o.team < 0), inside)
    # the practice network's volunteers (not the proxy points' and mediation rooms')
    busy, credited = _volunteer_minutes(log, start, end)
    network = np.array([lv not in CHANNEL_TEAM_LEVELS for lv in TEAM_LEVELS])
    hours = log.on_duty_by_level[:, int(start // 60) : int(np.ceil(end / 60))]
    on_duty = float(hours[network[: len(hours)]].sum() * 60)
    k["utilisation"] = busy / on_duty if on_duty else float("nan")
    # what a staffing policy costs: the hours its volunteers are rostered on duty (and show up),
    # so that two plans reaching a target can be weighed (compare's difference of two arms)
    k["on_duty_hours_per_week"] = on_duty / 60.0 / days * 7.0
    members = float(world.teams.members[network[world.teams.level]].sum())
    k["credited_hours_per_volunteer_month"] = (
        credited / 60.0 / members / days * 30.44 if members else float("nan")
    )
    a = log.activities
    k["activities_per_month"] = (
        float(((a.t_start >= start) & (a.t_start < end)).sum() / days * 30.44) if len(a.t_start) else 0.0
    )
    series = backlog_series(log)
    window = series[int(start // 60) : int(end // 60)]
    k["backlog_mean"] = float(window.mean()) if len(window) else float("nan")
    k["backlog_max"] = float(window.max()) if len(window) else float("nan")
    handed_up = ~np.isnan(o.t_handed_up)
    k.share("hand_up_rate", handed_up, catalogue)
    k.share("handed_up_on_time", met, judged & handed_up)
    k.update(event_kpis(log, world, k))
    for t, (pinyin, zones) in enumerate(zip(world.towns.pinyin, town_zones(world))):
        mine = judged & (o.town == t)
        k.share(f"town.{pinyin}.compliance", met, mine)
        if len(zones) > 1:  # each zone against its own promise
            k.share(f"town.{pinyin}.urban_10min", met, mine & (o.zone == 0))
            k.share(f"town.{pinyin}.rural_same_day", met, mine & (o.zone == 1))
        if 0 in zones:  # the urban promise's other reading too, as the county's
            met_other, decided_other = readings[other]
            k.share(f"town.{pinyin}.urban_10min_{other}", met_other, urban & (o.town == t) & decided_other)
            for b, name in enumerate(BAND_KPIS):  # its urban orders by time of day
                k.share(f"town.{pinyin}.{name}", met, urban & decided & (o.town == t) & (band == b))
    for name, compute in EXTRA_KPIS.items():
        k[name] = float(compute(log, world))
    return k


def town_zones(world: World) -> list[tuple[int, ...]]:
    """Per town, the zones of its places (0 urban, 1 rural), ascending; empty for a town
    without places. One pass over the places, not one per town (1,600 towns at a province's
    size)."""
    p = world.places
    out: list[tuple[int, ...]] = [() for _ in world.towns.pinyin]
    for town, zone in np.unique(np.stack([p.town, p.zone]), axis=1).T.tolist():
        out[town] += (zone,)
    return out


def event_orders(log: RunLog, world: World) -> tuple[np.ndarray, np.ndarray]:
    """(per order, whether it is an order of a surge event with a ``delivery`` setting; per
    order, its event's delivery deadline in minutes: placement plus ``deadline_hours``, or the
    order's same-day deadline; NaN for other orders). An event's orders are the catalogue's
    orders of its places in its window (the orders it multiplies and delivers); a package
    visit, a proxy errand or a pairing project there keeps its own channel's deadline."""
    o = log.orders
    event = event_of(world.surges, o.place, o.t_placed)
    event[o.channel != CHANNELS.index("catalogue")] = -1
    deadline = np.full(len(o), np.nan)
    for k, surge in enumerate(world.surges):
        if surge.delivery is None:
            continue
        mine = event == k
        deadline[mine] = event_deadline(surge, o.t_placed[mine], o.t_deadline[mine])
    return ~np.isnan(deadline), deadline


def event_kpis(log: RunLog, world: World, counted: _Counted | None = None) -> dict[str, float]:
    """The ``event_*`` KPIs over the measured orders of surge events with a ``delivery``
    setting (NaN when there are none): delivered (closed) by the event's deadline; response
    and closing times from placing (minutes); volunteer-hours from assignment until the
    volunteers are back, a batch's trip shared equally among its orders. ``counted`` (the
    replication's KPIs) records the orders ``event_on_time`` judges, its interval's binomial
    part: it has a target (``targets.event_share``)."""
    o, b = log.orders, log.batches
    start, end = log.window_min
    mine, deadline = event_orders(log, world)
    mine &= (o.t_placed >= start) & (o.t_placed < end)
    with np.errstate(invalid="ignore"):
        on_time = o.t_closed <= deadline
    judged = mine & ~undecided(log, deadline)
    if counted is not None:
        counted.orders["event_on_time"] = int(judged.sum())
    closing = (o.t_closed - o.t_placed)[mine]
    batch = o.batch
    alone = mine & (batch < 0) & ~np.isnan(o.t_assigned)
    released = np.where(np.isnan(o.t_released), log.horizon_min, o.t_released)
    minutes = float(((released - o.t_assigned)[alone] * o.volunteers[alone]).sum())
    if len(b):
        trip = (np.where(np.isnan(b.t_released), log.horizon_min, b.t_released) - b.t_start) * b.volunteers
        counted = np.bincount(batch[mine & (batch >= 0)], minlength=len(b))
        minutes += float((trip * counted / np.maximum(1, b.orders)).sum())
    return {
        "event_on_time": _share(on_time, judged),
        "event_response_p50": _percentile((o.t_accepted - o.t_placed)[mine], 50),
        "event_close_p50": _percentile(closing, 50),
        "event_close_p90": _percentile(closing, 90),
        "event_volunteer_hours": minutes / 60.0 if mine.any() else float("nan"),
    }


def busy_intervals(log: RunLog) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The order pool's busy volunteers as intervals: (start, credited from, end, people),
    minutes (end NaN: not back before the horizon). An order served alone: from its
    assignment (credited from its acceptance) until its volunteers are back; a batch of a
    batched event: its crew from the trip's start until back (its orders are not counted
    again). The practice network's teams only: not the red proxy points' and mediation rooms'
    (forces of their own)."""
    o, b = log.orders, log.batches
    alone = ~np.isnan(o.t_assigned)
    alone &= ~np.isin(o.team_level, [TEAM_LEVELS.index(lv) for lv in CHANNEL_TEAM_LEVELS])
    if len(b):
        alone &= o.batch < 0
    return (
        np.concatenate([o.t_assigned[alone], b.t_start]),
        np.concatenate([o.t_accepted[alone], b.t_start]),
        np.concatenate([o.t_released[alone], b.t_released]),
        np.concatenate([o.volunteers[alone], b.volunteers]).astype(float),
    )


def _overlap(a: np.ndarray, b: np.ndarray, start: float, end: float) -> np.ndarray:
    """Minutes of each interval [a, b) inside [start, end) (NaN ends count as open; a NaN
    start has not begun by the horizon, so 0 minutes: an order assigned late in the run and
    not yet accepted is credited nothing)."""
    b = np.where(np.isnan(b), end, b)
    return np.where(np.isnan(a), 0.0, np.clip(np.minimum(b, end) - np.maximum(a, start), 0, None))


def _volunteer_minutes(log: RunLog, start: float, end: float) -> tuple[float, float]:
    """(busy volunteer-minutes of order-pool volunteers, credited volunteer-minutes) in window."""
    a = log.activities
    assigned, accepted, released, people = busy_intervals(log)
    busy_orders = (_overlap(assigned, released, start, end) * people).sum()
    credited_orders = (_overlap(accepted, released, start, end) * people).sum()
    busy_act = credited_act = 0.0
    if len(a.t_start):
        span = _overlap(a.t_start, a.t_end, start, end)
        busy_act = float((span * a.pulled).sum())
        credited_act = float((span * a.participants).sum())
    return float(busy_orders + busy_act), float(credited_orders + credited_act)


def awaiting_response(log: RunLog) -> np.ndarray:
    """Per order: is it counted in the backlog (``backlog_series``)? The orders of
    :data:`RESPONSE_CHANNELS`, whose citizens wait for a response from the time they are due
    (``t_placed``: an appointment's time asked for), a surge event's orders among them."""
    return np.isin(log.orders.channel, [CHANNELS.index(c) for c in RESPONSE_CHANNELS])


def backlog_series(log: RunLog, counted: np.ndarray | None = None) -> np.ndarray:
    """Orders due a response and not yet answered at each hour on the hour (hour ``h`` is
    minute ``60 h``): the orders of :data:`RESPONSE_CHANNELS` placed at or before it (an
    appointment from the time asked for) and neither accepted nor cancelled by then. The
    other channels' orders are work scheduled against deadlines days ahead (their ``*_on_time``
    KPIs judge them), so their waiting is left out. ``counted`` (per order, bool) counts other
    orders the same way instead, e.g. one channel's (scripts/backlog_by_channel.py)."""
    o = log.orders
    due = awaiting_response(log) if counted is None else counted
    hours = int(np.ceil(log.horizon_min / 60.0))
    ends = np.fmin(o.t_accepted[due], o.t_cancelled[due])
    ends = np.where(np.isnan(ends), np.inf, ends)
    grid = np.arange(hours) * 60.0
    placed = np.searchsorted(np.sort(o.t_placed[due]), grid, side="right")
    done = np.searchsorted(np.sort(ends), grid, side="right")
    return (placed - done).astype(float)
