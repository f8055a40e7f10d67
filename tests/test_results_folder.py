"""Results folders are replaced whole: temporary folder, lock, stale files, workers, kill -9.

The fault-injection test kills `run.py run` of the tiny county (1 day, 2 replications, 2
worker processes) at random moments and asserts that the results folder holds one complete
run each time, the old or the new, never a mix, and that no worker outlives its parent.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from sim.cli.main import REPO, main
from sim.reporting.folder import MARKER, results_folder

TINY = Path(__file__).parent / "data" / "tiny.yaml"
RUN = [sys.executable, str(REPO / "run.py"), "run", str(TINY), "--days", "1", "--reps", "2"]


def run(capsys, out: Path, *args) -> tuple[int, str]:
    status = main(["run", str(TINY), "--days", "1", "--reps", "2", "--jobs", "1", "--out", str(out), *args])
    return status, capsys.readouterr().err


def complete_run(out: Path) -> int:
    """The seed of the one complete run in ``out``; fails on a partial or mixed folder."""
    names = {p.name for p in out.iterdir()}
    expected = {
        MARKER,
        "briefing.html",
        "briefing.md",
        "chart_data.json",
        "charts",
        "kpis.csv",
        "kpis.json",
        "orders.csv.gz",
        "run.json",
        "scenario.json",
    }
    assert names == expected, sorted(names ^ expected)
    seeds = {
        json.loads((out / "run.json").read_text())["seed"],
        json.loads((out / "kpis.json").read_text())["seed"],
        json.loads((out / "scenario.json").read_text())["run"]["seed"],
    }
    assert len(seeds) == 1, f"mixed runs: seeds {seeds}"
    seed = seeds.pop()
    assert f"seed {seed}" in (out / "briefing.md").read_text(encoding="utf-8")
    return seed


def test_a_run_replaces_the_folder_whole_and_leaves_no_temporary_files(tmp_path, capsys):
    out = tmp_path / "out"
    assert run(capsys, out, "--seed", "1")[0] == 0
    assert complete_run(out) == 1
    (out / ".kpis.json.x1y2").write_text("stale")  # a killed write of an older version
    (tmp_path / ".out.tmp-abc123").mkdir()  # a killed run's temporary folder
    assert run(capsys, out, "--seed", "2")[0] == 0
    assert complete_run(out) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == [".out.lock", "out"]
    assert "tmp-" not in (out / "briefing.md").read_text(encoding="utf-8")


def test_a_second_run_to_the_same_folder_is_refused(tmp_path, capsys):
    out = tmp_path / "out"
    with results_folder(out):
        status, err = run(capsys, out)
        assert not out.exists()
    assert status == 2 and "another run (process" in err and "choose another --out" in err


def test_an_interrupted_run_keeps_the_previous_results(tmp_path, capsys, monkeypatch):
    out = tmp_path / "out"
    assert run(capsys, out, "--seed", "1")[0] == 0

    def interrupt(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("sim.cli.commands.run.save_run", interrupt)
    assert run(capsys, out, "--seed", "2")[0] == 130
    assert complete_run(out) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == [".out.lock", "out"]


@pytest.mark.parametrize("kind", ["file", "foreign"])
def test_output_paths_are_checked_before_simulating(tmp_path, capsys, kind, no_simulation):
    out = tmp_path / "out"
    if kind == "file":
        out.write_text("not a folder")
        wanted = "--out names a file"
    else:
        out.mkdir()
        (out / "thesis.docx").write_text("precious")
        wanted = "holds other files"
    status, err = run(capsys, out)  # (with --jobs 1: a simulation would happen here)
    assert status == 2 and wanted in err and err.count("\n") == 1
    assert out.exists() and (kind == "file" or (out / "thesis.docx").read_text() == "precious")


@pytest.mark.skipif(not Path("/proc/self").exists(), reason="needs Linux's /proc")
@pytest.mark.parametrize("option", ["run --out", "optimize --out"])
def test_a_place_the_permission_bits_allow_but_no_file_can_be_made_in_is_refused(
    capsys, option, no_simulation
):
    # /proc takes no new file, yet os.access allows a superuser anything: the check makes a
    # probe file instead of trusting the bits (a read-only mount is the same case)
    if option == "run --out":
        status, err = run(capsys, Path("/proc/redvest-results"))
    else:
        status = main(["optimize", str(TINY), "--budget", "5", "--out", "/proc/redvest-plan.json"])
        err = capsys.readouterr().err
    assert status == 2 and "cannot write in /proc" in err and err.count("\n") == 1, err


def _children(pid: int) -> list[int]:
    """Processes whose parent is ``pid`` (Linux /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _reap(pids) -> list[int]:
    """The processes of ``pids`` still alive 5 s from now, killed (-9) so none outlives a test."""
    limit = time.monotonic() + 5
    while any(_alive(p) for p in pids) and time.monotonic() < limit:
        time.sleep(0.05)
    alive = [p for p in pids if _alive(p)]
    for p in alive:
        os.kill(p, signal.SIGKILL)
    return alive


def _trial(out: Path, seed: int, delay: float) -> tuple[int, int]:
    """Start a run with ``seed``, kill -9 it after ``delay`` s; return (folder's seed, orphans)."""
    proc = subprocess.Popen(
        [*RUN, "--seed", str(seed), "--out", str(out), "--jobs", "2"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + delay
    workers: set[int] = set()
    while time.monotonic() < deadline and proc.poll() is None:
        workers.update(_children(proc.pid))
        time.sleep(0.05)
    workers.update(_children(proc.pid))
    proc.kill()
    proc.wait(timeout=30)
    return complete_run(out), len(_reap(workers))


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")
def test_killing_runs_at_random_moments_never_leaves_a_partial_or_mixed_folder(tmp_path):
    """20 kills (two lanes of 10 in parallel), each at a random moment of a run's lifetime."""
    started = time.monotonic()
    lanes = [tmp_path / "a" / "out", tmp_path / "b" / "out"]
    for lane in lanes:
        subprocess.run(
            [*RUN, "--seed", "0", "--out", str(lane), "--jobs", "1"], check=True, capture_output=True
        )
    full = time.monotonic() - started  # about one run's duration (two, in parallel)
    rng = random.Random(21)

    def lane_trials(k: int) -> list[str]:
        out, seen, problems = lanes[k], {0}, []
        for n in range(10):
            seed = 100 * (k + 1) + n
            got, orphans = _trial(out, seed, rng.uniform(0.0, 0.9 * full))
            if got not in seen | {seed}:
                problems.append(f"folder holds seed {got}, expected one of {seen | {seed}}")
            seen.add(got)
            if orphans:
                problems.append(f"{orphans} worker(s) outlived the killed run (seed {seed})")
        return problems

    with ThreadPoolExecutor(2) as pool:
        problems = [p for ps in pool.map(lane_trials, range(2)) for p in ps]
    assert not problems, problems
    assert time.monotonic() - started < 300


WORKER_SCRIPT = """
import multiprocessing, os, signal, sys, time
from sim.experiments.workers import pool
if __name__ == "__main__":  # (a fork server's workers import the main module)
    with pool(2, context=multiprocessing.get_context(sys.argv[2])) as p:
        futures = [p.submit(time.sleep, 60) for _ in range(2)]
        time.sleep(1.0)
        print(" ".join(str(w.pid) for w in p.workers()), flush=True)
        os.kill(os.getpid(), signal.SIGKILL if sys.argv[1] == "kill" else signal.SIGTERM)
        time.sleep(30)
"""


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")
@pytest.mark.parametrize("how", ["kill", "term"])
@pytest.mark.parametrize("method", ["fork", "forkserver"])
def test_pool_workers_end_when_their_parent_dies(tmp_path, how, method):
    """The sweep's and the runner's pools: a parent killed (-9) or terminated leaves no worker
    running its queued work; under a fork server too (Python 3.14's default start method on
    Linux), whose workers are the server's children, not the run's."""
    script = tmp_path / "parent.py"
    script.write_text(WORKER_SCRIPT, encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, str(script), how, method], capture_output=True, text=True, timeout=60, cwd=REPO
    )
    pids = [int(p) for p in proc.stdout.split()]
    assert len(pids) == 2, proc.stderr
    assert _reap(pids) == []
