"""Saved results -> the charts and a one-page-per-side briefing for county leadership.

:func:`write_report` reads only files of a results folder (``kpis.json`` and
``chart_data.json``, both written by :func:`sim.reporting.report.write_results`), draws the charts into
``charts/`` (:func:`draw_charts`) and writes ``briefing.html`` (self-contained: images embedded as
base64 PNG, CSS ``@page`` A4, two pages) and ``briefing.md``. It never simulates, so ``python run.py report
results/pingyang`` redraws everything in seconds. In Chinese (``lang="zh"``) every label and
sentence comes from :mod:`sim.reporting.i18n`, town names in characters, and files get a ``.zh`` suffix
(``briefing.zh.html``, ``charts/map.zh.png``) so both languages can sit side by side.

What the briefing says (rows, verdicts, sentences) is :mod:`sim.reporting.briefing_text`; its HTML
and Markdown pages are :mod:`sim.reporting.briefing_page`; the charts are
:mod:`sim.reporting.briefing_charts` and :mod:`sim.reporting.map_chart`.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from sim.config.errors import UserError
from sim.reporting.briefing_charts import (
    demand_capacity_chart,
    miss_cause_chart,
    outcome_chart,
    response_time_chart,
    town_compliance_chart,
)
from sim.reporting.briefing_page import build_html, build_markdown
from sim.reporting.briefing_text import footnote, kpi_float, no_order_towns, town_label, town_rows
from sim.reporting.chart_style import cjk_font, cjk_font_file
from sim.reporting.files import write_text
from sim.reporting.folder import final_path, results_copy
from sim.reporting.formatting import CHART_DATA, CHART_DATA_FORMAT, plural
from sim.reporting.i18n import tr
from sim.reporting.map_chart import map_chart
from sim.reporting.miss_levers import counts_arrivals, miss_table
from sim.reporting.progress import Progress
from sim.reporting.shapes import check_results

ZH_INSTALL = "pip install 'redvest[zh]' (in a checkout: pip install -e '.[zh]')"
CHART_NAMES = ["response_times", "outcomes", "miss_causes", "town_compliance", "map", "demand_capacity"]


def load_results(folder: str | Path) -> tuple[dict, dict]:
    """(kpis.json, chart_data.json) of a results folder; UserError naming what is missing."""
    folder = Path(folder)
    if not folder.is_dir():
        raise UserError(
            f"{folder}: {'not a folder' if folder.exists() else 'no such folder'}; expected a results "
            "folder written by `python run.py run` (with kpis.json and chart_data.json)"
        )
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
        {z: [[kpi_float(v) for v in c] for c in resp["curves"][z]] for z in ("urban", "rural")},
        tg["urban_response_min"],
        {"urban": tg["urban"], "rural": tg["rural"]},
        {"urban": kpis.get("urban_10min"), "rural": kpis.get("rural_same_day")},
        [kpi_float(v) for v in resp["rural_deadline_min"]],
        stem["response_times"],
        note,
        lang,
        tg.get("urban_response_event", "acceptance"),
    )
    step()
    out = data["outcomes"]
    outcome_chart(
        {g: [kpi_float(v) for v in s] for g, s in out["shares"].items()},
        out["categories"],
        stem["outcomes"],
        note,
        lang,
    )
    step()
    miss_cause_chart(
        miss_table(summary), stem["miss_causes"], note, lang, counts_arrivals(data), summary.get("days", 7.0)
    )
    step()
    empty = no_order_towns(summary, data, lang)
    town_compliance_chart(town_rows(summary, data, lang), stem["town_compliance"], note, lang, empty)
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
        [kpi_float(v) for v in week["orders_per_hour"]],
        {lv: [kpi_float(v) for v in row] for lv, row in week["on_duty"].items()},
        [kpi_float(v) for v in week["busy_orders"]],
        [kpi_float(v) for v in week["busy_all"]],
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
        "orders": [kpi_float(v) / reps for v in p["orders"]],
        "met": [kpi_float(v) / reps for v in p["met"]],
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


def report_files(lang: str) -> list[str]:
    """The files :func:`write_report` writes in ``lang``, relative to the results folder."""
    suffix = ".zh" if lang == "zh" else ""
    charts = [f"charts/{name}{suffix}.{ext}" for name in CHART_NAMES for ext in ("png", "svg")]
    return [*charts, f"briefing{suffix}.md", f"briefing{suffix}.html"]


def write_report(
    folder: str | Path, lang: str = "en", progress: bool = True, in_place: bool = False
) -> dict[str, Path]:
    """Redraw the charts and write the briefing (HTML and Markdown) of a results folder from its
    saved files only; returns {name: path} of everything written. Never simulates.
    ``progress``: show the charts drawn (done/total, time left) on stderr.

    The files are written into a copy of the folder that replaces it whole at the end
    (:func:`sim.reporting.folder.results_copy`, under the folder's lock), so an interrupted or
    failing report leaves the folder as it was. ``in_place``: the caller writes ``folder``
    whole and swaps it in itself (a run's temporary folder, whose lock the run holds), so the
    files are written into it directly."""
    folder = Path(folder)
    # (read and checked once: a missing or damaged folder is one line, before any lock or copy;
    # the copy's kpis.json and chart data are the same files)
    summary, data = load_results(folder)
    lang = resolve_lang(lang)
    if in_place:
        return _write_files(folder, summary, data, lang, progress)
    with results_copy(folder, report_files(lang)) as copy:
        written = _write_files(copy, summary, data, lang, progress)
    return {name: folder / path.relative_to(copy) for name, path in written.items()}


def _write_files(folder: Path, summary: dict, data: dict, lang: str, progress: bool) -> dict[str, Path]:
    """Draw the charts and write the briefing of ``summary`` (kpis.json) and ``data`` (the chart
    data) into ``folder`` itself, in ``lang`` (resolved); {name: path} written."""
    shown = final_path(folder.resolve()).name
    bar = Progress(len(CHART_NAMES) + 1, f"report {shown} ({lang})", progress, unit="file")
    images = draw_charts(summary, data, folder, lang, bar.step)
    suffix = ".zh" if lang == "zh" else ""
    md = folder / f"briefing{suffix}.md"
    page = folder / f"briefing{suffix}.html"
    write_text(md, build_markdown(summary, data, images, folder, lang))
    write_text(page, build_html(summary, data, images, folder, lang))
    bar.step()
    return {**images, "briefing.md": md, "briefing.html": page}
