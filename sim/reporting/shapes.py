"""The shapes of ``kpis.json`` and ``chart_data.json``, checked before ``report`` draws from them.

A saved results folder may have been edited, truncated or written by something else; ``report``
reads it without simulating, so every value it uses is checked first: its type (numbers may be
``null``, meaning NaN), list lengths that must agree (one entry per place, per town, per hour
of the week, per point of the response grid) and indexes that must point into those lists.
The first problem is raised as one line, ``FILE: path.to.value: what is wrong; expected ...``.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from sim.config.errors import UserError
from sim.config.teams import TEAM_LEVELS
from sim.reporting.formatting import OUTCOME_CATEGORIES
from sim.results.causes import CAUSES, GROUPS
from sim.results.event_causes import EVENT_CAUSES
from sim.results.verdict import VERDICTS as PROMISE_VERDICTS

NUM, FIN, INT, STR = "number", "finite number", "whole number", "text"  # NUM may be null (NaN)
HOURS_A_WEEK = 168

_STAT = {
    "label": STR,
    "unit": STR,
    "direction": INT,
    "mean": NUM,
    "sd": NUM,
    "half_width": NUM,
    "low": NUM,
    "high": NUM,
    "n": INT,
    "target?": FIN,
    "target_op?": STR,
    "verdict?": STR,
    "interval?": STR,
    "orders?": INT,
}
_CAUSE_ROWS = {"*": {"*": INT}}
_JUDGED_COUNTS = {"judged": INT, "due_after_run": INT}
KPIS_JSON = {
    "scenario": STR,
    "description": STR,
    "description_zh?": STR,  # (absent from a results folder that predates it)
    "extension?": STR,  # (an extended run's only: docs/extending.md)
    "seed": INT,
    "reps": INT,
    "days": FIN,
    "warmup_days": FIN,
    "kpis": {"*": _STAT},
    "miss_causes?": {
        "replications": INT,
        "causes": [STR],
        "groups": _CAUSE_ROWS,
        "towns": _CAUSE_ROWS,
        "promises?": _CAUSE_ROWS,  # (absent from a results folder that predates them)
        "promises_before_cutoff?": _CAUSE_ROWS,
        # (each promise's misses by when placed: sim.results.causes.miss_cause_table)
        "when?": {"*": {"weekend_missed": INT, "weekend_orders": INT, "hours": [INT]}},
    },
    # (sim.results.event_causes.event_cause_table: the misses of each surge event's deadline by
    # cause; absent without a delivery event, or from a results folder that predates it)
    "event_causes?": {
        "replications": INT,
        "causes": [STR],
        "events": [
            {
                "event": INT,
                "name": STR,
                "mode": STR,
                "orders": INT,
                "missed": INT,
                "per_replication": {"*": FIN},
                "share": {"*": NUM},
            }
        ],
    },
    "replications": [{"*": NUM}],
    # (sim.results.kpis.deadline_judgement: the orders each channel KPI and package kind judged
    # and those due after the run, which the briefing's lines on what a run cannot judge read;
    # absent from a results folder that predates it)
    "judged?": {
        "*": {
            **_JUDGED_COUNTS,
            "kinds?": {"*": {**_JUDGED_COUNTS, "name": STR, "name_zh": STR, "every_days": INT}},
        }
    },
}
_LEVELS = TEAM_LEVELS  # chart_data's week.on_duty is keyed by the scenario's team levels
CHART_DATA_JSON = {
    "format": INT,
    "scenario": STR,
    "targets": {
        "urban_response_min": FIN,
        "urban": FIN,
        "rural": FIN,
        "same_day_cutoff": STR,
        "day_end": STR,
        "urban_response_event?": STR,
        "overnight_per_1000?": FIN,
    },
    "admin?": {"after_hours": STR},
    "pairing?": {"projects": FIN, "orders_per_project_per_year": FIN, "due_days": FIN},
    "packages?": {"recipients_per_1000": FIN, "kinds": FIN, "top_tier": FIN},
    "towns": {"pinyin": [STR], "name": [STR], "seat_place": [INT], "orders": [NUM], "target": [NUM]},
    "places": {
        "code": [STR],
        "name": [STR],
        "town": [INT],
        "zone": [INT],
        "x_km": [FIN],
        "y_km": [FIN],
        "lat?": [NUM],
        "lon?": [NUM],
        "orders": [NUM],
        "met": [NUM],
    },
    "county_center_place": INT,
    "ferry?": {"port_place": INT, "island_towns": [INT]},
    "events?": [
        {
            "name": STR,
            "mode": STR,
            "collect_every_min": FIN,
            "batch_size": INT,
            "volunteers_per_batch": INT,
            "deadline_hours": NUM,
        }
    ],
    "response": {
        "grid_min": [FIN],
        "curves": {"urban": [[NUM]], "rural": [[NUM]]},
        "rural_deadline_min": [NUM],
    },
    "outcomes": {"categories": [STR], "shares": {"*": [NUM]}},
    "week": {
        "orders_per_hour": [NUM],
        "on_duty": {"*": [NUM]},
        "busy_orders": [NUM],
        "busy_all": [NUM],
    },
}


class Malformed(Exception):
    """A value of the wrong type or shape (path, what is wrong)."""


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    return {
        bool: "true/false",
        int: "a number",
        float: "a number",
        str: "text",
        list: "a list",
        dict: "a mapping",
    }.get(type(value), type(value).__name__)


def _check(value: Any, shape: Any, path: str) -> None:
    """Raise Malformed unless ``value`` has ``shape``."""
    if isinstance(shape, dict):
        if not isinstance(value, dict):
            raise Malformed(path, f"is {_kind(value)}; expected a mapping")
        for key, sub in shape.items():
            if key == "*":
                for k, v in value.items():
                    _check(v, sub, f"{path}.{k}" if path else str(k))
                continue
            optional = key.endswith("?")
            name = key.rstrip("?")
            where = f"{path}.{name}" if path else name
            if name not in value or (optional and value[name] is None and isinstance(sub, dict)):
                if optional:  # absent (or, for an optional mapping such as ferry, null)
                    continue
                raise Malformed(where, "is missing; expected it")
            _check(value[name], sub, where)
        return
    if isinstance(shape, list):
        if not isinstance(value, list):
            raise Malformed(path, f"is {_kind(value)}; expected a list")
        for i, v in enumerate(value):
            _check(v, shape[0], f"{path}[{i}]")
        return
    is_bool = isinstance(value, bool)
    if shape == NUM and (value is None or (isinstance(value, (int, float)) and not is_bool)):
        return
    if shape == FIN and isinstance(value, (int, float)) and not is_bool and math.isfinite(value):
        return
    if shape == INT and isinstance(value, int) and not is_bool:
        return
    if shape == STR and isinstance(value, str):
        return
    raise Malformed(path, f"is {_kind(value)}; expected {shape}")


def _same_length(data: dict, group: str, keys: list[str], n: int | None = None) -> int:
    lengths = {k: len(data[group][k]) for k in keys if k in data[group] and data[group][k] is not None}
    n = next(iter(lengths.values()), 0) if n is None else n
    for key, length in lengths.items():
        if length != n:
            raise Malformed(
                f"{group}.{key}", f"has {length} entries; expected {n} (one per entry of {group})"
            )
    return n


def _index(value: int, size: int, path: str) -> None:
    if not 0 <= value < size:
        raise Malformed(path, f"{value} is not an index; expected 0..{size - 1}")


def _within(values, low: float, high: float, path: str, what: str) -> None:
    """Every number of ``values`` (a number or a list, nested; nulls skipped) in low..high."""
    if isinstance(values, list):
        for i, v in enumerate(values):
            _within(v, low, high, f"{path}[{i}]", what)
    elif values is not None and not (low <= values <= high):
        raise Malformed(path, f"{values:g} is out of range; expected {what} from {low:g} to {high:g}")


RANGES = [  # (path in chart_data.json, low, high, what)
    ("targets.urban", 0, 1, "a share"),
    ("targets.rural", 0, 1, "a share"),
    ("targets.urban_response_min", 0, 1440, "minutes"),
    ("towns.target", 0, 1, "shares"),
    ("towns.orders", 0, 1e9, "order counts"),
    ("places.orders", 0, 1e9, "order counts"),
    ("places.met", 0, 1e9, "order counts"),
    ("places.x_km", -1e4, 1e4, "km"),
    ("places.y_km", -1e4, 1e4, "km"),
    ("response.grid_min", 0, 1e7, "minutes"),
    ("response.curves.urban", 0, 1, "shares"),
    ("response.curves.rural", 0, 1, "shares"),
    ("response.rural_deadline_min", 0, 1e7, "minutes"),
    ("week.orders_per_hour", 0, 1e9, "orders"),
    ("week.busy_orders", 0, 1e9, "volunteers"),
    ("week.busy_all", 0, 1e9, "volunteers"),
]


def _one_of(value: str, names, path: str, what: str) -> None:
    if value not in names:
        raise Malformed(path, f"{value!r} is not {what}; expected one of {', '.join(names)}")


def _chart_data_consistency(data: dict) -> None:
    event = data["targets"].get("urban_response_event", "acceptance")
    if event not in URBAN_EVENTS:
        raise Malformed(
            "targets.urban_response_event", f"is {event!r}; expected one of {', '.join(URBAN_EVENTS)}"
        )
    if "admin" in data:
        _one_of(data["admin"]["after_hours"], ("on_call", "next_morning"), "admin.after_hours", "a setting")
    for i, category in enumerate(data["outcomes"]["categories"]):
        _one_of(category, OUTCOME_CATEGORIES, f"outcomes.categories[{i}]", "an outcome")
    for path, low, high, what in RANGES:
        node = data
        for key in path.split("."):
            node = node[key]
        _within(node, low, high, path, what)
    for group, shares in data["outcomes"]["shares"].items():
        _within(shares, 0, 1, f"outcomes.shares.{group}", "shares")
    for level, row in data["week"]["on_duty"].items():
        _within(row, 0, 1e9, f"week.on_duty.{level}", "volunteers")
    places = _same_length(data, "places", list(CHART_DATA_JSON["places"]))
    places_keys = [k.rstrip("?") for k in CHART_DATA_JSON["places"]]
    _same_length(data, "places", places_keys, places)
    towns = _same_length(data, "towns", list(CHART_DATA_JSON["towns"]))
    for i, t in enumerate(data["places"]["town"]):
        _index(t, towns, f"places.town[{i}]")
    for i, z in enumerate(data["places"]["zone"]):
        _index(z, 2, f"places.zone[{i}]")
    for i, p in enumerate(data["towns"]["seat_place"]):
        _index(p, places, f"towns.seat_place[{i}]")
    _index(data["county_center_place"], places, "county_center_place")
    if data.get("ferry"):
        _index(data["ferry"]["port_place"], places, "ferry.port_place")
        for i, t in enumerate(data["ferry"]["island_towns"]):
            _index(t, towns, f"ferry.island_towns[{i}]")
    grid = len(data["response"]["grid_min"])
    for zone in ("urban", "rural"):
        for i, curve in enumerate(data["response"]["curves"][zone]):
            if len(curve) != grid:
                raise Malformed(
                    f"response.curves.{zone}[{i}]",
                    f"has {len(curve)} points; expected {grid} (response.grid_min)",
                )
    deadlines = len(data["response"]["rural_deadline_min"])
    if deadlines != 3:
        raise Malformed(
            "response.rural_deadline_min",
            f"has {deadlines} entries; expected 3 (10th, 50th, 90th percentile)",
        )
    categories = len(data["outcomes"]["categories"])
    for group, shares in data["outcomes"]["shares"].items():
        if len(shares) != categories:
            raise Malformed(
                f"outcomes.shares.{group}", f"has {len(shares)} entries; expected {categories} (categories)"
            )
    week = data["week"]
    for key in ("orders_per_hour", "busy_orders", "busy_all"):
        if len(week[key]) != HOURS_A_WEEK:
            raise Malformed(f"week.{key}", f"has {len(week[key])} entries; expected {HOURS_A_WEEK} (hours)")
    for level, row in week["on_duty"].items():
        if level not in _LEVELS:
            raise Malformed(
                f"week.on_duty.{level}", f"is not a team level; expected one of {', '.join(_LEVELS)}"
            )
        if len(row) != HOURS_A_WEEK:
            raise Malformed(
                f"week.on_duty.{level}", f"has {len(row)} entries; expected {HOURS_A_WEEK} (hours)"
            )


# the verdicts a KPI with a target may have in kpis.json: judge's, and "none"
VERDICTS = (*PROMISE_VERDICTS, "none")
URBAN_EVENTS = ("acceptance", "arrival")  # what the urban promise counts (targets.urban_response_event)
OPS = (">=", "<=", ">", "<")


def _kpis_consistency(summary: dict) -> None:
    _within(summary["days"], 0, 3660, "days", "days")
    _within(summary["warmup_days"], 0, 3660, "warmup_days", "days")
    _within(summary["reps"], 0, 100_000, "reps", "replications")
    for name, k in summary["kpis"].items():
        if "verdict" in k and "target" not in k:
            raise Malformed(f"kpis.{name}", "has a verdict but no target; expected both or neither")
        if k["unit"] == "share" and "target" in k:
            _within(k["target"], 0, 1, f"kpis.{name}.target", "a share")
        if "target" in k:
            if k.get("target_op") not in OPS:
                raise Malformed(
                    f"kpis.{name}.target_op", f"is {k.get('target_op')!r}; expected one of {', '.join(OPS)}"
                )
            if k.get("verdict") not in VERDICTS:
                raise Malformed(
                    f"kpis.{name}.verdict", f"is {k.get('verdict')!r}; expected one of {', '.join(VERDICTS)}"
                )
    if "miss_causes" in summary:
        _miss_causes_consistency(summary["miss_causes"])
    if "event_causes" in summary:
        _event_causes_consistency(summary["event_causes"])
    for name, row in summary.get("judged", {}).items():
        for where, counts in [
            (name, row),
            *((f"{name}.kinds.{k}", v) for k, v in row.get("kinds", {}).items()),
        ]:
            for key in _JUDGED_COUNTS:
                if counts[key] < 0:
                    raise Malformed(f"judged.{where}.{key}", f"is {counts[key]}; expected an order count")
    if summary["reps"] < 0:
        raise Malformed("reps", f"{summary['reps']} is negative; expected a count of replications")
    if summary["reps"] != len(summary["replications"]):
        raise Malformed(
            "replications", f"has {len(summary['replications'])} entries; expected reps = {summary['reps']}"
        )


def _miss_causes_consistency(table: dict) -> None:
    """Known causes and groups; each group's (town's, promise's) row counts its missed orders
    and those of every cause, none negative."""
    for i, cause in enumerate(table["causes"]):
        _one_of(cause, CAUSES, f"miss_causes.causes[{i}]", "a cause")
    for group in table["groups"]:
        _one_of(group, GROUPS, f"miss_causes.groups.{group}", "a group")
    for part in ("groups", "towns", "promises", "promises_before_cutoff"):
        for name, row in table.get(part, {}).items():
            for key in ("missed", *table["causes"]):
                where = f"miss_causes.{part}.{name}.{key}"
                if key not in row:
                    raise Malformed(where, "is missing; expected the missed orders of each cause")
                _within(row[key], 0, 1e12, where, "order counts")
    for name, when in table.get("when", {}).items():
        where = f"miss_causes.when.{name}"
        if len(when["hours"]) != 24:
            raise Malformed(f"{where}.hours", f"has {len(when['hours'])} entries; expected 24, one an hour")
        for key, value in (
            *((f"hours[{h}]", n) for h, n in enumerate(when["hours"])),
            ("weekend_missed", when["weekend_missed"]),
            ("weekend_orders", when["weekend_orders"]),
        ):
            _within(value, 0, 1e12, f"{where}.{key}", "order counts")
        missed = table.get("promises", {}).get(name, {}).get("missed")
        if missed is not None and (sum(when["hours"]) != missed or when["weekend_missed"] > missed):
            raise Malformed(
                where,
                f"counts {sum(when['hours'])} misses by hour and {when['weekend_missed']} at weekends, "
                f"its promise {missed}; expected the hours to add up to the misses",
            )


def _event_causes_consistency(table: dict) -> None:
    """Known causes; each event's row counts its judged and missed orders and the misses of
    every cause, none negative, the causes adding up to the misses (one cause per missed
    order: sim.results.event_causes)."""
    for i, cause in enumerate(table["causes"]):
        _one_of(cause, EVENT_CAUSES, f"event_causes.causes[{i}]", "an event miss cause")
    for i, row in enumerate(table["events"]):
        for key in ("orders", "missed", *table["causes"]):
            where = f"event_causes.events[{i}].{key}"
            if key not in row:
                raise Malformed(where, "is missing; expected the missed orders of each cause")
            if not isinstance(row[key], int) or isinstance(row[key], bool):
                raise Malformed(where, f"is {_kind(row[key])}; expected an order count")
            _within(row[key], 0, 1e12, where, "order counts")
        total = sum(row[c] for c in table["causes"])
        if total != row["missed"]:
            raise Malformed(
                f"event_causes.events[{i}]",
                f"its causes add up to {total} orders, its missed to {row['missed']}; expected them equal",
            )


def check_results(summary: Any, data: Any, folder: str | Path, chart_data_name: str) -> None:
    """Raise UserError (one line naming the file and value) unless ``summary`` (kpis.json)
    and ``data`` (chart_data.json) have the shapes ``report`` draws from."""
    check_kpis_json(summary, Path(folder) / "kpis.json")
    _checked(data, CHART_DATA_JSON, _chart_data_consistency, Path(folder) / chart_data_name)


def check_kpis_json(summary: Any, path: str | Path) -> None:
    """Raise UserError (one line naming the file ``path`` and the value) unless ``summary`` has
    the shape of the kpis.json a run writes: what ``report`` draws and ``compare`` reuses."""
    _checked(summary, KPIS_JSON, _kpis_consistency, Path(path))


def _checked(value: Any, shape: Any, consistency, path: Path) -> None:
    """Raise UserError unless ``value``, read from ``path``, has ``shape`` and passes ``consistency``."""
    try:
        _check(value, shape, "")
        consistency(value)
    except Malformed as exc:
        where, what = exc.args
        raise UserError(
            f"{path}: {where or '(top level)'}: {what} (rerun `python run.py run` to rewrite the folder)"
        ) from None
