"""Travel minutes between places (:class:`TravelModel`), from the scenario's
``geography.travel`` or from a user's travel matrix (:func:`read_matrix`).

Travel minutes = set-off time + straight-line km x circuity / speed (the slower end's terrain).
A trip between the mainland and an island (Nanji) goes to the port, waits for the next ferry
departure and crosses (the timetable is a SimPy process of the model, :mod:`sim.model.ferry`);
a trip between two island towns crosses twice, by the port. A user's ``matrix_csv`` replaces
the whole model.
"""

from __future__ import annotations

import math

import numpy as np

from sim.config.errors import Problem
from sim.config.scenario import Scenario
from sim.config.tables import raise_problems, read_rows
from sim.world.geography import Places, Towns, parse_clock


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
        self.island = [-1] * n  # per place: its island town, -1 on the mainland
        self.ferry_departures: list[float] = []
        self.crossing = 0.0
        self.mean_ferry_wait = 0.0
        if travel.ferry is not None:
            ferry = travel.ferry
            islands = {towns.index(t) for t in ferry.island_towns}
            self.island = [int(t) if int(t) in islands else -1 for t in places.town]
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
        if self.island[a] >= 0 and self.island[b] >= 0:  # island to island: by the port
            return self.nominal(a, self.port) - self.setup + self.nominal(self.port, b)
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
        """Whether a trip from a to b takes the ferry (between the mainland and an island, or
        two islands; no travel matrix)."""
        return self.matrix is None and self.island[a] != self.island[b]

    def ferry_legs(self, a: int, b: int) -> tuple[float, float]:
        """The land legs of a crossing from a to b, one end on the mainland (minutes): to the pier
        where the ferry leaves, and from the pier where it lands."""
        start_pier = self.pier[a] if self.island[a] >= 0 else self.port
        end_pier = self.port if self.island[a] >= 0 else self.pier[b]
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
