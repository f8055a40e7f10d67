"""What a briefing says, as plain text and table rows, from a results folder's ``kpis.json`` and
``chart_data.json``: the one place the pages (:mod:`sim.reporting.briefing_page`) and the charts
(:mod:`sim.reporting.briefing`) take it from. Each part has its own module:

- :mod:`sim.reporting.briefing_headline`: the headline and service-channel rows (estimate with
  its 95% CI, target and verdict) and how a value, an interval, a count and a target are written;
- :mod:`sim.reporting.briefing_scenario`: the scenario's title and paragraph, the footnote every
  chart carries, and the sentence on the assumptions that drive the headline;
- :mod:`sim.reporting.briefing_assumptions`: the assumptions behind the numbers (the headline's
  and the service channels') and what a short run leaves unjudged;
- :mod:`sim.reporting.briefing_town_rows`: the towns' rows, the towns without orders and the
  worst towns (the towns' verdict line: :mod:`sim.reporting.briefing_towns`);
- :mod:`sim.reporting.briefing_events`: the surge events' delivery.

What it says about the promises missed, their causes and levers is
:mod:`sim.reporting.briefing_promises` and :mod:`sim.reporting.miss_levers`. In Chinese
(``lang="zh"``) every label and sentence comes from :mod:`sim.reporting.i18n`, town names in
characters.
"""

from __future__ import annotations

from sim.reporting.briefing_assumptions import (
    assumption_lines,
    channel_assumption_lines,
    every_text,
    kind_name,
    unjudged_lines,
)
from sim.reporting.briefing_events import event_lines
from sim.reporting.briefing_headline import (
    HEADLINE_ROWS,
    OP_SIGNS,
    VERDICT_RANK,
    channel_rows,
    count,
    estimate_text,
    headline_rows,
    is_missing,
    kpi_float,
    shown,
    target_text,
)
from sim.reporting.briefing_scenario import counts, drivers_text, footnote, scenario_text, title
from sim.reporting.briefing_town_rows import (
    HEADLINE_ZONES,
    WORST_TOWNS,
    no_order_towns,
    town_label,
    town_rows,
    worst_town_lines,
)

__all__ = [
    "HEADLINE_ROWS",
    "HEADLINE_ZONES",
    "OP_SIGNS",
    "VERDICT_RANK",
    "WORST_TOWNS",
    "assumption_lines",
    "channel_assumption_lines",
    "channel_rows",
    "count",
    "counts",
    "drivers_text",
    "estimate_text",
    "event_lines",
    "every_text",
    "footnote",
    "headline_rows",
    "is_missing",
    "kind_name",
    "kpi_float",
    "no_order_towns",
    "scenario_text",
    "shown",
    "target_text",
    "title",
    "town_label",
    "town_rows",
    "unjudged_lines",
    "worst_town_lines",
]
