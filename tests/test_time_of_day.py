"""The urban 10-minute promise by time of day (docs/kpis.md, "The promise by time of day"): the
orders ``urban_10min`` judges, split by the band of the day they were placed in (the
optimizer's bands), each band held to the promise's target in every output, a town's bands
beside its verdict but not in it."""

from __future__ import annotations

import csv
import json

import numpy as np
import pytest

from sim.cli.main import main
from sim.config.errors import UserError
from sim.experiments.optimize import BANDS
from sim.gate.expectations import expect_problems
from sim.model.replication import simulate
from sim.reporting import briefing_text
from sim.reporting.kpi_summary import VERDICT_WORDS, ZONE_OF, interval_text, target_text
from sim.results.kpi_catalogue import BAND_KPIS, KPI_INFO, town_kpi_info
from sim.results.kpis import counted_kpis
from sim.results.promises import TIME_BANDS, time_band
from sim.results.verdict import judge, kpi_targets
from sim.world.build import build_world
from tests.conftest import DAY, TINY, orders, town_block, variant

# the tiny county with its teams on duty 07:00-22:00 (day and evening), nobody at night
EVENING = [0.0] * 7 + [0.2] * 15 + [0.0] * 2
UNTIL_22 = {"schedules": {"day": {"weekday": EVENING, "weekend": EVENING}}}


def test_the_bands_are_the_optimizers_and_cover_each_hour_once():
    assert TIME_BANDS == BANDS  # a band's miss has a lever of the same hours
    for hour in range(24):
        inside = [
            (start <= hour < end) if start <= end else (hour >= start or hour < end)
            for start, end in TIME_BANDS.values()
        ]
        assert sum(inside) == 1, hour


def test_a_night_order_with_nobody_on_duty_misses_in_the_night_band_only(tmp_path):
    # urban orders at A1 at 10:00 (day), 20:00 (evening) and 23:00 (night): the first two are
    # accepted 2 minutes after placing, the third at 07:00 the next morning
    world = build_world(variant(tmp_path, UNTIL_22))
    rows = [(600.0, "A1", "errand"), (1200.0, "A1", "errand"), (1380.0, "A1", "errand")]
    log = simulate(world, 1, orders(world, rows))
    assert list(time_band(log)) == [0, 1, 2]
    assert list(log.orders.t_accepted - log.orders.t_placed) == [2.0, 2.0, 8 * 60.0 + 2.0]
    k = counted_kpis(log, world)
    assert k["urban_10min"] == pytest.approx(2 / 3)
    assert (k["urban_10min_day"], k["urban_10min_evening"], k["urban_10min_night"]) == (1.0, 1.0, 0.0)
    assert [k.orders[name] for name in BAND_KPIS] == [1, 1, 1]
    # the town's bands: the same orders (Alpha's community)
    assert [k[f"town.Alpha.{name}"] for name in BAND_KPIS] == [1.0, 1.0, 0.0]
    # rural orders are not the urban promise's: none in any band
    log = simulate(world, 1, orders(world, [(1380.0, "A2", "errand")]))
    k = counted_kpis(log, world)
    assert all(k.orders[name] == 0 for name in BAND_KPIS)


def test_an_appointment_is_in_the_band_of_the_time_asked_for(tmp_path):
    # booked at 12:00 for 23:00 (night: nobody on duty, a miss) and at 23:30 for 10:00 the
    # next day (day: met), as the promise counts them from the time asked for
    world = build_world(variant(tmp_path, UNTIL_22))
    arrivals = orders(world, [(1380.0, "A1", "errand"), (DAY + 600.0, "A1", "errand")])
    arrivals.booked = np.array([720.0, 1410.0])
    log = simulate(world, 1, arrivals)
    assert list(time_band(log)) == [2, 0]
    k = counted_kpis(log, world)
    assert k["urban_10min_night"] == 0.0 and k.orders["urban_10min_night"] == 1
    assert k["urban_10min_day"] == 1.0 and k.orders["urban_10min_day"] == 1
    assert k.orders["urban_10min_evening"] == 0
    assert k["appointments_on_time"] == pytest.approx(0.5)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_bands_orders_and_met_orders_add_up_to_urban_10min(tmp_path, seed):
    busy = {**UNTIL_22, "demand": {"orders_per_1000_per_day": 5}, "run": {"days": 3}}
    world = build_world(variant(tmp_path, busy))
    k = counted_kpis(simulate(world, seed), world)

    def met(name: str) -> float:
        return 0.0 if k.orders[name] == 0 else k[name] * k.orders[name]

    assert k.orders["urban_10min"] > 100 and all(k.orders[name] > 0 for name in BAND_KPIS)
    assert sum(k.orders[name] for name in BAND_KPIS) == k.orders["urban_10min"]
    assert sum(met(name) for name in BAND_KPIS) == pytest.approx(met("urban_10min"))
    town = [f"town.Alpha.{name}" for name in BAND_KPIS]
    assert sum(k.orders[name] for name in town) == k.orders["town.Alpha.urban_10min"]
    assert sum(met(name) for name in town) == pytest.approx(met("town.Alpha.urban_10min"))
    assert k["urban_10min_night"] < k["urban_10min_day"]  # nobody on duty at night


def test_each_band_is_held_to_the_urban_target_and_named_in_the_gate(tmp_path):
    world = build_world(variant(tmp_path, {"targets": {"urban_share": 0.85}}))
    targets = kpi_targets(world)
    for name in BAND_KPIS:
        assert targets[name] == targets[f"town.Alpha.{name}"] == (">=", 0.85)
        assert KPI_INFO[name][1:] == ("share", +1)
    assert not any(name.startswith("town.Beta.urban_10min") for name in targets)  # no urban place
    assert town_kpi_info("town.Alpha.urban_10min_night") == (
        "Urban orders responded within the promise in Alpha, night 22:00-07:00",
        "share",
        +1,
    )
    # the gate's expect: block knows the town KPIs by name
    good = variant(tmp_path, {"expect": {"kpis": {"town.Alpha.urban_10min_night": ">= 0.5"}}}, "good")
    assert expect_problems(good) == []
    with pytest.raises(UserError, match=r"did you mean 'town\.Alpha\.urban_10min_night'\?"):
        variant(tmp_path, {"expect": {"kpis": {"town.Alpha.urban_10min_nite": ">= 0.5"}}}, "bad")


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory):
    """One run of the tiny county (teams on duty 08:00-18:00: no urban order placed in the
    evening or at night is answered within 10 minutes): its folder and terminal output."""
    out = tmp_path_factory.mktemp("tod") / "run"
    import io
    from contextlib import redirect_stdout

    buffer = io.StringIO()
    with redirect_stdout(buffer):
        assert main(["run", str(TINY), "--reps", "3", "--days", "4", "--jobs", "1", "--out", str(out)]) == 0
    return out, buffer.getvalue()


def test_the_bands_verdicts_are_the_same_in_kpis_json_kpis_csv_and_the_terminal(tiny_run):
    out, printed = tiny_run
    summary = json.loads((out / "kpis.json").read_text(encoding="utf-8"))
    kpis = summary["kpis"]
    with (out / "kpis.csv").open(encoding="utf-8") as fh:
        rows = {r["kpi"]: r for r in csv.DictReader(fh)}
    lines = printed.splitlines()
    urban = next(i for i, s in enumerate(lines) if "[urban_10min_arrival]" in s)
    for offset, name in enumerate(BAND_KPIS, start=1):
        k = kpis[name]
        values = [r[name] for r in summary["replications"]]
        j = judge(values, "share", ">=", k["target"], k["orders"])
        assert (k["verdict"], k["low"], k["high"]) == (j.verdict, j.low, j.high)
        assert (k["target_op"], k["target"]) == (">=", kpis["urban_10min"]["target"])
        assert rows[name]["verdict"] == k["verdict"] and rows[name]["target"] != ""
        # the terminal: the three bands right under the urban promise's two readings
        line = lines[urban + offset]
        assert f"[{name}]" in line and interval_text(k) in line, line
        assert line.rstrip().endswith(VERDICT_WORDS[k["verdict"]]), line
    # nobody on duty after 18:00: the evening's and the night's urban orders all miss
    assert kpis["urban_10min_night"]["verdict"] == kpis["urban_10min_evening"]["verdict"] == "missed"
    alpha = town_block(lines, "Alpha")
    for name in BAND_KPIS:
        k = kpis[f"town.Alpha.{name}"]
        text = f"{ZONE_OF[name]} {interval_text(k)} vs {target_text(k)}: {VERDICT_WORDS[k['verdict']]}"
        assert text in alpha, (text, alpha)
    assert "urban, night 22-07 0.0% [" in alpha and alpha.endswith(": missed")


def test_a_towns_bands_do_not_change_its_verdict(tiny_run):
    # the briefing's town verdict (the chart's colour) is its zones' (urban, rural), as with
    # the other reading: a band missed leaves a town whose zones are met met
    out, _ = tiny_run
    summary = json.loads((out / "kpis.json").read_text(encoding="utf-8"))
    data = json.loads((out / "chart_data.json").read_text(encoding="utf-8"))
    kpis = summary["kpis"]
    for part in ("urban_10min", "rural_same_day", "urban_10min_arrival"):
        kpis[f"town.Alpha.{part}"]["verdict"] = "met"
    assert kpis["town.Alpha.urban_10min_night"]["verdict"] == "missed"
    alpha = next(r for r in briefing_text.town_rows(summary, data, "en") if r["pinyin"] == "Alpha")
    assert alpha["verdict"] == "met"


def test_compare_shows_the_bands_with_their_verdicts(tmp_path, capsys):
    out = tmp_path / "cmp"
    args = ["compare", str(TINY), str(TINY), "--reps", "3", "--days", "2", "--jobs", "1", "--out", str(out)]
    assert main(args) == 0
    printed = capsys.readouterr().out
    result = json.loads((out / "compare.json").read_text(encoding="utf-8"))
    for name in BAND_KPIS:
        estimates = result["kpis"][name]["estimates"]
        assert all(e["target_op"] == ">=" and e["verdict"] in VERDICT_WORDS for e in estimates)
        row = next(s for s in printed.splitlines() if s.startswith(name + " "))
        assert row.count(f"({VERDICT_WORDS[estimates[0]['verdict']]})") == 2, row


def test_every_kpi_and_town_part_has_a_chinese_label():
    # the Chinese briefing and charts name every KPI in Chinese (the bands included), never
    # fall back to the English label or the bare key
    from sim.reporting.i18n import KPI_ZH, kpi_label
    from sim.results.kpi_catalogue import KPI_INFO, TOWN_KPI_PARTS

    assert [name for name in KPI_INFO if name not in KPI_ZH] == []
    for part in TOWN_KPI_PARTS:
        label = kpi_label(f"town.Kunyang.{part}", "English", "zh")
        assert label.startswith("Kunyang ") and not label.endswith(part) and "English" not in label
