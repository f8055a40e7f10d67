"""The assumed numbers a sensitivity study varies: the table of them, each with its plausible
range and the reason for it, and the reading of the command line's assumptions.

Most numbers of the default scenario have no public figure (docs/assumptions.md, "Assumed").
:data:`ASSUMPTIONS` holds the most consequential of them, each an :class:`Assumption`: the keys
it sets, a low and a high end (a value such as ``0.25``, or ``x0.75``: a multiple of the
scenario's own value) and why that range. :func:`value_of` turns an end into the value a key is
set to, refusing a key the scenario does not set to a number; :func:`custom` reads an assumption
of one's own (``--vary KEY=LOW,HIGH``), :func:`pair_of` a pair (``--pair NAME_A,NAME_B``) and
:func:`choose` which to vary. The study that varies them is :mod:`sim.experiments.sensitivity`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from sim.config.errors import UserError, closest
from sim.config.load import load_scenario
from sim.config.overrides import parse_path
from sim.config.scenario import Scenario


@dataclass(frozen=True)
class Assumption:
    """One assumed number (or several set together) and its plausible range.

    ``low`` and ``high`` are each a value (``0.25``) or a multiple of the scenario's own value
    (``x0.75``), set on every key of ``keys``."""

    name: str  # for --only
    what: str  # the table's words
    keys: tuple[str, ...]
    low: str
    high: str
    why: str


ASSUMPTIONS = (
    Assumption(
        "order_rate",
        "order rate",
        ("demand.orders_per_1000_per_day",),
        "x0.75",
        "x1.25",
        "not published; chosen so volunteers are mostly idle on call: a quarter either way",
    ),
    Assumption(
        "village_on_duty",
        "village volunteers on duty (members x on-duty share)",
        ("teams.village_scale",),
        "x0.5",
        "x1.5",
        "the on-duty shares (4% of a village's members by day, 6% of a community's) have no "
        "figure: 2% to 6% of a village's members; the count on duty is members x share",
    ),
    Assumption(
        "station_size",
        "town station size",
        ("teams.station_scale",),
        "x0.5",
        "x1.5",
        "the station's core of 40 and 1.5 per 1,000 residents are not published: half to one and a half",
    ),
    Assumption(
        "show_up",
        "show-up",
        ("teams.show_up",),
        "0.75",
        "0.95",
        "absences of scheduled members: one in four to one in twenty",
    ),
    Assumption(
        "acceptance_delay",
        "acceptance delay, mean minutes",
        ("demand.acceptance_delay.mean",),
        "2",
        "5",
        "time to see the notification and accept: 2 to 5 minutes around the assumed 3",
    ),
    Assumption(
        "alert_accept",
        "alert acceptance probability",
        ("dispatch.alerts.accept_probability",),
        "0.25",
        "0.45",
        "published for smartphone-alerted volunteers: 17% to 47% of alerts accepted",
    ),
    Assumption(
        "urban_timeout",
        "urban village timeout, minutes",
        ("dispatch.timeouts_min.urban[0]",),
        "2",
        "6",
        "not published: 2 to 6 minutes still leaves the town tier time within the 10 minutes",
    ),
    Assumption(
        "rural_timeout",
        "rural village timeout",
        ("dispatch.timeouts_min.rural[0]",),
        "x0.5",
        "x2",
        "not published: half an hour to two hours before the town is asked, within the day",
    ),
    Assumption(
        "patience",
        "citizens' patience (urban and rural mean)",
        ("demand.patience.urban.mean", "demand.patience.rural.mean"),
        "x0.5",
        "x2",
        "no data on cancellations of a free service: half to twice the assumed 3 and 10 hours",
    ),
    Assumption(
        "circuity",
        "road circuity (travel time)",
        ("geography.travel.circuity",),
        "1.2",
        "1.6",
        "road distance / straight line, typically 1.2 to 1.6; scales every trip's driving time",
    ),
)


def current(scenario: Scenario, key: str) -> Any:
    """The scenario's value at a dotted key (defaults included), or None where it has none."""
    node: Any = scenario
    for token in parse_path(key):
        if isinstance(token, int):
            node = node[token] if isinstance(node, list) and token < len(node) else None
        elif dataclasses.is_dataclass(node):
            node = getattr(node, token, None)
        elif isinstance(node, dict):
            node = node.get(token)
        else:
            node = None
        if node is None:
            return None
    return node


def value_of(scenario: Scenario, path: Path, key: str, spec: str) -> Any:
    """The value ``spec`` gives ``key``: a number, or ``x<factor>`` times the scenario's value.
    The scenario must have a number there: a key the scenario language does not have is
    refused with the loader's line (and its did-you-mean), a key it does not set (e.g. the
    alerts' keys of a scenario without alerts) as not set, since setting it would switch on a
    mechanism rather than vary an assumption."""
    default = current(scenario, key)
    if not isinstance(default, (int, float)) or isinstance(default, bool):
        # an unknown key: the loader's own line (and its did-you-mean), blamed on the flag
        load_scenario(path, overrides={key: 1}, origins={key: ("--vary", None)})
        what = "not set in the scenario" if default is None else f"{default!r} is not a number"
        raise UserError(
            f"{path}: {key}: {what}; expected a key the scenario sets to a number (setting an "
            "unset one would switch a mechanism on, not vary an assumption)"
        )
    if spec.startswith("x"):
        try:
            factor = float(spec[1:])
        except ValueError:
            raise UserError(f"--vary {key}={spec}: not a multiple; expected e.g. x0.5") from None
        return default * factor
    value = yaml.safe_load(spec)
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        raise UserError(f"--vary {key}={spec}: not a number; expected a number or a multiple such as x0.5")
    return value


# the scenario's sections a study cannot vary: what they set is not the county's (-> why)
NOT_MODEL_SECTIONS = {
    "run": "is the study's own (its --days, --reps and seed set every arm's run)",
    "targets": "moves verdicts, not the KPIs the study measures",
    "expect": "is the regression gate's, which the study does not run",
    "name": "names the scenario",
    "extends": "names the scenario's parent",
}


def custom(text: str) -> Assumption:
    """An assumption of one's own, ``--vary KEY=LOW,HIGH``: named by its key, its ends a value
    or a multiple of the scenario's value like the table's, so that a number the table leaves
    out can be varied without editing it."""
    key, _, values = text.partition("=")
    low, _, high = values.partition(",")
    if not key or not low or not high or "," in high:
        raise UserError(f"--vary {text}: expected KEY=LOW,HIGH, e.g. dispatch.alerts.wave_size=3,8")
    section = key.strip().split(".")[0]
    if section in NOT_MODEL_SECTIONS:
        raise UserError(
            f"--vary {text}: {key.strip()} {NOT_MODEL_SECTIONS[section]}, so every effect would read 0; "
            "expected a key of the model, e.g. dispatch.alerts.wave_size=3,8"
        )
    return Assumption(key, key, (key,), low.strip(), high.strip(), "given with --vary")


def named(flag: str, text: str, names: list[str], known: dict[str, Assumption]) -> list[Assumption]:
    """The assumptions ``names`` (given as ``flag text``) name; an unknown one is refused in one
    line with its did-you-mean and the names there are."""
    wrong = [n for n in names if n not in known]
    if wrong:
        close = closest(wrong[0], known)
        hint = f" (did you mean {close!r}?)" if close else ""
        raise UserError(
            f"{flag} {text}: unknown {', '.join(wrong)}{hint}; expected some of {', '.join(known)}"
        )
    return [known[n] for n in names]


def pair_of(text: str, known: dict[str, Assumption]) -> tuple[Assumption, Assumption]:
    """The two assumptions of ``--pair NAME_A,NAME_B``: two different ones, of different keys
    (a corner sets both)."""
    names = [n.strip() for n in text.split(",")]
    if len(names) != 2 or not all(names):
        raise UserError(f"--pair {text}: expected two names NAME_A,NAME_B, e.g. patience,rural_timeout")
    a, b = named("--pair", text, names, known)
    if a.name == b.name:
        raise UserError(f"--pair {text}: the same assumption twice; expected two different ones")
    shared = sorted(set(a.keys) & set(b.keys))
    if shared:
        raise UserError(
            f"--pair {text}: both set {', '.join(shared)}; expected assumptions of different keys"
        )
    return a, b


def choose(
    only: str | None, vary: list[str], pair: list[str]
) -> tuple[list[Assumption], list[tuple[Assumption, Assumption]]]:
    """The assumptions to vary one at a time: the table's (those ``only`` names, comma-separated,
    as ``--only`` gives them; all of them unless ``vary`` or ``pair`` gives any), those of
    ``vary`` (each ``KEY=LOW,HIGH``) and every one a pair names; and the pairs (each
    ``NAME_A,NAME_B``, the table's names or ``vary``'s keys; a pair given twice, in either order,
    runs once). Refuses a wrong name or pair in one line before anything runs."""
    own = [custom(t) for t in vary]
    table = {a.name: a for a in ASSUMPTIONS}
    pairs: dict[frozenset, tuple[Assumption, Assumption]] = {}
    for text in pair:
        a, b = pair_of(text, {**table, **{a.name: a for a in own}})
        pairs.setdefault(frozenset((a, b)), (a, b))
    if only is None:
        first = [] if own or pairs else list(ASSUMPTIONS)
    else:
        names = [n.strip() for n in only.split(",") if n.strip()]
        if not names:
            raise UserError(f"--only {only!r}: names no assumption; expected some of {', '.join(table)}")
        first = named("--only", only, names, table)
    paired = [x for p in pairs.values() for x in p]
    return list(dict.fromkeys(first + own + paired)), list(pairs.values())
