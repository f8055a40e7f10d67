"""Places, towns, zones, positions, populations and travel times (minutes).

A place is one village practice point (村居实践站): a village or an urban community, under one of
the 16 towns. Its zone is ``urban`` (10-minute promise) or ``rural`` (same-day promise). No
village positions or populations are public, so by default each town's population is shared
among its units (communities weigh more) and units are laid out on a sunflower spiral around the
town seat, within a radius set by the town's terrain; ``coordinates_csv`` replaces both.

Travel minutes = set-off time + straight-line km x circuity / speed (the slower end's terrain).
A trip between the mainland and an island (Nanji) goes to the port, waits for the next ferry
departure and crosses (the timetable is a SimPy process of the model, :mod:`sim.model.ferry`);
a user's ``matrix_csv`` replaces the whole model.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np

from sim.config.errors import Problem, UserError
from sim.config.geography import Geography
from sim.config.scenario import Scenario
from sim.config.tables import number, raise_problems, read_csv, read_rows

TERRAINS = ("urban", "plain", "hills", "mountain", "island")
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

    def index(self, pinyin: str) -> int:
        """Index of the town called ``pinyin`` (case-insensitive) or of that Chinese name
        (the first such town; a dict made at the first call, not a scan per call)."""
        lookup = self.__dict__.get("_lookup")
        if lookup is None:
            lookup = {}
            for i, (p, n) in enumerate(zip(self.pinyin, self.name)):
                lookup.setdefault(p.lower(), i)
                lookup.setdefault(n.lower(), i)
            object.__setattr__(self, "_lookup", lookup)
        if pinyin.lower() not in lookup:
            raise KeyError(pinyin)
        return lookup[pinyin.lower()]


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
    if problems:
        raise UserError(problems)


class TravelModel:
    """Travel minutes between places (the ferry's timetable is the model's: see :meth:`trip`)."""

    def __init__(self, scenario: Scenario, towns: Towns, places: Places):
        travel = scenario.geography.travel
        self.setup = travel.setup_min
        self.x = places.x_km.tolist()
        self.y = places.y_km.tolist()
        self._x, self._y = places.x_km, places.y_km
        speeds = np.array([travel.speed_kmh.get(towns.terrain[t], 25.0) for t in places.town])
        self.min_per_km = (travel.circuity * 60.0 / speeds).tolist()
        self._min_per_km = np.asarray(self.min_per_km)
        n = len(places)
        self.island = [False] * n
        self.ferry_departures: list[float] = []
        self.crossing = 0.0
        self.mean_ferry_wait = 0.0
        if travel.ferry is not None:
            ferry = travel.ferry
            islands = {towns.index(t) for t in ferry.island_towns}
            self.island = [int(t) in islands for t in places.town]
            self.port = int(towns.seat_place[towns.index(ferry.port_town)])
            piers = {t: int(towns.seat_place[t]) for t in islands}
            self.pier = [piers.get(int(t), -1) for t in places.town]
            self.ferry_departures = sorted(parse_clock(d) for d in ferry.departures)
            self.crossing = ferry.crossing_min
            gaps = np.diff(self.ferry_departures + [self.ferry_departures[0] + 1440.0])
            self.mean_ferry_wait = float((gaps**2).sum() / 2 / 1440.0)
        self._island = np.asarray(self.island)
        self.matrix = None
        if travel.matrix_csv:
            self.matrix = read_matrix(travel.matrix_csv, places.code)

    def _land(self, a: int, b: int) -> float:
        if a == b:
            return self.setup
        km = math.hypot(self.x[a] - self.x[b], self.y[a] - self.y[b])
        return self.setup + km * max(self.min_per_km[a], self.min_per_km[b])

    def nominal(self, a: int, b: int) -> float:
        """Typical minutes from a to b (ferry wait averaged over the day), used for ranking."""
        if self.matrix is not None:
            return float(self.matrix[a, b])
        if self.island[a] == self.island[b]:
            return self._land(a, b)
        return sum(self.ferry_legs(a, b)) + self.mean_ferry_wait + self.crossing

    def nominal_grid(self, origins, targets) -> np.ndarray:
        """Typical minutes from each place in ``origins`` (rows) to each in ``targets``
        (columns), vectorised: :meth:`nominal`'s values, except that the distance comes from
        NumPy's ``hypot``, which may differ from ``math.hypot`` in the last bit; pairs across
        the ferry are :meth:`nominal`'s own values."""
        origins = np.asarray(origins, dtype=np.intp)[:, None]
        targets = np.asarray(targets, dtype=np.intp)
        if self.matrix is not None:
            return self.matrix[origins, targets]
        km = np.hypot(self._x[targets] - self._x[origins], self._y[targets] - self._y[origins])
        out = self.setup + km * np.maximum(self._min_per_km[targets], self._min_per_km[origins])
        for i, j in zip(*np.nonzero(self._island[targets] != self._island[origins])):
            out[i, j] = self.nominal(int(origins[i, 0]), int(targets[j]))
        return out

    def crosses(self, a: int, b: int) -> bool:
        """Whether a trip from a to b takes the ferry (mainland <-> island, no travel matrix)."""
        return self.matrix is None and self.island[a] != self.island[b]

    def ferry_legs(self, a: int, b: int) -> tuple[float, float]:
        """The land legs of a crossing from a to b (minutes): to the pier where the ferry
        leaves, and from the pier where it lands."""
        start_pier = self.pier[a] if self.island[a] else self.port
        end_pier = self.port if self.island[a] else self.pier[b]
        return self._land(a, start_pier), self._land(end_pier, b)

    def trip(self, a: int, b: int) -> float:
        """Minutes to travel from a to b by land (a crossing waits for the ferry's timetable:
        :mod:`sim.model.ferry`)."""
        if self.matrix is not None:
            return float(self.matrix[a, b])
        return self._land(a, b)


def read_matrix(path: str, codes: list[str]) -> np.ndarray:
    """A square CSV of travel minutes (header and first column: place codes) as an array."""
    problems: list[Problem] = []
    index = {c: i for i, c in enumerate(codes)}
    rows = read_rows(path, "travel matrix")
    header_line, header = rows[0][0], [c.strip() for c in rows[0][1][1:]]
    unknown = [c for c in header if c not in index]
    if unknown:
        problems.append(
            Problem(
                path,
                header_line,
                "",
                f"unknown place code(s) {', '.join(unknown[:3])}; expected codes from the places CSV",
            )
        )
    repeated = sorted({c for c in header if header.count(c) > 1})
    if repeated:
        problems.append(
            Problem(
                path,
                header_line,
                "",
                f"place code(s) {', '.join(repeated[:3])} repeated in the header; expected each place once",
            )
        )
    missing = [c for c in codes if c not in set(header)]
    if missing:
        problems.append(
            Problem(
                path,
                header_line,
                "",
                f"{len(missing)} place(s) missing, e.g. {missing[0]}; expected every place as a column",
            )
        )
    if len(rows) - 1 != len(header):
        problems.append(
            Problem(
                path,
                header_line,
                "",
                f"{len(rows) - 1} rows for {len(header)} columns; expected a square matrix",
            )
        )
    raise_problems(problems)
    matrix = np.zeros((len(codes), len(codes)))
    cols = [index[c] for c in header]
    seen: set[str] = set()
    for line, row in rows[1:]:
        code = row[0].strip()
        if code not in index or len(row) != len(header) + 1 or code in seen:
            problems.append(
                Problem(
                    path,
                    line,
                    "",
                    f"row {code[:20]!r} is unknown, repeated or "
                    f"not {len(header)} values long; expected each place code "
                    f"once, followed by {len(header)} minutes",
                )
            )
            continue
        seen.add(code)
        for j, cell in zip(cols, row[1:]):
            try:
                value = float(cell)
                if not value >= 0 or value == float("inf"):
                    raise ValueError
            except ValueError:
                problems.append(
                    Problem(path, line, code, f"{cell[:20]!r} is not a travel time; expected minutes >= 0")
                )
                break
            matrix[index[code], j] = value
    raise_problems(problems)
    return matrix
