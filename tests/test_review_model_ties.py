"""Events of the same minute, on the five-place test county (tests/data/tiny.yaml): which comes
first must follow from the model, not from when SimPy happened to book each timer.

Tiny county: 1 minute per km, no set-off time, acceptance 2 minutes, an errand 30 minutes;
every team works 08:00-18:00 with 2 of its 10 members on duty; A2 is a rural village 5 km from
A1 (Alpha's seat, where the town station and the county center are).
"""

from __future__ import annotations

import numpy as np
import pytest

from sim.model.replication import simulate
from sim.world.build import build_world
from tests.conftest import orders, variant
from tests.test_alerts import FIXED, replay_accepted_first_in_wave

# on duty from 07:00: the roster then has a change at 07:00, between an order placed at 06:00
# and its escalation at 08:00
EARLY = [0.0] * 7 + [0.2] * 11 + [0.0] * 6


# handover without the lower scope: once at the town, A2's own team may not take the order
HANDOVER = {"scope": "handover", "keep_lower_scope": False, "timeouts_min": {"rural": [120, 600]}}


# day 9 as well as day 0: every wake-up of the run is booked before it starts (sim/model/roster.py)
@pytest.mark.parametrize("day", [0, 9])
def test_a_team_coming_on_duty_at_the_minute_of_the_escalation_takes_the_order_in_its_tier(tmp_path, day):
    center = {"name": "center", "count": 1, "members": 10, "skills": ["errand"], "schedule": "early"}
    overrides = {
        "schedules": {"early": {"weekday": EARLY, "weekend": EARLY}},
        "teams": {"county": center},
        "dispatch": HANDOVER,
        "run": {"days": 10, "warmup_days": 0, "drain_days": 0},
    }
    world = build_world(variant(tmp_path, overrides))
    # placed at 06:00 in A2, whose team comes on duty at 08:00, the minute its 120-minute
    # village timeout ends: the village team takes it then, at tier 1 (as an alert accepted at
    # the minute of the timeout does), whether or not another team's shift changed at 07:00
    # (the roster then booked its 08:00 wake-up after the order's escalation timer)
    o = simulate(world, 1, orders(world, [(1440.0 * day + 360.0, "A2", "errand")])).orders
    assert world.teams.name[o.team[0]] == "village:A2"
    assert o.tier_max[0] == 1 and o.t_assigned[0] == 1440.0 * day + 480


def test_the_same_without_a_shift_change_in_between(tmp_path):
    world = build_world(variant(tmp_path, {"dispatch": HANDOVER}))
    o = simulate(world, 1, orders(world, [(360.0, "A2", "errand")])).orders
    assert world.teams.name[o.team[0]] == "village:A2"
    assert o.tier_max[0] == 1 and o.t_assigned[0] == 480


def test_an_acceptance_at_the_minute_the_citizens_patience_ends_takes_the_order(tmp_path):
    # waves every 7 minutes at the village: 540, 547, 554, 561, 568; an acceptance in the fifth
    # comes after the 2-minute delay at 570, the very minute the citizen's 30-minute patience
    # ends: the order was accepted within the patience (as within an escalation timeout), so it
    # is not cancelled, though the patience timer (booked at 540) is the first event of that minute
    alerts = {"accept_probability": 0.5, "wave_size": 1, "wave_interval_min": 7}
    alerts.update(turnout_day=FIXED, turnout_night=FIXED)
    overrides = {
        "demand": {"patience": {"rural": {"kind": "fixed", "mean": 30}}},
        "dispatch": {"alerts": alerts, "timeouts_min": {"rural": [1000, 1000]}},
    }
    world = build_world(variant(tmp_path, overrides))
    rep = replay_accepted_first_in_wave(world, 5)
    o = rep.run().orders
    assert (o.t_assigned[0], o.t_accepted[0]) == (570, 570) and np.isnan(o.t_cancelled[0])
    assert world.teams.name[o.team[0]] == "village:A2"
