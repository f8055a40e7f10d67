"""Results of an experiment -> files in ``results/<name>/`` and the printed KPI table.

Reporting never simulates: it takes replication results (KPIs and logs) and writes
``kpis.json`` (every KPI with mean, sd and 95% CI, plus each replication's values),
``kpis.csv``, ``orders.csv.gz`` (one row per order and replication), ``chart_data.json`` (what
the charts need beyond the KPIs: per-place counts, response-time curves, the average week) and,
through :func:`sim.reporting.briefing.write_report`, the charts and the briefing.
"""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path

import numpy as np

from sim.config.channels import CHANNELS
from sim.config.geography import ZONES
from sim.config.scenario import Scenario
from sim.config.teams import TEAM_LEVELS
from sim.reporting.files import write_gzip_text, write_json, write_text
from sim.reporting.formatting import (
    CHART_DATA,
    CHART_DATA_FORMAT,
    OUTCOME_CATEGORIES,
    format_number,
    pad,
    with_unit,
)
from sim.reporting.i18n import tr
from sim.results.causes import miss_cause_table
from sim.results.kpis import HEADLINE, KPI_INFO, busy_intervals, town_kpi_info
from sim.results.logs import CANCELLED, COLUMNS, OUTCOMES
from sim.results.promises import urban_response_time, zone_promise_orders, zone_verdicts
from sim.results.summary import RepResult, summarise_kpis, total_orders
from sim.results.verdict import VERDICTS, judge, kpi_targets
from sim.world.build import World


def build_summary(scenario: Scenario, results: list[RepResult], seed: int, world: World) -> dict:
    """The content of kpis.json: every KPI's mean, sd and interval, and for the KPIs with a
    target its verdict, all from :func:`sim.results.verdict.judge` (the one verdict every
    output shows)."""
    summary = summarise_kpis(results)
    tg = kpi_targets(world)
    kpis = {}
    for name, s in summary.items():
        label, unit, direction = KPI_INFO.get(name) or town_kpi_info(name) or (name, "share", +1)
        op, threshold = tg.get(name, (None, None))
        j = judge([r.kpis[name] for r in results], unit, op, threshold, total_orders(results, name))
        row = {
            "label": label,
            "unit": unit,
            "direction": direction,
            "mean": j.mean,
            "sd": s["sd"],
            "half_width": j.half_width,
            "low": j.low,
            "high": j.high,
            "n": j.n,
            "interval": j.method,
        }
        orders = total_orders(results, name)
        if orders is not None:
            row["orders"] = orders
        if op is not None:
            row.update(target=threshold, target_op=op, verdict=j.verdict)
        kpis[name] = row
    causes = miss_cause_table(results, world)
    return {
        "scenario": scenario.name,
        "title": scenario.title or scenario.name,
        "title_zh": scenario.title_zh or scenario.title or scenario.name,
        "description": scenario.description.strip(),
        "seed": seed,
        "reps": len(results),
        "days": scenario.run.days,
        "warmup_days": scenario.run.warmup_days,
        "kpis": kpis,
        **({} if causes is None else {"miss_causes": causes}),
        "replications": [r.kpis for r in results],
    }


def interval_text(k: dict) -> str:
    """A kpis.json row's estimate and interval as text: ``97.0% [96.5%, 97.5%]``, or the
    estimate alone with ``(1 replication)``."""
    est = format_number(k["mean"], k["unit"])
    if k["n"] > 1 and not math.isnan(k["low"]):
        est += f" [{format_number(k['low'], k['unit'])}, {format_number(k['high'], k['unit'])}]"
    elif k["n"] == 1:
        est += " (1 replication)"
    return with_unit(est, k["unit"])


def kpi_table(summary: dict, names: list[str] | None = None) -> str:
    """A compact plain-text table of KPIs against targets."""
    rows = [("KPI", "estimate [95% interval]", "target", "verdict")]
    kpis = summary["kpis"]
    for name in names or [n for n in kpis if not n.startswith("town.")]:
        if name not in kpis:
            continue
        k = kpis[name]
        target = f"{k['target_op']} {format_number(k['target'], k['unit'])}" if "target" in k else ""
        rows.append(
            (f"{k['label']} [{name}]", interval_text(k), target, VERDICT_WORDS.get(k.get("verdict", ""), ""))
        )
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def town_table(summary: dict, world: World) -> str:
    """Compliance per town (each order against its zone's promise), worst first, with each
    judged town KPI's verdict (kpis.json's): a town with both zones shows each zone apart."""
    rows = []
    kpis = summary["kpis"]
    for t, pinyin in enumerate(world.towns.pinyin):
        k = kpis.get(f"town.{pinyin}.compliance")
        if k is None:
            continue
        judged = [
            (part, kpis[f"town.{pinyin}.{part}"])
            for part in ("compliance", "urban_10min", "rural_same_day")
            if "verdict" in kpis.get(f"town.{pinyin}.{part}", {})
        ]
        notes = "; ".join(
            f"{'' if part == 'compliance' else ZONE_OF[part] + ' '}"
            f"{interval_text(j)} vs {j['target_op']} {format_number(j['target'], 'share')}: "
            f"{VERDICT_WORDS[j['verdict']]}"
            for part, j in judged
        )
        rows.append(
            (
                k["mean"],
                f"  {pinyin:<10} {pad(world.towns.name[t], 8)} "
                f"{format_number(k['mean'], 'share'):>7}  {notes}",
            )
        )
    rows.sort(key=lambda r: (math.isnan(r[0]), r[0]))
    return "Compliance by town (worst first):\n" + "\n".join(r[1] for r in rows)


ZONE_OF = {"urban_10min": "urban", "rural_same_day": "rural"}
# a promise verdict (kpis.json's) in words, English: the briefing's table (i18n) gives them
VERDICT_WORDS = {v: tr(f"verdict.{v}", "en") for v in VERDICTS} | {"": ""}


def orders_csv(results: list[RepResult], world: World) -> str:
    """All order logs as CSV text (one row per order and replication; times in minutes). The
    last column, ``measured``, is 1 for the orders the KPIs count (placed inside the measured
    window, after the warm-up) and 0 for warm-up and drain orders. docs/outputs.md lists every
    column."""
    buffer = io.StringIO()
    time_columns = [c for c in COLUMNS if c.startswith("t_")]  # the log's times, in its order
    header = (
        ["rep", "id", "place_code", "town", "zone", "item", "channel", "tier_max"]
        + time_columns
        + ["team", "team_level", "outcome", "batch", "measured"]
    )
    buffer.write(",".join(header) + "\n")
    codes, towns = world.places.code, world.towns.pinyin
    items = [i.id for i in world.items]
    for r in results:
        o = r.log.orders
        times = {c: np.round(getattr(o, c), 3) for c in time_columns}
        start, end = r.log.window_min
        measured = (o.t_placed >= start) & (o.t_placed < end)
        batch = o.batch
        for j in range(len(o)):
            team = int(o.team[j])
            row = [
                str(r.index),
                str(int(o.id[j])),
                codes[o.place[j]],
                towns[o.town[j]],
                ZONES[o.zone[j]],
                items[o.item[j]],
                CHANNELS[o.channel[j]],
                str(int(o.tier_max[j])),
            ]
            row += ["" if math.isnan(times[c][j]) else repr(float(times[c][j])) for c in time_columns]
            row += [
                world.teams.name[team] if team >= 0 else "",
                TEAM_LEVELS[o.team_level[j]] if team >= 0 else "",
                OUTCOMES[o.outcome[j]],
                str(int(batch[j])) if batch[j] >= 0 else "",
                "1" if measured[j] else "0",
            ]
            buffer.write(",".join(row) + "\n")
    return buffer.getvalue()


def kpis_csv(summary: dict) -> str:
    """KPI summary as CSV (cells with a comma, such as the unit ``per 1,000 orders``, quoted)."""
    buffer = io.StringIO()
    out = csv.writer(buffer, lineterminator="\n")
    out.writerow(
        ["kpi", "label", "unit", "mean", "sd", "ci_low", "ci_high", "n", "target", "verdict", "interval"]
    )
    for name, k in summary["kpis"].items():
        vals = [k["mean"], k["sd"], k["low"], k["high"]]
        cells = ["" if v is None or math.isnan(v) else f"{v:.6g}" for v in vals]
        out.writerow(
            [
                name,
                k["label"].replace(",", ";"),
                k["unit"],
                *cells,
                str(k["n"]),
                "" if "target" not in k else f"{k['target']:g}",
                k.get("verdict", ""),
                k.get("interval", ""),
            ]
        )
    return buffer.getvalue()


RESPONSE_GRID_MIN = np.unique(np.r_[np.arange(0.0, 60.0, 0.5), np.arange(60.0, 2881.0, 10.0)])


def _round(values, digits: int = 5) -> list:
    return [
        None if v is None or not math.isfinite(float(v)) else round(float(v), digits)
        for v in np.asarray(values, dtype=float).ravel()
    ]


def _busy_per_hour(
    start: np.ndarray, end: np.ndarray, people: np.ndarray, hours: int, horizon: float
) -> np.ndarray:
    """Mean number of people busy in each hour, from intervals [start, end) (minutes; NaN end =
    the horizon) each occupying ``people``."""
    end = np.where(np.isnan(end), horizon, end)
    keep = ~np.isnan(start) & (end > start)
    s, e, p = start[keep], end[keep], people[keep].astype(float)
    edges = np.arange(hours + 1) * 60.0
    # cumulative people-minutes up to each edge
    cum = np.array([(np.clip(x - s, 0, e - s) * p).sum() for x in edges])
    return np.diff(cum) / 60.0


def _by_hour_of_week(values: np.ndarray, hours: np.ndarray, start_weekday: int) -> np.ndarray:
    """Average of hourly ``values`` (last axis = simulated hours listed in ``hours``) per hour of
    the week, Monday 00:00 first (NaN for hours of the week not simulated)."""
    how = ((hours // 24 + start_weekday) % 7) * 24 + hours % 24
    count = np.bincount(how, minlength=168).astype(float)
    values = np.atleast_2d(values)
    out = np.array([np.bincount(how, weights=row[hours], minlength=168) for row in values])
    with np.errstate(invalid="ignore", divide="ignore"):
        return out / count


def chart_data(scenario: Scenario, world: World, results: list[RepResult]) -> dict:
    """Everything the charts need that kpis.json lacks, aggregated from the replications' logs
    (saved as chart_data.json so that ``report`` redraws without simulating). Minutes."""
    tg = scenario.targets
    zone_target = np.array([tg.urban_share, tg.rural_share])
    n_places, n_towns = len(world.places), len(world.towns.code)
    orders_at = np.zeros(n_places)
    met_at = np.zeros(n_places)
    target_sum = np.zeros(n_towns)
    curves: dict[str, list] = {zone: [] for zone in ZONES}
    deadlines = []
    outcome_shares: dict[str, list] = {g: [] for g in (*ZONES, "all")}
    week_orders, week_duty, week_busy, week_busy_all = [], [], [], []
    for r in results:
        log = r.log
        o = log.orders
        start, end = log.window_min
        inside = (o.t_placed >= start) & (o.t_placed < end)
        catalogue = inside & zone_promise_orders(log)
        met, decided = zone_verdicts(log, world)
        judged = catalogue & decided  # (the run cannot judge undecided orders)
        orders_at += np.bincount(o.place[judged], minlength=n_places)
        met_at += np.bincount(o.place[judged & met], minlength=n_places)
        target_sum += np.bincount(
            o.town[catalogue], weights=zone_target[o.zone[catalogue]], minlength=n_towns
        )
        # urban: to the event the urban promise counts; rural: to acceptance (responded). Over
        # the judged orders, as the KPIs: the urban curve at the promise is urban_10min
        urban_response = urban_response_time(log, tg.urban_response_event)
        for z, zone in enumerate(ZONES):
            response = urban_response if zone == "urban" else o.t_accepted - o.t_placed
            mask = judged & (o.zone == z)
            done = np.sort(response[mask][~np.isnan(response[mask])])
            n = int(mask.sum())
            curve = (
                np.searchsorted(done, RESPONSE_GRID_MIN, side="right") / n
                if n
                else np.full(len(RESPONSE_GRID_MIN), np.nan)
            )
            curves[zone].append(_round(curve))
            if zone == "rural":
                deadlines.append((o.t_deadline - o.t_placed)[catalogue & (o.zone == z)])
        category = np.where(
            o.team >= 0,
            o.team_level,
            np.where(o.outcome == CANCELLED, len(TEAM_LEVELS), len(TEAM_LEVELS) + 1),
        )
        for group in outcome_shares:
            mask = inside if group == "all" else inside & (o.zone == ZONES.index(group))
            counts = np.bincount(category[mask], minlength=len(OUTCOME_CATEGORIES))
            outcome_shares[group].append(counts / max(1, mask.sum()))
        hours_total = log.on_duty_by_level.shape[1]
        hours = np.arange(int(start // 60), min(int(np.ceil(end / 60)), hours_total))
        placed = np.bincount((o.t_placed[inside] // 60).astype(int), minlength=hours_total)
        weekday = scenario.run.start_weekday
        week_orders.append(_by_hour_of_week(placed[:hours_total].astype(float), hours, weekday)[0])
        week_duty.append(_by_hour_of_week(log.on_duty_by_level.astype(float), hours, weekday))
        assigned, _, released, people = busy_intervals(log)
        busy = _busy_per_hour(assigned, released, people, hours_total, log.horizon_min)
        a = log.activities
        busy_act = (
            _busy_per_hour(
                np.asarray(a.t_start, float),
                np.asarray(a.t_end, float),
                np.asarray(a.pulled, float),
                hours_total,
                log.horizon_min,
            )
            if len(a.t_start)
            else np.zeros(hours_total)
        )
        week_busy.append(_by_hour_of_week(busy, hours, weekday)[0])
        week_busy_all.append(_by_hour_of_week(busy + busy_act, hours, weekday)[0])
    deadline = np.concatenate(deadlines) if deadlines else np.array([])
    towns, places = world.towns, world.places
    town_orders = np.bincount(places.town, weights=orders_at, minlength=n_towns)
    seat = int(towns.seat_place[towns.index(scenario.geography.county_seat_town)])
    ferry = scenario.geography.travel.ferry
    ferry_data = None
    if ferry is not None and ferry.island_towns:
        ferry_data = {
            "port_place": int(towns.seat_place[towns.index(ferry.port_town)]),
            "island_towns": [towns.index(t) for t in ferry.island_towns],
        }
    with np.errstate(invalid="ignore", divide="ignore"):
        town_target = target_sum / town_orders
    events = [
        {
            "name": event.name or str(k),
            "mode": event.delivery.mode,
            "collect_every_min": event.delivery.collect_every_min,
            "batch_size": event.delivery.batch_size,
            "volunteers_per_batch": event.delivery.volunteers_per_batch,
            "deadline_hours": event.delivery.deadline_hours,
        }
        for k, event in enumerate(scenario.events)
        if event.delivery is not None
    ]
    projects = scenario.pairing.projects
    # the pairing channel's assumptions, which the briefing states (only with paired villages)
    pairing = (
        {
            "projects": float(sum(projects.projects.values())),
            "orders_per_project_per_year": projects.orders_per_project_per_year,
            "due_days": projects.due_days,
        }
        if world.pairs and sum(projects.projects.values()) > 0
        else None
    )
    # the packages' recipients, which the briefing states (only with packages)
    kinds = [k for k in scenario.packages.kinds.values() if k.recipients_per_1000 > 0]
    package = (
        {
            "recipients_per_1000": float(sum(k.recipients_per_1000 for k in kinds)),
            "kinds": float(len(kinds)),
            "top_tier": float(scenario.packages.top_tier),
        }
        if kinds
        else None
    )
    out = {
        "format": CHART_DATA_FORMAT,
        "scenario": scenario.name,
        "targets": {
            "urban_response_min": tg.urban_response_min,
            "urban": tg.urban_share,
            "rural": tg.rural_share,
            "same_day_cutoff": tg.same_day_cutoff,
            "day_end": tg.day_end,
            "urban_response_event": tg.urban_response_event,
            "overnight_per_1000": tg.overnight_per_1000,
        },
        "admin": {"after_hours": scenario.admin.after_hours},  # when professional orders are reviewed
        "towns": {
            "pinyin": list(towns.pinyin),
            "name": list(towns.name),
            "seat_place": [int(p) for p in towns.seat_place],
            "orders": _round(town_orders, 1),
            "target": _round(town_target),
        },
        "places": {
            "code": list(places.code),
            "name": list(places.name),
            "town": [int(t) for t in places.town],
            "zone": [int(z) for z in places.zone],
            "x_km": _round(places.x_km, 3),
            "y_km": _round(places.y_km, 3),
            "lat": _round(places.lat),
            "lon": _round(places.lon),
            "orders": _round(orders_at, 1),
            "met": _round(met_at, 1),
        },
        "county_center_place": seat,
        "ferry": ferry_data,
        "events": events,  # surge events with a delivery setting (their KPIs: event_*)
        "response": {
            "grid_min": _round(RESPONSE_GRID_MIN, 2),
            "curves": curves,
            "rural_deadline_min": _round(
                np.percentile(deadline, [10, 50, 90]) if len(deadline) else [np.nan] * 3, 1
            ),
        },
        "outcomes": {
            "categories": list(OUTCOME_CATEGORIES),
            "shares": {g: _round(np.mean(v, axis=0)) for g, v in outcome_shares.items()},
        },
        "week": {
            "orders_per_hour": _round(np.mean(week_orders, axis=0), 3),
            "on_duty": {lv: _round(row, 2) for lv, row in zip(TEAM_LEVELS, np.mean(week_duty, axis=0))},
            "busy_orders": _round(np.mean(week_busy, axis=0), 3),
            "busy_all": _round(np.mean(week_busy_all, axis=0), 3),
        },
    }
    if pairing is not None:
        out["pairing"] = pairing
    if package is not None:
        out["packages"] = package
    return out


def write_results(out: Path, scenario: Scenario, world: World, results: list[RepResult], seed: int) -> dict:
    """Write every result file of a run into ``out`` (kpis.json, kpis.csv and, when the logs are
    kept, orders.csv.gz, chart_data.json, the charts and the English briefing); return the
    summary."""
    summary = build_summary(scenario, results, seed, world)
    write_json(out / "kpis.json", summary)
    write_text(out / "kpis.csv", kpis_csv(summary))
    if all(r.log is not None for r in results):
        write_gzip_text(out / "orders.csv.gz", orders_csv(results, world))
        write_json(out / CHART_DATA, chart_data(scenario, world, results))
        from sim.reporting.briefing import clear_previous, write_report

        clear_previous(out)  # no chart or briefing of an earlier run (either language) stays
        write_report(out, lang="en")
    return summary


__all__ = ["HEADLINE", "build_summary", "kpi_table", "town_table", "write_results"]
