"""The logs of a finished replication: its per-order state turned into the order log, its
activity rows into the activity log, its on-duty changes into the state log's sums (with the
changes of volunteers out of the order pool and of those busy beyond their team's on-duty
count, by town).

The model keeps per-order state in its order table (:mod:`sim.model.orders`), compact typed
arrays; the log's columns are NumPy views of them where the values are the same, and new columns (those
derived after the run, and the times few orders have) are made where possible in the buffers of
state the log does not show.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.config.teams import TEAM_LEVELS
from sim.model.batches import T_ARRIVED, T_CLOSED, T_RELEASED
from sim.model.compact import as_numpy
from sim.results.logs import CANCELLED as OUT_CANCELLED
from sim.results.logs import (
    CLOSED,
    OPEN,
    ActivityLog,
    BatchLog,
    OrderLog,
    RareIds,
    RareTimes,
    RunLog,
    TownChanges,
    apart_from_town_duty,
)

if TYPE_CHECKING:
    from sim.model.replication import Replication


def run_log(rep: Replication) -> RunLog:
    """The logs of a finished replication, built from its state (which this dismantles: the
    working state the logs do not show is freed first, and several columns are made in the
    buffers of state they replace, so that the peak memory stays near the log's own size)."""
    w, h = rep.world, rep.horizon
    n = len(rep.orders)
    # the state log first, so that the on-duty changes are freed before the order log exists
    levels = rep.duty_changes.sums(w.teams.level, len(TEAM_LEVELS))
    # by town: the teams that answer catalogue orders (the proxy points', mediation rooms' and
    # professional organisations' volunteers sum into an extra row, dropped), which the miss
    # causes read (sim/results/causes.py)
    n_towns = len(w.towns.code)
    apart = apart_from_town_duty(w.teams.level)
    towns = rep.duty_changes.sums(np.where(apart, n_towns, w.teams.town), n_towns + 1)[:n_towns]
    rep.duty_changes = None

    def by_town(notes: tuple) -> TownChanges:
        """The dispatcher's notes (team, minute, change), by town (the town column made in the
        team column's buffer; the others are views of the notes)."""
        team, minutes, change = map(as_numpy, notes)
        return TownChanges(np.take(w.teams.town.astype(np.int32), team, out=team), minutes, change)

    # the volunteers out of the order pool for other work, and those busy beyond their team's
    # on-duty count, by town (the dispatcher notes those of the teams counted by town alone)
    away, beyond = by_town(rep.dispatcher.away), by_town(rep.dispatcher.beyond_duty)
    rep.dispatcher.away = rep.dispatcher.beyond_duty = None

    def seen(arr: np.ndarray) -> np.ndarray:
        """NaN for the times at or after the horizon: SimPy's ``run(until=h)`` stops before the
        events due at ``h``, so nothing happens at the horizon itself (a release due then never
        runs, a patience ending then cancels nothing)."""
        arr[arr >= h] = np.nan
        return arr

    # acceptance and closing times are not stored during the run: they are the assignment
    # plus the acceptance delay and the arrival plus the service, the same float sums
    # the life cycle's assign made (NaN for orders never assigned), made in place of the
    # durations (which the log does not show: no new column), as is the deadline in place of
    # the patience
    t = rep.orders
    accepted = as_numpy(t.accept_delay)
    accepted += as_numpy(t.t_assigned)
    closed = as_numpy(t.service)
    closed += as_numpy(t.t_arrived)
    seen(closed)
    # the run is over: free the working state the log does not show before building it
    # (the order state, tier and skill columns lend their buffers to outcome, team level
    # and town), and before the deadlines' scratch columns exist
    outcome = as_numpy(t.state)  # int8, as is the tier
    level = as_numpy(t.tier)
    town = as_numpy(t.skill)
    rep.drop_working_state()
    deadline = t.deadlines(out=as_numpy(t.patience))
    activities = ActivityLog(*map(as_numpy, rep.activity_rows))

    def rare(times: dict[int, float]) -> RareTimes:
        """The (order, minutes) pairs of a time few orders have, sorted by order."""
        order = np.fromiter(times.keys(), dtype=np.int32, count=len(times))
        minutes = np.fromiter(times.values(), dtype=np.float64, count=len(times))
        seen_by_horizon = minutes < h  # a time at or after the horizon did not happen
        order, minutes = order[seen_by_horizon], minutes[seen_by_horizon]
        by_order = np.argsort(order, kind="stable")
        return RareTimes(n, order[by_order], minutes[by_order])

    cancelled = rare(t.t_cancelled)
    alerted = rare({})  # the first alert of each alerted order (dispatch.alerts)
    if rep.alerts is not None:
        first = np.frombuffer(rep.alerts.t_alerted, dtype=np.float64)
        which = np.flatnonzero(first < h).astype(np.int32)  # (NaN: never alerted)
        alerted = RareTimes(n, which, first[which])
        rep.alerts.t_alerted = None
    batched_order = np.fromiter(t.batch.keys(), dtype=np.int32, count=len(t.batch))
    batch_of = np.fromiter(t.batch.values(), dtype=np.int32, count=len(t.batch))
    by_order = np.argsort(batched_order, kind="stable")
    batched = RareIds(n, batched_order[by_order], batch_of[by_order])
    held_order = np.fromiter(t.platform_event.keys(), dtype=np.int32, count=len(t.platform_event))
    held_by = np.fromiter(t.platform_event.values(), dtype=np.int32, count=len(t.platform_event))
    by_order = np.argsort(held_order, kind="stable")
    held = RareIds(n, held_order[by_order], held_by[by_order])
    batch_columns = [as_numpy(c) for c in rep.batch_rows]
    for column in (T_ARRIVED, T_CLOSED, T_RELEASED):
        seen(batch_columns[column])
    batches = BatchLog(*batch_columns)
    outcome[:] = OPEN
    outcome[~np.isnan(closed)] = CLOSED
    outcome[cancelled.order] = OUT_CANCELLED
    team = as_numpy(t.team)
    if len(w.teams.level):  # (wrap: -1, never assigned, is overwritten next)
        np.take(w.teams.level.astype(np.int8), team, out=level, mode="wrap")
    level[team < 0] = -1
    place = as_numpy(t.place)
    np.take(w.places.town.astype(town.dtype), place, out=town)
    orders = OrderLog(
        id=np.arange(n, dtype=np.int32),
        place=place,
        town=town,
        zone=as_numpy(t.zone),
        item=as_numpy(t.item),
        professional=np.frombuffer(t.professional, dtype=bool),
        channel=as_numpy(t.channel),
        volunteers=as_numpy(t.need),
        tier_max=as_numpy(t.tier_max),
        t_placed=as_numpy(t.t_placed),
        t_tier2=seen(as_numpy(t.t_tier2)),
        t_assigned=seen(as_numpy(t.t_assigned)),
        t_accepted=seen(accepted),
        t_arrived=seen(as_numpy(t.t_arrived)),
        t_closed=closed,
        t_released=seen(as_numpy(t.t_released)),
        t_deadline=deadline,
        team=team,
        team_level=level,
        outcome=outcome,
        rare={
            "t_booked": rare(t.t_booked),
            "t_review_start": rare(t.t_review_start),
            "t_review_end": rare(t.t_review_end),
            "t_handed_up": rare(t.t_handed_up),
            "t_tier3": rare(t.t_tier3),
            "t_alerted": alerted,
            "t_cancelled": cancelled,
        },
        batched=batched,
        held=held,
    )
    window = (rep.window_start, rep.window_end)
    return RunLog(orders, activities, levels, towns, h, window, batches, away, beyond)
