"""Checks that need the whole scenario: cross-references, sums, distributions, clock times.

:func:`load_scenario` is the one entry point from a file to a valid :class:`Scenario`: read
(safely, with ``extends:``), convert with types and ranges, then these checks; every problem in
the file is reported together, before any simulation starts.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from sim import distributions
from sim.errors import Problem, UserError
from sim.gate import expect_problems
from sim.geography import parse_clock, read_towns
from sim.loader import convert, resolve_extends
from sim.scenario import TEAM_LEVELS, ZONES, Dist, Scenario


def load_scenario(path: str | Path) -> Scenario:
    """Read, convert and check a scenario file; raise UserError listing every problem."""
    path = Path(path)
    data = resolve_extends(path)
    scenario, problems = convert(data, str(path))
    scenario = dataclasses.replace(scenario, base_dir=str(path.parent.resolve()),
                                   source=str(path))
    line_of = getattr(data, "key_lines", {})
    problems += [dataclasses.replace(p, line=p.line or line_of.get(p.path.split(".")[0]))
                 for p in check(scenario)]
    if problems:
        raise UserError(problems)
    return scenario


def check(scenario: Scenario) -> list[Problem]:
    """Problems a typed conversion cannot see (file named by ``scenario.source``)."""
    out: list[Problem] = []
    src = scenario.source

    def bad(path: str, message: str) -> None:
        out.append(Problem(src, None, path, message))

    items = scenario.catalog
    if not items:
        bad("catalog", "is empty; expected at least one service item")
    share = sum(i.share for i in items)
    if items and abs(share - 1.0) > 1e-3:
        bad("catalog", f"shares sum to {share:.4f}; expected 1 (within 0.001)")
    ids = [i.id for i in items]
    for k, item in enumerate(items):
        if not item.id or ids.count(item.id) > 1:
            bad(f"catalog[{k}].id", f"{item.id!r} is empty or repeated; expected a unique id")
        _dist(bad, f"catalog[{k}].service", item.service)
    for zone in ZONES:
        if zone not in scenario.demand.patience:
            bad("demand.patience", f"missing zone {zone!r}; expected urban and rural")
        else:
            _dist(bad, f"demand.patience.{zone}", scenario.demand.patience[zone])
        if zone not in scenario.dispatch.timeouts_min:
            bad("dispatch.timeouts_min", f"missing zone {zone!r}; expected urban and rural")
    for key in scenario.demand.patience:
        if key not in ZONES:
            bad(f"demand.patience.{key}", "unknown zone; expected urban or rural")
    for key in scenario.dispatch.timeouts_min:
        if key not in ZONES:
            bad(f"dispatch.timeouts_min.{key}", "unknown zone; expected urban or rural")
    _dist(bad, "demand.acceptance_delay", scenario.demand.acceptance_delay)
    _dist(bad, "admin.review", scenario.admin.review)
    _dist(bad, "activities.participants", scenario.activities.participants)
    _dist(bad, "activities.duration", scenario.activities.duration)
    for path, text in [("targets.same_day_cutoff", scenario.targets.same_day_cutoff),
                       ("targets.day_end", scenario.targets.day_end)]:
        _clock(bad, path, text)
    for k, pair in enumerate(scenario.admin.office_hours):
        if len(pair) != 2:
            bad(f"admin.office_hours[{k}]", "expected [start, end] as two HH:MM times")
            continue
        a, b = (_clock(bad, f"admin.office_hours[{k}]", t) for t in pair)
        if a is not None and b is not None and a >= b:
            bad(f"admin.office_hours[{k}]", "start is not before end; expected [start, end]")
    for hour in scenario.activities.start_hours:
        if not 0 <= hour <= 23:
            bad("activities.start_hours", f"{hour} is not an hour; expected 0..23")
    for level in scenario.activities.levels:
        if level not in TEAM_LEVELS:
            bad("activities.levels", f"unknown level {level!r}; expected one of "
                f"{', '.join(TEAM_LEVELS)}")
    # schedules and skills
    t = scenario.teams
    used = [("teams.community_schedule", t.community_schedule),
            ("teams.village_schedule", t.village_schedule), ("teams.town.schedule", t.town.schedule),
            ("teams.county.schedule", t.county.schedule)]
    used += [(f"teams.subcenters[{k}].schedule", s.schedule) for k, s in enumerate(t.subcenters)]
    used += [(f"teams.professional[{k}].schedule", s.schedule)
             for k, s in enumerate(t.professional)]
    used += [(f"pairing.kinds.{name}.schedule", s.schedule)
             for name, s in scenario.pairing.kinds.items()]
    for path, name in used:
        if name not in scenario.schedules:
            bad(path, f"unknown schedule {name!r}; expected one of "
                f"{', '.join(sorted(scenario.schedules)) or '(none defined)'}")
    offered = set(t.village_skills) | set(t.town.skills) | set(t.county.skills)
    for kind in [*t.subcenters, *t.professional, *scenario.pairing.kinds.values()]:
        offered |= set(kind.skills)
    for k, item in enumerate(items):
        if item.skill not in offered:
            bad(f"catalog[{k}].skill", f"no team offers skill {item.skill!r}; expected a skill "
                "some team has (the item could never be served)")
    out += expect_problems(scenario)
    if scenario.pairing.strategy == "listed" and not scenario.pairing.file:
        bad("pairing.file", "strategy 'listed' needs a CSV file; expected a path")
    # towns named in the scenario must exist
    try:
        rows, _ = read_towns(scenario.geography)
    except UserError as exc:
        return out + exc.problems
    known = {r["pinyin"].lower() for r in rows} | {r["name"] for r in rows}
    named = [("geography.urban_towns", x) for x in scenario.geography.urban_towns]
    named.append(("geography.county_seat_town", scenario.geography.county_seat_town))
    named += [(f"teams.subcenters[{k}].home_town", s.home_town)
              for k, s in enumerate(t.subcenters) if s.home_town]
    named += [(f"teams.professional[{k}].home_town", s.home_town)
              for k, s in enumerate(t.professional) if s.home_town]
    named += [("geography.terrain", x) for x in scenario.geography.terrain]
    ferry = scenario.geography.travel.ferry
    if ferry is not None:
        named += [("geography.travel.ferry.island_towns", x) for x in ferry.island_towns]
        named.append(("geography.travel.ferry.port_town", ferry.port_town))
        if not ferry.departures:
            bad("geography.travel.ferry.departures", "is empty; expected at least one HH:MM")
        for d in ferry.departures:
            _clock(bad, "geography.travel.ferry.departures", d)
    for path, town in named:
        if town.lower() not in known and town not in known:
            bad(path, f"unknown town {town!r}; expected a town of the towns CSV")
    return out


def _dist(bad, path: str, dist: Dist) -> None:
    why = distributions.check(dist)
    if why:
        bad(path, why)


def _clock(bad, path: str, text: str) -> float | None:
    try:
        return parse_clock(text)
    except (ValueError, AttributeError):
        bad(path, f"{text!r} is not a time of day; expected HH:MM between 00:00 and 24:00")
        return None
