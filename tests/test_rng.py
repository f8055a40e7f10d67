"""Seeds and named streams: replication i always gets child i; streams are keyed by name
(adding a village is tested in tests/test_experiment.py)."""

from __future__ import annotations

import numpy as np

from sim.rng import Streams, replication_seeds


def test_replication_seed_depends_only_on_its_index():
    all_five = replication_seeds(7, 5)
    later = replication_seeds(7, 2, first=3)
    assert [s.generate_state(4).tolist() for s in all_five[3:]] == \
        [s.generate_state(4).tolist() for s in later]
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
