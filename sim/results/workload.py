"""Volunteer time and the backlog, from one replication's logs (minutes).

Volunteer time: the order pool's busy volunteers as intervals (:func:`busy_intervals`) and the
volunteer-minutes busy and credited in a window (:func:`volunteer_minutes`), for the KPIs
``utilisation`` and ``credited_hours_per_volunteer_month`` (:func:`sim.results.kpis.counted_kpis`):
the practice network's volunteers, not the proxy points' and mediation rooms' (forces of their
own). The backlog (``backlog_mean``, ``backlog_max``) counts, on the hour, the orders due a
response and not yet answered (:func:`backlog_series`): the catalogue's and the professional
orders' (:data:`sim.results.kpi_catalogue.RESPONSE_CHANNELS`).
"""

from __future__ import annotations

import numpy as np

from sim.config.channels import CHANNELS
from sim.config.teams import CHANNEL_TEAM_LEVELS, TEAM_LEVELS
from sim.results.kpi_catalogue import RESPONSE_CHANNELS
from sim.results.logs import RunLog


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


def volunteer_minutes(log: RunLog, start: float, end: float) -> tuple[float, float]:
    """(busy volunteer-minutes of order-pool volunteers, credited volunteer-minutes) in the window
    [start, end) (minutes): the orders' intervals (:func:`busy_intervals`; credited from the
    acceptance) and the planned group activities' (busy: the on-duty volunteers they take out of
    the order pool; credited: their participants)."""
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
