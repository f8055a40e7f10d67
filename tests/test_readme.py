"""The README's two set-up commands stay true: CI runs exactly the test command, and the run
command's entry point and default scenario exist."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```bash\n(.*?)```", text, re.S).group(1)
    return [line.split("#")[0].strip() for line in block.splitlines() if line.strip()]


def test_readme_starts_with_install_run_and_install_test():
    run, test = readme_commands()[:2]
    assert run == "python3 -m venv .venv && . .venv/bin/activate && pip install -e . && python run.py"
    assert test == "pip install -e '.[test]' && python -m pytest"


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "set -euo pipefail" in ci
    test = readme_commands()[1]
    assert any(line.strip().startswith(test) for line in ci.splitlines()), ci


def test_entry_point_and_default_scenario_exist():
    assert (ROOT / "run.py").is_file()
    assert (ROOT / "scenarios" / "pingyang.yaml").is_file()
