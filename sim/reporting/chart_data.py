"""The content of ``chart_data.json``: what the charts and the briefing need beyond kpis.json,
aggregated from the replications' logs (per-place order counts and promises met, response-time
curves by zone, where orders end, the average week of demand, duty and busy volunteers, and the
scenario's settings the briefing states). Saved with the results so that ``report`` redraws the
charts without simulating. Minutes throughout.
"""

from __future__ import annotations

import math

import numpy as np

from sim.config.geography import ZONES
from sim.config.scenario import Scenario
from sim.config.teams import TEAM_LEVELS
from sim.reporting.formatting import CHART_DATA_FORMAT, OUTCOME_CATEGORIES
from sim.results.logs import CANCELLED
from sim.results.promises import urban_response_time, zone_promise_orders, zone_verdicts
from sim.results.summary import RepResult
from sim.results.workload import busy_intervals
from sim.world.build import World

RESPONSE_GRID_MIN = np.unique(np.r_[np.arange(0.0, 60.0, 0.5), np.arange(60.0, 2881.0, 10.0)])


def _round(values, digits: int = 5) -> list:
    return [
        None if v is None or not math.isfinite(float(v)) else round(float(v), digits)
        for v in np.asarray(values, dtype=float).ravel()
    ]


def _busy_per_hour(
    start: np.ndarray, end: np.ndarray, people: np.ndarray, hours: int, horizon: float
) -> np.ndarray:
    """Mean number of people busy in each hour, from intervals [start, end) (minutes; NaN end =
    the horizon) each occupying ``people``."""
    end = np.where(np.isnan(end), horizon, end)
    keep = ~np.isnan(start) & (end > start)
    s, e, p = start[keep], end[keep], people[keep].astype(float)
    edges = np.arange(hours + 1) * 60.0
    # cumulative people-minutes up to each edge
    cum = np.array([(np.clip(x - s, 0, e - s) * p).sum() for x in edges])
    return np.diff(cum) / 60.0


def _by_hour_of_week(values: np.ndarray, hours: np.ndarray, start_weekday: int) -> np.ndarray:
    """Average of hourly ``values`` (last axis = simulated hours listed in ``hours``) per hour of
    the week, Monday 00:00 first (NaN for hours of the week not simulated)."""
    how = ((hours // 24 + start_weekday) % 7) * 24 + hours % 24
    count = np.bincount(how, minlength=168).astype(float)
    values = np.atleast_2d(values)
    out = np.array([np.bincount(how, weights=row[hours], minlength=168) for row in values])
    with np.errstate(invalid="ignore", divide="ignore"):
        return out / count


def chart_data(scenario: Scenario, world: World, results: list[RepResult]) -> dict:
    """Everything the charts need that kpis.json lacks, aggregated from the replications' logs
    (saved as chart_data.json so that ``report`` redraws without simulating). Minutes."""
    tg = scenario.targets
    zone_target = np.array([tg.urban_share, tg.rural_share])
    n_places, n_towns = len(world.places), len(world.towns.code)
    orders_at = np.zeros(n_places)
    met_at = np.zeros(n_places)
    target_sum = np.zeros(n_towns)
    curves: dict[str, list] = {zone: [] for zone in ZONES}
    deadlines = []
    outcome_shares: dict[str, list] = {g: [] for g in (*ZONES, "all")}
    week_orders, week_duty, week_busy, week_busy_all = [], [], [], []
    for r in results:
        log = r.log
        o = log.orders
        start, end = log.window_min
        inside = (o.t_placed >= start) & (o.t_placed < end)
        catalogue = inside & zone_promise_orders(log)
        met, decided = zone_verdicts(log, world)
        judged = catalogue & decided  # (the run cannot judge undecided orders)
        orders_at += np.bincount(o.place[judged], minlength=n_places)
        met_at += np.bincount(o.place[judged & met], minlength=n_places)
        # each town's target, weighted by the zones of the orders it judges (the same orders
        # as orders_at: with undecided orders left out, the catalogue's would exceed them)
        target_sum += np.bincount(o.town[judged], weights=zone_target[o.zone[judged]], minlength=n_towns)
        # urban: to the event the urban promise counts; rural: to acceptance (responded). Over
        # the judged orders, as the KPIs: the urban curve at the promise is urban_10min
        urban_response = urban_response_time(log, tg.urban_response_event)
        for z, zone in enumerate(ZONES):
            response = urban_response if zone == "urban" else o.t_accepted - o.t_placed
            mask = judged & (o.zone == z)
            done = np.sort(response[mask][~np.isnan(response[mask])])
            n = int(mask.sum())
            curve = (
                np.searchsorted(done, RESPONSE_GRID_MIN, side="right") / n
                if n
                else np.full(len(RESPONSE_GRID_MIN), np.nan)
            )
            curves[zone].append(_round(curve))
            if zone == "rural":
                deadlines.append((o.t_deadline - o.t_placed)[catalogue & (o.zone == z)])
        category = np.where(
            o.team >= 0,
            o.team_level,
            np.where(o.outcome == CANCELLED, len(TEAM_LEVELS), len(TEAM_LEVELS) + 1),
        )
        for group in outcome_shares:
            mask = inside if group == "all" else inside & (o.zone == ZONES.index(group))
            counts = np.bincount(category[mask], minlength=len(OUTCOME_CATEGORIES))
            outcome_shares[group].append(counts / max(1, mask.sum()))
        hours_total = log.on_duty_by_level.shape[1]
        hours = np.arange(int(start // 60), min(int(np.ceil(end / 60)), hours_total))
        placed = np.bincount((o.t_placed[inside] // 60).astype(int), minlength=hours_total)
        weekday = scenario.run.start_weekday
        week_orders.append(_by_hour_of_week(placed[:hours_total].astype(float), hours, weekday)[0])
        week_duty.append(_by_hour_of_week(log.on_duty_by_level.astype(float), hours, weekday))
        assigned, _, released, people = busy_intervals(log)
        busy = _busy_per_hour(assigned, released, people, hours_total, log.horizon_min)
        a = log.activities
        busy_act = (
            _busy_per_hour(
                np.asarray(a.t_start, float),
                np.asarray(a.t_end, float),
                np.asarray(a.pulled, float),
                hours_total,
                log.horizon_min,
            )
            if len(a.t_start)
            else np.zeros(hours_total)
        )
        week_busy.append(_by_hour_of_week(busy, hours, weekday)[0])
        week_busy_all.append(_by_hour_of_week(busy + busy_act, hours, weekday)[0])
    deadline = np.concatenate(deadlines) if deadlines else np.array([])
    towns, places = world.towns, world.places
    town_orders = np.bincount(places.town, weights=orders_at, minlength=n_towns)
    seat = int(towns.seat_place[towns.index(scenario.geography.county_seat_town)])
    ferry = scenario.geography.travel.ferry
    ferry_data = None
    if ferry is not None and ferry.island_towns:
        ferry_data = {
            "port_place": int(towns.seat_place[towns.index(ferry.port_town)]),
            "island_towns": [towns.index(t) for t in ferry.island_towns],
        }
    with np.errstate(invalid="ignore", divide="ignore"):
        town_target = target_sum / town_orders
    events = [
        {
            "name": event.name or str(k),
            "mode": event.delivery.mode,
            "collect_every_min": event.delivery.collect_every_min,
            "batch_size": event.delivery.batch_size,
            "volunteers_per_batch": event.delivery.volunteers_per_batch,
            "deadline_hours": event.delivery.deadline_hours,
        }
        for k, event in enumerate(scenario.events)
        if event.delivery is not None
    ]
    projects = scenario.pairing.projects
    # the pairing channel's assumptions, which the briefing states (only with paired villages)
    pairing = (
        {
            "projects": float(sum(projects.projects.values())),
            "orders_per_project_per_year": projects.orders_per_project_per_year,
            "due_days": projects.due_days,
        }
        if world.pairs and sum(projects.projects.values()) > 0
        else None
    )
    # the packages' recipients, which the briefing states (only with packages)
    kinds = [k for k in scenario.packages.kinds.values() if k.recipients_per_1000 > 0]
    package = (
        {
            "recipients_per_1000": float(sum(k.recipients_per_1000 for k in kinds)),
            "kinds": float(len(kinds)),
            "top_tier": float(scenario.packages.top_tier),
        }
        if kinds
        else None
    )
    out = {
        "format": CHART_DATA_FORMAT,
        "scenario": scenario.name,
        "targets": {
            "urban_response_min": tg.urban_response_min,
            "urban": tg.urban_share,
            "rural": tg.rural_share,
            "same_day_cutoff": tg.same_day_cutoff,
            "day_end": tg.day_end,
            "urban_response_event": tg.urban_response_event,
            "overnight_per_1000": tg.overnight_per_1000,
        },
        "admin": {"after_hours": scenario.admin.after_hours},  # when professional orders are reviewed
        "towns": {
            "pinyin": list(towns.pinyin),
            "name": list(towns.name),
            "seat_place": [int(p) for p in towns.seat_place],
            "orders": _round(town_orders, 1),
            "target": _round(town_target),
        },
        "places": {
            "code": list(places.code),
            "name": list(places.name),
            "town": [int(t) for t in places.town],
            "zone": [int(z) for z in places.zone],
            "x_km": _round(places.x_km, 3),
            "y_km": _round(places.y_km, 3),
            "lat": _round(places.lat),
            "lon": _round(places.lon),
            "orders": _round(orders_at, 1),
            "met": _round(met_at, 1),
        },
        "county_center_place": seat,
        "ferry": ferry_data,
        "events": events,  # surge events with a delivery setting (their KPIs: event_*)
        "response": {
            "grid_min": _round(RESPONSE_GRID_MIN, 2),
            "curves": curves,
            "rural_deadline_min": _round(
                np.percentile(deadline, [10, 50, 90]) if len(deadline) else [np.nan] * 3, 1
            ),
        },
        "outcomes": {
            "categories": list(OUTCOME_CATEGORIES),
            "shares": {g: _round(np.mean(v, axis=0)) for g, v in outcome_shares.items()},
        },
        "week": {
            "orders_per_hour": _round(np.mean(week_orders, axis=0), 3),
            "on_duty": {lv: _round(row, 2) for lv, row in zip(TEAM_LEVELS, np.mean(week_duty, axis=0))},
            "busy_orders": _round(np.mean(week_busy, axis=0), 3),
            "busy_all": _round(np.mean(week_busy_all, axis=0), 3),
        },
    }
    if pairing is not None:
        out["pairing"] = pairing
    if package is not None:
        out["packages"] = package
    return out
