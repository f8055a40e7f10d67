"""Mistakes a new county planner makes at the command line and in scenario files, each answered
with one line on stderr that names the file, the line and what to write instead (exit 2):
a mistyped command, a tab, full-width punctuation typed with a Chinese input method, an
unquoted ``: `` inside text, an unquoted ``no`` as a name, a sweep axis through a mistyped key,
and a results folder handed to ``compare`` that it cannot read or would overwrite."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sim.cli.main import main, prog_name
from sim.config.errors import UserError
from sim.config.load import load_scenario

BASE = Path(__file__).resolve().parent / "scenarios" / "base.yaml"


def _scenario(tmp_path: Path, body: str, name: str = "x.yaml") -> Path:
    """A variant of the small test scenario; ``body`` starts at line 2."""
    path = tmp_path / name
    path.write_text(f"extends: {BASE}\n{body}", encoding="utf-8")
    return path


def _validate(path: Path, capsys) -> list[str]:
    assert main(["validate", str(path)]) == 2
    return capsys.readouterr().err.splitlines()


@pytest.mark.parametrize("word, hint", [("valiate", " (did you mean 'validate'?)"), ("pingyang", "")])
def test_a_mistyped_command_is_named_as_such_not_as_a_missing_scenario(
    tmp_path, monkeypatch, capsys, word, hint
):
    monkeypatch.chdir(tmp_path)  # no file of that name here
    prog = prog_name()
    with pytest.raises(SystemExit) as exit_:
        main([word, "scenarios/pingyang.yaml"])
    assert exit_.value.code == 2
    assert capsys.readouterr().err == (
        f"{prog}: {word!r} is neither a command nor a scenario file; expected one of run, "
        f"compare, sweep, optimize, sensitivity, check, validate, schema, report{hint}, or a scenario "
        f"YAML file to run (see {prog} --help)\n"
    )


def test_a_missing_scenario_file_is_still_reported_as_one(tmp_path, capsys):
    assert main([str(tmp_path / "nothere.yaml")]) == 2
    assert "nothere.yaml: file not found; expected a scenario YAML file" in capsys.readouterr().err


def test_a_tab_is_named_on_its_line(tmp_path, capsys):
    path = _scenario(tmp_path, "run:\n\tdays: 2\n")
    assert _validate(path, capsys) == [
        f"{path}:3: invalid YAML: a tab character (column 1); expected spaces (YAML indents with spaces only)"
    ]


@pytest.mark.parametrize(
    "body, line, char",
    [
        ("run：\n  days: 2\n", 2, "："),  # PyYAML reports the line after
        ("dispatch:\n  timeouts_min： {urban: [2, 10], rural: [20, 180]}\n", 3, "："),
    ],
)
def test_a_full_width_colon_is_named_on_its_line(tmp_path, capsys, body, line, char):
    path = _scenario(tmp_path, body)
    assert _validate(path, capsys) == [
        f"{path}:{line}: invalid YAML: a full-width {char!r} (Chinese input); expected an ASCII ':' "
        "between keys and values (or quote the text that holds it)"
    ]


def test_a_full_width_comma_in_a_list_of_numbers_says_what_to_write(tmp_path, capsys):
    path = _scenario(tmp_path, "dispatch:\n  timeouts_min: {urban: [2，10], rural: [20, 180]}\n")
    assert (
        f"{path}:3: dispatch.timeouts_min.urban[0]: expected a number, got text ('2，10'); "
        "'，' is full-width (Chinese input): write ','"
    ) in _validate(path, capsys)


def test_a_key_in_full_width_letters_gets_its_did_you_mean(tmp_path, capsys):
    path = _scenario(tmp_path, "ｒｕｎ: {days: 2}\n")
    assert _validate(path, capsys) == [
        f"{path}:2: ｒｕｎ: unknown key; expected a known key, did you mean 'run'?"
    ]


def test_unquoted_colon_in_text_says_to_quote_it(tmp_path, capsys):
    path = _scenario(tmp_path, "description: Pingyang: more volunteers\n")
    [line] = _validate(path, capsys)
    assert line.startswith(f"{path}:2: invalid YAML (mapping values are not allowed here); expected text")
    assert "in quotes" in line


@pytest.mark.parametrize(
    "value, shown, hint",
    [
        (
            "no",
            "a boolean (False)",
            "quote it: YAML reads an unquoted yes, no, on, off, true or false as true/false",
        ),
        ("2022", "a number (2022)", "quote it to make it text"),
    ],
)
def test_a_name_yaml_reads_as_no_text_says_to_quote_it(tmp_path, capsys, value, shown, hint):
    path = _scenario(tmp_path, f"name: {value}\n")
    assert _validate(path, capsys) == [f"{path}:2: name: expected text, got {shown}; {hint}"]


def test_a_sweep_axis_through_a_mistyped_key_is_one_line(tmp_path):
    """Setting ``dispatch.timeouts_mins.rural[0]`` fails on the way (no list under the new key);
    the unknown key, with its did-you-mean, is the one problem reported, on the sweep's line."""
    sweep = str(tmp_path / "sweep.yaml")
    with pytest.raises(UserError) as error:
        load_scenario(
            BASE,
            overrides={"dispatch.timeouts_mins.rural[0]": 15},
            origins={"dispatch.timeouts_mins.rural[0]": (sweep, 6)},
        )
    assert error.value.lines() == [
        f"{sweep}:6: dispatch.timeouts_mins: unknown key; expected a known key, did you mean 'timeouts_min'?"
    ]


def test_a_sweep_axis_past_the_end_of_a_list_is_still_reported(tmp_path):
    sweep = str(tmp_path / "sweep.yaml")
    with pytest.raises(UserError) as error:
        load_scenario(
            BASE,
            overrides={"dispatch.timeouts_min.rural[5]": 15},
            origins={"dispatch.timeouts_min.rural[5]": (sweep, 6)},
        )
    assert error.value.lines() == [
        f"{sweep}:6: dispatch.timeouts_min.rural[5]: no list entry 5 to set; expected an index into an "
        "existing list"
    ]


def test_compare_names_a_folder_that_is_no_results_folder(tmp_path, capsys):
    folder = tmp_path / "notes"
    folder.mkdir()
    assert main(["compare", str(BASE), str(folder), "--reps", "2"]) == 2
    assert capsys.readouterr().err == (
        f"{folder}: a folder without kpis.json; expected a scenario YAML file or a results folder "
        "written by `run`\n"
    )


def test_compare_refuses_to_write_over_a_results_folder_it_compares(tmp_path, capsys):
    saved = tmp_path / "baseline"
    saved.mkdir()
    (saved / "kpis.json").write_text(json.dumps({"kpis": {}}), encoding="utf-8")
    assert main(["compare", str(saved), str(BASE), "--reps", "2", "--out", str(saved)]) == 2
    assert capsys.readouterr().err == (
        f"{saved}: --out names a results folder being compared (it would be replaced whole, losing "
        "that run); expected another folder\n"
    )
    assert sorted(p.name for p in saved.iterdir()) == ["kpis.json"]


def test_report_of_a_folder_that_does_not_exist_says_so(tmp_path, capsys):
    from sim.cli.main import main

    assert main(["report", str(tmp_path / "nowhere")]) == 2
    err = capsys.readouterr().err.strip()
    assert err == (
        f"{tmp_path / 'nowhere'}: no such folder; expected a results folder written by "
        "`python run.py run` (with kpis.json and chart_data.json)"
    )
    (tmp_path / "file.txt").write_text("x", encoding="utf-8")
    assert main(["report", str(tmp_path / "file.txt")]) == 2
    assert ": not a folder; expected a results folder" in capsys.readouterr().err


def test_a_parent_or_data_file_that_is_a_folder_is_named_as_a_folder(tmp_path, capsys):
    (tmp_path / "data").mkdir()
    child = tmp_path / "child.yaml"
    child.write_text("extends: data\n", encoding="utf-8")
    assert _validate(child, capsys) == [
        f"{child}:1: extends: parent 'data' is a folder; expected a scenario file's path relative to this one"
    ]
    variant = _scenario(tmp_path, f"geography:\n  towns_csv: {tmp_path / 'data'}\n")
    (line,) = [line for line in _validate(variant, capsys) if "towns_csv" in line]
    assert "is a folder; expected a CSV file" in line


def test_files_after_an_option_join_the_list_in_order(tmp_path, capsys):
    """``compare A.yaml --jobs 1 B.yaml``: argparse stops a list at an option; the files after
    it belong to the same list (in order), not to an 'unrecognized arguments' error."""
    from tests.conftest import TINY

    variant = _scenario(tmp_path, "name: other\n")
    out = tmp_path / "cmp"
    args = [
        "compare",
        str(TINY),
        "--jobs",
        "1",
        "--days",
        "0.5",
        str(variant),
        "--reps",
        "2",
        "--out",
        str(out),
    ]
    assert main(args) == 0
    assert json.loads((out / "compare.json").read_text(encoding="utf-8"))["sources"] == [
        str(TINY),
        str(variant),
    ]
    capsys.readouterr()
    with pytest.raises(SystemExit) as exit_status:  # run takes one scenario: argparse's own error
        main(["run", str(TINY), "--days", "0.5", str(variant)])
    assert exit_status.value.code == 2
    assert f"unrecognized arguments: {variant}" in capsys.readouterr().err
