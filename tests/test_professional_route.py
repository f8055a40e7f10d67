"""The professional route: the administrator reviews (in the office, or on call), selects a
professional organisation, and passes the order on to the county tier after a stated wait.

The tiny county (tests/data/tiny.yaml): day 0 is a Monday; the office reviews 08:30-12:00 and
14:00-17:30 on weekdays for 20 minutes an order (an on-call reviewer for 45: ADMIN below); the
professional team ``legal`` (skill legal) works 08:00-18:00 on weekdays only, 2 members on duty.
"""

from __future__ import annotations

import numpy as np

from sim.model.replication import Replication
from sim.results.logs import CANCELLED, CLOSED
from sim.world.build import build_world
from tests.conftest import DAY, orders, variant

SATURDAY_10AM = 5 * DAY + 600
MONDAY_10AM = 600.0
# a department sub-center with the skill, at the county seat, working every day 08:00-18:00
JUSTICE = {"name": "justice", "members": 10, "skills": ["legal"], "schedule": "day"}


# an on-call review takes 45 minutes; citizens do not cancel (the zones' patience, unless a test
# sets one)
ADMIN = {"on_call_review": {"kind": "fixed", "mean": 45}, "patience": None}


def run(tmp_path, overrides, rows, days=8):
    admin = {**ADMIN, **overrides.get("admin", {})}
    world = build_world(variant(tmp_path, {"run": {"days": days}, **overrides, "admin": admin}))
    return world, Replication(world, np.random.SeedSequence(1), orders(world, rows))


def test_on_call_reviewer_reviews_at_once_on_a_weekend_and_the_team_takes_it_on_monday(tmp_path):
    world, rep = run(tmp_path, {}, [(SATURDAY_10AM, "A1", "legal")])
    o = rep.run().orders
    assert o.t_review_start[0] == SATURDAY_10AM  # on call: no wait for Monday
    assert o.t_review_end[0] == o.t_tier3[0] == SATURDAY_10AM + 45
    # nobody else has the skill: after the fallback wait it waits in the county queue, and the
    # selected team takes it when its members come on duty on Monday at 08:00
    assert o.t_assigned[0] == 7 * DAY + 480
    assert world.teams.name[o.team[0]] == "professional:legal" and o.outcome[0] == CLOSED


def test_the_office_reviews_only_in_office_hours_when_nobody_is_on_call(tmp_path):
    overrides = {"admin": {"after_hours": "on_call", "on_call_reviewers": 0}}
    _, rep = run(tmp_path, overrides, [(12 * 60 + 30.0, "A1", "legal")])  # Monday 12:30: lunch
    o = rep.run().orders
    assert o.t_review_start[0] == 14 * 60  # the office reopens at 14:00


def test_on_call_reviewer_does_not_take_orders_while_the_office_is_open(tmp_path):
    # two orders at Monday 10:00: the office reviewer takes the first at once (20 minutes), the
    # second waits for it (the on-call reviewer is off while the office is open)
    _, rep = run(tmp_path, {}, [(MONDAY_10AM, "A1", "legal"), (MONDAY_10AM, "A2", "legal")])
    o = rep.run().orders
    assert o.t_review_start.tolist() == [MONDAY_10AM, MONDAY_10AM + 20]
    assert o.t_review_end.tolist() == [MONDAY_10AM + 20, MONDAY_10AM + 40]


def test_the_administrator_selects_the_professional_team_over_a_sub_center(tmp_path):
    overrides = {"teams": {"subcenters": [JUSTICE]}}
    world, rep = run(tmp_path, overrides, [(MONDAY_10AM, "A1", "legal")])
    o = rep.run().orders
    assert world.teams.name[o.team[0]] == "professional:legal"
    assert o.t_assigned[0] == MONDAY_10AM + 20


def test_selection_nearest_lets_the_sub_center_win_the_tie(tmp_path):
    # the sub-center and the professional team sit at the county seat: the nearest rule ranks
    # by (minutes, team id), and sub-centers come first
    overrides = {"teams": {"subcenters": [JUSTICE]}, "admin": {"selection": "nearest"}}
    world, rep = run(tmp_path, overrides, [(MONDAY_10AM, "A1", "legal")])
    assert world.teams.name[rep.run().orders.team[0]] == "subcenter:justice"


def test_an_order_the_selected_team_does_not_take_goes_to_the_county_tier_after_the_wait(tmp_path):
    # Saturday: the professional team is off; on call, the order is reviewed by 10:45 and waits
    # at the team's desk; after 240 minutes the sub-center (on duty at weekends) takes it
    overrides = {"teams": {"subcenters": [JUSTICE]}, "admin": {"fallback_after_min": 240}}
    world, rep = run(tmp_path, overrides, [(SATURDAY_10AM, "A1", "legal")])
    o = rep.run().orders
    assert o.t_assigned[0] == SATURDAY_10AM + 45 + 240
    assert world.teams.name[o.team[0]] == "subcenter:justice"


def test_least_loaded_selects_the_organisation_with_fewer_busy_members(tmp_path):
    # two professional teams with the skill; the first order goes to the nearer (tie on load),
    # which is then busier: the second goes to the other
    teams = {
        "professional": [
            {"name": "legal", "members": 10, "skills": ["legal"], "schedule": "office"},
            {"name": "legal2", "members": 10, "skills": ["legal"], "schedule": "office"},
        ]
    }
    world, rep = run(
        tmp_path, {"teams": teams}, [(MONDAY_10AM, "A1", "legal"), (MONDAY_10AM + 1, "A1", "legal")]
    )
    o = rep.run().orders
    assert [world.teams.name[t] for t in o.team] == ["professional:legal", "professional:legal2"]


def test_an_order_cancelled_at_the_desk_leaves_it(tmp_path):
    overrides = {
        "admin": {"fallback_after_min": 5000, "patience": {"kind": "fixed", "mean": 300}},
    }
    _, rep = run(tmp_path, overrides, [(SATURDAY_10AM, "A1", "legal")])
    seen = []

    def watch(rep):  # the desk's count before and after the cancellation
        yield rep.env.timeout(SATURDAY_10AM + 100)
        seen.append(sum(rep.dispatcher.desk_waiting))
        yield rep.env.timeout(300)
        seen.append(sum(rep.dispatcher.desk_waiting))

    rep.add_process(watch)
    o = rep.run().orders
    assert seen == [1, 0]
    assert o.outcome[0] == CANCELLED and o.t_cancelled[0] == SATURDAY_10AM + 300
    assert np.isnan(o.t_assigned[0])  # the team's Monday shift does not take it
