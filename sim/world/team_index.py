"""The dispatcher's static index of teams, built once per world and shared by its replications:
per team, what the dispatcher looks up on every event (:class:`TeamIndex`), and per place, its
town's tier-2 teams in the order the nearest-first rule ranks them (:func:`tier2_nearest`), so
that a search for a free team can stop at the first able one."""

from __future__ import annotations

from array import array
from dataclasses import dataclass

import numpy as np

from sim.world.travel import TravelModel
from sim.world.workforce import TeamTable


@dataclass(frozen=True)
class TeamIndex:
    """Per team, what the dispatcher looks up on every event and that never changes during a
    run (Python lists, for fast scalar indexing). Built once per world and shared by its
    replications, so that a replication allocates only its changing state."""

    home: list[int]  # home place
    town: list[int]  # town of the home place
    skills: list[tuple[int, ...]]  # skill indices, ascending
    sees_tier2: list[bool]  # serves its town's tier 2
    sees_tier3: list[bool]  # serves the county's tier 3
    villages: list[tuple[int, ...]]  # the places whose tier-1 queues it sees
    other_towns: list[tuple[int, ...]]  # towns of those places other than its own (pairing)
    bucket_towns: list[int]  # free-team buckets: the town of each
    team_buckets: list[tuple[int, ...]]  # per team: the buckets it belongs to


def team_index(
    teams: TeamTable,
    tier1: list[list[int]],
    place_town: list[int],
    tier2_team: np.ndarray,
    tier3_team: np.ndarray,
    ids: list[int],
) -> TeamIndex:
    """The dispatcher's static index of teams (see :class:`TeamIndex`): one free-team bucket
    per town, of the teams serving its tier 2 (the county tier searches ``tier3_teams_at``).
    ``ids``: the world's shared int objects, ``ids[k] == k``."""
    n = len(teams)
    home = [ids[h] for h in teams.home.tolist()]
    town = [ids[t] for t in teams.town.tolist()]
    ordered: dict[frozenset[int], tuple[int, ...]] = {}  # shared, like teams.skills
    skills = [ordered.setdefault(s, tuple(sorted(s))) for s in teams.skills]
    villages: list[list[int]] = [[] for _ in range(n)]
    for place, team_ids in enumerate(tier1):
        for team in team_ids:
            villages[team].append(ids[place])
    other_towns = [tuple({place_town[v] for v in vs} - {t}) for vs, t in zip(villages, town)]
    bucket_id: dict[int, int] = {}  # town -> its bucket
    team_buckets = [
        (bucket_id.setdefault(town[team], len(bucket_id)),) if tier2_team[team] else () for team in range(n)
    ]
    return TeamIndex(
        home,
        town,
        skills,
        tier2_team.tolist(),
        tier3_team.tolist(),
        [tuple(v) for v in villages],
        other_towns,
        list(bucket_id),
        team_buckets,
    )


# two homes' grid minutes for a place closer than this (relative) are ranked with exact minutes
NEAR_TIE = 1e-9


def tier2_nearest(
    teams: TeamTable,
    town_teams: list[list[int]],
    tier2_team: np.ndarray,
    travel: TravelModel,
    place_town: list[int],
) -> list[array]:
    """Per place, the teams serving its town's tier 2 in the order the nearest-first rule
    ranks them: by (nominal minutes from the team's home, team id), the key of
    ``NearestFirst.team_key``, so that a search can stop at the first able team instead of
    ranking every free one (compact ``array('i')`` rows).

    A town at a time, from one grid of minutes from its teams' homes to its places
    (:meth:`TravelModel.nominal_grid`). The grid's distances may differ from the rule's in the
    last bit, so a place where two homes come within ``NEAR_TIE`` of each other is ranked with
    the rule's own minutes (:func:`nearest_first`); elsewhere the two orders are the same."""
    places_of: list[list[int]] = [[] for _ in town_teams]
    for place, town in enumerate(place_town):
        places_of[town].append(place)
    out = [array("i")] * len(place_town)  # (rows are read only: one empty row serves all)
    for town, places in enumerate(places_of):
        members = np.array([t for t in town_teams[town] if tier2_team[t]], dtype=np.intp)
        if not places or not len(members):
            continue
        homes, home_of = np.unique(teams.home[members], return_inverse=True)
        minutes = travel.nominal_grid(homes, places).T  # (places, homes)
        ordered = np.sort(minutes, axis=1)
        near = (np.diff(ordered, axis=1) <= NEAR_TIE * np.abs(ordered[:, 1:])).any(axis=1)
        keys = minutes[:, home_of]  # (places, members)
        rows = members[np.lexsort((np.broadcast_to(members, keys.shape), keys), axis=-1)]
        for place, row, exact in zip(places, rows.astype(np.intc), near.tolist()):
            out[place] = (
                nearest_first(members.tolist(), teams.home, travel, place)
                if exact
                else array("i", row.tobytes())
            )
    return out


def nearest_first(members: list[int], home: np.ndarray, travel: TravelModel, place: int) -> array:
    """``members`` (team ids) ordered by (nominal minutes from their home to ``place``, id),
    with :meth:`TravelModel.nominal`'s own minutes: the nearest-first rule's ranking."""
    minutes: dict[int, float] = {}  # by home: a town's teams share few homes
    keyed = []
    for team in members:
        at = int(home[team])
        if at not in minutes:
            minutes[at] = travel.nominal(at, place)
        keyed.append((minutes[at], team))
    keyed.sort()
    return array("i", [team for _, team in keyed])
