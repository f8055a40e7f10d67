"""Users' input errors are all found before anything runs, each on one line naming the file, the
line and what is expected (exit 2): the regression gate reads every input before simulating any
and skips the sweep files of a folder it searches; `validate` checks a sweep file as a sweep;
`sweep` lists every problem of its file and of all its points at once; a place's kind in the
places CSV must be a known kind.

Gate scenarios are variants of tests/check/tiny.yaml (6 replications of 3 days, a tenth of a
second each); the fixture ``simulations`` records every simulation the gate starts.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml

from sim.cli.commands import check as check_command
from sim.cli.main import REPO, main
from sim.config.errors import UserError
from sim.experiments.sweep_file import load_sweep
from tests.conftest import DATA, TINY, variant

CHECK_TINY = REPO / "tests" / "check" / "tiny.yaml"
KIND_HINT = "expected community or village"


def scenario(folder: Path, file: str, overrides: dict | None = None) -> Path:
    """A gate scenario file in ``folder``: the check county, named after the file."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / file
    data = {"extends": str(CHECK_TINY), "name": Path(file).stem, **(overrides or {})}
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def sweep(path: Path, base: Path, text: str = "grid:\n  teams.show_up: [0.5, 1.0]\n") -> Path:
    """A sweep file at ``path`` over the scenario ``base``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"scenario: {base}\nreps: 2\ndays: 1\n{text}", encoding="utf-8")
    return path


def run(capsys, *args) -> tuple[int, str, str]:
    """``run.py ARGS`` in-process: (exit status, stdout, stderr)."""
    status = main([str(a) for a in args])
    out = capsys.readouterr()
    return status, out.out, out.err


@pytest.fixture
def simulations(monkeypatch) -> list[str]:
    """The scenarios the gate simulates (none may be: any call fails the command)."""
    started: list[str] = []

    def refuse(scenario, *args, **kwargs):
        started.append(scenario.name)
        raise AssertionError(f"{scenario.name} simulated")

    monkeypatch.setattr(check_command, "run_replications", refuse)
    return started


# ------------------------------------------------------------------ check: all inputs first


def test_check_lists_every_invalid_file_and_simulates_nothing(tmp_path, capsys, simulations):
    folder = tmp_path / "policies"
    scenario(folder, "a_fine.yaml")
    sweep(folder / "b_sweep.yaml", folder / "a_fine.yaml")
    broken = scenario(folder, "y_broken.yaml", {"teams": {"members_villag": 3}})
    late = scenario(folder, "z_policy.yaml", {"expect": {"kpis": {"urban_10mni": ">= 0.9"}}})
    (tmp_path / "none").mkdir()
    junit = tmp_path / "check.xml"
    status, out, err = run(
        capsys,
        "check",
        folder,
        "--baselines",
        tmp_path / "none",
        "--allow-new",
        "--jobs",
        1,
        "--junit",
        junit,
    )
    assert status == 2
    assert simulations == []  # the valid scenario, sorting first, is not run either
    lines = err.splitlines()
    assert len(lines) == 2, lines
    assert lines[0].startswith(f"{broken}:") and "teams.members_villag: unknown key" in lines[0]
    assert lines[1].startswith(f"{late}:") and "expect.kpis.urban_10mni: unknown KPI" in lines[1]
    assert "Traceback" not in err and "b_sweep" not in err  # the sweep file is not read as a scenario
    assert out.splitlines()[0] == (
        f"note: skipped {folder / 'b_sweep.yaml'}, a sweep file "
        "(`run.py validate` checks it, `run.py sweep` runs it)"
    )
    assert "Nothing simulated: 2 of 3 inputs invalid" in out
    assert out.rstrip().endswith("; 2 invalid input file(s)")
    suites = ET.parse(junit).getroot().findall("testsuite")
    assert [s.get("name") for s in suites] == [str(broken), str(late)]
    assert all(s.get("errors") == "1" for s in suites)


def test_a_sweep_file_in_a_searched_folder_is_skipped_with_a_note(tmp_path, capsys):
    folder = tmp_path / "policies"
    scenario(folder, "fine.yaml")
    sweep(folder / "sweeps" / "timeout.yaml", folder / "fine.yaml")
    (tmp_path / "none").mkdir()
    status, out, err = run(
        capsys, "check", folder, "--baselines", tmp_path / "none", "--allow-new", "--jobs", 1
    )
    assert status == 0 and "sweep" not in err  # stderr has the progress lines only
    assert out.count("note: skipped") == 1 and f"{folder / 'sweeps' / 'timeout.yaml'}, a sweep file" in out
    assert "PASSED" in out and "in 1 scenario(s)" in out


def test_a_sweep_named_alone_a_folder_of_sweeps_and_a_missing_path_are_listed_together(
    tmp_path, capsys, simulations
):
    fine = scenario(tmp_path, "fine.yaml")
    named = sweep(tmp_path / "named.yaml", fine)
    sweeps = tmp_path / "sweeps"
    sweep(sweeps / "one.yaml", fine)
    status, out, err = run(capsys, "check", fine, named, sweeps, tmp_path / "gone.yaml", "--allow-new")
    assert status == 2 and simulations == []
    assert err.splitlines() == [
        f"{named}: is a sweep file (a top-level scenario: and grid:); expected a scenario file "
        "(`run.py validate` checks a sweep, `run.py sweep` runs it)",
        f"{sweeps}: folder holds only sweep files; expected scenario files",
        f"{tmp_path / 'gone.yaml'}: not found; expected a scenario YAML file or a folder of them",
    ]
    assert "note:" not in out


def test_a_mistyped_baselines_folder_is_listed_with_the_scenarios_problems(tmp_path, capsys, simulations):
    broken = scenario(tmp_path, "broken.yaml", {"run": {"dayz": 3}})
    status, _, err = run(capsys, "check", broken, "--baselines", tmp_path / "baselnies")
    assert status == 2 and simulations == []
    lines = err.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(f"{tmp_path / 'baselnies'}: --baselines folder not found")
    assert lines[1].startswith(f"{broken}:") and "run.dayz: unknown key" in lines[1]


def test_update_baselines_writes_none_while_an_input_is_invalid(tmp_path, capsys, simulations):
    fine = scenario(tmp_path, "fine.yaml")
    broken = scenario(tmp_path, "broken.yaml", {"expect": {"kpis": {"urban": ">= 1"}}})
    folder = tmp_path / "baselines"
    status, _, err = run(capsys, "check", fine, broken, "--baselines", folder, "--update-baselines")
    assert status == 2 and simulations == []
    assert err.startswith(f"{broken}:")
    assert not folder.exists() or list(folder.iterdir()) == []


# ------------------------------------------------------------------ validate: a sweep as a sweep


def test_validate_checks_a_bundled_sweep_file_as_a_sweep(capsys, monkeypatch):
    monkeypatch.chdir(REPO)
    status, out, err = run(capsys, "validate", "scenarios/sweeps/village_timeout.yaml")
    assert (status, err) == (0, "")
    assert out == "scenarios/sweeps/village_timeout.yaml: ok (a sweep of 8 points)\n"


def test_validate_lists_a_sweeps_own_and_its_points_problems_and_nothing_else(tmp_path, capsys):
    path = sweep(
        tmp_path / "sw.yaml",
        TINY,
        "kpis: [rural_same_day, urban_10mn]\ngrid:\n  teams.show_upp: [0.5, 1.0]\n"
        "  dispatch.timeouts_min.rural[0]: [5, -3]\n",
    )
    status, out, err = run(capsys, "validate", path)
    assert (status, out) == (2, "")
    assert err.splitlines() == [
        f"{path}:4: kpis[1]: unknown KPI 'urban_10mn'; did you mean 'urban_10min'?",
        f"{path}:6: teams.show_upp: unknown key; expected a known key, did you mean 'show_up'?",
        f"{path}:7: dispatch.timeouts_min.rural[0]: -3 is out of range; expected a number >= 0 (minutes)",
    ]


# ------------------------------------------------------------------ sweep: every problem at once


def test_sweep_lists_a_grid_typo_and_a_kpi_typo_together_before_running(tmp_path, capsys):
    path = sweep(
        tmp_path / "sw.yaml", TINY, "kpis: [rural_sameday]\ngrid:\n  teams.village_members_vilage: [5, 10]\n"
    )
    out = tmp_path / "out"
    status, _, err = run(capsys, "sweep", path, "--out", out, "--jobs", 1)
    assert status == 2
    lines = err.splitlines()
    assert len(lines) == 2, lines
    assert lines[0] == f"{path}:4: kpis[0]: unknown KPI 'rural_sameday'; did you mean 'rural_same_day'?"
    assert lines[1].startswith(f"{path}:6: teams.village_members_vilage: unknown key")
    assert not out.exists()


def test_load_sweep_names_a_problem_every_point_shares_once_and_each_bad_value(tmp_path):
    path = sweep(tmp_path / "sw.yaml", TINY, "grid:\n  teams.show_up: [2, 0.5, 3]\n  demand.typo: [1, 2]\n")
    with pytest.raises(UserError) as error:
        load_sweep(path)
    lines = error.value.lines()
    assert [line.split(": ")[1] for line in lines] == ["teams.show_up", "teams.show_up", "demand.typo"]
    assert "2 is out of range" in lines[0] and "3 is out of range" in lines[1]
    assert load_sweep(sweep(tmp_path / "ok.yaml", TINY), reps=3).reps == 3


# ------------------------------------------------------------------ places CSV: known kinds


def places_variant(tmp_path: Path, kind: str) -> tuple[Path, Path]:
    """The tiny county with village A2's kind in its places CSV replaced by ``kind``: (scenario
    file, places CSV)."""
    places = tmp_path / "places.csv"
    text = (DATA / "places.csv").read_text(encoding="utf-8")
    places.write_text(text.replace("A2,阿二村,T1,village", f"A2,阿二村,T1,{kind}"), encoding="utf-8")
    path = tmp_path / "kinds.yaml"
    path.write_text(
        yaml.safe_dump({"extends": str(TINY), "geography": {"places_csv": "places.csv"}}), encoding="utf-8"
    )
    return path, places


@pytest.mark.parametrize(
    "kind, hint",
    [("vilage", " (did you mean 'village'?)"), ("Community", " (did you mean 'community'?)"), ("hamlet", "")],
)
def test_an_unknown_place_kind_is_named_with_its_line_and_did_you_mean(tmp_path, capsys, kind, hint):
    path, places = places_variant(tmp_path, kind)
    status, out, err = run(capsys, "validate", path)
    assert (status, out) == (2, "")
    assert err.splitlines() == [f"{places}:3: kind: unknown place kind {kind!r}{hint}; {KIND_HINT}"]


def test_a_misspelt_community_of_the_default_scenario_is_refused(tmp_path, capsys):
    # the walkthrough's case: one community of Kunyang spelt 'comunity' was made rural silently
    places = tmp_path / "villages.csv"
    lines = (REPO / "scenarios" / "data" / "pingyang_villages.csv").read_text(encoding="utf-8").splitlines()
    row = next(k for k, line in enumerate(lines) if line.endswith(",community"))
    lines[row] = lines[row].removesuffix(",community") + ",comunity"
    places.write_text("\n".join(lines) + "\n", encoding="utf-8")
    path = tmp_path / "pingyang_typo.yaml"
    path.write_text(
        yaml.safe_dump(
            {
                "extends": str(REPO / "scenarios" / "pingyang.yaml"),
                "geography": {"places_csv": "villages.csv"},
            }
        ),
        encoding="utf-8",
    )
    status, _, err = run(capsys, "validate", path)
    assert status == 2
    assert err.splitlines() == [
        f"{places}:{row + 1}: kind: unknown place kind 'comunity' (did you mean 'community'?); {KIND_HINT}"
    ]


def test_a_misspelt_mediation_place_kind_is_refused(tmp_path, capsys):
    rooms = {"place_kinds": ["village", "vilage"], "schedule": "day"}
    with pytest.raises(UserError) as error:
        variant(tmp_path, {"mediation": rooms})
    assert error.value.lines() == [
        f"{tmp_path / 'variant.yaml'}:5: mediation.place_kinds[1]: unknown place kind 'vilage' "
        f"(did you mean 'village'?); {KIND_HINT}"
    ]


def test_a_pairing_setting_the_strategy_does_not_read_is_a_warning_run_prints(tmp_path, capsys):
    # pairing.villages is read by nearest, need and optimal only: with listed (or none) it
    # changes nothing, and a planner comparing "150 villages" would see an exact zero
    path = tmp_path / "more_villages.yaml"
    path.write_text(
        yaml.safe_dump({"extends": str(TINY), "name": "more_villages", "pairing": {"villages": 150}}),
        encoding="utf-8",
    )
    assert main(["validate", str(path)]) == 0
    err = capsys.readouterr().err
    assert "pairing.villages" in err and "warning: is 150 but strategy 'none' does not read it" in err
    out = tmp_path / "out"
    assert main(["run", str(path), "--days", "1", "--reps", "2", "--jobs", "1", "--out", str(out)]) == 0
    assert "warning: is 150 but strategy 'none'" in capsys.readouterr().err
    args = ["compare", str(TINY), str(path), "--days", "1", "--reps", "2", "--jobs", "1"]
    assert main([*args, "--out", str(tmp_path / "cmp")]) == 0
    assert "warning: is 150 but strategy 'none'" in capsys.readouterr().err
    # the default's value, or a strategy that reads it: no warning
    path.write_text(
        yaml.safe_dump({"extends": str(TINY), "name": "more_villages", "pairing": {"villages": 100}}),
        encoding="utf-8",
    )
    assert main(["validate", str(path)]) == 0
    assert "warning" not in capsys.readouterr().err


def test_an_empty_team_skill_is_refused(tmp_path):
    with pytest.raises(UserError) as error:
        variant(tmp_path, {"teams": {"village_skills": ["errand", ""]}})
    assert [line for line in error.value.lines() if "teams.village_skills[1]: is empty; expected" in line]


@pytest.mark.parametrize(
    "skills, line",
    [
        # a misspelt skill: the village teams could not serve errands, which would then
        # escalate to the towns
        (
            ["erand", "legal"],
            "teams.village_skills[0]: warning: no catalogue item needs skill 'erand'; did you mean 'errand'?",
        ),
        (
            ["Errand"],
            "teams.village_skills[0]: warning: no catalogue item needs skill 'Errand'; "
            "did you mean 'errand'?",
        ),
        # unlike any skill of the catalogue: a catalogue narrowed on purpose, no warning
        (["errand", "plumbing"], None),
    ],
)
def test_a_misspelt_team_skill_is_warned_of(tmp_path, capsys, skills, line):
    path = tmp_path / "skills.yaml"
    path.write_text(
        yaml.safe_dump({"extends": str(TINY), "name": "skills", "teams": {"village_skills": skills}}),
        encoding="utf-8",
    )
    assert main(["validate", str(path)]) == 0
    err = capsys.readouterr().err
    assert line in err if line else "warning" not in err


def test_a_town_seat_place_far_from_the_towns_seat_is_warned_of(tmp_path, capsys):
    # Alpha's seat place is its first community by code, A1: its station and the county's
    # teams start every trip there. Moved 20 km north in the coordinates CSV, it is no longer
    # at the towns CSV's seat (urban radius 4 km): every station trip lengthens without a word
    lines = (DATA / "coordinates.csv").read_text(encoding="utf-8").splitlines()
    lines[1] = "A1,27.78000000,120.50000000,10000"
    (tmp_path / "coordinates.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    path = tmp_path / "far_seat.yaml"
    path.write_text(
        yaml.safe_dump(
            {"extends": str(TINY), "name": "far_seat", "geography": {"coordinates_csv": "coordinates.csv"}}
        ),
        encoding="utf-8",
    )
    assert main(["validate", str(path)]) == 0
    err = capsys.readouterr().err
    assert (
        f"{tmp_path / 'coordinates.csv'}:2: lat: warning: town Alpha's seat place A1 (its first community "
        "by code, where its station starts every trip) is 19.9 km from its seat in the towns CSV, beyond "
        "its urban radius of 4 km (geography.radius_km); is the position right?"
    ) in err
    assert "Beta" not in err and "Isle" not in err  # (their seat places are at their seats)
    # the tiny county itself: every seat place at its town's seat, no warning
    assert main(["validate", str(TINY)]) == 0
    assert "warning" not in capsys.readouterr().err


def test_settings_under_which_part_of_the_service_never_happens_are_warned_of(tmp_path, capsys):
    # valid what-ifs, but a typo gives the same silent numbers: no orders, nobody showing up, no
    # alert ever accepted, an event that starts after the run has ended
    lockdown = REPO / "scenarios" / "policies" / "aojiang_lockdown.yaml"
    settings = {
        "demand": {"orders_per_1000_per_day": 0},
        "teams": {"show_up": 0},
        "dispatch": {"alerts": {"accept_probability": 0}},
        "run": {"days": 1, "warmup_days": 0.5, "drain_days": 0.5},
    }
    path = tmp_path / "nothing.yaml"
    path.write_text(
        yaml.safe_dump({"extends": str(lockdown), "name": "nothing", **settings}), encoding="utf-8"
    )
    assert main(["validate", str(path)]) == 0
    warned = [line.split(": ")[1] for line in capsys.readouterr().err.splitlines() if "warning:" in line]
    assert warned == [
        "demand.orders_per_1000_per_day",
        "teams.show_up",
        "dispatch.alerts.accept_probability",
        "events[0].start_day",  # (the lockdown and the precaution, both from day 3)
        "events[1].start_day",
    ]
    assert main(["validate", str(lockdown)]) == 0  # the bundled variant itself: no warning
    assert "warning" not in capsys.readouterr().err
