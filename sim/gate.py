"""The regression gate behind ``run.py check``: thresholds and committed baselines.

For each scenario the gate runs its check replications (``expect.days``, ``expect.reps``,
``expect.seed``, falling back to ``run.*``) and judges every KPI named in ``expect.kpis``:

* **threshold**: fails when the KPI is *significantly* on the wrong side of its threshold: for
  ``>= t`` the one-sided upper confidence bound (at ``expect.confidence``) is below t; for
  ``<= t`` the lower bound is above t. An interval that straddles the threshold is reported as
  *uncertain* and passes (add replications to decide).
* **baseline**: fails when the KPI is significantly worse than the committed baseline (two-sided
  interval at ``expect.confidence`` wholly on the worse side) *and* worse by at least the
  minimum effect (``expect.min_effect``, default by unit: shares 0.02, minutes 2, orders a week
  3). When seeds, days and replications match the baseline's, the test is paired (common random
  numbers: an unchanged engine and config give a difference of exactly 0); otherwise (a reseeded
  config) it falls back to an unpaired Welch interval.

Both rules need statistical evidence *and* (for the baseline) a change a planner would care
about, so noise does not fail a build.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from pathlib import Path

from sim import __version__
from sim.errors import Problem, UserError
from sim.experiment import run_replications
from sim.expect import Threshold, kpi_direction, kpi_unit, min_effect, thresholds
from sim.files import write_json
from sim.scenario import Scenario
from sim.stats import paired_difference, summarise, unpaired_difference
from sim.validate import load_scenario
from sim.world import build_world

BASELINE_FORMAT = 1


@dataclass
class Verdict:
    """The gate's judgement of one KPI of one scenario."""

    scenario: str
    kpi: str
    threshold: Threshold
    estimate: dict
    status: str  # "pass", "uncertain" (passes), "fail"
    messages: list[str] = field(default_factory=list)
    baseline: dict | None = None  # difference vs the baseline, with "paired" True/False

    @property
    def failed(self) -> bool:
        return self.status == "fail"


def check_settings(scenario: Scenario) -> Scenario:
    """The scenario with its check run settings (expect.days/reps/seed) applied."""
    e, run = scenario.expect, scenario.run
    return dataclasses.replace(scenario, run=dataclasses.replace(
        run, days=e.days if e.days is not None else run.days,
        reps=e.reps if e.reps is not None else run.reps,
        seed=e.seed if e.seed is not None else run.seed))


def collect(paths: list[str]) -> list[Path]:
    """Scenario files named, or found (*.yaml, recursively, sorted) under named folders."""
    files: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            files += sorted(path.rglob("*.yaml"))
        else:
            files.append(path)
    if not files:
        raise UserError(f"no scenario files found in {', '.join(paths)}; expected *.yaml files")
    return files


def load_all(files: list[Path]) -> list[Scenario]:
    """Load and validate every scenario first, so invalid input stops before any simulation."""
    problems: list[Problem] = []
    scenarios = []
    for file in files:
        try:
            scenario = check_settings(load_scenario(file))
        except UserError as exc:
            problems += exc.problems
            continue
        if not scenario.expect.kpis:
            problems.append(Problem(str(file), None, "expect.kpis", "no thresholds; expected "
                                    "an expect block with kpis (docs/ci.md)"))
        scenarios.append(scenario)
    names = [s.name for s in scenarios]
    for s in scenarios:
        if names.count(s.name) > 1:
            problems.append(Problem(s.source, None, "name", f"{s.name!r} is used by another "
                                    "checked scenario; expected unique names (baselines are "
                                    "kept by name)"))
    if problems:
        raise UserError(problems)
    return scenarios


def run_check(scenario: Scenario, jobs: int) -> list[dict[str, float]]:
    """Every replication's KPIs of a scenario's check run."""
    world = build_world(scenario)
    towns = set(world.towns.pinyin)
    for t in thresholds(scenario):
        if t.kpi.startswith("town.") and t.kpi[5:-len(".compliance")] not in towns:
            raise UserError([Problem(scenario.source, None, f"expect.kpis.{t.kpi}",
                                     "unknown town; expected town.<pinyin>.compliance")])
    results = run_replications(scenario, scenario.run.reps, scenario.run.seed, jobs,
                               keep_logs=False, world=world)
    return [r.kpis for r in results]


def baseline_path(folder: Path, scenario: Scenario) -> Path:
    """Where a scenario's baseline lives."""
    return folder / f"{scenario.name}.json"


def baseline_record(scenario: Scenario, replications: list[dict[str, float]]) -> dict:
    """The content of a baseline file."""
    return {"format": BASELINE_FORMAT, "scenario": scenario.name, "engine": __version__,
            "seed": scenario.run.seed, "days": scenario.run.days, "reps": scenario.run.reps,
            "replications": replications}


def _values(replications: list[dict], kpi: str) -> list[float]:
    return [math.nan if r.get(kpi) is None else float(r[kpi]) for r in replications]


def judge(scenario: Scenario, replications: list[dict], baseline: dict | None) -> list[Verdict]:
    """Threshold and baseline verdicts for every KPI in the scenario's expect block."""
    level = scenario.expect.confidence
    one_sided = 2 * level - 1  # a two-sided interval at this level has one-sided bounds at level
    out = []
    for t in thresholds(scenario):
        values = _values(replications, t.kpi)
        s = summarise(values, one_sided)
        v = Verdict(scenario.name, t.kpi, t, s, "pass")
        unit = kpi_unit(t.kpi)
        if s["n"] == 0:
            v.status = "fail"
            v.messages.append(f"{t.kpi} is undefined in every replication; expected a value to "
                              f"compare with {t.op} {t.value:g}")
        else:
            low, high = (s["low"], s["high"]) if s["n"] > 1 else (s["mean"], s["mean"])
            wrong = high < t.value if t.op == ">=" else low > t.value
            straddles = (low < t.value) if t.op == ">=" else (high > t.value)
            if wrong:
                v.status = "fail"
                bound = "upper" if t.op == ">=" else "lower"
                v.messages.append(
                    f"{t.kpi} = {_fmt(s['mean'], unit)} ({bound} {level:.0%} bound "
                    f"{_fmt(high if t.op == '>=' else low, unit)}) breaks threshold {t.op} "
                    f"{_fmt(t.value, unit)}")
            elif straddles:
                v.status = "uncertain"
        if baseline is not None:
            _against_baseline(v, scenario, values, baseline, level)
        out.append(v)
    return out


def _against_baseline(v: Verdict, scenario: Scenario, values: list[float], baseline: dict,
                      level: float) -> None:
    base_values = _values(baseline["replications"], v.kpi)
    paired = (baseline["seed"] == scenario.run.seed and baseline["days"] == scenario.run.days
              and baseline["reps"] == scenario.run.reps)
    d = paired_difference(base_values, values, level) if paired else \
        unpaired_difference(base_values, values, level)
    direction = kpi_direction(v.kpi) or (1 if v.threshold.op == ">=" else -1)
    effect = min_effect(scenario, v.kpi)
    unit = kpi_unit(v.kpi)
    v.baseline = {**d, "paired": paired, "min_effect": effect}
    if d["n"] == 0 or math.isnan(d["mean"]):
        return
    low, high = (d["low"], d["high"]) if not math.isnan(d["half_width"]) else (d["mean"],) * 2
    worse = high < 0 if direction > 0 else low > 0
    if worse and abs(d["mean"]) >= effect:
        v.status = "fail"
        v.messages.append(
            f"{v.kpi} is worse than its baseline by {_fmt(abs(d['mean']), unit, diff=True)} "
            f"({'paired' if paired else 'unpaired'} {level:.0%} CI "
            f"[{_fmt(d['low'], unit, diff=True)}, {_fmt(d['high'], unit, diff=True)}]; "
            f"minimum effect {_fmt(effect, unit, diff=True)})")


def _fmt(value: float, unit: str, diff: bool = False) -> str:
    if value is None or math.isnan(value):
        return "n/a"
    if unit == "share":
        return f"{value * 100:.2f} pp" if diff else f"{value:.2%}"
    return f"{value:.2f}"


def load_baseline(folder: Path, scenario: Scenario) -> dict | None:
    """A scenario's committed baseline, or None when there is none."""
    import json

    path = baseline_path(folder, scenario)
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        assert data["format"] == BASELINE_FORMAT and isinstance(data["replications"], list)
    except (OSError, ValueError, KeyError, AssertionError, TypeError):
        raise UserError([Problem(str(path), None, "", "not a Red Vest baseline; expected a file "
                                 "written by check --update-baselines")]) from None
    return data


def save_baseline(folder: Path, scenario: Scenario, replications: list[dict]) -> Path:
    """Write a scenario's baseline atomically."""
    path = baseline_path(folder, scenario)
    write_json(path, baseline_record(scenario, replications))
    return path
