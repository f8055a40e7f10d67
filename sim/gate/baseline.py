"""The regression gate's baselines: committed per-replication KPI values of each scenario.

``results/baselines/<name>.json`` holds, for the seed, days, warm-up and replications it was run
with, the engine version, each replication's value of every KPI (NaN written as null) and the
``expect:`` block accepted with it (the committed gate policy, :mod:`sim.gate.policy`), whose
run size is the baseline's own ``reps`` and ``days``.
``run.py check --update-baselines`` writes it; :mod:`sim.gate.check` compares a run with it.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

from sim.config.errors import Problem, UserError


@dataclass(frozen=True)
class Baseline:
    """Accepted per-replication KPI values of one scenario (``results/baselines/<name>.json``)."""

    scenario: str
    seed: int
    days: float
    warmup_days: float
    reps: int
    engine_version: str
    kpis: dict[str, list[float]]
    source: str = ""
    policy: dict | None = None  # the expect: block accepted with it (sim.gate.policy)

    def pairs_with(self, seed: int, days: float, warmup_days: float) -> bool:
        """Whether a run with these settings shares this baseline's random numbers."""
        return (self.seed, self.days, self.warmup_days) == (seed, days, warmup_days)

    def to_json(self) -> dict:
        """The JSON content (NaN written as null)."""
        return {
            "scenario": self.scenario,
            "source": self.source,
            "seed": self.seed,
            "days": self.days,
            "warmup_days": self.warmup_days,
            "reps": self.reps,
            "engine_version": self.engine_version,
            "kpis": self.kpis,
            **({} if self.policy is None else {"policy": self.policy}),
        }


def baseline_path(folder: str | Path, scenario_name: str) -> Path:
    """Where the baseline of a scenario lives."""
    return Path(folder) / f"{scenario_name}.json"


def read_baseline(path: str | Path) -> Baseline | None:
    """The baseline in ``path`` (None when there is none); UserError when it is malformed.

    Its recorded policy (``policy``) gets the baseline's ``reps`` and ``days``: the run size
    accepted with it, below which a config under review may not run the check
    (:func:`sim.gate.policy.relaxations`)."""
    path = Path(path)
    if not path.exists():
        return None

    def bad(what: str) -> UserError:
        return UserError(
            [
                Problem(
                    str(path),
                    None,
                    "",
                    f"{what}; expected a baseline written by `run.py check --update-baselines`",
                )
            ]
        )

    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise bad(f"not valid JSON ({exc})") from None
    if not isinstance(data, dict):
        raise bad("not a JSON object")
    missing = [k for k in ("scenario", "seed", "days", "reps", "kpis") if k not in data]
    if missing:
        raise bad(f"lacks {', '.join(missing)}")
    kpis = data["kpis"]
    if not isinstance(kpis, dict) or not all(
        isinstance(v, list) and all(x is None or isinstance(x, (int, float)) for x in v)
        for v in kpis.values()
    ):
        raise bad("kpis is not a mapping of KPI name to a list of numbers")
    if data.get("policy") is not None and not isinstance(data["policy"], dict):
        raise bad("policy is not a mapping")
    try:
        days, reps = float(data["days"]), int(data["reps"])
        policy = data.get("policy")
        return Baseline(
            str(data["scenario"]),
            int(data["seed"]),
            days,
            float(data.get("warmup_days", 0.0)),
            reps,
            str(data.get("engine_version", "")),
            {k: [math.nan if x is None else float(x) for x in v] for k, v in kpis.items()},
            str(data.get("source", "")),
            {**(policy or {}), "reps": reps, "days": days},  # its run size is a floor either way
        )
    except (TypeError, ValueError):
        raise bad("seed, days or reps is not a number") from None
