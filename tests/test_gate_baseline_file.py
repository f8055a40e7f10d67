"""The regression gate fails closed on a hand-edited baseline and says exactly what it paired.

A baseline (``results/baselines/<name>.json``) is committed and reviewed like a config, so the
gate treats it as input: every KPI list has exactly ``reps`` values, the recorded policy is
held to the rules of a scenario's ``expect:`` block, the file is its scenario's own, and every
problem names the path inside the file (exit 2, nothing simulated). A run that would not share
its baseline's random numbers (another seed, days, warm-up, drain or start weekday) is invalid
input too, until ``--update-baselines`` re-makes the baseline; ``--update-baselines`` writes
every baseline or none; the ``--junit`` and ``--summary`` files never show an earlier run's
verdict (docs/ci.md). The scenarios are the tiny test county
tests/check/tiny.yaml (6 replications of 3 days, seed 11) and variants of it.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml

from sim.cli.check_inputs import shown
from sim.cli.commands import check as check_command
from sim.gate.baseline import read_baseline
from tests.conftest import CHECK_TINY as TINY
from tests.conftest import check


def edit(folder: Path, change) -> Path:
    """Edit the tiny county's baseline in ``folder`` by hand: ``change(data)``."""
    path = folder / "check_tiny.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def copy_of_tiny(tmp_path: Path, run: dict | None = None, **expect) -> Path:
    """A copy of the tiny county (same name, no ``extends:``) with ``run`` and ``expect`` keys changed."""
    data = yaml.safe_load(TINY.read_text(encoding="utf-8"))
    for key in ("towns_csv", "places_csv"):
        data["geography"][key] = str(TINY.parent / data["geography"][key])
    data["run"].update(run or {})
    data["expect"].update(expect)
    path = tmp_path / "copy.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


# ------------------------------------------------------------------ 1. values per replication


def test_kpi_lists_shorter_than_reps_are_invalid_input_in_one_line(capsys, baselines, no_simulation):
    path = edit(baselines, lambda d: d.update(kpis={k: v[:1] for k, v in d["kpis"].items()}))
    status, out, err = check(capsys, TINY, "--baselines", baselines)
    assert status == 2
    assert err.splitlines() == [
        f"{path}: kpis: {len(json.loads(path.read_text())['kpis'])} KPIs (urban_10min, "
        "urban_10min_acceptance, urban_10min_arrival, ...) have 1 value(s); expected exactly 6, one "
        "per replication (the baseline's reps)"
    ]
    edit(baselines, lambda d: d["kpis"].update(urban_10min=[0.9] * 7, rural_same_day=[0.9] * 7))
    assert (
        "KPIs (urban_10min, rural_same_day) have 7 value(s)"
        in check(capsys, TINY, "--baselines", baselines)[2]
    )


def test_a_kpi_the_baseline_has_no_value_for_fails_when_the_run_has_values(capsys, baselines):
    edit(baselines, lambda d: d["kpis"].update(urban_10min=[None] * 6))
    status, out, _ = check(capsys, TINY, "--baselines", baselines)
    assert status == 1
    line = next(
        line for line in out.splitlines() if "check_tiny: urban_10min = " in line and "baseline" in line
    )
    assert "has a value in 6 of 6 replications, but the baseline has no value for it" in line
    assert line.endswith("accept it with --update-baselines and commit the baseline")
    # undefined in both (a KPI without orders of its kind, accepted so) still passes
    edit(baselines, lambda d: d["kpis"].update(urban_10min=[None] * 6, escalation_rate=[None] * 6))
    assert "escalation_rate = " in check(capsys, TINY, "--baselines", baselines)[1]


# ------------------------------------------------------------------ 2. the recorded policy


@pytest.mark.parametrize(
    "threshold, why",
    [
        ("banana", "'banana' is not a threshold"),
        (">= 1.5", "1.5 is not a share; expected a number from 0 to 1"),
    ],
)
def test_the_recorded_policy_is_checked_as_an_expect_block(capsys, baselines, no_simulation, threshold, why):
    path = edit(baselines, lambda d: d["policy"]["kpis"].update(urban_10min=threshold))
    status, _, err = check(capsys, TINY, "--baselines", baselines)
    assert status == 2
    assert err.splitlines() == [f"{path}: policy.kpis.urban_10min: {why}" + err.split(why, 1)[1].rstrip("\n")]


def test_a_baseline_without_its_policy_is_invalid_and_cannot_license_a_relaxation(
    tmp_path, capsys, baselines, no_simulation
):
    relaxed = copy_of_tiny(tmp_path, kpis={"rural_same_day": ">= 0.90"})  # urban_10min dropped
    path = edit(baselines, lambda d: d.pop("policy"))
    status, _, err = check(capsys, relaxed, "--baselines", baselines)
    assert status == 2
    assert err.splitlines() == [
        f"{path}: policy: missing; expected a baseline written by `run.py check --update-baselines`"
    ]
    edit(baselines, lambda d: d.update(policy={"kpis": {}}))  # the other keys' lenient defaults
    err = check(capsys, relaxed, "--baselines", baselines)[2]
    assert f"{path}: policy.confidence: missing" in err and f"{path}: policy.watch: missing" in err


def test_a_copied_baseline_and_impossible_run_sizes_are_refused_each_by_path(
    capsys, baselines, no_simulation
):
    def spoil(d):
        d.update(scenario="pingyang", days=0, reps=1, seed=-1)
        d["kpis"]["urban_10min"][3] = "abc"

    path = edit(baselines, spoil)
    status, _, err = check(capsys, TINY, "--baselines", baselines)
    assert status == 2
    assert err.splitlines() == [
        f"{path}: seed: -1 is out of range; expected a whole number >= 0 and <= 1e+12",
        f"{path}: days: 0 is out of range; expected a number > 0",
        f"{path}: reps: 1 is out of range; expected a whole number >= 2",
        f"{path}: scenario: 'pingyang' is not this file's name; expected 'check_tiny' (a baseline "
        "belongs to the scenario it is named after: a copied file is not its baseline)",
        f"{path}: kpis.urban_10min[3]: 'abc' is not a number or null",
    ]


def test_baseline_errors_name_the_path_inside_the_file(capsys, baselines, no_simulation):
    path = edit(baselines, lambda d: d.update(reps="ten"))
    status, _, err = check(capsys, TINY, "--baselines", baselines)
    assert status == 2
    assert err.splitlines() == [f"{path}: reps: 'ten' is not a whole number; expected a whole number >= 2"]


# ------------------------------------------------------------------ 4, 5. what is paired


def test_new_baselines_record_the_drain_and_the_start_weekday(baselines):
    data = json.loads((baselines / "check_tiny.json").read_text(encoding="utf-8"))
    assert (data["drain_days"], data["start_weekday"]) == (0.5, 0)
    assert read_baseline(baselines / "check_tiny.json").drain_days == 0.5


@pytest.mark.parametrize(
    "run, expect, why",
    [
        ({}, {"seed": 7}, "expect.seed: 11 -> 7"),
        ({"seed": 7}, {}, "run.seed: 11 -> 7"),  # the seed of a config without expect.seed
        ({}, {"days": 4}, "expect.days: 3 -> 4"),  # longer days: other orders from day 1 on
        ({"warmup_days": 1.0}, {}, "run.warmup_days: 0.5 -> 1"),
        ({"drain_days": 1.0}, {}, "run.drain_days: 0.5 -> 1"),
        ({"start_weekday": 3}, {}, "run.start_weekday: 0 -> 3"),
    ],
)
def test_a_run_that_would_not_pair_with_its_baseline_is_invalid_input(
    tmp_path, capsys, baselines, no_simulation, run, expect, why
):
    copy = copy_of_tiny(tmp_path, run, **expect)
    status, out, err = check(capsys, copy, "--baselines", baselines)
    assert status == 2, out
    assert err.splitlines() == [
        f"{copy}: {why} since the baseline {baselines / 'check_tiny.json'} was made: the check would "
        "not share its random numbers, and an unpaired comparison misses worsenings the paired one "
        f"catches; expected {why.split(' ')[1]}, or the baseline re-made at the new settings with "
        "--update-baselines, in review, in a change of its own (so that the review sees what the "
        "settings alone move)"
    ]


def test_every_setting_that_breaks_the_pairing_is_listed_at_once(tmp_path, capsys, baselines, no_simulation):
    copy = copy_of_tiny(tmp_path, {"drain_days": 1.0, "start_weekday": 3}, seed=7, days=4)
    status, _, err = check(capsys, copy, "--baselines", baselines)
    assert status == 2
    keys = [line.split(": ")[1] for line in err.splitlines()]
    assert keys == ["expect.seed", "expect.days", "run.drain_days", "run.start_weekday"], err


def test_remaking_the_baseline_accepts_other_settings_and_pairs_again(tmp_path, capsys, baselines):
    copy = copy_of_tiny(tmp_path, {"drain_days": 1.0})
    status, out, _ = check(capsys, copy, "--baselines", baselines, "--update-baselines")
    assert status == 0 and "run.drain_days 0.5 (this run: 1)" in out
    status, out, _ = check(capsys, copy, "--baselines", baselines)
    assert status == 0 and "paired with the baseline" in out and "(welch)" not in out


def test_a_baseline_that_does_not_record_the_drain_is_invalid_until_remade(capsys, baselines):
    path = edit(baselines, lambda d: [d.pop("drain_days"), d.pop("start_weekday")])
    status, out, err = check(capsys, TINY, "--baselines", baselines)
    assert status == 2, out
    why = (
        f"not recorded, so the check of {shown(TINY)} cannot be shown to share this baseline's "
        "random numbers (a paired comparison); expected a baseline that records it, re-made with "
        "--update-baselines, in review, in a change of its own"
    )
    assert err.splitlines() == [f"{path}: drain_days: {why}", f"{path}: start_weekday: {why}"]
    assert check(capsys, TINY, "--baselines", baselines, "--update-baselines")[0] == 0
    status, out, _ = check(capsys, TINY, "--baselines", baselines)
    assert status == 0 and "paired with the baseline" in out


def test_more_replications_than_the_baseline_are_paired_on_its_own(tmp_path, capsys, baselines):
    status, out, _ = check(capsys, copy_of_tiny(tmp_path, reps=8), "--baselines", baselines)
    assert status == 0
    assert "paired on the first 6 of 8 replications, the baseline's" in out


# ------------------------------------------------------------------ 6. all baselines or none


def test_an_interrupted_update_writes_no_baseline(tmp_path, capsys, baselines, monkeypatch):
    other = tmp_path / "other.yaml"  # a second scenario, simulated after the tiny county
    other.write_text(yaml.safe_dump({"extends": str(TINY), "name": "other"}), encoding="utf-8")
    before = (baselines / "check_tiny.json").read_bytes()
    real = check_command.run_replications

    def interrupted(scenario, *args, **kwargs):
        if scenario.name == "other":
            raise KeyboardInterrupt  # Ctrl-C, or SIGTERM (a cancelled CI job)
        return real(scenario, *args, **kwargs)

    monkeypatch.setattr(check_command, "run_replications", interrupted)
    weaker = copy_of_tiny(tmp_path, seed=12)  # a new baseline for check_tiny would differ
    status, _, err = check(capsys, weaker, other, "--baselines", baselines, "--update-baselines")
    assert status == 130
    assert "interrupted: no baseline written" in err
    assert (baselines / "check_tiny.json").read_bytes() == before
    assert sorted(p.name for p in baselines.iterdir()) == ["check_tiny.json"]


def test_a_baseline_write_that_fails_leaves_every_old_baseline(tmp_path, capsys, baselines, monkeypatch):
    # a full disk while writing the second of two baselines: the first is not replaced either
    import sim.reporting.files as files

    other = tmp_path / "other.yaml"
    other.write_text(yaml.safe_dump({"extends": str(TINY), "name": "other"}), encoding="utf-8")
    before = (baselines / "check_tiny.json").read_bytes()
    real = files.stage_bytes

    def full_disk(path, data):
        if Path(path).name == "other.json":
            raise OSError(28, "No space left on device", str(path))
        return real(path, data)

    monkeypatch.setattr(files, "stage_bytes", full_disk)
    weaker = copy_of_tiny(tmp_path, seed=12)  # a new baseline for check_tiny would differ
    status, _, err = check(capsys, weaker, other, "--baselines", baselines, "--update-baselines")
    assert status == 2 and err.rstrip().splitlines()[-1].startswith(str(baselines / "other.json")), err
    assert "No space left on device" in err and "Traceback" not in err
    assert (baselines / "check_tiny.json").read_bytes() == before
    assert sorted(p.name for p in baselines.iterdir()) == ["check_tiny.json"]  # no temporary left


# ------------------------------------------------------------------ 7. report files


def test_reports_of_an_earlier_run_are_replaced_before_simulating(tmp_path, capsys, monkeypatch):
    junit, summary = tmp_path / "j.xml", tmp_path / "s.md"
    junit.write_text("<testsuites tests='8' failures='0'/>", encoding="utf-8")  # an earlier pass
    summary.write_text("## ✅ Red Vest regression gate: PASSED\n", encoding="utf-8")

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(check_command, "run_replications", interrupted)
    status, _, _ = check(capsys, TINY, "--allow-new", "--junit", junit, "--summary", summary)
    assert status == 130
    assert summary.read_text(encoding="utf-8").startswith("## ⏳ Red Vest regression gate: IN PROGRESS")
    root = ET.parse(junit).getroot()
    assert (root.get("tests"), root.get("errors")) == ("1", "1")
    assert "in progress" in root.find(".//error").get("message")


def test_an_unwritable_report_path_is_refused_naming_its_flag(tmp_path, capsys, no_simulation):
    for option in ("--summary", "--junit"):
        status, _, err = check(capsys, TINY, "--allow-new", option, "/proc/x.md")
        assert status == 2
        assert len(err.splitlines()) == 1 and err.startswith(f"/proc/x.md: {option}: cannot write in /proc (")


# ------------------------------------------------------------------ 8. messages


def test_an_invalid_run_says_nothing_was_simulated(tmp_path, capsys, baselines, no_simulation):
    edit(baselines, lambda d: d.update(reps="ten", days=-1))
    status, out, _ = check(capsys, TINY, "--baselines", baselines)
    assert status == 2
    assert out.rstrip().splitlines()[-1] == (
        "INVALID INPUT: 2 problem(s), nothing simulated; 1 invalid input file(s)"
    )


def test_failure_lines_end_with_what_to_do(tmp_path, capsys, baselines):
    fewer = {
        "teams": {
            "village_members_community": 3,
            "village_members_village": 3,
            "town": {"members": 3},
            "county": {"members": 3},
        }
    }
    weak = tmp_path / "weak.yaml"
    weak.write_text(yaml.safe_dump({"extends": str(TINY), **fewer}), encoding="utf-8")
    status, out, _ = check(capsys, weak, "--baselines", baselines)
    assert status == 1
    failures = out.split("\nFailures:\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert any("misses the threshold" in f for f in failures)
    assert any("is worse than the baseline" in f for f in failures)
    for line in failures:
        assert line.endswith(
            (
                "accept it with --update-baselines and commit the baseline",
                "in review, with --update-baselines",
            )
        ), line


def test_an_uncertain_threshold_line_says_what_narrows_it(tmp_path, capsys, baselines):
    close = tmp_path / "close.yaml"  # the county's 97.8% [lower bound 96.8%] against 97.5%
    close.write_text(
        yaml.safe_dump({"extends": str(TINY), "expect": {"kpis": {"urban_10min": ">= 0.975"}}}),
        encoding="utf-8",
    )
    status, out, _ = check(capsys, close, "--baselines", baselines)
    assert status == 1
    line = next(line for line in out.splitlines() if "is not shown to meet the threshold >= 97.5%" in line)
    assert line.endswith(
        "; more replications (expect.reps) narrow the interval; if the change is meant, change the "
        "threshold in the policy file (the scenario or the one it extends), in review, with "
        "--update-baselines"
    )


# ------------------------------------------------------------------ a review's findings


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d.update(reps=10**400),
        lambda d: d.update(seed=10**400),
        lambda d: d["kpis"]["urban_10min"].__setitem__(0, 10**400),
    ],
    ids=["reps", "seed", "value"],
)
def test_a_number_too_large_for_a_float_is_invalid_input_not_a_crash(
    capsys, baselines, no_simulation, change
):
    edit(baselines, change)
    status, _, err = check(capsys, TINY, "--baselines", baselines)
    assert status == 2 and "Traceback" not in err and "check_tiny.json: " in err, err


def test_a_baseline_nested_too_deep_is_invalid_input(capsys, baselines, no_simulation):
    (baselines / "check_tiny.json").write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    status, _, err = check(capsys, TINY, "--baselines", baselines)
    assert status == 2 and "nested too deep" in err and "Traceback" not in err


def test_the_unpaired_note_gives_seeds_in_full():
    baseline = read_baseline(Path(__file__).parents[1] / "results" / "baselines" / "pingyang.json")
    b = baseline
    differ, _ = b.unpaired_because(20220602, b.days, b.warmup_days, b.drain_days, b.start_weekday)
    assert differ == ["seed 20220601 (this run: 20220602)"]


@pytest.mark.parametrize("option", ["--summary", "--junit"])
def test_a_report_path_that_would_overwrite_an_input_is_refused(
    tmp_path, capsys, baselines, no_simulation, option
):
    scenario = tmp_path / "tiny.yaml"
    scenario.write_bytes(TINY.read_bytes())  # (refused before it is read: its data paths do not matter)
    kept = {p: p.read_bytes() for p in (scenario, baselines / "check_tiny.json")}
    for target in kept:
        status, _, err = check(capsys, scenario, "--baselines", baselines, option, target)
        assert status == 2 and f"{option} names a scenario or baseline file" in err, err
    assert {p: p.read_bytes() for p in kept} == kept


def test_a_relaxed_policy_and_a_lost_pairing_are_listed_together(tmp_path, capsys, baselines, no_simulation):
    # a shorter warm-up and a lower threshold (the policy's own rules) beside another seed: every
    # problem at once, each key once (the warm-up is not said again as a lost pairing)
    kpis = {"urban_10min": ">= 0.70", "rural_same_day": ">= 0.90"}
    copy = copy_of_tiny(tmp_path, {"warmup_days": 0.25}, seed=7, kpis=kpis)
    status, _, err = check(capsys, copy, "--baselines", baselines)
    assert status == 2
    keys = [line.split(": ")[1] for line in err.splitlines()]
    assert sorted(keys) == ["expect.kpis.urban_10min", "expect.seed", "run.warmup_days"], err
