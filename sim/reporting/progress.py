"""Progress of long steps (replications, sweep points, optimisation rounds, reports) on stderr:
done/total, rate and time left, on one updating line on a terminal and as a few plain lines
elsewhere (CI, pipes, log files)."""

from __future__ import annotations

import os
import sys
import time

from sim.reporting.formatting import plural  # noqa: F401  (re-exported)


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
    that a single long replication shows progress too.
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
        self.share = 0.0  # of the unit under way (:meth:`within`)

    def text(self) -> str:
        """The progress line: ``"pingyang: 3/8 replications, 0.5 replications/s, about 10 s left"``."""
        elapsed = self.clock() - self.start
        parts = [f"{self.label}: {self.done}/{self.total} {self.unit}{'' if self.total == 1 else 's'}"]
        if self.share and self.done < self.total:
            parts[0] += f" (the next {100 * self.share:.0f}% done)"
        done = self.done + (self.share if self.done < self.total else 0.0)
        if done and elapsed > 0:
            rate = done / elapsed
            parts.append(rate_text(rate))
            if done < self.total:
                parts.append(f"about {duration_text(max(1.0, (self.total - done) / rate))} left")
            else:
                parts.append(f"took {duration_text(elapsed)}")
        return ", ".join(parts)

    def within(self, share: float) -> None:
        """The unit under way is ``share`` (0..1) done: the updating line shows it; the plain
        lines count it towards the quarters of the work (so a run of one long replication
        prints one at each quarter of it)."""
        self.share = share
        self._show()

    def step(self, n: int = 1) -> None:
        """Record ``n`` finished units of work."""
        self.done += n
        self.share = 0.0
        self._show()

    def _show(self) -> None:
        """Redraw the updating line (ended at the end of the work); or, without a terminal,
        print a plain line at each new quarter of the work (the unit under way counted by its
        share) and at the end."""
        if not self.enabled:
            return
        finished = self.done >= self.total
        if self.bar:
            self.stream.write(f"\r{self.text()}\x1b[K")
            self._shown = not finished
            if finished:
                self.stream.write("\n")
            self.stream.flush()
            return
        quarter = int(4 * (self.done + self.share) // max(1, self.total))
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
