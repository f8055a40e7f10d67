"""`run` writes charts and a briefing; `report` redraws them from saved results without
simulating; the briefing's numbers are those of kpis.json; Chinese renders without missing glyphs.

One small run of the default scenario (2 replications of 2 days) serves every test here.
"""

from __future__ import annotations

import base64
import html
import io
import json
import math
import re
import shutil
import warnings

import pytest

from sim.cli.main import main
from sim.experiments.runner import run_replications
from sim.reporting import briefing, briefing_page, briefing_text, chart_style, webfont
from sim.reporting.formatting import format_number
from sim.reporting.i18n import tr
from sim.results.kpi_catalogue import CHANNEL_KPIS
from sim.world.build import build_world
from tests.conftest import small_default_run


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    """A small run of the default scenario (2 replications of 2 days) written to a folder."""
    return small_default_run(tmp_path_factory.mktemp("results"))


def test_run_writes_every_chart_at_its_size_and_a_briefing(results):
    for name in briefing.CHART_NAMES:
        png, svg = results / "charts" / f"{name}.png", results / "charts" / f"{name}.svg"
        assert png.stat().st_size > 20_000 and svg.stat().st_size > 10_000, name
        assert chart_style.png_pixels(png) == chart_style.pixel_size(name), name
        assert svg.read_text(encoding="utf-8").lstrip().startswith("<?xml")
    for name in ("briefing.html", "briefing.md", "chart_data.json"):
        assert (results / name).stat().st_size > 0


def test_report_redraws_without_simulating_and_byte_identically(results, monkeypatch, capsys):
    def forbidden(*args, **kwargs):
        raise AssertionError("report must not simulate")

    import sim.cli.main
    import sim.experiments.replicate
    import sim.experiments.runner
    import sim.model.replication

    sim.cli.main.build_parser()  # import every command first, so none binds the forbidden functions
    monkeypatch.setattr(sim.model.replication, "simulate", forbidden)
    monkeypatch.setattr(sim.model.replication.Replication, "run", forbidden)  # (every way to simulate)
    monkeypatch.setattr(sim.experiments.replicate, "run_one", forbidden)
    monkeypatch.setattr(sim.experiments.runner, "run_replications", forbidden)
    before = {p.name: p.read_bytes() for p in (results / "charts").iterdir()}
    before["briefing.html"] = (results / "briefing.html").read_bytes()
    for path in (results / "charts").iterdir():
        path.unlink()
    (results / "briefing.html").unlink()
    assert main(["report", str(results)]) == 0
    assert "briefing.html" in capsys.readouterr().out
    after = {p.name: p.read_bytes() for p in (results / "charts").iterdir()}
    after["briefing.html"] = (results / "briefing.html").read_bytes()
    assert after == before


def test_report_on_a_folder_without_results_is_a_one_line_user_error(tmp_path, capsys):
    assert main(["report", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "kpis.json" in err[0] and "not found" in err[0]


def test_a_malformed_judged_count_is_a_one_line_user_error(results, tmp_path, capsys):
    folder = tmp_path / "edited"
    shutil.copytree(results, folder)
    summary = json.loads((folder / "kpis.json").read_text(encoding="utf-8"))
    summary["judged"]["package_on_time"]["kinds"]["special_needs"]["due_after_run"] = -1
    (folder / "kpis.json").write_text(json.dumps(summary), encoding="utf-8")
    assert main(["report", str(folder)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        f"{folder / 'kpis.json'}: judged.package_on_time.kinds.special_needs.due_after_run: is -1; "
        "expected an order count (rerun `python run.py run` to rewrite the folder)"
    ]


def test_chart_data_agrees_with_the_kpis(results):
    summary = json.loads((results / "kpis.json").read_text(encoding="utf-8"))
    data = json.loads((results / "chart_data.json").read_text(encoding="utf-8"))
    # the urban response curve at the promise is each replication's urban_10min KPI
    grid = data["response"]["grid_min"]
    at_promise = grid.index(data["targets"]["urban_response_min"])
    for rep, kpis in enumerate(summary["replications"]):
        assert data["response"]["curves"]["urban"][rep][at_promise] == pytest.approx(
            kpis["urban_10min"], abs=1e-5
        )
    # the "all orders" outcome bar is the served_* KPIs and sums to one
    shares = data["outcomes"]["shares"]["all"]
    for category, share in zip(data["outcomes"]["categories"], shares):
        assert share == pytest.approx(summary["kpis"][f"served_{category}"]["mean"], abs=1e-5)
    assert sum(shares) == pytest.approx(1.0, abs=1e-4)
    # each town's target is a mix of the two zone targets
    t = data["targets"]
    for target in data["towns"]["target"]:
        assert min(t["urban"], t["rural"]) - 1e-9 <= target <= max(t["urban"], t["rural"]) + 1e-9
    # per place: met orders never exceed orders, and Nanji's places are on the map
    assert all(m <= o for m, o in zip(data["places"]["met"], data["places"]["orders"]))
    nanji = data["towns"]["pinyin"].index("Nanji")
    assert nanji in data["ferry"]["island_towns"] and nanji in data["places"]["town"]
    assert len(data["week"]["orders_per_hour"]) == 168


def expected_estimate(k: dict) -> str:
    """What the briefing must print for a KPI of kpis.json: mean (low-high), shares in 0-100%."""

    def fmt(v):
        v = math.nan if v is None else v
        if k["unit"] == "share" and not math.isnan(v):
            v = min(1.0, max(0.0, v))
        return format_number(v, k["unit"])

    return f"{fmt(k['mean'])} ({fmt(k['low'])}-{fmt(k['high'])})"


def table_rows(markdown: str) -> dict[str, list[str]]:
    """Markdown table rows keyed by their first cell."""
    rows = {}
    for line in markdown.splitlines():
        if line.startswith("| ") and not line.startswith("|---"):
            cells = [c.strip() for c in line.strip("|").split("|")]
            rows[cells[0]] = cells[1:]
    return rows


def test_briefing_numbers_are_those_of_kpis_json(results):
    summary = json.loads((results / "kpis.json").read_text(encoding="utf-8"))
    md = (results / "briefing.md").read_text(encoding="utf-8")
    page = (results / "briefing.html").read_text(encoding="utf-8")
    rows = table_rows(md)
    headline = [
        "urban_10min",
        "rural_same_day",
        "open_overnight_per_1000",
        "professional_same_day",
        "response_p90_urban",
    ]
    for name in headline:
        k = summary["kpis"][name]
        estimate = rows[k["label"]][0]
        assert estimate.startswith(expected_estimate(k)), (name, estimate)
        assert f"<td>{estimate}</td>" in page
    # each service channel with its own deadline has its row in the channels section, but the
    # professional orders' same day, a promise with a target: a headline row, with its verdict
    channels = md.split("## Service channels")[1].split("## ")[0]
    assert "| Professional orders closed by their same-day deadline |" not in channels
    shown_rows = 0
    for name in [n for n in CHANNEL_KPIS.values() if n != "professional_same_day"]:
        k = summary["kpis"][name]
        if k["mean"] is None:  # no order judged: every one falls due after this short run ends
            assert f"| {k['label']} |" not in channels
            continue
        shown_rows += 1
        assert f"| {k['label']} | {expected_estimate(k)} |" in channels
        assert f"<td>{k['label']}</td><td>{expected_estimate(k)}</td>" in page
    assert shown_rows >= 1  # (the packages' meals fall due inside the run)
    for name in ("urban_10min", "rural_same_day", "professional_same_day"):
        k = summary["kpis"][name]
        assert rows[k["label"]][2].startswith(f"**{k['verdict']}")
        assert rows[k["label"]][1] == f"≥ {k['target']:.1%}"  # (the default's targets: one decimal)
    # the worst towns: missed before uncertain before met (kpis.json's verdicts; a town with
    # both zones by the worse of its zones'), then the lowest compliance relative to the target;
    # a town with both zones has a line per zone
    data = json.loads((results / "chart_data.json").read_text(encoding="utf-8"))
    rank = {"missed": 0, "uncertain": 1, "few": 2, "n/a": 3, "met": 4}
    towns = []
    for t, pinyin in enumerate(data["towns"]["pinyin"]):
        k = summary["kpis"][f"town.{pinyin}.compliance"]
        zones = [
            (zone, summary["kpis"][name])
            for zone, name in (
                ("Urban", f"town.{pinyin}.urban_10min"),
                ("Rural", f"town.{pinyin}.rural_same_day"),
            )
            if name in summary["kpis"] and "verdict" in summary["kpis"][name]
        ]
        if k["mean"] is None:
            continue
        if "verdict" in k:
            verdict, target = k["verdict"], k["target"]
        else:
            verdict = min((z["verdict"] for _, z in zones), key=rank.get)
            target = data["towns"]["target"][t]
        towns.append(
            (
                rank[verdict],
                k["mean"] - target,
                pinyin,
                [(f"{pinyin} ({z})", zk) for z, zk in zones] or [(pinyin, k)],
            )
        )
    worst = [line for w in sorted(towns)[:3] for line in w[3]]
    worst_section = md.split("## Towns furthest")[1].split("## ")[0]
    bullets = [line for line in worst_section.splitlines() if line.startswith("- ")]
    assert [b.split(":")[0][2:] for b in bullets] == [name for name, _ in worst]
    for bullet, (_, k) in zip(bullets, worst):
        assert format_number(k["mean"], "share") in bullet
        assert tr(f"verdict.{k['verdict']}", "en") in bullet


def test_a_channel_no_order_of_which_fell_due_is_named_as_not_judged_in_both_briefings(results):
    # 2 measured days and half a day of drain: the proxy errands and the paired units' projects
    # (3 days) have no row, so a line under the table names them with their orders due after
    # the run; kpis.json's judged counts are the KPIs' orders
    summary = json.loads((results / "kpis.json").read_text(encoding="utf-8"))
    judged = summary["judged"]
    assert set(judged) == set(CHANNEL_KPIS.values())
    for name, row in judged.items():
        assert row["judged"] == summary["kpis"][name]["orders"]
    unjudged = [n for n, row in judged.items() if row["judged"] == 0 and row["due_after_run"] > 0]
    assert {"proxy_on_time", "pairing_on_time"} <= set(unjudged)
    briefing.write_report(results, "zh")
    for lang, suffix in (("en", ""), ("zh", ".zh")):
        md = (results / f"briefing{suffix}.md").read_text(encoding="utf-8")
        page = (results / f"briefing{suffix}.html").read_text(encoding="utf-8")
        heading = tr("brief.channels", lang)
        items = [
            tr(
                "brief.unjudged_item",
                lang,
                channel=tr(f"channel.{name}", lang),
                n=briefing_text.count(judged[name]["due_after_run"], lang),
            )
            for name in unjudged
        ]
        line = tr("brief.unjudged", lang, channels=tr("list_sep", lang).join(items))
        assert f"- {line}" in md.split(f"## {heading}")[1].split("## ")[0], lang
        assert (
            f"<li>{html.escape(line)}</li>"
            in page.split(f"<h2>{html.escape(heading)}</h2>")[1].split("<h2>")[0]
        )


def test_the_package_line_says_which_visits_a_short_run_judged(results):
    # the daily meals fall due within the run, the weekly and 30-day visits after it
    summary = json.loads((results / "kpis.json").read_text(encoding="utf-8"))
    kinds = summary["judged"]["package_on_time"]["kinds"]
    assert kinds["mothers_and_babies"]["judged"] > 0 and kinds["mothers_and_babies"]["every_days"] == 1
    late = [k for k in kinds.values() if k["every_days"] > 1]
    assert late and all(k["judged"] == 0 and k["due_after_run"] > 0 for k in late)
    assert sum(k["judged"] for k in kinds.values()) == summary["kpis"]["package_on_time"]["orders"]
    n = sum(k["due_after_run"] for k in late)
    md = (results / "briefing.md").read_text(encoding="utf-8")
    assert (
        f"- Package visits judged: meals for babies and pregnant women (daily) only; {n:,} of "
        f"{len(late)} other kinds (every 7 or 30 days) fall due after the run." in md
    )
    briefing.write_report(results, "zh")
    zh = (results / "briefing.zh.md").read_text(encoding="utf-8")
    assert (
        f"- 套餐服务仅评判“宝宝餐”“孕妇餐”（每天一次）；其余 {len(late)} 种的 {n} 次上门（每 7 或 30 天一次）"
        in zh
    )


def test_the_chinese_briefing_writes_numbers_in_one_style(results):
    # no thousands separators (the article's 1010) and no hyphen between the ends of a range
    briefing.write_report(results, "zh")
    for name in ("briefing.zh.md", "briefing.zh.html"):
        text = (results / name).read_text(encoding="utf-8")
        text = re.sub(r"<style>.*?</style>|data:[^\"]+", "", text, flags=re.S)  # (the CSS, the images)
        assert re.findall(r"\d,\d{3}", text) == [], name
        assert re.findall(r"[\d%]-\d", text) == [], name
        assert "～" in text and "在昆阳、鳌江等城区范围内启动10分钟快速响应机制" in text


def test_a_full_run_names_no_channel_as_not_judged():
    # every channel judged (or absent): no line; a folder without judged (older) none either
    summary = {
        "judged": {
            "proxy_on_time": {"judged": 5, "due_after_run": 2},
            "mediation_on_time": {"judged": 0, "due_after_run": 0},
        }
    }
    assert briefing_text.unjudged_lines(summary, "en") == []
    assert briefing_text.unjudged_lines({}, "zh") == []


def test_the_promises_explain_a_missed_never_overnight_promise_by_the_late_orders(results):
    # the default misses never overnight, almost only by orders placed after the 17:00 cut-off:
    # its line in the promises says what share, and what keeping the promise for them needs
    summary = json.loads((results / "kpis.json").read_text(encoding="utf-8"))
    assert summary["kpis"]["open_overnight_per_1000"]["verdict"] == "missed"
    row = summary["miss_causes"]["promises"]["open_overnight_per_1000"]
    assert 2 * row["placed_after_cutoff"] > row["missed"] > 0
    md = (results / "briefing.md").read_text(encoding="utf-8")
    promises = md.split("## Are the promises kept?")[1].split("## ")[0]
    assert md.index("## Are the promises kept?") < md.index("## Headline numbers")
    line = next(x for x in promises.splitlines() if x.startswith("- Never overnight:"))
    share = format_number(row["placed_after_cutoff"] / row["missed"], "share")
    assert f"{share} of its" in line and "placed after 17:00" in line
    # the late misses' own largest cause and lever, with a later evening roster beside it
    late = {
        c: row[c] - summary["miss_causes"]["promises_before_cutoff"]["open_overnight_per_1000"][c]
        for c in summary["miss_causes"]["causes"]
    }
    largest = max(late, key=late.get)
    assert f"{format_number(late[largest] / sum(late.values()), 'share')} of those" in line
    assert "or a later evening roster" in line
    # why such orders are due the next day is said once, on the first promise so explained
    first = next(x for x in promises.splitlines() if "placed after 17:00" in x)
    assert "(due the next day by our cut-off)" in first
    assert "gives them until the next day" not in md  # (no longer a dismissal)
    page = (results / "briefing.html").read_text(encoding="utf-8")
    assert f"<li>{line[2:]}</li>" in page


def test_html_briefing_is_self_contained_and_set_for_a4(results):
    page = (results / "briefing.html").read_text(encoding="utf-8")
    sources = re.findall(r'src="([^"]*)"', page)
    assert len(sources) == len(briefing.CHART_NAMES)
    assert all(s.startswith("data:image/png;base64,") for s in sources)
    assert "@page" in page and "A4" in page and "<link" not in page and "<script" not in page
    assert "href=" not in page and "docs/" not in page  # no link into the repository
    assert "Key assumptions" in page and "warm the system up" in page
    assert "<h1>Volunteer service coverage: Pingyang County</h1>" in page  # the name, not the id


def test_chinese_briefing_has_chinese_text_and_no_missing_glyphs(results):
    if chart_style.cjk_font() is None:
        pytest.skip("no CJK font installed (pip install -e '.[zh]')")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        written = briefing.write_report(results, "zh")
    missing = [
        str(w.message) for w in caught if "missing from" in str(w.message) or "Glyph" in str(w.message)
    ]
    assert missing == []
    md = written["briefing.md"].read_text(encoding="utf-8")
    assert written["briefing.md"].name == "briefing.zh.md"
    # the worst towns by their Chinese names (which towns they are depends on the draws)
    names = json.loads((results / "chart_data.json").read_text(encoding="utf-8"))["towns"]["name"]
    assert sum(name in md for name in names) >= 3 and "昆阳镇" in names
    assert len(re.findall(r"[\u4e00-\u9fff]", md)) > 200
    assert "Headline" not in md and "met their promise" not in md
    assert md.startswith("# 志愿服务覆盖情况：平阳县")
    for name in briefing.CHART_NAMES:
        png = results / "charts" / f"{name}.zh.png"
        assert chart_style.png_pixels(png) == chart_style.pixel_size(name)


def test_chinese_html_embeds_the_subset_of_the_cjk_font_its_text_uses(results):
    if chart_style.cjk_font() is None:
        pytest.skip("no CJK font installed (pip install -e '.[zh]')")
    from fontTools.ttLib import TTFont

    page = briefing.write_report(results, "zh")["briefing.html"].read_text(encoding="utf-8")
    face = re.search(r"@font-face \{[^}]*url\(data:font/woff;base64,([A-Za-z0-9+/=]+)\)", page)
    assert face, "no embedded font"
    font = TTFont(io.BytesIO(base64.b64decode(face.group(1))))
    cmap = font.getBestCmap()
    text = webfont.page_text(page)
    cjk = {c for c in text if "\u3000" <= c <= "\u9fff" or "\uff00" <= c <= "\uffef"}
    assert len(cjk) > 100 and not {c for c in cjk if ord(c) not in cmap}
    assert len(cmap) < 1000  # a subset, not the whole font
    assert re.search(rf'font-family: "{webfont.FAMILY}", ', page)


def test_chinese_without_a_cjk_font_is_an_error_naming_the_install(results, monkeypatch, capsys):
    monkeypatch.setattr(briefing, "cjk_font", lambda: None)  # as resolve_lang looks it up
    assert main(["report", str(results), "--lang", "zh"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "pip install" in err[0] and "[zh]" in err[0]


def test_a_rerun_leaves_no_briefing_of_the_previous_run(results, tmp_path):
    import shutil

    if chart_style.cjk_font() is None:
        pytest.skip("no CJK font installed (pip install -e '.[zh]')")
    out = tmp_path / "pingyang"
    shutil.copytree(results, out)
    briefing.write_report(out, "zh")
    assert (out / "briefing.zh.html").is_file() and (out / "charts" / "map.zh.png").is_file()
    (out / "charts" / "old_chart.png").write_bytes(b"x")
    briefing.clear_previous(out)
    briefing.write_report(out, "en")
    assert not list(out.glob("briefing.zh.*")) and not list((out / "charts").glob("*.zh.*"))
    assert not (out / "charts" / "old_chart.png").exists()


def test_report_asks_for_a_rerun_when_chart_data_is_from_another_version(results, tmp_path, capsys):
    old = tmp_path / "old"
    old.mkdir()
    (old / "kpis.json").write_bytes((results / "kpis.json").read_bytes())
    data = json.loads((results / "chart_data.json").read_text(encoding="utf-8"))
    data["format"] = 0
    (old / "chart_data.json").write_text(json.dumps(data), encoding="utf-8")
    assert main(["report", str(old)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "rerun" in err[0]


def test_a_measured_events_delivery_has_its_lines_in_both_languages(results, tmp_path):
    # the default scenario has no event: no section; a batched lockdown's chart data names it,
    # and the briefing says how its orders are delivered and what its event_* KPIs are
    from sim.reporting.chart_data import chart_data
    from sim.reporting.kpi_summary import build_summary
    from tests.conftest import variant

    summary, data = briefing.load_results(results)
    assert briefing_text.event_lines(summary, data, "en") == []
    assert "## Event delivery" not in (results / "briefing.md").read_text(encoding="utf-8")
    event = {
        "name": "lockdown",
        "places": ["B2"],
        "callups": [{"town": "Beta", "hours": [8, 20], "volunteers": 4}],
        "delivery": {"mode": "batched", "collect_every_min": 60, "batch_size": 5},
    }
    scenario = variant(tmp_path, {"demand": {"orders_per_1000_per_day": 20.0}, "events": [event]})
    world = build_world(scenario)
    reps = run_replications(scenario, 2, 3, jobs=1, world=world, progress=False)
    data = json.loads(json.dumps(chart_data(scenario, world, reps)))
    assert data["events"] == [
        {
            "name": "lockdown",
            "mode": "batched",
            "collect_every_min": 60.0,
            "batch_size": 5,
            "volunteers_per_batch": 2,
            "deadline_hours": None,
        }
    ]
    summary = json.loads(json.dumps(build_summary(scenario, reps, 3, world)))
    en = briefing_text.event_lines(summary, data, "en")
    assert en[0] == (
        "lockdown: the platform collects the orders every 60 minutes and designated volunteers buy "
        "and deliver them in batches of up to 5, 2 volunteers a trip (deadline: the same-day deadline)."
    )
    on_time = briefing_text.estimate_text({"unit": "share", **summary["kpis"]["event_on_time"]}, "en")
    # with its verdict against targets.event_share, as kpis.json gives it (>= 95.0% by default)
    verdict = summary["kpis"]["event_on_time"]["verdict"]
    assert en[1].startswith(f"Their orders: {on_time} delivered by the deadline ({verdict} against ≥ 95.0%);")
    zh = briefing_text.event_lines(summary, data, "zh")
    assert zh[0].startswith("lockdown：平台每 60 分钟汇总一次需求") and "按时送达" in zh[1]
    assert f"（目标 ≥ 95.0%：{tr(f'verdict.{verdict}', 'zh')}）" in zh[1]
    page = briefing_page.build_markdown(summary, data, {}, tmp_path, "en")
    assert "## Event delivery" in page and f"- {briefing_page.md(en[0])}" in page


def test_hand_ups_are_stated_among_the_assumptions_when_there_are_any(results):
    summary, data = briefing.load_results(results)
    summary["kpis"]["hand_up_rate"] = {**summary["kpis"]["hand_up_rate"], "mean": 0.0}
    assert not any("hand up" in line for line in briefing_text.channel_assumption_lines(summary, data, "en"))
    summary["kpis"]["hand_up_rate"] = {**summary["kpis"]["hand_up_rate"], "mean": 0.034}
    en = briefing_text.channel_assumption_lines(summary, data, "en")[-1]
    assert en.startswith("Village teams hand up at once") and "3.4% of catalogue orders" in en
    assert "3.4%" in briefing_text.channel_assumption_lines(summary, data, "zh")[-1]


def test_the_briefings_report_command_names_a_folder_that_exists(tmp_path, monkeypatch):
    # inside the current folder: as a user types it; elsewhere: the whole path (its name alone
    # named no folder, and the footer's command failed with "no such folder")
    inside, outside = tmp_path / "cwd", tmp_path / "elsewhere" / "default"
    (inside / "results" / "pingyang").mkdir(parents=True)
    outside.mkdir(parents=True)
    monkeypatch.chdir(inside)
    assert briefing_page._shown_folder(inside / "results" / "pingyang") == "results/pingyang"
    shown = briefing_page._shown_folder(outside)
    assert shown == outside.resolve().as_posix()
    line = tr("brief.generated", "en", folder=shown)
    assert f"python run.py report {shown}`" in line
