"""Shared test helpers: a five-place test county (tests/data/tiny.yaml) and hand-made orders."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import pytest
import yaml

from sim.config.load import load_scenario
from sim.config.scenario import Scenario
from sim.model.demand import Arrivals
from sim.world.build import World, build_world

DATA = Path(__file__).parent / "data"
TINY = DATA / "tiny.yaml"
DAY = 1440.0


def variant(tmp_path: Path, overrides: dict, name: str = "variant") -> Scenario:
    """The tiny scenario with ``overrides`` merged in (through ``extends:``)."""
    path = tmp_path / f"{name}.yaml"
    path.write_text(
        yaml.safe_dump({"extends": str(TINY), "name": name, **overrides}, allow_unicode=True),
        encoding="utf-8",
    )
    return load_scenario(path)


def orders(world: World, rows: list[tuple[float, str, str]]) -> Arrivals:
    """Arrivals from (time in minutes, place code, item id) rows; uniforms fixed at 0.5
    (:meth:`sim.model.demand.Arrivals.from_rows`)."""
    return Arrivals.from_rows(world, rows)


@pytest.fixture
def tiny() -> World:
    """The tiny test county's world."""
    return build_world(load_scenario(TINY))


@pytest.fixture
def no_simulation(monkeypatch):
    """Fail the test if anything simulates in this process: for checks that a command refuses
    bad input before it simulates (run it with ``--jobs 1``, so a replication would be made
    here)."""
    from sim.model.replication import Replication

    def refuse(*args, **kwargs):
        raise AssertionError("a replication was simulated before the input was refused")

    monkeypatch.setattr(Replication, "__init__", refuse)


# the regression gate's test county (tests/check/tiny.yaml) and its in-process runs
CHECK_TINY = Path(__file__).parent / "check" / "tiny.yaml"


def check(capsys, *args) -> tuple[int, str, str]:
    """Run ``run.py check ARGS`` in-process (one worker); return (exit status, stdout, stderr)."""
    from sim.cli.main import main

    status = main(["check", *map(str, args), "--jobs", "1"])
    out = capsys.readouterr()
    return status, out.out, out.err


@pytest.fixture
def baselines(tmp_path, capsys) -> Path:
    """A baselines folder holding the accepted baseline of the unchanged gate test county."""
    folder = tmp_path / "baselines"
    status, _, _ = check(capsys, CHECK_TINY, "--baselines", folder, "--update-baselines")
    assert status == 0
    return folder


def local_dask_cluster():
    """A one-worker Dask cluster in this process, on localhost (the cluster tests' scheduler):
    skips the test when Dask's ``distributed`` is not installed."""
    distributed = pytest.importorskip("distributed")
    return distributed.LocalCluster(
        n_workers=1,
        threads_per_worker=1,
        processes=False,
        protocol="tcp",
        host="127.0.0.1",
        dashboard_address=None,
    )


def town_block(lines: list[str], pinyin: str) -> str:
    """A town's row of the terminal's town table and the lines under it (one for each further
    promise it is judged on), joined by newlines."""
    at = next(i for i, s in enumerate(lines) if s.strip().startswith(pinyin + " "))
    end = next((i for i in range(at + 1, len(lines)) if not lines[i].startswith(" " * 10)), len(lines))
    return "\n".join(lines[at:end])


def run_cli(argv: list[str]) -> tuple[int, str]:
    """Run the command line in-process; (exit status, stderr). stdout is discarded."""
    from sim.cli.main import main

    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        try:
            status = main(argv)
        except SystemExit as exc:  # argparse
            status = exc.code
    return status, err.getvalue()


def small_default_run(folder: Path) -> Path:
    """A small run of the default scenario (2 replications of 2 days, seed 11) written as a
    results folder under ``folder``: the briefing tests' fixture."""
    import dataclasses

    from sim.experiments.runner import run_replications
    from sim.reporting.report import write_results

    scenario = load_scenario(Path(__file__).resolve().parents[1] / "scenarios" / "pingyang.yaml")
    run = dataclasses.replace(scenario.run, days=2.0, warmup_days=0.5, drain_days=0.5, reps=2)
    scenario = dataclasses.replace(scenario, run=run)
    world = build_world(scenario)
    reps = run_replications(scenario, 2, 11, jobs=1, world=world, progress=False)
    out = folder / "pingyang"
    write_results(out, scenario, world, reps, 11)
    return out
