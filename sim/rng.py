"""Named random streams derived from one ``numpy.random.SeedSequence``.

A replication's seed is child ``i`` of the experiment's root ``SeedSequence``; inside it every
stochastic source asks for its own stream by a stable name, e.g. ``"arrivals/330326100013"``
(orders of one village) or ``"availability/town:Kunyang"``. The name is hashed (CRC-32, stable
across Python runs and machines) into the spawn key, so adding a village or a team creates new
streams without shifting any existing one, and two scenarios run with the same seed share
random numbers wherever they share names (common random numbers).
"""

from __future__ import annotations

import zlib

import numpy as np


def replication_seeds(root_seed: int, reps: int, first: int = 0) -> list[np.random.SeedSequence]:
    """Seed sequences of replications ``first .. first+reps-1``: child i of the root seed."""
    root = np.random.SeedSequence(root_seed)
    return [np.random.SeedSequence(root.entropy, spawn_key=(i,))
            for i in range(first, first + reps)]


class Streams:
    """Factory of independent named generators for one replication."""

    def __init__(self, seed: np.random.SeedSequence):
        self.seed = seed

    def stream(self, name: str) -> np.random.Generator:
        """A generator for the stochastic source ``name`` (same name, same numbers)."""
        key = zlib.crc32(name.encode("utf-8"))
        child = np.random.SeedSequence(self.seed.entropy,
                                       spawn_key=(*self.seed.spawn_key, key))
        return np.random.Generator(np.random.PCG64(child))
