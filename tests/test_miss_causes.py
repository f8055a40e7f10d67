"""Why orders miss (sim/results/causes.py): every missed order gets exactly one cause, in the
documented precedence, with exact timelines on the tiny county (teams on duty 08:00-18:00, 2
of 10 members each), and the causes add up to the misses in kpis.json."""

from __future__ import annotations

import json

import numpy as np
import pytest

from sim.cli.main import main
from sim.model.replication import simulate
from sim.reporting.chart_style import CAUSE_COLORS
from sim.reporting.i18n import tr
from sim.reporting.miss_levers import lever
from sim.results.causes import (
    AFTER_CUTOFF,
    AT_VILLAGE,
    CAUSES,
    PROFESSIONAL_NOT_ASSIGNED,
    assign_causes,
    cancelled_at_village,
    miss_causes,
    promise_misses,
)
from sim.results.promises import TIME_BANDS, first_midnight, met_target
from sim.world.build import build_world
from tests.conftest import TINY, orders, variant

# rural citizens give up after 10 minutes
IMPATIENT_RURAL = {
    "demand": {
        "patience": {"urban": {"kind": "fixed", "mean": 100000}, "rural": {"kind": "fixed", "mean": 10}}
    }
}


def causes_of(world, rows):
    """The cause name of each of ``rows``' orders (None when it met its promise)."""
    log = simulate(world, 1, orders(world, rows))
    judged, missed, cause = miss_causes(log, world)
    assert judged.all()
    assert ((cause >= 0) == missed).all()  # exactly the missed orders have a cause
    return [CAUSES[c] if c >= 0 else None for c in cause]


def test_an_urban_order_placed_when_nobody_is_on_duty_misses_for_lack_of_a_volunteer(tiny):
    assert causes_of(tiny, [(3 * 60.0, "A1", "errand"), (10 * 60.0, "A1", "errand")]) == [
        "no_volunteer",
        None,  # 10:00: on duty, accepted 2 minutes after placing
    ]


def test_a_slow_acceptance_is_the_cause_when_a_volunteer_was_reserved_in_time(tmp_path):
    world = build_world(variant(tmp_path, {"demand": {"acceptance_delay": {"kind": "fixed", "mean": 15}}}))
    assert causes_of(world, [(10 * 60.0, "A1", "errand")]) == ["acceptance"]


def test_a_citizen_giving_up_while_volunteers_are_free_is_a_cancellation(tmp_path):
    # two errands take village B1's 2 volunteers on duty at 10:00; a third at 10:05 waits for
    # its tier-1 timeout (30 minutes) while Beta's other volunteers (village B2, the town
    # team) are on duty and free; the citizen gives up after 10 minutes
    world = build_world(variant(tmp_path, IMPATIENT_RURAL))
    rows = [(600.0, "B1", "errand"), (600.0, "B1", "errand"), (605.0, "B1", "errand")]
    assert causes_of(world, rows) == [None, None, "cancelled"]


def test_a_cancellation_is_told_apart_by_whether_the_town_had_been_asked(tmp_path):
    # the errand at 10:05 waits at village B1 (its 2 volunteers busy) for its 30-minute
    # timeout: the citizen gives up at 10:15, before the town is asked. A repair (no village
    # offers it) goes to the town at once; at 10:05 the town team's 2 volunteers are busy with
    # two earlier repairs, so it waits there until the citizen gives up: the town was asked
    world = build_world(variant(tmp_path, IMPATIENT_RURAL))
    for skill, at_village in (("errand", True), ("repair", False)):
        rows = [(600.0, "B1", skill), (600.0, "B1", skill), (605.0, "B1", skill)]
        log = simulate(world, 1, orders(world, rows))
        _, _, cause = miss_causes(log, world)
        assert [CAUSES[c] if c >= 0 else None for c in cause] == [None, None, "cancelled"], skill
        assert cancelled_at_village(log, cause).tolist() == [False, False, at_village], skill


def test_the_lever_of_cancellations_at_the_village_is_to_ask_the_town_sooner():
    row = {"missed": 12, "cancelled": 10, AT_VILLAGE: 6}
    assert "dispatch.timeouts_min" in lever("cancelled", row, "en")
    assert "缩短村级派单等待时限" in lever("cancelled", row, "zh")  # (in words: no key in Chinese)
    assert "60.0%" in lever("cancelled", row, "en")
    # half or fewer at the village, or a table without the count: the staffing lever alone
    for other in ({**row, AT_VILLAGE: 5}, {"missed": 12, "cancelled": 10}):
        assert lever("cancelled", other, "en") == tr("lever.cancelled", "en")


def test_all_volunteers_of_the_town_busy_is_the_cause_before_the_wait(tiny):
    # 12 orders at 10:00 take every on-duty volunteer of Alpha (4 teams x 2); the 13th at 10:20
    # finds them all busy serving (30 minutes' service)
    rows = [(600.0, "A1", "errand")] * 12 + [(620.0, "A1", "errand")]
    log = simulate(tiny, 1, orders(tiny, rows))
    _, missed, cause = miss_causes(log, tiny)
    last = int(np.argmax(log.orders.t_placed))
    assert missed[last] and CAUSES[cause[last]] == "all_busy"


def test_the_causes_add_up_to_the_misses_of_every_group_and_town(tmp_path):
    out = tmp_path / "run"
    assert main(["run", str(TINY), "--out", str(out), "--jobs", "1", "--reps", "2"]) == 0
    summary = json.loads((out / "kpis.json").read_text(encoding="utf-8"))
    table = summary["miss_causes"]
    assert table["causes"] == list(CAUSES) and table["replications"] == 2
    for rows in (table["groups"], table["towns"], table["promises"]):
        for row in rows.values():
            assert sum(row[c] for c in CAUSES) == row["missed"] <= row["orders"]
            assert 0 <= row[AT_VILLAGE] <= row["cancelled"]
            assert 0 <= row[PROFESSIONAL_NOT_ASSIGNED] <= row["not_assigned"]
    # of the not-assigned misses, the professional orders: all of their group's, none of a town's
    if "professional" in table["groups"]:
        pro = table["groups"]["professional"]
        assert pro[PROFESSIONAL_NOT_ASSIGNED] == pro["not_assigned"]
    assert all(row[PROFESSIONAL_NOT_ASSIGNED] == 0 for row in table["towns"].values())
    kpis = summary["kpis"]
    for group, kpi in (("urban", "urban_10min"), ("rural", "rural_same_day")):
        if group in table["groups"]:
            assert table["groups"][group]["orders"] == kpis[kpi]["orders"]
    # a town's rows count the orders its compliance KPI counts (not its professional orders)
    for town, row in table["towns"].items():
        assert row["orders"] == kpis[f"town.{town}.compliance"]["orders"], town
    # each headline promise's own orders, by its own deadline: its KPI's orders, and its misses
    # those its KPI counts (one replication's share x orders, summed), split by cause
    assert set(table["promises"]) == {
        "urban_10min",
        "urban_10min_arrival",
        "rural_same_day",
        "rural_by_midnight",
        "open_overnight_per_1000",
        "professional_same_day",
        *(f"urban_10min_{band}" for band in TIME_BANDS),  # (the tiny county's urban orders)
    }
    # the professional promise's misses are the professional group's, by the same deadline
    assert table["promises"]["professional_same_day"] == {
        **table["groups"]["professional"],
        AFTER_CUTOFF: table["promises"]["professional_same_day"][AFTER_CUTOFF],
    }
    per_rep = summary["replications"]
    for name, row in table["promises"].items():
        assert row["orders"] == kpis[name]["orders"], name
        assert sum(row[c] for c in CAUSES) == row["missed"] <= row["orders"], name
        assert 0 <= row[AFTER_CUTOFF] <= row["missed"] and row[AT_VILLAGE] <= row["cancelled"], name
        before = table["promises_before_cutoff"].get(name, {"missed": 0})
        assert before["missed"] == row["missed"] - row[AFTER_CUTOFF], name
        scale = 1000.0 if name.endswith("_per_1000") else 1.0
        values = [r[name] / scale for r in per_rep if r[name] is not None]  # (a band may have none)
        share = sum(values) / len(values)  # (equal orders: approximately)
        assert row["missed"] / row["orders"] == pytest.approx(
            share if name.startswith("open_") else 1 - share, abs=0.05
        ), name
    # the bands split urban_10min's orders and misses, cause by cause
    bands = [table["promises"][f"urban_10min_{band}"] for band in TIME_BANDS]
    for key in ("orders", "missed", *CAUSES):
        assert sum(b[key] for b in bands) == table["promises"]["urban_10min"][key], key
    # the zone promises at the scenario's event are the groups' rows
    for group, kpi in (("urban", "urban_10min"), ("rural", "rural_same_day")):
        if group in table["groups"]:
            assert {k: table["promises"][kpi][k] for k in table["groups"][group]} == table["groups"][group]


def test_misses_are_exactly_the_orders_that_fail_their_promise(tiny):
    log = simulate(tiny, 3)
    judged, missed, cause = miss_causes(log, tiny)
    catalogue = judged & (log.orders.channel == 0)
    assert (missed[catalogue] == ~met_target(log, tiny)[catalogue]).all()
    assert ((cause >= 0) == missed).all()


def test_alerts_nobody_accepts_in_time_are_an_acceptance_miss_not_a_missing_assignment(tmp_path):
    # with dispatch as alerts and nobody accepting (probability 0), the urban order at 10:00 is
    # alerted at once while volunteers are on duty and free: its miss is the unanswered alerts
    fixed = {"kind": "fixed", "mean": 1}
    alerts = {"accept_probability": 0, "wave_size": 1, "turnout_day": fixed, "turnout_night": fixed}
    world = build_world(variant(tmp_path, {"dispatch": {"alerts": alerts}}))
    log = simulate(world, 1, orders(world, [(10 * 60.0, "A1", "errand")]))
    assert log.orders.t_alerted[0] == 600
    assert causes_of(world, [(10 * 60.0, "A1", "errand")]) == ["acceptance"]


def test_an_alerted_order_the_citizen_cancels_while_nobody_accepts_is_a_cancellation(tmp_path):
    # a rural order at 10:00, alerted at once, nobody accepting (probability 0): the citizen
    # gives up after 10 minutes, long before the same-day deadline; its miss is the patience
    fixed = {"kind": "fixed", "mean": 1}
    alerts = {"accept_probability": 0, "wave_size": 1, "turnout_day": fixed, "turnout_night": fixed}
    patience = {"urban": {"kind": "fixed", "mean": 100000}, "rural": {"kind": "fixed", "mean": 10}}
    world = build_world(variant(tmp_path, {"dispatch": {"alerts": alerts}, "demand": {"patience": patience}}))
    log = simulate(world, 1, orders(world, [(10 * 60.0, "B1", "errand")]))
    assert log.orders.t_alerted[0] == 600 and log.orders.t_cancelled[0] == 610
    assert causes_of(world, [(10 * 60.0, "B1", "errand")]) == ["cancelled"]


def test_at_arrival_an_order_accepted_in_time_but_reached_late_misses_for_the_drive(tmp_path):
    # acceptance after 2 minutes, a 15-minute turnout: met at acceptance, missed at arrival,
    # and its cause at arrival's deadline is the turnout and the drive (travel)
    fixed = {"kind": "fixed", "mean": 15}
    alerts = {"accept_probability": 1, "wave_size": 1, "turnout_day": fixed, "turnout_night": fixed}
    world = build_world(variant(tmp_path, {"dispatch": {"alerts": alerts}}))
    log = simulate(world, 1, orders(world, [(10 * 60.0, "A1", "errand")]))
    promises = promise_misses(log, world)
    assert not promises["urban_10min"][1][0] and promises["urban_10min_arrival"][1][0]
    judged, missed, due = promises["urban_10min_arrival"]
    assert CAUSES[assign_causes(log, world, missed, due)[0]] == "travel"


def test_at_arrival_an_order_accepted_too_late_for_a_trip_that_fits_the_promise_is_a_late_acceptance(
    tmp_path,
):
    # accepted 4 minutes after placing, a 7-minute turnout in its own place: reached at 11
    # minutes, though the trip alone fits the 10; its cause is the late acceptance, while an
    # 11-minute turnout accepted after 2 is a trip too long however soon it had been accepted
    def cause_at_arrival(delay: float, turnout: float) -> str:
        alerts = {
            "accept_probability": 1,
            "wave_size": 1,
            "turnout_day": {"kind": "fixed", "mean": turnout},
            "turnout_night": {"kind": "fixed", "mean": turnout},
        }
        settings = {
            "dispatch": {"alerts": alerts},
            "demand": {"acceptance_delay": {"kind": "fixed", "mean": delay}},
        }
        world = build_world(variant(tmp_path, settings))
        log = simulate(world, 1, orders(world, [(10 * 60.0, "A1", "errand")]))
        assert log.orders.t_accepted[0] == 600 + delay and log.orders.t_arrived[0] == 600 + delay + turnout
        judged, missed, due = promise_misses(log, world)["urban_10min_arrival"]
        assert judged[0] and missed[0]
        return CAUSES[assign_causes(log, world, missed, due)[0]]

    assert cause_at_arrival(4, 7) == "accepted_late"
    assert cause_at_arrival(2, 11) == "travel"
    assert cause_at_arrival(1, 10) == "accepted_late"  # (a trip of exactly 10 fits the 10 minutes)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_cause_has_a_name_a_lever_and_a_colour_of_its_own(lang):
    for cause in CAUSES:
        assert tr(f"cause.{cause}", lang) and tr(f"lever.{cause}", lang), cause
    colours = [CAUSE_COLORS[c] for c in (*CAUSES, "travel_arrival")]
    assert len(set(colours)) == len(colours)


def test_never_overnight_is_judged_at_the_first_midnight(tiny):
    # an order at 23:00 with nobody on duty until 08:00 is open at midnight: a miss of never
    # overnight, due at that midnight, for lack of a volunteer
    log = simulate(tiny, 1, orders(tiny, [(23 * 60.0, "B1", "errand")]))
    judged, missed, due = promise_misses(log, tiny)["open_overnight_per_1000"]
    assert judged[0] and missed[0] and due[0] == first_midnight(log)[0]
    assert CAUSES[assign_causes(log, tiny, missed, due)[0]] == "no_volunteer"
