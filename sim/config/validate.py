"""Checks that need the whole scenario: cross-references, sums, distributions, clock times, and
the data files (towns, places, coordinates, travel matrix, pairing) a scenario names.

:func:`sim.config.load.load_scenario` runs them after reading and converting a file, and
places each problem on the line that wrote the offending value.
"""

from __future__ import annotations

import math
import os
import re
from collections import Counter
from pathlib import Path

from sim.config import distributions
from sim.config.channels import PairedKind, mediation_skill
from sim.config.errors import Problem, UserError
from sim.config.geography import ZONES
from sim.config.loader import PATH_KEYS
from sim.config.scenario import Scenario
from sim.config.spec import Dist
from sim.config.teams import TEAM_LEVELS, TeamKind
from sim.gate.check import expect_problems
from sim.world import surges
from sim.world.geography import TERRAINS, build_places, parse_clock, read_matrix, read_towns
from sim.world.pairing import make_pairs, units

SHARE_TOLERANCE = 1e-3


RESERVED_NAMES = {  # folders of results/ that other commands own
    "baselines": "the regression gate's committed baselines",
    "sweeps": "sweeps",
    "optimize": "staffing plans",
    "check": "the regression gate's reports",
}


def check(scenario: Scenario) -> list[Problem]:
    """Problems a typed conversion cannot see (file named by ``scenario.source``)."""
    out: list[Problem] = []
    src = scenario.source

    def bad(path: str, message: str) -> None:
        out.append(Problem(src, None, path, message))

    out += expect_problems(scenario)
    if not re.fullmatch(r"[\w][\w.-]{0,79}", scenario.name) or ".." in scenario.name:
        bad(
            "name",
            f"{scenario.name[:40]!r} cannot name a results folder; expected letters, "
            "digits, '_', '-' or '.' (no '/', no '..', at most 80)",
        )
    elif scenario.name.lower() in RESERVED_NAMES or scenario.name.lower().startswith("compare-"):
        bad(
            "name",
            f"{scenario.name!r} is reserved (results/{scenario.name} holds "
            f"{RESERVED_NAMES.get(scenario.name.lower(), 'comparisons')}); expected another name",
        )
    _check_catalog(bad, scenario)
    _check_channels(bad, scenario)
    _check_demand(bad, scenario)
    _check_clocks(bad, scenario)
    _check_geography_keys(bad, scenario)
    _check_teams(bad, scenario)
    _check_hand_up(bad, scenario)
    _check_deliveries(bad, scenario)
    missing = _check_files(bad, scenario)
    if scenario.pairing.strategy != "none" and not scenario.pairing.file:
        bad("pairing.file", f"strategy {scenario.pairing.strategy!r} needs a CSV file; expected a path")
    if "towns_csv" not in missing:
        out += _check_town_names(bad, scenario)
    return out


def _check_catalog(bad, scenario: Scenario) -> None:
    items = scenario.catalog
    if not items:
        bad("catalog", "is empty; expected at least one service item")
    share = sum(i.share for i in items)
    if items and abs(share - 1.0) > SHARE_TOLERANCE:
        bad("catalog", f"shares sum to {share:.4f}; expected 1 (within {SHARE_TOLERANCE:g})")
    ids = Counter(i.id for i in items)
    for k, item in enumerate(items):
        if not item.id.strip():
            bad(f"catalog[{k}].id", "is empty; expected a unique id")
        elif ids[item.id] > 1:
            bad(f"catalog[{k}].id", f"{item.id!r} is repeated; expected a unique id")
        if not item.skill.strip():
            bad(f"catalog[{k}].skill", "is empty; expected the skill a volunteer needs")
        _dist(bad, f"catalog[{k}].service", item.service)
        if item.channel == "professional" and not item.professional:
            bad(f"catalog[{k}].channel", "is 'professional' but the item is not; expected professional: true")
        source = {"pairing": "pairing.projects", "package": "packages.kinds"}.get(item.channel)
        if source is not None and item.professional:
            bad(
                f"catalog[{k}].channel",
                f"is {item.channel!r} but the item is professional; expected professional: false",
            )
        if source is not None and item.share > 0:
            bad(
                f"catalog[{k}].share",
                f"is {item.share:g} for a {item.channel} item; expected 0 (its orders come from {source})",
            )
    _check_projects(bad, scenario)
    _check_packages(bad, scenario)


def _check_packages(bad, scenario: Scenario) -> None:
    """The package channel: each package names its own package item, at a valid time of day,
    whose skill a team within the package's top tier offers."""
    items = {item.id: item for item in scenario.catalog}
    used: dict[str, str] = {}
    t = scenario.teams
    within = set(t.village_skills)  # tier 1: village teams (paired units too)
    if scenario.pairing.strategy != "none":
        for kind in scenario.pairing.kinds.values():
            within |= set(kind.skills)
    if scenario.packages.top_tier >= 2:  # tier 2: the town's teams
        within |= set(t.town.skills)
        for extra in t.additions:
            within |= set(extra.skills or t.town.skills)
    for name, kind in scenario.packages.kinds.items():
        path = f"packages.kinds.{name}"
        item = items.get(kind.item)
        if item is None:
            bad(f"{path}.item", f"unknown item {kind.item!r}; expected the id of a catalogue item")
        elif item.channel != "package":
            bad(
                f"{path}.item",
                f"{kind.item!r} is a {item.channel} item; expected an item with channel: package",
            )
        elif kind.item in used:
            bad(
                f"{path}.item",
                f"{kind.item!r} is the item of package {used[kind.item]!r} too; expected one package "
                "per item (the item carries the package's due window)",
            )
        elif scenario.packages.top_tier < 3 and item.skill not in within:
            bad(
                f"{path}.item",
                f"no team within tier {scenario.packages.top_tier} offers skill {item.skill!r}; "
                "expected a skill of village or town teams (or packages.top_tier: 3)",
            )
        used.setdefault(kind.item, name)
        start = _clock(bad, f"{path}.start", kind.start)
        if start is not None and start >= 1440:
            bad(f"{path}.start", f"{kind.start!r} is the end of the day; expected a time before 24:00")


def _check_projects(bad, scenario: Scenario) -> None:
    """The pairing channel: its projects name pairing items, whose skill only paired units offer
    (so that the village's paired units, and nobody else, deliver them)."""
    channel = {item.id: item.channel for item in scenario.catalog}
    for item_id in scenario.pairing.projects.projects:
        if item_id not in channel:
            bad(f"pairing.projects.projects.{item_id}", "unknown item; expected the id of a catalogue item")
        elif channel[item_id] != "pairing":
            bad(
                f"pairing.projects.projects.{item_id}",
                f"is a {channel[item_id]} item; expected an item with channel: pairing",
            )
    for k, event in enumerate(scenario.events):
        for item_id in event.item_mix:
            if channel.get(item_id) == "pairing":
                bad(
                    f"events[{k}].item_mix.{item_id}",
                    "is a pairing item; expected a catalogue item (projects come from pairing.projects)",
                )
    t = scenario.teams
    others = [("teams.village_skills", t.village_skills)]
    others += [
        (f"{path}.skills", kind.skills) for path, kind in _team_kinds(scenario) if path.startswith("teams.")
    ]
    others += [(f"teams.additions[{k}].skills", a.skills) for k, a in enumerate(t.additions)]
    others += [
        (f"events[{k}].callups[{j}].skills", a.skills)
        for k, e in enumerate(scenario.events)
        for j, a in enumerate(e.callups)
    ]
    for k, item in enumerate(scenario.catalog):
        if item.channel != "pairing":
            continue
        path = next((path for path, skills in others if item.skill in skills), None)
        if path is not None:
            bad(
                f"catalog[{k}].skill",
                f"{item.skill!r} is offered by {path} too; expected a skill only paired units offer "
                "(the village's paired units deliver the projects)",
            )


def _check_channels(bad, scenario: Scenario) -> None:
    """The proxy and mediation channels: their items, sections and skills agree."""
    items = scenario.catalog
    proxy, rooms = scenario.proxy, scenario.mediation
    for k, item in enumerate(items):
        if item.channel in ("proxy", "mediation") and item.professional:
            bad(
                f"catalog[{k}].channel",
                f"is {item.channel!r} but the item is professional; expected professional: false",
            )
        if item.channel == "proxy" and not item.professional:
            if proxy is None:
                bad(
                    f"catalog[{k}].channel",
                    "is 'proxy' but the scenario has no proxy points; expected a proxy: section",
                )
            elif item.share > 0:
                bad(
                    f"catalog[{k}].share",
                    f"is {item.share:g} for a proxy item; expected 0 (proxy errands arrive by "
                    "proxy.errands_per_day)",
                )
    if proxy is not None:
        ids = [i.id for i in items]
        if proxy.item not in ids:
            bad(
                "proxy.item",
                f"unknown item {proxy.item!r}; expected the id of a catalogue item with channel: proxy",
            )
        elif items[ids.index(proxy.item)].channel != "proxy" or items[ids.index(proxy.item)].professional:
            bad("proxy.item", f"item {proxy.item!r} is not in the proxy channel; expected channel: proxy")
        if not proxy.skill.strip():
            bad("proxy.skill", "is empty; expected the skill only proxy points offer")
        _own_skill(bad, "proxy.skill", proxy.skill, "proxy", items)
        _dist(bad, "proxy.patience", proxy.patience)
    if rooms is not None:
        skills = {i.skill for i in items if i.channel == "mediation" and not i.professional}
        if len(skills) > 1:
            bad(
                "mediation",
                f"the mediation channel's items need skills {', '.join(sorted(skills))}; expected one "
                "skill (a room's one skill)",
            )
        _own_skill(bad, "mediation", mediation_skill(scenario), "mediation", items)
        _dist(bad, "mediation.patience", rooms.patience)


def _own_skill(bad, path: str, skill: str, channel: str, items) -> None:
    """A channel's teams have one skill that no catalogue item needs: catalogue orders are
    matched at placement among the village's other teams only."""
    for k, item in enumerate(items):
        if item.skill == skill and item.channel == "catalogue" and not item.professional:
            bad(
                path,
                f"skill {skill!r} is needed by catalogue item {item.id!r} (catalog[{k}]); expected a "
                f"skill only the {channel} channel's items need",
            )
            return


def _check_demand(bad, scenario: Scenario) -> None:
    demand = scenario.demand
    for zone in ZONES:
        if zone not in demand.patience:
            bad("demand.patience", f"missing zone {zone!r}; expected urban and rural")
        else:
            _dist(bad, f"demand.patience.{zone}", demand.patience[zone])
        if zone not in scenario.dispatch.timeouts_min:
            bad("dispatch.timeouts_min", f"missing zone {zone!r}; expected urban and rural")
    for key in demand.patience:
        if key not in ZONES:
            bad(f"demand.patience.{key}", "unknown zone; expected urban or rural")
    for key in scenario.dispatch.timeouts_min:
        if key not in ZONES:
            bad(f"dispatch.timeouts_min.{key}", "unknown zone; expected urban or rural")
    for name in ("hour_of_day", "day_of_week"):
        if not any(getattr(demand, name)):
            bad(
                f"demand.{name}",
                "all zero (no order would ever arrive); expected at least one positive value",
            )
    _dist(bad, "demand.acceptance_delay", demand.acceptance_delay)
    _dist(bad, "demand.appointments.lead", demand.appointments.lead)
    _dist(bad, "admin.review", scenario.admin.review)
    _dist(bad, "admin.on_call_review", scenario.admin.on_call_review)
    if scenario.admin.patience is not None:
        _dist(bad, "admin.patience", scenario.admin.patience)
    _dist(bad, "activities.participants", scenario.activities.participants)
    _dist(bad, "activities.duration", scenario.activities.duration)
    for k, hour in enumerate(scenario.activities.start_hours):
        if not 0 <= hour <= 23:
            bad(f"activities.start_hours[{k}]", f"{hour} is not an hour; expected 0..23")
    for k, level in enumerate(scenario.activities.levels):
        if level not in TEAM_LEVELS:
            bad(
                f"activities.levels[{k}]",
                f"unknown level {level!r}; expected one of {', '.join(TEAM_LEVELS)}",
            )


def _check_clocks(bad, scenario: Scenario) -> None:
    cutoff = _clock(bad, "targets.same_day_cutoff", scenario.targets.same_day_cutoff)
    end = _clock(bad, "targets.day_end", scenario.targets.day_end)
    if cutoff is not None and end is not None and end < cutoff:
        bad(
            "targets.day_end",
            f"{scenario.targets.day_end!r} is before same_day_cutoff "
            f"{scenario.targets.same_day_cutoff!r}; expected the service day to end at or after "
            "the cut-off (else same-day deadlines fall before orders are placed)",
        )
    for k, pair in enumerate(scenario.admin.office_hours):
        if len(pair) != 2:
            bad(
                f"admin.office_hours[{k}]",
                f"has {len(pair)} time(s); expected [start, end] as two HH:MM times",
            )
            continue
        a, b = (_clock(bad, f"admin.office_hours[{k}][{j}]", t) for j, t in enumerate(pair))
        if a is not None and b is not None and a >= b:
            bad(f"admin.office_hours[{k}]", "start is not before end; expected [start, end]")
    hours = scenario.demand.appointments.hours
    a, b = (_clock(bad, f"demand.appointments.hours[{j}]", t) for j, t in enumerate(hours))
    if a is not None and b is not None and a >= b:
        bad("demand.appointments.hours", "start is not before end; expected [start, end]")
    ferry = scenario.geography.travel.ferry
    if ferry is not None:
        if not ferry.departures:
            bad("geography.travel.ferry.departures", "is empty; expected at least one HH:MM")
        for k, d in enumerate(ferry.departures):
            _clock(bad, f"geography.travel.ferry.departures[{k}]", d)


def _check_geography_keys(bad, scenario: Scenario) -> None:
    geo = scenario.geography
    for town, cls in geo.terrain.items():
        if cls not in TERRAINS:
            bad(
                f"geography.terrain.{town}", f"unknown terrain {cls!r}; expected one of {', '.join(TERRAINS)}"
            )
    for name, table in (
        ("geography.radius_km", geo.radius_km),
        ("geography.travel.speed_kmh", geo.travel.speed_kmh),
    ):
        for key in table:
            if key not in TERRAINS:
                bad(f"{name}.{key}", f"unknown terrain; expected one of {', '.join(TERRAINS)}")
        absent = [t for t in TERRAINS if t not in table]
        if absent:
            bad(
                name,
                f"missing terrain(s) {', '.join(absent)}; expected a value for each of {', '.join(TERRAINS)}",
            )


def _team_kinds(scenario: Scenario) -> list[tuple[str, TeamKind | PairedKind]]:
    """(path, kind) of every kind of team with its own skills and schedule (paired kinds only
    when villages are paired)."""
    t = scenario.teams
    kinds: list[tuple[str, TeamKind | PairedKind]] = [("teams.town", t.town), ("teams.county", t.county)]
    kinds += [(f"teams.centers[{k}]", s) for k, s in enumerate(t.centers)]
    kinds += [(f"teams.subcenters[{k}]", s) for k, s in enumerate(t.subcenters)]
    kinds += [(f"teams.professional[{k}]", s) for k, s in enumerate(t.professional)]
    if scenario.pairing.strategy != "none":
        kinds += [(f"pairing.kinds.{name}", s) for name, s in scenario.pairing.kinds.items()]
    return kinds


def _check_teams(bad, scenario: Scenario) -> None:
    t = scenario.teams
    used = [
        ("teams.community_schedule", t.community_schedule),
        ("teams.village_schedule", t.village_schedule),
    ]
    used += [(f"{path}.schedule", kind.schedule) for path, kind in _team_kinds(scenario)]
    for name, section in (("proxy", scenario.proxy), ("mediation", scenario.mediation)):
        if section is not None:
            used.append((f"{name}.schedule", section.schedule))
    for town, over in t.town_overrides.items():
        for name in ("community_schedule", "village_schedule"):
            if getattr(over, name) is not None:
                used.append((f"teams.town_overrides.{town}.{name}", getattr(over, name)))
    for path, name in used:
        if name not in scenario.schedules:
            bad(
                path,
                f"unknown schedule {name!r}; expected one of "
                f"{', '.join(sorted(scenario.schedules)) or '(none defined)'}",
            )
    for group in ("centers", "subcenters", "professional"):
        kinds = getattr(t, group)
        names = Counter(kind.name for kind in kinds)
        for k, kind in enumerate(kinds):
            if not kind.name.strip():
                bad(f"teams.{group}[{k}].name", "is empty; expected a team name")
            elif names[kind.name] > 1:
                bad(f"teams.{group}[{k}].name", f"{kind.name!r} is repeated; expected a unique name")
    _check_team_names(bad, t)
    offered = set(t.village_skills)
    for _, kind in _team_kinds(scenario):
        offered |= set(kind.skills)
    for extra in [*t.additions, *(a for e in scenario.events for a in e.callups)]:
        offered |= set(extra.skills)
    if scenario.proxy is not None:
        offered.add(scenario.proxy.skill)
    if scenario.mediation is not None:
        offered.add(mediation_skill(scenario))
    for k, item in enumerate(scenario.catalog):
        if item.channel == "pairing":
            continue  # the paired units offer it (none: the channel has no orders)
        if item.skill.strip() and item.skill not in offered:
            bad(
                f"catalog[{k}].skill",
                f"no team offers skill {item.skill!r}; expected a skill "
                "some team has (the item could never be served)",
            )


def _check_items_named(bad, scenario: Scenario, path: str, items: list[str], what: str) -> None:
    """Each of ``items`` (at ``path``) must be a catalogue item that is not professional."""
    catalog = {i.id: i for i in scenario.catalog}
    for j, item in enumerate(items):
        if item not in catalog:
            bad(f"{path}[{j}]", f"unknown item {item!r}; expected a catalogue item id")
        elif catalog[item].professional:
            bad(
                f"{path}[{j}]",
                f"{item!r} is professional (the county administrator's, never a village's or a "
                f"batch's); expected an item {what}",
            )


def _check_hand_up(bad, scenario: Scenario) -> None:
    """``dispatch.hand_up.items`` name catalogue items a village could serve."""
    _check_items_named(
        bad, scenario, "dispatch.hand_up.items", scenario.dispatch.hand_up.items, "a village team serves"
    )


def designation_names(scenario: Scenario) -> list[str]:
    """What ``events[].delivery.designated`` may name: the keywords, then the named team kinds."""
    t = scenario.teams
    named = [t.county.name, *(k.name for k in [*t.centers, *t.subcenters, *t.professional])]
    return ["callups", "town", "village", *dict.fromkeys(n for n in named if n.strip())]


def _check_deliveries(bad, scenario: Scenario) -> None:
    """An event's ``delivery``: batched items deliverable, designated teams that exist."""
    names = designation_names(scenario)
    for k, event in enumerate(scenario.events):
        delivery = event.delivery
        if delivery is None:
            continue
        path = f"events[{k}].delivery"
        _check_items_named(bad, scenario, f"{path}.items", delivery.items, "a batch can deliver")
        for j, entry in enumerate(delivery.designated):
            if entry not in names:
                bad(
                    f"{path}.designated[{j}]",
                    f"unknown team kind {entry!r}; expected one of {', '.join(names)}",
                )
            elif entry == "callups" and not event.callups:
                bad(
                    f"{path}.designated[{j}]",
                    f"'callups' but events[{k}] has no call-ups; expected events[{k}].callups or "
                    "another team kind",
                )
        if delivery.mode == "batched" and not delivery.designated:
            bad(
                f"{path}.designated",
                "is empty; expected who may deliver the batches (e.g. [callups])",
            )


def _check_team_names(bad, t) -> None:
    """Named kinds make teams called ``level:name`` (``#1``, ``#2``... when count > 1); two
    kinds must not make the same team name (the teams would share their random streams)."""
    kinds = [("teams.county", "county", t.county)]
    kinds += [(f"teams.centers[{k}]", "county", c) for k, c in enumerate(t.centers)]
    kinds += [(f"teams.subcenters[{k}]", "subcenter", c) for k, c in enumerate(t.subcenters)]
    kinds += [(f"teams.professional[{k}]", "professional", c) for k, c in enumerate(t.professional)]
    group_names = Counter((path.split("[")[0], kind.name) for path, _, kind in kinds)
    made: dict[str, str] = {}
    for path, level, kind in kinds:
        names = [f"{level}:{kind.name}" + (f"#{i + 1}" if kind.count > 1 else "") for i in range(kind.count)]
        clash = next((name for name in names if name in made), None)
        if clash is not None and group_names[(path.split("[")[0], kind.name)] == 1:
            # (a name repeated within its group is reported as such above)
            bad(
                f"{path}.name",
                f"{kind.name!r} makes the team {clash!r}, which "
                f"{made[clash]} makes too; expected a name that gives distinct teams",
            )
        for name in names:
            made.setdefault(name, path)


def _check_files(bad, scenario: Scenario) -> set[str]:
    """Every data file the scenario names must exist; returns the keys of missing ones."""
    missing = set()
    for keys in sorted(PATH_KEYS):
        node = scenario
        for k in keys:
            node = getattr(node, k, None)
        if node is None or (keys[-1] == "file" and scenario.pairing.strategy == "none"):
            continue
        path = ".".join(keys)
        shown = os.path.relpath(node) if os.path.isabs(node) else node
        if not node.strip() or not Path(node).is_file():
            missing.add(keys[-1])
            bad(
                path,
                f"file {shown!r} not found; expected a CSV file (a path relative to the "
                "scenario that names it)",
            )
        elif Path(node).suffix.lower() != ".csv":
            missing.add(keys[-1])
            bad(path, f"file {shown!r} is not a CSV file; expected a path ending in .csv")
    return missing


def _check_town_names(bad, scenario: Scenario) -> list[Problem]:
    """Towns named in the scenario must be towns of the towns CSV (pinyin or Chinese name)."""
    try:
        rows, problems = read_towns(scenario.geography)
    except UserError as exc:
        return exc.problems
    known = {r["pinyin"].lower() for r in rows} | {r["name"] for r in rows}
    geo, t = scenario.geography, scenario.teams
    named = [(f"geography.urban_towns[{k}]", x) for k, x in enumerate(geo.urban_towns)]
    named.append(("geography.county_seat_town", geo.county_seat_town))
    named += [
        (f"{path}.home_town", kind.home_town)
        for path, kind in _team_kinds(scenario)
        if getattr(kind, "home_town", "")
    ]
    named += [(f"geography.terrain.{x}", x) for x in geo.terrain]
    named += [(f"teams.town_overrides.{x}", x) for x in t.town_overrides]
    named += [(f"teams.additions[{k}].town", a.town) for k, a in enumerate(t.additions)]
    named += [
        (f"events[{k}].callups[{j}].town", a.town)
        for k, e in enumerate(scenario.events)
        for j, a in enumerate(e.callups)
    ]
    ferry = geo.travel.ferry
    if ferry is not None:
        named += [(f"geography.travel.ferry.island_towns[{k}]", x) for k, x in enumerate(ferry.island_towns)]
        named.append(("geography.travel.ferry.port_town", ferry.port_town))
        if ferry.port_town.lower() in {t.lower() for t in ferry.island_towns}:
            bad(
                "geography.travel.ferry.port_town",
                f"{ferry.port_town!r} is also an island town; expected a mainland town",
            )
    for path, town in named:
        if town.lower() not in known and town not in known:
            close = [r["pinyin"] for r in rows if r["pinyin"].lower()[:3] == town.lower()[:3]]
            hint = "expected a town of the towns CSV" + (f", did you mean {close[0]!r}?" if close else "")
            bad(path, f"unknown town {town!r}; {hint}")
    return problems


def check_data(scenario: Scenario) -> list[Problem]:
    """Problems in the data files a (sound) scenario names: towns, places, coordinates, travel
    matrix and pairing CSVs. Each file's problems name that file and its line."""
    try:
        towns, places = build_places(scenario)
    except UserError as exc:
        return exc.problems
    out: list[Problem] = []
    if scenario.geography.travel.matrix_csv:
        try:
            read_matrix(scenario.geography.travel.matrix_csv, places.code)
        except UserError as exc:
            out += exc.problems
    out += surges.problems(scenario, towns, places)
    kinds = sorted(set(places.kind))
    for k, kind in enumerate(scenario.geography.urban_kinds):
        if kind not in kinds:
            out.append(
                Problem(
                    scenario.source,
                    None,
                    f"geography.urban_kinds[{k}]",
                    f"no place of kind {kind!r} in the places CSV; expected one of {', '.join(kinds)}",
                )
            )
    try:  # strategies needing a pilot run are checked on their units only (fast)
        pairs = (
            units(scenario, places)
            if scenario.pairing.strategy in ("need", "optimal")
            else make_pairs(scenario, places)
        )
    except UserError as exc:
        return out + exc.problems
    repeated = [name for name, n in Counter(p.unit_name for p in pairs).items() if n > 1]
    if repeated:
        out.append(
            Problem(
                scenario.source,
                None,
                "pairing.file",
                f"unit name {repeated[0]!r} "
                f"is listed {Counter(p.unit_name for p in pairs)[repeated[0]]} times "
                "in the pairing CSV; expected each unit once",
            )
        )
    return out


def scenario_warnings(scenario: Scenario) -> list[Problem]:
    """Valid but suspicious settings: items only teams that are never on duty could serve."""
    out: list[Problem] = []
    t = scenario.teams

    def on_duty(schedule: str) -> bool:
        spec = scenario.schedules.get(schedule)
        return spec is not None and any(spec.weekday + spec.weekend)

    serving: set[str] = set()
    village_members = (
        max(t.village_members_community, t.village_members_village) > 0 or t.village_members_per_1000 > 0
    )
    village_schedules = [t.community_schedule, t.village_schedule]
    village_schedules += [
        s for o in t.town_overrides.values() for s in (o.community_schedule, o.village_schedule) if s
    ]
    if village_members and any(on_duty(s) for s in village_schedules):
        serving |= set(t.village_skills)
    listed = set(t.village_skills)
    for _, kind in _team_kinds(scenario):
        listed |= set(kind.skills)
        members = kind.members + getattr(kind, "members_per_1000", 0.0)
        if members > 0 and getattr(kind, "count", 1) > 0 and on_duty(kind.schedule):
            serving |= set(kind.skills)
    admin = scenario.admin
    on_call = admin.after_hours == "on_call" and admin.on_call_reviewers > 0
    if (
        any(i.professional for i in scenario.catalog)
        and not on_call
        and (admin.reviewers == 0 or not admin.office_hours)
    ):
        out.append(
            Problem(
                scenario.source,
                None,
                "admin",
                "warning: no administrator reviews "
                "professional orders (reviewers 0 or no office hours, and none on call); professional "
                "items can never be served",
            )
        )
    out += _never_on_duty(scenario, on_duty)
    out += _crews_too_small(scenario)
    out += _too_few_members(scenario)
    for k, item in enumerate(scenario.catalog):
        if item.skill in listed and item.skill not in serving:
            out.append(
                Problem(
                    scenario.source,
                    None,
                    f"catalog[{k}].skill",
                    f"warning: no team that is ever on duty offers skill "
                    f"{item.skill!r}; the item can never be served",
                )
            )
    return out


def _never_on_duty(scenario: Scenario, on_duty) -> list[Problem]:
    """Warnings for kinds of team that exist but are never on duty: orders skip their tier."""
    out = []
    for path, kind in _team_kinds(scenario):
        members = kind.members + getattr(kind, "members_per_1000", 0.0)
        known = kind.schedule in scenario.schedules  # an unknown one is an error already
        if known and getattr(kind, "count", 1) > 0 and members > 0 and not on_duty(kind.schedule):
            out.append(
                Problem(
                    scenario.source,
                    None,
                    f"{path}.schedule",
                    f"warning: schedule {kind.schedule!r} is never on duty; orders skip this "
                    "team's tier at once (docs/model.md)",
                )
            )
    return out


def _crews_too_small(scenario: Scenario) -> list[Problem]:
    """Warnings for batched events delivered only by call-ups, none of which has a crew's worth
    of volunteers on duty: no batch would ever leave."""
    out = []
    for k, event in enumerate(scenario.events):
        d = event.delivery
        if d is None or d.mode != "batched" or set(d.designated) != {"callups"} or not event.callups:
            continue
        most = max(a.volunteers for a in event.callups)
        if most < d.volunteers_per_batch:
            out.append(
                Problem(
                    scenario.source,
                    None,
                    f"events[{k}].delivery.volunteers_per_batch",
                    f"warning: {d.volunteers_per_batch} volunteers per batch but no call-up of the "
                    f"event has more than {most} on duty; no batch can ever leave",
                )
            )
    return out


def _too_few_members(scenario: Scenario) -> list[Problem]:
    """Warnings for items needing more volunteers at once than any team offering the skill has."""
    t = scenario.teams
    biggest: dict[str, float] = {}

    def offer(skills, members: float) -> None:
        for skill in skills:
            biggest[skill] = max(biggest.get(skill, 0.0), members)

    village = max(t.village_members_community, t.village_members_village)
    offer(t.village_skills, math.inf if t.village_members_per_1000 > 0 else village)
    for _, kind in _team_kinds(scenario):
        offer(kind.skills, math.inf if getattr(kind, "members_per_1000", 0.0) > 0 else kind.members)
    for extra in [*t.additions, *(a for e in scenario.events for a in e.callups)]:
        offer(extra.skills, math.inf)  # added on top of a team's own members
    out = []
    for k, item in enumerate(scenario.catalog):
        most = biggest.get(item.skill)
        if most is not None and item.volunteers > most:
            out.append(
                Problem(
                    scenario.source,
                    None,
                    f"catalog[{k}].volunteers",
                    f"warning: {item.volunteers} volunteers needed but no team offering skill "
                    f"{item.skill!r} has more than {most:g} members; the item can never be served",
                )
            )
    return out


def _dist(bad, path: str, dist: Dist) -> None:
    why = distributions.check(dist)
    if why:
        bad(f"{path}.{'high' if dist.kind == 'uniform' else 'mean'}", why)


def _clock(bad, path: str, text: str) -> float | None:
    try:
        return parse_clock(text)
    except (ValueError, AttributeError):
        shown = repr(text) if isinstance(text, str) else str(text)
        bad(path, f"{shown[:30]} is not a time of day; expected HH:MM between 00:00 and 24:00")
        return None
