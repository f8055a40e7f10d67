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
    """A target share as a percentage with every digit it has, and at least the one decimal an
    estimate shows: 0.9 -> ``"90.0%"``, 0.9475 -> ``"94.75%"``, 0.9005 -> ``"90.05%"``. Never
    rounded: a target rounded to an estimate's one decimal could read as the estimate's own
    value, or as lying on the other side of its interval from the target the verdict uses. The
    one way every output (terminal, briefings, charts) writes a share target."""
    return f"{_all_digits(100 * value)}%"


def target_number(value: float, unit: str) -> str:
    """A target as text without its unit: a share by :func:`share_target`, anything else with
    the one decimal of :func:`format_number` or the more digits it has (27.55 -> ``"27.55"``,
    never ``"27.6"``)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    return share_target(value) if unit == "share" else _all_digits(value, ",")


def _all_digits(x: float, group: str = "") -> str:
    """``x`` with at least one decimal and up to six, trailing zeros dropped: ``90.0``,
    ``94.75``; ``group`` "," separates thousands."""
    text = f"{round(x, 6) + 0.0:{group}.6f}".rstrip("0")
    return text + "0" if text.endswith(".") else text


def per_rep_text(count: float, lang: str = "en") -> str:
    """Orders a replication (a sum over the replications divided by them), as the briefing and
    its miss-causes chart write them: whole from 10, else with one decimal (6.3, never 6);
    thousands separated in English only (the Chinese pages write none)."""
    if count >= 10:
        return f"{count:,.0f}" if lang != "zh" else f"{count:.0f}"
    return f"{count:.1f}"


def with_unit(text: str, unit: str) -> str:
    """A formatted KPI value with its unit where it is not a share: ``"6.0 ± 2.3 orders/week"``."""
    return text if unit == "share" or text == "n/a" else f"{text} {unit}"


def rounds_to_zero(text: str) -> bool:
    """Whether a formatted number shows no digit but 0 (``-0.0``, ``0.0%``, ``+0.0 pp``)."""
    return not any(c in "123456789" for c in text)


def value_text(value: float, unit: str, signed: bool = False) -> str:
    """A KPI value without its unit, as every experiment table prints it: an estimate as ``run``
    prints it (:func:`sim.reporting.formatting.format_number`: a share in percent, anything
    else with one decimal); a difference (``signed``) with its sign, a share's in percentage
    points (``+0.1 pp``), anything else with the estimate's decimal (``+3.0``). A value that
    rounds to 0 is ``0.0`` (``0.0 pp``), without a sign: never a negative zero, nor a sign the
    digits do not show (an interval's end of -0.004 is not shown as ``+0.0``). ``n/a`` when
    undefined."""
    if value is None or math.isnan(value):
        return "n/a"
    text = f"{value * 100:.1f} pp" if signed and unit == "share" else format_number(value, unit)
    if math.isfinite(value) and rounds_to_zero(text):
        return text.lstrip("-")
    return "+" + text if signed and not text.startswith("-") else text


def estimate_text(value: float, unit: str) -> str:
    """An estimate with its unit where it is not a share, as ``run`` prints it: ``94.1%``,
    ``38.9 orders/week``."""
    return with_unit(value_text(value, unit), unit)


def interval_estimate_text(mean: float, low: float, high: float, unit: str) -> str:
    """An estimate with its interval and its unit where it is not a share, as ``run`` prints
    it: ``97.0% [96.5%, 97.5%]``, ``38.9 [36.0, 41.8] orders/week``; the estimate alone when
    the interval is undefined, ``n/a`` when the estimate is."""
    text = value_text(mean, unit)
    if not any(v is None or math.isnan(v) for v in (mean, low, high)):
        text += f" [{value_text(low, unit)}, {value_text(high, unit)}]"
    return with_unit(text, unit)


def difference_text(mean: float, low: float, high: float, unit: str) -> str:
    """A paired difference with its interval, each end signed: a share's in percentage points
    on every number (``+0.1 pp [-0.8 pp, +1.1 pp]``), another KPI's with its unit once at the
    end, as ``run`` writes an interval (``+3.0 [+2.3, +3.7] per 1,000 orders``); ``n/a`` when
    the difference is undefined, the mean alone when its interval is."""
    if mean is None or math.isnan(mean):
        return "n/a"
    text = value_text(mean, unit, True)
    if not (low is None or high is None or math.isnan(low) or math.isnan(high)):
        text += f" [{end_text(low, unit)}, {end_text(high, unit)}]"
    return with_unit(text, unit)


def end_text(value: float, unit: str) -> str:
    """An interval's end as :func:`value_text` signs it, but an end that is not 0 and rounds
    to 0 keeps two significant digits and its sign (``+0.0056 pp``, ``+0.000097 pp``, never an
    exponent): which side of 0 it lies on is what says whether the difference is significant."""
    text = value_text(value, unit, True)
    if value == 0 or not math.isfinite(value) or not rounds_to_zero(text):
        return text
    x = value * 100 if unit == "share" else value
    decimals = max(0, 1 - math.floor(math.log10(abs(x))))  # two significant digits, no exponent
    digits = f"{x:+.{decimals}f}".rstrip("0").rstrip(".")  # as ".2g" writes them: 0.004, not 0.0040
    return digits + (" pp" if unit == "share" else "")


def hours_text(x: float) -> str:
    """Hours as printed in a sentence: ``1,000,000``, ``41.5``, ``0.0001`` (never ``1e+06``)."""
    if x == int(x):
        return f"{x:,.0f}"
    return f"{x:g}" if abs(x) < 0.01 else f"{x:,.2f}".rstrip("0").rstrip(".")
