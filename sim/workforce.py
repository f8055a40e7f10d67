"""Teams, their skills, members, homes and on-duty schedules (volunteers by hour of week).

A team is a group of volunteers sharing a home place (where they set off from), a level
(village, paired, town, county, subcenter, professional) and a set of skills. Its schedule gives
the share of members on duty in each hour of the week; in each shift block every scheduled
member shows up with probability ``teams.show_up`` (stream ``availability/<team>``). The model
tracks counts, not individuals: a team has ``on_duty`` and ``busy`` volunteers, and
``max(0, on_duty - busy)`` free ones; when a shift ends while volunteers are busy, they finish
the task in hand and only then go off duty (their count simply drops out of ``busy``).

Extra on-duty volunteers (``teams.additions``, and the call-ups of ``events``) become teams of
their own at the town seat, level ``town``, named ``extra:<town>:<start>-<end>`` (call-ups:
``callup:<event>:<town>:<start>-<end>``), with ``volunteers`` on duty in their band of hours every
day (call-ups: only inside the event's window). E.g. ``{town: Kunyang, hours: [19, 22],
volunteers: 2}`` adds 2 x 3 = 6 volunteer-hours a day, 42 a week.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass

import numpy as np

from sim.geography import Places, Towns
from sim.pairing import Pair
from sim.rng import Streams
from sim.scenario import TEAM_LEVELS, Addition, Scenario, TeamKind

HOURS_PER_WEEK = 168


@dataclass(frozen=True)
class Teams:
    """All teams (columnar; index = team id)."""

    name: list[str]
    level: np.ndarray  # index into TEAM_LEVELS
    home: np.ndarray  # place index
    town: np.ndarray  # town index of the home place
    members: np.ndarray
    skills: list[frozenset[int]]  # skill indices
    scheduled: np.ndarray  # (teams, 168) members scheduled on duty by hour of week
    active_hours: np.ndarray  # (teams, 2) simulated hours [start, end) the team exists

    def __len__(self) -> int:
        return len(self.name)


def scheduled_counts(scenario: Scenario, schedule: str, members: int) -> np.ndarray:
    """Members on duty in each of the 168 hours of the week (Monday 00:00 first)."""
    spec = scenario.schedules[schedule]
    week = [spec.weekday] * 5 + [spec.weekend] * 2
    shares = np.array([share for day in week for share in day])
    return np.rint(shares * members).astype(np.int32)


def band_counts(addition: Addition) -> np.ndarray:
    """On-duty volunteers of an addition in each of the 168 hours of the week."""
    start, end = addition.hours
    hours = np.arange(24)
    inside = (hours >= start) & (hours < end) if start <= end else (hours >= start) | (hours < end)
    return np.tile(np.where(inside, addition.volunteers, 0), 7).astype(np.int32)


def addition_hours_per_week(addition: Addition) -> int:
    """Volunteer-hours a week of an addition (volunteers x hours in its daily band x 7)."""
    return int(band_counts(addition).sum())


def build_teams(scenario: Scenario, towns: Towns, places: Places, pairs: list[Pair],
                skill_index: dict[str, int]) -> Teams:
    """Every team of the scenario: village points, town stations, county, sub-centers,
    professional teams and paired units, in that (stable) order."""
    rows: list[tuple[str, str, int, int, list[str], str]] = []
    t = scenario.teams
    overrides = {towns.index(name): o for name, o in t.town_overrides.items()}
    for i in range(len(places)):
        community = places.kind[i] == "community"
        base = t.village_members_community if community else t.village_members_village
        over = overrides.get(int(places.town[i]))
        per_1000 = t.village_members_per_1000
        schedule = t.community_schedule if community else t.village_schedule
        if over is not None:
            per_1000 = per_1000 if over.village_members_per_1000 is None \
                else over.village_members_per_1000
            schedule = (over.community_schedule if community else over.village_schedule) \
                or schedule
        members = int(round(base + per_1000 * places.population[i] / 1000))
        rows.append((f"village:{places.code[i]}", "village", i, members, t.village_skills,
                     schedule))
    for town in range(len(towns.code)):
        members = int(round(t.town.members + t.town.members_per_1000 * towns.population[town]
                            / 1000))
        rows.append((f"town:{towns.pinyin[town]}", "town", int(towns.seat_place[town]),
                     members, t.town.skills, t.town.schedule))
    seat = int(towns.seat_place[towns.index(scenario.geography.county_seat_town)])

    def named(kind: TeamKind, level: str) -> None:
        home = seat if not kind.home_town else int(towns.seat_place[towns.index(kind.home_town)])
        for k in range(kind.count):
            suffix = f"#{k + 1}" if kind.count > 1 else ""
            rows.append((f"{level}:{kind.name}{suffix}", level, home, kind.members, kind.skills,
                         kind.schedule))

    named(t.county, "county")
    for kind in t.centers:
        named(kind, "county")
    for kind in t.subcenters:
        named(kind, "subcenter")
    for kind in t.professional:
        named(kind, "professional")
    active = [(0.0, np.inf)] * len(rows)
    extras = [("extra", a, (0.0, np.inf)) for a in t.additions]
    extras += [(f"callup:{e.name or k}", a, (e.start_day * 24, (e.start_day + e.days) * 24))
               for k, e in enumerate(scenario.events) for a in e.callups]
    seen: set[str] = set()
    for prefix, a, window in extras:
        town = towns.index(a.town)
        name = f"{prefix}:{towns.pinyin[town]}:{a.hours[0]}-{a.hours[1]}"
        name = name if name not in seen else f"{name}#{len(seen)}"
        seen.add(name)
        rows.append((name, "town",
                     int(towns.seat_place[town]), a.volunteers, a.skills or t.town.skills,
                     band_counts(a)))
        active.append(window)
    for pair in pairs:
        spec = scenario.pairing.kinds[pair.kind]
        rows.append((f"paired:{pair.unit_name}", "paired", pair.home, spec.members, spec.skills,
                     spec.schedule))
    active += [(0.0, np.inf)] * len(pairs)  # paired units last: world.py relies on it

    home = np.array([r[2] for r in rows], dtype=np.int32)
    members = np.array([r[3] for r in rows], dtype=np.int32)
    # one weekly profile per (schedule, members) pair, not per team (100,000 teams at scale)
    weekly = {key: scheduled_counts(scenario, *key)
              for key in {(r[5], r[3]) for r in rows if isinstance(r[5], str)}}
    # one shared set per distinct combination of skills (a few dozen), not one per team: the
    # dispatcher tests membership on every event, and shared sets stay in the CPU's cache
    skill_sets: dict[frozenset[int], frozenset[int]] = {}
    return Teams(
        name=[r[0] for r in rows],
        level=np.array([TEAM_LEVELS.index(r[1]) for r in rows], dtype=np.int8),
        home=home,
        town=places.town[home].astype(np.int32),
        members=members,
        skills=[skill_sets.setdefault(skills, skills)
                for skills in (frozenset(skill_index[s] for s in r[4]) for r in rows)],
        scheduled=np.array([r[5] if isinstance(r[5], np.ndarray) else weekly[(r[5], r[3])]
                            for r in rows],
                           dtype=np.int32).reshape(len(rows), HOURS_PER_WEEK),
        active_hours=np.array(active, dtype=float).reshape(len(rows), 2),
    )


def _on_duty_rows(teams: Teams, hours: int, start_weekday: int, show_up: float,
                  streams: Streams):
    """Yield ``(team, row)``: the team's volunteers on duty in each simulated hour (int array).

    Each team's scheduled count is constant within a shift block; at the start of each block
    (and of each day) the number who show up is Binomial(scheduled, show_up), drawn from the
    team's own stream so that adding a team leaves the others unchanged."""
    hour_of_week = (np.arange(hours) + start_weekday * 24) % HOURS_PER_WEEK
    sim_hour = np.arange(hours)
    new_block = np.ones(hours, dtype=bool)
    for i in range(len(teams)):
        row = teams.scheduled[i][hour_of_week]
        start, end = teams.active_hours[i]
        if start > 0 or end < hours:  # on duty only inside its window (event call-ups)
            row = np.where((sim_hour >= start) & (sim_hour < end), row, 0)
        if show_up >= 1.0 or not row.any():
            yield i, row
            continue
        starts = new_block.copy()
        starts[1:] = (row[1:] != row[:-1]) | (np.arange(1, hours) % 24 == 0)
        block_of_hour = np.maximum.accumulate(np.where(starts, np.arange(hours), 0))
        block_hours = np.flatnonzero(starts)
        draws = streams.stream(f"availability/{teams.name[i]}").binomial(row[block_hours],
                                                                           show_up)
        full = np.zeros(hours, dtype=np.int32)
        full[block_hours] = draws
        yield i, full[block_of_hour]


def _count_dtype(teams: Teams) -> np.dtype:
    """The smallest signed integer type holding every scheduled count (and its negative)."""
    return np.min_scalar_type(-max(1, int(teams.scheduled.max(initial=0))))


def on_duty_by_hour(teams: Teams, hours: int, start_weekday: int, show_up: float,
                    streams: Streams) -> np.ndarray:
    """Volunteers on duty per team and simulated hour, shape (teams, hours); see
    :func:`duty_changes` for the compact form the model runs on."""
    out = np.empty((len(teams), hours), dtype=_count_dtype(teams))
    for i, row in _on_duty_rows(teams, hours, start_weekday, show_up, streams):
        out[i] = row
    return out


@dataclass(frozen=True)
class DutyChanges:
    """On-duty counts as changes, hour by hour (the same numbers as :func:`on_duty_by_hour`,
    in a small part of its memory: counts change at shift boundaries only).

    The changes of simulated hour ``h`` are ``team[first[h]:first[h + 1]]`` (ascending team
    ids), whose on-duty count becomes ``value[...]``; at hour 0, every team with anyone on
    duty. Three to five bytes a change (a 2- or 4-byte team id, a 1-byte count)."""

    first: np.ndarray  # (hours + 1,) int64 offsets
    team: np.ndarray  # int16 (up to 32,767 teams) or int32
    value: np.ndarray  # new on-duty count (the smallest type holding the counts)

    def at(self, hour: int) -> tuple[list[int], list[int]]:
        """(teams, new counts) changing at the start of simulated hour ``hour``."""
        a, b = self.first[hour], self.first[hour + 1]
        if a == b:
            return [], []
        return self.team[a:b].tolist(), self.value[a:b].tolist()

    def sums(self, group: np.ndarray, groups: int) -> np.ndarray:
        """Int64 volunteers on duty by group (e.g. each team's level) and hour, (groups, hours);
        hour by hour, so that nothing larger than one hour's changes is allocated."""
        hours = len(self.first) - 1
        out = np.empty((groups, hours), dtype=np.int64)
        current = np.zeros(len(group), dtype=np.int64)  # each team's count so far
        total = np.zeros(groups, dtype=np.int64)
        first = self.first.tolist()
        for hour in range(hours):
            a, b = first[hour], first[hour + 1]
            if a != b:
                teams = self.team[a:b]
                values = self.value[a:b].astype(np.int64)
                total += np.bincount(group[teams], weights=values - current[teams],
                                     minlength=groups).astype(np.int64)
                current[teams] = values
            out[:, hour] = total
        return out


def duty_changes(teams: Teams, hours: int, start_weekday: int, show_up: float,
                 streams: Streams) -> DutyChanges:
    """The on-duty counts of every team over ``hours`` simulated hours, as changes (same draws
    from the same streams as :func:`on_duty_by_hour`).

    Each change is packed into one int64, (hour, team, count) from the high bits to the low,
    so that one in-place sort puts them in hour order, teams ascending, without an index
    array: the largest scratch memory of a replication's set-up."""
    dtype = _count_dtype(teams)
    count_bits = 8 * dtype.itemsize
    team_bits = max(1, len(teams).bit_length())
    if max(1, hours).bit_length() + team_bits + count_bits > 63:
        raise ValueError(f"{hours} hours x {len(teams)} teams cannot be packed into 64 bits")
    packed = array("q")  # grown in place, team by team: no Python object per team survives
    previous = np.zeros(hours, dtype=np.int64)
    for i, row in _on_duty_rows(teams, hours, start_weekday, show_up, streams):
        previous[1:] = row[:-1]
        at = np.flatnonzero(row != previous)
        if len(at):
            key = ((at.astype(np.int64) << team_bits) | i) << count_bits | row[at]
            packed.frombytes(key.view(np.uint8))
    keys = np.frombuffer(packed, dtype=np.int64)  # a view: sorted and shifted in place
    keys.sort()  # unique keys: (hour, team) order
    value = (keys & ((1 << count_bits) - 1)).astype(dtype)
    keys >>= count_bits  # now (hour, team)
    first = np.searchsorted(keys, np.arange(hours + 1, dtype=np.int64) << team_bits)
    keys &= (1 << team_bits) - 1  # now the team
    team_type = np.int16 if len(teams) <= np.iinfo(np.int16).max else np.int32
    return DutyChanges(first.astype(np.int64), keys.astype(team_type), value)
