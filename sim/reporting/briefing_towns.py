"""The briefing's line on the towns' verdicts: how many towns meet, miss or cannot yet be judged
against their promises, the missed ones named with the largest cause of their misses, and how
many replications would decide the uncertain ones. The towns' rows it counts, and the worst
towns' sentences, are :mod:`sim.reporting.briefing_town_rows`'s. Every figure comes from
kpis.json; the wording, in English and Chinese, from :mod:`sim.reporting.i18n`.
"""

from __future__ import annotations

from sim.reporting.briefing_headline import shown
from sim.reporting.briefing_promises import verdict_parts
from sim.reporting.briefing_town_rows import no_order_towns, town_rows
from sim.reporting.formatting import format_number
from sim.reporting.i18n import tr
from sim.reporting.miss_levers import counts_arrivals, largest_cause, miss_table, per_week, shown_cause
from sim.results.verdict import LEVEL


def has_urban(data: dict, t: int) -> bool:
    """Whether town ``t`` has urban places (chart_data.json's places)."""
    places = data.get("places") or {}
    return any(z == 0 and town == t for z, town in zip(places.get("zone", []), places.get("town", [])))


def town_reps_to_decide(summary: dict, pinyin: str) -> tuple[bool, int | None]:
    """(known, replications): how many replications in all would decide an uncertain town, the
    most its uncertain judged KPIs need (its ``compliance``, or for a town with both zones
    its ``urban_10min`` and ``rural_same_day``: kpis.json's ``reps_to_decide``); None when one
    of them is indistinguishable from its target; known False when kpis.json has no
    ``reps_to_decide`` for them (a results folder of an older version)."""
    kpis = summary["kpis"]
    rows = [
        kpis[name]
        for name in (f"town.{pinyin}.{part}" for part in ("compliance", "urban_10min", "rural_same_day"))
        if kpis.get(name, {}).get("verdict") == "uncertain" and "reps_to_decide" in kpis[name]
    ]
    if not rows:
        return False, None
    if any(k["reps_to_decide"] is None for k in rows):
        return True, None
    return True, max(k["reps_to_decide"] for k in rows)


def town_verdict_line(summary: dict, data: dict, lang: str) -> list[str]:
    """One line on the towns' verdicts (:func:`town_rows`, a town with both zones by the worse
    of its zones'): how many are met, missed (named, with the largest cause of their misses
    from kpis.json's ``miss_causes.towns`` when there are at most 3) and uncertain; for the
    uncertain, how many replications in all would decide those that more replications can
    decide (the most any of them needs, :func:`town_reps_to_decide`), and which are
    indistinguishable from their target; when a town is missed, that each town is judged on
    its own at 95%, so that of n towns all exactly at their targets, 1 - 0.975^n of runs would
    still show one missed by chance (a third of runs with 16). A town without orders in the
    measured days is counted and named ("1 without orders (Nanji)"), so that the line's towns
    are the scenario's. None without towns."""
    rows = town_rows(summary, data, lang)
    empty = no_order_towns(summary, data, lang)  # named: the count is of all the scenario's towns
    if not rows and not empty:
        return []
    table = miss_table(summary)
    missed = sum(r["verdict"] == "missed" for r in rows)
    arrival = counts_arrivals(data)

    def named(r: dict) -> str:  # a missed town (up to 3 of them) with its largest cause
        towns = table.get("towns")
        row = towns.get(r["pinyin"]) if r["verdict"] == "missed" and isinstance(towns, dict) else None
        keys = ("missed", *table["causes"])
        if missed > 3 or not isinstance(row, dict) or not all(isinstance(row.get(k), int) for k in keys):
            return r["label"]
        if row["missed"] <= 0:
            return r["label"]
        cause = largest_cause(row, table["causes"])
        share = format_number(row[cause] / row["missed"], "share")
        # a town's urban orders are judged at the scenario's reading: at arrival, its misses
        # whose trip alone was too long are named as the urban promise's line names them (its
        # row does not split them by zone; turnout and travel name a rural order's as well)
        cause = shown_cause(cause, arrival and has_urban(data, r["index"]))
        value = shown(r["mean"], "share", lang)  # (its score first: the cause's share is of its misses)
        # (its orders a week: the table sums them over the replications)
        orders = per_week(row["orders"], table, summary, lang) if isinstance(row.get("orders"), int) else "?"
        return tr(
            "brief.town_cause",
            lang,
            town=r["label"],
            value=value,
            orders=orders,
            share=share,
            cause=tr(f"cause.{cause}", lang),
        )

    items = [(r["verdict"], named(r)) for r in rows] + [("no_orders", label) for label in empty]
    text = tr(
        "brief.towns_line",
        lang,
        count=len(items),
        parts=verdict_parts(items, ("missed", "no_orders"), lang, "town"),
    )
    uncertain = [r for r in rows if r["verdict"] == "uncertain"]
    decide = [town_reps_to_decide(summary, r["pinyin"]) for r in uncertain]
    decidable = [reps for known, reps in decide if known and reps is not None]
    if decidable:
        key = "brief.towns_decide_all" if len(decidable) == len(uncertain) else "brief.towns_decide"
        text += tr(key, lang, reps=max(decidable), decided=len(decidable))
    indistinguishable = [r["label"] for r, (known, reps) in zip(uncertain, decide) if known and reps is None]
    if indistinguishable:
        names = tr("brief.names.sep", lang).join(indistinguishable)
        text += tr("brief.towns_indistinguishable", lang, names=names)
    if missed and len(rows) > 1:  # a town read missed may be chance: so many towns are judged
        one_sided = 1 - (1 - LEVEL) / 2  # (a town exactly at its target: its interval wholly below)
        text += tr(
            "brief.towns_multiplicity",
            lang,
            level=f"{LEVEL:.0%}",
            count=len(rows),
            chance=f"{1 - one_sided ** len(rows):.0%}",
        )
    return [text]
