"""Batched delivery during a surge event (``events[].delivery.mode: batched``), as SimPy processes.

The source, on the 泰悦府 lockdown in Aojiang: 业主通过实践中心云平台,将需求上传,系统进行派单后,志愿者统一
采购配送 (residents uploaded their needs through the practice center's cloud platform; after the
system dispatched them, volunteers bought and delivered them in bulk). During such an event the
orders of its batched items are not dispatched one by one:

* **upload**: the event's own process places each order at its time on the platform
  (:meth:`BatchedDelivery.upload`), where it waits without escalation or patience timers;
* **collection** (:func:`collection`, a SimPy process): every ``collect_every_min`` minutes from
  the event's start, after everything else due at that minute (a shift starting then, say),
  the platform takes the waiting orders, place by place (the place with the oldest waiting
  order first), and gives each free crew up to ``batch_size`` orders of one place. A crew is
  ``volunteers_per_batch`` free volunteers of one designated team (the nearest to the place
  that has that many free). Orders left when no crew is free wait for the next collection. At
  the event's end the platform collects once more, and the orders still left then go to the
  ordinary dispatch (:meth:`sim.model.lifecycle.OrderLifecycle.dispatch_held`: the lockdown
  is over);
* **trip** (:func:`batch_trip`, a SimPy process per batch): the crew buys and packs the batch's goods
  (``shopping_min``), travels to the place, hands each order over (``per_order_min`` each); then
  all the batch's orders close together, and the crew travels home. Its volunteers are busy
  (:meth:`sim.model.replication.Replication.take_volunteers`) from the collection until they
  are back, so they serve no other order meanwhile.

The order table records each batched order like any other (team, assignment, acceptance,
arrival, closing, release: :meth:`sim.model.lifecycle.OrderLifecycle.assign_batch`), so the
order log, the KPIs and the hooks see it; the response of a batched order is its batch's
collection by a crew (``t_accepted = t_assigned``). Each batch is a row of the batch log.

Example (the five-place test county, ``tests/test_batches.py``): an event on B2 with collections
every 60 minutes, batches of at most 2 orders and crews of 2, and 4 volunteers called up at
Beta's seat B1 (10 minutes away) from 08:00. Errands uploaded at 08:10, 08:20 and 08:30 go out
with the 09:00 collection in two batches, one per crew; each crew shops for 45 minutes, reaches
B2 at 09:55 and hands over 3 minutes per order: the first batch's two orders close at 10:01,
the second batch's one at 09:58.
"""

from __future__ import annotations

from dataclasses import fields
from typing import TYPE_CHECKING

from sim.results.logs import BatchLog
from sim.world.surges import Surge

if TYPE_CHECKING:
    from sim.model.replication import Replication

NAN = float("nan")
# the batch log's time columns (``Replication.batch_rows``, in :class:`BatchLog`'s order) that a
# crossing by ferry fills as it happens
_COLUMN = {field.name: k for k, field in enumerate(fields(BatchLog))}
T_ARRIVED, T_CLOSED, T_RELEASED = _COLUMN["t_arrived"], _COLUMN["t_closed"], _COLUMN["t_released"]


class BatchedDelivery:
    """The platform of one batched event: the orders waiting for a batch, by place, and the
    designated teams that deliver them."""

    def __init__(self, rep: Replication, event: int, surge: Surge):
        """``event``: the index of the event in the scenario's ``events`` (the batch log's
        ``event`` column)."""
        self.rep, self.event, self.surge = rep, event, surge
        self.settings = surge.delivery
        self.batch_items = surge.batched_items
        self.waiting: dict[int, list[int]] = {}  # place -> orders waiting, in order of placing
        world = rep.world
        home, nominal = world.teams.home, world.travel.nominal
        # per place: the designated teams, nearest home first (typical minutes, then id)
        self.crews = {
            p: sorted(surge.designated, key=lambda t, p=p: (nominal(int(home[t]), p), t))
            for p in surge.places.tolist()
        }

    def batched(self, order: int) -> bool:
        """Whether ``order`` (of this event) is delivered in a batch (its item is batched)."""
        return bool(self.batch_items[self.rep.orders.item[order]])

    def upload(self, order: int) -> None:
        """The resident uploads ``order`` now: it waits on the platform for a collection."""
        self.rep.lifecycle.hold_for_batch(order, self.event)
        self.waiting.setdefault(self.rep.orders.place[order], []).append(order)

    def free_crew(self, place: int) -> int | None:
        """The nearest designated team with a crew's worth of free volunteers now, or None."""
        need, free = self.settings.volunteers_per_batch, self.rep.dispatcher.free
        return next((team for team in self.crews[place] if free(team) >= need), None)

    def collect(self) -> None:
        """One collection: send out as many batches as there are free crews (see the module)."""
        size = self.settings.batch_size
        for place in sorted(self.waiting, key=lambda p: self.waiting[p][0]):
            queue = self.waiting[place]
            while queue:
                team = self.free_crew(place)
                if team is None:
                    break
                batch, queue[:] = queue[:size], queue[size:]
                self.rep.take_volunteers(team, self.settings.volunteers_per_batch, logged=True)
                self.rep.add_process(batch_trip, self, place, team, batch)
            if not queue:
                del self.waiting[place]


def collection(rep: Replication, platform: BatchedDelivery):
    """SimPy process: the platform collects every ``collect_every_min`` minutes from the
    event's start, and at its end, when the orders left go to the ordinary dispatch (or the
    run ends first). Each collection waits for everything else due at its minute (a
    zero-minute timeout), so that volunteers back at that minute, whose timers were booked
    after the collection's, are free for it; shift changes come first anyway (their wake-ups
    are booked before the run: :func:`sim.model.roster.duty_roster`)."""
    env, surge = rep.env, platform.surge
    tick = surge.start_min
    while tick < surge.end_min:
        tick = min(tick + platform.settings.collect_every_min, surge.end_min)
        if tick >= rep.horizon:
            return
        yield env.timeout(max(0.0, tick - env.now))
        yield env.timeout(0.0)
        platform.collect()
    for orders in platform.waiting.values():
        for order in orders:
            rep.lifecycle.dispatch_held(order)
    platform.waiting.clear()


def batch_trip(rep: Replication, platform: BatchedDelivery, place: int, team: int, ids: list[int]):
    """SimPy process of one batch (its volunteers already taken): shop, travel to ``place``,
    hand the orders over, travel home; then the volunteers are free again (minutes). A trip
    by ferry waits for the ferry's sailings, so its arrival (and the orders' closing) and its
    return are recorded as they happen."""
    env, lifecycle, s = rep.env, rep.lifecycle, platform.settings
    home = int(rep.world.teams.home[team])
    handover = s.per_order_min * len(ids)
    batch = len(rep.batch_rows[0])
    start = env.now
    ferry = rep.ferry
    by_ferry = ferry is not None and ferry.crosses(home, place)
    if by_ferry:  # times known as they happen
        arrived = released = NAN
    else:
        travel = lifecycle.trip  # the replication's (:meth:`Replication.set_travel`)
        arrived = start + s.shopping_min + travel(home, place)
        released = arrived + handover + travel(place, home)
    row = (platform.event, place, team, s.volunteers_per_batch, len(ids), start, arrived, arrived + handover)
    for column, value in zip(rep.batch_rows, (*row, released)):
        column.append(value)
    lifecycle.assign_batch(ids, team, batch, arrived, handover, released)
    if by_ferry:
        yield env.timeout(s.shopping_min)
        yield from ferry.journey(home, place)
        arrived = env.now
        rep.batch_rows[T_ARRIVED][batch], rep.batch_rows[T_CLOSED][batch] = arrived, arrived + handover
        lifecycle.batch_arrived(ids, arrived)
        yield env.timeout(handover)
        yield from ferry.journey(place, home)
        released = rep.batch_rows[T_RELEASED][batch] = env.now
    else:
        yield env.timeout(released - start)
    lifecycle.batch_done(ids, team, s.volunteers_per_batch, released)
