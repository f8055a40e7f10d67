"""The queues of waiting orders, and how a team with a free volunteer picks the next order.

An order that no free team can take now waits in a heap per ``(scope, skill)``, ranked by its
deadline (:meth:`WaitingOrders.enqueue`). A volunteer who frees up or comes on duty looks at the
heads of the queues their team sees (its villages' at tier 1, its town's at tier 2, the
county's at tier 3; its administrator's desk, :mod:`sim.model.desks`) and takes the order with
the earliest deadline it can serve (:meth:`WaitingOrders.find_order`): behind a head needing
more volunteers than are free it takes one it can serve (:meth:`WaitingOrders._servable_behind`),
and it looks past the orders it may not take (:meth:`WaitingOrders._past_barred`; the scope
rules are :mod:`sim.model.ladder_scopes`). Entries are removed lazily; per-(town, skill)
counters (``queued``, ``queued_in_town``) let a team skip skills and towns with no entry.

:class:`WaitingOrders` is a mixin of :class:`sim.model.dispatcher.Dispatcher`, which sets every
attribute in its ``__init__`` (a mixin, not an object of its own: the per-order calls cost what
they did). It writes ``queues``, ``queued``, ``queued_in_town`` and ``seq`` and reads
``orders``, ``spare``, ``n_skills``, ``tier2_base``, ``tier3_base``, ``place_town``,
``team_town``, ``team_other_towns``, ``team_villages``, ``team_skills``, ``sees_tier2``,
``sees_tier3``, ``keep_lower``, ``min_need``, ``rank_by_entry``, ``rule``, ``declined``,
``leaves_village`` and ``desks``.
"""

from __future__ import annotations

from heapq import heappop, heappush

from sim.model.orders import WAITING

# what Dispatcher.find_order returns to Dispatcher._past_barred when its best order was one
# more the team may not take (no order id is negative)
LOOK_AGAIN = -1


class WaitingOrders:
    """Queues of waiting orders by scope and skill, and a freed team's choice among them."""

    def enqueue(self, order: int, deadline: float, tier: int | None = None) -> None:
        """Add a waiting order to the queue of its current tier's scope (or of ``tier``'s, a
        lower tier whose teams may still take it: ``keep_lower_scope``), ranked by ``deadline``
        (minutes; the model's promise for it)."""
        skill, place = self.orders.skill[order], self.orders.place[order]
        if tier is None:
            tier = self.orders.tier[order]
        if tier == 1:
            key = place * self.n_skills + skill
        elif tier == 2:
            key = self.tier2_base + self.place_town[place] * self.n_skills + skill
        else:
            key = self.tier3_base + skill
        where = self.place_town[place] if tier <= 2 else -1
        self.queued[where * self.n_skills + skill] += 1
        self.queued_in_town[where] += 1
        heappush(self.queues.setdefault(key, []), (deadline, next(self.seq), order, tier))

    def _dequeued(self, key: int) -> None:
        """Count one entry fewer in queue ``key`` (its head was just popped)."""
        skill = key % self.n_skills
        if key < self.tier2_base:
            where = self.place_town[key // self.n_skills]
        elif key < self.tier3_base:
            where = (key - self.tier2_base) // self.n_skills
        else:
            where = -1
        self.queued[where * self.n_skills + skill] -= 1
        self.queued_in_town[where] -= 1

    # -------------------------------------------------------------- team -> order
    def find_order(self, team: int, set_aside: list | None = None) -> int | None:
        """The earliest-deadline waiting order this team can see and serve now (its desk's
        included), or None; the caller must assign it (its queue entry is removed).

        ``set_aside``: only for :meth:`_past_barred`, which looks past the orders the team may
        not take (:meth:`bars`)."""
        free = self.spare[team]
        if free <= 0:
            return None
        at_desk = self._best_at_desk(team, free) if team in self.desks else None
        if not self.sees_entries(team):
            return self._take_from_desk(team, at_desk)
        town = self.team_town[team]
        other_towns = self.team_other_towns[team]
        sees_tier3 = self.sees_tier3[team]
        best, best_rank = None, None
        by_entry, rule = self.rank_by_entry, self.rule
        queues, state, tiers, need = self.queues, self.orders.state, self.orders.tier, self.orders.need
        keep_lower, sees_tier2 = self.keep_lower, self.sees_tier2[team]
        queued, n_skills, min_need = self.queued, self.n_skills, self.min_need
        in_own, villages = town * n_skills, self.team_villages[team]
        for skill in self.team_skills[team]:
            if not (
                queued[in_own + skill]
                or (sees_tier3 and queued[skill - n_skills])
                or (other_towns and any(queued[t * n_skills + skill] for t in other_towns))
            ):
                continue  # no entry for this skill in any queue the team sees
            keys = [village * n_skills + skill for village in villages]
            if sees_tier2:
                keys.append(self.tier2_base + in_own + skill)
            if sees_tier3:
                keys.append(self.tier3_base + skill)
            for key in keys:
                queue = queues.get(key)
                # the head of the queue, dropping stale entries (lazy removal)
                while queue:
                    entry = queue[0]
                    order = entry[2]
                    if state[order] == WAITING and (keep_lower or tiers[order] == entry[3]):
                        if need[order] > free:  # it needs more volunteers than are free:
                            # one behind it may need fewer (if the skill has such orders)
                            behind = min_need[skill] <= free
                            entry = self._servable_behind(queue, team, free) if behind else None
                        if entry is not None:
                            rank = entry if by_entry else rule.order_key(self, team, entry)
                            if best is None or rank < best_rank:
                                best, best_rank, best_key = entry, rank, key
                        break
                    heappop(queue)
                    self._dequeued(key)
                    if not queue:
                        del queues[key]  # most (place, skill) queues are empty most of the time
        if at_desk is not None and (best is None or at_desk[0] < best_rank):
            return self._take_from_desk(team, at_desk)
        if best is None:
            return None
        queue = queues[best_key]
        if queue[0] is not best:  # taken from behind the head: its entry goes lazily
            return best[2]
        if (self.declined or self.leaves_village) and self.bars(team, best[2], best[3]):
            heappop(queue)
            if set_aside is None:
                return self._past_barred(team, best_key, best)
            set_aside.append((best_key, best))
            return LOOK_AGAIN
        # the caller assigns the order: its entry would be stale from now on, so drop it at once
        # (the counters then say sooner that nothing waits); other entries of the same order, in
        # lower tiers' queues, go lazily as before
        heappop(queue)
        if not queue:
            del queues[best_key]
        self._dequeued(best_key)
        return best[2]

    def _past_barred(self, team: int, key: int, entry: tuple) -> int | None:
        """:meth:`find_order`'s best entry (``entry``, taken off queue ``key``) is an order
        ``team`` may not take (:meth:`bars`: it declined it, ``dispatch.hand_up``, or the order
        left its village): set it aside and look again, as many times as the next best is
        barred too (a loop, not a recursion: a team coming on duty may find hundreds of the
        orders it handed up in the night), then put every entry back (the queue counters
        never saw them leave)."""
        set_aside = [(key, entry)]
        try:
            while True:
                order = self.find_order(team, set_aside)
                if order != LOOK_AGAIN:
                    return order
        finally:
            queues = self.queues
            for key, entry in set_aside:
                heappush(queues.setdefault(key, []), entry)

    def _servable_behind(self, queue: list, team: int, free: int) -> tuple | None:
        """The best-ranked live entry of ``queue`` (a heap whose head needs more than ``free``
        volunteers) that ``team`` can serve with ``free`` volunteers, or None: a freed
        volunteer takes the earliest-deadline order it can serve rather than idle behind an
        order needing more of them (which a later order, placed while they idle, would take
        at once). A scan of the queue, needed only when orders of one skill need different
        numbers of volunteers; never an order the team declined (``dispatch.hand_up``)."""
        state, tiers, need = self.orders.state, self.orders.tier, self.orders.need
        keep_lower, bars = self.keep_lower, self.bars
        best, best_rank = None, None
        for entry in queue:
            order = entry[2]
            if (
                need[order] <= free
                and state[order] == WAITING
                and (keep_lower or tiers[order] == entry[3])
                and not bars(team, order, entry[3])
            ):
                rank = entry if self.rank_by_entry else self.rule.order_key(self, team, entry)
                if best is None or rank < best_rank:
                    best, best_rank = entry, rank
        return best
