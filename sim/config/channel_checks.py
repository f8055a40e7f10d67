"""Checks of the service channels beside the catalogue: proxy points and mediation rooms (their
items, sections and own skill), packages (each names its own package item, at a time of day,
served within its top tier) and the pairing channel's projects (pairing items whose skill
only paired units offer).

:func:`sim.config.validate.check` runs them among the whole-scenario checks.
"""

from __future__ import annotations

from sim.config.channels import mediation_skill
from sim.config.check_helpers import check_clock, check_dist, team_kinds
from sim.config.scenario import Scenario
from sim.config.yaml_read import key_text


def check_packages(bad, scenario: Scenario) -> None:
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
        path = f"packages.kinds.{key_text(name)}"
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
        start = check_clock(bad, f"{path}.start", kind.start)
        if start is not None and start >= 1440:
            bad(f"{path}.start", f"{kind.start!r} is the end of the day; expected a time before 24:00")


def check_projects(bad, scenario: Scenario) -> None:
    """The pairing channel: its projects name pairing items, whose skill only paired units offer
    (so that the village's paired units, and nobody else, deliver them)."""
    channel = {item.id: item.channel for item in scenario.catalog}
    for item_id in scenario.pairing.projects.projects:
        if item_id not in channel:
            bad(
                f"pairing.projects.projects.{key_text(item_id)}",
                "unknown item; expected the id of a catalogue item",
            )
        elif channel[item_id] != "pairing":
            bad(
                f"pairing.projects.projects.{key_text(item_id)}",
                f"is a {channel[item_id]} item; expected an item with channel: pairing",
            )
    for k, event in enumerate(scenario.events):
        for item_id in event.item_mix:
            if channel.get(item_id) == "pairing":
                bad(
                    f"events[{k}].item_mix.{key_text(item_id)}",
                    "is a pairing item; expected a catalogue item (projects come from pairing.projects)",
                )
    t = scenario.teams
    others = [("teams.village_skills", t.village_skills)]
    others += [
        (f"{path}.skills", kind.skills) for path, kind in team_kinds(scenario) if path.startswith("teams.")
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


def check_channels(bad, scenario: Scenario) -> None:
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
        check_dist(bad, "proxy.patience", proxy.patience)
    if rooms is not None:
        skills = {i.skill for i in items if i.channel == "mediation" and not i.professional}
        if len(skills) > 1:
            bad(
                "mediation",
                f"the mediation channel's items need skills {', '.join(sorted(skills))}; expected one "
                "skill (a room's one skill)",
            )
        _own_skill(bad, "mediation", mediation_skill(scenario), "mediation", items)
        check_dist(bad, "mediation.patience", rooms.patience)


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
