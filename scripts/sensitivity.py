"""What the headline numbers depend on: the promise KPIs' sensitivity to the assumed numbers.

Most numbers of the default scenario have no public figure (docs/assumptions.md, "Assumed"). This
varies the most consequential of them one at a time, each to a low and a high value of a
plausible range (:data:`ASSUMPTIONS`: the range and its reason), and reports how far each moves
the headline KPIs (docs/kpis.md): the urban 10-minute share by acceptance (``urban_10min``) and
by arrival at the door (``urban_10min_arrival``), rural same day (``rural_same_day``) and the
orders open at the first midnight after placing, per 1,000 (``open_overnight_per_1000``).

The default and every variant run with the same seed and replications (common random numbers),
so replication i of each sees the same orders wherever the variant does not change them; the
differences (variant - default: percentage points for a share, per 1,000 orders for the
overnight count) and their 95% intervals come from the compare machinery
(:func:`sim.experiments.compare.compare_arms`), each variant against the default on its own
(``--simultaneous``: Bonferroni-adjusted so that all the intervals hold together at 95%). The
table is sorted by each assumption's largest absolute effect on any of the four KPIs, both sides
(a tornado ranking; the overnight count divided by 10 to be a percentage of the orders too).

Every variant is the scenario with its keys overridden (:mod:`sim.config.overrides`), checked by
the scenario loader before anything runs: a key the scenario language does not have is refused
with the loader's one line. ``--vary KEY=LOW,HIGH`` adds an assumption of one's own; a value
``x0.5`` is the scenario's value times 0.5. Writes nothing unless ``--out`` or ``--json`` names a file.

Two at a time (``--pair NAME_A,NAME_B``, repeatable; a name of the table or a ``--vary`` key):
the 2x2 corners of the two assumptions (A low/high x B low/high, both sides' overrides set
together) run with the same seed and replications as the default. Per headline KPI the report
gives each corner's paired difference from the default with its 95% interval, and the
interaction contrast: per replication i, c_i = y_hh,i - y_hl,i - y_lh,i + y_ll,i (A's side
first), i.e. A's effect (low -> high) with B high minus A's effect with B low, summarised by
its mean and Student-t 95% interval over the replications (:func:`interaction`), in the
table's units. 0 means the two effects add up; c means moving both the same way (both low ->
high, or both high -> low) moves the KPI c beyond the sum of moving each alone, opposite ways
-c. A pair's assumptions join the one-at-a-time table (without ``--only``, ``--pair`` alone
varies only them); ``--simultaneous`` adjusts that table's intervals, not the pairs'.

Run: python scripts/sensitivity.py [--scenario scenarios/pingyang.yaml] [--days 7] [--reps 10]
     [--seed N] [--jobs 2] [--only NAME,...] [--vary KEY=LOW,HIGH ...] [--pair NAME_A,NAME_B ...]
     [--rank-by KPI] [--simultaneous] [--out FILE.md] [--json FILE.json] [--debug]
     (the default, 21 runs of 7 days x 10 replications: about 2 minutes on 2 cores)
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sim.config.errors import UserError, closest  # noqa: E402
from sim.config.load import load_scenario  # noqa: E402
from sim.config.overrides import parse_path  # noqa: E402
from sim.config.scenario import Scenario  # noqa: E402
from sim.experiments.compare import compare_arms  # noqa: E402
from sim.experiments.compare_inputs import Arm, simulate_arm  # noqa: E402
from sim.reporting.files import jsonable, write_text  # noqa: E402
from sim.reporting.progress import Progress  # noqa: E402
from sim.results.stats import summarise  # noqa: E402

# (KPI, column title, a share?, short name) in the table's order
HEADLINE = (
    ("urban_10min", "urban 10 min (acceptance), pp", True, "acceptance"),
    ("urban_10min_arrival", "urban 10 min (arrival), pp", True, "arrival"),
    ("rural_same_day", "rural same day, pp", True, "rural"),
    ("open_overnight_per_1000", "open overnight, per 1,000", False, "overnight"),
)


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


@dataclass(frozen=True)
class Variant:
    """One side of an assumption: its overrides ({dotted key: value}), the scenario they make
    (loaded and checked once) and how to show them."""

    assumption: Assumption
    side: str  # "low" or "high"
    overrides: dict[str, Any]
    scenario: Scenario
    shown: str  # the values, e.g. "0.236 (x0.75)"


# a pair's corners in this order: (A's side, B's side)
CORNERS = (("low", "low"), ("low", "high"), ("high", "low"), ("high", "high"))


@dataclass(frozen=True)
class Corner:
    """One corner of a pair's 2x2: a side of assumption A and a side of B set together (their
    overrides merged), and the scenario they make (loaded and checked once)."""

    a: Variant
    b: Variant
    scenario: Scenario

    @property
    def label(self) -> str:
        """The corner's arm label, e.g. ``patience-low+rural_timeout-high``."""
        return f"{self.a.assumption.name}-{self.a.side}+{self.b.assumption.name}-{self.b.side}"


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
        load_scenario(path, overrides={key: 1})  # an unknown key: the loader's own line
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


def _number(value: float) -> str:
    return f"{value:.4g}"


def variants(path: Path, scenario: Scenario, chosen: list[Assumption]) -> list[Variant]:
    """Both sides of every chosen assumption, each loaded (and so checked) once, before anything
    runs: a wrong key or value is refused at once."""
    out = []
    for a in chosen:
        for side, spec in (("low", a.low), ("high", a.high)):
            overrides = {key: value_of(scenario, path, key, spec) for key in a.keys}
            loaded = load_scenario(path, overrides=overrides)
            values = ", ".join(dict.fromkeys(_number(v) for v in overrides.values()))
            shown = f"{values} ({spec})" if spec.startswith("x") else values
            out.append(Variant(a, side, overrides, loaded, shown))
    return out


def corners(
    path: Path, found: list[Variant], pairs: list[tuple[Assumption, Assumption]]
) -> list[list[Corner]]:
    """Every pair's four corners (in :data:`CORNERS`' order), each side's overrides those of the
    one-at-a-time variant ``found`` holds, the corner's scenario loaded (and so checked) once,
    before anything runs."""
    side = {(v.assumption, v.side): v for v in found}
    out = []
    for a, b in pairs:
        four = []
        for sa, sb in CORNERS:
            va, vb = side[a, sa], side[b, sb]
            four.append(Corner(va, vb, load_scenario(path, overrides={**va.overrides, **vb.overrides})))
        out.append(four)
    return out


def run_arm(scenario: Scenario, path: Path, label: str, args: argparse.Namespace, bar: Progress) -> Arm:
    """``scenario`` (loaded from ``path``), simulated as ``compare`` simulates an arm (the
    common seed, replications and days), as a comparison's arm labelled ``label``."""
    days, jobs = args.days, args.jobs
    return simulate_arm(scenario, str(path), args.seed, args.reps, days, jobs, progress=bar, label=label)


def _cell(d: dict, share: bool) -> str:
    k = 100 if share else 1
    if any(math.isnan(d[x]) for x in ("mean", "low", "high")):
        return "n/a"
    return f"{k * d['mean']:+.1f} [{k * d['low']:+.1f}, {k * d['high']:+.1f}]"


def _estimate(e: dict, share: bool) -> str:
    if share:
        return f"{e['mean']:.1%} [{e['low']:.1%}, {e['high']:.1%}]"
    return f"{e['mean']:.1f} [{e['low']:.1f}, {e['high']:.1f}]"


def against_default(result: dict, label: str) -> dict:
    """The arm ``label`` of a comparison's ``result`` (:func:`compare_arms`, the default first):
    each headline KPI's paired difference from the default (a share's as a fraction, the
    overnight count per 1,000 orders) with its interval and verdict, the arm's own estimates, and
    the KPIs whose counted orders differ from the default's."""
    j = result["scenarios"].index(label) - 1
    return {
        "effects": {
            k: {x: result["kpis"][k]["differences"][j][x] for x in ("mean", "low", "high", "verdict")}
            for k, *_ in HEADLINE
        },
        "estimates": {
            k: {x: result["kpis"][k]["estimates"][j + 1][x] for x in ("mean", "low", "high")}
            for k, *_ in HEADLINE
        },
        "other_orders": [k for k, *_ in HEADLINE if k in result["notes"]],
    }


def effects(
    base: Arm, chosen: list[Variant], result_of: list[dict], scenario: str, rank_by: str | None = None
) -> dict:
    """The study's numbers: the default's estimates of the headline KPIs (with the interval every
    output reports) and, per variant, its own estimates and each KPI's paired difference (variant
    - default: a share's as a fraction, the overnight count per 1,000 orders) with its interval.
    The variants are ranked by their assumption's largest absolute effect on any of the KPIs, or
    on ``rank_by`` alone (``largest``: its KPI, its difference and its size on the common scale,
    points of the orders: the overnight count divided by 10), each assumption's sides together."""
    rows = []
    for result, v in zip(result_of, chosen):
        label = f"{v.assumption.name}-{v.side}"
        rows.append(
            {
                "assumption": v.assumption.name,
                "what": v.assumption.what,
                "side": v.side,
                "spec": v.assumption.low if v.side == "low" else v.assumption.high,
                "value": v.shown,
                "overrides": v.overrides,
                **against_default(result, label),
            }
        )
    largest: dict[str, dict] = {}
    for row in rows:
        for k, _, share, _ in HEADLINE:
            m = abs(row["effects"][k]["mean"]) * (100 if share else 0.1)
            if rank_by not in (None, k) or math.isnan(m):
                continue
            top = largest.setdefault(row["assumption"], {"kpi": k, "difference": 0.0, "size": -1.0})
            if m > top["size"]:
                top.update(kpi=k, difference=row["effects"][k]["mean"], size=m)
    rank = sorted(largest, key=lambda n: -largest[n]["size"])
    rank += [r["assumption"] for r in rows if r["assumption"] not in rank]  # every KPI NaN
    rows.sort(key=lambda r: rank.index(r["assumption"]))
    first = result_of[0]
    return {
        "scenario": scenario,
        "seed": base.seed,
        "reps": len(base.replications),
        "days": base.days,
        "difference_level": first["difference_level"],
        "default": {
            k: {x: first["kpis"][k]["estimates"][0][x] for x in ("mean", "low", "high")} for k, *_ in HEADLINE
        },
        "ranked_by": rank_by or "any",
        "largest": {n: largest[n] for n in rank if n in largest},
        "rows": rows,
        "ranges": [
            {
                "assumption": a.name,
                "what": a.what,
                "keys": list(a.keys),
                "low": a.low,
                "high": a.high,
                "why": a.why,
            }
            for a in sorted(dict.fromkeys(v.assumption for v in chosen), key=lambda a: rank.index(a.name))
        ],
    }


def interaction(base: Arm, four: list[Corner], arms: list[Arm], level: float = 0.95) -> dict:
    """A pair's numbers: per corner (A's side x B's side, :data:`CORNERS`' order) its values, its
    paired difference from the default and its own estimates (:func:`against_default`), and per
    headline KPI the interaction contrast.

    The contrast is computed per replication i, from the four corners' values of the KPI under
    common random numbers: c_i = y_hh,i - y_hl,i - y_lh,i + y_ll,i (first letter A's side, second
    B's), that is A's effect (low -> high) with B high minus A's effect with B low (and, the same
    number, B's effect with A high minus with A low). Its mean, sd and Student-t interval at
    ``level`` over the replications (:func:`sim.results.stats.summarise`; a replication where
    the KPI is undefined in any corner is left out) are a share's as a fraction, the overnight
    count per 1,000 orders, like the differences. 0 means the two effects add up: moving both
    from one corner to the opposite one moves the KPI by the sum of moving each alone; c more
    (both the same way, low -> high or high -> low) or c less (opposite ways) otherwise."""
    a, b = four[0].a.assumption, four[0].b.assumption
    rows = []
    for corner, arm in zip(four, arms):
        result = compare_arms([base, arm], level)
        rows.append(
            {
                "corner": corner.label,
                "sides": [corner.a.side, corner.b.side],
                "values": [corner.a.shown, corner.b.shown],
                "overrides": {**corner.a.overrides, **corner.b.overrides},
                **against_default(result, corner.label),
                "replications": {k: [rep[k] for rep in arm.replications] for k, *_ in HEADLINE},
            }
        )
    contrast = {}
    for k, *_ in HEADLINE:
        ll, lh, hl, hh = (r["replications"][k] for r in rows)
        values = [y_hh - y_hl - y_lh + y_ll for y_ll, y_lh, y_hl, y_hh in zip(ll, lh, hl, hh)]
        s = summarise(values, level)
        contrast[k] = {**{x: s[x] for x in ("mean", "sd", "low", "high", "n")}, "replications": values}
    return {
        "a": {"assumption": a.name, "what": a.what},
        "b": {"assumption": b.name, "what": b.what},
        "level": level,
        "corners": rows,
        "interaction": contrast,
    }


def _unit(share: bool) -> tuple[float, str]:
    return (100, "pp") if share else (1, "per 1,000")


def reading(pair: dict, kpi: str, share: bool) -> str:
    """One line on a pair's interaction contrast of ``kpi`` for a planner: its size and what it
    means when its interval excludes 0, else that no interaction shows at this precision."""
    c = pair["interaction"][kpi]
    k, unit = _unit(share)
    a, b = pair["a"]["assumption"], pair["b"]["assumption"]
    if any(math.isnan(c[x]) for x in ("mean", "low", "high")):
        return f"{kpi}: n/a (undefined in the replications, or too few of them)"
    shown = f"{k * c['mean']:+.1f} {unit} [{k * c['low']:+.1f}, {k * c['high']:+.1f}]"
    if c["low"] <= 0 <= c["high"]:
        return f"{kpi}: no interaction detected at this precision ({shown})"
    x = k * c["mean"]
    return (
        f"{kpi}: interaction {shown}: {a}'s effect (low -> high) is {abs(x):.1f} {unit} "
        f"{'higher' if x > 0 else 'lower'} with {b} high than with {b} low; moved together, the two "
        f"change it {x:+.1f} {unit} beyond the sum of each alone when both move the same way (low -> "
        f"high, or high -> low), {-x:+.1f} {unit} when they move opposite ways"
    )


def pair_markdown(pair: dict) -> list[str]:
    """A pair's table (each corner's paired difference from the default, then the interaction
    contrast, each with its interval) and the one-line readings."""
    a, b = pair["a"], pair["b"]
    lines = [
        "",
        f"Two together: {a['what']} (`{a['assumption']}`) x {b['what']} (`{b['assumption']}`), "
        f"each corner's paired difference from the default and the interaction contrast "
        f"(y_hh - y_hl - y_lh + y_ll per replication), with {100 * pair['level']:g}% intervals:",
        "",
        f"| {a['assumption']} | {b['assumption']} | " + " | ".join(t for _, t, *_ in HEADLINE) + " |",
        "|---|---|" + "---|" * len(HEADLINE),
    ]
    for row in pair["corners"]:
        sides = [f"{side}: {value}" for side, value in zip(row["sides"], row["values"])]
        cells = [_cell(row["effects"][k], share) for k, _, share, _ in HEADLINE]
        lines.append(f"| {sides[0]} | {sides[1]} | " + " | ".join(cells) + " |")
    cells = [_cell(pair["interaction"][k], share) for k, _, share, _ in HEADLINE]
    lines += ["| interaction | (hh - hl - lh + ll) | " + " | ".join(cells) + " |", ""]
    lines += [f"- {reading(pair, k, share)}" for k, _, share, _ in HEADLINE]
    other = [f"{r['corner']}: {', '.join(r['other_orders'])}" for r in pair["corners"] if r["other_orders"]]
    if other:
        lines += [
            "",
            "These corners change which orders there are (or which a KPI judges), so their "
            "differences compare other orders than the default's: " + "; ".join(other) + ".",
        ]
    return lines


def markdown(study: dict) -> str:
    """The report: the default's estimates, the ranked differences, the ranges and their reasons,
    then each pair's table and readings."""
    level = 100 * study["difference_level"]
    lines = [
        f"Default ({study['scenario']}, {study['reps']} replications x {study['days']:g} days, seed "
        f"{study['seed']}): "
        + "; ".join(f"{k} {_estimate(study['default'][k], share)}" for k, _, share, _ in HEADLINE)
        + ".",
        "",
        f"Paired difference, variant - default (common random numbers), and its {level:g}% interval; "
        + (
            "ranked by the largest absolute effect on any of the KPIs (the overnight count / 10 as "
            "points of the orders):"
            if study["ranked_by"] == "any"
            else f"ranked by the absolute effect on {study['ranked_by']}:"
        ),
        "",
        "| assumption | largest effect | side | value | " + " | ".join(t for _, t, *_ in HEADLINE) + " |",
        "|---|---|---|---|" + "---|" * len(HEADLINE),
    ]
    seen = set()
    short = {k: (share, name) for k, _, share, name in HEADLINE}
    for row in study["rows"]:
        what, top = "", ""
        if row["assumption"] not in seen:
            what = row["what"]
            if (t := study["largest"].get(row["assumption"])) is not None:
                share, name = short[t["kpi"]]
                top = (
                    f"{100 * abs(t['difference']):.1f} pp"
                    if share
                    else f"{abs(t['difference']):.1f} per 1,000"
                )
                top += f" ({name})"
        seen.add(row["assumption"])
        cells = [_cell(row["effects"][k], share) for k, _, share, _ in HEADLINE]
        lines.append(f"| {what} | {top} | {row['side']} | {row['value']} | " + " | ".join(cells) + " |")
    lines += ["", "| assumption | keys | low | high | why this range |", "|---|---|---|---|---|"]
    for a in study["ranges"]:
        keys = ", ".join(f"`{k}`" for k in a["keys"])
        lines.append(f"| {a['what']} | {keys} | {a['low']} | {a['high']} | {a['why']} |")
    other = [
        f"{r['what']} ({r['side']}): {', '.join(r['other_orders'])}"
        for r in study["rows"]
        if r["other_orders"]
    ]
    if other:
        lines += [
            "",
            "These variants change which orders there are (or which a KPI judges), so their "
            "differences compare other orders than the default's, not the same orders served "
            "better or worse: " + "; ".join(other) + ".",
        ]
    for pair in study.get("pairs", []):
        lines += pair_markdown(pair)
    return "\n".join(lines)


def custom(text: str) -> Assumption:
    """An assumption of ``--vary KEY=LOW,HIGH``."""
    key, _, values = text.partition("=")
    low, _, high = values.partition(",")
    if not key or not low or not high or "," in high:
        raise UserError(f"--vary {text}: expected KEY=LOW,HIGH, e.g. dispatch.alerts.wave_size=3,8")
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


def choose(args: argparse.Namespace) -> tuple[list[Assumption], list[tuple[Assumption, Assumption]]]:
    """The assumptions to vary one at a time: the table's (those --only names; all of them unless
    --vary or --pair is given), --vary's and every one a --pair names; and the pairs (the table's
    names or --vary's keys; a pair given twice, in either order, runs once)."""
    own = [custom(t) for t in args.vary]
    table = {a.name: a for a in ASSUMPTIONS}
    pairs: dict[frozenset, tuple[Assumption, Assumption]] = {}
    for text in args.pair:
        a, b = pair_of(text, {**table, **{a.name: a for a in own}})
        pairs.setdefault(frozenset((a, b)), (a, b))
    if args.only is None:
        first = [] if own or pairs else list(ASSUMPTIONS)
    else:
        first = named("--only", args.only, [n.strip() for n in args.only.split(",") if n.strip()], table)
    paired = [x for pair in pairs.values() for x in pair]
    return list(dict.fromkeys(first + own + paired)), list(pairs.values())


def shown_path(path: Path) -> str:
    """The scenario as the report names it: relative to the working folder or the repository
    when inside either, else as given."""
    for folder in (Path.cwd(), ROOT):
        try:
            return path.resolve().relative_to(folder.resolve()).as_posix()
        except ValueError:
            continue
    return str(path)


def sensitivity(args: argparse.Namespace) -> dict:
    """Simulate the default and every variant; the study's numbers (:func:`effects`)."""
    path = Path(args.scenario)
    scenario = load_scenario(path)
    args.seed = scenario.run.seed if args.seed is None else args.seed
    assumptions, pairs = choose(args)
    chosen = variants(path, scenario, assumptions)
    squares = corners(path, chosen, pairs)
    bar = Progress(args.reps * (1 + len(chosen) + 4 * len(squares)), "sensitivity")
    start = time.monotonic()
    print(f"default: {args.reps} replications x {args.days:g} days", file=sys.stderr)
    base = run_arm(scenario, path, "default", args, bar)
    arms = []
    for i, v in enumerate(chosen, 1):
        print(
            f"[{i}/{len(chosen)}] {v.assumption.name} {v.side} ({v.shown}), "
            f"{time.monotonic() - start:.0f} s so far",
            file=sys.stderr,
        )
        arms.append(run_arm(v.scenario, path, v.assumption.name + "-" + v.side, args, bar))
    pair_arms = []
    for i, four in enumerate(squares, 1):
        print(
            f"[pair {i}/{len(squares)}] {four[0].a.assumption.name} x {four[0].b.assumption.name}, "
            f"4 corners, {time.monotonic() - start:.0f} s so far",
            file=sys.stderr,
        )
        pair_arms.append([run_arm(c.scenario, path, c.label, args, bar) for c in four])
    if args.simultaneous:
        result = compare_arms([base, *arms])
        result_of = [result] * len(arms)
    else:
        result_of = [compare_arms([base, arm]) for arm in arms]
    study = effects(base, chosen, result_of, shown_path(path), args.rank_by)
    study["pairs"] = [interaction(base, four, arms) for four, arms in zip(squares, pair_arms)]
    return study


def main(argv: list[str] | None = None) -> int:
    """Print the sensitivity tables (and write them with --out); exit 2 on a user's error."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default=str(ROOT / "scenarios" / "pingyang.yaml"))
    parser.add_argument("--days", type=float, default=7.0, help="measured days per replication")
    parser.add_argument("--reps", type=int, default=10)
    parser.add_argument("--seed", type=int, default=None, help="root seed (default: the scenario's run.seed)")
    parser.add_argument("--jobs", type=int, default=2, help="worker processes (results do not depend on it)")
    parser.add_argument(
        "--only",
        default=None,
        help="comma-separated names of the table's assumptions: " + ",".join(a.name for a in ASSUMPTIONS),
    )
    parser.add_argument(
        "--vary",
        action="append",
        default=[],
        metavar="KEY=LOW,HIGH",
        help="another assumption (a value, or xF: F times the scenario's); alone, instead of the table's",
    )
    parser.add_argument(
        "--pair",
        action="append",
        default=[],
        metavar="NAME_A,NAME_B",
        help="also run the 2x2 corners of two assumptions (a table's name or a --vary key) and "
        "report their interaction; repeatable",
    )
    parser.add_argument(
        "--rank-by",
        choices=[k for k, *_ in HEADLINE],
        default=None,
        help="rank by the effect on this KPI alone (default: the largest on any of them)",
    )
    parser.add_argument(
        "--simultaneous",
        action="store_true",
        help="Bonferroni-adjust the one-at-a-time table's intervals to hold together at 95%% "
        "(not the pairs')",
    )
    parser.add_argument("--out", default=None, help="also write the tables to this Markdown file")
    parser.add_argument(
        "--json", default=None, help="also write the numbers (differences as fractions) as JSON"
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks for errors")
    args = parser.parse_args(argv)
    try:
        if args.reps < 2:
            raise UserError(f"--reps {args.reps}: expected 2 or more (an interval needs 2 replications)")
        study = sensitivity(args)
        report = markdown(study)
        print(report)
        if args.out:
            write_text(Path(args.out), report + "\n")
            print(f"wrote {args.out}", file=sys.stderr)
        if args.json:
            write_text(Path(args.json), json.dumps(jsonable(study), indent=1) + "\n")
            print(f"wrote {args.json}", file=sys.stderr)
    except UserError as exc:
        if args.debug:
            raise
        return exc.report()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
