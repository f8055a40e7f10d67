"""The KPIs of the surge events: the orders of a surge event with a ``delivery`` setting (e.g.
the 泰悦府 lockdown) are also measured apart (``event_*``): delivered by the event's deadline,
response and closing times, and the volunteer-hours they took (a batch's trip shared among its
orders). Only orders placed inside the measured window (after warm-up) count; an order whose
event deadline falls after the run ends (:func:`sim.results.promises.undecided`) is left out of
``event_on_time``. :func:`sim.results.kpis.counted_kpis` adds them to each replication's KPIs.
"""

from __future__ import annotations

import numpy as np

from sim.config.channels import CHANNELS
from sim.results.kpi_values import CountedKpis, percentile_of, share_of
from sim.results.logs import RunLog
from sim.results.promises import event_deadline, undecided
from sim.world.build import World
from sim.world.surges import event_of


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


def event_kpis(log: RunLog, world: World, counted: CountedKpis | None = None) -> dict[str, float]:
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
        "event_on_time": share_of(on_time, judged),
        "event_response_p50": percentile_of((o.t_accepted - o.t_placed)[mine], 50),
        "event_close_p50": percentile_of(closing, 50),
        "event_close_p90": percentile_of(closing, 90),
        "event_volunteer_hours": minutes / 60.0 if mine.any() else float("nan"),
    }
