"""Which cause of missed orders a briefing names, and the lever that would fix it: the largest
cause of a row of kpis.json's ``miss_causes`` table (a group's, a town's or a promise's own
orders), how the urban misses judged at arrival are named (:func:`shown_cause`), the lever for
each cause (the cancellations still waiting at their village, and the professional orders
waiting for an organisation, have levers of their own: :func:`lever`), and the briefing's line
on the largest cause overall. The wording, in English and Chinese, comes from
:mod:`sim.reporting.i18n`.
"""

from __future__ import annotations

from sim.reporting.briefing_scenario import drivers_text
from sim.reporting.formatting import format_number, per_rep_text
from sim.reporting.i18n import tr
from sim.results.causes import AT_VILLAGE, PROFESSIONAL_NOT_ASSIGNED


def miss_table(summary: dict) -> dict:
    """kpis.json's ``miss_causes`` (an empty table when the run kept no logs)."""
    table = summary.get("miss_causes")
    return table if table else {"replications": max(1, summary["reps"]), "causes": [], "groups": {}}


def per_week(total: float, table: dict, summary: dict, lang: str) -> str:
    """Orders summed over the miss table's replications as a week's (a replication's divided
    by its measured days, kpis.json's ``days``, times 7), written as
    :func:`sim.reporting.formatting.per_rep_text` writes counts: the briefing counts misses
    and orders a week, a base a planner knows (a replication's length is the run's)."""
    days = summary.get("days")
    per_rep = total / max(1, table["replications"])
    weekly = per_rep / days * 7.0 if isinstance(days, (int, float)) and days > 0 else per_rep
    return per_rep_text(weekly, lang)


def lever(cause: str, row: dict, lang: str, arrival: bool = False, professional: bool = False) -> str:
    """What would fix a group's misses of ``cause`` (``row``: the group's row of the miss
    table; ``arrival``: urban misses judged at arrival, whose trips too long have the lever of
    the turnout and the drive, :func:`shown_cause`). Cancellations most of which happened while
    the order still waited at its village, its town not yet asked, name the village timeout
    first: the sensitivity study finds it the lever that holds the rural promise, more than
    village staffing (docs/assumptions.md). Orders
    not assigned in time most of which are professional orders (reviewed, then waiting for a
    member of the selected organisation) name the organisations' duty hours, not the tiers'
    timeouts, which professional orders do not pass through. ``professional``: the row is the
    professional orders' (their group, or their promise), whose citizens give up waiting for
    a review or an organisation's member, not for a village's volunteers."""
    shown_as = shown_cause(cause, arrival)
    if shown_as != cause:
        return tr(f"lever.{shown_as}", lang)
    at_village = row.get(AT_VILLAGE, 0)  # (absent from a results folder that predates it)
    if cause == "cancelled" and professional:
        return tr("lever.cancelled_professional", lang)
    if cause == "cancelled" and 2 * at_village > row["cancelled"]:
        share = format_number(at_village / row["cancelled"], "share")
        return tr("lever.cancelled_at_village", lang, share=share)
    waiting = row.get(PROFESSIONAL_NOT_ASSIGNED, 0)
    if cause == "not_assigned" and 2 * waiting > row["not_assigned"]:  # reviewed, then no member free
        share = format_number(waiting / row["not_assigned"], "share")
        return tr("lever.not_assigned_professional", lang, share=share)
    return tr(f"lever.{cause}", lang)


def cause_row(table: dict, part: str, name: str) -> dict | None:
    """The miss table's row of promise ``name`` in ``part`` (``promises`` or
    ``promises_before_cutoff``), or None when the table has none or it is not a row of counts.
    Older results folders have no promises' table: the zone promises then take their group's
    row (the same orders, by the same deadline)."""
    rows = table.get(part)
    row = rows.get(name) if isinstance(rows, dict) else None
    if row is None and part == "promises":
        row = table["groups"].get({"urban_10min": "urban", "rural_same_day": "rural"}.get(name, ""))
    keys = ("orders", "missed", *table["causes"])
    if not isinstance(row, dict) or not all(isinstance(row.get(k), int) and row[k] >= 0 for k in keys):
        return None
    return row


def largest_cause(row: dict, causes: list[str]) -> str:
    """The cause with the most of a row's misses (a tie: the first in precedence)."""
    return max(causes, key=lambda c: row[c])


def shown_cause(cause: str, arrival: bool) -> str:
    """The ``cause.*`` key a cause of urban misses is named by: judged at arrival, a miss
    accepted in time whose trip alone was longer than the promise is the turnout and the drive
    (``travel_arrival``, with its own lever), not the road or ferry of ``travel``. The one
    relabelling of every place that names the causes of misses judged at arrival (the
    promises' lines, the towns' line, the largest cause's line and the miss-causes chart)."""
    return "travel_arrival" if arrival and cause == "travel" else cause


def late_row(row: dict, before: dict | None, causes: list[str]) -> dict | None:
    """A promise's misses placed after the same-day cut-off, by cause: its row of
    ``miss_causes.promises`` less its row of ``promises_before_cutoff`` (None without the
    latter), with the counts :func:`lever` reads."""
    if before is None:
        return None
    keys = ("missed", *causes, AT_VILLAGE, PROFESSIONAL_NOT_ASSIGNED)
    return {k: row.get(k, 0) - before.get(k, 0) for k in keys}


def cause_and_lever(
    row: dict, causes: list[str], arrival: bool, lang: str, professional: bool = False
) -> tuple[str, str, str]:
    """The largest cause of a row's misses (its ``cause.*`` key, :func:`shown_cause`), its
    share of them, and its lever (``professional``: the professional orders' row, :func:`lever`)."""
    cause = largest_cause(row, causes)
    share = format_number(row[cause] / row["missed"], "share")
    return shown_cause(cause, arrival), share, lever(cause, row, lang, arrival, professional)


def counts_arrivals(data: dict) -> bool:
    """Whether the scenario's urban promise counts arrivals (``targets.urban_response_event``):
    then the urban misses the miss table's groups and towns count are judged at arrival."""
    return data.get("targets", {}).get("urban_response_event") == "arrival"


def cause_lines(summary: dict, lang: str, arrival: bool = False) -> list[str]:
    """The largest cause of missed orders (of the group, urban, rural or professional, and the
    cause with the most misses) and the lever that would fix it, then what assumptions drive
    the headline (patience, acceptance delay, utilisation). ``arrival``: the scenario counts
    arrivals (:func:`counts_arrivals`), so the urban group's misses reached late are named as
    :func:`shown_cause` names them."""
    table = miss_table(summary)
    if not table["groups"]:
        return []
    groups = table["groups"]
    all_missed = sum(row["missed"] for row in groups.values())
    if all_missed == 0:
        return [tr("brief.cause_none", lang)]
    group, cause = max(((g, c) for g in groups for c in table["causes"]), key=lambda gc: groups[gc[0]][gc[1]])
    row = groups[group]
    cancelled = sum(r.get("cancelled", 0) for r in groups.values())
    urban_arrival = arrival and group == "urban"
    return [
        tr(
            "brief.cause_line",
            lang,
            group=tr(f"cause.group.{group}", lang),
            share=format_number(row[cause] / row["missed"], "share"),
            missed=per_week(row["missed"], table, summary, lang),
            cause=tr(f"cause.{shown_cause(cause, urban_arrival)}", lang),
            lever=lever(cause, row, lang, urban_arrival, group == "professional"),
        ),
        drivers_text(summary, cancelled / all_missed, lang),
    ]
