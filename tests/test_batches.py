"""Batched delivery in a lockdown (events[].delivery): the platform collects the event's orders
and designated volunteers buy and deliver them in batches, as SimPy processes. Exact timelines
on the five-place test county (tests/data/tiny.yaml: 1 minute per km, no set-off time, teams on
duty 08:00-18:00, day 0 a Monday). B2 is 10 km from Beta's seat B1, where call-ups set off."""

from __future__ import annotations

import numpy as np
import pytest

from sim.config.errors import UserError
from sim.config.scenario_warnings import scenario_warnings
from sim.model.replication import Replication, simulate
from sim.model.rng import Streams
from sim.model.roster import on_duty_by_hour
from sim.results.event_kpis import event_kpis, event_orders
from sim.results.kpis import compute_kpis, counted_kpis
from sim.results.workload import busy_intervals
from sim.world.build import build_world
from tests.conftest import orders, variant

DELIVERY = {
    "mode": "batched",
    "collect_every_min": 60,
    "batch_size": 2,
    "volunteers_per_batch": 2,
    "shopping_min": 45,
    "per_order_min": 3,
}


def lockdown(tmp_path, delivery=None, extra=None, **event):
    """The tiny county with a one-day event on B2 from day 0 and 4 volunteers called up at
    Beta's seat 08:00-20:00 (``extra``: other sections of the scenario)."""
    spec = {
        "name": "lockdown",
        "places": ["B2"],
        "start_day": 0,
        "days": 1,
        "item_mix": {"errand": 1},
        "callups": [{"town": "Beta", "hours": [8, 20], "volunteers": 4, "skills": ["errand"]}],
        "delivery": DELIVERY if delivery is None else delivery,
        **event,
    }
    return build_world(variant(tmp_path, {**(extra or {}), "events": [spec]}))


def trip(world, a, b):
    return world.travel.trip(world.places.index(a), world.places.index(b))


def test_orders_go_out_together_at_the_next_collection(tmp_path):
    world = lockdown(tmp_path)
    rows = [(490.0, "B2", "errand"), (500.0, "B2", "errand"), (510.0, "B2", "errand")]
    log = simulate(world, 1, orders(world, rows))
    o, b = log.orders, log.batches
    callup = world.teams.name.index("callup:lockdown:Beta:8-20")
    out = trip(world, "B1", "B2")
    assert out == pytest.approx(10.0, abs=0.05)
    # 09:00: two crews of the four call-ups take batches of 2 and 1 orders; each shops for 45
    # minutes, travels to B2, hands over 3 minutes per order; all of a batch close together
    assert list(o.batch) == [0, 0, 1]
    assert list(o.team) == [callup] * 3
    assert list(o.t_assigned) == list(o.t_accepted) == [540.0] * 3  # the response: the collection
    arrived = 540.0 + 45.0 + out
    assert list(o.t_arrived) == [arrived] * 3
    assert list(o.t_closed) == [arrived + 6.0, arrived + 6.0, arrived + 3.0]
    assert list(o.t_released) == [arrived + 6.0 + out, arrived + 6.0 + out, arrived + 3.0 + out]
    assert list(b.orders) == [2, 1] and list(b.volunteers) == [2, 2] and list(b.team) == [callup] * 2
    assert list(b.t_start) == [540.0, 540.0] and list(b.t_closed) == [arrived + 6.0, arrived + 3.0]
    assert list(o.tier_max) == [1, 1, 1] and np.isnan(o.t_tier2).all()


def test_a_batch_trip_takes_the_replications_travel_function(tmp_path):
    # Replication.set_travel (docs/extending.md, example 5): a batch's trip out and home use it
    from sim.model.replication import Replication

    world = lockdown(tmp_path)
    rows = [(490.0, "B2", "errand")]
    rep = Replication(world, np.random.SeedSequence(1), orders(world, rows))
    normal = world.travel.trip
    rep.set_travel(lambda a, b: 2.0 * normal(a, b))
    b = rep.run().batches
    out = 2.0 * trip(world, "B1", "B2")
    assert list(b.t_arrived) == [540.0 + 45.0 + out]
    assert list(b.t_released) == [540.0 + 45.0 + out + 3.0 + out]


def test_without_a_free_crew_orders_wait_for_the_next_collection(tmp_path):
    world = lockdown(tmp_path)
    rows = [(490.0 + 5 * k, "B2", "errand") for k in range(5)]
    o = simulate(world, 1, orders(world, rows)).orders
    back = 540.0 + 45.0 + 2 * trip(world, "B1", "B2") + 6.0  # both crews back at ~10:11
    assert back > 600.0
    # 09:00: two crews, two orders each; the fifth waits: at 10:00 both crews are still out,
    # at 11:00 one takes it
    assert list(o.batch) == [0, 0, 1, 1, 2]
    assert list(o.t_assigned) == [540.0] * 4 + [660.0]


def test_orders_left_at_the_events_end_go_to_the_ordinary_dispatch(tmp_path):
    world = lockdown(tmp_path)
    # 19:30: the call-ups go home at 20:00, before the next collection; at the event's end
    # (midnight) the order goes to the ordinary dispatch: nobody is on duty, so it escalates
    # after the rural timeouts (30 and 60 minutes) and the first team on duty at 08:00 takes it
    # (no patience timer: it is never cancelled)
    o = simulate(world, 1, orders(world, [(1170.0, "B2", "errand")])).orders
    assert o.batch[0] == -1
    assert (o.t_tier2[0], o.t_tier3[0], o.tier_max[0]) == (1440.0 + 30.0, 1440.0 + 90.0, 3)
    assert o.t_assigned[0] == 1440.0 + 480.0


def test_a_leftover_order_its_village_cannot_provide_is_handed_up_at_the_events_end(tmp_path):
    world = lockdown(tmp_path, extra={"dispatch": {"hand_up": {"share": 1.0, "items": ["errand"]}}})
    # as above, the order is left at midnight; its village team cannot provide it, so it goes
    # up to Beta's tier at once, waits there the rural tier-2 timeout (60 minutes) and is taken
    # at 08:00 by a team on duty other than B2's own
    o = simulate(world, 1, orders(world, [(1170.0, "B2", "errand")])).orders
    assert o.batch[0] == -1
    assert o.t_handed_up[0] == o.t_tier2[0] == 1440.0 and o.t_tier3[0] == 1440.0 + 60.0
    assert o.t_assigned[0] == 1440.0 + 480.0 and world.teams.name[o.team[0]] != "village:B2"


def test_per_order_delivery_is_the_ordinary_dispatch(tmp_path):
    # the same event with delivery per_order or without a delivery setting: the same run
    demand = {"demand": {"orders_per_1000_per_day": 20.0}}
    event = {
        "name": "lockdown",
        "places": ["B2", "A2"],
        "days": 1,
        "multiplier": 5,
        "callups": [{"town": "Beta", "volunteers": 2}],
    }
    plain = build_world(variant(tmp_path, {**demand, "events": [event]}, name="plain"))
    per_order = build_world(
        variant(tmp_path, {**demand, "events": [{**event, "delivery": {"mode": "per_order"}}]}, name="p")
    )
    a, b = simulate(plain, 4).orders, simulate(per_order, 4).orders
    assert len(a) > 50 and (b.batch < 0).all()
    for name, column in a.columns().items():
        np.testing.assert_array_equal(column, b.columns()[name], err_msg=name)


def test_only_the_batched_items_are_batched(tmp_path):
    world = lockdown(tmp_path, {**DELIVERY, "items": ["errand"]}, item_mix={"errand": 1, "repair": 1})
    assert world.surges[0].batched_items.tolist() == [True, False, False]  # never legal (professional)
    o = simulate(world, 1, orders(world, [(490.0, "B2", "errand"), (495.0, "B2", "repair")])).orders
    assert list(o.batch) == [0, -1]
    assert o.t_assigned[1] == 495.0  # the repair is dispatched at once (town station: it repairs)
    default = lockdown(tmp_path, item_mix={"errand": 1, "repair": 1})
    assert default.surges[0].batched_items.tolist() == [True, True, False]  # the mix's items


@pytest.mark.parametrize(
    "designated, names",
    [
        (["callups"], ["callup:lockdown:Beta:8-20"]),
        (["town"], ["town:Beta"]),
        (["village"], ["village:B2"]),
        (["center", "callups"], ["county:center", "callup:lockdown:Beta:8-20"]),
    ],
)
def test_designated_teams(tmp_path, designated, names):
    world = lockdown(tmp_path, {**DELIVERY, "designated": designated})
    assert sorted(world.teams.name[t] for t in world.surges[0].designated) == sorted(names)


def test_the_nearest_designated_team_with_a_free_crew_goes(tmp_path):
    # the town station (at B1, 10 km) and the county center (at A1, 20 km): the station goes
    world = lockdown(tmp_path, {**DELIVERY, "designated": ["center", "town"]})
    o = simulate(world, 1, orders(world, [(490.0, "B2", "errand")])).orders
    assert world.teams.name[o.team[0]] == "town:Beta"


def test_a_batch_to_an_island_waits_for_the_ferry(tmp_path):
    # an event on the island I1 served by call-ups from Alpha's seat A1 (the port): the ferry
    # sails at 08:00 and crosses in 60 minutes
    world = lockdown(
        tmp_path,
        places=["I1"],
        callups=[{"town": "Alpha", "hours": [8, 20], "volunteers": 2, "skills": ["errand"]}],
    )
    log = simulate(world, 1, orders(world, [(510.0, "I1", "errand")]))
    o, b = log.orders, log.batches
    # 09:00 collection, 45 min of shopping: the 08:00 sailing is gone, the next is on day 1
    day1, day2 = 1440.0 + 480.0, 2 * 1440.0 + 480.0
    assert o.t_assigned[0] == 540.0
    assert o.t_arrived[0] == day1 + 60.0 and o.t_closed[0] == day1 + 63.0
    assert o.t_released[0] == day2 + 60.0
    assert (b.t_arrived[0], b.t_closed[0], b.t_released[0]) == (day1 + 60.0, day1 + 63.0, day2 + 60.0)


def test_a_ferry_batch_handed_over_before_the_horizon_is_closed(tmp_path):
    # the same island batch with the run ending after the handover (day 1, 09:03) and before
    # the crew's return (day 2): its arrival and closing were recorded as they happened
    world = lockdown(
        tmp_path,
        places=["I1"],
        callups=[{"town": "Alpha", "hours": [8, 20], "volunteers": 2, "skills": ["errand"]}],
        extra={"run": {"days": 1, "drain_days": 1}},
    )
    log = simulate(world, 1, orders(world, [(510.0, "I1", "errand")]))
    o, b = log.orders, log.batches
    day1 = 1440.0 + 480.0
    assert log.horizon_min == 2 * 1440.0
    assert (o.t_arrived[0], o.t_closed[0], o.outcome[0]) == (day1 + 60.0, day1 + 63.0, 0)  # closed
    assert np.isnan(o.t_released[0]) and np.isnan(b.t_released[0])
    assert (b.t_arrived[0], b.t_closed[0]) == (day1 + 60.0, day1 + 63.0)


def test_a_batchs_released_hooks_run_before_its_crew_takes_waiting_work(tmp_path):
    # a batched errand at B2 (collected 09:00, the crew back at about 10:08); meanwhile an
    # ordinary errand at B1 waits at Beta's town tier, whose other teams are away: the crew's
    # released hook sees both its volunteers free, then the crew takes the waiting errand
    world = lockdown(
        tmp_path,
        delivery={**DELIVERY, "designated": ["callups"]},
        callups=[{"town": "Beta", "hours": [8, 20], "volunteers": 2, "skills": ["errand"]}],
    )
    names = world.teams.name
    crew = names.index("callup:lockdown:Beta:8-20")
    rows = [(490.0, "B2", "errand"), (560.0, "B1", "errand")]
    rep = Replication(world, np.random.SeedSequence(1), orders(world, rows))

    def away(rep, team):
        yield rep.env.timeout(500.0)
        rep.take_volunteers(team, 2)
        yield rep.env.timeout(600.0)
        rep.return_volunteers(team, 2)

    for team in ("village:B1", "village:B2", "town:Beta"):
        rep.add_process(away, names.index(team))
    seen = []
    rep.hooks.released.append(lambda k: seen.append((k, rep.env.now, rep.dispatcher.free(crew))))
    rep.hooks.assigned.append(lambda k: seen.append((k, rep.env.now, names[rep.orders.team[k]])))
    o = rep.run().orders
    back = o.t_released[0]
    assert seen[:3] == [(0, 540.0, names[crew]), (0, back, 2), (1, back, names[crew])]


def test_hooks_see_batched_orders_like_any_other(tmp_path):
    world = lockdown(tmp_path)
    rows = [(490.0, "B2", "errand"), (500.0, "B2", "errand"), (510.0, "B2", "errand")]
    rep = Replication(world, np.random.SeedSequence(1), orders(world, rows))
    seen = {name: [] for name in ("placed", "assigned", "released")}
    for name in seen:
        getattr(rep.hooks, name).append(lambda k, name=name: seen[name].append((k, rep.env.now)))
    o = rep.run().orders
    assert seen["placed"] == [(k, o.t_placed[k]) for k in range(3)]
    assert sorted(seen["assigned"]) == [(k, 540.0) for k in range(3)]
    assert sorted(seen["released"]) == sorted((k, o.t_released[k]) for k in range(3))


@pytest.mark.parametrize("deadline_hours, counted", [(None, 2), (4, 2), (48, 1)])
def test_never_overnight_counts_an_order_held_on_the_platform(tmp_path, deadline_hours, counted):
    # two errands at 19:30, one uploaded at B2 (the call-ups go home at 20:00, so it waits on
    # the platform until the event's end at midnight), one at B1 (nobody on duty until 08:00):
    # both are open at their first midnight. The platform's order is held to its event's
    # deadline, the same-day deadline or sooner unless deadline_hours gives it longer
    world = lockdown(tmp_path, delivery={**DELIVERY, "deadline_hours": deadline_hours})
    log = simulate(world, 1, orders(world, [(1170.0, "B2", "errand"), (1170.0, "B1", "errand")]))
    assert list(log.orders.platform_event) == [0, -1]
    k = counted_kpis(log, world)
    assert (k["open_overnight_per_1000"], k.orders["open_overnight_per_1000"]) == (1000.0, counted)


def test_event_kpis_and_volunteer_time_count_a_batch_once(tmp_path):
    world = lockdown(tmp_path)
    rows = [
        (490.0, "B2", "errand"),
        (500.0, "B2", "errand"),
        (510.0, "B2", "errand"),
        (600.0, "A2", "errand"),
    ]
    log = simulate(world, 1, orders(world, rows))
    o, b = log.orders, log.batches
    k = compute_kpis(log, world)
    trips = (b.t_released - b.t_start) * b.volunteers
    assert k["event_volunteer_hours"] == pytest.approx(trips.sum() / 60.0)
    assert k["event_on_time"] == 1.0  # closed by the same-day deadline
    # it is judged against targets.event_share: its interval has the orders' part (3 orders)
    assert counted_kpis(log, world).orders["event_on_time"] == 3
    assert k["event_response_p50"] == pytest.approx(np.median(540.0 - o.t_placed[:3]))
    assert k["event_close_p50"] == pytest.approx(np.median(o.t_closed[:3] - o.t_placed[:3]))
    # the order pool's busy time: the two batches' crews and the ordinary order at A2
    start, _, end, people = busy_intervals(log)
    assert sorted(people.tolist()) == [1.0, 2.0, 2.0]
    assert sorted((end - start).tolist()) == sorted(
        [*(b.t_released - b.t_start), o.t_released[3] - o.t_assigned[3]]
    )
    # the batched orders are held to the event's deadline, not to the zone promise: the
    # rural promise counts the one order at A2 only
    assert k["rural_same_day"] == 1.0
    # a deadline of one hour: none of the batched orders is delivered within it
    late = lockdown(tmp_path, {**DELIVERY, "deadline_hours": 1})
    assert event_kpis(simulate(late, 1, orders(late, rows)), late)["event_on_time"] == 0.0


def test_event_kpis_are_nan_without_a_measured_event(tiny):
    k = compute_kpis(simulate(tiny, 1), tiny)
    assert all(np.isnan(k[name]) for name in k if name.startswith("event_"))


def test_too_small_a_crew_warns(tmp_path):
    world = lockdown(tmp_path, {**DELIVERY, "volunteers_per_batch": 5})
    lines = [p.message for p in scenario_warnings(world.scenario)]
    assert any("5 volunteers per batch but no call-up of the event has more than 4" in m for m in lines)


def test_call_ups_of_an_event_off_the_hour_serve_the_hours_that_start_inside_it(tmp_path):
    # the event runs 13:12 (day 0.55) to 13:12 the next day; its call-ups (08:00-20:00) are on
    # duty from 14:00, and on the next day from 08:00 until 14:00 (the hour that starts at 13:00)
    world = lockdown(tmp_path, start_day=0.55)
    assert [p.message for p in scenario_warnings(world.scenario) if "off the hour" in p.message] == [
        "warning: the event runs from hour 13.2 to hour 37.2 of the run, off the hour; its call-ups "
        "are on duty from hour 14 to hour 38 (the duty roster changes on the hour)"
    ]
    callup = world.teams.name.index("callup:lockdown:Beta:8-20")
    hours = on_duty_by_hour(world.teams, 48, 0, 1.0, Streams(np.random.SeedSequence(7)))[callup]
    assert np.flatnonzero(hours).tolist() == [14, 15, 16, 17, 18, 19, 32, 33, 34, 35, 36, 37]
    assert set(hours[hours > 0].tolist()) == {4}
    assert not [p for p in scenario_warnings(lockdown(tmp_path).scenario) if "off the hour" in p.message]


def test_call_ups_whose_hours_never_fall_inside_their_event_warn_and_never_count(tmp_path):
    # an evening-to-morning event (20:24 to 05:36, whole hours 21 to 29) with call-ups working
    # 08:00-20:00: they are never on duty, and their skills never count in Beta's scope
    world = lockdown(tmp_path, start_day=0.85, days=0.38)
    assert [p.message for p in scenario_warnings(world.scenario) if "never fall inside" in p.message] == [
        "warning: hours 8-20 never fall inside the event (hour 20.4 to hour 29.52 of the run); these "
        "call-ups are never on duty"
    ]
    assert world.team_windows == {world.teams.name.index("callup:lockdown:Beta:8-20"): (0.0, 0.0)}
    assert not [p for p in scenario_warnings(lockdown(tmp_path).scenario) if "never fall inside" in p.message]


def test_a_collection_sees_volunteers_coming_on_duty_at_its_minute(tmp_path):
    # an order uploaded at 07:30 goes out with the collection at 08:00, when the call-ups'
    # shift starts: the collection waits for the roster's changes of that minute, even when
    # it booked its wake-up (at 06:00) before the roster did (at 07:00, when the community
    # teams' early shift starts)
    early = [0.0] * 7 + [0.2] * 11 + [0.0] * 6
    scenario = variant(
        tmp_path,
        {
            "schedules": {"early": {"weekday": early, "weekend": early}},
            "teams": {"community_schedule": "early"},
            "events": [
                {
                    "name": "lockdown",
                    "places": ["B2"],
                    "item_mix": {"errand": 1},
                    "callups": [{"town": "Beta", "hours": [8, 20], "volunteers": 4}],
                    "delivery": {**DELIVERY, "collect_every_min": 120},
                }
            ],
        },
    )
    world = build_world(scenario)
    o = simulate(world, 1, orders(world, [(450.0, "B2", "errand")])).orders
    assert o.t_assigned[0] == 480.0 and o.batch[0] == 0


def test_the_lockdown_variant_designates_its_own_call_ups():
    # in Pingyang's team table the 500 paired units come after the call-ups: the call-up teams
    # are found by their place in it (sim.world.surges.callup_teams)
    from sim.config.load import load_scenario
    from tests.test_scenario_files import REPO

    world = build_world(load_scenario(REPO / "scenarios" / "policies" / "aojiang_lockdown_batched.yaml"))
    lockdown, precaution = world.surges
    assert [world.teams.name[t] for t in lockdown.designated] == ["callup:taiyuefu_lockdown:Aojiang:8-20"]
    assert lockdown.batched and not precaution.batched and precaution.delivery is None
    items = [i.id for i, batched in zip(world.items, lockdown.batched_items) if batched]
    assert items == ["grocery", "medicine", "meals", "supplies"]


def test_call_ups_are_found_after_the_additions_event_by_event(tmp_path):
    world = build_world(
        variant(
            tmp_path,
            {
                "teams": {"additions": [{"town": "Alpha", "hours": [19, 22], "volunteers": 2}]},
                "events": [
                    {"name": "a", "places": ["A1"], "callups": [{"town": "Alpha", "volunteers": 1}]},
                    {
                        "name": "b",
                        "places": ["B2"],
                        "callups": [{"town": "Beta", "volunteers": 3}, {"town": "Alpha", "volunteers": 2}],
                        "delivery": {"mode": "batched"},
                    },
                ],
            },
        )
    )
    names = [world.teams.name[t] for t in world.surges[1].designated]
    assert names == ["callup:b:Beta:19-22", "callup:b:Alpha:19-22"]


def test_an_order_left_on_the_platform_keeps_its_events_promise(tmp_path):
    """An order no batch took (dispatched at the event's end, ~11 hours after it was placed) is
    the event's: judged by the event's deadline, not counted as a miss of the zone's promise
    (it was uploaded to the platform, which never promised the zone's response)."""
    from sim.results.promises import zone_promise_orders

    world = lockdown(tmp_path)
    rows = [(1170.0, "B2", "errand"), (1175.0, "A2", "errand")]  # B2's is left; A2 is outside
    log = simulate(world, 1, orders(world, rows))
    o = log.orders
    assert list(o.platform_event) == [0, -1] and list(o.batch) == [-1, -1]
    assert list(zone_promise_orders(log)) == [False, True]
    mine, _ = event_orders(log, world)
    assert list(mine) == [True, False]


def test_an_events_orders_are_its_catalogue_orders(tmp_path):
    """A professional order placed in the event's place and window keeps its own route and
    promise: the event's deadline judges only the catalogue orders the event delivers."""
    world = lockdown(tmp_path, delivery={"mode": "per_order"})
    log = simulate(world, 1, orders(world, [(600.0, "B2", "errand"), (610.0, "B2", "legal")]))
    mine, deadline = event_orders(log, world)
    assert list(mine) == [True, False] and np.isnan(deadline[1])


def test_a_kind_name_given_at_two_levels_is_designated_by_its_level(tmp_path):
    # "legal" names the professional team and a sub-center: designating the bare name
    # designated both levels' teams, unseen; it is refused, and level:name picks one
    teams = {
        "subcenters": [{"name": "legal", "count": 1, "members": 10, "skills": ["legal"], "schedule": "day"}]
    }
    with pytest.raises(UserError) as error:
        lockdown(tmp_path, {**DELIVERY, "designated": ["legal"]}, {"teams": teams})
    assert any(
        "'legal' names a team kind at 2 levels; expected one of 'professional:legal', 'subcenter:legal'"
        in line
        for line in error.value.lines()
    )
    world = lockdown(tmp_path, {**DELIVERY, "designated": ["subcenter:legal"]}, {"teams": teams})
    assert [world.teams.name[t] for t in world.surges[0].designated] == ["subcenter:legal"]


@pytest.mark.parametrize("entry", ["crew:b", "professional:crew:b"])
def test_a_designated_kind_whose_name_holds_a_colon_is_found(tmp_path, entry):
    # a kind name may hold ":"; only a named level before it makes level:name
    crew = {"name": "crew:b", "members": 10, "skills": ["errand"], "schedule": "day"}
    legal = {"name": "legal", "members": 10, "skills": ["legal"], "schedule": "office"}
    teams = {"professional": [legal, crew]}
    world = lockdown(tmp_path, {**DELIVERY, "designated": [entry]}, {"teams": teams})
    assert [world.teams.name[t] for t in world.surges[0].designated] == ["professional:crew:b"]
