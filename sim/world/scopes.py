"""Which teams serve the town's tier 2 and the county's tier 3 (``dispatch.scope``), and when a
team that exists only for a while (an event's call-ups) may serve: the minutes in which its
skills count in a scope."""

from __future__ import annotations

import math

import numpy as np

from sim.config.teams import CHANNEL_TEAM_LEVELS, TEAM_LEVELS
from sim.world.workforce import HOURS_PER_WEEK, TeamTable


def duty_windows(teams: TeamTable, start_weekday: int, staffed: list[bool]) -> dict[int, tuple[float, float]]:
    """The staffed teams that exist only for a while (an event's call-ups, ``active_hours``)
    -> (from, to) minutes: from the start of the first simulated hour the duty roster may put
    one of them on duty to the end of the last (:mod:`sim.model.roster` puts them on duty in
    the whole hours starting inside their window, in their band of hours); (0, 0) for a team
    with no such hour (it never serves)."""
    out: dict[int, tuple[float, float]] = {}
    for team in np.flatnonzero(
        np.isfinite(teams.active_hours[:, 1]) | (teams.active_hours[:, 0] > 0)
    ).tolist():
        if not staffed[team]:
            continue
        start, end = teams.active_hours[team]
        hours = np.arange(math.ceil(start), math.ceil(end))
        week_hours = (hours + start_weekday * 24) % HOURS_PER_WEEK
        may = teams.scheduled[team, week_hours] > 0
        if teams.fraction_row[team] >= 0:
            may |= teams.fraction[teams.fraction_row[team], week_hours] > 0
        on = hours[may]
        out[team] = (float(on[0]) * 60.0, float(on[-1] + 1) * 60.0) if len(on) else (0.0, 0.0)
    return out


TIER2_LEVELS = ("town",)
TIER3_LEVELS = ("county", "subcenter", "professional")


def scope_teams(scope: str, teams: TeamTable) -> tuple[np.ndarray, np.ndarray]:
    """Which teams serve tier 2 (their town's) and tier 3 (the county's), as two boolean masks.

    ``widen``: every team serves both (escalation widens the scope to the town, then the county).
    ``handover``: tier 2 is served by town-level teams only (the station, extra and call-up
    volunteers), tier 3 by county-level teams only (county center, subcenters, professional).
    Proxy points and mediation rooms serve neither: only their own village's tier 1."""
    level = teams.level
    if scope == "widen":
        every = ~np.isin(level, [TEAM_LEVELS.index(x) for x in CHANNEL_TEAM_LEVELS])
        return every, every.copy()
    return (
        np.isin(level, [TEAM_LEVELS.index(x) for x in TIER2_LEVELS]),
        np.isin(level, [TEAM_LEVELS.index(x) for x in TIER3_LEVELS]),
    )
