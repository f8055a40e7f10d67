"""Committed gate policy: a config under review may tighten its ``expect:`` block, never relax it.

The policy a scenario must keep is stated by files already committed and reviewed: every
scenario it ``extends:`` (its base scenario, the parent's parent, ...) and the gate policy
recorded in its baseline (``results/baselines/<name>.json``, written by ``check
--update-baselines``). A config relaxes that policy when it

* drops a threshold or moves it the lenient way (``>= 0.90`` -> ``>= 0.85``, or the other
  direction altogether), or drops a ``"n/a"`` declaration. Replacing a threshold with ``"n/a"``
  is allowed: the check then fails unless the KPI is undefined in every replication,
* lowers ``confidence``, turns ``uncertain: fail`` into ``pass``, lowers ``significance``,
* raises a KPI's ``min_effect`` (or sets one where the policy uses the default, for a KPI whose
  default is not a fixed number), or stops watching a watched KPI,
* runs the check smaller: fewer ``reps`` or fewer ``days`` than the policy's. The run size sets
  the power of every test: with 2 replications the paired 99% interval uses t with 1 degree of
  freedom (31.8 instead of 2.82 with 10), so a large worsening passes. The policy recorded in a
  baseline has the size the baseline was made with (its ``reps`` and ``days``,
  :func:`sim.gate.baseline.read_baseline`). More replications are allowed.

A shorter warm-up (``run.warmup_days``) than the baseline's is refused too
(:func:`warmup_problems`): it measures more of the empty county's first morning.

Nor may a config leave the random numbers of its baseline (:func:`pairing_problems`): another
seed (``expect.seed``, or ``run.seed`` where it has none), other days (``expect.days``), warm-up,
drain or start weekday than the baseline was made with, or a baseline that does not record
them, would turn the comparison unpaired (Welch's interval, several times wider, docs/ci.md),
so that a worsening the paired comparison catches would pass. Such a config is accepted only
together with the baseline re-made at its settings (``--update-baselines``, in review).

Each relaxation is one line naming the KPI or setting and the policy file; ``check`` reports
them as invalid input (exit 2). No simulation happens here.
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path
from typing import TYPE_CHECKING

from sim.config.errors import Problem, UserError
from sim.config.loader import convert, read_scenario
from sim.config.scenario import Expect, Scenario
from sim.config.yaml_read import key_text, kind_of, read_yaml
from sim.gate.expectations import (
    SHARE_MIN_EFFECT,
    Threshold,
    block_problems,
    kpi_info,
    not_applicable,
    thresholds,
    watched,
)

if TYPE_CHECKING:  # sim.gate.baseline reads a baseline's policy with this module
    from sim.gate.baseline import Baseline


def ancestors(path: str | Path) -> list[Path]:
    """The files a scenario ``extends:``, nearest first (empty for a scenario without one)."""
    out: list[Path] = []
    path = Path(path)
    seen = {str(path.resolve())}
    while True:
        data = read_yaml(path)
        ref = data.get("extends") if isinstance(data, dict) else None
        if not isinstance(ref, str) or not ref.strip():
            return out
        path = Path(os.path.normpath(path.parent / ref))
        if str(path.resolve()) in seen or not path.is_file():
            return out  # load_scenario reports cycles and missing parents
        seen.add(str(path.resolve()))
        out.append(path)


def expect_of(path: str | Path) -> Expect:
    """The ``expect:`` block of a scenario file as its own ``extends`` chain makes it."""
    data, _ = read_scenario(path)
    scenario, _ = convert(data, str(path))
    return scenario.expect


def at_least_as_strict(new: Threshold, old: Threshold) -> bool:
    """Whether ``new`` demands at least what ``old`` does (same KPI assumed)."""
    if new.higher_is_better != old.higher_is_better:
        return False
    sign = 1 if old.higher_is_better else -1
    if sign * new.value != sign * old.value:
        return sign * new.value > sign * old.value
    return new.op == old.op or new.op in (">", "<")


def relaxations(new: Expect, old: Expect) -> list[tuple[str, str]]:
    """(key path, what is relaxed) for each way ``new`` is more lenient than ``old``."""
    out = []
    mine = {t.kpi: t for t in thresholds(new)}
    void = set(not_applicable(new))
    for t in thresholds(old):
        wanted = f'"{t.op} {t.value:g}"'
        if t.kpi in void:
            continue  # checked at run time: the KPI must be undefined in every replication
        if t.kpi not in mine:
            out.append((f"expect.kpis.{t.kpi}", f"removes the threshold {wanted}"))
        elif not at_least_as_strict(mine[t.kpi], t):
            have = mine[t.kpi]
            out.append((f"expect.kpis.{t.kpi}", f'"{have.op} {have.value:g}" relaxes the threshold {wanted}'))
    for kpi in not_applicable(old):
        if kpi not in mine and kpi not in void:
            out.append((f"expect.kpis.{kpi}", 'removes the declaration "n/a"'))
    if new.confidence < old.confidence:
        out.append(("expect.confidence", f"{new.confidence:g} is lower than {old.confidence:g}"))
    if old.uncertain == "fail" and new.uncertain == "pass":
        out.append(("expect.uncertain", "pass relaxes fail"))
    if new.significance < old.significance:
        out.append(("expect.significance", f"{new.significance:g} is lower than {old.significance:g}"))
    if new.reps < old.reps:  # fewer replications: wider intervals, a worsening hidden
        out.append(("expect.reps", f"{new.reps} is lower than {old.reps}"))
    if new.days < old.days:  # shorter replications: noisier values
        out.append(("expect.days", f"{new.days:g} is lower than {old.days:g}"))
    for kpi, value in new.min_effect.items():
        if kpi in old.min_effect:
            limit = old.min_effect[kpi]
        elif kpi_info(kpi)[1] == "share":
            limit = SHARE_MIN_EFFECT
        else:
            out.append(
                (
                    f"expect.min_effect.{kpi}",
                    "set where the policy uses the default (10% of the baseline mean)",
                )
            )
            continue
        if value > limit:
            out.append((f"expect.min_effect.{kpi}", f"{value:g} is larger than {limit:g}"))
    reported = {key for key, _ in out}
    for kpi in watched(old):
        if kpi not in watched(new) and f"expect.kpis.{kpi}" not in reported:
            out.append(("expect.watch", f"stops watching {kpi}"))
    return out


def policy_problems(
    path: str | Path, expect: Expect, recorded: Expect | None, baseline: str
) -> list[Problem]:
    """Problems for each relaxation of the committed policy by the scenario file ``path``.

    ``recorded`` is the policy stored in the scenario's baseline file ``baseline`` (None when
    the baseline records none or is being replaced)."""
    sources: list[tuple[str, Expect]] = []
    try:
        sources += [(str(p), expect_of(p)) for p in ancestors(path)]
    except UserError:
        pass  # load_scenario has already reported an unreadable parent
    if recorded is not None:
        sources.append((f"the baseline {baseline}", recorded))
    out: list[Problem] = []
    seen: set[str] = set()
    for where, old in sources:
        for key, what in relaxations(expect, old):
            if key + what in seen:
                continue
            seen.add(key + what)
            out.append(
                Problem(
                    str(path),
                    None,
                    key,
                    f"{what} set by committed policy ({where}); expected a value at least as "
                    "strict (change the policy file itself, in review)",
                )
            )
    return out


def warmup_problems(
    path: str | Path, warmup_days: float, baseline_warmup: float, baseline: str
) -> list[Problem]:
    """A problem when the scenario file ``path`` warms up for fewer days (``run.warmup_days``)
    than its baseline ``baseline`` was made with (``baseline_warmup``). A shorter warm-up
    measures more of a replication's start from an empty county, whose first morning has no
    night's backlog (docs/experiments.md): the KPIs look better with nothing changed. A longer
    one loses the pairing with the baseline all the same (:func:`pairing_problems`)."""
    if warmup_days >= baseline_warmup:
        return []
    return [
        Problem(
            str(path),
            None,
            "run.warmup_days",
            f"{warmup_days:g} is lower than {baseline_warmup:g}, the warm-up of the baseline {baseline}; "
            "expected at least that (a shorter warm-up measures the empty county's first morning; "
            "accept it with --update-baselines, in review)",
        )
    ]


# what a config whose run no longer pairs with its baseline is to do (docs/ci.md, "Gate policy")
REMAKE = (
    "the baseline re-made at the new settings with --update-baselines, in review, in a change of "
    "its own (so that the review sees what the settings alone move)"
)
_KEYS = {"days": "expect.days"}  # the run's keys of Baseline.mismatches' names


def setting_text(name: str, value: float) -> str:
    """A run setting named as :meth:`sim.gate.baseline.Baseline.mismatches` names it, as
    messages show it: a seed and a weekday in full (``:g`` would round a seed), days as ``:g``."""
    return str(int(value)) if name in ("seed", "run.start_weekday") else f"{value:g}"


def pairing_problems(path: str | Path, scenario: Scenario, baseline: Baseline, file: str) -> list[Problem]:
    """A problem for each run setting of the scenario file ``path`` that keeps its check from
    sharing the random numbers of its baseline ``baseline`` (the file ``file``): the seed, the
    measured days, the warm-up, the drain or the start weekday (days in days, the weekday with
    0 = Monday; :meth:`sim.gate.baseline.Baseline.mismatches`). ``scenario`` is as the check runs
    it, its ``run`` holding the ``expect:`` block's seed and days.

    Unpaired, the comparison with the baseline is Welch's, whose interval is several times
    wider than the paired one (docs/ci.md, "Run time and precision"): a change that worsens a
    KPI and also moves the seed would pass a check the paired comparison fails. The gate fails
    closed instead: each such setting is invalid input (exit 2), one line naming the key, the
    baseline's value and the run's (``expect.seed: 11 -> 12345``). A baseline that does not
    record the drain or the start weekday (:func:`sim.gate.baseline.read_baseline`) cannot show
    the pairing: a problem of the baseline file, naming its missing key."""
    run = scenario.run
    seed_key = "expect.seed" if scenario.expect.seed is not None else "run.seed"
    out = []
    for name, mine, now in baseline.mismatches(
        run.seed, run.days, run.warmup_days, run.drain_days, run.start_weekday
    ):
        if mine is None:
            out.append(
                Problem(
                    file,
                    None,
                    name.removeprefix("run."),
                    f"not recorded, so the check of {path} cannot be shown to share this baseline's "
                    "random numbers (a paired comparison); expected a baseline that records it, "
                    "re-made with --update-baselines, in review, in a change of its own",
                )
            )
            continue
        key = seed_key if name == "seed" else _KEYS.get(name, name)
        out.append(
            Problem(
                str(path),
                None,
                key,
                f"{setting_text(name, mine)} -> {setting_text(name, now)} since the baseline {file} "
                "was made: the check would not share its random numbers, and an unpaired comparison "
                f"misses worsenings the paired one catches; expected {setting_text(name, mine)}, "
                f"or {REMAKE}",
            )
        )
    return out


POLICY_KEYS = ("kpis", "confidence", "uncertain", "significance", "min_effect", "watch")


def expect_to_json(expect: Expect) -> dict:
    """The gate policy part of an ``expect:`` block, as recorded in a baseline (its run size,
    ``reps`` and ``days``, is the baseline's own ``reps`` and ``days``)."""
    return {
        "kpis": dict(expect.kpis),
        "confidence": expect.confidence,
        "uncertain": expect.uncertain,
        "significance": expect.significance,
        "min_effect": dict(expect.min_effect),
        "watch": None if expect.watch is None else list(expect.watch),
    }


def read_policy(data: object, file: str, towns: list[str] | None = None) -> tuple[Expect, list[Problem]]:
    """The policy recorded in the baseline ``file`` (its ``"policy"`` value ``data``) and every
    problem in it, each naming ``policy.<key>``.

    It is held to the rules of a scenario's ``expect:`` block, by the same code: the schema's
    types and ranges (:func:`sim.config.loader.convert` on :class:`Expect`), then KPI names,
    threshold texts and the watch list (:func:`sim.gate.expectations.block_problems`; town KPIs
    against ``towns``). Every key :func:`expect_to_json` writes must be there: a key left out
    would fall back to its lenient default (no thresholds, the default confidence), which the
    config under review could then relax freely. The run size is not part of it (the
    baseline's own ``reps`` and ``days`` are)."""
    if not isinstance(data, dict):
        what = "missing" if data is None else f"expected a mapping, got {kind_of(data)}"
        return Expect(), [Problem(file, None, "policy", f"{what}; {_RECORDED}")]
    out = [
        Problem(file, None, f"policy.{key_text(k)}", f"unknown key; expected one of {', '.join(POLICY_KEYS)}")
        for k in data
        if k not in POLICY_KEYS
    ]
    out += [Problem(file, None, f"policy.{k}", f"missing; {_RECORDED}") for k in POLICY_KEYS if k not in data]
    expect, problems = convert({k: v for k, v in data.items() if k in POLICY_KEYS}, file, Expect)
    out += [dataclasses.replace(p, path=f"policy.{p.path}", line=None) for p in problems]
    reported = {p.path for p in out}  # a value of the wrong type is not parsed again
    out += [p for p in block_problems(expect, file, towns, prefix="policy") if p.path not in reported]
    return expect, out


_RECORDED = "expected the expect: block recorded by `run.py check --update-baselines`"


def expect_from_json(data: dict) -> Expect:
    """The policy recorded in a baseline as :func:`sim.gate.baseline.read_baseline` gives it:
    the file's ``"policy"`` (checked there by :func:`read_policy`) with the baseline's own
    ``reps`` and ``days``, the run size no config may go below. ValueError when it is invalid."""
    recorded = {k: v for k, v in data.items() if k not in ("reps", "days")}
    expect, problems = read_policy(recorded, "")
    if problems:
        raise ValueError(str(problems[0]).lstrip(": "))
    return dataclasses.replace(expect, reps=int(data["reps"]), days=float(data["days"]))
