"""A run's KPI summary: the content of ``kpis.json`` (every KPI's mean, sd, 95% interval and,
against a target, its verdict and, when uncertain, how many replications would decide it) and
the plain-text tables ``run`` prints from it (the KPIs against their targets; compliance by
town).

Everything here reads replication results or the summary; :mod:`sim.reporting.report` writes the
summary into the results folder.
"""

from __future__ import annotations

import math

from sim.config.scenario import Scenario
from sim.reporting.formatting import (
    display_width,
    estimate_text,
    format_number,
    interval_estimate_text,
    pad,
    target_number,
    with_unit,
)
from sim.reporting.i18n import tr
from sim.results.causes import miss_cause_table
from sim.results.decide import reps_to_decide
from sim.results.event_causes import event_cause_table
from sim.results.kpi_catalogue import KPI_INFO, TOWN_KPI_PARTS, town_kpi_info
from sim.results.kpis import town_zones
from sim.results.promises import TIME_BANDS
from sim.results.summary import RepResult, summarise_kpis, total_orders
from sim.results.verdict import VERDICTS, judge, kpi_targets
from sim.results.warmup import warmup_record
from sim.world.build import World


def build_summary(scenario: Scenario, results: list[RepResult], seed: int, world: World) -> dict:
    """The content of kpis.json: every KPI's mean, sd and interval, and for the KPIs with a
    target its verdict and ``at_edge`` (an edge met), all from
    :func:`sim.results.verdict.judge` (the one verdict every output shows); an uncertain
    verdict's row adds ``reps_to_decide``
    (:func:`sim.results.decide.reps_to_decide`: the replications in all that would decide it
    if the estimate and spread held, None when indistinguishable from the target)."""
    summary = summarise_kpis(results)
    tg = kpi_targets(world)
    kpis = {}
    for name, s in summary.items():
        label, unit, direction = KPI_INFO.get(name) or town_kpi_info(name) or (name, "share", +1)
        op, threshold = tg.get(name, (None, None))
        values = [r.kpis[name] for r in results]
        orders = total_orders(results, name)
        j = judge(values, unit, op, threshold, orders)
        row = {
            "label": label,
            "unit": unit,
            "direction": direction,
            "mean": j.mean,
            "sd": s["sd"],
            "half_width": j.half_width,
            "low": j.low,
            "high": j.high,
            "n": j.n,
            "interval": j.method,
        }
        if orders is not None:
            row["orders"] = orders
        if op is not None:
            # at_edge: a met resting on every replication exactly at an edge target (docs/kpis.md)
            row.update(target=threshold, target_op=op, verdict=j.verdict, at_edge=j.at_edge)
        if j.verdict == "uncertain":
            row["reps_to_decide"] = reps_to_decide(values, unit, op, threshold, orders)
        kpis[name] = row
    causes = miss_cause_table(results, world)
    event_causes = event_cause_table(results, world)
    return {
        "scenario": scenario.name,
        "title": scenario.title or scenario.name,
        "title_zh": scenario.title_zh or scenario.title or scenario.name,
        "description": scenario.description.strip(),
        "description_zh": scenario.description_zh.strip(),
        "seed": seed,
        "reps": len(results),
        "days": scenario.run.days,
        "warmup_days": scenario.run.warmup_days,
        "warmup_check": warmup_record(results, scenario.run.warmup_days),  # MSER-5, docs/outputs.md
        # an extended run (docs/extending.md) says so: its results are not the scenario's own
        **({"extension": results[0].extension} if results and results[0].extension else {}),
        "kpis": kpis,
        **({} if causes is None else {"miss_causes": causes}),
        # the misses of each surge event's deadline by cause (sim.results.event_causes)
        **({} if event_causes is None else {"event_causes": event_causes}),
        "replications": [r.kpis for r in results],
    }


def interval_text(k: dict) -> str:
    """A kpis.json row's estimate and interval as text: ``97.0% [96.5%, 97.5%]``, or the
    estimate alone with ``(1 replication)`` (``38.9 orders/week (1 replication)``)."""
    if k["n"] > 1:
        return interval_estimate_text(k["mean"], k["low"], k["high"], k["unit"])
    text = estimate_text(k["mean"], k["unit"])
    return f"{text} (1 replication)" if k["n"] == 1 else text


def kpi_table(summary: dict, names: list[str] | None = None) -> str:
    """A compact plain-text table of KPIs against targets, then, for each uncertain verdict
    whose kpis.json row has ``reps_to_decide``, a line saying how many replications in all
    would decide it, or that it is indistinguishable from its target (the verdict column
    keeps the one word, with an edge met's note: "met (0.0 per 1,000 orders in all 2
    replications)"). When ``event_on_time`` is shown, missed or uncertain, the line on the
    largest cause of the event orders' misses (:func:`event_cause_line`) comes right under the
    table, before those lines."""
    rows = [("KPI", "estimate [95% interval]", "target", "verdict")]
    undecided = []
    kpis = summary["kpis"]
    for name in names or [n for n in kpis if not n.startswith("town.")]:
        if name not in kpis:
            continue
        k = kpis[name]
        target = target_text(k) if "target" in k else ""
        verdict = with_edge(k, VERDICT_WORDS.get(k.get("verdict", ""), ""))
        rows.append((f"{k['label']} [{name}]", interval_text(k), target, verdict))
        if k.get("verdict") == "uncertain" and "reps_to_decide" in k:
            undecided.append(f"  {name}: {decide_text(k)}")
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    # the event's cause right under the table, so that it is not read as an uncertain verdict
    event = event_cause_line(summary) if "event_on_time" in (names or kpis) else None
    if event is not None:
        lines.append(event)
    if undecided:
        lines += [UNDECIDED_HEADER, *undecided]
    return "\n".join(lines)


def event_cause_line(summary: dict, lang: str = "en") -> str | None:
    """When ``event_on_time`` is missed or uncertain and its orders missed: the largest cause
    of the misses, summed over the events (kpis.json's ``event_causes``; a tie goes to the
    first in precedence), its share of them, the misses a replication, and its lever naming
    the scenario keys to change ("Most misses: "No crew on duty or free" (100.0% of 39 a
    replication); lever: ..."). None otherwise, and for a results folder without the
    table."""
    verdict = summary["kpis"].get("event_on_time", {}).get("verdict")
    table = summary.get("event_causes")
    if verdict not in ("missed", "uncertain") or not table:
        return None
    causes, rows = table["causes"], table["events"]
    missed = sum(row["missed"] for row in rows)
    if missed <= 0:
        return None
    totals = {c: sum(row[c] for row in rows) for c in causes}
    cause = max(causes, key=lambda c: totals[c])  # (max keeps the first of equals)
    per_rep = missed / max(1, table["replications"])
    many = f"{per_rep:,.0f}" if lang != "zh" else f"{per_rep:.0f}"  # (no separators in Chinese)
    return tr(
        "brief.event_cause",
        lang,
        cause=tr(f"cause.{cause}", lang),
        share=format_number(totals[cause] / missed, "share"),
        missed=many if per_rep >= 10 else f"{per_rep:.1f}",
        lever=tr(f"lever.{cause}", lang),
    )


# the heading of the KPI table's lines on its uncertain verdicts (docs/kpis.md, "Verdicts")
UNDECIDED_HEADER = "Uncertain verdicts, and how many replications would decide them:"


def verdict_text(k: dict, lang: str = "en") -> str:
    """A kpis.json row's verdict in words; an uncertain one with how many replications in all
    would decide it, from its ``reps_to_decide`` ("uncertain (about 12 replications in all
    would decide it)", or "(indistinguishable from the target)"; a row without the key, of an
    older results folder, gives the word alone)."""
    verdict = k.get("verdict", "")
    word = tr(f"verdict.{verdict}", lang) if verdict else ""
    if verdict == "uncertain" and "reps_to_decide" in k:
        return tr("with_note", lang, text=word, note=decide_text(k, lang))
    return with_edge(k, word, lang)


def with_edge(k: dict, word: str, lang: str = "en") -> str:
    """A verdict ``word`` of a kpis.json row, with its edge met's note when it is one (``at_edge``
    true: every replication exactly at a target at the KPI's extreme, weak evidence with few of
    them): "met (0.0 per 1,000 orders in all 2 replications)"; the word alone for any other row
    (and a row of an older results folder, without the key)."""
    if not k.get("at_edge"):
        return word
    return tr("with_note", lang, text=word, note=edge_note(k, lang))


def edge_note(k: dict, lang: str = "en") -> str:
    """What makes a kpis.json row's met an edge met: "0.0 per 1,000 orders in all 2
    replications" (:func:`with_edge`)."""
    value = with_unit(target_number(k["target"], k["unit"]), k["unit"])
    return tr("verdict.edge", lang, value=value, n=k["n"])


def decide_text(k: dict, lang: str = "en") -> str:
    """What more replications would do to an uncertain kpis.json row (its ``reps_to_decide``):
    "about 12 replications in all would decide it" or "indistinguishable from the target"."""
    reps = k.get("reps_to_decide")
    if reps is None:
        return tr("verdict.indistinguishable", lang)
    return tr("verdict.decide_in", lang, reps=reps)


def target_text(k: dict) -> str:
    """A kpis.json row's target with its unit, with every digit it has
    (:func:`sim.reporting.formatting.target_number`, as the briefing writes it): ``>= 90.0%``,
    ``>= 94.75%``, ``<= 0.0 per 1,000 orders``."""
    return with_unit(f"{k['target_op']} {target_number(k['target'], k['unit'])}", k["unit"])


TOWN_HEADER = ("town", "name", "all orders", "by zone: estimate [95% interval] vs target: verdict")


def town_table(summary: dict, world: World) -> str:
    """Compliance per town, worst first, under a header row: the town (pinyin, characters), its
    orders meeting their zone's promise (``all orders``: kpis.json's ``town.<pinyin>.compliance``),
    then each promise the town is judged on (kpis.json's verdicts), named by zone, with its 95%
    interval, target and verdict: a town with one zone is judged on all its orders (the same
    share again, with its interval), a town with both zones on each zone apart; a town with
    urban places then shows its urban orders in the promise's other reading and by the band of
    the day they were placed in ("urban, night 22-07"), a breakdown that leaves the town's own
    verdict (the briefing's) as it is. Each promise is on a line of its own (a town's later ones
    under its first, the other columns blank), so a town judged six ways stays readable in a
    terminal. The names are padded to the widest name's terminal columns (Chinese characters
    take two)."""
    rows = []
    kpis = summary["kpis"]
    for t, (pinyin, zones) in enumerate(zip(world.towns.pinyin, town_zones(world))):
        k = kpis.get(f"town.{pinyin}.compliance")
        if k is None:
            continue
        judged = [
            (ZONE_OF.get(part) or ZONE_NAMES[zones[0]], kpis[f"town.{pinyin}.{part}"])
            for part in TOWN_KPI_PARTS
            if "verdict" in kpis.get(f"town.{pinyin}.{part}", {})
        ]
        notes = [f"{zone} {interval_text(j)} vs {target_text(j)}: {verdict_text(j)}" for zone, j in judged]
        first = (pinyin, world.towns.name[t], format_number(k["mean"], "share"), notes[0] if notes else "")
        rows.append((k["mean"], [first, *(("", "", "", note) for note in notes[1:])]))
    rows.sort(key=lambda r: (math.isnan(r[0]), r[0]))
    lines = [TOWN_HEADER, *(line for r in rows for line in r[1])]
    widths = [max(display_width(line[i]) for line in lines) for i in range(4)]
    lines.insert(1, tuple("-" * w for w in widths))
    return "Compliance by town, worst first: the share of orders meeting their zone's promise\n" + "\n".join(
        f"  {pad(a, widths[0])}  {pad(b, widths[1])}  {pad(c, widths[2], right=True)}  {d}".rstrip()
        for a, b, c, d in lines
    )


# what each judged town KPI judges, in the town table (the urban promise's other reading, and
# its orders by the band of the day they were placed in: "urban, night 22-07")
ZONE_OF = {
    "urban_10min": "urban",
    "rural_same_day": "rural",
    "urban_10min_acceptance": "urban, at acceptance",
    "urban_10min_arrival": "urban, at arrival",
    **{f"urban_10min_{band}": f"urban, {band} {a:02d}-{b:02d}" for band, (a, b) in TIME_BANDS.items()},
}
ZONE_NAMES = ("urban", "rural")  # a place's zone: 0 urban, 1 rural
# a promise verdict (kpis.json's) in words, English: the briefing's table (i18n) gives them
VERDICT_WORDS = {v: tr(f"verdict.{v}", "en") for v in VERDICTS} | {"": ""}
