"""The central dispatcher: waiting orders, free volunteers and the escalation ladder's scopes.

The platform matches orders to volunteers centrally (no per-order resource races). An order
waits in queues keyed by ``(scope, skill)``: its village's queue at tier 1, its town's at tier 2,
the county's at tier 3 (professional orders join the county queue after the administrator's
review). Matching happens in two directions:

* an order arrives or escalates -> :meth:`Dispatcher.find_team`: the nearest team in the order's
  scope with the skill and enough free volunteers;
* a volunteer frees up or comes on duty -> :meth:`Dispatcher.find_order`: among the heads of the
  queues that team can see, the order with the earliest deadline it can serve.

Both cost O(skills x scopes) heap operations, plus a scan of the town's free teams with the
skill at tier 2 and of the nearest towns' at tier 3, never a scan of the county's teams. Queue
entries are removed lazily: an entry whose order is no longer waiting (assigned, cancelled) or
has left the entry's tier (when scopes do not widen) is skipped when it reaches a queue's head.

Who serves tiers 2 and 3 is ``dispatch.scope``: ``widen`` (default) lets every team of the town,
then of the county, take the order; ``handover`` passes it to the town's town-level teams (the
station), then to the county-level teams (county center, subcenters, professional teams), as a
relay. ``dispatch.keep_lower_scope`` decides, in both, whether lower tiers' teams still may take
it.

Example: a village with no volunteer on duty at 02:00 keeps an urban order in its tier-1 queue;
after ``timeouts_min.urban[0]`` minutes the order also joins its town's queue, and the first
town-station volunteer to come on duty at 07:00 takes it.
"""

from __future__ import annotations

from heapq import heappop, heappush, nsmallest
from itertools import chain, count

from sim.model.dispatch_rules import RULES, CheckedRule, NearestFirst, Rule
from sim.model.orders import COUNTY_TIER, WAITING, OrderTable
from sim.world.build import World

NEAR_TOWNS = 4  # tier-3 towns ranked ahead for each origin (a search mostly looks at two)
# a tier-2 search ranks a town's free teams when they are this few (at night, say), and walks
# the place's static nearest-first list of the town's teams to the first able one otherwise
SCAN_FREE_UP_TO = 8
# what Dispatcher.find_order returns to Dispatcher._past_barred when its best order was one
# more the team may not take (no order id is negative)
LOOK_AGAIN = -1


class Dispatcher:
    """Queues of waiting orders and the index of teams with free volunteers."""

    def __init__(self, world: World, orders: OrderTable, rule: Rule | None = None):
        """``orders``: the replication's order table (the dispatcher reads its place, skill,
        need, state and tier columns; the order life cycle writes them). ``rule``: a dispatch
        rule object instead of the scenario's ``dispatch.rule`` (see docs/extending.md)."""
        self.world = world
        self.orders = orders
        index = world.team_index
        n_teams = len(index.home)
        # the changing state of teams
        self.on_duty = [0] * n_teams
        # volunteers on duty and not busy (negative when a shift ended while they served): the
        # one number a search reads per candidate (busy = on_duty - spare)
        self.spare = [0] * n_teams
        self.in_free = [False] * n_teams
        # the static index, shared with every replication of the world
        self.home, self.team_town, self.team_skills = index.home, index.town, index.skills
        self.sees_tier2, self.sees_tier3 = index.sees_tier2, index.sees_tier3
        self.team_villages, self.team_other_towns = index.villages, index.other_towns
        self.team_buckets = index.team_buckets
        self.keep_lower = world.scenario.dispatch.keep_lower_scope
        self.handover = world.scenario.dispatch.scope == "handover"
        # an escalated order leaves its village's own teams (its point, its paired units) for
        # good: keep_lower_scope false in a widening scope, whose tiers 2 and 3 hold every team
        # of the town and the county, the village's included (handover's hold none of them)
        self.leaves_village = not self.keep_lower and not self.handover
        # teams serving tier 2 with a free volunteer, by town (searches check each team's skills:
        # a set per town and skill would cost ~200 bytes a team); the county tier instead looks
        # up the world's static (town, skill) lists of tier-3 teams and checks which are free
        self.buckets: list[set[int]] = [set() for _ in index.bucket_towns]
        self.free_teams: dict[int, set[int]] = dict(zip(index.bucket_towns, self.buckets))
        # queues by integer id, ``scope * n_skills + skill`` with scopes numbered places first,
        # then towns (tier 2), then the county (tier 3): no key tuple to build and hash
        n_skills = self.n_skills = max(1, len(world.skills))
        self.tier2_base = world.n_places * n_skills
        self.tier3_base = (world.n_places + len(world.towns_by_distance)) * n_skills
        self.queues: dict[int, list] = {}
        # queue entries (stale ones included) by ``town * n_skills + skill``, the county's
        # queues in the last block (town -1): find_order skips a skill when none of the queues
        # a team sees can hold an entry
        self.queued = [0] * ((len(world.towns_by_distance) + 1) * n_skills)
        # the same, summed over skills: per town, and the county's queues last (index -1)
        self.queued_in_town = [0] * (len(world.towns_by_distance) + 1)
        # orders the administrator directed to one team (a professional organisation), at that
        # team's desk: a queue per team that has any, and how many still wait there
        self.desks: dict[int, list] = {}
        self.desk_waiting = [0] * n_teams
        self.seq = count()  # queue entries in the order they joined: equal deadlines first come first
        self.nominal = world.travel.nominal
        self.place_town = world.place_town
        self.n_towns = len(world.towns_by_distance)
        self.tier1_teams = world.tier1_teams
        self.tier1_catalogue = world.tier1_catalogue  # (a catalogue order's placement scans it)
        self.skills = world.teams.skills
        rule = rule if rule is not None else RULES[world.scenario.dispatch.rule]()
        # rules that rank teams by distance alone may walk the world's static nearest-first
        # lists at tier 2 (the same choice as ranking every free team, found sooner)
        self.tier2_nearest = world.tier2_nearest if type(rule).team_key is NearestFirst.team_key else None
        # the default rule ranks waiting orders by their queue entry: compare entries directly
        self.rank_by_entry = type(rule).order_key is NearestFirst.order_key
        # an extension's rule has its keys checked (the bundled ones are known to be right)
        self.rule: Rule = rule if type(rule) in RULES.values() else CheckedRule(rule)
        # orders a village team handed up (dispatch.hand_up) -> that team, which never takes
        # them: empty unless the scenario hands orders up, so the searches' one test is cheap
        self.declined: dict[int, int] = {}
        # per skill: the fewest volunteers an item with it needs (a freed team looks behind a
        # queue's head needing more than it has free only if an order of the skill may need fewer)
        self.min_need = [0] * n_skills
        for skill in range(n_skills):
            needs = world.item_volunteers[world.item_skill == skill]
            self.min_need[skill] = int(needs.min()) if len(needs) else 0

    # -------------------------------------------------------------- volunteers
    def free(self, team: int) -> int:
        """Free volunteers of a team now (on duty and not busy)."""
        return max(0, self.spare[team])

    def set_on_duty(self, team: int, count: int) -> bool:
        """A team's on-duty count becomes ``count`` (its busy volunteers stay busy); update the
        free-team index; return whether the count rose."""
        was = self.on_duty[team]
        self.on_duty[team] = count
        self.spare[team] += count - was
        self.refresh(team)
        return count > was

    def take(self, team: int, count: int) -> None:
        """``count`` volunteers of ``team`` become busy (an order, an activity, an absence)."""
        spare = self.spare[team] = self.spare[team] - count
        if self.in_free[team] and spare <= 0:
            self.refresh(team)

    def give_back(self, team: int, count: int) -> bool:
        """``count`` busy volunteers of ``team`` are free again; whether the team may now take
        waiting work (it has a free volunteer and a queue it sees, or its desk, holds an entry): the caller
        then offers it (:meth:`sim.model.lifecycle.OrderLifecycle.serve_waiting`)."""
        spare = self.spare[team] = self.spare[team] + count
        if spare <= 0:
            return False
        if not self.in_free[team]:
            self.refresh(team)
        return self.sees_entries(team) or team in self.desks

    def sees_entries(self, team: int) -> bool:
        """Whether any queue ``team`` sees holds an entry (perhaps a stale one): a cheap test
        before a search for waiting work."""
        in_town = self.queued_in_town
        if in_town[self.team_town[team]] or (self.sees_tier3[team] and in_town[-1]):
            return True
        other_towns = self.team_other_towns[team]
        return bool(other_towns) and any(in_town[t] for t in other_towns)

    def drop_run_state(self) -> None:
        """Free what only the run needed: queues, the free-team index and per-team counts."""
        self.queues = self.buckets = self.free_teams = self.queued = self.desks = None
        self.on_duty = self.spare = self.in_free = self.declined = None

    def refresh(self, team: int) -> None:
        """Update the free-team index after a team's on-duty or busy count changed."""
        is_free = self.spare[team] > 0
        if is_free == self.in_free[team]:
            return
        self.in_free[team] = is_free
        buckets = self.buckets
        if is_free:
            for b in self.team_buckets[team]:
                buckets[b].add(team)
        else:
            for b in self.team_buckets[team]:
                buckets[b].discard(team)

    # -------------------------------------------------------------- orders -> team
    def _nearest(
        self, candidates, place: int, skill: int, need: int, best: tuple | None, barred: tuple = ()
    ) -> tuple | None:
        # keys end with the team id, so the result does not depend on set iteration order
        for team in candidates:
            if self.spare[team] >= need and skill in self.skills[team] and team not in barred:
                key = self.rule.team_key(self, team, place)
                if best is None or key < best:
                    best = key
        return best

    def rank_teams(self, able: list[int], place: int) -> int:
        """The best of several able teams for an order at ``place`` by the dispatch rule."""
        return min(self.rule.team_key(self, team, place) for team in able)[-1]

    def barred(self, order: int, tier: int | None = None) -> tuple[int, ...]:
        """The teams that may not take ``order`` at ``tier`` (default: its current tier),
        whatever their scope: the village team that declined it (``dispatch.hand_up``,
        :attr:`declined`: never, at any tier) and, above tier 1 with :attr:`leaves_village`,
        its village's own teams (``World.tier1_teams``: its point and its paired units)."""
        if tier is None:
            tier = self.orders.tier[order]
        if self.leaves_village and tier >= 2:
            return tuple(self.tier1_teams[self.orders.place[order]])  # (the declining team too)
        but = self.declined.get(order, -1) if self.declined else -1
        return () if but < 0 else (but,)

    def bars(self, team: int, order: int, tier: int) -> bool:
        """Whether ``team`` may not take ``order`` waiting at ``tier`` (:meth:`barred`, for one
        team: the test a freed team makes of a queue entry)."""
        declined = self.declined
        if declined and declined.get(order) == team:
            return True
        return self.leaves_village and tier >= 2 and self.orders.place[order] in self.team_villages[team]

    def find_team(self, order: int) -> int | None:
        """The nearest team in the order's current scope able to take it now, or None (never
        a team :meth:`barred` from it)."""
        barred = self.barred(order)
        place, skill, need = self.orders.place[order], self.orders.skill[order], self.orders.need[order]
        tier = self.orders.tier[order]
        best = None
        if tier == 1 or self.keep_lower:
            spare, skills = self.spare, self.skills
            able = [
                team
                for team in self.tier1_teams[place]
                if spare[team] >= need and skill in skills[team] and team not in barred
            ]
            if tier == 1 and len(able) == 1:
                return able[0]  # the only candidate: no need to rank by distance
            best = self._nearest(able, place, skill, need, best)
        if tier == 2 or (tier >= COUNTY_TIER and self.handover and self.keep_lower):  # (town_tier_serves)
            free = self.free_teams.get(self.place_town[place], ())
            if self.tier2_nearest is None or len(free) <= SCAN_FREE_UP_TO:
                best = self._nearest(free, place, skill, need, best, barred)
            else:  # many free: the first able team in the static nearest-first order
                spare, skills = self.spare, self.skills
                for team in self.tier2_nearest[place]:
                    if spare[team] >= need and skill in skills[team] and team not in barred:
                        key = self.rule.team_key(self, team, place)
                        if best is None or key < best:
                            best = key
                        break
        if tier >= COUNTY_TIER:
            seen_towns = 0
            teams_at, in_free = self.world.tier3_teams_at, self.in_free
            for town in self.towns_to_search(self.place_town[place], skill):
                teams = teams_at.get((town, skill))
                if not teams:
                    continue
                free = [team for team in teams if in_free[team]]
                if not free:
                    continue  # no free team of this town has the skill
                best = self._nearest(free, place, skill, need, best, barred)
                if best is not None:  # stop at the next town with a free team with the skill
                    seen_towns += 1
                    if seen_towns >= 2:
                        break
        return None if best is None else best[-1]

    def towns_to_search(self, origin: int, skill: int):
        """Towns whose tier-3 teams may take an order from ``origin`` with ``skill``, nearest
        seat first. When few towns have such teams (a professional skill, a county center), only
        they are ranked, instead of walking every town of a province-sized world."""
        w = self.world
        towns = w.tier3_towns[skill]
        if len(towns) * 8 >= self.n_towns:
            return w.towns_by_distance[origin]
        # the nearest few, ranked once per world (a province has a center in every county);
        # the rest only if the search gets past them
        near = w.tier3_near.get((origin, skill))
        if near is None:
            near = w.tier3_near[(origin, skill)] = tuple(
                nsmallest(NEAR_TOWNS, towns, key=w.town_rank[origin].__getitem__)
            )
        if len(near) == len(towns):
            return near
        return chain(near, self._farther_towns(origin, towns, len(near)))

    def _farther_towns(self, origin: int, towns: list[int], skip: int):
        """``towns`` nearest seat first from ``origin``, less the first ``skip``: ranked only
        when the search gets past the nearest ones (a generator)."""
        yield from sorted(towns, key=self.world.town_rank[origin].__getitem__)[skip:]

    def scope_offers(self, order: int, tier: int, now: float) -> bool:
        """Whether any team in the order's scope at ``tier`` has the order's skill at all at
        ``now`` (minutes): a staffed team (``World.team_staffed``), on duty or not, that exists
        now (a call-up team only inside its event: ``World.team_windows``), the teams
        :meth:`barred` from it aside (an order only they could serve there goes past that tier
        at once)."""
        skill, place = self.orders.skill[order], self.orders.place[order]
        w = self.world
        barred = self.barred(order, tier)
        if barred:  # team by team, the barred ones left out
            return any(
                team not in barred and self._offers(team, skill, now)
                for team in self._scope_teams(tier, skill, place)
            )
        if tier == 1:
            offered = skill in w.place_skills[place]
        elif tier == 2:
            offered = skill in w.town_skills[self.place_town[place]] or (
                self.keep_lower and skill in w.place_skills[place]
            )
        else:
            offered = skill in w.county_skills
        # (the sets count the teams there for the whole run; call-ups are checked one by one)
        return offered or any(
            self._in_scope(team, tier, place) and self._offers(team, skill, now) for team in w.team_windows
        )

    def may_take(self, order: int, team: int) -> bool:
        """Whether ``team`` serves the scope of ``order``'s current tier and is not barred from
        it (:meth:`barred`): whether a volunteer of ``team`` who accepts the order's alert may
        take it. Skills and free volunteers are not checked here."""
        tier = self.orders.tier[order]
        return self._in_scope(team, tier, self.orders.place[order]) and not self.bars(team, order, tier)

    def _in_scope(self, team: int, tier: int, place: int) -> bool:
        """Whether ``team`` serves the scope at ``tier`` of an order at ``place``."""
        w = self.world
        if (tier == 1 or self.keep_lower) and team in w.tier1_teams[place]:
            return True
        same_town = self.team_town[team] == self.place_town[place]
        if self.town_tier_serves(tier) and w.tier2_team[team] and same_town:
            return True
        return tier >= COUNTY_TIER and bool(w.tier3_team[team])

    def town_tier_serves(self, tier: int) -> bool:
        """Whether the town's tier-2 teams serve the scope at ``tier``: at tier 2, and at the
        county's under ``handover`` with ``keep_lower_scope`` (its tier-3 teams are others;
        under ``widen`` they are the same teams). :meth:`find_team` makes the same test
        inline (it runs for every order)."""
        return tier == 2 or (tier >= COUNTY_TIER and self.handover and self.keep_lower)

    def _offers(self, team: int, skill: int, now: float) -> bool:
        """Whether ``team`` offers ``skill`` at ``now`` (minutes): it is staffed, has the skill
        and, if it exists only for a while, exists now."""
        w = self.world
        if not (w.team_staffed[team] and skill in self.skills[team]):
            return False
        window = w.team_windows.get(team)
        return window is None or window[0] <= now < window[1]

    def _scope_teams(self, tier: int, skill: int, place: int):
        """The teams of the scope at ``tier`` of an order at ``place`` (:meth:`_in_scope`), at
        tier 3 only those with ``skill`` (a generator: :meth:`scope_offers` stops at the first
        that offers it)."""
        w = self.world
        if tier == 1 or self.keep_lower:
            yield from w.tier1_teams[place]
        if self.town_tier_serves(tier):
            yield from (team for team in w.town_teams[self.place_town[place]] if w.tier2_team[team])
        if tier >= COUNTY_TIER:
            for town in w.tier3_towns[skill]:
                yield from w.tier3_teams_at.get((town, skill), ())

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

    def _take_from_desk(self, team: int, at_desk: tuple | None) -> int | None:
        """Remove the desk's head found by :meth:`_best_at_desk` (``at_desk``: its rank and
        entry, or None) and return its order, which the caller assigns."""
        if at_desk is None:
            return None
        order = heappop(self.desks[team])[2]
        self.orders.at_desk.discard(order)
        self.desk_waiting[team] -= 1
        return order
