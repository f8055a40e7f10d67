"""The ``geography:`` section of a scenario: the towns and village units (places) from the data
files, their zones (``ZONES``) and positions, and the travel-time model with its ferry to the
island towns. :mod:`sim.world.geography` builds the places from it, :mod:`sim.world.travel` the
travel times.
"""

from __future__ import annotations

from dataclasses import dataclass

from sim.config.spec import spec

ZONES = ("urban", "rural")


@dataclass(frozen=True)
class Ferry:
    """Scheduled boat between the mainland port town and island towns."""

    island_towns: list[str] = spec(factory=lambda: ["Nanji"], doc="towns reached only by ferry")
    port_town: str = spec("Aojiang", "mainland town the ferry leaves from")
    departures: list[str] = spec(
        factory=lambda: ["07:30", "13:30"], doc="daily departures, each way, as HH:MM"
    )
    crossing_min: float = spec(120.0, "duration of the crossing", "minutes", gt=0, le=10_080)


@dataclass(frozen=True)
class Travel:
    """How travel times between places are made."""

    matrix_csv: str | None = spec(
        None,
        "optional CSV of minutes between place codes "
        "(first column and header row: place codes); overrides the "
        "coordinate model",
    )
    circuity: float = spec(1.4, "road distance / straight-line distance", "ratio", ge=1, le=10)
    speed_kmh: dict[str, float] = spec(
        factory=lambda: {"urban": 22.0, "plain": 32.0, "hills": 28.0, "mountain": 22.0, "island": 15.0},
        doc="average travel speed by terrain; a trip goes at the slower of its two ends' towns "
        "(1 km/h, a slow walk, to 200)",
        unit="km/h",
        ge=1,
        le=200,
    )
    setup_min: float = spec(3.0, "time to set off (added to every trip)", "minutes", ge=0, le=1440)
    ferry: Ferry | None = spec(factory=Ferry, doc="ferry to island towns; null for none")


@dataclass(frozen=True)
class Geography:
    """Places (village units), towns, zones and positions."""

    towns_csv: str = spec(
        "data/pingyang_towns.csv",
        "towns CSV (code, name, pinyin, seat_lat, "
        "seat_lon, terrain, population), relative to the scenario file; terrain is free text, "
        "read as the first of island, urban, mountain, hill(s) it contains, else plain",
    )
    places_csv: str = spec(
        "data/pingyang_villages.csv",
        "village units CSV (code, name, town_code, kind), relative to the scenario file",
    )
    coordinates_csv: str | None = spec(
        None,
        "optional CSV code,lat,lon[,population] replacing the derived positions and populations: "
        "every place once, a population for every place or none; a town's seat place (where its "
        "station and any county-level team sit) stays its first community by code (first place without one)",
    )
    urban_towns: list[str] = spec(
        factory=lambda: ["Kunyang", "Aojiang"],
        doc="towns (pinyin in any case, or Chinese name) whose units of an urban kind are urban",
    )
    urban_kinds: list[str] = spec(
        factory=lambda: ["community"], doc="unit kinds that are urban inside urban towns"
    )
    county_seat_town: str = spec("Kunyang", "town of the county center")
    community_weight: float = spec(
        2.0,
        "population weight of a community vs a village when a town's population is shared among its units",
        "ratio",
        gt=0,
        le=1000,
    )
    radius_km: dict[str, float] = spec(
        factory=lambda: {"urban": 4.0, "plain": 6.0, "hills": 7.0, "mountain": 11.0, "island": 3.0},
        doc="radius around the town seat within which units are placed, by terrain",
        unit="km",
        gt=0,
        le=1000,
    )
    terrain: dict[str, str] = spec(
        factory=dict,
        doc="override the terrain class of a town (town pinyin or Chinese name -> "
        "urban|plain|hills|mountain|island)",
    )
    travel: Travel = spec(factory=Travel, doc="travel-time model")
