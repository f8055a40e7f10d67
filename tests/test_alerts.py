"""Dispatch as alerts (sim/model/alerts.py), proven on the five-place test county with exact
timelines: waves, ignored alerts, re-alerts (wrapping round several teams), escalation after
ignored waves, staff reach and the factor beyond it, day and night turnouts, handed-up orders,
and the reduction to dispatch without alerts.

Tiny county (tests/data/tiny.yaml): 1 minute per km, every team works 08:00-18:00 with 2 of its
10 members on duty, rural timeouts 30 then 60 minutes. A2 is a rural village 5 km from A1,
Alpha's seat (an urban community, where the town station and the county center are).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from sim.config import distributions
from sim.config.load import load_scenario
from sim.config.spec import Dist
from sim.model.replication import Replication, simulate
from sim.world.build import build_world
from tests.conftest import orders, variant

FIXED = {"kind": "fixed", "mean": 1}


def alerts_world(tmp_path, name="alerts", demand=None, **alerts):
    """The tiny county with ``dispatch.alerts`` (turnout 1 minute by day and night)."""
    settings = {"turnout_day": FIXED, "turnout_night": FIXED, **alerts}
    return build_world(variant(tmp_path, {"dispatch": {"alerts": settings}, **(demand or {})}, name))


def replay(world, rows, seed=1):
    """A replication of ``world`` replaying ``rows`` (time, place, item), not yet run."""
    return Replication(world, np.random.SeedSequence(seed), orders(world, rows))


def test_a_volunteer_who_accepts_takes_the_order_and_leaves_after_the_turnout(tmp_path):
    world = alerts_world(tmp_path, accept_probability=1, wave_size=1)
    rep = replay(world, [(540.0, "A2", "errand")])
    o = rep.run().orders
    # alerted at 09:00, accepts after the 2-minute acceptance delay, leaves 1 minute later
    assert world.teams.name[o.team[0]] == "village:A2"
    assert (o.t_assigned[0], o.t_accepted[0], o.t_arrived[0], o.t_closed[0]) == (542, 542, 543, 573)
    assert rep.alerts.waves[0] == 1 and o.t_alerted[0] == 540


def test_ignored_alerts_repeat_in_waves_and_escalate_then_a_volunteer_on_duty_takes_it(tmp_path):
    world = alerts_world(tmp_path, accept_probability=0, wave_size=1, wave_interval_min=7)
    rep = replay(world, [(540.0, "A2", "errand")])
    o = rep.run().orders
    # waves every 7 minutes: 5 at the village (540..568), its town from 570 (9: 570..626), the
    # county from 630 (65: 630..1078); at 18:00 nobody is on duty, and the first volunteer on
    # duty the next morning (08:00 = 1920) takes the waiting order after its acceptance delay
    assert rep.alerts.waves[0] == 5 + 9 + 65
    assert o.tier_max[0] == 3 and o.t_tier2[0] == 570 and o.t_alerted[0] == 540
    assert (o.t_assigned[0], o.t_accepted[0]) == (1920, 1922)


def first_accepting_wave(rep, order, waves, slots, p):
    """The first of ``waves`` (numbers) in which one of ``slots`` volunteers accepts, with the
    first accepting slot, by the replication's own draws; None if none."""
    for wave in waves:
        for slot in range(slots):
            if rep.alerts.draw(order, wave, slot, 0) < p:
                return wave, slot
    return None


def replay_accepted_first_in_wave(world, wave):
    """A replication of one errand placed at A2 at 09:00 (not yet run), its seed chosen so that
    ``wave`` is the first of its waves (one volunteer each, accepting with probability 0.5) in
    which the volunteer accepts."""
    for seed in range(1, 400):
        rep = replay(world, [(540.0, "A2", "errand")], seed)
        found = first_accepting_wave(rep, 0, range(1, 7), 1, 0.5)
        if found is not None and found[0] == wave:
            return rep
    pytest.fail(f"no seed where wave {wave} is the first accepted")


def test_a_wave_nobody_accepts_is_followed_by_the_next_volunteer_in_scope(tmp_path):
    # one volunteer per wave: the village's two on-duty volunteers alternate (re-alerts)
    world = alerts_world(tmp_path, accept_probability=0.5, wave_size=1, wave_interval_min=5)
    for seed in range(1, 200):
        rep = replay(world, [(540.0, "A2", "errand")], seed)
        found = first_accepting_wave(rep, 0, range(1, 7), 1, 0.5)
        if found is not None and found[0] >= 3:
            break
    else:
        pytest.fail("no seed where the first two waves are ignored")
    wave = found[0]
    o = rep.run().orders
    assert world.teams.name[o.team[0]] == "village:A2" and o.tier_max[0] == 1
    assert o.t_assigned[0] == 540 + 5 * (wave - 1) + 2  # the wave, then the acceptance delay
    assert rep.alerts.waves[0] == wave


def test_an_acceptance_at_the_minute_of_the_escalation_takes_the_order_in_its_tier(tmp_path):
    # waves every 7 minutes at the village: 540, 547, 554, 561, 568; an acceptance in the fifth
    # comes after the 2-minute delay at 570, the very minute of the rural timeout (30 minutes):
    # the order was accepted within its tier's timeout, so it is not escalated, though its
    # escalation timer (booked at 540) is the first event of that minute
    world = alerts_world(tmp_path, accept_probability=0.5, wave_size=1, wave_interval_min=7)
    rep = replay_accepted_first_in_wave(world, 5)
    o = rep.run().orders
    assert (o.t_assigned[0], o.t_accepted[0]) == (570, 570)
    assert o.tier_max[0] == 1 and np.isnan(o.t_tier2[0])
    assert world.teams.name[o.team[0]] == "village:A2" and rep.alerts.waves[0] == 5


def test_after_ignored_waves_the_order_escalates_and_alerts_the_town_nearest_first(tmp_path):
    # every wave alerts everyone in scope: the village's 2 volunteers, then from 570 (rural
    # timeout 30) the town's 8 (dispatch.scope widen: A2's 2, then A1's 2, the station's 2 and
    # the county center's 2, all 5 km away, by team id)
    world = alerts_world(tmp_path, accept_probability=0.2, wave_size=10, wave_interval_min=5)
    for seed in range(1, 400):
        rep = replay(world, [(540.0, "A2", "errand")], seed)
        if first_accepting_wave(rep, 0, range(1, 7), 2, 0.2) is None:  # 540..565 all ignored
            found = first_accepting_wave(rep, 0, range(7, 19), 8, 0.2)  # 570..625
            if found is not None:
                break
    else:
        pytest.fail("no seed where the village's six waves are ignored")
    wave, slot = found
    o = rep.run().orders
    assert o.tier_max[0] == 2 and o.t_tier2[0] == 570
    assert o.t_assigned[0] == 570 + 5 * (wave - 7) + 2
    scope = ["village:A2"] * 2 + ["village:A1"] * 2 + ["town:Alpha"] * 2 + ["county:center"] * 2
    assert world.teams.name[o.team[0]] == scope[slot]


@pytest.mark.parametrize("keep_lower", [True, False])
def test_a_volunteer_who_has_decided_to_accept_keeps_the_order_when_it_escalates(tmp_path, keep_lower):
    # A2's volunteer is alerted at 540 and accepts 35 minutes later, at 575; the rural timeout
    # (30 minutes) sends the order to its town at 570 first. The alert is still on their phone
    # and, with dispatch.keep_lower_scope, the village still in scope: they take the order at
    # 575, not after the town's new wave (alerted at 570, accepting at 605). An order that
    # leaves its village (keep_lower_scope: false) is barred to them: their acceptance lapses,
    # and the town's nearest volunteer, alerted at 570, takes it at 605
    settings = {
        "dispatch": {
            "keep_lower_scope": keep_lower,
            "alerts": {"accept_probability": 1, "wave_size": 1, "turnout_day": FIXED, "turnout_night": FIXED},
        },
        "demand": {"acceptance_delay": {"kind": "fixed", "mean": 35}},
    }
    world = build_world(variant(tmp_path, settings))
    o = replay(world, [(540.0, "A2", "errand")]).run().orders
    assert o.t_tier2[0] == 570
    if keep_lower:
        assert world.teams.name[o.team[0]] == "village:A2" and o.t_accepted[0] == 575
    else:
        assert world.teams.name[o.team[0]] != "village:A2" and o.t_accepted[0] == 605


def test_under_handover_a_station_volunteer_who_has_decided_to_accept_keeps_the_order_at_the_county(tmp_path):
    # handover scope with keep_lower_scope: A2 has no village volunteers, so the order starts at
    # its town's station (tier 2) at 540, whose volunteer accepts 65 minutes later, at 605; the
    # station's 60-minute timeout sends it to the county at 600 first, where the station is
    # still in scope: its volunteer takes it at 605, not after the county's new wave (665)
    settings = {
        "dispatch": {
            "scope": "handover",
            "keep_lower_scope": True,
            "alerts": {"accept_probability": 1, "wave_size": 1, "turnout_day": FIXED, "turnout_night": FIXED},
        },
        "demand": {"acceptance_delay": {"kind": "fixed", "mean": 65}},
        "teams": {"village_members_village": 0},
    }
    world = build_world(variant(tmp_path, settings))
    o = replay(world, [(540.0, "A2", "errand")]).run().orders
    assert o.t_tier2[0] == 540 and o.tier_max[0] == 3
    assert world.teams.name[o.team[0]] == "town:Alpha" and o.t_accepted[0] == 605


def test_accepters_whose_team_was_taken_meanwhile_give_way_to_the_next_wave(tmp_path):
    # A2's two volunteers are alerted at 540 and both accept, 1 to 5 minutes later; at 541 an
    # absence takes both of them (until 600), so neither acceptance counts; the next wave (545)
    # finds nobody free in the village, and at the rural timeout (570) the town's wave alerts
    # A1's two volunteers and the station's two: the earliest of their acceptances takes it
    delay = {"kind": "uniform", "low": 1, "high": 5}
    world = alerts_world(
        tmp_path, accept_probability=1, wave_size=10, demand={"demand": {"acceptance_delay": delay}}
    )
    rep = replay(world, [(540.0, "A2", "errand")])
    a2 = world.teams.name.index("village:A2")

    def absence(rep):
        yield rep.env.timeout(541)
        rep.take_volunteers(a2, 2)
        yield rep.env.timeout(59)
        rep.return_volunteers(a2, 2)

    rep.add_process(absence)
    first = [
        distributions.quantile(Dist(**delay), np.array([rep.alerts.draw(0, 1, s, 1)]))[0] for s in (0, 1)
    ]
    assert min(first) > 1.0  # (both would accept after 541)
    town = [
        distributions.quantile(Dist(**delay), np.array([rep.alerts.draw(0, 2, s, 1)]))[0] for s in range(4)
    ]
    o = rep.run().orders
    assert rep.alerts.waves[0] == 2 and o.tier_max[0] == 2
    assert o.t_assigned[0] == pytest.approx(570 + min(town))
    scope = ["village:A1"] * 2 + ["town:Alpha"] * 2
    assert world.teams.name[o.team[0]] == scope[int(np.argmin(town))]


def test_station_staff_beyond_their_reach_do_not_accept(tmp_path):
    # a repair (no village has the skill) at A2 goes to the town at once: the station's staff,
    # 5 minutes away, accept within a 10-minute reach and never with a 3-minute one (nor the
    # county center's, at the same seat): the order waits until a volunteer comes on duty the
    # next morning (08:00 = 1920) and takes it from the platform's list
    near = alerts_world(tmp_path, "near", accept_probability=1, staff_reach_min=10, beyond_reach_factor=0)
    far = alerts_world(tmp_path, "far", accept_probability=1, staff_reach_min=3, beyond_reach_factor=0)
    o = replay(near, [(540.0, "A2", "repair")]).run().orders
    assert near.teams.name[o.team[0]] == "town:Alpha" and o.t_assigned[0] == 542
    o = replay(far, [(540.0, "A2", "repair")]).run().orders
    assert o.tier_max[0] == 3 and o.t_assigned[0] == 1920 and o.t_alerted[0] == 540


# 1 order per 1,000 a day: most are taken at once; 4: many wait for a volunteer to come free
@pytest.mark.parametrize("load, setoff", [(1.0, 0.0), (4.0, 0.0), (4.0, 3.0)])
def test_accept_probability_one_and_zero_delays_reduce_to_dispatch_without_alerts(tmp_path, load, setoff):
    # the turnout replaces the set-off time: equal to it, the volunteers arrive as before
    zero, turnout = {"kind": "fixed", "mean": 0}, {"kind": "fixed", "mean": setoff}
    demand = {
        "demand": {"orders_per_1000_per_day": load, "acceptance_delay": zero},
        "geography": {"travel": {"setup_min": setoff}},
    }
    plain = build_world(variant(tmp_path, demand, "plain"))
    alerts = {
        "accept_probability": 1,
        "beyond_reach_factor": 1,  # (staff far away accept too)
        "wave_size": 1000,
        "turnout_day": turnout,
        "turnout_night": turnout,
    }
    alerting = build_world(variant(tmp_path, {**demand, "dispatch": {"alerts": alerts}}, "alerting"))
    a, b = simulate(plain, 5).orders, simulate(alerting, 5).orders
    assert len(a) > 30
    for name, column in a.columns().items():
        if name != "t_alerted":  # (only orders dispatched by alerts have one)
            assert np.array_equal(column, b.columns()[name], equal_nan=True), name
    assert np.isnan(a.t_alerted).all() and (~np.isnan(b.t_alerted)).sum() > len(b) / 4
    assert (a.t_assigned > a.t_placed).sum() > len(a) / 10  # (queues are exercised too)


def test_staffing_multipliers_scale_village_and_station_members(tmp_path):
    base = build_world(variant(tmp_path, {}, "base"))
    half = build_world(variant(tmp_path, {"teams": {"village_scale": 0.5, "station_scale": 2}}, "half"))
    level = list(base.teams.level)
    for k, name in enumerate(base.teams.name):
        if name.startswith("village:"):
            assert half.teams.members[k] == round(0.5 * base.teams.members[k])
        elif name.startswith("town:"):
            assert half.teams.members[k] == 2 * base.teams.members[k]
        else:
            assert half.teams.members[k] == base.teams.members[k], (name, level[k])


def test_the_mmc_validation_queue_is_unchanged_by_alerts_that_reduce(tmp_path):
    # the M/M/c queue of the validation suite (tests/validation): the same order log with alerts
    # at probability 1, one wave for everyone and no delays, so its Erlang checks hold as they are
    mmc = Path(__file__).parent / "validation" / "data" / "mmc.yaml"
    zero = {"kind": "fixed", "mean": 0}
    reduce = {"accept_probability": 1, "wave_size": 1000, "turnout_day": zero, "turnout_night": zero}
    plain = build_world(load_scenario(mmc, overrides={"run.days": 10}))
    alerting = build_world(load_scenario(mmc, overrides={"run.days": 10, "dispatch.alerts": reduce}))
    a, b = simulate(plain, 1).orders, simulate(alerting, 1).orders
    assert (a.t_assigned > a.t_placed).sum() > 50  # orders queue
    for name, column in a.columns().items():
        if name != "t_alerted":
            assert np.array_equal(column, b.columns()[name], equal_nan=True), name


# every team on duty round the clock (2 of its 10 members, as by day in the tiny county)
ROUND_THE_CLOCK = {"schedules": {"day": {"weekday": [0.2] * 24, "weekend": [0.2] * 24}}}


def test_the_night_turnout_applies_from_22_00_to_07_00_by_the_acceptance_time(tmp_path):
    # alerts.py: an acceptance at minute-of-day m leaves after turnout_night when m >= 22:00 or
    # m < 07:00, else after turnout_day (3 minutes by day, 11 by night here). A repair at A2 goes
    # to Alpha's station (5 km) at once; its volunteer accepts 2 minutes after the alert, leaves
    # after the turnout (the departure) and arrives after the drive
    world = alerts_world(
        tmp_path,
        demand=ROUND_THE_CLOCK,
        accept_probability=1,
        beyond_reach_factor=1,
        wave_size=10,
        turnout_day={"kind": "fixed", "mean": 3},
        turnout_night={"kind": "fixed", "mean": 11},
    )
    # placed 21:57 (accepted 21:59, day), 21:58 (accepted 22:00, night: placed by day, accepted
    # by night), next morning 06:57 (accepted 06:59, night) and 06:58 (accepted 07:00, day)
    placed = [1317.0, 1318.0, 1440 + 417.0, 1440 + 418.0]
    turnout = [3, 11, 11, 3]
    rep = replay(world, [(t, "A2", "repair") for t in placed])
    o = rep.run().orders
    station = world.teams.name.index("town:Alpha")
    drive = rep.lifecycle.trip(world.teams.home[station], world.places.index("A2"))
    assert drive == pytest.approx(5.0, abs=0.05)
    for k, t in enumerate(placed):
        assert world.teams.name[o.team[k]] == "town:Alpha" and o.tier_max[k] == 2
        assert o.t_assigned[k] == o.t_accepted[k] == t + 2
        departure = o.t_accepted[k] + turnout[k]
        assert o.t_arrived[k] == departure + drive, k


UNIFORM_DELAY = {"kind": "uniform", "low": 1, "high": 5}


def acceptance_delays(rep, wave, slots):
    """The acceptance delays (minutes) the replication draws for order 0's ``wave``-th wave,
    slot by slot (with ``UNIFORM_DELAY``)."""
    u = np.array([rep.alerts.draw(0, wave, s, 1) for s in range(slots)])
    return distributions.quantile(Dist(**UNIFORM_DELAY), u)


def handed_up_world(tmp_path, name, extra=None):
    """The tiny county with errands handed up (share 1) and alerts every volunteer in scope
    accepts, each after a delay drawn from ``UNIFORM_DELAY``."""
    overrides = {
        **(extra or {}),
        "demand": {"acceptance_delay": UNIFORM_DELAY},
        "dispatch": {
            "hand_up": {"share": 1.0, "items": ["errand"]},
            "alerts": {
                "accept_probability": 1,
                "beyond_reach_factor": 1,
                "wave_size": 1000,
                "turnout_day": FIXED,
                "turnout_night": FIXED,
            },
        },
    }
    return build_world(variant(tmp_path, overrides, name))


def seed_where_slot_wins(world, slots, lo, hi):
    """A replication of ``world`` replaying one errand at A2 at 09:00 whose first wave's
    earliest acceptance, over ``slots`` places, is at a place in [lo, hi]: where A2's two
    volunteers would stand if the declining team were alerted."""
    for seed in range(1, 200):
        rep = replay(world, [(540.0, "A2", "errand")], seed)
        if lo <= int(np.argmin(acceptance_delays(rep, 1, slots))) <= hi:
            return rep
    pytest.fail("no seed where the declining team's places would accept first")


def test_a_handed_up_order_never_alerts_the_declining_team_in_its_town(tmp_path):
    # A2 declines its errand at 09:00: it goes to Alpha's tier at once, whose wave alerts A1's
    # two volunteers, then the station's two (both 5 km away); A2's two (0 km) would follow A1's
    # (places 2 and 3 of the wave) were the declining team alerted. The seed makes those places
    # the earliest acceptances: the station's volunteer there takes it, never A2's team
    world = handed_up_world(tmp_path, "town")
    rep = seed_where_slot_wins(world, 6, 2, 3)
    delays = acceptance_delays(rep, 1, 4)
    o = rep.run().orders
    scope = ["village:A1"] * 2 + ["town:Alpha"] * 2
    assert o.t_handed_up[0] == o.t_tier2[0] == 540 and o.tier_max[0] == 2
    assert world.teams.name[o.team[0]] == scope[int(np.argmin(delays))] == "town:Alpha"
    assert o.t_assigned[0] == pytest.approx(540 + delays.min())


def test_a_handed_up_order_never_alerts_the_declining_team_at_the_county_tier(tmp_path):
    # Alpha's only volunteers are A2's (the declining team): Alpha's tier offers the order
    # nothing, so it goes on to the county tier at once (09:00), whose first wave alerts B1's
    # two volunteers (5 km), then B2's (15 km) and farther ones; A2's two (0 km) would follow
    # B1's. The seed makes places 2 and 3 the earliest acceptances: B2 takes it
    extra = {
        "teams": {
            "village_members_community": 0,
            "town": {"members": 0, "skills": ["errand", "repair"], "schedule": "day"},
            "county": {"name": "center", "count": 1, "members": 0, "skills": ["errand"], "schedule": "day"},
        },
    }
    world = handed_up_world(tmp_path, "county", extra)
    rep = seed_where_slot_wins(world, 8, 2, 3)
    delays = acceptance_delays(rep, 1, 4)
    o = rep.run().orders
    assert o.t_handed_up[0] == o.t_tier2[0] == o.t_tier3[0] == 540 and o.tier_max[0] == 3
    assert rep.alerts.waves[0] == 1 and o.t_alerted[0] == 540  # (none at Alpha's tier)
    scope = ["village:B1"] * 2 + ["village:B2"] * 2
    assert world.teams.name[o.team[0]] == scope[int(np.argmin(delays))] == "village:B2"
    assert o.t_assigned[0] == pytest.approx(540 + delays.min())


def first_wave_below(rep, p, waves):
    """The first of ``waves`` (numbers) whose single alerted volunteer accepts at probability
    ``p`` by order 0's own draws; None if none."""
    return next((w for w in waves if rep.alerts.draw(0, w, 0, 0) < p), None)


def test_station_staff_beyond_their_reach_accept_at_the_factor_times_the_probability(tmp_path):
    # a repair at A2 goes to Alpha's tier at once: its scope (dispatch.scope widen: every team of
    # the town) is the station's two volunteers and the county center's two, all staff 5 minutes
    # away; one volunteer a wave, every 5 minutes (12 waves until the county tier at 10:00): the
    # station's (the nearest team alone fills the first two waves), then the list's places 2, 3,
    # 0, 1, ... (the center's, the station's, ...). With a 3-minute reach the staff are beyond
    # it and accept at 0.2 x 0.5 = 0.1; within a 10-minute reach at 0.5. The seed has an earlier
    # wave whose draw lies in [0.1, 0.2): accepting at the factor alone (0.2) or at the full
    # probability would take the order sooner
    settings = {"accept_probability": 0.5, "wave_size": 1, "wave_interval_min": 5, "beyond_reach_factor": 0.2}
    far = alerts_world(tmp_path, "far", staff_reach_min=3, **settings)
    near = alerts_world(tmp_path, "near", staff_reach_min=10, **settings)
    waves = range(1, 13)
    for seed in range(1, 400):
        rep = replay(far, [(540.0, "A2", "repair")], seed)
        wave = first_wave_below(rep, 0.1, waves)
        if wave is not None and first_wave_below(rep, 0.2, waves) < wave:
            break
    else:
        pytest.fail("no seed where the far staff accept at the county's tier-2 waves")
    staff = ["town:Alpha"] * 2 + ["county:center"] * 2
    o = rep.run().orders
    assert far.teams.name[o.team[0]] == staff[(wave - 1) % 4] and o.tier_max[0] == 2
    assert o.t_assigned[0] == 540 + 5 * (wave - 1) + 2 and rep.alerts.waves[0] == wave
    rep = replay(near, [(540.0, "A2", "repair")], seed)
    wave = first_wave_below(rep, 0.5, waves)
    o = rep.run().orders
    assert near.teams.name[o.team[0]] == staff[(wave - 1) % 4]
    assert o.t_assigned[0] == 540 + 5 * (wave - 1) + 2 and rep.alerts.waves[0] == wave


def test_re_alerts_wrap_round_the_nearest_first_list_of_several_teams(tmp_path):
    # an errand at A2 at 09:00, waves of 4 every 13 minutes, accept probability 0.1 and a fixed
    # 2-minute acceptance delay (the nearest acceptor of a wave takes it). The county center has
    # no members: Alpha's tier holds A2's two volunteers (0 km), A1's two and the station's two
    # (5 km, by team id). At the village (540, 553, 566) the waves alert A2's two; from the rural
    # timeout (570: 570, 583, 596, 609, 622) the town's waves walk the six-place list 4 at a
    # time (4 does not divide 6) and wrap round to the nearest again, within a wave too:
    # [A2 A2 A1 A1] [T T | A2 A2] [A1 A1 T T] [A2 A2 A1 A1] [T T | A2 A2]
    no_center = {"teams": {"county": {"name": "center", "count": 1, "members": 0, "skills": ["errand"]}}}
    world = alerts_world(
        tmp_path, demand=no_center, accept_probability=0.1, wave_size=4, wave_interval_min=13
    )
    a2, a1, t = "village:A2", "village:A1", "town:Alpha"
    assert world.teams.name.index(a1) < world.teams.name.index(t)
    village = [[a2, a2]] * 3
    town = [[a2, a2, a1, a1], [t, t, a2, a2], [a1, a1, t, t], [a2, a2, a1, a1], [t, t, a2, a2]]
    times = [540, 553, 566, 570, 583, 596, 609, 622]
    seen = set()
    for seed in range(1, 300):
        rep = replay(world, [(540.0, "A2", "errand")], seed)
        accepted = [
            (wave, slot)
            for wave, alerted in enumerate(village + town, start=1)
            for slot in range(len(alerted))
            if rep.alerts.draw(0, wave, slot, 0) < 0.1
        ]
        if not accepted:
            continue  # (nobody accepts before the county tier)
        wave, slot = accepted[0]
        o = rep.run().orders
        assert rep.alerts.waves[0] == wave, seed
        assert o.t_assigned[0] == times[wave - 1] + 2, seed
        assert world.teams.name[o.team[0]] == (village + town)[wave - 1][slot], seed
        seen.add((wave, slot))
    # the seeds cover the waves that wrap round (the town's 2nd-5th, waves 5-8), the 2nd's
    # wrapped places (A2's volunteers after the station's) among them
    assert {wave for wave, _ in seen} >= {5, 6, 7, 8} and {(5, 2), (5, 3)} & seen


def test_the_turnout_replaces_the_set_off_on_the_way_to_the_ferry_too(tmp_path):
    # set-off 3 minutes, turnout 1: as on land, a volunteer leaves 1 minute after accepting and
    # reaches the pier after the drive alone. An island errand at I1 whose own teams are away
    # climbs to the county tier at 07:55.5 (tier timeouts 30 and 60); A1's team (at the port)
    # accepts at 07:57.5 and is on the pier at 07:58.5, in time for the 08:00 sailing (at
    # 08:00.5, were the set-off counted on top of the turnout, the next is a day later)
    world = build_world(
        variant(
            tmp_path,
            {
                **ROUND_THE_CLOCK,
                "geography": {"travel": {"setup_min": 3}},
                "dispatch": {
                    "alerts": {
                        "accept_probability": 1,
                        "wave_size": 1000,
                        "turnout_day": FIXED,
                        "turnout_night": FIXED,
                    }
                },
            },
        )
    )
    rep = replay(world, [(385.5, "I1", "errand")])
    names = world.teams.name

    def away(rep, team):
        rep.take_volunteers(team, 100)
        yield rep.env.timeout(0)

    for name in ("village:I1", "town:Isle"):
        rep.add_process(away, names.index(name))
    o = rep.run().orders
    home, island = int(world.teams.home[o.team[0]]), world.places.index("I1")
    assert names[o.team[0]] == "village:A1" and o.t_accepted[0] == 477.5
    assert world.travel.ferry_legs(home, island) == (3.0, 3.0)  # (the set-off alone: A1 is the port)
    assert o.t_arrived[0] == 480.0 + 60.0 + 3.0
