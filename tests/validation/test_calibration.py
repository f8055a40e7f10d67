"""The default scenario stays calibrated to the source's figures (docs/calibration.md).

A shortened run (4 replications x 42 days, totals scaled to the source's 158 days) must put each
simulated figure's whole 95% interval within 10% of the source; the full 158-day table comes from
``python scripts/calibrate.py``. The structure (teams, points, pairing) must match exactly.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
import calibrate  # noqa: E402

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def measured():
    return calibrate.measure(reps=4, jobs=2, days=42, progress=False)


@pytest.mark.parametrize("key,label,source,kind", [r for r in calibrate.ROWS if r[3] == "simulated"])
def test_simulated_figure_within_ten_percent(measured, key, label, source, kind):
    s = measured[0][key]
    assert 0.9 * source <= s["low"] and s["high"] <= 1.1 * source, (
        f"{label}: simulated {s['mean']:.4g} [{s['low']:.4g}, {s['high']:.4g}] vs source {source}"
    )


def test_structure_matches_the_source(measured):
    shape = measured[1]
    for key, label, source, kind in calibrate.ROWS:
        if kind == "structure" and key != "members":
            assert shape[key] == source, label
    assert abs(shape["members"] / (163300 / 6.82) - 1) <= 0.10
