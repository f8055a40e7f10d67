"""Red proxy points (the proxy channel) and village mediation rooms (the mediation channel):
exact timelines on the five-place test county (tests/data/tiny.yaml), their arrivals, teams,
deadlines and KPIs."""

from __future__ import annotations

import numpy as np
import pytest

from sim.config.channels import CHANNELS
from sim.model.channels import proxy as proxy_channel
from sim.model.replication import simulate
from sim.model.rng import Streams
from sim.results.kpis import compute_kpis
from sim.world.build import build_world
from tests.conftest import DAY, orders, variant

NIGHT = [0.0] * 24
# proxy points open 09:00-12:00 on weekdays (half of their members), closed at weekends;
# mediation rooms sit 09:00-18:00 every day (one of their two elders)
POINTS = {"weekday": [0.0] * 9 + [0.5] * 3 + [0.0] * 12, "weekend": NIGHT}
ROOMS = {"weekday": [0.0] * 9 + [0.5] * 9 + [0.0] * 6, "weekend": [0.0] * 9 + [0.5] * 9 + [0.0] * 6}
DAYTIME = [0.0] * 8 + [0.2] * 10 + [0.0] * 6
CATALOG = [
    {
        "id": "errand",
        "name": "Errand",
        "skill": "errand",
        "share": 0.8,
        "service": {"kind": "fixed", "mean": 30},
    },
    {
        "id": "repair",
        "name": "Repair",
        "skill": "repair",
        "share": 0.1,
        "service": {"kind": "fixed", "mean": 60},
    },
    {
        "id": "legal",
        "skill": "legal",
        "share": 0.1,
        "professional": True,
        "service": {"kind": "fixed", "mean": 60},
    },
    {
        "id": "papers",
        "skill": "proxy_errand",
        "share": 0,
        "channel": "proxy",
        "service": {"kind": "fixed", "mean": 60},
    },
    {
        "id": "dispute",
        "skill": "mediation",
        "share": 0,
        "channel": "mediation",
        "service": {"kind": "fixed", "mean": 90},
    },
]


def channels_world(tmp_path, proxy=None, mediation=None, **more):
    """The tiny county with proxy points (4 members each, 2 on duty 09:00-12:00 on weekdays)
    and mediation rooms in its villages (not in community A1), and a justice sub-center with
    the mediation skill at the county seat (08:00-18:00 on weekdays, 2 on duty)."""
    scenario = variant(
        tmp_path,
        {
            "catalog": CATALOG,
            "schedules": {
                "day": {"weekday": DAYTIME, "weekend": DAYTIME},
                "office": {"weekday": DAYTIME, "weekend": NIGHT},
                "points": POINTS,
                "rooms": ROOMS,
            },
            "teams": {
                "subcenters": [
                    {"name": "justice", "members": 10, "skills": ["mediation"], "schedule": "office"}
                ]
            },
            "proxy": {
                "members": 20,
                "split": "even",
                "errands_per_day": 0,
                "item": "papers",
                "schedule": "points",
                "deadline_days": 3,
                **(proxy or {}),
            },
            "mediation": {
                "place_kinds": ["village"],
                "members": 2,
                "schedule": "rooms",
                "village_timeout_min": 120,
                "deadline_days": 2,
                **(mediation or {}),
            },
            "run": {"days": 9, "warmup_days": 0, "drain_days": 1, "seed": 7, "start_weekday": 0},
            **more,
        },
    )
    return build_world(scenario)


def names(world, log):
    return [world.teams.name[t] if t >= 0 else "" for t in log.orders.team]


def test_every_village_has_a_proxy_point_and_the_villages_kind_a_mediation_room(tmp_path):
    world = channels_world(tmp_path)
    teams = dict(zip(world.teams.name, world.teams.members.tolist()))
    assert [n for n in teams if n.startswith("proxy:")] == [
        "proxy:A1",
        "proxy:A2",
        "proxy:B1",
        "proxy:B2",
        "proxy:I1",
    ]
    assert {teams[f"proxy:{c}"] for c in ("A1", "A2", "B1", "B2", "I1")} == {4}  # 20 split evenly
    assert [n for n in teams if n.startswith("mediation:")] == [
        "mediation:A2",
        "mediation:B1",
        "mediation:B2",
        "mediation:I1",
    ]
    # they serve their own village only: no tier 2 or 3, and a catalogue order's placement
    # does not scan them
    point = world.teams.name.index("proxy:A2")
    assert not world.tier2_team[point] and not world.tier3_team[point]
    a2 = world.places.index("A2")
    assert point in world.tier1_teams[a2] and point not in world.tier1_catalogue[a2]


def test_split_by_population_adds_up_to_the_members_by_largest_remainders(tmp_path):
    world = channels_world(tmp_path, proxy={"members": 101, "split": "population"})
    points = [world.teams.name.index(f"proxy:{c}") for c in world.places.code]
    # populations 10,000, 10,000, 2,000, 2,000, 1,000 (25,000): 40.4, 40.4, 8.08, 8.08, 4.04
    assert world.teams.members[points].tolist() == [41, 40, 8, 8, 4]


def test_a_proxy_errand_waits_for_its_points_opening_hours_and_never_escalates(tmp_path):
    world = channels_world(tmp_path)
    friday = 4 * DAY
    log = simulate(
        world,
        1,
        orders(
            world,
            [
                (420.0, "A2", "papers"),  # Monday 07:00: the point opens at 09:00
                (465.0, "A2", "errand"),  # the village team takes errands from 08:00, not papers
                (friday + 1140.0, "B2", "papers"),  # Friday 19:00: waits over the weekend
            ],
        ),
    )
    o = log.orders
    assert names(world, log) == ["proxy:A2", "village:A2", "proxy:B2"]
    assert o.t_assigned.tolist() == [540.0, 480.0, 7 * DAY + 540.0]
    assert o.t_closed.tolist() == [540.0 + 2 + 60, 480.0 + 2 + 30, 7 * DAY + 540.0 + 2 + 60]
    assert o.tier_max.tolist() == [1, 1, 1]  # never handed up: the town has no proxy skill
    assert o.channel.tolist() == [
        CHANNELS.index("proxy"),
        CHANNELS.index("catalogue"),
        CHANNELS.index("proxy"),
    ]
    # due 3 days after placement, and never cancelled (the resident's patience never ends)
    assert o.t_deadline.tolist()[::2] == [420.0 + 3 * DAY, friday + 1140.0 + 3 * DAY]
    assert np.isnan(o.t_cancelled).all()


def test_proxy_on_time_counts_errands_closed_by_their_deadline(tmp_path):
    # a 1-day deadline: Monday's errand (placed 07:00, closed 10:02) is on time; Friday 19:00's
    # is served on Monday 09:00, two days late
    world = channels_world(tmp_path, proxy={"deadline_days": 1})
    friday = 4 * DAY
    log = simulate(world, 1, orders(world, [(420.0, "A2", "papers"), (friday + 1140.0, "B2", "papers")]))
    k = compute_kpis(log, world)
    assert k["proxy_on_time"] == 0.5
    assert np.isnan(k["mediation_on_time"])  # no disputes


def test_a_dispute_goes_to_its_villages_room_and_past_the_town_to_the_county_after_the_timeout(tmp_path):
    world = channels_world(tmp_path)
    tuesday = DAY
    log = simulate(
        world,
        1,
        orders(
            world,
            [
                (600.0, "B1", "dispute"),  # Monday 10:00: B1's room sits
                (600.0, "A1", "dispute"),  # A1 (a community) has no room: up at once, to the
                # justice sub-center in its town, the county seat (tier 2 under dispatch.scope widen)
                (1200.0, "B2", "dispute"),  # Monday 20:00: the room is closed; at 22:00 the
                # county is asked too, and the justice sub-center opens first (08:00)
                (tuesday + 450.0, "B1", "dispute"),  # Tuesday 07:30: B1's room opens at 09:00,
                # before its 2-hour timeout: it keeps the dispute
            ],
        ),
    )
    o = log.orders
    assert names(world, log) == ["mediation:B1", "subcenter:justice", "subcenter:justice", "mediation:B1"]
    assert o.t_assigned.tolist() == [600.0, 600.0, tuesday + 480.0, tuesday + 540.0]
    assert o.tier_max.tolist() == [1, 2, 3, 1]
    # B2's dispute leaves its room after the 2-hour timeout and passes the town at once
    assert o.t_tier2.tolist()[1:3] == [600.0, 1320.0]
    assert o.t_tier3.tolist()[2] == 1320.0
    assert o.t_deadline.tolist() == [
        600.0 + 2 * DAY,
        600.0 + 2 * DAY,
        1200.0 + 2 * DAY,
        tuesday + 450.0 + 2 * DAY,
    ]
    assert compute_kpis(log, world)["mediation_on_time"] == 1.0


def test_without_rooms_disputes_go_straight_to_the_county(tmp_path):
    world = channels_world(tmp_path, mediation={"members": 0})
    log = simulate(world, 1, orders(world, [(600.0, "B1", "dispute")]))
    assert names(world, log) == ["subcenter:justice"] and log.orders.tier_max.tolist() == [3]


def test_proxy_arrivals_follow_the_county_rate_by_population_on_their_own_stream(tmp_path):
    world = channels_world(tmp_path, proxy={"errands_per_day": 50.0})
    horizon = 10 * DAY
    a = proxy_channel.arrivals(world, Streams(np.random.SeedSequence(3)), horizon)
    assert np.all(np.diff(a.time) >= 0) and a.time.max() < horizon
    assert set(a.item.tolist()) == {[i.id for i in world.items].index("papers")}
    # 500 errands expected in 10 days (Poisson: sd about 22); by population 40/40/8/8/4%
    assert abs(len(a) - 500) < 4 * np.sqrt(500)
    share = np.bincount(a.place, minlength=5) / len(a)
    expected = world.places.population / world.places.population.sum()
    assert np.all(np.abs(share - expected) < 4 * np.sqrt(expected * (1 - expected) / len(a)))
    # the same seed gives the same errands, and a run with them keeps the catalogue's orders
    again = proxy_channel.arrivals(world, Streams(np.random.SeedSequence(3)), horizon)
    assert np.array_equal(a.time, again.time)
    log = simulate(world, 5)
    none = simulate(channels_world(tmp_path, proxy={"errands_per_day": 0.0}), 5)
    others = log.orders.channel != CHANNELS.index("proxy")
    assert np.array_equal(log.orders.t_placed[others], none.orders.t_placed)
    assert np.array_equal(log.orders.item[others], none.orders.item)
    assert (log.orders.channel == CHANNELS.index("proxy")).sum() > 0


def test_utilisation_and_credited_hours_are_the_practice_networks(tmp_path):
    # the same catalogue orders with and without proxy points: the network's busy and credited
    # minutes and its members are the same, so the two KPIs are too
    with_points = channels_world(tmp_path, proxy={"errands_per_day": 20.0})
    k = compute_kpis(simulate(with_points, 2), with_points)
    without = channels_world(tmp_path, proxy={"members": 0, "errands_per_day": 0.0}, mediation={"members": 0})
    k0 = compute_kpis(simulate(without, 2), without)
    assert k["served_proxy_point"] > 0 and k0["served_proxy_point"] == 0
    assert k["utilisation"] == pytest.approx(k0["utilisation"], rel=1e-12)
    assert k["credited_hours_per_volunteer_month"] == pytest.approx(
        k0["credited_hours_per_volunteer_month"], rel=1e-12
    )
