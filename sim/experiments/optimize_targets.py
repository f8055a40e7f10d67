"""The targets ``optimize`` searches for, as ``--target`` writes them: which KPIs can be
targeted (the zone promises' shares in each reading, the urban promise in a band of the day,
the orders open overnight, and one town's promises, ``town.<pinyin>.<part>``), in which form
(``KPI=SHARE``, ``KPI>=SHARE``, ``KPI<=X``) and range; a bad target is refused in one line
naming the forms expected, a promise no move of optimize serves (:data:`NOT_TARGETS`) in one
line saying why and what to use instead, a town target naming a town the scenario lacks (or a
zone the town has no places of) once the scenario is loaded (:func:`town_targets`;
:mod:`sim.experiments.optimize` searches).
"""

from __future__ import annotations

import math
import re

import numpy as np

from sim.config.errors import UserError, closest
from sim.results.kpi_catalogue import BAND_KPIS, KPI_INFO
from sim.results.promises import TIME_BANDS
from sim.world.geography import build_places

# the ``>=`` targets: the share KPIs of the zone promises, each the zones of its orders (the
# promise in the reading the scenario counts, by band of the day, and in each reading apart)
TARGET_ZONES = {
    "urban_10min": (0,),
    "rural_same_day": (1,),
    **{name: (0,) for name in BAND_KPIS},
    "urban_10min_acceptance": (0,),
    "urban_10min_arrival": (0,),
    "rural_by_midnight": (1,),
}
# the share targets judged in a reading of their own rather than the one ``urban_10min`` and
# ``rural_same_day`` count: the urban promise at the volunteer's acceptance or arrival
# (:func:`sim.results.promises.zone_verdicts` of that event, whatever
# ``targets.urban_response_event`` is), the rural promise closed by midnight of the day placed
# (:func:`sim.results.promises.midnight_verdicts`, no cut-off); the verdicts of each KPI of that
# name in :func:`sim.results.kpis.counted_kpis`
TARGET_READINGS = {
    "urban_10min_acceptance": "acceptance",
    "urban_10min_arrival": "arrival",
    "rural_by_midnight": "midnight",
}
# the share targets whose misses are located by when they reached their town's queue
# (:func:`sim.experiments.optimize_misses.lever_time`), not when they were placed: due by
# midnight, a miss is answered by a seat volunteer on duty once the order reaches the seat
# (after its village's hold), as the overnight targets' are
QUEUE_LOCATED = {"rural_by_midnight"}
# the share targets of the county alone: no town KPI of that name exists
COUNTY_ONLY = {"rural_by_midnight"}
# the share targets that judge only the orders placed in one band of the day (``urban_10min_night``:
# urban_10min's orders placed 22:00-07:00, :func:`sim.results.promises.time_band`)
TARGET_BANDS = {name: band for name, band in zip(BAND_KPIS, TIME_BANDS)}
# the ``<=`` targets: the KPIs of orders open at their first midnight, each the part of the
# same-day orders it counts (None: all of them; else a key of
# :func:`sim.results.promises.overnight_parts`)
OVERNIGHT_TARGETS: dict[str, str | None] = {
    "open_overnight_per_week": None,
    "open_overnight_per_1000": None,
    "open_overnight_urban_per_1000": "urban",
    "open_overnight_rural_per_1000": "rural",
    "open_overnight_before_cutoff_per_1000": "before_cutoff",
    "open_overnight_after_cutoff_per_1000": "after_cutoff",
}
# the ``>=`` targets of one town, ``town.<pinyin>.<part>`` (the town KPIs of
# :func:`sim.results.kpis.counted_kpis`): each part's zones and band of the day as the county
# target of the same name (``compliance``: every catalogue order of the town, both zones); the
# urban promise in a reading (``urban_10min_arrival``): the town's KPI of that reading, which is
# ``town.<pinyin>.urban_10min`` for the reading the scenario counts (:func:`town_targets`). The
# strict rural reading has no town KPI (:data:`COUNTY_ONLY`).
TOWN_TARGET_ZONES = {
    "compliance": (0, 1),
    **{name: zones for name, zones in TARGET_ZONES.items() if name not in COUNTY_ONLY},
}
TOWN_TARGET = re.compile(r"town\.(.+)\.([^.]+)")
ZONE_WORDS = {0: "urban", 1: "rural"}
# a target: ``KPI>=share``, ``KPI=share`` (the same) or ``KPI<=X`` (a town target's town may be
# its pinyin in any case or its Chinese name)
TARGET_TEXT = re.compile(r"^\s*([^\s<>=]+)\s*(<=|>=|=)\s*(\S.*?)\s*$")
TARGET_FORMS = (
    "expected KPI=SHARE or KPI>=SHARE with KPI one of {share} and 0 <= SHARE <= 1 "
    "(e.g. urban_10min=0.95 or urban_10min_night=0.9), or town.<pinyin>.<part>=SHARE for one town "
    "with part one of {town_parts} (e.g. town.Kunyang.urban_10min=0.95), or KPI<=X with KPI "
    "open_overnight_per_week (orders a week, X >= 0; e.g. open_overnight_per_week<=5) or one of "
    "{per_1000} (0 <= X <= 1000)"
)

# the scenarios' promises (:func:`sim.results.verdict.kpi_targets`) optimize cannot target, each
# with why and what to use instead: their misses wait for others than the volunteers at the
# town seats, the only thing a move of optimize adds (docs/policies.md, "What optimize can and
# cannot target")
NOT_TARGETS = {
    "professional_same_day": (
        "optimize cannot target professional_same_day: its orders wait for the administrator's "
        "review and for a professional organisation's member on duty (admin, "
        "teams.professional[].schedule), not for the volunteers at the town seats, the only "
        "thing optimize adds; compare a variant with the organisations on duty longer instead "
        '(python run.py compare SCENARIO VARIANT.yaml; docs/policies.md, "What optimize can and '
        'cannot target")'
    ),
    "event_on_time": (
        "optimize cannot target event_on_time: a batched event's orders wait for its platform's "
        "collections and the crews of its call-ups (events[].delivery, events[].callups), not "
        "for the volunteers at the town seats, the only thing optimize adds; compare a variant "
        "with other delivery settings or call-ups instead (python run.py compare SCENARIO "
        'VARIANT.yaml; docs/policies.md, "What optimize can and cannot target")'
    ),
}

Targets = dict[str, tuple[str, float]]  # KPI -> (">=" or "<=", threshold in the KPI's unit)


def parse_targets(texts: list[str]) -> Targets:
    """``["urban_10min=0.95", "open_overnight_per_week<=5", ...]`` -> {KPI: (op, threshold)}
    (``=`` is ``>=``); UserError, one line per bad target, naming the forms expected. A town
    target's form and part are checked here, its town by :func:`town_targets` once the scenario
    is loaded."""
    forms = TARGET_FORMS.format(
        share=", ".join(TARGET_ZONES),
        town_parts=", ".join(TOWN_TARGET_ZONES),
        per_1000=", ".join(k for k in OVERNIGHT_TARGETS if k.endswith("_per_1000")),
    )
    out, bad = {}, []
    for text in texts:
        m = TARGET_TEXT.match(text)
        name, op, value = m.groups() if m else ("", "", "")
        op = ">=" if op == "=" else op
        try:
            threshold = float(value)
        except ValueError:
            threshold = math.nan
        why = _target_problem(m is not None, name, op, value, threshold)
        if why:  # (a promise optimize cannot target: why, and what instead, not the forms)
            expected = "" if name in NOT_TARGETS else f"; {forms}"
            bad.append(f"--target {' '.join(text.split())}: {why}{expected}")
        elif name in out:  # a second value for one KPI: which one was meant is not ours to guess
            bad.append(
                f"--target {' '.join(text.split())}: {name} is already a target "
                f"({name}{out[name][0]}{out[name][1]:g}); expected each KPI once"
            )
        else:
            out[name] = (op, threshold)
    if bad or not out:
        raise UserError(
            bad
            or [
                "expected at least one --target, e.g. urban_10min=0.95, or a --budget (extra "
                "volunteer-hours a week), which without --target works towards the headline promises"
            ]
        )
    return out


def _target_problem(parsed: bool, name: str, op: str, value: str, threshold: float) -> str:
    """Why a ``--target`` is wrong, in a few words ("" when it is right)."""
    if not parsed:
        return "not of the form KPI=SHARE or KPI<=X"
    town = TOWN_TARGET.fullmatch(name)
    if town is not None and town[2] in COUNTY_ONLY:
        return (
            f"{name!r} is not a town KPI: {town[2]} is judged for the county only (--target "
            f"{town[2]}=SHARE places its moves at the towns of its misses)"
        )
    if name.startswith("town.") and (town is None or town[2] not in TOWN_TARGET_ZONES):
        part = town[2] if town else name.split(".")[-1]
        close = closest(part, TOWN_TARGET_ZONES)
        return f"{name!r} is not a town KPI optimize can target" + (
            f" (did you mean part {close!r}?)" if close else ""
        )
    if town:
        return _share_problem(name, op, value, threshold)
    if name in NOT_TARGETS:
        return NOT_TARGETS[name]
    if name not in TARGET_ZONES and name not in OVERNIGHT_TARGETS:
        close = closest(name, [*TARGET_ZONES, *OVERNIGHT_TARGETS])
        return f"{name!r} is not a KPI optimize can target" + (f" (did you mean {close!r}?)" if close else "")
    if name in TARGET_ZONES:
        return _share_problem(name, op, value, threshold)
    if op != "<=":
        return f"{name} takes a bound to stay under (KPI<=X)"
    if KPI_INFO[name][1] == "per 1,000 orders":
        return "" if 0 <= threshold <= 1000 else f"{value!r} is not a number from 0 to 1000"
    return "" if 0 <= threshold < math.inf else f"{value!r} is not a number >= 0"


def _share_problem(name: str, op: str, value: str, threshold: float) -> str:
    """Why a share target's operator or share is wrong ("" when they are right)."""
    if op != ">=":
        return f"{name} takes a share to reach (KPI=SHARE)"
    if not 0 <= threshold <= 1:
        return f"{value!r} is not a share from 0 to 1"
    return ""


def town_target(name: str) -> tuple[str, str] | None:
    """(town, part) of a town target ``town.<pinyin>.<part>``; None for a county target."""
    match = TOWN_TARGET.fullmatch(name)
    return (match[1], match[2]) if match and match[2] in TOWN_TARGET_ZONES else None


def is_share_target(name: str) -> bool:
    """Whether ``name`` is a share target (held to ``>=``), a county's or a town's."""
    return name in TARGET_ZONES or town_target(name) is not None


def target_zones(name: str) -> tuple[int, ...]:
    """The zones (0 urban, 1 rural) of the orders a share target judges."""
    town = town_target(name)
    return TOWN_TARGET_ZONES[town[1]] if town else TARGET_ZONES[name]


def target_reading(name: str) -> str | None:
    """The reading a share target judges its orders in, a county's or a town's
    (:data:`TARGET_READINGS`: ``acceptance``, ``arrival`` or ``midnight``), or None for the
    reading the scenario counts (``urban_10min``, ``rural_same_day`` and their breakdowns)."""
    town = town_target(name)
    return TARGET_READINGS.get(town[1] if town else name)


def located_at_queue(name: str) -> bool:
    """Whether a share target's misses are located by when they reached their town's queue
    (:data:`QUEUE_LOCATED`), not by the band they were placed in."""
    return name in QUEUE_LOCATED


def target_band(name: str) -> str | None:
    """The band of the day a share target judges alone (``urban_10min_night``, also a town's:
    ``night``), or None when it judges the whole day."""
    town = town_target(name)
    return TARGET_BANDS.get(town[1] if town else name)


def town_targets(scenario, targets: Targets) -> tuple[Targets, dict[str, tuple[int, ...]], list[str]]:
    """The targets with each town target named as the KPI the runs compute, checked against the
    scenario's towns CSV and places (no simulation): (targets, {pinyin: the zones of its places}
    for each targeted town, notes for stderr).

    The town may be written as its pinyin in any case or its Chinese name; the KPI uses the
    CSV's pinyin. A town with places of one zone only has no ``urban_10min`` or
    ``rural_same_day`` KPI of its own: its ``compliance`` judges the same orders, so
    ``town.Huaixi.rural_same_day`` of a town of rural places only is the target
    ``town.Huaixi.compliance`` (a note says so); the other zone's part, or a band of the day or
    a reading of the urban promise of a town without urban places, is refused. A town's urban
    promise in the reading the scenario counts (``town.Kunyang.urban_10min_acceptance`` by
    default) is its ``urban_10min`` KPI (a note says so); the other reading has a KPI of its
    own. UserError, one line per bad target: an unknown town (with the scenario's towns) or a
    part the town has no orders for."""
    targets = as_targets(targets)
    if not any(town_target(k) for k in targets):
        return targets, {}, []
    towns, places = build_places(scenario)
    out: Targets = {}
    zones_of: dict[str, tuple[int, ...]] = {}
    notes, bad = [], []
    for name, (op, threshold) in targets.items():
        town = town_target(name)
        if town is None:
            out[name] = (op, threshold)
            continue
        given, part = town
        try:
            t = towns.index(given)
        except KeyError:
            bad.append(_unknown_town(scenario, name, given, part, towns.pinyin))
            continue
        pinyin = towns.pinyin[t]
        zones = tuple(int(z) for z in np.unique(places.zone[places.town == t]))
        zones_of[pinyin] = zones
        event = scenario.targets.urban_response_event
        counted = part == f"urban_10min_{event}"  # the reading urban_10min counts: its KPI
        kpi, why = _town_kpi(pinyin, "urban_10min" if counted and 0 in zones else part, zones)
        if why:
            bad.append(f"--target {name}: {why}")
            continue
        if counted and 0 in zones:
            notes.append(
                f"--target {name}: {scenario.name} counts the urban promise at the volunteer's "
                f"{event} (targets.urban_response_event), so {pinyin}'s KPI of that reading is "
                f"{kpi} (the same orders and verdicts): that is the target"
            )
        elif kpi.rsplit(".", 1)[1] != part:
            notes.append(
                f"--target {name}: {pinyin}'s places are all {ZONE_WORDS[zones[0]]}, so its KPI "
                f"is {kpi} (the same orders): that is the target"
            )
        # (written twice, e.g. as .rural_same_day and as .compliance: the stricter share holds)
        out[kpi] = (op, max(threshold, out[kpi][1]) if kpi in out else threshold)
    if bad:
        raise UserError(bad)
    return out, zones_of, notes


def _town_kpi(pinyin: str, part: str, zones: tuple[int, ...]) -> tuple[str, str]:
    """(the KPI a town's ``part`` is computed as, why it cannot be a target or "")."""
    mine = part in TARGET_BANDS or part in TARGET_READINGS  # (a KPI of every town with urban places)
    if part == "compliance" or len(zones) > 1 or (mine and 0 in zones):
        return f"town.{pinyin}.{part}", ""
    if not mine and zones[0] in TOWN_TARGET_ZONES[part]:
        return f"town.{pinyin}.compliance", ""  # one zone: its promise is the town's compliance
    word, other = ZONE_WORDS[zones[0]], ZONE_WORDS[1 - zones[0]]
    urban = ["compliance", "urban_10min", *BAND_KPIS, "urban_10min_acceptance", "urban_10min_arrival"]
    parts = urban if zones == (0,) else ["compliance", "rural_same_day"]
    return "", (
        f"{pinyin} has no {other} places (all its places are {word}), so no orders for {part}; "
        f"expected town.{pinyin}.<part> with part one of {', '.join(parts)}"
    )


def _unknown_town(scenario, name: str, given: str, part: str, known: list[str]) -> str:
    """The line refusing a town target whose town is not in the scenario's towns CSV."""
    close = closest(given, known)
    shown = ", ".join(known[:30]) + (f" and {len(known) - 30} more" if len(known) > 30 else "")
    hint = f" (did you mean town.{close}.{part}?)" if close else ""
    return (
        f"--target {name}: unknown town {given!r} in the towns CSV {scenario.geography.towns_csv}"
        f"{hint}; expected town.<pinyin>.<part> with a town of {scenario.name}: {shown}"
    )


def as_targets(targets: dict) -> Targets:
    """Targets as {KPI: (op, threshold)}; a bare threshold is a ``>=`` target."""
    return {k: v if isinstance(v, tuple) else (">=", float(v)) for k, v in targets.items()}


def headline_targets(scenario) -> Targets:
    """The scenario's headline promises as targets, what ``optimize --budget`` works towards
    when no ``--target`` is given: ``urban_10min >= targets.urban_share`` and ``rural_same_day
    >= targets.rural_share``, the targets :func:`sim.results.verdict.kpi_targets` holds the two
    county KPIs to in every output (its breakdowns, by band, reading and town, are left out:
    they judge the same orders again)."""
    t = scenario.targets
    return {"urban_10min": (">=", t.urban_share), "rural_same_day": (">=", t.rural_share)}
