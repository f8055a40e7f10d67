"""benchmarks/scale.py's copies: n copies of the county are n whole counties, with the same
orders per copy in every service channel and every county-wide resource n times over (the
scaling benchmark compares the speed per order of like with like)."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from sim.config.load import load_scenario
from sim.config.teams import TEAM_LEVELS
from sim.model.channels import pairing, proxy
from sim.world.build import build_world

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "benchmarks"))

import scale  # noqa: E402

COPIES = 3


@pytest.fixture(scope="module")
def worlds(tmp_path_factory):
    """(the default county's world, the world of COPIES copies of it)."""
    path = scale.make_copies(COPIES, tmp_path_factory.mktemp("copies"))
    return build_world(load_scenario(scale.BASE)), build_world(load_scenario(path))


def test_every_county_wide_total_is_multiplied_by_the_copies(worlds):
    base, copies = worlds
    for section, key in scale.COUNTY_TOTALS:
        assert getattr(getattr(copies.scenario, section), key) == COPIES * getattr(
            getattr(base.scenario, section), key
        ), (section, key)
    projects = base.scenario.pairing.projects.projects
    assert copies.scenario.pairing.projects.projects == {k: COPIES * v for k, v in projects.items()}


def test_each_copy_places_the_county_s_orders_in_every_channel(worlds):
    # the mean orders a minute of the catalogue, the proxy points' errands and the paired units'
    # projects: n times the county's, each (in the base, proxy errands are a ninth of all orders)
    base, copies = worlds
    for rates in (
        lambda w: w.rate_per_min.sum(),
        lambda w: proxy.errand_rates(w).sum(),
        lambda w: pairing.village_rates(w)[1].sum(),
    ):
        assert rates(copies) == pytest.approx(COPIES * rates(base), rel=1e-9)
    assert proxy_members(copies) == COPIES * proxy_members(base)


def proxy_members(world) -> int:
    """Members of all the world's red proxy points together."""
    points = world.teams.level == TEAM_LEVELS.index("proxy_point")
    return int(np.asarray(world.teams.members)[points].sum())
