"""``scripts/all_busy_check.py``: its hook counts the free on-duty volunteers of an order's town
at placing, as the dispatcher sees them, and rule 2 of the miss causes, read from the logs after
the run, agrees with it: a team whose shift ended while it served counts busy, but not against
the town's other teams, and volunteers away (activities, batch crews, absences) count busy
(docs/kpis.md)."""

from __future__ import annotations

import importlib.util
import sys

import numpy as np
import pytest

from sim.model.replication import Replication
from sim.results.causes import CAUSES, free_in_town, miss_causes
from sim.world.build import build_world
from tests.conftest import orders, variant

REPO_SCRIPT = "scripts/all_busy_check.py"
# the town station on duty to 20:00, the other teams to 18:00 (tiny: 2 of 10 members each)
LATE_STATION = {
    "schedules": {
        "late": {
            "weekday": [0] * 8 + [0.2] * 12 + [0] * 4,
            "weekend": [0] * 8 + [0.2] * 12 + [0] * 4,
        }
    },
    "teams": {"town": {"members": 10, "skills": ["errand", "repair"], "schedule": "late"}},
    # an urban order waits 15 minutes at its village before its town is asked
    "dispatch": {"timeouts_min": {"urban": [15, 10], "rural": [30, 60]}},
}


@pytest.fixture
def script(monkeypatch):
    """The script, imported as a module (its main() does not run)."""
    from pathlib import Path

    path = Path(__file__).resolve().parent.parent / REPO_SCRIPT
    spec = importlib.util.spec_from_file_location("all_busy_check", path)
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, module)
    monkeypatch.setattr(sys, "path", list(sys.path))
    spec.loader.exec_module(module)
    module._FREE_AT_PLACING.clear()
    return module


def run_with_hook(script, world, rows):
    """Run ``rows`` (time, place, item) on ``world`` with the script's hook; the log and the
    free volunteers counted at each order's placing."""
    rep = Replication(world, np.random.SeedSequence(1), orders(world, rows))
    script.count_free_at_placing(rep)
    log = rep.run()
    return log, script._FREE_AT_PLACING[-1]


def test_the_hook_counts_the_free_on_duty_volunteers_of_the_town_at_placing(script, tiny):
    # Alpha's teams answering catalogue orders: A1's, A2's, the station and the county center,
    # 2 on duty each from 08:00; the first order at 10:00 takes one of A1's
    log, free = run_with_hook(
        script, tiny, [(600.0, "A1", "errand"), (601.0, "A1", "errand"), (300.0, "A1", "errand")]
    )
    by_time = dict(zip(log.orders.t_placed.tolist(), free.tolist()))
    assert by_time == {300.0: 0, 600.0: 8, 601.0: 7}


def test_a_station_volunteer_free_after_a_shift_end_is_not_all_busy(script, tmp_path):
    world = build_world(variant(tmp_path, LATE_STATION))
    # 17:50: two orders take A1's two on-duty volunteers (30 minutes' service), who finish after
    # A1 goes off duty at 18:00; at 18:05 an urban order at A1 waits at its village (spare -2)
    # while the station's two, on duty to 20:00, are free; its town is asked at 18:20, too late.
    # Counted by town alone, A1's two busy volunteers would make up for the station's two free
    # ones ("all busy"); team by team, the station's are free: the order misses unassigned
    rows = [(1070.0, "A1", "errand"), (1070.0, "A1", "errand"), (1085.0, "A1", "errand")]
    log, free = run_with_hook(script, world, rows)
    _, missed, cause = miss_causes(log, world)
    last = int(np.argmax(log.orders.t_placed))
    assert free[last] == 2  # the station's volunteers
    assert missed[last] and CAUSES[cause[last]] == "not_assigned"
    # the log notes A1's two busy beyond duty from 18:00 until they are back at 18:22 (2 minutes
    # to accept, 30 to serve)
    b = log.beyond_duty
    assert list(zip(b.t.tolist(), b.change.tolist())) == [(1080.0, 2), (1102.0, -1), (1102.0, -1)]
    town = log.orders.town[[last]]
    assert free_in_town(log, world, town, np.array([1085.0])).tolist() == [2.0]


BATCHED = "policies/aojiang_lockdown_batched.yaml"


@pytest.mark.parametrize(
    "policy, overrides",
    [
        ("", {}),
        (BATCHED, {}),
        # crews of a professional organisation, a team the town's counts leave out
        (BATCHED, {"events[0].delivery.designated": ["professional:medical"]}),
    ],
)
def test_the_logs_free_count_is_the_dispatchers_at_every_placing(script, policy, overrides):
    # every order of a few default days (and of the batched lockdown: crews and platform), at
    # its placing: the town's free volunteers read from the logs (on duty by the hour, busy
    # intervals, volunteers away and busy beyond duty) equal the dispatcher's own, team by
    # team; orders placed on
    # the same minute as other events (the packages' visits, booked on whole minutes) are left
    # out, since the log cannot tell which of that minute's events came first
    import dataclasses

    from sim.config.load import load_scenario
    from sim.experiments.pilot import prepare_world

    path = script.DEFAULT.parent / policy if policy else script.DEFAULT
    scenario = load_scenario(path, overrides=overrides)
    scenario = dataclasses.replace(scenario, run=dataclasses.replace(scenario.run, days=3))
    world = prepare_world(scenario)
    rep = Replication(world, np.random.SeedSequence(5))
    script.count_free_at_placing(rep)
    log = rep.run()
    free = script._FREE_AT_PLACING[-1]
    o = log.orders
    counted = (free >= 0) & (o.t_placed != np.round(o.t_placed))
    assert counted.sum() > 1500 and len(log.beyond_duty) > 0
    from_log = free_in_town(log, world, o.town[counted], o.t_placed[counted])
    assert from_log.tolist() == free[counted].astype(float).tolist()
    # and rule 2 never reads "all busy" where a volunteer was free
    _, _, cause = miss_causes(log, world)
    assert not ((cause == CAUSES.index("all_busy")) & (free > 0)).any()


def test_the_arms_change_only_the_station_schedule_hours_they_name(script):
    from sim.config.load import load_scenario

    station = load_scenario(script.DEFAULT).schedules["station"]
    arms = script.arms_of(station)
    assert arms["default"] == {}
    for day in ("weekday", "weekend"):
        shares = getattr(station, day)
        midnight = arms["stations to midnight"][f"schedules.station.{day}"]
        by_day = arms["stations by day x1.5"][f"schedules.station.{day}"]
        assert midnight[:22] == shares[:22] and midnight[22:] == [shares[21]] * 2
        assert by_day[8:18] == pytest.approx([1.5 * s for s in shares[8:18]])
        assert by_day[:8] == shares[:8] and by_day[18:] == shares[18:]


def test_an_absence_an_extension_takes_counts_busy_in_the_log(script, tiny):
    # an extension closes every team of the tiny county at 09:50, whatever the roster
    # (docs/extending.md): the log counts its volunteers away, so the town has none free, as
    # the dispatcher sees it, though two of each team are on duty and none is serving
    def close_all(rep):
        yield rep.env.timeout(590.0)
        for team in range(len(rep.world.teams.name)):
            rep.take_volunteers(team, int(rep.world.teams.members[team]))

    rep = Replication(tiny, np.random.SeedSequence(1), orders(tiny, [(600.5, "A1", "errand")]))
    rep.add_process(close_all)
    script.count_free_at_placing(rep)
    log = rep.run()
    o = log.orders
    assert script._FREE_AT_PLACING[-1].tolist() == [0]
    assert free_in_town(log, tiny, o.town, o.t_placed).tolist() == [0.0]
    assert log.on_duty_by_town[o.town[0], 10] == 8 and set(log.away.change.tolist()) == {10}
