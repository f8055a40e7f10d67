"""Checks that need the whole scenario: its name, cross-references, sums, distributions and
clock times, section by section (catalogue, demand, clocks, geography, teams, hand-up,
deliveries). :func:`check` runs them all, with the channels' checks
(:mod:`.channel_checks`), the data files' existence and town names (:mod:`.data_checks`) and
the regression gate's ``expect:`` block.

:func:`sim.config.load.load_scenario` runs :func:`check` after reading and converting a file,
and places each problem on the line that wrote the offending value. The checks of the data
files' contents are in :mod:`.data_checks`, the warnings in :mod:`.scenario_warnings`.
"""

from __future__ import annotations

import re
from collections import Counter

from sim.config.channel_checks import check_channels, check_packages, check_projects
from sim.config.channels import mediation_skill
from sim.config.check_helpers import check_clock, check_dist, team_kinds, team_skill_lists
from sim.config.data_checks import check_files, check_town_names
from sim.config.errors import Problem
from sim.config.geography import ZONES
from sim.config.scenario import MIN_DAYS, Scenario
from sim.config.teams import TEAM_LEVELS
from sim.config.yaml_read import key_text
from sim.gate.expectations import expect_problems
from sim.world.geography import TERRAINS

SHARE_TOLERANCE = 1e-3


RESERVED_NAMES = {  # folders of results/ that other commands own
    "baselines": "the regression gate's committed baselines",
    "sweeps": "sweeps",
    "optimize": "staffing plans",
    "check": "the regression gate's reports",
    "sensitivity": "sensitivity studies",
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
    for path, days in (("run.days", scenario.run.days), ("expect.days", scenario.expect.days)):
        if 0 < days < MIN_DAYS:
            bad(
                path,
                f"{days:g} is out of range; expected at least {MIN_DAYS:g} days (a shorter "
                "window is lost in rounding against the warm-up's minutes)",
            )
    _check_catalog(bad, scenario)
    check_projects(bad, scenario)
    check_packages(bad, scenario)
    check_channels(bad, scenario)
    _check_demand(bad, scenario)
    _check_clocks(bad, scenario)
    _check_geography_keys(bad, scenario)
    _check_teams(bad, scenario)
    _check_hand_up(bad, scenario)
    _check_deliveries(bad, scenario)
    missing = check_files(bad, scenario)
    if scenario.pairing.strategy != "none" and not scenario.pairing.file:
        bad("pairing.file", f"strategy {scenario.pairing.strategy!r} needs a CSV file; expected a path")
    if "towns_csv" not in missing:
        out += check_town_names(bad, scenario)
    if not scenario.catalog:  # every item named elsewhere is unknown then: one line says why
        out = [p for p in out if not p.message.startswith("unknown item")]
    return out


def _check_catalog(bad, scenario: Scenario) -> None:
    """The catalogue: items, unique ids, shares summing to 1, and each item's channel agreeing
    with its professional flag and share."""
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
        check_dist(bad, f"catalog[{k}].service", item.service)
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


def _check_demand(bad, scenario: Scenario) -> None:
    """Demand, admin and activities: patience and time-outs for both zones, a profile that lets
    orders arrive, sound distributions, hours of the day and known team levels."""
    demand = scenario.demand
    for zone in ZONES:
        if zone not in demand.patience:
            bad("demand.patience", f"missing zone {zone!r}; expected urban and rural")
        else:
            check_dist(bad, f"demand.patience.{zone}", demand.patience[zone])
        if zone not in scenario.dispatch.timeouts_min:
            bad("dispatch.timeouts_min", f"missing zone {zone!r}; expected urban and rural")
    for key in demand.patience:
        if key not in ZONES:
            bad(f"demand.patience.{key_text(key)}", "unknown zone; expected urban or rural")
    for key in scenario.dispatch.timeouts_min:
        if key not in ZONES:
            bad(f"dispatch.timeouts_min.{key_text(key)}", "unknown zone; expected urban or rural")
    for name in ("hour_of_day", "day_of_week"):
        if not any(getattr(demand, name)):
            bad(
                f"demand.{name}",
                "all zero (no order would ever arrive); expected at least one positive value",
            )
    check_dist(bad, "demand.acceptance_delay", demand.acceptance_delay)
    check_dist(bad, "demand.appointments.lead", demand.appointments.lead)
    check_dist(bad, "admin.review", scenario.admin.review)
    check_dist(bad, "admin.on_call_review", scenario.admin.on_call_review)
    if scenario.admin.patience is not None:
        check_dist(bad, "admin.patience", scenario.admin.patience)
    check_dist(bad, "activities.participants", scenario.activities.participants)
    check_dist(bad, "activities.duration", scenario.activities.duration)
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
    """Times of day: the service day's cut-off and end, office hours, appointment hours and
    ferry departures."""
    cutoff = check_clock(bad, "targets.same_day_cutoff", scenario.targets.same_day_cutoff)
    end = check_clock(bad, "targets.day_end", scenario.targets.day_end)
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
        a, b = (check_clock(bad, f"admin.office_hours[{k}][{j}]", t) for j, t in enumerate(pair))
        if a is not None and b is not None and a >= b:
            bad(f"admin.office_hours[{k}]", "start is not before end; expected [start, end]")
    hours = scenario.demand.appointments.hours  # not two: reported as the file is converted
    a, b = (
        (check_clock(bad, f"demand.appointments.hours[{j}]", t) for j, t in enumerate(hours))
        if len(hours) == 2
        else (None, None)
    )
    if a is not None and b is not None and a >= b:
        bad("demand.appointments.hours", "start is not before end; expected [start, end]")
    ferry = scenario.geography.travel.ferry
    if ferry is not None:
        if not ferry.departures:
            bad("geography.travel.ferry.departures", "is empty; expected at least one HH:MM")
        for k, d in enumerate(ferry.departures):
            check_clock(bad, f"geography.travel.ferry.departures[{k}]", d)


def _check_geography_keys(bad, scenario: Scenario) -> None:
    """The geography's tables name known terrains, and each terrain has its radius and speed."""
    geo = scenario.geography
    for town, cls in geo.terrain.items():
        if cls not in TERRAINS:
            bad(
                f"geography.terrain.{key_text(town)}",
                f"unknown terrain {cls!r}; expected one of {', '.join(TERRAINS)}",
            )
    for name, table in (
        ("geography.radius_km", geo.radius_km),
        ("geography.travel.speed_kmh", geo.travel.speed_kmh),
    ):
        for key in table:
            if key not in TERRAINS:
                bad(f"{name}.{key_text(key)}", f"unknown terrain; expected one of {', '.join(TERRAINS)}")
        absent = [t for t in TERRAINS if t not in table]
        if absent:
            bad(
                name,
                f"missing terrain(s) {', '.join(absent)}; expected a value for each of {', '.join(TERRAINS)}",
            )


def _check_teams(bad, scenario: Scenario) -> None:
    """Teams: known schedules, unique names, and every (non-pairing) item's skill offered by some
    team."""
    t = scenario.teams
    used = [
        ("teams.community_schedule", t.community_schedule),
        ("teams.village_schedule", t.village_schedule),
    ]
    used += [(f"{path}.schedule", kind.schedule) for path, kind in team_kinds(scenario)]
    for name, section in (("proxy", scenario.proxy), ("mediation", scenario.mediation)):
        if section is not None:
            used.append((f"{name}.schedule", section.schedule))
    for town, over in t.town_overrides.items():
        for name in ("community_schedule", "village_schedule"):
            if getattr(over, name) is not None:
                used.append((f"teams.town_overrides.{key_text(town)}.{name}", getattr(over, name)))
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
    _check_team_skills(bad, scenario)
    offered = set(t.village_skills)
    for _, kind in team_kinds(scenario):
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


def _check_team_skills(bad, scenario: Scenario) -> None:
    """No skill a team lists may be empty (a skill no catalogue item needs is a warning:
    :func:`sim.config.scenario_warnings.scenario_warnings`)."""
    for path, skills in team_skill_lists(scenario):
        for k, skill in enumerate(skills):
            if not skill.strip():
                bad(f"{path}[{k}]", "is empty; expected a skill of the catalogue's items")


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


def named_kinds(scenario: Scenario) -> list[tuple[str, str]]:
    """(level, name) of every named team kind: the county center and ``teams.centers``
    (level county), ``teams.subcenters`` and ``teams.professional``."""
    t = scenario.teams
    kinds = [("county", k.name) for k in [t.county, *t.centers]]
    kinds += [("subcenter", k.name) for k in t.subcenters] + [
        ("professional", k.name) for k in t.professional
    ]
    return [(level, name) for level, name in kinds if name.strip()]


def designation_names(scenario: Scenario) -> list[str]:
    """What ``events[].delivery.designated`` may name: the keywords, then the named team kinds,
    by name and as ``level:name`` (which a name given at two levels needs)."""
    kinds = named_kinds(scenario)
    return [
        "callups",
        "town",
        "village",
        *dict.fromkeys(name for _, name in kinds),
        *dict.fromkeys(f"{level}:{name}" for level, name in kinds),
    ]


def _check_deliveries(bad, scenario: Scenario) -> None:
    """An event's ``delivery``: batched items deliverable, designated teams that exist."""
    names = designation_names(scenario)
    kinds = named_kinds(scenario)
    shown = ["callups", "town", "village", *dict.fromkeys(name for _, name in kinds)]  # (no level:name)
    for k, event in enumerate(scenario.events):
        delivery = event.delivery
        if delivery is None:
            continue
        path = f"events[{k}].delivery"
        _check_items_named(bad, scenario, f"{path}.items", delivery.items, "a batch can deliver")
        if delivery.mode != "batched":
            continue  # (who is designated matters only to batches; per_order ignores it)
        for j, entry in enumerate(delivery.designated):
            levels = sorted({level for level, name in kinds if name == entry})
            if entry not in names:
                bad(
                    f"{path}.designated[{j}]",
                    f"unknown team kind {entry!r}; expected one of {', '.join(shown)} (a kind's name "
                    "may be written level:name)",
                )
            elif len(levels) > 1:  # (it would designate the kinds of every level)
                bad(
                    f"{path}.designated[{j}]",
                    f"{entry!r} names a team kind at {len(levels)} levels; expected one of "
                    + ", ".join(f"'{level}:{entry}'" for level in levels),
                )
            elif entry == "callups" and not event.callups:
                bad(
                    f"{path}.designated[{j}]",
                    f"'callups' (the default when not given) but events[{k}] has no call-ups; expected "
                    f"events[{k}].callups, or {path}.designated naming another team kind",
                )
        if not delivery.designated:
            bad(
                f"{path}.designated",
                "is empty; expected who may deliver the batches (e.g. [callups])",
            )
