"""Why a surge event's orders miss the event's deadline: one cause per missed order (docs/kpis.md).

The orders judged are those ``event_on_time`` judges (:func:`sim.results.event_kpis.event_orders`:
the catalogue orders of an event with a ``delivery`` setting, placed in the measured window,
whose event deadline ``D`` falls within the run); an order misses when it is not closed by
``D``. Each missed order gets the first cause that applies, in this fixed precedence.

An order uploaded to a batched event's platform (the order log's ``platform_event``): let
``T1`` be the platform's first collection that sees it (every ``collect_every_min`` from
the event's start, and once more at the event's end: :func:`first_collection`; an upload at a
collection's own minute is seen by it);

1. ``left_on_platform``: no batch took it (``batch`` -1) and ``D`` fell at or after the
   event's end: it sat through every collection until the event ended, then went to the
   ordinary dispatch, or the run ended first (an order no batch took whose ``D`` came before
   the event's end gets the rule that made it late by ``D``, below);
2. ``collection_wait``: ``T1`` came after ``D``: the platform's rhythm alone made it late,
   whatever the crews (``delivery.collect_every_min``);
3. ``crews_busy``: ``T1`` came by ``D`` but did not take it, and crews of its event were out
   on batch trips then (a batch of the event started by ``T1`` and not back; the collection
   gives a crew to every waiting order while one is free, so none was);
4. ``no_crew``: ``T1`` came by ``D`` but did not take it, and no crew of its event was out on
   a trip then: its designated volunteers were off duty, or busy with other work;
5. ``trip``: taken at ``T1``, by ``D``, and closed after ``D``: the crew's shopping, travel and
   handing over of the batch (``shopping_min``, the distance, ``per_order_min`` times the
   batch's orders).

An event order dispatched alone (an event delivered per order, or an item the batched
event's platform does not batch) is an ordinary order: it gets the catalogue's per-order
causes (:data:`sim.results.causes.CAUSES`, rules 1-8 by ``D``, :func:`sim.results.causes.assign_causes`)
but ``administrator``, which only professional orders meet (an event's orders are catalogue
orders). Each missed order has exactly one cause: an event's causes add up to its misses.
"""

from __future__ import annotations

import numpy as np

from sim.results.causes import CAUSES, assign_causes
from sim.results.event_kpis import event_orders
from sim.results.logs import RunLog
from sim.results.promises import undecided
from sim.world.build import World
from sim.world.surges import event_of

# the causes of a batched order's miss, in precedence order (the module's doc)
BATCH_CAUSES = ("left_on_platform", "collection_wait", "crews_busy", "no_crew", "trip")
# the per-order causes an event order dispatched alone can have (never the administrator's)
ALONE_CAUSES = tuple(c for c in CAUSES if c != "administrator")
EVENT_CAUSES = (*BATCH_CAUSES, *ALONE_CAUSES)
# a collection time equal to a batch's start within this many minutes is that collection
_SAME_MINUTE = 1e-6


def first_collection(world: World, event: int, t_placed: np.ndarray) -> np.ndarray:
    """The first collection of batched event ``event``'s platform that sees each upload at
    time ``t_placed`` (minutes, inside the event's window): the first multiple of
    ``collect_every_min`` after the event's start at or after the upload, or the event's end
    if that comes first (the platform's last collection; :func:`sim.model.batches.collection`).
    An upload at a collection's own minute is seen by that collection, which waits for
    everything else due at its minute."""
    surge = world.surges[event]
    every = surge.delivery.collect_every_min
    ticks = surge.start_min + np.maximum(np.ceil((t_placed - surge.start_min) / every), 1.0) * every
    return np.minimum(ticks, surge.end_min)


def event_miss_causes(log: RunLog, world: World) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(event, judged, missed, cause) per order: the index of the order's event with a
    delivery setting (in the scenario's ``events``; -1 for other orders), whether
    ``event_on_time`` judges it, whether it missed the event's deadline, and the index into
    :data:`EVENT_CAUSES` of its cause (-1 for orders that did not miss; the module's doc)."""
    o = log.orders
    start, end = log.window_min
    mine, deadline = event_orders(log, world)
    event = event_of(world.surges, o.place, o.t_placed)
    event[~mine] = -1
    judged = mine & (o.t_placed >= start) & (o.t_placed < end) & ~undecided(log, deadline)
    with np.errstate(invalid="ignore"):
        missed = judged & ~(o.t_closed <= deadline)  # NaN (not closed) misses
    cause = np.full(len(o), -1, dtype=np.int8)
    held = o.platform_event >= 0
    alone = missed & ~held
    if alone.any():
        why = assign_causes(log, world, alone, deadline)
        names = np.array([EVENT_CAUSES.index(c) if c in EVENT_CAUSES else -1 for c in CAUSES], dtype=np.int8)
        cause[alone] = names[why[alone]]
    batched = np.flatnonzero(missed & held)
    if len(batched):
        cause[batched] = _batch_causes(log, world, batched, event[batched], deadline[batched])
    return event, judged, missed, cause


def _batch_causes(
    log: RunLog, world: World, idx: np.ndarray, event: np.ndarray, deadline: np.ndarray
) -> np.ndarray:
    """The index into :data:`EVENT_CAUSES` of the cause of each missed platform order ``idx``
    (its ``event`` and ``deadline`` in minutes), by the module's rules 1-5."""
    o, b = log.orders, log.batches
    batch = o.batch[idx]
    t1 = np.full(len(idx), np.nan)
    ends = np.full(len(idx), np.nan)  # the end of each order's event (minutes)
    out_at_t1 = np.zeros(len(idx), dtype=bool)  # a batch of its event out on a trip at T1
    back = np.where(np.isnan(b.t_released), np.inf, b.t_released)  # (a ferry trip still out)
    for k in np.unique(event).tolist():
        rows = event == k
        t1[rows] = first_collection(world, k, o.t_placed[idx][rows])
        ends[rows] = world.surges[k].end_min
        trips = b.event == k
        started = b.t_start[trips][None, :] <= t1[rows][:, None] + _SAME_MINUTE
        out = back[trips][None, :] > t1[rows][:, None] + _SAME_MINUTE
        out_at_t1[rows] = (started & out).any(axis=1)
    taken_at_t1 = (batch >= 0) & (o.t_assigned[idx] <= t1 + _SAME_MINUTE)
    rules = [
        (batch < 0) & (deadline >= ends),
        t1 > deadline,
        ~taken_at_t1 & out_at_t1,
        ~taken_at_t1,
        np.ones(len(idx), dtype=bool),
    ]
    chosen = np.full(len(idx), -1, dtype=np.int8)
    for k, rule in enumerate(rules):
        chosen[(chosen < 0) & rule] = k
    return chosen


def event_cause_table(results, world: World) -> dict | None:
    """The misses of each surge event with a delivery setting by cause (kpis.json's
    ``event_causes``): ``{"replications": k, "causes": [...], "events": [{"event": index in
    events, "name", "mode", "orders", "missed", <cause>: ..., "per_replication": {"missed",
    <cause>...}, "share": {<cause>: share of the misses, None without misses}}]}``, the counts
    summed over the replications (``per_replication``: divided by them). None when the
    replications' logs were not kept or no event has a delivery setting."""
    events = [k for k, s in enumerate(world.surges) if s.delivery is not None]
    if not results or any(r.log is None for r in results) or not events:
        return None
    reps = len(results)
    counts = np.zeros((len(world.surges), 2 + len(EVENT_CAUSES)), dtype=np.int64)
    for r in results:
        event, judged, missed, cause = event_miss_causes(r.log, world)
        counts[:, 0] += np.bincount(event[judged], minlength=len(world.surges))
        counts[:, 1] += np.bincount(event[missed], minlength=len(world.surges))
        for c in range(len(EVENT_CAUSES)):
            counts[:, 2 + c] += np.bincount(event[missed & (cause == c)], minlength=len(world.surges))
    rows = []
    for k in events:
        surge, row = world.surges[k], counts[k]
        missed = int(row[1])
        by_cause = {c: int(n) for c, n in zip(EVENT_CAUSES, row[2:])}
        rows.append(
            {
                "event": k,
                "name": surge.name or str(k),
                "mode": surge.delivery.mode,
                "orders": int(row[0]),
                "missed": missed,
                **by_cause,
                "per_replication": {"missed": missed / reps, **{c: n / reps for c, n in by_cause.items()}},
                "share": {c: (n / missed if missed else None) for c, n in by_cause.items()},
            }
        )
    return {"replications": reps, "causes": list(EVENT_CAUSES), "events": rows}
