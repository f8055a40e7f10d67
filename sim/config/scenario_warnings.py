"""Warnings about a valid scenario whose settings are suspicious: part of the service never
happens (no orders, nobody showing up, no alert accepted, an event after the run's end) or could
never be served (items only teams never on duty offer, professional items no administrator
reviews, teams whose schedule is never on duty, call-ups never on duty in their event, batches
no call-up could crew, items needing more volunteers than any team has). ``run.py validate``
prints them and exits 0.

:func:`sim.config.load.load_scenario` collects them when asked for warnings.
"""

from __future__ import annotations

import dataclasses
import math

from sim.config.check_helpers import team_kinds, team_skill_lists
from sim.config.errors import Problem, closest
from sim.config.scenario import Scenario


def scenario_warnings(scenario: Scenario) -> list[Problem]:
    """Valid but suspicious settings: items only teams that are never on duty could serve."""
    out: list[Problem] = []
    t = scenario.teams

    def on_duty(schedule: str) -> bool:
        spec = scenario.schedules.get(schedule)
        return spec is not None and any(share for day in spec.week() for share in day)

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
    for _, kind in team_kinds(scenario):
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
    out += _nothing_happens(scenario)
    out += _never_on_duty(scenario, on_duty)
    out += _crews_too_small(scenario)
    out += _callups_off_the_hour(scenario)
    out += _callups_never_on_duty(scenario)
    out += _too_few_members(scenario)
    out += _ignored_pairing_settings(scenario)
    out += _misspelt_skills(scenario)
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


def _nothing_happens(scenario: Scenario) -> list[Problem]:
    """Warnings for settings under which a whole part of the service never happens: no
    catalogue order placed, nobody ever showing up, no alert ever accepted, a surge event that
    starts after the run ends. Each is a valid what-if, but a typo gives the same numbers."""
    out = []

    def warn(path: str, what: str) -> None:
        out.append(Problem(scenario.source, None, path, f"warning: {what}"))

    if scenario.demand.orders_per_1000_per_day == 0:
        warn(
            "demand.orders_per_1000_per_day",
            "0: no catalogue order is ever placed, so the zone promises have nothing to judge",
        )
    if scenario.teams.show_up == 0:
        warn("teams.show_up", "0: no scheduled member ever shows up, so no team is ever on duty")
    alerts = scenario.dispatch.alerts
    if alerts is not None and alerts.accept_probability == 0:
        warn(
            "dispatch.alerts.accept_probability",
            "0: no alerted volunteer ever accepts, so every order waits until its citizen gives up",
        )
    run = scenario.run
    end = run.warmup_days + run.days + run.drain_days
    for k, event in enumerate(scenario.events):
        if event.start_day >= end:
            warn(
                f"events[{k}].start_day",
                f"{event.start_day:g} is at or after the run's end (day {end:g}: warm-up, measured "
                "days and drain), so the event never happens",
            )
    return out


def _never_on_duty(scenario: Scenario, on_duty) -> list[Problem]:
    """Warnings for kinds of team that exist but are never on duty: orders skip their tier."""
    out = []
    for path, kind in team_kinds(scenario):
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


def _callups_off_the_hour(scenario: Scenario) -> list[Problem]:
    """Warnings for events with call-ups whose start or end is not on the hour: the roster
    changes on the hour, so the call-ups serve the whole hours that start inside the event."""
    out = []
    for k, event in enumerate(scenario.events):
        start, end = event.start_day * 24.0, (event.start_day + event.days) * 24.0
        if event.callups and not (start.is_integer() and end.is_integer()):
            first, last = math.ceil(start), math.ceil(end)
            out.append(
                Problem(
                    scenario.source,
                    None,
                    f"events[{k}].start_day",
                    f"warning: the event runs from hour {start:g} to hour {end:g} of the run, off the "
                    f"hour; its call-ups are on duty from hour {first} to hour {last} (the duty roster "
                    "changes on the hour)",
                )
            )
    return out


def _callups_never_on_duty(scenario: Scenario) -> list[Problem]:
    """Warnings for call-ups whose band of hours never falls in a whole hour of their event
    (e.g. hours [8, 20] in an event from 20:00 to 06:00): they would never serve, and their
    skills never count in their town's scope (docs/model.md)."""
    out = []
    for k, event in enumerate(scenario.events):
        start, end = event.start_day * 24.0, (event.start_day + event.days) * 24.0
        hours_of_day = {h % 24 for h in range(math.ceil(start), math.ceil(end))}
        for j, callup in enumerate(event.callups):
            first, last = callup.hours
            band = range(first, last) if first <= last else [*range(first, 24), *range(last)]
            if callup.volunteers > 0 and not hours_of_day.intersection(band):
                out.append(
                    Problem(
                        scenario.source,
                        None,
                        f"events[{k}].callups[{j}].hours",
                        f"warning: hours {first}-{last} never fall inside the event (hour {start:g} to "
                        f"hour {end:g} of the run); these call-ups are never on duty",
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
    for _, kind in team_kinds(scenario):
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


# the pairing settings each strategy reads beyond its file (sim.world.pairing)
PAIRING_SETTINGS = {
    "villages": ("nearest", "need", "optimal"),
    "reach_min": ("need", "optimal"),
    "pilot_days": ("need", "optimal"),
}


def _ignored_pairing_settings(scenario: Scenario) -> list[Problem]:
    """A pairing setting changed from its default that the chosen strategy does not read (e.g.
    ``villages: 150`` with ``strategy: listed``, which pairs the CSV's villages as listed): the
    run would silently be the default's."""
    pairing = scenario.pairing
    defaults = {f.name: f.default for f in dataclasses.fields(pairing)}
    out = []
    for key, strategies in PAIRING_SETTINGS.items():
        value = getattr(pairing, key)
        if pairing.strategy not in strategies and value != defaults[key]:
            out.append(
                Problem(
                    scenario.source,
                    None,
                    f"pairing.{key}",
                    f"warning: is {value:g} but strategy {pairing.strategy!r} does not read it (only "
                    f"{', '.join(strategies)} do); the run is the same as without it",
                )
            )
    return out


def _misspelt_skills(scenario: Scenario) -> list[Problem]:
    """A skill a team lists that no catalogue item needs but that is spelt like one that does
    (``houshold`` for ``household``, ``Errand`` for ``errand``): those teams would not serve
    the orders meant for them, which would escalate or wait with no word. A skill unlike any
    the catalogue needs is left alone: a catalogue narrowed on purpose (a study of errands
    alone) leaves the teams' other skills unused, harmlessly."""
    needed = sorted({item.skill for item in scenario.catalog if item.skill.strip()})
    out = []
    for path, skills in team_skill_lists(scenario):
        for k, skill in enumerate(skills):
            close = closest(skill, needed) if skill.strip() and skill not in needed else None
            if close is not None:
                out.append(
                    Problem(
                        scenario.source,
                        None,
                        f"{path}[{k}]",
                        f"warning: no catalogue item needs skill {skill!r}; did you mean {close!r}?",
                    )
                )
    return out
