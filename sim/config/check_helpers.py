"""Small helpers shared by the scenario checks (:mod:`.validate`, :mod:`.channel_checks`,
:mod:`.data_checks`) and the warnings (:mod:`.scenario_warnings`): every kind of team with its
own skills and schedule, and the checks of a distribution and of a time of day.

A check reports through ``bad(path, message)``, the callback :func:`sim.config.validate.check`
passes down, which turns each report into a :class:`~sim.config.errors.Problem`.
"""

from __future__ import annotations

from sim.config import distributions
from sim.config.channels import PairedKind
from sim.config.scenario import Scenario
from sim.config.spec import Dist
from sim.config.teams import TeamKind
from sim.config.yaml_read import key_text
from sim.world.geography import parse_clock


def team_kinds(scenario: Scenario) -> list[tuple[str, TeamKind | PairedKind]]:
    """(path, kind) of every kind of team with its own skills and schedule (paired kinds only
    when villages are paired)."""
    t = scenario.teams
    kinds: list[tuple[str, TeamKind | PairedKind]] = [("teams.town", t.town), ("teams.county", t.county)]
    kinds += [(f"teams.centers[{k}]", s) for k, s in enumerate(t.centers)]
    kinds += [(f"teams.subcenters[{k}]", s) for k, s in enumerate(t.subcenters)]
    kinds += [(f"teams.professional[{k}]", s) for k, s in enumerate(t.professional)]
    if scenario.pairing.strategy != "none":
        kinds += [(f"pairing.kinds.{key_text(name)}", s) for name, s in scenario.pairing.kinds.items()]
    return kinds


def team_skill_lists(scenario: Scenario) -> list[tuple[str, list[str]]]:
    """(path, skills) of every list of skills the scenario's teams offer: the village teams',
    each kind's (:func:`team_kinds`), the additions' and the events' call-ups'. (The proxy
    points' and mediation rooms' one skill is their channel's own.)"""
    t = scenario.teams
    lists = [("teams.village_skills", t.village_skills)]
    lists += [(f"{path}.skills", kind.skills) for path, kind in team_kinds(scenario)]
    lists += [(f"teams.additions[{k}].skills", a.skills) for k, a in enumerate(t.additions)]
    lists += [
        (f"events[{k}].callups[{j}].skills", a.skills)
        for k, e in enumerate(scenario.events)
        for j, a in enumerate(e.callups)
    ]
    return lists


def check_dist(bad, path: str, dist: Dist) -> None:
    """Report through ``bad`` a distribution whose parameters cannot be sampled (at its
    ``high`` for a uniform, else its ``mean``)."""
    why = distributions.check(dist)
    if why:
        bad(f"{path}.{'high' if dist.kind == 'uniform' else 'mean'}", why)


def check_clock(bad, path: str, text: str) -> float | None:
    """Minutes after midnight of an HH:MM time of day, or None after reporting it through
    ``bad`` when it is not one."""
    try:
        return parse_clock(text)
    except (ValueError, AttributeError):
        shown = repr(text) if isinstance(text, str) else str(text)
        bad(path, f"{shown[:30]} is not a time of day; expected HH:MM between 00:00 and 24:00")
        return None
