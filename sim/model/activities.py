"""Planned group activities (``activities:``): which team, when, how long, how many members.

Volunteers' own events (study sessions, publicity, care visits the team organises) take
on-duty members out of the order pool for their duration. They are drawn for the whole run at
set-up from one stream, day by day (a Poisson number a day, weekends weighted; teams of the
eligible levels chosen in proportion to their members) by :func:`plan_activities`, and run by
:func:`planned_activities`, a SimPy process: at each start it takes the team's share of the
participants from its free on-duty volunteers (an activity never interrupts an order in hand)
and gives them back when the activity ends.
"""

from __future__ import annotations

import math
from array import array
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from sim.config import distributions
from sim.config.teams import TEAM_LEVELS
from sim.model.compact import floats, typed
from sim.model.rng import Streams
from sim.world.build import World

if TYPE_CHECKING:
    from sim.model.replication import Replication


@dataclass
class PlannedActivities:
    """Activities in start order (compact columns, list-like indexing)."""

    start: array  # minutes since the run's start
    team: array
    duration: array  # minutes
    participants: array  # members the activity asks for

    def __len__(self) -> int:
        return len(self.start)


def plan_activities(world: World, streams: Streams, horizon: float) -> PlannedActivities:
    """Every activity starting before ``horizon`` (minutes), in time order (ties: as drawn)."""
    spec = world.scenario.activities
    teams = world.teams
    levels = [TEAM_LEVELS.index(lv) for lv in spec.levels]
    eligible = np.flatnonzero(np.isin(teams.level, levels) & (teams.members > 0))
    columns: list[list[np.ndarray]] = [[], [], [], []]  # start, team, duration, participants
    if spec.per_month > 0 and len(eligible) > 0:
        rng = streams.stream("activities")
        weights = teams.members[eligible] / teams.members[eligible].sum()
        mean_weight = (5 + 2 * spec.weekend_weight) / 7
        for day in range(int(math.ceil(horizon / 1440.0))):
            weekend = (day + world.scenario.run.start_weekday) % 7 >= 5
            rate = spec.per_month / 30.44 * (spec.weekend_weight if weekend else 1.0) / mean_weight
            n = int(rng.poisson(rate))
            if n == 0:
                continue
            team = eligible[rng.choice(len(eligible), size=n, p=weights)]
            hour = rng.choice(spec.start_hours, size=n)
            start = day * 1440.0 + hour * 60.0 + rng.random(n) * 60.0
            participants = np.maximum(1, np.rint(distributions.quantile(spec.participants, rng.random(n))))
            duration = distributions.quantile(spec.duration, rng.random(n))
            for column, values in zip(columns, (start, team, duration, participants)):
                column.append(values)
    if not columns[0]:
        return PlannedActivities(array("d"), array("i"), array("d"), array("q"))
    start, team, duration, participants = (np.concatenate(c) for c in columns)
    keep = np.flatnonzero(start < horizon)
    keep = keep[np.argsort(start[keep], kind="stable")]
    return PlannedActivities(
        floats(start[keep]), typed("i", team[keep]), floats(duration[keep]), typed("q", participants[keep])
    )


def planned_activities(rep: Replication, plan: PlannedActivities):
    """SimPy process: start each planned activity at its time (minutes); the team lends it
    ``ceil(participants x on duty / members)`` of its free volunteers (at most all of them)
    for its duration; each activity is a row of the activity log."""
    env, dispatcher = rep.env, rep.dispatcher
    members = rep.world.teams.members
    for k in range(len(plan)):
        yield env.timeout(plan.start[k] - env.now)
        team, duration, participants = plan.team[k], plan.duration[k], plan.participants[k]
        share = participants * dispatcher.on_duty[team] / max(1, int(members[team]))
        pulled = min(dispatcher.free(team), math.ceil(share))
        for column, value in zip(
            rep.activity_rows, (team, env.now, env.now + duration, participants, pulled)
        ):
            column.append(value)
        if pulled:
            env.process(_away(rep, team, pulled, duration))


def _away(rep: Replication, team: int, volunteers: int, minutes: float):
    """SimPy process: ``volunteers`` of ``team`` are away for ``minutes``, then free again."""
    rep.take_volunteers(team, volunteers, logged=True)  # (the activity log holds them)
    yield rep.env.timeout(minutes)
    rep.return_volunteers(team, volunteers, logged=True)
