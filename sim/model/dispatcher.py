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

The class composes one responsibility per module (mixins: the per-order calls stay
``self.find_order(...)``, ``self.bars(...)``, with no extra object or call in between); every
attribute is set here, in ``__init__``, and each mixin's module says which ones it uses:

* :mod:`sim.model.free_teams` -- who is on duty and free, and the free-team index;
* this module -- the state of them all (``__init__``), and the search for a team for an order
  (:meth:`Dispatcher.find_team`, with its settings :data:`NEAR_TOWNS` and
  :data:`SCAN_FREE_UP_TO`);
* :mod:`sim.model.waiting_orders` -- the queues of waiting orders and how a freed volunteer
  picks the next one (:meth:`WaitingOrders.find_order`);
* :mod:`sim.model.ladder_scopes` -- the escalation ladder's scopes: who may take an order at
  each tier, and who is barred from it;
* :mod:`sim.model.desks` -- the orders the administrator directed to a team's desk.
"""

from __future__ import annotations

from array import array
from heapq import nsmallest
from itertools import chain, count

import simpy

from sim.model.desks import AdministratorDesks
from sim.model.dispatch_rules import RULES, CheckedRule, NearestFirst, Rule
from sim.model.free_teams import FreeTeams
from sim.model.ladder_scopes import LadderScopes
from sim.model.orders import COUNTY_TIER, OrderTable
from sim.model.waiting_orders import WaitingOrders
from sim.results.logs import apart_from_town_duty
from sim.world.build import World

NEAR_TOWNS = 4  # tier-3 towns ranked ahead for each origin (a search mostly looks at two)
# a tier-2 search ranks a town's free teams when they are this few (at night, say), and walks
# the place's static nearest-first list of the town's teams to the first able one otherwise
SCAN_FREE_UP_TO = 8


class Dispatcher(FreeTeams, WaitingOrders, LadderScopes, AdministratorDesks):
    """Queues of waiting orders and the index of teams with free volunteers."""

    def __init__(
        self, world: World, orders: OrderTable, rule: Rule | None = None, env: simpy.Environment | None = None
    ):
        """``orders``: the replication's order table (the dispatcher reads its place, skill,
        need, state and tier columns; the order life cycle writes them). ``rule``: a dispatch
        rule object instead of the scenario's ``dispatch.rule`` (see docs/extending.md).
        ``env``: the replication's environment, whose clock times the notes of volunteers away
        and busy beyond their team's on-duty count (a new one for a dispatcher used on its
        own)."""
        self.world = world
        self.orders = orders
        self.env = env if env is not None else simpy.Environment()
        index = world.team_index
        n_teams = len(index.home)
        # the changing state of teams
        self.on_duty = [0] * n_teams
        # volunteers on duty and not busy (negative when a shift ended while they served): the
        # one number a search reads per candidate (busy = on_duty - spare)
        self.spare = [0] * n_teams
        self.in_free = [False] * n_teams
        # for the log (sim.model.run_log), as team, minute, change (:mod:`.free_teams`): the
        # volunteers leaving the order pool for other work and back, and each change of a
        # team's volunteers busy beyond its on-duty count
        self.away = (array("i"), array("d"), array("i"))
        self.beyond_duty = (array("i"), array("d"), array("i"))
        # the teams the town's on-duty counts count (1; not the proxy points', mediation rooms'
        # or professional organisations' teams): only their changes are noted
        self.counted_by_town = bytes(~apart_from_town_duty(world.teams.level))
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

    def drop_run_state(self) -> None:
        """Free what only the run needed: queues, the free-team index and per-team counts."""
        self.queues = self.buckets = self.free_teams = self.queued = self.desks = None
        self.on_duty = self.spare = self.in_free = self.declined = None

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
