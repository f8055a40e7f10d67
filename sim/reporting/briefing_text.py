"""What a briefing says, as plain text and table rows, from a results folder's ``kpis.json`` and
``chart_data.json``: the headline and service-channel rows (estimate with its 95% CI, target and
verdict), the towns' rows and the worst towns, the scenario paragraph, the assumptions, the
surge events' delivery, and the footnote every chart carries (what it says about the promises
missed, their causes and levers: :mod:`sim.reporting.briefing_promises`). In Chinese
(``lang="zh"``) every label and sentence comes from :mod:`sim.reporting.i18n`, town names in
characters.

The verdict of a headline promise is plain: met (the whole CI on the right side), missed (the
whole CI on the wrong side) or uncertain (more replications needed). Example row, as the
Markdown briefing prints it: ``| Urban orders responded within the promise | 97.0% (96.5%-97.5%) |
≥ 90% | **met** |``.
"""

from __future__ import annotations

import math

from sim.reporting.formatting import format_number, plural, share_target
from sim.reporting.i18n import tr, unit_label
from sim.reporting.kpi_summary import event_cause_line, with_edge
from sim.results.kpi_catalogue import CHANNEL_ROWS
from sim.results.promises import other_reading

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
    """Per town with orders: label, pinyin, index (in chart_data.json's towns), compliance
    mean/low/high, target and verdict, all from kpis.json (:func:`no_order_towns` names the
    others). A
    town with one zone: its compliance's target and verdict. A town with both zones is judged
    on each zone apart; its row shows its compliance against the order-weighted target with the
    worse of its zones' verdicts (``verdict_zone`` names that zone; None for a one-zone town),
    and ``zones`` lists each zone's row. ``zones`` lists too, for
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
        headline = [z for z in zones if z["zone"] in HEADLINE_ZONES]
        worst = None  # the zone whose verdict is a mixed town's (the chart names it)
        if "verdict" in k:
            target, v = _num(k["target"]), k["verdict"]
        elif headline:
            target = _num(data["towns"]["target"][t])
            worst = min(headline, key=lambda z: VERDICT_RANK.get(z["verdict"], 3))
            v = worst["verdict"]
        else:
            continue
        rows.append(
            {
                "label": town_label(data, t, lang),
                "pinyin": pinyin,
                "index": t,  # (its place in chart_data.json's towns)
                **s,
                "target": target,
                "verdict": v,
                "verdict_zone": worst["zone"] if worst else None,
                "zones": zones,
            }
        )
    return rows


def no_order_towns(summary: dict, data: dict, lang: str) -> list[str]:
    """The towns without orders in the measured days (kpis.json's compliance without a value, or
    none), by name in the page's language, in chart_data.json's order: :func:`town_rows` has no
    row for them, and the briefing names them so that its towns add up to the scenario's."""
    kpis = summary["kpis"]
    return [
        town_label(data, t, lang)
        for t, pinyin in enumerate(data["towns"]["pinyin"])
        if _is_nan(kpis.get(f"town.{pinyin}.compliance", {}).get("mean"))
    ]


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
    ``names`` that kpis.json has (``urban_10min_arrival`` stands for the urban promise's other
    reading: ``urban_10min_acceptance`` when the scenario counts arrivals). The interval,
    target and verdict are kpis.json's (one verdict function, :func:`sim.results.verdict.judge`,
    for every output); a KPI without a target there has none here."""
    kpis = summary["kpis"]
    rows = []
    # the urban promise's other reading: arrival, or acceptance when the scenario counts arrivals
    other = f"urban_10min_{other_reading(data.get('targets', {}).get('urban_response_event', 'acceptance'))}"
    for name in names:
        name = other if name == "urban_10min_arrival" else name
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
    intervals lie within 0-100% already), without thousands separators in Chinese (the one
    style of the Chinese pages: :func:`count`); a value without data (NaN) is "no data" in the
    page's language."""
    if _is_nan(value):
        return tr("verdict.n/a", lang)
    text = format_number(value, unit)
    return text.replace(",", "") if lang == "zh" else text


def estimate_text(row: dict, lang: str = "en") -> str:
    """'97.0% (96.5%-97.5%)' or '6.0 (3.7-8.3) orders/week': mean and 95% CI of kpis.json. In
    Chinese the interval is in full-width parentheses after the mean and its unit, its ends
    joined by the Chinese range mark (``range``): '6.0 单/周（3.7～8.3）'."""
    unit = row["unit"]
    if _is_nan(row["mean"]):
        return shown(row["mean"], unit, lang)
    mean = shown(row["mean"], unit, lang)
    units = "" if unit == "share" else f" {unit_label(unit, lang)}"
    interval = ""
    if not (_is_nan(row["low"]) or _is_nan(row["high"])):
        interval = tr("range", lang, low=shown(row["low"], unit, lang), high=shown(row["high"], unit, lang))
    if lang == "zh":
        return mean + units + (f"（{interval}）" if interval else "")
    return mean + (f" ({interval})" if interval else "") + units


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
    """The footnote every chart carries: scenario, seed, replications, days. The scenario is
    named by its id in English (what ``redvest run`` takes) and by its Chinese title
    (:func:`title`) in Chinese, whose readers know it by that name."""
    return tr(
        "footnote",
        lang,
        name=title(summary, "zh") if lang == "zh" else summary["scenario"],
        seed=summary["seed"],
        reps=summary["reps"],
        days=summary["days"],
        warmup=summary["warmup_days"],
        **counts(summary),
    )


def scenario_text(summary: dict, data: dict, lang: str) -> str:
    """The scenario in one paragraph, opening with the scenario's own description in the
    page's language: ``description`` (English) in English, ``description_zh`` in Chinese (none
    when the scenario has no Chinese one, or kpis.json predates it)."""
    zones = data["places"]["zone"]
    own = (summary.get("description_zh") if lang == "zh" else summary.get("description")) or ""
    # a sentence ends in 。 in Chinese, which takes no space after it
    description = own.strip() + ("" if lang == "zh" else " ") if own.strip() else ""
    orders = _num(summary["kpis"].get("orders_per_day", {}).get("mean"))
    # the results of a run extended through run_replications(extend=...) say so first
    extended = tr("brief.extended", lang, extension=summary["extension"]) if summary.get("extension") else ""
    return extended + tr(
        "brief.scenario_text" if zones.count(0) else "brief.scenario_text_no_urban",
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


def drivers_text(summary: dict, cancelled: float, lang: str) -> str:
    """What assumptions drive the headline: citizens' patience (``cancelled``, the share of the
    missed orders that were cancelled), turnout and travel (the urban share at acceptance
    against arrival) and how busy volunteers are on duty (utilisation). Without urban orders
    (an all-rural county: neither urban reading has a value) the urban part says so instead of
    quoting two values without data."""
    kpis = summary["kpis"]

    def value(name: str) -> float:
        return _num(kpis.get(name, {}).get("mean"))

    readings = {event: value(f"urban_10min_{event}") for event in ("acceptance", "arrival")}
    urban = not all(_is_nan(v) for v in readings.values())
    return tr(
        "brief.drivers" if urban else "brief.drivers_no_urban",
        lang,
        cancelled=format_number(cancelled, "share"),
        **{event: shown(v, "share", lang) for event, v in readings.items()},
        utilisation=shown(value("utilisation"), "share", lang),
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
            reading=tr(
                f"reading.{t.get('urban_response_event', 'acceptance')}",
                lang,
                minutes=t["urban_response_min"],
            ),
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


def unjudged_lines(summary: dict, lang: str) -> list[str]:
    """What the channel table does not judge, from kpis.json's ``judged`` (a short run's
    channels whose every order falls due after the run, e.g. the paired units' 3-day projects
    in a 2-day run): one line naming each such channel with its orders due after the run
    (summed over the replications); and, when the package share judges some kinds of visit
    but not others, which visits it judged and how many fell due after the run. Without them
    (or in a results folder without ``judged``) no line. A channel without orders in the
    measured days (not in the scenario) is not named."""
    judged = summary.get("judged") or {}
    out = []
    unjudged = [
        (name, row["due_after_run"])
        for name, row in judged.items()
        if row["judged"] == 0 and row["due_after_run"] > 0
    ]
    if unjudged:
        items = [
            tr("brief.unjudged_item", lang, channel=tr(f"channel.{name}", lang), n=count(n, lang))
            for name, n in unjudged
        ]
        out.append(tr("brief.unjudged", lang, channels=tr("list_sep", lang).join(items)))
    kinds = (judged.get("package_on_time") or {}).get("kinds") or {}
    done = [k for k in kinds.values() if k["judged"] > 0]
    late = [k for k in kinds.values() if k["judged"] == 0 and k["due_after_run"] > 0]
    if done and late:
        names = [kind_name(k, lang) for k in done]
        out.append(
            tr(
                "brief.packages_partly",
                lang,
                judged=tr("list_sep", lang).join(
                    tr("with_note", lang, text=name, note=every_text(k["every_days"], lang))
                    for name, k in zip(names, done)
                ),
                kinds=len(late),
                every=every_text(sorted({k["every_days"] for k in late}), lang),
                n=count(sum(k["due_after_run"] for k in late), lang),
            )
        )
    return out


def kind_name(kind: dict, lang: str) -> str:
    """A package kind as a sentence names it (kpis.json's ``judged``): its item's Chinese name
    in Chinese; in English its item's name with a lower-case first letter ("meals for babies
    and pregnant women")."""
    if lang == "zh":
        return kind["name_zh"]
    name = kind["name"]
    return name[:1].lower() + name[1:] if name[1:2].islower() else name


def count(n: int, lang: str) -> str:
    """A count as the page writes it: ``1,234`` in English; in Chinese without thousands
    separators (``1234``, as the article writes 1010 支), the one style of the Chinese pages."""
    return f"{n:,}" if lang != "zh" else f"{n}"


def every_text(days, lang: str) -> str:
    """How often a package's visits come, from ``every_days`` (one value or a sorted list):
    "daily", "every 7 days", "every 7 or 30 days" (每天一次, 每 7 天一次 in Chinese)."""
    days = [days] if isinstance(days, int) else list(days)
    if days == [1]:
        return tr("every.day", lang)
    return tr("every.days", lang, days=tr("or_sep", lang).join(str(d) for d in days))


def channel_assumption_lines(summary: dict, data: dict, lang: str) -> list[str]:
    """The assumptions behind the service channels' numbers (shown under their table): the
    paired units' projects, the packages and the villages' hand-ups rest on rates the source
    does not give."""
    lines = []
    if "pairing" in data and "pairing_on_time" in summary["kpis"]:
        per_year = data["pairing"]["orders_per_project_per_year"]
        times = {1: "once", 2: "twice"}.get(per_year, f"{per_year:g} times")
        lines.append(tr("brief.assume_pairing", lang, times_text=times, **data["pairing"]))
    if "packages" in data and "package_on_time" in summary["kpis"]:
        tiers = tr(f"tiers.{int(data['packages']['top_tier'])}", lang)  # the teams serving the visits
        lines.append(tr("brief.assume_packages", lang, tiers=tiers, **data["packages"]))
    hand_up = summary["kpis"].get("hand_up_rate")
    if hand_up is not None and _num(hand_up["mean"]) > 0:  # villages hand orders up
        lines.append(tr("brief.assume_hand_up", lang, share=shown(_num(hand_up["mean"]), "share")))
    return lines


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
            target=share_target(r["target"]),
            verdict=tr(f"verdict.{r['verdict']}", lang),
        )

    def zone_line(r: dict, z: dict) -> str:
        zone = tr("zone." + z["zone"], lang)
        return line(f"{r['label']}（{zone}）" if lang == "zh" else f"{r['label']} ({zone})", z)

    out = []
    for r in rows[:WORST_TOWNS]:
        zones = [z for z in r["zones"] if z["zone"] in HEADLINE_ZONES]
        if zones:  # a town with both zones: each zone against its own promise
            out += [zone_line(r, z) for z in zones]
        else:
            out.append(line(r["label"], r))
        out += [zone_line(r, z) for z in r["zones"] if z["zone"] not in HEADLINE_ZONES]  # other reading
    return out
