"""A plain (non-editable) install works away from the checkout: the wheel ships the default
scenario and its data, results go to ./results of the current folder, files get the umask's
permissions. Builds the wheel, installs it into a fresh virtual environment (dependencies from
the package registry) and runs ``redvest run --days 1 --reps 2`` from an empty folder."""

from __future__ import annotations

import os
import re
import stat
import subprocess
import sys
import tomllib
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_every_subpackage_is_listed_in_pyproject():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    listed = set(config["tool"]["setuptools"]["packages"])
    found = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "sim").rglob("__init__.py")}
    assert found <= listed, f"add to [tool.setuptools] packages: {sorted(found - listed)}"


def test_written_files_follow_the_umask(tmp_path):
    from sim.reporting.files import write_text

    old = os.umask(0o022)
    try:
        write_text(tmp_path / "a.txt", "x")
        os.umask(0o077)
        write_text(tmp_path / "b.txt", "x")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "a.txt").stat().st_mode) == 0o644
    assert stat.S_IMODE((tmp_path / "b.txt").stat().st_mode) == 0o600


@pytest.mark.slow
def test_wheel_installs_and_runs_from_an_empty_folder(tmp_path):
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", dist, ROOT],
        check=True,
    )
    (wheel,) = dist.glob("redvest-*.whl")
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    subprocess.run([python, "-m", "pip", "install", "-q", wheel], check=True)
    work = tmp_path / "empty"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PATH"] = f"{env_dir / 'bin'}{os.pathsep}{env['PATH']}"
    done = subprocess.run(
        ["sh", "-c", "umask 022 && redvest run --days 1 --reps 2 --jobs 1"],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    out = work / "results" / "pingyang"
    assert re.search(r"Results: results/pingyang\b", done.stdout), done.stdout
    for name in ("kpis.json", "orders.csv.gz", "briefing.html", "charts/map.png"):
        path = out / name
        assert path.is_file(), name
        assert stat.S_IMODE(path.stat().st_mode) == 0o644, name
    # the package is the installed one, not this checkout
    where = subprocess.run(
        [python, "-c", "import sim; print(sim.__file__)"], cwd=work, env=env, capture_output=True, text=True
    )
    assert str(env_dir) in where.stdout
