"""Progress of long steps (replications, sweep points, optimisation rounds, reports) on stderr:
done/total, rate and time left, on one updating line on a terminal and as a few plain lines
elsewhere (CI, pipes, log files)."""

from __future__ import annotations

import os
import sys
import time

from sim.reporting.formatting import plural  # noqa: F401  (re-exported)

REDRAW_SECONDS = 0.1
"""Least time between two redraws of the updating line for shares under way (:meth:`Progress.within`):
workers report each simulated midnight, hundreds a second for short days and many workers."""


def to_stderr(line: str) -> None:
    """A line for a person watching a long study (what runs now, the seconds so far), on stderr:
    the ``log`` of :func:`sim.experiments.optimize.optimise` and of the sensitivity study."""
    print(line, file=sys.stderr, flush=True)


def duration_text(seconds: float) -> str:
    """A duration for people: ``"8 s"``, ``"3 min 05 s"``, ``"1 h 20 min"``."""
    seconds = max(0, round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min {seconds % 60:02d} s"
    return f"{seconds // 3600} h {seconds % 3600 // 60:02d} min"


def rate_text(per_second: float) -> str:
    """A rate for people: ``"12/s"``, ``"1.5/s"``, ``"30/min"``, ``"0.5/min"``."""
    per, value = ("s", per_second) if per_second >= 1 else ("min", per_second * 60)
    return f"{value:.0f}/{per}" if value >= 10 else f"{value:.1f}/{per}".replace(".0/", "/")


class Progress:
    """Progress of a long step on stderr: done/total, rate and time left.

    On a terminal it is one line that updates in place; otherwise (CI, a pipe, a log file) it is
    quiet: a plain line at each quarter of the work and at the end. ``unit`` is the singular of
    what is counted (replication, sweep point, candidate plan, chart). The total can grow
    (:meth:`add`: another round of replications), and the count goes on from where it was. The
    unit under way may report its share done (:meth:`within`: a replication, day by day), so
    that a single long replication shows progress too; units under way side by side (in worker
    processes) report theirs under a key each (the replication's index), which their
    :meth:`step` clears.
    """

    def __init__(
        self,
        total: int,
        label: str,
        enabled: bool = True,
        unit: str = "replication",
        stream=None,
        clock=time.monotonic,
    ):
        self.total, self.label, self.unit, self.done = total, label, unit, 0
        self.enabled = enabled
        self.stream = stream if stream is not None else sys.stderr
        self.bar = enabled and self.stream.isatty() and os.environ.get("CI", "") == ""
        self.clock = clock
        self.start = clock()
        self._quarter = 0  # quarters of the work already reported (plain lines)
        self._shown = False  # an updating line is on the terminal
        self._drawn_at = -float("inf")  # when the updating line was last drawn (clock seconds)
        self.shares: dict[object, float] = {}  # of the units under way, by key (:meth:`within`)

    @property
    def share(self) -> float:
        """The units under way, counted by their shares done (in units: 1.5 is one unit and a half;
        0 once the work is finished)."""
        return sum(self.shares.values()) if self.done < self.total else 0.0

    def under_way(self) -> str:
        """What the units under way have done, for the line: ``" (the next 50% done)"`` for the
        one unit of this process, ``" (2 under way, 40% done on average)"`` for units in worker
        processes; empty when none has reported a share."""
        share = self.share
        if not share:
            return ""
        if list(self.shares) == [None]:
            return f" (the next {100 * share:.0f}% done)"
        n = len(self.shares)
        if n == 1:
            return f" (1 under way, {100 * share:.0f}% done)"
        return f" ({n} under way, {100 * share / n:.0f}% done on average)"

    def text(self) -> str:
        """The progress line: ``"pingyang: 3/8 replications, 0.5 replications/s, about 10 s left"``."""
        elapsed = self.clock() - self.start
        parts = [f"{self.label}: {self.done}/{self.total} {self.unit}{'' if self.total == 1 else 's'}"]
        parts[0] += self.under_way()
        done = self.done + self.share
        if done and elapsed > 0:
            rate = done / elapsed
            parts.append(rate_text(rate))
            if done < self.total:
                parts.append(f"about {duration_text(max(1.0, (self.total - done) / rate))} left")
            else:
                parts.append(f"took {duration_text(elapsed)}")
        return ", ".join(parts)

    def within(self, share: float, key: object = None) -> None:
        """The unit under way is ``share`` (0..1) done: the updating line shows it (redrawn at most
        every ``REDRAW_SECONDS``, while finished units always redraw it); the plain
        lines count it towards the quarters of the work (so a run of one long replication
        prints one at each quarter of it). ``key`` names one of several units under way side
        by side (a replication's index, in a worker process); None is the one unit of this
        process."""
        self.shares[key] = share
        if self.bar and self.clock() - self._drawn_at < REDRAW_SECONDS:
            return  # drawn a moment ago: the next share or step redraws it
        self._show()

    def step(self, n: int = 1, key: object = None) -> None:
        """Record ``n`` finished units of work; the share reported under ``key`` (:meth:`within`)
        is now part of the finished count."""
        self.done += n
        self.shares.pop(key, None)
        self._show()

    def _show(self) -> None:
        """Redraw the updating line (ended at the end of the work); or, without a terminal,
        print a plain line at each new quarter of the work (the unit under way counted by its
        share) and at the end."""
        if not self.enabled:
            return
        finished = self.done >= self.total
        if self.bar:
            self._drawn_at = self.clock()
            self.stream.write(f"\r{self.text()}\x1b[K")
            self._shown = not finished
            if finished:
                self.stream.write("\n")
            self.stream.flush()
            return
        # (the units under way, each below 1, never make the last quarter: that is the end's line)
        quarter = min(int(4 * (self.done + self.share) // max(1, self.total)), 4 if finished else 3)
        if quarter > self._quarter or finished:
            self._quarter = quarter
            print(self.text(), file=self.stream, flush=True)

    def add(self, more: int, label: str | None = None) -> None:
        """Grow the total by ``more`` units (another round), optionally with a new label."""
        self.total += more
        self.label = label or self.label
        self._quarter = 4 * self.done // max(1, self.total)

    def note(self, text: str) -> None:
        """Print a line of its own without garbling the updating line."""
        if self.bar and self._shown:
            self.stream.write("\r\x1b[K")
        print(text, file=self.stream, flush=True)
        if self.bar and self._shown:
            self.stream.write(f"\r{self.text()}\x1b[K")
            self.stream.flush()
