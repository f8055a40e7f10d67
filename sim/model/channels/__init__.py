"""Service channels with their own arrival model (docs/model.md, "Service channels").

Each such channel is a module of this package with a function ``arrivals(world, streams,
horizon_min) -> Arrivals``: the orders of its items placed before ``horizon_min`` (minutes), in
any order, drawn from the channel's own named streams (never ``arrivals/<place>``), so that
adding a channel leaves the catalogue's orders of the same seed unchanged. The replication
merges them with the catalogue's (:func:`sim.model.demand.merge_arrivals`). Their items have
``share: 0`` in the catalogue: the demand model never draws them.
"""

from __future__ import annotations

from collections.abc import Callable

from sim.model.channels import packages, pairing, proxy
from sim.model.demand import Arrivals
from sim.model.rng import Streams
from sim.world.build import World

# the arrival models of the channels that have one, in a fixed order (merging is by time)
ARRIVALS: tuple[Callable[[World, Streams, float], Arrivals], ...] = (
    proxy.arrivals,
    pairing.arrivals,
    packages.arrivals,
)
