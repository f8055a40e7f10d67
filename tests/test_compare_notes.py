"""``compare``'s terminal notes: the KPIs whose shares count different orders in each scenario
are named in one line (a batched lockdown moves 20 KPIs' orders; a line each buried the
table), while compare.json keeps each KPI's own note."""

from __future__ import annotations

from types import SimpleNamespace

from sim.cli.commands.compare import note_lines


def result_with(counts: dict[str, tuple[int, int]]) -> dict:
    """A compare result of scenarios a and b whose KPIs count these orders in all replications."""
    kpis = {name: {"estimates": [{"orders": n} for n in pair]} for name, pair in counts.items()}
    return {"scenarios": ["a", "b"], "kpis": kpis}


ARMS = [SimpleNamespace(urban_response_event="acceptance")] * 2  # one reading: no reading note


def test_many_kpis_judging_different_orders_make_one_line():
    counts = {f"kpi_{k}": (1000, 800) for k in range(8)} | {"same": (500, 500)}
    lines = note_lines(result_with(counts), ARMS, list(counts))
    assert lines == [
        "8 KPIs judge different orders in each scenario, so their differences compare different "
        "order sets: kpi_0 (a 1,000, b 800 in all replications), kpi_1, kpi_2, kpi_3, kpi_4, kpi_5 "
        "and 2 more (compare.json's notes give each one's counts)"
    ]


def test_one_kpi_keeps_its_own_note_and_hidden_kpis_are_not_named():
    counts = {"urban_10min": (100, 80), "not_shown": (100, 50)}
    assert note_lines(result_with(counts), ARMS, ["urban_10min"]) == [
        "urban_10min judges different orders (a 100, b 80 in all replications): its difference "
        "compares different order sets"
    ]
