"""Every command README.md and docs/ show works as written.

Commands are the lines of ``bash`` code blocks and the inline code spans that start with
``python run.py``, ``redvest``, ``python scripts/`` or ``python benchmarks/``. Each one is
- a synopsis (``SCENARIO``, ``[--days N]``, ``A.yaml``, ``...``): its command exists and every
  option it names is in that command's ``--help``;
- or run, in document order, in a scratch folder holding the repository's ``scenarios/`` (so
  ``results/`` starts empty), and must exit 0. Simulation commands (``run``, ``compare``,
  ``sweep``, ``optimize``) are shortened with ``--days 1 --reps 2`` appended
  (the last value of an option wins), as the README says: the size a document gives is for its
  numbers, and a command that works at two one-day replications works at any size, which the
  run's other tests cover. A shortened ``optimize`` may then answer "targets not met" (exit 1),
  since a 95% bound cannot clear a target on two one-day replications, but must finish and save
  its plan;
- or one of the kinds in :data:`NOT_RUN`, each for the reason given there, and still checked
  as far as it can be (its options exist, its script exists, CI runs it).
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sim.reporting import chart_style

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
SHORTEN = ["--days", "1", "--reps", "2"]
SIMULATING = {"run", "compare", "sweep", "optimize"}
INLINE = re.compile(r"`((?:python run\.py|redvest|python scripts/|python benchmarks/)[^`]*)`")
SYNOPSIS = re.compile(r"\b[A-Z]{2,}\b|\b[A-Z]\.yaml|\[|\.\.\.|<")
NOT_RUN = [
    (r"^pip install", "installs packages: tests/test_install.py and .ci/run do it"),
    (r"^python3? -m venv |^\. ", "makes a virtual environment: tests/test_install.py makes a fresh one"),
    (r"^python -m pytest", "this test suite itself"),
    (r"^python benchmarks/", "benchmarks are never run by the tests (docs/performance.md)"),
    (r"^python scripts/", "long studies (calibration, validation report); their scripts must exist"),
    (
        r"^python run\.py sensitivity\b",
        "long studies (a minute or more on 2 cores each); tests/test_sensitivity_command.py runs the command",
    ),
    # never run: the tests contact no address but the loopback, and these name cluster machines
    (r"^dask |--scheduler ", "needs a Dask cluster (tests/test_experiment.py runs a local one)"),
    (r"^git ", "commits to the repository"),
    (r"--update-baselines|schema --write", "rewrites committed files (baselines, docs/scenarios.md)"),
    (r"^python run\.py check scenarios/pingyang\.yaml scenarios/policies$", "run as written by .ci/run"),
]


def doc_commands() -> list[tuple[str, str]]:
    """(document, command) for every command shown, in order, each command once."""
    seen, out = set(), []
    for doc in DOCS:
        text = doc.read_text(encoding="utf-8")
        found = []
        for block in re.findall(r"```(?:bash|sh)\n(.*?)```", text, re.S):
            for line in block.splitlines():
                line = re.split(r"\s+#\s", line)[0].strip()
                if line and not line.startswith("#"):
                    found.append(line)
        found += [" ".join(m.split()) for m in INLINE.findall(text)]
        for line in found:
            for command in line.split(" && "):
                command = command.strip()
                if command not in seen:
                    seen.add(command)
                    out.append((doc.relative_to(ROOT).as_posix(), command))
    return out


def subcommand(words: list[str]) -> str | None:
    """The run.py subcommand of a command ('run' when none is named), or None."""
    from sim.cli.main import COMMANDS

    rest = words[2:] if words[:2] == ["python", "run.py"] else words[1:] if words[:1] == ["redvest"] else None
    if rest is None:
        return None
    named = [w for w in rest if w in COMMANDS]
    return named[0] if named else "run"


def options_exist(command: str) -> None:
    """Every --option of a run.py command is in its subcommand's --help."""
    from sim.cli.main import build_parser

    words = command.replace("[", " ").replace("]", " ").replace("|", " ").split()
    sub = subcommand(words)
    if sub is None:
        return
    parser = build_parser()
    helps = parser.format_help()
    for action in parser._subparsers._group_actions:
        helps += action.choices[sub].format_help()
    for option in re.findall(r"(?<!\S)(--[a-z][a-z-]*)", " ".join(words)):
        assert option in helps, f"{command}: {option} is not an option of {sub}"


COMMANDS = doc_commands()


def test_the_docs_show_commands():
    assert len(COMMANDS) > 20
    assert ("README.md", "python run.py") in COMMANDS


@pytest.mark.parametrize("doc,command", [c for c in COMMANDS if SYNOPSIS.search(c[1])])
def test_synopsis_names_real_options(doc, command):
    options_exist(command)


@pytest.mark.parametrize(
    "doc,command",
    [c for c in COMMANDS if not SYNOPSIS.search(c[1]) and any(re.search(p, c[1]) for p, _ in NOT_RUN)],
)
def test_commands_not_run_here_still_hold(doc, command):
    options_exist(command)
    words = shlex.split(command)
    if words[0] == "python" and words[1].endswith(".py") and words[1] != "run.py":
        assert (ROOT / words[1]).is_file(), f"{doc}: {words[1]} does not exist"
    if "check scenarios/pingyang.yaml scenarios/policies" in command and "--update" not in command:
        assert command in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


@pytest.mark.slow
def test_every_runnable_command_works_as_written(tmp_path):
    runnable = [
        (doc, c)
        for doc, c in COMMANDS
        if not SYNOPSIS.search(c) and not any(re.search(p, c) for p, _ in NOT_RUN)
    ]
    assert len(runnable) >= 8
    (tmp_path / "scenarios").symlink_to(ROOT / "scenarios")
    (tmp_path / "run.py").symlink_to(ROOT / "run.py")
    # the committed baselines where a checkout has them (check reads results/baselines of the
    # folder it runs in), copied so that no command can write into the repository's
    shutil.copytree(ROOT / "results" / "baselines", tmp_path / "results" / "baselines")
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"  # redvest too
    env = {**os.environ, "PYTHONPATH": str(ROOT), "CI": "true", "PATH": path}
    for doc, command in runnable:
        options_exist(command)
        words = shlex.split(command)
        sub = subcommand(words)
        shell = command.replace("python ", f"{shlex.quote(sys.executable)} ", 1)
        if sub in SIMULATING:
            shell += " " + " ".join(SHORTEN)
        done = subprocess.run(
            shell, shell=True, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600
        )
        if "--lang zh" in command and chart_style.cjk_font() is None:
            # without the zh extra (not part of the test extra) the command says, in one line,
            # how to get the font it needs
            assert done.returncode == 2 and "redvest[zh]" in done.stderr, (doc, command, done.stderr[-2000:])
        elif sub == "optimize":
            assert done.returncode in (0, 1) and "Plan saved" in done.stdout, (
                doc,
                command,
                done.stderr[-2000:],
            )
        else:
            assert done.returncode == 0, (doc, command, done.stderr[-2000:])
