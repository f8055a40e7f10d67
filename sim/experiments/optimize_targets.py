"""The targets ``optimize`` searches for, as ``--target`` writes them: which KPIs can be
targeted (the zone promises' shares, the urban promise in a band of the day, the orders open
overnight), in which form (``KPI=SHARE``, ``KPI>=SHARE``, ``KPI<=X``) and range; a bad target
is refused in one line naming the forms expected (:mod:`sim.experiments.optimize` searches).
"""

from __future__ import annotations

import math
import re

from sim.config.errors import UserError, closest
from sim.results.kpis import BAND_KPIS, KPI_INFO
from sim.results.promises import TIME_BANDS

# the ``>=`` targets: the share KPIs of the zone promises, each the zones of its orders
TARGET_ZONES = {"urban_10min": (0,), "rural_same_day": (1,), **{name: (0,) for name in BAND_KPIS}}
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
# a target: ``KPI>=share``, ``KPI=share`` (the same) or ``KPI<=X``
TARGET_TEXT = re.compile(r"^\s*([A-Za-z0-9_.]+)\s*(<=|>=|=)\s*(\S.*?)\s*$")
TARGET_FORMS = (
    "expected KPI=SHARE or KPI>=SHARE with KPI one of {share} and 0 <= SHARE <= 1 "
    "(e.g. urban_10min=0.95 or urban_10min_night=0.9), or KPI<=X with KPI open_overnight_per_week "
    "(orders a week, X >= 0; e.g. open_overnight_per_week<=5) or one of {per_1000} (0 <= X <= 1000)"
)

Targets = dict[str, tuple[str, float]]  # KPI -> (">=" or "<=", threshold in the KPI's unit)


def parse_targets(texts: list[str]) -> Targets:
    """``["urban_10min=0.95", "open_overnight_per_week<=5", ...]`` -> {KPI: (op, threshold)}
    (``=`` is ``>=``); UserError, one line per bad target, naming the forms expected."""
    forms = TARGET_FORMS.format(
        share=", ".join(TARGET_ZONES),
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
        if why:
            bad.append(f"--target {' '.join(text.split())}: {why}; {forms}")
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
    if name not in TARGET_ZONES and name not in OVERNIGHT_TARGETS:
        close = closest(name, [*TARGET_ZONES, *OVERNIGHT_TARGETS])
        return f"{name!r} is not a KPI optimize can target" + (f" (did you mean {close!r}?)" if close else "")
    if name in TARGET_ZONES:
        if op != ">=":
            return f"{name} takes a share to reach (KPI=SHARE)"
        if not 0 <= threshold <= 1:
            return f"{value!r} is not a share from 0 to 1"
        return ""
    if op != "<=":
        return f"{name} takes a bound to stay under (KPI<=X)"
    if KPI_INFO[name][1] == "per 1,000 orders":
        return "" if 0 <= threshold <= 1000 else f"{value!r} is not a number from 0 to 1000"
    return "" if 0 <= threshold < math.inf else f"{value!r} is not a number >= 0"


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
