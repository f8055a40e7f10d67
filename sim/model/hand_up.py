"""Which orders their village team hands up (``dispatch.hand_up``), drawn once at set-up.

The source: 村里提供不了的就由乡镇实践所协调 (what a village cannot provide, its town station
coordinates): a village can hand an order up, not only let it time out. With
``dispatch.hand_up.share`` = p, each order that its village could serve (not professional, its
village scope offers the skill, its item among ``dispatch.hand_up.items`` if any are named) is
one the village team cannot provide with probability p. The decision is drawn for every order
at set-up, one counter-based uniform per order keyed by its identity under its place's stream
name ``hand_up/<place code>`` (:func:`sim.model.rng.order_keys`: its place, its channel and its
rank among that place's orders of that channel in the time the citizens placed them), so that
the other sources' draws are unchanged and the same citizen's order gets the same uniform under
two policies (common random numbers), whatever orders other channels or places have: with a
larger share, the orders handed up include those handed up with a smaller one, and a policy that
adds or removes other orders (pairing projects, appointments, a surge elsewhere) leaves the
decisions on the others as they were.

The life cycle then hands those orders up at placement (:meth:`.lifecycle.OrderLifecycle.hand_up`);
the other orders keep the placement's fast path untouched.
"""

from __future__ import annotations

import numpy as np

from sim.config.teams import TEAM_LEVELS
from sim.model.compact import as_numpy
from sim.model.orders import OrderTable
from sim.model.rng import Streams, counter_uniforms, order_keys
from sim.world.build import World

VILLAGE = TEAM_LEVELS.index("village")


def hand_up_uniforms(world: World, orders: OrderTable, streams: Streams) -> np.ndarray:
    """One uniform per order (by order id), keyed by the order's identity under its place's
    stream name ``hand_up/<place code>`` (:func:`sim.model.rng.order_keys`), not by its id."""
    return counter_uniforms(order_keys(streams, "hand_up", world.places.code, orders))


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
