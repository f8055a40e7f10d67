"""Surge events (scenario ``events``, e.g. the 泰悦府 lockdown in Aojiang) as SimPy processes.

The source: 业主通过实践中心云平台,将需求上传,系统进行派单 (during the lockdown, residents uploaded
their needs to the practice center's platform and the system dispatched them). A surge
multiplies its places' order rate and changes their item mix inside its window; those orders
are drawn with all the others, on each place's own stream (:mod:`sim.model.demand`), so the
other places' orders are the same with or without the surge (common random numbers). During
its window the surge's orders reach the platform through the surge itself: :func:`surge` is a
SimPy process that opens at the event's start and places each order of its places in the window
at its time: to the ordinary dispatch, or, when the event's ``delivery.mode`` is ``batched``,
onto the platform that collects them and hands them to designated volunteers in batches
(:mod:`.batches`, 系统进行派单后,志愿者统一采购配送). Call-ups (``callups``) are volunteers on duty only
inside the window: the duty roster applies them (:mod:`.roster`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from sim.model.batches import BatchedDelivery
from sim.model.compact import as_numpy, ints
from sim.model.orders import OrderTable
from sim.world.surges import Surge, event_of

if TYPE_CHECKING:
    from sim.model.replication import Replication


def split_orders(surges: list[Surge], orders: OrderTable) -> tuple[Sequence[int], list[Sequence[int]]]:
    """(the orders the citizens' chain places, the orders each surge places), each in time
    order: an order belongs to the first surge whose places and window hold it
    (:func:`sim.world.surges.event_of`)."""
    if not surges:
        return range(len(orders)), []
    event = event_of(surges, as_numpy(orders.place), as_numpy(orders.t_placed))
    largest = max(0, len(orders) - 1)
    by_surge = [ints(np.flatnonzero(event == k), largest) for k in range(len(surges))]
    return ints(np.flatnonzero(event < 0), largest), by_surge


def surge(rep: Replication, event: Surge, ids: Sequence[int], platform: BatchedDelivery | None = None):
    """SimPy process of one surge: from the event's start (minutes), place each of its orders
    (``ids``, in time order) at its time; with a batched delivery ``platform``, the orders of
    its batched items are uploaded to it instead."""
    env, place, t_placed = rep.env, rep.lifecycle.place, rep.orders.t_placed
    yield env.timeout(max(0.0, event.start_min - env.now))
    for order in ids:
        yield env.timeout(max(0.0, t_placed[order] - env.now))
        if platform is not None and platform.batched(order):
            platform.upload(order)
        else:
            place(order)
