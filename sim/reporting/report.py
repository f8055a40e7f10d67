"""Results of an experiment -> files in ``results/<name>/``.

Reporting never simulates: it takes replication results (KPIs and logs) and writes
``kpis.json`` (every KPI with mean, sd and 95% CI, plus each replication's values:
:mod:`sim.reporting.kpi_summary`), ``kpis.csv`` and ``orders.csv.gz`` (one row per order and
replication: :mod:`sim.reporting.csv_files`), ``chart_data.json`` (what the charts need beyond the
KPIs: per-place counts, response-time curves, the average week: :mod:`sim.reporting.chart_data`)
and, through :func:`sim.reporting.briefing.write_report`, the charts and the briefing.
"""

from __future__ import annotations

from pathlib import Path

from sim.config.scenario import Scenario
from sim.reporting.chart_data import chart_data
from sim.reporting.csv_files import kpis_csv, orders_csv
from sim.reporting.files import write_gzip_text, write_json, write_text
from sim.reporting.formatting import CHART_DATA
from sim.reporting.kpi_summary import build_summary
from sim.results.kpis import judged_over_replications
from sim.results.summary import RepResult
from sim.world.build import World


def write_results(out: Path, scenario: Scenario, world: World, results: list[RepResult], seed: int) -> dict:
    """Write every result file of a run into ``out`` (kpis.json, kpis.csv and, when the logs are
    kept, orders.csv.gz, chart_data.json, the charts and the English briefing); return the
    summary. With the logs, kpis.json's ``judged`` says per channel KPI how many orders it
    judged and how many fell due after the run (per package kind too:
    :func:`sim.results.kpis.deadline_judgement`), so a short run's share says what it counts."""
    summary = build_summary(scenario, results, seed, world)
    if all(r.log is not None for r in results):
        # what each channel's on-time share judged, and what fell due after the run
        summary["judged"] = judged_over_replications([r.log for r in results], world)
    write_json(out / "kpis.json", summary)
    write_text(out / "kpis.csv", kpis_csv(summary))
    if all(r.log is not None for r in results):
        write_gzip_text(out / "orders.csv.gz", orders_csv(results, world))
        write_json(out / CHART_DATA, chart_data(scenario, world, results))
        from sim.reporting.briefing import clear_previous, write_report

        clear_previous(out)  # no chart or briefing of an earlier run (either language) stays
        write_report(out, lang="en", in_place=True)  # (out: the run's own temporary folder)
    return summary
