"""Scenario inputs as a planner may write them: numbers in exponent form (``1e10``), unquoted
clock times (``17:00``), leading zeros (``08``, ``010``): read as ``yaml.safe_load`` reads them,
with an error saying what to write wherever that reading is not what they look like; and a
scenario that leaves its data files to the defaults, wherever the command is run from."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

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
        ("1.0e+10", 1e10),
        ("0x1F", 31),
        ("1_000", 1000),
        (".5", 0.5),
        (".inf", float("inf")),
        ("07", 7),  # octal, but the same number
        ("0", 0),
        ("1e10", "1e10"),  # text in YAML 1.1 (no dot, no sign): the validator says what to write
        ("08", "08"),  # not octal, so text
        ("'17:00'", "17:00"),
    ],
)
def test_values_are_read_as_yaml_safe_load_reads_them(tmp_path, text, value):
    path = tmp_path / "n.yaml"
    path.write_text(f"v: {text}\n", encoding="utf-8")
    assert read_yaml(path)["v"] == value == yaml.safe_load(path.read_text())["v"]


@pytest.mark.parametrize(
    "text, message",
    [
        ("17:00", "17:00 reads as the base-60 number 1020 in YAML; write a time of day in quotes ('17:00')"),
        ("1:30:00", "1:30:00 reads as the base-60 number 5400 in YAML"),
        ("010", "010 reads as the octal number 8 in YAML; write it without the leading zero"),
        ("-010", "-010 reads as the octal number -8 in YAML"),
    ],
)
def test_a_number_yaml_reads_as_another_is_an_error_with_its_path(tmp_path, text, message):
    """YAML 1.1 reads these silently as numbers other than they look: refused, never used."""
    path = tmp_path / "t.yaml"
    path.write_text(f"targets:\n  same_day_cutoff: {text}\n", encoding="utf-8")
    with pytest.raises(UserError) as caught:
        read_yaml(path)
    (line,) = caught.value.lines()
    assert line.startswith(f"{path}:2: targets.same_day_cutoff: {message}")


def test_numbers_yaml_reads_as_text_get_a_hint_where_a_number_is_expected(tmp_path, capsys):
    path = _scenario(
        tmp_path,
        "demand: {orders_per_1000_per_day: 5e-1}\n"
        "teams: {additions: [{town: Kunyang, hours: [08, 20], volunteers: 2}]}\n",
    )
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert (
        f"{path}:2: demand.orders_per_1000_per_day: expected a number, got text ('5e-1'); "
        "YAML reads 5e-1 as text: write 5.0e-1"
    ) in err
    assert (
        f"{path}:3: teams.additions[0].hours[0]: expected a whole number, got text ('08'); "
        "YAML reads 08 as text: write 8" in err
    )
    assert "Traceback" not in err


def test_the_written_forms_load(tmp_path):
    path = _scenario(
        tmp_path,
        "demand: {orders_per_1000_per_day: 5.0e-1}\n"
        "targets: {same_day_cutoff: '17:00'}\n"
        "admin: {office_hours: [['08:30', '12:00'], ['14:00', '17:30']]}\n"
        "teams: {additions: [{town: Kunyang, hours: [8, 20], volunteers: 2}]}\n",
    )
    scenario = load_scenario(path)
    assert scenario.demand.orders_per_1000_per_day == 0.5
    assert scenario.targets.same_day_cutoff == "17:00"
    assert scenario.admin.office_hours == [["08:30", "12:00"], ["14:00", "17:30"]]
    assert scenario.teams.additions[0].hours == [8, 20]


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
    path.write_text("m: {0701: a, 1:30: b, 1e3: c, 7: d, true: e}\n", encoding="utf-8")
    assert list(read_yaml(path)["m"]) == ["0701", "1:30", "1e3", "7", "True"]
