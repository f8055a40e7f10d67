"""What the briefing says about the surge events whose delivery is measured apart
(chart_data.json's ``events``, e.g. the 泰悦府 lockdown delivered in batches): how each event's
orders are delivered, the ``event_*`` KPIs of their orders, and the largest cause of their misses
with its lever (:func:`event_lines`).
"""

from __future__ import annotations

from sim.reporting.briefing_headline import estimate_text, headline_rows, target_text
from sim.reporting.i18n import tr
from sim.reporting.kpi_summary import event_cause_line, with_edge


def event_lines(summary: dict, data: dict, lang: str) -> list[str]:
    """The surge events whose delivery is measured apart (chart_data.json's ``events``, e.g. the
    泰悦府 lockdown delivered in batches): one sentence per event on how its orders are
    delivered, then one with the ``event_*`` KPIs of their orders and, when ``event_on_time``
    is missed or uncertain, one on the largest cause of their misses and its lever
    (:func:`sim.reporting.kpi_summary.event_cause_line`). None without such events."""
    events = data.get("events") or []
    if not events:
        return []
    out = []
    for e in events:
        hours = e["deadline_hours"]
        deadline = (
            tr("brief.event_same_day", lang) if hours is None else tr("brief.event_hours", lang, hours=hours)
        )
        key = "brief.event_batched" if e["mode"] == "batched" else "brief.event_per_order"
        out.append(
            tr(
                key,
                lang,
                name=e["name"],
                every=e["collect_every_min"],
                size=e["batch_size"],
                volunteers=e["volunteers_per_batch"],
                deadline=deadline,
            )
        )
    names = (
        "event_on_time",
        "event_response_p50",
        "event_close_p50",
        "event_close_p90",
        "event_volunteer_hours",
    )
    rows = headline_rows(summary, data, names)
    if len(rows) == len(names):
        values = {
            key: estimate_text(row, lang)
            for key, row in zip(("on_time", "response", "close", "close90", "hours"), rows)
        }
        # event_on_time's verdict against targets.event_share, as kpis.json gives it (the word,
        # with an edge met's note; for the line's length, not what would decide an uncertain one:
        # the terminal's table says it)
        on_time = rows[0]
        verdict = with_edge(summary["kpis"]["event_on_time"], tr(f"verdict.{on_time['verdict']}", lang), lang)
        out.append(
            tr("brief.event_kpis", lang, verdict=verdict, target=target_text(on_time, data, lang), **values)
        )
        cause = event_cause_line(summary, lang)
        if cause is not None:
            out.append(cause)
    return out
