"""Checks of the data files a scenario names: that each exists and is a CSV file, that the
towns the scenario names are towns of its towns CSV, and (for a sound scenario) the files'
contents: towns, places (each of a known kind, :data:`sim.world.geography.PLACE_KINDS`),
coordinates, travel matrix, surges and pairing. Each file's problems name that file and its line.

:func:`sim.config.validate.check` runs :func:`check_files` and :func:`check_town_names`;
:func:`sim.config.load.load_scenario` runs :func:`check_data` once the scenario is sound.
"""

from __future__ import annotations

import math
import os
from collections import Counter
from pathlib import Path

from sim.config.check_helpers import team_kinds
from sim.config.errors import Problem, UserError, not_a_file
from sim.config.loader import PATH_KEYS
from sim.config.scenario import Scenario
from sim.config.tables import read_csv
from sim.config.yaml_read import key_text
from sim.world import surges
from sim.world.geography import (
    KM_PER_DEG_LAT,
    PLACE_KINDS,
    Places,
    Towns,
    build_places,
    place_kind_problem,
    read_towns,
)
from sim.world.pairing import check_room_in_places, make_pairs, units
from sim.world.travel import read_matrix


def shown_path(path: str) -> str:
    """A data file's path as a message shows it: relative to the working folder, as the
    message's scenario file is, when it lies under it; else absolute (``../../x.csv`` from
    elsewhere reads as neither the file's place nor the scenario's)."""
    if not os.path.isabs(path):
        return path
    rel = os.path.relpath(path)
    return path if rel.startswith("..") else rel


def check_files(bad, scenario: Scenario) -> set[str]:
    """Every data file the scenario names must exist; returns the keys of missing ones."""
    missing = set()
    for keys in sorted(PATH_KEYS):
        node = scenario
        for k in keys:
            node = getattr(node, k, None)
        if node is None or (keys[-1] == "file" and scenario.pairing.strategy == "none"):
            continue
        path = ".".join(keys)
        shown = shown_path(node)
        if not node.strip() or not Path(node).is_file():
            missing.add(keys[-1])
            bad(
                path,
                f"file {shown!r} {not_a_file(node)}; expected a CSV file (a path relative to the "
                "scenario that names it)",
            )
        elif Path(node).suffix.lower() != ".csv":
            missing.add(keys[-1])
            bad(path, f"file {shown!r} is not a CSV file; expected a path ending in .csv")
    return missing


def check_town_names(bad, scenario: Scenario) -> list[Problem]:
    """Towns named in the scenario must be towns of the towns CSV (pinyin or Chinese name)."""
    try:
        rows, problems = read_towns(scenario.geography)
    except UserError as exc:
        return exc.problems
    known = {r["pinyin"].lower() for r in rows} | {r["name"] for r in rows}
    geo, t = scenario.geography, scenario.teams
    named = [(f"geography.urban_towns[{k}]", x) for k, x in enumerate(geo.urban_towns)]
    named.append(("geography.county_seat_town", geo.county_seat_town))
    named += [
        (f"{path}.home_town", kind.home_town)
        for path, kind in team_kinds(scenario)
        if getattr(kind, "home_town", "")
    ]
    named += [(f"geography.terrain.{key_text(x)}", x) for x in geo.terrain]
    named += [(f"teams.town_overrides.{key_text(x)}", x) for x in t.town_overrides]
    named += [(f"teams.additions[{k}].town", a.town) for k, a in enumerate(t.additions)]
    named += [
        (f"events[{k}].callups[{j}].town", a.town)
        for k, e in enumerate(scenario.events)
        for j, a in enumerate(e.callups)
    ]
    ferry = geo.travel.ferry
    if ferry is not None:
        named += [(f"geography.travel.ferry.island_towns[{k}]", x) for k, x in enumerate(ferry.island_towns)]
        named.append(("geography.travel.ferry.port_town", ferry.port_town))
        if ferry.port_town.lower() in {t.lower() for t in ferry.island_towns}:
            bad(
                "geography.travel.ferry.port_town",
                f"{ferry.port_town!r} is also an island town; expected a mainland town",
            )
    for path, town in named:
        if town.lower() not in known and town not in known:
            close = [r["pinyin"] for r in rows if r["pinyin"].lower()[:3] == town.lower()[:3]]
            hint = "expected a town of the towns CSV" + (f", did you mean {close[0]!r}?" if close else "")
            bad(path, f"unknown town {town!r}; {hint}")
    return problems


# catalogue orders a simulated day beyond which a scenario is warned of its size: 11 seconds
# or more of simulation a day (the model places some 18,000 orders a CPU second; the default
# county about 730 orders a day, every channel together)
LARGE_DEMAND_PER_DAY = 200_000


def demand_warning(scenario: Scenario, population: float) -> Problem | None:
    """A warning when the catalogue's orders alone (``demand.orders_per_1000_per_day`` times the
    places' ``population``) exceed :data:`LARGE_DEMAND_PER_DAY` a day: a rate typed a hundred
    times too high (83 for 0.83) would otherwise only show as a run that takes minutes per
    replication without a word."""
    rate = scenario.demand.orders_per_1000_per_day
    per_day = population / 1000.0 * rate
    if per_day <= LARGE_DEMAND_PER_DAY:
        return None
    return Problem(
        scenario.source,
        None,
        "demand.orders_per_1000_per_day",
        f"warning: {rate:g} orders per 1,000 residents a day make about {per_day:,.0f} orders a day "
        f"(the model places about 18,000 a second): each simulated day takes "
        f"{per_day / 18_000:,.0f} seconds or more (is the rate per 1,000 residents a day?)",
    )


def seat_warnings(scenario: Scenario, towns: Towns, places: Places) -> list[Problem]:
    """With a coordinates CSV: a warning for each town whose seat place (its first community by
    code, else its first place: where its station, and any county-level team seated in the town,
    start every trip) lies farther from the towns CSV's seat than the town's
    ``geography.radius_km`` (km, by terrain; the distance within which the derived positions put
    all its places). The towns CSV's seat is then not where the model seats the town's teams: a
    misplaced row, or a community first by code that is not at the seat, would lengthen every
    station trip without a word."""
    path = scenario.geography.coordinates_csv
    if not path:
        return []
    line = {
        row["code"]: int(row["_line"]) for row in read_csv(path, ["code", "lat", "lon"], "coordinates CSV")
    }
    out = []
    for t, seat in enumerate(towns.seat_place.tolist()):
        north = (places.lat[seat] - towns.seat_lat[t]) * KM_PER_DEG_LAT
        east = (
            (places.lon[seat] - towns.seat_lon[t])
            * KM_PER_DEG_LAT
            * math.cos(math.radians(towns.seat_lat[t]))
        )
        km = math.hypot(north, east)
        radius = scenario.geography.radius_km.get(towns.terrain[t], 5.0)
        if km > radius:
            out.append(
                Problem(
                    path,
                    line.get(places.code[seat]),
                    "lat",
                    f"warning: town {towns.pinyin[t]}'s seat place {places.code[seat]} (its first "
                    f"{'community' if places.kind[seat] == 'community' else 'place'} by code, where its "
                    f"station starts every trip) is {km:.1f} km from its seat in the towns CSV, beyond "
                    f"its {towns.terrain[t]} radius of {radius:g} km (geography.radius_km); is the "
                    "position right?",
                )
            )
    return out


def check_data(scenario: Scenario, warnings: list[Problem] | None = None) -> list[Problem]:
    """Problems in the data files a (sound) scenario names: towns, places, coordinates, travel
    matrix and pairing CSVs. Each file's problems name that file and its line. ``warnings``
    collects :func:`demand_warning`'s and :func:`seat_warnings`', when given."""
    out: list[Problem] = []
    rooms = scenario.mediation
    for k, kind in enumerate(rooms.place_kinds if rooms is not None else []):
        if kind not in PLACE_KINDS:  # a misspelt kind would leave every place without a room
            out.append(
                Problem(scenario.source, None, f"mediation.place_kinds[{k}]", place_kind_problem(kind))
            )
    try:
        towns, places = build_places(scenario)
    except UserError as exc:
        return out + exc.problems
    large = demand_warning(scenario, float(places.population.sum()))
    if warnings is not None:
        warnings += ([large] if large is not None else []) + seat_warnings(scenario, towns, places)
    if scenario.geography.travel.matrix_csv:
        try:
            read_matrix(scenario.geography.travel.matrix_csv, places.code)
        except UserError as exc:
            out += exc.problems
    out += surges.problems(scenario, towns, places)
    kinds = sorted(set(places.kind))
    for k, kind in enumerate(scenario.geography.urban_kinds):
        if kind not in kinds:
            out.append(
                Problem(
                    scenario.source,
                    None,
                    f"geography.urban_kinds[{k}]",
                    f"no place of kind {kind!r} in the places CSV; expected one of {', '.join(kinds)}",
                )
            )
    try:  # strategies needing a pilot run are checked on their units and room only (fast)
        if scenario.pairing.strategy in ("need", "optimal"):
            pairs = units(scenario, places)
            check_room_in_places(scenario, len(pairs), places)
        else:
            pairs = make_pairs(scenario, places)
    except UserError as exc:
        return out + exc.problems
    repeated = [name for name, n in Counter(p.unit_name for p in pairs).items() if n > 1]
    if repeated:
        out.append(
            Problem(
                scenario.source,
                None,
                "pairing.file",
                f"unit name {repeated[0]!r} "
                f"is listed {Counter(p.unit_name for p in pairs)[repeated[0]]} times "
                "in the pairing CSV; expected each unit once",
            )
        )
    return out
