"""The towns as the briefing lists them: a row per town with orders (its compliance, target and
verdict, and each zone's: :func:`town_rows`), the towns without orders in the measured days
(:func:`no_order_towns`), a town's name in the page's language (:func:`town_label`) and the
sentences on the worst towns (:func:`worst_town_lines`). The line counting the towns' verdicts
is :mod:`sim.reporting.briefing_towns`'s; the town chart draws these rows.
"""

from __future__ import annotations

import math

from sim.reporting.briefing_headline import VERDICT_RANK, is_missing, kpi_float, shown
from sim.reporting.formatting import share_target
from sim.reporting.i18n import tr

WORST_TOWNS = 3


def town_label(data: dict, t: int, lang: str) -> str:
    """A town's name: characters in Chinese, pinyin in English."""
    return data["towns"]["name" if lang == "zh" else "pinyin"][t]


# the zones whose promises make a town's verdict (not the urban promise's other reading)
HEADLINE_ZONES = ("urban", "rural")


def town_rows(summary: dict, data: dict, lang: str) -> list[dict]:
    """Per town with orders: label, pinyin, index (in chart_data.json's towns), compliance
    mean/low/high, target and verdict, all from kpis.json (:func:`no_order_towns` names the
    others). A
    town with one zone: its compliance's target and verdict. A town with both zones is judged
    on each zone apart; its row shows its compliance against the order-weighted target with the
    worse of its zones' verdicts (``verdict_zone`` names that zone; None for a one-zone town),
    and ``zones`` lists each zone's row. ``zones`` lists too, for
    a town with urban places, the urban promise's other reading (zone ``urban_arrival``, or
    ``urban_acceptance`` when the scenario counts arrivals), judged but not in the town's
    verdict, as the county's other reading is not in the headline's."""
    rows = []
    kpis = summary["kpis"]
    for t, pinyin in enumerate(data["towns"]["pinyin"]):
        k = kpis.get(f"town.{pinyin}.compliance")
        if k is None or is_missing(k["mean"]):
            continue
        s = {key: kpi_float(k[key]) for key in ("mean", "low", "high")}
        zones = [
            {
                "zone": zone,
                **{key: kpi_float(kpis[name][key]) for key in ("mean", "low", "high", "target")},
                "verdict": kpis[name]["verdict"],
            }
            for zone, name in (
                ("urban", f"town.{pinyin}.urban_10min"),
                ("rural", f"town.{pinyin}.rural_same_day"),
                ("urban_acceptance", f"town.{pinyin}.urban_10min_acceptance"),
                ("urban_arrival", f"town.{pinyin}.urban_10min_arrival"),
            )
            if "verdict" in kpis.get(name, {})
        ]
        headline = [z for z in zones if z["zone"] in HEADLINE_ZONES]
        worst = None  # the zone whose verdict is a mixed town's (the chart names it)
        if "verdict" in k:
            target, v = kpi_float(k["target"]), k["verdict"]
        elif headline:
            target = kpi_float(data["towns"]["target"][t])
            worst = min(headline, key=lambda z: VERDICT_RANK.get(z["verdict"], 3))
            v = worst["verdict"]
        else:
            continue
        rows.append(
            {
                "label": town_label(data, t, lang),
                "pinyin": pinyin,
                "index": t,  # (its place in chart_data.json's towns)
                **s,
                "target": target,
                "verdict": v,
                "verdict_zone": worst["zone"] if worst else None,
                "zones": zones,
            }
        )
    return rows


def no_order_towns(summary: dict, data: dict, lang: str) -> list[str]:
    """The towns without orders in the measured days (kpis.json's compliance without a value, or
    none), by name in the page's language, in chart_data.json's order: :func:`town_rows` has no
    row for them, and the briefing names them so that its towns add up to the scenario's."""
    kpis = summary["kpis"]
    return [
        town_label(data, t, lang)
        for t, pinyin in enumerate(data["towns"]["pinyin"])
        if is_missing(kpis.get(f"town.{pinyin}.compliance", {}).get("mean"))
    ]


def worst_town_lines(summary: dict, data: dict, lang: str) -> list[str]:
    """One sentence for each of the towns with the lowest compliance, worst first."""
    rows = sorted(
        town_rows(summary, data, lang),
        key=lambda r: (VERDICT_RANK.get(r["verdict"], 3), r["mean"] - r["target"], r["label"]),
    )

    def line(label: str, r: dict) -> str:
        return tr(
            "brief.worst_line" if not math.isnan(r["low"]) else "brief.worst_line_one",
            lang,
            town=label,
            value=shown(r["mean"], "share"),
            low=shown(r["low"], "share"),
            high=shown(r["high"], "share"),
            target=share_target(r["target"]),
            verdict=tr(f"verdict.{r['verdict']}", lang),
        )

    def zone_line(r: dict, z: dict) -> str:
        zone = tr("zone." + z["zone"], lang)
        return line(f"{r['label']}（{zone}）" if lang == "zh" else f"{r['label']} ({zone})", z)

    out = []
    for r in rows[:WORST_TOWNS]:
        zones = [z for z in r["zones"] if z["zone"] in HEADLINE_ZONES]
        if zones:  # a town with both zones: each zone against its own promise
            out += [zone_line(r, z) for z in zones]
        else:
            out.append(line(r["label"], r))
        out += [zone_line(r, z) for z in r["zones"] if z["zone"] not in HEADLINE_ZONES]  # other reading
    return out
