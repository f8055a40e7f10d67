"""Why a surge event's orders miss the event's deadline (sim/results/event_causes.py): exact
timelines on the five-place test county (tests/data/tiny.yaml: 1 minute per km, no set-off
time, teams on duty 08:00-18:00, day 0 a Monday), as tests/test_batches.py builds them. The
event is on B2, 10 km from Beta's seat B1, where its 4 call-ups (08:00-20:00) set off; the
platform collects every 60 minutes from midnight, crews of 2 take batches of up to 2, shop for
45 minutes and hand over 3 minutes an order: a batch of one collected at T closes at T + 58."""

from __future__ import annotations

import json

import numpy as np
import pytest

from sim.experiments.runner import run_replications
from sim.model.replication import simulate
from sim.reporting import briefing_text
from sim.reporting.kpi_summary import UNDECIDED_HEADER, build_summary, event_cause_line, kpi_table
from sim.reporting.shapes import KPIS_JSON, Malformed, _check, _kpis_consistency
from sim.results.causes import CAUSES, assign_causes
from sim.results.event_causes import (
    EVENT_CAUSES,
    event_cause_table,
    event_miss_causes,
    first_collection,
)
from sim.results.event_kpis import event_kpis, event_orders
from sim.world.build import build_world
from tests.conftest import orders, variant
from tests.test_batches import DELIVERY, lockdown


def causes_of(world, rows):
    """(log, cause names of the missed orders in order of placing; None for orders met)."""
    log = simulate(world, 1, orders(world, rows))
    _, _, missed, cause = event_miss_causes(log, world)
    return log, [EVENT_CAUSES[c] if m else None for m, c in zip(missed, cause)]


def test_the_first_collection_is_the_next_one_after_the_upload_or_the_events_end(tmp_path):
    world = lockdown(tmp_path, start_day=0.5)  # noon to noon: collections at 13:00, 14:00...
    t = np.array([720.0, 750.0, 780.0, 2150.0])  # (an upload at a collection's minute: that one)
    assert first_collection(world, 0, t).tolist() == [780.0, 780.0, 780.0, 2160.0]
    world = lockdown(tmp_path, {**DELIVERY, "collect_every_min": 100}, start_day=0.5)
    assert first_collection(world, 0, np.array([2155.0])).tolist() == [2160.0]  # the event's end


def test_a_batch_collected_in_time_that_closes_late_is_the_trip(tmp_path):
    # a 1-hour promise: uploaded 08:10, due 09:10; collected at 09:00, closed at 09:58
    world = lockdown(tmp_path, {**DELIVERY, "deadline_hours": 1})
    log, why = causes_of(world, [(490.0, "B2", "errand")])
    assert log.orders.t_assigned[0] == 540.0 and log.orders.t_closed[0] == pytest.approx(598.0, abs=0.1)
    assert why == ["trip"]


def test_a_first_collection_after_the_deadline_is_the_collection_wait(tmp_path):
    # collections every 2 hours: uploaded 08:10, due 09:10, the next collection is at 10:00
    world = lockdown(tmp_path, {**DELIVERY, "deadline_hours": 1, "collect_every_min": 120})
    log, why = causes_of(world, [(490.0, "B2", "errand")])
    assert log.orders.t_assigned[0] == 600.0
    assert why == ["collection_wait"]


def test_an_order_left_at_a_collection_while_the_crews_are_out_is_crews_busy(tmp_path):
    # five orders 08:10-08:30 with a 3-hour promise: at 09:00 the two crews take four of them;
    # the fifth (due 11:30) waits: both crews are still out at 10:00, one takes it at 11:00 and
    # closes it at 11:58. The four others close at 10:01 and 09:58, in time
    world = lockdown(tmp_path, {**DELIVERY, "deadline_hours": 3})
    log, why = causes_of(world, [(490.0 + 5 * k, "B2", "errand") for k in range(5)])
    assert log.orders.t_assigned[4] == 660.0
    assert why == [None, None, None, None, "crews_busy"]


def test_an_order_waiting_while_no_crew_is_on_duty_is_no_crew(tmp_path):
    # a two-day event; uploaded 19:30 with a 3-hour promise (due 22:30): at 20:00 the call-ups
    # have gone home and no crew is out on a trip; the 08:00 collection of day 1 takes it
    world = lockdown(tmp_path, {**DELIVERY, "deadline_hours": 3}, days=2)
    log, why = causes_of(world, [(1170.0, "B2", "errand")])
    assert log.orders.batch[0] == 0 and log.orders.t_assigned[0] == 1440.0 + 480.0
    assert log.batches.t_start.tolist() == [1440.0 + 480.0]
    assert why == ["no_crew"]


def test_an_order_no_batch_took_is_left_on_the_platform_when_due_after_the_event(tmp_path):
    # a one-day event: the order of 19:30 is still on the platform at midnight and goes to the
    # ordinary dispatch, which serves it at 08:00 (tests/test_batches.py). Due at 01:30, after
    # the event's end, it was left on the platform; due at 22:30, within the event, it missed
    # for the same reason as in a two-day event: no crew on duty from 20:00
    for hours, cause in ((6, "left_on_platform"), (3, "no_crew")):
        world = lockdown(tmp_path, {**DELIVERY, "deadline_hours": hours})
        log, why = causes_of(world, [(1170.0, "B2", "errand")])
        assert log.orders.batch[0] == -1 and log.orders.platform_event[0] == 0
        assert why == [cause], hours


def test_an_upload_at_a_collections_own_minute_is_judged_by_that_collection(tmp_path):
    # collections every 2 hours, a 1-hour promise, 50 minutes' shopping: uploaded at 08:00, when
    # the call-ups come on duty and the platform collects; taken then, closed at 09:03, after
    # its 09:00 deadline: the trip, not the wait for the 10:00 collection
    delivery = {**DELIVERY, "deadline_hours": 1, "collect_every_min": 120, "shopping_min": 50}
    world = lockdown(tmp_path, delivery)
    log, why = causes_of(world, [(480.0, "B2", "errand")])
    assert log.orders.t_assigned[0] == 480.0 and log.orders.t_closed[0] > 540.0
    assert why == ["trip"]


def test_event_orders_dispatched_alone_take_the_per_order_causes_by_the_events_deadline(tmp_path):
    # per order: an order of 02:00 at B2, when nobody in Beta is on duty, misses its 1-hour promise
    delivery = {"mode": "per_order", "deadline_hours": 1}
    world = lockdown(tmp_path, delivery)
    log, why = causes_of(world, [(120.0, "B2", "errand")])
    assert log.orders.platform_event[0] == -1 and why == ["no_volunteer"]
    # a batched event's item it does not batch (the repair) is dispatched at once, alone: its
    # cause is the per-order rules' by the event's deadline (6 minutes here)
    delivery = {**DELIVERY, "items": ["errand"], "deadline_hours": 0.1}
    world = lockdown(tmp_path, delivery, item_mix={"errand": 1, "repair": 1})
    log, why = causes_of(world, [(495.0, "B2", "repair")])
    mine, deadline = event_orders(log, world)
    alone = assign_causes(log, world, mine, deadline)
    assert log.orders.platform_event[0] == -1 and why == [CAUSES[alone[0]]]
    assert why[0] in EVENT_CAUSES and why[0] != "administrator"


BATCHED, PER_ORDER = {**DELIVERY, "deadline_hours": 2}, {"mode": "per_order", "deadline_hours": 1}


@pytest.mark.parametrize("delivery", [BATCHED, PER_ORDER])
def test_the_causes_add_up_to_the_misses_event_on_time_counts(tmp_path, delivery):
    # random demand over two days on B2 and A2, both events measured, 4 call-ups each: every
    # missed order has exactly one cause, and the misses are those event_on_time judges missed
    events = [
        {
            "name": name,
            "places": [place],
            "days": 2,
            "multiplier": 2,
            "callups": [{"town": town, "hours": [8, 20], "volunteers": 4}],
            "delivery": delivery,
        }
        for name, place, town in (("b", "B2", "Beta"), ("a", "A2", "Alpha"))
    ]
    scenario = variant(tmp_path, {"demand": {"orders_per_1000_per_day": 1.0}, "events": events})
    world = build_world(scenario)
    for seed in (1, 2):
        log = simulate(world, seed)
        event, judged, missed, cause = event_miss_causes(log, world)
        assert missed.sum() > 0 and (missed <= judged).all()
        assert ((cause >= 0) == missed).all()  # one cause per missed order, none for the others
        on_time = event_kpis(log, world)["event_on_time"]
        assert missed.sum() == pytest.approx((1 - on_time) * judged.sum())
        assert set(event[judged].tolist()) <= {0, 1}
    reps = run_replications(scenario, 2, 3, jobs=1, world=world, progress=False)
    table = event_cause_table(reps, world)
    assert [row["name"] for row in table["events"]] == ["b", "a"]
    seen = {c for row in table["events"] for c in table["causes"] if row[c]}
    assert len(seen) >= 3  # (several causes at once: left on the platform, crews, trip...)
    assert seen <= set(EVENT_CAUSES[:5] if delivery is BATCHED else EVENT_CAUSES[5:])
    for row in table["events"]:
        assert sum(row[c] for c in table["causes"]) == row["missed"]
        assert row["per_replication"]["missed"] == row["missed"] / 2
        if row["missed"]:
            assert sum(row["share"].values()) == pytest.approx(1.0)
    # kpis.json carries it, in the shape report checks, causes adding up to the misses
    summary = json.loads(json.dumps(build_summary(scenario, reps, 3, world)))
    assert summary["event_causes"] == json.loads(json.dumps(table))
    _check(summary, KPIS_JSON, "")
    _kpis_consistency(summary)
    summary["event_causes"]["events"][0]["missed"] += 1
    with pytest.raises(Malformed, match="add up to"):
        _kpis_consistency(summary)
    del summary["event_causes"]["events"][0]["trip" if delivery is BATCHED else "service"]
    with pytest.raises(Malformed, match="is missing"):
        _kpis_consistency(summary)


def test_no_event_table_without_a_measured_event(tiny):
    reps = run_replications(tiny.scenario, 1, 3, jobs=1, world=tiny, progress=False)
    assert event_cause_table(reps, tiny) is None
    assert "event_causes" not in build_summary(tiny.scenario, reps, 3, tiny)


def summary_with(verdict: str, counts: dict[str, int], reps: int = 2) -> dict:
    """A kpis.json with event_on_time judged ``verdict`` and one event's misses by cause."""
    row = {c: counts.get(c, 0) for c in EVENT_CAUSES}
    missed = sum(row.values())
    on_time = {
        "label": "Event orders delivered by the event's deadline",
        "unit": "share",
        "direction": 1,
        "mean": 0.8,
        "low": 0.7,
        "high": 0.9,
        "sd": 0.05,
        "half_width": 0.1,
        "n": reps,
        "target": 0.95,
        "target_op": ">=",
        "verdict": verdict,
    }
    return {
        "kpis": {"event_on_time": on_time},
        "event_causes": {
            "replications": reps,
            "causes": list(EVENT_CAUSES),
            "events": [
                {"event": 0, "name": "lockdown", "mode": "batched", "orders": 200, "missed": missed, **row}
            ],
        },
    }


def test_the_line_names_the_largest_cause_and_its_lever_when_event_on_time_is_not_met():
    summary = summary_with("missed", {"crews_busy": 31, "trip": 15, "collection_wait": 4})
    line = event_cause_line(summary, "en")
    assert line == (
        "Most misses: \u201cAll crews out\u201d (62.0% of 25 a replication); lever: more call-ups "
        "(events[].callups) or fewer a trip (volunteers_per_batch)."
    )
    zh = event_cause_line(summary, "zh")
    assert zh.startswith("未按时送达的主要原因：\u201c配送小组全部外出\u201d（平均每次重复 25 单中占 62.0%）")
    assert "（events[].callups）" in zh and "volunteers_per_batch" in zh
    assert "collect_every_min" in event_cause_line(summary_with("uncertain", {"collection_wait": 3}), "en")
    # met, or no misses to name a cause of: no line
    assert event_cause_line(summary_with("met", {"trip": 3}), "en") is None
    assert event_cause_line(summary_with("uncertain", {}), "en") is None


def test_the_briefing_and_the_terminal_carry_the_line():
    summary = summary_with("missed", {"no_crew": 9, "trip": 1})
    data = {
        "targets": {"urban_response_min": 10},
        "events": [
            {
                "name": "lockdown",
                "mode": "batched",
                "collect_every_min": 60.0,
                "batch_size": 2,
                "volunteers_per_batch": 2,
                "deadline_hours": 3.0,
            }
        ],
    }
    for name in ("event_response_p50", "event_close_p50", "event_close_p90", "event_volunteer_hours"):
        summary["kpis"][name] = {**summary["kpis"]["event_on_time"], "unit": "minutes", "mean": 60.0}
        for key in ("target", "target_op", "verdict"):
            del summary["kpis"][name][key]
    for lang in ("en", "zh"):
        lines = briefing_text.event_lines(summary, data, lang)
        assert len(lines) == 3 and lines[2] == event_cause_line(summary, lang)
        assert "events[].callups[].hours" in lines[2]
    en = briefing_text.event_lines(summary, data, "en")[2]
    assert en.startswith("Most misses: \u201cNo crew on duty or free\u201d (90.0% of 5.0 a replication)")
    table = kpi_table(summary, ["event_on_time"])
    assert table.splitlines()[-1] == en
    # right under the table, before the uncertain verdicts' lines (not read as one of them)
    uncertain = summary_with("uncertain", {"no_crew": 9, "trip": 1})
    uncertain["kpis"]["event_on_time"]["reps_to_decide"] = 12
    lines = kpi_table(uncertain, ["event_on_time"]).splitlines()
    assert lines[3].startswith("Most misses: ") and lines[4] == UNDECIDED_HEADER
    met = summary_with("met", {"no_crew": 9})
    met["kpis"].update({k: v for k, v in summary["kpis"].items() if k != "event_on_time"})
    assert len(briefing_text.event_lines(met, data, "en")) == 2
    assert "Most misses" not in kpi_table(met, ["event_on_time"])
