"""What the results files, the terminal and the briefing share: the verdict on a promise, how
a KPI value is written, and the name and format of the chart data file (so that every output
gives a KPI the same verdict)."""

from __future__ import annotations

import math
import unicodedata

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


def plural(n: float, word: str) -> str:
    """``"1 replication"``, ``"4 replications"``, ``"0.5 days"``: ``word`` is the singular."""
    return f"{n:g} {word}" if n == 1 else f"{n:g} {word}s"


def display_width(text: str) -> int:
    """Columns ``text`` takes in a terminal: Chinese characters (East Asian wide or full-width)
    take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def pad(text: str, width: int, right: bool = False) -> str:
    """``text`` padded with spaces to ``width`` terminal columns (:func:`display_width`)."""
    fill = " " * max(0, width - display_width(text))
    return fill + text if right else text + fill


def format_number(value: float, unit: str) -> str:
    """A KPI value as text: a share as a percentage, anything else with one decimal."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    return f"{value:.1%}" if unit == "share" else f"{value:,.1f}"


def with_unit(text: str, unit: str) -> str:
    """A formatted KPI value with its unit where it is not a share: ``"6.0 ± 2.3 orders/week"``."""
    return text if unit == "share" or text == "n/a" else f"{text} {unit}"
