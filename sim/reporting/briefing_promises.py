"""What a briefing says about the promises it finds missed: whether each headline promise is
kept (one bottom line, then a line per promise missed or uncertain), each one's largest cause
of missed orders *among its own orders* and the lever for it (from kpis.json's
``miss_causes.promises``), how many replications would decide each uncertain verdict
(kpis.json's ``reps_to_decide``), the towns' verdicts in one line, and the largest cause
overall with the assumptions that drive the headline. Every figure comes from kpis.json; the wording, in
English and Chinese, from :mod:`sim.reporting.i18n`.
"""

from __future__ import annotations

import math

from sim.reporting.briefing_text import (
    VERDICT_RANK,
    _is_nan,
    _num,
    count,
    drivers_text,
    estimate_text,
    headline_rows,
    no_order_towns,
    shown,
    target_text,
    town_label,
    town_rows,
)
from sim.reporting.formatting import format_number, per_rep_text
from sim.reporting.i18n import tr
from sim.reporting.kpi_summary import edge_note, verdict_text
from sim.results.causes import AFTER_CUTOFF, AT_VILLAGE, PROFESSIONAL_NOT_ASSIGNED
from sim.results.promises import TIME_BANDS, band_hours
from sim.results.verdict import LEVEL


def miss_table(summary: dict) -> dict:
    """kpis.json's ``miss_causes`` (an empty table when the run kept no logs)."""
    table = summary.get("miss_causes")
    return table if table else {"replications": max(1, summary["reps"]), "causes": [], "groups": {}}


def lever(cause: str, row: dict, lang: str) -> str:
    """What would fix a group's misses of ``cause`` (``row``: the group's row of the miss
    table). Cancellations most of which happened while the order still waited at its village,
    its town not yet asked, name the village timeout first: the sensitivity study finds it the
    lever that holds the rural promise, more than village staffing (docs/assumptions.md). Orders
    not assigned in time most of which are professional orders (reviewed, then waiting for a
    member of the selected organisation) name the organisations' duty hours, not the tiers'
    timeouts, which professional orders do not pass through."""
    at_village = row.get(AT_VILLAGE, 0)  # (absent from a results folder that predates it)
    if cause == "cancelled" and 2 * at_village > row["cancelled"]:
        share = format_number(at_village / row["cancelled"], "share")
        return tr("lever.cancelled_at_village", lang, share=share)
    waiting = row.get(PROFESSIONAL_NOT_ASSIGNED, 0)
    if cause == "not_assigned" and 2 * waiting > row["not_assigned"]:  # reviewed, then no member free
        share = format_number(waiting / row["not_assigned"], "share")
        return tr("lever.not_assigned_professional", lang, share=share)
    return tr(f"lever.{cause}", lang)


def overnight_lines(summary: dict, data: dict, lang: str) -> list[str]:
    """When the never-overnight promise is missed and its orders placed after the same-day
    cut-off stay open overnight more often than the earlier ones (kpis.json's
    ``open_overnight_after_cutoff_per_1000`` above ``open_overnight_before_cutoff_per_1000``),
    one sentence with both rates saying what keeping the promise for the late orders needs
    (volunteers on duty later in the evening, or the cut-off rule extended to it); else none.
    The promises' line of never overnight carries it when kpis.json has no promises' table
    to count the misses by."""
    kpis = summary["kpis"]
    total = kpis.get("open_overnight_per_1000", {})
    before = _num(kpis.get("open_overnight_before_cutoff_per_1000", {}).get("mean"))
    after = _num(kpis.get("open_overnight_after_cutoff_per_1000", {}).get("mean"))
    if total.get("verdict") != "missed" or _is_nan(before) or _is_nan(after) or after <= before:
        return []
    cutoff = data["targets"]["same_day_cutoff"]
    return [tr("brief.overnight_late", lang, cutoff=cutoff, after=shown(after, ""), before=shown(before, ""))]


# the order in which a sentence counts verdicts, and the verdicts it names
PART_ORDER = ("met", "missed", "uncertain", "few", "n/a", "no_orders")


def verdict_parts(
    items: list[tuple[str, str]],
    named: tuple[str, ...],
    lang: str,
    unit: str,
    notes: dict[str, list[str]] | None = None,
) -> str:
    """``items`` (verdict, name) counted by verdict in words, naming those of the verdicts in
    ``named``: "2 met and 3 missed (a, b, c)" (``unit``: ``promise`` or ``town``, the
    measure word Chinese counts them with); a verdict not in ``named`` with ``notes`` has them
    in parentheses instead ("5 met (never overnight: 0.0 per 1,000 orders in all 3
    replications)": the edge mets)."""
    parts = []
    for verdict in PART_ORDER:
        names = [name for v, name in items if v == verdict]
        if not names:
            continue
        part = tr(f"brief.part.{verdict}", lang, count=len(names), unit=tr(f"brief.unit.{unit}", lang))
        listed = names if verdict in named else (notes or {}).get(verdict)
        if listed:
            part = tr("brief.part.named", lang, part=part, names=tr("brief.names.sep", lang).join(listed))
        parts.append(part)
    if len(parts) < 2:
        return "".join(parts)
    return tr("brief.part.sep", lang).join(parts[:-1]) + tr("brief.part.and", lang) + parts[-1]


def band_text(band: str, lang: str) -> str:
    """A band of the day's hours in the page's range style: ``22:00-07:00``, in Chinese
    ``22:00～07:00`` (i18n's ``range``)."""
    start, end = band_hours(band).split("-")
    return tr("range", lang, low=start, high=end)


def promise_name(name: str, data: dict, lang: str) -> str:
    """A headline promise's short name ("urban 10 minutes at arrival", "never overnight"):
    ``urban_10min`` is named by the event the scenario counts."""
    if name == "urban_10min":
        name = f"urban_10min_{data['targets'].get('urban_response_event', 'acceptance')}"
    band = name.removeprefix("urban_10min_")
    hours = band_text(band, lang) if band in TIME_BANDS else ""
    return tr(f"promise.{name}", lang, minutes=data["targets"]["urban_response_min"], hours=hours)


def _cause_row(table: dict, part: str, name: str) -> dict | None:
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


def _per_rep(count: float, lang: str) -> str:
    """Orders a replication (:func:`sim.reporting.formatting.per_rep_text`)."""
    return per_rep_text(count, lang)


def _largest_cause(row: dict, causes: list[str]) -> str:
    return max(causes, key=lambda c: row[c])  # (a tie: the first in precedence)


# the urban promise by time of day (kpis.json's band KPIs), in the bands' order
BAND_ROWS = tuple(f"urban_10min_{band}" for band in TIME_BANDS)
# the promises whose reading ignores the same-day cut-off: a miss placed after it is one the
# rule would have given until the next day (a later roster, or the rule, keeps it)
CUTOFF_READINGS = ("rural_by_midnight", "open_overnight_per_1000")


def promise_lines(summary: dict, data: dict, lang: str) -> list[str]:
    """The briefing's answer to "are the promises kept, where not, and what to do?": the
    bottom line (of the headline promises with a target in kpis.json, how many are met,
    missed and uncertain, naming the missed and uncertain), then a line per missed or
    uncertain promise with its estimate (an uncertain one with how many replications in all
    would decide it, or that it is indistinguishable from its target: kpis.json's
    ``reps_to_decide``) and the largest cause of its own misses (kpis.json's
    ``miss_causes.promises``, each promise's orders by its own deadline) and that cause's lever.
    When most of a promise's misses were placed after the same-day cut-off (rural by midnight,
    never overnight), the line says what share, the largest cause of those late misses with
    its lever (a later evening roster serving them sooner too), and the largest cause of the
    rest (kpis.json's ``miss_causes.promises_before_cutoff``) with its lever. Every figure is
    kpis.json's; a results folder without the promises' table gets the lines without causes
    (the zone promises take their group's). None when no headline KPI has a target."""
    rows = [r for r in headline_rows(summary, data) if r["target"] is not None]
    if not rows:
        return []
    items = [(r["verdict"], promise_name(r["name"], data, lang)) for r in rows]
    # an edge met (kpis.json's at_edge) is named with its note, as the table writes its verdict
    edges = [
        tr("brief.part.edge", lang, name=name, note=edge_note(summary["kpis"][r["name"]], lang))
        for r, (verdict, name) in zip(rows, items)
        if verdict == "met" and summary["kpis"][r["name"]].get("at_edge")
    ]
    bottom = tr(
        "brief.bottom_line",
        lang,
        count=len(rows),
        parts=verdict_parts(items, ("missed", "uncertain"), lang, "promise", {"met": edges}),
    )
    out = [bottom]
    given: dict[str, str] = {}  # cause -> the promise whose line gave its lever first
    late_given = False  # whether a line said why orders placed after the cut-off miss

    def once(cause: str, text: str, name: str) -> str:
        """The lever of a cause given on an earlier line is referred to, not repeated."""
        if cause in given:
            return tr("lever.same", lang, name=given[cause])
        given[cause] = promise_name(name, data, lang)
        return text

    table = miss_table(summary)
    reps = max(1, table["replications"])
    cutoff = data["targets"]["same_day_cutoff"]
    event = data["targets"].get("urban_response_event", "acceptance")
    for r in rows:
        if r["verdict"] not in ("missed", "uncertain"):
            continue
        name = r["name"]
        text = tr(
            "brief.promise_line",
            lang,
            name=promise_name(name, data, lang).capitalize(),
            estimate=estimate_text({**r, "low": math.nan, "high": math.nan}, lang),  # (the CI: the table)
            target=target_text(r, data, lang),
            verdict=verdict_text(summary["kpis"][name], lang),
        )
        row = _cause_row(table, "promises", name) if table["groups"] else None
        if row is None or row["missed"] == 0:
            if name == "open_overnight_per_1000":  # (an older results folder: the rates alone)
                space = "" if lang == "zh" else " "
                text += "".join(space + line for line in overnight_lines(summary, data, lang))
            out.append(text)
            continue
        arrival = name == "urban_10min_arrival" or (name == "urban_10min" and event == "arrival")
        after = row.get(AFTER_CUTOFF) if name in CUTOFF_READINGS else None
        if isinstance(after, int) and 2 * after > row["missed"]:  # mostly orders placed late
            rest = _cause_row(table, "promises_before_cutoff", name)
            late = _late_row(row, rest, table["causes"])
            common = dict(
                share=format_number(after / row["missed"], "share"),
                missed=_per_rep(row["missed"] / reps, lang),
                cutoff=cutoff,
            )
            if late is not None and late["missed"] > 0:
                # the late misses' own largest cause and lever: a later roster is not the only
                # one (the village's hold before the town is asked often matters more)
                cause, late_share, fix = _cause_and_lever(late, table["causes"], False, lang)
                text += tr(  # (why such orders are due the next day: said once)
                    "brief.promise_late_cause_again" if late_given else "brief.promise_late_cause",
                    lang,
                    late_share=late_share,
                    cause=tr(f"cause.{cause}", lang),
                    lever=once(cause, fix, name),
                    **common,
                )
            else:  # (a second promise whose misses are mostly late refers to the first one's reason)
                text += tr("brief.promise_late_again" if late_given else "brief.promise_late", lang, **common)
            late_given = True
            if rest is not None and rest["missed"] >= reps:  # (one a replication or more)
                cause, share, fix = _cause_and_lever(rest, table["causes"], False, lang)
                text += tr(
                    "brief.promise_rest",
                    lang,
                    rest=_per_rep(rest["missed"] / reps, lang),
                    cause=tr(f"cause.{cause}", lang),
                    share=share,
                    lever=once(cause, fix, name),
                )
        else:
            cause, share, fix = _cause_and_lever(row, table["causes"], arrival, lang)
            text += tr(
                "brief.promise_cause",
                lang,
                share=share,
                missed=_per_rep(row["missed"] / reps, lang),
                cause=tr(f"cause.{cause}", lang),
                lever=once(cause, fix, name),
            )
        out.append(text)
    return out + band_line(summary, data, lang, once)


def band_line(summary: dict, data: dict, lang: str, once) -> list[str]:
    """One line on the urban promise by time of day when the whole day's verdict hides a worse
    one (the default: met over the day, missed at night): each band judged worse than
    ``urban_10min`` with its estimate and verdict, then the largest cause of the worst band's
    own misses (kpis.json's ``miss_causes.promises``) and its lever (``once``:
    :func:`promise_lines`' way of not repeating a lever); none when no band is worse (bands as
    uncertain as the whole day add nothing the bottom line does not say). Outside the bottom
    line's count of headline promises."""
    whole = summary["kpis"].get("urban_10min", {}).get("verdict")
    if whole not in ("met", "uncertain"):
        return []
    bands = [
        r
        for r in headline_rows(summary, data, BAND_ROWS)
        if r["target"] is not None
        and r["verdict"] in ("missed", "uncertain")
        and VERDICT_RANK[r["verdict"]] < VERDICT_RANK[whole]
    ]
    if not bands:
        return []
    parts = tr("brief.part.sep", lang).join(
        tr(
            "brief.band_part",
            lang,
            band=tr(f"band.{r['name'].removeprefix('urban_10min_')}", lang),
            hours=band_text(r["name"].removeprefix("urban_10min_"), lang),
            estimate=estimate_text({**r, "low": math.nan, "high": math.nan}, lang),
            verdict=verdict_text(summary["kpis"][r["name"]], lang),
        )
        + band_towns(summary, data, r["name"], lang)
        for r in bands
    )
    text = tr("brief.band_line", lang, minutes=data["targets"]["urban_response_min"], parts=parts)
    worst = min(bands, key=lambda r: (VERDICT_RANK.get(r["verdict"], 3), r["mean"]))
    table = miss_table(summary)
    row = _cause_row(table, "promises", worst["name"]) if table["groups"] else None
    if row is not None and row["missed"] > 0:
        arrival = counts_arrivals(data)  # (the bands' reading)
        cause, share, fix = _cause_and_lever(row, table["causes"], arrival, lang)
        text += tr(
            "brief.band_cause",
            lang,
            band=tr(f"band.{worst['name'].removeprefix('urban_10min_')}", lang).capitalize(),
            share=share,
            cause=tr(f"cause.{cause}", lang),
            lever=once(cause, fix, worst["name"]),
        )
    return [text]


def band_towns(summary: dict, data: dict, name: str, lang: str) -> str:
    """The towns whose own urban orders miss the band ``name`` (``urban_10min_night``: kpis.json's
    ``town.<pinyin>.urban_10min_night``, missed), lowest first, as a note to the county's band
    ("missed in Aojiang 77.4%"), so that a county's night miss names the town whose seat or
    communities need the night volunteers; "" when no town's band is missed. The town's band
    is not part of its verdict (docs/kpis.md), only where the county's band is worse."""
    towns = sorted(
        (summary["kpis"][f"town.{pinyin}.{name}"]["mean"], town_label(data, t, lang))
        for t, pinyin in enumerate(data["towns"]["pinyin"])
        if summary["kpis"].get(f"town.{pinyin}.{name}", {}).get("verdict") == "missed"
    )
    if not towns:
        return ""
    listed = tr("brief.part.sep", lang).join(f"{label} {shown(mean, 'share', lang)}" for mean, label in towns)
    return tr("brief.band_towns", lang, towns=listed)


def shown_cause(cause: str, arrival: bool) -> str:
    """The ``cause.*`` key a cause of urban misses is named by: judged at arrival, a miss
    accepted in time whose trip alone was longer than the promise is the turnout and the drive
    (``travel_arrival``, with its own lever), not the road or ferry of ``travel``. The one
    relabelling of every place that names the causes of misses judged at arrival (the
    promises' lines, the towns' line, the largest cause's line and the miss-causes chart)."""
    return "travel_arrival" if arrival and cause == "travel" else cause


def _late_row(row: dict, before: dict | None, causes: list[str]) -> dict | None:
    """A promise's misses placed after the same-day cut-off, by cause: its row of
    ``miss_causes.promises`` less its row of ``promises_before_cutoff`` (None without the
    latter), with the counts :func:`lever` reads."""
    if before is None:
        return None
    keys = ("missed", *causes, AT_VILLAGE, PROFESSIONAL_NOT_ASSIGNED)
    return {k: row.get(k, 0) - before.get(k, 0) for k in keys}


def _cause_and_lever(row: dict, causes: list[str], arrival: bool, lang: str) -> tuple[str, str, str]:
    """The largest cause of a row's misses (its ``cause.*`` key, :func:`shown_cause`), its
    share of them, and its lever."""
    cause = _largest_cause(row, causes)
    share = format_number(row[cause] / row["missed"], "share")
    shown_as = shown_cause(cause, arrival)
    if shown_as != cause:
        return shown_as, share, tr(f"lever.{shown_as}", lang)
    return cause, share, lever(cause, row, lang)


def counts_arrivals(data: dict) -> bool:
    """Whether the scenario's urban promise counts arrivals (``targets.urban_response_event``):
    then the urban misses the miss table's groups and towns count are judged at arrival."""
    return data.get("targets", {}).get("urban_response_event") == "arrival"


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
        cause = _largest_cause(row, table["causes"])
        share = format_number(row[cause] / row["missed"], "share")
        # a town's urban orders are judged at the scenario's reading: at arrival, its misses
        # whose trip alone was too long are named as the urban promise's line names them (its
        # row does not split them by zone; turnout and travel name a rural order's as well)
        cause = shown_cause(cause, arrival and has_urban(data, r["index"]))
        value = shown(r["mean"], "share", lang)  # (its score first: the cause's share is of its misses)
        orders = count(row["orders"], lang) if isinstance(row.get("orders"), int) else "?"
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


def cause_lines(summary: dict, lang: str, arrival: bool = False) -> list[str]:
    """The largest cause of missed orders (of the group, urban, rural or professional, and the
    cause with the most misses) and the lever that would fix it, then what assumptions drive
    the headline (patience, acceptance delay, utilisation). ``arrival``: the scenario counts
    arrivals (:func:`counts_arrivals`), so the urban group's misses reached late are named as
    :func:`shown_cause` names them."""
    table = miss_table(summary)
    if not table["groups"]:
        return []
    reps = max(1, table["replications"])
    groups = table["groups"]
    all_missed = sum(row["missed"] for row in groups.values())
    if all_missed == 0:
        return [tr("brief.cause_none", lang)]
    group, cause = max(((g, c) for g in groups for c in table["causes"]), key=lambda gc: groups[gc[0]][gc[1]])
    row = groups[group]
    cancelled = sum(r.get("cancelled", 0) for r in groups.values())
    shown_as = shown_cause(cause, arrival and group == "urban")
    return [
        tr(
            "brief.cause_line",
            lang,
            group=tr(f"cause.group.{group}", lang),
            share=format_number(row[cause] / row["missed"], "share"),
            missed=row["missed"] / reps,
            cause=tr(f"cause.{shown_as}", lang),
            lever=lever(cause, row, lang) if shown_as == cause else tr(f"lever.{shown_as}", lang),
        ),
        drivers_text(summary, cancelled / all_missed, lang),
    ]
