"""compare judges each scenario against its own targets, with the verdict ``run`` gives the same
replications (kpis.json's, town KPIs included), in the terminal and compare.json; and a KPI that
is urban_10min under its reading's own name has no second row in the table."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from sim.cli.main import main
from sim.experiments.compare import compare_arms
from sim.experiments.compare_inputs import Arm
from sim.experiments.compare_output import table
from sim.reporting.formatting import estimate_text
from sim.reporting.kpi_summary import VERDICT_WORDS, target_text
from tests.conftest import TINY


def _row(printed: str, name: str) -> str:
    """The table row of KPI ``name`` (its first cell is the name, or the name and a label)."""
    return next(line for line in printed.splitlines() if line.split("  ")[0].split(" (= ")[0] == name)


def test_compare_gives_each_scenario_the_verdict_run_gives_it(tmp_path, capsys):
    saved = tmp_path / "saved"
    assert main(["run", str(TINY), "--reps", "3", "--jobs", "1", "--seed", "11", "--out", str(saved)]) == 0
    kpis = json.loads((saved / "kpis.json").read_text(encoding="utf-8"))["kpis"]
    capsys.readouterr()
    out = tmp_path / "cmp"
    # the saved run and the scenario file it was run from: the same replications
    args = ["compare", str(saved), str(TINY), "--jobs", "1", "--out", str(out), "--all-kpis"]
    assert main(args) == 0
    printed = capsys.readouterr().out
    result = json.loads((out / "compare.json").read_text(encoding="utf-8"))
    judged = [name for name, k in kpis.items() if "verdict" in k]
    # the zone promises, their other readings, never overnight and every town's promises
    assert {"urban_10min", "urban_10min_arrival", "rural_same_day", "open_overnight_per_1000"} <= set(judged)
    assert {"town.Alpha.urban_10min", "town.Alpha.rural_same_day", "town.Isle.compliance"} <= set(judged)
    for name in judged:
        k = kpis[name]
        for est in result["kpis"][name]["estimates"]:  # the saved run, then the YAML
            assert (est["verdict"], est["target_op"], est["target"]) == (
                k["verdict"],
                k["target_op"],
                k["target"],
            ), name
        row = _row(printed, name)
        word = VERDICT_WORDS[k["verdict"]]
        assert row.count(f"{estimate_text(k['mean'], k['unit'])} ({word})") == 2, (name, row)
        assert f"  {target_text(k)}  " in row, (name, row)
    # a KPI without a target gets no verdict, in compare.json or the table
    unjudged = result["kpis"]["escalation_rate"]["estimates"]
    assert all("verdict" not in e and "target" not in e for e in unjudged)
    assert "(" not in _row(printed, "escalation_rate").split("  ", 1)[1].split(" [")[0]


def _arm(name: str, event: str | None, targets: dict) -> Arm:
    values = [
        {"urban_10min": v, "urban_10min_acceptance": v, "urban_10min_arrival": v - 0.3} for v in (0.9, 0.89)
    ]
    return Arm(name, f"{name}.yaml", 1, 2.0, values, {}, 1.0, 1.0, 0, targets, event)


ACCEPTANCE = {"urban_10min": (">=", 0.9), "urban_10min_arrival": (">=", 0.9)}
ARRIVAL = {"urban_10min": (">=", 0.9), "urban_10min_acceptance": (">=", 0.9)}
NAMES = ["urban_10min", "urban_10min_acceptance", "urban_10min_arrival"]


def test_the_urban_promise_under_its_readings_own_name_has_one_row():
    result = compare_arms([_arm("a", "acceptance", ACCEPTANCE), _arm("b", "acceptance", ACCEPTANCE)])
    lines = table(result, NAMES).splitlines()
    firsts = [line.split("  ")[0] for line in lines[3:]]
    assert firsts == ["urban_10min (= urban_10min_acceptance)", "urban_10min_arrival"]
    assert set(result["kpis"]) == set(NAMES)  # compare.json keeps every KPI
    assert [e["urban_response_event"] for e in result["kpis"]["urban_10min"]["estimates"]] == [
        "acceptance",
        "acceptance",
    ]
    assert result["notes"] == {}
    # the headline, without the alias, is shown as it is
    assert [line.split("  ")[0] for line in table(result, ["urban_10min"]).splitlines()[3:]] == [
        "urban_10min"
    ]


def test_scenarios_counting_different_urban_responses_keep_every_row_and_a_note():
    result = compare_arms([_arm("a", "acceptance", ACCEPTANCE), _arm("b", "arrival", ARRIVAL)])
    lines = table(result, NAMES).splitlines()
    assert [line.split("  ")[0] for line in lines[3:]] == NAMES
    # each scenario judged on its own targets: the other reading's target is only the first's
    arrival = next(line for line in lines if line.startswith("urban_10min_arrival"))
    assert ">= 90.0% / no target" in arrival
    assert "(missed)" in arrival  # 59.5% against 90%: a's verdict; b has none
    assert (
        "urban_10min counts a different event as the response (a acceptance, b arrival"
        in (result["notes"]["urban_10min"])
    )


def test_compare_skips_the_alias_row_of_saved_and_simulated_arrival_scenarios(tmp_path, capsys):
    arrival = tmp_path / "arrival.yaml"
    arrival.write_text(
        yaml.safe_dump(
            {"extends": str(TINY), "name": "arrival", "targets": {"urban_response_event": "arrival"}}
        ),
        encoding="utf-8",
    )
    saved = tmp_path / "saved"
    assert main(["run", str(arrival), "--reps", "2", "--days", "1", "--jobs", "1", "--out", str(saved)]) == 0
    capsys.readouterr()
    out = tmp_path / "cmp"
    args = [
        "compare",
        str(saved),
        str(arrival),
        "--days",
        "1",
        "--jobs",
        "1",
        "--out",
        str(out),
        "--all-kpis",
    ]
    assert main(args) == 0
    firsts = [line.split("  ")[0] for line in capsys.readouterr().out.splitlines()]
    assert "urban_10min (= urban_10min_arrival)" in firsts
    assert "urban_10min_arrival" not in firsts and "urban_10min_acceptance" in firsts
    result = json.loads((Path(out) / "compare.json").read_text(encoding="utf-8"))
    events = [e["urban_response_event"] for e in result["kpis"]["urban_10min"]["estimates"]]
    assert events == ["arrival", "arrival"]
    assert "urban_10min_arrival" in result["kpis"]


def test_compare_shows_every_county_kpi_a_scenario_judges():
    from types import SimpleNamespace

    from sim.cli.commands.compare import _names

    judged = {"estimates": [{"mean": 0.97, "target": 0.95, "target_op": ">=", "verdict": "met"}]}
    plain = {"estimates": [{"mean": 0.5}]}
    result = {
        "kpis": {
            "urban_10min": judged,
            "event_on_time": judged,  # a lockdown's deliveries: judged, not in run's fixed list
            "event_close_p50": plain,
            "town.Kunyang.urban_10min": judged,
        }
    }
    names = _names(SimpleNamespace(all_kpis=False), result)
    assert names == ["urban_10min", "event_on_time"]
    assert _names(SimpleNamespace(all_kpis=True), result) == list(result["kpis"])


def _judged(name: str, values: list[float], targets: dict) -> Arm:
    """An arm whose urban_10min replications are ``values`` (and escalation_rate, no target)."""
    reps = [{"urban_10min": v, "escalation_rate": 0.4 + v / 10} for v in values]
    return Arm(name, f"{name}.yaml", 1, 2.0, reps, {}, 1.0, 1.0, 0, targets, "acceptance")


def test_a_verdict_that_changes_from_the_baseline_is_flagged_in_the_row_and_compare_json():
    target = {"urban_10min": (">=", 0.9)}
    met = _judged("base", [0.970, 0.971, 0.972], target)  # interval well above 90%
    uncertain = _judged("thin", [0.93, 0.88, 0.91], target)  # interval across 90%
    also_met = _judged("same", [0.960, 0.961, 0.962], target)
    result = compare_arms([met, uncertain, also_met])
    urban = result["kpis"]["urban_10min"]
    assert [e["verdict"] for e in urban["estimates"]] == ["met", "uncertain", "met"]
    assert [d["verdict_changed"] for d in urban["differences"]] == [True, False]
    # no target, no verdict to compare
    assert [d["verdict_changed"] for d in result["kpis"]["escalation_rate"]["differences"]] == [None, None]
    blocks = table(result, ["urban_10min", "escalation_rate"]).split("\n\n")
    changed, kept = (_row(block, "urban_10min") for block in blocks)
    assert "97.1% (met)" in changed and "90.7% (met -> uncertain)" in changed
    assert "->" not in kept and kept.count("(met)") == 2
    assert "->" not in _row(blocks[0], "escalation_rate")


def test_every_kpi_of_the_chosen_reading_gets_the_note_when_the_readings_differ():
    from types import SimpleNamespace

    from sim.experiments.compare import reading_notes

    arms = [SimpleNamespace(urban_response_event=event) for event in ("acceptance", "arrival")]
    kpis = dict.fromkeys(
        [
            "urban_10min",
            "urban_10min_night",  # a band counts urban_10min's reading
            "town.Kunyang.urban_10min",
            "town.Kunyang.urban_10min_evening",
            "urban_10min_arrival",  # one reading: comparable
            "town.Kunyang.urban_10min_arrival",
            "rural_same_day",
            "response_p90_urban",  # timed to the chosen event
            "response_p90_rural",
        ]
    )
    notes = reading_notes(arms, ["a", "b"], kpis)
    assert sorted(notes) == [
        "response_p90_urban",
        "town.Kunyang.urban_10min",
        "town.Kunyang.urban_10min_evening",
        "urban_10min",
        "urban_10min_night",
    ]
    assert reading_notes(arms[:1] * 2, ["a", "b"], kpis) == {}


def test_kpis_some_scenario_lacks_are_named_not_silently_left_out(tmp_path, capsys):
    # a results folder written before a KPI existed: compare names what it cannot compare
    import shutil

    saved = tmp_path / "saved"
    assert main(["run", str(TINY), "--reps", "2", "--days", "1", "--jobs", "1", "--out", str(saved)]) == 0
    summary = json.loads((saved / "kpis.json").read_text(encoding="utf-8"))
    for rep in summary["replications"]:
        rep.pop("urban_10min_night")
    (saved / "kpis.json").write_text(json.dumps(summary), encoding="utf-8")
    capsys.readouterr()
    out = tmp_path / "cmp"
    assert main(["compare", str(saved), str(TINY), "--days", "1", "--jobs", "1", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "note: not in every scenario, so not compared: urban_10min_night" in printed
    result = json.loads((out / "compare.json").read_text(encoding="utf-8"))
    assert result["not_compared"] == ["urban_10min_night"] and "urban_10min_night" not in result["kpis"]
    shutil.rmtree(saved)
