"""`run` writes charts and briefing; `report` redraws them from saved results without simulating."""

from __future__ import annotations

import dataclasses
import json

import pytest

from sim import briefing, charts
from sim.cli import REPO, main
from sim.experiment import run_replications
from sim.report import write_results
from sim.validate import load_scenario
from sim.world import build_world


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    """A small run of the default scenario (2 replications of 2 days) written to a folder."""
    scenario = load_scenario(REPO / "scenarios" / "pingyang.yaml")
    run = dataclasses.replace(scenario.run, days=2.0, warmup_days=0.5, drain_days=0.5, reps=2)
    scenario = dataclasses.replace(scenario, run=run)
    world = build_world(scenario)
    reps = run_replications(scenario, 2, 11, jobs=1, world=world, progress=False)
    out = tmp_path_factory.mktemp("results") / "pingyang"
    write_results(out, scenario, world, reps, 11)
    return out


def test_run_writes_every_chart_at_its_size_and_a_briefing(results):
    for name in briefing.CHART_NAMES:
        png, svg = results / "charts" / f"{name}.png", results / "charts" / f"{name}.svg"
        assert png.stat().st_size > 20_000 and svg.stat().st_size > 10_000, name
        assert charts.png_pixels(png) == charts.pixel_size(name), name
        assert svg.read_text(encoding="utf-8").lstrip().startswith("<?xml")
    for name in ("briefing.html", "briefing.md", "chart_data.json"):
        assert (results / name).stat().st_size > 0


def test_report_redraws_without_simulating_and_byte_identically(results, monkeypatch, capsys):
    def forbidden(*args, **kwargs):
        raise AssertionError("report must not simulate")

    import sim.experiment
    import sim.model
    monkeypatch.setattr(sim.model, "simulate", forbidden)
    monkeypatch.setattr(sim.experiment, "simulate", forbidden)
    monkeypatch.setattr(sim.experiment, "run_replications", forbidden)
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


def test_chart_data_agrees_with_the_kpis(results):
    summary = json.loads((results / "kpis.json").read_text(encoding="utf-8"))
    data = json.loads((results / "chart_data.json").read_text(encoding="utf-8"))
    # the urban response curve at the promise is each replication's urban_10min KPI
    grid = data["response"]["grid_min"]
    at_promise = grid.index(data["targets"]["urban_response_min"])
    for rep, kpis in enumerate(summary["replications"]):
        assert data["response"]["curves"]["urban"][rep][at_promise] == \
            pytest.approx(kpis["urban_10min"], abs=1e-5)
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
