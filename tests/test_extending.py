"""The worked examples of docs/extending.md run as written (each Python block, in order)."""

from __future__ import annotations

import re
import sys
import types
from pathlib import Path

import pytest

from sim.results.kpi_catalogue import EXTRA_KPIS, KPI_INFO

REPO = Path(__file__).resolve().parent.parent
BLOCKS = re.findall(
    r"```python\n(.*?)```", (REPO / "docs" / "extending.md").read_text(encoding="utf-8"), re.S
)


def test_the_doc_has_the_five_examples():
    assert len(BLOCKS) == 5


@pytest.fixture
def catalogue_restored():
    """Registering a KPI adds to the catalogue's tables, which other modules hold by name (one
    dict each): their contents are put back after the example."""
    saved = [(table, dict(table)) for table in (KPI_INFO, EXTRA_KPIS)]
    yield
    for table, content in saved:
        table.clear()
        table.update(content)


@pytest.mark.parametrize("k", range(len(BLOCKS)))
def test_example_runs_as_written(k, monkeypatch, catalogue_restored):
    monkeypatch.chdir(REPO)
    # each block runs as a module of its own, importable by name as a script's functions are
    # (an extension reaches worker processes pickled by module and name)
    module = types.ModuleType("example")
    monkeypatch.setitem(sys.modules, "example", module)
    exec(compile(BLOCKS[k], f"docs/extending.md block {k + 1}", "exec"), module.__dict__)


def test_arrivals_from_rows_builds_an_exact_timeline_and_names_what_the_world_lacks():
    # the public way to an exact order stream (the examples above use it; it replaces a test helper)
    from sim.config.load import load_scenario
    from sim.model.demand import Arrivals
    from sim.world.build import build_world

    world = build_world(load_scenario(REPO / "tests" / "data" / "tiny.yaml"))
    arrivals = Arrivals.from_rows(world, [(580.0, "A2", "errand"), (570.0, "A1", "repair")], uniform=0.25)
    assert arrivals.time.tolist() == [570.0, 580.0]  # sorted by time
    assert [world.places.code[p] for p in arrivals.place] == ["A1", "A2"]
    assert [world.items[i].id for i in arrivals.item] == ["repair", "errand"]
    assert (
        arrivals.u_service.tolist()
        == arrivals.u_patience.tolist()
        == arrivals.u_accept.tolist()
        == [0.25, 0.25]
    )
    with pytest.raises(ValueError, match="place 'Z9' is not in the scenario"):
        Arrivals.from_rows(world, [(1.0, "Z9", "errand")])
    with pytest.raises(ValueError, match="item 'flying' is not in the scenario"):
        Arrivals.from_rows(world, [(1.0, "A1", "flying")])
