"""Fuzzing the readers and the command line (hypothesis): whatever a scenario, a data CSV or the
arguments hold, Red Vest answers with exit 0, or exit 2 and one line per problem (each naming a
file or option), never a traceback, and never leaves a partial results folder.

Bounded: a fixed number of examples per test (derandomized, so CI always runs the same ones),
no simulation (`run` is stopped where the simulation would start), in all about 20 seconds.
"""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from tests.conftest import run_cli

BASE = Path(__file__).parent / "scenarios" / "base.yaml"
TINY = Path(__file__).parent / "data" / "tiny.yaml"
FUZZ = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
PATHS = [
    "name",
    "description",
    "demand.orders_per_1000_per_day",
    "demand.hour_of_day",
    "teams.show_up",
    "teams.village_members_village",
    "teams.town",
    "teams.town.members",
    "teams.county.count",
    "targets.same_day_cutoff",
    "targets.day_end",
    "targets.urban_share",
    "run.days",
    "run.seed",
    "run.reps",
    "catalog",
    "catalog[0].share",
    "catalog[0].service",
    "dispatch.timeouts_min.rural",
    "geography.travel.ferry.departures",
    "geography.towns_csv",
    "schedules.day.weekday",
    "expect.kpis.urban_10min",
    "pairing.strategy",
    "extends",
]
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.sampled_from(["__delete__", "24:00", "7:5", "٠٧:٠٠", "1e400", "../../etc/passwd", "<script>"]),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=8,
)


cli = run_cli  # (exit status, stderr)


def assert_clean(status: int, err: str) -> None:
    event(f"exit {status}")  # --hypothesis-show-statistics shows both outcomes occur
    assert status in (0, 2), (status, err)
    assert "Traceback" not in err, err
    lines = err.splitlines()
    if status == 2:
        assert lines, "exit 2 without a reason"
    for line in lines:  # one problem per line, each naming where: FILE:..., or the command
        assert line.strip() and ": " in line, line


def set_path(data: dict, path: str, value) -> None:
    node = data
    parts = path.replace("[0]", ".0").split(".")
    for part in parts[:-1]:
        if part == "0":
            if not isinstance(node, list) or not node:
                return
            node = node[0]
            continue
        node = node.setdefault(part, {}) if isinstance(node, dict) else None
        if not isinstance(node, (dict, list)):
            return
    if isinstance(node, dict):
        node[parts[-1]] = value


@pytest.fixture
def county(tmp_path) -> Path:
    folder = tmp_path / "county"
    shutil.copytree(BASE.parent, folder, ignore=shutil.ignore_patterns("bad"))
    return folder


@FUZZ
@given(edits=st.lists(st.tuples(st.sampled_from(PATHS), VALUES), min_size=1, max_size=3))
def test_fuzzed_scenarios_are_valid_or_refused_in_lines(county, edits):
    data = yaml.safe_load((county / "base.yaml").read_text(encoding="utf-8"))
    for path, value in edits:
        set_path(data, path, value)
    scenario = county / "fuzzed.yaml"
    scenario.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert_clean(*cli(["validate", str(scenario)]))


@FUZZ
@given(text=st.text(max_size=200))
def test_fuzzed_scenario_text_is_valid_or_refused_in_lines(county, text):
    scenario = county / "raw.yaml"
    scenario.write_text("extends: base.yaml\n" + text, encoding="utf-8")
    assert_clean(*cli(["validate", str(scenario)]))


CELL = st.one_of(
    st.text(max_size=10),
    st.sampled_from(["nan", "inf", "-1", "1e20", "1e308", "0", "", "٣", '"', "a,b"]),
)


@FUZZ
@given(
    row=st.integers(min_value=0, max_value=4),
    column=st.integers(min_value=0, max_value=9),
    cell=CELL,
    which=st.sampled_from(["towns.csv", "places.csv", "pairing.csv"]),
)
def test_fuzzed_data_files_are_valid_or_refused_in_lines(county, row, column, cell, which):
    path = county / "data" / which
    lines = path.read_text(encoding="utf-8").splitlines()
    r = min(row, len(lines) - 1)
    cells = lines[r].split(",")
    cells[min(column, len(cells) - 1)] = cell.replace("\n", " ")
    lines[r] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert_clean(*cli(["validate", str(county / "base.yaml")]))


class Started(Exception):
    """Raised where the simulation would start: every argument was accepted."""


ARGS = st.lists(
    st.tuples(
        st.sampled_from(
            ["--days", "--reps", "--seed", "--jobs", "--precision", "--max-reps", "--scheduler", "--out"]
        ),
        st.one_of(
            st.sampled_from(
                ["nan", "inf", "-inf", "1e-9", "100000", str(2**70), "0", "1", "2", "0.05", "tcp://h:1"]
            ),
            st.text(max_size=8),
        ),
    ),
    max_size=4,
)


@FUZZ
@given(args=ARGS)
def test_fuzzed_command_lines_exit_0_or_2_and_leave_no_partial_folder(tmp_path, monkeypatch, args):
    def started(*a, **k):
        raise Started

    monkeypatch.setattr("sim.cli.commands.run._simulate", started)
    monkeypatch.setattr("sim.cli.commands.run.RESULTS", tmp_path / "results")  # `--out=`: the default
    monkeypatch.chdir(tmp_path)
    argv = ["run", str(TINY), "--out", "out"]
    for option, value in args:
        argv.append(f"{option}={value}")
    before = set(tmp_path.iterdir())
    try:
        status, err = cli(argv)
    except Started:
        status, err = 0, ""
        event("simulation reached")
    assert_clean(status, err)
    left = {p.name for p in set(tmp_path.iterdir()) - before}
    assert not any(".tmp-" in name for name in left), left  # no temporary folder left behind
    out_dirs = [p for p in tmp_path.rglob("*") if p.is_dir() and p.name != "out" and ".tmp-" in p.name]
    assert out_dirs == []


REPORT_PATHS = [
    ("kpis.json", "reps"),
    ("kpis.json", "days"),
    ("kpis.json", "seed"),
    ("kpis.json", "scenario"),
    ("kpis.json", "kpis.urban_10min.mean"),
    ("kpis.json", "kpis.urban_10min.low"),
    ("kpis.json", "kpis.urban_10min.target"),
    ("kpis.json", "kpis.orders_per_day"),
    ("kpis.json", "replications.0.urban_10min"),
    ("chart_data.json", "targets.urban"),
    ("chart_data.json", "targets.urban_response_min"),
    ("chart_data.json", "towns.orders"),
    ("chart_data.json", "towns.target.0"),
    ("chart_data.json", "places.x_km.0"),
    ("chart_data.json", "places.orders"),
    ("chart_data.json", "places.met.1"),
    ("chart_data.json", "places.zone.0"),
    ("chart_data.json", "county_center_place"),
    ("chart_data.json", "ferry"),
    ("chart_data.json", "response.grid_min"),
    ("chart_data.json", "response.curves.urban.0.0"),
    ("chart_data.json", "response.rural_deadline_min"),
    ("chart_data.json", "outcomes.shares.all.0"),
    ("chart_data.json", "week.orders_per_hour.5"),
    ("chart_data.json", "week.on_duty"),
    ("chart_data.json", "week.on_duty.town.3"),
]
JSON_VALUES = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(10**6), max_value=10**6),
        st.floats(min_value=-1e6, max_value=1e6),
        st.sampled_from([math.nan, math.inf, -math.inf, 1e300, -1e-300]),
        st.text(max_size=6),
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=4), inner, max_size=2)
    ),
    max_leaves=5,
)


@pytest.fixture(scope="module")
def saved_run(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("fuzz") / "saved"
    status, err = cli(["run", str(TINY), "--days", "1", "--reps", "2", "--jobs", "1", "--out", str(out)])
    assert status == 0, err
    return out


def _quick_save(fig, stem, lang="en"):
    """Charts rendered at 20 dpi into the files report expects (the full size takes seconds)."""
    import matplotlib.pyplot as plt

    paths = []
    for ext in ("png", "svg"):
        path = Path(f"{stem}.{ext}")
        path.parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(path, format=ext, dpi=20)
        paths.append(path)
    plt.close(fig)
    return paths


def _set_json(data, path: str, value):
    node, keys = data, path.split(".")
    for key in keys[:-1]:
        node = node[int(key)] if isinstance(node, list) else node[key]
    last = keys[-1]
    if isinstance(node, list):
        node[int(last)] = value
    else:
        node[last] = value


@settings(FUZZ, max_examples=40)
@given(edit=st.sampled_from(REPORT_PATHS), value=JSON_VALUES)
def test_fuzzed_saved_results_report_or_are_refused_in_one_line(
    saved_run, tmp_path, monkeypatch, edit, value
):
    import json

    for module in ("briefing_charts", "map_chart"):  # where the report's charts are saved
        monkeypatch.setattr(f"sim.reporting.{module}.save", _quick_save)
    folder = tmp_path / "copy"
    if folder.exists():
        shutil.rmtree(folder)
    shutil.copytree(saved_run, folder)
    name, path = edit
    data = json.loads((folder / name).read_text(encoding="utf-8"))
    _set_json(data, path, value)
    (folder / name).write_text(json.dumps(data), encoding="utf-8")
    status, err = cli(["report", str(folder)])
    assert_clean(status, err)
    if status == 2:
        assert err.count("\n") == 1, err
