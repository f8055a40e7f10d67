"""`report` reads only what it has checked: wrong types or shapes in kpis.json or
chart_data.json give one line naming the file and value (exit 2), never a traceback; the
Markdown briefing escapes names and descriptions as the HTML one does."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from sim.cli.main import main
from sim.results.causes import CAUSES

TINY = Path(__file__).parent / "data" / "tiny.yaml"


@pytest.fixture(scope="module")
def saved(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("report") / "saved"
    assert main(["run", str(TINY), "--days", "1", "--reps", "2", "--jobs", "1", "--out", str(out)]) == 0
    return out


def _copy(saved: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "copy"
    shutil.copytree(saved, folder)
    return folder


def _edit(folder: Path, name: str, change) -> None:
    path = folder / name
    data = json.loads(path.read_text(encoding="utf-8"))
    new = change(data)
    data = data if new is None else new
    path.write_text(json.dumps(data), encoding="utf-8")


def _node(data, keys: list[str]):
    for key in keys:
        data = data[int(key)] if isinstance(data, list) else data[key]
    return data


def _set(path: str, value):
    def change(data):
        keys = path.split(".")
        node = _node(data, keys[:-1])
        node[int(keys[-1]) if isinstance(node, list) else keys[-1]] = value

    return change


def _drop(path: str):
    def change(data):
        keys = path.split(".")
        del _node(data, keys[:-1])[keys[-1]]

    return change


CASES = [
    ("kpis.json", lambda d: [], "kpis.json: (top level): is a list; expected a mapping"),
    ("kpis.json", _set("reps", "two"), "kpis.json: reps: is text; expected whole number"),
    ("kpis.json", _set("reps", 5), "kpis.json: replications: has 2 entries; expected reps = 5"),
    ("kpis.json", _set("kpis.urban_10min.mean", [1]), "kpis.json: kpis.urban_10min.mean: is a list"),
    ("kpis.json", _set("kpis.urban_10min.target_op", "=~"), "kpis.urban_10min.target_op: is '=~'"),
    ("kpis.json", lambda d: {k: v for k, v in d.items() if k != "seed"}, "kpis.json: seed: is missing"),
    ("chart_data.json", _set("places.x_km", "far"), "chart_data.json: places.x_km: is text; expected a list"),
    (
        "chart_data.json",
        _set("places.y_km", [1.0]),
        "chart_data.json: places.y_km: has 1 entries; expected 5",
    ),
    (
        "chart_data.json",
        _set("county_center_place", 99),
        "county_center_place: 99 is not an index; expected 0..4",
    ),
    ("chart_data.json", _set("places.town", [0, 0, 7, 1, 2]), "places.town[2]: 7 is not an index"),
    ("chart_data.json", _set("week.busy_all", [0.0] * 10), "week.busy_all: has 10 entries; expected 168"),
    ("chart_data.json", _set("response.curves.urban", [[0.5]]), "response.curves.urban[0]: has 1 points"),
    ("chart_data.json", _set("targets.urban", True), "targets.urban: is true/false; expected finite number"),
    ("chart_data.json", _set("outcomes.shares", {"all": [0.1]}), "outcomes.shares.all: has 1 entries"),
    (
        "chart_data.json",
        _set("targets.urban", 507891),
        "targets.urban: 507891 is out of range; expected a share",
    ),
    ("kpis.json", _set("days", None), "kpis.json: days: is null; expected finite number"),
    (
        "kpis.json",
        _drop("miss_causes.groups.urban.travel"),
        "kpis.json: miss_causes.groups.urban.travel: is missing; expected the missed orders of each cause",
    ),
    (
        "kpis.json",
        _drop("miss_causes.groups.rural.missed"),
        "kpis.json: miss_causes.groups.rural.missed: is missing",
    ),
    (
        "kpis.json",
        _set("miss_causes.promises.urban_10min_arrival.travel", -3),
        "kpis.json: miss_causes.promises.urban_10min_arrival.travel: -3 is out of range",
    ),
    (
        "kpis.json",
        _drop("miss_causes.promises_before_cutoff.rural_by_midnight.missed"),
        "kpis.json: miss_causes.promises_before_cutoff.rural_by_midnight.missed: is missing",
    ),
    (
        "kpis.json",
        _set("miss_causes.causes", [*CAUSES, "teleport"]),
        f"kpis.json: miss_causes.causes[{len(CAUSES)}]: 'teleport' is not a cause; expected one of "
        "no_volunteer,",
    ),
    (
        "kpis.json",
        lambda d: d["miss_causes"]["groups"].update(town=d["miss_causes"]["groups"]["urban"]) or d,
        "miss_causes.groups.town: 'town' is not a group; expected one of urban, rural, professional",
    ),
    (
        "kpis.json",
        _drop("kpis.urban_10min.target"),
        "kpis.json: kpis.urban_10min: has a verdict but no target",
    ),
    ("chart_data.json", _drop("targets.day_end"), "chart_data.json: targets.day_end: is missing"),
    (
        "chart_data.json",
        _set("targets.urban_response_event", "smile"),
        "targets.urban_response_event: is 'smile'; expected one of acceptance, arrival",
    ),
    (
        "chart_data.json",
        _set("outcomes.categories.0", "beamed"),
        "outcomes.categories[0]: 'beamed' is not an outcome; expected one of village,",
    ),
]


@pytest.mark.parametrize("name, change, message", CASES, ids=[c[2][:40] for c in CASES])
def test_malformed_saved_results_give_one_line(saved, tmp_path, capsys, name, change, message):
    folder = _copy(saved, tmp_path)
    _edit(folder, name, change)
    status = main(["report", str(folder)])
    err = capsys.readouterr().err
    assert status == 2
    assert message in err and err.count("\n") == 1 and "Traceback" not in err, err


def test_markdown_briefing_escapes_names_and_descriptions(saved, tmp_path, capsys):
    folder = _copy(saved, tmp_path)
    _edit(folder, "kpis.json", _set("description", "<script>alert(1)</script> *loud* [x](http://e.vil)"))
    _edit(folder, "kpis.json", _set("scenario", "<img src=x onerror=alert(1)>"))
    _edit(folder, "kpis.json", _set("title", "<img src=x onerror=alert(1)>"))  # titles show it
    assert main(["report", str(folder)]) == 0
    text = (folder / "briefing.md").read_text(encoding="utf-8")
    assert "<script>" not in text and "<img" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; \\*loud\\* \\[x\\](http://e.vil)" in text
    assert "# Volunteer service coverage: &lt;img src=x onerror=alert(1)&gt;" in text
    page = (folder / "briefing.html").read_text(encoding="utf-8")
    assert "<script>alert" not in page and "&lt;script&gt;" in page
