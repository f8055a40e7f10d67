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
