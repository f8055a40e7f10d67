"""What the briefing says about the scenario and the run: the scenario's title (:func:`title`),
its paragraph (:func:`scenario_text`), the footnote every chart carries (scenario, seed,
replications, days: :func:`footnote`) and the sentence on the assumptions that drive the
headline (:func:`drivers_text`). In Chinese (``lang="zh"``) every sentence comes from
:mod:`sim.reporting.i18n`.
"""

from __future__ import annotations

from sim.reporting.briefing_headline import is_missing, kpi_float, shown
from sim.reporting.formatting import format_number, plural
from sim.reporting.i18n import tr


def title(summary: dict, lang: str) -> str:
    """The scenario's name for titles: its ``title`` (``title_zh`` in Chinese), else its id."""
    key = "title_zh" if lang == "zh" else "title"
    return summary.get(key) or summary.get("title") or summary["scenario"]


def counts(summary: dict) -> dict[str, str]:
    """Replications, days and warm-up days in English words with plurals ("1 replication")."""
    return {
        "reps_text": plural(summary["reps"], "replication"),
        "days_text": plural(summary["days"], "day"),
        "warmup_text": plural(summary["warmup_days"], "day"),
    }


def footnote(summary: dict, lang: str) -> str:
    """The footnote every chart carries: scenario, seed, replications, days. The scenario is
    named by its id in English (what ``redvest run`` takes) and by its Chinese title
    (:func:`title`) in Chinese, whose readers know it by that name."""
    return tr(
        "footnote",
        lang,
        name=title(summary, "zh") if lang == "zh" else summary["scenario"],
        seed=summary["seed"],
        reps=summary["reps"],
        days=summary["days"],
        warmup=summary["warmup_days"],
        **counts(summary),
    )


def scenario_text(summary: dict, data: dict, lang: str) -> str:
    """The scenario in one paragraph, opening with the scenario's own description in the
    page's language: ``description`` (English) in English, ``description_zh`` in Chinese (none
    when the scenario has no Chinese one, or kpis.json predates it)."""
    zones = data["places"]["zone"]
    own = (summary.get("description_zh") if lang == "zh" else summary.get("description")) or ""
    # a sentence ends in 。 in Chinese, which takes no space after it
    description = own.strip() + ("" if lang == "zh" else " ") if own.strip() else ""
    orders = kpi_float(summary["kpis"].get("orders_per_day", {}).get("mean"))
    # the results of a run extended through run_replications(extend=...) say so first
    extended = tr("brief.extended", lang, extension=summary["extension"]) if summary.get("extension") else ""
    return extended + tr(
        "brief.scenario_text" if zones.count(0) else "brief.scenario_text_no_urban",
        lang,
        description=description,
        name=title(summary, lang),
        places=len(zones),
        towns=len(data["towns"]["pinyin"]),
        urban=zones.count(0),
        rural=zones.count(1),
        places_text=plural(len(zones), "village unit"),
        towns_text=plural(len(data["towns"]["pinyin"]), "town"),
        urban_text=plural(zones.count(0), "urban community", "urban communities"),
        urban_promise="promises" if zones.count(0) == 1 else "promise",
        rural_text=plural(zones.count(1), "unit"),
        minutes=data["targets"]["urban_response_min"],
        orders=orders,
        reps=summary["reps"],
        days=summary["days"],
        seed=summary["seed"],
        **counts(summary),
    )


def drivers_text(summary: dict, cancelled: float, lang: str) -> str:
    """What assumptions drive the headline: citizens' patience (``cancelled``, the share of the
    missed orders that were cancelled), turnout and travel (the urban share at acceptance
    against arrival) and how busy volunteers are on duty (utilisation). Without urban orders
    (an all-rural county: neither urban reading has a value) the urban part says so instead of
    quoting two values without data."""
    kpis = summary["kpis"]

    def value(name: str) -> float:
        return kpi_float(kpis.get(name, {}).get("mean"))

    readings = {event: value(f"urban_10min_{event}") for event in ("acceptance", "arrival")}
    urban = not all(is_missing(v) for v in readings.values())
    return tr(
        "brief.drivers" if urban else "brief.drivers_no_urban",
        lang,
        cancelled=format_number(cancelled, "share"),
        **{event: shown(v, "share", lang) for event, v in readings.items()},
        utilisation=shown(value("utilisation"), "share", lang),
    )
