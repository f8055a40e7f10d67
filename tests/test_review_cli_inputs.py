"""Scenario inputs a planner writes as they would anywhere else: numbers in exponent form
(``1e10``), unquoted clock times (``17:00``), hours with a leading zero (``08``), and a scenario
that leaves its data files to the defaults, wherever the command is run from."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.cli.main import main
from sim.config.errors import UserError
from sim.config.load import load_scenario
from sim.config.yaml_read import read_yaml

REPO = Path(__file__).resolve().parent.parent
BASE = REPO / "tests" / "scenarios" / "base.yaml"


def _scenario(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "x.yaml"
    path.write_text(f"extends: {BASE}\n{body}", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "text, value",
    [
        ("1e10", 1e10),
        ("1E+10", 1e10),
        ("5e-1", 0.5),
        ("-2.5e3", -2500.0),
        ("1.5e3", 1500.0),  # YAML 1.1 wants a sign after the e
        ("08", 8),  # not an octal number, not text
        ("010", 10),
        ("0x1F", 31),
        ("1_000", 1000),
        (".5", 0.5),
        (".inf", float("inf")),
    ],
)
def test_a_number_is_read_as_the_number_a_planner_means(tmp_path, text, value):
    path = tmp_path / "n.yaml"
    path.write_text(f"v: {text}\n", encoding="utf-8")
    assert read_yaml(path)["v"] == value


@pytest.mark.parametrize("text", ["17:00", "07:30", "24:00", "1:30:00", "'17:00'", "e10", "1e", "1.2.3"])
def test_clock_times_and_other_words_stay_text(tmp_path, text):
    path = tmp_path / "t.yaml"
    path.write_text(f"v: {text}\n", encoding="utf-8")
    assert read_yaml(path)["v"] == text.strip("'")


def test_exponents_unquoted_times_and_leading_zeros_load_as_written(tmp_path):
    path = _scenario(
        tmp_path,
        "demand: {orders_per_1000_per_day: 5e-1}\n"
        "targets: {same_day_cutoff: 17:00}\n"
        "admin: {office_hours: [[08:30, 12:00], [14:00, 17:30]]}\n"
        "teams: {additions: [{town: Kunyang, hours: [08, 20], volunteers: 2}]}\n"
        "catalog:\n"
        "  - {id: grocery, skill: errand, share: 0.5, service: {kind: fixed, mean: 4.5e1}}\n"
        "  - {id: visit, skill: visit, share: 0.3}\n"
        "  - {id: legal, skill: legal, share: 0.2, professional: true}\n",
    )
    scenario = load_scenario(path)
    assert scenario.demand.orders_per_1000_per_day == 0.5
    assert scenario.targets.same_day_cutoff == "17:00"
    assert scenario.admin.office_hours == [["08:30", "12:00"], ["14:00", "17:30"]]
    assert scenario.teams.additions[0].hours == [8, 20]
    assert scenario.catalog[0].service.mean == 45.0


def test_default_data_files_are_beside_the_scenario_whatever_the_working_folder(tmp_path, monkeypatch):
    """A scenario that states no data files uses the defaults (data/pingyang_*.csv), relative
    to the scenario's own folder like every written path: scenarios/x.yaml is valid from the
    repository root as from scenarios/."""
    folder = tmp_path / "scenarios"
    (folder / "data").mkdir(parents=True)
    for name in ("pingyang_towns.csv", "pingyang_villages.csv", "pairing.csv"):
        (folder / "data" / name).write_bytes((REPO / "scenarios" / "data" / name).read_bytes())
    text = (REPO / "scenarios" / "pingyang.yaml").read_text(encoding="utf-8")
    for line in ("  towns_csv: data/pingyang_towns.csv\n", "  places_csv: data/pingyang_villages.csv\n"):
        assert line in text
        text = text.replace(line, "")
    text = text.replace("  file: data/pairing.csv\n", "")
    (folder / "x.yaml").write_text(text, encoding="utf-8")
    for cwd, arg in ((tmp_path, "scenarios/x.yaml"), (folder, "x.yaml")):
        monkeypatch.chdir(cwd)
        scenario = load_scenario(arg)
        assert scenario.geography.towns_csv == str(folder / "data" / "pingyang_towns.csv")
        assert scenario.geography.places_csv == str(folder / "data" / "pingyang_villages.csv")
        assert scenario.pairing.file == str(folder / "data" / "pairing.csv")


def test_a_missing_default_data_file_is_named_where_it_was_looked_for(tmp_path, monkeypatch, capsys):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "x.yaml").write_text("name: x\ncatalog: [{id: a, skill: errand, share: 1}]\n")
    (tmp_path / "data").mkdir()  # a data/ folder beside the working folder must not be used
    monkeypatch.chdir(tmp_path)
    assert main(["validate", "sub/x.yaml"]) == 2
    err = capsys.readouterr().err
    assert "'sub/data/pingyang_towns.csv' not found" in err
    assert "Traceback" not in err


def test_a_tagged_value_that_is_no_number_is_not_called_a_long_number(tmp_path):
    path = tmp_path / "i.yaml"
    path.write_text("v: !!int abc\n", encoding="utf-8")
    with pytest.raises(UserError) as caught:
        read_yaml(path)
    (line,) = caught.value.lines()
    assert line.startswith(f"{path}:1: invalid value 'abc' (")
    assert "digits" not in line


def test_a_key_that_looks_like_a_number_keeps_the_name_as_written(tmp_path):
    path = tmp_path / "k.yaml"
    path.write_text("m: {0801: a, 1e3: b, 7: c, true: d}\n", encoding="utf-8")
    assert list(read_yaml(path)["m"]) == ["0801", "1e3", "7", "True"]
