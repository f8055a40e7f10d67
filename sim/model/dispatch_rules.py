"""Dispatch rules (``dispatch.rule``): how the dispatcher ranks the candidates it matches.

The dispatcher (:mod:`.dispatcher`) finds who may take what; a rule says who goes first, lowest
key first: :meth:`Rule.team_key` ranks the teams able to take a new or escalated order,
:meth:`Rule.order_key` the waiting orders a freed team can serve. A rule is an object with
these two methods; a scenario names one of :data:`RULES`, and a replication may be given any
rule object instead (docs/extending.md walks through a new one).
"""

from __future__ import annotations

from numbers import Integral
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from sim.model.dispatcher import Dispatcher


class Rule(Protocol):
    """A dispatch rule (``dispatch.rule``): how candidates are ranked, lowest key first."""

    def team_key(self, d: Dispatcher, team: int, place: int) -> tuple:
        """Rank of a team able to take a new or escalated order at ``place``: a tuple whose
        last element is ``team`` (the dispatcher reads the winner from it, and ties break on
        it; a rule not among :data:`RULES` is checked). Times it reads are minutes
        (``d.nominal(a, b)``)."""

    def order_key(self, d: Dispatcher, team: int, entry: tuple) -> tuple:
        """Rank of a waiting order for a freed team; ``entry`` is its queue entry (deadline in
        minutes, seq, order, tier): ``entry[:2]`` ranks by deadline, then first queued."""


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
        return (entry[0] - d.nominal(d.home[team], d.orders.place[entry[2]]), entry[1])


class LeastLoaded(NearestFirst):
    """An order goes to the able team with the smallest busy share of its on-duty volunteers
    (ties: nearest), spreading work; freed teams as nearest first."""

    def team_key(self, d, team, place):
        busy = d.on_duty[team] - d.spare[team]
        return (busy / max(1, d.on_duty[team]), d.nominal(d.home[team], place), team)


RULES: dict[str, type] = {"nearest": NearestFirst, "edf": EarliestDeadline, "least_loaded": LeastLoaded}


class CheckedRule:
    """A rule not among :data:`RULES` (an extension's), with its ``team_key`` checked: the key
    must be a tuple ending with the team id, which the dispatcher reads the winner from. A key
    ending in anything else would pick a wrong team silently; this raises instead."""

    def __init__(self, rule: Rule):
        self.rule = rule

    def team_key(self, d, team, place):
        key = self.rule.team_key(d, team, place)
        if not (isinstance(key, tuple) and key and isinstance(key[-1], Integral) and key[-1] == team):
            raise TypeError(
                f"{type(self.rule).__name__}.team_key returned {key!r} for team {team}; expected "
                "a tuple ending with the team id (docs/extending.md, 'A new dispatch rule')"
            )
        return key

    def order_key(self, d, team, entry):
        return self.rule.order_key(d, team, entry)
