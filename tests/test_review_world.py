"""World building as the scenario names it: towns named as the validator accepts them (pinyin in
any case or the Chinese name), pairing strategies that place every unit or say why not, the
item mixes of surge events, and the bundled Pingyang data."""

from __future__ import annotations

import numpy as np
import pytest

from sim.world.build import build_world
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


LOCKDOWN = {
    "name": "lockdown",
    "places": ["B1"],
    "start_day": 1,
    "days": 1,
    "callups": [{"town": "Beta", "hours": [8, 20], "volunteers": 3}],
    "delivery": {"mode": "batched"},
}


@pytest.mark.parametrize("mix", [{}, {"repair": 0}, {"repair": 0, "errand": 0}])
def test_a_batched_event_with_no_weight_in_its_mix_batches_every_ordinary_item(tmp_path, mix):
    # a mix of zero weights is no mix: the event's orders follow the catalogue's shares, and
    # its platform batches every item that is not professional (errand, repair; not legal)
    surge = build_world(variant(tmp_path, {"events": [{**LOCKDOWN, "item_mix": mix}]})).surges[0]
    assert surge.item_cdf is None
    assert surge.batched_items.tolist() == [True, True, False]


def test_a_batched_event_batches_the_items_its_mix_weighs(tmp_path):
    event = {**LOCKDOWN, "item_mix": {"repair": 2, "errand": 0}}
    surge = build_world(variant(tmp_path, {"events": [event]})).surges[0]
    assert surge.item_cdf.tolist() == [0.0, 1.0, 1.0]
    assert surge.batched_items.tolist() == [False, True, False]
