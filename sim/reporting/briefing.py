"""Saved results -> the charts and a one-page-per-side briefing for county leadership.

:func:`write_report` reads only files of a results folder (``kpis.json`` and
``chart_data.json``, both written by :func:`sim.reporting.report.write_results`), draws the charts into
``charts/`` and writes ``briefing.html`` (self-contained: images embedded as base64 PNG, CSS
``@page`` A4, two pages) and ``briefing.md``. It never simulates, so ``python run.py report
results/pingyang`` redraws everything in seconds. In Chinese (``lang="zh"``) every label and
sentence comes from :mod:`sim.reporting.i18n`, town names in characters, and files get a ``.zh`` suffix
(``briefing.zh.html``, ``charts/map.zh.png``) so both languages can sit side by side.

A briefing says, for the headline promises: the estimate with its 95% CI, the target, and a
plain verdict (met: the whole CI on the right side; missed: the whole CI on the wrong side;
uncertain: more replications needed). Example line: ``Urban orders responded within the promise
| 97.0% (96.5%-97.5%) | >= 90% | met``.
"""

from __future__ import annotations

import base64
import html
import json
import math
import shutil
from pathlib import Path

from sim.config.errors import UserError
from sim.reporting import webfont
from sim.reporting.briefing_charts import (
    demand_capacity_chart,
    miss_cause_chart,
    outcome_chart,
    response_time_chart,
    town_compliance_chart,
)
from sim.reporting.chart_style import cjk_font, cjk_font_file
from sim.reporting.files import write_text
from sim.reporting.formatting import CHART_DATA, CHART_DATA_FORMAT, format_number, plural
from sim.reporting.i18n import kpi_label, tr, unit_label
from sim.reporting.map_chart import map_chart
from sim.reporting.progress import Progress
from sim.reporting.shapes import check_results
from sim.results.kpis import CHANNEL_ROWS

ZH_INSTALL = "pip install 'redvest[zh]' (in a checkout: pip install -e '.[zh]')"
CHART_NAMES = ["response_times", "outcomes", "miss_causes", "town_compliance", "map", "demand_capacity"]
WORST_TOWNS = 3


def _num(value) -> float:
    return math.nan if value is None else float(value)


def load_results(folder: str | Path) -> tuple[dict, dict]:
    """(kpis.json, chart_data.json) of a results folder; UserError naming what is missing."""
    folder = Path(folder)
    out = []
    for name in ("kpis.json", CHART_DATA):
        path = folder / name
        if not path.is_file():
            raise UserError(
                f"{path}: not found; expected a results folder written by "
                "`python run.py run` (with kpis.json and chart_data.json)"
            )
        try:
            out.append(json.loads(path.read_text(encoding="utf-8")))
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise UserError(f"{path}: not valid JSON ({exc}); rerun `python run.py run`") from None
    if isinstance(out[1], dict) and out[1].get("format") != CHART_DATA_FORMAT:
        raise UserError(
            f"{folder / CHART_DATA}: written by another version of Red Vest "
            f"(format {out[1].get('format')}, expected {CHART_DATA_FORMAT}); rerun "
            "`python run.py run` for this scenario"
        )
    check_results(out[0], out[1], folder, CHART_DATA)  # types and shapes, before drawing
    return out[0], out[1]


def resolve_lang(lang: str) -> str:
    """The language to write; ``zh`` needs a CJK font to draw and embed (a UserError naming the
    install command when there is none: a Chinese briefing is never quietly English)."""
    if lang == "zh" and (cjk_font() is None or cjk_font_file() is None):
        raise UserError(
            f"--lang zh: no CJK font to draw and embed the Chinese text; install it with {ZH_INSTALL}"
        )
    return lang


def clear_previous(folder: str | Path) -> None:
    """Remove every charts and briefing file of an earlier run in ``folder`` (both languages), so
    a rerun leaves none beside its own."""
    folder = Path(folder)
    shutil.rmtree(folder / "charts", ignore_errors=True)
    for pattern in ("briefing.*html", "briefing.*md"):
        for path in folder.glob(pattern):
            path.unlink()


def town_label(data: dict, t: int, lang: str) -> str:
    """A town's name: characters in Chinese, pinyin in English."""
    return data["towns"]["name" if lang == "zh" else "pinyin"][t]


VERDICT_RANK = {"missed": 0, "uncertain": 1, "few": 2, "n/a": 3, "met": 4}


def town_rows(summary: dict, data: dict, lang: str) -> list[dict]:
    """Per town: label, compliance mean/low/high, target and verdict, all from kpis.json. A
    town with one zone: its compliance's target and verdict. A town with both zones is judged
    on each zone apart; its row shows its compliance against the order-weighted target with the
    worse of its zones' verdicts, and ``zones`` lists each zone's row."""
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
            )
            if "verdict" in kpis.get(name, {})
        ]
        if "verdict" in k:
            target, v = _num(k["target"]), k["verdict"]
        elif zones:
            target = _num(data["towns"]["target"][t])
            v = min((z["verdict"] for z in zones), key=lambda x: VERDICT_RANK.get(x, 3))
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
    "open_overnight_per_1000",
    "response_p90_urban",
    "cancellation_rate",
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


def _is_nan(value) -> bool:
    """Whether a kpis.json value is missing (NaN is saved as null or as a NaN float)."""
    return value is None or (isinstance(value, float) and math.isnan(value))


def shown(value: float, unit: str) -> str:
    """A KPI value as the briefing prints it: format_number of kpis.json's value (whose share
    intervals lie within 0-100% already)."""
    return format_number(value, unit)


def estimate_text(row: dict, lang: str = "en") -> str:
    """'97.0% (96.5%-97.5%)' or '6.0 (3.7-8.3) orders/week': mean and 95% CI of kpis.json."""
    unit = row["unit"]
    text = shown(row["mean"], unit)
    if not (math.isnan(row["low"]) or math.isnan(row["high"])):
        text += f" ({shown(row['low'], unit)}-{shown(row['high'], unit)})"
    return text if unit == "share" or math.isnan(row["mean"]) else f"{text} {unit_label(unit, lang)}"


def target_text(row: dict, data: dict, lang: str) -> str:
    """The target of a headline row in words."""
    target = row["target"]
    if target is None:
        return "-"
    kind, op, value = target
    if kind == "overnight":
        return tr("brief.overnight_target", lang, value=value)
    sign = "≥" if op in (">=", ">") else "≤"
    return f"{sign} {value:.0%}" if kind == "share" else f"{sign} {value:g}"


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


def draw_charts(summary: dict, data: dict, folder: Path, lang: str, step=lambda: None) -> dict[str, Path]:
    """Draw every chart of a results folder into ``folder/charts``; chart name -> PNG path.
    ``step()`` is called after each chart (progress)."""
    suffix = ".zh" if lang == "zh" else ""
    stem = {name: folder / "charts" / f"{name}{suffix}" for name in CHART_NAMES}
    note = footnote(summary, lang)
    kpis, tg = summary["kpis"], data["targets"]
    resp = data["response"]
    response_time_chart(
        resp["grid_min"],
        {z: [[_num(v) for v in c] for c in resp["curves"][z]] for z in ("urban", "rural")},
        tg["urban_response_min"],
        {"urban": tg["urban"], "rural": tg["rural"]},
        {"urban": kpis.get("urban_10min"), "rural": kpis.get("rural_same_day")},
        [_num(v) for v in resp["rural_deadline_min"]],
        stem["response_times"],
        note,
        lang,
    )
    step()
    out = data["outcomes"]
    outcome_chart(
        {g: [_num(v) for v in s] for g, s in out["shares"].items()},
        out["categories"],
        stem["outcomes"],
        note,
        lang,
    )
    step()
    miss_cause_chart(miss_table(summary), stem["miss_causes"], note, lang)
    step()
    town_compliance_chart(town_rows(summary, data, lang), stem["town_compliance"], note, lang)
    step()
    map_chart(
        map_places(summary, data),
        map_towns(data, lang),
        _xy(data, data["county_center_place"]),
        _xy(data, data["ferry"]["port_place"]) if data.get("ferry") else None,
        tr("map.size", lang, days=summary["days"], days_text=plural(summary["days"], "day")),
        stem["map"],
        note,
        lang,
    )
    step()
    week = data["week"]
    demand_capacity_chart(
        [_num(v) for v in week["orders_per_hour"]],
        {lv: [_num(v) for v in row] for lv, row in week["on_duty"].items()},
        [_num(v) for v in week["busy_orders"]],
        [_num(v) for v in week["busy_all"]],
        stem["demand_capacity"],
        note,
        lang,
    )
    step()
    return {name: Path(f"{s}.png") for name, s in stem.items()}


def _xy(data: dict, place: int) -> tuple[float, float]:
    return data["places"]["x_km"][place], data["places"]["y_km"][place]


def _islands(data: dict) -> set[int]:
    return set(data["ferry"]["island_towns"]) if data.get("ferry") else set()


def map_places(summary: dict, data: dict) -> dict:
    """Per place, for the map: position, orders and met orders per replication, the target of
    its zone and whether it is on an island."""
    p, reps = data["places"], max(1, summary["reps"])
    zone_target = [data["targets"]["urban"], data["targets"]["rural"]]
    islands = _islands(data)
    return {
        "x_km": p["x_km"],
        "y_km": p["y_km"],
        "orders": [_num(v) / reps for v in p["orders"]],
        "met": [_num(v) / reps for v in p["met"]],
        "target": [zone_target[z] for z in p["zone"]],
        "island": [t in islands for t in p["town"]],
    }


def map_towns(data: dict, lang: str) -> list[dict]:
    """Town labels for the map, at their seats."""
    islands = _islands(data)
    return [
        {
            "label": town_label(data, t, lang),
            "x_km": _xy(data, p)[0],
            "y_km": _xy(data, p)[1],
            "island": t in islands,
        }
        for t, p in enumerate(data["towns"]["seat_place"])
    ]


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
        minutes=data["targets"]["urban_response_min"],
        orders=orders,
        reps=summary["reps"],
        days=summary["days"],
        seed=summary["seed"],
        **counts(summary),
    )


def _shown_folder(folder: Path) -> str:
    """The results folder as a user would type it: relative to the current folder when inside it."""
    from sim.reporting.folder import final_path  # a run writes into a temporary folder first

    folder = final_path(folder.resolve())
    try:
        return folder.relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return folder.name


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
        tr("brief.assume_ladder", lang),
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


_MD_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*_[]|#~"})


def md(text: str) -> str:
    """Text from a scenario or a results file, safe inside Markdown: HTML is escaped (so a name
    like ``<script>`` is shown, never run) and Markdown's markup characters are backslashed."""
    return html.escape(str(text), quote=False).translate(_MD_SPECIAL)


def build_markdown(summary: dict, data: dict, images: dict[str, Path], folder: Path, lang: str) -> str:
    """The briefing as Markdown (images linked relative to the results folder); every text that
    comes from the scenario (names, description, towns) is escaped with :func:`md`."""
    lines = [
        f"# {md(tr('brief.title', lang, name=title(summary, lang)))}",
        "",
        f"*{tr('brief.subtitle', lang)}*",
        "",
        f"## {tr('brief.scenario', lang)}",
        "",
        md(scenario_text(summary, data, lang)),
        "",
        f"## {tr('brief.headline', lang)}",
        "",
        f"| {tr('brief.col_kpi', lang)} | {tr('brief.col_value', lang)} | "
        f"{tr('brief.col_target', lang)} | {tr('brief.col_verdict', lang)} |",
        "|---|---|---|---|",
    ]
    for row in headline_rows(summary, data):
        lines.append(
            f"| {md(kpi_label(row['name'], row['label'], lang))} | {md(estimate_text(row, lang))} | "
            f"{md(target_text(row, data, lang))} | **{tr('verdict.' + row['verdict'], lang)}"
            "** |"
        )
    lines += ["", tr("brief.verdict_note", lang)]
    channels = channel_rows(summary, data)
    if channels:
        lines += ["", f"## {tr('brief.channels', lang)}", ""]
        lines += [f"| {tr('brief.col_kpi', lang)} | {tr('brief.col_value', lang)} |", "|---|---|"]
        lines += [
            f"| {md(kpi_label(r['name'], r['label'], lang))} | {md(estimate_text(r, lang))} |"
            for r in channels
        ]
        lines += [""] + [f"- {md(line)}" for line in channel_assumption_lines(summary, data, lang)]
    lines += ["", f"## {tr('brief.worst', lang)}", ""]
    lines += [f"- {md(line)}" for line in worst_town_lines(summary, data, lang)]
    causes = cause_lines(summary, lang)
    if causes:
        lines += ["", f"## {tr('brief.causes', lang)}", ""]
        lines += [f"- {md(line)}" for line in causes]
    events = event_lines(summary, data, lang)
    if events:
        lines += ["", f"## {tr('brief.events', lang)}", ""]
        lines += [f"- {md(line)}" for line in events]
    lines += ["", f"## {tr('brief.charts', lang)}", ""]
    for name, path in images.items():
        lines += [f"![{name}]({path.relative_to(folder).as_posix()})", ""]
    lines += [f"## {tr('brief.assumptions', lang)}", ""]
    lines += [f"- {line}" for line in assumption_lines(summary, data, lang)]
    lines += [
        "",
        tr("brief.generated", lang, folder=md(_shown_folder(folder))),
        "",
    ]
    return "\n".join(lines)


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
        return format_number(_num(kpis.get(name, {}).get("mean")), "share")

    cancelled = sum(r.get("cancelled", 0) for r in groups.values())
    return [
        tr(
            "brief.cause_line",
            lang,
            group=tr(f"cause.group.{group}", lang),
            share=format_number(row[cause] / row["missed"], "share"),
            missed=row["missed"] / reps,
            cause=tr(f"cause.{cause}", lang),
            lever=tr(f"lever.{cause}", lang),
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

    out = []
    for r in rows[:WORST_TOWNS]:
        if r["zones"]:  # a town with both zones: each zone against its own promise
            out += [line(f"{r['label']} ({tr('zone.' + z['zone'], lang)})", z) for z in r["zones"]]
        else:
            out.append(line(r["label"], r))
    return out


FONTS = (
    '"Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", '
    '"Helvetica Neue", Arial, sans-serif'
)
FONT_FACE = "/* embedded CJK font */"
CSS = """
@page { size: A4; margin: 11mm 12mm; }
body { font-family: FONTS; font-size: 9.5pt; color: #222; max-width: 186mm;
       margin: 0 auto; line-height: 1.35; }
h1 { font-size: 15pt; margin: 0 0 1mm; } h2 { font-size: 11pt; margin: 2.5mm 0 1mm; }
p { margin: 1mm 0; }
.sub { color: #777; margin: 0 0 2mm; }
table { border-collapse: collapse; width: 100%; font-size: 9pt; }
th, td { border-bottom: 1px solid #ccc; padding: 0.7mm 1.5mm; text-align: left; }
td.v-met { color: #1a7f37; font-weight: bold; } td.v-missed { color: #c0392b; font-weight: bold; }
td.v-uncertain, td.v-few { color: #b36b00; font-weight: bold; }
ul { margin: 1mm 0; padding-left: 5mm; }
img { display: block; margin: 1.5mm auto; }
img.full { width: 124mm; } img.half { width: 100mm; } img.p2 { width: 84mm; margin: 1mm auto; }
.side { display: flex; align-items: center; gap: 3mm; } .side img { width: 96mm; flex: none; }
.page2 { break-before: page; page-break-before: always; }
.small { font-size: 8pt; color: #555; }
@media screen { body { padding: 8mm; } }
"""


def build_html(summary: dict, data: dict, images: dict[str, Path], folder: Path, lang: str) -> str:
    """The briefing as one self-contained HTML page (PNG images embedded as base64)."""
    esc = html.escape

    def img(name: str, cls: str) -> str:
        data64 = base64.b64encode(images[name].read_bytes()).decode("ascii")
        return f'<img class="{cls}" alt="{esc(name)}" src="data:image/png;base64,{data64}">'

    rows = "".join(
        f"<tr><td>{esc(kpi_label(r['name'], r['label'], lang))}</td>"
        f"<td>{esc(estimate_text(r, lang))}</td><td>{esc(target_text(r, data, lang))}</td>"
        f'<td class="v-{r["verdict"].replace("/", "")}">{esc(tr("verdict." + r["verdict"], lang))}'
        "</td></tr>"
        for r in headline_rows(summary, data)
    )
    worst = "".join(f"<li>{esc(line)}</li>" for line in worst_town_lines(summary, data, lang))
    cells = [
        (kpi_label(r["name"], r["label"], lang), estimate_text(r, lang)) for r in channel_rows(summary, data)
    ]
    # two channels a row: the table stays short enough for page 2
    pairs = [cells[i : i + 2] for i in range(0, len(cells), 2)]
    channels = "".join(
        "<tr>" + "".join(f"<td>{esc(label)}</td><td>{esc(value)}</td>" for label, value in pair) + "</tr>"
        for pair in pairs
    )
    if channels:
        head = f"<th>{esc(tr('brief.col_kpi', lang))}</th><th>{esc(tr('brief.col_value', lang))}</th>"
        channels = (
            f"<h2>{esc(tr('brief.channels', lang))}</h2><table><tr>{head * min(2, len(cells))}</tr>"
            f"{channels}</table>"
        )
        notes = "".join(f"<li>{esc(line)}</li>" for line in channel_assumption_lines(summary, data, lang))
        if notes:
            channels += f'<ul class="small">{notes}</ul>'
    causes = "".join(f"<li>{esc(line)}</li>" for line in cause_lines(summary, lang))
    causes = (
        f'<h2>{esc(tr("brief.causes", lang))}</h2>\n<div class="side">{img("miss_causes", "side")}'
        f'<ul class="small">{causes}</ul></div>'
    )
    events = "".join(f"<li>{esc(line)}</li>" for line in event_lines(summary, data, lang))
    if events:
        events = f'<h2>{esc(tr("brief.events", lang))}</h2>\n<ul class="small">{events}</ul>'
    fonts = f'"{webfont.FAMILY}", {FONTS}' if lang == "zh" else FONTS
    css = CSS.replace("FONTS", fonts)
    assumptions = "".join(f"<li>{esc(line)}</li>" for line in assumption_lines(summary, data, lang))
    page = f"""<!DOCTYPE html>
<html lang="{"zh-CN" if lang == "zh" else "en"}"><head><meta charset="utf-8">
<title>{esc(tr("brief.title", lang, name=title(summary, lang)))}</title>
<style>{FONT_FACE if lang == "zh" else ""}{css}</style></head><body>
<h1>{esc(tr("brief.title", lang, name=title(summary, lang)))}</h1>
<p class="sub">{esc(tr("brief.subtitle", lang))}</p>
<h2>{esc(tr("brief.scenario", lang))}</h2>
<p>{esc(scenario_text(summary, data, lang))}</p>
<h2>{esc(tr("brief.headline", lang))}</h2>
<table><tr><th>{esc(tr("brief.col_kpi", lang))}</th><th>{esc(tr("brief.col_value", lang))}</th>
<th>{esc(tr("brief.col_target", lang))}</th><th>{esc(tr("brief.col_verdict", lang))}</th></tr>
{rows}</table>
<p class="small">{esc(tr("brief.verdict_note", lang))}</p>
<h2>{esc(tr("brief.worst", lang))}</h2>
<ul>{worst}</ul>
{img("response_times", "full")}
{img("outcomes", "half")}
<h2>{esc(tr("brief.assumptions", lang))}</h2>
<ul class="small">{assumptions}</ul>
<div class="page2">
{channels}
{causes}
{events}
{img("town_compliance", "p2")}
{img("map", "p2")}
{img("demand_capacity", "p2")}
<p class="small">{esc(tr("brief.generated", lang, folder=_shown_folder(folder)))}</p>
</div>
</body></html>
"""
    if lang != "zh":
        return page
    # Chinese: embed the subset of the CJK font the text uses (the page's first font)
    font_css = webfont.font_face_css(cjk_font_file(), webfont.page_text(page))
    return page.replace(FONT_FACE, font_css, 1)


def write_report(folder: str | Path, lang: str = "en", progress: bool = True) -> dict[str, Path]:
    """Redraw the charts and write the briefing (HTML and Markdown) of a results folder from its
    saved files only; returns {name: path} of everything written. Never simulates.
    ``progress``: show the charts drawn (done/total, time left) on stderr."""
    folder = Path(folder)
    summary, data = load_results(folder)
    lang = resolve_lang(lang)
    from sim.reporting.folder import final_path  # a run writes into a temporary folder first

    shown = final_path(Path(folder).resolve()).name
    bar = Progress(len(CHART_NAMES) + 1, f"report {shown} ({lang})", progress, unit="file")
    images = draw_charts(summary, data, folder, lang, bar.step)
    suffix = ".zh" if lang == "zh" else ""
    md = folder / f"briefing{suffix}.md"
    page = folder / f"briefing{suffix}.html"
    write_text(md, build_markdown(summary, data, images, folder, lang))
    write_text(page, build_html(summary, data, images, folder, lang))
    bar.step()
    return {**images, "briefing.md": md, "briefing.html": page}
