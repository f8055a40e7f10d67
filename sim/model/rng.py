"""Named random streams derived from one ``numpy.random.SeedSequence``.

A replication's seed is child ``i`` of the experiment's root ``SeedSequence``; inside it every
stochastic source asks for its own stream by a stable name, e.g. ``"arrivals/330326100013"``
(orders of one village) or ``"availability/town:Kunyang"``. The name is hashed (CRC-32, stable
across Python runs and machines) into the spawn key, so adding a village or a team creates new
streams without shifting any existing one, and two scenarios run with the same seed share
random numbers wherever they share names (common random numbers). A stream's generator is
NumPy's ``PCG64(SeedSequence(entropy, spawn_key + (crc,)))`` bit for bit; the seed's pool is
mixed once per replication and each name's last word hashed into it in integer arithmetic, many
names at once (a fraction of the cost of building a SeedSequence for each of a replication's
thousands of streams).
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Iterator
from itertools import islice

import numpy as np
from numpy.random.bit_generator import ISeedSequence


def replication_seeds(root_seed: int, reps: int, first: int = 0) -> list[np.random.SeedSequence]:
    """Seed sequences of replications ``first .. first+reps-1``: child i of the root seed."""
    root = np.random.SeedSequence(root_seed)
    return [np.random.SeedSequence(root.entropy, spawn_key=(i,)) for i in range(first, first + reps)]


# NumPy's SeedSequence hash (numpy/random/bit_generator.pyx, after M. O'Neill's seed_seq)
_MASK32 = 0xFFFFFFFF
_INIT_A, _MULT_A, _INIT_B, _MULT_B = 0x43B0D7E5, 0x931E8875, 0x8B51F9DD, 0x58F38DED
_MIX_L, _MIX_R = 0xCA01F9DD, 0x4973F715
_POOL = 4
BATCH = 1024  # names whose stream states Streams.streams computes at once


def _words(value) -> list[int]:
    """A non-negative int (or a list or tuple of them) as little-endian 32-bit words, as
    SeedSequence reads entropy and spawn keys (0 is one word). Other forms SeedSequence accepts
    (arrays, ranges, strings) raise TypeError: :class:`Streams` then leaves them to NumPy."""
    if isinstance(value, (list, tuple)):
        return [word for item in value for word in _words(item)]
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
        raise TypeError(f"not a plain non-negative integer: {value!r}")
    value, out = int(value), []
    while True:
        out.append(value & _MASK32)
        value >>= 32
        if not value:
            return out


def _constants(start: int, mult: int, n: int) -> list[tuple[int, int]]:
    """The (before, after) multiplier pairs of n successive hashmix steps from ``start``: the
    hash constant does not depend on the data, so it is computed once."""
    out = []
    for _ in range(n):
        after = (start * mult) & _MASK32
        out.append((start, after))
        start = after
    return out


class _Mixed:
    """SeedSequence's entropy pool for a seed's entropy and spawn key, all but a last word."""

    def __init__(self, entropy, spawn_key: tuple[int, ...]):
        run = _words(entropy)
        words = run + [0] * (_POOL - len(run)) + _words(spawn_key)
        steps = iter(_constants(_INIT_A, _MULT_A, _POOL * (len(words) + 1)))
        pool = []
        for word in words[:_POOL]:
            before, after = next(steps)
            value = ((word ^ before) * after) & _MASK32
            pool.append(value ^ (value >> 16))
        mixing = [(src, dst) for src in range(_POOL) for dst in range(_POOL) if src != dst]
        for src, dst in mixing:
            pool[dst] = self._mix(pool[dst], pool[src], next(steps))
        for word in words[_POOL:]:
            for dst in range(_POOL):
                pool[dst] = self._mix(pool[dst], word, next(steps))
        self.pool = pool
        self.last = [next(steps) for _ in range(_POOL)]  # the steps of one more word
        self.out = _constants(_INIT_B, _MULT_B, 2 * _POOL)  # generate_state's 8 words

    @staticmethod
    def _mix(into: int, word: int, step: tuple[int, int]) -> int:
        value = ((word ^ step[0]) * step[1]) & _MASK32
        value ^= value >> 16
        result = (_MIX_L * into - _MIX_R * value) & _MASK32
        return result ^ (result >> 16)

    def states(self, words: np.ndarray) -> np.ndarray:
        """``SeedSequence(entropy, spawn_key + (word,)).generate_state(4, np.uint64)`` for each
        32-bit word, shape (len(words), 4): SeedSequence's hash of the last word into the mixed
        pool and its output, on arrays of uint64 (products of two 32-bit numbers fit; a
        difference wraps modulo 2**64, whose low 32 bits are the ones kept), the pairs of
        little-endian words joined as NumPy views its uint32 state as uint64."""
        word = np.asarray(words, dtype=np.uint64)
        mask = np.uint64(_MASK32)
        pool = []
        for into, (before, after) in zip(self.pool, self.last):
            value = ((word ^ np.uint64(before)) * np.uint64(after)) & mask
            value ^= value >> np.uint64(16)
            result = (np.uint64((_MIX_L * into) & _MASK32) - np.uint64(_MIX_R) * value) & mask
            pool.append(result ^ (result >> np.uint64(16)))
        out = np.empty((len(word), 2 * _POOL), dtype=np.uint64)
        for k, (into, (before, after)) in enumerate(zip(pool + pool, self.out)):
            value = ((into ^ np.uint64(before)) * np.uint64(after)) & mask
            out[:, k] = value ^ (value >> np.uint64(16))
        return out[:, 0::2] | (out[:, 1::2] << np.uint64(32))


class _State(ISeedSequence):
    """A seed sequence whose state was computed already (what PCG64 asks of one)."""

    __slots__ = ("_state",)

    def __init__(self, state: np.ndarray):
        self._state = state

    def generate_state(self, n_words: int, dtype=np.uint32) -> np.ndarray:
        if n_words != len(self._state) or np.dtype(dtype) != np.uint64:
            raise ValueError("a precomputed seed state serves PCG64 only")
        return self._state


class Streams:
    """Factory of independent named generators for one replication."""

    def __init__(self, seed: np.random.SeedSequence):
        self.seed = seed
        # the same numbers as SeedSequence(entropy, spawn_key + (crc,)) without building one per
        # stream (a province's replication makes 150,000 streams: a tenth of a county's run);
        # entropy in another form than integers goes through NumPy's SeedSequence
        try:
            self._mixed: _Mixed | None = _Mixed(seed.entropy, tuple(seed.spawn_key))
        except TypeError:
            self._mixed = None

    def stream(self, name: str) -> np.random.Generator:
        """A generator for the stochastic source ``name`` (same name, same numbers)."""
        return next(self.streams((name,)))

    def streams(self, names: Iterable[str]) -> Iterator[np.random.Generator]:
        """:meth:`stream` of each of ``names`` in turn (the same generators), their seed states
        computed ``BATCH`` names at a time in whole-array steps: a third of the cost for the
        thousands of per-place and per-team streams of a replication."""
        if self._mixed is None:
            yield from map(self.reference_stream, names)
            return
        names = iter(names)
        while True:
            # (each name is dropped once hashed: no batch of a thousand strings and ints)
            keys = np.fromiter(
                (zlib.crc32(name.encode("utf-8")) for name in islice(names, BATCH)), dtype=np.uint64
            )
            if not len(keys):
                return
            for state in self._mixed.states(keys):
                yield np.random.Generator(np.random.PCG64(_State(state)))

    def reference_stream(self, name: str) -> np.random.Generator:
        """:meth:`stream` through NumPy's own SeedSequence (what the fast path reproduces)."""
        key = zlib.crc32(name.encode("utf-8"))
        # (the stream's own SeedSequence has the default pool of 4, whatever the seed's)
        child = np.random.SeedSequence(self.seed.entropy, spawn_key=(*self.seed.spawn_key, key))
        return np.random.Generator(np.random.PCG64(child))
