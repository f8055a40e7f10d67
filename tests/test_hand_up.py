"""Handing up (dispatch.hand_up): a village team declines an order it cannot provide and the
order goes up to tier 2 at once; the declining team never takes it. Exact timelines on the
five-place test county (tests/data/tiny.yaml: 1 minute per km, no set-off time, acceptance 2
minutes, an errand 30 minutes, a repair 60; teams on duty 08:00-18:00; A2 is 5 km from A1,
Alpha's seat, and from B1, Beta's seat)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from sim.model.replication import Replication, simulate
from sim.model.rng import replication_seeds
from sim.results.kpis import compute_kpis
from sim.world.build import build_world
from tests.conftest import orders, variant

# Alpha's only volunteers are A2's village team (A1's community team and the town station have
# no members), village teams also repair, and Beta's villages are the nearest help beyond Alpha
A2_ALONE = {
    "teams": {
        "village_members_community": 0,
        "village_skills": ["errand", "repair"],
        "town": {"members": 0, "skills": ["errand", "repair"], "schedule": "day"},
        "county": {"name": "center", "count": 1, "members": 0, "skills": ["errand"], "schedule": "day"},
    },
}


def world_with(tmp_path, hand_up, extra=None, name="variant"):
    return build_world(variant(tmp_path, {**(extra or {}), "dispatch": {"hand_up": hand_up}}, name=name))


def test_a_handed_up_order_goes_to_the_town_at_once(tmp_path):
    world = world_with(tmp_path, {"share": 1.0, "items": ["errand"]})
    o = simulate(world, 1, orders(world, [(540.0, "A2", "errand")])).orders
    # A2 declines; at tier 2 (widen: every Alpha team) the nearest is A1's team (5 km, the
    # same as the town station's, which has a higher id)
    assert o.t_handed_up[0] == o.t_tier2[0] == 540.0 and o.tier_max[0] == 2
    assert world.teams.name[o.team[0]] == "village:A1"
    assert (o.t_assigned[0], o.t_accepted[0], o.t_closed[0]) == (540.0, 542.0, pytest.approx(577.0, abs=0.05))
    # the same order without hand-ups: A2's own team serves it at tier 1
    plain = build_world(variant(tmp_path, {}, name="plain"))
    p = simulate(plain, 1, orders(plain, [(540.0, "A2", "errand")])).orders
    assert np.isnan(p.t_handed_up[0]) and plain.teams.name[p.team[0]] == "village:A2"


def test_the_declining_team_never_takes_it_even_when_it_is_the_only_one_free(tmp_path):
    world = world_with(tmp_path, {"share": 1.0, "items": ["errand"]}, A2_ALONE)
    o = simulate(world, 1, orders(world, [(540.0, "A2", "errand")])).orders
    # nobody else in Alpha has the skill, so the town tier offers it nothing: the order goes on
    # to the county tier at once (as past any scope without its skill), where B1's team (5 km)
    # takes it; A2, free all along, never does
    assert o.t_handed_up[0] == o.t_tier2[0] == o.t_tier3[0] == 540.0
    assert world.teams.name[o.team[0]] == "village:B1" and o.t_assigned[0] == 540.0


def test_a_team_of_the_town_that_is_off_duty_now_still_holds_it_at_the_town(tmp_path):
    # the station has the skill but works 10:00-18:00: the town tier offers it, so the order
    # waits there (the rural tier-2 timeout is 60 minutes); the station takes it at 10:00
    late = [0.0] * 10 + [0.2] * 8 + [0.0] * 6
    extra = {**A2_ALONE, "schedules": {"late": {"weekday": late, "weekend": late}}}
    extra["teams"] = {**A2_ALONE["teams"], "town": {"members": 10, "skills": ["errand"], "schedule": "late"}}
    world = world_with(tmp_path, {"share": 1.0, "items": ["errand"]}, extra)
    o = simulate(world, 1, orders(world, [(560.0, "A2", "errand")])).orders
    assert o.t_handed_up[0] == o.t_tier2[0] == 560.0 and o.tier_max[0] == 2
    assert world.teams.name[o.team[0]] == "town:Alpha" and o.t_assigned[0] == 600.0


def test_a_freed_declining_team_leaves_it_for_others(tmp_path):
    late = [0.0] * 10 + [0.2] * 8 + [0.0] * 6  # 10:00-18:00
    extra = {
        **A2_ALONE,
        "schedules": {"late": {"weekday": late, "weekend": late}},
        "dispatch": {"timeouts_min": {"urban": [5, 10], "rural": [30, 100000]}},
    }
    extra["teams"] = {
        **A2_ALONE["teams"],
        "town": {"members": 10, "skills": ["errand", "repair"], "schedule": "late"},
    }
    world = world_with(tmp_path, {"share": 1.0, "items": ["repair"]}, extra)
    rows = [(540.0, "A2", "errand"), (541.0, "A2", "errand"), (550.0, "A2", "repair")]
    o = simulate(world, 1, orders(world, rows)).orders
    # A2's two volunteers serve the errands and are free again at 09:32 and 09:33; the repair,
    # handed up at 09:10, waits in Alpha's tier-2 queue, which A2 sees but passes over; the
    # town station comes on duty at 10:00 and takes it
    assert list(o.t_released[:2]) == [572.0, 573.0]
    assert world.teams.name[o.team[2]] == "town:Alpha" and o.t_assigned[2] == 600.0
    assert o.t_handed_up[2] == 550.0 and np.isnan(o.t_handed_up[:2]).all()


@pytest.fixture
def busy(tmp_path):
    demand = {"demand": {"orders_per_1000_per_day": 30.0}}
    return {
        share: world_with(tmp_path, {"share": share}, demand, name=f"share{share}")
        for share in (0.0, 0.2, 0.5)
    }


def test_share_zero_is_the_default_run(tmp_path, busy):
    plain = build_world(variant(tmp_path, {"demand": {"orders_per_1000_per_day": 30.0}}, name="plain"))
    a, b = simulate(plain, 5).orders, simulate(busy[0.0], 5).orders
    for name, column in a.columns().items():
        np.testing.assert_array_equal(column, b.columns()[name], err_msg=name)
    assert np.isnan(b.t_handed_up).all()


def test_decisions_are_common_random_numbers_and_their_share_fits(busy):
    seed = replication_seeds(11, 1)[0]
    logs = {share: Replication(w, seed).run().orders for share, w in busy.items()}
    handed = {share: set(np.flatnonzero(~np.isnan(o.t_handed_up)).tolist()) for share, o in logs.items()}
    # the same orders (the other sources' draws are unchanged), and with a larger share the
    # orders handed up include those handed up with a smaller one
    np.testing.assert_array_equal(logs[0.2].t_placed, logs[0.5].t_placed)
    np.testing.assert_array_equal(logs[0.2].item, logs[0.5].item)
    assert handed[0.2] < handed[0.5]
    # every order its village could serve is eligible (errands: villages' only skill here)
    o = logs[0.5]
    errand = [i.id for i in busy[0.5].items].index("errand")
    eligible = int((o.item == errand).sum())
    low, high = stats.binom.interval(0.999, eligible, 0.5)
    assert low <= len(handed[0.5]) <= high
    assert all(o.item[k] == errand for k in handed[0.5])  # never a repair or a legal order


def test_hand_up_rate_kpi(busy):
    world = busy[0.5]
    log = simulate(world, 2)
    o = log.orders
    start, end = log.window_min
    catalogue = (o.t_placed >= start) & (o.t_placed < end) & ~o.professional
    k = compute_kpis(log, world)
    assert k["hand_up_rate"] == pytest.approx((~np.isnan(o.t_handed_up[catalogue])).mean())
    assert k["hand_up_rate"] > 0.2 and (o.tier_max[~np.isnan(o.t_handed_up)] >= 2).all()


def test_items_limit_which_orders_may_be_handed_up(tmp_path):
    world = world_with(
        tmp_path, {"share": 1.0, "items": ["repair"]}, {"teams": {"village_skills": ["errand", "repair"]}}
    )
    rows = [(540.0, "A2", "errand"), (545.0, "A2", "repair")]
    o = simulate(world, 1, orders(world, rows)).orders
    assert np.isnan(o.t_handed_up[0]) and o.t_handed_up[1] == 545.0


def test_a_team_looks_past_a_long_backlog_of_orders_it_declined(tmp_path):
    # 1,500 errands at B2 in the night, every one handed up; at 08:00 B2's team comes on duty
    # and finds them all ahead in Beta's queue: it passes over each one (set aside, then put
    # back) in a loop, where a recursion of one call per declined order ran out of stack
    world = world_with(tmp_path, {"share": 1.0, "items": ["errand"]})
    n = 1500
    o = simulate(world, 1, orders(world, [(360.0 * k / n, "B2", "errand") for k in range(n)])).orders
    taken = o.team[~np.isnan(o.t_assigned)]
    assert len(taken) > 0 and "village:B2" not in {world.teams.name[t] for t in taken}
    # the entries set aside go back: the other teams take the backlog in placement order
    assert (np.diff(o.t_assigned[~np.isnan(o.t_assigned)]) >= 0).all()
    assert np.isnan(o.t_assigned[len(taken) :]).all()
