"""Both briefings as a reader's browser shows them: headless Chromium (Debian's ``chromium``,
driven by the Python ``playwright`` client) opens ``briefing.html`` and ``briefing.zh.html`` and
the test asserts that every image loaded, the console stayed clean, the page prints on at most
two A4 pages with room to spare (the default scenario and the batched Aojiang lockdown, whose
event adds a section), and every character of the Chinese text was drawn with the embedded font
(so a computer without CJK fonts shows the same page). ``.ci/run`` installs Chromium; elsewhere the
test skips, saying why, when no browser can be had (never in CI).
"""

from __future__ import annotations

import base64
import dataclasses
import io
import os
import re
import shutil
from pathlib import Path

import pytest

from sim.cli.main import REPO
from sim.config.load import load_scenario
from sim.experiments.runner import run_replications
from sim.reporting import briefing, chart_style, webfont
from sim.reporting.i18n import tr
from sim.reporting.report import write_results
from sim.world.build import build_world

CHROMIUM = os.environ.get("REDVEST_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TEXT_ELEMENTS = "h1, h2, p, li, th, td"


def _browser_or_skip():
    """The playwright module and Chromium's path; skip (or, in CI, fail) when either is missing."""
    why = None
    try:
        from playwright import sync_api
    except ImportError:
        sync_api, why = None, "the playwright client is not installed (pip install -e '.[test]')"
    if why is None and not (Path(CHROMIUM).is_file() or shutil.which(CHROMIUM)):
        why = f"no Chromium at {CHROMIUM} (apt-get install -y chromium)"
    if why:
        if os.environ.get("CI"):
            pytest.fail(f"browser tests must run in CI: {why}")
        pytest.skip(why)
    return sync_api


@pytest.fixture(scope="module")
def browser():
    sync_api = _browser_or_skip()
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


def _short_run_with_briefings(tmp_path_factory, path: Path, days: float) -> Path:
    """A results folder of ``path`` run for ``days`` measured days (half a day of warm-up and
    of drain, 2 replications, seed 5), with the English and the Chinese briefing."""
    if chart_style.cjk_font() is None:
        pytest.skip("no CJK font installed (pip install -e '.[zh]')")
    scenario = load_scenario(path)
    run = dataclasses.replace(scenario.run, days=days, warmup_days=0.5, drain_days=0.5, reps=2)
    scenario = dataclasses.replace(scenario, run=run)
    world = build_world(scenario)
    reps = run_replications(scenario, 2, 5, jobs=1, world=world, progress=False)
    out = tmp_path_factory.mktemp("browser") / path.stem
    write_results(out, scenario, world, reps, 5)
    briefing.write_report(out, "zh")
    return out


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    """A small run of the default scenario with both briefings."""
    return _short_run_with_briefings(tmp_path_factory, REPO / "scenarios" / "pingyang.yaml", 2.0)


@pytest.fixture(scope="module")
def lockdown(tmp_path_factory):
    """A small run of the batched Aojiang lockdown with both briefings: the event starts on
    day 3, so 3 measured days after half a day of warm-up hold its first half-day (its orders'
    KPIs and the briefing's event section)."""
    path = REPO / "scenarios" / "policies" / "aojiang_lockdown_batched.yaml"
    assert min(e.start_day for e in load_scenario(path).events) == 3.0
    return _short_run_with_briefings(tmp_path_factory, path, 3.0)


def _open(browser, path: Path):
    """A page showing ``path``, and the list its console errors and page errors go to."""
    page = browser.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("requestfailed", lambda r: errors.append(f"failed to load {r.url[:80]}"))
    page.goto(path.resolve().as_uri(), wait_until="load")
    page.evaluate("document.fonts.ready.then(() => true)")
    return page, errors


def printed_pages(pdf: bytes) -> int:
    """Pages of a PDF: the page tree's /Count."""
    return max(int(n) for n in re.findall(rb"/Count (\d+)", pdf))


# room each printed page keeps for more text (a longer description, a town's second zone,
# another event): about three lines of the body text
SLACK_MM = 15
SPACER = f'<div class="slack" style="height: {SLACK_MM}mm"></div>'


def _pdf(page) -> bytes:
    return page.pdf(format="A4", print_background=True, prefer_css_page_size=True)


@pytest.mark.parametrize("name", ["briefing.html", "briefing.zh.html"])
@pytest.mark.parametrize("run", ["folder", "lockdown"])
def test_briefing_loads_every_image_cleanly_and_prints_on_two_a4_pages(browser, request, run, name):
    """Default scenario and the batched lockdown (channels, appointments and the event
    section): two A4 pages, each with room for SLACK_MM more (a spacer at the end of each page)."""
    folder = request.getfixturevalue(run)
    page, errors = _open(browser, folder / name)
    images = page.evaluate("Array.from(document.images).map(i => [i.alt, i.complete && i.naturalWidth > 0])")
    assert len(images) == len(briefing.CHART_NAMES)
    assert all(ok for _, ok in images), images
    assert errors == []
    assert 1 <= printed_pages(_pdf(page)) <= 2
    if run == "lockdown":  # with its event's section
        heading = tr("brief.events", "zh" if ".zh." in name else "en")
        assert heading in page.evaluate("document.querySelector('.page2').innerText")
    page.evaluate(
        f"""document.querySelector('.page2').insertAdjacentHTML('beforebegin', '{SPACER}');
            document.querySelector('.page2').insertAdjacentHTML('beforeend', '{SPACER}');"""
    )
    assert printed_pages(_pdf(page)) == 2
    page.close()


def _embedded_cmap(path: Path) -> dict[int, str]:
    """The character map of the CJK font a briefing embeds (its ``@font-face`` data URL)."""
    from fontTools.ttLib import TTFont

    data = re.search(r"url\(data:font/woff;base64,([A-Za-z0-9+/=]+)\)", path.read_text(encoding="utf-8"))
    assert data, f"{path.name} embeds no font"
    return TTFont(io.BytesIO(base64.b64decode(data.group(1)))).getBestCmap()


def test_chinese_text_is_drawn_only_with_the_embedded_font(browser, folder):
    page, errors = _open(browser, folder / "briefing.zh.html")
    assert page.evaluate("Array.from(document.fonts).map(f => [f.family, f.status])") == [
        [webfont.FAMILY, "loaded"]
    ]
    # every CJK character the reader sees is in the embedded font's character map
    cmap = _embedded_cmap(folder / "briefing.zh.html")
    seen = page.evaluate("document.body.innerText")
    cjk = {c for c in seen if webfont.is_cjk(c)}
    assert len(cjk) > 100
    assert sorted(c for c in cjk if ord(c) not in cmap) == []
    # the page's own console stays clean (checked before DevTools: Chromium 150's CSS.enable
    # logs "Unsafe attempt to load URL" for the file: page itself)
    assert errors == []
    # and Chromium drew every text element with it, not with a font of this machine
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
    nodes = cdp.send("DOM.querySelectorAll", {"nodeId": root, "selector": TEXT_ELEMENTS})["nodeIds"]
    assert len(nodes) > 20
    for node in nodes:
        fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
        system = [f["familyName"] for f in fonts if not f["isCustomFont"] and f["glyphCount"]]
        assert system == [], (node, fonts)
    page.close()


def test_the_english_briefing_draws_the_chinese_words_it_quotes_with_the_embedded_font(browser, lockdown):
    """The English page quotes Chinese words (the locked-down compound 泰悦府 in the scenario's
    description, the article's 六百结对 and 套餐): it embeds exactly their glyphs, so a reader
    without a Chinese font sees no boxes, and its Latin text keeps the reader's fonts."""
    path = lockdown / "briefing.html"
    page, errors = _open(browser, path)
    seen = page.evaluate("document.body.innerText")
    cjk = {c for c in seen if webfont.is_cjk(c)}
    assert set("泰悦府") <= cjk
    assert page.evaluate("Array.from(document.fonts).map(f => [f.family, f.status])") == [
        [webfont.FAMILY, "loaded"]
    ]
    assert {chr(code) for code in _embedded_cmap(path)} == cjk
    assert errors == []
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
    for node in cdp.send("DOM.querySelectorAll", {"nodeId": root, "selector": "h1, p, li"})["nodeIds"]:
        text = cdp.send("DOM.getOuterHTML", {"nodeId": node})["outerHTML"]
        quoted = sum(webfont.is_cjk(c) for c in webfont.page_text(text))
        if quoted:  # each Chinese character drawn with the embedded font, none with the machine's
            fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
            custom = sum(f["glyphCount"] for f in fonts if f["isCustomFont"])
            assert custom >= quoted, (text, fonts)
    page.close()


@pytest.mark.parametrize("name", ["briefing.html", "briefing.zh.html"])
def test_briefing_fits_a_phone_screen(browser, folder, name):
    """On a phone (375 CSS pixels wide, mobile viewport rules) the page is laid out at the
    phone's width, not at a desktop width zoomed out, and nothing is wider than the screen."""
    phone = {"viewport": {"width": 375, "height": 740}, "is_mobile": True, "device_scale_factor": 2}
    context = browser.new_context(**phone)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type in ("error", "warning") else None)
    page.goto((folder / name).resolve().as_uri(), wait_until="load")
    width = page.evaluate("window.innerWidth")
    assert width == 375  # laid out at the device's width (a viewport meta tag)
    too_wide = page.evaluate(
        """Array.from(document.querySelectorAll('body *'))
             .filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5)
             .map(e => e.tagName + '.' + e.className)"""
    )
    assert too_wide == []
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert errors == []
    context.close()
