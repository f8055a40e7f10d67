"""The briefing's two pages from its text (:mod:`sim.reporting.briefing_text`) and its charts:
:func:`build_html`, one self-contained HTML page (images embedded as base64 PNG, CSS ``@page``
A4, two printed pages; on a phone laid out at the screen's width, images and tables within it;
in Chinese with the subset of the CJK font its text uses embedded), and :func:`build_markdown`,
the same briefing in Markdown with the images linked. Text from a scenario or a results file
is escaped in both (:func:`md` for Markdown).
"""

from __future__ import annotations

import base64
import html
from pathlib import Path

from sim.reporting import webfont
from sim.reporting.briefing_promises import promise_lines
from sim.reporting.briefing_text import (
    assumption_lines,
    channel_assumption_lines,
    channel_rows,
    estimate_text,
    event_lines,
    headline_rows,
    scenario_text,
    target_text,
    title,
    unjudged_lines,
    worst_town_lines,
)
from sim.reporting.briefing_towns import town_verdict_line
from sim.reporting.chart_style import cjk_font_file
from sim.reporting.i18n import kpi_label, tr
from sim.reporting.kpi_summary import with_edge
from sim.reporting.miss_levers import cause_lines, counts_arrivals

_MD_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*_[]|#~"})


def md(text: str) -> str:
    """Text from a scenario or a results file, safe inside Markdown: HTML is escaped (so a name
    like ``<script>`` is shown, never run) and Markdown's markup characters are backslashed."""
    return html.escape(str(text), quote=False).translate(_MD_SPECIAL)


def verdict_word(summary: dict, row: dict, lang: str) -> str:
    """A headline row's verdict as the table shows it: the word, with an edge met's note as the
    terminal writes it ("met (0.0 per 1,000 orders in all 3 replications)":
    :func:`sim.reporting.kpi_summary.with_edge`)."""
    word = tr("verdict." + row["verdict"], lang)
    return with_edge(summary["kpis"].get(row["name"], {}), word, lang)


def _shown_folder(folder: Path) -> str:
    """The results folder as a user would type it: relative to the current folder when inside
    it, else its absolute path (its name alone named no folder from anywhere else)."""
    from sim.reporting.folder import final_path  # a run writes into a temporary folder first

    folder = final_path(folder.resolve())
    try:
        return folder.relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return folder.as_posix()


def build_markdown(summary: dict, data: dict, images: dict[str, Path], folder: Path, lang: str) -> str:
    """The briefing as Markdown (images linked relative to the results folder); every text that
    comes from the scenario (names, description, towns) is escaped with :func:`md`."""
    lines = [
        f"# {md(tr('brief.title', lang, name=title(summary, lang)))}",
        "",
        f"*{tr('brief.subtitle', lang)}*",
        "",
    ]
    promises = promise_lines(summary, data, lang)
    if promises:  # the answer first: the bottom line, then each promise missed or uncertain
        lines += [f"## {tr('brief.promises', lang)}", "", f"**{md(promises[0])}**", ""]
        lines += [f"- {md(line)}" for line in promises[1:] + town_verdict_line(summary, data, lang)]
        lines += [""]
    lines += [
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
            f"{md(target_text(row, data, lang))} | **{md(verdict_word(summary, row, lang))}** |"
        )
    lines += ["", tr("brief.verdict_note", lang)]
    channels = channel_rows(summary, data)
    unjudged = unjudged_lines(summary, lang)
    if channels or unjudged:
        lines += ["", f"## {tr('brief.channels', lang)}", ""]
        if channels:
            lines += [f"| {tr('brief.col_kpi', lang)} | {tr('brief.col_value', lang)} |", "|---|---|"]
            lines += [
                f"| {md(kpi_label(r['name'], r['label'], lang))} | {md(estimate_text(r, lang))} |"
                for r in channels
            ]
            lines += [""]
        notes = unjudged + channel_assumption_lines(summary, data, lang)
        lines += [f"- {md(line)}" for line in notes]
    lines += ["", f"## {tr('brief.worst', lang)}", ""]
    lines += [f"- {md(line)}" for line in worst_town_lines(summary, data, lang)]
    causes = cause_lines(summary, lang, counts_arrivals(data))
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


FONTS = (
    '"Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", '
    '"Helvetica Neue", Arial, sans-serif'
)


FONT_FACE = "/* embedded CJK font */"


CSS = """
@page { size: A4; margin: 9mm 12mm; }
body { font-family: FONTS; font-size: 9.5pt; color: #222; max-width: 186mm;
       margin: 0 auto; line-height: 1.3; }
h1 { font-size: 15pt; margin: 0 0 1mm; } h2 { font-size: 11pt; margin: 2.5mm 0 1mm; }
p { margin: 1mm 0; }
.sub { color: #777; margin: 0 0 2mm; }
.bottom { font-weight: bold; }
table { border-collapse: collapse; width: 100%; font-size: 8.5pt; }
th, td { border-bottom: 1px solid #ccc; padding: 0.7mm 1.5mm; text-align: left; }
td.v-met { color: #1a7f37; font-weight: bold; } td.v-missed { color: #c0392b; font-weight: bold; }
td.v-uncertain, td.v-few { color: #b36b00; font-weight: bold; }
ul { margin: 1mm 0; padding-left: 5mm; line-height: 1.25; }
img { display: block; margin: 1.5mm auto; }
img.full { width: 124mm; } img.half { width: 100mm; } img.p2 { width: 84mm; margin: 1mm auto; }
.side { display: flex; align-items: center; gap: 3mm; } .side img { width: 96mm; flex: none; }
.pair { display: flex; align-items: flex-start; justify-content: center; gap: 3mm; }
.pair img { width: calc(47% - 1.5mm); flex: none; margin: 1mm 0; }
.pair img.wide { width: calc(52% - 1.5mm); } .pair img.narrow { width: calc(42% - 1.5mm); }
.page2 { break-before: page; page-break-before: always; }
.small { font-size: 8pt; color: #555; }
@media screen { body { padding: 8mm; } }
@media print { img.full { width: 78mm; } }
img { max-width: 100%; height: auto; }
@media screen and (max-width: 600px) {
  body { padding: 3mm; }
  .side, .pair { display: block; } .side img, .pair img, .pair img.wide, .pair img.narrow { width: 100%; }
  th, td { padding: 0.7mm 0.8mm; overflow-wrap: anywhere; }
}
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
        f'<td class="v-{r["verdict"].replace("/", "")}">{esc(verdict_word(summary, r, lang))}'
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
    # the channels the run cannot judge, then the assumptions, under the table
    notes = "".join(
        f"<li>{esc(line)}</li>"
        for line in unjudged_lines(summary, lang) + channel_assumption_lines(summary, data, lang)
    )
    if channels or notes:
        head = f"<th>{esc(tr('brief.col_kpi', lang))}</th><th>{esc(tr('brief.col_value', lang))}</th>"
        table = f"<table><tr>{head * min(2, len(cells))}</tr>{channels}</table>" if channels else ""
        channels = f"<h2>{esc(tr('brief.channels', lang))}</h2>{table}"
        if notes:
            channels += f'<ul class="small">{notes}</ul>'
    causes = "".join(f"<li>{esc(line)}</li>" for line in cause_lines(summary, lang, counts_arrivals(data)))
    causes = (
        f'<h2>{esc(tr("brief.causes", lang))}</h2>\n<div class="side">{img("miss_causes", "side")}'
        f'<ul class="small">{causes}</ul></div>'
    )
    events = "".join(f"<li>{esc(line)}</li>" for line in event_lines(summary, data, lang))
    if events:
        events = f'<h2>{esc(tr("brief.events", lang))}</h2>\n<ul class="small">{events}</ul>'
    promises = promise_lines(summary, data, lang)
    if promises:  # the answer first: the bottom line, then each promise missed or uncertain
        items = "".join(
            f"<li>{esc(line)}</li>" for line in promises[1:] + town_verdict_line(summary, data, lang)
        )
        promises = (
            f'<h2>{esc(tr("brief.promises", lang))}</h2>\n<p class="bottom">{esc(promises[0])}</p>\n'
            f'<ul class="small">{items}</ul>\n'
        )
    promises = promises or ""
    css = CSS.replace("FONTS", f'"{webfont.FAMILY}", {FONTS}')
    assumptions = "".join(f"<li>{esc(line)}</li>" for line in assumption_lines(summary, data, lang))
    page = f"""<!DOCTYPE html>
<html lang="{"zh-CN" if lang == "zh" else "en"}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(tr("brief.title", lang, name=title(summary, lang)))}</title>
<style>{FONT_FACE}{css}</style></head><body>
<h1>{esc(tr("brief.title", lang, name=title(summary, lang)))}</h1>
<p class="sub">{esc(tr("brief.subtitle", lang))}</p>
{promises}<h2>{esc(tr("brief.scenario", lang))}</h2>
<p class="small">{esc(scenario_text(summary, data, lang))}</p>
<h2>{esc(tr("brief.headline", lang))}</h2>
<table><tr><th>{esc(tr("brief.col_kpi", lang))}</th><th>{esc(tr("brief.col_value", lang))}</th>
<th>{esc(tr("brief.col_target", lang))}</th><th>{esc(tr("brief.col_verdict", lang))}</th></tr>
{rows}</table>
<p class="small">{esc(tr("brief.verdict_note", lang))}</p>
{img("response_times", "full")}
<h2>{esc(tr("brief.assumptions", lang))}</h2>
<ul class="small">{assumptions}</ul>
<div class="page2">
{channels}
{causes}
{events}
<h2>{esc(tr("brief.worst", lang))}</h2>
<ul class="small">{worst}</ul>
<div class="pair">{img("town_compliance", "p2")}{img("map", "p2")}</div>
<div class="pair">{img("outcomes", "wide")}{img("demand_capacity", "narrow")}</div>
<p class="small">{esc(tr("brief.generated", lang, folder=_shown_folder(folder)))}</p>
</div>
</body></html>
"""
    # embed the subset of the CJK font the text uses (the page's first font): all of a Chinese
    # page's characters; on an English page, the Chinese words it quotes (a place such as
    # 泰悦府, the article's 六百结对), so that no reader sees boxes
    text = webfont.page_text(page)
    if lang != "zh":
        text = "".join(c for c in text if webfont.is_cjk(c))
    font_file = cjk_font_file()
    if not text or font_file is None:  # (Chinese pages always have one: resolve_lang)
        return page.replace(FONT_FACE, "", 1)
    return page.replace(FONT_FACE, webfont.font_face_css(font_file, text), 1)
