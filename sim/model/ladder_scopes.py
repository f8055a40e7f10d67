"""The escalation ladder's scope rules: which teams may take an order at each tier (1: its
village's teams, 2: its town's, 3: the county's), and which teams may never take it.

When an order climbs the ladder is the order life cycle's (:mod:`sim.model.lifecycle`: the
``timeouts_min`` timers, and a tier whose scope offers nobody the skill passed at once); which
teams serve tiers 2 and 3 is built once per world (:mod:`sim.world.scopes`). This module holds
the per-order tests that follow ``dispatch.scope`` (``widen`` or ``handover``) and
``dispatch.keep_lower_scope``: who is barred (:meth:`LadderScopes.barred`, :meth:`LadderScopes.bars`:
the village team that handed the order up, ``dispatch.hand_up``, and the village's own teams
once the order left them), whether an alerted team may take it (:meth:`LadderScopes.may_take`)
and whether a tier can serve it at all (:meth:`LadderScopes.scope_offers`). The searches
(:meth:`sim.model.dispatcher.Dispatcher.find_team`,
:meth:`sim.model.waiting_orders.WaitingOrders.find_order`) call ``barred`` and ``bars`` and make
the scope tests inline, since they run for every order.

:class:`LadderScopes` is a mixin of :class:`sim.model.dispatcher.Dispatcher`, which sets every
attribute in its ``__init__`` (a mixin, not an object of its own: ``self.bars(...)`` costs what
it did). It reads ``world``, ``orders``, ``keep_lower``, ``handover``, ``leaves_village``,
``declined``, ``tier1_teams``, ``team_town``, ``team_villages``, ``place_town`` and ``skills``.
"""

from __future__ import annotations

from sim.model.orders import COUNTY_TIER


class LadderScopes:
    """The scope of each tier of the escalation ladder, and the teams barred from an order."""

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
