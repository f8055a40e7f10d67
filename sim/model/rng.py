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

Two names with the same CRC-32 would draw the same numbers. A county replication makes about
4,000 streams (the default scenario 4,029): the chance that two of them share a key is about
n^2 / 2^33, 0.2%, and ``tests/test_rng.py`` checks every bundled scenario's names. A
province-sized world (150,000 streams) would have a few such pairs: a key of two words (a 64-bit
hash of the name) would remove them, at the price of new random numbers for every stream.

Draws made for one order at a time (an alert's acceptance, a hand-up) are counter-based instead
(:func:`order_keys`): each order has a 64-bit key computed from its identity, and a draw is a
hash of that key and a counter (:func:`counter_uniform`), the same whatever else was drawn. The
identity is what makes an order the same citizen's order in two scenarios: its place (by code),
its channel, and its rank among that place's orders of that channel in the time the citizen
placed them (the booking time for an appointment; ties in placement order), not its order id,
which counts the orders of every channel and place and so shifts whenever a scenario adds or
removes any order (another channel's, another place's, an appointment moved later). A scenario
that changes a place's own orders of a channel (a surge there, another rate) changes the ranks
after the first change, as it changes those orders themselves. The key of
an order is the (rank + 1)-th output of a SplitMix64 generator (S. Vigna) seeded with its
place's key (the first word of the seed of the stream named ``<source>/<place code>``, which is
never made as a generator) with its channel XORed into the key's top byte: distinct for the orders of one
place, and for the others as independent as two streams.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from typing import TYPE_CHECKING

import numpy as np
from numpy.random.bit_generator import ISeedSequence

from sim.model.compact import as_numpy

if TYPE_CHECKING:
    from sim.model.orders import OrderTable


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
        for states in self._seed_states(names):
            for state in states:
                yield np.random.Generator(np.random.PCG64(_State(state)))

    def _seed_states(self, names: Iterable[str]) -> Iterator[np.ndarray]:
        """The seed states of the streams of ``names``, ``BATCH`` names at a time (each name is
        dropped once hashed: no batch of a thousand strings and ints)."""
        names = iter(names)
        while True:
            crc = np.fromiter(
                (zlib.crc32(name.encode("utf-8")) for name in islice(names, BATCH)), dtype=np.uint64
            )
            if not len(crc):
                return
            yield self._mixed.states(crc)

    def keys(self, names: Iterable[str]) -> np.ndarray:
        """One 64-bit key (uint64) per name for counter-based draws: the first word of the seed
        state of the stream of that name (:meth:`stream`, which is not made), so that keys are
        as independent across names and replications as the streams are."""
        if self._mixed is None:
            return np.array(
                [self._reference_seed(name).generate_state(4, np.uint64)[0] for name in names],
                dtype=np.uint64,
            )
        parts = [states[:, 0] for states in self._seed_states(names)]
        return np.concatenate(parts) if parts else np.empty(0, dtype=np.uint64)

    def _reference_seed(self, name: str) -> np.random.SeedSequence:
        """The SeedSequence of the stream ``name`` (NumPy's own)."""
        key = zlib.crc32(name.encode("utf-8"))
        # (the stream's own SeedSequence has the default pool of 4, whatever the seed's)
        return np.random.SeedSequence(self.seed.entropy, spawn_key=(*self.seed.spawn_key, key))

    def reference_stream(self, name: str) -> np.random.Generator:
        """:meth:`stream` through NumPy's own SeedSequence (what the fast path reproduces)."""
        return np.random.Generator(np.random.PCG64(self._reference_seed(name)))


# ---------------------------------------------------------------------- counter-based draws
_M64 = 0xFFFFFFFFFFFFFFFF
GOLDEN = 0x9E3779B97F4A7C15  # SplitMix64's increment
_MIX1, _MIX2 = 0xBF58476D1CE4E5B9, 0x94D049BB133111EB
_TO_UNIT = 1.0 / 9007199254740992.0  # 2**-53
CHANNEL_SHIFT = 56  # an order's channel is XORed into its place key's top byte (256 channels at most)


def counter_uniform(x: int) -> float:
    """A uniform in [0, 1) from the integer ``x`` (modulo 2**64): SplitMix64's output for the
    state ``x``, its top 53 bits. A counter-based draw: the same for the same ``x`` whatever was
    drawn before (``x`` is an order's key plus a counter, :func:`order_keys`)."""
    z = (x + GOLDEN) & _M64
    z = ((z ^ (z >> 30)) * _MIX1) & _M64
    z = ((z ^ (z >> 27)) * _MIX2) & _M64
    z ^= z >> 31
    return (z >> 11) * _TO_UNIT


def _finalise(z: np.ndarray) -> np.ndarray:
    """SplitMix64's output function on the uint64 array ``z``, in place (modulo 2**64)."""
    z ^= z >> np.uint64(30)
    z *= np.uint64(_MIX1)
    z ^= z >> np.uint64(27)
    z *= np.uint64(_MIX2)
    z ^= z >> np.uint64(31)
    return z


def counter_uniforms(x: np.ndarray) -> np.ndarray:
    """:func:`counter_uniform` of each value of the uint64 array ``x`` (the same floats)."""
    z = _finalise(x + np.uint64(GOLDEN))
    z >>= np.uint64(11)
    return z * _TO_UNIT


def order_ranks(place: np.ndarray, channel: np.ndarray, since: np.ndarray) -> np.ndarray:
    """Each order's rank (0, 1, ...; int64) among the orders of its place and channel, in the
    order of ``since`` (the minute the citizen placed it), ties in order id: the part of an
    order's identity (:func:`order_keys`) that tells one place's orders of a channel apart.
    Whole-array steps; their scratch memory is about three 8-byte columns at the peak (positions
    in 4 bytes where they suffice)."""
    n = len(place)
    channels = int(channel.max()) + 1 if n else 1
    wide = (int(place.max()) + 1) * channels >= 2**31 if n else False
    group = place.astype(np.int64 if wide else np.int32)  # (this replication's numbering only)
    group *= channels
    group += channel
    if n < 2 or bool((since[1:] >= since[:-1]).all()):
        by_group = np.argsort(group, kind="stable")  # the ids are in the order of ``since``
    else:
        by_group = np.lexsort((since, group))  # (a stable sort: ties keep the id order)
    sorted_group = group[by_group]
    del group
    first = np.empty(n, dtype=bool)
    first[:1] = True
    np.not_equal(sorted_group[1:], sorted_group[:-1], out=first[1:])
    del sorted_group
    index = np.int32 if n < 2**31 else np.int64  # (4 bytes an order where they suffice)
    position = np.arange(n, dtype=index)
    start = np.where(first, position, index(0))
    del first
    np.maximum.accumulate(start, out=start)  # each position's group's first position
    position -= start
    del start
    rank = np.empty(n, dtype=np.int64)
    rank[by_group] = position
    return rank


def order_keys(streams: Streams, source: str, codes: Sequence[str], orders: OrderTable) -> np.ndarray:
    """Each order's 64-bit key (uint64) for the counter-based draws of ``source`` (e.g.
    ``"alerts"``), from its identity (the module's docstring): SplitMix64's (rank + 1)-th output
    from its place's key (``streams.keys``, name ``<source>/<place code>``, ``codes`` by place
    index) with its channel XORed into the top byte. The same order (the same place, channel and
    placement among that place's orders of its channel) has the same key in any scenario run
    with the same seed, whatever other orders the scenario has."""
    n = len(orders)
    if not n:
        return np.empty(0, dtype=np.uint64)
    place, channel, since = as_numpy(orders.place), as_numpy(orders.channel), as_numpy(orders.t_placed)
    if orders.t_booked:  # an appointment is placed when the citizen books it
        since = since.copy()
        booked = np.fromiter(orders.t_booked.keys(), dtype=np.int64, count=len(orders.t_booked))
        since[booked] = np.fromiter(orders.t_booked.values(), dtype=np.float64, count=len(booked))
    key = order_ranks(place, channel, since).view(np.uint64)
    del since
    key += np.uint64(1)
    key *= np.uint64(GOLDEN)
    used = np.flatnonzero(np.bincount(place, minlength=len(codes)))
    place_key = np.zeros(len(codes), dtype=np.uint64)
    place_key[used] = streams.keys(f"{source}/{codes[p]}" for p in used.tolist())
    if int(channel.max()) >> (64 - CHANNEL_SHIFT):  # a 257th channel would share channel 0's keys
        raise ValueError(f"channel {int(channel.max())} does not fit the key's top byte")
    seed = channel.astype(np.uint64)  # each order's generator: its place's key, its channel
    seed <<= np.uint64(CHANNEL_SHIFT)  # XORed into the top byte
    seed ^= place_key[place]
    key += seed
    del seed
    return _finalise(key)
