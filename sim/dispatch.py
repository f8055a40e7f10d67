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

Example: a village with no volunteer on duty at 02:00 keeps an urban order in its tier-1 queue;
after ``timeouts_min.urban[0]`` minutes the order also joins its town's queue, and the first
town-station volunteer to come on duty at 07:00 takes it.
"""

from __future__ import annotations

import heapq
from itertools import count
from typing import Protocol

from sim.world import World

WAITING, ASSIGNED, CANCELLED, AT_ADMIN = 0, 1, 2, 3
COUNTY_TIER = 3


class Rule(Protocol):
    """A dispatch rule (``dispatch.rule``): how candidates are ranked, lowest key first."""

    def team_key(self, d: Dispatcher, team: int, place: int) -> tuple:
        """Rank of a team able to take a new or escalated order at ``place``."""

    def order_key(self, d: Dispatcher, team: int, entry: tuple) -> tuple:
        """Rank of a waiting order (queue entry: deadline, seq, order, tier) for a freed team."""


class NearestFirst:
    """Default: an order goes to the nearest able team; a freed team takes the waiting order with
    the earliest deadline (ties: first placed)."""

    def team_key(self, d, team, place):
        return (d.nominal(d.home[team], place), team)

    def order_key(self, d, team, entry):
        return entry[:2]


class EarliestDeadline(NearestFirst):
    """Like nearest first, but a freed team takes the order whose latest start is earliest:
    deadline minus the team's travel to it (an urgent order far away before a near one)."""

    def order_key(self, d, team, entry):
        return (entry[0] - d.nominal(d.home[team], d.order_place[entry[2]]), entry[1])


class LeastLoaded(NearestFirst):
    """An order goes to the able team with the smallest busy share of its on-duty volunteers
    (ties: nearest), spreading work; freed teams as nearest first."""

    def team_key(self, d, team, place):
        return (d.busy[team] / max(1, d.on_duty[team]), d.nominal(d.home[team], place), team)


RULES: dict[str, type] = {"nearest": NearestFirst, "edf": EarliestDeadline,
                          "least_loaded": LeastLoaded}


class Dispatcher:
    """Queues of waiting orders and the index of teams with free volunteers."""

    def __init__(self, world: World, n_orders: int):
        self.world = world
        teams = world.teams
        n_teams = len(teams)
        self.on_duty = [0] * n_teams
        self.busy = [0] * n_teams
        self.home = teams.home.tolist()
        self.team_town = teams.town.tolist()
        self.team_skills = [sorted(s) for s in teams.skills]
        self.keep_lower = world.scenario.dispatch.keep_lower_scope
        self.in_free = [False] * n_teams
        self.free_teams: dict[tuple[int, int], set[int]] = {}
        self.queues: dict[tuple, list] = {}
        self.seq = count()
        # order state, filled by the model
        self.state = [WAITING] * n_orders
        self.tier = [1] * n_orders
        self.deadline = [0.0] * n_orders
        self.order_place: list[int] = []
        self.order_town: list[int] = []
        self.order_skill: list[int] = []
        self.order_need: list[int] = []
        # which tier-1 queues each team sees: its own village and the villages it is paired with
        self.team_villages: list[list[int]] = [[] for _ in range(n_teams)]
        for place, team_ids in enumerate(world.tier1_teams):
            for team in team_ids:
                self.team_villages[team].append(place)
        self.nominal = world.travel.nominal
        self.rule: Rule = RULES[world.scenario.dispatch.rule]()

    # -------------------------------------------------------------- volunteers
    def free(self, team: int) -> int:
        """Free volunteers of a team now (on duty and not busy)."""
        return max(0, self.on_duty[team] - self.busy[team])

    def refresh(self, team: int) -> None:
        """Update the free-team index after a team's on-duty or busy count changed."""
        is_free = self.on_duty[team] > self.busy[team]
        if is_free == self.in_free[team]:
            return
        self.in_free[team] = is_free
        town = self.team_town[team]
        for skill in self.team_skills[team]:
            bucket = self.free_teams.setdefault((town, skill), set())
            if is_free:
                bucket.add(team)
            else:
                bucket.discard(team)

    # -------------------------------------------------------------- orders -> team
    def _nearest(self, candidates, place: int, skill: int, need: int,
                 best: tuple | None) -> tuple | None:
        # ties broken by team id, so the result does not depend on set iteration order
        for team in candidates:
            if self.on_duty[team] - self.busy[team] >= need and skill in self.world.teams.skills[
                    team]:
                key = self.rule.team_key(self, team, place)
                if best is None or key < best:
                    best = key
        return best

    def find_team(self, order: int) -> int | None:
        """The nearest team in the order's current scope able to take it now, or None."""
        place, skill, need = self.order_place[order], self.order_skill[order], self.order_need[order]
        tier = self.tier[order]
        best = None
        if tier == 1 or self.keep_lower:
            best = self._nearest(self.world.tier1_teams[place], place, skill, need, best)
        if tier == 2:
            best = self._nearest(self.free_teams.get((self.order_town[order], skill), ()),
                                 place, skill, need, best)
        elif tier >= COUNTY_TIER:
            seen_towns = 0
            for town in self.world.towns_by_distance[self.order_town[order]]:
                bucket = self.free_teams.get((town, skill))
                if not bucket:
                    continue
                best = self._nearest(bucket, place, skill, need, best)
                if best is not None:
                    seen_towns += 1
                    if seen_towns >= 2:
                        break
        return None if best is None else best[-1]

    def scope_offers(self, order: int, tier: int) -> bool:
        """Whether any team in the order's scope at ``tier`` has the order's skill at all."""
        skill = self.order_skill[order]
        if tier == 1:
            return skill in self.world.place_skills[self.order_place[order]]
        if tier == 2:
            return skill in self.world.town_skills[self.order_town[order]] or (
                self.keep_lower and skill in self.world.place_skills[self.order_place[order]])
        return skill in self.world.county_skills

    def enqueue(self, order: int) -> None:
        """Add a waiting order to the queue of its current tier's scope."""
        tier, skill = self.tier[order], self.order_skill[order]
        if tier == 1:
            key = (1, self.order_place[order], skill)
        elif tier == 2:
            key = (2, self.order_town[order], skill)
        else:
            key = (3, 0, skill)
        heapq.heappush(self.queues.setdefault(key, []),
                       (self.deadline[order], next(self.seq), order, tier))

    # -------------------------------------------------------------- team -> order
    def _head(self, key: tuple) -> tuple | None:
        queue = self.queues.get(key)
        while queue:
            _, _, order, tier = entry = queue[0]
            if self.state[order] == WAITING and (self.keep_lower or self.tier[order] == tier):
                return entry
            heapq.heappop(queue)
        return None

    def find_order(self, team: int) -> int | None:
        """The earliest-deadline waiting order this team can see and serve now, or None."""
        free = self.on_duty[team] - self.busy[team]
        if free <= 0:
            return None
        best, best_key = None, None
        town = self.team_town[team]
        for skill in self.team_skills[team]:
            keys = [(1, village, skill) for village in self.team_villages[team]]
            keys += [(2, town, skill), (3, 0, skill)]
            for key in keys:
                entry = self._head(key)
                if entry is None or self.order_need[entry[2]] > free:
                    continue
                rank = self.rule.order_key(self, team, entry)
                if best_key is None or rank < best_key:
                    best, best_key = entry, rank
        return None if best is None else best[2]
