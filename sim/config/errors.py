"""User-facing errors: one line each, naming the file, the line, the path inside it and what is expected.

A planner who mistypes ``teams.village.members_villag`` must see::

    scenarios/x.yaml:12: teams.village.members_villag: unknown key; did you mean 'members_village'?

and nothing else (exit status 2, no traceback unless ``--debug``).
"""

from __future__ import annotations

import difflib
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    """One problem found in a user's input file."""

    file: str
    line: int | None
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


class UserError(Exception):
    """An error caused by the user's input, reported as one or more single lines (exit 2)."""

    def __init__(self, problems: list[Problem] | str):
        if isinstance(problems, str):
            problems = [Problem(file="", line=None, path="", message=problems)]
        self.problems = list(problems)
        super().__init__("\n".join(self.lines()))

    def lines(self) -> list[str]:
        """The problems as printable lines, one per problem."""
        return [str(p).lstrip(": ") for p in self.problems]

    def report(self) -> int:
        """Print the problems on stderr, one line each; return the exit status of a user's
        error, 2 (the command line's and the scripts' way out)."""
        for line in self.lines():
            print(line, file=sys.stderr)
        return 2


def closest(name: str, known: Iterable[str]) -> str | None:
    """The known name a mistyped ``name`` most likely meant (a close spelling, else the same
    letters in another case), or None: the "did you mean" of an error line."""
    known = list(known)
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    if close:
        return close[0]
    lowered = {k.lower(): k for k in known}
    return lowered.get(name.lower())


def not_a_file(path: str | Path) -> str:
    """Why ``path``, which is not a file, cannot be read as one: "is a folder" or "not found"."""
    return "is a folder" if Path(path).is_dir() else "not found"
