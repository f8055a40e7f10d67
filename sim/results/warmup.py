"""Is the warm-up long enough? MSER-5 on the replications' mean hourly backlog.

Each replication starts with an empty county, so its first hours are not typical of the
service in steady operation; ``run.warmup_days`` days are simulated before the measured window
for that reason. This module checks the warm-up against the data of the run itself with
White's Marginal Standard Error Rule (MSER; White 1997, "An effective truncation heuristic for
bias reduction in simulation output", Simulation 69(6)) in its MSER-5 form, applied to batch
means of 5 observations (White, Cobb and Spratt 2000; Franklin and White 2008, "Stationarity
tests and MSER-5"). Hoad, Robinson and Davies (2010, "Automating warm-up length estimation",
JORS 61(9)) compared the published warm-up methods and recommend MSER-5, applied to the mean of
the replications' output series, which is how :func:`warmup_check` applies it.

The series is the number of orders waiting for a response at each hour on the hour
(:func:`sim.results.workload.backlog_series`, carried by every :class:`RepResult` as ``backlog``),
from 00:00 of day 0, warm-up included, to the end of the drain. Nothing here simulates.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from sim.results.summary import RepResult

BATCH = 5  # MSER-5: batch means of 5 observations
# the shortest series judged: a week of hours, warm-up and drain included. On shorter series the
# backlog's daily rise and fall outweighs the start: the default scenario run for 2 measured
# days after its 1-day warm-up (4 days in all, 2 replications) was told to warm up for 35 h,
# and for 5 h with no warm-up at all; from a week on, 6 seeds of 2 replications gave 5-10 h
MIN_HOURS = 7 * 24


@dataclass(frozen=True)
class Truncation:
    """Where MSER truncates a series.

    ``observations`` is the number of leading observations to delete (``batches`` x the batch
    size), ``statistic`` the MSER value there. ``at_limit`` is True when the minimum lies at the
    end of the searched first half of the series: the transient may then be longer than the
    series can show, and the run should be longer (White 1997's rule for a series too short)."""

    observations: int
    batches: int
    statistic: float
    at_limit: bool


def mser(series: np.ndarray, batch: int = BATCH) -> Truncation | None:
    """MSER truncation of ``series`` with batch means of ``batch`` observations (MSER-5 by
    default).

    The series is cut into ``k`` consecutive batches of ``batch`` observations (an incomplete
    last batch is dropped) with means ``Z_1 .. Z_k``; for each ``d`` in ``0 .. k // 2`` (the
    first half of the series, as the method prescribes)
    ``MSER(d) = sum_{j > d} (Z_j - mean_{j > d} Z)^2 / (k - d)^2``, the squared standard error
    of the mean of what is kept. The truncation is the smallest ``d`` minimising it; ``None``
    when the series has fewer than 2 batches or a value that is not finite."""
    x = np.asarray(series, dtype=float)
    k = len(x) // batch
    if k < 2 or not np.all(np.isfinite(x[: k * batch])):
        return None
    z = x[: k * batch].reshape(k, batch).mean(axis=1)
    z = z - z.mean()  # centred: the suffix sums below lose nothing to cancellation
    kept = np.arange(k, 0, -1, dtype=float)  # batches kept after deleting d = 0 .. k-1
    s1 = np.cumsum(z[::-1])[::-1]
    s2 = np.cumsum((z * z)[::-1])[::-1]
    sse = np.maximum(s2 - s1 * s1 / kept, 0.0)
    stat = sse / kept**2
    last = k // 2
    d = int(np.argmin(stat[: last + 1]))
    return Truncation(d * batch, d, float(stat[d]), d == last)


@dataclass(frozen=True)
class WarmupCheck:
    """MSER-5 on a run's mean hourly backlog against its warm-up (hours)."""

    suggested_hours: int  # MSER-5's truncation point: hours from 00:00 of day 0
    warmup_hours: float  # run.warmup_days x 24
    at_limit: bool  # the truncation is at the end of the searched half (the run is too short)

    @property
    def sufficient(self) -> bool:
        """Whether the warm-up covers MSER-5's truncation point."""
        return self.suggested_hours <= self.warmup_hours

    def record(self) -> dict:
        """The diagnostic as kpis.json's ``warmup_check``."""
        return {
            "method": "MSER-5",
            "series": "orders waiting for a response, hourly, mean of the replications",
            "suggested_warmup_hours": self.suggested_hours,
            "warmup_hours": self.warmup_hours,
            "at_limit": self.at_limit,
            "sufficient": self.sufficient,
        }

    def warning(self) -> str | None:
        """What ``run`` says of ``run.warmup_days`` when the warm-up is shorter than the
        truncation point (None when it suffices): the suggested warm-up in hours and the whole
        days to set."""
        if self.sufficient:
            return None
        days = max(1, math.ceil(self.suggested_hours / 24))
        at_least, longer = "", ""
        if self.at_limit:
            at_least, longer = (
                "at least ",
                " (the truncation is at half the simulated span: lengthen run.days too)",
            )
        return (
            f"warning: is {self.warmup_hours / 24:g} but MSER-5 on the replications' mean hourly "
            f"backlog suggests a warm-up of {at_least}{self.suggested_hours} h{longer}; set it to "
            f"{days} or more"
        )


def mean_backlog(results: list[RepResult]) -> np.ndarray:
    """The replications' hourly backlog series averaged hour by hour (from 00:00 of day 0), cut
    to the shortest series; an empty array without results."""
    series = [np.asarray(r.backlog, dtype=float) for r in results]
    if not series:
        return np.zeros(0)
    n = min(len(s) for s in series)
    return np.mean([s[:n] for s in series], axis=0)


def warmup_check(results: list[RepResult], warmup_days: float) -> WarmupCheck | None:
    """MSER-5 on the replications' mean hourly backlog, against ``warmup_days`` of warm-up;
    None when the series is too short to judge (under :data:`MIN_HOURS`, a week with the
    warm-up and the drain)."""
    series = mean_backlog(results)
    if len(series) < MIN_HOURS:
        return None
    t = mser(series)
    if t is None:
        return None
    return WarmupCheck(t.observations, warmup_days * 24.0, t.at_limit)


def warmup_record(results: list[RepResult], warmup_days: float) -> dict | None:
    """kpis.json's ``warmup_check``: :func:`warmup_check` as a record, or None when the series is
    too short to judge."""
    check = warmup_check(results, warmup_days)
    return None if check is None else check.record()
