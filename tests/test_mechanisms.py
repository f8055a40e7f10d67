"""Each mechanism of the model, proven on the five-place test county with exact timelines.

Tiny county (tests/data/tiny.yaml): travel is 1 minute per km with no set-off time; acceptance
takes 2 minutes; an errand takes 30 minutes on site; every team works 08:00-18:00 with 2 members
on duty; day 0 is a Monday. A2 is a rural village 5 km from A1 (Alpha's seat, an urban community).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from scipy import stats

from sim.config.channels import CHANNELS
from sim.model.replication import Replication, simulate
from sim.results.kpis import compute_kpis
from sim.results.logs import CANCELLED, CLOSED, OPEN
from sim.world.build import build_world
from tests.conftest import DAY, orders, variant

# Only Alpha has volunteers: village teams get 1 member per 1,000 residents (A1, A2: 10 -> 2 on
# duty; B1, B2: 2 and I1: 1 -> nobody on duty, as their 0.4 and 0.2 expected counts are rounded,
# not drawn) and town stations 0.5 per 1,000 (Alpha: 10).
ONLY_ALPHA = {
    "teams": {
        "duty_counts": "rounded",
        "village_members_community": 0,
        "village_members_village": 0,
        "village_members_per_1000": 1.0,
        "town": {"members": 0, "members_per_1000": 0.5},
    }
}


def run(world, rows, seed=1):
    return simulate(world, seed, orders(world, rows)).orders


def test_village_order_timeline(tiny):
    o = run(tiny, [(540.0, "A2", "errand")])
    assert tiny.teams.name[o.team[0]] == "village:A2"
    assert (o.t_assigned[0], o.t_accepted[0], o.t_arrived[0], o.t_closed[0]) == (540, 542, 542, 572)
    assert o.tier_max[0] == 1 and o.outcome[0] == CLOSED


def test_skill_absent_from_village_escalates_at_once(tiny):
    o = run(tiny, [(540.0, "A2", "repair")])
    assert o.tier_max[0] == 2
    assert tiny.teams.name[o.team[0]] == "town:Alpha"
    assert o.t_assigned[0] == 540 and o.t_arrived[0] == pytest.approx(542 + 5, abs=0.05)


def test_village_with_nobody_on_duty_escalates_after_timeout(tmp_path):
    night = [1.0] * 8 + [0.0] * 16  # village teams work only at night
    scenario = variant(
        tmp_path,
        {
            "schedules": {"night": {"weekday": night, "weekend": night}},
            "teams": {"village_schedule": "night"},
        },
    )
    world = build_world(scenario)
    o = run(world, [(540.0, "B1", "errand")])  # rural: 30 minutes at tier 1
    assert o.tier_max[0] == 2 and o.t_assigned[0] == 570
    assert world.teams.name[o.team[0]] == "town:Beta"


def test_every_village_order_escalates_after_timeout_under_random_demand(tmp_path):
    night = [1.0] * 8 + [0.0] * 16
    scenario = variant(
        tmp_path,
        {
            "schedules": {"night": {"weekday": night, "weekend": night}},
            "teams": {"village_schedule": "night", "community_schedule": "night"},
            "demand": {"orders_per_1000_per_day": 3.0, "hour_of_day": [0] * 9 + [1] * 8 + [0] * 7},
        },
    )
    world = build_world(scenario)
    o = simulate(world, 3).orders
    errand = [i.id for i in world.items].index("errand")  # a skill villages have
    catalogue = (o.item == errand) & ~np.isnan(o.t_assigned)
    assert catalogue.sum() > 50
    timeout = world.channel_timeouts[CHANNELS.index("catalogue"), o.zone[catalogue], 0]
    assert np.all(o.t_assigned[catalogue] - o.t_placed[catalogue] >= timeout - 1e-9)
    assert np.all(o.tier_max[catalogue] >= 2)


def test_nearest_suitable_volunteer_first(tmp_path):
    world = build_world(variant(tmp_path, ONLY_ALPHA))
    # B2 has nobody, nor has Beta: straight to the county; A2 (15 km) beats A1 (20 km)
    o = run(world, [(540.0, "B2", "errand")])
    assert o.tier_max[0] == 3
    assert world.teams.name[o.team[0]] == "village:A2"
    assert o.t_arrived[0] == pytest.approx(542 + 15, abs=0.05)


def test_ferry_timetable(tmp_path):
    world = build_world(variant(tmp_path, ONLY_ALPHA))
    # I1 on the island has nobody on duty; A1 (the port) takes it, boards the 08:00 ferry the next
    # day and crosses in 60 minutes
    o = run(world, [(540.0, "I1", "errand")])
    assert world.teams.name[o.team[0]] == "village:A1"
    assert o.t_arrived[0] == pytest.approx(DAY + 480 + 60)


def test_shift_end_finishes_task_in_hand_then_no_one_until_morning(tiny):
    o = run(tiny, [(1070.0, "A2", "errand"), (1090.0, "A2", "errand")])
    assert o.t_closed[0] == 1102 and o.outcome[0] == CLOSED  # past 18:00
    assert o.t_assigned[1] == DAY + 480  # nobody on duty from 18:00 to 08:00


def test_night_order_waits_for_morning_and_counts_open_overnight(tmp_path):
    scenario = variant(tmp_path, {"targets": {"same_day_cutoff": "23:00"}})
    world = build_world(scenario)
    log = simulate(world, 1, orders(world, [(1200.0, "A2", "errand")]))
    o = log.orders
    assert o.t_assigned[0] == DAY + 480
    assert o.t_deadline[0] == DAY  # placed before the cut-off: due by midnight
    k = compute_kpis(log, world)
    assert k["open_overnight_per_week"] == pytest.approx(1 / 2 * 7)  # one order in two days
    assert k["rural_same_day"] == 0.0


def test_late_order_is_due_the_next_day(tiny):
    log = simulate(tiny, 1, orders(tiny, [(1200.0, "A2", "errand")]))  # 20:00, after 17:00
    assert log.orders.t_deadline[0] == 2 * DAY
    assert compute_kpis(log, tiny)["rural_same_day"] == 1.0


def test_professional_order_on_saturday_waits_for_monday_office(tmp_path):
    admin = {"after_hours": "next_morning", "patience": None}  # (no cancellation in the tiny county)
    scenario = variant(tmp_path, {"run": {"days": 8}, "admin": admin})
    world = build_world(scenario)
    saturday_10am = 5 * DAY + 600
    o = run(world, [(saturday_10am, "A1", "legal")])
    monday_0830 = 7 * DAY + 510
    assert o.t_review_start[0] == monday_0830
    # a 20-minute review, then the county tier's professional team takes it at once
    assert o.t_review_end[0] == o.t_tier3[0] == monday_0830 + 20 and o.tier_max[0] == 3
    assert o.t_assigned[0] == monday_0830 + 20
    assert world.teams.name[o.team[0]] == "professional:legal"


def test_citizen_cancels_after_patience(tmp_path):
    scenario = variant(tmp_path, {"demand": {"patience": {"rural": {"kind": "fixed", "mean": 60}}}})
    world = build_world(scenario)
    o = run(world, [(1200.0, "B1", "errand")])
    assert o.outcome[0] == CANCELLED and o.t_cancelled[0] == 1260
    assert np.isnan(o.t_assigned[0])


def test_paired_unit_serves_its_village_at_tier_one(tmp_path):
    pairs = tmp_path / "pairs.csv"
    pairs.write_text("village_code,unit_kind,unit_name,home_code\nB2,firm,firm-1,A1\n", encoding="utf-8")
    scenario = variant(
        tmp_path,
        {
            **ONLY_ALPHA,
            "pairing": {
                "strategy": "listed",
                "file": str(pairs),
                "kinds": {"firm": {"members": 10, "skills": ["errand"], "schedule": "day"}},
            },
        },
    )
    world = build_world(scenario)
    o = run(world, [(540.0, "B2", "errand")])
    assert o.tier_max[0] == 1
    assert world.teams.name[o.team[0]] == "paired:firm-1"


def test_volunteer_is_busy_until_back_home(tmp_path):
    # A2's two volunteers take two orders at A1 (5 km away); a third order waits for one of them
    # to come back (released at 540 + 2 + 5 + 30 + 5 = 582), unless it escalates first.
    scenario = variant(tmp_path, {"dispatch": {"timeouts_min": {"rural": [1000, 1000]}}})
    world = build_world(scenario)
    o = run(world, [(540.0, "A2", "errand"), (540.0, "A2", "errand"), (541.0, "A2", "errand")])
    assert o.t_assigned[2] == 572  # the first is back at 540 + 2 + 0 + 30 = 572 (same place)
    assert o.t_released[0] == 572


def test_activities_take_volunteers_out_of_the_order_pool(tmp_path):
    base = {"demand": {"orders_per_1000_per_day": 2.0}, "run": {"days": 4}}
    busy = {
        **base,
        "activities": {
            "per_month": 30 * 40,
            "levels": ["village"],
            "participants": {"kind": "fixed", "mean": 10},
            "duration": {"kind": "fixed", "mean": 240},
            "start_hours": [8, 10, 12, 14],
        },
    }
    without = build_world(variant(tmp_path, base, "without"))
    with_act = build_world(variant(tmp_path, busy, "with"))
    k0 = compute_kpis(simulate(without, 5), without)
    log = simulate(with_act, 5)
    k1 = compute_kpis(log, with_act)
    assert log.activities.pulled.sum() > 0
    assert k1["served_village"] < k0["served_village"]  # same orders (common random numbers)


def test_timestamps_ordered_and_one_outcome_per_order(tmp_path):
    scenario = variant(
        tmp_path,
        {
            "demand": {
                "orders_per_1000_per_day": 4.0,
                "patience": {
                    "urban": {"kind": "exponential", "mean": 30},
                    "rural": {"kind": "exponential", "mean": 120},
                },
            },
            "run": {"days": 3},
        },
    )
    world = build_world(scenario)
    o = simulate(world, 11).orders
    assert len(o) > 100
    times = [o.t_placed, o.t_assigned, o.t_accepted, o.t_arrived, o.t_closed, o.t_released]
    for early, late in zip(times, times[1:]):
        both = ~np.isnan(early) & ~np.isnan(late)
        assert np.all(early[both] <= late[both])
    assert set(np.unique(o.outcome)) <= {CLOSED, CANCELLED, OPEN}
    assert np.all(np.isnan(o.t_cancelled[o.outcome != CANCELLED]))
    assert np.all(np.isnan(o.t_assigned[o.outcome == CANCELLED]))
    assert (o.outcome == CANCELLED).sum() > 0 and (o.outcome == CLOSED).sum() > 0


def test_arrivals_follow_the_hourly_profile(tmp_path):
    profile = [0.0] * 6 + [1.0] * 12 + [0.0] * 6  # orders only 06:00-18:00
    scenario = variant(
        tmp_path, {"demand": {"hour_of_day": profile, "orders_per_1000_per_day": 2.0}, "run": {"days": 20}}
    )
    world = build_world(scenario)
    o = simulate(world, 2).orders
    hour = (o.t_placed % DAY) // 60
    assert np.all((hour >= 6) & (hour < 18))
    expected = world.places.population.sum() / 1000 * 2.0 * 21  # 20 days + 1 drain day
    low, high = stats.poisson.interval(0.999, expected)
    assert low <= len(o) <= high


def test_show_up_probability_thins_the_schedule(tmp_path):
    from sim.model.rng import Streams
    from sim.model.roster import on_duty_by_hour

    world = build_world(variant(tmp_path, {"teams": {"show_up": 0.5, "village_members_village": 40}}))
    on = on_duty_by_hour(world.teams, 24 * 200, 0, 0.5, Streams(np.random.SeedSequence(1)))
    team = world.teams.name.index("village:A2")  # 40 members x 0.2 = 8 scheduled 08-18
    at_nine = on[team, 9::24]
    n = len(at_nine)
    low, high = stats.norm.interval(0.999, 8 * 0.5, np.sqrt(8 * 0.25 / n))
    assert low <= at_nine.mean() <= high
    assert at_nine.std() > 0


@pytest.mark.parametrize("team_block", [1 << 16, 5, 1])
def test_duty_changes_are_the_on_duty_matrix_as_changes(tmp_path, monkeypatch, team_block):
    # the model runs on changes; they must give back the very matrix, hour by hour, and its sums
    # by level and town (the state log) must be the matrix's; team ids are kept as offsets
    # within blocks of teams (65,536 a block: a province's 182,200 teams span three), here
    # also in blocks of 5 teams and of 1
    from sim.model import roster
    from sim.model.rng import Streams
    from sim.model.roster import duty_changes, on_duty_by_hour

    monkeypatch.setattr(roster, "TEAM_BLOCK", team_block)

    world = build_world(variant(tmp_path, {"teams": {"show_up": 0.7, "village_members_village": 40}}))
    hours = 24 * 9
    matrix = on_duty_by_hour(world.teams, hours, 2, 0.7, Streams(np.random.SeedSequence(3)))
    changes = duty_changes(world.teams, hours, 2, 0.7, Streams(np.random.SeedSequence(3)))
    assert changes.blocks == -(-len(world.teams) // team_block)
    rebuilt = np.zeros(len(world.teams), dtype=np.int64)
    changing = np.flatnonzero((np.diff(matrix, axis=1, prepend=0) != 0).any(axis=0)).tolist()
    assert changes.hours_with_changes(hours) == changing  # the roster process wakes then only
    assert 0 < len(changing) < hours
    for hour in range(hours):
        teams, values = changes.at(hour)
        assert teams == sorted(teams)
        previous = rebuilt.copy()
        rebuilt[teams] = values
        assert np.array_equal(rebuilt, matrix[:, hour])
        assert sorted(teams) == np.flatnonzero(matrix[:, hour] != previous).tolist()
    for group in (world.teams.level, world.teams.town):
        groups = int(group.max()) + 1
        expected = np.zeros((groups, hours), dtype=np.int64)
        np.add.at(expected, group, matrix.astype(np.int64))
        assert np.array_equal(changes.sums(group, groups), expected)


def _on_duty_team_by_team(teams, hours, start_weekday, show_up, streams):
    """The on-duty matrix the plain way, one team and one hour at a time (the reference)."""
    out = np.zeros((len(teams), hours), dtype=np.int64)
    for i in range(len(teams)):
        start, end = teams.active_hours[i]
        row = [
            int(teams.scheduled[i][(h + start_weekday * 24) % 168]) if start <= h < end else 0
            for h in range(hours)
        ]
        if show_up >= 1.0 or not any(row):
            out[i] = row
            continue
        starts = [h for h in range(hours) if h == 0 or row[h] != row[h - 1] or h % 24 == 0]
        draws = streams.stream(f"availability/{teams.name[i]}").binomial([row[h] for h in starts], show_up)
        for h, shown in zip(starts, draws):
            out[i, h:] = shown  # until the next start overwrites it
    return out


@pytest.mark.parametrize("cells, chunk", [(1, 1), (24 * 9 - 1, 7), (3000, 4096), (10**6, 10**6)])
@pytest.mark.parametrize("show_up", [0.7, 1.0])
def test_on_duty_blocks_of_teams_are_the_team_by_team_draws(tmp_path, monkeypatch, cells, chunk, show_up):
    # teams are computed a block at a time (one team, several, all of them) and their changes
    # placed hour by hour a chunk at a time: the counts and their changes must be the
    # team-by-team draws from each team's own stream, call-ups (on duty only inside their
    # event's window) included
    from sim.model import roster
    from sim.model.rng import Streams

    monkeypatch.setattr(roster, "BLOCK_CELLS", cells)
    monkeypatch.setattr(roster, "PLACE_CHUNK", chunk)
    world = build_world(
        variant(
            tmp_path,
            {
                "schedules": {"allday": {"weekday": [0.3] * 24, "weekend": [0.2] * 24}},
                "teams": {
                    "show_up": show_up,
                    "village_members_village": 40,
                    "town": {"schedule": "allday"},
                },  # on duty at midnight: drawn daily
                "events": [
                    {
                        "name": "storm",
                        "places": ["B1"],
                        "start_day": 2,
                        "days": 3,
                        "multiplier": 2,
                        "callups": [{"town": "Beta", "hours": [8, 20], "volunteers": 3}],
                    }
                ],
            },
        )
    )
    hours = 24 * 9
    assert (world.teams.active_hours[:, 1] < hours).any()  # a call-up team has a window
    expected = _on_duty_team_by_team(world.teams, hours, 3, show_up, Streams(np.random.SeedSequence(5)))
    matrix = roster.on_duty_by_hour(world.teams, hours, 3, show_up, Streams(np.random.SeedSequence(5)))
    assert np.array_equal(matrix, expected)
    changes = roster.duty_changes(world.teams, hours, 3, show_up, Streams(np.random.SeedSequence(5)))
    rebuilt = np.zeros(len(world.teams), dtype=np.int64)
    for hour in range(hours):
        teams, values = changes.at(hour)
        assert teams == sorted(set(teams))
        rebuilt[teams] = values
        assert np.array_equal(rebuilt, expected[:, hour]), hour


@pytest.mark.parametrize("patience", [30, 45, 60, 90, 150])
def test_an_order_waiting_at_the_end_of_the_citizens_patience_is_cancelled_then(tmp_path, patience):
    # fixed patience, orders on whole minutes: escalations (rural 30 min), releases and shift
    # changes fall on the same minutes as the patience timers. Every cancelled order is
    # cancelled exactly at placement + patience and was never assigned; every order not
    # cancelled was taken before its patience ran out or is still open at the horizon
    world = build_world(
        variant(
            tmp_path,
            {
                "demand": {
                    "patience": {
                        "urban": {"kind": "fixed", "mean": patience},
                        "rural": {"kind": "fixed", "mean": patience},
                    }
                }
            },
        )
    )
    places = ["A1", "A2", "B1", "B2", "I1"]
    rows = [(float(480 + 7 * k), places[k % 5], "errand" if k % 4 else "repair") for k in range(150)]
    o = simulate(world, 1, orders(world, rows)).orders
    cancelled = o.outcome == CANCELLED
    assert cancelled.any()
    np.testing.assert_allclose(o.t_cancelled[cancelled], o.t_placed[cancelled] + patience)
    assert np.isnan(o.t_assigned[cancelled]).all()
    taken = ~np.isnan(o.t_assigned)
    assert (o.t_assigned[taken] <= o.t_placed[taken] + patience).all()


def test_ferry_boards_whoever_is_on_the_pier_at_the_departure_minute(tiny):
    # the tiny county's ferry leaves the port (A1) for Isle at 08:00 and crosses in 60 minutes;
    # a journey reaching the pier at 08:00 sharp sails that morning, one a minute late the next
    import simpy

    from sim.model.ferry import Ferry

    env = simpy.Environment()
    ferry = Ferry(env, tiny.travel)
    a1, i1 = tiny.places.index("A1"), tiny.places.index("I1")
    to_pier, from_pier = tiny.travel.ferry_legs(a1, i1)
    landed = {}

    def crossing(name, leave_at):
        yield env.timeout(leave_at)
        yield from ferry.journey(a1, i1)
        landed[name] = env.now

    env.process(crossing("on time", 480.0 - to_pier))
    env.process(crossing("late", 481.0 - to_pier))
    env.run(until=3 * DAY)
    assert landed["on time"] == pytest.approx(480 + 60 + from_pier)
    assert landed["late"] == pytest.approx(DAY + 480 + 60 + from_pier)


def test_a_patience_timer_is_booked_only_when_it_can_still_matter(tmp_path, monkeypatch):
    # rural tiers time out after 30 and 60 minutes: an order still waiting reaches the county
    # at placement + 90; the citizens' patience is 100. Thirty errands at B1 at 08:00 overwhelm
    # the village's and the town's two volunteers on duty: some are taken at tier 2, the rest
    # at the county. Each patience timer is booked at the last escalation before it ends (here
    # the county's, the top tier), so none fires for an order taken at tier 2; booked at the
    # first escalation instead, one would fire (dead) for each such order, long after it was taken
    from sim.model.lifecycle import OrderLifecycle

    fired = []
    cancel = OrderLifecycle._cancel

    def record(self, event):
        fired.append(event.value)
        cancel(self, event)

    monkeypatch.setattr(OrderLifecycle, "_cancel", record)
    world = build_world(
        variant(tmp_path, {"demand": {"patience": {"rural": {"kind": "fixed", "mean": 100}}}})
    )
    rep = Replication(world, np.random.SeedSequence(1), orders(world, [(480.0, "B1", "errand")] * 30))
    o = rep.run().orders
    taken = ~np.isnan(o.t_assigned)
    assert (o.tier_max[taken] == 2).any() and (o.tier_max[taken] == 3).any()
    assert fired and all(o.tier_max[order] == 3 for order in fired)


def test_the_roster_holds_no_list_of_teams_while_it_sleeps(tiny):
    # a shift change's lists of teams are a county's worth (at 100 times the county, a hundred
    # thousand ids): the roster frees them before it sleeps until the next change
    from sim.model.roster import duty_roster

    rep = Replication(tiny, np.random.SeedSequence(1))
    roster = duty_roster(rep, rep.duty_changes, rep.hours)
    next(roster)  # asleep until 08:00, the first change (the tiny county's shifts: 08-18)
    next(roster)  # 08:00's counts set; asleep until 18:00
    lists = [name for name, value in roster.gi_frame.f_locals.items() if isinstance(value, list)]
    assert lists == ["change_hours"]  # the hours with changes, and nothing of 08:00's


@pytest.mark.parametrize(
    "overrides", [{"dispatch.alerts": None}, {"dispatch.alerts": None, "dispatch.scope": "handover"}]
)
def test_the_placement_fast_path_matches_orders_as_the_general_tier_entry_does(overrides):
    # OrderLifecycle.place matches a catalogue order whose village offers its skill at once,
    # without enter_tier's machinery: turned off for every order, the run is the same
    from sim.config.load import load_scenario
    from sim.model.compact import as_numpy

    path = Path(__file__).resolve().parent.parent / "scenarios" / "pingyang.yaml"
    world = build_world(load_scenario(path, overrides={"run.days": 2, **overrides}))
    fast, general = (Replication(world, np.random.SeedSequence(2)) for _ in range(2))
    ordinary = as_numpy(general.orders.ordinary)
    assert ordinary.sum() > 300
    ordinary[:] = 0
    a, b = fast.run().orders, general.run().orders
    for name, column in a.columns().items():
        assert np.array_equal(column, b.columns()[name], equal_nan=True), name
