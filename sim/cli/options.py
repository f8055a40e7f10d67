"""Numeric command-line options with the same bounds as the scenario YAML.

``type=RUN_DAYS`` (and the others here) make argparse refuse ``--days nan``, ``--days inf``,
``--days 100000`` or ``--seed 2**70`` with one line naming the option and the range expected,
exit 2, before anything is read or simulated. The bounds of ``--days``, ``--reps`` and
``--seed`` are those of the ``run:`` block's schema (:class:`sim.config.scenario.Run`).
"""

from __future__ import annotations

import argparse
import dataclasses
import math
from collections.abc import Callable

from sim.config.scenario import MIN_DAYS, Run
from sim.config.yaml_read import MAX_NUMBER


def number(
    kind: type,
    ge: float | None = None,
    gt: float | None = None,
    le: float | None = None,
    lt: float | None = None,
    unit: str = "",
) -> Callable[[str], float | int]:
    """An argparse ``type`` parsing a finite ``kind`` (int or float) within the bounds."""
    le = MAX_NUMBER if le is None and lt is None else le  # no number beyond the scenario's
    wanted = "a whole number" if kind is int else "a number"
    parts = [f"{op} {b:g}" for op, b in ((">=", ge), (">", gt), ("<", lt), ("<=", le)) if b is not None]
    expected = f"expected {wanted} {' and '.join(parts)}{f' ({unit})' if unit else ''}"

    def parse(text: str) -> float | int:
        try:
            value = kind(text.strip())
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text[:30]!r} is not {wanted}; {expected}") from None
        if not math.isfinite(value):
            raise argparse.ArgumentTypeError(f"{text[:30]} is not a finite number; {expected}")
        for bound, ok in ((ge, lambda b: value >= b), (gt, lambda b: value > b), (lt, lambda b: value < b)):
            if bound is not None and not ok(bound):
                raise argparse.ArgumentTypeError(f"{text[:30]} is out of range; {expected}")
        if le is not None and value > le:
            raise argparse.ArgumentTypeError(f"{text[:30]} is out of range; {expected}")
        return value

    parse.__name__ = kind.__name__
    return parse


def schema_number(cls: type, name: str) -> Callable[[str], float | int]:
    """An argparse ``type`` with the bounds of the scenario schema's field ``cls.name``."""
    field = next(f for f in dataclasses.fields(cls) if f.name == name)
    meta = field.metadata
    kind = int if "int" in str(field.type) else float
    return number(kind, ge=meta.get("ge"), gt=meta.get("gt"), le=meta.get("le"), unit=meta.get("unit", ""))


def long_enough(parse: Callable[[str], float | int]) -> Callable[[str], float | int]:
    """``parse`` (a number of days) that also refuses a measured window too short to survive
    rounding (:data:`sim.config.scenario.MIN_DAYS`), as the scenario's ``run.days`` does."""

    def days(text: str) -> float | int:
        value = parse(text)
        if value < MIN_DAYS:
            raise argparse.ArgumentTypeError(
                f"{text[:30]} is out of range; expected at least {MIN_DAYS:g} days (a shorter "
                "window is lost in rounding against the warm-up's minutes)"
            )
        return value

    days.__name__ = parse.__name__
    return days


RUN_DAYS = long_enough(schema_number(Run, "days"))
RUN_REPS = schema_number(Run, "reps")
SEED = schema_number(Run, "seed")
JOBS = number(int, ge=1, le=1024, unit="worker processes")
COUNT = number(int, ge=1, le=100_000)
SHARE = number(float, gt=0, lt=1)


def path_text(text: str) -> str:
    """argparse ``type`` of an output path (``--out``, ``--junit``, ``--summary``): any text but
    an empty one, which would otherwise mean the option's default or the working folder."""
    if not text.strip():
        raise argparse.ArgumentTypeError("an empty path; expected a file or folder name")
    return text


def scheduler_address(text: str) -> str:
    """argparse ``type`` of ``--scheduler``: tcp://HOST:PORT or tls://HOST:PORT."""
    from sim.config.errors import UserError
    from sim.experiments.cluster import check_address

    try:
        return check_address(text)
    except UserError as exc:
        raise argparse.ArgumentTypeError(exc.lines()[0].removeprefix("--scheduler ")) from None
