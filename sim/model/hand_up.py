"""Which orders their village team hands up (``dispatch.hand_up``), drawn once at set-up.

The source: 村里提供不了的就由乡镇实践所协调 (what a village cannot provide, its town station
coordinates): a village can hand an order up, not only let it time out. With
``dispatch.hand_up.share`` = p, each order that its village could serve (not professional, its
village scope offers the skill, its item among ``dispatch.hand_up.items`` if any are named) is
one the village team cannot provide with probability p. The decision is drawn for every order
at set-up, one uniform per order from its place's own stream ``hand_up/<place code>`` (in the
order the place's orders are placed), so that the other sources' draws are unchanged and the
same order gets the same uniform under two policies (common random numbers: with a larger
share, the orders handed up include those handed up with a smaller one).

The life cycle then hands those orders up at placement (:meth:`.lifecycle.OrderLifecycle.hand_up`);
the other orders keep the placement's fast path untouched.
"""

from __future__ import annotations

import numpy as np

from sim.config.teams import TEAM_LEVELS
from sim.model.compact import as_numpy
from sim.model.orders import OrderTable
from sim.model.rng import Streams
from sim.world.build import World

VILLAGE = TEAM_LEVELS.index("village")


def hand_up_uniforms(world: World, orders: OrderTable, streams: Streams) -> np.ndarray:
    """One uniform per order (by order id) from its place's stream ``hand_up/<place code>``,
    drawn in the order the place's orders are placed."""
    place = as_numpy(orders.place)
    u = np.empty(len(orders))
    by_place = np.argsort(place, kind="stable")  # each place's orders, in placement order
    counts = np.bincount(place, minlength=world.n_places)
    ends = np.cumsum(counts)
    used = np.flatnonzero(counts)
    names = (f"hand_up/{world.places.code[p]}" for p in used)
    for p, rng in zip(used.tolist(), streams.streams(names)):
        mine = by_place[ends[p] - counts[p] : ends[p]]
        u[mine] = rng.random(len(mine))
    return u


def handed_up_orders(world: World, orders: OrderTable, streams: Streams) -> dict[int, int]:
    """The orders whose village team hands them up -> that team (``dispatch.hand_up``; an empty
    mapping, and no draw, when its share is 0). Those orders leave the placement's fast path
    (their ``ordinary`` flag is cleared)."""
    rule = world.scenario.dispatch.hand_up
    if rule.share <= 0.0 or not len(orders):
        return {}
    u = hand_up_uniforms(world, orders, streams)
    eligible = as_numpy(orders.ordinary).astype(bool)
    if rule.items:
        ids = [i.id for i in world.items]
        named = np.zeros(len(ids), dtype=bool)
        named[[ids.index(item) for item in rule.items]] = True
        eligible = eligible & named[as_numpy(orders.item)]
    chosen = np.flatnonzero(eligible & (u < rule.share))
    village = village_teams(world)
    place = as_numpy(orders.place)
    out = {}
    for order in chosen.tolist():
        team = village[place[order]]
        if team >= 0:
            out[order] = team
            orders.ordinary[order] = 0
    return out


def village_teams(world: World) -> list[int]:
    """Per place: its own village-level team (the first of its tier-1 teams of that level), or
    -1 when it has none."""
    level = world.teams.level
    return [next((t for t in teams if level[t] == VILLAGE), -1) for teams in world.tier1_teams]
