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

from sim.config.scenario import TEAM_LEVELS, Addition, Scenario, TeamKind
from sim.model.compact import append, as_numpy
from sim.model.rng import Streams
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
                skill_index: dict[str, int]) -> TeamTable:
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
    return TeamTable(
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


BLOCK_CELLS = 4096  # team-hours computed at once by _on_duty_blocks: ~100 KB of scratch
PLACE_CHUNK = 4096  # duty changes placed at once by duty_changes' counting sort


def _on_duty_blocks(teams: TeamTable, hours: int, start_weekday: int, show_up: float,
                    streams: Streams):
    """Yield ``(first_team, counts)``: the volunteers on duty in each simulated hour of a block
    of consecutive teams, an int array of shape (teams in the block, ``hours``).

    Each team's scheduled count is constant within a shift block; at the start of each block
    (and of each day) the number who show up is Binomial(scheduled, show_up), drawn from the
    team's own stream so that adding a team leaves the others unchanged. Teams are computed
    ``BLOCK_CELLS // hours`` at a time (at least one): whole-array steps instead of a dozen
    small ones per team, in a bounded scratch memory whatever the number of teams."""
    sim_hour = np.arange(hours)
    hour_of_week = (sim_hour + start_weekday * 24) % HOURS_PER_WEEK
    day_starts = sim_hour[1:] % 24 == 0
    size = max(1, BLOCK_CELLS // max(1, hours))
    team_streams = streams.streams(f"availability/{name}" for name in teams.name)
    for first in range(0, len(teams), size):
        block = slice(first, min(len(teams), first + size))
        counts = teams.scheduled[block][:, hour_of_week]
        window = teams.active_hours[block]
        if (window[:, 0] > 0).any() or (window[:, 1] < hours).any():  # event call-ups
            inside = (sim_hour >= window[:, :1]) & (sim_hour < window[:, 1:])
            counts = np.where(inside, counts, 0)
        if show_up >= 1.0:
            yield first, counts
            continue
        starts = np.ones(counts.shape, dtype=bool)
        starts[:, 1:] = (counts[:, 1:] != counts[:, :-1]) | day_starts
        # every block start of every team at once, team by team: one draw per start
        team, hour = np.nonzero(starts)
        scheduled = counts[team, hour]
        shown_at_start = np.zeros(len(team), dtype=np.int64)
        bounds = np.searchsorted(team, np.arange(len(counts) + 1)).tolist()
        # (the block's own flags first: zip then takes no stream beyond the block's teams)
        for j, (anyone, stream) in enumerate(zip(counts.any(axis=1).tolist(), team_streams)):
            if anyone:
                a, b = bounds[j], bounds[j + 1]
                shown_at_start[a:b] = stream.binomial(scheduled[a:b], show_up)
        shown = np.zeros(counts.shape, dtype=np.int32)
        shown[team, hour] = shown_at_start
        block_of_hour = np.maximum.accumulate(np.where(starts, sim_hour, 0), axis=1)
        yield first, np.take_along_axis(shown, block_of_hour, axis=1)


def _count_dtype(teams: TeamTable) -> np.dtype:
    """The smallest signed integer type holding every scheduled count (and its negative)."""
    return np.min_scalar_type(-max(1, int(teams.scheduled.max(initial=0))))


def on_duty_by_hour(teams: TeamTable, hours: int, start_weekday: int, show_up: float,
                    streams: Streams) -> np.ndarray:
    """Volunteers on duty per team and simulated hour, shape (teams, hours); see
    :func:`duty_changes` for the compact form the model runs on."""
    out = np.empty((len(teams), hours), dtype=_count_dtype(teams))
    for first, counts in _on_duty_blocks(teams, hours, start_weekday, show_up, streams):
        out[first:first + len(counts)] = counts
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
        """Volunteers on duty by group (e.g. each team's level) and hour, (groups, hours), as
        int32 (no group has 2 billion volunteers; half the state log of int64); hour by hour,
        so that nothing larger than one hour's changes is allocated."""
        hours = len(self.first) - 1
        out = np.empty((groups, hours), dtype=np.int32)
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


def duty_changes(teams: TeamTable, hours: int, start_weekday: int, show_up: float,
                 streams: Streams) -> DutyChanges:
    """The on-duty counts of every team over ``hours`` simulated hours, as changes (same draws
    from the same streams as :func:`on_duty_by_hour`).

    A block of teams at a time: its changes are found hour by hour (teams ascending within an
    hour) and appended to compact (hour, team, count) columns; a counting sort by hour then
    places them, ``PLACE_CHUNK`` at a time, in team order within each hour. Scratch: one
    block's or chunk's arrays and 5-7 bytes a change (the set-up's largest scratch once)."""
    value_type = _count_dtype(teams)
    team_type = np.dtype(np.int16 if len(teams) <= np.iinfo(np.int16).max else np.int32)
    hour_type = np.dtype(np.uint16 if hours <= np.iinfo(np.uint16).max else np.int32)
    per_hour = np.zeros(hours, dtype=np.int64)
    found = [array(dtype.char) for dtype in (hour_type, team_type, value_type)]
    for first, counts in _on_duty_blocks(teams, hours, start_weekday, show_up, streams):
        changed = np.empty(counts.shape, dtype=bool)
        changed[:, 0] = counts[:, 0] != 0
        changed[:, 1:] = counts[:, 1:] != counts[:, :-1]
        hour, team = np.nonzero(changed.T)  # hour by hour, teams ascending within an hour
        for column, values in zip(found, (hour, team + first, counts[team, hour])):
            append(column, values)
        per_hour += np.bincount(hour, minlength=hours)
    hour, found_team, found_value = map(as_numpy, found)
    offsets = np.zeros(hours + 1, dtype=np.int64)
    np.cumsum(per_hour, out=offsets[1:])
    team = np.empty(len(hour), dtype=team_type)
    value = np.empty(len(hour), dtype=value_type)
    free_slot = offsets[:-1].copy()  # the next free slot of each hour
    for a in range(0, len(hour), PLACE_CHUNK):
        # within a chunk, as in the whole, an hour's changes come in team order: a stable
        # sort by hour keeps it, and each one's rank within its hour gives its slot
        chunk = hour[a:a + PLACE_CHUNK]
        by_hour = np.argsort(chunk, kind="stable")
        in_hour = np.bincount(chunk, minlength=hours)
        rank = np.empty(len(chunk), dtype=np.int64)
        rank[by_hour] = np.arange(len(chunk)) - (np.cumsum(in_hour) - in_hour)[chunk[by_hour]]
        slot = free_slot[chunk] + rank
        team[slot] = found_team[a:a + PLACE_CHUNK]
        value[slot] = found_value[a:a + PLACE_CHUNK]
        free_slot += in_hour
    return DutyChanges(offsets, team, value)
