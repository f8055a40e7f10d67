"""Outputs, made from results and never by simulating: the results folder (:mod:`.report`, which
writes the KPI summary of :mod:`.kpi_summary`, the CSV files of :mod:`.csv_files` and the chart
data of :mod:`.chart_data`; :mod:`.saved`; every file written whole by :mod:`.files`), charts
(:mod:`.briefing_charts`, :mod:`.map_chart`, :mod:`.experiment_charts`, in the style of
:mod:`.chart_style`), the leadership briefing (:mod:`.briefing`) in English and Chinese
(:mod:`.i18n`), and the verdicts and formats they all share (:mod:`.formatting`)."""
