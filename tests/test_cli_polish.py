"""What the terminal shows reads right: the program's name in usage lines, no doubled percent
signs, singular words for one, units beside values, Chinese town names aligned."""

from __future__ import annotations

import subprocess
import sys

import pytest

from sim.cli.main import COMMANDS, REPO, main
from sim.reporting.formatting import display_width, pad, plural
from sim.reporting.kpi_summary import kpi_table
from tests.conftest import TINY


def test_usage_names_the_program_as_it_was_started():
    done = subprocess.run(
        [sys.executable, "run.py", "--help"], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert done.stdout.startswith("usage: python run.py")
    from sim.cli import main as cli

    old = sys.argv
    try:
        sys.argv = ["/usr/local/bin/redvest"]
        assert cli.build_parser().format_usage().startswith("usage: redvest")
    finally:
        sys.argv = old


@pytest.mark.parametrize("command", COMMANDS)
def test_help_shows_single_percent_signs(command, capsys):
    with pytest.raises(SystemExit):
        main([command, "--help"])
    out = capsys.readouterr().out
    assert "%%" not in out


def test_one_replication_of_one_day_in_the_singular(tmp_path, capsys):
    assert (
        main(["run", str(TINY), "--reps", "1", "--days", "1", "--out", str(tmp_path / "r"), "--jobs", "1"])
        == 0
    )
    out = capsys.readouterr().out
    assert "1 replication x 1 day (after" in out and "replications" not in out.splitlines()[0]
    assert plural(2, "day") == "2 days" and plural(0.5, "day") == "0.5 days"


def test_kpi_table_shows_units_and_aligns_chinese():
    summary = {
        "kpis": {
            "open_overnight_per_week": {
                "label": "Orders open at the first midnight",
                "unit": "orders/week",
                "mean": 6.0,
                "low": 3.7,
                "high": 8.3,
                "n": 4,
            },
            "urban_10min": {
                "label": "Urban",
                "unit": "share",
                "mean": 0.95,
                "low": 0.94,
                "high": 0.96,
                "n": 4,
            },
        }
    }
    table = kpi_table(summary)
    assert "6.0 [3.7, 8.3] orders/week" in table and "95.0% [94.0%, 96.0%]" in table
    assert display_width("昆阳镇") == 6 and display_width(pad("昆阳镇", 8)) == 8
    assert display_width(pad("Kunyang", 8)) == 8


def test_titles_show_the_scenario_name_not_its_id(tmp_path):
    from sim.config.load import load_scenario
    from sim.reporting import briefing_text

    base = load_scenario(REPO / "scenarios" / "pingyang.yaml")
    assert (base.title, base.title_zh) == ("Pingyang County", "平阳县")
    variant = load_scenario(REPO / "scenarios" / "policies" / "no_pairing.yaml")
    assert variant.title == "" and variant.title_zh == ""  # a title is not inherited
    summary = {"scenario": "pingyang", "title": "Pingyang County", "title_zh": "平阳县"}
    assert briefing_text.title(summary, "en") == "Pingyang County"
    assert briefing_text.title(summary, "zh") == "平阳县"
    assert briefing_text.title({"scenario": "x"}, "zh") == "x"


def test_a_variant_does_not_inherit_its_parents_description(tmp_path):
    # the default's description counts "about 24,000 active" volunteers: a variant that cuts
    # them and says nothing of itself must not repeat it in its briefing
    from sim.config.load import load_scenario

    base = load_scenario(REPO / "scenarios" / "pingyang.yaml")
    assert "24,000 active" in base.description
    path = tmp_path / "cut.yaml"
    path.write_text(
        f"extends: {REPO / 'scenarios' / 'pingyang.yaml'}\nname: cut\nteams: {{village_scale: 0.8}}\n",
        encoding="utf-8",
    )
    assert load_scenario(path).description == ""
    path.write_text(path.read_text(encoding="utf-8") + "description: a fifth fewer\n", encoding="utf-8")
    assert load_scenario(path).description == "a fifth fewer"


@pytest.mark.parametrize("interrupt", ["raise KeyboardInterrupt", "os.kill(os.getpid(), signal.SIGTERM)"])
def test_an_interrupt_during_the_libraries_imports_is_quiet(interrupt):
    """Ctrl-C or SIGTERM in the first second, while the commands import NumPy and SciPy, ends
    like any later interrupt: "interrupted", exit 130, no traceback (the import interrupts)."""
    code = (
        "import builtins, os, runpy, signal, sys\n"
        "real = builtins.__import__\n"
        "def interrupting(name, *args, **kwargs):\n"
        "    if name.startswith('scipy'):\n"
        f"        {interrupt}\n"
        "    return real(name, *args, **kwargs)\n"
        "builtins.__import__ = interrupting\n"
        "sys.argv = ['run.py', 'validate', 'scenarios/pingyang.yaml']\n"
        "runpy.run_path('run.py', run_name='__main__')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True)
    assert (done.returncode, done.stderr) == (130, "interrupted\n")
