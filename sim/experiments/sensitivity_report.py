"""A sensitivity study's report: the Markdown tables and the one-line readings.

Each reads the numbers :func:`sim.experiments.sensitivity.run_study` returns (the JSON is those
numbers as they are) and computes no statistic: :func:`markdown` gives the default's estimates,
the ranked table of paired differences (percentage points for a share, per 1,000 orders for the
overnight count) with their intervals, the assumptions' ranges and their reasons, then per pair
:func:`pair_markdown`, its corners' table, the interaction contrast and :func:`reading`'s line
per KPI for a planner. Kept apart from the study so that how it is shown can change without
touching how it is estimated.
"""

from __future__ import annotations

import math

from sim.experiments.sensitivity import HEADLINE, columns, unit_word
from sim.reporting.formatting import end_text, interval_estimate_text, plural, value_text
from sim.reporting.kpi_summary import VERDICT_WORDS, target_text, with_edge
from sim.results.kpi_catalogue import kpi_info


def _signed(value: float) -> str:
    """A difference with one decimal and its sign; one that rounds to 0 is ``0.0``, unsigned
    (:func:`sim.reporting.formatting.value_text`)."""
    return value_text(value, "", signed=True)


def _interval(mean: float, low: float, high: float) -> str:
    """A difference (already in the table's unit: percentage points for a share) with its
    interval, as ``compare`` writes one: the mean as :func:`_signed`, each end as
    :func:`sim.reporting.formatting.difference_text` signs it, so that an end that is not 0
    but rounds to 0 keeps two significant digits and its sign (``-2.3 [-4.7, -0.015]``): which
    side of 0 it lies on is what says whether the difference is significant."""
    return f"{_signed(mean)} [{end_text(low, '')}, {end_text(high, '')}]"


def _cell(d: dict, share: bool) -> str:
    k = 100 if share else 1
    if any(math.isnan(d[x]) for x in ("mean", "low", "high")):
        return "n/a"
    return _interval(k * d["mean"], k * d["low"], k * d["high"])


def _estimate(kpi: str, e: dict) -> str:
    """The default's estimate of ``kpi`` as ``run`` prints it (``66.2% [55.1%, 75.8%]``,
    ``26.1 [10.6, 63.1] per 1,000 orders``) and, for a KPI the scenario holds to a target, the
    target and the verdict against it in ``run``'s words, an edge met with its note
    (``vs >= 90.0%: missed``): sensitivity.json's ``default`` keeps the comparison's
    judgement (:func:`sim.results.verdict.judge`, the verdict ``run`` gives the same
    replications)."""
    unit = kpi_info(kpi)[1]
    text = interval_estimate_text(e["mean"], e["low"], e["high"], unit)
    if not e.get("verdict"):
        return text
    k = {**e, "unit": unit}
    return f"{text} vs {target_text(k)}: {with_edge(k, VERDICT_WORDS[e['verdict']])}"


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
    shown = f"{_signed(k * c['mean'])} {unit} [{end_text(k * c['low'], '')}, {end_text(k * c['high'], '')}]"
    if c["low"] <= 0 <= c["high"]:
        return f"{kpi}: no interaction detected at this precision ({shown})"
    x = k * c["mean"]
    return (
        f"{kpi}: interaction {shown}: {a}'s effect (low -> high) is {abs(x):.1f} {unit} "
        f"{'higher' if x > 0 else 'lower'} with {b} high than with {b} low; moved together, the two "
        f"change it {_signed(x)} {unit} beyond the sum of each alone when both move the same way (low -> "
        f"high, or high -> low), {_signed(-x)} {unit} when they move opposite ways"
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
    then each pair's table and readings. Ranked by a KPI outside the headline, the tables of the
    default and of the differences show it after the headline KPIs
    (:func:`sim.experiments.sensitivity.columns`)."""
    level = 100 * study["difference_level"]
    ranked = study["ranked_by"]
    shown = columns(None if ranked == "any" else ranked)
    lines = [
        f"Default ({study['scenario']}, {plural(study['reps'], 'replication')} x "
        f"{plural(study['days'], 'day')}, seed {study['seed']}): "
        + "; ".join(f"{k} {_estimate(k, study['default'][k])}" for k, *_ in shown)
        + ".",
        "",
        f"Paired difference, variant - default (common random numbers), and its {level:g}% interval; "
        + (
            "ranked by the largest absolute effect on any of the KPIs (the overnight count / 10 as "
            "points of the orders):"
            if study["ranked_by"] == "any"
            else f"ranked by the absolute effect on {ranked}:"
        ),
        "",
        "| assumption | largest effect | side | value | " + " | ".join(t for _, t, *_ in shown) + " |",
        "|---|---|---|---|" + "---|" * len(shown),
    ]
    seen = set()
    short = {k: (share, name) for k, _, share, name in shown}
    for row in study["rows"]:
        what, top = "", ""
        if row["assumption"] not in seen:
            what = row["what"]
            if (t := study["largest"].get(row["assumption"])) is not None:
                share, name = short[t["kpi"]]
                size = (100 if share else 1) * abs(t["difference"])
                top = f"{size:.1f} {unit_word(t['kpi'])} ({name})"
        seen.add(row["assumption"])
        cells = [_cell(row["effects"][k], share) for k, _, share, _ in shown]
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
