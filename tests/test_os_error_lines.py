"""An error of the machine's (an OSError) is one line naming the place as the user knows it (the
results folder, never the temporary folder a run writes in) and what is expected there; a data
file named outside the working folder is shown by its absolute path."""

from __future__ import annotations

import os
from pathlib import Path

from sim.cli.main import main
from sim.config.data_checks import shown_path
from sim.reporting.folder import user_path

TINY = Path(__file__).parent / "data" / "tiny.yaml"


def test_a_temporary_folder_is_shown_as_the_results_folder_it_stands_for():
    assert user_path("/x/.out.tmp-ab12_c/charts/a.png") == Path("/x/out/charts/a.png")
    assert user_path("/x/.out.old-ab12/kpis.json") == Path("/x/out/kpis.json")
    assert user_path("/x/out/kpis.json") == Path("/x/out/kpis.json")


def test_report_on_a_folder_with_a_file_where_a_folder_belongs_says_so(tmp_path, capsys):
    out = tmp_path / "run"
    assert main(["run", str(TINY), "--days", "1", "--reps", "2", "--jobs", "1", "--out", str(out)]) == 0
    capsys.readouterr()
    charts = out / "charts"
    for png in charts.iterdir():
        png.unlink()
    charts.rmdir()
    charts.write_text("not a folder\n", encoding="utf-8")
    assert main(["report", str(out)]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"{charts}: ") and "expected a folder there" in lines[0]
    assert ".tmp-" not in lines[0]


def test_a_data_file_outside_the_working_folder_is_shown_absolute(tmp_path, monkeypatch):
    inside = tmp_path / "work"
    inside.mkdir()
    monkeypatch.chdir(inside)
    assert shown_path(str(inside / "towns.csv")) == "towns.csv"
    elsewhere = str(tmp_path / "data" / "towns.csv")
    assert shown_path(elsewhere) == elsewhere
    assert shown_path("relative/as/written.csv") == "relative/as/written.csv"
    assert os.path.isabs(shown_path(elsewhere))
