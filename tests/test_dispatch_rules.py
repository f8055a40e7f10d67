"""Dispatch rules (dispatch.rule), keep_lower_scope and scope (widen/handover) on the five-place test county.

Tiny county: travel 1 minute per km, no set-off time; A2 is 5 km from A1, B2 15 km from A2."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from sim.config.load import load_scenario
from sim.config.teams import TEAM_LEVELS
from sim.model.dispatcher import Dispatcher
from sim.model.orders import WAITING
from sim.model.replication import simulate
from sim.world.build import build_world
from tests.conftest import orders, variant
from tests.test_mechanisms import ONLY_ALPHA


def order_table(place, skill, need, tier):
    """The columns of an order table the dispatcher reads, for orders all waiting."""
    return SimpleNamespace(
        place=list(place), skill=list(skill), need=list(need), tier=list(tier), state=[WAITING] * len(place)
    )


def two_waiting_orders(world, places, tiers=None):
    """A dispatcher with waiting errand orders at ``places`` (same deadline, in order), at
    ``tiers`` (default: all in the county queue)."""
    skill = world.skills.index("errand")
    d = Dispatcher(
        world,
        order_table(
            [world.places.index(p) for p in places],
            [skill] * len(places),
            [1] * len(places),
            tiers or [3] * len(places),
        ),
    )
    for order in range(len(places)):
        d.enqueue(order, 1440.0)
    return d


@pytest.mark.parametrize("rule, first", [("nearest", "A2"), ("edf", "B2"), ("least_loaded", "A2")])
def test_freed_team_takes_earliest_deadline_or_earliest_latest_start(tmp_path, rule, first):
    # both orders due at 24:00, A2's in its village queue, B2's in the county queue; A2's
    # volunteer frees: nearest first takes the first placed (A2, 0 min away), edf the one that
    # must start first (B2: 15 min away)
    world = build_world(variant(tmp_path, {**ONLY_ALPHA, "dispatch": {"rule": rule}}))
    d = two_waiting_orders(world, ["A2", "B2"], tiers=[1, 3])
    team = world.teams.name.index("village:A2")
    d.set_on_duty(team, 1)
    assert world.places.code[d.orders.place[d.find_order(team)]] == first


@pytest.mark.parametrize(
    "rule, team", [("nearest", "village:A2"), ("edf", "village:A2"), ("least_loaded", "village:A1")]
)
def test_order_goes_to_nearest_or_least_loaded_team(tmp_path, rule, team):
    # A2's team is busy with one of its two on-duty volunteers; a B2 order (nobody in Beta)
    # goes county-wide: A2 is nearest (15 km), A1's team (20 km) has nobody busy
    world = build_world(variant(tmp_path, {**ONLY_ALPHA, "dispatch": {"rule": rule}}))
    o = simulate(world, 1, orders(world, [(540.0, "A2", "errand"), (541.0, "B2", "errand")])).orders
    assert world.teams.name[o.team[1]] == team


@pytest.mark.parametrize("keep, taken", [(True, True), (False, False)])
def test_escalated_order_taken_by_its_paired_unit_only_if_scope_widens(tmp_path, keep, taken):
    pairs = tmp_path / "pairs.csv"
    pairs.write_text("village_code,unit_kind,unit_name,home_code\nB2,firm,firm-1,A1\n", encoding="utf-8")
    world = build_world(
        variant(
            tmp_path,
            {
                **ONLY_ALPHA,
                "pairing": {
                    "strategy": "listed",
                    "file": str(pairs),
                    "kinds": {"firm": {"members": 10, "skills": ["errand"], "schedule": "day"}},
                },
                "dispatch": {"keep_lower_scope": keep},
            },
        )
    )
    d = two_waiting_orders(world, ["B2"])
    d.orders.tier = [2]  # escalated to Beta's town scope, where no team is on duty
    firm = world.teams.name.index("paired:firm-1")
    d.set_on_duty(firm, 1)
    assert (d.find_team(0) == firm) is taken
    assert (d.find_order(firm) == 0) is taken


@pytest.mark.parametrize("keep", [True, False])
def test_an_order_that_left_its_village_in_a_widening_scope_is_not_its_village_teams(tmp_path, keep):
    # widen: tier 2 is every team of the town, the order's own village team included; with
    # keep_lower_scope false the order has left its village for good: A2's own team may no
    # longer take it, A1's (another village of the town) and the station still may
    world = build_world(variant(tmp_path, {"dispatch": {"scope": "widen", "keep_lower_scope": keep}}))
    names = world.teams.name
    for who, may in (("village:A2", keep), ("village:A1", True), ("town:Alpha", True)):
        for tier in (2, 3):
            d = two_waiting_orders(world, ["A2"], tiers=[tier])
            team = names.index(who)
            d.set_on_duty(team, 1)
            assert (d.find_order(team) == 0) is may, (who, tier)
            d = two_waiting_orders(world, ["A2"], tiers=[tier])
            d.set_on_duty(team, 1)
            assert (d.find_team(0) == team) is may, (who, tier)


@pytest.mark.parametrize("keep, tier, team", [(True, 2, "village:A2"), (False, 3, "village:B1")])
def test_an_order_only_its_village_could_serve_in_town_passes_the_town_when_it_leaves_it(
    tmp_path, keep, tier, team
):
    # Alpha's community has no members, its station and the county center (at Alpha) no repair
    # skill: in the town only A2's
    # own team repairs. A2's two on-duty volunteers are busy with errands until 572; its
    # repair escalates at 571. Keeping lower scopes, it waits at tier 2 for A2's team; leaving
    # its village, the town offers nobody, so it goes on to the county at once, where Beta's
    # nearest village team takes it
    teams = {
        "village_members_community": 0,
        "village_skills": ["errand", "repair"],
        "town": {"members": 10, "skills": ["errand"], "schedule": "day"},
        "county": {"name": "center", "count": 1, "members": 10, "skills": ["errand"], "schedule": "day"},
    }
    world = build_world(variant(tmp_path, {"teams": teams, "dispatch": {"keep_lower_scope": keep}}))
    rows = [(540.0, "A2", "errand"), (540.0, "A2", "errand"), (541.0, "A2", "repair")]
    o = simulate(world, 1, orders(world, rows)).orders
    assert o.tier_max[2] == tier
    assert world.teams.name[o.team[2]] == team
    if not keep:
        assert o.t_assigned[2] == pytest.approx(571.0)


# ---------------------------------------------------------------- dispatch.scope: handover


@pytest.mark.parametrize("scope, team", [("widen", "village:A1"), ("handover", "town:Alpha")])
def test_escalated_urban_order_goes_to_town_team_or_to_the_station(tmp_path, scope, team):
    # A2's two on-duty volunteers are busy; the third order (A2 is a rural village) escalates to
    # Alpha after 30 minutes.
    # Widening: every Alpha team may take it, and village:A1 (at the seat, lower id) ties the
    # station on distance. Handover: only the town-level station may.
    world = build_world(variant(tmp_path, {"dispatch": {"scope": scope, "keep_lower_scope": False}}))
    o = simulate(
        world, 1, orders(world, [(540.0, "A2", "errand"), (540.1, "A2", "errand"), (540.2, "A2", "errand")])
    ).orders
    assert o.tier_max[2] == 2
    assert o.t_assigned[2] == pytest.approx(570.2)
    assert world.teams.name[o.team[2]] == team


@pytest.mark.parametrize("scope, team, tier", [("widen", "village:A2", 3), ("handover", "county:center", 3)])
def test_county_tier_is_everyone_or_the_county_level_teams(tmp_path, scope, team, tier):
    # B2 and Beta have nobody on duty: straight to tier 3, where widening picks the nearest
    # team of the county (A2, 15 km) and handover the county center
    world = build_world(variant(tmp_path, {**ONLY_ALPHA, "dispatch": {"scope": scope}}))
    o = simulate(world, 1, orders(world, [(540.0, "B2", "errand")])).orders
    assert o.tier_max[0] == tier
    assert world.teams.name[o.team[0]] == team


@pytest.mark.parametrize("keep", [True, False])
def test_handover_masks_and_what_a_freed_team_sees(tmp_path, keep):
    world = build_world(variant(tmp_path, {"dispatch": {"scope": "handover", "keep_lower_scope": keep}}))
    names = world.teams.name
    assert [names[t] for t in world.tier2_team.nonzero()[0]] == ["town:Alpha", "town:Beta", "town:Isle"]
    assert [names[t] for t in world.tier3_team.nonzero()[0]] == ["county:center", "professional:legal"]
    # an A2 order waiting in Alpha's town queue: the station sees it; A2's own village team only
    # while the scope keeps lower tiers; A1's village team never (not its village, not a station)
    for who, sees in (
        ("town:Alpha", True),
        ("village:A2", keep),
        ("village:A1", False),
        ("county:center", False),
    ):
        d = two_waiting_orders(world, ["A2"], tiers=[1])
        d.orders.tier = [2]
        d.enqueue(0, 1440.0)
        team = names.index(who)
        d.set_on_duty(team, 1)
        assert (d.find_order(team) == 0) is sees, who
        assert (d.find_team(0) == team) is sees, who


def test_handover_skips_a_town_whose_station_lacks_the_skill(tmp_path):
    # village teams repair, stations do not. B1's two on-duty volunteers are busy with errands;
    # its repair escalates after 30 minutes. Widening: B2's village team (Beta) takes it at
    # tier 2. Handover: Beta's station cannot repair, so the order passes tier 2 at once and
    # the county center takes it.
    teams = {
        "village_skills": ["errand", "repair"],
        "town": {"members": 10, "skills": ["errand"], "schedule": "day"},
    }
    rows = [(540.0, "B1", "errand"), (540.0, "B1", "errand"), (541.0, "B1", "repair")]
    beta = 1
    for scope, tier, team in (("widen", 2, "village:B2"), ("handover", 3, "county:center")):
        world = build_world(
            variant(tmp_path, {"teams": teams, "dispatch": {"scope": scope, "keep_lower_scope": False}})
        )
        repair = world.skills.index("repair")
        assert (repair in world.town_skills[beta]) is (scope == "widen")
        o = simulate(world, 1, orders(world, rows)).orders
        assert o.tier_max[2] == tier
        assert o.t_tier2[2] == pytest.approx(571.0)
        assert world.teams.name[o.team[2]] == team


@pytest.mark.parametrize("scope", ["widen", "handover"])
def test_tier3_search_visits_the_towns_that_can_serve_in_distance_order(scope, tmp_path):
    # the county tier searches towns nearest seat first; when few towns have teams with the
    # skill (professional skills: the county seat only) it ranks just those. Either way the
    # towns that can serve must come in the full distance order.
    from pathlib import Path

    from sim.config.load import load_scenario

    base = Path(__file__).resolve().parent.parent / "scenarios" / "pingyang.yaml"
    path = tmp_path / "p.yaml"
    path.write_text(f"extends: {base}\nname: p\ndispatch: {{scope: {scope}}}\n", encoding="utf-8")
    world = build_world(load_scenario(path))
    d = Dispatcher(world, order_table([], [], [], []))
    shortcuts = 0
    for skill, towns in enumerate(world.tier3_towns):
        for origin in range(len(world.towns.code)):
            searched = list(d.towns_to_search(origin, skill))
            full = list(world.towns_by_distance[origin])
            shortcuts += searched != full
            assert [t for t in searched if t in towns] == [t for t in full if t in towns]
            assert [world.town_rank[origin][t] for t in full] == list(range(len(full)))
    assert shortcuts > 0  # the short path was exercised


def test_a_center_in_another_town_takes_the_county_tier_orders_nearest_it(tmp_path):
    # teams.centers puts a county-level center at Beta's seat: a repair order at B2 (no village
    # or station offers repair) reaches the county tier and goes to that center, nearer than the
    # county seat's
    nobody = {
        "village_members_community": 0,
        "village_members_village": 0,
        "town": {"members": 0, "skills": ["errand", "repair"], "schedule": "day"},
        "centers": [
            {
                "name": "north",
                "members": 10,
                "skills": ["errand", "repair"],
                "schedule": "day",
                "home_town": "Beta",
            }
        ],
    }
    world = build_world(variant(tmp_path, {"teams": nobody, "dispatch": {"scope": "handover"}}))
    north = world.teams.name.index("county:north")
    assert world.teams.town[north] == world.towns.index("Beta")
    assert world.teams.level[north] == TEAM_LEVELS.index("county") and world.tier3_team[north]
    o = simulate(world, 1, orders(world, [(540.0, "B2", "repair")])).orders
    assert o.tier_max[0] == 3 and world.teams.name[o.team[0]] == "county:north"


def test_province_tier3_search_ranks_the_nearest_centers_then_the_rest(tmp_path, monkeypatch):
    # six copies of Pingyang, each with its own county center (benchmarks/scale.py): 96 towns,
    # six with tier-3 teams for a basic skill. The search ranks the nearest few once per world
    # and the rest only when it gets past them; either way, in the full distance order.
    import sys
    from pathlib import Path

    import sim.model.dispatcher
    from sim.config.load import load_scenario

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
    import scale

    monkeypatch.setattr(sim.model.dispatcher, "NEAR_TOWNS", 2)
    path = scale.make_copies(6, tmp_path)
    text = path.read_text(encoding="utf-8") + "dispatch: {scope: handover}\n"
    path.write_text(text, encoding="utf-8")
    world = build_world(load_scenario(path))
    # each copy is a whole county: its own center, sub-centers and professional teams at its seat
    base = build_world(load_scenario(scale.BASE))
    for level in ("county", "subcenter", "professional"):
        at = world.teams.town[world.teams.level == TEAM_LEVELS.index(level)]
        seats = {world.towns.pinyin[t] for t in at}
        assert len(at) == 6 * int((base.teams.level == TEAM_LEVELS.index(level)).sum())
        assert seats == {"Kunyang"} | {f"Kunyang~{k}" for k in range(1, 6)}
    assert world.scenario.activities.per_month == 6 * base.scenario.activities.per_month
    d = Dispatcher(world, order_table([], [], [], []))
    chained = 0
    for skill, towns in enumerate(world.tier3_towns):
        for origin in range(len(world.towns.code)):
            full = [t for t in world.towns_by_distance[origin] if t in towns]
            for _ in range(2):  # ranked, then from the world's cache
                searched = [t for t in d.towns_to_search(origin, skill) if t in towns]
                assert searched == full
            chained += len(towns) > 2 and len(towns) * 8 < len(world.towns.code)
    assert chained > 0 and world.tier3_near  # the near-towns path and its cache were used


@pytest.mark.parametrize("scope", ["widen", "handover"])
def test_tier2_static_nearest_order_finds_the_team_ranking_every_free_one_finds(scope, tmp_path, monkeypatch):
    # with a distance-only rule, a tier-2 search may walk the place's static nearest-first list
    # to the first able team instead of ranking the town's free teams: the same team, always
    from pathlib import Path

    import numpy as np

    import sim.model.dispatcher
    from sim.config.load import load_scenario

    base = Path(__file__).resolve().parent.parent / "scenarios" / "pingyang.yaml"
    path = tmp_path / "p.yaml"
    path.write_text(f"extends: {base}\nname: p\ndispatch: {{scope: {scope}}}\n", encoding="utf-8")
    world = build_world(load_scenario(path))
    n_places, n_skills = world.n_places, len(world.skills)
    orders_at = [
        (place, skill, need) for place in range(n_places) for skill in range(n_skills) for need in (1, 2)
    ]
    d = Dispatcher(
        world,
        order_table(
            [o[0] for o in orders_at],
            [o[1] for o in orders_at],
            [o[2] for o in orders_at],
            [2] * len(orders_at),
        ),
    )
    found = {}
    for threshold in (10**9, -1):  # rank every free team / always walk the static list
        monkeypatch.setattr(sim.model.dispatcher, "SCAN_FREE_UP_TO", threshold)
        choices = []
        for trial in range(3):
            state = np.random.default_rng(trial)
            d.on_duty = state.integers(0, 3, len(world.teams)).tolist()
            busy = [min(b, o) for b, o in zip(state.integers(0, 2, len(world.teams)).tolist(), d.on_duty)]
            d.spare = [o - b for o, b in zip(d.on_duty, busy)]
            for team in range(len(world.teams)):
                d.in_free[team] = not d.spare[team] > 0  # force a refresh
                d.refresh(team)
            choices.append([d.find_team(order) for order in range(len(orders_at))])
        found[threshold] = choices
    assert found[10**9] == found[-1]
    assert sum(team is not None for team in found[-1][0]) > 100  # searches that found a team


@pytest.mark.parametrize("bad_key", ["no team", "team as float", "not a tuple"])
def test_an_extension_rule_whose_key_does_not_end_with_the_team_fails_loudly(tmp_path, bad_key):
    # the dispatcher reads the winner from the key's last element: a key ending in anything
    # else would send the order to a wrong team silently, so an extension's keys are checked
    from sim.model.dispatch_rules import NearestFirst

    class Bad(NearestFirst):
        def team_key(self, d, team, place):
            near = d.nominal(d.home[team], place)
            keys = {
                "no team": (near, -d.free(team)),
                "team as float": (near, float(team)),
                "not a tuple": near,
            }
            return keys[bad_key]

    class Good(NearestFirst):
        def team_key(self, d, team, place):
            return (d.nominal(d.home[team], place), -d.free(team), team)

    world = build_world(load_scenario("tests/data/tiny.yaml"))
    repairs = orders(world, [(540.0, "B2", "repair"), (541.0, "B2", "repair"), (542.0, "B2", "repair")])
    assert len(simulate(world, 1, repairs, rule=Good()).orders) == 3
    with pytest.raises(TypeError, match="Bad.team_key returned .* expected a tuple ending with the team id"):
        simulate(world, 1, repairs, rule=Bad())
