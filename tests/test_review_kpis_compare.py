"""compare reports each scenario's estimate with the interval every other output gives it
(kpis.json's, from :func:`sim.results.verdict.judge`), whether the scenario is simulated or
a saved run stands in for it."""

from __future__ import annotations

import csv
import json
import math

import pytest

from sim.cli.main import main
from tests.conftest import TINY


def test_compare_estimates_are_kpis_json_intervals(tmp_path):
    saved = tmp_path / "saved"
    assert main(["run", str(TINY), "--reps", "3", "--jobs", "1", "--seed", "11", "--out", str(saved)]) == 0
    kpis = json.loads((saved / "kpis.json").read_text(encoding="utf-8"))["kpis"]
    out = tmp_path / "cmp"
    assert main(["compare", str(saved), str(TINY), "--jobs", "1", "--out", str(out)]) == 0
    result = json.loads((out / "compare.json").read_text(encoding="utf-8"))
    with (out / "compare.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    checked = 0
    for name, k in kpis.items():
        if name not in result["kpis"] or k["n"] < 2 or k["low"] is None:
            continue
        for arm, est in enumerate(result["kpis"][name]["estimates"]):  # the saved run, the YAML
            assert (est["mean"], est["low"], est["high"]) == pytest.approx(
                (k["mean"], k["low"], k["high"])
            ), (
                name,
                arm,
            )
        row = next(r for r in rows if r["kpi"] == name)
        assert float(row["ci_low"]) == pytest.approx(k["low"], rel=1e-5, abs=1e-9), name
        checked += 1
    assert checked > 20
    # a share is never given an interval outside 0-100%
    shares = [e for k in result["kpis"].values() if k["unit"] == "share" for e in k["estimates"]]
    assert all(0 <= e["low"] <= e["high"] <= 1 for e in shares if not math.isnan(e["low"] or math.nan))
