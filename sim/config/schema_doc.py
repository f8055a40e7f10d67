"""Generate ``docs/scenarios.md`` from the scenario schema, so the reference cannot drift.

The frozen dataclasses of the schema (:class:`sim.config.scenario.Scenario` and the sections it
holds, each in its own module of :mod:`sim.config`) carry, for every field, a meaning (``doc``), a
unit and bounds (``ge``/``gt``/``le``/``length``) in their metadata; the loader and validator
enforce exactly those. :func:`render` walks the same dataclasses from ``Scenario`` down (so the
order of the reference is that of the fields, whichever module holds a class) and writes one
table row per key: its dotted path (``catalog[].service``, ``schedules.<name>.weekday``), type, unit, default,
allowed range and meaning. A test compares the committed file with :func:`render`; after a
schema change run ``python run.py schema --write``.
"""

from __future__ import annotations

import dataclasses
import json
import re
import types
import typing
from collections import Counter
from pathlib import Path
from typing import Any

from sim.config.scenario import Scenario

REPO = Path(__file__).resolve().parents[2]
EXAMPLE_ERROR = (
    "scenarios/policies/short_village_timeout.yaml:9: dispatch.timeouts_min.rural[1]: "
    "-180 is out of range; expected a number >= 0 (minutes)"
)
DOC_PATH = REPO / "docs" / "scenarios.md"
EXAMPLE = REPO / "scenarios" / "policies" / "short_village_timeout.yaml"
TOWN_EXAMPLE = REPO / "scenarios" / "policies" / "aojiang_third_fewer.yaml"


def _fields(cls: type) -> list[dataclasses.Field]:
    return [f for f in dataclasses.fields(cls) if not f.metadata.get("internal")]


def _inner(tp: Any) -> Any:
    """The type without ``| None``."""
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        return [a for a in typing.get_args(tp) if a is not type(None)][0]
    return tp


def _nested(tp: Any) -> list[type]:
    """Dataclasses a type contains (itself, list elements, mapping values)."""
    tp = _inner(tp)
    if dataclasses.is_dataclass(tp):
        return [tp]
    return [t for a in typing.get_args(tp) for t in _nested(a)]


def _shared_types(root: type = Scenario) -> list[type]:
    """Dataclasses documented once in their own section: used in several places, or as list
    entries or mapping values (everything else is documented inline under its parent key)."""
    uses: Counter = Counter()
    shared: list[type] = []
    stack = [root]
    while stack:
        cls = stack.pop(0)
        hints = typing.get_type_hints(cls)
        for f in _fields(cls):
            tp = _inner(hints[f.name])
            for sub in _nested(tp):
                uses[sub] += 1
                if not dataclasses.is_dataclass(tp) and sub not in shared:
                    shared.append(sub)
                if uses[sub] == 1:
                    stack.append(sub)
    for cls, n in uses.items():
        if n > 1 and cls not in shared:
            shared.append(cls)
    return shared


def _anchor(cls: type) -> str:
    return f"type-{cls.__name__.lower()}"


def _type_text(tp: Any, meta: dict, shared: list[type]) -> str:
    """A field's type in words (the schema's own types, not Python's)."""
    optional = typing.get_origin(tp) in (typing.Union, types.UnionType)
    tp = _inner(tp)
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if tp is str:
        text = "text"
    elif tp is int:
        text = "whole number"
    elif tp is float:
        text = "number"
    elif tp is bool:
        text = "true/false"
    elif origin is typing.Literal:
        text = "one of " + ", ".join(f"`{a}`" for a in args)
    elif origin is list:
        n = meta.get("length")
        count = f"{n} " if n else ""
        element = _type_text(args[0], {}, shared)
        element = element + "s" if element.endswith("number") else element
        text = f"list of {count}{element}"
    elif origin is dict:
        text = f"mapping of name to {_type_text(args[1], {}, shared)}"
    elif dataclasses.is_dataclass(tp):
        name = tp.__name__
        text = f"[{name}](#{_anchor(tp)})" if tp in shared else "mapping"
    else:
        text = str(tp)
    return f"{text} or null" if optional else text


def _range_text(meta: dict) -> str:
    parts = []
    for key, symbol in (("ge", ">="), ("gt", ">"), ("le", "<=")):
        if meta.get(key) is not None:
            parts.append(f"{symbol} {meta[key]:g}")
    return ", ".join(parts)


def _plain(value: Any) -> Any:
    """A default value as plain data (dataclasses -> only the fields that differ)."""
    if dataclasses.is_dataclass(value):
        base = type(value)()
        return {
            f.name: _plain(getattr(value, f.name))
            for f in _fields(type(value))
            if getattr(value, f.name) != getattr(base, f.name)
        }
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def _flow(value: Any) -> str:
    """Plain data as compact YAML flow text."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_flow(v) for v in value) + "]"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False) if (not value or ":" in value) else value
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _default_text(f: dataclasses.Field, tp: Any, shared: list[type]) -> str:
    if f.default is not dataclasses.MISSING:
        value = f.default
    elif f.default_factory is not dataclasses.MISSING:
        value = f.default_factory()
    else:
        return "(required)"
    inner = _inner(tp)
    if dataclasses.is_dataclass(inner) and inner not in shared and value is not None:
        return "(see below)"
    if isinstance(value, dict) and value and all(dataclasses.is_dataclass(v) for v in value.values()):
        if len(_flow(_plain(value))) > 120:
            return (
                f"{len(value)}: "
                + ", ".join(f"`{k}`" for k in value)
                + " (defined in sim/config/scenario.py)"
            )
    return f"`{_flow(_plain(value))}`"


def _rows(cls: type, prefix: str, shared: list[type]) -> list[str]:
    """Table rows of ``cls``'s keys under ``prefix``, inline dataclasses expanded after."""
    hints = typing.get_type_hints(cls)
    rows, later = [], []
    for f in _fields(cls):
        tp, meta = hints[f.name], dict(f.metadata)
        path = f"{prefix}{f.name}"
        cells = [
            f"`{path}`",
            _type_text(tp, meta, shared),
            meta.get("unit", "") or "",
            _default_text(f, tp, shared),
            _range_text(meta),
            (meta.get("doc", "") or "").replace("|", "\\|"),
        ]
        rows.append("| " + " | ".join(cells) + " |")
        inner = _inner(tp)
        if dataclasses.is_dataclass(inner) and inner not in shared:
            later.append((inner, f"{path}."))
    for sub, sub_prefix in later:
        rows += _rows(sub, sub_prefix, shared)
    return rows


HEADER = "| Key | Type | Unit | Default | Range | Meaning |\n|---|---|---|---|---|---|"


def _section_of(cls: type, shared: list[type]) -> list[str]:
    return [HEADER, *_rows(cls, "", shared)]


INTRO = """\
# Scenario files

<!-- Generated by `python run.py schema --write` from sim/config/scenario.py; do not edit by hand.
     tests/test_scenario_docs.py fails when this file differs from the schema. -->

A scenario is a YAML file describing a county (places, towns, travel), its service catalogue,
its citizens' demand, its volunteer teams and their duty schedules, the pairing of villages with
supporting units, the escalation ladder and the service promises. Every key is optional: a key
left out takes the default below. Times are **minutes** unless a key's name or unit says
otherwise; clock times of day are `"HH:MM"` text (quote them): two ASCII digits each, hours
00-23 and minutes 00-59, or `"24:00"` (so `"7:05"` is written `"07:05"`; `'7:5'`, `'1_7:00'` or
other scripts' digits are refused). `targets.day_end` must not be before `targets.same_day_cutoff`.
Scenarios are read as PyYAML's `safe_load` reads them (YAML 1.1), and its three surprises are
errors that say what to write: an unquoted `17:00` is the base-60 number 1020, `010` the octal
number 8, and `1e10` (no dot, no sign) is text, so write `"17:00"`, `10` and `1.0e+10`.
The scenario `name` names its results folder: letters, digits, `_`, `-`, `.`; the names
`baselines`, `sweeps`, `optimize`, `check`, `sensitivity` and `compare-...` are reserved for the folders of
`results/` that other commands own. Paths to data files, and the defaults of those left out,
are relative to the scenario file that names them (not to the folder the command runs in).
Skills are names that tie teams to items: every item's skill must be offered by some team, and a
skill a team lists must not be empty.

`validate` also warns (exit 0) about settings that are valid but make part of the service
impossible or makes part of it never happen: no catalogue order placed
(`demand.orders_per_1000_per_day: 0`), nobody showing up (`teams.show_up: 0`), no alert ever
accepted (`dispatch.alerts.accept_probability: 0`), an event starting at or after the run's
end, an item no team that is ever on duty offers, an item needing more volunteers at once
than any team offering its skill has, a kind of team whose schedule is never on duty (orders
skip its tier at once), call-ups whose hours never fall inside their event, professional
items without reviewers, and a skill a team lists that no catalogue item needs but is spelt like
one that does (`houshold` would leave those teams unable to serve household orders; the warning
names the skill it likely meant; a skill unlike any of the catalogue's is left alone, as when a
variant narrows the catalogue); about an event with call-ups that starts or ends off the hour (its
call-ups serve the whole hours that start inside it); and about a demand of more than 200,000
catalogue orders a day (`demand.orders_per_1000_per_day` times the places' population: a rate
typed a hundred times too high), which makes every simulated day take seconds; and, with a
coordinates CSV, about a town whose seat place (its first community by code, where its station
starts every trip) lies farther from the towns CSV's seat than the town's `geography.radius_km`.
`run` and the other commands that simulate print the same warnings.

`python run.py validate FILE...` checks scenarios (with the scenarios they extend and the data
files they name) without simulating: exit status 0 when all are valid, 2 otherwise. A sweep
file (a top-level `scenario:` and `grid:`, docs/policies.md) is checked as the `sweep` command
checks it: the file and the scenario of every grid point, every problem listed at once.
`python run.py run FILE` checks the same before any simulation starts. `python run.py schema`
prints this reference (`--write` regenerates this file, `--check` exits 1 when it is stale).

`scenarios/policies/` holds variants of the default `scenarios/pingyang.yaml`, each opening
with the question it answers: `evening_kunyang.yaml` (more evening volunteers in Kunyang, via
`teams.town_overrides`), `no_pairing.yaml` (no six-hundreds pairing),
`short_village_timeout.yaml` (escalate unanswered village orders sooner) and
`aojiang_third_fewer.yaml` (one town loses a third of its volunteers, below).

## A worked example

`scenarios/policies/short_village_timeout.yaml` asks whether escalating unanswered village
orders sooner helps. It states only what differs from the default scenario:

```yaml
{example}```

`extends` names the parent; `dispatch.timeouts_min` is a mapping of zone to a list of 2
numbers (minutes at tier 1, the village, before the order escalates to tier 2, the town; then
minutes at tier 2 before tier 3, the county). Lists replace whole, so both zones give both
tiers. Everything else (catalogue, teams, schedules, ...) is inherited from `pingyang.yaml`.
Had the file said `rural: [20, -180]`, validation would stop with

```
{error}
```

## A what-if for one town: fewer volunteers

`teams.village_scale` and `teams.station_scale` scale the members of every town's teams;
`teams.town_overrides.<town>.village_scale` and `.station_scale` scale one town's village and
community teams and its station, times the county-wide scale (a town's 0.5 with 0.8
county-wide leaves 0.4 of its members at scale 1). A team's members at scale 1 are multiplied by
both scales and rounded to whole people once, as docs/model.md ("Staffing") says of the
county-wide scale (at 0.667 Aojiang's station of 476 keeps 317); the town's `teams.additions`
and event call-ups are counted as written, not scaled.
`scenarios/policies/aojiang_third_fewer.yaml` asks what the 泰悦府 lockdown costs Aojiang when it
loses a third of its volunteers:

```yaml
{town_example}```

Compared with its parent (`python run.py compare scenarios/policies/aojiang_lockdown_batched.yaml
scenarios/policies/aojiang_third_fewer.yaml`), only Aojiang's teams change: its
`town.Aojiang.*` KPIs and the county's urban KPIs move (docs/assumptions.md gives the sizes),
other towns' KPIs do not significantly (they share only the county's teams with Aojiang's
escalated orders), and `event_on_time` does not, as only the call-ups deliver the compound's
batches. The loss lasts the whole run: a town override applies to every day.

## Inheritance: `extends`

- `extends: <path>` (top level, relative to the file) makes a variant of the parent scenario.
  Chains work (a variant of a variant); a cycle or a missing parent is an error.
- Mappings merge deeply, key by key: a variant states only the keys that differ.
- Lists replace whole (a variant's `catalog` or `village_skills` is the complete new list).
- `key: __delete__` removes an inherited key, so the schema default applies again. Deleting a
  key the parent does not set, `__delete__` in a file without `extends`, or inside a list, is an
  error.
- Data-file paths are relative to the file that names them, so a variant in another folder
  still finds its parent's data.

## Errors

Every problem is one line, `FILE:LINE: path.to.key: what is wrong; what is expected`, on
stderr, with exit status 2 and no traceback (`--debug` shows one). All problems of a file are
reported together, but for the whole-scenario rules below when a text, list, mapping or choice
has a value of the wrong kind: they would cross-reference its stand-in (`teams: null` is one
line, not one more per item whose skill no team then offers). A problem is placed on the line
where the offending value is written, in whichever file of an `extends` chain wrote it; a
problem in a data file names that file and its row. Checked before any simulation:

- the file: a `.yaml`/`.yml` file, not empty, UTF-8, at most 5 MB, nested at most 40 levels,
  at most 200,000 values (aliases counted as expanded), no YAML tags that construct objects,
  no duplicate keys, no unknown keys (with a did-you-mean suggestion, also for a key typed in
  full-width letters); a tab, or a full-width `：` or `，` typed with a Chinese input method,
  is named as such on its line;
- types and ranges of every key, as in the tables below (numbers finite and at most 1e12 in
  size; lists of fixed length where stated);
- whole-scenario rules: catalogue shares sum to 1 (within 0.001), item ids unique, every
  item's skill offered by some team (a warning when only teams never on duty offer it, or
  when no administrator can review professional items), schedules named by teams exist, towns
  named anywhere exist in the towns CSV (the ferry port not an island), zones are `urban` and
  `rural`, clock times are valid, distributions are usable (uniform `low <= high`, positive
  means), the demand profiles are not all zero, terrain tables cover every terrain, the name
  can name a results folder; a value already reported as wrong is not reported again by these
  rules;
- data files (towns, places, coordinates, travel matrix, pairing CSVs): present, `.csv`,
  UTF-8, the required columns, every row as long as the header, no empty required cells,
  numbers where numbers are due (non-negative where it matters, latitudes/longitudes in
  range), unique codes, known place and town codes, every place's `kind` `community` or
  `village` (as every `mediation.place_kinds` entry), every town with at least one place, every
  `urban_kinds` entry the kind of some place, a square travel matrix covering every place.

## Keys

"""


def _doc(cls: type) -> str:
    """A class docstring as plain Markdown (Sphinx roles dropped)."""
    return re.sub(r":\w+:`([^`]+)`", r"`\1`", (cls.__doc__ or "").strip())


def _row(f: dataclasses.Field, path: str, tp: Any, shared: list[type]) -> str:
    meta = dict(f.metadata)
    cells = [
        f"`{path}`",
        _type_text(tp, meta, shared),
        meta.get("unit", "") or "",
        _default_text(f, tp, shared),
        _range_text(meta),
        (meta.get("doc", "") or "").replace("|", "\\|"),
    ]
    return "| " + " | ".join(cells) + " |"


def render() -> str:
    """The full text of docs/scenarios.md for the current schema."""
    shared = _shared_types()
    hints = typing.get_type_hints(Scenario)
    example = EXAMPLE.read_text(encoding="utf-8")
    town_example = TOWN_EXAMPLE.read_text(encoding="utf-8")
    intro = INTRO.replace("{example}", example).replace("{town_example}", town_example)
    parts = [intro.replace("{error}", EXAMPLE_ERROR)]
    sections, top = [], [HEADER]
    for f in _fields(Scenario):
        inner = _inner(hints[f.name])
        if dataclasses.is_dataclass(inner) and inner not in shared:
            sections.append((f, inner))
        else:
            top.append(_row(f, f.name, hints[f.name], shared))
    top.append(
        "| `extends` | text | | (none) | | path of the parent scenario, relative to "
        "this file (see Inheritance) |"
    )
    parts.append("### Top-level keys\n\n" + "\n".join(top) + "\n\n")
    for f, inner in sections:
        parts.append(f"### `{f.name}`: {f.metadata.get('doc', '')}\n\n{_doc(inner)}\n\n")
        parts.append("\n".join([HEADER, *_rows(inner, f"{f.name}.", shared)]) + "\n\n")
    used = _used_at()
    parts.append("## Types used in several places\n\n")
    for cls in shared:
        where = ", ".join(f"`{p}`" for p in used.get(cls, []))
        parts.append(f'### <a id="{_anchor(cls)}"></a>{cls.__name__}\n\n{_doc(cls)} Used at {where}.\n\n')
        parts.append("\n".join(_section_of(cls, shared)) + "\n\n")
    return "".join(parts).rstrip() + "\n"


def _used_at() -> dict[type, list[str]]:
    """For each dataclass, the key paths whose value (or entries) have that type."""
    out: dict[type, list[str]] = {}
    for path in schema_keys():
        cls: Any = Scenario
        for name in path.replace("[]", "").split("."):
            if name == "<name>":
                continue
            tp = typing.get_type_hints(cls)[name]
            nested = _nested(tp)
            cls = nested[0] if nested else None
            if cls is None:
                break
        else:
            if cls is not None:
                origin = typing.get_origin(_inner(tp))
                suffix = "[]" if origin is list else ".<name>" if origin is dict else ""
                out.setdefault(cls, []).append(path + suffix)
    return out


def schema_keys(cls: type = Scenario, prefix: str = "") -> list[str]:
    """Every key path of the schema (``teams.town_overrides.<name>.village_schedule``)."""
    out = []
    hints = typing.get_type_hints(cls)
    for f in _fields(cls):
        path = f"{prefix}{f.name}"
        out.append(path)
        tp = _inner(hints[f.name])
        origin = typing.get_origin(tp)
        if dataclasses.is_dataclass(tp):
            out += schema_keys(tp, f"{path}.")
        elif origin is list and _nested(tp):
            out += schema_keys(_nested(tp)[0], f"{path}[].")
        elif origin is dict and _nested(tp):
            out += schema_keys(_nested(tp)[0], f"{path}.<name>.")
    return out
