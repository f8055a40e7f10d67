"""When a promise's misses were placed (sim/results/causes.py's ``when`` table, kpis.json's
``miss_causes.when``): on the tiny county, orders placed at known hours of a Saturday and a
Monday are counted by the weekday of the run's ``start_weekday`` and the hour placed; the
shape check refuses a table whose hours do not add up to the promise's misses."""

from __future__ import annotations

import copy
from types import SimpleNamespace

import pytest

from sim.config.errors import UserError
from sim.model.replication import simulate
from sim.reporting.shapes import check_kpis_json
from sim.results.causes import WEEKEND_MISSED, WEEKEND_ORDERS, miss_cause_table, placed_when
from sim.world.build import build_world
from tests.conftest import DAY, orders, variant


def test_misses_are_counted_by_the_weekday_and_hour_they_were_placed(tmp_path):
    # day 0 a Saturday: at 03:00 nobody is on duty in the tiny county (08:00-18:00), so both
    # errands placed then miss, the Saturday's and the Monday's; those at 10:00 are met
    world = build_world(variant(tmp_path, {"run": {"days": 3, "warmup_days": 0, "start_weekday": 5}}))
    rows = [(180.0, "A1", "errand"), (600.0, "A1", "errand"), (2 * DAY + 180.0, "A1", "errand")]
    rows.append((2 * DAY + 600.0, "A1", "errand"))
    log = simulate(world, 1, orders(world, rows))
    weekend, hour = placed_when(log, world)
    assert weekend.tolist() == [True, True, False, False] and hour.tolist() == [3, 10, 3, 10]
    table = miss_cause_table([SimpleNamespace(log=log)], world)
    when, row = table["when"]["urban_10min"], table["promises"]["urban_10min"]
    assert row["missed"] == 2 and sum(when["hours"]) == 2 and when["hours"][3] == 2
    assert when[WEEKEND_MISSED] == 1 and when[WEEKEND_ORDERS] == 2
    # the same orders with day 0 a Monday: none at a weekend
    monday = build_world(variant(tmp_path, {"run": {"days": 3, "warmup_days": 0}}, "monday"))
    table = miss_cause_table([SimpleNamespace(log=simulate(monday, 1, orders(monday, rows)))], monday)
    assert table["when"]["urban_10min"][WEEKEND_MISSED] == 0


def _summary(when: dict) -> dict:
    row = {"orders": 10, "missed": 3, "cancelled": 3}
    return {
        "scenario": "x",
        "description": "",
        "seed": 1,
        "reps": 1,
        "days": 7.0,
        "warmup_days": 0.0,
        "kpis": {},
        "replications": [{}],
        "miss_causes": {
            "replications": 1,
            "causes": ["cancelled"],
            "groups": {},
            "towns": {},
            "promises": {"professional_same_day": row},
            "when": {"professional_same_day": when},
        },
    }


def test_the_shape_check_refuses_hours_that_do_not_add_up_to_the_misses():
    good = {WEEKEND_MISSED: 2, WEEKEND_ORDERS: 4, "hours": [0] * 16 + [3] + [0] * 7}
    check_kpis_json(_summary(good), "kpis.json")
    for broken, says in (
        ({**good, "hours": [3] + [0] * 22}, "expected 24, one an hour"),
        ({**good, "hours": [0] * 16 + [2] + [0] * 7}, "expected the hours to add up to the misses"),
        ({**good, WEEKEND_MISSED: 4}, "expected the hours to add up to the misses"),
    ):
        with pytest.raises(UserError, match="miss_causes.when.professional_same_day") as err:
            check_kpis_json(_summary(copy.deepcopy(broken)), "kpis.json")
        assert says in str(err.value)
