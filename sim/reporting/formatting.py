"""What the results files, the terminal and the briefing share: how a KPI value is written,
and the name and format of the chart data file. (The verdict on a promise and its interval
come from one function, :func:`sim.results.verdict.judge`, through kpis.json.)"""

from __future__ import annotations

import math
import unicodedata

from sim.config.teams import TEAM_LEVELS

CHART_DATA = "chart_data.json"
# where an order ends, the columns of chart_data.json's outcomes: served at a level, or not
OUTCOME_CATEGORIES = (*TEAM_LEVELS, "cancelled", "open")
CHART_DATA_FORMAT = 3  # bump when chart_data.json changes shape; `report` then asks for a rerun


def plural(n: float, word: str, words: str | None = None) -> str:
    """``"1 replication"``, ``"4 replications"``, ``"0.5 days"``: ``word`` is the singular,
    ``words`` the plural when it is not ``word + "s"`` ("urban communities")."""
    return f"{n:g} {word}" if n == 1 else f"{n:g} {words or word + 's'}"


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


def share_target(value: float) -> str:
    """A target share as a percentage with the digits it has: 0.9 -> ``"90%"``, 0.955 ->
    ``"95.5%"`` (never rounded to a whole percent, which would show a target the verdict does
    not use)."""
    return f"{round(100 * value, 6):g}%"


def with_unit(text: str, unit: str) -> str:
    """A formatted KPI value with its unit where it is not a share: ``"6.0 ± 2.3 orders/week"``."""
    return text if unit == "share" or text == "n/a" else f"{text} {unit}"
