"""KPIs of one replication: pure numpy functions of its logs.

Only orders placed inside the measured window (after warm-up) count. Catalogue orders (the
``catalogue`` channel) are held to the zone promises: **urban** orders must be responded to (a
volunteer accepts, or with ``targets.urban_response_event: arrival`` the volunteers arrive)
within ``targets.urban_response_min`` minutes (``urban_10min``; the other reading is judged
too: :func:`sim.results.verdict.kpi_targets`; and the same orders by the band of the day they
were placed in, ``urban_10min_day``, ``_evening``, ``_night``: the promise holds at every hour,
:data:`sim.results.promises.TIME_BANDS`); **rural** orders must be responded to and
closed by their same-day deadline (``rural_same_day``; the next day's end when placed after
the cut-off). Each other service channel is held to its own deadline
(:data:`sim.results.kpi_catalogue.CHANNEL_KPIS`): professional orders go through the
administrator and must be closed the same day (``professional_same_day``); proxy errands by
``proxy.deadline_days`` (``proxy_on_time``); disputes by ``mediation.deadline_days``
(``mediation_on_time``); the paired units' service projects must be delivered within
``pairing.projects.due_days`` (``pairing_on_time``); the packages' visits within their due
window (``package_on_time``). Utilisation and credited hours per volunteer are the practice
network's (the proxy points and mediation rooms are forces of their own). An order still open
(neither closed nor cancelled) at the first midnight after it was placed counts as open
overnight. A cancelled or never-answered order misses its target. An order whose promise falls
due after the run ends (:func:`undecided`) is left out of the shares judged against that
promise, met or not (a cut the outcome cannot move); :func:`deadline_judgement` says how many
orders each channel KPI judged and left out. The surge events' ``event_*`` KPIs come from
:mod:`sim.results.event_kpis`; the volunteer time and the backlog (``backlog_mean``,
``backlog_max``) from :mod:`sim.results.workload`. The KPIs' names, labels, units and
directions: :mod:`sim.results.kpi_catalogue`.
"""

from __future__ import annotations

import numpy as np

from sim.config.channels import CHANNELS
from sim.config.teams import CHANNEL_TEAM_LEVELS, TEAM_LEVELS
from sim.results.event_kpis import event_kpis
from sim.results.kpi_catalogue import BAND_KPIS, CHANNEL_KPIS, EXTRA_KPIS
from sim.results.kpi_values import CountedKpis, percentile_of
from sim.results.logs import CANCELLED, CLOSED, OPEN, RunLog
from sim.results.promises import (
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
from sim.results.workload import backlog_series, volunteer_minutes
from sim.world.build import World


def compute_kpis(log: RunLog, world: World) -> dict[str, float]:
    """All scalar KPIs of one replication (see :data:`sim.results.kpi_catalogue.KPI_INFO` for
    names, units and directions)."""
    return counted_kpis(log, world)


def counted_kpis(log: RunLog, world: World) -> CountedKpis:
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
    k = CountedKpis()
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
            k[f"response_p{q}_{zone}"] = percentile_of(times[mask], q)
    k.share("escalation_rate", o.tier_max >= 2, catalogue)
    k.share("county_escalation_rate", o.tier_max >= 3, catalogue)
    # of the orders a citizen can cancel (not the paired units' projects nor package visits)
    k.share("cancellation_rate", o.outcome == CANCELLED, inside & world.channel_cancels[o.channel])
    for code, level in enumerate(TEAM_LEVELS):
        k.share(f"served_{level}", o.team_level == code, inside)
    k.share("served_cancelled", o.outcome == CANCELLED, inside)
    k.share("served_open", (o.outcome == OPEN) & (o.team < 0), inside)
    # the practice network's volunteers (not the proxy points' and mediation rooms')
    busy, credited = volunteer_minutes(log, start, end)
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
        value = compute(log, world)
        if isinstance(value, tuple):  # (a proportion of orders, the orders it counts)
            value, k.orders[name] = value[0], int(value[1])
        k[name] = float(value)
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


def deadline_judgement(log: RunLog, world: World) -> dict[str, dict]:
    """What each channel KPI of :data:`sim.results.kpi_catalogue.CHANNEL_KPIS` could judge in
    one replication: per KPI, of the orders placed in the measured window, ``judged`` (their
    deadline falls within the run: the KPI's ``orders``) and ``due_after_run``
    (:func:`undecided`, left out). A short run judges only the orders whose deadlines are near:
    with 3 measured days and one drain day, the packages' daily meals (due by noon) but none of
    their weekly visits. ``package_on_time``
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
