"""What a briefing says, as plain text and table rows, from a results folder's ``kpis.json`` and
``chart_data.json``: the headline and service-channel rows (estimate with its 95% CI, target and
verdict), the towns' rows and the worst towns, the scenario paragraph, the assumptions, the
largest cause of missed orders with its lever, the surge events' delivery, and the footnote every
chart carries. In Chinese (``lang="zh"``) every label and sentence comes from
:mod:`sim.reporting.i18n`, town names in characters.

The verdict of a headline promise is plain: met (the whole CI on the right side), missed (the
whole CI on the wrong side) or uncertain (more replications needed). Example row, as the
Markdown briefing prints it: ``| Urban orders responded within the promise | 97.0% (96.5%-97.5%) |
≥ 90% | **met** |``.
"""

from __future__ import annotations

import math

from sim.reporting.formatting import format_number, plural, share_target
from sim.reporting.i18n import tr, unit_label
from sim.results.causes import AFTER_CUTOFF, AT_VILLAGE
from sim.results.kpis import CHANNEL_ROWS

WORST_TOWNS = 3


def _num(value) -> float:
    return math.nan if value is None else float(value)


def _is_nan(value) -> bool:
    """Whether a kpis.json value is missing (NaN is saved as null or as a NaN float)."""
    return value is None or (isinstance(value, float) and math.isnan(value))


def town_label(data: dict, t: int, lang: str) -> str:
    """A town's name: characters in Chinese, pinyin in English."""
    return data["towns"]["name" if lang == "zh" else "pinyin"][t]


# the zones whose promises make a town's verdict (not the urban promise's other reading)
HEADLINE_ZONES = ("urban", "rural")
VERDICT_RANK = {"missed": 0, "uncertain": 1, "few": 2, "n/a": 3, "met": 4}


def town_rows(summary: dict, data: dict, lang: str) -> list[dict]:
    """Per town: label, compliance mean/low/high, target and verdict, all from kpis.json. A
    town with one zone: its compliance's target and verdict. A town with both zones is judged
    on each zone apart; its row shows its compliance against the order-weighted target with the
    worse of its zones' verdicts, and ``zones`` lists each zone's row. ``zones`` lists too, for
    a town with urban places, the urban promise's other reading (zone ``urban_arrival``, or
    ``urban_acceptance`` when the scenario counts arrivals), judged but not in the town's
    verdict, as the county's other reading is not in the headline's."""
    rows = []
    kpis = summary["kpis"]
    for t, pinyin in enumerate(data["towns"]["pinyin"]):
        k = kpis.get(f"town.{pinyin}.compliance")
        if k is None or _is_nan(k["mean"]):
            continue
        s = {key: _num(k[key]) for key in ("mean", "low", "high")}
        zones = [
            {
                "zone": zone,
                **{key: _num(kpis[name][key]) for key in ("mean", "low", "high", "target")},
                "verdict": kpis[name]["verdict"],
            }
            for zone, name in (
                ("urban", f"town.{pinyin}.urban_10min"),
                ("rural", f"town.{pinyin}.rural_same_day"),
                ("urban_acceptance", f"town.{pinyin}.urban_10min_acceptance"),
                ("urban_arrival", f"town.{pinyin}.urban_10min_arrival"),
            )
            if "verdict" in kpis.get(name, {})
        ]
        headline = [z["verdict"] for z in zones if z["zone"] in HEADLINE_ZONES]
        if "verdict" in k:
            target, v = _num(k["target"]), k["verdict"]
        elif headline:
            target = _num(data["towns"]["target"][t])
            v = min(headline, key=lambda x: VERDICT_RANK.get(x, 3))
        else:
            continue
        rows.append(
            {
                "label": town_label(data, t, lang),
                "pinyin": pinyin,
                **s,
                "target": target,
                "verdict": v,
                "zones": zones,
            }
        )
    return rows


HEADLINE_ROWS = (
    "urban_10min",
    "urban_10min_arrival",
    "rural_same_day",
    "rural_by_midnight",
    "open_overnight_per_1000",
    "response_p90_urban",
)


def channel_rows(summary: dict, data: dict) -> list[dict]:
    """The briefing's service-channel rows (as :func:`headline_rows`): per channel with its own
    deadline, the share of its orders closed by it; then the appointments' and the handed-up
    orders' zone promises."""
    return headline_rows(summary, data, CHANNEL_ROWS)


def headline_rows(summary: dict, data: dict, names: tuple[str, ...] = HEADLINE_ROWS) -> list[dict]:
    """The briefing's headline numbers: kpi name, summary, target and verdict, for each of
    ``names`` that kpis.json has. The interval, target and verdict are kpis.json's (one
    verdict function, :func:`sim.results.verdict.judge`, for every output); a KPI without a
    target there has none here."""
    kpis = summary["kpis"]
    rows = []
    for name in names:
        if name not in kpis:
            continue
        k = kpis[name]
        if name in CHANNEL_ROWS and "target" not in k and _is_nan(k["mean"]):
            continue  # a channel the scenario does not have (no orders)
        s = {key: _num(k[key]) for key in ("mean", "low", "high")}
        if "target" in k:
            kind = "overnight" if name == "open_overnight_per_1000" else k["unit"]
            target, v = (kind, k["target_op"], k["target"]), k["verdict"]
        else:
            target, v = None, "none"
        rows.append(
            {"name": name, "label": k["label"], "unit": k["unit"], **s, "target": target, "verdict": v}
        )
    return rows


def shown(value: float, unit: str, lang: str = "en") -> str:
    """A KPI value as the briefing prints it: format_number of kpis.json's value (whose share
    intervals lie within 0-100% already); a value without data (NaN) is "no data" in the
    page's language."""
    if _is_nan(value):
        return tr("verdict.n/a", lang)
    return format_number(value, unit)


def estimate_text(row: dict, lang: str = "en") -> str:
    """'97.0% (96.5%-97.5%)' or '6.0 (3.7-8.3) orders/week': mean and 95% CI of kpis.json."""
    unit = row["unit"]
    if _is_nan(row["mean"]):
        return shown(row["mean"], unit, lang)
    text = shown(row["mean"], unit)
    if not (_is_nan(row["low"]) or _is_nan(row["high"])):
        text += f" ({shown(row['low'], unit)}-{shown(row['high'], unit)})"
    return text if unit == "share" else f"{text} {unit_label(unit, lang)}"


OP_SIGNS = {">=": "≥", "<=": "≤", ">": ">", "<": "<"}


def target_text(row: dict, data: dict, lang: str) -> str:
    """The target of a headline row in words."""
    target = row["target"]
    if target is None:
        return "-"
    kind, op, value = target
    if kind == "overnight":
        return tr("brief.overnight_target", lang, value=value)
    sign = OP_SIGNS.get(op, op)
    return f"{sign} {share_target(value)}" if kind == "share" else f"{sign} {value:g}"


def title(summary: dict, lang: str) -> str:
    """The scenario's name for titles: its ``title`` (``title_zh`` in Chinese), else its id."""
    key = "title_zh" if lang == "zh" else "title"
    return summary.get(key) or summary.get("title") or summary["scenario"]


def counts(summary: dict) -> dict[str, str]:
    """Replications, days and warm-up days in English words with plurals ("1 replication")."""
    return {
        "reps_text": plural(summary["reps"], "replication"),
        "days_text": plural(summary["days"], "day"),
        "warmup_text": plural(summary["warmup_days"], "day"),
    }


def footnote(summary: dict, lang: str) -> str:
    """The footnote every chart carries: scenario, seed, replications, days."""
    return tr(
        "footnote",
        lang,
        name=summary["scenario"],
        seed=summary["seed"],
        reps=summary["reps"],
        days=summary["days"],
        warmup=summary["warmup_days"],
        **counts(summary),
    )


def scenario_text(summary: dict, data: dict, lang: str) -> str:
    """The scenario in one paragraph (the scenario's own description is English, so only the
    English briefing quotes it)."""
    zones = data["places"]["zone"]
    description = summary["description"] + " " if lang == "en" and summary["description"] else ""
    orders = _num(summary["kpis"].get("orders_per_day", {}).get("mean"))
    return tr(
        "brief.scenario_text",
        lang,
        description=description,
        name=title(summary, lang),
        places=len(zones),
        towns=len(data["towns"]["pinyin"]),
        urban=zones.count(0),
        rural=zones.count(1),
        places_text=plural(len(zones), "village unit"),
        towns_text=plural(len(data["towns"]["pinyin"]), "town"),
        urban_text=plural(zones.count(0), "urban community", "urban communities"),
        urban_promise="promises" if zones.count(0) == 1 else "promise",
        rural_text=plural(zones.count(1), "unit"),
        minutes=data["targets"]["urban_response_min"],
        orders=orders,
        reps=summary["reps"],
        days=summary["days"],
        seed=summary["seed"],
        **counts(summary),
    )


def assumption_lines(summary: dict, data: dict, lang: str) -> list[str]:
    """The key assumptions behind the numbers, stated in the briefing itself (a mailed briefing
    cannot link to the project's docs)."""
    t = data["targets"]
    lines = [
        tr("brief.assume_window", lang, days=summary["days"], warmup=summary["warmup_days"]),
        tr(
            "brief.assume_promise",
            lang,
            minutes=t["urban_response_min"],
            cutoff=t["same_day_cutoff"],
            day_end=t["day_end"],
            event=tr(f"event.{t.get('urban_response_event', 'acceptance')}", lang),
        ),
        tr(
            "brief.assume_ladder",
            lang,
            admin=tr(f"admin.{data.get('admin', {}).get('after_hours', 'none')}", lang),
        ),
        *(
            [tr("brief.assume_channels", lang)]
            if any(
                not _is_nan(summary["kpis"].get(name, {}).get("mean"))
                for name in ("proxy_on_time", "mediation_on_time")
            )
            else []
        ),
    ]
    return lines


def channel_assumption_lines(summary: dict, data: dict, lang: str) -> list[str]:
    """The assumptions behind the service channels' numbers (shown under their table): the
    paired units' projects, the packages and the villages' hand-ups rest on rates the source
    does not give."""
    lines = []
    if "pairing" in data and "pairing_on_time" in summary["kpis"]:
        lines.append(tr("brief.assume_pairing", lang, **data["pairing"]))
    if "packages" in data and "package_on_time" in summary["kpis"]:
        lines.append(tr("brief.assume_packages", lang, **data["packages"]))
    hand_up = summary["kpis"].get("hand_up_rate")
    if hand_up is not None and _num(hand_up["mean"]) > 0:  # villages hand orders up
        lines.append(tr("brief.assume_hand_up", lang, share=shown(_num(hand_up["mean"]), "share")))
    return lines


def event_lines(summary: dict, data: dict, lang: str) -> list[str]:
    """The surge events whose delivery is measured apart (chart_data.json's ``events``, e.g. the
    泰悦府 lockdown delivered in batches): one sentence per event on how its orders are
    delivered, then one with the ``event_*`` KPIs of their orders. None without such events."""
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
    kpis = summary["kpis"]
    names = (
        "event_on_time",
        "event_response_p50",
        "event_close_p50",
        "event_close_p90",
        "event_volunteer_hours",
    )
    if all(name in kpis for name in names):
        values = {}
        for key, name in zip(("on_time", "response", "close", "close90", "hours"), names):
            k = kpis[name]
            row = {"unit": k["unit"], **{x: _num(k[x]) for x in ("mean", "low", "high")}}
            values[key] = estimate_text(row, lang)
        out.append(tr("brief.event_kpis", lang, **values))
    return out


def miss_table(summary: dict) -> dict:
    """kpis.json's ``miss_causes`` (an empty table when the run kept no logs)."""
    table = summary.get("miss_causes")
    return table if table else {"replications": max(1, summary["reps"]), "causes": [], "groups": {}}


def lever(cause: str, row: dict, lang: str) -> str:
    """What would fix a group's misses of ``cause`` (``row``: the group's row of the miss
    table). Cancellations most of which happened while the order still waited at its village,
    its town not yet asked, name the village timeout first: the sensitivity study finds it the
    lever that holds the rural promise, more than village staffing (docs/assumptions.md)."""
    at_village = row.get(AT_VILLAGE, 0)  # (absent from a results folder that predates it)
    if cause == "cancelled" and 2 * at_village > row["cancelled"]:
        share = format_number(at_village / row["cancelled"], "share")
        return tr("lever.cancelled_at_village", lang, share=share)
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
PART_ORDER = ("met", "missed", "uncertain", "few", "n/a")


def verdict_parts(items: list[tuple[str, str]], named: tuple[str, ...], lang: str, unit: str) -> str:
    """``items`` (verdict, name) counted by verdict in words, naming those of the verdicts in
    ``named``: "2 met and 3 missed (a, b, c)" (``unit``: ``promise`` or ``town``, the
    measure word Chinese counts them with)."""
    parts = []
    for verdict in PART_ORDER:
        names = [name for v, name in items if v == verdict]
        if not names:
            continue
        part = tr(f"brief.part.{verdict}", lang, count=len(names), unit=tr(f"brief.unit.{unit}", lang))
        if verdict in named:
            part = tr("brief.part.named", lang, part=part, names=tr("brief.names.sep", lang).join(names))
        parts.append(part)
    if len(parts) < 2:
        return "".join(parts)
    return tr("brief.part.sep", lang).join(parts[:-1]) + tr("brief.part.and", lang) + parts[-1]


def promise_name(name: str, data: dict, lang: str) -> str:
    """A headline promise's short name ("urban 10 minutes at arrival", "never overnight"):
    ``urban_10min`` is named by the event the scenario counts."""
    if name == "urban_10min":
        name = f"urban_10min_{data['targets'].get('urban_response_event', 'acceptance')}"
    return tr(f"promise.{name}", lang, minutes=data["targets"]["urban_response_min"])


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


def _per_rep(count: float) -> str:
    """Orders a replication: whole above 10, else with one decimal."""
    return f"{count:,.0f}" if count >= 10 else f"{count:.1f}"


def _largest_cause(row: dict, causes: list[str]) -> str:
    return max(causes, key=lambda c: row[c])  # (a tie: the first in precedence)


def promise_lines(summary: dict, data: dict, lang: str) -> list[str]:
    """The briefing's answer to "are the promises kept, where not, and what to do?": the
    bottom line (of the headline promises with a target in kpis.json, how many are met,
    missed and uncertain, naming the missed and uncertain), then a line per missed or
    uncertain promise with its estimate and the largest cause of its own misses (kpis.json's
    ``miss_causes.promises``, each promise's orders by its own deadline) and that cause's lever.
    When most of a promise's misses were placed after the same-day cut-off (rural by midnight,
    never overnight), the line says what share, that those need a later evening roster or the
    cut-off rule extended to the promise, and the largest cause of the rest (kpis.json's
    ``miss_causes.promises_before_cutoff``) with its lever. Every figure is kpis.json's; a results
    folder without the promises' table gets the lines without causes (the zone promises take
    their group's). None when no headline KPI has a target."""
    rows = [r for r in headline_rows(summary, data) if r["target"] is not None]
    if not rows:
        return []
    items = [(r["verdict"], promise_name(r["name"], data, lang)) for r in rows]
    bottom = tr(
        "brief.bottom_line",
        lang,
        count=len(rows),
        parts=verdict_parts(items, ("missed", "uncertain"), lang, "promise"),
    )
    if any(v == "uncertain" for v, _ in items):
        bottom += tr("brief.promises_undecided", lang)
    out = [bottom]
    given: dict[str, str] = {}  # cause -> the promise whose line gave its lever first

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
            verdict=tr(f"verdict.{r['verdict']}", lang),
        )
        row = _cause_row(table, "promises", name) if table["groups"] else None
        if row is None or row["missed"] == 0:
            if name == "open_overnight_per_1000":  # (an older results folder: the rates alone)
                space = "" if lang == "zh" else " "
                text += "".join(space + line for line in overnight_lines(summary, data, lang))
            out.append(text)
            continue
        arrival = name == "urban_10min_arrival" or (name == "urban_10min" and event == "arrival")
        after = row.get(AFTER_CUTOFF)
        if isinstance(after, int) and 2 * after > row["missed"]:  # mostly orders placed late
            text += tr(
                "brief.promise_late",
                lang,
                share=format_number(after / row["missed"], "share"),
                missed=_per_rep(row["missed"] / reps),
                cutoff=cutoff,
            )
            rest = _cause_row(table, "promises_before_cutoff", name)
            if rest is not None and rest["missed"] >= reps:  # (one a replication or more)
                cause = _largest_cause(rest, table["causes"])
                text += tr(
                    "brief.promise_rest",
                    lang,
                    rest=_per_rep(rest["missed"] / reps),
                    cause=tr(f"cause.{cause}", lang),
                    share=format_number(rest[cause] / rest["missed"], "share"),
                    lever=once(cause, lever(cause, rest, lang), name),
                )
        else:
            cause = _largest_cause(row, table["causes"])
            # at arrival, a miss accepted in time is the turnout and the drive: its own lever
            drive = arrival and cause == "travel"
            text += tr(
                "brief.promise_cause",
                lang,
                share=format_number(row[cause] / row["missed"], "share"),
                missed=_per_rep(row["missed"] / reps),
                cause=tr("cause.travel_arrival" if drive else f"cause.{cause}", lang),
                lever=once(
                    "travel_arrival" if drive else cause,
                    tr("lever.travel_arrival", lang) if drive else lever(cause, row, lang),
                    name,
                ),
            )
        out.append(text)
    return out


# a share of uncertain towns from which the towns' line asks for more replications
MANY_UNCERTAIN = 0.25


def town_verdict_line(summary: dict, data: dict, lang: str) -> list[str]:
    """One line on the towns' verdicts (:func:`town_rows`, a town with both zones by the worse
    of its zones'): how many are met, missed (named, with the largest cause of their misses
    from kpis.json's ``miss_causes.towns`` when there are at most 3) and uncertain; when at
    least a quarter are uncertain, that more replications would decide them. None without
    towns."""
    rows = town_rows(summary, data, lang)
    if not rows:
        return []
    table = miss_table(summary)
    missed = sum(r["verdict"] == "missed" for r in rows)

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
        return tr("brief.town_cause", lang, town=r["label"], share=share, cause=tr(f"cause.{cause}", lang))

    items = [(r["verdict"], named(r)) for r in rows]
    text = tr(
        "brief.towns_line", lang, count=len(rows), parts=verdict_parts(items, ("missed",), lang, "town")
    )
    uncertain = sum(v == "uncertain" for v, _ in items)
    if uncertain and uncertain >= MANY_UNCERTAIN * len(rows):
        text += tr("brief.towns_undecided", lang, reps=summary["reps"], **counts(summary))
    return [text]


def cause_lines(summary: dict, lang: str) -> list[str]:
    """The largest cause of missed orders (of the group, urban, rural or professional, and the
    cause with the most misses) and the lever that would fix it, then what assumptions drive
    the headline (patience, acceptance delay, utilisation)."""
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
    kpis = summary["kpis"]

    def value(name: str) -> str:
        return shown(_num(kpis.get(name, {}).get("mean")), "share", lang)

    cancelled = sum(r.get("cancelled", 0) for r in groups.values())
    return [
        tr(
            "brief.cause_line",
            lang,
            group=tr(f"cause.group.{group}", lang),
            share=format_number(row[cause] / row["missed"], "share"),
            missed=row["missed"] / reps,
            cause=tr(f"cause.{cause}", lang),
            lever=lever(cause, row, lang),
        ),
        tr(
            "brief.drivers",
            lang,
            cancelled=format_number(cancelled / all_missed, "share"),
            acceptance=value("urban_10min_acceptance"),
            arrival=value("urban_10min_arrival"),
            utilisation=value("utilisation"),
        ),
    ]


def worst_town_lines(summary: dict, data: dict, lang: str) -> list[str]:
    """One sentence for each of the towns with the lowest compliance, worst first."""
    rows = sorted(
        town_rows(summary, data, lang),
        key=lambda r: (VERDICT_RANK.get(r["verdict"], 3), r["mean"] - r["target"], r["label"]),
    )

    def line(label: str, r: dict) -> str:
        return tr(
            "brief.worst_line" if not math.isnan(r["low"]) else "brief.worst_line_one",
            lang,
            town=label,
            value=shown(r["mean"], "share"),
            low=shown(r["low"], "share"),
            high=shown(r["high"], "share"),
            target=f"{r['target']:.1%}",
            verdict=tr(f"verdict.{r['verdict']}", lang),
        )

    def zone_line(r: dict, z: dict) -> str:
        return line(f"{r['label']} ({tr('zone.' + z['zone'], lang)})", z)

    out = []
    for r in rows[:WORST_TOWNS]:
        zones = [z for z in r["zones"] if z["zone"] in HEADLINE_ZONES]
        if zones:  # a town with both zones: each zone against its own promise
            out += [zone_line(r, z) for z in zones]
        else:
            out.append(line(r["label"], r))
        out += [zone_line(r, z) for z in r["zones"] if z["zone"] not in HEADLINE_ZONES]  # other reading
    return out
