"""A town's own member scales (``teams.town_overrides.<town>.village_scale`` and
``station_scale``): they reach that town's village/community teams and its station only, compose
with the county-wide ``teams.village_scale``/``station_scale`` (the product, rounded to whole
people as the county-wide scale is), and an impossible value is refused in one line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sim.world.build import build_world
from tests.conftest import variant

REPO = Path(__file__).resolve().parents[1]


def members(world) -> dict[str, int]:
    """Members of every team by name."""
    return dict(zip(world.teams.name, (int(m) for m in world.teams.members), strict=True))


def town_of(world) -> dict[str, str]:
    """The town (pinyin) of every village and station team, by team name."""
    places, towns = world.places, world.towns
    out = {f"village:{places.code[i]}": towns.pinyin[int(places.town[i])] for i in range(len(places))}
    out.update({f"town:{p}": p for p in towns.pinyin})
    return out


def test_a_town_scale_reaches_exactly_that_towns_village_teams_and_station(tmp_path):
    base = build_world(variant(tmp_path, {}, "base"))
    over = {"Beta": {"village_scale": 0.5, "station_scale": 0.7}}
    cut = build_world(variant(tmp_path, {"teams": {"town_overrides": over}}, "cut"))
    before, after, town = members(base), members(cut), town_of(base)
    changed = {name for name in before if before[name] != after[name]}
    beta = {name for name, t in town.items() if t == "Beta"}
    assert changed == beta and len(beta) >= 3  # its villages and its station, nothing else
    for name in beta:
        scale = 0.7 if name.startswith("town:") else 0.5
        assert after[name] == round(scale * before[name])


def test_a_town_scale_composes_with_the_county_wide_scale(tmp_path):
    county = {"village_scale": 0.6, "station_scale": 1.5}
    base = build_world(variant(tmp_path, {}, "base"))
    both = {**county, "town_overrides": {"Beta": {"village_scale": 0.5, "station_scale": 0.7}}}
    scaled = build_world(variant(tmp_path, {"teams": both}, "both"))
    before, after, town = members(base), members(scaled), town_of(base)
    for name, n in before.items():
        if name not in town:
            assert after[name] == n, name
            continue
        station = name.startswith("town:")
        scale = county["station_scale"] if station else county["village_scale"]
        if town[name] == "Beta":
            scale *= 0.7 if station else 0.5
        assert after[name] == round(scale * n), name


def test_an_impossible_town_scale_is_refused_in_one_line(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(
        f"extends: {REPO / 'tests' / 'data' / 'tiny.yaml'}\nname: bad\n"
        "teams:\n  town_overrides:\n    Beta: {station_scale: -0.5}\n",
        encoding="utf-8",
    )
    done = subprocess.run(
        [sys.executable, "run.py", "validate", str(path)], cwd=REPO, capture_output=True, text=True
    )
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        f"{path}:5: teams.town_overrides.Beta.station_scale: -0.5 is out of range; "
        "expected a number >= 0 (ratio)"
    ]
