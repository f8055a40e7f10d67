"""The worked examples of docs/extending.md run as written (each Python block, in order)."""

from __future__ import annotations

import re
import sys
import types
from pathlib import Path

import pytest

from sim.results import kpis

REPO = Path(__file__).resolve().parent.parent
BLOCKS = re.findall(
    r"```python\n(.*?)```", (REPO / "docs" / "extending.md").read_text(encoding="utf-8"), re.S
)


def test_the_doc_has_the_four_examples():
    assert len(BLOCKS) == 4


@pytest.mark.parametrize("k", range(len(BLOCKS)))
def test_example_runs_as_written(k, monkeypatch):
    # registering a KPI changes the module's tables: restore them after the example
    monkeypatch.setattr(kpis, "KPI_INFO", dict(kpis.KPI_INFO))
    monkeypatch.setattr(kpis, "EXTRA_KPIS", {})
    monkeypatch.chdir(REPO)
    # each block runs as a module of its own, importable by name as a script's functions are
    # (an extension reaches worker processes pickled by module and name)
    module = types.ModuleType("example")
    monkeypatch.setitem(sys.modules, "example", module)
    exec(compile(BLOCKS[k], f"docs/extending.md block {k + 1}", "exec"), module.__dict__)
