"""The baselines of ``run.py check``: how each was used, and ``--update-baselines`` writing them.

:func:`baseline_note` says, for the log and the summary, whether the run was paired with its
baseline replication by replication or why not. :func:`write_baselines` accepts the new values
as the baselines, all of them once every scenario is judged (an interrupted run writes none).
The files themselves are :mod:`sim.gate.baseline`'s.
"""

from __future__ import annotations

import signal
from pathlib import Path

from sim import __version__
from sim.cli.check_inputs import shown
from sim.gate.baseline import Baseline, baseline_path
from sim.gate.check import Checked
from sim.reporting.files import write_json_files


def baseline_note(baseline: Baseline | None, scenario, file: Path) -> str:
    """How the baseline was used, for the log and the summary: paired replication by
    replication (on the baseline's replications when the run has more), or why not."""
    run = scenario.run
    if baseline is None:
        return f"no baseline at {file} (accept one with --update-baselines)"
    differ, unrecorded = baseline.unpaired_because(
        run.seed, run.days, run.warmup_days, run.drain_days, run.start_weekday
    )
    if differ or unrecorded:
        why = [f"made with {', '.join(differ)}"] if differ else []
        why += [f"does not record {' or '.join(unrecorded)}"] if unrecorded else []
        shared = "no common random numbers" if differ else "common random numbers cannot be shown"
        note = (
            f"baseline {file} {' and '.join(why)}: {shared}, so an unpaired (Welch) comparison "
            "(--update-baselines pairs it again)"
        )
    elif run.reps > baseline.reps:
        note = (
            f"paired on the first {baseline.reps} of {run.reps} replications, the baseline's, with "
            f"{file} replication by replication (seed {run.seed})"
        )
    else:
        note = f"paired with the baseline {file} replication by replication (seed {run.seed})"
    if baseline.engine_version != __version__:
        note += f"; baseline from engine {baseline.engine_version or '?'} (now {__version__})"
    return note


def write_baselines(accepted: list[tuple[Checked, Baseline]], folder: Path) -> None:
    """Write every accepted baseline and mark its outcomes accepted. Called once every scenario
    has been simulated and judged, so that an interrupted run leaves the folder as it was; the
    files are all staged before any is renamed into place (a write that fails, a full disk,
    leaves every old file), and SIGINT and SIGTERM wait until the last rename (a kill -9 can
    still stop it between two renames, each file whole)."""
    mask = getattr(signal, "pthread_sigmask", None)  # POSIX; elsewhere an interrupt is not held
    before = mask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM}) if mask else None
    try:
        files = [baseline_path(folder, baseline.scenario) for _, baseline in accepted]
        write_json_files({file: baseline.to_json() for file, (_, baseline) in zip(files, accepted)})
        for file, (checked, _) in zip(files, accepted):
            for o in checked.outcomes:
                o.accepted = o.baseline_failed
            previous = (
                "" if checked.note.startswith("no baseline at") else f" (the previous one: {checked.note})"
            )
            checked.note = f"baseline written to {shown(file)}{previous}"
    finally:
        if mask:
            mask(signal.SIG_SETMASK, before)
