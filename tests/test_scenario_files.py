"""Scenario files: ``extends`` inheritance, YAML edge cases, data files, the validate command."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from sim.cli.main import main
from sim.config.errors import UserError
from sim.config.load import load_scenario
from sim.config.loader import MAX_BYTES
from sim.world.build import build_world

REPO = Path(__file__).resolve().parent.parent
TESTS = REPO / "tests" / "scenarios"
BASE = TESTS / "base.yaml"


def variant(folder: Path, name: str, text: str, parent: Path = BASE) -> Path:
    """Write a variant of ``parent`` into ``folder`` (extends by a relative path)."""
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    rel = os.path.relpath(parent, path.parent)
    path.write_text(f"extends: {rel}\n{text}", encoding="utf-8")
    return path


def test_mappings_merge_deeply_and_lists_replace(tmp_path):
    s = load_scenario(
        variant(tmp_path, "v.yaml", "teams:\n  town: {members: 99}\n  village_skills: [errand]\n")
    )
    assert s.teams.town.members == 99
    assert s.teams.town.skills == ["errand", "visit"]  # inherited beside the changed key
    assert s.teams.town.schedule == "day"
    assert s.teams.village_skills == ["errand"]  # replaced, not appended
    assert s.run.days == 2 and s.name == "test-base"


def test_delete_restores_the_schema_default(tmp_path):
    parent = load_scenario(BASE)
    child = load_scenario(variant(tmp_path, "v.yaml", "teams:\n  village_members_community: __delete__\n"))
    assert parent.teams.village_members_community == 10
    assert child.teams.village_members_community == 38  # the dataclass default


def test_chains_apply_in_order_and_data_paths_stay_relative_to_their_file(tmp_path):
    a = variant(tmp_path / "one", "a.yaml", "name: a\nrun: {days: 3, reps: 5}\n")
    b = variant(tmp_path / "two" / "deeper", "b.yaml", "name: b\nrun: {days: 4}\n", parent=a)
    c = variant(tmp_path, "c.yaml", "run: {seed: 11}\n", parent=b)
    s = load_scenario(c)
    assert (s.name, s.run.days, s.run.reps, s.run.seed) == ("b", 4.0, 5, 11)
    assert Path(s.geography.places_csv) == TESTS / "data" / "places.csv"
    assert len(build_world(s).places) == 6


def test_a_variant_names_its_own_data_relative_to_itself(tmp_path):
    (tmp_path / "mine.csv").write_text((TESTS / "data" / "places.csv").read_text("utf-8"), encoding="utf-8")
    s = load_scenario(variant(tmp_path, "v.yaml", "geography: {places_csv: mine.csv}\n"))
    assert Path(s.geography.places_csv) == tmp_path / "mine.csv"
    assert Path(s.geography.towns_csv) == TESTS / "data" / "towns.csv"


def test_inherited_problem_points_at_the_parent_line_and_own_problem_at_own_line(tmp_path):
    path = variant(tmp_path, "v.yaml", "teams:\n  professional: []\nrun: {reps: 0}\n")
    with pytest.raises(UserError) as err:
        load_scenario(path)
    lines = err.value.lines()
    assert lines[0] == f"{path}:4: run.reps: 0 is out of range; expected a whole number >= 1 (replications)"
    assert lines[1].startswith(f"{os.path.relpath(BASE)}:12: catalog[2].skill: no team offers")


def test_anchors_and_merge_keys_work_and_may_be_overridden(tmp_path):
    text = (
        "schedules:\n  day: &day\n    weekday: &w [0,0,0,0,0,0,0,0.2,0.2,0.2,0.2,0.2,0.2,"
        "0.2,0.2,0.2,0.2,0.2,0.2,0.1,0.1,0.1,0,0]\n    weekend: *w\n"
        "  late:\n    <<: *day\n    weekend: [0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0.5,0.5,"
        "0.5,0.5,0.5]\n"
    )
    s = load_scenario(variant(tmp_path, "v.yaml", text))
    assert s.schedules["late"].weekday == s.schedules["day"].weekday
    assert s.schedules["late"].weekend[-1] == 0.5


def test_a_huge_file_is_refused_without_parsing(tmp_path):
    path = tmp_path / "big.yaml"
    path.write_text("name: x\n" + "# padding\n" * (MAX_BYTES // 10 + 1), encoding="utf-8")
    with pytest.raises(UserError) as err:
        load_scenario(path)
    assert err.value.lines() == [
        f"{path}: file is larger than {MAX_BYTES:,} bytes; expected a scenario of a reasonable size"
    ]


def test_a_user_travel_matrix_and_coordinates_are_used_when_valid(tmp_path):
    codes = ["100001", "100002", "100201", "101001", "101201", "102201"]
    rows = ["code," + ",".join(codes)]
    rows += [c + "," + ",".join(str(abs(i - j) * 7) for j in range(6)) for i, c in enumerate(codes)]
    (tmp_path / "m.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    places = "".join(f"{c},27.7,120.{6 + k},{5000 + k}\n" for k, c in enumerate(codes))  # every place
    (tmp_path / "c.csv").write_text("code,lat,lon,population\n" + places, encoding="utf-8")
    world = build_world(
        load_scenario(
            variant(
                tmp_path, "v.yaml", "geography:\n  coordinates_csv: c.csv\n  travel: {matrix_csv: m.csv}\n"
            )
        )
    )
    assert world.travel.nominal(0, 5) == 35.0
    assert world.places.population[0] == 5000


def test_town_overrides_change_only_that_towns_village_teams(tmp_path):
    base = build_world(load_scenario(BASE))
    schedule = build_world(
        load_scenario(
            variant(
                tmp_path, "s.yaml", "teams:\n  town_overrides:\n    Aojiang: {village_schedule: office}\n"
            )
        )
    )
    members = build_world(
        load_scenario(
            variant(
                tmp_path, "m.yaml", "teams:\n  town_overrides:\n    aojiang: {village_members_per_1000: 2}\n"
            )
        )
    )
    aojiang = base.towns.pinyin.index("Aojiang")
    for i, name in enumerate(base.teams.name):
        changed = not np.array_equal(schedule.teams.scheduled[i], base.teams.scheduled[i])
        assert changed == (name == "village:101201"), name  # Aojiang's only village
        grew = members.teams.members[i] > base.teams.members[i]
        assert grew == (name.startswith("village:") and int(base.teams.town[i]) == aojiang), name
    target = base.teams.name.index("village:101201")
    assert schedule.teams.scheduled[target][:24].max() > 0
    assert schedule.teams.scheduled[target][:8].sum() == 0  # office hours: nobody before 08:00


def test_validate_reports_every_file_and_fails_if_any_is_bad(capsys, monkeypatch):
    monkeypatch.chdir(REPO)
    status = main(
        [
            "validate",
            "tests/scenarios/base.yaml",
            "tests/scenarios/bad/run_as_text.yaml",
            "tests/scenarios/bad/negative_rate.yaml",
        ]
    )
    out, err = capsys.readouterr()
    assert status == 2
    assert out == "tests/scenarios/base.yaml: ok\n"
    assert err.splitlines() == [
        "tests/scenarios/bad/run_as_text.yaml: file not found; expected a scenario YAML file",
        *(TESTS / "bad" / "negative_rate.expected").read_text().splitlines(),
    ]


def test_shipped_scenarios_and_policies_are_valid(capsys, monkeypatch):
    monkeypatch.chdir(REPO)
    files = sorted(
        str(p.relative_to(REPO))
        for p in [*REPO.glob("scenarios/*.yaml"), *REPO.glob("scenarios/policies/*.yaml")]
    )
    assert len(files) >= 4
    assert main(["validate", *files]) == 0
    out, err = capsys.readouterr()
    assert out.splitlines() == [f"{f}: ok" for f in files]
    assert err == ""


def test_an_item_only_never_on_duty_teams_offer_is_a_warning(tmp_path, capsys):
    path = variant(
        tmp_path, "v.yaml", "schedules:\n  office:\n    weekday: [" + ", ".join(["0"] * 24) + "]\n"
    )
    assert main(["validate", str(path)]) == 0
    out, err = capsys.readouterr()
    assert out == f"{path}: ok\n"
    assert err == (
        f"{os.path.relpath(BASE)}:22: teams.professional[0].schedule: warning: schedule 'office' is "
        "never on duty; orders skip this team's tier at once (docs/model.md)\n"
        f"{os.path.relpath(BASE)}:12: catalog[2].skill: warning: no team that is ever "
        "on duty offers skill 'legal'; the item can never be served\n"
    )


def test_an_item_needing_more_volunteers_than_any_team_has_is_a_warning(tmp_path, capsys):
    catalog = (
        "catalog:\n"
        "  - {id: grocery, skill: errand, share: 0.5}\n"
        "  - {id: visit, skill: visit, share: 0.3}\n"
        "  - {id: legal, skill: legal, share: 0.2, professional: true, volunteers: 11}\n"
    )
    path = variant(tmp_path, "v.yaml", catalog)
    assert main(["validate", str(path)]) == 0
    assert capsys.readouterr().err == (
        f"{path}:5: catalog[2].volunteers: warning: 11 volunteers needed but no team offering "
        "skill 'legal' has more than 10 members; the item can never be served\n"
    )


def test_professional_items_without_reviewers_are_a_warning(tmp_path, capsys):
    path = variant(tmp_path, "v.yaml", "admin: {reviewers: 0, after_hours: next_morning}\n")
    assert main(["validate", str(path)]) == 0
    err = capsys.readouterr().err
    assert (
        err == f"{path}:2: admin: warning: no administrator reviews professional orders "
        "(reviewers 0 or no office hours, and none on call); professional items can never be served\n"
    )
    # an on-call reviewer reviews them outside office hours: they are served, later
    path = variant(tmp_path, "w.yaml", "admin: {reviewers: 0, after_hours: on_call, on_call_reviewers: 1}\n")
    assert main(["validate", str(path)]) == 0
    assert capsys.readouterr().err == ""
