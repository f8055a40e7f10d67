"""The world's static tier-2 lists (sim.world.team_index.tier2_nearest), the travel grid they use, and the
smallest integer types of the order log's index columns."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import sim.world.team_index
from sim.config.load import load_scenario
from sim.model.compact import int_code, ints
from sim.model.replication import simulate
from sim.world.build import build_world
from sim.world.travel import TravelModel
from tests.test_scenario_files import REPO, variant

PINGYANG = REPO / "scenarios" / "pingyang.yaml"  # has a ferry: islands cross by boat


def matrix_scenario(folder: Path, one_way: bool = False) -> Path:
    """The test county with a travel matrix of whole multiples of 7 minutes: a place halfway
    between two homes is exactly as far from both (ties between homes). ``one_way``: leaving
    place i costs 10 x i minutes more, so that the way from a home to a place and the way back
    rank homes differently."""
    codes = ["100001", "100002", "100201", "101001", "101201", "102201"]
    rows = ["code," + ",".join(codes)]
    rows += [
        c + "," + ",".join(str(abs(i - j) * 7 + 10 * i * one_way * (i != j)) for j in range(6))
        for i, c in enumerate(codes)
    ]
    (folder / "m.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return variant(folder, "v.yaml", "geography:\n  travel: {matrix_csv: m.csv}\npairing: {strategy: none}\n")


def rules_ranking(world) -> list[list[int]]:
    """Per place, its town's tier-2 teams as the nearest-first rule ranks them, by
    (TravelModel.nominal from the team's home, team id), with no shortcut."""
    home = world.teams.home
    return [
        sorted(
            (t for t in world.town_teams[town] if world.tier2_team[t]),
            key=lambda t: (world.travel.nominal(int(home[t]), place), t),
        )
        for place, town in enumerate(world.place_town)
    ]


@pytest.mark.parametrize("case", ["pingyang", "matrix", "one-way matrix"])
def test_static_tier2_lists_are_the_rules_ranking(case, tmp_path):
    path = PINGYANG if case == "pingyang" else matrix_scenario(tmp_path, case == "one-way matrix")
    world = build_world(load_scenario(path))
    assert [row.tolist() for row in world.tier2_nearest] == rules_ranking(world)
    assert sum(len(row) > 1 for row in world.tier2_nearest) > 2  # orders were decided


def test_places_where_grid_minutes_nearly_tie_are_ranked_with_the_rules_minutes(tmp_path, monkeypatch):
    # the grid's distances may differ from TravelModel.nominal's in the last bits: shrink the
    # grid's minutes by a few bits, more for homes of higher index, so that where two homes tie
    # exactly the later one comes first; the lists must not change
    world = build_world(load_scenario(matrix_scenario(tmp_path)))
    grid = TravelModel.nominal_grid

    def off_by_a_few_bits(self, origins, targets):
        out = grid(self, origins, targets)
        return out - out * 1e-15 * np.asarray(origins)[:, None]

    monkeypatch.setattr(TravelModel, "nominal_grid", off_by_a_few_bits)
    expected = rules_ranking(world)
    assert [row.tolist() for row in build_world(world.scenario).tier2_nearest] == expected
    monkeypatch.setattr(sim.world.team_index, "NEAR_TIE", -1.0)  # no exact ranking: the check bites
    assert [row.tolist() for row in build_world(world.scenario).tier2_nearest] != expected


def test_travel_grid_is_nominal_minutes_from_each_origin_to_each_target():
    world = build_world(load_scenario(PINGYANG))
    travel, n = world.travel, world.n_places
    origins = np.arange(0, n, 7)
    targets = np.arange(n)
    grid = travel.nominal_grid(origins, targets)
    assert grid.shape == (len(origins), n)
    exact = np.array([[travel.nominal(int(a), int(b)) for b in targets] for a in origins])
    crossing = np.array([[travel.island[a] != travel.island[b] for b in targets] for a in origins])
    assert crossing.any()  # the ferry's pairs are in the grid
    assert np.array_equal(grid[crossing], exact[crossing])  # nominal's own values
    assert np.allclose(grid, exact, rtol=1e-15, atol=0)  # elsewhere up to hypot's last bit


def test_town_index_takes_pinyin_in_any_case_or_the_chinese_name():
    towns = build_world(load_scenario(PINGYANG)).towns
    k = towns.pinyin.index("Aojiang")
    assert towns.index("aojiang") == towns.index("AOJIANG") == towns.index(towns.name[k]) == k
    with pytest.raises(KeyError):
        towns.index("Atlantis")


def test_index_columns_take_the_smallest_signed_type_holding_them():
    assert [int_code(n) for n in (0, 127, 128, 32767, 32768, 2**31 - 1, 2**31)] == [
        "b",
        "b",
        "h",
        "h",
        "i",
        "i",
        "q",
    ]
    with pytest.raises(OverflowError):  # not wrapped to -56 in an int8 column
        ints(np.array([3, 200]), 127)
    world = build_world(load_scenario(PINGYANG))  # 453 places, 16 towns, 1,010 teams
    o = simulate(world, 3).orders
    assert (o.place.dtype, o.town.dtype, o.item.dtype, o.volunteers.dtype, o.team.dtype) == (
        np.int16,
        np.int8,
        np.int8,
        np.int8,
        np.int16,
    )
    assert o.team.min() == -1 and o.team.max() > 127  # never assigned; a team id above int8
    assert np.array_equal(o.town, world.places.town[o.place])  # made in the skills' buffer
