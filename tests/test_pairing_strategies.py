"""Pairing strategies on the five-place test county: nearest, need (pilot), optimal (milp)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from sim.config.errors import UserError
from sim.experiments.pilot import pilot_seed, pilot_unmet, prepare_world
from sim.world.pairing import capacity, coverage, make_pairs
from tests.conftest import variant
from tests.test_mechanisms import ONLY_ALPHA as ALPHA_STAFF

KINDS = {"firm": {"members": 10, "skills": ["errand"], "schedule": "day"}}
ONLY_ALPHA = {**ALPHA_STAFF, "run": {"days": 3}}  # only Alpha has volunteers


def scenario_with(tmp_path, rows, strategy, villages, name="p", reach=60.0):
    csv = tmp_path / f"{name}.csv"
    csv.write_text(
        "village_code,unit_kind,unit_name,home_code\n"
        + "".join(f"{v},firm,u{k},{h}\n" for k, (v, h) in enumerate(rows)),
        encoding="utf-8",
    )
    return variant(
        tmp_path,
        {
            **ONLY_ALPHA,
            "pairing": {
                "strategy": strategy,
                "file": str(csv),
                "kinds": KINDS,
                "villages": villages,
                "reach_min": reach,
            },
        },
        name=name,
    )


def test_nearest_sends_each_unit_to_the_nearest_listed_village_with_room(tmp_path):
    # villages B1 and A2 listed; two units at A1: A2 (5 km) takes one, then it is full
    s = scenario_with(tmp_path, [("B1", "A1"), ("A2", "A1")], "nearest", 2)
    pairs = prepare_world(s).pairs
    names = prepare_world(s).places.code
    assert sorted(names[p.village] for p in pairs) == ["A2", "B1"]
    assert capacity(s, len(pairs)) == 1


def test_need_pairs_the_villages_with_most_unmet_demand_in_the_pilot(tmp_path):
    s = scenario_with(tmp_path, [("A1", "A1"), ("A1", "A2")], "need", 2)
    world = prepare_world(s)
    unmet = pilot_unmet(s)
    assert unmet.max() > 0  # the pilot (no pairing) misses some orders
    chosen = {p.village for p in world.pairs}
    assert min(unmet[list(chosen)]) >= max(np.delete(unmet, list(chosen)))
    assert min(unmet[list(chosen)]) > 0


def test_need_gives_every_village_it_chooses_a_unit(tmp_path):
    # 4 units at A1 for the 3 neediest villages (at most 2 each): least travel alone sent 2 to
    # A2 and 2 to B1 and none to the island village I1, one of the villages it chose to pair
    s = scenario_with(tmp_path, [("A2", "A1")] * 4, "need", 3)
    world = prepare_world(s)
    unmet = np.zeros(len(world.places))
    for code, orders in (("A2", 5.0), ("B1", 4.0), ("I1", 3.0)):
        unmet[world.places.code.index(code)] = orders
    pairs = make_pairs(s, world.places, unmet)
    paired = sorted(world.places.code[p.village] for p in pairs)
    assert sorted(set(paired)) == ["A2", "B1", "I1"]
    assert len(paired) == 4 and paired.count("A2") == 2  # the extra unit: the least travel


def test_pilot_is_deterministic_and_leaves_no_files(tmp_path):
    s = scenario_with(tmp_path, [("A1", "A1")], "need", 1)
    before = sorted(tmp_path.iterdir())
    assert np.array_equal(pilot_unmet(s), pilot_unmet(s))
    assert sorted(tmp_path.iterdir()) == before


def test_the_pilot_draws_its_own_orders_not_replication_zeros(tmp_path):
    # a run as long as the pilot: on replication 0's seed the pilot would see replication 0's
    # very orders, and fit the pairing to them (flattering replication 0)
    import dataclasses

    from sim.model.replication import simulate
    from sim.model.rng import replication_seeds
    from sim.world.build import build_world

    s = scenario_with(tmp_path, [("A1", "A1")], "need", 1)
    s = dataclasses.replace(s, run=dataclasses.replace(s.run, days=s.pairing.pilot_days))
    unpaired = dataclasses.replace(s, pairing=dataclasses.replace(s.pairing, strategy="none"))
    world = build_world(unpaired)
    rep0 = simulate(world, replication_seeds(s.run.seed, 1)[0]).orders
    pilot = simulate(world, pilot_seed(s.run.seed)).orders
    assert len(rep0) > 10 and len(pilot) > 10
    same = len(rep0) == len(pilot) and np.array_equal(rep0.t_placed, pilot.t_placed)
    assert not same
    assert pilot_seed(s.run.seed).spawn_key not in [r.spawn_key for r in replication_seeds(s.run.seed, 1000)]


def test_pilot_unmet_runs_on_the_pilot_seed(tmp_path, monkeypatch):
    from sim.experiments import pilot
    from sim.model.replication import simulate

    seeds = []
    monkeypatch.setattr(pilot, "_PILOT_CACHE", {})
    monkeypatch.setattr(pilot, "simulate", lambda world, seed: seeds.append(seed) or simulate(world, seed))
    s = scenario_with(tmp_path, [("A1", "A1")], "need", 1)
    pilot_unmet(s)
    assert [seed.spawn_key for seed in seeds] == [pilot_seed(s.run.seed).spawn_key]
    assert seeds[0].entropy == pilot_seed(s.run.seed).entropy


@pytest.mark.parametrize("seed", range(6))
def test_optimal_is_never_worse_than_nearest_or_need_on_its_objective(tmp_path, seed):
    rng = np.random.default_rng(seed)
    codes = ["A1", "A2", "B1", "B2", "I1"]
    n_units = int(rng.integers(2, 7))
    rows = [(codes[rng.integers(5)], codes[rng.integers(5)]) for _ in range(n_units)]
    villages = int(rng.integers(1, 4))
    reach = float(rng.choice([10.0, 30.0, 120.0]))
    listed = len(dict.fromkeys(v for v, _ in rows))  # the villages nearest may choose from
    values = {}
    for strategy in ("nearest", "need", "optimal"):
        if strategy == "nearest" and min(listed, villages) * math.ceil(n_units / villages) < n_units:
            with pytest.raises(UserError, match="pairing.villages"):  # units would be left out
                scenario_with(tmp_path, rows, strategy, villages, name=strategy, reach=reach)
            continue
        s = scenario_with(tmp_path, rows, strategy, villages, name=strategy, reach=reach)
        world = prepare_world(s)
        assert sorted(p.unit_name for p in world.pairs) == sorted(f"u{k}" for k in range(n_units))
        assert max(np.bincount([p.village for p in world.pairs])) <= capacity(s, n_units)
        assert len({p.village for p in world.pairs}) <= villages
        values[strategy] = coverage(s, world.places, world.pairs, pilot_unmet(s))
    assert values["optimal"] >= values.get("nearest", -np.inf) - 1e-9
    assert values["optimal"] >= values["need"] - 1e-9


def test_paired_unit_placed_by_a_strategy_serves_at_tier_one(tmp_path):
    s = scenario_with(tmp_path, [("B2", "A1")], "optimal", 1, reach=1000.0)
    world = prepare_world(s)
    assert len(world.pairs) == 1
    unit = len(world.teams) - 1
    assert unit in world.tier1_teams[world.pairs[0].village]


def test_strategies_validate_their_pairing_file(tmp_path):
    with pytest.raises(UserError, match="pairing.file"):
        variant(tmp_path, {"pairing": {"strategy": "optimal", "file": None, "kinds": KINDS}})
