"""Scenario -> World: the deterministic, indexed structures the model runs on.

The world holds what does not change during a run: places and towns, the travel model, the
catalogue as arrays, every team, the pairing, each tier's scope, and the demand rates. Building
it draws no random numbers, so a world can be built once and simulated with many seeds.
"""

from __future__ import annotations

import math
from array import array
from dataclasses import dataclass, field

import numpy as np

from sim.config.channels import CHANNELS, mediation_skill
from sim.config.demand import Item
from sim.config.geography import ZONES
from sim.config.scenario import Scenario
from sim.config.spec import Dist
from sim.config.teams import CHANNEL_TEAM_LEVELS, TEAM_LEVELS
from sim.world.geography import Places, Towns, TravelModel, build_places, parse_clock
from sim.world.pairing import Pair, make_pairs
from sim.world.surges import Surge, resolve
from sim.world.workforce import HOURS_PER_WEEK, TeamTable, build_teams


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


@dataclass(frozen=True)
class World:
    """Everything the model needs, indexed by integers (places, towns, items, skills, teams)."""

    scenario: Scenario
    towns: Towns
    places: Places
    travel: TravelModel
    items: list[Item]
    skills: list[str]
    item_skill: np.ndarray
    item_volunteers: np.ndarray
    item_professional: np.ndarray
    item_channel: np.ndarray  # index into CHANNELS
    # per channel: minutes from placement to an order's deadline, NaN for the same-day rule
    # (the catalogue's and the professional channel's); set from each channel's settings
    channel_due_min: np.ndarray
    # per channel: (zones, 2) minutes at tier 1 and tier 2 before escalating (inf: never)
    channel_timeouts: np.ndarray
    # per channel: the citizens' patience (minutes) replacing demand.patience, or None
    channel_patience: list[Dist | None]
    channel_cancels: np.ndarray  # per channel: citizens may cancel (patience), bool
    channel_top_tier: np.ndarray  # per channel: the highest tier its orders escalate to (1-3)
    item_due_min: np.ndarray  # per item: its own minutes to the deadline, NaN = its channel's
    item_mix: np.ndarray  # probabilities summing to 1
    teams: TeamTable
    pairs: list[Pair]
    tier1_teams: list[list[int]]  # per place: its own teams and the units paired with it
    # per place: the tier-1 teams but its proxy point and mediation room, whose skills no
    # catalogue item needs (the list a catalogue order's placement scans)
    tier1_catalogue: list[list[int]]
    town_teams: list[list[int]]  # per town: every team whose home is in the town
    towns_by_distance: list[array]  # per town: all towns, nearest seat first (array('i'))
    town_rank: list[array]  # per town: each town's position in its towns_by_distance row
    tier3_towns: list[list[int]]  # per skill: the towns with a tier-3 team offering it
    tier3_teams_at: dict[tuple[int, int], tuple[int, ...]]  # (town, skill): its tier-3 teams
    # per place: its town's tier-2 teams, nearest first (by the nearest-first rule's key)
    tier2_nearest: list[array]
    # per team: it has members and a schedule that may put them on duty
    team_staffed: list[bool]
    # staffed teams that exist only for a while (an event's call-ups) -> the minutes [from,
    # to) from their first possible duty hour to the end of their last: their skills count in
    # a scope only then (:meth:`sim.model.dispatcher.Dispatcher.scope_offers`)
    team_windows: dict[int, tuple[float, float]]
    # the skills offered in each scope by the staffed teams there for the whole run
    place_skills: list[frozenset[int]]  # in tier-1 scope
    town_skills: list[frozenset[int]]  # by the town's tier-2 teams
    county_skills: frozenset[int]  # by the tier-3 teams
    tier2_team: np.ndarray  # per team: serves its town's tier 2 (dispatch.scope)
    tier3_team: np.ndarray  # per team: serves the county's tier 3 (dispatch.scope)
    team_index: TeamIndex
    place_town: list[int]  # town of each place, as a list
    rate_per_min: np.ndarray  # per place: mean orders per minute (before the weekly profile)
    week_profile: np.ndarray  # 168 multipliers with mean 1
    timeouts: np.ndarray  # (zones, 2) minutes at tier 1 and tier 2 before escalating
    office_hours: list[tuple[float, float]]  # weekday office intervals, minutes of day
    cutoff_min: float
    day_end_min: float
    surges: list[Surge] = field(default_factory=list)  # demand surges (scenario events)
    # (origin town, skill) -> the nearest few of tier3_towns[skill]: filled by the dispatcher
    # as it needs them, shared by the world's replications (a cache of the static data above)
    tier3_near: dict[tuple[int, int], tuple[int, ...]] = field(
        default_factory=dict, repr=False, compare=False
    )

    @property
    def n_places(self) -> int:
        return len(self.places)


def item_channel(item: Item) -> int:
    """The channel (index into :data:`CHANNELS`) of an item's orders: professional items are in
    the professional channel, the others in the channel they name."""
    return CHANNELS.index("professional" if item.professional else item.channel)


def channel_due_minutes(scenario: Scenario) -> np.ndarray:
    """Per channel (:data:`CHANNELS`), the minutes from an order's placement to its deadline;
    NaN where the same-day rule applies (``targets.same_day_cutoff`` and ``day_end``): proxy
    errands are due ``proxy.deadline_days`` after placement, disputes ``mediation.deadline_days``
    (the same-day rule without the section), the paired units' projects
    ``pairing.projects.due_days``."""
    due = np.full(len(CHANNELS), np.nan)
    for channel, section in (("proxy", scenario.proxy), ("mediation", scenario.mediation)):
        if section is not None:
            due[CHANNELS.index(channel)] = section.deadline_days * 1440.0
    due[CHANNELS.index("pairing")] = scenario.pairing.projects.due_days * 1440.0
    return due


def channel_timeouts(scenario: Scenario) -> np.ndarray:
    """Per channel, zone and tier (1, 2): the minutes an order waits there before escalating.
    The ladder's ``dispatch.timeouts_min`` for the catalogue and professional channels; proxy
    errands never escalate (inf: their village's point serves them); a dispute waits
    ``mediation.village_timeout_min`` for its village's room, then goes on to the county at once
    (0 minutes at the town tier: the town stations do not mediate)."""
    ladder = np.array([scenario.dispatch.timeouts_min[z] for z in ZONES], dtype=float)
    out = np.repeat(ladder[None], len(CHANNELS), axis=0)
    if scenario.proxy is not None:
        out[CHANNELS.index("proxy")] = np.inf
    if scenario.mediation is not None:
        # the room's time, then straight on to the county: a town station does not mediate
        out[CHANNELS.index("mediation"), :, 0] = scenario.mediation.village_timeout_min
        out[CHANNELS.index("mediation"), :, 1] = 0.0
    return out


def channel_patience(scenario: Scenario) -> list[Dist | None]:
    """Per channel, the citizens' patience (minutes) replacing ``demand.patience``, or None."""
    out: list[Dist | None] = [None] * len(CHANNELS)
    for channel, section in (("proxy", scenario.proxy), ("mediation", scenario.mediation)):
        if section is not None:
            out[CHANNELS.index(channel)] = section.patience
    return out


# channels whose orders the citizen never cancels: the paired units' projects (the government
# delivers them) and the packages' visits (recurring, registered in advance)
NO_CANCELLATION = ("pairing", "package")


def channel_flags(names: tuple[str, ...]) -> np.ndarray:
    """A boolean per channel (:data:`CHANNELS`): whether it is one of ``names``."""
    return np.array([channel in names for channel in CHANNELS], dtype=bool)


def channel_top_tiers(scenario: Scenario) -> np.ndarray:
    """Per channel (:data:`CHANNELS`), the highest tier its orders escalate to: the county (3)
    for the catalogue and professional orders; 1 for the paired units' projects (the village's
    own paired units deliver them); ``packages.top_tier`` for the packages' visits."""
    top = np.full(len(CHANNELS), 3, dtype=np.int8)
    top[CHANNELS.index("pairing")] = 1
    top[CHANNELS.index("package")] = scenario.packages.top_tier
    return top


def item_due_minutes(scenario: Scenario) -> np.ndarray:
    """Per catalogue item, the minutes from an order's placement to its deadline where the item
    has its own (a package's due window, ``packages.kinds.*.due_within_min``); NaN where its
    channel's deadline applies (:func:`channel_due_minutes`)."""
    ids = [item.id for item in scenario.catalog]
    due = np.full(len(ids), np.nan)
    for kind in scenario.packages.kinds.values():
        if kind.item in ids:
            due[ids.index(kind.item)] = kind.due_within_min
    return due


def build_world(scenario: Scenario, unmet: np.ndarray | None = None) -> World:
    """Build the world of a (validated) scenario; deterministic, draws no random numbers and
    never simulates. ``unmet``: a pilot run's unmet orders per week by place, which the
    pairing strategies ``need`` and ``optimal`` rank villages by (use
    :func:`sim.experiments.pilot.prepare_world`, which runs the pilot when it is needed)."""
    towns, places = build_places(scenario)
    travel = TravelModel(scenario, towns, places)
    items = list(scenario.catalog)
    skill_names: list[str] = []
    for name in [i.skill for i in items] + _team_skills(scenario):
        if name not in skill_names:
            skill_names.append(name)
    skill_index = {s: k for k, s in enumerate(skill_names)}
    pairs = make_pairs(scenario, places, unmet)
    teams = build_teams(scenario, towns, places, pairs, skill_index)

    n_places, n_towns = len(places), len(towns.code)
    # one int object per id, shared by every list of the world that holds it (a province has
    # 100,000 teams and 45,000 places: fewer objects, and the dispatcher's lookups stay close)
    ids = list(range(max(n_places, n_towns, len(teams))))
    tier1: list[list[int]] = [[] for _ in range(n_places)]
    town_teams: list[list[int]] = [[] for _ in range(n_towns)]
    channel_level = np.isin(teams.level, [TEAM_LEVELS.index(x) for x in CHANNEL_TEAM_LEVELS]).tolist()
    for team in range(len(teams)):
        town_teams[int(teams.town[team])].append(ids[team])
        if teams.name[team].startswith("village:") or channel_level[team]:
            tier1[int(teams.home[team])].append(ids[team])
    n_fixed = len(teams) - len(pairs)
    for k, pair in enumerate(pairs):
        tier1[pair.village].append(ids[n_fixed + k])
    tier1_catalogue = tier1
    if any(channel_level):
        tier1_catalogue = [[team for team in row if not channel_level[team]] for row in tier1]

    tier2_team, tier3_team = scope_teams(scenario.dispatch.scope, teams)

    shared: dict[frozenset[int], frozenset[int]] = {}  # one set per distinct combination
    staffed = ((teams.members > 0) & teams.may_be_on_duty()).tolist()
    windows = duty_windows(teams, scenario.run.start_weekday, staffed)

    def offered(team_ids: list[int]) -> frozenset[int]:
        out: set[int] = set()
        for team in team_ids:
            if staffed[team] and team not in windows:
                out |= teams.skills[team]
        skills = frozenset(out)
        return shared.setdefault(skills, skills)

    seat_x = places.x_km[towns.seat_place]
    seat_y = places.y_km[towns.seat_place]
    # compact rows (4 bytes a town, not a Python int): 1,600 x 1,600 at a province's size
    by_distance, rank = [], []
    for t in range(n_towns):
        row = np.argsort(np.hypot(seat_x - seat_x[t], seat_y - seat_y[t]), kind="stable")
        position = np.empty(n_towns, dtype=np.intc)
        position[row] = np.arange(n_towns, dtype=np.intc)
        by_distance.append(array("i", row.astype(np.intc).tobytes()))
        rank.append(array("i", position.tobytes()))
    tier3_towns: list[set[int]] = [set() for _ in skill_names]
    tier3_teams_at: dict[tuple[int, int], list[int]] = {}
    for team in np.flatnonzero(tier3_team & (teams.members > 0)).tolist():
        for skill in sorted(teams.skills[team]):
            tier3_towns[skill].add(ids[int(teams.town[team])])
            tier3_teams_at.setdefault((int(teams.town[team]), skill), []).append(ids[team])

    place_town = [ids[t] for t in places.town.tolist()]
    shares = np.array([i.share for i in items], dtype=float)
    demand = scenario.demand
    hour = np.asarray(demand.hour_of_day, dtype=float)
    day = np.asarray(demand.day_of_week, dtype=float)
    week = (day[:, None] * hour[None, :]).ravel()
    week = week / week.mean() if week.sum() > 0 else np.ones(HOURS_PER_WEEK)
    timeouts = np.array([scenario.dispatch.timeouts_min[z] for z in ZONES], dtype=float)
    return World(
        scenario=scenario,
        towns=towns,
        places=places,
        travel=travel,
        items=items,
        skills=skill_names,
        item_skill=np.array([skill_index[i.skill] for i in items], dtype=np.int32),
        item_volunteers=np.array([i.volunteers for i in items], dtype=np.int32),
        item_professional=np.array([i.professional for i in items], dtype=bool),
        item_channel=np.array([item_channel(i) for i in items], dtype=np.int8),
        channel_due_min=channel_due_minutes(scenario),
        channel_timeouts=channel_timeouts(scenario),
        channel_patience=channel_patience(scenario),
        channel_cancels=~channel_flags(NO_CANCELLATION),
        channel_top_tier=channel_top_tiers(scenario),
        item_due_min=item_due_minutes(scenario),
        item_mix=shares / shares.sum() if shares.sum() > 0 else shares,
        teams=teams,
        pairs=pairs,
        tier1_teams=tier1,
        tier1_catalogue=tier1_catalogue,
        town_teams=town_teams,
        towns_by_distance=by_distance,
        town_rank=rank,
        tier3_towns=[sorted(towns) for towns in tier3_towns],
        tier3_teams_at={key: tuple(members) for key, members in tier3_teams_at.items()},
        tier2_nearest=tier2_nearest(teams, town_teams, tier2_team, travel, place_town),
        team_staffed=staffed,
        team_windows=windows,
        place_skills=[offered(t) for t in tier1],
        town_skills=[offered([t for t in ts if tier2_team[t]]) for ts in town_teams],
        county_skills=offered(np.flatnonzero(tier3_team).tolist()),
        tier2_team=tier2_team,
        tier3_team=tier3_team,
        team_index=team_index(teams, tier1, place_town, tier2_team, tier3_team, ids),
        place_town=place_town,
        rate_per_min=places.population / 1000.0 * demand.orders_per_1000_per_day / 1440.0,
        week_profile=week,
        timeouts=timeouts,
        office_hours=[(parse_clock(a), parse_clock(b)) for a, b in scenario.admin.office_hours],
        cutoff_min=parse_clock(scenario.targets.same_day_cutoff),
        day_end_min=parse_clock(scenario.targets.day_end),
        surges=resolve(scenario, towns, places, teams, len(pairs)),
    )


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


def _team_skills(scenario: Scenario) -> list[str]:
    t = scenario.teams
    names = list(t.village_skills) + t.town.skills + t.county.skills
    for kind in [
        *t.centers,
        *t.subcenters,
        *t.professional,
        *scenario.pairing.kinds.values(),
        *t.additions,
        *(a for e in scenario.events for a in e.callups),
    ]:
        names += kind.skills
    if scenario.proxy is not None:
        names.append(scenario.proxy.skill)
    if scenario.mediation is not None:
        names.append(mediation_skill(scenario))
    return names
