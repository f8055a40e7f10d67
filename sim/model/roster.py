"""The duty roster: who is on duty each hour, and the SimPy process that applies it.

Each team's schedule (:mod:`sim.world.workforce`) gives the members scheduled in each hour of
the week. At the start of each shift block (and of each day) the number who show up is
Binomial(scheduled, ``teams.show_up``), drawn from the team's own stream
``availability/<team>`` so that adding a team leaves the others unchanged (a team whose members
x share is not whole first draws one more member with the probability of the fraction:
``teams.duty_counts``). The counts are drawn
for the whole run at set-up (:func:`duty_changes`, kept as changes: counts change at shift
boundaries only) and applied by :func:`duty_roster`, a SimPy process that wakes on the hour.
A team whose count rises offers its new volunteers the waiting orders at once; when a shift
ends while volunteers are busy, they finish the task in hand and only then go off duty (the
dispatcher's free count goes negative until they are back).
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from sim.model.compact import append, as_numpy
from sim.model.rng import Streams
from sim.world.workforce import HOURS_PER_WEEK, TeamTable

if TYPE_CHECKING:
    from sim.model.replication import Replication


def duty_roster(rep: Replication, changes: DutyChanges, hours: int):
    """SimPy process: at the start of each simulated hour (minutes ``60 h``) in which on-duty
    counts change, set them; teams that gained volunteers take waiting orders. (Counts change
    at shift boundaries only: the process sleeps through the hours between.)

    Its wake-ups are booked when it is made, before the run starts: SimPy runs the events of
    one minute in the order they were booked, so each hour's shift change comes before
    anything else due at that minute (an escalation, an order placed on the hour, a review
    ending), whatever other timers were booked meanwhile. A team coming on duty at the very
    minute an order's tier times out takes it in its tier."""
    change_hours = changes.hours_with_changes(hours)
    wakeups = [rep.env.timeout(hour * 60.0 - rep.env.now) for hour in change_hours if hour]
    return _apply_changes(rep, changes, change_hours, iter(wakeups))


def _apply_changes(rep: Replication, changes: DutyChanges, change_hours: list[int], wakeups):
    """The body of :func:`duty_roster`: wait for each booked wake-up, set the counts."""
    for hour in change_hours:
        if hour:
            yield next(wakeups)
        _set_counts(rep, changes, hour)


def _set_counts(rep: Replication, changes: DutyChanges, hour: int) -> None:
    """Set the on-duty counts that change at the start of ``hour``; the teams that gained
    volunteers take waiting orders. (A function of its own, so that the hour's lists of teams,
    a county's worth at a shift change, are freed before the roster sleeps.)"""
    dispatcher = rep.dispatcher
    gained = [team for team, count in zip(*changes.at(hour)) if dispatcher.set_on_duty(team, count)]
    for team in gained:
        rep.lifecycle.serve_waiting(team)


BLOCK_CELLS = 4096  # team-hours computed at once by _on_duty_blocks: ~100 KB of scratch
PLACE_CHUNK = 4096  # duty changes placed at once by duty_changes' counting sort


def _on_duty_blocks(teams: TeamTable, hours: int, start_weekday: int, show_up: float, streams: Streams):
    """Yield ``(first_team, counts)``: the volunteers on duty in each simulated hour of a block
    of consecutive teams, an int array of shape (teams in the block, ``hours``).

    Each team's scheduled count is constant within a shift block; at the start of each block
    (and of each day) a team with drawn counts (:func:`sim.world.workforce.scheduled_counts`)
    gets one more member scheduled with the probability of its fraction, and the number who
    show up is Binomial(scheduled, show_up), both drawn from the team's own stream so that
    adding a team leaves the others unchanged (a team whose counts are whole draws no
    fraction). Teams are computed ``BLOCK_CELLS // hours`` at a time (at least one):
    whole-array steps instead of a dozen small ones per team, in a bounded scratch memory
    whatever the number of teams."""
    sim_hour = np.arange(hours)
    hour_of_week = (sim_hour + start_weekday * 24) % HOURS_PER_WEEK
    day_starts = sim_hour[1:] % 24 == 0
    size = max(1, BLOCK_CELLS // max(1, hours))
    team_streams = streams.streams(f"availability/{name}" for name in teams.name)
    for first in range(0, len(teams), size):
        block = slice(first, min(len(teams), first + size))
        counts = teams.scheduled[block][:, hour_of_week]
        rows = teams.fraction_row[block]
        drawn = rows >= 0
        fraction = None
        if drawn.any():  # the fractions of the teams with drawn counts (0 for the others)
            fraction = np.zeros(counts.shape)
            fraction[drawn] = teams.fraction[rows[drawn]][:, hour_of_week]
        window = teams.active_hours[block]
        if (window[:, 0] > 0).any() or (window[:, 1] < hours).any():  # event call-ups
            inside = (sim_hour >= window[:, :1]) & (sim_hour < window[:, 1:])
            counts = np.where(inside, counts, 0)
            if fraction is not None:
                fraction = np.where(inside, fraction, 0.0)
        if show_up >= 1.0 and fraction is None:
            yield first, counts
            continue
        starts = np.ones(counts.shape, dtype=bool)
        starts[:, 1:] = (counts[:, 1:] != counts[:, :-1]) | day_starts
        anyone = counts.any(axis=1)
        if fraction is not None:
            starts[:, 1:] |= fraction[:, 1:] != fraction[:, :-1]
            anyone |= fraction.any(axis=1)
        # every block start of every team at once, team by team: one draw per start
        team, hour = np.nonzero(starts)
        scheduled = counts[team, hour]
        extra = None if fraction is None else fraction[team, hour]
        shown_at_start = np.zeros(len(team), dtype=np.int64)
        bounds = np.searchsorted(team, np.arange(len(counts) + 1)).tolist()
        # (the block's own flags first: zip then takes no stream beyond the block's teams)
        for j, (someone, fractional, stream) in enumerate(zip(anyone.tolist(), drawn.tolist(), team_streams)):
            if someone:
                a, b = bounds[j], bounds[j + 1]
                members = scheduled[a:b]
                if fractional:  # the fraction of a member: one more, with its probability
                    members = members + (stream.random(b - a) < extra[a:b])
                shown_at_start[a:b] = members if show_up >= 1.0 else stream.binomial(members, show_up)
        shown = np.zeros(counts.shape, dtype=np.int32)
        shown[team, hour] = shown_at_start
        block_of_hour = np.maximum.accumulate(np.where(starts, sim_hour, 0), axis=1)
        yield first, np.take_along_axis(shown, block_of_hour, axis=1)


def _count_dtype(teams: TeamTable) -> np.dtype:
    """The smallest signed integer type holding every scheduled count, one drawn member more
    (and its negative)."""
    return np.min_scalar_type(-max(1, int(teams.scheduled.max(initial=0)) + 1))


def on_duty_by_hour(
    teams: TeamTable, hours: int, start_weekday: int, show_up: float, streams: Streams
) -> np.ndarray:
    """Volunteers on duty per team and simulated hour, shape (teams, hours); see
    :func:`duty_changes` for the compact form the model runs on."""
    out = np.empty((len(teams), hours), dtype=_count_dtype(teams))
    for first, counts in _on_duty_blocks(teams, hours, start_weekday, show_up, streams):
        out[first : first + len(counts)] = counts
    return out


TEAM_BLOCK = 1 << 16  # team ids are kept as 2-byte offsets within blocks of 65,536 teams


@dataclass(frozen=True)
class DutyChanges:
    """On-duty counts as changes, hour by hour (the same numbers as :func:`on_duty_by_hour`,
    in a small part of its memory: counts change at shift boundaries only).

    The changes are grouped by simulated hour and, within an hour, by block of ``TEAM_BLOCK``
    teams: group ``h * blocks + k`` is ``offset[first[g]:first[g + 1]]`` (ascending), whose
    teams are ``k * TEAM_BLOCK + offset`` and whose on-duty counts become ``value[...]``; at
    hour 0, every team with anyone on duty. Three bytes a change (a 2-byte offset, a 1-byte
    count) whatever the number of teams."""

    first: np.ndarray  # (hours * blocks + 1,) int64 offsets
    offset: np.ndarray  # uint16: the team's id within its block
    value: np.ndarray  # new on-duty count (the smallest type holding the counts)
    blocks: int  # blocks of TEAM_BLOCK teams

    def _teams(self, hour: int) -> tuple[int, int, np.ndarray]:
        """(start, end, team ids as int64) of the changes at the start of simulated ``hour``."""
        groups = self.first[hour * self.blocks : (hour + 1) * self.blocks + 1]
        a = int(groups[0])
        teams = self.offset[a : int(groups[-1])].astype(np.int64)
        for k in range(1, self.blocks):
            teams[groups[k] - a : groups[k + 1] - a] += k * TEAM_BLOCK
        return a, a + len(teams), teams

    def at(self, hour: int) -> tuple[list[int], list[int]]:
        """(teams, new counts) changing at the start of simulated hour ``hour``."""
        a, b, teams = self._teams(hour)
        if a == b:
            return [], []
        return teams.tolist(), self.value[a:b].tolist()

    def hours_with_changes(self, hours: int) -> list[int]:
        """The simulated hours, below ``hours``, at whose start some team's count changes."""
        return np.flatnonzero(np.diff(self.first[: hours * self.blocks + 1 : self.blocks]) > 0).tolist()

    def sums(self, group: np.ndarray, groups: int) -> np.ndarray:
        """Volunteers on duty by group (e.g. each team's level) and hour, (groups, hours), as
        int32 (no group has 2 billion volunteers; half the state log of int64); hour by hour,
        so that nothing larger than one hour's changes is allocated."""
        hours = (len(self.first) - 1) // self.blocks
        out = np.zeros((groups, hours), dtype=np.int32)  # nobody on duty before the first change
        current = np.zeros(len(group), dtype=np.int64)  # each team's count so far
        total = np.zeros(groups, dtype=np.int64)
        changes = self.hours_with_changes(hours)
        # each hour with changes sets the totals that hold until the next one
        for hour, until in zip(changes, changes[1:] + [hours]):
            a, b, teams = self._teams(hour)
            values = self.value[a:b].astype(np.int64)
            change = np.bincount(group[teams], weights=values - current[teams], minlength=groups)
            total += change.astype(np.int64)
            current[teams] = values
            out[:, hour:until] = total[:, None]
        return out


def duty_changes(
    teams: TeamTable, hours: int, start_weekday: int, show_up: float, streams: Streams
) -> DutyChanges:
    """The on-duty counts of every team over ``hours`` simulated hours, as changes (same draws
    from the same streams as :func:`on_duty_by_hour`).

    A block of teams at a time: its changes are found hour by hour (teams ascending within an
    hour) and appended to compact (group, offset, count) columns, the group being the hour and
    the team's block of ``TEAM_BLOCK`` (:class:`DutyChanges`); a counting sort by group then
    places them, ``PLACE_CHUNK`` at a time, in team order within each group. Scratch: one
    block's or chunk's arrays and 5-7 bytes a change (the set-up's largest scratch once)."""
    value_type = _count_dtype(teams)
    blocks = max(1, -(-len(teams) // TEAM_BLOCK))
    n_groups = hours * blocks
    group_type = np.dtype(np.uint16 if n_groups <= np.iinfo(np.uint16).max else np.int32)
    per_group = np.zeros(n_groups, dtype=np.int64)
    found = [array(dtype.char) for dtype in (group_type, np.dtype(np.uint16), value_type)]
    for first, counts in _on_duty_blocks(teams, hours, start_weekday, show_up, streams):
        changed = np.empty(counts.shape, dtype=bool)
        changed[:, 0] = counts[:, 0] != 0
        changed[:, 1:] = counts[:, 1:] != counts[:, :-1]
        hour, team = np.nonzero(changed.T)  # hour by hour, teams ascending within an hour
        ids = team + first
        group = hour * blocks + ids // TEAM_BLOCK
        for column, values in zip(found, (group, ids % TEAM_BLOCK, counts[team, hour])):
            append(column, values)
        per_group += np.bincount(group, minlength=n_groups)
    group, found_offset, found_value = map(as_numpy, found)
    offsets = np.zeros(n_groups + 1, dtype=np.int64)
    np.cumsum(per_group, out=offsets[1:])
    offset = np.empty(len(group), dtype=np.uint16)
    value = np.empty(len(group), dtype=value_type)
    free_slot = offsets[:-1].copy()  # the next free slot of each group
    for a in range(0, len(group), PLACE_CHUNK):
        # within a chunk, as in the whole, a group's changes come in team order: a stable
        # sort by group keeps it, and each one's rank within its group gives its slot
        chunk = group[a : a + PLACE_CHUNK]
        by_group = np.argsort(chunk, kind="stable")
        in_group = np.bincount(chunk, minlength=n_groups)
        rank = np.empty(len(chunk), dtype=np.int64)
        rank[by_group] = np.arange(len(chunk)) - (np.cumsum(in_group) - in_group)[chunk[by_group]]
        slot = free_slot[chunk] + rank
        offset[slot] = found_offset[a : a + PLACE_CHUNK]
        value[slot] = found_value[a : a + PLACE_CHUNK]
        free_slot += in_group
    return DutyChanges(offsets, offset, value, blocks)
