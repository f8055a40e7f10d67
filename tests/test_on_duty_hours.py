"""``on_duty_hours_per_week``: what a staffing policy costs, the volunteer-hours its practice
network is on duty a week, so that two plans reaching a target can be weighed."""

from __future__ import annotations

from sim.config.load import load_scenario
from sim.model.replication import simulate
from sim.results.kpis import compute_kpis
from sim.world.build import build_world
from tests.conftest import TINY


def test_the_tiny_countys_rostered_hours_a_week():
    # 10 teams (5 villages, 3 towns, the center, the legal team) of 10 members, 20% on duty
    # 08:00-18:00, everyone showing up; the legal team on weekdays only, and the 2 measured days
    # are a Monday and a Tuesday: 10 teams x 2 volunteers x 10 hours x 7 days
    world = build_world(load_scenario(TINY))
    assert compute_kpis(simulate(world, 1), world)["on_duty_hours_per_week"] == 10 * 2 * 10 * 7
