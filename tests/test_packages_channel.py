"""The package channel (套餐): recurring visits to registered recipients, due within a window."""

from __future__ import annotations

import numpy as np
from scipy import stats

from sim.config.channels import CHANNELS
from sim.model.channels import packages
from sim.model.rng import Streams
from sim.results.logs import CLOSED, OPEN
from sim.world.build import build_world
from tests.conftest import DAY, variant
from tests.test_mechanisms import ONLY_ALPHA, run

CATALOG = [
    {"id": "errand", "skill": "errand", "share": 0.8, "service": {"kind": "fixed", "mean": 30}},
    {"id": "repair", "skill": "repair", "share": 0.1, "service": {"kind": "fixed", "mean": 60}},
    {"id": "legal", "skill": "legal", "share": 0.1, "professional": True},
    {"id": "meal", "skill": "errand", "channel": "package", "service": {"kind": "fixed", "mean": 30}},
]


def _world(tmp_path, top_tier=2, extra=None, **kind):
    """Tiny county (teams on duty 08:00-18:00) with one package: a daily meal from 07:00, due
    by noon (300 minutes), 2 recipients per 1,000 residents unless ``kind`` says otherwise."""
    meal = {
        "item": "meal",
        "recipients_per_1000": 2.0,
        "every_days": 1,
        "start": "07:00",
        "due_within_min": 300,
    }
    return build_world(
        variant(
            tmp_path,
            {
                "catalog": CATALOG,
                "packages": {"top_tier": top_tier, "kinds": {"meals": {**meal, **kind}}},
                **(extra or {}),
            },
        )
    )


def test_a_meal_placed_before_the_shift_is_served_when_it_starts_and_due_by_noon(tmp_path):
    # 07:00: nobody on duty in A2 or Alpha; after the rural timeout (30 min) it reaches the town
    # tier, no further; at 08:00 the first team of the town to come on duty (A1's, 5 km away)
    # takes it: accepted 2 minutes later, 5 minutes' travel, 30 on site; its deadline is noon
    world = _world(tmp_path)
    o = run(world, [(420.0, "A2", "meal")])
    assert o.channel[0] == CHANNELS.index("package")
    assert world.teams.name[o.team[0]] == "village:A1" and o.tier_max[0] == 2
    assert (o.t_assigned[0], o.t_accepted[0]) == (480, 482)
    assert abs(o.t_closed[0] - (482 + 5 + 30)) < 0.05
    assert o.t_deadline[0] == 720 and o.outcome[0] == CLOSED


def test_a_visit_climbs_no_higher_than_the_top_tier_and_is_never_cancelled(tmp_path):
    # Beta has nobody on duty (ONLY_ALPHA); the citizen's patience (10 minutes) would cancel a
    # catalogue order. Top tier 2: the visit waits at Beta's town tier, open at the horizon;
    # top tier 3: it skips Beta's scopes (no team there is ever on duty) and a county-tier team
    # takes it at once
    patience = {"demand": {"patience": {"rural": {"kind": "fixed", "mean": 10}}}}
    town = _world(tmp_path, 2, {**ONLY_ALPHA, **patience})
    o = run(town, [(540.0, "B1", "meal"), (540.0, "B1", "errand")])
    meal = int(np.flatnonzero(o.channel == CHANNELS.index("package"))[0])
    assert o.outcome[meal] == OPEN and o.tier_max[meal] == 2
    assert o.outcome[1 - meal] != OPEN and o.tier_max[1 - meal] == 3  # the errand went on
    county = _world(tmp_path, 3, {**ONLY_ALPHA, **patience})
    o = run(county, [(540.0, "B1", "meal")])
    assert o.tier_max[0] == 3 and o.outcome[0] == CLOSED
    assert o.t_assigned[0] == 540


def test_recurring_visits_follow_each_recipients_rhythm(tmp_path):
    # weekly visits at 08:00 over 28 days: each recipient 4 visits, 7 days apart; the number of
    # recipients is Poisson (population x 2 / 1,000 in all), within its 99.9% interval
    world = _world(tmp_path, every_days=7, start="08:00", due_within_min=10080)
    a = packages.arrivals(world, Streams(np.random.SeedSequence(4)), 28 * DAY)
    assert np.all(a.time % DAY == 480)
    expected = world.places.population.sum() * 2.0 / 1000
    low, high = stats.poisson.interval(0.999, expected)
    assert len(a) % 4 == 0 and low <= len(a) / 4 <= high
    for place in np.unique(a.place):
        days = np.sort(a.time[a.place == place] // DAY).astype(int)
        recipients = len(days) // 4
        first = days[:recipients]
        assert first.max() < 7
        assert np.array_equal(np.sort(days), np.sort(np.concatenate([first + 7 * k for k in range(4)])))
    # a daily meal: every recipient every day
    daily = packages.arrivals(_world(tmp_path), Streams(np.random.SeedSequence(4)), 3 * DAY)
    per_day = np.bincount((daily.time // DAY).astype(int))
    assert len(per_day) == 3 and per_day[0] == per_day[1] == per_day[2] > 0


def test_packages_leave_the_other_orders_unchanged(tmp_path):
    from sim.model.replication import simulate

    without = simulate(_world(tmp_path, recipients_per_1000=0.0), 5).orders
    with_packages = simulate(_world(tmp_path), 5).orders
    other = with_packages.channel != CHANNELS.index("package")
    assert (~other).sum() > 0
    for column in ("t_placed", "place", "item"):
        assert np.array_equal(getattr(with_packages, column)[other], getattr(without, column))
