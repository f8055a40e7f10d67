"""docs/outputs.md names every file and column a run and a comparison write, and every KPI: a
column added to an output without documenting it fails here."""

from __future__ import annotations

import gzip
import json
import re

from sim.cli.main import REPO, main
from sim.results.kpi_catalogue import KPI_INFO
from tests.conftest import TINY

DOC = (REPO / "docs" / "outputs.md").read_text(encoding="utf-8")
NAMED = set(re.findall(r"`([^`]+)`", DOC))


def documented(name: str) -> bool:
    """Whether ``name`` appears in backquotes in docs/outputs.md (town KPIs by their pattern)."""
    if name.startswith("town.") and name.count(".") == 2:
        pattern = "town.<pinyin>." + name.split(".")[2]
        return pattern in NAMED or any(pattern in n.split(", ") for n in NAMED)
    return name in NAMED or any(name in n.split(", ") for n in NAMED)


def test_every_file_and_column_of_a_run_is_documented(tmp_path):
    out = tmp_path / "run"
    assert main(["run", str(TINY), "--out", str(out), "--jobs", "1", "--reps", "2"]) == 0
    files = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    for name in files:
        generic = re.sub(r"^charts/[^.]+", "charts/<name>", name)
        assert generic in NAMED or name in NAMED, name
    with gzip.open(out / "orders.csv.gz", "rt", encoding="utf-8") as fh:
        header = fh.readline().strip().split(",")
    assert "measured" in header
    missing = [c for c in header if not documented(c)]
    assert missing == []
    kpis_csv = (out / "kpis.csv").read_text(encoding="utf-8").splitlines()[0].split(",")
    assert [c for c in kpis_csv if not documented(c)] == []
    for name in ("kpis.json", "chart_data.json", "run.json"):
        keys = json.loads((out / name).read_text(encoding="utf-8"))
        assert [k for k in keys if not documented(k)] == [], name
    summary = json.loads((out / "kpis.json").read_text(encoding="utf-8"))
    assert [k for k in summary["kpis"] if not documented(k)] == []


def test_every_kpi_is_documented():
    assert [k for k in KPI_INFO if not documented(k)] == []


def test_compare_columns_are_documented(tmp_path):
    out = tmp_path / "cmp"
    assert main(["compare", str(TINY), str(TINY), "--out", str(out), "--jobs", "1", "--reps", "2"]) == 0
    header = (out / "compare.csv").read_text(encoding="utf-8").splitlines()[0].split(",")
    assert [c for c in header if not documented(c)] == []
    keys = json.loads((out / "compare.json").read_text(encoding="utf-8"))
    assert [k for k in keys if not documented(k)] == []


def test_every_key_of_a_run_with_a_batched_event_is_documented(tmp_path):
    # the test county with a batched event on B2 (measured from day 1): kpis.json gains the
    # event KPIs and the event_causes table, chart_data.json the event, the order log its
    # platform and batch columns
    import yaml

    from tests.test_batches import DELIVERY

    event = {
        "name": "lockdown",
        "places": ["B2"],
        "start_day": 1,
        "days": 1,
        "multiplier": 4,
        "callups": [{"town": "Beta", "hours": [8, 20], "volunteers": 4}],
        "delivery": DELIVERY,
    }
    scenario = tmp_path / "event.yaml"
    scenario.write_text(
        yaml.safe_dump({"extends": str(TINY), "name": "event", "events": [event]}), encoding="utf-8"
    )
    out = tmp_path / "run"
    assert main(["run", str(scenario), "--out", str(out), "--jobs", "1", "--reps", "2", "--days", "2"]) == 0
    summary = json.loads((out / "kpis.json").read_text(encoding="utf-8"))
    assert "event_causes" in summary and "event_on_time" in summary["kpis"]
    for name in ("kpis.json", "chart_data.json"):
        keys = json.loads((out / name).read_text(encoding="utf-8"))
        assert [k for k in keys if not documented(k)] == [], name
    assert [k for k in summary["event_causes"] if not documented(k)] == []
    # each cause's count is named by the cause, which docs/kpis.md lists with its rule
    causes = set(summary["event_causes"]["causes"])
    kpis_doc = (REPO / "docs" / "kpis.md").read_text(encoding="utf-8")
    assert [c for c in causes if f"`{c}`" not in kpis_doc] == []
    assert [k for k in summary["event_causes"]["events"][0] if not (documented(k) or k in causes)] == []
    assert [k for k in summary["kpis"] if not documented(k)] == []
