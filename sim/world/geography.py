"""Places, towns, zones, positions and populations (travel between places: :mod:`sim.world.travel`).

A place is one village practice point (村居实践站): a village or an urban community, under one of
the 16 towns. Its zone is ``urban`` (10-minute promise) or ``rural`` (same-day promise). No
village positions or populations are public, so by default each town's population is shared
among its units (communities weigh more) and units are laid out on a sunflower spiral around the
town seat, within a radius set by the town's terrain; ``coordinates_csv`` replaces both.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np

from sim.config.errors import Problem, UserError, closest
from sim.config.geography import Geography
from sim.config.scenario import Scenario
from sim.config.tables import number, read_csv

TERRAINS = ("urban", "plain", "hills", "mountain", "island")
# the kinds of place the places CSV may give: a community (社区) is urban inside an urban town
# (``geography.urban_kinds``), weighs ``community_weight`` in its town's population and staffs
# its team by the ``community`` settings; a village (村) takes the village settings. A misspelt
# kind would silently fall to the village settings, so any other kind is refused.
PLACE_KINDS = ("community", "village")
KM_PER_DEG_LAT = 110.57
GOLDEN_ANGLE = math.pi * (3 - math.sqrt(5))


def terrain_class(text: str) -> str:
    """Map a free-text terrain description ("urban core, coastal plain") to a terrain class."""
    text = text.lower()
    for word, cls in (("island", "island"), ("urban", "urban"), ("mountain", "mountain"), ("hill", "hills")):
        if word in text:
            return cls
    return "plain"


_CLOCK = re.compile(r"([01][0-9]|2[0-3]):([0-5][0-9])|24:00")  # ASCII digits only


def parse_clock(text: str) -> float:
    """'HH:MM' (two ASCII digits each, 00:00-23:59, or '24:00') -> minutes after midnight;
    ValueError for anything else ('7:5', '1_7:00', non-ASCII digits)."""
    if not isinstance(text, str) or not _CLOCK.fullmatch(text):
        raise ValueError(text)
    hours, minutes = text.split(":")
    return float(int(hours) * 60 + int(minutes))


@dataclass(frozen=True)
class Towns:
    """The towns: names and seats."""

    code: list[str]
    name: list[str]
    pinyin: list[str]
    terrain: list[str]
    population: np.ndarray
    seat_lat: np.ndarray
    seat_lon: np.ndarray
    seat_place: np.ndarray  # index of the place at each town's seat

    def index(self, name: str) -> int:
        """Index of the town called ``name``: its pinyin (case-insensitive) or its Chinese name
        (the first such town; a dict made at the first call, not a scan per call)."""
        lookup = self.__dict__.get("_lookup")
        if lookup is None:
            lookup = {}
            for i, (p, n) in enumerate(zip(self.pinyin, self.name)):
                lookup.setdefault(p.lower(), i)
                lookup.setdefault(n.lower(), i)
            object.__setattr__(self, "_lookup", lookup)
        if name.lower() not in lookup:
            raise KeyError(name)
        return lookup[name.lower()]


@dataclass(frozen=True)
class Places:
    """The village units (columnar)."""

    code: list[str]
    name: list[str]
    kind: list[str]
    town: np.ndarray  # town index
    zone: np.ndarray  # 0 urban, 1 rural
    population: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    x_km: np.ndarray
    y_km: np.ndarray

    def __len__(self) -> int:
        return len(self.code)

    def index(self, code_or_name: str) -> int:
        """Index of a place by its code or its (unique) name."""
        lookup = self._lookup()
        if code_or_name not in lookup:
            raise KeyError(code_or_name)
        return lookup[code_or_name]

    def _lookup(self) -> dict[str, int]:
        cache = self.__dict__.get("_cache")
        if cache is None:
            cache = {c: i for i, c in enumerate(self.code)}
            names: dict[str, list[int]] = {}
            for i, n in enumerate(self.name):
                names.setdefault(n, []).append(i)
            cache.update({n: ix[0] for n, ix in names.items() if len(ix) == 1})
            object.__setattr__(self, "_cache", cache)
        return cache


MAX_POPULATION = 1e8  # people in one town or place: far above any county's, far below overflow


def read_towns(geo: Geography) -> tuple[list[dict[str, str]], list[Problem]]:
    """Rows of the towns CSV plus any problems in them."""
    rows = read_csv(
        geo.towns_csv,
        ["code", "name", "pinyin", "seat_lat", "seat_lon", "terrain", "population"],
        "towns CSV",
    )
    problems: list[Problem] = []
    seen: set[tuple[str, str]] = set()
    for row in rows:
        for column, limit in (("seat_lat", 90.0), ("seat_lon", 180.0)):
            value = number(row, column, geo.towns_csv, problems, minimum=None)
            if abs(value) > limit:
                problems.append(
                    Problem(
                        geo.towns_csv,
                        int(row["_line"]),
                        column,
                        f"{value:g} is out of range; expected degrees between {-limit:g} and {limit:g}",
                    )
                )
        number(row, "population", geo.towns_csv, problems, maximum=MAX_POPULATION, unit="people")
        for column in ("code", "pinyin"):
            key = (column, row[column].lower())
            if key in seen:
                problems.append(
                    Problem(
                        geo.towns_csv,
                        int(row["_line"]),
                        column,
                        f"duplicate town {column} {row[column]!r}; expected unique values",
                    )
                )
            seen.add(key)
    return rows, problems


def place_kind_problem(kind: str) -> str:
    """Why ``kind`` is not a kind of place (:data:`PLACE_KINDS`), with the kind it most likely
    meant: the message of a places CSV row or a scenario key naming an unknown kind."""
    close = closest(kind, PLACE_KINDS)
    hint = f" (did you mean {close!r}?)" if close else ""
    return f"unknown place kind {kind!r}{hint}; expected {' or '.join(PLACE_KINDS)}"


def build_places(scenario: Scenario) -> tuple[Towns, Places]:
    """Towns and places of a scenario, with zones, populations and positions (deterministic)."""
    geo = scenario.geography
    town_rows, problems = read_towns(geo)
    place_rows = read_csv(geo.places_csv, ["code", "town_code", "name", "kind"], "places CSV")
    town_of_code = {row["code"]: i for i, row in enumerate(town_rows)}
    seen: set[str] = set()
    for row in place_rows:
        if row["town_code"] not in town_of_code:
            problems.append(
                Problem(
                    geo.places_csv,
                    int(row["_line"]),
                    "town_code",
                    f"unknown town code {row['town_code']!r}; expected a code from the towns CSV",
                )
            )
        if row["code"] in seen:
            problems.append(
                Problem(
                    geo.places_csv,
                    int(row["_line"]),
                    "code",
                    f"duplicate place code {row['code']}; expected unique codes",
                )
            )
        seen.add(row["code"])
        if row["kind"] not in PLACE_KINDS:
            problems.append(
                Problem(geo.places_csv, int(row["_line"]), "kind", place_kind_problem(row["kind"]))
            )
    used = {row["town_code"] for row in place_rows}
    problems += [
        Problem(
            geo.towns_csv,
            int(row["_line"]),
            "code",
            f"town {row['pinyin']!r} has no place in the places CSV; expected at least one",
        )
        for row in town_rows
        if row["code"] not in used
    ]
    if problems:
        raise UserError(problems)

    town_pop = np.array([float(r["population"]) for r in town_rows])
    seat_lat = np.array([float(r["seat_lat"]) for r in town_rows])
    seat_lon = np.array([float(r["seat_lon"]) for r in town_rows])
    seat_place = np.zeros(len(town_rows), dtype=np.int32)  # filled below
    towns = Towns(
        [r["code"] for r in town_rows],
        [r["name"] for r in town_rows],
        [r["pinyin"] for r in town_rows],
        [terrain_class(r["terrain"]) for r in town_rows],
        town_pop,
        seat_lat,
        seat_lon,
        seat_place,
    )
    # the scenario names towns as the validator accepts them: pinyin in any case or Chinese name
    terrain = towns.terrain
    for name, cls in geo.terrain.items():
        terrain[towns.index(name)] = cls
    urban_towns = {towns.index(name) for name in geo.urban_towns}

    n = len(place_rows)
    town = np.array([town_of_code[r["town_code"]] for r in place_rows], dtype=np.int32)
    kind = [r["kind"] for r in place_rows]
    zone = np.array(
        [0 if t in urban_towns and k in geo.urban_kinds else 1 for t, k in zip(town.tolist(), kind)],
        dtype=np.int8,
    )
    weight = np.array([geo.community_weight if k == "community" else 1.0 for k in kind])
    population = np.zeros(n)
    lat, lon = np.zeros(n), np.zeros(n)
    lat0 = float(np.mean(seat_lat))
    km_per_deg_lon = KM_PER_DEG_LAT * math.cos(math.radians(lat0))
    by_town: list[list[int]] = [[] for _ in town_rows]
    for i in range(n):
        by_town[town[i]].append(i)
    for t in range(len(town_rows)):
        members = by_town[t]
        members.sort(key=lambda i: (kind[i] != "community", place_rows[i]["code"]))
        if not members:
            continue
        seat_place[t] = members[0]
        population[members] = town_pop[t] * weight[members] / weight[members].sum()
        radius = geo.radius_km.get(terrain[t], 5.0)
        for k, i in enumerate(members):
            r = radius * math.sqrt(k / len(members))
            angle = k * GOLDEN_ANGLE
            lat[i] = seat_lat[t] + r * math.sin(angle) / KM_PER_DEG_LAT
            lon[i] = seat_lon[t] + r * math.cos(angle) / km_per_deg_lon
    if geo.coordinates_csv:
        _apply_coordinates(geo.coordinates_csv, [r["code"] for r in place_rows], lat, lon, population)
    lon0 = float(np.mean(seat_lon))
    places = Places(
        [r["code"] for r in place_rows],
        [r["name"] for r in place_rows],
        kind,
        town,
        zone,
        population,
        lat,
        lon,
        (lon - lon0) * km_per_deg_lon,
        (lat - lat0) * KM_PER_DEG_LAT,
    )
    return towns, places


def _apply_coordinates(
    path: str, codes: list[str], lat: np.ndarray, lon: np.ndarray, population: np.ndarray
) -> None:
    """Positions (degrees) and, if its column is filled, populations (people) of every place
    from the coordinates CSV ``path``, in place of the derived ones: every place once, and the
    population of all or of none."""
    rows = read_csv(path, ["code", "lat", "lon"], "coordinates CSV")
    index = {c: i for i, c in enumerate(codes)}
    problems: list[Problem] = []
    seen: set[str] = set()
    for row in rows:
        if row["code"] not in index or row["code"] in seen:
            problems.append(
                Problem(
                    path,
                    int(row["_line"]),
                    "code",
                    f"unknown or repeated place "
                    f"code {row['code']!r}; expected each code of the places CSV "
                    "at most once",
                )
            )
            continue
        seen.add(row["code"])
        i = index[row["code"]]
        lat[i] = number(row, "lat", path, problems, minimum=-90.0)
        lon[i] = number(row, "lon", path, problems, minimum=-180.0)
        if lat[i] > 90 or lon[i] > 180:
            column = "lat" if lat[i] > 90 else "lon"
            problems.append(
                Problem(
                    path,
                    int(row["_line"]),
                    column,
                    f"({lat[i]:g}, {lon[i]:g}) is "
                    "not a position; expected latitude -90..90, longitude "
                    "-180..180",
                )
            )
        if "population" in row and row["population"] not in (None, ""):
            population[i] = number(row, "population", path, problems, maximum=MAX_POPULATION, unit="people")
    missing = [c for c in codes if c not in seen]
    if missing:  # a place left out would keep its made-up position (and population) unseen
        problems.append(
            Problem(
                path,
                None,
                "code",
                f"covers {len(seen)} of the {len(codes)} places; expected every code of the places "
                f"CSV (missing: {', '.join(missing[:5])}{', ...' if len(missing) > 5 else ''})",
            )
        )
    given = sum(1 for row in rows if row.get("population") not in (None, ""))
    if 0 < given < len(rows):  # a few given would change the county's total, not share it
        problems.append(
            Problem(
                path,
                None,
                "population",
                f"given for {given} of {len(rows)} places; expected every place's population or "
                "none (the towns' populations then shared among their places)",
            )
        )
    if problems:
        raise UserError(problems)
