"""``run.py sensitivity`` on the tiny test county: the results folder (sensitivity.md and
sensitivity.json) holds the library's numbers and report, it is replaced whole, an interrupted
run keeps the previous one, and a wrong input is refused in one line before anything is
simulated or written."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sim.cli.main import REPO, main
from sim.config.load import load_scenario
from sim.experiments.assumptions import choose
from sim.experiments.sensitivity import HEADLINE, run_study
from sim.experiments.sensitivity_report import markdown
from sim.reporting.files import jsonable
from sim.reporting.folder import MARKER
from tests.conftest import TINY

SIZE = ["--days", "1", "--reps", "2", "--jobs", "1"]
CHOICE = ["--only", "order_rate,patience", "--vary", "teams.show_up=0.05,x1"]


def sensitivity(capsys, out: Path | None, *extra: str) -> tuple[int, str, str]:
    """Run the command on the tiny county; (exit status, stdout, stderr)."""
    where = [] if out is None else ["--out", str(out)]
    status = main(["sensitivity", str(TINY), *SIZE, *where, *extra])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def folder(out: Path) -> dict[str, bytes]:
    """Every file of a results folder, by name."""
    return {p.name: p.read_bytes() for p in sorted(out.iterdir())}


def test_the_folder_holds_the_librarys_report_and_numbers(tmp_path, capsys):
    out = tmp_path / "out"
    status, stdout, err = sensitivity(capsys, out, *CHOICE)
    assert status == 0, err
    assert sorted(p.name for p in out.iterdir()) == [MARKER, "sensitivity.json", "sensitivity.md"]
    scenario = load_scenario(TINY)
    assumptions, pairs = choose("order_rate,patience", ["teams.show_up=0.05,x1"], [])
    expected = run_study(
        TINY,
        scenario,
        "tests/data/tiny.yaml",
        assumptions,
        pairs,
        seed=scenario.run.seed,
        reps=2,
        days=1.0,
        jobs=1,
    )
    numbers = json.loads((out / "sensitivity.json").read_text(encoding="utf-8"))
    assert numbers == json.loads(json.dumps(jsonable(expected)))
    assert numbers["reps"] == 2 and numbers["days"] == 1.0
    report = (out / "sensitivity.md").read_text(encoding="utf-8")
    assert report == markdown(expected) + "\n"
    assert stdout == report + f"\nResults: {out}\n"  # the report on stdout, progress on stderr
    assert "| order rate |" in stdout and "default: 2 replications x 1 day" in err


def test_the_default_folder_is_named_after_the_scenario(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    status, stdout, _ = sensitivity(capsys, None, "--only", "order_rate")
    assert status == 0
    out = Path("results") / "sensitivity" / "tiny"
    assert sorted(p.name for p in out.iterdir()) == [MARKER, "sensitivity.json", "sensitivity.md"]
    assert stdout.endswith(f"Results: {out}\n")


def test_a_pair_is_reported_in_both_files(tmp_path, capsys):
    out = tmp_path / "out"
    status, stdout, _ = sensitivity(
        capsys, out, "--vary", "teams.show_up=0,1", "--pair", "teams.show_up,order_rate"
    )
    assert status == 0
    numbers = json.loads((out / "sensitivity.json").read_text(encoding="utf-8"))
    assert [(p["a"]["assumption"], p["b"]["assumption"]) for p in numbers["pairs"]] == [
        ("teams.show_up", "order_rate")
    ]
    assert "| interaction | (hh - hl - lh + ll) |" in (out / "sensitivity.md").read_text(encoding="utf-8")
    assert "| interaction | (hh - hl - lh + ll) |" in stdout


def test_a_run_replaces_the_folder_whole(tmp_path, capsys):
    out = tmp_path / "out"
    assert sensitivity(capsys, out, "--only", "order_rate", "--seed", "1")[0] == 0
    (out / "stale.txt").write_text("from an older run")
    assert sensitivity(capsys, out, "--only", "patience", "--seed", "2")[0] == 0
    assert sorted(p.name for p in out.iterdir()) == [MARKER, "sensitivity.json", "sensitivity.md"]
    numbers = json.loads((out / "sensitivity.json").read_text(encoding="utf-8"))
    assert numbers["seed"] == 2 and {r["assumption"] for r in numbers["rows"]} == {"patience"}
    assert sorted(p.name for p in tmp_path.iterdir()) == [".out.lock", "out"]


def test_an_interrupted_run_keeps_the_previous_results(tmp_path, capsys, monkeypatch):
    out = tmp_path / "out"
    assert sensitivity(capsys, out, "--only", "order_rate", "--seed", "1")[0] == 0
    before = folder(out)
    from sim.reporting import files

    written = []

    def write(path, text):
        written.append(path)
        files.write_text(path, text)

    def interrupt(path, data):  # the second file: interrupted after the report is written
        raise KeyboardInterrupt

    monkeypatch.setattr("sim.cli.commands.sensitivity.write_text", write)
    monkeypatch.setattr("sim.cli.commands.sensitivity.write_json", interrupt)
    status, _, err = sensitivity(capsys, out, "--only", "patience", "--seed", "2")
    assert status == 130 and err.endswith("interrupted\n")
    assert written and written[0].name == "sensitivity.md" and written[0].parent != out
    assert folder(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [".out.lock", "out"]


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        (
            ["--only", "patiance"],
            "--only patiance: unknown patiance (did you mean 'patience'?); expected some of order_rate, "
            "village_on_duty, station_size, show_up, acceptance_delay, alert_accept, urban_timeout, "
            "rural_timeout, patience, circuity",
        ),
        (
            ["--pair", "patience"],
            "--pair patience: expected two names NAME_A,NAME_B, e.g. patience,rural_timeout",
        ),
        (
            ["--pair", "patience,patience"],
            "--pair patience,patience: the same assumption twice; expected two different ones",
        ),
        (
            ["--only", "alert_accept"],
            f"{TINY}: dispatch.alerts.accept_probability: not set in the scenario; expected a key the "
            "scenario sets to a number (setting an unset one would switch a mechanism on, not vary an "
            "assumption)",
        ),
    ],
)
def test_a_wrong_input_is_refused_in_one_line_and_writes_nothing(tmp_path, capsys, extra, expected):
    out = tmp_path / "new"
    status, stdout, err = sensitivity(capsys, out, *extra)
    assert status == 2 and err.strip().splitlines() == [expected] and stdout == ""
    assert list(tmp_path.iterdir()) == []  # no folder, no lock, nothing simulated


def test_a_failed_run_leaves_the_previous_results(tmp_path, capsys):
    out = tmp_path / "out"
    assert sensitivity(capsys, out, "--only", "order_rate")[0] == 0
    before = folder(out)
    status, _, err = sensitivity(capsys, out, "--vary", "teams.show_upp=0.5,0.9")
    assert status == 2 and len(err.strip().splitlines()) == 1 and "teams.show_upp" in err
    assert "default:" not in err  # refused before anything ran
    assert folder(out) == before


def test_a_foreign_out_folder_is_refused_before_simulating(tmp_path, capsys):
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("not results")
    status, _, err = sensitivity(capsys, tmp_path / "mine", "--only", "order_rate")
    assert status == 2 and "--out names a folder that holds other files" in err
    assert "default:" not in err
    assert sorted(p.name for p in (tmp_path / "mine").iterdir()) == ["notes.txt"]


def test_help_and_a_mistyped_command():
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    run = [sys.executable, str(REPO / "run.py")]
    done = subprocess.run([*run, "sensitivity", "--help"], capture_output=True, text=True, env=env)
    assert done.returncode == 0 and done.stderr == ""
    assert "usage: python run.py sensitivity" in done.stdout
    for option in ("--only", "--vary", "--pair", "--rank-by", "--simultaneous", "--out FOLDER"):
        assert option in done.stdout
    listed = subprocess.run([*run, "--help"], capture_output=True, text=True, env=env)
    assert "sensitivity" in listed.stdout
    typo = subprocess.run([*run, "sensitivty"], capture_output=True, text=True, env=env)
    assert typo.returncode == 2 and "(did you mean 'sensitivity'?)" in typo.stderr


def test_a_scenario_may_not_be_named_after_the_studies_folder(tmp_path):
    # results/sensitivity/ holds the studies: a scenario named so would write its run there
    from sim.config.errors import UserError
    from tests.conftest import variant

    with pytest.raises(UserError) as refused:
        variant(tmp_path, {}, name="sensitivity")
    assert "'sensitivity' is reserved (results/sensitivity holds sensitivity studies)" in str(refused.value)


def test_rank_by_any_kpi_of_the_runs_table_adds_its_column(tmp_path, capsys):
    # a KPI outside the headline (a county's, then a town's): the rows are ranked by its
    # effect, shown as a column of its own after the headline KPIs
    for kpi in ("escalation_rate", "town.Alpha.compliance"):
        out = tmp_path / kpi
        status, stdout, err = sensitivity(
            capsys, out, "--only", "order_rate,patience,show_up", "--rank-by", kpi
        )
        assert status == 0, err
        numbers = json.loads((out / "sensitivity.json").read_text(encoding="utf-8"))
        assert numbers["ranked_by"] == kpi
        assert {t["kpi"] for t in numbers["largest"].values()} == {kpi}
        sizes = [
            max(abs(r["effects"][kpi]["mean"]) for r in numbers["rows"] if r["assumption"] == name)
            for name in numbers["largest"]
        ]
        assert sizes == sorted(sizes, reverse=True) and max(sizes) > 0
        assert list(numbers["default"]) == [*(k for k, *_ in HEADLINE), kpi]
        head = next(line for line in stdout.splitlines() if line.startswith("| assumption | largest"))
        assert head.endswith(f" | {kpi}, pp |")
        assert f"ranked by the absolute effect on {kpi}:" in stdout
        assert f"; {kpi} " in stdout.splitlines()[0]  # the default's estimate of it


def test_an_unknown_rank_by_kpi_is_refused_in_one_line_naming_the_choices(tmp_path, capsys):
    out = tmp_path / "new"
    status, stdout, err = sensitivity(capsys, out, "--rank-by", "escalation_ratee")
    assert status == 2 and stdout == ""
    (line,) = err.strip().splitlines()
    assert line.startswith(
        "--rank-by escalation_ratee: not a KPI of the run's table (did you mean escalation_rate?); "
        "expected one of urban_10min, rural_same_day, "
    )
    assert line.endswith(
        "or town.<pinyin>.<part> with a town of tiny (Alpha, Beta, Isle) and part one of compliance, "
        "urban_10min, rural_same_day, urban_10min_acceptance, urban_10min_arrival, urban_10min_day, "
        "urban_10min_evening, urban_10min_night"
    )
    assert list(tmp_path.iterdir()) == []  # nothing simulated, nothing written


def test_a_rank_by_kpi_without_values_is_refused_once_the_default_has_run(tmp_path, capsys):
    # Beta's places are all rural: its town KPIs have no urban part, which shows in the
    # default's run, before any variant runs
    out = tmp_path / "new"
    status, stdout, err = sensitivity(
        capsys, out, "--only", "order_rate", "--rank-by", "town.Beta.urban_10min"
    )
    assert status == 2 and stdout == ""
    lines = err.strip().splitlines()
    assert lines[-1].startswith(
        "--rank-by town.Beta.urban_10min: the default's run has no such KPI; expected one of its "
        "KPIs with values: urban_10min, "
    )
    assert "town.Beta.compliance" in lines[-1] and "[1/2]" not in err  # no variant ran
    assert list(tmp_path.iterdir()) == []


def test_the_defaults_estimates_carry_the_verdict_run_gives(tmp_path, capsys):
    # sensitivity.json's default keeps each KPI's judgement (target, comparison, verdict), so
    # sensitivity.md writes the default's estimates with run's verdict words; it kept the
    # interval alone
    out = tmp_path / "out"
    status, stdout, err = sensitivity(capsys, out, "--only", "order_rate")
    assert status == 0, err
    default = json.loads((out / "sensitivity.json").read_text(encoding="utf-8"))["default"]
    judged = {k: e for k, e in default.items() if "target" in e}
    assert judged and all(e["verdict"] in ("met", "missed", "uncertain") for e in judged.values())
    assert any(f"{e['target_op']} " in stdout for e in judged.values())
    # the urban share in the reading the promise counts is urban_10min: run's verdict for it
    run_kpis = json.loads(json.dumps(jsonable(default)))
    assert run_kpis["urban_10min_acceptance"]["verdict"] in ("met", "missed", "uncertain")
