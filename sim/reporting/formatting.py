"""What the results files, the terminal and the briefing share: the verdict on a promise, how
a KPI value is written, and the name and format of the chart data file (so that every output
gives a KPI the same verdict)."""

from __future__ import annotations

import math

from sim.config.scenario import Scenario

CHART_DATA = "chart_data.json"
CHART_DATA_FORMAT = 2  # bump when chart_data.json changes shape; `report` then asks for a rerun


def targets(scenario: Scenario) -> dict[str, tuple[str, float]]:
    """KPI name -> (comparison, threshold) for the scenario's promises."""
    t = scenario.targets
    return {"urban_10min": (">=", t.urban_share), "rural_same_day": (">=", t.rural_share)}


def verdict(summary: dict[str, float], op: str, threshold: float) -> str:
    """'met' when the whole 95% CI is on the right side, 'missed' when it is all on the wrong
    side, 'uncertain' otherwise (more replications would tell)."""
    low, high, mean = summary["low"], summary["high"], summary["mean"]
    if math.isnan(mean):
        return "n/a"
    if math.isnan(low):
        low = high = mean
    good_low, good_high = (
        (low >= threshold, high >= threshold) if op == ">=" else (high <= threshold, low <= threshold)
    )
    return "met" if good_low else ("uncertain" if good_high else "missed")


def format_number(value: float, unit: str) -> str:
    """A KPI value as text: a share as a percentage, anything else with one decimal."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    return f"{value:.1%}" if unit == "share" else f"{value:,.1f}"
