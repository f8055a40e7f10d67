"""kpis.csv says what each share stands on: the orders it judged and, for a service channel,
those of the measured window whose deadline fell after the run (docs/outputs.md, ``kpis.csv``)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from sim.cli.main import main
from sim.reporting.csv_files import kpis_csv

ROOT = Path(__file__).resolve().parents[1]
PINGYANG = ROOT / "scenarios" / "pingyang.yaml"


def _rows(text: str) -> dict[str, dict]:
    return {r["kpi"]: r for r in csv.DictReader(text.splitlines())}


def test_orders_and_due_after_run_come_from_kpis_json():
    def k(**more):
        row = {"label": "x", "unit": "share", "mean": 1.0, "sd": 0.0, "low": 0.9, "high": 1.0, "n": 3}
        return {**row, **more}

    summary = {
        "kpis": {"package_on_time": k(orders=1641), "utilisation": k()},
        "judged": {"package_on_time": {"judged": 1641, "due_after_run": 1720, "kinds": {}}},
    }
    rows = _rows(kpis_csv(summary))
    assert (rows["package_on_time"]["orders"], rows["package_on_time"]["due_after_run"]) == ("1641", "1720")
    assert (rows["utilisation"]["orders"], rows["utilisation"]["due_after_run"]) == ("", "")
    # the existing columns keep their places: the new ones come last
    header = kpis_csv(summary).splitlines()[0].split(",")
    assert header[-2:] == ["orders", "due_after_run"] and header[9:11] == ["verdict", "at_edge"]


def test_a_short_run_shows_its_left_out_package_visits_in_kpis_csv(tmp_path):
    out = tmp_path / "run"
    assert main(["run", str(PINGYANG), "--out", str(out), "--jobs", "1", "--reps", "2", "--days", "1"]) == 0
    summary = json.loads((out / "kpis.json").read_text(encoding="utf-8"))
    rows = _rows((out / "kpis.csv").read_text(encoding="utf-8"))
    for name, k in summary["kpis"].items():
        assert rows[name]["orders"] == (str(k["orders"]) if "orders" in k else ""), name
    for name, counts in summary["judged"].items():
        assert rows[name]["due_after_run"] == str(counts["due_after_run"]), name
    # one measured day: the weekly and 30-day package visits fall due after the run
    assert int(rows["package_on_time"]["due_after_run"]) > 0
