"""Scenario -> World: the deterministic, indexed structures the model runs on.

The world holds what does not change during a run: places and towns, the travel model, the
catalogue as arrays, every team, the pairing, each tier's scope, and the demand rates. Building
it draws no random numbers, so a world can be built once and simulated with many seeds.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass, field

import numpy as np

from sim.config.channels import mediation_skill
from sim.config.demand import Item
from sim.config.scenario import Scenario
from sim.config.spec import Dist
from sim.config.teams import CHANNEL_TEAM_LEVELS, TEAM_LEVELS
from sim.world.channel_tables import (
    NO_CANCELLATION,
    channel_due_minutes,
    channel_flags,
    channel_patience,
    channel_timeouts,
    channel_top_tiers,
    item_channel,
    item_due_minutes,
)
from sim.world.geography import Places, Towns, build_places, parse_clock
from sim.world.pairing import Pair, make_pairs
from sim.world.scopes import duty_windows, scope_teams
from sim.world.surges import Surge, resolve
from sim.world.team_index import TeamIndex, team_index, tier2_nearest
from sim.world.travel import TravelModel
from sim.world.workforce import HOURS_PER_WEEK, TeamTable, build_teams


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

    def same_day_deadline(self, placed: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        """The same-day deadline (minutes) of orders placed at ``placed`` (minutes): the end of
        their day (``targets.day_end``), or of the next day when placed at or after
        ``targets.same_day_cutoff`` (into ``out`` if given; in place where it can be, one
        scratch column). The rule the model ranks waiting orders by (``OrderTable.deadline``,
        the same float operations for one order) and the KPIs judge the same-day promise by."""
        day = np.divide(placed, 1440.0, out=out)
        np.floor(day, out=day)
        minute = day * 1440.0
        np.subtract(placed, minute, out=minute)
        late = minute >= self.cutoff_min
        del minute
        day += late  # in place, the same sums as (day + late) * 1440 + day_end
        day *= 1440.0
        day += self.day_end_min
        return day


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
    village_level = (teams.level == TEAM_LEVELS.index("village")).tolist()
    for team in range(len(teams)):
        town_teams[int(teams.town[team])].append(ids[team])
        if village_level[team] or channel_level[team]:
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
        office_hours=[(parse_clock(a), parse_clock(b)) for a, b in scenario.admin.office_hours],
        cutoff_min=parse_clock(scenario.targets.same_day_cutoff),
        day_end_min=parse_clock(scenario.targets.day_end),
        surges=resolve(scenario, towns, places, teams, len(pairs)),
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
