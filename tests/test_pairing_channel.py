"""The pairing channel (the paired units' service projects) and drawn on-duty counts."""

from __future__ import annotations

import numpy as np
from scipy import stats

from sim.config.channels import CHANNELS
from sim.model.channels import pairing
from sim.model.rng import Streams
from sim.model.roster import on_duty_by_hour
from sim.results.logs import CLOSED, OPEN
from sim.world.build import build_world
from tests.conftest import DAY, variant
from tests.test_mechanisms import ONLY_ALPHA, run

PROJECT = {
    "id": "project",
    "skill": "pairing_project",
    "channel": "pairing",
    "service": {"kind": "fixed", "mean": 60},
}


def _paired(
    tmp_path, extra: dict | None = None, answer_ordinary: bool = True, per_year: float = 1.0, schedule="day"
):
    """Tiny county with B2 paired with a 10-member unit at A1 (20 km: 20 minutes each way),
    Alpha's teams only (B2's own team is never on duty), and one kind of project."""
    pairs = tmp_path / "pairs.csv"
    pairs.write_text("village_code,unit_kind,unit_name,home_code\nB2,firm,firm-1,A1\n", encoding="utf-8")
    catalog = [
        {"id": "errand", "skill": "errand", "share": 0.8, "service": {"kind": "fixed", "mean": 30}},
        {"id": "repair", "skill": "repair", "share": 0.1, "service": {"kind": "fixed", "mean": 60}},
        {"id": "legal", "skill": "legal", "share": 0.1, "professional": True},
        PROJECT,
    ]
    return build_world(
        variant(
            tmp_path,
            {
                **ONLY_ALPHA,
                "catalog": catalog,
                "pairing": {
                    "strategy": "listed",
                    "file": str(pairs),
                    "kinds": {"firm": {"members": 10, "skills": ["errand"], "schedule": schedule}},
                    "answer_ordinary": answer_ordinary,
                    "projects": {
                        "projects": {"project": 100},
                        "due_days": 3,
                        "orders_per_project_per_year": per_year,
                    },
                },
                **(extra or {}),
            },
        )
    )


def test_a_project_is_delivered_by_the_villages_paired_unit_and_held_to_its_deadline(tmp_path):
    world = _paired(tmp_path)
    o = run(world, [(540.0, "B2", "project")])
    assert world.teams.name[o.team[0]] == "paired:firm-1" and o.tier_max[0] == 1
    assert o.channel[0] == CHANNELS.index("pairing")
    # accepted after 2 minutes, 20 minutes' travel, 60 minutes on site
    assert (o.t_assigned[0], o.t_accepted[0]) == (540, 542)
    assert abs(o.t_closed[0] - (542 + 20 + 60)) < 0.1
    assert o.t_deadline[0] == 540 + 3 * DAY


def test_a_project_waits_at_tier_one_for_the_paired_unit_never_escalating_nor_cancelled(tmp_path):
    # placed at 19:00, after the unit's day (08-18): it waits overnight in the village's queue,
    # though the town and county have free teams... without the skill; a patience of 10
    # minutes (which would cancel a catalogue order) does not apply
    world = _paired(tmp_path, {"demand": {"patience": {"rural": {"kind": "fixed", "mean": 10}}}})
    o = run(world, [(1140.0, "B2", "project"), (1140.0, "B2", "errand")])
    project, errand = (0, 1) if o.item[0] == [i.id for i in world.items].index("project") else (1, 0)
    assert o.outcome[errand] != CLOSED  # the catalogue order is cancelled (or left open)
    assert o.outcome[project] == CLOSED and o.tier_max[project] == 1
    assert o.t_assigned[project] == DAY + 480  # the next morning, when the unit comes on duty
    assert world.teams.name[o.team[project]] == "paired:firm-1"


def test_a_project_of_a_village_whose_unit_never_works_stays_open(tmp_path):
    # no escalation: other teams (the county's, with the skill of nobody but paired units)
    # never take it, and it does not skip past its village's scope
    never = [0.0] * 24
    world = _paired(
        tmp_path, {"schedules": {"never": {"weekday": never, "weekend": never}}}, schedule="never"
    )
    o = run(world, [(540.0, "B2", "project")])
    assert o.outcome[0] == OPEN and o.tier_max[0] == 1


def test_paired_units_answer_ordinary_orders_only_if_set(tmp_path):
    on = _paired(tmp_path)
    off = _paired(tmp_path, answer_ordinary=False)
    assert run(on, [(540.0, "B2", "errand")]).team[0] == on.teams.name.index("paired:firm-1")
    o = run(off, [(540.0, "B2", "errand")])
    # Beta's own teams are never on duty: the order escalates and another team takes it
    assert off.teams.name[o.team[0]] != "paired:firm-1" and o.tier_max[0] >= 2
    assert run(off, [(540.0, "B2", "project")]).team[0] == off.teams.name.index("paired:firm-1")


def test_project_orders_arrive_at_the_stated_rate(tmp_path):
    # 100 projects ordered 12 times a year each, over 60 days: 197.3 orders expected from the
    # one paired village; the Poisson count must lie in its 99.9% two-sided interval
    world = _paired(tmp_path, per_year=12.0)
    settings = world.scenario.pairing.projects
    horizon = 60 * DAY
    a = pairing.arrivals(world, Streams(np.random.SeedSequence(11)), horizon)
    expected = 100 * settings.orders_per_project_per_year * 60 / 365
    low, high = stats.poisson.interval(0.999, expected)
    assert low <= len(a) <= high
    assert set(a.place.tolist()) == {world.places.index("B2")}
    assert set(a.item.tolist()) == {[i.id for i in world.items].index("project")}
    assert a.time.min() >= 0 and a.time.max() < horizon


def test_small_teams_on_duty_counts_are_drawn_with_the_expected_mean(tmp_path):
    # 5 members x 7% = 0.35 expected on duty: rounded, never anyone; drawn, in about a third
    # of the shift blocks, the mean within its 99.9% confidence interval of members x share
    share = [0.0] * 8 + [0.07] * 10 + [0.0] * 6
    overrides = {
        "schedules": {"small": {"weekday": share, "weekend": share}},
        "teams": {
            "village_members_village": 5,
            "village_members_community": 5,
            "village_schedule": "small",
            "community_schedule": "small",
            "show_up": 1.0,
        },
    }
    drawn = build_world(variant(tmp_path, overrides, "drawn"))
    rounded = build_world(
        variant(tmp_path, {**overrides, "teams": {**overrides["teams"], "duty_counts": "rounded"}}, "rounded")
    )
    days = 400
    villages = [i for i, name in enumerate(drawn.teams.name) if name.startswith("village:")]
    counts = on_duty_by_hour(drawn.teams, 24 * days, 0, 1.0, Streams(np.random.SeedSequence(5)))[villages]
    assert (
        on_duty_by_hour(rounded.teams, 24 * days, 0, 1.0, Streams(np.random.SeedSequence(5)))[villages].max()
        == 0
    )
    blocks = counts[:, 8::24]  # one draw per team and day (the block 08-18)
    assert np.array_equal(counts[:, 9::24], blocks) and counts[:, 7::24].max() == 0
    assert set(np.unique(blocks).tolist()) == {0, 1}
    n = blocks.size
    half = stats.norm.ppf(0.9995) * np.sqrt(0.35 * 0.65 / n)
    assert abs(blocks.mean() - 0.35) < half
