"""docs/ci.md's CI recipes run as `.ci/run` does: the test suite needs Chromium for
tests/test_browser.py (which fails in CI without it), so each recipe that runs the tests
installs it first."""

from __future__ import annotations

import re

import yaml

from sim.cli.main import REPO

CI_DOC = REPO / "docs" / "ci.md"


def recipes() -> dict[str, list[str]]:
    """Each YAML recipe of docs/ci.md, by the file it names, as its shell commands in order."""
    text = CI_DOC.read_text(encoding="utf-8")
    out = {}
    for name, block in re.findall(r"^`(\.[\w./-]+\.ya?ml)`:\s*```yaml\n(.*?)```", text, re.S | re.M):
        data = yaml.safe_load(block)
        if "jobs" in data:  # GitHub Actions: the steps' run commands
            steps = [s for job in data["jobs"].values() for s in job["steps"]]
            out[name] = [s["run"] for s in steps if "run" in s]
        else:  # GitLab CI: each job's script lines
            out[name] = [line for job in data.values() for line in job["script"]]
    return out


def test_every_ci_recipe_installs_chromium_before_running_the_tests():
    found = recipes()
    assert set(found) == {".github/workflows/policy-check.yml", ".gitlab-ci.yml"}
    ci_run = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert "apt-get install -y -q chromium" in ci_run  # what the recipes match
    for name, commands in found.items():
        tests = next(i for i, c in enumerate(commands) if "python -m pytest" in c)
        assert any("apt-get install -y -q chromium" in c for c in commands[:tests]), name
