"""A sweep's results folder, replaced whole, and the cache of finished points beside it.

The results folder (``results/sweeps/<name>/``: ``table.csv``, ``charts/``, ``points/``) is
replaced whole (:func:`sim.reporting.folder.results_folder`): the new folder is built in a
temporary sibling and renamed into place at the end, so a failed or interrupted sweep leaves the
previous folder as it was, and a finished one holds only its own grid's points, table and
charts. Finished points are cached in ``.<name>.cache/points/`` beside the folder
(:mod:`sim.experiments.sweep_points`), never inside it; the cache is removed just before the
new folder is renamed into place, still under the folder's lock.
"""

from __future__ import annotations

import contextlib
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

from sim.reporting.folder import MARKER, MARKER_TEXT, results_folder

_POINT_FILE = re.compile(r"[0-9a-f]{16}\.json")  # a point's file: its key (sweep_points.point_key)


def points_cache(out: Path) -> Path:
    """The folder whose ``points/`` caches the finished points of sweeps into ``out``
    (``.NAME.cache`` beside ``out``; kept until a sweep into ``out`` finishes)."""
    return out.parent / f".{out.name}.cache"


@contextlib.contextmanager
def sweep_folder(out: Path) -> Iterator[tuple[Path, Path]]:
    """Yield ``(tmp, cache)``: the temporary folder to write the sweep's results into, and the
    folder of cached point files (``.NAME.cache/points`` beside ``out``). When the block ends
    normally the cache is removed and ``tmp`` replaces ``out`` whole; when it raises, ``out``
    keeps the previous results and the cache keeps every point finished so far (a rerun
    resumes from them). The folder's lock is held throughout, which guards the cache too."""
    out = Path(out)
    _adopt_earlier_sweep_folder(out)
    with results_folder(out) as tmp:
        cache = points_cache(out)
        yield tmp, cache / "points"
        # under the lock (a next sweep may use the cache as soon as it is released): the grid's
        # points are in the new folder now, the others belong to no grid of this folder
        shutil.rmtree(cache, ignore_errors=True)


def _adopt_earlier_sweep_folder(out: Path) -> None:
    """Mark as a results folder one holding only a sweep's files (``table.csv``, ``points/``,
    ``charts/``) but no marker, so that it may be replaced whole; any other folder is left to
    :func:`sim.reporting.folder.check_out` to judge."""
    if not out.is_dir() or (out / MARKER).exists() or not (out / "table.csv").is_file():
        return
    if not {p.name for p in out.iterdir()} <= {"table.csv", "points", "charts"}:
        return
    # a sweep's table: its header names each KPI's columns (``<kpi>.mean``); its points are
    # files named by their 16-digit keys (a table.csv of the user's own is not adopted)
    try:
        with open(out / "table.csv", encoding="utf-8") as f:
            header = f.readline()
    except (OSError, UnicodeDecodeError):
        return
    points = out / "points"
    if ".mean," not in header or (
        points.exists()
        and not (points.is_dir() and all(_POINT_FILE.fullmatch(q.name) for q in points.iterdir()))
    ):
        return
    (out / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
