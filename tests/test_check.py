"""The regression gate (`run.py check`): thresholds, baselines, exit codes, JUnit and Markdown.

Scenarios are variants of tests/check/tiny.yaml, a four-place county that meets its promises
comfortably (urban_10min >= 0.80 and rural_same_day >= 0.90 in its expect: block); each check
runs 6 replications of 3 days, a tenth of a second.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest
import yaml
from scipy import stats

from sim.cli.main import REPO, main
from sim.config.load import load_scenario
from sim.config.scenario import Expect, Run, Scenario
from sim.gate.baseline import Baseline, read_baseline
from sim.gate.check import evaluate
from sim.gate.expectations import expect_problems
from sim.results.kpi_catalogue import KPI_INFO
from tests.conftest import CHECK_TINY as TINY
from tests.conftest import check

FEWER_VOLUNTEERS = {
    "teams": {
        "village_members_community": 3,
        "village_members_village": 3,
        "town": {"members": 3},
        "county": {"members": 3},
    }
}


def variant(tmp_path: Path, overrides: dict, file: str = "variant.yaml") -> Path:
    """A scenario file extending the tiny test county with ``overrides``."""
    path = tmp_path / file
    path.write_text(yaml.safe_dump({"extends": str(TINY), **overrides}, allow_unicode=True), encoding="utf-8")
    return path


def test_update_writes_a_baseline_of_per_replication_values(baselines):
    data = json.loads((baselines / "check_tiny.json").read_text(encoding="utf-8"))
    assert (data["scenario"], data["seed"], data["days"], data["reps"]) == ("check_tiny", 11, 3, 6)
    assert data["engine_version"]
    assert len(data["kpis"]["urban_10min"]) == 6
    assert len(set(data["kpis"]["urban_10min"])) > 1  # one value per replication


def test_config_equal_to_its_baseline_passes_with_zero_paired_difference(tmp_path, capsys, baselines):
    status, out, _ = check(capsys, TINY, "--baselines", baselines, "--junit", tmp_path / "j.xml")
    assert status == 0
    assert "PASSED: 10 of 10" in out
    # a green gate is not read as promises kept: the promises' own verdicts are counted apart
    assert "; the scenarios' promises (not gated): 2 met, 1 missed, 1 no data, 2 uncertain" in out
    cases = ET.parse(tmp_path / "j.xml").getroot().iter("testcase")
    assert [c.get("name") for c in cases] == [
        "urban_10min",
        "rural_same_day",
        "urban_10min_arrival",
        "rural_by_midnight",
        "open_overnight_per_1000",
        "open_overnight_per_week",
        "professional_same_day",
        "response_p90_urban",
        "escalation_rate",
        "cancellation_rate",
    ]
    rows = [line for line in out.splitlines() if line.startswith("check_tiny  ")]
    assert len(rows) == 10
    # (the tiny county has no professional items: that promise has no data, in both runs alike)
    (empty,) = [r for r in rows if "n/a (paired, too few values)" in r]
    assert empty.startswith("check_tiny  professional_same_day ") and "no data" in empty
    assert all(re.search(r"  0\.0+( pp)? \(paired\)", r) for r in rows if r != empty), (
        rows
    )  # no sign on a zero


def test_weakened_config_fails_naming_kpi_threshold_and_estimate(tmp_path, capsys, baselines):
    weak = variant(tmp_path, FEWER_VOLUNTEERS)
    status, out, _ = check(capsys, weak, "--baselines", baselines)
    assert status == 1
    match = re.search(
        r"check_tiny: urban_10min = ([\d.]+)% \(95% upper bound ([\d.]+)%, 6 "
        r"replications\) misses the threshold >= 80\.0%",
        out,
    )
    assert match, out
    estimate, bound = float(match[1]), float(match[2])
    assert estimate <= bound < 80.0
    assert "FAILED" in out


def test_significant_worsening_against_the_baseline_fails_though_thresholds_hold(tmp_path, capsys, baselines):
    # without village volunteers the town station still answers most urban orders in time
    weak = variant(tmp_path, {"teams": {"village_members_community": 0, "village_members_village": 0}})
    status, out, _ = check(capsys, weak, "--baselines", baselines)
    assert status == 1
    assert "does not meet the threshold" not in out
    assert re.search(
        r"check_tiny: urban_10min = [\d.]+% is worse than the baseline [\d.]+%: "
        r"paired difference -[\d.]+ pp \(99% bound -[\d.]+ pp\), minimum effect "
        r"2\.0 pp",
        out,
    ), out


NO_VILLAGE_VOLUNTEERS = {"teams": {"village_members_community": 0, "village_members_village": 0}}


@pytest.mark.parametrize("teams", [{}, NO_VILLAGE_VOLUNTEERS], ids=["unchanged", "worsened"])
def test_a_reseeded_config_is_invalid_input_until_its_baseline_is_remade(
    tmp_path, capsys, baselines, no_simulation, teams
):
    # another seed loses the pairing with the baseline: the gate must not judge the config by
    # the several times wider unpaired interval, least of all a config that also worsens a KPI
    reseeded = variant(tmp_path, {**teams, "expect": {"seed": 12345}})
    for extra in ((), ("--allow-new",)):  # --allow-new concerns missing baselines only
        status, out, err = check(capsys, reseeded, "--baselines", baselines, *extra)
        assert status == 2, out
        assert err.splitlines() == [
            f"{reseeded}: expect.seed: 11 -> 12345 since the baseline {baselines / 'check_tiny.json'} "
            "was made: the check would not share its random numbers, and an unpaired comparison "
            "misses worsenings the paired one catches; expected 11, or the baseline re-made at the "
            "new settings with --update-baselines, in review, in a change of its own (so that the "
            "review sees what the settings alone move)"
        ]
        assert "INVALID INPUT: 1 problem(s), nothing simulated" in out


def test_a_reseeded_config_passes_paired_once_its_baseline_is_remade(tmp_path, capsys, baselines):
    reseeded = variant(tmp_path, {"run": {"seed": 12345}})  # run.seed: expect.seed is unset
    status, _, err = check(capsys, reseeded, "--baselines", baselines)
    assert status == 2 and "run.seed: 11 -> 12345 since the baseline" in err
    status, out, _ = check(capsys, reseeded, "--baselines", baselines, "--update-baselines")
    assert status == 0  # the run shows the unpaired comparison with the baseline it replaces
    assert "unpaired (Welch)" in out and "(welch)" in out
    status, out, _ = check(capsys, reseeded, "--baselines", baselines)
    assert status == 0 and "(welch)" not in out
    assert "paired with the baseline" in out and "seed 12345" in out


def _scenario(**expect) -> Scenario:
    return Scenario(name="s", run=Run(days=3, warmup_days=0, seed=1), expect=Expect(watch=[], **expect))


def _baseline(values: list[float], seed: int = 1) -> Baseline:
    return Baseline("s", seed, 3.0, 0.0, len(values), "test", {"urban_10min": values})


def test_a_worsening_fails_only_when_confidently_beyond_the_minimum_effect():
    base = [0.95, 0.96, 0.97, 0.955, 0.965, 0.975]
    scenario = _scenario(kpis={"urban_10min": ">= 0.5"})

    def judged(shift: float, seed: int = 1):
        new = {"urban_10min": list(np.array(base) + shift)}
        return evaluate(scenario, seed, new, _baseline(base))[0]

    small = judged(-0.01)  # significant (no noise in the paired differences) but < 0.02
    assert small.comparison == "paired" and not small.failed
    assert judged(-0.03).baseline_failed
    assert not judged(+0.05).failed  # better is never a failure
    welch = judged(-0.03, seed=2)  # another seed: no pairing; the noise hides 3 points
    assert welch.comparison == "welch" and not welch.failed
    assert judged(-0.2, seed=2).baseline_failed


@pytest.mark.parametrize("significance", [0.01, 0.05])
def test_the_baseline_comparison_is_one_sided_at_the_significance_level(significance):
    """The worsening's bound is Student t's one-sided at 1 - significance on the paired
    differences: a mean worsening a hair (2% of the standard error) beyond the minimum effect
    plus t x se fails, a hair short of it passes. Any other level (two-sided, or another
    quantile) moves the bound by far more than the hair and flips one of the two verdicts."""
    kpi, effect = "response_p90_urban", 1.0  # minutes, lower is better
    scenario = Scenario(
        name="s",
        run=Run(days=3, warmup_days=0, seed=1),
        expect=Expect(watch=[kpi], significance=significance, min_effect={kpi: effect}),
    )
    base = np.array([7.0, 8.0, 7.5, 8.2, 6.9, 7.7])
    noise = np.array([-1.0, 1.0, -1.0, 1.0, 0.5, -0.5])
    se = noise.std(ddof=1) / np.sqrt(len(noise))
    t = stats.t.ppf(1 - significance, len(noise) - 1)
    for hair, fails in ((0.02, True), (-0.02, False)):
        worsening = effect + (t + hair) * se  # mean of the paired differences, minutes
        new = {kpi: list(base + worsening + noise)}
        out = evaluate(scenario, 1, new, Baseline("s", 1, 3.0, 0.0, 6, "test", {kpi: list(base)}))[0]
        assert out.comparison == "paired" and out.baseline_failed == fails, (hair, out.difference)
        assert out.difference["low"] == pytest.approx(effect + hair * se)
        assert fails == any(f"({1 - significance:.0%} bound" in m for m in out.messages)


def test_threshold_needs_the_one_sided_bound_on_the_right_side():
    values = [2.0, 4.0, 6.0, 3.0, 5.0, 4.0]  # mean 4 <= 5, but the upper bound is above 5
    s = np.array(values)
    upper = s.mean() + stats.t.ppf(0.95, 5) * s.std(ddof=1) / np.sqrt(6)

    def judged(threshold: str, **expect):
        scenario = _scenario(kpis={"open_overnight_per_week": threshold}, **expect)
        return evaluate(scenario, 1, {"open_overnight_per_week": values}, None)[0]

    straddles = judged("<= 5")
    assert straddles.verdict == "uncertain" and straddles.failed
    assert straddles.bound == pytest.approx(upper)
    assert "(95% upper bound" in straddles.messages[0]
    assert "is not shown to meet the threshold <= 5.00" in straddles.messages[0]
    assert not judged("<= 5", uncertain="pass").failed  # fails only when shown missed
    missed = judged("<= 2", uncertain="pass")  # even the lower bound is above 2
    assert missed.verdict == "missed" and missed.failed
    assert "(95% lower bound" in missed.messages[0] and "misses the threshold" in missed.messages[0]
    met = judged("<= 6")
    assert met.verdict == "met" and not met.failed and met.comparison == "no baseline"


def test_invalid_expect_block_is_reported_line_by_line(tmp_path, capsys):
    bad = variant(
        tmp_path,
        {
            "expect": {
                "kpis": {
                    "urban_10mni": ">= 0.9",
                    "rural_same_day": "at least 0.9",
                    "cancellation_rate": "<= 5",
                    "town.Alpah.compliance": ">= 0.9",
                    "town.Beta.compliance": ">= 0.5",
                },
                "min_effect": {"escalation": 0.1},
                "watch": ["orders_per_day"],
                "reps": 1,
            }
        },
    )
    status, _, err = check(capsys, bad)
    assert status == 2
    lines = err.strip().splitlines()
    expected = [
        "expect.kpis.urban_10mni: unknown KPI; did you mean 'urban_10min'?",
        "expect.kpis.rural_same_day: 'at least 0.9' is not a threshold; expected text like",
        "expect.kpis.cancellation_rate: 5 is not a share; expected a number from 0 to 1",
        "expect.kpis.town.Alpah.compliance: unknown town 'Alpah'; did you mean 'town.Alpha.compliance'?",
        "expect.min_effect.escalation: unknown KPI; did you mean 'escalation_rate'?",
        "expect.watch[0]: orders_per_day has no better direction",
        "expect.reps: 1 is out of range; expected a whole number >= 2",
    ]
    for text in expected:
        assert sum(text in line for line in lines) == 1, (text, lines)
    assert all(line.startswith(str(bad)) for line in lines)
    assert not any("Beta" in line for line in lines)
    assert main(["validate", str(bad)]) == 2  # `validate` sees the same problems


def bundled_scenarios() -> list:
    """The scenarios .ci/run checks: Pingyang and its policy variants (not the sweep files)."""
    return [REPO / "scenarios" / "pingyang.yaml", *sorted((REPO / "scenarios" / "policies").glob("*.yaml"))]


def test_bundled_expect_blocks_are_valid():
    for path in bundled_scenarios():
        assert expect_problems(load_scenario(path)) == []


def test_junit_and_summary_count_every_scenario_and_kpi(tmp_path, capsys, baselines):
    weak = variant(tmp_path, {"name": "weak", **FEWER_VOLUNTEERS}, "weak.yaml")
    junit, summary = tmp_path / "out" / "check.xml", tmp_path / "out" / "summary.md"
    status, out, _ = check(
        capsys, TINY, weak, "--baselines", baselines, "--junit", junit, "--summary", summary
    )
    assert status == 1
    root = ET.parse(junit).getroot()
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == ["check_tiny", "weak"]
    failures = root.findall(".//failure")
    table_fails = [line for line in out.splitlines() if "FAIL (" in line]
    assert len(failures) == len(table_fails) >= 1
    assert all(line.startswith("weak ") for line in table_fails)
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("20", str(len(failures)), "0")
    for suite in suites:
        assert (suite.get("tests"), suite.get("errors")) == ("10", "0")
        assert suite.get("failures") == str(len(suite.findall(".//failure")))
    assert any("urban_10min" in f.get("message") and ">= 80.0%" in f.get("message") for f in failures)
    text = summary.read_text(encoding="utf-8")
    assert text.count("\n| check_tiny |") == 10 and text.count("\n| weak |") == 10


def test_an_invalid_input_is_reported_before_anything_is_simulated(tmp_path, capsys, baselines):
    weak = variant(tmp_path, {"name": "weak", **FEWER_VOLUNTEERS}, "weak.yaml")
    broken = tmp_path / "broken.yaml"
    broken.write_text("name: broken\nteams: {members_villag: 3}\n", encoding="utf-8")
    junit, summary = tmp_path / "out" / "check.xml", tmp_path / "out" / "summary.md"
    status, out, err = check(
        capsys, TINY, weak, broken, "--baselines", baselines, "--junit", junit, "--summary", summary
    )
    assert status == 2
    assert "members_villag: unknown key" in err and "Nothing simulated" in out
    root = ET.parse(junit).getroot()
    assert [s.get("name") for s in root.findall("testsuite")] == [str(broken)]
    assert (root.get("tests"), root.get("errors")) == ("1", "1")
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("## ⚠️ Red Vest regression gate: INVALID INPUT")
    assert "### Invalid input" in text and "members_villag" in text
    assert "\n| check_tiny |" not in text and "\n| weak |" not in text


def test_update_rewrites_only_valid_scenarios_and_replaces_an_unreadable_baseline(tmp_path, capsys):
    folder = tmp_path / "baselines"
    folder.mkdir()
    (folder / "check_tiny.json").write_text("{not json", encoding="utf-8")
    status, _, err = check(capsys, TINY, "--baselines", folder)
    assert status == 2 and "check_tiny.json: not valid JSON" in err
    broken = variant(tmp_path, {"name": "broken", "expect": {"kpis": {"urban": ">= 1"}}})
    status, _, _ = check(capsys, TINY, broken, "--baselines", folder, "--update-baselines")
    assert status == 2  # an invalid input: nothing simulated, no baseline written
    assert (folder / "check_tiny.json").read_text(encoding="utf-8") == "{not json"
    assert sorted(p.name for p in folder.iterdir()) == ["check_tiny.json"]
    status, _, _ = check(capsys, TINY, "--baselines", folder, "--update-baselines")
    assert status == 0
    assert read_baseline(folder / "check_tiny.json").reps == 6


def test_folder_is_expanded_and_names_must_be_unique(tmp_path, capsys):
    folder = tmp_path / "policies"
    variant(folder.mkdir() or folder, {"name": "a"}, "a.yaml")
    variant(folder, {"name": "b"}, "nested.yaml")
    (tmp_path / "none").mkdir()
    status, out, _ = check(capsys, folder, "--baselines", tmp_path / "none", "--allow-new")
    assert status == 0 and "in 2 scenario(s)" in out
    variant(folder, {"name": "a"}, "again.yaml")
    status, _, err = check(capsys, folder, "--baselines", tmp_path / "none", "--allow-new")
    assert status == 2 and "expected unique names" in err
    assert check(capsys, tmp_path / "missing.yaml")[0] == 2


def test_bundled_scenarios_have_committed_baselines_of_their_check_run():
    """`python run.py check scenarios/pingyang.yaml scenarios/policies --update-baselines` was
    run after the last change (the scenarios .ci/run checks)."""
    for path in bundled_scenarios():
        scenario = load_scenario(path)
        baseline = read_baseline(REPO / "results" / "baselines" / f"{scenario.name}.json")
        assert baseline is not None, f"no baseline for {path}"
        seed = scenario.expect.seed if scenario.expect.seed is not None else scenario.run.seed
        run = scenario.run
        assert baseline.pairs_with(
            seed, scenario.expect.days, run.warmup_days, run.drain_days, run.start_weekday
        ), path
        assert baseline.reps == scenario.expect.reps, path


def test_docs_example_expect_block_is_valid_and_every_kpi_is_listed(tmp_path):
    text = (REPO / "docs" / "ci.md").read_text(encoding="utf-8")
    example = re.search(r"```yaml\n# example: expect\n(.*?)```", text, re.S)[1]
    path = variant(tmp_path, yaml.safe_load(example))
    expect = load_scenario(path).expect
    assert expect.kpis["town.Beta.compliance"] == ">= 0.90" and expect.min_effect
    better = {+1: "higher", -1: "lower", 0: "neutral"}
    for name, (label, unit, direction) in KPI_INFO.items():  # the table says what the outputs say
        assert f"| `{name}` | {label} | {unit} | {better[direction]} |" in text, name


# ---------------------------------------------------------------- the gate cannot be talked round

VILLAGE_CUT = {"teams": {"village_members_community": 3, "village_members_village": 3}}  # a 70% cut


def test_a_scenario_without_a_baseline_fails_unless_allowed(tmp_path, capsys, baselines):
    renamed = variant(tmp_path, {"name": "brand_new", **VILLAGE_CUT})
    status, out, _ = check(capsys, renamed, "--baselines", baselines)
    assert status == 1
    # said once for the scenario, not once per KPI (which buried the threshold failures); the
    # thresholds' failures are still each on their line
    failures = out.split("\nFailures:\n")[1].split("\n\n")[0].splitlines()
    (line,) = [s.strip() for s in failures if "no baseline at" in s]
    assert line.startswith("brand_new: no baseline at") and "--allow-new" in line
    assert "each of its 10 KPI checks fails its baseline part" in line
    weak = variant(tmp_path, {"name": "weak_new", **FEWER_VOLUNTEERS}, "weak_new.yaml")
    status, out, _ = check(capsys, weak, "--baselines", baselines)
    failures = out.split("\nFailures:\n")[1].split("\n\n")[0].splitlines()
    assert sum("no baseline at" in s for s in failures) == 1
    assert any("misses the threshold" in s for s in failures), failures
    status, out, _ = check(
        capsys, variant(tmp_path, {"name": "fine_new"}), "--baselines", baselines, "--allow-new"
    )
    assert status == 0, out


def test_a_missing_baselines_folder_is_invalid_input(tmp_path, capsys, baselines):
    status, _, err = check(capsys, TINY, "--baselines", tmp_path / "baselnies")
    assert status == 2 and "baselnies: --baselines folder not found" in err
    status, _, err = check(capsys, TINY, "--baselines", baselines / "check_tiny.json")
    assert status == 2 and "is not a folder" in err


def test_the_default_baselines_are_those_of_the_current_folder(tmp_path, capsys, monkeypatch):
    # run from another folder, the gate neither pairs with nor writes into the repository's
    # results/baselines: the current folder has none, which is invalid input
    monkeypatch.chdir(tmp_path)
    status, _, err = check(capsys, TINY)
    assert status == 2 and "results/baselines: the default baselines folder" in err
    assert str(tmp_path) in err and "or --baselines DIR" in err  # where it looked, what to do
    status, _, err = check(capsys, TINY, "--update-baselines")  # a new folder here, not the repo's
    assert status == 0 and (tmp_path / "results" / "baselines" / "check_tiny.json").is_file()


@pytest.mark.parametrize(
    "expect, named",
    [
        ({"kpis": {"urban_10min": "__delete__"}}, "expect.kpis.urban_10min: removes the threshold"),
        (
            {"kpis": {"urban_10min": ">= 0.3"}},
            'expect.kpis.urban_10min: ">= 0.3" relaxes the threshold ">= 0.8"',
        ),
        ({"kpis": {"urban_10min": "<= 1"}}, "expect.kpis.urban_10min"),
        ({"confidence": 0.6}, "expect.confidence: 0.6 is lower than 0.95"),
        ({"uncertain": "pass"}, "expect.uncertain: pass relaxes fail"),
        ({"significance": 0.0001}, "expect.significance"),
        ({"min_effect": {"urban_10min": 0.5}}, "expect.min_effect.urban_10min: 0.5 is larger than 0.02"),
        ({"watch": []}, "expect.watch: stops watching open_overnight_per_week"),
        # a smaller run hides a worsening: with 2 replications the paired bound uses t with 1 df
        ({"reps": 2}, "expect.reps: 2 is lower than 6"),
        ({"days": 1}, "expect.days: 1 is lower than 3"),
    ],
)
def test_a_variant_cannot_relax_the_policy_of_its_base_scenario(tmp_path, capsys, baselines, expect, named):
    relaxed = variant(tmp_path, {**VILLAGE_CUT, "expect": expect})
    for extra in ((), ("--update-baselines",)):
        status, _, err = check(capsys, relaxed, "--baselines", baselines, *extra)
        assert status == 2, err
        assert named in err and f"committed policy ({TINY})" in err


def test_a_variant_may_tighten_the_policy(tmp_path, capsys, baselines):
    tight = variant(tmp_path, {"expect": {"kpis": {"urban_10min": "> 0.8"}, "confidence": 0.96}})
    assert check(capsys, tight, "--baselines", baselines)[0] == 0


def edited_tiny(tmp_path: Path, **expect) -> Path:
    """A copy of the tiny test county (no ``extends:``, same name) with ``expect`` keys changed."""
    data = yaml.safe_load(TINY.read_text(encoding="utf-8"))
    for key in ("towns_csv", "places_csv"):
        data["geography"][key] = str(TINY.parent / data["geography"][key])
    data["expect"].update(expect)
    edited = tmp_path / "edited.yaml"
    edited.write_text(yaml.safe_dump(data), encoding="utf-8")
    return edited


def test_a_top_level_config_cannot_relax_the_policy_recorded_with_its_baseline(tmp_path, capsys, baselines):
    edited = edited_tiny(tmp_path, kpis={"rural_same_day": ">= 0.90"})
    status, _, err = check(capsys, edited, "--baselines", baselines)
    assert status == 2
    assert "expect.kpis.urban_10min: removes the threshold" in err and "check_tiny.json" in err
    # accepting a new policy is an explicit, reviewed step: --update-baselines records it
    assert check(capsys, edited, "--baselines", baselines, "--update-baselines")[0] == 0
    assert json.loads((baselines / "check_tiny.json").read_text())["policy"]["kpis"] == {
        "rural_same_day": ">= 0.90"
    }
    assert check(capsys, edited, "--baselines", baselines)[0] == 0


def test_a_top_level_config_cannot_run_the_check_smaller_than_its_baseline(tmp_path, capsys, baselines):
    # the baseline was made with 6 replications of 3 days: its recorded policy runs at least that
    status, _, err = check(capsys, edited_tiny(tmp_path, reps=3, days=2), "--baselines", baselines)
    assert status == 2
    for text in ("expect.reps: 3 is lower than 6", "expect.days: 2 is lower than 3"):
        assert sum(text in line and "check_tiny.json" in line for line in err.splitlines()) == 1, err
    # a larger run is allowed, and a smaller one is accepted only with the baseline it makes
    assert check(capsys, edited_tiny(tmp_path, reps=8), "--baselines", baselines)[0] == 0
    smaller = edited_tiny(tmp_path, reps=3)
    assert check(capsys, smaller, "--baselines", baselines, "--update-baselines")[0] == 0
    assert check(capsys, smaller, "--baselines", baselines)[0] == 0


def test_a_config_cannot_warm_up_for_less_than_its_baseline(tmp_path, capsys, baselines):
    # the baseline warmed up for half a day: a config measuring from a quarter day on would count
    # more of the empty county's first morning (no night's backlog yet)
    data = yaml.safe_load(edited_tiny(tmp_path).read_text(encoding="utf-8"))
    shorter = tmp_path / "shorter.yaml"
    data["run"]["warmup_days"] = 0.25
    shorter.write_text(yaml.safe_dump(data), encoding="utf-8")
    status, _, err = check(capsys, shorter, "--baselines", baselines)
    assert status == 2
    assert (
        "run.warmup_days: 0.25 is lower than 0.5, the warm-up of the baseline" in err
        and "check_tiny.json" in err
    )
    data["run"]["warmup_days"] = 1.0  # a longer one loses the pairing with the baseline
    shorter.write_text(yaml.safe_dump(data), encoding="utf-8")
    status, _, err = check(capsys, shorter, "--baselines", baselines)
    assert status == 2 and "run.warmup_days: 0.5 -> 1 since the baseline" in err
    data["run"]["warmup_days"] = 0.25  # and a shorter one is accepted with the baseline it makes
    shorter.write_text(yaml.safe_dump(data), encoding="utf-8")
    assert check(capsys, shorter, "--baselines", baselines, "--update-baselines")[0] == 0


def test_the_run_size_recorded_with_a_baseline_is_its_own(baselines):
    from sim.gate.policy import expect_from_json, relaxations

    recorded = expect_from_json(read_baseline(baselines / "check_tiny.json").policy)
    assert (recorded.reps, recorded.days) == (6, 3.0)  # not the expect: defaults, 10 x 7 days
    larger = Expect(kpis=dict(recorded.kpis), reps=7, days=4.0, seed=99)  # and another seed
    assert relaxations(larger, recorded) == []
    with pytest.raises(ValueError, match=r"policy\.confidence: missing"):  # no lenient defaults
        expect_from_json({"kpis": {}, "reps": 6, "days": 3.0})


def test_a_variant_may_declare_a_kpi_without_orders_not_applicable(tmp_path, capsys, baselines):
    # the tiny county has no professional items: professional_same_day is undefined in every
    # replication, so "n/a" holds and the row says so
    void = variant(tmp_path, {"expect": {"kpis": {"professional_same_day": "n/a"}}})
    status, out, err = check(capsys, void, "--baselines", baselines, "--allow-new")
    assert status == 0, err
    row = next(line for line in out.splitlines() if "professional_same_day" in line)
    assert "n/a" in row and "pass" in row


def test_declaring_a_kpi_with_orders_not_applicable_fails_the_check(tmp_path, capsys, baselines):
    # replacing the base's threshold with "n/a" is not a relaxation the policy can see, so the
    # run must hold it: urban orders exist, hence the check fails naming the KPI
    hidden = variant(tmp_path, {"expect": {"kpis": {"urban_10min": "n/a"}}})
    status, out, err = check(capsys, hidden, "--baselines", baselines, "--allow-new")
    assert status == 1
    assert "urban_10min is declared 'n/a' but has orders in 6 of 6 replications" in out + err


def test_dropping_a_not_applicable_declaration_relaxes_the_policy():
    from sim.gate.policy import relaxations

    declared = Expect(kpis={"pairing_on_time": "n/a", "urban_10min": ">= 0.9"})
    assert relaxations(Expect(kpis={"urban_10min": ">= 0.9"}), declared) == [
        ("expect.kpis.pairing_on_time", 'removes the declaration "n/a"')
    ]
    assert relaxations(Expect(kpis={"pairing_on_time": ">= 0.5", "urban_10min": ">= 0.9"}), declared) == []
    # and a threshold may be declared not applicable (the run checks that it has no orders)
    assert relaxations(declared, Expect(kpis={"pairing_on_time": ">= 0.95", "urban_10min": ">= 0.9"})) == []


def test_a_difference_that_rounds_to_zero_has_no_sign():
    from sim.gate.check import fmt

    assert fmt(-0.0004, "share", difference=True, signed=True) == "0.0 pp"
    assert fmt(-0.001, "orders/week", difference=True, signed=True) == "0.00 orders/week"
    assert fmt(38.944, "orders/week") == "38.94 orders/week"  # a non-share carries its unit
    assert fmt(0.005, "share", difference=True, signed=True) == "+0.5 pp"
