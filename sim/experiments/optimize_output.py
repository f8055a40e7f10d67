"""What ``run.py optimize`` prints and saves: the target KPIs' tables (estimate, 95% interval
and verdict, and the confirmation's paired difference), the one line saying why the search
stopped (with the levers docs/policies.md gives when extra volunteers at the town seats stop
helping, for a town target its town's, and what a budget spent and left), and the plan as a
scenario variant whose comment lines say what was asked and what the confirmation found
(:mod:`sim.cli.commands.optimize` runs the search, :mod:`sim.experiments.optimize`)."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import yaml

from sim.experiments.compare_output import VERDICT_WORDS as DIFFERENCE_WORDS
from sim.experiments.optimize import Search, plan_hours, with_plan
from sim.experiments.optimize_confirm import Confirmation, Confirmed
from sim.experiments.optimize_stop import CONFIRM_CHANCE, clears, confirmation_margin
from sim.experiments.optimize_targets import (
    OVERNIGHT_TARGETS,
    TARGET_BANDS,
    target_zones,
    town_target,
)
from sim.reporting.formatting import difference_text, hours_text, plural, target_number
from sim.reporting.kpi_summary import VERDICT_WORDS
from sim.results.kpi_catalogue import kpi_info
from sim.results.promises import band_hours

# what docs/policies.md gives as the lever for a target when volunteers at the town seats (the
# only thing optimize places) stop helping
LEVERS = {
    "urban_10min": "more volunteers on call in the village teams (teams.village_scale)",
    "rural_same_day": "the village hold before a rural order escalates (dispatch.timeouts_min)",
    # a band of the day: the village and community volunteers on call in its hours, whose
    # rosters may have none then (the default's have none at night)
    **{
        name: f"more volunteers on call in the urban villages and communities {band_hours(band)} "
        "(their rosters: teams.village_schedule, teams.community_schedule; teams.village_scale "
        "scales the members on them)"
        for name, band in TARGET_BANDS.items()
    },
    "urban_10min_acceptance": "more volunteers on call in the village teams (teams.village_scale)",
    # (the arrival adds the turnout and the trip to the acceptance: a volunteer on call in the
    # order's own community has the shortest trip)
    "urban_10min_arrival": "more volunteers on call in the urban villages and communities, near "
    "the orders (teams.village_scale; their rosters: teams.community_schedule)",
    # (an order placed too late to be served by midnight misses whatever the staffing)
    "rural_by_midnight": "the village hold before a rural order escalates (dispatch.timeouts_min) "
    "and the village teams' evening rosters (teams.village_schedule)",
}
# (the administrator's hours are not one: a reviewer is on call after hours, and the reviewed
# professional orders open at midnight wait for an organisation's member, whose office roster
# has ended: on the default, organisations on duty to 22:00 cut them by 8.8 per 1,000 [7.6,
# 10.0], the administrator's office to 22:00 by nothing significant)
OVERNIGHT_LEVER = (
    "the village hold (dispatch.timeouts_min), the professional organisations' duty hours "
    "(teams.professional[].schedule) and the cut-off (targets.same_day_cutoff)"
)


def town_lever(name: str, zones: tuple[int, ...]) -> str:
    """The lever docs/policies.md gives for a town target (``town.<pinyin>.<part>``) when extra
    volunteers at its seat stop helping: for its urban orders, more volunteers on call in the
    town's own village and community teams (``teams.town_overrides``; for a band, on its
    rosters in the band's hours); for its rural orders, the village hold, a county-wide rule.
    ``zones``: the zones of the town's places (a ``compliance`` target judges them all)."""
    town, part = town_target(name)
    mine = f"teams.town_overrides.{town}"
    band = TARGET_BANDS.get(part)
    if band is not None:
        return (
            f"more volunteers on call in {town}'s urban villages and communities {band_hours(band)} "
            f"(its rosters: {mine}.village_schedule, {mine}.community_schedule; "
            f"{mine}.village_members_per_1000 adds members on them)"
        )
    urban = f"more volunteers on call in {town}'s village teams ({mine}.village_members_per_1000)"
    rural = "the village hold before a rural order escalates (dispatch.timeouts_min, county-wide)"
    judged = [z for z in target_zones(name) if z in zones]
    if judged == [0, 1]:
        return f"its urban orders, {urban}; its rural orders, {rural}"
    return urban if judged == [0] else rural


def lever_text(name: str, towns: dict[str, tuple[int, ...]]) -> str:
    """The lever the stop line gives for a target missed where extra volunteers at the town
    seats stop helping (``towns``: the zones of each targeted town's places)."""
    if name in OVERNIGHT_TARGETS:
        return OVERNIGHT_LEVER
    town = town_target(name)
    return town_lever(name, towns.get(town[0], (0, 1))) if town else LEVERS[name]


def value_text(name: str, x: float) -> str:
    """A target KPI's value in its unit: a share in percent, a count with one decimal."""
    return f"{x:.1%}" if kpi_info(name)[1] == "share" else f"{x:.1f}"


def interval_text(name: str, s: dict) -> str:
    """A target KPI's estimate and 95% interval: ``94.6% [93.2%, 95.8%]``; with fewer than 2
    replications there is no interval: ``100.0% (1 replication)``, as ``run`` prints it."""
    if s["n"] < 2:
        return f"{value_text(name, s['mean'])} ({plural(s['n'], 'replication')})"
    return f"{value_text(name, s['mean'])} [{value_text(name, s['low'])}, {value_text(name, s['high'])}]"


def estimate_text(name: str, s: dict) -> str:
    """A target KPI's estimate, 95% interval and verdict against its target:
    ``94.6% [93.2%, 95.8%] (uncertain)``."""
    return f"{interval_text(name, s)} ({VERDICT_WORDS[s['verdict']]})"


def kpi_rows(
    evaluations: list[tuple[str, dict]],
    targets: dict[str, tuple[str, float]],
    differences: dict[str, dict] | None = None,
) -> str:
    """The target KPIs of each evaluation as a table, a row per KPI named by its key as in
    compare (estimate, interval, verdict), and with ``differences`` (:class:`Confirmation`'s)
    the paired difference and its verdict."""
    head = ["KPI", "target"] + [name for name, _ in evaluations]
    if differences is not None:
        head += ["with - without the plan (paired, 95% CI)", "verdict"]
    rows = [head]
    for k, (op, t) in targets.items():
        unit = "" if kpi_info(k)[1] == "share" else f" {kpi_info(k)[1]}"
        row = [k, f"{op} {target_number(t, kpi_info(k)[1])}{unit}"] + [
            estimate_text(k, s[k]) for _, s in evaluations
        ]
        if differences is not None:
            d = differences[k]
            row += [
                difference_text(d["mean"], d["low"], d["high"], kpi_info(k)[1]),
                DIFFERENCE_WORDS[d["verdict"]],
            ]
        rows.append(row)
    widths = [max(len(r[i]) for r in rows) for i in range(len(head))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def budget_text(search: Search) -> str:
    """What the plan spent of the budget and what is left, as a sentence ("" without one)."""
    if search.budget is None:
        return ""
    text = f" Budget: {search.spent} of {hours_text(search.budget)} volunteer-hours a week spent, "
    text += f"{hours_text(search.left)} left unspent"
    if search.stopped == "met":
        text += " (the targets need no more; a stricter --target asks what more would buy)"
    return text + "."


def seeds_text(seeds: list[tuple[int, int]]) -> str:
    """The search seeds as the tables name them: ``seed 11, 6 replications``, or with failed
    confirmations' replications joined (:func:`sim.experiments.optimize_confirm.resume`) ``seeds 11 and
    1000014, 6 + 6 replications (the root seed's, then each failed confirmation's)``."""
    if len(seeds) == 1:
        return f"seed {seeds[0][0]}, {plural(seeds[0][1], 'replication')}"
    roots = ", ".join(str(s) for s, _ in seeds[:-1]) + f" and {seeds[-1][0]}"
    counts = " + ".join(str(n) for _, n in seeds)
    return f"seeds {roots}, {counts} replications (the root seed's, then each failed confirmation's)"


def short_text(search: Search, targets: dict[str, tuple[str, float]]) -> str:
    """A sentence for the targets met on the search seeds but short of the margin a
    confirmation needs (:func:`sim.experiments.optimize_stop.clears`), "" when there are none."""
    summary, reps = search.final.summary, search.confirm_reps
    short = [
        k
        for k, (op, t) in targets.items()
        if summary[k]["verdict"] == "met" and not clears(summary, k, op, t, reps)
    ]
    if not short:
        return ""
    beyond = ", ".join(
        f"{k} {value_text(k, confirmation_margin(summary[k], k, targets[k][0], reps))}" for k in short
    )
    return (
        f" {' and '.join(short)}: met on the search seeds, but its interval's end is not beyond the "
        f"target by the margin a confirmation of {plural(reps, 'replication')} needs to meet it with "
        f"a {CONFIRM_CHANCE:.0%} chance ({beyond}); a larger --confirm-reps needs a smaller margin."
    )


def stop_line(search: Search, targets: dict[str, tuple[str, float]], max_steps: int) -> str:
    """Why the search stopped, in one line: every target met on the search seeds, no move of
    the last round showing an improvement on the search seeds (its paired 95% interval wholly
    on the improving side; when some moves gained without showing it, more replications
    resolve smaller effects; with the levers docs/policies.md gives for the targets still
    missed, which optimize cannot place), the step limit, or no move fitting in what is left
    of the budget; with a budget, what the plan spent of it and what is left."""
    moves = plural(len(search.steps), "move")
    missed = [k for k in targets if search.final.summary[k]["verdict"] != "met"]
    if search.stopped == "met":
        if not search.steps:
            return (
                "Stopped at once: every target met on the search seeds without extra volunteers."
                + budget_text(search)
            )
        return f"Stopped with every target met on the search seeds after {moves}." + budget_text(search)
    if search.stopped == "max steps":
        return (
            f"Stopped at the step limit (--max-steps {max_steps}) with the targets not met on "
            "the search seeds; a larger --max-steps searches on."
            + short_text(search, targets)
            + budget_text(search)
        )
    where = (
        f"with {' and '.join(missed)} not met there"
        if missed
        else "with every target met there, not all by the confirmation's margin"
    )
    if search.stopped == "budget":
        return (
            f"Stopped after {moves}: no move at the misses left fits in the {hours_text(search.left)} "
            f"volunteer-hours a week left of the budget ({search.spent} of {hours_text(search.budget)} "
            f"spent; the cheapest such move takes {search.cheapest}), "
            f"{where.replace(' there', ' on the search seeds')}." + short_text(search, targets)
        )
    if search.tried:
        tried = (
            f"none of the {plural(search.tried, 'move')} tried in the last round showed an improvement "
            f"on the search seeds (paired 95% interval), {where}."
        )
        if search.unshown:
            reps = sum(n for _, n in search.seeds)
            some = "it" if search.tried == 1 else f"{search.unshown} of them"
            tried += (
                f" {some[0].upper()}{some[1:]} raised a target's estimate by less than "
                f"{plural(reps, 'replication')} can tell from noise, and no volunteer is bought "
                "for an effect the run cannot show; more replications (--reps) resolve smaller "
                "effects."
            )
    else:
        tried = f"no miss of the targets was left to place a move at on the search seeds, {where}."
    text = f"Stopped after {moves}: {tried}" + short_text(search, targets)
    # a target whose estimate is on its side already, its interval spanning it, when no move
    # brings that interval's end nearer: more replications decide it, not a lever
    summary = search.final.summary
    few = [k for k in missed if summary[k]["n"] < 2]  # no interval to judge: no verdict yet
    past = [k for k in missed if k not in few and estimate_past_target(summary[k], *targets[k])]
    short = [k for k in missed if k not in few and k not in past]
    if few:
        text += (
            f" {' and '.join(few)}: fewer than 2 replications had its orders, so it has no "
            "interval and no verdict: more replications (--reps) or days (--days) would give one."
        )
    if past:
        text += (
            f" {' and '.join(past)}: the estimate is on the target's side but its interval "
            "still spans the target; more replications (--reps, and --confirm-reps for the "
            "confirmation) would tell whether the plan meets it, or what it still lacks."
        )
    if short:
        levers = [f"{k}: {lever_text(k, search.towns)}" for k in short]
        text += (
            " optimize places only extra volunteers at the town seats (teams.additions); "
            "where they stop helping, docs/policies.md gives levers optimize cannot place: "
            + "; ".join(levers)
            + "."
        )
    return text + budget_text(search)


def estimate_past_target(summary: dict, op: str, target: float) -> bool:
    """Whether a target KPI's estimate (``summary["mean"]``) lies on the target's side: at or
    above a ``>=`` target, at or below a ``<=`` one."""
    mean = summary["mean"]
    return mean >= target if op == ">=" else mean <= target


def confirmations_text(done: Confirmed) -> str:
    """What the confirmations before the last found, a line each (the plan confirmed, its
    hours, each target's estimate and verdict on that confirmation's seeds), and why no
    further one ran after the last failed: the output says on which seeds each plan was
    confirmed, and that the final plan is the one a search with the failures' replications
    found. "" for a single confirmation that passed, or ran after a search that did not clear."""
    lines = []
    targets = done.search.targets
    for i, (seed, c) in enumerate(done.confirmations[:-1], 1):
        found = ", ".join(f"{k} {estimate_text(k, c.plan.summary[k])}" for k in targets)
        lines.append(
            f"Confirmation {i} (seed {seed}, {plural(len(c.plan.results), 'replication')}) of the plan of "
            f"{plan_hours(c.plan.plan)} extra volunteer-hours a week: {found}; not every target met, so its "
            "replications joined the search seeds and the search went on from that plan."
        )
    n = len(done.confirmations)
    if done.ended == "limit" and done.limit > 1:
        lines.append(
            f"The plan failed confirmation {n}, the last of the --confirmations {done.limit} allowed: "
            "a larger --confirmations searches on."
        )
    elif done.ended == "same plan":
        lines.append(
            f"The plan failed confirmation {n}; with its replications joined to the search seeds the "
            "search added no move (the stop line says why), so the plan is the one it failed."
        )
    if lines and n > 1 and done.met:
        lines.append(
            f"The plan met every target in confirmation {n}, on seeds no search chose it on; each "
            "confirmation run is a chance for a plan just short of a target to pass by luck "
            "(about 2.5% each)."
        )
    return "\n".join(lines)


def confirmation_comment(
    confirmed: Confirmation,
    targets: dict[str, tuple[str, float]],
    reps: int,
    seed: int,
    done: Confirmed | None = None,
) -> str:
    """The confirmation run's estimate of each target KPI, with its 95% interval and verdict,
    and, with a plan, each one's paired difference from the scenario without the plan on the
    same seeds (95% interval and verdict), as YAML comment lines: the plan file says what it
    was shown to achieve, and what it was shown to add; with ``done``, which confirmation it
    was and what the ones before it found (:func:`confirmations_text`)."""
    lines = []
    if done is not None and len(done.confirmations) > 1:  # (the earlier ones, and why more ran)
        lines += [f"# {line}\n" for line in confirmations_text(done).splitlines()]
    several = done is not None and len(done.confirmations) > 1
    run = f"confirmation {len(done.confirmations)}, " if several else ""
    lines.append(f"# Confirmation run ({run}{plural(reps, 'replication')}, seed {seed}):\n")
    for k, (op, t) in targets.items():
        s = confirmed.plan.summary[k]
        unit = "" if kpi_info(k)[1] == "share" else f" {kpi_info(k)[1]}"
        against = f"{op} {target_number(t, kpi_info(k)[1])}{unit}"
        lines.append(
            f"#   {k}: {interval_text(k, s)}{unit} against {against}: {VERDICT_WORDS[s['verdict']]}\n"
        )
    if confirmed.plan.plan:
        lines.append(
            "# The plan minus the scenario without it on the same seeds, replication by "
            "replication (paired difference, 95% CI):\n"
        )
        for k in targets:
            d, s = confirmed.differences[k], confirmed.base.summary[k]
            kind = kpi_info(k)[1]
            unit = "" if kind == "share" else f" {kind}"
            lines.append(
                f"#   difference in {k}: {difference_text(d['mean'], d['low'], d['high'], kind)}: "
                f"{DIFFERENCE_WORDS[d['verdict']]} (without the plan: {interval_text(k, s)}{unit}, "
                f"{VERDICT_WORDS[s['verdict']]})\n"
            )
    return "".join(lines)


def variant_yaml(
    scenario,
    path: Path,
    out: Path,
    plan,
    hours: int,
    targets,
    confirmed: str = "",
    budget: float | None = None,
) -> str:
    """The plan as a scenario variant extending the original (relative path); ``confirmed``:
    comment lines on what the confirmation run found (:func:`confirmation_comment`);
    ``budget``: the extra volunteer-hours a week the search could place, which its question,
    a comment line and its description name with what the plan spent of it."""
    parent = os.path.relpath(Path(path).resolve(), out.parent.resolve())
    additions = [dataclasses.asdict(a) for a in with_plan(scenario, plan).teams.additions]
    for a in additions:
        if not a["skills"]:
            del a["skills"]
    body = {
        "extends": parent,
        "name": f"{scenario.name}_optimized",
        "description": f"{scenario.name} with {hours} extra volunteer-hours a week "
        + (f"(of a budget of {hours_text(budget)}) " if budget is not None else "")
        + "found by "
        "`run.py optimize` for " + ", ".join(f"{k} {op} {t:g}" for k, (op, t) in targets.items()),
        "teams": {"additions": additions},
    }
    wanted = " and ".join(f"{k} {op} {t:g}" for k, (op, t) in targets.items())
    if budget is None:
        question = (
            f"# Question: which extra on-duty volunteers (town, hours) meet {wanted} with 95% "
            "confidence at the least volunteer-hours?\n"
        )
    else:
        question = (
            f"# Question: where do {hours_text(budget)} extra volunteer-hours a week (town, hours) "
            f"help most towards {wanted}, and what do they buy?\n"
            f"# Budget: {hours_text(budget)} volunteer-hours a week; the plan spends {hours}, "
            f"{hours_text(budget - hours)} left unspent.\n"
        )
    text = yaml.safe_dump(body, allow_unicode=True, sort_keys=False, default_flow_style=None)
    return question + confirmed + text
