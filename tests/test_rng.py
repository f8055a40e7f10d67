"""Seeds and named streams: replication i always gets child i; streams are keyed by name
(adding a village is tested in tests/test_experiment.py)."""

from __future__ import annotations

import zlib
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from sim.model import rng
from sim.model.rng import Streams, replication_seeds

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"


def test_replication_seed_depends_only_on_its_index():
    all_five = replication_seeds(7, 5)
    later = replication_seeds(7, 2, first=3)
    assert [s.generate_state(4).tolist() for s in all_five[3:]] == [
        s.generate_state(4).tolist() for s in later
    ]
    assert all_five[0].generate_state(4).tolist() != all_five[1].generate_state(4).tolist()


def test_streams_are_keyed_by_name_not_by_order_of_use():
    seed = replication_seeds(11, 1)[0]
    first = Streams(seed)
    a1 = first.stream("arrivals/A").random(5)
    b1 = first.stream("availability/team-b").random(5)
    second = Streams(seed)
    b2 = second.stream("availability/team-b").random(5)
    second.stream("arrivals/NEW").random(100)  # a new source in between
    a2 = second.stream("arrivals/A").random(5)
    assert np.array_equal(a1, a2) and np.array_equal(b1, b2)
    assert not np.array_equal(a1, b1)


@pytest.mark.parametrize(
    "seed",
    [
        replication_seeds(7, 3)[2],
        np.random.SeedSequence(0),
        np.random.SeedSequence(2**70 + 5, spawn_key=(2**40, 0, 3)),
        np.random.SeedSequence(12345678901234567890),
    ],
)
def test_streams_equal_numpys_seed_sequence_bit_for_bit(seed):
    # Streams hashes the name into the seed in plain integer arithmetic instead of building a
    # SeedSequence per stream; the generators' states must be NumPy's exactly
    streams = Streams(seed)
    names = [
        "",
        "a",
        "availability/town:Kunyang",
        "arrivals/330326100013",
        "activities",
        *(f"availability/village:{k}" for k in range(200)),
    ]
    for name in names:
        fast, reference = streams.stream(name), streams.reference_stream(name)
        assert fast.bit_generator.state == reference.bit_generator.state, name
    assert streams.stream("x").random(5).tolist() == streams.reference_stream("x").random(5).tolist()


@pytest.mark.parametrize(
    "seed",
    [
        replication_seeds(7, 3)[2],
        np.random.SeedSequence(2**70 + 5, spawn_key=(2**40, 0, 3)),
        np.random.SeedSequence(["0x10", 5]),
    ],
)
def test_batched_streams_are_the_streams_one_by_one(seed, monkeypatch):
    # Streams.streams computes many seed states in whole-array steps; each generator must be
    # stream(name)'s, across batch boundaries (a batch of 7 here) and for any seed form
    monkeypatch.setattr(rng, "BATCH", 7)
    streams = Streams(seed)
    names = ["", "activities", *(f"availability/village:{k}" for k in range(30))]
    batched = streams.streams(iter(names))
    for name, generator in zip(names, batched, strict=True):
        assert generator.bit_generator.state == streams.stream(name).bit_generator.state, name
    assert list(streams.streams([])) == []


@pytest.mark.parametrize(
    "seed",
    [
        np.random.SeedSequence(3, pool_size=8),
        np.random.SeedSequence(np.array([1, 2, 3], dtype=np.uint32)),
        np.random.SeedSequence(range(3)),
        np.random.SeedSequence(["0x10", 5]),
    ],
)
def test_streams_of_any_seed_numpy_accepts_are_numpys(seed):
    # a stream is PCG64(SeedSequence(entropy, spawn_key + (crc32(name),))) with the default
    # pool size whatever the seed's; entropy given as arrays, ranges or strings goes through
    # NumPy's own SeedSequence
    child = np.random.SeedSequence(seed.entropy, spawn_key=(*seed.spawn_key, zlib.crc32(b"x")))
    assert (
        Streams(seed).stream("x").bit_generator.state
        == np.random.Generator(np.random.PCG64(child)).bit_generator.state
    )


def one_day_stream_names(monkeypatch, path: Path, overrides: dict | None = None) -> list[str]:
    """The stream names (and counter keys' names) one replication of one day of the scenario at
    ``path`` asks for, in order, each as often as it is asked for (every stream is made at
    set-up)."""
    import dataclasses

    from sim.config.load import load_scenario
    from sim.experiments.runner import run_replications

    asked: list[str] = []

    def recorded(method):
        def wrapper(self, items):
            items = list(items)
            asked.extend(items)
            return method(self, iter(items))

        return wrapper

    monkeypatch.setattr(Streams, "streams", recorded(Streams.streams))
    monkeypatch.setattr(Streams, "keys", recorded(Streams.keys))
    scenario = load_scenario(path, overrides=overrides)
    scenario = dataclasses.replace(scenario, run=dataclasses.replace(scenario.run, days=1, warmup_days=0))
    run_replications(scenario, 1, 1, jobs=1)
    monkeypatch.undo()
    return asked


def test_no_two_streams_of_a_bundled_scenario_share_a_key(monkeypatch):
    """A stream's key is its name's CRC-32: two names with one CRC would draw the same numbers.
    About 4,000 names a county replication makes that a 0.2% chance per scenario
    (sim/model/rng.py), so each bundled scenario's names are checked here, from a one-day
    replication's set-up."""
    paths = sorted([SCENARIOS / "pingyang.yaml", *(SCENARIOS / "policies").glob("*.yaml")])
    assert len(paths) > 10
    for path in paths:
        names = set(one_day_stream_names(monkeypatch, path))
        assert len(names) > 1000, path.name  # the streams were seen
        crcs = {zlib.crc32(name.encode("utf-8")) for name in names}
        assert len(crcs) == len(names), f"{path.name}: two stream names share a CRC-32 key"


def test_no_stream_name_is_asked_for_twice_in_a_replication(monkeypatch):
    """A name gives the same numbers every time it is asked for, so two sources asking for one
    name would draw the same numbers: e.g. three office reviewers each asking for
    ``admin_review`` reviewed their k-th orders for exactly as long. The default scenario with
    several reviewers in the office and on call asks for every name once."""
    overrides = {"admin.reviewers": 3, "admin.on_call_reviewers": 2}
    asked = one_day_stream_names(monkeypatch, SCENARIOS / "pingyang.yaml", overrides)
    assert "admin_review" in asked and "admin_on_call_review" in asked
    twice = sorted(name for name, n in Counter(asked).items() if n > 1)
    assert not twice, f"stream names asked for more than once: {twice[:5]}"
