"""The CSV files of a run: ``orders.csv.gz``'s text (one row per order and replication, times in
minutes) and ``kpis.csv`` (the KPI summary as a table). docs/outputs.md lists every column;
:mod:`sim.reporting.report` writes both into the results folder.
"""

from __future__ import annotations

import csv
import io
import math

import numpy as np

from sim.config.channels import CHANNELS
from sim.config.geography import ZONES
from sim.config.teams import TEAM_LEVELS
from sim.results.logs import COLUMNS, OUTCOMES
from sim.results.summary import RepResult
from sim.world.build import World


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
        + ["team", "team_level", "outcome", "batch", "platform_event", "measured"]
    )
    buffer.write(",".join(header) + "\n")
    codes, towns = world.places.code, world.towns.pinyin
    items = [i.id for i in world.items]
    for r in results:
        o = r.log.orders
        times = {c: np.round(getattr(o, c), 3) for c in time_columns}
        start, end = r.log.window_min
        measured = (o.t_placed >= start) & (o.t_placed < end)
        batch, held = o.batch, o.platform_event
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
                str(int(held[j])) if held[j] >= 0 else "",
                "1" if measured[j] else "0",
            ]
            buffer.write(",".join(row) + "\n")
    return buffer.getvalue()


def reps_to_decide_cell(k: dict) -> str:
    """kpis.csv's ``reps_to_decide``: an uncertain verdict's replications in all that would
    decide it, ``indistinguishable`` when none would (kpis.json's null), empty otherwise."""
    if "reps_to_decide" not in k:
        return ""
    return "indistinguishable" if k["reps_to_decide"] is None else str(k["reps_to_decide"])


def kpis_csv(summary: dict) -> str:
    """KPI summary as CSV (cells with a comma, such as the unit ``per 1,000 orders``, quoted);
    ``at_edge`` is 1 for an edge met, 0 for any other verdict, empty without a target;
    ``orders`` the orders the KPI judged in all replications (kpis.json's ``orders``) and
    ``due_after_run`` those of the measured window left out because their deadline falls after
    the run (the service channels' KPIs: kpis.json's ``judged``), so that a spreadsheet shows
    what a short run's share stands on."""
    judged = summary.get("judged") or {}
    buffer = io.StringIO()
    out = csv.writer(buffer, lineterminator="\n")
    out.writerow(
        [
            "kpi", "label", "unit", "mean", "sd", "ci_low", "ci_high", "n", "target", "verdict",
            "at_edge", "interval", "reps_to_decide", "orders", "due_after_run",
        ]
    )  # fmt: skip
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
                "" if "at_edge" not in k else str(int(k["at_edge"])),
                k.get("interval", ""),
                reps_to_decide_cell(k),
                str(k["orders"]) if "orders" in k else "",
                str(judged[name]["due_after_run"]) if name in judged else "",
            ]
        )
    return buffer.getvalue()
