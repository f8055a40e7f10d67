"""Results of an experiment -> files in ``results/<name>/`` and the printed KPI table.

Reporting never simulates: it takes replication results (KPIs and logs) and writes
``kpis.json`` (every KPI with mean, sd and 95% CI, plus each replication's values),
``kpis.csv``, ``orders.csv.gz`` (one row per order and replication) and the response-time chart.
"""

from __future__ import annotations

import io
import math
from pathlib import Path

import numpy as np

from sim import charts
from sim.experiment import RepResult, summarise_kpis
from sim.files import write_gzip_text, write_json, write_text
from sim.kpis import HEADLINE, KPI_INFO
from sim.logs import OUTCOMES
from sim.scenario import TEAM_LEVELS, ZONES, Scenario
from sim.world import World


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
    good_low, good_high = (low >= threshold, high >= threshold) if op == ">=" else \
        (high <= threshold, low <= threshold)
    return "met" if good_low else ("uncertain" if good_high else "missed")


def build_summary(scenario: Scenario, results: list[RepResult], seed: int) -> dict:
    """The content of kpis.json."""
    summary = summarise_kpis(results)
    tg = targets(scenario)
    kpis = {}
    for name, s in summary.items():
        label, unit, direction = KPI_INFO.get(name, (name, "share", +1))
        row = {"label": label, "unit": unit, "direction": direction, **s}
        if name in tg:
            op, threshold = tg[name]
            row.update(target=threshold, target_op=op, verdict=verdict(s, op, threshold))
        kpis[name] = row
    return {
        "scenario": scenario.name,
        "description": scenario.description.strip(),
        "seed": seed,
        "reps": len(results),
        "days": scenario.run.days,
        "warmup_days": scenario.run.warmup_days,
        "kpis": kpis,
        "replications": [r.kpis for r in results],
    }


def format_number(value: float, unit: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    return f"{value:.1%}" if unit == "share" else f"{value:,.1f}"


def kpi_table(summary: dict, names: list[str] | None = None) -> str:
    """A compact plain-text table of KPIs against targets."""
    rows = [("KPI", "estimate (95% CI)", "target", "verdict")]
    kpis = summary["kpis"]
    for name in names or [n for n in kpis if not n.startswith("town.")]:
        k = kpis[name]
        est = format_number(k["mean"], k["unit"])
        if k["n"] > 1 and not math.isnan(k["half_width"]):
            est += f" ± {format_number(k['half_width'], k['unit'])}"
        target = f"{k['target_op']} {format_number(k['target'], k['unit'])}" if "target" in k else ""
        rows.append((f"{k['label']} [{name}]", est, target, k.get("verdict", "")))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def town_table(summary: dict, world: World, target: float) -> str:
    """Compliance per town (each order against its zone's promise), worst first."""
    rows = []
    for t, pinyin in enumerate(world.towns.pinyin):
        k = summary["kpis"].get(f"town.{pinyin}.compliance")
        if k is None:
            continue
        rows.append((k["mean"], f"  {pinyin:<10} {world.towns.name[t]:<8} "
                     f"{format_number(k['mean'], 'share'):>7}"
                     f"{'  below ' + format(target, '.0%') if k['mean'] < target else ''}"))
    rows.sort(key=lambda r: (math.isnan(r[0]), r[0]))
    return "Compliance by town (worst first):\n" + "\n".join(r[1] for r in rows)


def orders_csv(results: list[RepResult], world: World) -> str:
    """All order logs as CSV text (one row per order and replication; times in minutes)."""
    buffer = io.StringIO()
    header = ["rep", "id", "place_code", "town", "zone", "item", "tier_max", "t_placed",
              "t_review_start", "t_review_end", "t_assigned", "t_accepted", "t_arrived",
              "t_closed", "t_released", "t_cancelled", "t_deadline", "team", "team_level",
              "outcome"]
    buffer.write(",".join(header) + "\n")
    codes, towns = world.places.code, world.towns.pinyin
    items = [i.id for i in world.items]
    for r in results:
        o = r.log.orders
        times = {c: np.round(getattr(o, c), 3) for c in header if c.startswith("t_")}
        for j in range(len(o)):
            team = int(o.team[j])
            row = [str(r.index), str(int(o.id[j])), codes[o.place[j]], towns[o.town[j]],
                   ZONES[o.zone[j]], items[o.item[j]], str(int(o.tier_max[j]))]
            row += ["" if math.isnan(times[c][j]) else repr(float(times[c][j]))
                    for c in header[7:17]]
            row += [world.teams.name[team] if team >= 0 else "",
                    TEAM_LEVELS[o.team_level[j]] if team >= 0 else "",
                    OUTCOMES[o.outcome[j]]]
            buffer.write(",".join(row) + "\n")
    return buffer.getvalue()


def kpis_csv(summary: dict) -> str:
    """KPI summary as CSV."""
    lines = ["kpi,label,unit,mean,sd,ci_low,ci_high,n,target,verdict"]
    for name, k in summary["kpis"].items():
        vals = [k["mean"], k["sd"], k["low"], k["high"]]
        cells = ["" if v is None or math.isnan(v) else f"{v:.6g}" for v in vals]
        label = k["label"].replace(",", ";")
        lines.append(",".join([name, label, k["unit"], *cells, str(k["n"]),
                               "" if "target" not in k else f"{k['target']:g}",
                               k.get("verdict", "")]))
    return "\n".join(lines) + "\n"


def write_results(out: Path, scenario: Scenario, world: World, results: list[RepResult],
                  seed: int) -> dict:
    """Write every result file of a run into ``out``; return the summary."""
    summary = build_summary(scenario, results, seed)
    write_json(out / "kpis.json", summary)
    write_text(out / "kpis.csv", kpis_csv(summary))
    if all(r.log is not None for r in results):
        write_gzip_text(out / "orders.csv.gz", orders_csv(results, world))
        responses = {zone: [] for zone in ZONES}
        for r in results:
            o = r.log.orders
            start, end = r.log.window_min
            inside = (o.t_placed >= start) & (o.t_placed < end) & ~o.professional
            for z, zone in enumerate(ZONES):
                mask = inside & (o.zone == z)
                responses[zone].append(o.t_accepted[mask] - o.t_placed[mask])
        k = summary["kpis"]
        footnote = (f"Scenario {scenario.name}, seed {seed}, {len(results)} replications of "
                    f"{scenario.run.days:g} days. Red Vest.")
        charts.response_time_chart(
            responses, scenario.targets.urban_response_min,
            {"urban": k["urban_10min"]["mean"], "rural": k["rural_same_day"]["mean"]},
            out / "response_times", footnote)
    return summary


__all__ = ["HEADLINE", "build_summary", "kpi_table", "town_table", "write_results"]
