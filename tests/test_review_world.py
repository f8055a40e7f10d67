"""World building as the scenario names it: towns named as the validator accepts them (pinyin in
any case or the Chinese name), pairing strategies that place every unit or say why not, the
item mixes of surge events, and the bundled Pingyang data."""

from __future__ import annotations

import numpy as np
import pytest

from sim.world.geography import build_places
from tests.conftest import variant


@pytest.mark.parametrize("alpha", ["Alpha", "alpha", "ALPHA", "阿镇"])
def test_urban_towns_named_in_any_case_or_in_chinese_make_their_communities_urban(tmp_path, alpha):
    # the validator accepts each of these names for the town Alpha (whose community is A1)
    _, places = build_places(variant(tmp_path, {"geography": {"urban_towns": [alpha]}}))
    assert [places.code[i] for i in np.flatnonzero(places.zone == 0)] == ["A1"]


@pytest.mark.parametrize("beta", ["Beta", "beta", "贝镇"])
def test_a_terrain_override_applies_to_the_town_however_it_is_named(tmp_path, beta):
    towns, _ = build_places(variant(tmp_path, {"geography": {"terrain": {beta: "plain"}}}))
    assert towns.terrain == ["urban", "plain", "island"]  # Beta's CSV says mountain
