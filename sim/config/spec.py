"""The building blocks of the scenario language: :func:`spec`, the dataclass field that carries a
key's meaning, unit and bounds (read by the loader, the validator and the generated
``docs/scenarios.md``), and :class:`Dist`, the named distribution every random duration or
count of the schema is given as. Every module of the schema imports these; they import nothing
of it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal


def spec(
    default: Any = None,
    doc: str = "",
    unit: str = "",
    *,
    ge: float | None = None,
    gt: float | None = None,
    le: float | None = None,
    length: int | None = None,
    factory: Any = None,
) -> Any:
    """A dataclass field with documentation, unit and bounds (used by loader, validator, docs)."""
    meta = {"doc": doc, "unit": unit, "ge": ge, "gt": gt, "le": le, "length": length}
    if factory is not None:
        return field(default_factory=factory, metadata=meta)
    return field(default=default, metadata=meta)


@dataclass(frozen=True)
class Dist:
    """A named probability distribution (see :mod:`sim.config.distributions`)."""

    kind: Literal["fixed", "exponential", "lognormal", "gamma", "uniform"] = spec(
        "fixed", "distribution family"
    )
    mean: float = spec(0.0, "mean (fixed: the value)", "same unit as the quantity", ge=0, le=1e10)
    cv: float = spec(0.0, "coefficient of variation (lognormal, gamma)", "ratio", ge=0, le=100)
    low: float = spec(0.0, "lower bound (uniform)", "same unit as the quantity", ge=0, le=1e10)
    high: float = spec(0.0, "upper bound (uniform)", "same unit as the quantity", ge=0, le=1e10)
