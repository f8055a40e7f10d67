"""KPIs of one replication: pure numpy functions of its logs.

Only orders placed inside the measured window (after warm-up) count. Catalogue orders (the
``catalogue`` channel) are held to the zone promises: **urban** orders must be responded to (a
volunteer accepts) within ``targets.urban_response_min`` minutes (``urban_10min``); **rural**
orders must be responded to and closed by their same-day deadline (``rural_same_day``). Each
other service channel is held to its own deadline (:data:`CHANNEL_KPIS`): professional orders go
through the administrator's office hours and must be closed the same day
(``professional_same_day``); the paired units' service projects must be delivered within
``pairing.projects.due_days`` (``pairing_on_time``); the packages' visits within their due
window (``package_on_time``). An order still open at its deadline
counts as open overnight. A cancelled or never-answered order misses its target.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from sim.config.scenario import CHANNELS, TEAM_LEVELS
from sim.results.logs import CANCELLED, CLOSED, OPEN, RunLog
from sim.world.build import World

# name: (label, unit, direction: +1 higher is better, -1 lower is better, 0 neutral)
KPI_INFO: dict[str, tuple[str, str, int]] = {
    "urban_10min": ("Urban orders responded within the promise", "share", +1),
    "rural_same_day": ("Rural orders responded and closed the same day", "share", +1),
    "professional_same_day": ("Professional orders closed the same day", "share", +1),
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
    "pairing_on_time": ("Service projects of paired units delivered by their deadline", "share", +1),
    "package_on_time": ("Package visits made within their due window", "share", +1),
    "open_overnight_per_week": ("Orders left open overnight", "orders/week", -1),
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
    "served_open": ("Orders open at the horizon", "share", -1),
    "utilisation": ("Volunteer utilisation (busy / on duty)", "share", 0),
    "credited_hours_per_volunteer_month": ("Credited hours per active volunteer", "hours/month", 0),
    "activities_per_month": ("Planned group activities", "per month", 0),
    "backlog_mean": ("Orders waiting for a response, mean", "orders", -1),
    "backlog_max": ("Orders waiting for a response, max", "orders", -1),
}
# per service channel but the catalogue: the KPI of its orders closed by their deadline
CHANNEL_KPIS: dict[str, str] = {
    "professional": "professional_same_day",
    "pairing": "pairing_on_time",
    "package": "package_on_time",
}
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
    "rural_same_day",
    "open_overnight_per_week",
    "response_p90_urban",
    "escalation_rate",
    "cancellation_rate",
]


def _share(mask: np.ndarray, of: np.ndarray) -> float:
    n = int(of.sum())
    return float((mask & of).sum() / n) if n else float("nan")


def _percentile(values: np.ndarray, q: float) -> float:
    values = values[~np.isnan(values)]
    return float(np.percentile(values, q)) if len(values) else float("nan")


def met_target(log: RunLog, world: World) -> np.ndarray:
    """Per order: did it meet its zone's promise? (urban: response time; rural: same day)."""
    o = log.orders
    response = o.t_accepted - o.t_placed
    with np.errstate(invalid="ignore"):
        urban_ok = response <= world.scenario.targets.urban_response_min
        same_day = (o.t_accepted <= o.t_deadline) & (o.t_closed <= o.t_deadline)
    return np.where(o.zone == 0, urban_ok, same_day) & ~np.isnan(o.t_accepted)


def compute_kpis(log: RunLog, world: World) -> dict[str, float]:
    """All scalar KPIs of one replication (see KPI_INFO for names, units and directions)."""
    o = log.orders
    start, end = log.window_min
    days = (end - start) / 1440.0
    inside = (o.t_placed >= start) & (o.t_placed < end)
    catalogue = inside & (o.channel == CHANNELS.index("catalogue"))
    response = o.t_accepted - o.t_placed
    met = met_target(log, world)
    with np.errstate(invalid="ignore"):
        closed_by_deadline = o.t_closed <= o.t_deadline
        cancelled_before = o.t_cancelled <= o.t_deadline
    k: dict[str, float] = {}
    urban, rural = catalogue & (o.zone == 0), catalogue & (o.zone == 1)
    k["urban_10min"] = _share(met, urban)
    k["rural_same_day"] = _share(met, rural)
    for channel, name in CHANNEL_KPIS.items():
        k[name] = _share(closed_by_deadline, inside & (o.channel == CHANNELS.index(channel)))
    professional = inside & (o.channel == CHANNELS.index("professional"))
    k["professional_by_organisations"] = _share(
        o.team_level == TEAM_LEVELS.index("professional"), professional & (o.outcome == CLOSED)
    )
    k["professional_cancelled_before_review"] = _share(
        (o.outcome == CANCELLED) & np.isnan(o.t_review_start), professional
    )
    k["open_overnight_per_week"] = float((inside & ~closed_by_deadline & ~cancelled_before).sum() / days * 7)
    k["orders_per_day"] = float(inside.sum() / days)
    for zone, mask in (("urban", urban), ("rural", rural)):
        for q in (50, 90, 95):
            k[f"response_p{q}_{zone}"] = _percentile(response[mask], q)
    k["escalation_rate"] = _share(o.tier_max >= 2, catalogue)
    k["county_escalation_rate"] = _share(o.tier_max >= 3, catalogue)
    # of the orders a citizen can cancel (not the paired units' projects nor package visits)
    k["cancellation_rate"] = _share(o.outcome == CANCELLED, inside & world.channel_cancels[o.channel])
    for code, level in enumerate(TEAM_LEVELS):
        k[f"served_{level}"] = _share(o.team_level == code, inside)
    k["served_cancelled"] = _share(o.outcome == CANCELLED, inside)
    k["served_open"] = _share((o.outcome == OPEN) & (o.team < 0), inside)
    busy, credited = _volunteer_minutes(log, start, end)
    on_duty = float(log.on_duty_by_level[:, int(start // 60) : int(np.ceil(end / 60))].sum() * 60)
    k["utilisation"] = busy / on_duty if on_duty else float("nan")
    members = float(world.teams.members.sum())
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
    for t, pinyin in enumerate(world.towns.pinyin):
        k[f"town.{pinyin}.compliance"] = _share(met, catalogue & (o.town == t))
    for name, compute in EXTRA_KPIS.items():
        k[name] = float(compute(log, world))
    return k


def _overlap(a: np.ndarray, b: np.ndarray, start: float, end: float) -> np.ndarray:
    """Minutes of each interval [a, b) inside [start, end) (NaN ends count as open)."""
    b = np.where(np.isnan(b), end, b)
    return np.clip(np.minimum(b, end) - np.maximum(a, start), 0, None)


def _volunteer_minutes(log: RunLog, start: float, end: float) -> tuple[float, float]:
    """(busy volunteer-minutes of order-pool volunteers, credited volunteer-minutes) in window."""
    o, a = log.orders, log.activities
    served = ~np.isnan(o.t_assigned)
    busy_orders = (
        _overlap(o.t_assigned[served], o.t_released[served], start, end) * o.volunteers[served]
    ).sum()
    credited_orders = (
        _overlap(o.t_accepted[served], o.t_released[served], start, end) * o.volunteers[served]
    ).sum()
    busy_act = credited_act = 0.0
    if len(a.t_start):
        span = _overlap(a.t_start, a.t_end, start, end)
        busy_act = float((span * a.pulled).sum())
        credited_act = float((span * a.participants).sum())
    return float(busy_orders + busy_act), float(credited_orders + credited_act)


def backlog_series(log: RunLog) -> np.ndarray:
    """Orders waiting for a response (placed, not yet accepted or cancelled) at each hour."""
    o = log.orders
    hours = int(np.ceil(log.horizon_min / 60.0))
    ends = np.fmin(o.t_accepted, o.t_cancelled)
    ends = np.where(np.isnan(ends), np.inf, ends)
    grid = np.arange(hours) * 60.0
    placed = np.searchsorted(np.sort(o.t_placed), grid, side="right")
    done = np.searchsorted(np.sort(ends), grid, side="right")
    return (placed - done).astype(float)
