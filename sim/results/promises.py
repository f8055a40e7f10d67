"""What each promise means for one order, from the logs: which orders a promise holds, whether
an order met it, when it falls due, and whether the run can judge it at all.

The zone promises (10分钟快速响应 in the urban areas; 当天响应、当天办理,原则上不过夜 elsewhere):
an urban catalogue order must be responded to within ``targets.urban_response_min`` minutes
(the response event: ``targets.urban_response_event``), a rural one responded to and closed by
its same-day deadline, and an order held to a same-day promise should not be open at the first
midnight after it was placed. An order whose promise falls due after the run ends is
*undecided*, met or not: the shares leave it out (:func:`undecided`). The KPIs
(:mod:`sim.results.kpis`), the miss causes, the map and the optimizer all judge orders through
these functions, so they give every order the same verdict.
"""

from __future__ import annotations

import numpy as np

from sim.config.channels import CHANNELS
from sim.results.logs import RunLog
from sim.world.build import World
from sim.world.surges import Surge


def zone_promise_orders(log: RunLog) -> np.ndarray:
    """Per order: is it held to its zone's promise (``urban_10min``, ``rural_same_day``)? The
    catalogue channel's orders, but those uploaded to a batched event's platform: the platform
    collects those on its own rhythm, and they are held to their event's deadline instead
    (``event_on_time``), whether a batch took them or they were left there at the event's end
    (then dispatched one by one, hours after they were placed: not a miss of the 10 minutes)."""
    o = log.orders
    mask = o.channel == CHANNELS.index("catalogue")
    if len(o.held.order):
        mask &= o.platform_event < 0
    return mask


# the bands of the day the urban promise is also judged by (``urban_10min_<band>``): name ->
# (first hour, hour it ends), wrapping past midnight when it ends before it starts. The same
# bands as the optimizer's levers (``sim.experiments.optimize.BANDS``), so that a band's miss
# has a lever of the same hours (a test holds the two equal)
TIME_BANDS: dict[str, tuple[int, int]] = {"day": (7, 19), "evening": (19, 22), "night": (22, 7)}


def band_hours(band: str) -> str:
    """A band's hours as text: ``22:00-07:00``."""
    start, end = TIME_BANDS[band]
    return f"{start:02d}:00-{end:02d}:00"


def hour_placed(log: RunLog) -> np.ndarray:
    """Per order: the hour of the day (0-23, int64) it was placed (``t_placed``, minutes from
    00:00 of day 0; for an appointment the time asked for, from which its promise counts)."""
    return (np.floor(log.orders.t_placed / 60.0) % 24).astype(np.int64)


def time_band(log: RunLog) -> np.ndarray:
    """Per order: the index into :data:`TIME_BANDS` of the clock time it was placed
    (:func:`hour_placed`), so that an order's band and its promise start at the same minute."""
    return band_of_hour(hour_placed(log)).astype(np.int64)


def band_of_hour(hour: np.ndarray) -> np.ndarray:
    """The index into :data:`TIME_BANDS` of each hour of the day (0-23), a band that ends
    before it starts wrapping past midnight."""
    out = np.zeros_like(hour)
    for k, (start, end) in enumerate(TIME_BANDS.values()):
        inside = (hour >= start) & (hour < end) if start <= end else (hour >= start) | (hour < end)
        out[inside] = k
    return out


def other_reading(event: str) -> str:
    """The urban promise's reading a scenario does not count (``targets.urban_response_event``
    is ``event``): ``arrival`` for ``acceptance`` and back. Both are judged (docs/kpis.md)."""
    return "arrival" if event == "acceptance" else "acceptance"


def urban_response_time(log: RunLog, event: str) -> np.ndarray:
    """Per order: minutes from placing to the urban response event (``acceptance``: the
    volunteer accepts; ``arrival``: the volunteer arrives); NaN when it did not happen."""
    o = log.orders
    return (o.t_accepted if event == "acceptance" else o.t_arrived) - o.t_placed


def met_target(log: RunLog, world: World, event: str | None = None) -> np.ndarray:
    """Per order: did it meet its zone's promise? (urban: the response event, by default
    ``targets.urban_response_event``, within ``targets.urban_response_min``; rural: responded
    and closed by its same-day deadline)."""
    o = log.orders
    t = world.scenario.targets
    response = urban_response_time(log, event or t.urban_response_event)
    with np.errstate(invalid="ignore"):
        urban_ok = response <= t.urban_response_min
    same_day = responded_and_closed_by(log, o.t_deadline)
    return np.where(o.zone == 0, urban_ok, same_day) & ~np.isnan(o.t_accepted)


def responded_and_closed_by(log: RunLog, due: np.ndarray) -> np.ndarray:
    """Per order: responded to (accepted) and closed by ``due`` (minutes; NaN times, things that
    did not happen, are never by it)."""
    o = log.orders
    with np.errstate(invalid="ignore"):
        return (o.t_accepted <= due) & (o.t_closed <= due)


def midnight_verdicts(log: RunLog) -> tuple[np.ndarray, np.ndarray]:
    """(met, decided) per order for the same-day promise read to the letter: responded to and
    closed by 24:00 of the day it was placed, with no cut-off (an order placed at 23:00 too),
    and whether the run knows it (not :func:`undecided`). The rural promise's strict reading
    (``rural_by_midnight``), beside ``rural_same_day``'s deadline, which gives orders placed
    after ``targets.same_day_cutoff`` until the next day's end (an assumption: docs/kpis.md)."""
    midnight = first_midnight(log)
    met = responded_and_closed_by(log, midnight)
    return met, ~undecided(log, midnight)


def promise_due(log: RunLog, world: World) -> np.ndarray:
    """Per order: when its zone's promise falls due (minutes): placement plus
    ``targets.urban_response_min`` for an urban order, else its same-day deadline."""
    o = log.orders
    return np.where(o.zone == 0, o.t_placed + world.scenario.targets.urban_response_min, o.t_deadline)


def undecided(log: RunLog, due: np.ndarray) -> np.ndarray:
    """Per order: its promise falls due (``due``, minutes) after the run ends, so the run cannot
    know every such order's verdict. The shares judged against the promise leave all of them
    out, met or not: a cut by placement and deadline alone, which the outcome cannot move.
    (Leaving out only the ones still open would keep the fast ones and drop the slow ones among
    the last orders placed, and bias the share upwards: docs/kpis.md.) ``run.drain_days``, the
    days simulated after the measured window, lets the last measured orders' promises fall due
    inside the run. NaN ``due`` (no promise) is never undecided."""
    with np.errstate(invalid="ignore"):
        return due > log.horizon_min


def zone_verdicts(log: RunLog, world: World, event: str | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(met, decided) per order for its zone's promise: :func:`met_target`, and whether the
    run knows the verdict (not :func:`undecided`). Every output that judges orders against
    the zone promises counts only the decided ones."""
    met = met_target(log, world, event)
    return met, ~undecided(log, promise_due(log, world))


def same_day_orders(log: RunLog, world: World) -> np.ndarray:
    """Per order: is it held to a promise of the same day or sooner? The catalogue's orders
    (the zone promises) and the professional orders' same day; an order held on a batched
    event's platform too, being a catalogue order held to its event's deadline, unless that
    deadline (``delivery.deadline_hours`` after placing) falls after its same-day deadline.
    These are the orders "never overnight" counts."""
    o = log.orders
    held = (o.channel == CHANNELS.index("catalogue")) | (o.channel == CHANNELS.index("professional"))
    if len(o.held.order):
        event = o.platform_event
        for k, surge in enumerate(world.surges):
            mine = event == k
            held[mine] &= event_deadline(surge, o.t_placed[mine], o.t_deadline[mine]) <= o.t_deadline[mine]
    return held


def event_deadline(surge: Surge, placed: np.ndarray, same_day: np.ndarray) -> np.ndarray:
    """The delivery deadline (minutes) of a surge event's orders placed at ``placed`` whose
    same-day deadlines are ``same_day``: placement plus the event's ``delivery.deadline_hours``,
    or, with none set (or no ``delivery``), the same-day deadline. One rule for the event KPIs
    and for which platform orders "never overnight" counts."""
    hours = None if surge.delivery is None else surge.delivery.deadline_hours
    return same_day if hours is None else placed + hours * 60.0


def first_midnight(log: RunLog) -> np.ndarray:
    """Per order: 24:00 of the day it was placed (minutes)."""
    return (np.floor(log.orders.t_placed / 1440.0) + 1.0) * 1440.0


def open_at_first_midnight(log: RunLog) -> np.ndarray:
    """Per order: still open (neither closed nor cancelled) at 24:00 of the day it was placed."""
    o = log.orders
    midnight = first_midnight(log)
    with np.errstate(invalid="ignore"):
        return ~(o.t_closed <= midnight) & ~(o.t_cancelled <= midnight)


def never_overnight(log: RunLog, world: World) -> tuple[np.ndarray, np.ndarray]:
    """(open overnight, judged) per order for "never overnight" (原则上不过夜): still open at its
    first midnight (:func:`open_at_first_midnight`), and held to a same-day promise
    (:func:`same_day_orders`) with its verdict at that midnight known (not :func:`undecided`).
    The KPIs and the optimizer count the judged orders placed in the measured window."""
    overnight = open_at_first_midnight(log)
    return overnight, same_day_orders(log, world) & ~undecided(log, first_midnight(log))


def overnight_parts(log: RunLog, world: World) -> dict[str, np.ndarray]:
    """Per order, for each part of the orders "never overnight" is also reported by
    (``open_overnight_<part>_per_1000``): whether the order is in it (by zone; placed before,
    or at or after, ``targets.same_day_cutoff``)."""
    zone, late = log.orders.zone, placed_after_cutoff(log, world)
    return {"urban": zone == 0, "rural": zone == 1, "before_cutoff": ~late, "after_cutoff": late}


def same_day_verdicts(log: RunLog, world: World) -> tuple[np.ndarray, np.ndarray]:
    """(met, decided) per order for the article's general promise, 当天响应、当天办理
    (responded to and closed the same day), whatever the order's channel: by the end of the
    day it was placed, or of the next day when placed after ``targets.same_day_cutoff`` (the
    rural promise's deadline), and whether that deadline falls inside the run (not
    :func:`undecided`). The proxy errands and disputes are held to longer deadlines of their
    own (our assumption); this is how far they are from the general promise."""
    due = world.same_day_deadline(log.orders.t_placed)
    return responded_and_closed_by(log, due), ~undecided(log, due)


def placed_after_cutoff(log: RunLog, world: World) -> np.ndarray:
    """Per order: placed at or after ``targets.same_day_cutoff`` (due by the next day's end)."""
    t = log.orders.t_placed
    return (t - np.floor(t / 1440.0) * 1440.0) >= world.cutoff_min
