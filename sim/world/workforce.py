"""Teams, their skills, members, homes and on-duty schedules (volunteers by hour of week).

A team is a group of volunteers sharing a home place (where they set off from), a level
(village, paired, town, county, subcenter, professional) and a set of skills. Its schedule gives
the share of members on duty in each hour of the week. Members x share is rarely whole: with
``teams.duty_counts: drawn`` (the default) a team has the whole part scheduled and one more
member with the probability of the fraction, drawn in each shift block, so that its expected
count is members x share and a small team (5 members x 7% = 0.35) is on duty in about a third of
its blocks, never rounded to zero. In each shift block every scheduled member shows up with
probability ``teams.show_up`` (both draws from the stream ``availability/<team>``). The model
tracks counts, not individuals: a team has ``on_duty`` and ``busy`` volunteers, and
``max(0, on_duty - busy)`` free ones; when a shift ends while volunteers are busy, they finish
the task in hand and only then go off duty (their count simply drops out of ``busy``).

Each village unit also has a red proxy point (``proxy:``; team ``proxy:<code>``, level
``proxy_point``) when the scenario has proxy points, and a mediation room (``mediation:``; team
``mediation:<code>``, level ``mediation_room``) when its kind is one of the rooms' place kinds:
each has the one skill of its service channel and serves its own village only.

Extra on-duty volunteers (``teams.additions``, and the call-ups of ``events``) become teams of
their own at the town seat, level ``town``, named ``extra:<town>:<start>-<end>`` (call-ups:
``callup:<event>:<town>:<start>-<end>``), with ``volunteers`` on duty in their band of hours every
day (call-ups: only inside the event's window). E.g. ``{town: Kunyang, hours: [19, 22],
volunteers: 2}`` adds 2 x 3 = 6 volunteer-hours a day, 42 a week.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from sim.config.channels import mediation_skill
from sim.config.scenario import Scenario
from sim.config.teams import TEAM_LEVELS, Addition, TeamKind
from sim.world.geography import Places, Towns
from sim.world.pairing import Pair

HOURS_PER_WEEK = 168


@dataclass(frozen=True)
class TeamTable:
    """All teams (columnar; index = team id)."""

    name: list[str]
    level: np.ndarray  # index into TEAM_LEVELS
    home: np.ndarray  # place index
    town: np.ndarray  # town index of the home place
    members: np.ndarray
    skills: list[frozenset[int]]  # skill indices
    scheduled: np.ndarray  # (teams, 168) members scheduled on duty by hour of week (whole part)
    active_hours: np.ndarray  # (teams, 2) simulated hours [start, end) the team exists
    # drawn counts (``teams.duty_counts: drawn``): the fractional part of members x share by
    # hour of week, one row per distinct (schedule, members) with a fraction; ``fraction_row``:
    # each team's row, -1 where every count is whole (the roster then draws nothing for it)
    fraction: np.ndarray = field(default_factory=lambda: np.zeros((0, HOURS_PER_WEEK)))
    fraction_row: np.ndarray | None = None

    def __post_init__(self):
        if self.fraction_row is None:
            object.__setattr__(self, "fraction_row", np.full(len(self.name), -1, dtype=np.int32))

    def __len__(self) -> int:
        return len(self.name)

    def may_be_on_duty(self) -> np.ndarray:
        """Per team, whether its schedule ever puts a member on duty (a whole count, or a
        fraction the roster may draw up to one)."""
        return self.scheduled.any(axis=1) | (self.fraction_row >= 0)


WHOLE = 1e-9  # a fraction below this is float noise (0.07 x 100 = 7.000000000000001)


def expected_counts(scenario: Scenario, schedule: str, members: int) -> np.ndarray:
    """Members x share in each of the 168 hours of the week (Monday 00:00 first): the
    expected number scheduled on duty (a fraction of a volunteer, for a small team)."""
    week = scenario.schedules[schedule].week()
    return np.array([share for day in week for share in day]) * members


def scheduled_counts(scenario: Scenario, schedule: str, members: int) -> tuple[np.ndarray, np.ndarray | None]:
    """Members scheduled on duty in each of the 168 hours of the week, as (whole counts,
    fractions or None), by ``teams.duty_counts``: ``drawn`` gives the whole part of members x
    share and its fraction (the roster adds one member with that probability in each shift
    block, so the expected count is members x share; None when every count is whole);
    ``rounded`` gives the nearest whole number, a half up (a 5-member team at 7% is never on
    duty, at 10% always one: halves are not left to the float noise of members x share)."""
    expected = expected_counts(scenario, schedule, members)
    if scenario.teams.duty_counts == "rounded":
        return np.floor(expected + 0.5 + WHOLE).astype(np.int32), None
    whole = np.floor(expected + WHOLE)
    fraction = expected - whole
    fraction[fraction < WHOLE] = 0.0
    return whole.astype(np.int32), (fraction if fraction.any() else None)


def band_counts(addition: Addition) -> np.ndarray:
    """On-duty volunteers of an addition in each of the 168 hours of the week."""
    start, end = addition.hours
    hours = np.arange(24)
    inside = (hours >= start) & (hours < end) if start <= end else (hours >= start) | (hours < end)
    return np.tile(np.where(inside, addition.volunteers, 0), 7).astype(np.int32)


def addition_hours_per_week(addition: Addition) -> int:
    """Volunteer-hours a week of an addition (volunteers x hours in its daily band x 7)."""
    return int(band_counts(addition).sum())


def split_members(total: int, weights: np.ndarray) -> np.ndarray:
    """``total`` people shared among places in proportion to ``weights``, in whole people by
    largest remainders, so that the shares add up to ``total`` exactly (ties: the first place)."""
    weights = np.asarray(weights, dtype=float)
    if total <= 0 or len(weights) == 0 or weights.sum() <= 0:
        return np.zeros(len(weights), dtype=np.int64)
    exact = total * weights / weights.sum()
    out = np.floor(exact).astype(np.int64)
    short = total - int(out.sum())
    out[np.argsort(-(exact - out), kind="stable")[:short]] += 1
    return out


def channel_team_rows(scenario: Scenario, places: Places) -> list[tuple[str, str, int, int, list[str], str]]:
    """The teams that serve one service channel in their own village: a red proxy point in every
    place (members split by population or evenly, ``proxy.split``), and a mediation room in every
    place of the rooms' kinds (``mediation.place_kinds``). Rows as :func:`build_teams` makes."""
    rows: list[tuple[str, str, int, int, list[str], str]] = []
    proxy, rooms = scenario.proxy, scenario.mediation
    if proxy is not None:
        weights = places.population if proxy.split == "population" else np.ones(len(places))
        members = split_members(proxy.members, weights).tolist()
        for i in range(len(places)):
            rows.append(
                (f"proxy:{places.code[i]}", "proxy_point", i, members[i], [proxy.skill], proxy.schedule)
            )
    if rooms is not None:
        skill = mediation_skill(scenario)
        for i in range(len(places)):
            if places.kind[i] in rooms.place_kinds:
                rows.append(
                    (
                        f"mediation:{places.code[i]}",
                        "mediation_room",
                        i,
                        rooms.members,
                        [skill],
                        rooms.schedule,
                    )
                )
    return rows


def build_teams(
    scenario: Scenario, towns: Towns, places: Places, pairs: list[Pair], skill_index: dict[str, int]
) -> TeamTable:
    """Every team of the scenario: village points, town stations, county, sub-centers,
    professional teams, proxy points and mediation rooms, extra volunteers and paired units, in
    that (stable) order. A village/community team's members, and a town station's, are those of
    scale 1 (whole people) times the county-wide scale (``teams.village_scale``,
    ``teams.station_scale``) times its town's own (``teams.town_overrides.<town>``), rounded to
    the nearest whole person (for staffing what-ifs, county-wide or in one town)."""
    rows: list[tuple[str, str, int, int, list[str], str]] = []
    t = scenario.teams
    overrides = {towns.index(name): o for name, o in t.town_overrides.items()}
    for i in range(len(places)):
        community = places.kind[i] == "community"
        base = t.village_members_community if community else t.village_members_village
        over = overrides.get(int(places.town[i]))
        per_1000 = t.village_members_per_1000
        schedule = t.community_schedule if community else t.village_schedule
        scale = t.village_scale
        if over is not None:
            per_1000 = per_1000 if over.village_members_per_1000 is None else over.village_members_per_1000
            schedule = (over.community_schedule if community else over.village_schedule) or schedule
            scale = scale * over.village_scale  # the town's scale composes with the county's
        members = int(round(scale * round(base + per_1000 * places.population[i] / 1000)))
        rows.append((f"village:{places.code[i]}", "village", i, members, t.village_skills, schedule))
    for town in range(len(towns.code)):
        members = round(t.town.members + t.town.members_per_1000 * towns.population[town] / 1000)
        over = overrides.get(town)
        scale = t.station_scale if over is None else t.station_scale * over.station_scale
        members = int(round(scale * members))
        rows.append(
            (
                f"town:{towns.pinyin[town]}",
                "town",
                int(towns.seat_place[town]),
                members,
                t.town.skills,
                t.town.schedule,
            )
        )
    seat = int(towns.seat_place[towns.index(scenario.geography.county_seat_town)])

    def named(kind: TeamKind, level: str) -> None:
        home = seat if not kind.home_town else int(towns.seat_place[towns.index(kind.home_town)])
        for k in range(kind.count):
            suffix = f"#{k + 1}" if kind.count > 1 else ""
            rows.append(
                (f"{level}:{kind.name}{suffix}", level, home, kind.members, kind.skills, kind.schedule)
            )

    named(t.county, "county")
    for kind in t.centers:
        named(kind, "county")
    for kind in t.subcenters:
        named(kind, "subcenter")
    for kind in t.professional:
        named(kind, "professional")
    rows += channel_team_rows(scenario, places)
    active = [(0.0, np.inf)] * len(rows)
    extras = [("extra", a, (0.0, np.inf)) for a in t.additions]
    extras += [
        (f"callup:{e.name or k}", a, (e.start_day * 24, (e.start_day + e.days) * 24))
        for k, e in enumerate(scenario.events)
        for a in e.callups
    ]
    seen: set[str] = set()
    for prefix, a, window in extras:
        town = towns.index(a.town)
        name = f"{prefix}:{towns.pinyin[town]}:{a.hours[0]}-{a.hours[1]}"
        name = name if name not in seen else f"{name}#{len(seen)}"
        seen.add(name)
        rows.append(
            (
                name,
                "town",
                int(towns.seat_place[town]),
                a.volunteers,
                a.skills or t.town.skills,
                band_counts(a),
            )
        )
        active.append(window)
    # paired units deliver their service projects (the pairing channel's items), and take
    # their village's ordinary orders with their kind's skills if pairing.answer_ordinary
    projects = [i.skill for i in scenario.catalog if i.channel == "pairing" and not i.professional]
    for pair in pairs:
        spec = scenario.pairing.kinds[pair.kind]
        skills = (list(spec.skills) if scenario.pairing.answer_ordinary else []) + projects
        rows.append((f"paired:{pair.unit_name}", "paired", pair.home, spec.members, skills, spec.schedule))
    active += [(0.0, np.inf)] * len(pairs)  # paired units last: build.py (n_fixed) relies on it

    home = np.array([r[2] for r in rows], dtype=np.int32)
    members = np.array([r[3] for r in rows], dtype=np.int32)
    # one weekly profile per (schedule, members) pair, not per team (100,000 teams at scale)
    weekly = {
        key: scheduled_counts(scenario, *key) for key in {(r[5], r[3]) for r in rows if isinstance(r[5], str)}
    }
    fraction_rows: dict[tuple[str, int], int] = {}  # (schedule, members) with a fraction -> its row
    for key in sorted(k for k, (_, fraction) in weekly.items() if fraction is not None):
        fraction_rows[key] = len(fraction_rows)
    fractions = np.zeros((len(fraction_rows), HOURS_PER_WEEK))
    for key, row in fraction_rows.items():
        fractions[row] = weekly[key][1]
    # one shared set per distinct combination of skills (a few dozen), not one per team: the
    # dispatcher tests membership on every event, and shared sets stay in the CPU's cache
    skill_sets: dict[frozenset[int], frozenset[int]] = {}
    return TeamTable(
        name=[r[0] for r in rows],
        level=np.array([TEAM_LEVELS.index(r[1]) for r in rows], dtype=np.int8),
        home=home,
        town=places.town[home].astype(np.int32),
        members=members,
        skills=[
            skill_sets.setdefault(skills, skills)
            for skills in (frozenset(skill_index[s] for s in r[4]) for r in rows)
        ],
        scheduled=np.array(
            [r[5] if isinstance(r[5], np.ndarray) else weekly[(r[5], r[3])][0] for r in rows], dtype=np.int32
        ).reshape(len(rows), HOURS_PER_WEEK),
        active_hours=np.array(active, dtype=float).reshape(len(rows), 2),
        fraction=fractions,
        fraction_row=np.array(
            [-1 if isinstance(r[5], np.ndarray) else fraction_rows.get((r[5], r[3]), -1) for r in rows],
            dtype=np.int32,
        ),
    )
