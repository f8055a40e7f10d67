"""docs/calibration.md is what ``scripts/calibrate.py`` writes: its template filled with the
simulated figures. An edit made to the doc alone would be undone by the next regeneration
(the script's own text would come back), so the doc must read as the template with every
``{{PLACEHOLDER}}`` standing for some text."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def template() -> str:
    """The script's ``DOC`` template (imported under its own name: its main() does not run)."""
    path = REPO / "scripts" / "calibrate.py"
    spec = importlib.util.spec_from_file_location("script_calibrate_doc", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules[spec.name]
    return module.DOC


def test_the_calibration_doc_is_the_scripts_template_filled_in():
    doc = (REPO / "docs" / "calibration.md").read_text(encoding="utf-8")
    pattern = re.sub(r"\\\{\\\{[A-Z_0-9]+\\\}\\\}", lambda m: "(.*?)", re.escape(template()))
    assert re.fullmatch(pattern, doc, flags=re.S), (
        "docs/calibration.md differs from scripts/calibrate.py's template: edit the template "
        "and run python scripts/calibrate.py"
    )
