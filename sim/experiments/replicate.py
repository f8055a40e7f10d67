"""One replication of an experiment, as a local worker or a cluster worker runs it.

Replication ``i`` of an experiment with root seed ``s`` uses child ``i`` of
``SeedSequence(s)`` (:func:`sim.model.rng.replication_seeds`), whichever process runs it."""

from __future__ import annotations

from sim.model.replication import simulate
from sim.model.rng import replication_seeds
from sim.results.kpis import backlog_series, counted_kpis
from sim.results.summary import RepResult
from sim.world.build import World


def run_one(world: World, seed_root: int, index: int, keep_log: bool = True) -> RepResult:
    """Simulate replication ``index`` of an experiment with root seed ``seed_root``."""
    seed = replication_seeds(seed_root, 1, first=index)[0]
    log = simulate(world, seed)
    kpis = counted_kpis(log, world)
    return RepResult(index, dict(kpis), backlog_series(log), log if keep_log else None, kpis.orders)
