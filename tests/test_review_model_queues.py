"""A freed team takes the earliest-deadline waiting order it can serve, on the five-place test
county (tests/data/tiny.yaml): 1 minute per km, no set-off time, acceptance 2 minutes, an errand
30 minutes on site; every team works 08:00-18:00 with 2 of its 10 members on duty; day 0 is a
Monday. ``moving`` (added here) needs 2 volunteers with the errand skill, for 60 minutes."""

from __future__ import annotations

import yaml

from sim.model.replication import simulate
from sim.world.build import build_world
from tests.conftest import TINY, orders, variant

MOVING = {"id": "moving", "name": "Moving", "column": "daily", "skill": "errand", "share": 0.0}
MOVING.update(volunteers=2, service={"kind": "fixed", "mean": 60})


def test_an_order_behind_one_needing_more_volunteers_is_taken_by_a_freed_volunteer(tmp_path):
    catalog = yaml.safe_load(TINY.read_text(encoding="utf-8"))["catalog"] + [MOVING]
    # A2's orders stay in the village (no escalation within the day)
    overrides = {"catalog": catalog, "dispatch": {"timeouts_min": {"rural": [1000, 1000]}}}
    world = build_world(variant(tmp_path, overrides))
    rows = [
        (540.0, "A2", "errand"),  # A2's first volunteer: busy until 540 + 2 + 30 = 572
        (550.0, "A2", "errand"),  # its second: busy until 582
        (555.0, "A2", "moving"),  # needs both: waits
        (556.0, "A2", "errand"),  # waits behind it (the same deadline, placed later)
        (575.0, "A2", "errand"),
    ]
    o = simulate(world, 1, orders(world, rows)).orders
    # at 572 one volunteer is free: it cannot take the moving order, but it takes the errand
    # waiting since 556, which a later errand (575) must not overtake
    assert o.t_assigned[3] == 572
    assert o.t_assigned[4] == 582  # the second volunteer, back at 582
    # the moving order: both volunteers free again at 572 + 32 = 604 and 582 + 32 = 614
    assert o.t_assigned[2] == 614
    assert all(world.teams.name[t] == "village:A2" for t in o.team)
