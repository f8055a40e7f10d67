"""The administrator's desks: the professional orders the county center's administrator
directed to one team (a professional organisation), waiting there for that team.

The administrator's review and selection are :mod:`sim.model.administrator`; directing an order
and passing it on to the county tier are the order life cycle's
(:meth:`sim.model.lifecycle.OrderLifecycle.direct`). A desk is a heap per team, ranked by
deadline: the team looks at its desk's head with its queues
(:meth:`sim.model.waiting_orders.WaitingOrders.find_order`) and takes whichever ranks first.
Entries of orders that left the desk (cancelled, passed on) are dropped lazily.

:class:`AdministratorDesks` is a mixin of :class:`sim.model.dispatcher.Dispatcher`, which sets
every attribute in its ``__init__``. It writes ``desks`` and ``desk_waiting`` and reads
``orders`` (``at_desk``, ``directed``, ``need``), ``seq``, ``rank_by_entry`` and ``rule``.
"""

from __future__ import annotations

from heapq import heappop, heappush

from sim.model.orders import COUNTY_TIER


class AdministratorDesks:
    """Orders the administrator directed to one team, waiting at that team's desk."""

    # -------------------------------------------------------------- the administrator's desks
    def direct(self, order: int, team: int, deadline: float) -> None:
        """The administrator directed a waiting order to ``team``: it waits at the team's desk,
        ranked by ``deadline`` (minutes), until the team takes it or it leaves the desk."""
        heappush(self.desks.setdefault(team, []), (deadline, next(self.seq), order, COUNTY_TIER))
        self.desk_waiting[team] += 1

    def leave_desk(self, order: int) -> None:
        """A directed order leaves its team's desk untaken (cancelled, or passed on to the
        county tier); its desk entry is dropped lazily."""
        self.orders.at_desk.discard(order)
        self.desk_waiting[self.orders.directed[order]] -= 1

    def _best_at_desk(self, team: int, free: int) -> tuple | None:
        """The head of ``team``'s desk it can serve with ``free`` volunteers, as (rank, entry),
        or None; entries of orders no longer at the desk are dropped."""
        desk = self.desks[team]
        at_desk, need = self.orders.at_desk, self.orders.need
        while desk:
            entry = desk[0]
            if entry[2] in at_desk:
                if need[entry[2]] > free:
                    return None
                return (entry if self.rank_by_entry else self.rule.order_key(self, team, entry)), entry
            heappop(desk)
        del self.desks[team]
        return None

    def _take_from_desk(self, team: int, at_desk: tuple | None) -> int | None:
        """Remove the desk's head found by :meth:`_best_at_desk` (``at_desk``: its rank and
        entry, or None) and return its order, which the caller assigns."""
        if at_desk is None:
            return None
        order = heappop(self.desks[team])[2]
        self.orders.at_desk.discard(order)
        self.desk_waiting[team] -= 1
        return order
