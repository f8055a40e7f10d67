"""The briefing's headline and service-channel tables, and how the briefing writes a value: each
row's estimate with its 95% CI, target and verdict from ``kpis.json`` (:func:`headline_rows`,
:func:`channel_rows`), a value, an interval, a count and a target as the page prints them
(:func:`shown`, :func:`estimate_text`, :func:`count`, :func:`target_text`), which the
briefing's other sentences write alike, and the order of the verdicts from worst to best.

The verdict of a headline promise is plain: met (the whole CI on the right side), missed (the
whole CI on the wrong side) or uncertain (more replications needed). Example row, as the
Markdown briefing prints it: ``| Urban orders responded within the promise | 97.0% (96.5%-97.5%) |
≥ 90% | **met** |``.
"""

from __future__ import annotations

import math

from sim.reporting.formatting import format_number, share_target
from sim.reporting.i18n import tr, unit_label
from sim.results.kpi_catalogue import CHANNEL_ROWS
from sim.results.promises import other_reading


def kpi_float(value) -> float:
    """A kpis.json value as a float; a missing one (saved as null) is NaN."""
    return math.nan if value is None else float(value)


def is_missing(value) -> bool:
    """Whether a kpis.json value is missing (NaN is saved as null or as a NaN float)."""
    return value is None or (isinstance(value, float) and math.isnan(value))


# the verdicts from worst to best (a town with both zones takes its worse zone's; the worst
# towns and time-of-day bands come first)
VERDICT_RANK = {"missed": 0, "uncertain": 1, "few": 2, "n/a": 3, "met": 4}


HEADLINE_ROWS = (
    "urban_10min",
    "urban_10min_arrival",
    "rural_same_day",
    "rural_by_midnight",
    "open_overnight_per_1000",
    "professional_same_day",
    "response_p90_urban",
)


def channel_rows(summary: dict, data: dict) -> list[dict]:
    """The briefing's service-channel rows (as :func:`headline_rows`): per channel with its own
    deadline, the share of its orders closed by it; then the appointments' and the handed-up
    orders' zone promises. The professional orders' same day, a promise with a target, is a
    headline row instead (:data:`HEADLINE_ROWS`)."""
    return headline_rows(summary, data, tuple(n for n in CHANNEL_ROWS if n not in HEADLINE_ROWS))


def headline_rows(summary: dict, data: dict, names: tuple[str, ...] = HEADLINE_ROWS) -> list[dict]:
    """The briefing's headline numbers: kpi name, summary, target and verdict, for each of
    ``names`` that kpis.json has (``urban_10min_arrival`` stands for the urban promise's other
    reading: ``urban_10min_acceptance`` when the scenario counts arrivals). The interval,
    target and verdict are kpis.json's (one verdict function, :func:`sim.results.verdict.judge`,
    for every output); a KPI without a target there has none here."""
    kpis = summary["kpis"]
    rows = []
    # the urban promise's other reading: arrival, or acceptance when the scenario counts arrivals
    other = f"urban_10min_{other_reading(data.get('targets', {}).get('urban_response_event', 'acceptance'))}"
    for name in names:
        name = other if name == "urban_10min_arrival" else name
        if name not in kpis:
            continue
        k = kpis[name]
        if name in CHANNEL_ROWS and "target" not in k and is_missing(k["mean"]):
            continue  # a channel the scenario does not have (no orders)
        s = {key: kpi_float(k[key]) for key in ("mean", "low", "high")}
        if "target" in k:
            kind = "overnight" if name == "open_overnight_per_1000" else k["unit"]
            target, v = (kind, k["target_op"], k["target"]), k["verdict"]
        else:
            target, v = None, "none"
        rows.append(
            {"name": name, "label": k["label"], "unit": k["unit"], **s, "target": target, "verdict": v}
        )
    return rows


def shown(value: float, unit: str, lang: str = "en") -> str:
    """A KPI value as the briefing prints it: format_number of kpis.json's value (whose share
    intervals lie within 0-100% already), without thousands separators in Chinese (the one
    style of the Chinese pages: :func:`count`); a value without data (NaN) is "no data" in the
    page's language."""
    if is_missing(value):
        return tr("verdict.n/a", lang)
    text = format_number(value, unit)
    return text.replace(",", "") if lang == "zh" else text


def estimate_text(row: dict, lang: str = "en") -> str:
    """'97.0% (96.5%-97.5%)' or '6.0 (3.7-8.3) orders/week': mean and 95% CI of kpis.json. In
    Chinese the interval is in full-width parentheses after the mean and its unit, its ends
    joined by the Chinese range mark (``range``): '6.0 单/周（3.7～8.3）'."""
    unit = row["unit"]
    if is_missing(row["mean"]):
        return shown(row["mean"], unit, lang)
    mean = shown(row["mean"], unit, lang)
    units = "" if unit == "share" else f" {unit_label(unit, lang)}"
    interval = ""
    if not (is_missing(row["low"]) or is_missing(row["high"])):
        interval = tr("range", lang, low=shown(row["low"], unit, lang), high=shown(row["high"], unit, lang))
    if lang == "zh":
        return mean + units + (f"（{interval}）" if interval else "")
    return mean + (f" ({interval})" if interval else "") + units


OP_SIGNS = {">=": "≥", "<=": "≤", ">": ">", "<": "<"}


def target_text(row: dict, data: dict, lang: str) -> str:
    """The target of a headline row in words."""
    target = row["target"]
    if target is None:
        return "-"
    kind, op, value = target
    if kind == "overnight":
        return tr("brief.overnight_target", lang, value=value)
    sign = OP_SIGNS.get(op, op)
    return f"{sign} {share_target(value)}" if kind == "share" else f"{sign} {value:g}"


def count(n: int, lang: str) -> str:
    """A count as the page writes it: ``1,234`` in English; in Chinese without thousands
    separators (``1234``, as the article writes 1010 支), the one style of the Chinese pages."""
    return f"{n:,}" if lang != "zh" else f"{n}"
