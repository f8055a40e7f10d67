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
from sim.reporting.formatting import format_number
from sim.reporting.i18n import tr
from sim.reporting.kpi_summary import edge_note, verdict_text
from sim.reporting.miss_levers import (
    cause_and_lever,
    cause_row,
    counts_arrivals,
    largest_cause,
    late_row,
    miss_table,
    per_week,
)
from sim.results.causes import AFTER_CUTOFF, WEEKEND_MISSED, WEEKEND_ORDERS
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


# the urban promise by time of day (kpis.json's band KPIs), in the bands' order
BAND_ROWS = tuple(f"urban_10min_{band}" for band in TIME_BANDS)
# the promises whose reading ignores the same-day cut-off: a miss placed after it is one the
# rule would have given until the next day (a later roster, or the rule, keeps it)
CUTOFF_READINGS = ("rural_by_midnight", "open_overnight_per_1000")
# a promise's misses are told by when they were placed from this many (over the replications)
WHEN_MIN_MISSES = 20
# the longest run of hours that "most" of a promise's misses may be said to be placed in
WHEN_MAX_HOURS = 6
# a midnight reading's misses placed from this hour on: too near midnight to close by then
NEAR_MIDNIGHT_HOUR = 22


def busiest_hours(hours: list[int]) -> tuple[int, int, int] | None:
    """The fewest consecutive hours of the day (wrapping past midnight) in which at least half
    of ``hours``' misses (one count an hour, 0-23) were placed, as (first hour, hour it ends,
    misses in them), the earliest such run on a tie; None when it takes more than
    :data:`WHEN_MAX_HOURS` (the misses are spread over the day: no hours to name)."""
    total = sum(hours)
    for length in range(1, WHEN_MAX_HOURS + 1):
        runs = [(sum(hours[(s + k) % 24] for k in range(length)), -s) for s in range(24)]
        inside, start = max(runs)
        if total > 0 and 2 * inside >= total:
            return -start, (-start + length) % 24 or 24, inside
    return None


def when_text(table: dict, name: str, lang: str) -> str:
    """When promise ``name``'s misses were placed (kpis.json's ``miss_causes.when``), so that
    its lever names the days and hours to staff: the share of its misses placed on Saturdays
    and Sundays, with the share of its orders placed then, when it is at least half as large
    again; the fewest hours holding half of them (:func:`busiest_hours`); for a promise judged
    at midnight whose misses are mostly placed from :data:`NEAR_MIDNIGHT_HOUR`, that no roster
    closes many of those by then. "" when neither says anything, or with fewer than
    :data:`WHEN_MIN_MISSES` misses (or none of the table: an older results folder)."""
    when = (table.get("when") or {}).get(name)
    row = cause_row(table, "promises", name)
    if not isinstance(when, dict) or row is None or row["missed"] < WHEN_MIN_MISSES:
        return ""
    missed, parts = row["missed"], []
    weekend, orders = (
        when.get(WEEKEND_MISSED, 0) / missed,
        when.get(WEEKEND_ORDERS, 0) / max(1, row["orders"]),
    )
    if weekend >= 1.5 * orders and weekend > 0:
        parts.append(
            tr(
                "brief.when_weekend",
                lang,
                share=format_number(weekend, "share"),
                orders=format_number(orders, "share"),
            )
        )
    busiest = busiest_hours(when.get("hours", [])) if len(when.get("hours", [])) == 24 else None
    if busiest is not None:
        start, end, inside = busiest
        late = name in CUTOFF_READINGS and end == 24 and start >= NEAR_MIDNIGHT_HOUR
        parts.append(
            tr(
                "brief.when_midnight" if late else "brief.when_hours",
                lang,
                share=format_number(inside / missed, "share"),
                hours=tr("range", lang, low=f"{start:02d}:00", high=f"{end:02d}:00"),
            )
        )
    return tr("brief.when", lang, parts=tr("brief.part.sep", lang).join(parts)) if parts else ""


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
    out = [bottom + bottom_band(summary, data, lang)]
    # cause -> the promise whose line gave its lever first (a professional order's cause is
    # keyed apart: its lever is the organisations' and reviewers', not the villages')
    given: dict[str, str] = {}
    late_given = False  # whether a line said why orders placed after the cut-off miss

    def once(cause: str, text: str, name: str) -> str:
        """The lever of a cause given before is referred to, not repeated: on an earlier line by
        its promise's name, on the same line as the same."""
        if cause in given:  # (the same line's: the misses placed after the cut-off gave it)
            if given[cause] == name:
                return tr("lever.same_line", lang)
            return tr("lever.same", lang, name=promise_name(given[cause], data, lang))
        given[cause] = name
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
                missed=per_week(row["missed"], table, summary, lang),
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
                    rest=per_week(rest["missed"], table, summary, lang),
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
                missed=per_week(row["missed"], table, summary, lang),
                cause=tr(f"cause.{cause}", lang),
                lever=once(f"{cause} (professional)" if professional else cause, fix, name),
            )
        out.append(text + when_text(table, name, lang))
    return out + band_line(summary, data, lang)


def bottom_band(summary: dict, data: dict, lang: str) -> str:
    """After the bottom line, when the urban promise (``urban_10min``) is met over the whole
    day but missed in a band of it (kpis.json's ``urban_10min_<band>``): that it is met over
    the day but missed in those bands, so that the bottom line alone does not read as the
    promise kept at all hours; "" otherwise (the band line gives the estimates)."""
    if summary["kpis"].get("urban_10min", {}).get("verdict") != "met":
        return ""
    missed = [
        r["name"].removeprefix("urban_10min_")
        for r in headline_rows(summary, data, BAND_ROWS)
        if r["target"] is not None and r["verdict"] == "missed"
    ]
    if not missed:
        return ""
    bands = [tr("with_note", lang, text=tr(f"band.{b}", lang), note=band_text(b, lang)) for b in missed]
    return tr(
        "brief.bottom_band",
        lang,
        name=promise_name("urban_10min", data, lang).capitalize(),
        bands=tr("brief.part.and", lang).join(bands),
    )


def band_missed_towns(summary: dict, data: dict, name: str, lang: str) -> list[tuple[float, str, str]]:
    """The towns whose own urban orders miss the band ``name`` (kpis.json's
    ``town.<pinyin>.<name>`` missed) as (estimate, label, pinyin), lowest first."""
    return sorted(
        (summary["kpis"][f"town.{pinyin}.{name}"]["mean"], town_label(data, t, lang), pinyin)
        for t, pinyin in enumerate(data["towns"]["pinyin"])
        if summary["kpis"].get(f"town.{pinyin}.{name}", {}).get("verdict") == "missed"
    )


def band_lever(summary: dict, data: dict, name: str, cause: str, lang: str) -> str:
    """The lever of the band ``name``'s misses (``urban_10min_night``): volunteers on duty in
    the band's hours at the seat of the town that misses it worst (its key,
    ``teams.additions``, and the ``optimize`` target that sizes it), or at the seats of the
    towns that miss it when no town's own band is missed; for misses mostly unanswered alerts
    (``acceptance``), that larger alert waves help only where more volunteers than a wave are
    on duty (at night a wave already reaches everyone on duty: docs/kpis.md)."""
    band = name.removeprefix("urban_10min_")
    start, end = TIME_BANDS[band]
    target = kpi_float(summary["kpis"].get(name, {}).get("target"))
    values = dict(
        hours=band_text(band, lang),
        start=start,
        end=end,
        kpi=name,
        target=f"{target:g}" if not is_missing(target) else "0.9",
    )
    towns = band_missed_towns(summary, data, name, lang)
    if towns:
        _, label, pinyin = towns[0]
        text = tr("lever.band_town", lang, town=label, pinyin=pinyin, **values)
    else:
        text = tr("lever.band_county", lang, **values)
    return text + (tr("lever.band_waves", lang) if cause == "acceptance" else "")


def band_line(summary: dict, data: dict, lang: str) -> list[str]:
    """One line on the urban promise by time of day when the whole day's verdict hides a worse
    one (the default: met over the day, missed at night): each band judged worse than
    ``urban_10min`` with its estimate and verdict, then the largest cause of the worst band's
    own misses (kpis.json's ``miss_causes.promises``) and the band's own lever
    (:func:`band_lever`: staff its hours where it misses); none when no band is worse (bands as
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
        cause, share, _ = cause_and_lever(row, table["causes"], arrival, lang)
        text += tr(
            "brief.band_cause",
            lang,
            band=tr(f"band.{worst['name'].removeprefix('urban_10min_')}", lang).capitalize(),
            share=share,
            cause=tr(f"cause.{cause}", lang),
            lever=band_lever(summary, data, worst["name"], largest_cause(row, table["causes"]), lang),
        )
    return [text]


def band_towns(summary: dict, data: dict, name: str, lang: str) -> str:
    """The towns whose own urban orders miss the band ``name`` (``urban_10min_night``: kpis.json's
    ``town.<pinyin>.urban_10min_night``, missed), lowest first, as a note to the county's band
    ("missed in Aojiang 77.4%"), so that a county's night miss names the town whose seat or
    communities need the night volunteers; "" when no town's band is missed. The town's band
    is not part of its verdict (docs/kpis.md), only where the county's band is worse."""
    towns = band_missed_towns(summary, data, name, lang)
    if not towns:
        return ""
    listed = tr("brief.part.sep", lang).join(
        f"{label} {shown(mean, 'share', lang)}" for mean, label, _ in towns
    )
    return tr("brief.band_towns", lang, towns=listed)
