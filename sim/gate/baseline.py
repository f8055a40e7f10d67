"""The regression gate's baselines: committed per-replication KPI values of each scenario.

``results/baselines/<name>.json`` holds, for the seed, days, warm-up, drain and start weekday
it was run with, its replications, the engine version, each replication's value of every KPI
(NaN written as null) and the ``expect:`` block accepted with it (the committed gate policy,
:mod:`sim.gate.policy`), whose run size is the baseline's own ``reps`` and ``days``.
``run.py check --update-baselines`` writes it; :mod:`sim.gate.check` compares a run with it.
A file that is not exactly such a baseline (a hand edit, a copy under another name) is
invalid input, one line per problem naming the path inside the file (:func:`read_baseline`).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

from sim.config.errors import Problem, UserError
from sim.config.scenario import MAX_SEED, Run
from sim.config.yaml_read import key_text, show_value
from sim.gate.policy import read_policy, setting_text

_RUN = Run()  # the schema's defaults


@dataclass(frozen=True)
class Baseline:
    """Accepted per-replication KPI values of one scenario (``results/baselines/<name>.json``).

    ``drain_days`` and ``start_weekday`` default to the scenario schema's (``run:``); they are
    None for a file that does not record them (:func:`read_baseline`), whose replications then
    cannot be shown to share a run's random numbers (:meth:`mismatches`): the check refuses to
    judge a config by such a baseline (:func:`sim.gate.policy.pairing_problems`)."""

    scenario: str
    seed: int
    days: float
    warmup_days: float
    reps: int
    engine_version: str
    kpis: dict[str, list[float]]
    source: str = ""
    policy: dict | None = None  # the expect: block accepted with it (sim.gate.policy)
    drain_days: float | None = _RUN.drain_days
    start_weekday: int | None = _RUN.start_weekday

    def mismatches(
        self, seed: int, days: float, warmup_days: float, drain_days: float, start_weekday: int
    ) -> list[tuple[str, float | None, float]]:
        """Each setting of a run (days in days, the weekday of day 0 with 0 = Monday) that keeps
        it from sharing this baseline's random numbers, as (name, the baseline's value, the
        run's): the value is None for a setting the file does not record. Empty when it shares
        them. Every setting that moves an order or a replication's streams counts: the seed,
        the measured days, the warm-up, the drain (another drain gives other orders,
        docs/experiments.md) and the start weekday (another day's demand and duty hours). The
        replications do not: replication *i* has the same streams however many there are."""
        return [
            (name, mine, run)
            for name, mine, run in (
                ("seed", self.seed, seed),
                ("days", self.days, days),
                ("run.warmup_days", self.warmup_days, warmup_days),
                ("run.drain_days", self.drain_days, drain_days),
                ("run.start_weekday", self.start_weekday, start_weekday),
            )
            if mine is None or mine != run
        ]

    def unpaired_because(
        self, seed: int, days: float, warmup_days: float, drain_days: float, start_weekday: int
    ) -> tuple[list[str], list[str]]:
        """Why a run with these settings does not share this baseline's random numbers
        (:meth:`mismatches`): (each setting that differs, as ``"seed 11 (this run: 7)"``; each
        setting the file does not record). Both empty when it does."""
        differ, unrecorded = [], []
        for name, mine, run in self.mismatches(seed, days, warmup_days, drain_days, start_weekday):
            if mine is None:
                unrecorded.append(name)
            else:
                differ.append(f"{name} {setting_text(name, mine)} (this run: {setting_text(name, run)})")
        return differ, unrecorded

    def pairs_with(
        self, seed: int, days: float, warmup_days: float, drain_days: float, start_weekday: int
    ) -> bool:
        """Whether a run with these settings shares this baseline's random numbers."""
        return self.unpaired_because(seed, days, warmup_days, drain_days, start_weekday) == ([], [])

    def to_json(self) -> dict:
        """The JSON content (NaN written as null)."""
        return {
            "scenario": self.scenario,
            "source": self.source,
            "seed": self.seed,
            "days": self.days,
            "warmup_days": self.warmup_days,
            **({} if self.drain_days is None else {"drain_days": self.drain_days}),
            **({} if self.start_weekday is None else {"start_weekday": self.start_weekday}),
            "reps": self.reps,
            "engine_version": self.engine_version,
            "kpis": self.kpis,
            **({} if self.policy is None else {"policy": self.policy}),
        }


def baseline_path(folder: str | Path, scenario_name: str) -> Path:
    """Where the baseline of a scenario lives."""
    return Path(folder) / f"{scenario_name}.json"


# the keys of a baseline file: (kind, lowest, lowest allowed, highest, required)
_FIELDS = {
    "scenario": ("text", None, True, None, True),
    "source": ("text", None, True, None, False),
    "seed": ("whole", 0, True, MAX_SEED, True),
    "days": ("number", 0, False, None, True),
    "warmup_days": ("number", 0, True, None, True),
    "drain_days": ("number", 0, True, None, False),  # not in files written before it was recorded
    "start_weekday": ("whole", 0, True, 6, False),
    "reps": ("whole", 2, True, None, True),
    "engine_version": ("text", None, True, None, False),
    "kpis": ("mapping", None, True, None, True),
    "policy": ("mapping", None, True, None, True),
}
_WRITTEN_BY = "expected a baseline written by `run.py check --update-baselines`"


def _is_number(x: object) -> bool:
    """Whether ``x`` is a finite JSON number (an integer too large for a float is not one)."""
    if not isinstance(x, (int, float)) or isinstance(x, bool):
        return False
    try:
        return math.isfinite(x)
    except OverflowError:
        return False


def _field_problem(key: str, value: object) -> str:
    """What is wrong with the top-level ``key`` of a baseline ("" when nothing)."""
    kind, low, low_ok, high, _ = _FIELDS[key]
    if kind == "text":
        return "" if isinstance(value, str) else f"{show_value(value)} is not text; expected text"
    if kind == "mapping":
        return "" if isinstance(value, dict) else f"{show_value(value)} is not a mapping; expected one"
    whole = kind == "whole"
    words = "a whole number" if whole else "a number"
    limits = f" {'>=' if low_ok else '>'} {low:g}" + (f" and <= {high:g}" if high is not None else "")
    wanted = f"expected {words}{limits}"
    if not _is_number(value) or (whole and not float(value).is_integer()):
        return f"{show_value(value)} is not {words}; {wanted}"
    if (value < low if low_ok else value <= low) or (high is not None and value > high):
        return f"{value:g} is out of range; {wanted}"
    return ""


def baseline_problems(data: object, file: str, towns: list[str] | None = None) -> list[Problem]:
    """Every problem of the parsed baseline file ``file`` (``data``), one per path inside it
    (``reps: 'ten' is not a whole number; ...``, ``kpis.urban_10min[3]: ...``): the keys and
    their types and ranges (at least 2 replications, days > 0), the scenario named as the file
    is (a copied file is not another scenario's baseline), each KPI with exactly ``reps``
    values, numbers or null, and the recorded policy as strictly as a scenario's ``expect:``
    block (:func:`sim.gate.policy.read_policy`; town KPIs against ``towns``)."""
    if not isinstance(data, dict):
        return [Problem(file, None, "", f"not a JSON object; {_WRITTEN_BY}")]
    out = [
        Problem(file, None, key_text(k), f"unknown key; expected one of {', '.join(_FIELDS)}")
        for k in data
        if k not in _FIELDS
    ]
    for key, (*_, required) in _FIELDS.items():
        if key not in data:
            if required:
                out.append(Problem(file, None, key, f"missing; {_WRITTEN_BY}"))
            continue
        why = _field_problem(key, data[key]) if key != "policy" else ""
        if why:
            out.append(Problem(file, None, key, why))
    name = Path(file).stem
    if isinstance(data.get("scenario"), str) and data["scenario"] != name:
        out.append(
            Problem(
                file,
                None,
                "scenario",
                f"{data['scenario']!r} is not this file's name; expected {name!r} (a baseline "
                "belongs to the scenario it is named after: a copied file is not its baseline)",
            )
        )
    reps = data.get("reps") if not _field_problem("reps", data.get("reps")) else None
    kpis = data.get("kpis") if isinstance(data.get("kpis"), dict) else {}
    short: dict[int, list[str]] = {}  # KPIs by their wrong number of values
    for kpi, values in kpis.items():
        where = f"kpis.{key_text(kpi)}"
        if not isinstance(values, list):
            out.append(Problem(file, None, where, f"{show_value(values)} is not a list; expected a list"))
            continue
        for i, x in enumerate(values):
            if x is not None and not _is_number(x):
                out.append(Problem(file, None, f"{where}[{i}]", f"{show_value(x)} is not a number or null"))
        if reps is not None and len(values) != reps:
            short.setdefault(len(values), []).append(kpi)
    for n, names in short.items():  # one line per wrong length, however many KPIs have it
        named = names[0] if len(names) == 1 else f"{', '.join(names[:3])}{', ...' if len(names) > 3 else ''}"
        have = f"has {n} value(s)" if len(names) == 1 else f"{len(names)} KPIs ({named}) have {n} value(s)"
        out.append(
            Problem(
                file,
                None,
                f"kpis.{key_text(names[0])}" if len(names) == 1 else "kpis",
                f"{have}; expected exactly {int(reps)}, one per replication (the baseline's reps)",
            )
        )
    if "policy" in data:
        out += read_policy(data["policy"], file, towns)[1]
    return out


def read_baseline(path: str | Path, towns: list[str] | None = None) -> Baseline | None:
    """The baseline in ``path`` (None when there is none); UserError listing every problem
    (:func:`baseline_problems`) when it is not a valid baseline.

    Its recorded policy (``policy``) gets the baseline's ``reps`` and ``days``: the run size
    accepted with it, below which a config under review may not run the check
    (:func:`sim.gate.policy.relaxations`)."""
    path = Path(path)
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UserError([Problem(str(path), None, "", f"not valid JSON ({exc}); {_WRITTEN_BY}")]) from None
    except RecursionError:  # nested deeper than any baseline
        why = f"not a baseline (nested too deep); {_WRITTEN_BY}"
        raise UserError([Problem(str(path), None, "", why)]) from None
    problems = baseline_problems(data, str(path), towns)
    if problems:
        raise UserError(problems)
    days, reps = float(data["days"]), int(data["reps"])
    drain, weekday = data.get("drain_days"), data.get("start_weekday")
    return Baseline(
        data["scenario"],
        int(data["seed"]),
        days,
        float(data["warmup_days"]),
        reps,
        data.get("engine_version", ""),
        {k: [math.nan if x is None else float(x) for x in v] for k, v in data["kpis"].items()},
        data.get("source", ""),
        {**data["policy"], "reps": reps, "days": days},  # its run size is a floor
        None if drain is None else float(drain),
        None if weekday is None else int(weekday),
    )
