"""The study scripts and benchmarks are run by hand, not by the suite: each must at least
import (every name it takes from ``sim`` still exists where it imports it from), so that a
moved or renamed module breaks a test, not a planner's next calibration run."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
FOLDERS = ("scripts", "benchmarks", "benchmarks/w2")
SCRIPTS = sorted(path for folder in FOLDERS for path in REPO.glob(f"{folder}/*.py"))


def test_the_scripts_are_found():
    assert {p.name for p in SCRIPTS} >= {"backlog_by_channel.py", "calibrate.py", "run_all.py", "models.py"}


@pytest.mark.parametrize("path", SCRIPTS, ids=lambda p: str(p.relative_to(REPO)))
def test_each_script_imports(path, monkeypatch):
    # imported under its own name, not as __main__: its main() does not run (registered while
    # it runs, as an import would, for the dataclasses it defines)
    spec = importlib.util.spec_from_file_location(f"script_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, module)
    monkeypatch.setattr(sys, "path", list(sys.path))  # the scripts put the repository first
    spec.loader.exec_module(module)
