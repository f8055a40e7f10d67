"""What a briefing says about its headline promises: whether each is kept (one bottom line,
then a line per promise missed or uncertain), each one's largest cause of missed orders *among
its own orders* and the lever for it (from kpis.json's ``miss_causes.promises``, named by
:mod:`sim.reporting.miss_levers`), how many replications would decide each uncertain verdict
(kpis.json's ``reps_to_decide``), the urban promise by time of day and the towns that miss a
band. The towns' line is :mod:`sim.reporting.briefing_towns`'s. Every figure comes from
kpis.json; the wording, in English and Chinese, from :mod:`sim.reporting.i18n`.
"""

from __future__ import annotations

import math

from sim.reporting.briefing_headline import (
    VERDICT_RANK,
    estimate_text,
    headline_rows,
    is_missing,
    kpi_float,
    shown,
    target_text,
)
from sim.reporting.briefing_town_rows import town_label
from sim.reporting.formatting import format_number, per_rep_text
from sim.reporting.i18n import tr
from sim.reporting.kpi_summary import edge_note, verdict_text
from sim.reporting.miss_levers import cause_and_lever, cause_row, counts_arrivals, late_row, miss_table
from sim.results.causes import AFTER_CUTOFF
from sim.results.promises import TIME_BANDS, band_hours


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
    before = kpi_float(kpis.get("open_overnight_before_cutoff_per_1000", {}).get("mean"))
    after = kpi_float(kpis.get("open_overnight_after_cutoff_per_1000", {}).get("mean"))
    if total.get("verdict") != "missed" or is_missing(before) or is_missing(after) or after <= before:
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
    ``urban_10min`` is named by the event the scenario counts, ``rural_same_day`` by its
    deadline (not the article's words, which ``rural_by_midnight`` reads to the letter)."""
    if name == "urban_10min":
        name = f"urban_10min_{data['targets'].get('urban_response_event', 'acceptance')}"
    band = name.removeprefix("urban_10min_")
    hours = band_text(band, lang) if band in TIME_BANDS else ""
    return tr(f"promise.{name}", lang, minutes=data["targets"]["urban_response_min"], hours=hours)


def _per_rep(count: float, lang: str) -> str:
    """Orders a replication (:func:`sim.reporting.formatting.per_rep_text`)."""
    return per_rep_text(count, lang)


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
    # cause -> the promise whose line gave its lever first (a professional order's cause is
    # keyed apart: its lever is the organisations' and reviewers', not the villages')
    given: dict[str, str] = {}
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
        row = cause_row(table, "promises", name) if table["groups"] else None
        if row is None or row["missed"] == 0:
            if name == "open_overnight_per_1000":  # (an older results folder: the rates alone)
                space = "" if lang == "zh" else " "
                text += "".join(space + line for line in overnight_lines(summary, data, lang))
            out.append(text)
            continue
        arrival = name == "urban_10min_arrival" or (name == "urban_10min" and event == "arrival")
        after = row.get(AFTER_CUTOFF) if name in CUTOFF_READINGS else None
        if isinstance(after, int) and 2 * after > row["missed"]:  # mostly orders placed late
            rest = cause_row(table, "promises_before_cutoff", name)
            late = late_row(row, rest, table["causes"])
            common = dict(
                share=format_number(after / row["missed"], "share"),
                missed=_per_rep(row["missed"] / reps, lang),
                cutoff=cutoff,
            )
            if late is not None and late["missed"] > 0:
                # the late misses' own largest cause and lever: a later roster is not the only
                # one (the village's hold before the town is asked often matters more)
                cause, late_share, fix = cause_and_lever(late, table["causes"], False, lang)
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
                cause, share, fix = cause_and_lever(rest, table["causes"], False, lang)
                text += tr(
                    "brief.promise_rest",
                    lang,
                    rest=_per_rep(rest["missed"] / reps, lang),
                    cause=tr(f"cause.{cause}", lang),
                    share=share,
                    lever=once(cause, fix, name),
                )
        else:
            professional = name == "professional_same_day"  # (its own levers: lever())
            cause, share, fix = cause_and_lever(row, table["causes"], arrival, lang, professional)
            text += tr(
                "brief.promise_cause",
                lang,
                share=share,
                missed=_per_rep(row["missed"] / reps, lang),
                cause=tr(f"cause.{cause}", lang),
                lever=once(f"{cause} (professional)" if professional else cause, fix, name),
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
    row = cause_row(table, "promises", worst["name"]) if table["groups"] else None
    if row is not None and row["missed"] > 0:
        arrival = counts_arrivals(data)  # (the bands' reading)
        cause, share, fix = cause_and_lever(row, table["causes"], arrival, lang)
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
